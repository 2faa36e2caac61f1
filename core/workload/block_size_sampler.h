// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// BlockSizeSampler: draws the size of each IO from a BlockSizeMix
// (job/block_size_mix.h).
//
// next() is on the per-IO path: a single size draws no random number;
// otherwise one 64-bit draw is compared with cumulative thresholds, so size i
// is chosen with probability weight_i / 100 (to within 2^-64), or for a
// range MIN-MAX scaled as fio's bsrange scales it: MIN + floor(r * MAX /
// 2^64), rounded down to a multiple of MIN (a mask when MIN is a power of
// two), capped at MAX.  No allocation: sizes and thresholds live in fixed
// arrays.
#ifndef IOPULSE_WORKLOAD_BLOCK_SIZE_SAMPLER_H_
#define IOPULSE_WORKLOAD_BLOCK_SIZE_SAMPLER_H_

#include <array>
#include <cstddef>
#include <cstdint>

#include "job/block_size_mix.h"
#include "workload/random_source.h"

namespace iopulse {

class BlockSizeSampler {
 public:
  explicit BlockSizeSampler(const BlockSizeMix& mix);

  // The size of the next IO.
  uint32_t next(RandomSource& rng) const {
    if (count_ == 1) return sizes_[0];
    if (range_min_ != 0) {
      const uint64_t r = rng.next();
      uint64_t len = range_min_ + static_cast<uint64_t>((static_cast<unsigned __int128>(r) * max_size_) >> 64);
      len = range_mask_ != 0 ? len & range_mask_ : len - len % range_min_;
      return len < max_size_ ? static_cast<uint32_t>(len) : max_size_;
    }
    const uint64_t r = rng.next();
    for (size_t i = 0; i + 1 < count_; ++i) {
      if (r < thresholds_[i]) return sizes_[i];
    }
    return sizes_[count_ - 1];
  }

  bool single() const { return count_ == 1; }
  uint32_t max_size() const { return max_size_; }

 private:
  std::array<uint32_t, BlockSizeMix::kMaxEntries> sizes_{};
  // P(next() < thresholds_[i]) = (weight_0 + .. + weight_i) / 100.
  std::array<uint64_t, BlockSizeMix::kMaxEntries> thresholds_{};
  size_t count_ = 0;
  uint32_t max_size_ = 0;
  // A range: its MIN (else 0), and ~(MIN - 1) when MIN is a power of two
  // (else 0).
  uint32_t range_min_ = 0;
  uint64_t range_mask_ = 0;
};

}  // namespace iopulse

#endif  // IOPULSE_WORKLOAD_BLOCK_SIZE_SAMPLER_H_
