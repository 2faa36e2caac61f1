// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// The data plane: data round trips at queue depth 1 and deep, completions
// exactly once, partial acceptance, reap waiting rules, end of file, per-IO
// errors, submit flags, registered buffers and the sync/trim operations.
//
// Engines that do no file IO (IOP_REQ_DISKLESS) get the same IOs; the data
// they return is checked when they declare IOP_CAP_STORES_DATA (what a read
// returns must be what was written there), otherwise only their completions
// are: every IO completes once, with its user_data and res == len.

#include <fcntl.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <numeric>
#include <random>

#include "check.h"
#include "engine_session.h"
#include "work_files.h"

namespace iopcheck {
namespace {

constexpr uint64_t kFileSeed = 0xf11e;      // what a new file holds
constexpr uint64_t kWriteSeed = 0x5eed;     // what the checks write over it
constexpr uint64_t kQuickNs = 200 * kMs;    // "returns at once", with room for a busy machine
constexpr uint32_t kRW = IOP_FILE_READ | IOP_FILE_WRITE;

DataFile open_data_file(EngineSession& s, uint64_t blocks) {
  return open_pattern_file(s, "data", blocks, kFileSeed);
}

std::vector<uint64_t> shuffled_blocks(uint64_t blocks, uint32_t seed) {
  std::vector<uint64_t> order(blocks);
  std::iota(order.begin(), order.end(), 0);
  std::shuffle(order.begin(), order.end(), std::mt19937(seed));
  return order;
}

const char* op_name(uint8_t op) { return op == IOP_OP_READ ? "read" : "write"; }

void expect_full(const iop_io& io, int64_t res) {
  if (res != static_cast<int64_t>(io.len)) {
    fail(strf("%s of %u bytes at offset %llu completed with res %s, expected %u", op_name(io.op),
              io.len, static_cast<unsigned long long>(io.offset), errno_text(res).c_str(),
              io.len));
  }
}

// Writes kWriteSeed's pattern to every block in a shuffled order, then reads
// every block back in another order, at `qd` IOs in flight; checks every
// byte (through the engine and through the checker's own pread).  With
// `registered`, the buffers are registered first and every IO names its
// buffer, half of them starting inside it rather than at its start.
void round_trip(const Target& t, uint32_t qd, bool registered) {
  const uint64_t blocks = std::clamp<uint64_t>(uint64_t{qd} * 4, 64, 512);
  const uint32_t bs = t.block_size;
  EngineSession s(t, qd, static_cast<uint32_t>(blocks));
  // One buffer per block; registered, each is two blocks long and the IO
  // uses one half.
  const size_t stride = registered ? 2 * size_t{bs} : bs;
  AlignedBuffer mem(stride * blocks, t.buffer_align);
  const auto buf_of = [&](uint64_t b) { return mem.data() + b * stride + (registered ? (b % 2) * bs : 0); };
  if (registered) {
    std::vector<iop_buffer> bufs(blocks);
    for (uint64_t b = 0; b < blocks; ++b) bufs[b] = {mem.data() + b * stride, stride};
    iop_error err{};
    const int32_t rc = s.desc().register_buffers(s.engine(), bufs.data(),
                                                 static_cast<uint32_t>(blocks), &err);
    if (rc != 0) {
      err.message[sizeof err.message - 1] = '\0';
      fail(strf("register_buffers(%llu buffers of %zu bytes) failed: %s: %s",
                static_cast<unsigned long long>(blocks), stride, errno_text(rc).c_str(),
                err.message));
    }
  }
  const auto index_of = [&](uint64_t b) { return registered ? static_cast<int32_t>(b) : -1; };
  const DataFile f = open_data_file(s, blocks);

  std::vector<iop_io*> ios;
  for (uint64_t b : shuffled_blocks(blocks, 1)) {
    fill_pattern(buf_of(b), bs, b * bs, kWriteSeed);
    ios.push_back(s.prepare(IOP_OP_WRITE, f.handle, b * bs, buf_of(b), bs, index_of(b)));
  }
  s.run(ios, [](const Completion& c) { expect_full(*c.io, c.res); });
  if (t.does_file_io()) {
    expect_file_pattern(f.path, 0, f.size, kWriteSeed, "after the writes");
  }

  std::memset(mem.data(), 0xA5, mem.size());
  ios.clear();
  for (uint64_t b : shuffled_blocks(blocks, 2)) {
    ios.push_back(s.prepare(IOP_OP_READ, f.handle, b * bs, buf_of(b), bs, index_of(b)));
  }
  s.run(ios, [&](const Completion& c) {
    expect_full(*c.io, c.res);
    if (!t.keeps_data()) return;
    const int64_t bad = find_mismatch(c.io->buf, bs, c.io->offset, kWriteSeed);
    if (bad >= 0) {
      fail(strf("read of %u bytes at offset %llu returned the wrong data from byte %lld on", bs,
                static_cast<unsigned long long>(c.io->offset), static_cast<long long>(bad)));
    }
  });
  s.close(f.handle);
}

void round_trip_qd1(const Target& t) { round_trip(t, 1, false); }

void round_trip_deep(const Target& t) {
  if (t.deep_queue_depth < 2) skip("max_queue_depth is 1");
  round_trip(t, t.deep_queue_depth, false);
}

void registered_buffers(const Target& t) {
  if (!t.has(IOP_CAP_REGISTERED_BUFFERS)) skip("IOP_CAP_REGISTERED_BUFFERS is not declared");
  round_trip(t, t.deep_queue_depth, true);
}

// Many IOs, reads and writes mixed, at the deep queue depth: the session
// fails on any completion that is not exactly-once with its user_data.
void completions_exactly_once(const Target& t) {
  const uint32_t qd = t.deep_queue_depth;
  const uint32_t total = 8 * qd + 5;
  const uint64_t blocks = 64;
  const uint32_t bs = t.block_size;
  EngineSession s(t, qd, total);
  const DataFile f = open_data_file(s, blocks);
  AlignedBuffer mem(size_t{bs} * total, t.buffer_align);
  std::mt19937 rng(3);
  std::vector<iop_io*> ios;
  for (uint32_t i = 0; i < total; ++i) {
    const uint64_t b = rng() % blocks;
    char* buf = mem.data() + size_t{i} * bs;
    const uint8_t op = i % 3 == 2 ? IOP_OP_WRITE : IOP_OP_READ;
    if (op == IOP_OP_WRITE) fill_pattern(buf, bs, b * bs, kFileSeed);  // leaves the file as is
    ios.push_back(s.prepare(op, f.handle, b * bs, buf, bs));
  }
  uint32_t completions = 0;
  s.run(ios, [&](const Completion& c) {
    expect_full(*c.io, c.res);
    ++completions;
  });
  if (completions != total) fail(strf("%u IOs, %u completions", total, completions));
  // Nothing more may arrive.
  for (const uint64_t wait : {uint64_t{0}, 20 * kMs}) {
    if (!s.reap(qd, 0, wait).empty()) fail("completions arrived after every IO had completed");
  }
  s.close(f.handle);
}

// submit() of more IOs than the queue depth accepts a prefix and never
// lets more than queue_depth be in flight; a full queue accepts 0.
void submit_partial_acceptance(const Target& t) {
  const uint32_t qd = std::min<uint32_t>(t.desc->max_queue_depth, 8);
  const uint32_t n = 2 * qd + 3;
  const uint32_t bs = t.block_size;
  EngineSession s(t, qd, n);
  const DataFile f = open_data_file(s, 16);
  AlignedBuffer mem(size_t{bs} * n, t.buffer_align);
  std::vector<iop_io*> ios;
  for (uint32_t i = 0; i < n; ++i) {
    ios.push_back(s.prepare(IOP_OP_READ, f.handle, (i % 16) * uint64_t{bs},
                            mem.data() + size_t{i} * bs, bs));
  }
  int32_t rc = s.submit(ios.data(), n);  // the session fails it beyond qd
  if (rc < 0) {
    fail(strf("submit() of %u IOs at queue depth %u returned %s; it must accept a prefix", n, qd,
              errno_text(rc).c_str()));
  }
  if (rc == 0) fail(strf("submit() of %u IOs accepted none with none in flight", n));
  uint32_t accepted = static_cast<uint32_t>(rc);
  // Offer the rest again without reaping: at most the room that is left.
  rc = s.submit(ios.data() + accepted, n - accepted);
  if (rc < 0) {
    fail(strf("submit() with %u of %u IOs in flight returned %s; a full queue must return 0, "
              "not an error",
              s.in_flight(), qd, errno_text(rc).c_str()));
  }
  accepted += static_cast<uint32_t>(rc);
  if (s.in_flight() == qd) {
    rc = s.submit(ios.data() + accepted, n - accepted);
    if (rc != 0) {
      fail(strf("submit() with the queue full (%u in flight) returned %s, expected 0", qd,
                errno_text(rc).c_str()));
    }
  }
  // Exactly the accepted IOs complete (the session rejects any other).
  uint32_t done = 0;
  const uint64_t deadline = monotonic_ns() + 30'000 * kMs;
  while (s.in_flight() > 0 && monotonic_ns() < deadline) {
    for (const Completion& c : s.reap(qd, 1, 100 * kMs)) {
      expect_full(*c.io, c.res);
      ++done;
    }
  }
  if (done != accepted) fail(strf("%u IOs accepted, %u completed within 30 s", accepted, done));
  // The IOs never accepted are the host's again; they run normally.
  s.run(std::vector<iop_io*>(ios.begin() + accepted, ios.end()),
        [](const Completion& c) { expect_full(*c.io, c.res); });
  s.close(f.handle);
}

// timeout 0 never blocks; min_wait is honoured before the timeout.
void reap_timeouts(const Target& t) {
  const uint32_t qd = t.deep_queue_depth;
  const uint32_t bs = t.block_size;
  EngineSession s(t, qd);
  uint64_t took = 0;
  if (!s.reap(qd, 0, 0, &took).empty()) fail("reap() with nothing in flight returned completions");
  if (took > kQuickNs) {
    fail(strf("reap(min_wait=0, timeout=0) with nothing in flight took %llu ms",
              static_cast<unsigned long long>(took / kMs)));
  }
  if (!s.reap(qd, 0, 20 * kMs, &took).empty()) fail("reap() with nothing in flight returned completions");
  if (took > 1000 * kMs) {
    fail(strf("reap(min_wait=0, timeout=20 ms) with nothing in flight took %llu ms",
              static_cast<unsigned long long>(took / kMs)));
  }

  const DataFile f = open_data_file(s, 16);
  AlignedBuffer mem(size_t{bs} * qd, t.buffer_align);
  const auto submit_one = [&](uint32_t i) {
    iop_io* io = s.prepare(IOP_OP_READ, f.handle, (i % 16) * uint64_t{bs},
                           mem.data() + size_t{i % qd} * bs, bs);
    const int32_t rc = s.submit(&io, 1);
    if (rc != 1) fail(strf("submit() of one IO with none in flight returned %s", errno_text(rc).c_str()));
  };

  // min_wait=1 with a long timeout returns the IO, not an empty array.
  submit_one(0);
  std::vector<Completion> got = s.reap(qd, 1, 10'000 * kMs, &took);
  if (got.size() != 1) {
    fail(strf("reap(min_wait=1, timeout=10 s) with one IO in flight returned %zu completions "
              "after %llu ms",
              got.size(), static_cast<unsigned long long>(took / kMs)));
  }
  expect_full(*got[0].io, got[0].res);

  // timeout 0 polls: every call returns at once, and the IO shows up.
  submit_one(1);
  const uint64_t deadline = monotonic_ns() + 10'000 * kMs;
  while (s.in_flight() > 0) {
    got = s.reap(qd, 0, 0, &took);
    if (took > kQuickNs) {
      fail(strf("reap(min_wait=0, timeout=0) with an IO in flight blocked for %llu ms",
                static_cast<unsigned long long>(took / kMs)));
    }
    for (const Completion& c : got) expect_full(*c.io, c.res);
    if (monotonic_ns() > deadline) fail("an IO did not complete within 10 s of polling reap()");
  }

  // IOP_TIMEOUT_INFINITE waits for min_wait.
  submit_one(2);
  got = s.reap(qd, 1, IOP_TIMEOUT_INFINITE);
  if (got.size() != 1) {
    fail(strf("reap(min_wait=1, IOP_TIMEOUT_INFINITE) returned %zu completions", got.size()));
  }

  // `max` bounds what one reap returns.
  if (qd >= 2) {
    for (uint32_t i = 0; i < qd; ++i) submit_one(i);
    got = s.reap(1, 1, 10'000 * kMs);  // the session fails it beyond max
    if (got.size() != 1) fail(strf("reap(max=1, min_wait=1) returned %zu completions", got.size()));
    s.drain(10'000 * kMs);
  }
  s.close(f.handle);
}

// A read that straddles end of file returns the bytes before it; one past
// it returns 0.  An engine that stores data without a file gets the tail
// written through itself first (a write that straddles the end is short
// too).
void read_short_at_eof(const Target& t) {
  if (!t.keeps_data()) skip("diskless engine that does not store data");
  const uint32_t bs = t.block_size;
  const uint64_t tail = 1000;
  const uint64_t size = 8 * uint64_t{bs} + tail;
  const std::string path = t.does_file_io() ? create_pattern_file(t, "eof", size, kFileSeed)
                                            : unique_path(t, "eof");
  EngineSession s(t, 1);
  const int32_t h = t.does_file_io() ? s.open(path, O_RDONLY, IOP_FILE_READ, size)
                                     : s.open(path, O_RDWR, kRW, size);
  AlignedBuffer buf(bs, t.buffer_align);
  if (t.stores_data()) {
    fill_pattern(buf.data(), bs, 8 * uint64_t{bs}, kFileSeed);
    const int64_t w = s.run_one(IOP_OP_WRITE, h, 8 * uint64_t{bs}, buf.data(), bs);
    if (w != static_cast<int64_t>(tail)) {
      fail(strf("write of %u bytes at offset %llu of a %llu-byte file completed with res %s, "
                "expected %llu (the bytes before end of file)",
                bs, static_cast<unsigned long long>(8 * uint64_t{bs}),
                static_cast<unsigned long long>(size), errno_text(w).c_str(),
                static_cast<unsigned long long>(tail)));
    }
  }
  std::memset(buf.data(), 0, bs);
  int64_t res = s.run_one(IOP_OP_READ, h, 8 * uint64_t{bs}, buf.data(), bs);
  if (res != static_cast<int64_t>(tail)) {
    fail(strf("read of %u bytes at offset %llu of a %llu-byte file completed with res %s, "
              "expected %llu (the bytes before end of file)",
              bs, static_cast<unsigned long long>(8 * uint64_t{bs}),
              static_cast<unsigned long long>(size), errno_text(res).c_str(),
              static_cast<unsigned long long>(tail)));
  }
  if (find_mismatch(buf.data(), tail, 8 * uint64_t{bs}, kFileSeed) >= 0) {
    fail("the short read at end of file returned the wrong data");
  }
  res = s.run_one(IOP_OP_READ, h, 9 * uint64_t{bs}, buf.data(), bs);
  if (res != 0) {
    fail(strf("read wholly past end of file completed with res %s, expected 0",
              errno_text(res).c_str()));
  }
  s.close(h);
}

void read_on_write_only_file(const Target& t) {
  if (t.diskless()) skip("diskless engine");
  if (t.opens_by_path()) skip("the engine opens files itself");
  const uint32_t bs = t.block_size;
  const uint64_t size = 4 * uint64_t{bs};
  const std::string path = create_pattern_file(t, "wronly", size, kFileSeed);
  EngineSession s(t, 1);
  std::string message;
  const int32_t h = s.try_open(path, O_WRONLY, IOP_FILE_WRITE, size, &message);
  if (h < 0) return;  // refusing the descriptor at open_file, with a reason, is fine too
  AlignedBuffer buf(bs, t.buffer_align);
  const int64_t res = s.run_one(IOP_OP_READ, h, 0, buf.data(), bs);
  if (res >= 0) {
    fail(strf("a read on a descriptor opened O_WRONLY completed with res %lld; an IO that fails "
              "must complete with -errno",
              static_cast<long long>(res)));
  }
  s.close(h);
}

void write_on_read_only_file(const Target& t) {
  if (t.diskless()) skip("diskless engine");
  if (t.opens_by_path()) skip("the engine opens files itself");
  const uint32_t bs = t.block_size;
  const uint64_t size = 4 * uint64_t{bs};
  const std::string path = create_pattern_file(t, "rdonly", size, kFileSeed);
  EngineSession s(t, 1);
  const int32_t h = s.open(path, O_RDONLY, IOP_FILE_READ, size);
  AlignedBuffer buf(bs, t.buffer_align);
  fill_pattern(buf.data(), bs, 0, kWriteSeed);
  const int64_t res = s.run_one(IOP_OP_WRITE, h, 0, buf.data(), bs);
  if (res >= 0) {
    fail(strf("a write on a descriptor opened O_RDONLY completed with res %lld; an IO that "
              "fails must complete with -errno",
              static_cast<long long>(res)));
  }
  s.close(h);
  expect_file_pattern(path, 0, size, kFileSeed, "after a failed write");
}

// One misaligned O_DIRECT IO: it must fail, in its completion or with
// -EINVAL from submit().
void expect_rejected(EngineSession& s, int32_t h, char* buf, uint32_t len, const char* what) {
  iop_io* io = s.prepare(IOP_OP_READ, h, 0, buf, len);
  const int32_t rc = s.submit(&io, 1);
  if (rc == -EINVAL) {
    s.release(io);
    return;
  }
  if (rc < 0) fail(strf("%s: submit() returned %s; expected -EINVAL or a completion with -errno", what, errno_text(rc).c_str()));
  if (rc == 0) fail(strf("%s: submit() accepted nothing with nothing in flight", what));
  int64_t res = 0;
  const uint64_t deadline = monotonic_ns() + 10'000 * kMs;
  while (s.in_flight() > 0 && monotonic_ns() < deadline) {
    for (const Completion& c : s.reap(1, 1, 100 * kMs)) res = c.res;
  }
  if (s.in_flight() > 0) fail(strf("%s: the IO did not complete within 10 s", what));
  if (res >= 0) {
    fail(strf("%s completed with res %lld; O_DIRECT must refuse it with -EINVAL", what,
              static_cast<long long>(res)));
  }
}

void direct_misaligned(const Target& t) {
  if (!t.direct) skip("run with --direct to check O_DIRECT alignment errors");
  if (t.diskless()) skip("diskless engine");
  const uint32_t bs = t.block_size;
  EngineSession s(t, 1);
  const DataFile f = open_data_file(s, 4);
  AlignedBuffer buf(2 * size_t{bs}, t.buffer_align);
  expect_rejected(s, f.handle, buf.data() + 1, bs, "an O_DIRECT read into a buffer at address+1");
  expect_rejected(s, f.handle, buf.data(), 100, "an O_DIRECT read of 100 bytes");
  s.close(f.handle);
}

void submit_unknown_flags(const Target& t) {
  const uint32_t bs = t.block_size;
  EngineSession s(t, t.deep_queue_depth);
  const DataFile f = open_data_file(s, 4);
  AlignedBuffer buf(bs, t.buffer_align);
  fill_pattern(buf.data(), bs, 0, kWriteSeed);
  iop_io* io = s.prepare(IOP_OP_WRITE, f.handle, 0, buf.data(), bs);
  for (const uint32_t flags : {1u << 0, 1u << 31, ~IOP_SUBMIT_KNOWN_FLAGS}) {
    const int32_t rc = s.submit(&io, 1, flags);
    if (rc != -EINVAL) {
      if (rc > 0) s.drain(10'000 * kMs);
      fail(strf("submit() with unknown flag bits 0x%x returned %s, expected -EINVAL", flags,
                errno_text(rc).c_str()));
    }
  }
  s.release(io);
  if (!s.reap(t.deep_queue_depth, 0, 20 * kMs).empty()) {
    fail("a rejected submit() produced a completion");
  }
  s.close(f.handle);
  if (t.does_file_io()) expect_file_pattern(f.path, 0, f.size, kFileSeed, "after rejected submits");
}

void sync_op(const Target& t, uint64_t cap, uint8_t op, const char* name) {
  if (!t.has(cap)) skip(strf("%s is not declared", name));
  const uint32_t bs = t.block_size;
  EngineSession s(t, 1);
  const DataFile f = open_data_file(s, 4);
  AlignedBuffer buf(bs, t.buffer_align);
  fill_pattern(buf.data(), bs, bs, kWriteSeed);
  const int64_t w = s.run_one(IOP_OP_WRITE, f.handle, bs, buf.data(), bs);
  if (w != bs) fail(strf("a write completed with %s", errno_text(w).c_str()));
  const int64_t res = s.run_one(op, f.handle, 0, nullptr, 0);
  if (res != 0) fail(strf("completed with res %s, expected 0", errno_text(res).c_str()));
  s.close(f.handle);
}

void fsync(const Target& t) { sync_op(t, IOP_CAP_FSYNC, IOP_OP_FSYNC, "IOP_CAP_FSYNC"); }
void fdatasync(const Target& t) {
  sync_op(t, IOP_CAP_FDATASYNC, IOP_OP_FDATASYNC, "IOP_CAP_FDATASYNC");
}

void trim(const Target& t) {
  if (!t.has(IOP_CAP_TRIM)) skip("IOP_CAP_TRIM is not declared");
  const uint32_t bs = t.block_size;
  EngineSession s(t, 1);
  const DataFile f = open_data_file(s, 4);
  const int64_t res = s.run_one(IOP_OP_TRIM, f.handle, bs, nullptr, bs);
  if (res == -EOPNOTSUPP) skip("the work directory's filesystem does not support discarding");
  if (res != 0) fail(strf("completed with res %s, expected 0", errno_text(res).c_str()));
  s.close(f.handle);
}

}  // namespace

const std::vector<CheckDef>& io_checks() {
  static const std::vector<CheckDef> kChecks = {
      {"round_trip_qd1", round_trip_qd1},
      {"round_trip_deep", round_trip_deep},
      {"completions_exactly_once", completions_exactly_once},
      {"submit_partial_acceptance", submit_partial_acceptance},
      {"reap_timeouts", reap_timeouts},
      {"read_short_at_eof", read_short_at_eof},
      {"read_on_write_only_file", read_on_write_only_file},
      {"write_on_read_only_file", write_on_read_only_file},
      {"direct_misaligned", direct_misaligned},
      {"submit_unknown_flags", submit_unknown_flags},
      {"registered_buffers", registered_buffers},
      {"fsync", fsync},
      {"fdatasync", fdatasync},
      {"trim", trim},
  };
  return kChecks;
}

}  // namespace iopcheck
