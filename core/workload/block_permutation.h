// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// BlockPermutation: a keyed bijection of [0, n) computed in O(1) per call
// without any table, used by --hot-spot-scatter to spread the hot ranks of a
// skewed distribution over the whole region instead of packing them at
// block 0.
//
// Construction: k = the number of bits of n - 1 (2^k >= n > 2^(k-1)).  A
// 4-round Feistel network permutes [0, 2^k): the k bits are split into a high
// half of ceil(k/2) bits and a low half of floor(k/2) bits; each round
// replaces (L, R) by (R, L xor F_i(R)), where F_i(R) folds the 128-bit product
// (R xor K_i) * C into 64 bits (low half xor high half) and keeps the width of
// L; the round keys K_i come from the seed (the halves swap widths every
// round, so after 4 rounds they are back in place).  Every
// round is invertible, so the network is a bijection of [0, 2^k).
//
// Cycle walking restricts it to [0, n): apply the network until the value is
// below n.  Following the cycle of the network through x, the walk stops at
// the next element of the cycle that is below n, so the result is again a
// bijection of [0, n).  Cost: every value in [n, 2^k) is passed over by at
// most one walk, so the walks of all n ranks together take at most 2^k < 2n
// network passes - fewer than 2 per rank on average, for any key.  For one
// given rank the walk is longer than t passes with probability about
// (1 - n/2^k)^t < 2^-t over the keys.
#ifndef IOPULSE_WORKLOAD_BLOCK_PERMUTATION_H_
#define IOPULSE_WORKLOAD_BLOCK_PERMUTATION_H_

#include <bit>
#include <cstdint>

#include "job/mix64.h"

namespace iopulse {

class BlockPermutation {
 public:
  // The identity of [0, 1).
  BlockPermutation() = default;

  // A permutation of [0, n), n >= 1, chosen by `seed`: the same (n, seed)
  // always gives the same permutation.
  BlockPermutation(uint64_t n, uint64_t seed) : n_(n) {
    const int bits = n <= 1 ? 0 : std::bit_width(n - 1);
    low_bits_ = static_cast<uint32_t>(bits / 2);
    high_bits_ = static_cast<uint32_t>(bits - bits / 2);
    low_mask_ = low_bits_ == 0 ? 0 : ~uint64_t{0} >> (64 - low_bits_);
    high_mask_ = high_bits_ == 0 ? 0 : ~uint64_t{0} >> (64 - high_bits_);
    uint64_t state = seed ^ 0x5ca77e12b10c5eedULL;  // separate from the IO random streams
    for (uint64_t& key : keys_) {
      state += 0x9e3779b97f4a7c15ULL;
      key = mix64(state);
    }
  }

  // The block for rank x, x in [0, n).
  uint64_t operator()(uint64_t x) const {
    do {
      x = network(x);
    } while (x >= n_);
    return x;
  }

  // One pass of the Feistel network: a bijection of [0, 2^k).  Public for
  // tests (walk lengths).
  uint64_t network(uint64_t x) const {
    uint64_t left = x >> low_bits_;  // high_bits wide
    uint64_t right = x & low_mask_;  // low_bits wide
    // Rounds 1 and 3: (L: high, R: low) -> (R: low, L ^ F(R): high).
    // Rounds 2 and 4: (L: low, R: high) -> (R: high, L ^ F(R): low).
    for (int i = 0; i < 4; i += 2) {
      uint64_t next_right = left ^ round(right, keys_[i], high_mask_);
      left = right;
      right = next_right;
      next_right = left ^ round(right, keys_[i + 1], low_mask_);
      left = right;
      right = next_right;
    }
    return (left << low_bits_) | right;
  }

  uint64_t size() const { return n_; }
  // The network's domain is [0, 2^bits()).
  uint32_t bits() const { return high_bits_ + low_bits_; }

 private:
  // The round function: fold the 128-bit product (half xor key) * C by
  // xoring its two 64-bit halves (every output bit then depends on every input
  // bit), keep the bits under `mask`.
  static uint64_t round(uint64_t half, uint64_t key, uint64_t mask) {
    const unsigned __int128 m = static_cast<unsigned __int128>(half ^ key) * 0x9e3779b97f4a7c15ULL;
    return (static_cast<uint64_t>(m) ^ static_cast<uint64_t>(m >> 64)) & mask;
  }

  uint64_t n_ = 1;
  uint32_t high_bits_ = 0;
  uint32_t low_bits_ = 0;
  uint64_t high_mask_ = 0;
  uint64_t low_mask_ = 0;
  uint64_t keys_[4] = {0, 0, 0, 0};
};

}  // namespace iopulse

#endif  // IOPULSE_WORKLOAD_BLOCK_PERMUTATION_H_
