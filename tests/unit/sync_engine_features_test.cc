// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// The sync engine's ABI 2 abilities, each checked against what the kernel
// did: per-IO DSYNC (no dirty page left: the page cache can drop them) and
// NOWAIT (-EAGAIN for data not in the page cache), IO priorities (the
// thread's priority as ioprio_get(2) reads it), engine buffers with huge
// pages (/proc/self/smaps), drop-cache control (mincore(2)), error texts
// and the instance report.

#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "iopulse/engine.h"
#include "engine_test_support.h"

namespace {

using iopulse::test::EngineUnderTest;
using iopulse::test::engine_config;
using iopulse::test::fill_pattern;
using iopulse::test::make_io;
using iopulse::test::matches_pattern;
using iopulse::test::report_of;
using iopulse::test::resident_pages;
using iopulse::test::run_io;
using iopulse::test::TempFile;

using iopulse::test::sync_plugin;

// The hugepages option's choices, by index.
const iop_option_value kHugeOff[1] = {{0, "off"}};
const iop_option_value kHugeTransparent[1] = {{1, "transparent"}};
const iop_option_value kHugeReserved[1] = {{2, "reserved"}};

// A sync instance with the given option values and a file of `size` bytes
// of pattern, open read-write through the engine.
class SyncFeatures : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_EQ(sync_plugin().error, ""); }

  void start(const iop_option_value* options, size_t size) {
    ASSERT_EQ(eng_.create(engine_config(1, 0, options, 1)), 0) << eng_.err.message;
    std::vector<char> content(size);
    fill_pattern(content.data(), size, 0);
    tmp_ = std::make_unique<TempFile>(content);
    ASSERT_FALSE(tmp_->path().empty());
    h_ = eng_.open(tmp_->path(), O_RDWR, IOP_FILE_READ | IOP_FILE_WRITE);
    ASSERT_GE(h_, 0) << eng_.err.message;
  }

  EngineUnderTest eng_{sync_plugin().desc};
  std::unique_ptr<TempFile> tmp_;
  int32_t h_ = -1;
};

// ioprio_get(2)'s "which" for one thread (IOPRIO_WHO_PROCESS; <linux/ioprio.h>
// is not C++ since Linux 6.x: a parameter of its ioprio_value() is "class").
constexpr int kIoprioWhoProcess = 1;
long thread_ioprio() { return syscall(SYS_ioprio_get, kIoprioWhoProcess, 0); }

// ---------------------------------------------------------------------------

TEST_F(SyncFeatures, ReportSaysWhichHugePagesAndNarrowsEngineBuffers) {
  start(kHugeOff, 4096);
  iopulse::test::ReportView r = report_of(eng_);
  ASSERT_EQ(r.rc, 0);
  EXPECT_EQ(r.caps, eng_.desc->caps & ~IOP_CAP_ENGINE_BUFFERS);
  EXPECT_EQ(r.settings["hugepages"], "off");
  EXPECT_EQ(r.settings["io-priority"], "per thread (ioprio_set)");
  eng_.release();
  ASSERT_EQ(eng_.create(engine_config(1, 0, kHugeTransparent, 1)), 0) << eng_.err.message;
  r = report_of(eng_);
  EXPECT_EQ(r.caps, eng_.desc->caps);
  EXPECT_EQ(r.settings["hugepages"], "transparent (2M, madvise)");
}

// After a write with IOP_IO_DSYNC completes, its pages are clean: dropping
// the file's clean pages leaves none of them.
TEST_F(SyncFeatures, DsyncWriteLeavesNoDirtyPage) {
  start(kHugeOff, 64 * 1024);
  iopulse::test::drop_page_cache(tmp_->path());
  std::vector<char> data(16384);
  fill_pattern(data.data(), data.size(), 0, 7);
  iop_io io = make_io(eng_, IOP_OP_WRITE, h_, 0, data.data(), 16384);
  io.flags = IOP_IO_DSYNC;
  EXPECT_EQ(run_io(eng_, io).res, 16384);
  iopulse::test::drop_clean_pages(tmp_->path());
  EXPECT_EQ(resident_pages(tmp_->path(), 0, 16384), 0) << "a DSYNC write left dirty pages";
}

