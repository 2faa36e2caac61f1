// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// RandomSource: a fast, seedable pseudo-random generator (xoshiro256**,
// seeded through splitmix64) for offsets, op choices and data.  One per
// worker; not thread-safe; no allocation.  The same seed always gives the
// same sequence.
#ifndef IOPULSE_WORKLOAD_RANDOM_SOURCE_H_
#define IOPULSE_WORKLOAD_RANDOM_SOURCE_H_

#include <cstdint>

#include "job/mix64.h"

namespace iopulse {

class RandomSource {
 public:
  explicit RandomSource(uint64_t seed) {
    for (uint64_t& word : s_) {
      seed += kMix64Golden;
      word = mix64(seed);
    }
  }

  // 64 uniformly distributed bits.
  uint64_t next() {
    const uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  // A value in [0, n), n >= 1 (multiply-shift; bias below 2^-64 * n).
  uint64_t below(uint64_t n) {
    return static_cast<uint64_t>((static_cast<unsigned __int128>(next()) * n) >> 64);
  }

  // A double in [0, 1).
  double unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

 private:
  static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

}  // namespace iopulse

#endif  // IOPULSE_WORKLOAD_RANDOM_SOURCE_H_
