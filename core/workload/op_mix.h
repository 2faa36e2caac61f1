// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// OpMix: chooses read, trim or write for each IO so that, over many IOs, the
// share of reads is read_percent and the share of trims trim_percent (the
// rest are writes).  A job of one op kind draws no random number; a mixed
// job draws one per IO (the same draw, against the same read threshold,
// whether or not the job trims, so a read/write job repeats its ops for a
// seed).  next() is on the per-IO path.
#ifndef IOPULSE_WORKLOAD_OP_MIX_H_
#define IOPULSE_WORKLOAD_OP_MIX_H_

#include <cstdint>

#include "iopulse/engine.h"
#include "workload/random_source.h"

namespace iopulse {

class OpMix {
 public:
  // read_percent + trim_percent <= 100 (the job spec checks it).
  explicit OpMix(uint32_t read_percent, uint32_t trim_percent = 0)
      : single_(read_percent == 100 ? uint8_t{IOP_OP_READ}
                : trim_percent == 100 ? uint8_t{IOP_OP_TRIM}
                : read_percent + trim_percent == 0 ? uint8_t{IOP_OP_WRITE}
                                                   : kMixed),
        // P(next() < read_end_) == read_percent / 100, to within 2^-64;
        // trims take [read_end_, trim_last_], writes the rest (none when
        // read + trim is 100).  In a mixed job read + trim >= 1, so the
        // threshold is positive and trim_last_ does not wrap.
        read_end_(threshold(read_percent)),
        trim_last_(read_percent + trim_percent >= 100 ? UINT64_MAX : threshold(read_percent + trim_percent) - 1) {}

  uint8_t next(RandomSource& rng) const {
    if (single_ != kMixed) return single_;
    const uint64_t x = rng.next();
    if (x < read_end_) return IOP_OP_READ;
    return x <= trim_last_ ? IOP_OP_TRIM : IOP_OP_WRITE;
  }

 private:
  static constexpr uint8_t kMixed = 0xff;

  // percent/100 of 2^64, for percent < 100.
  static uint64_t threshold(uint32_t percent) {
    return static_cast<uint64_t>((static_cast<unsigned __int128>(percent) << 64) / 100);
  }

  uint8_t single_;  // the only op of a one-kind job, else kMixed
  uint64_t read_end_;
  uint64_t trim_last_;
};

}  // namespace iopulse

#endif  // IOPULSE_WORKLOAD_OP_MIX_H_
