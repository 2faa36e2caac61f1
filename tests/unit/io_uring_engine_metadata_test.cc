// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// The io_uring engine's metadata operations through the C ABI, on a
// directory handle.  Each op's effect is checked with the test's own system
// calls (stat, read, readdir); res, aux and the error text against engine.h's
// table and against the sync engine doing the same ops on a twin tree; and
// that the ops really are asynchronous, against the kernel's view: the
// ring's registered file table (fdinfo) holding the files of many ops at
// once while submit() has long returned, and strace seeing no open, write or
// close system call of the process for the files it creates, only
// io_uring_enter calls each carrying whole chains of requests.

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <mutex>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "iopulse/engine.h"
#include "engine_test_support.h"
#include "io_uring_test_support.h"
#include "strace_child.h"

namespace {

using iopulse::test::EngineUnderTest;
using iopulse::test::engine_config;
using iopulse::test::fdinfo;
using iopulse::test::fdinfo_number;
using iopulse::test::fill_pattern;
using iopulse::test::kReapTimeoutNs;
using iopulse::test::make_io;
using iopulse::test::registered_files;
using iopulse::test::report_of;
using iopulse::test::run_io;
using iopulse::test::uring_fds;
using iopulse::test::uring_plugin;
using iopulse::test::UringOptions;
using iopulse::test::strace_child;
using iopulse::test::StraceChild;

constexpr uint32_t kDirFlags = IOP_FILE_READ | IOP_FILE_WRITE | IOP_FILE_DIRECTORY;

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

// Everything under `dir` as "<relative path> <type> <mode> <content>" lines,
// sorted: two trees are equal when their descriptions are.
std::string describe_tree(const std::string& dir, const std::string& rel = "") {
  std::string out;
  for (const std::string& name : entries(dir + rel)) {
    const std::string path = dir + rel + "/" + name;
    struct stat st;
    if (lstat(path.c_str(), &st) != 0) continue;
    char mode[8];
    std::snprintf(mode, sizeof mode, "%03o", st.st_mode & 0777);
    if (S_ISDIR(st.st_mode)) {
      out += rel + "/" + name + " dir " + mode + "\n" + describe_tree(dir, rel + "/" + name);
    } else {
      out += rel + "/" + name + " file " + mode + " " + read_all(path) + "\n";
    }
  }
  return out;
}

// A scratch directory under /tmp, removed at the end.
class ScratchDir {
 public:
  ScratchDir() {
    char tmpl[] = "/tmp/iopulse_uring_meta_XXXXXX";
    if (mkdtemp(tmpl) != nullptr) path_ = tmpl;
  }
  ~ScratchDir() {
    if (!path_.empty()) (void)std::system(("rm -rf '" + path_ + "'").c_str());
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// The arguments of one op and the iop_io that carries them (the args must
// stay where they are while the op is in flight).
struct MetaIo {
  iop_meta_args args{};
  iop_io io{};
};

// Fills `m` for `op` on handle `dir`.
void prepare(MetaIo& m, const EngineUnderTest& eng, uint64_t user_data, uint8_t op, int32_t dir,
             const char* path, const char* path2 = nullptr, uint32_t mode = 0, uint32_t flags = 0,
             void* buf = nullptr, uint32_t len = 0, int32_t dir2 = -1) {
  m.args = iop_meta_args{};
  m.args.struct_size = sizeof m.args;
  m.args.flags = flags;
  m.args.path = path;
  m.args.path2 = path2;
  m.args.dir2 = dir2;
  m.args.mode = mode;
  m.io = make_io(eng, op, dir, 0, buf, len);
  m.io.user_data = user_data;
  m.io.meta = &m.args;
}

// Submits every IO in `ios` with one submit() call (EXPECTing all accepted)
// and reaps them all; returns the completions by user_data (0..n-1).
std::vector<iop_cqe> run_all(EngineUnderTest& eng, std::vector<iop_io*>& ios) {
  const auto n = static_cast<uint32_t>(ios.size());
  EXPECT_EQ(eng.submit(ios.data(), n), static_cast<int32_t>(n));
  std::vector<iop_cqe> by_id(n);
  std::vector<iop_cqe> cqe(n);
  uint32_t got = 0;
  while (got < n) {
    const int32_t r = eng.reap(cqe.data(), n, 1, kReapTimeoutNs);
    if (r <= 0) {
      ADD_FAILURE() << "reap returned " << r << " with " << n - got << " outstanding";
      break;
    }
    for (int32_t k = 0; k < r; k++) {
      if (cqe[k].user_data >= n) {
        ADD_FAILURE() << "unknown user_data " << cqe[k].user_data;
        continue;
      }
      by_id[cqe[k].user_data] = cqe[k];
    }
    got += static_cast<uint32_t>(r);
  }
  return by_id;
}

// An io_uring instance with the scratch directory open as a directory handle.
class UringMetadata : public ::testing::Test {
 public:
  void SetUp() override {
    ASSERT_EQ(uring_plugin().error, "");
    ASSERT_FALSE(scratch_.path().empty());
    dir_ = scratch_.path();
  }
  void TearDown() override { eng_.release(/*expect_clean_close=*/true); }

  void start(const UringOptions& opt = UringOptions{}, uint32_t qd = 1) {
    const std::set<int> before = uring_fds();
    ASSERT_EQ(eng_.create(engine_config(qd, 0, opt.v, UringOptions::kCount)), 0) << eng_.err.message;
    for (int fd : uring_fds()) {
      if (before.count(fd) == 0) ring_fd_ = fd;
    }
    ASSERT_GE(ring_fd_, 0) << "no new io_uring descriptor";
    h_ = eng_.open(dir_, O_RDONLY | O_DIRECTORY, kDirFlags);
    ASSERT_GE(h_, 0) << eng_.err.message;
  }

  // Runs metadata op `op` on `path` (relative to the scratch directory).
  iop_cqe meta(uint8_t op, const char* path, const char* path2 = nullptr, uint32_t mode = 0,
               uint32_t flags = 0, void* buf = nullptr, uint32_t len = 0, int32_t dir2 = -1) {
    prepare(one_, eng_, 0x1234, op, h_, path, path2, mode, flags, buf, len, dir2);
    return run_io(eng_, one_.io);
  }

  // The error_text() of the completion just reaped.
  std::string text_of(const iop_cqe& c) {
    iop_error e{};
    if ((c.flags & IOP_CQE_ERROR_TEXT) == 0) return "(no text)";
    if (eng_.desc->error_text(eng_.instance, c.user_data, &e) != 0) return "(error_text failed)";
    return e.message;
  }

  std::string p(const std::string& rel) const { return dir_ + "/" + rel; }

  // The files the ring's registered table holds now.
  std::vector<std::string> ring_files() const { return registered_files(fdinfo(ring_fd_)); }

  ScratchDir scratch_;
  std::string dir_;
  EngineUnderTest eng_{uring_plugin().desc};
  int ring_fd_ = -1;
  int32_t h_ = -1;
  MetaIo one_;
};

// Every op once, its effect seen by the test's own system calls.  The
// ring's file table holds `handles` registered files afterwards (the
// directory handles, with fixed-files), none of the ops'.
void expect_tree_ops(UringMetadata& t, const std::string& dir, size_t handles = 0) {
  const mode_t mask = umask(022);
  umask(mask);
  iop_cqe c = t.meta(IOP_OP_MKDIR, "d", nullptr, 0750);
  EXPECT_EQ(c.res, 0);
  EXPECT_EQ(c.flags, 0u);
  struct stat st;
  ASSERT_EQ(stat((dir + "/d").c_str(), &st), 0);
  EXPECT_TRUE(S_ISDIR(st.st_mode));
  EXPECT_EQ(st.st_mode & 0777, 0750 & ~mask);

  std::vector<char> data(5000);
  fill_pattern(data.data(), data.size(), 0);
  c = t.meta(IOP_OP_CREATE, "d/f", nullptr, 0600, IOP_META_EXCL | IOP_META_FSYNC, data.data(), 5000);
  EXPECT_EQ(c.res, 5000);
  EXPECT_EQ(read_all(dir + "/d/f"), std::string(data.data(), 5000));
  ASSERT_EQ(stat((dir + "/d/f").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600 & ~mask);
  EXPECT_EQ(t.meta(IOP_OP_CREATE, "d/empty", nullptr, 0644).res, 0);
  EXPECT_EQ(read_all(dir + "/d/empty"), "");

  c = t.meta(IOP_OP_STAT, "d/f");
  EXPECT_EQ(c.res, 0);
  EXPECT_EQ(c.flags, IOP_CQE_AUX_SIZE);
  EXPECT_EQ(c.aux, 5000u);

  EXPECT_EQ(t.meta(IOP_OP_OPEN_CLOSE, "d/f").res, 0);

  std::vector<char> back(8192, 0);
  c = t.meta(IOP_OP_READ_FILE, "d/f", nullptr, 0, 0, back.data(), 8192);
  EXPECT_EQ(c.res, 5000) << "a whole-file read returns the file's bytes, fewer than asked";
  EXPECT_EQ(std::memcmp(back.data(), data.data(), 5000), 0);
  std::fill(back.begin(), back.end(), 0);
  EXPECT_EQ(t.meta(IOP_OP_READ_FILE, "d/f", nullptr, 0, 0, back.data(), 5000).res, 5000);
  EXPECT_EQ(std::memcmp(back.data(), data.data(), 5000), 0);
  EXPECT_EQ(t.meta(IOP_OP_READ_FILE, "d/empty", nullptr, 0, 0, back.data(), 100).res, 0);

  const std::string small = "replaced";
  std::vector<char> w(small.begin(), small.end());
  EXPECT_EQ(t.meta(IOP_OP_WRITE_FILE, "d/f", nullptr, 0, IOP_META_TRUNC, w.data(), 8).res, 8);
  EXPECT_EQ(read_all(dir + "/d/f"), small);
  std::vector<char> xyz = {'X', 'Y', 'Z'};
  EXPECT_EQ(t.meta(IOP_OP_WRITE_FILE, "d/f", nullptr, 0, IOP_META_FSYNC, xyz.data(), 3).res, 3);
  EXPECT_EQ(read_all(dir + "/d/f"), "XYZlaced") << "without IOP_META_TRUNC the rest stays";

  c = t.meta(IOP_OP_LIST, "d");
  EXPECT_EQ(c.res, 0);
  EXPECT_EQ(c.flags, IOP_CQE_AUX_COUNT);
  EXPECT_EQ(c.aux, 2u);
  EXPECT_EQ(t.meta(IOP_OP_LIST, ".").aux, 1u);

  EXPECT_EQ(t.meta(IOP_OP_RENAME, "d/f", "d/g").res, 0);
  EXPECT_EQ(entries(dir + "/d"), (std::set<std::string>{"empty", "g"}));
  // path2 relative to another directory handle.
  const int32_t sub = t.eng_.open(dir + "/d", O_RDONLY | O_DIRECTORY, kDirFlags);
  ASSERT_GE(sub, 0) << t.eng_.err.message;
  EXPECT_EQ(t.meta(IOP_OP_RENAME, "d/g", "moved", 0, 0, nullptr, 0, sub).res, 0);
  EXPECT_EQ(entries(dir + "/d"), (std::set<std::string>{"empty", "moved"}));

  EXPECT_EQ(t.meta(IOP_OP_UNLINK, "d/moved").res, 0);
  EXPECT_EQ(t.meta(IOP_OP_UNLINK, "d/empty").res, 0);
  EXPECT_TRUE(entries(dir + "/d").empty());
  EXPECT_EQ(t.meta(IOP_OP_RMDIR, "d").res, 0);
  EXPECT_TRUE(entries(dir).empty());
  // Every file an op opened was closed before the op completed.
  EXPECT_EQ(t.ring_files().size(), handles);
}

TEST_F(UringMetadata, TreeOpsHaveTheirEffect) {
  start();
  expect_tree_ops(*this, dir_);
}

// With fixed-files the handles take the front of the registered table and
// the direct descriptors follow them.
TEST_F(UringMetadata, TreeOpsHaveTheirEffectWithFixedFiles) {
  UringOptions opt;
  opt.v[1].i = 1;  // fixed-files
  start(opt, 4);
  // The directory handles (the scratch directory and d, now removed) stay
  // registered; nothing else does.
  expect_tree_ops(*this, dir_, 2);
}

TEST_F(UringMetadata, TreeOpsHaveTheirEffectWithSqpoll) {
  UringOptions opt;
  opt.v[2].i = 1;  // sqpoll
  start(opt, 2);
  expect_tree_ops(*this, dir_);
}

// A failed op completes with the failing step's errno and a text naming the
// op, the path and the step; it changes nothing and leaves no file open.
TEST_F(UringMetadata, FailuresNameTheStep) {
  start();
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
      {IOP_OP_STAT, "nope", 0, -ENOENT, "stat 'nope': statx: No such file or directory"},
      {IOP_OP_OPEN_CLOSE, "nope", 0, -ENOENT, "open-close 'nope': open: No such file or directory"},
      {IOP_OP_READ_FILE, "nope", 0, -ENOENT, "read-file 'nope': open: No such file or directory"},
      {IOP_OP_WRITE_FILE, "full", 0, -EISDIR, "write-file 'full': open: Is a directory"},
      {IOP_OP_CREATE, "full/x", IOP_META_EXCL, -EEXIST, "create 'full/x': open: File exists"},
      {IOP_OP_CREATE, "nope/x", 0, -ENOENT, "create 'nope/x': open: No such file or directory"},
      {IOP_OP_LIST, "full/x", 0, -ENOTDIR, "list 'full/x': open: Not a directory"},
  };
  char buf[64] = {};
  for (const Case& k : cases) {
    const iop_cqe c = meta(k.op, k.path, nullptr, 0644, k.flags, buf, sizeof buf);
    EXPECT_EQ(c.res, k.res) << k.text;
    EXPECT_EQ(c.aux, 0u) << k.text;
    EXPECT_EQ(text_of(c), k.text);
  }
  const iop_cqe r = meta(IOP_OP_RENAME, "nope", "other");
  EXPECT_EQ(r.res, -ENOENT);
  EXPECT_EQ(text_of(r), "rename 'nope': renameat to 'other': No such file or directory");
  EXPECT_EQ(entries(dir_), (std::set<std::string>{"full"}));
  EXPECT_EQ(entries(p("full")), (std::set<std::string>{"x"}));
  EXPECT_TRUE(ring_files().empty());
  // The text is the latest reap's only.
  iop_error e{};
  EXPECT_EQ(meta(IOP_OP_STAT, "full/x").res, 0);
  EXPECT_EQ(eng_.desc->error_text(eng_.instance, 0x1234, &e), -ENOENT);
}

// A write that fails after the file was opened (here past RLIMIT_FSIZE: the
// first write is cut short at the limit, the rest fails with EFBIG) ends the
// op with that errno and a text naming the write; the file is closed all the
// same, and the sync engine says exactly the same.
TEST_F(UringMetadata, AFailedWriteStillClosesTheFile) {
  start();
  std::vector<char> data(5000, 'w');
  rlimit saved{};
  ASSERT_EQ(getrlimit(RLIMIT_FSIZE, &saved), 0);
  struct sigaction ignore{}, old{};
  ignore.sa_handler = SIG_IGN;
  ASSERT_EQ(sigaction(SIGXFSZ, &ignore, &old), 0);
  rlimit small = saved;
  small.rlim_cur = 4096;
  ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &small), 0);
  const iop_cqe c = meta(IOP_OP_CREATE, "big", nullptr, 0644, 0, data.data(), 5000);
  const std::string text = text_of(c);

