// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// OffsetGenerator: which block of its region a worker addresses next.
// Sequential walks the region from a starting block and wraps; random draws
// each block from an AccessDistribution (uniform, zipf, pareto or gaussian,
// see access_distribution.h).  next_block() is on the per-IO path: inline, no
// allocation, no virtual call.
#ifndef IOPULSE_WORKLOAD_OFFSET_GENERATOR_H_
#define IOPULSE_WORKLOAD_OFFSET_GENERATOR_H_

#include <cstdint>

#include "workload/access_distribution.h"
#include "workload/random_source.h"

namespace iopulse {

class OffsetGenerator {
 public:
  // kUniform is the former name of kRandom (random with the uniform
  // distribution, the default).
  enum class Pattern { kSequential, kRandom, kUniform = kRandom };

  // Sequential, or random with the uniform distribution.
  // region_blocks >= 1; first_block < region_blocks.
  OffsetGenerator(Pattern pattern, uint64_t region_blocks, uint64_t first_block)
      : pattern_(pattern),
        region_blocks_(region_blocks),
        cursor_(first_block),
        distribution_(AccessDistribution::uniform(region_blocks)) {}

  // Random blocks follow `params` (ignored when sequential); `seed` keys the
  // hot-spot permutation.  Throws UsageError when params are not valid for a
  // random pattern (see DistributionParams::validate).
  OffsetGenerator(Pattern pattern, uint64_t region_blocks, uint64_t first_block,
                  const DistributionParams& params, uint64_t seed)
      : pattern_(pattern),
        region_blocks_(region_blocks),
        cursor_(first_block),
        distribution_(pattern == Pattern::kRandom
                          ? AccessDistribution::make(params, region_blocks, seed)
                          : AccessDistribution::uniform(region_blocks)) {}

  // The next block index in [0, region_blocks).
  uint64_t next_block(RandomSource& rng) {
    if (pattern_ == Pattern::kRandom) return distribution_.next(rng);
    const uint64_t block = cursor_;
    cursor_ = cursor_ + 1 == region_blocks_ ? 0 : cursor_ + 1;
    return block;
  }

  uint64_t region_blocks() const { return region_blocks_; }
  Pattern pattern() const { return pattern_; }
  const AccessDistribution& distribution() const { return distribution_; }

 private:
  Pattern pattern_;
  uint64_t region_blocks_;
  uint64_t cursor_;  // next sequential block
  AccessDistribution distribution_;
};

}  // namespace iopulse

#endif  // IOPULSE_WORKLOAD_OFFSET_GENERATOR_H_
