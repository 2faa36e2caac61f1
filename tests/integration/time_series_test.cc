// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// The time series: streamed files and the JSON copy add up to the totals,
// intervals have their own percentiles, and files stay valid after Ctrl-C.
#include <sstream>
#include <csignal>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "json_support.h"
#include "run_support.h"

namespace iopulse::test {
namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

TEST(TimeSeries, IntervalsSumToTheTotalsInEveryOutput) {
  ScratchDir dir;
  const std::string json = dir.file("o.json"), jsonl = dir.file("ts.jsonl"), csv = dir.file("ts.csv");
  const RunOutcome r = run_iopulse({dir.file("f"), "--file-size", "8M", "--random", "--read-percent", "70",
                                    "--threads", "2", "--duration", "1200ms", "--stats-interval", "200ms",
                                    "--json-output", json, "--timeseries-output", jsonl, "--csv-output",
                                    csv, "--timeseries-per-worker"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = read_json(json);
  EXPECT_EQ(j["stats_interval_ns"], 200'000'000);
  const auto& ts = j["timeseries"];
  ASSERT_GE(ts.size(), 6u);
  uint64_t reads = 0, writes = 0, read_bytes = 0;
  for (size_t i = 0; i < ts.size(); ++i) {
    EXPECT_EQ(ts[i]["index"], i);
    EXPECT_EQ(ts[i]["start_ns"].get<uint64_t>(), i * 200'000'000);
    reads += ts[i]["read"]["ops"].get<uint64_t>();
    writes += ts[i]["write"]["ops"].get<uint64_t>();
    read_bytes += ts[i]["read"]["bytes"].get<uint64_t>();
  }
  EXPECT_EQ(reads, j["read"]["ops"].get<uint64_t>());
  EXPECT_EQ(writes, j["write"]["ops"].get<uint64_t>());
  EXPECT_EQ(read_bytes, j["read"]["bytes"].get<uint64_t>());
  EXPECT_EQ(ts.back()["end_ns"].get<uint64_t>(), j["window_ns"].get<uint64_t>());
  // Per worker: two series that add up to the job's.
  uint64_t worker_reads = 0;
  for (const auto& w : j["worker_timeseries"]) worker_reads += w["read"]["ops"].get<uint64_t>();
  EXPECT_EQ(worker_reads, reads);

  // JSON Lines: one object per line, job lines equal the JSON's series.
  uint64_t jsonl_reads = 0;
  size_t job_lines = 0;
  for (const std::string& line : lines_of(read_file(jsonl))) {
    const auto o = nlohmann::json::parse(line);
    if (o.contains("worker")) continue;
    EXPECT_EQ(o, ts[job_lines]);
    ++job_lines;
    jsonl_reads += o["read"]["ops"].get<uint64_t>();
  }
  EXPECT_EQ(job_lines, ts.size());
  EXPECT_EQ(jsonl_reads, reads);

  // CSV: a header, then rows whose read_ops column adds up.
  const auto rows = lines_of(read_file(csv));
  ASSERT_GT(rows.size(), 1u);
  EXPECT_EQ(rows[0].rfind("worker,index,start_s,end_s,read_ops,", 0), 0u) << rows[0];
  uint64_t csv_reads = 0;
  for (size_t i = 1; i < rows.size(); ++i) {
    if (rows[i].rfind("all,", 0) != 0) continue;
    std::vector<std::string> cells;
    std::istringstream cs(rows[i]);
    for (std::string cell; std::getline(cs, cell, ',');) cells.push_back(cell);
    csv_reads += std::stoull(cells[4]);
  }
  EXPECT_EQ(csv_reads, reads);
}

TEST(TimeSeries, IntervalPercentilesFollowAKnownLatency) {
  ScratchDir dir;
  const std::string json = dir.file("o.json");
  const RunOutcome r = run_iopulse({dir.file("n"), "--engine", "null", "--file-size", "1G", "--null.delay-us",
                                    "1000", "--queue-depth", "2", "--duration", "1s", "--stats-interval",
                                    "250ms", "--json-output", json, "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = read_json(json);
  for (const auto& interval : j["timeseries"]) {
    if (interval["read"]["ops"].get<uint64_t>() == 0) continue;
    EXPECT_GE(interval["read"]["latency_ns"]["p50"].get<double>(), 1e6);
    EXPECT_LT(interval["read"]["latency_ns"]["p50"].get<double>(), 10e6);
    EXPECT_GE(interval["read"]["latency_ns"]["min"].get<double>(), 1e6);
  }
}

TEST(TimeSeries, FilesAreValidAfterSigint) {
  ScratchDir dir;
  const std::string jsonl = dir.file("ts.jsonl"), csv = dir.file("ts.csv");
  const RunOutcome r = run_iopulse_and_signal({dir.file("f"), "--file-size", "4M", "--duration", "60s",
                                               "--stats-interval", "100ms", "--timeseries-output", jsonl,
                                               "--csv-output", csv},
                                              "IOPS", SIGINT);
  EXPECT_EQ(r.exit_code, 130) << r.err;
  const auto lines = lines_of(read_file(jsonl));
  EXPECT_GE(lines.size(), 1u);
  for (const std::string& line : lines) EXPECT_NO_THROW(nlohmann::json::parse(line)) << line;
  const auto rows = lines_of(read_file(csv));
  EXPECT_EQ(rows.size(), lines.size() + 1);
}

// The series in memory (for the JSON result) is bounded; the streamed
// files have every interval.
TEST(TimeSeries, SeriesInMemoryIsBoundedAndTheFilesHaveEveryInterval) {
  ScratchDir dir;
  const std::string json = dir.file("o.json"), jsonl = dir.file("ts.jsonl");
  const RunOutcome r = run_iopulse({dir.file("f"), "--engine", "null", "--file-size", "1M", "--stats-interval",
                                    "10ms", "--duration", "37s", "--timeseries-output", jsonl, "--json-output",
                                    json, "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = read_json(json);
  EXPECT_EQ(j["timeseries"].size(), 3600u);
  EXPECT_EQ(j["timeseries_truncated"], true);
  EXPECT_EQ(j["timeseries"][3599]["index"], 3599);
  EXPECT_GE(lines_of(read_file(jsonl)).size(), 3690u);
}

TEST(TimeSeries, PlainProgressLinesWhenNotATerminal) {
  ScratchDir dir;
  const RunOutcome r = run_iopulse({dir.file("f"), "--file-size", "4M", "--duration", "1s", "--stats-interval",
                                    "250ms"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  size_t progress = 0;
  for (const std::string& line : lines_of(r.err)) progress += line.find("IOPS") != std::string::npos;
  EXPECT_GE(progress, 3u) << r.err;
  EXPECT_EQ(r.err.find('\r'), std::string::npos);
  const RunOutcome quiet = run_iopulse({dir.file("f"), "--duration", "500ms", "-q"});
  EXPECT_EQ(quiet.err.find("IOPS"), std::string::npos) << quiet.err;
}

TEST(TimeSeries, HeatmapShowsCoverageOfASequentialPass) {
  ScratchDir dir;
  const std::string json = dir.file("o.json");
  const RunOutcome r = run_iopulse({dir.file("f"), "--file-size", "4M", "--heatmap", "--heatmap-buckets", "8",
                                    "--json-output", json, "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto h = read_json(json)["heatmap"];
  EXPECT_EQ(h["buckets"], 8);
  EXPECT_DOUBLE_EQ(h["coverage"].get<double>(), 1.0);
  for (const auto& count : h["reads"]) EXPECT_EQ(count.get<uint64_t>(), 128u);  // 1024 blocks / 8
  EXPECT_NE(r.out.find("access heatmap"), std::string::npos);
  EXPECT_NE(r.out.find("coverage 100.0%"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace iopulse::test
