// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "workload/write_data.h"

#include <cstring>

#include "workload/random_source.h"

namespace iopulse {
namespace {

// base XOR key over whole 32-byte vectors, then the remaining words and
// bytes.  Compiled for AVX2 where the CPU has it (chosen once, at load).
__attribute__((target_clones("avx2", "default"))) void xor_words(unsigned char* out, const uint64_t* base,
                                                                   uint32_t len, uint64_t key) {
  typedef uint64_t Vec __attribute__((vector_size(32), aligned(1)));
  const Vec k = {key, key, key, key};
  const uint32_t vecs = len / 32;
  for (uint32_t i = 0; i < vecs; ++i) {
    Vec v;
    std::memcpy(&v, base + 4 * i, sizeof v);
    v ^= k;
    std::memcpy(out + 32 * i, &v, sizeof v);
  }
  uint32_t done = vecs * 32;
  for (; done + 8 <= len; done += 8) {
    const uint64_t w = base[done / 8] ^ key;
    std::memcpy(out + done, &w, 8);
  }
  if (done < len) {
    const uint64_t w = base[done / 8] ^ key;
    std::memcpy(out + done, &w, len - done);
  }
}

}  // namespace

WriteData::WriteData(uint64_t seed, uint32_t max_len)
    : seed_(seed), max_len_(max_len), base_(new uint64_t[(max_len + 7) / 8 + 1]) {
  RandomSource rng(seed ^ 0x5851f42d4c957f2dULL);
  for (uint32_t i = 0; i < (max_len + 7) / 8 + 1; ++i) base_[i] = rng.next();
}

void WriteData::fill_keyed(void* buf, uint32_t len, uint64_t key) const {
  xor_words(static_cast<unsigned char*>(buf), base_.get(), len <= max_len_ ? len : max_len_, key);
}

}  // namespace iopulse
