// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// The time series: streamed files and the JSON copy add up to the totals,
// intervals have their own percentiles, and files stay valid after Ctrl-C.
#include <fstream>
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

// The CSV is RFC 4180: a phase named with a comma and quotes stays one
// field, so Python's csv module (strict) and pandas read the same columns on
// every row; intervals and phases are numbered and named alike in the CSV,
// the JSON Lines and the JSON results; a kind with no IO in an interval has
// empty latency cells, read as missing.
TEST(TimeSeries, CsvReadsTheSameInPythonAndPandasAndAgreesWithTheJson) {
  ScratchDir dir;
  const std::string job = dir.file("job.toml"), json = dir.file("o.json"), jsonl = dir.file("ts.jsonl"),
                    csv = dir.file("ts.csv");
  {
    std::ofstream f(job);
    f << "target = \"" << dir.file("f") << "\"\nfile-size = \"4M\"\nstats-interval = \"200ms\"\n"
      << "[[phase]]\nname = \"warm up, 4k\"\nread-percent = 100\nduration = \"500ms\"\n"
      << "[[phase]]\nname = 'mixed \"70/30\"'\nread-percent = 70\nfsync-every = 4\nduration = \"500ms\"\n";
  }
  const RunOutcome r = run_iopulse({"--config", job, "--json-output", json, "--timeseries-output", jsonl,
                                    "--csv-output", csv, "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const RunOutcome py = run_command({"/usr/bin/python3", IOPULSE_SOURCE_DIR "/tests/integration/read_csv_series.py", csv});
  ASSERT_EQ(py.exit_code, 0) << py.err;
  const auto seen = nlohmann::json::parse(py.out);
  const size_t columns = seen["header"].size();
  for (const auto& width : seen["widths"]) EXPECT_EQ(width.get<size_t>(), columns);
  EXPECT_EQ(seen["pandas_columns"].get<size_t>(), columns);
  EXPECT_EQ(seen["pandas"], seen["csv"]);
  EXPECT_EQ(seen["header"].back(), "phase");
  // Quoted only where needed, quotes doubled, records end in CRLF.
  const std::string text = read_file(csv);
  EXPECT_NE(text.find(",\"warm up, 4k\"\r\n"), std::string::npos) << text;
  EXPECT_NE(text.find(",\"mixed \"\"70/30\"\"\"\r\n"), std::string::npos) << text;
  EXPECT_TRUE(text.starts_with("worker,index,start_s,end_s,read_ops,")) << text;

  // The job's rows against the JSON results and the JSON Lines.
  const auto j = read_json(json);
  const auto& ts = j["timeseries"];
  const auto rows = seen["csv"];
  ASSERT_EQ(rows.size(), ts.size());
  const auto lines = lines_of(read_file(jsonl));
  ASSERT_EQ(lines.size(), ts.size());
  size_t empty_write_latency = 0;
  uint64_t syncs = 0;
  for (size_t i = 0; i < ts.size(); ++i) {
    const auto& row = rows[i];
    const auto line = nlohmann::json::parse(lines[i]);
    EXPECT_EQ(row[0], "all");
    EXPECT_EQ(ts[i]["index"].get<uint64_t>(), i);
    EXPECT_EQ(row[1], std::to_string(i));
    EXPECT_EQ(line["index"], ts[i]["index"]);
    EXPECT_EQ(row[2], ts[i]["phase"]) << i;
    EXPECT_EQ(line["phase"], ts[i]["phase"]);
    EXPECT_EQ(row[3], std::to_string(ts[i]["read"]["ops"].get<uint64_t>()));
    EXPECT_EQ(line, ts[i]);
    const uint64_t writes = ts[i]["write"]["ops"].get<uint64_t>();
    EXPECT_EQ(row[4], std::to_string(writes));
    if (writes == 0) {
      EXPECT_EQ(row[6], "");
      ++empty_write_latency;
    } else {
      EXPECT_EQ(row[6], std::to_string(ts[i]["write"]["latency_ns"]["p99"].get<uint64_t>()));
    }
    syncs += std::stoull(row[5].get<std::string>());
  }
  // The first phase only reads; the second syncs every 4 writes.
  EXPECT_GE(empty_write_latency, 2u);
  EXPECT_EQ(syncs, j["sync"]["ops"].get<uint64_t>());
  EXPECT_GT(syncs, 0u);
  EXPECT_EQ(ts.front()["phase"], "warm up, 4k");
  EXPECT_EQ(ts.back()["phase"], "mixed \"70/30\"");
  // Each phase's intervals, in the JSON's phases, are the run's in order.
  ASSERT_EQ(j["phases"].size(), 2u);
  EXPECT_EQ(j["phases"][0]["name"], "warm up, 4k");
}

TEST(TimeSeries, IntervalPercentilesFollowAKnownLatency) {
  ScratchDir dir;
  const std::string json = dir.file("o.json");
  const RunOutcome r = run_iopulse({dir.file("n"), "--engine", "null", "--file-size", "1G", "--null.delay-us",
                                    "1000", "--queue-depth", "2", "--duration", "1s", "--stats-interval",
                                    "250ms", "--json-output", json, "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = read_json(json);
  ASSERT_FALSE(j["timeseries"].empty());
  for (const auto& interval : j["timeseries"]) {
    const double ops = interval["read"]["ops"].get<double>();
    if (ops == 0) continue;
    const auto& lat = interval["read"]["latency_ns"];
    SCOPED_TRACE("interval " + interval.dump());
    EXPECT_GE(lat["min"].get<double>(), 1e6) << "the device's own 1 ms";
    EXPECT_GE(lat["p50"].get<double>(), 1e6);
    // Little's law from the interval's own counts: with at most 2 IOs in
    // flight, the latencies of the IOs reaped in it add up to at most 2 x
    // its span, plus what the (at most 2) IOs in flight at its start had
    // already spent; the median is at most twice the mean (Markov), 2% more
    // for the histogram's buckets.  Idle, that is about 2 ms; on a loaded
    // machine that wakes the worker late, fewer IOs take longer and the
    // bound follows them.
    const double span = interval["end_ns"].get<double>() - interval["start_ns"].get<double>();
    const double bound = 2 * (2 * span + 2 * lat["max"].get<double>()) / ops * 1.02;
    EXPECT_LE(lat["p50"].get<double>(), bound) << ops << " IOs in " << span << " ns";
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
// files have every interval.  The bound takes 37 s of intervals (10 ms is
// the shortest); the rate limit (10 IOs per interval) keeps those seconds
// from taking a core away from the tests running beside this one.
TEST(TimeSeries, SeriesInMemoryIsBoundedAndTheFilesHaveEveryInterval) {
  ScratchDir dir;
  const std::string json = dir.file("o.json"), jsonl = dir.file("ts.jsonl");
  const RunOutcome r = run_iopulse({dir.file("f"), "--engine", "null", "--file-size", "1M", "--stats-interval",
                                    "10ms", "--duration", "37s", "--rate-iops", "1000", "--timeseries-output",
                                    jsonl, "--json-output", json, "-q"});
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
