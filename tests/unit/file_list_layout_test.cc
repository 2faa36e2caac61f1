// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// TargetLayout of a --file-list: every listed file planned as a target of
// its own (its size, or the job's for a missing one), in order, addressed
// end to end; the refusals name the file.  Planning only looks at the
// files (stat), which the tests make in a directory of their own.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "job/usage_error.h"
#include "target/target_layout.h"

namespace iopulse {
namespace {

using ::testing::HasSubstr;

class FileListLayout : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/iopulse-file-list-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string path(const std::string& name) const { return dir_ + "/" + name; }

  JobSpec spec(std::vector<std::string> files) const {
    JobSpec s;
    s.file_list = std::move(files);
    s.target_path = s.file_list.front();
    s.file_size = 64 << 10;  // the missing files'
    s.read_percent = 0;
    return s;
  }

  // The refusal of planning `s`; "" when it is planned.
  static std::string refusal(const JobSpec& s) {
    try {
      TargetLayout::plan(s, false);
    } catch (const UsageError& e) {
      return e.what();
    }
    return "";
  }

  std::string dir_;
};

TEST_F(FileListLayout, EachFileInOrderAtItsOwnSizeEndToEnd) {
  std::ofstream(path("big")).close();
  std::filesystem::resize_file(path("big"), 256 << 10);
  JobSpec s = spec({path("new"), path("big"), path("a:b")});
  s.file_size = 0;
  EXPECT_THAT(refusal(s), HasSubstr("--file-size: required because '" + path("new") + "' does not exist"));
  s.file_size = 64 << 10;
  s.threads = 2;
  const TargetLayout layout = TargetLayout::plan(s, false);
  ASSERT_EQ(layout.files.size(), 3u);
  EXPECT_EQ(layout.files[0].path, path("new"));
  EXPECT_EQ(layout.files[1].path, path("big"));
  EXPECT_EQ(layout.files[2].path, path("a:b"));
  EXPECT_EQ(layout.files[0].size, 64u << 10);
  EXPECT_EQ(layout.files[1].size, 64u << 10) << "--file-size applies to every file";
  for (const PlannedFile& f : layout.files) EXPECT_EQ(f.device, PlannedFile::Device::kNone);
  // Shared: each worker addresses all three files end to end, and the
  // complete pass splits their 48 blocks between the two.
  ASSERT_EQ(layout.workers.size(), 2u);
  for (const WorkerAssignment& a : layout.workers) {
    ASSERT_EQ(a.regions.size(), 3u);
    EXPECT_EQ(a.region_blocks, 48u);
    for (uint32_t f = 0; f < 3; ++f) EXPECT_EQ(a.regions[f].file_index, f);
  }
  EXPECT_EQ(layout.workers[0].op_limit + layout.workers[1].op_limit, 48u);
  // Without a size, an existing file takes its own.
  JobSpec own = spec({path("big")});
  own.file_size = 0;
  EXPECT_EQ(TargetLayout::plan(own, false).files[0].size, 256u << 10);
  // Partitioned: a share of the files each.
  s.file_distribution = FileDistribution::kPartitioned;
  s.threads = 3;
  const TargetLayout parts = TargetLayout::plan(s, false);
  for (uint32_t w = 0; w < 3; ++w) {
    ASSERT_EQ(parts.workers[w].regions.size(), 1u);
    EXPECT_EQ(parts.workers[w].regions[0].file_index, w);
  }
}

// per-worker: worker w takes the w-th run of consecutive files (fio's
// clones, each with its own nrfiles files); a list that cannot be split
// alike is refused.
TEST_F(FileListLayout, PerWorkerGivesEachWorkerItsRunOfFiles) {
  JobSpec s = spec({path("a"), path("b"), path("c"), path("d"), path("e"), path("f")});
  s.file_distribution = FileDistribution::kPerWorker;
  s.threads = 3;
  const TargetLayout layout = TargetLayout::plan(s, false);
  ASSERT_EQ(layout.files.size(), 6u);
  ASSERT_EQ(layout.workers.size(), 3u);
  for (uint32_t w = 0; w < 3; ++w) {
    ASSERT_EQ(layout.workers[w].regions.size(), 2u);
    EXPECT_EQ(layout.workers[w].regions[0].file_index, 2 * w);
    EXPECT_EQ(layout.workers[w].regions[1].file_index, 2 * w + 1);
    EXPECT_EQ(layout.workers[w].first_block, 0u);
  }
  s.threads = 4;
  EXPECT_THAT(refusal(s), HasSubstr("--file-distribution per-worker: the 6 files of --file-list cannot be given to "
                                    "4 workers alike"));
}

TEST_F(FileListLayout, RefusalsNameTheFile) {
  // One file twice: by another spelling, or through a link to a file not
  // made yet.
  ASSERT_EQ(symlink(path("a").c_str(), path("link").c_str()), 0);
  EXPECT_THAT(refusal(spec({path("a"), path("link")})),
              HasSubstr("--file-list: '" + path("link") + "' is a file listed before ('" + path("a") + "')"));
  EXPECT_THAT(refusal(spec({path("a"), dir_ + "/./a"})), HasSubstr("is a file listed before"));
  // A directory, and a character device other than /dev/null and /dev/zero.
  std::filesystem::create_directory(path("d"));
  EXPECT_THAT(refusal(spec({path("a"), path("d")})), HasSubstr("target '" + path("d") + "' is a directory"));
  EXPECT_THAT(refusal(spec({path("a"), "/dev/full"})),
              HasSubstr("target '/dev/full' is neither a regular file nor a block device"));
  // Nothing was made by planning.
  EXPECT_FALSE(std::filesystem::exists(path("a")));
  EXPECT_FALSE(std::filesystem::exists(path("b")));
}

}  // namespace
}  // namespace iopulse
