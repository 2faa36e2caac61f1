// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// --compress-percent and --dedupe-percent measured on the bytes written,
// never assumed: the file is compressed with zstd and lz4, its 4 KiB blocks
// are counted by hash, and fio-dedupe (Debian's fio package) reads it too.
// 64 MiB each, ratios within 2 points of what was asked.
#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <xxhash.h>

#include "json_support.h"
#include "run_support.h"

namespace iopulse::test {
namespace {

constexpr double kMiB = 1024.0 * 1024.0;

bool have(const char* program) { return access(program, X_OK) == 0; }

// Compressed size / original size, in percent, of `path` by `tool` (zstd or
// lz4 at their default level, output counted by wc).
double compressed_percent(const std::string& tool, const std::string& path) {
  const RunOutcome r = run_command({"/bin/sh", "-c", tool + " -c -q '" + path + "' | wc -c"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return 100.0 * std::stod(r.out) / static_cast<double>(std::filesystem::file_size(path));
}

// Share of 4 KiB blocks that repeat an earlier block, in percent.
double duplicate_percent(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::vector<char> block(4096);
  std::unordered_set<uint64_t> seen;
  uint64_t blocks = 0;
  while (in.read(block.data(), static_cast<std::streamsize>(block.size()))) {
    seen.insert(XXH3_64bits(block.data(), block.size()));
    ++blocks;
  }
  return 100.0 * static_cast<double>(blocks - seen.size()) / static_cast<double>(blocks);
}

// fio-dedupe's "Fio setting: dedupe_percentage=N" for 4 KiB extents.
double fio_dedupe_percent(const std::string& path) {
  const RunOutcome r = run_command({"/usr/bin/fio-dedupe", "-b", "4096", path});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::smatch m;
  const std::string out = r.out + r.err;
  if (!std::regex_search(out, m, std::regex("dedupe_percentage=([0-9.]+)"))) {
    ADD_FAILURE() << "no dedupe_percentage in: " << out;
    return -1;
  }
  return std::stod(m[1]);
}

// One sequential pass writing a 64 MiB file with `extra` settings.
nlohmann::json write_pass(ScratchDir& dir, const std::string& file, std::vector<std::string> extra) {
  std::vector<std::string> args{file, "--file-size", "64M", "--write-percent", "100", "--block-size", "4k",
                                "--json-output", dir.file("o.json"), "-q"};
  args.insert(args.end(), extra.begin(), extra.end());
  const RunOutcome r = run_iopulse(args);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return read_json(dir.file("o.json"));
}

TEST(DataContent, ResultsRecordTheRequestedRatios) {
  ScratchDir dir;
  auto j = write_pass(dir, dir.file("d"), {});
  EXPECT_EQ(j["config"]["compress_percent"], 0);
  EXPECT_EQ(j["config"]["dedupe_percent"], 0);
  EXPECT_FALSE(j["config"].contains("dedupe_unit"));
  j = write_pass(dir, dir.file("d"), {"--compress-percent", "30", "--dedupe-percent", "10",
                                      "--dedupe-working-set", "5"});
  EXPECT_EQ(j["config"]["compress_percent"], 30);
  EXPECT_EQ(j["config"]["dedupe_percent"], 10);
  EXPECT_EQ(j["config"]["dedupe_unit"], 4096);
  EXPECT_EQ(j["config"]["dedupe_working_set_percent"], 5);
}

TEST(DataContent, CompressPercentIsWhatZstdAndLz4Find) {
  if (!have("/usr/bin/zstd") || !have("/usr/bin/lz4")) GTEST_SKIP() << "zstd or lz4 is not installed";
  ScratchDir dir;
  for (int p : {25, 50, 80}) {
    const std::string file = dir.file("c" + std::to_string(p));
    const auto j = write_pass(dir, file, {"--compress-percent", std::to_string(p)});
    EXPECT_EQ(j["config"]["compress_percent"], p);
    EXPECT_NEAR(compressed_percent("zstd", file), 100 - p, 2.0) << p;
    EXPECT_NEAR(compressed_percent("lz4", file), 100 - p, 2.0) << p;
    EXPECT_EQ(duplicate_percent(file), 0.0) << "compressible data is still unique";
    std::filesystem::remove(file);
  }
}

TEST(DataContent, DedupePercentIsWhatHashesAndFioDedupeFind) {
  if (!have("/usr/bin/fio-dedupe")) GTEST_SKIP() << "fio-dedupe is not installed";
  ScratchDir dir;
  for (int p : {20, 60}) {
    const std::string file = dir.file("d" + std::to_string(p));
    const auto j = write_pass(dir, file, {"--dedupe-percent", std::to_string(p), "--dedupe-working-set", "1"});
    EXPECT_EQ(j["config"]["dedupe_percent"], p);
    // The working set (1 % of the data) is unique data of its own.
    EXPECT_NEAR(duplicate_percent(file), p, 2.0) << p;
    EXPECT_NEAR(fio_dedupe_percent(file), p, 2.0) << p;
    if (have("/usr/bin/zstd")) {
      EXPECT_GT(compressed_percent("zstd", file), 100.0 - p - 2.0) << "not compressible";
    }
    std::filesystem::remove(file);
  }
}

TEST(DataContent, CompressAndDedupeTogetherAndReproducible) {
  if (!have("/usr/bin/lz4")) GTEST_SKIP() << "lz4 is not installed";
  ScratchDir dir;
  const std::vector<std::string> both{"--compress-percent", "50", "--dedupe-percent", "30", "--seed", "21"};
  write_pass(dir, dir.file("a"), both);
  write_pass(dir, dir.file("b"), both);
  EXPECT_EQ(read_file(dir.file("a")), read_file(dir.file("b"))) << "same seed, same bytes";
  EXPECT_NEAR(duplicate_percent(dir.file("a")), 30, 2.0);
  // lz4's 64 KiB window finds few of the duplicates; it sees the zeros.
  EXPECT_LT(compressed_percent("lz4", dir.file("a")), 52.0);
  std::vector<std::string> other = both;
  other.back() = "22";
  write_pass(dir, dir.file("c"), other);
  EXPECT_NE(read_file(dir.file("a")), read_file(dir.file("c")));
}

// Plain data (no ratio asked) prepared for a read job: the bytes are the
// seed's, as the workers' writes are.  The same path each time, so only the
// seed can make them differ.
TEST(DataContent, PlainPreparationFollowsTheSeed) {
  ScratchDir dir;
  const std::string file = dir.file("plain");
  const auto prepare = [&](const std::string& seed) {
    std::filesystem::remove(file);
    const RunOutcome r = run_iopulse({file, "--file-size", "8M", "--read-percent", "100", "--total-ops", "1",
                                      "--seed", seed, "-q"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return read_file(file);
  };
  const std::string first = prepare("7");
  ASSERT_EQ(first.size(), 8u << 20);
  EXPECT_EQ(duplicate_percent(file), 0.0) << "unique blocks";
  EXPECT_EQ(prepare("7"), first) << "same seed, same bytes";
  const std::string other = prepare("8");
  size_t same_blocks = 0;
  for (size_t at = 0; at < first.size(); at += 4096) same_blocks += first.compare(at, 4096, other, at, 4096) == 0;
  EXPECT_EQ(same_blocks, 0u) << "another seed, other bytes in every block";
}

// Random writes over a file: every write carries the content's data, and
// the preparation fills the file with it too.
TEST(DataContent, PreparationAndRandomWritesKeepTheRatio) {
  if (!have("/usr/bin/zstd")) GTEST_SKIP() << "zstd is not installed";
  ScratchDir dir;
  // A read-only job prepares the file: the preparation writes the content.
  RunOutcome r = run_iopulse({dir.file("p"), "--file-size", "64M", "--compress-percent", "60", "--total-ops", "10",
                              "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NEAR(compressed_percent("zstd", dir.file("p")), 40, 2.0);
  r = run_iopulse({dir.file("p"), "--file-size", "64M", "--compress-percent", "60", "--random", "--write-percent",
                   "100", "--total-ops", "8000", "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NEAR(compressed_percent("zstd", dir.file("p")), 40, 2.0);
}

TEST(DataContent, VerifiedBlocksKeepTheCompressionShare) {
  if (!have("/usr/bin/zstd")) GTEST_SKIP() << "zstd is not installed";
  ScratchDir dir;
  write_pass(dir, dir.file("v"), {"--verify", "--compress-percent", "40"});
  EXPECT_NEAR(compressed_percent("zstd", dir.file("v")), 60, 2.0);
  if (have("/usr/bin/lz4")) {
    EXPECT_NEAR(compressed_percent("lz4", dir.file("v")), 60, 2.0);
  }
  const RunOutcome r = run_iopulse({dir.file("v"), "--verify-only", "-q"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const RunOutcome rw = run_iopulse({dir.file("v"), "--verify", "--compress-percent", "40", "--random",
                                     "--write-percent", "50", "--total-ops", "4000", "-q"});
  EXPECT_EQ(rw.exit_code, 0) << rw.err;
}

// --dedupe-percent with --verify: which blocks repeat a working-set block is
// fixed by their place (verify/dedupe_layout.h), so the ratio holds on disk
// and every block, of either kind, is still checked.
TEST(DataContent, VerifiedDedupeKeepsTheRatioAndVerifies) {
  if (!have("/usr/bin/fio-dedupe")) GTEST_SKIP() << "fio-dedupe is not installed";
  ScratchDir dir;
  for (int p : {20, 60}) {
    const std::string file = dir.file("vd" + std::to_string(p));
    const std::vector<std::string> content{"--dedupe-percent", std::to_string(p), "--seed", "4"};
    std::vector<std::string> args{"--verify"};
    args.insert(args.end(), content.begin(), content.end());
    const auto j = write_pass(dir, file, args);
    EXPECT_EQ(j["config"]["dedupe_percent"], p);
    EXPECT_NEAR(duplicate_percent(file), p, 2.0) << p;
    EXPECT_NEAR(fio_dedupe_percent(file), p, 2.0) << p;
    if (have("/usr/bin/zstd")) {
      EXPECT_GT(compressed_percent("zstd", file), 100.0 - p - 2.0) << "not compressible";
    }

    std::vector<std::string> check{file, "--verify-only", "-q"};
    check.insert(check.end(), content.begin(), content.end());
    RunOutcome r = run_iopulse(check);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    // Random reads and writes over the verified file keep the ratio and
    // check every read.
    std::vector<std::string> mixed{file, "--verify", "--random", "--write-percent", "50", "--total-ops", "8000",
                                   "-q", "--json-output", dir.file("m.json")};
    mixed.insert(mixed.end(), content.begin(), content.end());
    r = run_iopulse(mixed);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(read_json(dir.file("m.json"))["verify"]["failures"], 0);
    EXPECT_NEAR(duplicate_percent(file), p, 2.0) << p;
    r = run_iopulse(check);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::filesystem::remove(file);
  }
}

TEST(DataContent, VerifiedCompressAndDedupeTogether) {
  if (!have("/usr/bin/lz4")) GTEST_SKIP() << "lz4 is not installed";
  ScratchDir dir;
  const std::vector<std::string> both{"--compress-percent", "50", "--dedupe-percent", "30", "--seed", "8"};
  std::vector<std::string> args{"--verify"};
  args.insert(args.end(), both.begin(), both.end());
  write_pass(dir, dir.file("v"), args);
  EXPECT_NEAR(duplicate_percent(dir.file("v")), 30, 2.0);
  // lz4's 64 KiB window finds few of the duplicates; it sees the zeros.
  EXPECT_NEAR(compressed_percent("lz4", dir.file("v")), 50, 2.0);
  std::vector<std::string> check{dir.file("v"), "--verify-only", "-q"};
  check.insert(check.end(), both.begin(), both.end());
  const RunOutcome r = run_iopulse(check);
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

// The offsets whose 4 KiB block occurs once (unique) and more than once
// (a working-set copy) in `path`, found by hashing the bytes.
std::pair<std::vector<uint64_t>, std::vector<uint64_t>> blocks_by_kind(const std::string& path) {
  const std::string bytes = read_file(path);
  std::unordered_map<uint64_t, int> count;
  std::vector<uint64_t> hashes;
  for (size_t off = 0; off + 4096 <= bytes.size(); off += 4096) {
    hashes.push_back(XXH3_64bits(bytes.data() + off, 4096));
    ++count[hashes.back()];
  }
  std::pair<std::vector<uint64_t>, std::vector<uint64_t>> kinds;
  for (size_t i = 0; i < hashes.size(); ++i) (count[hashes[i]] == 1 ? kinds.first : kinds.second).push_back(i * 4096);
  return kinds;
}

// Flips one byte of `path` at `offset` with pwrite.
void flip_byte(const std::string& path, uint64_t offset) {
  const int fd = open(path.c_str(), O_RDWR);
  ASSERT_GE(fd, 0);
  unsigned char b = 0;
  ASSERT_EQ(pread(fd, &b, 1, static_cast<off_t>(offset)), 1);
  b ^= 0x5a;
  ASSERT_EQ(pwrite(fd, &b, 1, static_cast<off_t>(offset)), 1);
  close(fd);
}

// A corrupted block of either kind is reported, and only that block.
TEST(DataContent, VerifiedDedupeCatchesACorruptedBlockOfEitherKind) {
  ScratchDir dir;
  const std::vector<std::string> content{"--dedupe-percent", "50", "--seed", "9"};
  for (const bool working_set : {false, true}) {
    SCOPED_TRACE(working_set ? "working-set block" : "unique block");
    const std::string file = dir.file(working_set ? "w" : "u");
    std::vector<std::string> args{file, "--file-size", "8M", "--write-percent", "100", "--verify", "-q"};
    args.insert(args.end(), content.begin(), content.end());
    RunOutcome r = run_iopulse(args);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto [unique, copies] = blocks_by_kind(file);
    ASSERT_NEAR(100.0 * static_cast<double>(copies.size()) / 2048.0, 50.0, 2.0);
    const uint64_t victim = (working_set ? copies : unique)[300];
    flip_byte(file, victim + 1000);

    std::vector<std::string> check{file, "--verify-only", "--continue-on-error", "-q", "--json-output",
                                   dir.file("v.json")};
    check.insert(check.end(), content.begin(), content.end());
    r = run_iopulse(check);
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_EQ(read_json(dir.file("v.json"))["verify"]["failures"], 1);
    const std::string line = "verify failed: '" + file + "' offset " + std::to_string(victim) +
                             ": payload mismatch at byte 1000 of 4096";
    EXPECT_NE(r.err.find(line), std::string::npos) << r.err;
    if (working_set) {
      EXPECT_NE(r.err.find("header: working-set block"), std::string::npos) << r.err;
    }

    // The check needs the settings the data was written with.
    r = run_iopulse({file, "--verify-only", "--seed", "9", "-q"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("a working-set block where a unique block belongs"), std::string::npos) << r.err;
  }
}

TEST(DataContent, BadContentSettingsAreRefusedBeforeAnythingIsTouched) {
  ScratchDir dir;
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases{
      {{"--compress-percent", "101"}, "--compress-percent"},
      {{"--dedupe-percent", "150"}, "--dedupe-percent"},
      {{"--dedupe-unit", "100"}, "multiple of 8"},
      {{"--dedupe-working-set", "0"}, "--dedupe-working-set"},
      {{"--verify", "--dedupe-percent", "10", "--dedupe-unit", "8k"}, "a verified block is one chunk"},
      {{"--compress-percent", "10", "--buffer-pattern", "7"}, "choose one"},
  };
  for (const auto& [extra, why] : cases) {
    std::vector<std::string> args{dir.file("x"), "--file-size", "1M", "--write-percent", "100", "-q"};
    args.insert(args.end(), extra.begin(), extra.end());
    const RunOutcome r = run_iopulse(args);
    EXPECT_EQ(r.exit_code, 2) << why << ": " << r.err;
    EXPECT_NE(r.err.find(why), std::string::npos) << r.err;
    EXPECT_FALSE(std::filesystem::exists(dir.file("x"))) << why;
  }
}

}  // namespace
}  // namespace iopulse::test