  // The sync engine on the same op, in a twin directory.
  ScratchDir twin;
  EngineUnderTest sync_eng{iopulse::test::built_engine("sync").desc};
  const iop_option_value sync_defaults[1] = {{0, "off"}};
  ASSERT_EQ(sync_eng.create(engine_config(1, 0, sync_defaults, 1)), 0) << sync_eng.err.message;
  const int32_t sh = sync_eng.open(twin.path(), O_RDONLY | O_DIRECTORY, kDirFlags);
  MetaIo s;
  prepare(s, sync_eng, 7, IOP_OP_CREATE, sh, "big", nullptr, 0644, 0, data.data(), 5000);
  const iop_cqe sc = run_io(sync_eng, s.io);
  iop_error sync_text{};
  ASSERT_EQ(sync_eng.desc->error_text(sync_eng.instance, 7, &sync_text), 0);
  ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &saved), 0);
  ASSERT_EQ(sigaction(SIGXFSZ, &old, nullptr), 0);

  EXPECT_EQ(c.res, -EFBIG);
  EXPECT_EQ(text, "create 'big': write of 5000 bytes at offset 0: File too large");
  EXPECT_EQ(sc.res, c.res);
  EXPECT_EQ(std::string(sync_text.message), text);
  struct stat st;
  ASSERT_EQ(stat(p("big").c_str(), &st), 0);
  EXPECT_EQ(st.st_size, 4096);
  EXPECT_EQ(describe_tree(dir_), describe_tree(twin.path()));
  EXPECT_TRUE(ring_files().empty()) << "the failed create left its file open";
  // The op record and its direct descriptor slot are usable again.
  EXPECT_EQ(meta(IOP_OP_CREATE, "after", nullptr, 0644, 0, data.data(), 100).res, 100);
  EXPECT_EQ(read_all(p("after")), std::string(100, 'w'));
}