// IOP_IO_NOWAIT: reading data that is not in the page cache would block, so
// the read fails with -EAGAIN; without the flag it reads the file's bytes.
TEST_F(SyncFeatures, NowaitReadOfUncachedDataFailsWithEagain) {
  start(kHugeOff, 256 * 1024);
  std::vector<char> buf(4096);
  iop_io io = make_io(eng_, IOP_OP_READ, h_, 128 * 1024, buf.data(), 4096);
  io.flags = IOP_IO_NOWAIT;
  std::vector<char> tail(4096, 'n');
  iop_io past_end = make_io(eng_, IOP_OP_WRITE, h_, 256 * 1024, tail.data(), 4096);
  past_end.flags = IOP_IO_NOWAIT;
  EXPECT_TRUE(iopulse::test::nowait_refused(tmp_->path(), [&] { return run_io(eng_, io).res; },
                                            [&] { return run_io(eng_, past_end).res; }));
  io.flags = 0;
  EXPECT_EQ(run_io(eng_, io).res, 4096);
  EXPECT_TRUE(matches_pattern(buf.data(), 4096, 128 * 1024));
}

// The priority is the thread's while the IO runs: the engine sets it with
// ioprio_set(2) when it changes, puts the thread's own back for an IO
// without one and at destroy(), and fails an IO whose class does not exist
// (with a text saying so).  On a thread of its own, so no other test sees
// the priorities.
TEST(SyncPriority, IsTheThreadsWhileTheIoRuns) {
  ASSERT_EQ(sync_plugin().error, "");
  std::thread worker([] {
    TempFile tmp(std::vector<char>(8192, 'p'));
    ASSERT_FALSE(tmp.path().empty());
    const long own = thread_ioprio();
    ASSERT_GE(own, 0);
    EngineUnderTest eng(sync_plugin().desc);
    ASSERT_EQ(eng.create(engine_config(1, 0, kHugeOff, 1)), 0) << eng.err.message;
    const int32_t h = eng.open(tmp.path(), O_RDWR, IOP_FILE_READ | IOP_FILE_WRITE);
    ASSERT_GE(h, 0);
    std::vector<char> buf(4096);
    iop_io io = make_io(eng, IOP_OP_READ, h, 0, buf.data(), 4096);

    const uint16_t idle = IOP_IOPRIO_VALUE(IOP_IOPRIO_CLASS_IDLE, 0);
    io.ioprio = idle;
    EXPECT_EQ(run_io(eng, io).res, 4096);
    EXPECT_EQ(thread_ioprio(), idle);
    const uint16_t be3 = IOP_IOPRIO_VALUE(IOP_IOPRIO_CLASS_BE, 3);
    io.ioprio = be3;
    EXPECT_EQ(run_io(eng, io).res, 4096);
    EXPECT_EQ(thread_ioprio(), be3);
    io.ioprio = 0;
    EXPECT_EQ(run_io(eng, io).res, 4096);
    EXPECT_EQ(thread_ioprio(), own);

    io.ioprio = IOP_IOPRIO_VALUE(5, 0);  // no such class
    const iop_cqe bad = run_io(eng, io);
    EXPECT_EQ(bad.res, -EINVAL);
    ASSERT_NE(bad.flags & IOP_CQE_ERROR_TEXT, 0u);
    iop_error text{};
    ASSERT_EQ(eng.desc->error_text(eng.instance, bad.user_data, &text), 0);
    EXPECT_STREQ(text.message,
                 "ioprio_set(class 5, level 0) on the worker thread failed: Invalid argument");

    io.ioprio = be3;
    EXPECT_EQ(run_io(eng, io).res, 4096);
    eng.release();
    EXPECT_EQ(thread_ioprio(), own) << "destroy() left the thread at an IO's priority";
  });
  worker.join();
}

