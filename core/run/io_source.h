// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// IoSource: what a data worker's next IO is.  It decides each IO's op (the
// op mix, a sync after every N writes, the write of a trimmed range), its
// size (the block-size mixes, or the tiling of a complete pass), where it
// goes (the offset generator, the sequential cursor, the complete pass's
// walk, or a replayed trace) and the data a write carries (fresh seeded
// bytes, a compress/dedupe content mix, or the verify block format), within
// the worker's budgets (IOs and bytes), and writes all of it into an IO
// slot.  It issues nothing and measures nothing: the worker's loop submits
// what it prepared (docs/design.md, "The worker pipeline").
//
// Owned by one worker and used on its thread only.  The regions it draws
// from are the worker's (opened in its setup, before the first IO); the
// verification state it consults (blocks in flight, generations, the
// journal) is the worker's too, shared with the completion side.  The
// per-IO members are defined here, inline: they run once per IO.
#ifndef IOPULSE_RUN_IO_SOURCE_H_
#define IOPULSE_RUN_IO_SOURCE_H_

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "iopulse/engine.h"
#include "run/io_pool.h"
#include "run/pacer.h"
#include "run/worker_plan.h"
#include "target/target_layout.h"
#include "trace/trace_cursor.h"
#include "verify/block_format.h"
#include "verify/dedupe_layout.h"
#include "verify/generation_table.h"
#include "verify/inflight_blocks.h"
#include "verify/journal_recorder.h"
#include "workload/block_content.h"
#include "workload/block_permutation.h"
#include "workload/block_size_sampler.h"
#include "workload/offset_generator.h"
#include "workload/op_mix.h"
#include "workload/pass_tiling.h"
#include "workload/priority_mix.h"
#include "workload/random_source.h"
#include "workload/write_data.h"

namespace iopulse {

// One region of a worker's assignment, opened.
struct OpenRegion {
  const PlannedFile* file;
  uint64_t offset;       // first byte in the file
  uint64_t bytes;
  uint64_t first_unit;   // its first unit in the worker's sequence of units
  int fd = -1;           // host-opened descriptor, or -1
  int32_t handle = -1;   // the engine's handle
  uint64_t heat_base;    // where the file starts in the working set
  uint64_t journal_base; // the journal unit of the region's first unit
};

// The verification state a source consults (each null when not verifying).
struct SourceVerification {
  InflightBlocks* inflight_blocks = nullptr;  // a block is never in two IOs at once
  GenerationTable* generations = nullptr;     // the generation each write of a block carries
  JournalRecorder* journal = nullptr;         // a sync's journal position
};

class IoSource {
 public:
  static constexpr uint64_t kNoBlock = IoSlot::kNoBlock;
  // What next() did.
  enum class Next { kReady, kBudgetSpent, kBlocked };

  // The source of a worker running `plan` over `assignment` (which must
  // outlive it).
  IoSource(const WorkerPlan& plan, const WorkerAssignment& assignment);
  IoSource(const IoSource&) = delete;
  IoSource& operator=(const IoSource&) = delete;

  // Set up before the first IO, in this order.  `regions` are the
  // assignment's, opened (they outlive the source and do not move);
  // `max_io` is the largest IO the pool's buffers hold.
  void set_regions(const std::vector<OpenRegion>& regions);
  void prepare_data(const WorkerPlan& plan, uint32_t global_index, uint32_t max_io, uint32_t queue_depth);
  void set_verification(const SourceVerification& v) { verification_ = v; }
  // A replay's trace (the regions are the trace's files, `file_region` maps
  // a trace file to its region), paced by `pacer` when it is scheduled.
  void set_replay(std::unique_ptr<TraceCursor> replay, std::vector<uint32_t> file_region, Pacer* pacer);

  // A plain job (Worker::plain()): one region of whole units, one size, no
  // sync, trim, flags, priorities, content mix, verification or complete
  // pass.  Its IOs come from next_plain(), which makes the same choices
  // without the tests for what it does not have; both budgets are then one
  // count of IOs.  Call once, before the first IO.
  bool plain_shape() const;
  void enter_plain();

