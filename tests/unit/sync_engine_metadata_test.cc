// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// The sync engine's metadata operations through the C ABI, on a directory
// handle, each checked with the test's own system calls (stat, read,
// readdir): the effect on the tree, res and aux as engine.h's table says,
// the kernel's errno for the usual mistakes with a text naming the step that
// failed, and what open_file() accepts as a directory handle.

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "iopulse/engine.h"
#include "engine_test_support.h"

namespace {

using iopulse::test::EngineUnderTest;
using iopulse::test::engine_config;
using iopulse::test::fill_pattern;
using iopulse::test::make_io;
using iopulse::test::run_io;

using iopulse::test::sync_plugin;
const iop_option_value kDefaults[1] = {{0, "off"}};

std::set<std::string> entries(const std::string& dir) {
  std::set<std::string> names;
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) return names;
  while (const dirent* e = readdir(d)) {
    if (std::strcmp(e->d_name, ".") != 0 && std::strcmp(e->d_name, "..") != 0) names.insert(e->d_name);
  }
  closedir(d);
  return names;
}

std::string read_all(const std::string& path) {
  std::string out;
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return "(cannot open)";
  char buf[4096];
  for (ssize_t n; (n = read(fd, buf, sizeof buf)) > 0;) out.append(buf, static_cast<size_t>(n));
  close(fd);
  return out;
}

// A sync instance with a scratch directory (removed at the end) open as a
// directory handle.
class SyncMetadata : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(sync_plugin().error, "");
    char tmpl[] = "/tmp/iopulse_sync_meta_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    ASSERT_EQ(eng_.create(engine_config(1, 0, kDefaults, 1)), 0) << eng_.err.message;
    h_ = eng_.open(dir_, O_RDONLY | O_DIRECTORY, IOP_FILE_READ | IOP_FILE_WRITE | IOP_FILE_DIRECTORY);
    ASSERT_GE(h_, 0) << eng_.err.message;
  }
  void TearDown() override {
    eng_.release(/*expect_clean_close=*/true);
    const std::string cmd = "rm -rf '" + dir_ + "'";
    ASSERT_EQ(std::system(cmd.c_str()), 0);
  }

  // Runs metadata op `op` on `path` (relative to the scratch directory).
  iop_cqe meta(uint8_t op, const char* path, const char* path2 = nullptr, uint32_t mode = 0,
               uint32_t flags = 0, void* buf = nullptr, uint32_t len = 0, int32_t dir2 = -1) {
    args_ = iop_meta_args{};
    args_.struct_size = sizeof args_;
    args_.flags = flags;
    args_.path = path;
    args_.path2 = path2;
    args_.dir2 = dir2;
    args_.mode = mode;
    iop_io io = make_io(eng_, op, h_, 0, buf, len);
    io.meta = &args_;
    return run_io(eng_, io);
  }

  // The error_text() of the completion just reaped.
  std::string text_of(const iop_cqe& c) {
    iop_error e{};
    if ((c.flags & IOP_CQE_ERROR_TEXT) == 0) return "(no text)";
    if (eng_.desc->error_text(eng_.instance, c.user_data, &e) != 0) return "(error_text failed)";
    return e.message;
  }

  std::string p(const std::string& rel) const { return dir_ + "/" + rel; }

  EngineUnderTest eng_{sync_plugin().desc};
  std::string dir_;
  int32_t h_ = -1;
  iop_meta_args args_{};
};

