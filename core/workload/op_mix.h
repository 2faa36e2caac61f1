// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// OpMix: chooses read or write for each IO so that, over many IOs, the share
// of reads is read_percent.  A pure read or pure write job draws no random
// number.  next() is on the per-IO path.
#ifndef IOPULSE_WORKLOAD_OP_MIX_H_
#define IOPULSE_WORKLOAD_OP_MIX_H_

#include <cstdint>

#include "iopulse/engine.h"
#include "workload/random_source.h"

namespace iopulse {

class OpMix {
 public:
  // read_percent in [0, 100].
  explicit OpMix(uint32_t read_percent)
      : read_percent_(read_percent),
        // P(next() < threshold) == read_percent / 100, to within 2^-64.
        threshold_(static_cast<uint64_t>(
            (static_cast<unsigned __int128>(read_percent) << 64) / 100)) {}

  uint8_t next(RandomSource& rng) const {
    if (read_percent_ == 100) return IOP_OP_READ;
    if (read_percent_ == 0) return IOP_OP_WRITE;
    return rng.next() < threshold_ ? IOP_OP_READ : IOP_OP_WRITE;
  }

 private:
  uint32_t read_percent_;
  uint64_t threshold_;
};

}  // namespace iopulse

#endif  // IOPULSE_WORKLOAD_OP_MIX_H_
