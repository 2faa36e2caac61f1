// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// remove_created_files() against the file system: it removes a created file
// while its path still names that file, and leaves anything else there.
#include "target/created_file.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
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

CreatedFile make(const std::string& path) {
  std::ofstream(path) << "data";
  struct stat st {};
  EXPECT_EQ(stat(path.c_str(), &st), 0);
  return CreatedFile{path, st.st_dev, st.st_ino};
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