// A metadata op without its arguments, or a rename without a new name or
// with a dir2 that is no handle, is refused with a text; a data op on a
// directory handle fails as read(2) on a directory.
TEST_F(UringMetadata, MissingArgumentsAndDataOpsOnADirectory) {
  start();
  std::vector<char> buf(4096);
  iop_io io = make_io(eng_, IOP_OP_STAT, h_, 0, nullptr, 0);
  iop_cqe c = run_io(eng_, io);
  EXPECT_EQ(c.res, -EINVAL);
  EXPECT_EQ(text_of(c), "metadata op 9 without meta->path");
  c = meta(IOP_OP_RENAME, "a");
  EXPECT_EQ(c.res, -EINVAL);
  EXPECT_EQ(text_of(c), "rename 'a': meta->path2 is NULL");
  c = meta(IOP_OP_RENAME, "a", "b", 0, 0, nullptr, 0, 77);
  EXPECT_EQ(c.res, -EBADF);
  EXPECT_EQ(text_of(c), "rename: dir2 77 is not an open handle");
  io = make_io(eng_, IOP_OP_READ, h_, 0, buf.data(), 4096);
  EXPECT_EQ(run_io(eng_, io).res, -EISDIR);
}

// open_file() takes a directory only as IOP_FILE_DIRECTORY, and
// IOP_FILE_DIRECTORY only for a directory; a metadata op on an instance that
// never had a directory handle fails as on a file descriptor (ENOTDIR).
TEST_F(UringMetadata, DirectoryHandlesAreDeclared) {
  UringOptions opt;
  ASSERT_EQ(eng_.create(engine_config(2, 0, opt.v, UringOptions::kCount)), 0) << eng_.err.message;
  EXPECT_EQ(eng_.open(dir_, O_RDONLY | O_DIRECTORY, IOP_FILE_READ), -EISDIR);
  EXPECT_NE(std::string(eng_.err.message).find("opened without IOP_FILE_DIRECTORY"), std::string::npos)
      << eng_.err.message;
  ASSERT_EQ(close(open(p("f").c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0644)), 0);
  EXPECT_EQ(eng_.open(p("f"), O_RDONLY, IOP_FILE_READ | IOP_FILE_DIRECTORY), -ENOTDIR);
  const int32_t file = eng_.open(p("f"), O_RDONLY, IOP_FILE_READ);
  ASSERT_GE(file, 0) << eng_.err.message;
  iop_meta_args a{};
  a.struct_size = sizeof a;
  a.path = "x";
  a.dir2 = -1;
  a.mode = 0755;
  iop_io io = make_io(eng_, IOP_OP_MKDIR, file, 0, nullptr, 0);
  io.meta = &a;
  EXPECT_EQ(run_io(eng_, io).res, -ENOTDIR);
  EXPECT_EQ(entries(dir_), (std::set<std::string>{"f"}));
}