TEST_F(SyncMetadata, TreeOpsHaveTheirEffect) {
  const mode_t mask = umask(022);
  umask(mask);
  iop_cqe c = meta(IOP_OP_MKDIR, "d", nullptr, 0750);
  EXPECT_EQ(c.res, 0);
  struct stat st;
  ASSERT_EQ(stat(p("d").c_str(), &st), 0);
  EXPECT_TRUE(S_ISDIR(st.st_mode));
  EXPECT_EQ(st.st_mode & 0777, 0750 & ~mask);

  std::vector<char> data(5000);
  fill_pattern(data.data(), data.size(), 0);
  c = meta(IOP_OP_CREATE, "d/f", nullptr, 0600, IOP_META_EXCL | IOP_META_FSYNC, data.data(), 5000);
  EXPECT_EQ(c.res, 5000);
  EXPECT_EQ(read_all(p("d/f")), std::string(data.data(), 5000));
  ASSERT_EQ(stat(p("d/f").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600 & ~mask);
  EXPECT_EQ(meta(IOP_OP_CREATE, "d/empty", nullptr, 0644).res, 0);
  EXPECT_EQ(read_all(p("d/empty")), "");

  c = meta(IOP_OP_STAT, "d/f");
  EXPECT_EQ(c.res, 0);
  EXPECT_EQ(c.flags, IOP_CQE_AUX_SIZE);
  EXPECT_EQ(c.aux, 5000u);

  EXPECT_EQ(meta(IOP_OP_OPEN_CLOSE, "d/f").res, 0);

  std::vector<char> back(8192, 0);
  c = meta(IOP_OP_READ_FILE, "d/f", nullptr, 0, 0, back.data(), 8192);
  EXPECT_EQ(c.res, 5000) << "a whole-file read returns the file's bytes, fewer than asked";
  EXPECT_EQ(std::memcmp(back.data(), data.data(), 5000), 0);

  const std::string small = "replaced";
  std::vector<char> w(small.begin(), small.end());
  EXPECT_EQ(meta(IOP_OP_WRITE_FILE, "d/f", nullptr, 0, IOP_META_TRUNC, w.data(), 8).res, 8);
  EXPECT_EQ(read_all(p("d/f")), small);
  std::vector<char> xyz = {'X', 'Y', 'Z'};
  EXPECT_EQ(meta(IOP_OP_WRITE_FILE, "d/f", nullptr, 0, 0, xyz.data(), 3).res, 3);
  EXPECT_EQ(read_all(p("d/f")), "XYZlaced") << "without IOP_META_TRUNC the rest stays";

  c = meta(IOP_OP_LIST, "d");
  EXPECT_EQ(c.res, 0);
  EXPECT_EQ(c.flags, IOP_CQE_AUX_COUNT);
  EXPECT_EQ(c.aux, 2u);
  EXPECT_EQ(meta(IOP_OP_LIST, ".").aux, 1u);

  EXPECT_EQ(meta(IOP_OP_RENAME, "d/f", "d/g").res, 0);
  EXPECT_EQ(entries(p("d")), (std::set<std::string>{"empty", "g"}));
  // path2 relative to another directory handle.
  const int32_t sub = eng_.open(p("d"), O_RDONLY | O_DIRECTORY,
                                IOP_FILE_READ | IOP_FILE_WRITE | IOP_FILE_DIRECTORY);
  ASSERT_GE(sub, 0) << eng_.err.message;
  EXPECT_EQ(meta(IOP_OP_RENAME, "d/g", "moved", 0, 0, nullptr, 0, sub).res, 0);
  EXPECT_EQ(entries(p("d")), (std::set<std::string>{"empty", "moved"}));

  EXPECT_EQ(meta(IOP_OP_UNLINK, "d/moved").res, 0);
  EXPECT_EQ(meta(IOP_OP_UNLINK, "d/empty").res, 0);
  EXPECT_TRUE(entries(p("d")).empty());
  EXPECT_EQ(meta(IOP_OP_RMDIR, "d").res, 0);
  EXPECT_TRUE(entries(dir_).empty());
}

// A failed op completes with the failing step's errno and a text naming the
// op, the path and the step; it changes nothing.
TEST_F(SyncMetadata, FailuresNameTheStep) {
  ASSERT_EQ(mkdir(p("full").c_str(), 0755), 0);
  ASSERT_EQ(close(open(p("full/x").c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0644)), 0);
  struct Case {
    uint8_t op;
    const char* path;
    uint32_t flags;
    int64_t res;
    const char* text;
  };
  const Case cases[] = {
      {IOP_OP_MKDIR, "full", 0, -EEXIST, "mkdir 'full': mkdirat: File exists"},
      {IOP_OP_RMDIR, "full", 0, -ENOTEMPTY, "rmdir 'full': unlinkat(AT_REMOVEDIR): Directory not empty"},
      {IOP_OP_UNLINK, "nope", 0, -ENOENT, "unlink 'nope': unlinkat: No such file or directory"},
      {IOP_OP_STAT, "nope", 0, -ENOENT, "stat 'nope': fstatat: No such file or directory"},
      {IOP_OP_OPEN_CLOSE, "nope", 0, -ENOENT, "open-close 'nope': open: No such file or directory"},
      {IOP_OP_READ_FILE, "nope", 0, -ENOENT, "read-file 'nope': open: No such file or directory"},
      {IOP_OP_WRITE_FILE, "full", 0, -EISDIR, "write-file 'full': open: Is a directory"},
      {IOP_OP_CREATE, "full/x", IOP_META_EXCL, -EEXIST, "create 'full/x': open: File exists"},
      {IOP_OP_CREATE, "nope/x", 0, -ENOENT, "create 'nope/x': open: No such file or directory"},
      {IOP_OP_LIST, "full/x", 0, -ENOTDIR, "list 'full/x': open: Not a directory"},
  };
  for (const Case& k : cases) {
    const iop_cqe c = meta(k.op, k.path, nullptr, 0644, k.flags);
    EXPECT_EQ(c.res, k.res) << k.text;
    EXPECT_EQ(c.aux, 0u) << k.text;
    EXPECT_EQ(text_of(c), k.text);
  }
  const iop_cqe r = meta(IOP_OP_RENAME, "nope", "other");
  EXPECT_EQ(r.res, -ENOENT);
  EXPECT_EQ(text_of(r), "rename 'nope': renameat2 to 'other': No such file or directory");
  EXPECT_EQ(entries(dir_), (std::set<std::string>{"full"}));
  EXPECT_EQ(entries(p("full")), (std::set<std::string>{"x"}));
}

// A metadata op without its arguments, or a rename without a new name, is
// refused; a data op on a directory handle fails as read(2) on a directory.
TEST_F(SyncMetadata, MissingArgumentsAndDataOpsOnADirectory) {
  std::vector<char> buf(4096);
  iop_io io = make_io(eng_, IOP_OP_STAT, h_, 0, nullptr, 0);
  const iop_cqe c = run_io(eng_, io);
  EXPECT_EQ(c.res, -EINVAL);
  EXPECT_EQ(text_of(c), "metadata op 9 without meta->path");
  EXPECT_EQ(meta(IOP_OP_RENAME, "a").res, -EINVAL);
  io = make_io(eng_, IOP_OP_READ, h_, 0, buf.data(), 4096);
  EXPECT_EQ(run_io(eng_, io).res, -EISDIR);
}

// open_file() takes a directory only as IOP_FILE_DIRECTORY, and
// IOP_FILE_DIRECTORY only for a directory.
TEST_F(SyncMetadata, DirectoryHandlesAreDeclared) {
  EXPECT_EQ(eng_.open(dir_, O_RDONLY | O_DIRECTORY, IOP_FILE_READ), -EISDIR);
  EXPECT_NE(std::string(eng_.err.message).find("opened without IOP_FILE_DIRECTORY"), std::string::npos)
      << eng_.err.message;
  ASSERT_EQ(close(open(p("f").c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0644)), 0);
  EXPECT_EQ(eng_.open(p("f"), O_RDONLY, IOP_FILE_READ | IOP_FILE_DIRECTORY), -ENOTDIR);
}

}  // namespace
