// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// Runs real jobs and checks the numbers iopulse reports against what can be
// computed independently: bytes = ops x block size, rates = ops / window,
// exact byte budgets, and what is on disk afterwards.
#include <sys/stat.h>

#include <cmath>
#include <csignal>
#include <algorithm>
#include <string>

#include <gtest/gtest.h>

#include "json_support.h"
#include "run_support.h"

namespace iopulse::test {
namespace {

constexpr uint64_t kMiB = 1 << 20;

uint64_t file_size_of(const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) return 0;
  return static_cast<uint64_t>(st.st_size);
}

TEST(RunResults, MixedRandomRunReportsConsistentNumbers) {
  ScratchDir dir;
  const std::string target = dir.file("t/test.dat");  // parent directory is created too
  const std::string json = dir.file("out.json");
  RunOutcome r = run_iopulse({target, "--file-size", "16M", "--threads", "2", "--duration", "1s",
                              "--read-percent", "70", "--random", "--json-output", json, "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(file_size_of(target), 16 * kMiB);

  const auto j = read_json(json);
  EXPECT_EQ(j["schema_version"], 1);
  EXPECT_EQ(j["engine"]["name"], "sync");
  EXPECT_EQ(j["engine"]["abi"], "2.1");
  // What the engine's report() said took effect.
  EXPECT_EQ(j["engine"]["settings"]["hugepages"], "off") << j["engine"].dump();
  EXPECT_FALSE(j["engine"]["version"].get<std::string>().empty());
  EXPECT_EQ(j["config"]["threads"], 2);
  EXPECT_EQ(j["config"]["read_percent"], 70);
  const double window_s = j["window_ns"].get<double>() / 1e9;
  EXPECT_GE(window_s, 1.0);
  EXPECT_LT(window_s, 5.0);
  uint64_t total_ops = 0;
  for (const char* kind : {"read", "write"}) {
    const auto& s = j[kind];
    const uint64_t ops = s["ops"];
    total_ops += ops;
    EXPECT_GT(ops, 0u) << kind;
    EXPECT_EQ(s["bytes"].get<uint64_t>(), ops * 4096) << kind;
    EXPECT_NEAR(s["iops"].get<double>(), ops / window_s, ops / window_s * 1e-6) << kind;
    EXPECT_NEAR(s["bw_bytes_per_sec"].get<double>(), ops * 4096 / window_s, ops * 4096 / window_s * 1e-6);
    EXPECT_EQ(s["errors"], 0);
    const auto& lat = s["latency_ns"];
    EXPECT_LE(lat["min"].get<double>(), lat["percentiles"]["50"].get<double>());
    EXPECT_LE(lat["percentiles"]["50"].get<double>(), lat["percentiles"]["99"].get<double>());
    EXPECT_LE(lat["percentiles"]["99"].get<double>(), lat["percentiles"]["99.99"].get<double>());
    EXPECT_LE(lat["percentiles"]["99.99"].get<double>(), lat["max"].get<double>() * 1.01);
  }
  EXPECT_EQ(j["total"]["ops"].get<uint64_t>(), total_ops);
  // 70/30 mix: the read share of a few hundred thousand IOs is close to 0.7.
  const double read_share = j["read"]["ops"].get<double>() / static_cast<double>(total_ops);
  EXPECT_NEAR(read_share, 0.70, 0.02);
  EXPECT_GE(j["cpu"]["user_s"].get<double>() + j["cpu"]["system_s"].get<double>(), 0.0);

  // The text summary names every section and the measured window.
  for (const char* word : {"read", "write", "total", "IOPS", "p99.99", "window", "cpu"}) {
    EXPECT_NE(r.out.find(word), std::string::npos) << word;
  }
}

TEST(RunResults, ProgressLinesOncePerIntervalWithoutALastSliver) {
  ScratchDir dir;
  const std::string json = dir.file("out.json");
  // Intervals of 1 s over 2010 ms: two full ones and a last one of 10 ms,
  // under the tenth of an interval (100 ms) that gets no line.
  const RunOutcome r = run_iopulse({dir.file("x"), "--engine", "null", "--file-size", "1M", "--duration", "2010ms",
                                    "--stats-interval", "1s", "--json-output", json});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = read_json(json);
  // The window ends with the worker's last IO, which a busy machine may
  // complete a while after the 2010 ms: the last interval is what is left.
  const uint64_t window = j["window_ns"];
  ASSERT_GT(window, 2'000'000'000u);
  const uint64_t intervals = (window + 999'999'999) / 1'000'000'000;
  ASSERT_EQ(j["timeseries"].size(), intervals) << "the last " << window % 1'000'000'000 << " ns are in the results";
  const bool sliver = window - (intervals - 1) * 1'000'000'000 < 100'000'000;
  // stderr is not a terminal here: one plain line per shown interval.
  size_t lines = r.err.rfind("[", 0) == 0 ? 1 : 0;
  for (size_t at = r.err.find("\n["); at != std::string::npos; at = r.err.find("\n[", at + 1)) ++lines;
  EXPECT_EQ(lines, intervals - (sliver ? 1 : 0))
      << "no line for an interval under a tenth of the interval length, one for every other\n" << r.err;
  EXPECT_NE(r.err.find("[2.00 s / 2.01 s"), std::string::npos) << r.err;

  // A run shorter than a tenth of the interval still shows its one interval.
  const RunOutcome short_run = run_iopulse({dir.file("x"), "--engine", "null", "--file-size", "1M",
                                            "--duration", "20ms", "--stats-interval", "1s"});
  ASSERT_EQ(short_run.exit_code, 0) << short_run.err;
  // (The window may end a little after 20 ms on a busy machine: the last
  // IO completes when the worker gets the CPU back.)
  EXPECT_EQ(short_run.err.rfind("[", 0), 0u) << short_run.err;
  EXPECT_NE(short_run.err.find(" / 20.0 ms  100%  ETA 0 ns]"), std::string::npos) << short_run.err;
  EXPECT_EQ(std::count(short_run.err.begin(), short_run.err.end(), '\n'), 1) << short_run.err;
}

TEST(RunResults, TotalBytesStopsAtExactlyThatManyBytes) {
  ScratchDir dir;
  const std::string json = dir.file("out.json");
  // 3 workers sharing 1000 blocks: 334 + 333 + 333.
  RunOutcome r = run_iopulse({dir.file("f"), "--file-size", "8M", "--block-size", "8k", "--threads",
                              "3", "--total-bytes", "8000k", "--random", "--json-output", json, "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = read_json(json);
  EXPECT_EQ(j["total"]["bytes"].get<uint64_t>(), 8000u * 1024);
  EXPECT_EQ(j["total"]["ops"].get<uint64_t>(), 1000u);
  EXPECT_EQ(j["stop_reason"], "total-bytes");
}

TEST(RunResults, SequentialWritesLandWhereExpected) {
  ScratchDir dir;
  const std::string target = dir.file("w.dat");
  // Prepare 1 MiB of random data, then overwrite the first half with 0xA5.
  RunOutcome r = run_iopulse({target, "--file-size", "1M", "--block-size", "64k", "--write-percent",
                              "100", "--total-bytes", "512k", "--buffer-pattern", "0xA5", "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string data = read_file(target);
  ASSERT_EQ(data.size(), kMiB);
  const std::string first = data.substr(0, 512 * 1024);
  EXPECT_EQ(first.find_first_not_of('\xA5'), std::string::npos);
  // The second half still holds the prepared data: real, varied bytes.
  const std::string second = data.substr(512 * 1024);
  EXPECT_NE(second.find_first_not_of('\xA5'), std::string::npos);
  EXPECT_NE(second.find_first_not_of('\0'), std::string::npos);
  EXPECT_NE(second.find_first_not_of(second[0]), std::string::npos);
}

TEST(RunResults, DefaultStopIsOnePassOverTheFile) {
  ScratchDir dir;
  const std::string json = dir.file("out.json");
  RunOutcome r = run_iopulse({dir.file("p"), "--file-size", "2M", "--json-output", json, "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = read_json(json);
  EXPECT_EQ(j["read"]["bytes"].get<uint64_t>(), 2 * kMiB);
  EXPECT_EQ(j["write"]["ops"].get<uint64_t>(), 0u);
}

TEST(RunResults, PerWorkerFilesHaveTheirOwnFilesOfTheRightSize) {
  ScratchDir dir;
  const std::string base = dir.file("pw.dat");
  RunOutcome r = run_iopulse({base, "--file-size", "3M", "--threads", "3", "--file-distribution",
                              "per-worker", "--write-percent", "100", "--buffer-pattern", "7",
                              "--total-bytes", "9M", "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (int i = 0; i < 3; ++i) {
    const std::string path = base + "." + std::to_string(i);
    EXPECT_EQ(file_size_of(path), 3 * kMiB) << path;
    // 9M over 3 workers = one full sequential pass over each worker's file.
    const std::string data = read_file(path);
    EXPECT_EQ(data.find_first_not_of('\x07'), std::string::npos) << path;
  }
  EXPECT_EQ(file_size_of(base), 0u) << "no shared file is made";
}

TEST(RunResults, DirectIoRunsOnExt4) {
  ScratchDir dir;
  const std::string json = dir.file("out.json");
  RunOutcome r = run_iopulse({dir.file("d"), "--file-size", "4M", "--direct", "--random",
                              "--read-percent", "50", "--total-bytes", "1M", "--json-output", json, "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = read_json(json);
  EXPECT_EQ(j["config"]["direct"], true);
  EXPECT_EQ(j["total"]["bytes"].get<uint64_t>(), kMiB);
}

TEST(RunResults, NullEngineLatencyFollowsDelay) {
  ScratchDir dir;
  const std::string json = dir.file("out.json");
  RunOutcome r = run_iopulse({dir.file("n"), "--engine", "null", "--file-size", "1G", "--null.delay-us",
                              "2000", "--queue-depth", "4", "--duration", "500ms", "--json-output", json,
                              "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(file_size_of(dir.file("n")), 0u) << "the null engine touches no file";
  const auto j = read_json(json);
  const auto& lat = j["read"]["latency_ns"];
  EXPECT_GE(lat["min"].get<double>(), 2e6);
  EXPECT_GE(lat["percentiles"]["50"].get<double>(), 2e6);
  EXPECT_LT(lat["percentiles"]["50"].get<double>(), 20e6);
  // QD 4 at 2 ms each is at most 2000 IOPS.
  EXPECT_LE(j["read"]["iops"].get<double>(), 2000 * 1.05);
  EXPECT_GT(j["read"]["ops"].get<uint64_t>(), 0u);
}

TEST(RunResults, NullEngineWithoutDelayIsFast) {
  ScratchDir dir;
  const std::string json = dir.file("out.json");
  RunOutcome r = run_iopulse({dir.file("n"), "--engine", "null", "--file-size", "1G", "--queue-depth",
                              "32", "--duration", "300ms", "--json-output", json, "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = read_json(json);
  EXPECT_LT(j["read"]["latency_ns"]["percentiles"]["50"].get<double>(), 1e6);
  EXPECT_GT(j["read"]["ops"].get<uint64_t>(), 1000u);
}

TEST(RunResults, SigintStopsGracefullyAndStillWritesResults) {
  ScratchDir dir;
  const std::string json = dir.file("out.json");
  // Interrupted once the first progress line shows the run is under way.
  RunOutcome r = run_iopulse_and_signal({dir.file("s"), "--file-size", "4M", "--duration", "60s",
                                         "--stats-interval", "100ms", "--json-output", json},
                                        "IOPS", SIGINT);
  EXPECT_EQ(r.exit_code, 130) << r.err;
  const auto j = read_json(json);
  EXPECT_EQ(j["interrupted"], true);
  EXPECT_EQ(j["stop_reason"], "interrupted");
  EXPECT_LT(j["window_ns"].get<double>(), 30e9);
  EXPECT_GT(j["read"]["ops"].get<uint64_t>(), 0u);
  EXPECT_NE(r.out.find("INTERRUPTED"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace iopulse::test