// The same ops, successes and failures, through the sync engine on a twin
// tree: the same res, aux and aux kind, an error text exactly when the sync
// engine has one, and the same trees afterwards.
TEST_F(UringMetadata, SameResultsAsTheSyncEngine) {
  start(UringOptions{}, 8);
  ScratchDir twin;
  EngineUnderTest sync_eng{iopulse::test::built_engine("sync").desc};
  const iop_option_value sync_defaults[1] = {{0, "off"}};
  ASSERT_EQ(sync_eng.create(engine_config(1, 0, sync_defaults, 1)), 0) << sync_eng.err.message;
  const int32_t sh = sync_eng.open(twin.path(), O_RDONLY | O_DIRECTORY, kDirFlags);
  ASSERT_GE(sh, 0) << sync_eng.err.message;

  std::vector<char> data(20000);
  fill_pattern(data.data(), data.size(), 3);
  std::vector<char> uring_buf(20000), sync_buf(20000);
  struct Step {
    uint8_t op;
    const char* path;
    const char* path2;
    uint32_t mode;
    uint32_t flags;
    uint32_t len;  // of data (writes) or of the read buffer
  };
  const Step steps[] = {
      {IOP_OP_MKDIR, "a", nullptr, 0700, 0, 0},
      {IOP_OP_MKDIR, "a", nullptr, 0700, 0, 0},
      {IOP_OP_MKDIR, "a/b", nullptr, 0755, 0, 0},
      {IOP_OP_CREATE, "a/one", nullptr, 0640, IOP_META_EXCL, 12345},
      {IOP_OP_CREATE, "a/one", nullptr, 0640, IOP_META_EXCL, 10},
      {IOP_OP_CREATE, "a/one", nullptr, 0640, 0, 10},
      {IOP_OP_CREATE, "a/b/two", nullptr, 0600, IOP_META_FSYNC, 0},
      {IOP_OP_CREATE, "a/nope/x", nullptr, 0600, 0, 10},
      {IOP_OP_STAT, "a/one", nullptr, 0, 0, 0},
      {IOP_OP_STAT, "a", nullptr, 0, 0, 0},
      {IOP_OP_STAT, "a/none", nullptr, 0, 0, 0},
      {IOP_OP_READ_FILE, "a/one", nullptr, 0, 0, 20000},
      {IOP_OP_READ_FILE, "a/one", nullptr, 0, 0, 100},
      {IOP_OP_READ_FILE, "a/b/two", nullptr, 0, 0, 100},
      {IOP_OP_READ_FILE, "a/b", nullptr, 0, 0, 100},
      {IOP_OP_WRITE_FILE, "a/b/two", nullptr, 0, IOP_META_TRUNC | IOP_META_FSYNC, 777},
      {IOP_OP_WRITE_FILE, "a/one", nullptr, 0, 0, 5},
      {IOP_OP_WRITE_FILE, "a/none", nullptr, 0, 0, 5},
      {IOP_OP_OPEN_CLOSE, "a/one", nullptr, 0, 0, 0},
      {IOP_OP_OPEN_CLOSE, "a/none", nullptr, 0, 0, 0},
      {IOP_OP_LIST, "a", nullptr, 0, 0, 0},
      {IOP_OP_LIST, "a/b", nullptr, 0, 0, 0},
      {IOP_OP_LIST, "a/one", nullptr, 0, 0, 0},
      {IOP_OP_RENAME, "a/one", "a/b/three", 0, 0, 0},
      {IOP_OP_RENAME, "a/one", "a/b/four", 0, 0, 0},
      {IOP_OP_UNLINK, "a/b", nullptr, 0, 0, 0},
      {IOP_OP_RMDIR, "a", nullptr, 0, 0, 0},
      {IOP_OP_UNLINK, "a/b/two", nullptr, 0, 0, 0},
      {IOP_OP_RMDIR, "a/missing", nullptr, 0, 0, 0},
  };
  for (const Step& s : steps) {
    const bool writes = s.op == IOP_OP_CREATE || s.op == IOP_OP_WRITE_FILE;
    std::fill(uring_buf.begin(), uring_buf.end(), 0);
    std::fill(sync_buf.begin(), sync_buf.end(), 0);
    const iop_cqe u = meta(s.op, s.path, s.path2, s.mode, s.flags,
                           writes ? data.data() : uring_buf.data(), s.len);
    MetaIo m;
    prepare(m, sync_eng, 1, s.op, sh, s.path, s.path2, s.mode, s.flags,
            writes ? data.data() : sync_buf.data(), s.len);
    const iop_cqe y = run_io(sync_eng, m.io);
    const std::string what = std::string("op ") + std::to_string(s.op) + " '" + s.path + "'";
    EXPECT_EQ(u.res, y.res) << what;
    EXPECT_EQ(u.aux, y.aux) << what;
    EXPECT_EQ(u.flags, y.flags) << what;
    if (s.op == IOP_OP_READ_FILE) {
      EXPECT_EQ(uring_buf, sync_buf) << what;
    }
    EXPECT_EQ(describe_tree(dir_), describe_tree(twin.path())) << "after " << what;
  }
  EXPECT_FALSE(describe_tree(dir_).empty());
  EXPECT_TRUE(ring_files().empty());
}

