// OffsetGenerator: which block of its region a worker addresses next.
// Sequential walks the region from a starting block and wraps; uniform picks
// every block with equal probability.  next_block() is on the per-IO path:
// inline, no allocation, no virtual call.
#ifndef IOPULSE_WORKLOAD_OFFSET_GENERATOR_H_
#define IOPULSE_WORKLOAD_OFFSET_GENERATOR_H_

#include <cstdint>

#include "workload/random_source.h"

namespace iopulse {

class OffsetGenerator {
 public:
  enum class Pattern { kSequential, kUniform };

  // region_blocks >= 1; first_block < region_blocks.
  OffsetGenerator(Pattern pattern, uint64_t region_blocks, uint64_t first_block)
      : pattern_(pattern), region_blocks_(region_blocks), cursor_(first_block) {}

  // The next block index in [0, region_blocks).
  uint64_t next_block(RandomSource& rng) {
    if (pattern_ == Pattern::kUniform) return rng.below(region_blocks_);
    const uint64_t block = cursor_;
    cursor_ = cursor_ + 1 == region_blocks_ ? 0 : cursor_ + 1;
    return block;
  }

  uint64_t region_blocks() const { return region_blocks_; }

 private:
  Pattern pattern_;
  uint64_t region_blocks_;
  uint64_t cursor_;  // next sequential block
};

}  // namespace iopulse

#endif  // IOPULSE_WORKLOAD_OFFSET_GENERATOR_H_