  // Prepares the next IO into `slot` (its op, length, offset, file, flags,
  // priority and a write's data) and charges it to the budgets.
  Next next(IoSlot& slot);
  Next next_plain(IoSlot& slot);
  // True when next() has nothing more to give (a budget or the pass done,
  // no sync or trimmed range's write still owed), without preparing
  // anything; false when unsure.  A think pause asks it before holding the
  // worker for an IO that would never come.
  bool spent();

  // A trim prepared by next() completed (`write_back`: it succeeded while
  // the worker still issues IO); with --trim-write its range is written
  // next.
  void trim_completed(const IoSlot& slot, bool write_back);

  // What the completion side reads.
  uint64_t unit() const { return unit_; }
  bool random() const { return random_; }
  const DedupeLayout& verified_dedupe() const { return verified_dedupe_; }
  bool splits_priority() const { return split_priority_; }
  bool has_content_mix() const { return content_ != nullptr; }
  bool trim_write() const { return trim_write_; }
  uint32_t sync_every() const { return sync_every_; }
  // A replay's cursor (null without one).
  TraceCursor* replay() const { return replay_.get(); }
  bool budget_limited_in_bytes() const { return remaining_bytes_ != UINT64_MAX; }

 private:
  Next next_trimmed_write(IoSlot& slot);
  Next next_replay(IoSlot& slot);
  void fill_write(IoSlot& slot, uint64_t block, uint32_t len);
  bool next_piece(uint64_t* unit, uint32_t* units);
  uint64_t next_block(uint32_t len, uint8_t op);
  uint64_t& cursor_of(uint8_t op);
  uint64_t after(uint64_t block, uint64_t len_units) const;
  uint32_t region_of(uint64_t unit) const;

  const WorkerAssignment& assignment_;
  // The worker's regions (its vector's elements, which never move once
  // set): held as a pointer and count, one load from the source each.
  const OpenRegion* regions_ = nullptr;
  uint32_t region_count_ = 0;
  uint64_t uniform_units_ = 0;  // units per region when all are equal, else 0
  bool random_;

  RandomSource rng_;
  OffsetGenerator offsets_;
  OpMix op_mix_;
  // --io-priority and --io-flags: each read or write carries a priority
  // drawn by priority_mix_ and the flags of its op (io_flags_[0] reads,
  // [1] writes); syncs carry neither.
  PriorityMix priority_mix_;
  uint32_t io_flags_[2] = {0, 0};
  bool split_priority_ = false;
  bool trims_ = false;  // the op mix has trims
  BlockSizeSampler read_sizes_, write_sizes_;
  uint64_t unit_;  // offsets are multiples of it
  std::optional<BlockPermutation> permutation_;  // complete pass with random order
  std::unique_ptr<PassTiling> tiling_;           // complete pass with several sizes
  uint64_t pass_done_ = 0;    // ranks of the complete pass issued
  uint64_t seq_cursor_ = 0;   // next sequential unit (with rr_chunk_, the next rank)
  // --sequential-cursor per-op: the next sequential unit of reads [0],
  // writes [1] and trims [2], each apart, each wrapping on its own
  // (seq_cursor_ unused).
  bool per_op_cursor_ = false;
  uint64_t op_cursor_[3] = {0, 0, 0};
  // --sequential-skip in units: from an IO's end to the next one's start
  // (< 0: backwards).  The layout keeps its size below region_blocks.
  int64_t skip_units_ = 0;
  // --file-order roundrobin:N over several regions (all of uniform_units_
  // units): the sequential pass takes N units of each region in turn, so
  // ranks map to units by interleaved(); 0: region after region.
  uint64_t rr_chunk_ = 0;
  uint64_t rr_plan_ = 0;      // the plan's N (rr_chunk_ once there are several regions)
  uint64_t interleaved(uint64_t rank) const;
  // --fadvise-each-pass: the hints are given again on every region (with
  // a descriptor of the host's) once readvise_bytes_ (a pass's worth: the
  // assignment's units) have been issued since the last time; UINT64_MAX:
  // never.  Failures are ignored, as fio ignores them.
  std::vector<int> readvise_hints_;
  uint64_t readvise_bytes_ = UINT64_MAX;
  uint64_t bytes_since_advice_ = 0;
  void readvise();
  // A plain job with uniform random offsets: its region's units (the
  // offset generator draws rng_.below() of it), else 0.
  uint64_t plain_uniform_blocks_ = 0;
  uint64_t remaining_ops_;    // IOs still to issue
  uint64_t remaining_bytes_;  // bytes still to issue

