// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// Multi-rank runs: the real iopulse binary started by mpirun as 2 or 4 ranks
// on this machine (--oversubscribe), checked through what they did: the
// bytes on disk, the files created, the merged numbers against the per-rank
// ones, the exit codes and messages when a rank fails.
#ifdef IOPULSE_WITH_MPI

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "json_support.h"
#include "run_support.h"

namespace iopulse::test {
namespace {

using nlohmann::json;

// Open MPI refuses root without these; the tests run as root in CI.
const std::vector<std::string> kMpiEnv = {"OMPI_ALLOW_RUN_AS_ROOT=1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1",
                                          "OMPI_MCA_rmaps_base_oversubscribe=1"};

std::vector<std::string> mpirun_argv(int ranks, const std::vector<std::string>& args) {
  std::vector<std::string> argv{IOPULSE_MPIRUN, "--oversubscribe", "-np", std::to_string(ranks), IOPULSE_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

RunOutcome mpirun(int ranks, const std::vector<std::string>& args) {
  return run_command(mpirun_argv(ranks, args), kMpiEnv);
}

// mpirun's multiple-program form: one `-np 1 iopulse args` per entry.
RunOutcome mpirun_each(const std::vector<std::vector<std::string>>& per_rank) {
  std::vector<std::string> argv{IOPULSE_MPIRUN, "--oversubscribe"};
  for (size_t r = 0; r < per_rank.size(); ++r) {
    if (r != 0) argv.push_back(":");
    argv.insert(argv.end(), {"-np", "1", IOPULSE_BINARY});
    argv.insert(argv.end(), per_rank[r].begin(), per_rank[r].end());
  }
  return run_command(argv, kMpiEnv);
}

std::string host_name() {
  char name[256] = {};
  gethostname(name, sizeof name - 1);
  return name;
}

uint64_t file_size(const std::string& path) {
  struct stat st {};
  return stat(path.c_str(), &st) == 0 ? static_cast<uint64_t>(st.st_size) : 0;
}

// The percentile as the reports compute it (docs/json-output.md): the
// nearest rank over the buckets, the bucket's midpoint clamped to
// [min, max], from sparse buckets (lower -> (upper, count)).
uint64_t percentile_of(const std::map<uint64_t, std::pair<uint64_t, uint64_t>>& buckets, uint64_t count,
                       uint64_t min, uint64_t max, double p) {
  const double exact = p / 100.0 * static_cast<double>(count);
  if (!(exact > 1.0)) return min;
  if (exact >= static_cast<double>(count)) return max;
  const auto rank = static_cast<uint64_t>(std::ceil(exact - exact * 1e-14));
  if (rank >= count) return max;
  uint64_t seen = 0;
  for (const auto& [lower, entry] : buckets) {
    seen += entry.second;
    if (seen >= rank) return std::clamp(lower + (entry.first - 1 - lower) / 2, min, max);
  }
  return max;
}

TEST(MpiRun, PartitionedWritesCoverTheFileExactlyOnceAcrossRanks) {
  ScratchDir dir;
  const std::string data = dir.file("data");
  // 4 ranks x 2 workers, one complete pass of random writes with verifiable
  // contents: 2048 blocks, each written by exactly one worker.
  const RunOutcome run = mpirun(4, {data, "--file-size", "8M", "--threads", "2", "--random", "--write-percent", "100",
                                    "--file-distribution", "partitioned", "--verify", "--seed", "7", "--json-output",
                                    dir.file("r.json")});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  const json r = read_json(dir.file("r.json"));
  EXPECT_EQ(r["write"]["ops"], 2048);
  EXPECT_EQ(r["stop_reason"], "complete");
  ASSERT_EQ(r["cluster"]["ranks"], 4);
  for (const json& rank : r["cluster"]["per_rank"]) {
    EXPECT_EQ(rank["write"]["ops"], 512) << rank.dump();
    EXPECT_EQ(rank["workers"], 2);
  }
  // Every block holds the data the job wrote: read back by a separate run
  // that checks each block's offset, seed and checksum.  A block two
  // workers shared would mean another block was never written and fails.
  const RunOutcome check = run_iopulse({data, "--verify-only", "--seed", "7", "--json-output", dir.file("v.json")});
  ASSERT_EQ(check.exit_code, 0) << check.out << check.err;
  const json v = read_json(dir.file("v.json"));
  EXPECT_EQ(v["read"]["ops"], 2048);
  EXPECT_EQ(v["verify"]["failures"], 0);
}

// A verify journal is one process's record: several ranks are refused by
// every rank with one line, before any file or journal exists.
TEST(MpiRun, VerifyJournalIsRefusedWithSeveralRanks) {
  ScratchDir dir;
  const std::string data = dir.file("data"), journal = dir.file("journal");
  const std::vector<std::string> job{data, "--file-size", "4M", "--random", "--file-distribution", "partitioned",
                                     "--seed", "3", "--verify-journal", journal, "-q"};
  const std::string refusal = "--verify-journal: '" + journal + "': not available when several ranks run the job";
  std::vector<std::string> args = job;
  args.insert(args.end(), {"--verify", "--write-percent", "100"});
  RunOutcome run = mpirun(2, args);
  EXPECT_EQ(run.exit_code, 2) << run.out << run.err;
  EXPECT_NE(run.err.find(refusal), std::string::npos) << run.err;
  EXPECT_FALSE(std::filesystem::exists(data));
  EXPECT_FALSE(std::filesystem::exists(journal));

  // A dataset written by one rank: checking it with two ranks and the
  // journal is refused too, and the journal is not created.
  run = run_iopulse({data, "--file-size", "4M", "--write-percent", "100", "--verify", "--seed", "3", "-q"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  args = job;
  args.push_back("--verify-only");
  run = mpirun(2, args);
  EXPECT_EQ(run.exit_code, 2) << run.out << run.err;
  EXPECT_NE(run.err.find(refusal), std::string::npos) << run.err;
  EXPECT_FALSE(std::filesystem::exists(journal));
}

TEST(MpiRun, SharedRandomPassIsSplitAmongEveryWorkerOfEveryRank) {
  ScratchDir dir;
  const std::string data = dir.file("data");
  const RunOutcome run = mpirun(2, {data, "--file-size", "4M", "--threads", "2", "--random", "--write-percent", "100",
                                    "--verify", "--seed", "11", "--run-until-complete", "--json-output",
                                    dir.file("r.json")});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_EQ(read_json(dir.file("r.json"))["write"]["ops"], 1024);
  const RunOutcome check = run_iopulse({data, "--verify-only", "--seed", "11"});
  EXPECT_EQ(check.exit_code, 0) << check.out << check.err;
}

TEST(MpiRun, PerWorkerFilesCarryRankAndWorkerSuffixes) {
  ScratchDir dir;
  const std::string data = dir.file("data");
  const RunOutcome run = mpirun(2, {data, "--file-size", "1M", "--threads", "2", "--file-distribution", "per-worker",
                                    "--write-percent", "100", "--json-output", dir.file("r.json")});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  for (const char* suffix : {".r0.w0", ".r0.w1", ".r1.w0", ".r1.w1"}) {
    EXPECT_EQ(file_size(data + suffix), 1u << 20) << data + suffix;
  }
  EXPECT_FALSE(std::filesystem::exists(data + ".0"));
  EXPECT_FALSE(std::filesystem::exists(data));
  // One pass over each file: 256 blocks per worker.
  EXPECT_EQ(read_json(dir.file("r.json"))["write"]["ops"], 4 * 256);
}

TEST(MpiRun, MergedTotalsAreTheSumOfTheRanks) {
  ScratchDir dir;
  const RunOutcome run = mpirun(4, {"unused", "--engine", "null", "--file-size", "64M", "--random", "--read-percent",
                                    "60", "--duration", "1500ms", "--stats-interval", "500ms", "--json-output",
                                    dir.file("r.json")});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  const json r = read_json(dir.file("r.json"));
  const json& c = r["cluster"];
  ASSERT_EQ(c["per_rank"].size(), 4u);
  for (const char* kind : {"read", "write", "total"}) {
    uint64_t ops = 0, bytes = 0, lat_max = 0, lat_min = UINT64_MAX;
    for (const json& rank : c["per_rank"]) {
      ops += rank[kind]["ops"].get<uint64_t>();
      bytes += rank[kind]["bytes"].get<uint64_t>();
      lat_max = std::max(lat_max, rank[kind]["latency_ns"]["max"].get<uint64_t>());
      lat_min = std::min(lat_min, rank[kind]["latency_ns"]["min"].get<uint64_t>());
    }
    EXPECT_EQ(r[kind]["ops"].get<uint64_t>(), ops) << kind;
    EXPECT_EQ(r[kind]["bytes"].get<uint64_t>(), bytes) << kind;
    EXPECT_EQ(r[kind]["latency_ns"]["max"].get<uint64_t>(), lat_max) << kind;
    EXPECT_EQ(r[kind]["latency_ns"]["min"].get<uint64_t>(), lat_min) << kind;
    EXPECT_GT(ops, 0u) << kind;
  }
  // The host view adds up to the same (one host here).
  ASSERT_EQ(c["per_host"].size(), 1u);
  EXPECT_EQ(c["per_host"][0]["host"], host_name());
  EXPECT_EQ(c["per_host"][0]["total"]["ops"], r["total"]["ops"]);
  // The merged time series sums to the totals; the window is the longest rank's.
  uint64_t series_ops = 0;
  for (const json& s : r["timeseries"]) series_ops += s["total"]["ops"].get<uint64_t>();
  EXPECT_EQ(series_ops, r["total"]["ops"].get<uint64_t>());
  EXPECT_GE(r["timeseries"].size(), 3u);
  uint64_t longest = 0;
  for (const json& rank : c["per_rank"]) longest = std::max(longest, rank["window_ns"].get<uint64_t>());
  EXPECT_EQ(r["window_ns"].get<uint64_t>(), longest);
  // The last interval ends with the job's window, not a full interval later.
  EXPECT_EQ(r["timeseries"].back()["end_ns"].get<uint64_t>(), longest);
  // One host: the ranks read the same clock, the skew is the barrier's.
  EXPECT_LT(c["start_skew_ns"].get<uint64_t>(), 1'000'000'000u);
  EXPECT_NE(run.out.find("cluster      4 ranks on 1 host(s), 4 workers"), std::string::npos) << run.out;
}

TEST(MpiRun, AJobWideRateLimitIsSharedByAllRanks) {
  ScratchDir dir;
  const RunOutcome run = mpirun(2, {"unused", "--engine", "null", "--file-size", "64M", "--threads", "2",
                                    "--rate-iops", "4000", "--duration", "1s", "--json-output", dir.file("r.json")});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  const json r = read_json(dir.file("r.json"));
  // 4000 IOs per second for the whole job: about 1000 per worker, not per rank x 4000.
  EXPECT_NEAR(r["total"]["ops"].get<double>(), 4000.0, 200.0);
  for (const json& rank : r["cluster"]["per_rank"]) EXPECT_NEAR(rank["total"]["ops"].get<double>(), 2000.0, 100.0);
  // Two ranks of two workers on this host use at most its CPUs.
  EXPECT_LE(r["resources"]["cores_used"].get<uint32_t>(), static_cast<uint32_t>(sysconf(_SC_NPROCESSORS_ONLN)));
}

TEST(MpiRun, MergedPercentilesAreThoseOfTheCombinedSamples) {
  ScratchDir dir;
  // Two ranks that see very different devices: 50 us and 2 ms per IO.  An
  // average of per-rank percentiles would be far from the combined ones.
  const std::vector<std::string> common = {"unused", "--engine", "null", "--file-size", "64M", "--duration", "1s",
                                           "--queue-depth", "4", "--json-output", dir.file("r.json")};
  std::vector<std::string> fast = common, slow = common;
  fast.insert(fast.end(), {"--null.delay-us", "50"});
  slow.insert(slow.end(), {"--null.delay-us", "2000"});
  const RunOutcome run = mpirun_each({fast, slow});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  const json r = read_json(dir.file("r.json"));
  std::map<uint64_t, std::pair<uint64_t, uint64_t>> buckets;  // lower -> (upper, count)
  uint64_t count = 0, min = UINT64_MAX, max = 0;
  for (const json& rank : r["cluster"]["per_rank"]) {
    const json& lat = rank["read"]["latency_ns"];
    min = std::min(min, lat["min"].get<uint64_t>());
    max = std::max(max, lat["max"].get<uint64_t>());
    for (const json& b : lat["histogram"]) {
      auto& entry = buckets[b[0].get<uint64_t>()];
      entry.first = b[1].get<uint64_t>();
      entry.second += b[2].get<uint64_t>();
      count += b[2].get<uint64_t>();
    }
  }
  ASSERT_EQ(count, r["read"]["ops"].get<uint64_t>());
  const json& merged = r["read"]["latency_ns"]["percentiles"];
  for (const auto& [key, p] : std::vector<std::pair<std::string, double>>{
           {"50", 50}, {"90", 90}, {"99", 99}, {"99.9", 99.9}, {"99.99", 99.99}}) {
    EXPECT_EQ(merged[key].get<uint64_t>(), percentile_of(buckets, count, min, max, p)) << "p" << key;
  }
  // The fast rank completes ~40x the IOs, so the combined median is fast.
  EXPECT_LT(merged["50"].get<uint64_t>(), 500'000u);
  EXPECT_GT(merged["99.9"].get<uint64_t>(), 1'900'000u);
}

TEST(MpiRun, FirstDoneAndLastDoneShowTheStraggler) {
  ScratchDir dir;
  // The same work for each rank (--total-ops is split over the job's
  // workers); rank 1's device is 200 us per IO, rank 0's instant.
  const std::vector<std::string> common = {"unused", "--engine", "null", "--file-size", "64M", "--total-ops", "4000",
                                           "--json-output", dir.file("r.json")};
  std::vector<std::string> slow = common;
  slow.insert(slow.end(), {"--null.delay-us", "200"});
  const RunOutcome run = mpirun_each({common, slow});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  const json c = read_json(dir.file("r.json"))["cluster"];
  EXPECT_EQ(c["first_done"]["rank"], 0);
  EXPECT_EQ(c["last_done"]["rank"], 1);
  EXPECT_LT(c["first_done"]["window_ns"].get<uint64_t>(), c["last_done"]["window_ns"].get<uint64_t>());
  EXPECT_EQ(c["last_done"]["ops"], 4000);
  // At the first finish rank 0 had all of its 2000 and rank 1 few of its own.
  EXPECT_GE(c["first_done"]["ops"].get<uint64_t>(), 2000u);
  EXPECT_LT(c["first_done"]["ops"].get<uint64_t>(), 3000u);
  EXPECT_NE(run.out.find("first done   rank 0 after"), std::string::npos) << run.out;
}

TEST(MpiRun, HostPlaceholderGivesEachHostItsOwnTarget) {
  ScratchDir dir;
  // Both ranks run here, so they share <dir>/<host>/data and split it.
  const RunOutcome run = mpirun(2, {dir.path() + "/{host}/data", "--file-size", "2M", "--write-percent", "100",
                                    "--file-distribution", "partitioned", "--json-output", dir.file("r.json")});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  const std::string expanded = dir.path() + "/" + host_name() + "/data";
  EXPECT_EQ(file_size(expanded), 2u << 20);
  const json r = read_json(dir.file("r.json"));
  EXPECT_EQ(r["cluster"]["per_rank"][1]["target"], expanded);
  EXPECT_EQ(r["config"]["target_template"], dir.path() + "/{host}/data");
  EXPECT_EQ(r["write"]["ops"], 512);
}

TEST(MpiRun, RankPlaceholderGivesEachRankItsOwnFile) {
  ScratchDir dir;
  const RunOutcome run = mpirun(2, {dir.file("data.{rank}"), "--file-size", "1M", "--write-percent", "100"});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_EQ(file_size(dir.file("data.0")), 1u << 20);
  EXPECT_EQ(file_size(dir.file("data.1")), 1u << 20);
}

TEST(MpiRun, AnIoErrorOnOneRankStopsTheWholeJobNamingIt) {
  ScratchDir dir;
  const std::string fixtures = IOPULSE_FIXTURE_PLUGIN_DIR "/io_errors";
  const std::vector<std::string> common = {"unused", "--plugin-dir", fixtures, "--engine", "io_errors",
                                           "--file-size", "64M", "--duration", "60s", "--rate-iops", "5000",
                                           "--json-output", dir.file("r.json")};
  std::vector<std::string> healthy = common, failing = common;
  healthy.insert(healthy.end(), {"--io_errors.fail-every", "1000000"});
  failing.insert(failing.end(), {"--io_errors.fail-every", "1000"});
  const auto start = std::chrono::steady_clock::now();
  const RunOutcome run = mpirun_each({healthy, failing});
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  EXPECT_LT(took, std::chrono::seconds(20)) << "a 60 s job should end soon after the error (about 0.2 s in)";
  const std::string where = "rank 1 (" + host_name() + "): ";
  EXPECT_NE(run.err.find("iopulse: error: " + where), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("Input/output error"), std::string::npos) << run.err;
  const json r = read_json(dir.file("r.json"));
  EXPECT_EQ(r["stop_reason"], "error");
  EXPECT_EQ(r["cluster"]["per_rank"][0]["stop_reason"], "stopped");
  EXPECT_EQ(r["cluster"]["per_rank"][1]["stop_reason"], "error");
}

// A worker's set-up that fails on one rank (its engine cannot open the
// file there) ends the job before the window on every rank, as alone: the
// results are written, with each rank's stop reason and the failing rank's
// errno text (and in the fio JSON on rank 0's output, its errno), and
// nothing is measured.
TEST(MpiRun, AWorkerSetUpErrorOnOneRankEndsTheJobWithItsResults) {
  ScratchDir dir;
  const std::string fixtures = IOPULSE_FIXTURE_PLUGIN_DIR "/io_errors";
  const std::vector<std::string> healthy = {"unused", "--plugin-dir", fixtures, "--engine", "io_errors",
                                            "--file-size", "64M", "--duration", "60s", "--json-output",
                                            dir.file("r.json"), "--output-format", "fio-json"};
  std::vector<std::string> failing = healthy;
  failing.insert(failing.end(), {"--io_errors.open-errno", "12"});
  const auto start = std::chrono::steady_clock::now();
  const RunOutcome run = mpirun_each({healthy, failing});
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(20)) << "the 60 s window opened";
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  const std::string line = "iopulse: error: rank 1 (" + host_name() + "): engine io_errors: opening 'unused' failed: "
                           "fixture: open refused on purpose (Cannot allocate memory)";
  EXPECT_NE(run.err.find(line), std::string::npos) << run.err;
  ASSERT_TRUE(std::filesystem::exists(dir.file("r.json"))) << run.err;
  const json r = read_json(dir.file("r.json"));
  EXPECT_EQ(r["stop_reason"], "error");
  EXPECT_EQ(r["window_ns"], 0);
  EXPECT_EQ(r["read"]["ops"].get<uint64_t>() + r["write"]["ops"].get<uint64_t>(), 0u);
  EXPECT_NE(r["errors"].dump().find("Cannot allocate memory"), std::string::npos) << r["errors"].dump();
  ASSERT_EQ(r["cluster"]["per_rank"].size(), 2u);
  EXPECT_EQ(r["cluster"]["per_rank"][0]["stop_reason"], "stopped");
  EXPECT_EQ(r["cluster"]["per_rank"][1]["stop_reason"], "error");
  const size_t brace = run.out.find('{');
  ASSERT_NE(brace, std::string::npos) << run.out;
  const json fio = json::parse(run.out.substr(brace, run.out.rfind('}') + 1 - brace));
  ASSERT_EQ(fio["jobs"].size(), 1u);
  EXPECT_EQ(fio["jobs"][0]["error"], ENOMEM);
}

// A preparation that fails on one rank (its file cannot grow past the
// rank's RLIMIT_FSIZE: EFBIG) ends the job on every rank with the results
// written and the errno text, as alone.
TEST(MpiRun, APreparationErrorOnOneRankEndsTheJobWithItsResults) {
  ScratchDir dir;
  const std::vector<std::string> job = {dir.file("d.{rank}"), "--file-size", "4M", "--read-percent", "100",
                                        "--duration", "60s", "--json-output", dir.file("r.json"),
                                        "--output-format", "fio-json"};
  std::string quoted;
  for (const std::string& a : job) quoted += " '" + a + "'";
  std::vector<std::string> argv{IOPULSE_MPIRUN, "--oversubscribe", "-np", "1", IOPULSE_BINARY};
  argv.insert(argv.end(), job.begin(), job.end());
  // (A write past the limit fails with EFBIG once SIGXFSZ is ignored.)
  argv.insert(argv.end(), {":", "-np", "1", "/bin/sh", "-c",
                           std::string("trap '' XFSZ; ulimit -f 1024; exec ") + IOPULSE_BINARY + quoted});
  const RunOutcome run = run_command(argv, kMpiEnv);
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  EXPECT_NE(run.err.find("iopulse: error: rank 1 (" + host_name() + "): writing '" + dir.file("d.1") +
                         "' at offset 524288 while preparing it: File too large"),
            std::string::npos)
      << run.err;
  EXPECT_EQ(file_size(dir.file("d.1")), 524288u);  // (what the limit let through)
  ASSERT_TRUE(std::filesystem::exists(dir.file("r.json"))) << run.err;
  const json r = read_json(dir.file("r.json"));
  EXPECT_EQ(r["stop_reason"], "preparation-error");
  EXPECT_EQ(r["window_ns"], 0);
  ASSERT_EQ(r["errors"].size(), 1u) << r["errors"].dump();
  EXPECT_EQ(r["errors"][0], "rank 1 (" + host_name() + "): writing '" + dir.file("d.1") +
                                "' at offset 524288 while preparing it: File too large");
  // Every rank's preparation: rank 0's whole file and rank 1's first 512 KiB.
  EXPECT_EQ(r["preparation"]["bytes_written"], (4u << 20) + 524288u);
  ASSERT_EQ(r["cluster"]["per_rank"].size(), 2u);
  EXPECT_EQ(r["cluster"]["per_rank"][0]["stop_reason"], "stopped");
  EXPECT_EQ(r["cluster"]["per_rank"][1]["stop_reason"], "preparation-error");
  // fio's "error": rank 1's errno.
  const size_t brace = run.out.find('{');
  ASSERT_NE(brace, std::string::npos) << run.out;
  const json fio = json::parse(run.out.substr(brace, run.out.rfind('}') + 1 - brace));
  ASSERT_EQ(fio["jobs"].size(), 1u);
  EXPECT_EQ(fio["jobs"][0]["error"], EFBIG);
}

TEST(MpiRun, ASetupErrorOnOneRankEndsEveryRankBeforeAnyFileIsTouched) {
  ScratchDir dir;
  // Rank 1's target is a directory; rank 0's does not exist yet.
  std::filesystem::create_directory(dir.file("t1"));
  const RunOutcome run = mpirun(2, {dir.file("t{rank}"), "--file-size", "1M", "--write-percent", "100"});
  EXPECT_EQ(run.exit_code, 2) << run.out << run.err;
  EXPECT_NE(run.err.find("iopulse: error: rank 1 (" + host_name() + "): target '" + dir.file("t1") +
                         "' is a directory"),
            std::string::npos)
      << run.err;
  EXPECT_FALSE(std::filesystem::exists(dir.file("t0")));
}

// A --file-list whose placeholders make the ranks' lists share a file but
// differ otherwise: each rank works on its whole list, and the common file
// is prepared once, by the lower rank (strace on each rank: only rank 0's
// trace has preparation writes to it; each rank's to its own file).
TEST(MpiRun, AFileTwoRanksListsShareIsPreparedOnceByTheLowerRank) {
  if (access("/usr/bin/strace", X_OK) != 0) GTEST_SKIP() << "strace is not installed";
  ScratchDir dir;
  const std::vector<std::string> job = {"--file-list", dir.file("own.{rank}") + ":" + dir.file("common"),
                                        "--file-size", "1M", "--read-percent", "100", "--run-until-complete"};
  std::vector<std::string> argv{IOPULSE_MPIRUN, "--oversubscribe"};
  for (int r = 0; r < 2; ++r) {
    if (r != 0) argv.push_back(":");
    // (LeakSanitizer cannot run under ptrace: the sanitizer build's leak
    // check is off under strace.)
    argv.insert(argv.end(), {"-np", "1", "/usr/bin/strace", "-E", asan_options_under_strace(), "-f", "-y", "-qq",
                             "-e", "trace=pwrite64", "-o", dir.file("trace." + std::to_string(r)), IOPULSE_BINARY});
    argv.insert(argv.end(), job.begin(), job.end());
  }
  const RunOutcome run = run_command(argv, kMpiEnv);
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  const auto written = [&](int rank, const std::string& name) {
    std::ifstream in(dir.file("trace." + std::to_string(rank)));
    uint64_t bytes = 0;
    const std::regex call("pwrite64\\(\\d+<([^>]+)>, .*\\) = (\\d+)");
    for (std::string line; std::getline(in, line);) {
      std::smatch m;
      if (std::regex_search(line, m, call) && std::filesystem::path(m[1].str()).filename() == name) {
        bytes += std::stoull(m[2].str());
      }
    }
    return bytes;
  };
  EXPECT_EQ(written(0, "common"), 1u << 20);
  EXPECT_EQ(written(1, "common"), 0u);
  EXPECT_EQ(written(0, "own.0"), 1u << 20);
  EXPECT_EQ(written(1, "own.1"), 1u << 20);
  EXPECT_EQ(file_size(dir.file("common")), 1u << 20);
}

TEST(MpiRun, TheSameBadOptionOnEveryRankIsReportedOnce) {
  const RunOutcome run = mpirun(2, {"unused", "--engine", "null", "--threads", "0"});
  EXPECT_EQ(run.exit_code, 2);
  const std::string line = "iopulse: error: all 2 ranks: --threads";
  const size_t at = run.err.find(line);
  ASSERT_NE(at, std::string::npos) << run.err;
  EXPECT_EQ(run.err.find(line, at + 1), std::string::npos) << run.err;
}

TEST(MpiRun, DifferentEngineVersionsAreRefusedAtStart) {
  ScratchDir dir;
  const std::string fixtures = IOPULSE_FIXTURE_PLUGIN_DIR;
  const RunOutcome run = mpirun_each({{"unused", "--plugin-dir", fixtures + "/dup_a", "--engine", "dupe",
                                       "--file-size", "1M", "--duration", "5s"},
                                      {"unused", "--plugin-dir", fixtures + "/dup_b", "--engine", "dupe",
                                       "--file-size", "1M", "--duration", "5s"}});
  EXPECT_EQ(run.exit_code, 2) << run.out << run.err;
  EXPECT_NE(run.err.find("the ranks run different software: rank 0 (" + host_name() +
                         ") runs iopulse " IOPULSE_TEST_VERSION ", engine dupe 1.0.0-a"),
            std::string::npos)
      << run.err;
  EXPECT_NE(run.err.find("engine dupe 1.0.0-b"), std::string::npos) << run.err;
}

TEST(MpiRun, DifferentJobsAreRefusedAtStart) {
  const RunOutcome run = mpirun_each({{"unused", "--engine", "null", "--file-size", "1M", "--block-size", "4k"},
                                      {"unused", "--engine", "null", "--file-size", "1M", "--block-size", "8k"}});
  EXPECT_EQ(run.exit_code, 2) << run.out << run.err;
  EXPECT_NE(run.err.find("was given a different job than rank 0"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("block_size"), std::string::npos) << run.err;
}

TEST(MpiRun, ADryRunOnSomeRanksOnlyIsRefusedNotHung) {
  const RunOutcome run = mpirun_each({{"unused", "--engine", "null", "--file-size", "1M", "--dry-run"},
                                      {"unused", "--engine", "null", "--file-size", "1M"}});
  EXPECT_EQ(run.exit_code, 2) << run.out << run.err;
  EXPECT_NE(run.err.find("rank 1 was started for something else than rank 0"), std::string::npos) << run.err;
}

TEST(MpiRun, InterruptingMpirunGivesPartialResultsMarkedInterrupted) {
  ScratchDir dir;
  const RunOutcome run = run_command_and_signal(
      mpirun_argv(2, {"unused", "--engine", "null", "--file-size", "64M", "--duration", "60s", "--stats-interval",
                      "200ms", "--json-output", dir.file("r.json")}),
      kMpiEnv, "read ", SIGINT);
  const json r = read_json(dir.file("r.json"));
  EXPECT_TRUE(r["interrupted"].get<bool>());
  EXPECT_EQ(r["stop_reason"], "interrupted");
  EXPECT_LT(r["window_ns"].get<uint64_t>(), 30'000'000'000u);
  EXPECT_GT(r["read"]["ops"].get<uint64_t>(), 0u);
  EXPECT_EQ(r["cluster"]["per_rank"].size(), 2u);
}

// The host binary links no MPI library (the dynamic section, as readelf
// shows it); the MPI module does.
TEST(MpiModule, OnlyTheModuleLinksMpi) {
  const RunOutcome host = run_command({"/usr/bin/readelf", "-d", IOPULSE_BINARY});
  ASSERT_EQ(host.exit_code, 0) << host.err;
  EXPECT_NE(host.out.find("(NEEDED)"), std::string::npos) << host.out;
  EXPECT_EQ(host.out.find("libmpi"), std::string::npos) << host.out;
  const std::string module = std::filesystem::path(IOPULSE_BINARY).parent_path() / "iopulse_mpi.so";
  const RunOutcome mod = run_command({"/usr/bin/readelf", "-d", module});
  ASSERT_EQ(mod.exit_code, 0) << mod.err;
  EXPECT_NE(mod.out.find("libmpi"), std::string::npos) << mod.out;
}

// A process no launcher started never loads MPI: the dynamic linker's own
// log (LD_DEBUG=files) of a whole run names no libmpi and no module, while
// a launched rank's names both.
TEST(MpiModule, LoadedOnlyUnderALauncher) {
  ScratchDir dir;
  const std::vector<std::string> job = {dir.path() + "/data", "--file-size", "1M", "--total-ops", "64", "--quiet"};
  const RunOutcome alone = run_iopulse(job, {"LD_DEBUG=files"});
  ASSERT_EQ(alone.exit_code, 0) << alone.err.substr(alone.err.size() > 2000 ? alone.err.size() - 2000 : 0);
  EXPECT_NE(alone.err.find("libfmt"), std::string::npos);  // the log is there
  EXPECT_EQ(alone.err.find("libmpi"), std::string::npos);
  EXPECT_EQ(alone.err.find("iopulse_mpi.so"), std::string::npos);
  std::vector<std::string> env = kMpiEnv;
  env.push_back("LD_DEBUG=files");
  const RunOutcome ranks = run_command(mpirun_argv(2, job), env);
  ASSERT_EQ(ranks.exit_code, 0) << ranks.err.substr(ranks.err.size() > 2000 ? ranks.err.size() - 2000 : 0);
  EXPECT_NE(ranks.err.find("iopulse_mpi.so"), std::string::npos);
}

// Launched as several ranks without the module, every rank refuses (rather
// than each running the whole job alone), says what to install, exit 2.
TEST(MpiModule, MissingModuleRefusesSeveralRanks) {
  ScratchDir dir;
  std::vector<std::string> env = kMpiEnv;
  env.push_back("IOPULSE_MPI_MODULE=" + dir.path() + "/no-such-module.so");
  const RunOutcome r = run_command(mpirun_argv(2, {dir.path() + "/data", "--file-size", "1M", "--total-ops", "8"}),
                                   env);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("started by an MPI launcher with 2 processes, but the MPI module is not installed (looked "
                       "for " + dir.path() + "/no-such-module.so); install the iopulse-mpi package"),
            std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir.path() + "/data"));
}

}  // namespace
}  // namespace iopulse::test

#endif  // IOPULSE_WITH_MPI
