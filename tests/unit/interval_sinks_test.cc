// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// The report writers as interval sinks (stats/interval_sink.h), driven
// in-process with snapshots built by hand: where a phase's interval lands
// in the job-wide files, and which workers the fio-format logs hear of.
#include "stats/interval_sink.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "report/fio_log_files.h"
#include "report/time_series_files.h"

namespace iopulse {
namespace {

std::string sink_file_text(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class IntervalSinksTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("interval-sinks-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // `ops` reads of 4 KiB each by `worker` in interval `index`.
  static WorkerInterval reads(uint32_t worker, uint64_t index, uint64_t ops, bool last = false) {
    WorkerInterval w;
    w.worker = worker;
    w.index = index;
    OpStats& r = w.ops[OpKind::kRead];
    r.ops = ops;
    r.bytes = ops * 4096;
    r.latency.record_n(10'000, ops);
    w.last = last;
    return w;
  }

  std::filesystem::path dir_;
};

TEST_F(IntervalSinksTest, TimeSeriesFilesPlaceAPhasesIntervalsOnTheJobsClock) {
  const std::string path = (dir_ / "ts.jsonl").string();
  {
    TimeSeriesJsonLines jsonl(path);
    MergedInterval m;
    m.index = 1;
    m.per_worker = {reads(0, 1, 100), reads(1, 1, 300)};
    for (const WorkerInterval& w : m.per_worker) m.ops.merge(w.ops);
    // The phase's second interval, 1 s to 2 s of its own clock; the phase
    // starts 10 s and 10 intervals into the job.
    const IntervalSummary job = IntervalSummary::of(m.ops, 1, 1'000'000'000, 2'000'000'000, 0, 0, -1);
    std::vector<IntervalSummary> workers;
    for (const WorkerInterval& w : m.per_worker) {
      workers.push_back(IntervalSummary::of(w.ops, 1, 1'000'000'000, 2'000'000'000, 0, 0, w.worker));
    }
    IntervalPlacement place;
    place.phase = "read";
    place.time_offset_ns = 10'000'000'000;
    place.index_offset = 10;
    const IntervalSnapshot snapshot{m, job, workers, m.ops, 2, place};
    IntervalSink& sink = jsonl;
    sink.on_interval(snapshot);
  }
  std::istringstream lines(sink_file_text(path));
  std::vector<nlohmann::json> rows;
  for (std::string line; std::getline(lines, line);) rows.push_back(nlohmann::json::parse(line));
  ASSERT_EQ(rows.size(), 3u);  // the job's interval, then each worker's
  const int64_t expected_worker[] = {-1, 0, 1};
  const uint64_t expected_reads[] = {400, 100, 300};
  for (size_t i = 0; i < rows.size(); ++i) {
    SCOPED_TRACE(rows[i].dump());
    EXPECT_EQ(rows[i].value("worker", int64_t{-1}), expected_worker[i]);
    EXPECT_EQ(rows[i]["phase"], "read");
    EXPECT_EQ(rows[i]["index"], 11);
    EXPECT_EQ(rows[i]["start_ns"], 11'000'000'000u);
    EXPECT_EQ(rows[i]["end_ns"], 12'000'000'000u);
    EXPECT_EQ(rows[i]["read"]["ops"], expected_reads[i]);
  }
}

TEST_F(IntervalSinksTest, FioLogsHearOfEveryWorkerOfTheRunUntilItsLastInterval) {
  const std::string prefix = (dir_ / "p").string();
  {
    // Three workers in the job; this run (a second phase) has workers 1 and
    // 2 of the job, its own 0 and 1.
    FioLogFiles logs({"", prefix, ""}, 3);
    IntervalSink& sink = logs;
    EXPECT_TRUE(sink.needs_workers());
    IntervalPlacement place;
    place.first_worker = 1;
    place.time_offset_ns = 4'000'000'000;
    std::vector<IntervalSummary> none;
    // Interval 0: only the run's worker 1 completed IO (and it was its last).
    MergedInterval first;
    first.index = 0;
    first.per_worker = {reads(1, 0, 50, /*last=*/true)};
    first.ops.merge(first.per_worker[0].ops);
    const IntervalSummary s0 = IntervalSummary::of(first.ops, 0, 0, 500'000'000, 0, 0, -1);
    sink.on_interval({first, s0, none, first.ops, 2, place});
    // Interval 1: the run's worker 0 completed IO; worker 1 is done.
    MergedInterval second;
    second.index = 1;
    second.per_worker = {reads(0, 1, 20)};
    second.ops.merge(second.per_worker[0].ops);
    const IntervalSummary s1 = IntervalSummary::of(second.ops, 1, 500'000'000, 1'000'000'000, 0, 0, -1);
    sink.on_interval({second, s1, none, second.ops, 2, place});
  }
  // Job worker 0 (file .1) is not in this run; worker 1 (the run's 0) had
  // nothing in the first interval, before its first completion (no line),
  // then 20 reads in half a second; worker 2 (the run's 1) 50 reads, then
  // nothing more after its last interval.  Times are on the phase's clock
  // (fio's per-job epoch), whatever time the earlier phases took.
  EXPECT_EQ(sink_file_text(prefix + "_iops.1.log"), "");
  EXPECT_EQ(sink_file_text(prefix + "_iops.2.log"), "1000, 40, 0, 0, 0\n");
  EXPECT_EQ(sink_file_text(prefix + "_iops.3.log"), "500, 100, 0, 0, 0\n");
}

}  // namespace
}  // namespace iopulse