// Many ops of every kind in one submit() at the queue depth, mixed with
// data IOs on a file: more requests than the SQ holds, so submit() hands
// chains to the kernel as it goes; every op does what it should.
TEST_F(UringMetadata, AFullQueueOfMixedOpsInOneSubmit) {
  constexpr uint32_t kQd = 48;
  start(UringOptions{}, kQd);
  iopulse::test::TempFile data_file(std::vector<char>(kQd * 4096, 'd'));
  const int32_t fh = eng_.open(data_file.path(), O_RDWR);
  ASSERT_GE(fh, 0) << eng_.err.message;
  for (uint32_t i = 0; i < kQd; i++) {
    ASSERT_EQ(close(open(p("old" + std::to_string(i)).c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0644)), 0);
  }
  std::vector<MetaIo> m(kQd);
  std::vector<std::string> names(kQd);
  std::vector<std::vector<char>> bufs(kQd, std::vector<char>(4096));
  std::vector<iop_io*> ios;
  for (uint32_t i = 0; i < kQd; i++) {
    names[i] = "new" + std::to_string(i);
    fill_pattern(bufs[i].data(), 4096, i * 4096);
    switch (i % 4) {
      case 0:
        prepare(m[i], eng_, i, IOP_OP_CREATE, h_, names[i].c_str(), nullptr, 0644,
                IOP_META_EXCL | IOP_META_FSYNC, bufs[i].data(), 4096);
        break;
      case 1:
        names[i] = "old" + std::to_string(i);
        prepare(m[i], eng_, i, IOP_OP_UNLINK, h_, names[i].c_str());
        break;
      case 2:
        m[i].io = make_io(eng_, IOP_OP_WRITE, fh, uint64_t{i} * 4096, bufs[i].data(), 4096);
        m[i].io.user_data = i;
        break;
      default:
        prepare(m[i], eng_, i, IOP_OP_MKDIR, h_, names[i].c_str(), nullptr, 0755);
        break;
    }
    ios.push_back(&m[i].io);
  }
  const std::vector<iop_cqe> c = run_all(eng_, ios);
  for (uint32_t i = 0; i < kQd; i++) {
    EXPECT_EQ(c[i].res, i % 4 == 0 || i % 4 == 2 ? 4096 : 0) << "IO " << i;
    struct stat st;
    const std::string path = i % 4 == 2 ? data_file.path() : p(names[i]);
    const bool present = stat(path.c_str(), &st) == 0;
    EXPECT_EQ(present, i % 4 != 1) << path;
    if (i % 4 == 0) {
      EXPECT_EQ(read_all(path), std::string(bufs[i].data(), 4096)) << path;
    }
    if (i % 4 == 3) {
      EXPECT_TRUE(S_ISDIR(st.st_mode)) << path;
    }
  }
  std::string blocks = read_all(data_file.path());
  for (uint32_t i = 2; i < kQd; i += 4) {
    EXPECT_EQ(blocks.substr(i * 4096, 4096), std::string(bufs[i].data(), 4096)) << "block " << i;
  }
  EXPECT_TRUE(ring_files().empty());
}