  // --trim-write: the ranges of completed trims whose write is still to be
  // issued, oldest first (a ring of queue_depth entries: each entry is a
  // slot the trim freed that no new IO took, so it never holds more), and
  // the trims prepared and not yet completed (while there are any, a spent
  // budget waits for their writes).
  struct TrimmedRange {
    uint64_t block;
    uint32_t region;
    uint32_t len;
  };
  bool trim_write_ = false;
  std::vector<TrimmedRange> trimmed_;
  uint32_t trimmed_head_ = 0;
  uint32_t trimmed_count_ = 0;
  uint32_t trims_outstanding_ = 0;

  // fsync/fdatasync every N writes.
  uint8_t sync_op_ = IOP_OP_FSYNC;
  uint32_t sync_every_ = 0;
  uint32_t writes_since_sync_ = 0;

  // The data of writes: fresh seeded bytes (null with --buffer-pattern or
  // verification), a content mix (compress/dedupe ratios), or verify blocks
  // (their compression share as a zero tail, working-set blocks by
  // verified_dedupe_).
  std::unique_ptr<WriteData> write_data_;
  std::unique_ptr<BlockContent> content_;
  uint32_t compress_percent_ = 0;
  uint64_t job_seed_;
  DedupeLayout verified_dedupe_{ContentSpec{}, 1};
  SourceVerification verification_;