// The VMA of /proc/self/smaps that starts at `base`, as text ("" if none).
std::string smaps_entry(const void* base) {
  std::ifstream in("/proc/self/smaps");
  char start[32];
  std::snprintf(start, sizeof start, "%lx-", reinterpret_cast<unsigned long>(base));
  std::string line, entry;
  bool in_entry = false;
  while (std::getline(in, line)) {
    const bool header = line.find('-') != std::string::npos && line.find(':') > line.find(' ');
    if (header && line.rfind(start, 0) == 0) {
      in_entry = true;
    } else if (header && in_entry) {
      break;
    }
    if (in_entry) entry += line + "\n";
  }
  return entry;
}

long smaps_kb(const std::string& entry, const char* field) {
  const size_t at = entry.find(field);
  if (at == std::string::npos) return -1;
  return std::strtol(entry.c_str() + at + std::strlen(field), nullptr, 10);
}

std::string thp_mode() {
  std::ifstream in("/sys/kernel/mm/transparent_hugepage/enabled");
  std::string s;
  std::getline(in, s);
  return s;
}

// Engine buffers: page-aligned ordinary memory, usable for IO; with
// hugepages=transparent 2 MiB aligned and rounded, backed by huge pages the
// kernel shows in /proc/self/smaps; gone from the address space once freed.
TEST_F(SyncFeatures, EngineBuffersAreAlignedUsableAndHugeWhenAsked) {
  start(kHugeOff, 64 * 1024);
  iop_buffer b{};
  ASSERT_EQ(eng_.desc->alloc_buffer(eng_.instance, 10000, &b, &eng_.err), 0) << eng_.err.message;
  EXPECT_EQ(reinterpret_cast<uintptr_t>(b.base) % 4096, 0u);
  EXPECT_EQ(b.len, 12288u);
  fill_pattern(static_cast<char*>(b.base), 8192, 4096);
  iop_io io = make_io(eng_, IOP_OP_WRITE, h_, 4096, b.base, 8192);
  EXPECT_EQ(run_io(eng_, io).res, 8192);
  std::vector<char> back(8192);
  ASSERT_EQ(pread(eng_.fds.back(), back.data(), 8192, 4096), 8192);
  EXPECT_TRUE(matches_pattern(back.data(), 8192, 4096));
  eng_.desc->free_buffer(eng_.instance, &b);
  EXPECT_EQ(smaps_entry(b.base), "") << "free_buffer left the mapping";
  eng_.release();

  ASSERT_EQ(eng_.create(engine_config(1, 0, kHugeTransparent, 1)), 0) << eng_.err.message;
  ASSERT_EQ(eng_.desc->alloc_buffer(eng_.instance, 3u << 20, &b, &eng_.err), 0) << eng_.err.message;
  EXPECT_EQ(reinterpret_cast<uintptr_t>(b.base) % (2u << 20), 0u);
  EXPECT_EQ(b.len, 4u << 20);
  std::memset(b.base, 0x11, b.len);  // fault it all in
  const std::string entry = smaps_entry(b.base);
  ASSERT_NE(entry, "");
  EXPECT_NE(entry.find("hg"), std::string::npos) << "no MADV_HUGEPAGE flag (VmFlags hg):\n" << entry;
  if (thp_mode().find("[never]") == std::string::npos) {
    EXPECT_GT(smaps_kb(entry, "AnonHugePages:"), 0) << entry;
  }
  eng_.desc->free_buffer(eng_.instance, &b);
  EXPECT_EQ(smaps_entry(b.base), "");
}