// N read-file ops on N FIFOs at queue depth N: submit() returns at once
// with all N accepted while each waits in the kernel for data, and the ring
// holds all N files open together (fdinfo) until the test feeds them.  A
// FIFO's data arrives in pieces, so each op reads again after a short read
// until the writer is gone (end of file), as the sync engine's loop does.
TEST_F(UringMetadata, ManyOpsAreInFlightAtOnce) {
  constexpr uint32_t kN = 8;
  start(UringOptions{}, kN);
  std::vector<std::string> names(kN);
  std::vector<int> writers(kN);
  for (uint32_t i = 0; i < kN; i++) {
    names[i] = "fifo" + std::to_string(i);
    ASSERT_EQ(mkfifo(p(names[i]).c_str(), 0600), 0);
    // Read and write: the test's end makes the FIFO have a writer, so the
    // engine's reads wait for data rather than see end of file.
    writers[i] = open(p(names[i]).c_str(), O_RDWR | O_CLOEXEC);
    ASSERT_GE(writers[i], 0);
  }
  std::vector<MetaIo> m(kN);
  std::vector<std::vector<char>> bufs(kN, std::vector<char>(100, 0));
  std::vector<iop_io*> ios;
  for (uint32_t i = 0; i < kN; i++) {
    prepare(m[i], eng_, i, IOP_OP_READ_FILE, h_, names[i].c_str(), nullptr, 0, 0, bufs[i].data(), 100);
    ios.push_back(&m[i].io);
  }
  // Should submit() wait for the data (an engine doing the ops inside it),
  // a watchdog ends the files after 10 s so that the test fails, not hangs.
  std::mutex mu;
  std::condition_variable cv;
  bool submitted = false;
  bool watchdog_fired = false;
  std::thread watchdog([&] {
    std::unique_lock<std::mutex> lock(mu);
    if (cv.wait_for(lock, std::chrono::seconds(10), [&] { return submitted; })) return;
    watchdog_fired = true;
    for (int& w : writers) {
      close(w);
      w = -1;
    }
  });
  const int32_t accepted = eng_.submit(ios.data(), kN);
  {
    std::lock_guard<std::mutex> lock(mu);
    submitted = true;
  }
  cv.notify_all();
  watchdog.join();
  ASSERT_FALSE(watchdog_fired) << "submit() waited for the ops' data";
  ASSERT_EQ(accepted, static_cast<int32_t>(kN));
  iop_cqe cqe[kN];
  EXPECT_EQ(eng_.reap(cqe, kN, 0, 0), 0) << "an op completed without its data";
  EXPECT_EQ(eng_.reap(cqe, kN, 1, 100'000'000), 0) << "an op completed without its data";
  // All N FIFOs are open in the ring at once, each by its own op.
  std::vector<std::string> open_now = ring_files();
  std::sort(open_now.begin(), open_now.end());
  std::vector<std::string> expected;
  for (const std::string& n : names) expected.push_back(p(n));
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(open_now, expected);

  // Feed them in reverse order, in two pieces each, then end each file.
  for (uint32_t k = 0; k < kN; k++) {
    const uint32_t i = kN - 1 - k;
    const std::string first = "piece-" + std::to_string(i) + ";";
    ASSERT_EQ(write(writers[i], first.data(), first.size()), static_cast<ssize_t>(first.size()));
    EXPECT_EQ(eng_.reap(cqe, kN, 0, 0), 0) << "op " << i << " completed before its end of file";
    usleep(20000);  // the op has read the first piece and waits again
    ASSERT_EQ(write(writers[i], "tail", 4), 4);
    close(writers[i]);
    ASSERT_EQ(eng_.reap(cqe, kN, 1, kReapTimeoutNs), 1) << "op " << i;
    EXPECT_EQ(cqe[0].user_data, i);
    EXPECT_EQ(cqe[0].res, static_cast<int64_t>(first.size() + 4));
    EXPECT_EQ(std::string(bufs[i].data()), first + "tail");
  }
  EXPECT_TRUE(ring_files().empty());
}

