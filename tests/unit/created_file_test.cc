// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// remove_created_files() against the file system: it removes a created file
// while its path still names that file, and leaves anything else there.
#include "target/created_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace iopulse {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

struct CreatedFileDir {
  CreatedFileDir() {
    char tmpl[] = "/tmp/iopulse-created-XXXXXX";
    EXPECT_NE(mkdtemp(tmpl), nullptr);
    path = tmpl;
  }
  ~CreatedFileDir() { fs::remove_all(path); }
  std::string file(const std::string& name) const { return path + "/" + name; }
  std::string path;
};

// Creates `path` as the preparation does (O_CREAT|O_EXCL) and returns its
// identity.
CreatedFile make(const std::string& path) {
  const int fd = open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  EXPECT_GE(fd, 0) << path;
  EXPECT_EQ(write(fd, "data", 4), 4);
  const std::optional<CreatedFile> f = CreatedFile::of(fd, path);
  close(fd);
  EXPECT_TRUE(f.has_value());
  return f.value_or(CreatedFile{});
}

TEST(CreatedFile, RemovesTheFileItStillIs) {
  CreatedFileDir dir;
  const CreatedFile a = make(dir.file("a"));
  const CreatedFile gone = make(dir.file("gone"));
  fs::remove(gone.path);
  EXPECT_TRUE(remove_created_files({a, gone}).empty());
  EXPECT_FALSE(fs::exists(a.path));
}

TEST(CreatedFile, LeavesWhatTookItsPlace) {
  CreatedFileDir dir;
  const CreatedFile a = make(dir.file("a"));
  // Another file renamed over it (another inode), and a directory where a
  // second one was.
  const CreatedFile other = make(dir.file("other"));
  fs::rename(other.path, a.path);
  const CreatedFile b = make(dir.file("b"));
  fs::remove(b.path);
  fs::create_directory(b.path);
  const std::vector<std::string> problems = remove_created_files({a, b});
  EXPECT_THAT(problems, ElementsAre(HasSubstr("left '" + a.path + "': it is no longer the file this run created"),
                                    HasSubstr("left '" + b.path + "': it is no longer the file this run created")));
  EXPECT_TRUE(fs::is_regular_file(a.path));
  EXPECT_TRUE(fs::is_directory(b.path));
}

// A file made at the same path after the created one was removed, which
// the file system gave the freed inode number (ext4 does at once), is left:
// its birth time differs.
TEST(CreatedFile, LeavesALaterFileThatTookItsInodeNumber) {
  CreatedFileDir dir;
  const CreatedFile a = make(dir.file("a"));
  ASSERT_TRUE(a.birth_known || a.generation_known) << "the file system gives neither birth times nor generations";
  std::optional<CreatedFile> later;
  for (int attempt = 0; attempt < 50; ++attempt) {
    fs::remove(a.path);
    const int fd = open(a.path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    ASSERT_GE(fd, 0);
    later = CreatedFile::of(fd, a.path);
    close(fd);
    if (later && later->inode == a.inode && later->device == a.device) break;
    later.reset();
  }
  if (!later) GTEST_SKIP() << "the file system never gave the inode number out again";
  EXPECT_THAT(remove_created_files({a}), ElementsAre(HasSubstr("it is no longer the file this run created")));
  EXPECT_TRUE(fs::exists(a.path));
}

// A symbolic link put in its place is left, and so is its target.
TEST(CreatedFile, LeavesASymbolicLinkAndItsTarget) {
  CreatedFileDir dir;
  const CreatedFile a = make(dir.file("a"));
  const std::string keep = dir.file("keep");
  fs::rename(a.path, keep);
  fs::create_symlink(keep, a.path);
  EXPECT_EQ(remove_created_files({a}).size(), 1u);
  EXPECT_TRUE(fs::is_symlink(a.path));
  EXPECT_TRUE(fs::exists(keep));
}

}  // namespace
}  // namespace iopulse
