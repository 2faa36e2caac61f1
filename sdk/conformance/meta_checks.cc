// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// Metadata operations (engine.h, "Metadata operations"): each op the engine
// declares (IOP_CAP_META_*), done through a directory handle, its effect
// checked with the checker's own system calls (stat, read, readdir); the
// errors the kernel gives for the usual mistakes; and many ops in flight at
// the deep queue depth.  Ops the engine does not declare are done by the
// checker itself where a later step needs their effect.  Diskless engines
// are skipped: there is nothing to observe.

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <set>
#include <string>
#include <vector>

#include "check.h"
#include "engine_session.h"
#include "work_files.h"

namespace iopcheck {
namespace {

constexpr uint64_t kSeedA = 0xa11ce;
constexpr uint64_t kSeedB = 0xb0b;

void require_meta(const Target& t) {
  if ((t.desc->caps & IOP_CAP_META_ALL) == 0) skip("the engine declares no metadata op");
  if (!t.does_file_io()) skip("diskless engine: metadata effects cannot be observed");
}

bool declares(const Target& t, uint64_t cap) { return (t.desc->caps & cap) != 0; }

// A fresh directory in the work directory, made by the checker.
std::string fresh_dir(const Target& t, const char* stem) {
  const std::string path = unique_path(t, stem);
  if (::mkdir(path.c_str(), 0755) != 0) {
    fail(strf("checker: mkdir %s: %s", path.c_str(), std::strerror(errno)));
  }
  return path;
}

// The names in directory `path`, without "." and "..".
std::set<std::string> entries(const std::string& path) {
  std::set<std::string> names;
  DIR* d = ::opendir(path.c_str());
  if (d == nullptr) fail(strf("checker: opendir %s: %s", path.c_str(), std::strerror(errno)));
  while (const dirent* e = ::readdir(d)) {
    if (std::strcmp(e->d_name, ".") != 0 && std::strcmp(e->d_name, "..") != 0) names.insert(e->d_name);
  }
  ::closedir(d);
  return names;
}

bool exists(const std::string& path) {
  struct stat st;
  return ::lstat(path.c_str(), &st) == 0;
}

std::string read_all(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) fail(strf("checker: opening %s: %s", path.c_str(), std::strerror(errno)));
  std::string out;
  char buf[4096];
  for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;) out.append(buf, static_cast<size_t>(n));
  ::close(fd);
  return out;
}

void write_all(const std::string& path, const std::string& data) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0 || ::write(fd, data.data(), data.size()) != static_cast<ssize_t>(data.size())) {
    fail(strf("checker: writing %s: %s", path.c_str(), std::strerror(errno)));
  }
  ::close(fd);
}

std::string pattern(size_t len, uint64_t seed) {
  std::string s(len, '\0');
  fill_pattern(s.data(), len, 0, seed);
  return s;
}

mode_t current_umask() {
  const mode_t m = ::umask(022);
  ::umask(m);
  return m;
}

// Runs one metadata op and fails the check unless it completes with `want`.
Completion expect_meta(EngineSession& s, iop_io* io, int64_t want, const char* what) {
  const Completion c = s.run_io(io);
  if (c.res != want) {
    fail(strf("%s '%s' completed with res %s, expected %s%s%s", what, io->meta->path,
              errno_text(c.res).c_str(), errno_text(want).c_str(), c.text.empty() ? "" : ": ",
              c.text.c_str()));
  }
  return c;
}