// The report says which ops are asynchronous and which are done inside
// submit(); the instance declares every metadata op on this kernel (6.x has
// every request the ops use), and none on an iopoll ring, which takes only
// reads and writes.
TEST_F(UringMetadata, ReportSaysWhichOpsAreAsynchronous) {
  start();
  const iopulse::test::ReportView r = report_of(eng_);
  ASSERT_EQ(r.rc, 0);
  EXPECT_EQ(r.caps & IOP_CAP_META_ALL, IOP_CAP_META_ALL);
  EXPECT_NE(r.caps & IOP_CAP_ERROR_TEXT, 0u);
  EXPECT_EQ(r.settings.at("meta-async"),
            "mkdir,rmdir,create,open-close,stat,read-file,write-file,rename,unlink");
  EXPECT_EQ(r.settings.at("meta-sync"), "list");

  UringOptions opt;
  opt.v[5].i = 1;  // iopoll
  EngineUnderTest polled{uring_plugin().desc};
  ASSERT_EQ(polled.create(engine_config(4, IOP_CONFIG_DIRECT, opt.v, UringOptions::kCount)), 0) << polled.err.message;
  const iopulse::test::ReportView pr = report_of(polled);
  ASSERT_EQ(pr.rc, 0);
  EXPECT_EQ(pr.caps & IOP_CAP_META_ALL, 0u);
  EXPECT_EQ(pr.settings.count("meta-async"), 0u);
}

// The registered file table: one direct descriptor slot per op record once a
// directory handle is open (fdinfo UserFiles), none before.
TEST_F(UringMetadata, DirectDescriptorSlotsAreTheQueueDepth) {
  UringOptions opt;
  const std::set<int> before = uring_fds();
  ASSERT_EQ(eng_.create(engine_config(16, 0, opt.v, UringOptions::kCount)), 0) << eng_.err.message;
  for (int fd : uring_fds()) {
    if (before.count(fd) == 0) ring_fd_ = fd;
  }
  ASSERT_GE(ring_fd_, 0);
  EXPECT_EQ(fdinfo_number(fdinfo(ring_fd_), "UserFiles"), 0);
  h_ = eng_.open(dir_, O_RDONLY | O_DIRECTORY, kDirFlags);
  ASSERT_GE(h_, 0) << eng_.err.message;
  EXPECT_EQ(fdinfo_number(fdinfo(ring_fd_), "UserFiles"), 16);
  EXPECT_TRUE(ring_files().empty());
}

