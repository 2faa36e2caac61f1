// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// PriorityMix: the IO priority each read or write carries, so that over many
// IOs the share `percent` carries `ioprio` and the others `others` (0: none),
// as fio's cmdprio_percentage (the others at the job's prio/prioclass).  Like OpMix, a share of 0 or 100 draws no random
// number.  next() is on the per-IO path.
#ifndef IOPULSE_WORKLOAD_PRIORITY_MIX_H_
#define IOPULSE_WORKLOAD_PRIORITY_MIX_H_

#include <cstdint>

#include "workload/random_source.h"

namespace iopulse {

class PriorityMix {
 public:
  // ioprio, others: IOP_IOPRIO_VALUE(), 0 for none; percent in [0, 100].
  PriorityMix(uint16_t ioprio, uint32_t percent, uint16_t others = 0)
      : ioprio_(percent == 0 ? others : ioprio),
        others_(others),
        draw_(ioprio != others && percent != 0 && percent != 100),
        // P(next() == ioprio) == percent / 100, to within 2^-64.
        threshold_(static_cast<uint64_t>((static_cast<unsigned __int128>(percent) << 64) / 100)) {}

  uint16_t next(RandomSource& rng) const {
    if (!draw_) return ioprio_;
    return rng.next() < threshold_ ? ioprio_ : others_;
  }

 private:
  uint16_t ioprio_;
  uint16_t others_;
  bool draw_;
  uint64_t threshold_;
};

}  // namespace iopulse

#endif  // IOPULSE_WORKLOAD_PRIORITY_MIX_H_
