// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// Workload options checked by their effect on the IO actually issued:
// offsets (through the heatmap), sizes (through bytes), op mix, timing, and
// the data on disk.
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "json_support.h"
#include "run_support.h"

namespace iopulse::test {
namespace {

nlohmann::json run_json(ScratchDir& dir, std::vector<std::string> args) {
  const std::string json = dir.file("out.json");
  args.insert(args.end(), {"--json-output", json, "-q"});
  const RunOutcome r = run_iopulse(args);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return read_json(json);
}

std::vector<uint64_t> reads_per_bucket(const nlohmann::json& j) {
  return j["heatmap"]["reads"].get<std::vector<uint64_t>>();
}

TEST(Workload, ZipfConcentratesAccessesAtTheStartUnlessScattered) {
  ScratchDir dir;
  const auto hot = run_json(dir, {dir.file("z"), "--engine", "null", "--file-size", "1G", "--random",
                                  "--distribution", "zipf", "--zipf-theta", "1.2", "--total-ops", "200000",
                                  "--heatmap", "--heatmap-buckets", "10"});
  const auto counts = reads_per_bucket(hot);
  EXPECT_GT(counts[0], 200000u * 9 / 10) << "zipf 1.2 puts most accesses on the first blocks";
  EXPECT_GT(hot["heatmap"]["top20_share"].get<double>(), 0.9);

  const auto scattered = run_json(dir, {dir.file("z"), "--engine", "null", "--file-size", "1G", "--random",
                                        "--distribution", "zipf", "--zipf-theta", "1.2", "--hot-spot-scatter",
                                        "--total-ops", "200000", "--heatmap", "--heatmap-buckets", "10"});
  const auto spread = reads_per_bucket(scattered);
  EXPECT_LT(spread[0], 200000u / 2) << "scatter moves the hot blocks away from offset 0";

  const auto uniform = run_json(dir, {dir.file("z"), "--engine", "null", "--file-size", "1G", "--random",
                                      "--total-ops", "200000", "--heatmap", "--heatmap-buckets", "10"});
  for (uint64_t c : reads_per_bucket(uniform)) EXPECT_NEAR(static_cast<double>(c), 20000.0, 1000.0);
}

TEST(Workload, SameSeedSameOffsetsOtherSeedOthers) {
  ScratchDir dir;
  auto run = [&](const char* seed) {
    return reads_per_bucket(run_json(dir, {dir.file("s"), "--engine", "null", "--file-size", "64M", "--random",
                                           "--distribution", "pareto", "--seed", seed, "--total-ops", "5000",
                                           "--heatmap", "--heatmap-buckets", "64"}));
  };
  EXPECT_EQ(run("42"), run("42"));
  EXPECT_NE(run("42"), run("43"));
}

TEST(Workload, BlockSizeMixesAndPerOpSizes) {
  ScratchDir dir;
  const auto mix = run_json(dir, {dir.file("m"), "--engine", "null", "--file-size", "1G", "--random",
                                  "--block-size", "4k:50,64k:50", "--total-ops", "20000"});
  const uint64_t ops = mix["read"]["ops"], bytes = mix["read"]["bytes"];
  ASSERT_EQ(ops, 20000u);
  // bytes = 4096 a + 65536 b with a + b = ops: solve for the 64k share.
  const uint64_t big = (bytes - 4096 * ops) / (65536 - 4096);
  EXPECT_EQ(4096 * (ops - big) + 65536 * big, bytes) << "every IO is 4k or 64k";
  EXPECT_NEAR(static_cast<double>(big) / static_cast<double>(ops), 0.5, 0.03);

  const auto per_op = run_json(dir, {dir.file("m"), "--engine", "null", "--file-size", "1G", "--random",
                                     "--read-percent", "50", "--read-block-size", "8k", "--write-block-size",
                                     "16k", "--total-ops", "10000"});
  EXPECT_EQ(per_op["read"]["bytes"].get<uint64_t>(), per_op["read"]["ops"].get<uint64_t>() * 8192);
  EXPECT_EQ(per_op["write"]["bytes"].get<uint64_t>(), per_op["write"]["ops"].get<uint64_t>() * 16384);
}

// A size for a direction the workload never takes is said on standard
// error, and the IOs keep the size they take.  Observer: bytes per op in
// the results.
TEST(Workload, ASizeForADirectionTheWorkloadNeverTakesIsSaid) {
  ScratchDir dir;
  const std::string json = dir.file("sizes.json");
  const RunOutcome writes = run_iopulse({dir.file("w"), "--engine", "null", "--file-size", "1G", "--write-percent",
                                         "100", "--read-block-size", "64k", "--total-ops", "100", "--json-output",
                                         json});
  ASSERT_EQ(writes.exit_code, 0) << writes.err;
  EXPECT_NE(writes.err.find("--read-block-size: no effect: the workload only writes"), std::string::npos)
      << writes.err;
  const nlohmann::json w = read_json(json);
  EXPECT_EQ(w["write"]["bytes"].get<uint64_t>(), 100u * 4096);
  const RunOutcome reads = run_iopulse({dir.file("w"), "--engine", "null", "--file-size", "1G", "--write-block-size",
                                        "64k", "--total-ops", "100", "--json-output", json});
  ASSERT_EQ(reads.exit_code, 0) << reads.err;
  EXPECT_NE(reads.err.find("--write-block-size: no effect: the workload only reads"), std::string::npos)
      << reads.err;
  EXPECT_EQ(read_json(json)["read"]["bytes"].get<uint64_t>(), 100u * 4096);
  const RunOutcome mixed = run_iopulse({dir.file("w"), "--engine", "null", "--file-size", "1G", "--read-percent",
                                        "50", "--read-block-size", "8k", "--write-block-size", "16k", "--total-ops",
                                        "100", "--json-output", json});
  ASSERT_EQ(mixed.exit_code, 0) << mixed.err;
  EXPECT_EQ(mixed.err.find("no effect"), std::string::npos) << mixed.err;
}

TEST(Workload, FsyncEveryNWrites) {
  ScratchDir dir;
  const auto j = run_json(dir, {dir.file("f"), "--file-size", "4M", "--write-percent", "100", "--total-ops",
                                "1000", "--fsync-every", "10"});
  EXPECT_EQ(j["write"]["ops"].get<uint64_t>(), 1000u);
  // The 10th, 20th, ... write is followed by an fsync; the last one may not
  // have been issued when the budget ran out.
  EXPECT_GE(j["sync"]["ops"].get<uint64_t>(), 99u);
  EXPECT_LE(j["sync"]["ops"].get<uint64_t>(), 100u);
  EXPECT_EQ(j["sync"]["bytes"].get<uint64_t>(), 0u);
}

TEST(Workload, ThinkTimePausesBetweenIos) {
  ScratchDir dir;
  const auto j = run_json(dir, {dir.file("t"), "--engine", "null", "--file-size", "1G", "--total-ops", "50",
                                "--think-time", "2ms"});
  EXPECT_GE(j["window_ns"].get<double>(), 49 * 2e6) << "49 pauses of 2 ms between 50 IOs";
  const auto every = run_json(dir, {dir.file("t"), "--engine", "null", "--file-size", "1G", "--total-ops", "50",
                                    "--think-time", "2ms", "--think-every", "10", "--think-mode", "spin"});
  EXPECT_GE(every["window_ns"].get<double>(), 4 * 2e6);
  EXPECT_LT(every["window_ns"].get<double>(), 49 * 2e6) << "a pause only every 10 IOs";
}

TEST(Workload, RateLimitHoldsTheScheduleAndReportsLatencyFromIntendedStart) {
  ScratchDir dir;
  const auto j = run_json(dir, {dir.file("r"), "--engine", "null", "--file-size", "1G", "--threads", "2",
                                "--rate-iops", "400", "--duration", "1s"});
  EXPECT_NEAR(j["read"]["iops"].get<double>(), 400, 40);
  ASSERT_TRUE(j["read"].contains("latency_from_intended_ns"));
  EXPECT_GT(j["read"]["latency_from_intended_ns"]["percentiles"]["50"].get<double>(), 0);

  // A device slower than the schedule: 1 ms per IO at QD 1 can do 1000 IOPS,
  // asked for 2000.  Service latency stays ~1 ms; latency from the intended
  // start grows with the backlog.
  const auto slow = run_json(dir, {dir.file("r"), "--engine", "null", "--file-size", "1G", "--null.delay-us",
                                   "1000", "--rate-iops", "2000", "--duration", "1s"});
  const double service_p50 = slow["read"]["latency_ns"]["percentiles"]["50"];
  const double intended_p99 = slow["read"]["latency_from_intended_ns"]["percentiles"]["99"];
  // At QD 1 the IOs' service times do not overlap: they add up to at most
  // the window, so their mean is at most window / ops and (Markov) their
  // median at most twice that (and 2% for the histogram's buckets).  On an
  // idle machine that is about 2 ms; a loaded one that wakes the worker late
  // makes fewer, longer IOs, and the bound follows.
  const double ops = slow["read"]["ops"];
  const double window = slow["window_ns"];
  ASSERT_GT(ops, 0);
  EXPECT_GE(slow["read"]["latency_ns"]["min"].get<double>(), 1e6) << "the device's own 1 ms";
  EXPECT_LE(service_p50, 2 * window / ops * 1.02) << ops << " IOs in " << window << " ns";
  EXPECT_LT(ops, 1.1 * window / 1e6) << "1 ms per IO, one at a time";
  // Half a second of backlog by the end: the last tenth of the IOs were
  // due over 100 ms before they could start.
  EXPECT_GT(intended_p99, 100e6) << "coordinated omission is visible";
  EXPECT_GT(intended_p99, 20 * service_p50);
}

TEST(Workload, RunUntilCompleteTouchesEveryBlockExactlyOnce) {
  ScratchDir dir;
  const auto j = run_json(dir, {dir.file("c"), "--file-size", "4M", "--random", "--threads", "3", "--heatmap",
                                "--run-until-complete"});
  EXPECT_EQ(j["read"]["ops"].get<uint64_t>(), 1024u);
  EXPECT_DOUBLE_EQ(j["heatmap"]["coverage"].get<double>(), 1.0) << "1024 reads, 1024 blocks, all touched";
  EXPECT_EQ(j["stop_reason"], "complete");
}

TEST(Workload, TotalOpsIsExact) {
  ScratchDir dir;
  const auto j = run_json(dir, {dir.file("o"), "--file-size", "4M", "--random", "--threads", "3",
                                "--total-ops", "1001", "--read-percent", "60"});
  EXPECT_EQ(j["total"]["ops"].get<uint64_t>(), 1001u);
  EXPECT_EQ(j["stop_reason"], "total-ops");
}

// A plain job runs a loop compiled without the tests for locks, verify,
// think time and the like; one with any of them runs the general loop.
// Both must issue the same IOs: the blocks a random write job touches (seen
// as the blocks holding its buffer pattern) are the same either way.
TEST(Workload, PlainAndGeneralLoopsWriteTheSameBlocks) {
  ScratchDir dir;
  auto written_blocks = [&](const std::string& name, const std::string& seed, std::vector<std::string> extra) {
    const std::string target = dir.file(name);
    std::vector<std::string> args = {target, "--file-size", "1M", "--write-percent", "100", "--random",
                                     "--queue-depth", "4", "--total-ops", "64", "--seed", seed,
                                     "--buffer-pattern", "0x5a"};
    args.insert(args.end(), extra.begin(), extra.end());
    run_json(dir, args);
    const std::string data = read_file(target);
    EXPECT_EQ(data.size(), 1u << 20);
    std::vector<size_t> blocks;
    for (size_t b = 0; b * 4096 < data.size(); ++b) {
      if (data.substr(b * 4096, 4096).find_first_not_of('\x5a') == std::string::npos) blocks.push_back(b);
    }
    return blocks;
  };
  const std::vector<size_t> plain = written_blocks("plain", "7", {});
  const std::vector<size_t> general = written_blocks("general", "7", {"--lock-mode", "range"});
  EXPECT_GT(plain.size(), 50u) << "64 random writes over 256 blocks, few repeats";
  EXPECT_LE(plain.size(), 64u);
  EXPECT_EQ(plain, general);
  EXPECT_NE(plain, written_blocks("other-seed", "8", {})) << "the check can tell other offsets apart";
}

TEST(Workload, PartitionedWorkersWriteTheirOwnSlices) {
  ScratchDir dir;
  const std::string target = dir.file("p");
  // Two workers, sequential, 64 KiB each from the start of their own half.
  run_json(dir, {target, "--file-size", "1M", "--threads", "2", "--file-distribution", "partitioned",
                 "--write-percent", "100", "--total-bytes", "128k", "--buffer-pattern", "0x5a"});
  const std::string data = read_file(target);
  ASSERT_EQ(data.size(), 1u << 20);
  auto patterned = [&](size_t from, size_t len) {
    return data.substr(from, len).find_first_not_of('\x5a') == std::string::npos;
  };
  EXPECT_TRUE(patterned(0, 64 * 1024));
  EXPECT_TRUE(patterned(512 * 1024, 64 * 1024));
  EXPECT_FALSE(patterned(64 * 1024, 4096));
  EXPECT_FALSE(patterned(576 * 1024, 4096));
}

TEST(Workload, VerifyWritesThenVerifyOnlyFindsACorruptedBlock) {
  ScratchDir dir;
  const std::string target = dir.file("v");
  auto j = run_json(dir, {target, "--file-size", "1M", "--verify", "--read-percent", "50", "--random",
                          "--total-ops", "2000", "--seed", "7"});
  EXPECT_EQ(j["verify"]["failures"], 0);
  EXPECT_GT(j["read"]["ops"].get<uint64_t>(), 0u);
  RunOutcome r = run_iopulse({target, "--verify-only", "--seed", "7", "-q"});
  EXPECT_EQ(r.exit_code, 0) << r.err;

  // Corrupt one byte behind iopulse's back.
  const int fd = open(target.c_str(), O_WRONLY);
  ASSERT_GE(fd, 0);
  const char zero = 0x00;
  char original = 0;
  const int rfd = open(target.c_str(), O_RDONLY);
  ASSERT_EQ(pread(rfd, &original, 1, 8192 + 100), 1);
  close(rfd);
  const char bad = static_cast<char>(original ^ 0xff);
  ASSERT_EQ(pwrite(fd, &bad, 1, 8192 + 100), 1);
  close(fd);
  (void)zero;
  r = run_iopulse({target, "--verify-only", "--seed", "7", "-q"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  char expected_text[64];
  snprintf(expected_text, sizeof expected_text, "(expected 0x%02x, found 0x%02x)",
           static_cast<unsigned char>(original), static_cast<unsigned char>(bad));
  EXPECT_NE(r.err.find("verify failed: '" + target + "' offset 8192: payload mismatch at byte 100 of 4096 " +
                       expected_text),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.out.find("1 block(s) FAILED verification"), std::string::npos) << r.out;

  // Another seed: every block is reported as written by another run.
  r = run_iopulse({target, "--verify-only", "--seed", "8", "-q", "--continue-on-error"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("wrong seed in header (expected 8, found 7)"), std::string::npos) << r.err;
}

TEST(Workload, BadCombinationsAreUsageErrors) {
  ScratchDir dir;
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"--distribution", "zipf"}, "needs --random"},
      {{"--random", "--distribution", "gaussian"}, "--gaussian-stddev: required"},
      {{"--random", "--zipf-theta", "0"}, "--zipf-theta: 0 is not accepted"},
      {{"--block-size", "4k:70,64k:20"}, "--block-size: weights add up to 90"},
      {{"--fsync-every", "5"}, "the job does not write"},
      {{"--verify", "--verify-only"}, "choose one"},
      {{"--verify", "--block-size", "32"}, "smaller than 64 bytes"},
      {{"--verify-only", "--write-percent", "10"}, "reads only"},
      {{"--verify", "--write-percent", "50", "--threads", "2", "--duration", "1s"}, "partitioned or per-worker"},
      {{"--verify", "--write-percent", "50", "--block-size", "4k:50,8k:50"},
       "accepted: one --block-size for reads and writes"},
      {{"--verify-only", "--block-size", "4k:50,16k:50"}, "accepted: one --block-size for reads and writes"},
      {{"--threads", "300", "--file-distribution", "partitioned", "--block-size", "4k", "--duration", "1s"},
       "fewer than one IO"},
      {{"--think-mode", "doze"}, "--think-mode: 'doze'"},
      {{"--run-until-complete", "--duration", "1s"}, "--run-until-complete and --duration: choose one"},
  };
  for (const auto& [args, expect] : cases) {
    std::vector<std::string> argv{dir.file("sub/x"), "--file-size", "1M"};
    argv.insert(argv.end(), args.begin(), args.end());
    const RunOutcome r = run_iopulse(argv);
    EXPECT_EQ(r.exit_code, 2) << args.back() << ": " << r.err;
    EXPECT_NE(r.err.find(expect), std::string::npos) << "expected '" << expect << "' in " << r.err;
    EXPECT_EQ(access(dir.file("sub").c_str(), F_OK), -1) << "touched the disk for " << args.back();
    if (args.front().starts_with("--verify") && expect != "choose one") {
      // What verification refuses says what would make it safe, on one line.
      EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
      EXPECT_NE(r.err.find("accepted: "), std::string::npos) << r.err;
    }
  }
  const RunOutcome missing = run_iopulse({dir.file("none"), "--verify-only"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("--verify-only: '" + dir.file("none") + "' does not exist"), std::string::npos)
      << missing.err;
}

}  // namespace
}  // namespace iopulse::test

namespace iopulse::test {
namespace {

// Pages of `path` resident in the page cache (mincore).
size_t resident_pages(const std::string& path, size_t bytes) {
  const int fd = open(path.c_str(), O_RDONLY);
  void* map = mmap(nullptr, bytes, PROT_READ, MAP_SHARED, fd, 0);
  close(fd);
  std::vector<unsigned char> vec((bytes + 4095) / 4096);
  mincore(map, bytes, vec.data());
  munmap(map, bytes);
  return static_cast<size_t>(std::count_if(vec.begin(), vec.end(), [](unsigned char v) { return v & 1; }));
}

TEST(Hints, FadviseDontneedDropsTheRegionFromThePageCache) {
  ScratchDir dir;
  const std::string target = dir.file("h");
  run_json(dir, {target, "--file-size", "8M", "--total-ops", "1"});  // prepared: written through the cache
  ASSERT_GT(resident_pages(target, 8 << 20), 1000u);
  run_json(dir, {target, "--fadvise", "dontneed", "--total-ops", "4"});
  EXPECT_LE(resident_pages(target, 8 << 20), 64u) << "only what the 4 reads brought back may be cached";
  run_json(dir, {target, "--fadvise", "willneed", "--total-ops", "1"});
  // WILLNEED starts readahead of the whole region; give it a moment (up to
  // 10 s: a loaded machine's disk may take that long). The kernel's readahead
  // allocates its pages without retrying, so on a busy machine it may skip a
  // few (a sanitizer run saw 2019 of 2048). Without the hint one random read
  // brings in a few pages (the step above sees at most 64 after four), so
  // nine tenths tells them apart.
  size_t resident = 0;
  for (int i = 0; i < 500 && resident < 2048; ++i) {
    resident = resident_pages(target, 8 << 20);
    usleep(20000);
  }
  EXPECT_GE(resident, 2048u * 9 / 10);
}

TEST(Hints, WorkersArePinnedToTheGivenCpus) {
  ScratchDir dir;
  const auto j = run_json(dir, {dir.file("c"), "--engine", "null", "--file-size", "1G", "--threads", "3",
                                "--cpu-cores", "0", "--duration", "200ms"});
  ASSERT_EQ(j["workers"].size(), 3u);
  for (const auto& w : j["workers"]) EXPECT_EQ(w["cpu"], 0);
  const RunOutcome bad = run_iopulse({dir.file("c"), "--file-size", "1M", "--cpu-cores", "0-9999"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("--cpu-cores: '0-9999' is not accepted"), std::string::npos) << bad.err;
}

TEST(Hints, NumaZonesBindEachWorkersBuffers) {
  ScratchDir dir;
  const auto j = run_json(dir, {dir.file("n"), "--engine", "null", "--file-size", "1G", "--threads", "2",
                                "--numa-zones", "0", "--duration", "100ms"});
  ASSERT_EQ(j["workers"].size(), 2u);
  for (const auto& w : j["workers"]) EXPECT_EQ(w["numa_node"], 0) << "buffers allocated on the bound node";
  const RunOutcome bad = run_iopulse({dir.file("n"), "--file-size", "1M", "--numa-zones", "999"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("--numa-zones: '999' is not accepted"), std::string::npos) << bad.err;
}

TEST(Hints, FullFileLocksMakeWorkersContend) {
  ScratchDir dir;
  const auto locked = run_json(dir, {dir.file("l"), "--file-size", "4M", "--threads", "2", "--write-percent",
                                     "100", "--random", "--lock-mode", "full", "--duration", "500ms"});
  EXPECT_GT(locked["lock_conflicts"].get<uint64_t>(), 0u) << "two writers of one file under a whole-file lock";
  const auto ranges = run_json(dir, {dir.file("l"), "--file-size", "4M", "--threads", "2", "--read-percent",
                                     "100", "--random", "--lock-mode", "range", "--duration", "300ms"});
  EXPECT_EQ(ranges["lock_conflicts"].get<uint64_t>(), 0u) << "shared read locks never conflict";
}

}  // namespace
}  // namespace iopulse::test

namespace iopulse::test {
namespace {

TEST(WorkloadMore, GaussianConcentratesAroundItsCenter) {
  ScratchDir dir;
  const auto j = run_json(dir, {dir.file("g"), "--engine", "null", "--file-size", "1G", "--random", "--distribution",
                                "gaussian", "--gaussian-center", "0.75", "--gaussian-stddev", "0.05", "--total-ops",
                                "100000", "--heatmap", "--heatmap-buckets", "20"});
  const auto counts = reads_per_bucket(j);
  // mean 0.75, sd 0.05: buckets 14 and 15 ([0.70, 0.80)) hold ~68%.
  EXPECT_NEAR(static_cast<double>(counts[14] + counts[15]) / 100000, 0.683, 0.02);
  EXPECT_EQ(counts[0] + counts[1] + counts[2], 0u);
}

TEST(WorkloadMore, FdatasyncEveryNWrites) {
  ScratchDir dir;
  const auto j = run_json(dir, {dir.file("f"), "--file-size", "1M", "--write-percent", "100", "--total-ops", "200",
                                "--fdatasync-every", "20"});
  EXPECT_GE(j["sync"]["ops"].get<uint64_t>(), 9u);
  EXPECT_LE(j["sync"]["ops"].get<uint64_t>(), 10u);
  EXPECT_EQ(j["config"]["fdatasync_every"], 20);
}

TEST(WorkloadMore, AdaptiveThinkTimeFollowsTheLastLatency) {
  ScratchDir dir;
  // 1 ms IOs, a pause of 100% of the last latency after each: ~2 ms per IO.
  const auto j = run_json(dir, {dir.file("a"), "--engine", "null", "--file-size", "1G", "--null.delay-us", "1000",
                                "--total-ops", "50", "--think-adaptive-percent", "100"});
  EXPECT_GE(j["window_ns"].get<double>(), 50 * 1e6 + 49 * 1e6);
}

TEST(WorkloadMore, BandwidthLimitAndPerWorkerRates) {
  ScratchDir dir;
  const auto bw = run_json(dir, {dir.file("b"), "--engine", "null", "--file-size", "1G", "--block-size", "64k",
                                 "--rate-bw", "32M", "--duration", "1s"});
  EXPECT_NEAR(bw["read"]["bw_bytes_per_sec"].get<double>(), 32.0 * 1024 * 1024, 32.0 * 1024 * 1024 * 0.1);
  const auto per_worker = run_json(dir, {dir.file("b"), "--engine", "null", "--file-size", "1G", "--threads", "2",
                                         "--rate-iops", "300", "--rate-per-worker", "--duration", "1s"});
  EXPECT_NEAR(per_worker["read"]["iops"].get<double>(), 600, 60) << "300 for each of 2 workers";
}

TEST(WorkloadMore, ForceRecreateRefillsAReusedFile) {
  ScratchDir dir;
  const std::string target = dir.file("r");
  run_json(dir, {target, "--file-size", "1M", "--write-percent", "100", "--total-ops", "1", "--buffer-pattern",
                 "0xa5"});
  auto first_byte = [&] { return read_file(target)[0]; };
  ASSERT_EQ(first_byte(), '\xa5');
  auto j = run_json(dir, {target, "--file-size", "1M", "--total-ops", "1"});
  EXPECT_EQ(j["preparation"]["bytes_written"], 0) << "complete data is reused";
  EXPECT_EQ(first_byte(), '\xa5');
  j = run_json(dir, {target, "--file-size", "1M", "--total-ops", "1", "--force-recreate", "--preallocate"});
  EXPECT_EQ(j["preparation"]["bytes_written"], 1u << 20);
  EXPECT_NE(read_file(target).substr(0, 4096).find_first_not_of('\xa5'), std::string::npos);
}

TEST(WorkloadMore, FilePrefixNamesTheFilesOfASet) {
  ScratchDir dir;
  run_json(dir, {dir.file("set"), "--num-files", "2", "--file-size", "16k", "--file-prefix", "obj"});
  EXPECT_EQ(access(dir.file("set/obj.0").c_str(), F_OK), 0);
  EXPECT_EQ(access(dir.file("set/obj.1").c_str(), F_OK), 0);
}

TEST(WorkloadMore, VerifyWithReadsOnlyNeedsADataset) {
  ScratchDir dir;
  const RunOutcome r = run_iopulse({dir.file("none"), "--file-size", "1M", "--verify"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("nothing written to check"), std::string::npos) << r.err;
  EXPECT_EQ(access(dir.file("none").c_str(), F_OK), -1);
}

}  // namespace
}  // namespace iopulse::test
