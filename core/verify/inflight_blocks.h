// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// InflightBlocks: the blocks a worker has IO in flight on, so that in verify
// mode a write and a read (or two writes) of the same block are never in
// flight at once.  Two IOs on one block may complete in any order, and a read
// racing a write may see old, new or torn data; either would be reported as
// corruption although the device did nothing wrong.
//
// Protocol for the worker (verify mode only):
//   - before preparing an IO on block b: if contains(b), do not issue it now;
//     keep it (or draw another block) and try again after the next reap, when
//     completions have released blocks.  Otherwise insert(b).
//   - when the IO completes (successfully or not), or goes back to the pool
//     without being submitted: erase(b).
// A block is any 64-bit key that identifies it within the worker's file,
// e.g. its block index or its byte offset (consistently one of them); the
// value UINT64_MAX is reserved.  Workers that share blocks need disjoint
// regions: this set only sees one worker's IOs.
//
// An open-addressing hash set with linear probing and backward-shift
// deletion (no tombstones, so long runs of insert/erase never degrade it).
// The table has 2 * capacity slots rounded up to a power of two, so the load
// factor stays <= 1/2 and a lookup probes about 1.5 slots on average.  All
// memory is allocated by the constructor; insert/erase/contains never
// allocate.  Not thread-safe: one per worker.
#ifndef IOPULSE_VERIFY_INFLIGHT_BLOCKS_H_
#define IOPULSE_VERIFY_INFLIGHT_BLOCKS_H_

#include <bit>
#include <cassert>
#include <cstdint>
#include <memory>

namespace iopulse {

class InflightBlocks {
 public:
  static constexpr uint64_t kEmpty = UINT64_MAX;  // the reserved key

  // `capacity`: the most blocks held at once (the queue depth), >= 1.
  explicit InflightBlocks(uint32_t capacity)
      : capacity_(capacity < 1 ? 1 : capacity),
        bits_(std::bit_width(uint64_t{2} * capacity_ - 1)),
        mask_((size_t{1} << bits_) - 1),
        slots_(new uint64_t[mask_ + 1]) {
    clear();
  }

  // Adds `block`; false (and no change) when it is already present.
  // Precondition: size() < capacity() or the block is present.
  bool insert(uint64_t block) {
    assert(block != kEmpty);
    size_t i = home_slot(block);
    while (slots_[i] != kEmpty) {
      if (slots_[i] == block) return false;
      i = (i + 1) & mask_;
    }
    assert(size_ < capacity_);
    slots_[i] = block;
    ++size_;
    return true;
  }

  // Removes `block`; false when it was not present.
  bool erase(uint64_t block) {
    size_t i = find(block);
    if (i == kNotFound) return false;
    // Backward shift: pull later members of the probe run into the hole when
    // the hole lies on their path from their home slot.
    for (size_t j = (i + 1) & mask_; slots_[j] != kEmpty; j = (j + 1) & mask_) {
      const size_t home = home_slot(slots_[j]);
      if (((j - home) & mask_) >= ((j - i) & mask_)) {
        slots_[i] = slots_[j];
        i = j;
      }
    }
    slots_[i] = kEmpty;
    --size_;
    return true;
  }

  bool contains(uint64_t block) const { return find(block) != kNotFound; }

  void clear() {
    for (size_t i = 0; i <= mask_; ++i) slots_[i] = kEmpty;
    size_ = 0;
  }

  uint32_t size() const { return size_; }
  uint32_t capacity() const { return capacity_; }
  // Slots in the table (a power of two >= 2 * capacity).
  size_t table_size() const { return mask_ + 1; }
  // Where probing for `block` starts (Fibonacci hashing); for tests.
  size_t home_slot(uint64_t block) const {
    return static_cast<size_t>((block * 0x9e3779b97f4a7c15ULL) >> (64 - bits_));
  }

 private:
  static constexpr size_t kNotFound = SIZE_MAX;

  size_t find(uint64_t block) const {
    for (size_t i = home_slot(block); slots_[i] != kEmpty; i = (i + 1) & mask_) {
      if (slots_[i] == block) return i;
    }
    return kNotFound;
  }

  uint32_t capacity_;
  int bits_;     // log2(table size), >= 1
  size_t mask_;  // table size - 1
  std::unique_ptr<uint64_t[]> slots_;
  uint32_t size_ = 0;
};

}  // namespace iopulse

#endif  // IOPULSE_VERIFY_INFLIGHT_BLOCKS_H_
