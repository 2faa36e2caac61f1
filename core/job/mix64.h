// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#ifndef IOPULSE_JOB_MIX64_H_
#define IOPULSE_JOB_MIX64_H_

#include <cstdint>

namespace iopulse {

// splitmix64's finalizer: a bijection of 64-bit words whose every output bit
// depends on every input bit.  The seeds a job spec names become the keys of
// the generators (random streams, written data, block permutations, verified
// block formats, deduplication layouts) through it; the verified block format
// (verify/block_format.h) fixes these constants on disk, so they never change.
constexpr uint64_t mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// The golden-ratio increment splitmix64 adds before each mix.
inline constexpr uint64_t kMix64Golden = 0x9e3779b97f4a7c15ULL;

}  // namespace iopulse

#endif  // IOPULSE_JOB_MIX64_H_