  // --replay: the trace's IOs instead of drawn ones.
  std::unique_ptr<TraceCursor> replay_;
  std::vector<uint32_t> replay_regions_;  // trace file index -> index into regions_
  Pacer* pacer_ = nullptr;
};

// The per-IO members: inlined into the worker's loop.

[[gnu::always_inline]] inline IoSource::Next IoSource::next_plain(IoSlot& slot) {
  if (remaining_ops_ == 0) return Next::kBudgetSpent;
  iop_io& io = slot.io;
  io.op = op_mix_.next(rng_);
  // One region of region_blocks whole units: every unit may start an IO.
  uint64_t block;
  if (plain_uniform_blocks_ != 0) [[likely]] {
    block = rng_.below(plain_uniform_blocks_);  // what offsets_.next_block() draws, without its tests
  } else if (random_) {
    block = offsets_.next_block(rng_);
  } else {
    block = seq_cursor_;
    seq_cursor_ = block + 1 >= assignment_.region_blocks ? 0 : block + 1;
  }
  const OpenRegion& region = regions_[0];
  io.len = static_cast<uint32_t>(unit_);
  io.offset = region.offset + block * unit_;
  io.file = region.handle;  // slot.block is not kept: nothing of a plain job reads it
  --remaining_ops_;
  if (io.op == IOP_OP_WRITE && write_data_ != nullptr) write_data_->fill(io.buf, io.len);
  return Next::kReady;
}

[[gnu::always_inline]] inline IoSource::Next IoSource::next(IoSlot& slot) {
  if (replay_) return next_replay(slot);
  iop_io& io = slot.io;
  if (sync_every_ != 0 && writes_since_sync_ >= sync_every_) {
    writes_since_sync_ = 0;
    // One sync per region would be costly for large sets: the sync goes to
    // the region the last write went to.
    io.op = sync_op_;
    io.offset = 0;
    io.len = 0;
    io.ioprio = 0;
    io.flags = 0;
    io.file = regions_[slot.region].handle;
    slot.block = kNoBlock;
    if (verification_.journal) slot.generation = verification_.journal->sync_position();
    return Next::kReady;
  }
  if (trim_write_) [[unlikely]] {
    // A trimmed range's write goes before any new draw; a spent budget
    // still waits for the writes of the trims in flight.
    if (trimmed_count_ > 0) return next_trimmed_write(slot);
    if (trims_outstanding_ > 0 && (remaining_ops_ == 0 || remaining_bytes_ == 0)) return Next::kBlocked;
  }
  if (remaining_ops_ == 0 || remaining_bytes_ == 0) return Next::kBudgetSpent;
  if (bytes_since_advice_ >= readvise_bytes_) [[unlikely]] readvise();
  const uint8_t op = op_mix_.next(rng_);
  uint32_t len;
  uint64_t block;
  if (tiling_) {
    // A tiled pass: the tiling says where and how long (the op mix still
    // says what).
    uint32_t units = 0;
    if (!next_piece(&block, &units)) return trims_outstanding_ > 0 ? Next::kBlocked : Next::kBudgetSpent;
    if (verification_.inflight_blocks && !verification_.inflight_blocks->insert(block)) {
      return Next::kBlocked;  // not while in flight
    }
    ++pass_done_;
    len = static_cast<uint32_t>(units * unit_);
  } else {
    len = op == IOP_OP_READ ? read_sizes_.next(rng_) : write_sizes_.next(rng_);
    // The last IO of a byte budget is shortened to fit it exactly (with
    // O_DIRECT every size and the budget are whole logical blocks, so it
    // stays aligned).
    if (len > remaining_bytes_) len = static_cast<uint32_t>(remaining_bytes_);
    block = next_block(len, op);
    if (block == kNoBlock) return Next::kBlocked;
  }
  const uint32_t r = region_of(block);
  const OpenRegion& region = regions_[r];
  io.op = op;
  io.len = len;
  io.buf = op == IOP_OP_TRIM ? nullptr : slot.buf;  // a trim carries no buffer (engine.h)
  io.offset = region.offset + (block - region.first_unit) * unit_;
  io.flags = io_flags_[op == IOP_OP_WRITE];
  if (split_priority_) io.ioprio = priority_mix_.next(rng_);
  io.file = region.handle;
  slot.block = block;
  slot.region = r;
  --remaining_ops_;
  remaining_bytes_ -= len;
  bytes_since_advice_ += len;
  if (op == IOP_OP_WRITE) fill_write(slot, block, len);
  if (trim_write_ && op == IOP_OP_TRIM) ++trims_outstanding_;
  return Next::kReady;
}

[[gnu::always_inline]] inline void IoSource::fill_write(IoSlot& slot, uint64_t block, uint32_t len) {
  iop_io& io = slot.io;
  ++writes_since_sync_;
  if (verification_.inflight_blocks) {
    slot.generation = verification_.generations ? verification_.generations->next_generation(block) : 0;
    const uint32_t zero_tail = zero_tail_for(len, compress_percent_);
    if (const std::optional<uint64_t> k = verified_dedupe_.working_set_block(io.offset)) [[unlikely]] {
      fill_working_set_block(io.buf, len, job_seed_, *k, zero_tail);
    } else {
      fill_block(io.buf, len, io.offset, job_seed_, slot.generation, zero_tail);
    }
  } else if (content_) {
    content_->fill(io.buf, len);
  } else if (write_data_ != nullptr) {
    write_data_->fill(io.buf, len);
  }
}

[[gnu::always_inline]] inline uint32_t IoSource::region_of(uint64_t unit) const {
  if (region_count_ == 1) return 0;
  if (uniform_units_ != 0) return static_cast<uint32_t>(unit / uniform_units_);
  const OpenRegion* const end = regions_ + region_count_;
  const OpenRegion* const it =
      std::upper_bound(regions_, end, unit, [](uint64_t u, const OpenRegion& r) { return u < r.first_unit; });
  return static_cast<uint32_t>(it - regions_ - 1);
}

// Rank r of a pass taking rr_chunk_ (N) units of each of the
// region_count_ regions in turn: whole rounds of N units of each, then, when
// the regions' size is not a multiple of N, a last round of what is left of
// each (fio's roundrobin:N, which goes on to the next file when one ends).
// A bijection of [0, region_blocks).
[[gnu::always_inline]] inline uint64_t IoSource::interleaved(uint64_t rank) const {
  const uint64_t n = rr_chunk_;
  const uint64_t round = n * region_count_;
  const uint64_t whole = uniform_units_ / n;  // whole rounds
  if (rank < whole * round) {
    const uint64_t in_round = rank % round;
    return (in_round / n) * uniform_units_ + (rank / round) * n + in_round % n;
  }
  const uint64_t tail = uniform_units_ - whole * n;
  const uint64_t t = rank - whole * round;
  return (t / tail) * uniform_units_ + whole * n + t % tail;
}

// Skips empty slots; leaves pass_done_ at the slot found (the caller
// commits it).
inline bool IoSource::next_piece(uint64_t* unit, uint32_t* units) {
  for (; pass_done_ < assignment_.pass_slots; ++pass_done_) {
    const uint64_t rank = assignment_.first_rank + pass_done_;
    if (tiling_->piece(permutation_ ? (*permutation_)(rank) : rank, unit, units)) return true;
  }
  return false;
}

// The unit index of the next `op` (over all regions; an IO of
// `len` bytes starting there stays inside its region), or kNoBlock when
// verification finds it in flight and no other can be drawn now.  Commits
// the choice.
// The sequential position ops of kind `op` go on from.
[[gnu::always_inline]] inline uint64_t& IoSource::cursor_of(uint8_t op) {
  if (!per_op_cursor_) return seq_cursor_;
  return op_cursor_[op == IOP_OP_READ ? 0 : op == IOP_OP_WRITE ? 1 : 2];
}

// Where the sequential IO after one at `block` of `len_units` starts: its
// end plus the skip; past the last unit, the first (fio's wrap of holed
// IO), and before the first, the end less the skip (backwards IO wraps to
// the end, as fio's does).  After an IO that ends at the last unit, the
// first.
[[gnu::always_inline]] inline uint64_t IoSource::after(uint64_t block, uint64_t len_units) const {
  const uint64_t end = block + len_units;  // at most region_blocks
  const uint64_t blocks = assignment_.region_blocks;
  if (end >= blocks) return 0;
  if (skip_units_ >= 0) {
    const uint64_t next = end + static_cast<uint64_t>(skip_units_);
    return next >= blocks ? 0 : next;
  }
  const uint64_t back = 0 - static_cast<uint64_t>(skip_units_);
  return back <= end ? end - back : blocks - back;
}

[[gnu::always_inline]] inline uint64_t IoSource::next_block(uint32_t len, uint8_t op) {
  const OpenRegion* const regions = regions_;
  const uint64_t len_units = (len + unit_ - 1) / unit_;
  // The last unit of region r an IO of `len` bytes may start at.
  const auto last_start = [&](const OpenRegion& r) { return r.first_unit + (r.bytes - len) / unit_; };
  for (int attempt = 0; attempt < 16; ++attempt) {
    uint64_t block;
    bool redraw_possible = false;
    if (assignment_.complete_pass) {
      const uint64_t rank = assignment_.first_rank + pass_done_;
      block = permutation_ ? (*permutation_)(rank) : rr_chunk_ != 0 ? interleaved(rank) : rank;
    } else if (random_) {
      // An IO that would cross its region's end is drawn again, so starts
      // near the end keep the distribution (conditioned on fitting); only
      // after many misses (a region barely larger than the IO) is it
      // moved back to the last start that fits.
      block = offsets_.next_block(rng_);
      for (int redraw = 0; redraw < 64 && block > last_start(regions[region_of(block)]); ++redraw) {
        block = offsets_.next_block(rng_);
      }
      block = std::min(block, last_start(regions[region_of(block)]));
      redraw_possible = true;
    } else if (rr_chunk_ != 0) {
      block = interleaved(seq_cursor_);  // (every IO one unit: none crosses an end)
    } else {
      // Sequential: an IO that would cross the end of its region starts the
      // next region (or wraps to the first).
      block = cursor_of(op);
      const uint32_t r = region_of(block);
      if (block > last_start(regions[r])) block = r + 1 < region_count_ ? regions[r + 1].first_unit : 0;
    }
    if (verification_.inflight_blocks && !verification_.inflight_blocks->insert(block)) {
      if (redraw_possible) continue;
      return kNoBlock;  // wait for completions to release it
    }
    if (assignment_.complete_pass) {
      ++pass_done_;
    } else if (rr_chunk_ != 0) {
      seq_cursor_ = seq_cursor_ + 1 >= assignment_.region_blocks ? 0 : seq_cursor_ + 1;
    } else if (!random_) {
      cursor_of(op) = after(block, len_units);
    }
    return block;
  }
  return kNoBlock;
}

}  // namespace iopulse

#endif  // IOPULSE_RUN_IO_SOURCE_H_
