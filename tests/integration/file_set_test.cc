// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// File sets: many files in a directory, directory trees, layout manifests,
// and how workers share them.
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "json_support.h"
#include "run_support.h"

namespace iopulse::test {
namespace {

namespace fs = std::filesystem;

nlohmann::json run_ok(ScratchDir& dir, std::vector<std::string> args) {
  const std::string json = dir.file("out.json");
  args.insert(args.end(), {"--json-output", json, "-q"});
  const RunOutcome r = run_iopulse(args);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return read_json(json);
}

std::vector<std::string> files_under(const std::string& root) {
  std::vector<std::string> files;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    if (e.is_regular_file()) files.push_back(fs::relative(e.path(), root).string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

TEST(FileSet, TreeIsCreatedOnceAndAPassReadsEveryBlockOfEveryFile) {
  ScratchDir dir;
  const std::string root = dir.file("tree");
  auto j = run_ok(dir, {root, "--total-files", "20", "--dir-depth", "2", "--dir-width", "3", "--file-size", "64k",
                        "--random", "--threads", "2", "--heatmap"});
  const auto files = files_under(root);
  ASSERT_EQ(files.size(), 20u);
  EXPECT_EQ(files.front(), "d0/d0/file.00");
  EXPECT_EQ(files.back(), "d2/d2/file.17");  // files 8 and 17 land in leaf 8 = d2/d2
  for (const auto& f : files) EXPECT_EQ(fs::file_size(root + "/" + f), 65536u) << f;
  EXPECT_EQ(j["read"]["ops"].get<uint64_t>(), 20u * 16) << "every 4k block of every file once";
  EXPECT_DOUBLE_EQ(j["heatmap"]["coverage"].get<double>(), 1.0);
  EXPECT_EQ(j["preparation"]["bytes_written"].get<uint64_t>(), 20u * 65536);

  j = run_ok(dir, {root, "--total-files", "20", "--dir-depth", "2", "--dir-width", "3", "--file-size", "64k"});
  EXPECT_EQ(j["preparation"]["bytes_written"].get<uint64_t>(), 0u) << "an existing tree is reused";
}

TEST(FileSet, PartitionedWorkersGetDisjointFiles) {
  ScratchDir dir;
  const std::string root = dir.file("flat");
  // Two workers, sequential, one 4k write each at the start of their first file.
  run_ok(dir, {root, "--num-files", "4", "--file-size", "64k", "--threads", "2", "--file-distribution",
               "partitioned", "--write-percent", "100", "--total-ops", "2", "--buffer-pattern", "0x3c"});
  auto first_block_patterned = [&](const std::string& name) {
    std::ifstream in(root + "/" + name, std::ios::binary);
    std::string block(4096, '\0');
    in.read(block.data(), 4096);
    return block.find_first_not_of('\x3c') == std::string::npos;
  };
  EXPECT_TRUE(first_block_patterned("file.0")) << "worker 0 owns file.0 and file.1";
  EXPECT_TRUE(first_block_patterned("file.2")) << "worker 1 owns file.2 and file.3";
  EXPECT_FALSE(first_block_patterned("file.1"));
  EXPECT_FALSE(first_block_patterned("file.3"));
}

TEST(FileSet, PerWorkerSetsLiveInTheirOwnDirectories) {
  ScratchDir dir;
  const std::string root = dir.file("pw");
  run_ok(dir, {root, "--num-files", "3", "--file-size", "16k", "--threads", "2", "--file-distribution",
               "per-worker"});
  EXPECT_EQ(files_under(root),
            (std::vector<std::string>{"w0/file.0", "w0/file.1", "w0/file.2", "w1/file.0", "w1/file.1", "w1/file.2"}));
}

TEST(FileSet, ManifestWithSpacesRoundTrips) {
  ScratchDir dir;
  const std::string root = dir.file("m");
  const std::string manifest = dir.file("layout.txt");
  std::ofstream(manifest) << "# sizes and paths\n64k dir one/file a.bin\n\n128k b b.bin\n";
  const std::string exported = dir.file("exported.txt");
  const auto j = run_ok(dir, {root, "--layout-manifest", manifest, "--export-layout-manifest", exported,
                              "--random", "--heatmap"});
  EXPECT_EQ(fs::file_size(root + "/dir one/file a.bin"), 65536u);
  EXPECT_EQ(fs::file_size(root + "/b b.bin"), 131072u);
  EXPECT_EQ(j["read"]["ops"].get<uint64_t>(), 48u);
  EXPECT_EQ(read_file(exported),
            "# IOPulse layout manifest: SIZE PATH (PATH relative to the target directory)\n"
            "65536 dir one/file a.bin\n131072 b b.bin\n");
  // The exported manifest describes the same layout.
  const auto again = run_ok(dir, {root, "--layout-manifest", exported});
  EXPECT_EQ(again["read"]["ops"].get<uint64_t>(), 48u);
  EXPECT_EQ(again["preparation"]["bytes_written"].get<uint64_t>(), 0u);
}

// A manifest exported anywhere reads back: the files of a single-file
// target (or per-worker files beside it) are not under a target directory,
// so they are exported as absolute paths, which a manifest read into a
// directory holding them accepts.
TEST(FileSet, ManifestOfFilesOutsideATargetDirectoryReadsBackIntoTheirDirectory) {
  ScratchDir dir;
  const std::string set = dir.file("set");
  fs::create_directory(set);
  const std::string exported = dir.file("exported.txt");
  run_ok(dir, {set + "/data", "--file-size", "64k", "--threads", "2", "--file-distribution", "per-worker",
               "--export-layout-manifest", exported});
  EXPECT_EQ(read_file(exported),
            "# IOPulse layout manifest: SIZE PATH (PATH relative to the target directory)\n"
            "65536 " + set + "/data.0\n65536 " + set + "/data.1\n");
  const auto again = run_ok(dir, {set, "--layout-manifest", exported});
  EXPECT_EQ(again["read"]["ops"].get<uint64_t>(), 32u) << "both files, 16 blocks each";
  EXPECT_EQ(again["preparation"]["bytes_written"].get<uint64_t>(), 0u) << "the same files, already there";
  EXPECT_EQ(files_under(set), (std::vector<std::string>{"data.0", "data.1"}));
}

TEST(FileSet, BadSetsAreUsageErrors) {
  ScratchDir dir;
  const std::string manifest = dir.file("bad.txt");
  std::ofstream(manifest) << "64k ok.bin\nnot-a-size file.bin\n";
  const std::string lonely = dir.file("lonely.txt");
  std::ofstream(lonely) << "64k\n";
  std::ofstream(dir.file("plain")) << "x";
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{dir.file("s"), "--dir-depth", "2", "--file-size", "1M"}, "--dir-depth: shapes the tree of --total-files"},
      {{dir.file("s"), "--layout-manifest", manifest}, manifest + ":2: 'not-a-size' is not a size"},
      {{dir.file("s"), "--layout-manifest", lonely}, lonely + ":1: '64k' is not an entry"},
      {{dir.file("s"), "--layout-manifest", manifest, "--file-size", "1M"}, "the manifest gives every file's size"},
      {{dir.file("s"), "--num-files", "2", "--file-size", "64k", "--threads", "3", "--file-distribution",
        "partitioned"}, "2 files cannot be split among 3 workers"},
      {{dir.file("plain"), "--num-files", "2", "--file-size", "64k"}, "must be a directory"},
      {{dir.file("s"), "--num-files", "2", "--total-files", "3", "--file-size", "64k"}, "choose one"},
  };
  for (const auto& [args, expect] : cases) {
    const RunOutcome r = run_iopulse(args);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find(expect), std::string::npos) << "expected '" << expect << "' in " << r.err;
    EXPECT_FALSE(fs::exists(dir.file("s")));
  }
}

}  // namespace
}  // namespace iopulse::test