// hugepages=reserved takes its pages from vm.nr_hugepages: without any, the
// engine refuses to be created (when the job is planned, so before any file
// is touched) and says what to do.
TEST(SyncReservedHugePages, NeedFreeHugePages) {
  ASSERT_EQ(sync_plugin().error, "");
  std::ifstream in("/proc/meminfo");
  std::string line;
  long free_pages = -1;
  while (std::getline(in, line)) {
    if (line.rfind("HugePages_Free:", 0) == 0) free_pages = std::strtol(line.c_str() + 15, nullptr, 10);
  }
  ASSERT_GE(free_pages, 0);
  EngineUnderTest eng(sync_plugin().desc);
  const int32_t rc = eng.create(engine_config(1, 0, kHugeReserved, 1));
  if (free_pages == 0) {
    EXPECT_EQ(rc, -ENOMEM);
    EXPECT_STREQ(eng.err.message,
                 "hugepages=reserved: no free huge pages (HugePages_Free is 0); reserve some with "
                 "`sysctl vm.nr_hugepages=<n>` or use hugepages=transparent");
    return;
  }
  ASSERT_EQ(rc, 0) << eng.err.message;
  iop_buffer b{};
  ASSERT_EQ(eng.desc->alloc_buffer(eng.instance, 4096, &b, &eng.err), 0) << eng.err.message;
  EXPECT_NE(smaps_entry(b.base).find("ht"), std::string::npos) << "not a hugetlb mapping";
  eng.desc->free_buffer(eng.instance, &b);
}

// IOP_CTL_DROP_CACHE leaves no page of the file in the page cache (as
// mincore(2) sees it); other ops are -ENOTSUP; a bad handle is an error
// with a message.
TEST_F(SyncFeatures, DropCacheEmptiesThePageCacheOfTheFile) {
  start(kHugeOff, 64 * 1024);
  std::vector<char> buf(65536);
  iop_io io = make_io(eng_, IOP_OP_READ, h_, 0, buf.data(), 65536);
  ASSERT_EQ(run_io(eng_, io).res, 65536);
  ASSERT_GT(resident_pages(tmp_->path(), 0, 65536), 0);
  int32_t handle = h_;
  iop_error err{};
  EXPECT_EQ(eng_.desc->control(eng_.instance, IOP_CTL_DROP_CACHE, &handle, &err), 0) << err.message;
  EXPECT_EQ(resident_pages(tmp_->path(), 0, 65536), 0);
  EXPECT_EQ(eng_.desc->control(eng_.instance, IOP_CTL_ENGINE_BASE, &handle, &err), -ENOTSUP);
  EXPECT_EQ(eng_.desc->control(eng_.instance, 0, nullptr, &err), -ENOTSUP);
  handle = h_ + 7;
  err = iop_error{};
  EXPECT_EQ(eng_.desc->control(eng_.instance, IOP_CTL_DROP_CACHE, &handle, &err), -EBADF);
  EXPECT_STREQ(err.message, "drop-cache: not an open file handle");
}

// A completion's text is there until the next submit() or reap(); a
// completion without IOP_CQE_ERROR_TEXT has none.
TEST_F(SyncFeatures, ErrorTextLastsUntilTheNextCall) {
  start(kHugeOff, 4096);
  std::vector<char> buf(4096);
  iop_io io = make_io(eng_, IOP_OP_READ, h_, 0, buf.data(), 4096);
  io.ioprio = IOP_IOPRIO_VALUE(6, 1);
  const iop_cqe bad = run_io(eng_, io);
  ASSERT_NE(bad.flags & IOP_CQE_ERROR_TEXT, 0u);
  iop_error text{};
  EXPECT_EQ(eng_.desc->error_text(eng_.instance, bad.user_data, &text), 0);
  EXPECT_EQ(eng_.desc->error_text(eng_.instance, bad.user_data + 1, &text), -ENOENT);
  io.ioprio = 0;
  io.user_data = 77;
  const iop_cqe ok = run_io(eng_, io);
  EXPECT_EQ(ok.res, 4096);
  EXPECT_EQ(ok.flags, 0u);
  EXPECT_EQ(eng_.desc->error_text(eng_.instance, bad.user_data, &text), -ENOENT);
  EXPECT_EQ(eng_.desc->error_text(eng_.instance, 77, &text), -ENOENT);
}

}  // namespace
