// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// What ABI 2 added beside the data plane: per-IO flags and IO priorities,
// and the optional functions (report, completion_fd, alloc_buffer /
// free_buffer, control, error_text).  Each check applies when the engine
// declares the capability; the ones an option can switch off are checked
// against what an instance of this run reports (Target::instance_caps).
// Where the kernel can tell whether a flag took effect, an observer of the
// checker's own does: mincore(2) for the page cache, the IO's result for a
// priority the kernel refuses.

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

#include "check.h"
#include "engine_session.h"
#include "iopulse/engine_rules.hpp"
#include "work_files.h"

namespace iopcheck {
namespace {

constexpr uint64_t kFeatureFileSeed = 0xfea7;
constexpr uint64_t kFeatureWriteSeed = 0x5eed2;
constexpr int kCfdWaitMs = 10'000;  // how long a ready completion may leave the fd silent

std::string cap_name(uint64_t cap) { return iop::rules::capability_name(cap); }

// Skips unless the engine declares `cap`; when an instance of this run
// leaves it out, skips naming the report.
void require(const Target& t, uint64_t cap) {
  if (!t.has(cap)) skip("the engine does not declare " + cap_name(cap));
  if (!t.instance_has(cap)) {
    skip("an instance with these options reports no " + cap_name(cap) +
         " (its report() narrows the descriptor's capabilities)");
  }
}

void expect_len(const Completion& c, const char* what) {
  if (c.res != static_cast<int64_t>(c.io->len)) {
    fail(strf("%s of %u bytes at offset %llu completed with res %s, expected %u", what, c.io->len,
              static_cast<unsigned long long>(c.io->offset), errno_text(c.res).c_str(), c.io->len));
  }
}

// Writes then reads back every block of a data file, each IO carrying
// `flags` and `prio`, at the deep queue depth; checks the data when the
// engine keeps it.  `write_flags`/`read_flags` select which direction gets
// the flags.
void flagged_round_trip(const Target& t, uint32_t write_flags, uint32_t read_flags, uint16_t prio,
                        const char* what) {
  const uint32_t qd = t.deep_queue_depth;
  const uint64_t blocks = 32;
  const uint32_t bs = t.block_size;
  EngineSession s(t, qd, static_cast<uint32_t>(blocks));
  const DataFile f = open_pattern_file(s, "flags", blocks, kFeatureFileSeed);
  AlignedBuffer mem(size_t{bs} * blocks, t.buffer_align);
  std::vector<iop_io*> ios;
  for (uint64_t b = 0; b < blocks; ++b) {
    fill_pattern(mem.data() + b * bs, bs, b * bs, kFeatureWriteSeed);
    iop_io* io = s.prepare(IOP_OP_WRITE, f.handle, b * bs, mem.data() + b * bs, bs);
    io->flags = write_flags;
    io->ioprio = prio;
    ios.push_back(io);
  }
  s.run(ios, [&](const Completion& c) { expect_len(c, strf("a %s write", what).c_str()); });
  if (t.does_file_io()) expect_file_pattern(f.path, 0, f.size, kFeatureWriteSeed, strf("after %s writes", what).c_str());
  std::memset(mem.data(), 0, mem.size());
  ios.clear();
  for (uint64_t b = 0; b < blocks; ++b) {
    iop_io* io = s.prepare(IOP_OP_READ, f.handle, b * bs, mem.data() + b * bs, bs);
    io->flags = read_flags;
    io->ioprio = prio;
    ios.push_back(io);
  }
  s.run(ios, [&](const Completion& c) {
    expect_len(c, strf("a %s read", what).c_str());
    if (t.keeps_data() && find_mismatch(c.io->buf, bs, c.io->offset, kFeatureWriteSeed) >= 0) {
      fail(strf("a %s read at offset %llu returned the wrong data", what,
                static_cast<unsigned long long>(c.io->offset)));
    }
  });
  s.close(f.handle);
}

// ---------------------------------------------------------------------------
// Per-IO flags and priorities
// ---------------------------------------------------------------------------

// IOP_IO_DSYNC: the writes complete with their data on stable storage, so
// (buffered) the page cache holds no dirty page of theirs afterwards: the
// checker can drop every one of them.
void io_flag_dsync(const Target& t) {
  require(t, IOP_CAP_IO_DSYNC);
  flagged_round_trip(t, IOP_IO_DSYNC, 0, 0, "IOP_IO_DSYNC");
  if (!t.does_file_io() || t.direct) return;
  const uint32_t bs = t.block_size;
  const uint64_t size = 16 * uint64_t{bs};
  EngineSession s(t, 1);
  const DataFile f = open_pattern_file(s, "dsync", 16, kFeatureFileSeed);
  drop_page_cache(f.path);
  AlignedBuffer buf(size, t.buffer_align);
  fill_pattern(buf.data(), size, 0, kFeatureWriteSeed);
  iop_io* io = s.prepare(IOP_OP_WRITE, f.handle, 0, buf.data(), static_cast<uint32_t>(size));
  io->flags = IOP_IO_DSYNC;
  expect_len(s.run_io(io), "an IOP_IO_DSYNC write");
  // Drop what is clean (without writing anything back first): a page the
  // write left dirty stays.
  const int fd = ::open(f.path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) fail(strf("checker: opening %s: %s", f.path.c_str(), std::strerror(errno)));
  ::posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
  ::close(fd);
  const uint64_t left = resident_pages(f.path, 0, size);
  if (left > 0) {
    fail(strf("after a %llu-byte write with IOP_IO_DSYNC completed, %llu of its pages could not be "
              "dropped from the page cache (still dirty): the data was not synced, so the flag "
              "did not reach the kernel",
              static_cast<unsigned long long>(size), static_cast<unsigned long long>(left)));
  }
  s.close(f.handle);
}

// IOP_IO_NOWAIT: a buffered read of data that is not in the page cache
// would block, so it fails with -EAGAIN (or, where the device is too quick
// to see that, a write past the end of the file is refused); the same read
// without the flag then succeeds.
void io_flag_nowait(const Target& t) {
  require(t, IOP_CAP_IO_NOWAIT);
  if (!t.does_file_io() || t.direct) {
    // Nothing observable: the reads must still complete (or say EAGAIN).
    const uint32_t bs = t.block_size;
    EngineSession s(t, 1);
    const DataFile f = open_pattern_file(s, "nowait", 4, kFeatureFileSeed);
    AlignedBuffer buf(bs, t.buffer_align);
    iop_io* io = s.prepare(IOP_OP_READ, f.handle, 0, buf.data(), bs);
    io->flags = IOP_IO_NOWAIT;
    const Completion c = s.run_io(io);
    if (c.res != bs && c.res != -EAGAIN) {
      fail(strf("an IOP_IO_NOWAIT read completed with res %s, expected %u or -EAGAIN",
                errno_text(c.res).c_str(), bs));
    }
    s.close(f.handle);
    return;
  }
  const uint32_t bs = t.block_size;
  EngineSession s(t, 1);
  // The kernel starts readahead for a refused read before it gives up, and
  // a fast device (or a thread preempted between the two) can have the
  // block cached by the time it looks again, so one read may complete
  // although the flag arrived.  Try blocks far apart (beyond a readahead
  // window), each freshly dropped: an engine that loses the flag completes
  // every one of them.
  constexpr uint64_t kAttempts = 8;
  constexpr uint64_t kSpacing = 64;  // blocks between two attempts
  const DataFile f = open_pattern_file(s, "nowait", kAttempts * kSpacing, kFeatureFileSeed);
  AlignedBuffer buf(bs, t.buffer_align);
  bool refused = false;
  for (uint64_t attempt = 0; attempt < kAttempts && !refused; ++attempt) {
    drop_page_cache(f.path);
    iop_io* io = s.prepare(IOP_OP_READ, f.handle, attempt * kSpacing * bs, buf.data(), bs);
    io->flags = IOP_IO_NOWAIT;
    const Completion c = s.run_io(io);
    if (c.res == -EAGAIN) refused = true;
    else if (c.res != bs) {
      fail(strf("an IOP_IO_NOWAIT read of uncached data completed with res %s, expected -EAGAIN",
                errno_text(c.res).c_str()));
    }
  }
  if (!refused) {
    // On a virtual disk that completes a request within the submitting
    // exit, that readahead can be done every time.  A NOWAIT write of a
    // block past the end of the file would have to wait for block
    // allocation (-EAGAIN), and ext4 refuses a buffered NOWAIT write
    // outright (-EOPNOTSUPP); a refused write changes nothing.
    AlignedBuffer tail(bs, t.buffer_align);
    iop_io* io = s.prepare(IOP_OP_WRITE, f.handle, f.size, tail.data(), bs);
    io->flags = IOP_IO_NOWAIT;
    const Completion c = s.run_io(io);
    if (c.res != -EAGAIN && c.res != -EOPNOTSUPP) {
      fail(strf("%llu IOP_IO_NOWAIT reads of data just dropped from the page cache completed instead "
                "of failing with -EAGAIN, and an IOP_IO_NOWAIT write past the end of the file completed "
                "with res %s: the flag did not reach the kernel",
                static_cast<unsigned long long>(kAttempts), errno_text(c.res).c_str()));
    }
  }
  const int64_t res = s.run_one(IOP_OP_READ, f.handle, 0, buf.data(), bs);
  if (res != bs) fail(strf("a plain read after the refused one completed with %s", errno_text(res).c_str()));
  if (find_mismatch(buf.data(), bs, 0, kFeatureFileSeed) >= 0) fail("a plain read returned the wrong data");
  s.close(f.handle);
}

// IOP_IO_HIPRI: polled IOs complete like any other.
void io_flag_hipri(const Target& t) {
  require(t, IOP_CAP_IO_HIPRI);
  flagged_round_trip(t, IOP_IO_HIPRI, IOP_IO_HIPRI, 0, "IOP_IO_HIPRI");
}

// IOP_IO_FUA: writes complete like any other, with their data.
void io_flag_fua(const Target& t) {
  require(t, IOP_CAP_IO_FUA);
  flagged_round_trip(t, IOP_IO_FUA, 0, 0, "IOP_IO_FUA");
}

// IOP_CAP_IOPRIO: IOs at best-effort and idle priorities complete with
// their data; a priority of a class that does not exist fails the IO (it is
// not silently run at another priority); an IO without a priority after it
// runs normally.
void io_priority(const Target& t) {
  require(t, IOP_CAP_IOPRIO);
  flagged_round_trip(t, 0, 0, IOP_IOPRIO_VALUE(IOP_IOPRIO_CLASS_BE, 0), "best-effort level 0");
  flagged_round_trip(t, 0, 0, IOP_IOPRIO_VALUE(IOP_IOPRIO_CLASS_BE, 7), "best-effort level 7");
  flagged_round_trip(t, 0, 0, IOP_IOPRIO_VALUE(IOP_IOPRIO_CLASS_IDLE, 0), "idle-class");
  const uint32_t bs = t.block_size;
  EngineSession s(t, 1);
  const DataFile f = open_pattern_file(s, "prio", 4, kFeatureFileSeed);
  AlignedBuffer buf(bs, t.buffer_align);
  iop_io* io = s.prepare(IOP_OP_READ, f.handle, 0, buf.data(), bs);
  io->ioprio = IOP_IOPRIO_VALUE(5, 0);  // no such class
  const Completion bad = s.run_io(io);
  if (bad.res >= 0) {
    fail(strf("a read with IO priority class 5 (no such class) completed with res %lld; a priority "
              "that cannot be applied must fail the IO",
              static_cast<long long>(bad.res)));
  }
  const int64_t res = s.run_one(IOP_OP_READ, f.handle, bs, buf.data(), bs);
  if (res != bs) {
    fail(strf("a read without a priority after a refused one completed with %s", errno_text(res).c_str()));
  }
  s.close(f.handle);
}

// ---------------------------------------------------------------------------
// Optional functions
// ---------------------------------------------------------------------------

void report(const Target& t) {
  if (!t.has(IOP_CAP_REPORT)) skip("the engine does not declare report");
  EngineSession s(t, t.deep_queue_depth);
  iop_instance_report first{};
  first.struct_size = sizeof first;
  iop_error err{};
  int32_t rc = s.desc().report(s.engine(), &first, &err);
  err.message[sizeof err.message - 1] = '\0';
  if (rc != 0) fail(strf("report() failed: %s: %s", errno_text(rc).c_str(), err.message));
  if (std::string why = iop::rules::check_report(s.desc(), first); !why.empty()) fail(why);
  // The report stays valid and the same while the instance lives.
  iop_instance_report second{};
  second.struct_size = sizeof second;
  rc = s.desc().report(s.engine(), &second, &err);
  if (rc != 0 || second.caps != first.caps || second.num_settings != first.num_settings) {
    fail("a second report() of the same instance differs from the first");
  }
  for (uint32_t k = 0; k < first.num_settings; ++k) {
    if (std::strcmp(first.settings[k].name, second.settings[k].name) != 0 ||
        std::strcmp(first.settings[k].value, second.settings[k].value) != 0) {
      fail(strf("setting '%s' changed between two report() calls", first.settings[k].name));
    }
  }
  std::string settings;
  for (uint32_t k = 0; k < first.num_settings; ++k) {
    settings += strf("%s%s=%s", k ? ", " : "", first.settings[k].name, first.settings[k].value);
  }
  std::fprintf(stderr, "  report: %s%s%s\n", settings.empty() ? "no settings" : settings.c_str(),
               first.caps != t.desc->caps ? "; capabilities without " : "",
               first.caps != t.desc->caps
                   ? iop::rules::bits_text(t.desc->caps & ~first.caps, iop::rules::capability_table()).c_str()
                   : "");
}

// Drains the eventfd; returns false when it was not readable.
bool drain(int fd) {
  bool any = false;
  uint64_t v;
  while (::read(fd, &v, sizeof v) == static_cast<ssize_t>(sizeof v)) any = true;
  return any;
}

// The completion fd alone drives many IOs at the deep queue depth: the
// checker waits on the fd (never in reap()), drains it, then reaps with
// timeout 0 until reap() returns fewer than it may.  A completion that is
// ready while the fd stays silent fails the check.
void completion_fd(const Target& t) {
  if (!t.has(IOP_CAP_COMPLETION_FD)) skip("the engine does not declare completion-fd");
  const uint32_t qd = t.deep_queue_depth;
  const uint32_t total = 4 * qd + 3;
  const uint32_t bs = t.block_size;
  EngineSession s(t, qd, total);
  iop_error err{};
  const int32_t fd = s.desc().completion_fd(s.engine(), &err);
  err.message[sizeof err.message - 1] = '\0';
  if (!t.instance_has(IOP_CAP_COMPLETION_FD)) {
    if (fd >= 0) {
      fail(strf("completion_fd() gave fd %d although the instance's report leaves completion-fd out", fd));
    }
    if (err.message[0] == '\0') fail("completion_fd() failed without a message");
    skip(strf("this instance has no completion fd: %s", err.message));
  }
  if (fd < 0) fail(strf("completion_fd() failed: %s: %s", errno_text(fd).c_str(), err.message));
  struct stat st;
  if (::fstat(fd, &st) != 0) fail(strf("completion_fd() returned %d, which is not an open descriptor", fd));
  if ((::fcntl(fd, F_GETFL) & O_NONBLOCK) == 0) {
    fail("the completion fd is blocking; engine.h asks for an eventfd with EFD_NONBLOCK");
  }

  const DataFile f = open_pattern_file(s, "cfd", 16, kFeatureFileSeed);
  AlignedBuffer mem(size_t{bs} * total, t.buffer_align);
  std::vector<iop_io*> ios;
  for (uint32_t i = 0; i < total; ++i) {
    ios.push_back(s.prepare(IOP_OP_READ, f.handle, (i % 16) * uint64_t{bs},
                            mem.data() + size_t{i} * bs, bs));
  }
  uint32_t next = 0, finished = 0, wakeups = 0;
  const uint64_t deadline = monotonic_ns() + 60'000 * kMs;
  while (finished < total) {
    if (next < total && s.in_flight() < qd) {
      const uint32_t n = std::min(qd - s.in_flight(), total - next);
      const int32_t rc = s.submit(ios.data() + next, n);
      if (rc < 0) fail(strf("submit() of %u IOs failed: %s", n, errno_text(rc).c_str()));
      if (rc == 0 && s.in_flight() == 0) fail("submit() accepted no IO while none was in flight");
      next += static_cast<uint32_t>(rc);
    }
    pollfd p{fd, POLLIN, 0};
    const int r = ::poll(&p, 1, kCfdWaitMs);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) {
      const std::vector<Completion> ready = s.reap(qd, 0, 0);
      if (!ready.empty()) {
        fail(strf("the completion fd did not become readable within %d s although %zu "
                  "completions were ready to reap (%u of %u IOs done)",
                  kCfdWaitMs / 1000, ready.size(), finished, total));
      }
      fail(strf("%u IOs in flight did not complete within %d s (the completion fd stayed silent)",
                s.in_flight(), kCfdWaitMs / 1000));
    }
    ++wakeups;
    drain(fd);  // before reaping, so nothing that completes later is missed
    for (;;) {
      const std::vector<Completion> got = s.reap(qd, 0, 0);
      for (const Completion& c : got) {
        expect_len(c, "a read");
        ++finished;
      }
      if (got.size() < qd) break;
    }
    if (monotonic_ns() > deadline) fail(strf("%u of %u IOs done after 60 s", finished, total));
  }
  std::fprintf(stderr, "  completion_fd: %u IOs in %u wake-ups\n", total, wakeups);
  s.close(f.handle);
}

// alloc_buffer() gives aligned memory the CPU can use and IO can use; the
// memory goes back with free_buffer(), many times over, without leaking.
void engine_buffers(const Target& t) {
  require(t, IOP_CAP_ENGINE_BUFFERS);
  const uint32_t qd = t.deep_queue_depth;
  const uint32_t bs = t.block_size;
  const uint64_t blocks = std::max<uint32_t>(qd, 8);
  const uint64_t want = blocks * bs + 1;  // not a whole page: the engine rounds up
  const uint64_t align = std::max<uint64_t>(4096, t.desc->min_buf_align);
  EngineSession s(t, qd, static_cast<uint32_t>(blocks));
  const auto alloc = [&](uint64_t len) {
    iop_buffer b{nullptr, 0};
    iop_error err{};
    const int32_t rc = s.desc().alloc_buffer(s.engine(), len, &b, &err);
    err.message[sizeof err.message - 1] = '\0';
    if (rc != 0) {
      fail(strf("alloc_buffer(%llu bytes) failed: %s: %s", static_cast<unsigned long long>(len),
                errno_text(rc).c_str(), err.message[0] != '\0' ? err.message : "(no message)"));
    }
    if (b.base == nullptr) fail(strf("alloc_buffer(%llu bytes) returned 0 but no memory", static_cast<unsigned long long>(len)));
    if (b.len < len) {
      fail(strf("alloc_buffer(%llu bytes) gave only %llu bytes", static_cast<unsigned long long>(len),
                static_cast<unsigned long long>(b.len)));
    }
    if (reinterpret_cast<uintptr_t>(b.base) % align != 0) {
      fail(strf("alloc_buffer() memory at %p is not aligned to %llu bytes", b.base,
                static_cast<unsigned long long>(align)));
    }
    return b;
  };
  iop_buffer b = alloc(want);
  std::memset(b.base, 0x5a, b.len);  // the host's CPU writes all of it
  auto* mem = static_cast<char*>(b.base);
  const DataFile f = open_pattern_file(s, "ebuf", blocks, kFeatureFileSeed);
  std::vector<iop_io*> ios;
  for (uint64_t k = 0; k < blocks; ++k) {
    fill_pattern(mem + k * bs, bs, k * bs, kFeatureWriteSeed);
    ios.push_back(s.prepare(IOP_OP_WRITE, f.handle, k * bs, mem + k * bs, bs));
  }
  s.run(ios, [](const Completion& c) { expect_len(c, "a write from an engine buffer"); });
  std::memset(mem, 0, blocks * bs);
  ios.clear();
  for (uint64_t k = 0; k < blocks; ++k) ios.push_back(s.prepare(IOP_OP_READ, f.handle, k * bs, mem + k * bs, bs));
  s.run(ios, [&](const Completion& c) {
    expect_len(c, "a read into an engine buffer");
    if (t.keeps_data() && find_mismatch(c.io->buf, bs, c.io->offset, kFeatureWriteSeed) >= 0) {
      fail(strf("a read into an engine buffer at offset %llu returned the wrong data",
                static_cast<unsigned long long>(c.io->offset)));
    }
  });
  if (t.does_file_io()) expect_file_pattern(f.path, 0, f.size, kFeatureWriteSeed, "after writes from an engine buffer");
  s.close(f.handle);
  s.desc().free_buffer(s.engine(), &b);

  // Many cycles give every byte back.
  const uint32_t cycles = std::max<uint32_t>(50, t.leak_iterations / 10);
  for (uint32_t k = 0; k < 5; ++k) {
    iop_buffer w = alloc(1u << 20);
    s.desc().free_buffer(s.engine(), &w);
  }
  expect_no_leak(cycles, "alloc_buffer/free_buffer", [&](uint32_t) {
    iop_buffer w = alloc(1u << 20);
    std::memset(w.base, 1, 4096);
    s.desc().free_buffer(s.engine(), &w);
  });
}

// control(): -ENOTSUP for ops the engine does not know; IOP_CTL_DROP_CACHE,
// when the engine does it, leaves no page of the file in the page cache.
void control(const Target& t) {
  if (!t.has(IOP_CAP_CONTROL)) skip("the engine does not declare control");
  EngineSession s(t, 1);
  unsigned char arg[64] = {};
  for (const uint32_t op : {0u, 0x7fffu, IOP_CTL_ENGINE_BASE + 0xfffeu, 0xffffffffu}) {
    iop_error err{};
    const int32_t rc = s.desc().control(s.engine(), op, arg, &err);
    if (rc != -ENOTSUP) {
      fail(strf("control(op 0x%x, which no engine defines) returned %s, expected -ENOTSUP", op,
                errno_text(rc).c_str()));
    }
  }
  const uint32_t bs = t.block_size;
  const uint64_t blocks = 16;
  const DataFile f = open_pattern_file(s, "ctl", blocks, kFeatureFileSeed);
  int32_t bad = f.handle + 1000;
  iop_error err{};
  int32_t rc = s.desc().control(s.engine(), IOP_CTL_DROP_CACHE, &bad, &err);
  if (rc == -ENOTSUP) {
    s.close(f.handle);
    return;  // the engine does not do it: fine
  }
  if (rc >= 0) fail(strf("control(IOP_CTL_DROP_CACHE) on handle %d, never opened, returned %d", bad, rc));
  if (err.message[0] == '\0') fail("control(IOP_CTL_DROP_CACHE) on a bad handle failed without a message");
  // Fill the cache through the engine, then drop it.
  AlignedBuffer buf(bs, t.buffer_align);
  for (uint64_t b = 0; b < blocks; ++b) {
    const int64_t res = s.run_one(IOP_OP_READ, f.handle, b * bs, buf.data(), bs);
    if (res != bs) fail(strf("a read completed with %s", errno_text(res).c_str()));
  }
  int32_t h = f.handle;
  err = iop_error{};
  rc = s.desc().control(s.engine(), IOP_CTL_DROP_CACHE, &h, &err);
  err.message[sizeof err.message - 1] = '\0';
  if (rc != 0) fail(strf("control(IOP_CTL_DROP_CACHE) failed: %s: %s", errno_text(rc).c_str(), err.message));
  if (t.does_file_io()) {
    const uint64_t left = resident_pages(f.path, 0, f.size);
    if (left > 0) {
      fail(strf("after control(IOP_CTL_DROP_CACHE) returned 0, %llu pages of the file were still in "
                "the page cache",
                static_cast<unsigned long long>(left)));
    }
  }
  s.close(f.handle);
}

// error_text(): -ENOENT for a completion it has nothing for; the text of a
// failed IO (the session checks each IOP_CQE_ERROR_TEXT completion's text
// as it reaps it).
void error_text(const Target& t) {
  if (!t.has(IOP_CAP_ERROR_TEXT)) skip("the engine does not declare error-text");
  EngineSession s(t, 1);
  iop_error out{};
  const int32_t rc = s.desc().error_text(s.engine(), 0x0123456789abcdefull, &out);
  if (rc != -ENOENT) {
    fail(strf("error_text() for a user_data never submitted returned %s, expected -ENOENT",
              errno_text(rc).c_str()));
  }
  const uint32_t bs = t.block_size;
  AlignedBuffer buf(bs, t.buffer_align);
  const DataFile f = open_pattern_file(s, "etext", 2, kFeatureFileSeed);
  // A failed IO: an op no engine has.  Its text, if any, is checked by the
  // session; a successful IO has none.
  const Completion failed = s.run_io(s.prepare(200, f.handle, 0, buf.data(), bs));
  if (failed.res >= 0) fail(strf("an IO with op 200 (no such op) completed with res %lld", static_cast<long long>(failed.res)));
  const Completion ok = s.run_io(s.prepare(IOP_OP_READ, f.handle, 0, buf.data(), bs));
  if ((ok.flags & IOP_CQE_ERROR_TEXT) != 0) fail("a successful read carries IOP_CQE_ERROR_TEXT");
  if ((t.desc->caps & IOP_CAP_META_STAT) != 0 && t.does_file_io()) {
    const int32_t dir = s.open_dir(t.work_dir);
    const Completion c = s.run_io(s.prepare_meta(IOP_OP_STAT, dir, "no-such-file-here"));
    if (c.res != -ENOENT) fail(strf("stat of a missing file completed with %s, expected -ENOENT", errno_text(c.res).c_str()));
    if (!c.text.empty()) std::fprintf(stderr, "  error_text: %s\n", c.text.c_str());
    s.close(dir);
  }
  s.close(f.handle);
}

}  // namespace

const std::vector<CheckDef>& feature_checks() {
  static const std::vector<CheckDef> kChecks = {
      {"report", report},
      {"io_flag_dsync", io_flag_dsync},
      {"io_flag_nowait", io_flag_nowait},
      {"io_flag_hipri", io_flag_hipri},
      {"io_flag_fua", io_flag_fua},
      {"io_priority", io_priority},
      {"completion_fd", completion_fd},
      {"engine_buffers", engine_buffers},
      {"control", control},
      {"error_text", error_text},
  };
  return kChecks;
}

}  // namespace iopcheck