// Every op the engine declares, once, on a small tree: the effects as the
// checker's own system calls see them.
void meta_ops(const Target& t) {
  require_meta(t);
  const std::string base = fresh_dir(t, "meta");
  EngineSession s(t, 1);
  const int32_t dir = s.open_dir(base);
  const mode_t mask = current_umask();
  std::vector<char> buf(8192);

  // mkdir
  if (declares(t, IOP_CAP_META_MKDIR)) {
    expect_meta(s, s.prepare_meta(IOP_OP_MKDIR, dir, "d", "", -1, 0750), 0, "mkdir");
    struct stat st;
    if (::stat((base + "/d").c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) fail("mkdir 'd' completed but made no directory");
    if ((st.st_mode & 0777) != (0750 & ~mask)) {
      fail(strf("mkdir 'd' with mode 0750 made mode %03o (umask %03o)", st.st_mode & 0777, mask));
    }
  } else if (::mkdir((base + "/d").c_str(), 0755) != 0) {
    fail(strf("checker: mkdir: %s", std::strerror(errno)));
  }

  // create: empty, then with data
  const std::string data_a = pattern(5000, kSeedA);
  if (declares(t, IOP_CAP_META_CREATE)) {
    expect_meta(s, s.prepare_meta(IOP_OP_CREATE, dir, "d/f", "", -1, 0640), 0, "create");
    std::memcpy(buf.data(), data_a.data(), data_a.size());
    expect_meta(s, s.prepare_meta(IOP_OP_CREATE, dir, "d/g", "", -1, 0640, IOP_META_FSYNC | IOP_META_EXCL,
                                  buf.data(), 5000),
                5000, "create of 5000 bytes");
    struct stat st;
    if (::stat((base + "/d/f").c_str(), &st) != 0 || !S_ISREG(st.st_mode) || st.st_size != 0) {
      fail("create 'd/f' (no data) completed but made no empty regular file");
    }
    if ((st.st_mode & 0777) != (0640 & ~mask)) fail(strf("create with mode 0640 made mode %03o", st.st_mode & 0777));
    if (read_all(base + "/d/g") != data_a) fail("create 'd/g' of 5000 bytes left other bytes in the file");
    expect_meta(s, s.prepare_meta(IOP_OP_CREATE, dir, "d/g", "", -1, 0640, IOP_META_EXCL), -EEXIST,
                "create with IOP_META_EXCL of an existing file");
    if (read_all(base + "/d/g") != data_a) fail("a refused create changed the file");
  } else {
    write_all(base + "/d/f", "");
    write_all(base + "/d/g", data_a);
  }

  // stat: the size in aux
  if (declares(t, IOP_CAP_META_STAT)) {
    const Completion c = expect_meta(s, s.prepare_meta(IOP_OP_STAT, dir, "d/g"), 0, "stat");
    if ((c.flags & IOP_CQE_AUX_MASK) != IOP_CQE_AUX_SIZE || c.aux != 5000) {
      fail(strf("stat of a 5000-byte file gave aux %llu with aux kind %u, expected 5000 with "
                "IOP_CQE_AUX_SIZE",
                static_cast<unsigned long long>(c.aux), c.flags & IOP_CQE_AUX_MASK));
    }
  }

  // open and close
  if (declares(t, IOP_CAP_META_OPEN_CLOSE)) {
    expect_meta(s, s.prepare_meta(IOP_OP_OPEN_CLOSE, dir, "d/g"), 0, "open-close");
  }

  // read a whole file: fewer bytes than asked at its end
  if (declares(t, IOP_CAP_META_READ_FILE)) {
    std::fill(buf.begin(), buf.end(), '\0');
    expect_meta(s, s.prepare_meta(IOP_OP_READ_FILE, dir, "d/g", "", -1, 0, 0, buf.data(), 8192),
                5000, "read-file of 8192 bytes from a 5000-byte file");
    if (std::string(buf.data(), 5000) != data_a) fail("read-file returned other bytes than the file holds");
  }

  // write a whole file: with IOP_META_TRUNC the file is what was written
  const std::string data_b = pattern(3000, kSeedB);
  if (declares(t, IOP_CAP_META_WRITE_FILE)) {
    std::memcpy(buf.data(), data_b.data(), data_b.size());
    expect_meta(s, s.prepare_meta(IOP_OP_WRITE_FILE, dir, "d/g", "", -1, 0, IOP_META_TRUNC, buf.data(), 3000),
                3000, "write-file with IOP_META_TRUNC");
    if (read_all(base + "/d/g") != data_b) fail("write-file of 3000 bytes with IOP_META_TRUNC left another file");
  } else {
    write_all(base + "/d/g", data_b);
  }

  // list: the entries, without . and ..
  if (declares(t, IOP_CAP_META_LIST)) {
    const Completion c = expect_meta(s, s.prepare_meta(IOP_OP_LIST, dir, "d"), 0, "list");
    if ((c.flags & IOP_CQE_AUX_MASK) != IOP_CQE_AUX_COUNT || c.aux != 2) {
      fail(strf("list of a directory of 2 files gave aux %llu with aux kind %u, expected 2 with "
                "IOP_CQE_AUX_COUNT",
                static_cast<unsigned long long>(c.aux), c.flags & IOP_CQE_AUX_MASK));
    }
    const Completion self = expect_meta(s, s.prepare_meta(IOP_OP_LIST, dir, "."), 0, "list");
    if (self.aux != 1) fail(strf("list of '.' (1 entry) gave %llu", static_cast<unsigned long long>(self.aux)));
  }

  // rename, in the same directory and into another directory handle
  if (declares(t, IOP_CAP_META_RENAME)) {
    expect_meta(s, s.prepare_meta(IOP_OP_RENAME, dir, "d/g", "d/h"), 0, "rename to 'd/h'");
    if (exists(base + "/d/g") || read_all(base + "/d/h") != data_b) fail("rename 'd/g' -> 'd/h' did not move the file");
    const int32_t sub = s.open_dir(base + "/d");
    expect_meta(s, s.prepare_meta(IOP_OP_RENAME, dir, "d/h", "h2", sub), 0, "rename into dir2's 'h2'");
    if (exists(base + "/d/h") || read_all(base + "/d/h2") != data_b) {
      fail("rename 'd/h' -> 'h2' relative to dir2 (the directory d) did not move the file there");
    }
    // IOP_META_NOREPLACE (ABI 2.1) never replaces the entry that has the
    // new name (d/f, empty).
    if (declares(t, IOP_CAP_META_RENAME_NOREPLACE)) {
      expect_meta(s, s.prepare_meta(IOP_OP_RENAME, dir, "d/h2", "d/f", -1, 0, IOP_META_NOREPLACE), -EEXIST,
                  "rename with IOP_META_NOREPLACE onto an existing file");
      if (read_all(base + "/d/h2") != data_b || !exists(base + "/d/f") || !read_all(base + "/d/f").empty()) {
        fail("a rename with IOP_META_NOREPLACE onto an existing file changed one of them");
      }
    }
    s.close(sub);
  } else if (::rename((base + "/d/g").c_str(), (base + "/d/h2").c_str()) != 0) {
    fail(strf("checker: rename: %s", std::strerror(errno)));
  }

  // unlink, rmdir
  if (declares(t, IOP_CAP_META_UNLINK)) {
    expect_meta(s, s.prepare_meta(IOP_OP_UNLINK, dir, "d/f"), 0, "unlink");
    expect_meta(s, s.prepare_meta(IOP_OP_UNLINK, dir, "d/h2"), 0, "unlink");
    if (!entries(base + "/d").empty()) fail("unlink of both files left entries in the directory");
  } else {
    ::unlink((base + "/d/f").c_str());
    ::unlink((base + "/d/h2").c_str());
  }
  if (declares(t, IOP_CAP_META_RMDIR)) {
    expect_meta(s, s.prepare_meta(IOP_OP_RMDIR, dir, "d"), 0, "rmdir");
    if (exists(base + "/d")) fail("rmdir 'd' completed but the directory is still there");
  }
  s.close(dir);
}

// The kernel's errors for the usual mistakes, and nothing changed by them.
void meta_errors(const Target& t) {
  require_meta(t);
  const std::string base = fresh_dir(t, "meta-errors");
  ::mkdir((base + "/full").c_str(), 0755);
  write_all(base + "/full/file", "x");
  const std::set<std::string> before = entries(base);
  EngineSession s(t, 1);
  const int32_t dir = s.open_dir(base);
  char buf[64] = {};
  struct Case {
    uint64_t cap;
    uint8_t op;
    const char* path;
    const char* path2;
    uint32_t flags;
    uint32_t len;
    int64_t want;
    const char* what;
  };
  const Case cases[] = {
      {IOP_CAP_META_MKDIR, IOP_OP_MKDIR, "full", "", 0, 0, -EEXIST, "mkdir of an existing directory"},
      {IOP_CAP_META_RMDIR, IOP_OP_RMDIR, "full", "", 0, 0, -ENOTEMPTY, "rmdir of a directory with a file"},
      {IOP_CAP_META_RMDIR, IOP_OP_RMDIR, "missing", "", 0, 0, -ENOENT, "rmdir of a missing directory"},
      {IOP_CAP_META_UNLINK, IOP_OP_UNLINK, "missing", "", 0, 0, -ENOENT, "unlink of a missing file"},
      {IOP_CAP_META_UNLINK, IOP_OP_UNLINK, "full", "", 0, 0, -EISDIR, "unlink of a directory"},
      {IOP_CAP_META_STAT, IOP_OP_STAT, "missing", "", 0, 0, -ENOENT, "stat of a missing file"},
      {IOP_CAP_META_OPEN_CLOSE, IOP_OP_OPEN_CLOSE, "missing", "", 0, 0, -ENOENT, "open-close of a missing file"},
      {IOP_CAP_META_READ_FILE, IOP_OP_READ_FILE, "missing", "", 0, 64, -ENOENT, "read-file of a missing file"},
      {IOP_CAP_META_WRITE_FILE, IOP_OP_WRITE_FILE, "missing", "", 0, 64, -ENOENT, "write-file of a missing file"},
      {IOP_CAP_META_RENAME, IOP_OP_RENAME, "missing", "other", 0, 0, -ENOENT, "rename of a missing file"},
      {IOP_CAP_META_LIST, IOP_OP_LIST, "full/file", "", 0, 0, -ENOTDIR, "list of a file"},
      {IOP_CAP_META_CREATE, IOP_OP_CREATE, "full/file", "", IOP_META_EXCL, 0, -EEXIST,
       "create with IOP_META_EXCL of an existing file"},
      {IOP_CAP_META_CREATE, IOP_OP_CREATE, "missing/file", "", 0, 0, -ENOENT, "create in a missing directory"},
  };
  int checked = 0;
  for (const Case& c : cases) {
    if (!declares(t, c.cap)) continue;
    expect_meta(s, s.prepare_meta(c.op, dir, c.path, c.path2, -1, 0644, c.flags, c.len ? buf : nullptr, c.len),
                c.want, c.what);
    ++checked;
  }
  s.close(dir);
  if (entries(base) != before || entries(base + "/full") != std::set<std::string>{"file"} ||
      read_all(base + "/full/file") != "x") {
    fail("metadata ops that failed changed the directory tree");
  }
  if (checked == 0) skip("no metadata op the error cases use is declared");
}

// Many metadata ops in flight at the deep queue depth: creates (or the
// checker's files), stats, unlinks; each stage checked by a directory
// listing of the checker's own.
void meta_deep(const Target& t) {
  require_meta(t);
  const uint32_t qd = t.deep_queue_depth;
  const uint32_t n = 4 * qd + 3;
  const std::string base = fresh_dir(t, "meta-deep");
  EngineSession s(t, qd, n);
  const int32_t dir = s.open_dir(base);
  std::vector<std::string> names;
  for (uint32_t i = 0; i < n; ++i) names.push_back(strf("f%04u", i));
  std::vector<char> data(n * 100);
  fill_pattern(data.data(), data.size(), 0, kSeedA);

  std::vector<iop_io*> ios;
  if (declares(t, IOP_CAP_META_CREATE)) {
    for (uint32_t i = 0; i < n; ++i) {
      ios.push_back(s.prepare_meta(IOP_OP_CREATE, dir, names[i], "", -1, 0644, IOP_META_EXCL,
                                   data.data() + i * 100, 100));
    }
    s.run(ios, [](const Completion& c) {
      if (c.res != 100) fail(strf("create of 100 bytes completed with %s", errno_text(c.res).c_str()));
    });
  } else {
    for (uint32_t i = 0; i < n; ++i) write_all(base + "/" + names[i], std::string(data.data() + i * 100, 100));
  }
  if (entries(base).size() != n) fail(strf("%u creates left %zu entries", n, entries(base).size()));
  for (uint32_t i = 0; declares(t, IOP_CAP_META_CREATE) && i < n; i += n / 4 + 1) {
    if (read_all(base + "/" + names[i]) != std::string(data.data() + i * 100, 100)) {
      fail(strf("file %s holds other bytes than its create wrote", names[i].c_str()));
    }
  }
  if (declares(t, IOP_CAP_META_STAT)) {
    ios.clear();
    for (uint32_t i = 0; i < n; ++i) ios.push_back(s.prepare_meta(IOP_OP_STAT, dir, names[i]));
    s.run(ios, [](const Completion& c) {
      if (c.res != 0 || c.aux != 100) {
        fail(strf("stat of a 100-byte file completed with res %s, aux %llu", errno_text(c.res).c_str(),
                  static_cast<unsigned long long>(c.aux)));
      }
    });
  }
  if (declares(t, IOP_CAP_META_UNLINK)) {
    ios.clear();
    for (uint32_t i = 0; i < n; ++i) ios.push_back(s.prepare_meta(IOP_OP_UNLINK, dir, names[i]));
    s.run(ios, [](const Completion& c) {
      if (c.res != 0) fail(strf("unlink completed with %s", errno_text(c.res).c_str()));
    });
    if (!entries(base).empty()) fail(strf("%u unlinks left %zu entries", n, entries(base).size()));
  }
  s.close(dir);
}

}  // namespace

const std::vector<CheckDef>& meta_checks() {
  static const std::vector<CheckDef> kChecks = {
      {"meta_ops", meta_ops},
      {"meta_errors", meta_errors},
      {"meta_deep", meta_deep},
  };
  return kChecks;
}

}  // namespace iopcheck
