// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// What ranks exchange survives the trip exactly: histograms (so merged
// percentiles are exact), intervals, final reports; plus target
// placeholders and the single-process agreement path.
#include <gtest/gtest.h>

#include <stdexcept>

#include "cluster/agreement.h"
#include "cluster/process_group.h"
#include "cluster/result_wire.h"
#include "cluster/target_scope.h"
#include "job/usage_error.h"
#include "workload/random_source.h"

namespace iopulse {
namespace {

LatencyHistogram sample_histogram(uint64_t seed, int n) {
  LatencyHistogram h;
  RandomSource rng(seed);
  for (int i = 0; i < n; ++i) h.record(rng.next() % 50'000'000);
  h.record(uint64_t{1} << 50);  // past the trackable limit: the last bucket
  return h;
}

void expect_same(const LatencyHistogram& a, const LatencyHistogram& b) {
  EXPECT_EQ(a.count(), b.count());
  EXPECT_EQ(a.min(), b.min());
  EXPECT_EQ(a.max(), b.max());
  EXPECT_EQ(a.sum(), b.sum());
  EXPECT_EQ(a.stddev(), b.stddev());
  for (double p : {1.0, 50.0, 90.0, 99.0, 99.9, 99.99, 100.0}) EXPECT_EQ(a.percentile(p), b.percentile(p)) << p;
  EXPECT_EQ(a.to_words(), b.to_words());
}

TEST(ClusterWire, HistogramWordsRebuildTheSameHistogram) {
  const LatencyHistogram h = sample_histogram(1, 10000);
  LatencyHistogram back;
  ASSERT_TRUE(back.from_words(h.to_words()));
  expect_same(h, back);
  LatencyHistogram empty;
  ASSERT_TRUE(back.from_words(empty.to_words()));
  EXPECT_EQ(back.count(), 0u);
}

TEST(ClusterWire, MalformedHistogramWordsAreRejected) {
  std::vector<uint64_t> words = sample_histogram(2, 100).to_words();
  LatencyHistogram h;
  std::vector<uint64_t> wrong_count = words;
  wrong_count[0] += 1;  // buckets no longer sum to count
  EXPECT_FALSE(h.from_words(wrong_count));
  EXPECT_EQ(h.count(), 0u);
  std::vector<uint64_t> bad_index = words;
  bad_index[6] = LatencyHistogram::bucket_count();
  EXPECT_FALSE(h.from_words(bad_index));
  EXPECT_FALSE(h.from_words({1, 2, 3}));
}

TEST(ClusterWire, MergingReceivedHistogramsEqualsMergingTheOriginals) {
  const LatencyHistogram a = sample_histogram(3, 5000), b = sample_histogram(4, 7000);
  LatencyHistogram local = a;
  local.merge(b);
  LatencyHistogram ra, rb;
  ASSERT_TRUE(ra.from_words(a.to_words()));
  ASSERT_TRUE(rb.from_words(b.to_words()));
  ra.merge(rb);
  expect_same(local, ra);
}

TEST(ClusterWire, IntervalsKeepTheirRun) {
  MergedInterval m;
  m.index = 7;
  m.ops[OpKind::kRead].ops = 12;
  m.ops[OpKind::kRead].bytes = 12 * 4096;
  m.ops[OpKind::kRead].latency = sample_histogram(5, 12);
  m.ops[OpKind::kWrite].errors = 2;
  m.inflight_sum = 99;
  m.reap_calls = 33;
  const std::string bytes = encode_interval(3, m);
  MergedInterval back;
  EXPECT_FALSE(decode_interval(bytes, 2, back));  // another phase's
  ASSERT_TRUE(decode_interval(bytes, 3, back));
  EXPECT_EQ(back.index, 7u);
  EXPECT_EQ(back.ops[OpKind::kRead].bytes, 12u * 4096);
  EXPECT_EQ(back.ops[OpKind::kWrite].errors, 2u);
  EXPECT_EQ(back.inflight_sum, 99u);
  EXPECT_EQ(back.reap_calls, 33u);
  expect_same(back.ops[OpKind::kRead].latency, m.ops[OpKind::kRead].latency);
  EXPECT_FALSE(back.last);
  m.last = true;  // a rank's final interval, which may be partial
  ASSERT_TRUE(decode_interval(encode_interval(3, m), 3, back));
  EXPECT_TRUE(back.last);
  EXPECT_THROW(decode_interval("not msgpack \xc1", 3, back), std::runtime_error);
}

TEST(ClusterWire, RankReportsRoundTrip) {
  RankReport r;
  r.result.rank = 3;
  r.result.host = "node-7";
  r.result.workers = 4;
  r.result.target = "/mnt/node-7/data";
  r.result.window_ns = 123456789;
  r.result.stop_reason = StopReason::kError;
  r.result.write.ops = 10;
  r.result.write.latency = sample_histogram(6, 10);
  r.result.resources.user_s = 1.5;
  r.result.resources.max_rss_bytes = 1 << 20;
  r.result.verify_failures = 1;
  r.result.lock_conflicts = 5;
  r.result.first_error = 84;
  r.result.meta[OpKind::kStat].ops = 9;
  r.result.priority.others.read.ops = 2;
  r.result.replay_lag = sample_histogram(3, 7);
  r.result.schedule_lag = sample_histogram(4, 2);
  r.interrupted = true;
  r.error_messages = {"read of 4096 bytes at offset 0 in 'x': Input/output error"};
  r.groups.push_back({"scan", {}, {}, {}, {}});
  r.groups[0].first_error = 28;
  r.start_realtime_ns = 42;
  r.ops_at_first = 8;
  r.bytes_at_first = 8 * 4096;
  r.cores_used = 4;
  RunResult::WorkerResult clone;
  clone.group = 1;
  clone.read.ops = 7;
  clone.read.latency = sample_histogram(5, 7);
  clone.span_ns = 99;
  clone.usage.system_s = 0.25;
  clone.usage.voluntary_switches = 12;
  clone.first_error = 5;
  r.worker_results = {RunResult::WorkerResult{}, clone};
  const RankReport back = decode_rank_report(encode_rank_report(r));
  EXPECT_EQ(back.result.rank, 3u);
  EXPECT_EQ(back.result.host, "node-7");
  EXPECT_EQ(back.result.target, "/mnt/node-7/data");
  EXPECT_EQ(back.result.window_ns, 123456789u);
  EXPECT_EQ(back.result.stop_reason, StopReason::kError);
  expect_same(back.result.write.latency, r.result.write.latency);
  EXPECT_EQ(back.result.resources.user_s, 1.5);
  EXPECT_EQ(back.result.resources.max_rss_bytes, 1u << 20);
  EXPECT_EQ(back.result.verify_failures, 1u);
  EXPECT_EQ(back.result.lock_conflicts, 5u);
  EXPECT_EQ(back.result.first_error, 84);
  EXPECT_EQ(back.result.meta[OpKind::kStat].ops, 9u);
  EXPECT_EQ(back.result.priority.others.read.ops, 2u);
  expect_same(back.result.replay_lag, r.result.replay_lag);
  expect_same(back.result.schedule_lag, r.result.schedule_lag);
  EXPECT_TRUE(back.interrupted);
  EXPECT_EQ(back.error_messages, r.error_messages);
  ASSERT_EQ(back.groups.size(), 1u);
  EXPECT_EQ(back.groups[0].name, "scan");
  EXPECT_EQ(back.groups[0].first_error, 28);
  EXPECT_EQ(back.start_realtime_ns, 42u);
  EXPECT_EQ(back.ops_at_first, 8u);
  EXPECT_EQ(back.bytes_at_first, 8u * 4096);
  EXPECT_EQ(back.cores_used, 4u);
  ASSERT_EQ(back.worker_results.size(), 2u);
  EXPECT_EQ(back.worker_results[1].group, 1u);
  EXPECT_EQ(back.worker_results[1].read.ops, 7u);
  expect_same(back.worker_results[1].read.latency, clone.read.latency);
  EXPECT_EQ(back.worker_results[1].span_ns, 99u);
  EXPECT_EQ(back.worker_results[1].usage.system_s, 0.25);
  EXPECT_EQ(back.worker_results[1].usage.voluntary_switches, 12u);
  EXPECT_EQ(back.worker_results[0].read.ops, 0u);
  EXPECT_EQ(back.worker_results[1].first_error, 5);
  EXPECT_EQ(back.worker_results[0].first_error, 0);
}

TEST(TargetTemplate, RankAndHostAreReplacedEverywhere) {
  EXPECT_EQ(expand_target_template("/mnt/{host}/data.{rank}", 12, "node-3"), "/mnt/node-3/data.12");
  EXPECT_EQ(expand_target_template("/{rank}/{rank}", 0, "h"), "/0/0");
  // Other braces are part of the path.
  EXPECT_EQ(expand_target_template("/mnt/{hosts}/{}/{rank", 1, "h"), "/mnt/{hosts}/{}/{rank");
}

// A file that a lower rank with another list names too is that rank's to
// prepare; the same list is one target the ranks split (no file is another
// rank's then); paths compare lexically normalized.
TEST(TargetScope, AFileALowerRankAlsoNamesIsPreparedThere) {
  const std::vector<std::vector<std::string>> lists = {
      {"/x/0", "/x/common"}, {"/x/1", "/x//common"}, {"/y/2"}, {"/x/./common", "/x/3"}};
  EXPECT_TRUE(named_by_a_lower_rank(lists, 0).empty());
  EXPECT_EQ(named_by_a_lower_rank(lists, 1), (std::set<std::string>{"/x/common"}));
  EXPECT_TRUE(named_by_a_lower_rank(lists, 2).empty());
  EXPECT_EQ(named_by_a_lower_rank(lists, 3), (std::set<std::string>{"/x/common"}));
  // The same list on two ranks: split between them, each preparing its part.
  EXPECT_TRUE(named_by_a_lower_rank({{"/a", "/b"}, {"/a", "/b"}}, 1).empty());
  // One target on a lower rank inside a higher rank's list.
  EXPECT_EQ(named_by_a_lower_rank({{"/a"}, {"/b", "/a"}}, 1), (std::set<std::string>{"/a"}));
  EXPECT_EQ(normalized_path("/m/{host}/../common"), "/m/common");
}

TEST(Agreement, AloneErrorsPassThroughUnchanged) {
  int argc = 1;
  char arg0[] = "iopulse";
  char* argv_storage[] = {arg0, nullptr};
  char** argv = argv_storage;
  const std::unique_ptr<ProcessGroup> group = join_process_group(argc, argv);
  ASSERT_EQ(group->size(), 1u);
  EXPECT_THROW(agree_on(*group, [] { throw UsageError("--threads: 0"); }), UsageError);
  EXPECT_NO_THROW(agree_on(*group, [] {}));
  EXPECT_NO_THROW(agree_on_errors(*group, 1, ""));
  try {
    agree_on_errors(*group, 1, "disk on fire");
    FAIL() << "no failure";
  } catch (const AgreedFailure& e) {
    EXPECT_EQ(e.exit_code(), 1);
    EXPECT_STREQ(e.what(), "disk on fire");
  }
}

}  // namespace
}  // namespace iopulse
