// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// IoPool: the memory of one worker's IOs, allocated once before the window
// and never during it:
//
//   slots       `depth` IoSlots: the iop_io the engine sees and the host's
//               bookkeeping of it; slot i's io.user_data is i
//   buffers     one per slot, `buf_stride` bytes apart, aligned; the
//               host's own allocation, or one the engine provided
//               (alloc_buffer(): huge pages, device memory), which the
//               engine instance gives back, not the pool
//   scratch     the engine's per-IO private area (io.priv), zeroed
//   free stack  the indexes of the slots the host holds, all at first
//   batch       the IOs prepared and not yet accepted by submit()
//   completions what reap() fills: `depth` entries and a few guard entries
//               past them (an engine writing too many writes there, and the
//               completion ledger stops the run)
//
// The loop reaches the arrays through plain pointers taken once; nothing
// here moves or grows while the worker runs.  Owned by one worker, used on
// its thread.
#ifndef IOPULSE_RUN_IO_POOL_H_
#define IOPULSE_RUN_IO_POOL_H_

#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <vector>

#include "iopulse/engine.h"
#include "run/completion_ledger.h"

namespace iopulse {

struct IoLogRecord;  // trace/iolog_format.h

// One IO of the pool.
struct IoSlot {
  static constexpr uint64_t kNoBlock = UINT64_MAX;

  iop_io io;
  // Clock at the submit() call that carried it; also the ledger's
  // in-flight mark (CompletionLedger, per-IO form): nonzero from the
  // stamp before that call until its completion is taken, 0 while the
  // host holds the slot.  The clock is never 0 (CLOCK_MONOTONIC scale).
  uint64_t submit_ns;
  uint64_t intended_ns;  // its time on the rate schedule (rate limits only)
  uint64_t free_ns;      // since when some slot was free when it was taken (rate limits only)
  uint64_t block;        // unit index over the worker's regions (verify), kNoBlock for syncs
  uint64_t generation;   // generation written (verify); for a sync, its journal position
  uint32_t region;       // index into the worker's regions
  uint32_t log_buffer;   // --write-iolog: the recorder's buffer holding its record
  IoLogRecord* log;      // --write-iolog: the IO's record
  void* buf;             // the slot's own buffer (io.buf is null during a trim)

  // The slot holding `io`, an IO of a pool (io is the slot's first member,
  // so the two addresses are one), found without reading io->user_data.
  static IoSlot& of(iop_io* io) { return *reinterpret_cast<IoSlot*>(io); }
};
static_assert(std::is_standard_layout_v<IoSlot> && offsetof(IoSlot, io) == 0);
// Two cache lines, no padding: a slot's address is its index shifted, and
// no slot shares a line with another (the slots are 64-byte aligned).
static_assert(sizeof(IoSlot) == 128);

class IoPool {
 public:
  // `depth` slots with buffers of `buf_bytes` each, rounded up to `align`
  // (a power of two, at least 4096); `priv_size` bytes of engine scratch
  // per IO.  With `engine_buffers` (depth * buf_stride(buf_bytes, align)
  // bytes the engine provided) the buffers are there, else the pool
  // allocates them.  Every buffer is zeroed (mapped, and placed on the
  // worker's NUMA node, before the window).  Throws std::bad_alloc.
  IoPool(uint32_t depth, size_t buf_bytes, size_t align, size_t priv_size, void* engine_buffers = nullptr);
  ~IoPool();
  IoPool(const IoPool&) = delete;
  IoPool& operator=(const IoPool&) = delete;

  // The distance between two slots' buffers.
  static size_t buf_stride(size_t buf_bytes, size_t align) { return (buf_bytes + align - 1) / align * align; }

  uint32_t depth() const { return depth_; }
  IoSlot* slots() { return slots_; }
  uint32_t* free_stack() { return free_.data(); }
  iop_io** batch() { return batch_.data(); }
  iop_cqe* completions() { return cqes_.data(); }
  // Every buffer, one block of depth() * stride() bytes.
  unsigned char* buffers() { return buffers_; }
  size_t stride() const { return stride_; }
  // The buffers as engine.h's register_buffers() takes them.
  std::vector<iop_buffer> buffer_list() const;
  // Sets io.buf_index of every slot: its index when the engine registered
  // the buffers, else -1.
  void set_registered(bool registered);

 private:
  uint32_t depth_;
  size_t stride_;
  IoSlot* slots_ = nullptr;
  unsigned char* buffers_ = nullptr;
  bool own_buffers_;
  void* priv_ = nullptr;
  std::vector<uint32_t> free_;
  std::vector<iop_io*> batch_;
  std::vector<iop_cqe> cqes_;
};

}  // namespace iopulse

#endif  // IOPULSE_RUN_IO_POOL_H_
