// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// --compress-percent and --dedupe-percent measured on the bytes written,
// never assumed: the file is compressed with zstd and lz4, its 4 KiB blocks
// are counted by hash, and fio-dedupe (Debian's fio package) reads it too.
// 64 MiB each, ratios within 2 points of what was asked.
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <unordered_set>
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
    if (have("/usr/bin/zstd")) EXPECT_GT(compressed_percent("zstd", file), 100.0 - p - 2.0) << "not compressible";
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
  const RunOutcome r = run_iopulse({dir.file("v"), "--verify-only", "-q"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const RunOutcome rw = run_iopulse({dir.file("v"), "--verify", "--compress-percent", "40", "--random",
                                     "--write-percent", "50", "--total-ops", "4000", "-q"});
  EXPECT_EQ(rw.exit_code, 0) << rw.err;
}

TEST(DataContent, BadContentSettingsAreRefusedBeforeAnythingIsTouched) {
  ScratchDir dir;
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases{
      {{"--compress-percent", "101"}, "--compress-percent"},
      {{"--dedupe-percent", "150"}, "--dedupe-percent"},
      {{"--dedupe-unit", "100"}, "multiple of 8"},
      {{"--dedupe-working-set", "0"}, "--dedupe-working-set"},
      {{"--verify", "--dedupe-percent", "10"}, "no two blocks are alike"},
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
