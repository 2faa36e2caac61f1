// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "workload/block_size_sampler.h"

#include <bit>

namespace iopulse {

BlockSizeSampler::BlockSizeSampler(const BlockSizeMix& mix) : max_size_(mix.max_size()) {
  if (mix.range()) {
    range_min_ = mix.min_size();
    if (std::has_single_bit(range_min_)) range_mask_ = ~uint64_t{range_min_ - 1};
    return;
  }
  uint32_t cumulative = 0;
  for (const BlockSizeMix::Entry& e : mix.entries()) {
    cumulative += e.weight;
    sizes_[count_] = e.size;
    // floor(cumulative / 100 * 2^64); the last entry takes the rest.
    thresholds_[count_] =
        cumulative >= 100
            ? ~uint64_t{0}
            : static_cast<uint64_t>((static_cast<unsigned __int128>(cumulative) << 64) / 100);
    ++count_;
  }
}

}  // namespace iopulse
