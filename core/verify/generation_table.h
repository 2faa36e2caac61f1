// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// GenerationTable: which write of each block of a worker's region is the
// latest, so a read in verify mode can demand exactly that write and catch
// stale data (a lost or misordered write) that is otherwise a perfectly valid
// block.
//
// Generations: the n-th successful write of a block in this run carries
// generation (epoch << 32) | n, so with an epoch per run (or phase, see
// VerifyJournal) every write of this run is newer than every earlier run's.
// A block this run has not written yet has no expected generation here: it
// holds whatever an earlier run or the preparation left (its generation is
// unknown, or at least what the verify journal recorded).  Counters are 31
// bits; after 2^31 - 1 writes of one block the count wraps back to 1 (such a
// repeat can only mask a write lost exactly 2^31 - 1 writes earlier).
//
// Memory: 4 bytes per block, allocated zeroed by the constructor with calloc,
// so the pages of blocks never written are never touched.  Regions of more
// than `max_blocks` blocks (default kDefaultMaxBlocks = 64 Mi blocks, i.e.
// 256 MiB of counters; 256 GiB of 4 KiB blocks) are not tracked: tracking()
// is false, every write gets generation epoch << 32 and expected() is
// nullopt, so reads are checked against the generation stored in each block
// (header, payload, offset and seed, but not staleness).
//
// Protocol for the worker (one table per worker, blocks are indexes in the
// worker's region, and no two IOs on one block are in flight at once - see
// InflightBlocks):
//   write submitted:   gen = next_generation(b); fill_block(..., gen)
//   write completed:   commit(b, gen) on success; forget(b) on failure (the
//                      block's content is then unknown)
//   read completed:    check_block(..., expected(b)), or with the journal's
//                      minimum when expected(b) is nullopt
// Not thread-safe; no allocation after construction.
#ifndef IOPULSE_VERIFY_GENERATION_TABLE_H_
#define IOPULSE_VERIFY_GENERATION_TABLE_H_

#include <cstdint>
#include <cstdlib>
#include <memory>
#include <new>
#include <optional>

namespace iopulse {

class GenerationTable {
 public:
  static constexpr uint64_t kDefaultMaxBlocks = uint64_t{64} << 20;

  GenerationTable(uint64_t region_blocks, uint32_t epoch = 0, uint64_t max_blocks = kDefaultMaxBlocks)
      : blocks_(region_blocks <= max_blocks ? region_blocks : 0), epoch_bits_(uint64_t{epoch} << 32) {
    if (blocks_ != 0) {
      counts_.reset(static_cast<uint32_t*>(std::calloc(blocks_, sizeof(uint32_t))));
      if (!counts_) throw std::bad_alloc();
    }
  }

  // False when the region was too large (or empty) to track.
  bool tracking() const { return blocks_ != 0; }
  uint64_t blocks() const { return blocks_; }

  // The generation the next write of `block` carries (does not record it).
  uint64_t next_generation(uint64_t block) const {
    if (!tracking()) return epoch_bits_;
    const uint32_t c = counts_[block] & kCountMask;
    return epoch_bits_ | (c == kCountMask ? 1 : uint64_t{c} + 1);
  }

  // Records that the write of `block` with `generation` completed.
  void commit(uint64_t block, uint64_t generation) {
    if (tracking()) counts_[block] = static_cast<uint32_t>(generation) & kCountMask;
  }

  // The content of `block` is unknown (a write of it failed): reads accept any
  // generation until the next commit; numbering continues where it was.
  void forget(uint64_t block) {
    if (tracking()) counts_[block] |= kUnknown;
  }

  // The generation a read of `block` must find; nullopt when not tracked,
  // not written by this run yet, or forgotten.
  std::optional<uint64_t> expected(uint64_t block) const {
    if (!tracking() || counts_[block] == 0 || (counts_[block] & kUnknown) != 0) return std::nullopt;
    return epoch_bits_ | counts_[block];
  }

 private:
  static constexpr uint32_t kUnknown = 0x80000000u;
  static constexpr uint32_t kCountMask = 0x7fffffffu;

  struct FreeDeleter {
    void operator()(uint32_t* p) const { std::free(p); }
  };

  uint64_t blocks_;
  uint64_t epoch_bits_;
  std::unique_ptr<uint32_t[], FreeDeleter> counts_;
};

}  // namespace iopulse

#endif  // IOPULSE_VERIFY_GENERATION_TABLE_H_
