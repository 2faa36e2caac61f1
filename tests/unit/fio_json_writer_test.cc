// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "report/fio_json_writer.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "job/steady_state_spec.h"
#include "stats/latency_histogram.h"
#include "stats/steady_state_detector.h"

namespace iopulse {
namespace {

// Grouping as a fio job file gives it; the other fields keep their defaults.
FioReportGroups grouping(bool group_reporting, std::vector<std::vector<uint32_t>> groupids = {}) {
  FioReportGroups g;
  g.group_reporting = group_reporting;
  g.groupids = std::move(groupids);
  return g;
}

// fio's bins as fio computes them (stat.c), written out independently.
TEST(FioJsonWriterTest, BinsAreFiosOwn) {
  EXPECT_EQ(fio_bin_index(0), 0u);
  EXPECT_EQ(fio_bin_index(127), 127u);
  EXPECT_EQ(fio_bin_index(128), 128u);       // msb 7: error bits 1, base 128
  EXPECT_EQ(fio_bin_index(129), 128u);
  EXPECT_EQ(fio_bin_index(130), 129u);
  EXPECT_EQ(fio_bin_value(128), 129u);       // 128 + 0.5 * 2
  EXPECT_EQ(fio_bin_index(1000), 4 * 64u + (1000 >> 3) % 64);  // msb 9: error bits 3, base 256
  EXPECT_EQ(fio_bin_index(uint64_t{1} << 50), 29 * 64u - 1);  // clamped to fio's last bin
}

// Every IOPulse bucket lies inside one fio bin, so re-binning loses nothing.
TEST(FioJsonWriterTest, EveryHistogramBucketIsOneFioBin) {
  for (size_t i = 0; i < LatencyHistogram::bucket_count(); ++i) {
    const uint64_t lo = LatencyHistogram::bucket_lower(i), hi = LatencyHistogram::bucket_upper(i) - 1;
    if (lo >= (uint64_t{1} << 34)) break;  // beyond fio's range (17 s), where fio clamps
    ASSERT_EQ(fio_bin_index(lo), fio_bin_index(hi)) << "bucket " << i << " [" << lo << ", " << hi << "]";
    ASSERT_GE(fio_bin_value(fio_bin_index(lo)), lo);
    ASSERT_LE(fio_bin_value(fio_bin_index(lo)), hi + 1);
  }
}

// fio's runtime per direction: whole milliseconds rounded up, so a direction
// that did IO in under a millisecond shows 1, and one that did none 0.
TEST(FioJsonWriterTest, RuntimesAreWholeMillisecondsRoundedUpAsFios) {
  RunResult run;
  run.window_ns = 320'000;  // 0.32 ms
  run.write.ops = 64;
  run.write.bytes = 64 * 4096;
  const nlohmann::json j = fio_json_document(run, FioJsonFlavour::kJson, {});
  EXPECT_EQ(j["jobs"][0]["write"]["runtime"], 1);
  EXPECT_EQ(j["jobs"][0]["read"]["runtime"], 0);
  EXPECT_EQ(j["jobs"][0]["trim"]["runtime"], 0);
  run.window_ns = 2'000'000;  // exactly 2 ms stays 2
  EXPECT_EQ(fio_json_document(run, FioJsonFlavour::kJson, {})["jobs"][0]["write"]["runtime"], 2);
  // "elapsed": the run's whole seconds so far, rounded up, its preparation
  // included (fio's time since it started).
  run.preparation_ns = 1'500'000'000;
  EXPECT_EQ(fio_json_document(run, FioJsonFlavour::kJson, {})["jobs"][0]["elapsed"], 2);
  // The time since the process started when the caller knows it (start
  // delays and the time between phases included).
  FioReportGroups since_start;
  since_start.elapsed_ns = 4'000'000'001;
  EXPECT_EQ(fio_json_document(run, FioJsonFlavour::kJson, since_start)["jobs"][0]["elapsed"], 5);
}

// clat's percentiles: fio's default list, or the run's (percentile_list,
// --fio-percentiles), keyed as fio keys them ("%f"); lat_ns has none.
// 1000 reads of 1..1000 us: the 50th is 500 us, the 99.5th 995 us (within a
// bucket's width).
TEST(FioJsonWriterTest, PercentilesAreTheListGiven) {
  RunResult run;
  run.window_ns = 1'000'000'000;
  run.read.ops = 1000;
  run.read.bytes = 1000 * 4096;
  for (uint64_t us = 1; us <= 1000; ++us) run.read.latency.record(us * 1000);
  const nlohmann::json fio_default = fio_json_document(run, FioJsonFlavour::kJson, {})["jobs"][0]["read"];
  EXPECT_EQ(fio_default["clat_ns"]["percentile"].size(), 17u);
  EXPECT_TRUE(fio_default["clat_ns"]["percentile"].contains("99.990000"));
  FioReportGroups listed;
  listed.percentiles = {50, 99.5};
  const nlohmann::json read = fio_json_document(run, FioJsonFlavour::kJson, listed)["jobs"][0]["read"];
  const nlohmann::json& p = read["clat_ns"]["percentile"];
  ASSERT_EQ(p.size(), 2u);
  EXPECT_NEAR(p["50.000000"].get<double>(), 500'000, 500'000 / 64.0);
  EXPECT_NEAR(p["99.500000"].get<double>(), 995'000, 995'000 / 64.0);
  EXPECT_FALSE(read["lat_ns"].contains("percentile"));
}

// fio writes the percentiles and the bins ascending ("1.000000" before
// "10.000000", bin 999 before 1000); readers that keep the document's order
// (a table of the percentiles, a CDF from the bins) see the same.
TEST(FioJsonWriterTest, PercentilesAndBinsAreWrittenAscendingAsFios) {
  RunResult run;
  run.window_ns = 1'000'000'000;
  run.read.ops = 1000;
  run.read.bytes = 1000 * 4096;
  for (uint64_t ns = 100; ns <= 100'000; ns += 100) run.read.latency.record(ns);
  const std::string text = fio_json_document(run, FioJsonFlavour::kJsonPlus, {}).dump();
  const nlohmann::ordered_json clat = nlohmann::ordered_json::parse(text)["jobs"][0]["read"]["clat_ns"];
  std::vector<double> percentiles, bins;
  for (const auto& [key, value] : clat["percentile"].items()) percentiles.push_back(std::stod(key));
  for (const auto& [key, value] : clat["bins"].items()) bins.push_back(std::stod(key));
  ASSERT_EQ(percentiles.size(), 17u);
  EXPECT_EQ(percentiles.front(), 1.0);
  EXPECT_EQ(percentiles.back(), 99.99);
  EXPECT_TRUE(std::is_sorted(percentiles.begin(), percentiles.end()));
  ASSERT_GT(bins.size(), 100u);  // 100 ns to 100 us spans bins of 2-, 3- and 4-digit values
  EXPECT_TRUE(std::is_sorted(bins.begin(), bins.end()));
}

// unified_rw_reporting: "mixed" sums reads, writes and trims (their
// latencies merged) and replaces the directions and sync; "both" adds it.
TEST(FioJsonWriterTest, UnifiedReportingMergesTheDirectionsAsFio) {
  RunResult run;
  run.window_ns = 1'000'000'000;
  run.read.ops = 30;
  run.read.bytes = 30 * 4096;
  run.write.ops = 10;
  run.write.bytes = 10 * 4096;
  for (int i = 0; i < 30; ++i) run.read.latency.record(1000);
  for (int i = 0; i < 10; ++i) run.write.latency.record(9000);
  FioReportGroups mixed;
  mixed.unified = FioUnifiedRw::kMixed;
  const nlohmann::json m = fio_json_document(run, FioJsonFlavour::kJson, mixed)["jobs"][0];
  for (const char* dir : {"read", "write", "trim", "sync"}) EXPECT_FALSE(m.contains(dir)) << dir;
  EXPECT_EQ(m["mixed"]["total_ios"], 40);
  EXPECT_EQ(m["mixed"]["io_bytes"], 40 * 4096);
  EXPECT_EQ(m["mixed"]["iops"], 40.0);
  EXPECT_EQ(m["mixed"]["clat_ns"]["N"], 40);
  EXPECT_EQ(m["mixed"]["clat_ns"]["max"], 9000);
  FioReportGroups both;
  both.unified = FioUnifiedRw::kBoth;
  const nlohmann::json b = fio_json_document(run, FioJsonFlavour::kJson, both)["jobs"][0];
  EXPECT_EQ(b["read"]["total_ios"], 30);
  EXPECT_EQ(b["write"]["total_ios"], 10);
  EXPECT_EQ(b["mixed"]["total_ios"], 40);
  EXPECT_FALSE(fio_json_document(run, FioJsonFlavour::kJson, {})["jobs"][0].contains("mixed"));
}

// With a priority on a share of IOs, fio writes "prios": the IOs without a
// priority (class 0) first, then the prioritized ones; a direction with only
// one priority that has samples gets none.
TEST(FioJsonWriterTest, PrioritySplitBecomesFiosPrios) {
  RunResult run;
  run.window_ns = 1'000'000'000;
  run.io_priority = IOP_IOPRIO_VALUE(IOP_IOPRIO_CLASS_RT, 3);
  run.io_priority_percent = 25;
  for (int i = 0; i < 30; ++i) run.priority.record(IOP_OP_READ, true, 4096, 5000);
  for (int i = 0; i < 90; ++i) run.priority.record(IOP_OP_READ, false, 4096, 9000);
  for (int i = 0; i < 7; ++i) run.priority.record(IOP_OP_WRITE, true, 4096, 5000);
  run.read.ops = 120;
  run.write.ops = 7;
  const nlohmann::json j = fio_json_document(run, FioJsonFlavour::kJsonPlus, {});
  const nlohmann::json& prios = j["jobs"][0]["read"]["prios"];
  ASSERT_EQ(prios.size(), 2u);
  EXPECT_EQ(prios[0]["prioclass"], 0);
  EXPECT_EQ(prios[0]["prio"], 0);
  EXPECT_EQ(prios[0]["clat_ns"]["N"], 90);
  EXPECT_EQ(prios[1]["prioclass"], IOP_IOPRIO_CLASS_RT);
  EXPECT_EQ(prios[1]["prio"], 3);
  EXPECT_EQ(prios[1]["clat_ns"]["N"], 30);
  EXPECT_TRUE(prios[1]["clat_ns"].contains("bins"));
  EXPECT_FALSE(j["jobs"][0]["write"].contains("prios"));
  run.io_priority = 0;
  EXPECT_FALSE(fio_json_document(run, FioJsonFlavour::kJson, {})["jobs"][0]["read"].contains("prios"));
}

TEST(FioJsonWriterTest, PhasesAndGroupsBecomeJobs) {
  RunResult run;
  run.iopulse_version = "9.9.9";
  RunResult a;
  a.phase = "fill";
  a.window_ns = 2'000'000'000;
  a.write.ops = 100;
  a.write.bytes = 409600;
  for (int i = 0; i < 100; ++i) a.write.latency.record(1000 + i);
  RunResult b;
  b.phase = "phase-2";
  b.window_ns = 1'000'000'000;
  b.groups.push_back({"r1", {}, {}, {}, {}});
  b.groups.push_back({"r2", {}, {}, {}, {}});
  b.groups[0].read.ops = 10;
  b.groups[1].read.ops = 30;
  b.read.ops = 40;
  run.phases = {a, b};
  const nlohmann::json j = fio_json_document(run, FioJsonFlavour::kJsonPlus, {});
  EXPECT_EQ(j["fio version"], "iopulse-9.9.9");
  ASSERT_EQ(j["jobs"].size(), 3u);
  EXPECT_EQ(j["jobs"][0]["jobname"], "fill");
  EXPECT_EQ(j["jobs"][0]["write"]["total_ios"], 100);
  EXPECT_EQ(j["jobs"][0]["write"]["iops"], 50.0);
  EXPECT_EQ(j["jobs"][0]["write"]["bw"], 200);  // KiB/s
  uint64_t binned = 0;
  for (const auto& [value, count] : j["jobs"][0]["write"]["clat_ns"]["bins"].items()) binned += count.get<uint64_t>();
  EXPECT_EQ(binned, 100u);
  EXPECT_EQ(j["jobs"][1]["jobname"], "r1");
  EXPECT_EQ(j["jobs"][1]["groupid"], 1);
  EXPECT_EQ(j["jobs"][2]["read"]["total_ios"], 30);
  const nlohmann::json grouped = fio_json_document(run, FioJsonFlavour::kJson, grouping(true));
  ASSERT_EQ(grouped["jobs"].size(), 2u);
  EXPECT_EQ(grouped["jobs"][1]["read"]["total_ios"], 40);
  EXPECT_FALSE(grouped["jobs"][0]["write"]["clat_ns"].contains("bins"));
}

// A phase of three jobs, the last two a reporting group of their own
// (new_group): each job keeps its groupid, and group_reporting merges only
// the jobs of one groupid.
TEST(FioJsonWriterTest, ReportingGroupsInsideAPhase) {
  RunResult run;
  RunResult p;
  p.phase = "phase-1";
  p.window_ns = 1'000'000'000;
  for (const char* name : {"a", "b", "c"}) p.groups.push_back({name, {}, {}, {}, {}});
  p.groups[0].read.ops = 10;
  p.groups[1].read.ops = 20;
  p.groups[2].read.ops = 30;
  for (int i = 0; i < 20; ++i) p.groups[1].read.latency.record(1000);
  for (int i = 0; i < 30; ++i) p.groups[2].read.latency.record(3000);
  p.read.ops = 60;
  run.phases = {p};
  const FioReportGroups split = grouping(false, {{3, 4, 4}});
  const nlohmann::json each = fio_json_document(run, FioJsonFlavour::kJson, split);
  ASSERT_EQ(each["jobs"].size(), 3u);
  EXPECT_EQ(each["jobs"][0]["groupid"], 3);
  EXPECT_EQ(each["jobs"][1]["groupid"], 4);
  EXPECT_EQ(each["jobs"][2]["groupid"], 4);
  FioReportGroups merged = split;
  merged.group_reporting = true;
  const nlohmann::json two = fio_json_document(run, FioJsonFlavour::kJson, merged);
  ASSERT_EQ(two["jobs"].size(), 2u);
  EXPECT_EQ(two["jobs"][0]["jobname"], "a");
  EXPECT_EQ(two["jobs"][0]["read"]["total_ios"], 10);
  EXPECT_EQ(two["jobs"][1]["jobname"], "b");
  EXPECT_EQ(two["jobs"][1]["groupid"], 4);
  EXPECT_EQ(two["jobs"][1]["read"]["total_ios"], 50);
  EXPECT_EQ(two["jobs"][1]["read"]["clat_ns"]["N"], 50);
  // One groupid for the whole phase: the phase's own totals, as before.
  const nlohmann::json one = fio_json_document(run, FioJsonFlavour::kJson, grouping(true, {{0, 0, 0}}));
  ASSERT_EQ(one["jobs"].size(), 1u);
  EXPECT_EQ(one["jobs"][0]["read"]["total_ios"], 60);
}

// fio's "error": the errno of the first error of each entry's clones, 0
// for an entry without one: per job, per clone, and merged by
// group_reporting (the first job's with one), as fio's stat.c fills it.
TEST(FioJsonWriterTest, EachJobShowsItsFirstError) {
  RunResult run;
  RunResult p;
  p.phase = "phase-1";
  p.window_ns = 1'000'000'000;
  for (const char* name : {"a", "b", "c"}) p.groups.push_back({name, {}, {}, {}, {}});
  p.groups[1].first_error = 84;
  p.groups[2].first_error = 5;
  p.first_error = 84;
  run.phases = {p};
  const FioReportGroups split = grouping(false, {{3, 4, 4}});
  const nlohmann::json each = fio_json_document(run, FioJsonFlavour::kJson, split);
  ASSERT_EQ(each["jobs"].size(), 3u);
  EXPECT_EQ(each["jobs"][0]["error"], 0);
  EXPECT_EQ(each["jobs"][1]["error"], 84);
  EXPECT_EQ(each["jobs"][2]["error"], 5);
  FioReportGroups merged = split;
  merged.group_reporting = true;
  const nlohmann::json two = fio_json_document(run, FioJsonFlavour::kJson, merged);
  ASSERT_EQ(two["jobs"].size(), 2u);
  EXPECT_EQ(two["jobs"][0]["error"], 0);
  EXPECT_EQ(two["jobs"][1]["error"], 84);
  // A merged group whose first job had no error takes a later one's.
  run.phases[0].groups[1].first_error = 0;
  const nlohmann::json later = fio_json_document(run, FioJsonFlavour::kJson, merged);
  EXPECT_EQ(later["jobs"][1]["error"], 5);
  // Clones listed apart: each its own.
  RunResult clones;
  clones.window_ns = 1'000'000'000;
  clones.first_error = 28;
  clones.worker_results.resize(2);
  clones.worker_results[1].first_error = 28;
  const nlohmann::json apart = fio_json_document(clones, FioJsonFlavour::kJson, grouping(false));
  ASSERT_EQ(apart["jobs"].size(), 2u);
  EXPECT_EQ(apart["jobs"][0]["error"], 0);
  EXPECT_EQ(apart["jobs"][1]["error"], 28);
  const nlohmann::json whole = fio_json_document(clones, FioJsonFlavour::kJson, grouping(true));
  ASSERT_EQ(whole["jobs"].size(), 1u);
  EXPECT_EQ(whole["jobs"][0]["error"], 28);
}

// --steady-state in fio's "steadystate" object, as fio writes it (stat.c):
// the criterion as "METRIC:LIMIT" with %f, the window in whole seconds, the
// measured value in percent of the mean, and the window's samples.
TEST(FioJsonWriterTest, SteadyStateBecomesFiosSteadystate) {
  SteadyStateSpec spec = SteadyStateSpec::parse("iops:10%", "--steady-state");
  spec.duration_ns = 4'000'000'000;
  SteadyStateDetector detector(spec, 1'000'000'000);
  // Four 1 s intervals: 100, 104, 96, 100 IOPS (mean 100, largest deviation 4).
  const double iops[] = {100, 104, 96, 100};
  for (int i = 0; i < 4; ++i) {
    detector.add(uint64_t(i) * 1'000'000'000, uint64_t(i + 1) * 1'000'000'000, iops[i], iops[i] * 4096);
  }
  ASSERT_TRUE(detector.attained());
  RunResult run;
  run.window_ns = 4'000'000'000;
  run.steady_state = detector.to_json();
  const nlohmann::json ss = fio_json_document(run, FioJsonFlavour::kJson, {})["jobs"][0]["steadystate"];
  EXPECT_EQ(ss["ss"], "iops:10.000000%");
  EXPECT_EQ(ss["duration"], 4);
  EXPECT_EQ(ss["attained"], 1);
  EXPECT_EQ(ss["criterion"], "4.000000%");
  EXPECT_DOUBLE_EQ(ss["max_deviation"].get<double>(), 4.0);
  EXPECT_EQ(ss["data"]["iops"], nlohmann::json::array({100, 104, 96, 100}));
  EXPECT_EQ(ss["data"]["bw"], nlohmann::json::array({409600, 425984, 393216, 409600}));
  EXPECT_EQ(ss["data"]["iops_mean"], 100);
  EXPECT_EQ(ss["data"]["bw_mean"], 409600);
  // A slope criterion with an absolute limit: the slope itself, per second.
  spec = SteadyStateSpec::parse("bw_slope:1000", "--steady-state");
  spec.duration_ns = 3'000'000'000;
  SteadyStateDetector rising(spec, 1'000'000'000);
  for (int i = 0; i < 3; ++i) rising.add(uint64_t(i) * 1'000'000'000, uint64_t(i + 1) * 1'000'000'000, 10, 5000.0 + 2000 * i);
  EXPECT_FALSE(rising.attained());
  run.steady_state = rising.to_json();
  const nlohmann::json r = fio_json_document(run, FioJsonFlavour::kJson, {})["jobs"][0]["steadystate"];
  EXPECT_EQ(r["ss"], "bw_slope:1000.000000");
  EXPECT_EQ(r["attained"], 0);
  EXPECT_EQ(r["criterion"], "2000.000000");
  EXPECT_DOUBLE_EQ(r["slope"].get<double>(), 2000.0);
  // Without --steady-state there is no such object, as in fio.
  run.steady_state = nullptr;
  EXPECT_FALSE(fio_json_document(run, FioJsonFlavour::kJson, {})["jobs"][0].contains("steadystate"));
}

}  // namespace
}  // namespace iopulse