// ---------------------------------------------------------------------------
// Seen by strace: a create is requests in the ring, not system calls.
// ---------------------------------------------------------------------------

constexpr uint32_t kStraceCreates = 16;
constexpr const char* kStraceDirEnv = "IOPULSE_URING_META_STRACE_DIR";

// Run only by StraceSeesChainsNotSystemCalls, under strace: between two
// marker system calls, kStraceCreates creates of 4 KiB with one submit() at
// that queue depth, and reaps until all completed.
TEST(UringMetadataStraceChild, DISABLED_CreatesBetweenMarkers) {
  const char* dir = std::getenv(kStraceDirEnv);
  ASSERT_NE(dir, nullptr);
  EngineUnderTest eng{uring_plugin().desc};
  UringOptions opt;
  ASSERT_EQ(eng.create(engine_config(kStraceCreates, 0, opt.v, UringOptions::kCount)), 0) << eng.err.message;
  const int32_t h = eng.open(dir, O_RDONLY | O_DIRECTORY, kDirFlags);
  ASSERT_GE(h, 0) << eng.err.message;
  std::vector<MetaIo> m(kStraceCreates);
  std::vector<std::string> names(kStraceCreates);
  std::vector<char> data(4096, 's');
  std::vector<iop_io*> ios;
  for (uint32_t i = 0; i < kStraceCreates; i++) {
    names[i] = "c" + std::to_string(i);
    prepare(m[i], eng, i, IOP_OP_CREATE, h, names[i].c_str(), nullptr, 0644, IOP_META_EXCL,
            data.data(), 4096);
    ios.push_back(&m[i].io);
  }
  iop_cqe cqe[kStraceCreates];
  syscall(SYS_faccessat, AT_FDCWD, "/iopulse-strace-begin", F_OK);
  const int32_t accepted = eng.submit(ios.data(), kStraceCreates);
  int32_t got = 0;
  while (got < static_cast<int32_t>(kStraceCreates)) {
    const int32_t r = eng.reap(cqe + got, kStraceCreates - got, kStraceCreates - got, kReapTimeoutNs);
    if (r <= 0) break;
    got += r;
  }
  syscall(SYS_faccessat, AT_FDCWD, "/iopulse-strace-end", F_OK);
  EXPECT_EQ(accepted, static_cast<int32_t>(kStraceCreates));
  ASSERT_EQ(got, static_cast<int32_t>(kStraceCreates));
  for (const iop_cqe& c : cqe) EXPECT_EQ(c.res, 4096);
}

// strace -f on the test above: between the markers the process makes no
// open, write, fsync or close system call at all, only io_uring_enter calls;
// they hand the kernel 3 requests per create (open, write, close), each
// call whole chains (a multiple of 3), far fewer calls than creates; and the
// files hold what was written.
TEST(UringMetadataStrace, StraceSeesChainsNotSystemCalls) {
  if (std::system("strace -V >/dev/null 2>&1") != 0) GTEST_SKIP() << "strace is not installed";
  ScratchDir dir;
  ASSERT_FALSE(dir.path().empty());
  const StraceChild child = strace_child("UringMetadataStraceChild.DISABLED_CreatesBetweenMarkers",
                                         "io_uring_enter,open,openat,openat2,creat,write,pwrite64,pwritev,"
                                         "pwritev2,fsync,fdatasync,close,faccessat,faccessat2",
                                         std::string(kStraceDirEnv) + "='" + dir.path() + "' ");
  ASSERT_TRUE(child.ran) << "the child test failed under strace:\n" << child.log;
  std::istringstream all(child.log);

  bool inside = false;
  uint32_t enters = 0, requests = 0;
  std::vector<std::string> file_calls;
  const std::regex enter(R"(io_uring_enter\(\d+, (\d+), \d+, [^)]*\) = (\d+))");
  std::string line;
  while (std::getline(all, line)) {
    if (line.find("/iopulse-strace-begin") != std::string::npos) inside = true;
    if (line.find("/iopulse-strace-end") != std::string::npos) inside = false;
    if (!inside || line.find("faccessat") != std::string::npos) continue;
    std::smatch mt;
    if (std::regex_search(line, mt, enter)) {
      enters++;
      const uint32_t to_submit = static_cast<uint32_t>(std::stoul(mt[1]));
      EXPECT_EQ(to_submit % 3, 0u) << "a chain was split: " << line;
      EXPECT_EQ(std::stoul(mt[2]) >= to_submit, true) << line;
      requests += to_submit;
    } else {
      file_calls.push_back(line);
    }
  }
  EXPECT_TRUE(file_calls.empty()) << file_calls.size() << " other calls, the first: " << file_calls[0];
  EXPECT_EQ(requests, 3 * kStraceCreates);
  EXPECT_GE(enters, 1u);
  EXPECT_LT(enters, kStraceCreates / 2) << "the creates were not batched";
  for (uint32_t i = 0; i < kStraceCreates; i++) {
    EXPECT_EQ(read_all(dir.path() + "/c" + std::to_string(i)), std::string(4096, 's'));
  }
}

}  // namespace
