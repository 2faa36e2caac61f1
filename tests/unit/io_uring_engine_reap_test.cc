// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// The io_uring engine's reap without waiting (timeout 0, as the host's
// completion fd reader calls it; engine.h, completion_fd()).  With
// DEFER_TASKRUN and TASKRUN_FLAG it enters the kernel only while the kernel
// flags queued completion work (IORING_SQ_TASKRUN); the top of
// plugins/io_uring/io_uring_engine.c states the rule.  Checked against
// observers outside the engine:
//   - strace: after a submit whose enter posted every completion there is,
//     a reap that returns fewer than asked (an IO still in flight) makes no
//     system call; a completion that arrives later, as deferred work, costs
//     exactly one enter;
//   - a pipe's data and the bytes on disk: no completion is lost, the
//     deferred one makes the completion fd readable, and thousands of
//     O_DIRECT writes at queue depth 32 driven only through the completion
//     fd all complete and are on disk.

#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <numeric>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "iopulse/engine.h"
#include "engine_test_support.h"
#include "io_uring_test_support.h"
#include "strace_child.h"

namespace {

using iopulse::test::check_file;
using iopulse::test::drain_eventfd;
using iopulse::test::engine_config;
using iopulse::test::EngineUnderTest;
using iopulse::test::fill_pattern;
using iopulse::test::readable_within;
using iopulse::test::report_of;
using iopulse::test::shuffled_blocks;
using iopulse::test::TempFile;
using iopulse::test::uring_plugin;
using iopulse::test::UringOptions;
using iopulse::test::strace_child;
using iopulse::test::StraceChild;
using iopulse::test::make_io;

// Long enough that only a completion the fd never announces runs into it.
constexpr int kAnnounceMs = 10000;

// Whether this kernel gave the ring TASKRUN_FLAG (so the rule is in effect).
bool reap_sees_taskrun() {
  EngineUnderTest eng{uring_plugin().desc};
  UringOptions opt;
  if (eng.create(engine_config(4, 0, opt.v, UringOptions::kCount)) != 0) return false;
  const iopulse::test::ReportView r = report_of(eng);
  const auto it = r.settings.find("nonwaiting-reap");
  return it != r.settings.end() && it->second.find("IORING_SQ_TASKRUN") != std::string::npos;
}

void marker(const char* path) { syscall(SYS_faccessat, AT_FDCWD, path, F_OK); }

// ---------------------------------------------------------------------------
// Seen by strace: which reaps enter the kernel.
// ---------------------------------------------------------------------------

// Run only by ReapEntersOnlyForQueuedWork, under strace.  A read of an empty
// pipe stays in flight while a read of another pipe, which already holds
// its data, completes inline in its submit's enter; the reap between the
// first two markers returns that one (fewer than asked, one still in
// flight).  Then a byte is written to the first pipe, which queues its
// read's completion as deferred work; the completion fd becomes readable
// and the reap between the last two markers returns it.
TEST(UringReapStraceChild, DISABLED_ReapsBetweenMarkers) {
  int p[2], full[2];
  ASSERT_EQ(pipe2(p, O_CLOEXEC), 0);
  ASSERT_EQ(pipe2(full, O_CLOEXEC), 0);
  ASSERT_EQ(write(full[1], "f", 1), 1);
  EngineUnderTest eng{uring_plugin().desc};
  UringOptions opt;
  ASSERT_EQ(eng.create(engine_config(4, 0, opt.v, UringOptions::kCount)), 0) << eng.err.message;
  iop_error err{};
  const int32_t fd = eng.desc->completion_fd(eng.instance, &err);
  ASSERT_GE(fd, 0) << err.message;
  const int32_t hp = eng.adopt(p[0], "pipe", IOP_FILE_READ);
  const int32_t hf = eng.adopt(full[0], "full pipe", IOP_FILE_READ);
  ASSERT_GE(hp, 0) << eng.err.message;
  ASSERT_GE(hf, 0) << eng.err.message;

  char pipe_buf[16] = {};
  iop_io pipe_io = make_io(eng, IOP_OP_READ, hp, UINT64_MAX, pipe_buf, sizeof pipe_buf);
  pipe_io.user_data = 100;
  char file_buf[16] = {};
  iop_io file_io = make_io(eng, IOP_OP_READ, hf, UINT64_MAX, file_buf, sizeof file_buf);
  file_io.user_data = 1;
  iop_io* ios[1] = {&pipe_io};
  ASSERT_EQ(eng.submit(ios, 1), 1);
  iop_cqe cqe[4];
  ASSERT_EQ(eng.reap(cqe, 4, 0, 0), 0);

  marker("/iopulse-strace-inline-begin");
  ios[0] = &file_io;
  const int32_t accepted = eng.submit(ios, 1);
  const int32_t inline_got = eng.reap(cqe, 4, 0, 0);
  marker("/iopulse-strace-inline-end");
  ASSERT_EQ(accepted, 1);
  ASSERT_EQ(inline_got, 1);
  EXPECT_EQ(cqe[0].user_data, 1u);
  EXPECT_EQ(cqe[0].res, 1);
  EXPECT_EQ(file_buf[0], 'f');

  drain_eventfd(fd);  // the submit's own completion signalled it
  ASSERT_EQ(write(p[1], "x", 1), 1);
  marker("/iopulse-strace-deferred-begin");
  const bool announced = readable_within(fd, kAnnounceMs);
  drain_eventfd(fd);
  const int32_t deferred_got = eng.reap(cqe, 4, 0, 0);
  marker("/iopulse-strace-deferred-end");
  EXPECT_TRUE(announced) << "the completion fd stayed silent for the pipe read's completion";
  ASSERT_EQ(deferred_got, 1) << "the deferred completion was not reaped";
  EXPECT_EQ(cqe[0].user_data, 100u);
  EXPECT_EQ(cqe[0].res, 1);
  EXPECT_EQ(pipe_buf[0], 'x');
  ASSERT_EQ(eng.close_handle(hp), 0);
  ASSERT_EQ(eng.close_handle(hf), 0);
  close(p[0]);
  close(p[1]);
  close(full[0]);
  close(full[1]);
}

// strace -f on the test above: the submit of an IO that completes inline
// and the reap after it make one io_uring_enter (the submit's), although
// the reap returns fewer than asked with an IO in flight; the reap of the
// deferred completion makes one, submitting nothing.
TEST(UringReapStrace, ReapEntersOnlyForQueuedWork) {
  if (std::system("strace -V >/dev/null 2>&1") != 0) GTEST_SKIP() << "strace is not installed";
  ASSERT_EQ(uring_plugin().error, "");
  if (!reap_sees_taskrun()) GTEST_SKIP() << "the kernel gave the ring no TASKRUN_FLAG";
  const StraceChild child =
      strace_child("UringReapStraceChild.DISABLED_ReapsBetweenMarkers", "io_uring_enter,faccessat,faccessat2");
  ASSERT_TRUE(child.ran) << "the child test failed under strace:\n" << child.log;
  std::istringstream all(child.log);

  // The io_uring_enter calls between each pair of markers: to_submit of each.
  const std::regex enter(R"(io_uring_enter\(\d+, (\d+), \d+, [^)]*\) = (-?\d+))");
  std::vector<uint32_t> inline_enters, deferred_enters;
  std::vector<uint32_t>* inside = nullptr;
  std::string line;
  while (std::getline(all, line)) {
    if (line.find("-inline-begin") != std::string::npos) inside = &inline_enters;
    if (line.find("-deferred-begin") != std::string::npos) inside = &deferred_enters;
    if (line.find("-end") != std::string::npos) inside = nullptr;
    std::smatch m;
    if (inside != nullptr && std::regex_search(line, m, enter)) inside->push_back(static_cast<uint32_t>(std::stoul(m[1])));
  }
  EXPECT_EQ(inline_enters, std::vector<uint32_t>{1}) << "one enter, the submit's:\n" << child.log;
  EXPECT_EQ(deferred_enters, std::vector<uint32_t>{0}) << "one enter, submitting nothing:\n" << child.log;
}

// ---------------------------------------------------------------------------
// No completion lost: the host's way of waiting, on a real device.
// ---------------------------------------------------------------------------

// O_DIRECT writes of distinct patterns to distinct blocks at queue depth 32,
// driven only the way the host drives an engine with a completion fd: wait
// until it is readable, drain it, reap with timeout 0 until a reap returns
// fewer than asked, submit what was freed, and wait again only then.  A
// completion the fd never announces stops the run at that wait (nothing
// else would reap it); then the test says how many were ready all the same.
// Every IO must complete exactly once, and the file (read back with plain
// pread) must hold every block's pattern.
TEST(UringReapCompletionFd, EveryDirectWriteCompletesThroughTheFd) {
  ASSERT_EQ(uring_plugin().error, "");
  constexpr uint32_t kQd = 32, kBlock = 4096, kCount = 4096;
  TempFile tmp;
  ASSERT_FALSE(tmp.path().empty());
  EngineUnderTest eng{uring_plugin().desc};
  UringOptions opt;
  ASSERT_EQ(eng.create(engine_config(kQd, IOP_CONFIG_DIRECT, opt.v, UringOptions::kCount)), 0) << eng.err.message;
  const int32_t h = eng.open(tmp.path(), O_RDWR | O_DIRECT);
  ASSERT_GE(h, 0) << eng.err.message;
  iop_error err{};
  const int32_t fd = eng.desc->completion_fd(eng.instance, &err);
  ASSERT_GE(fd, 0) << err.message;
  iopulse::test::EngineIoSet pool(kQd, kBlock);
  const std::vector<uint64_t> offsets = shuffled_blocks(kCount, kBlock);

  std::vector<uint32_t> free_slots(kQd);
  std::iota(free_slots.begin(), free_slots.end(), 0u);
  std::vector<uint8_t> completed(kCount, 0);
  std::vector<uint32_t> block_of_slot(kQd, 0);
  std::vector<iop_io*> batch;
  std::vector<iop_cqe> cqes(kQd);
  uint32_t next = 0, in_flight = 0, done = 0, waits = 0;
  while (done < kCount) {
    batch.clear();
    while (!free_slots.empty() && next < kCount) {
      const uint32_t slot = free_slots.back();
      free_slots.pop_back();
      iop_io& io = pool.slots[slot];
      io.op = IOP_OP_WRITE;
      io.file = h;
      io.offset = offsets[next];
      block_of_slot[slot] = next++;
      fill_pattern(static_cast<char*>(io.buf), io.len, io.offset);
      batch.push_back(&io);
    }
    if (!batch.empty()) {
      ASSERT_EQ(eng.submit(batch.data(), static_cast<uint32_t>(batch.size())), static_cast<int32_t>(batch.size()));
      in_flight += static_cast<uint32_t>(batch.size());
    }
    int32_t got = eng.reap(cqes.data(), kQd, 0, 0);
    ASSERT_GE(got, 0);
    if (got == 0) {
      ++waits;
      if (!readable_within(fd, kAnnounceMs)) {
        const int32_t late = eng.reap(cqes.data(), kQd, 0, 0);
        FAIL() << "the completion fd stayed silent with " << in_flight << " IOs in flight after " << done
               << " completions; a reap found " << late << " ready";
      }
      drain_eventfd(fd);
      continue;
    }
    for (int32_t i = 0; i < got; i++) {
      const uint64_t slot = cqes[static_cast<size_t>(i)].user_data;
      ASSERT_LT(slot, kQd);
      EXPECT_EQ(cqes[static_cast<size_t>(i)].res, static_cast<int64_t>(kBlock));
      EXPECT_EQ(completed[block_of_slot[slot]]++, 0) << "block " << block_of_slot[slot] << " completed twice";
      free_slots.push_back(static_cast<uint32_t>(slot));
    }
    in_flight -= static_cast<uint32_t>(got);
    done += static_cast<uint32_t>(got);
  }
  EXPECT_EQ(in_flight, 0u);
  EXPECT_EQ(check_file(tmp.path(), kCount, kBlock), "");
  if (waits == 0) GTEST_SKIP() << "every write had completed before its reap: the fd was never waited on";
}

}  // namespace
