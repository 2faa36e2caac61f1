// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "workload/xor_fill.h"

#include <cstring>

namespace iopulse {

// base XOR key over whole 32-byte vectors, then the remaining words and
// bytes.
__attribute__((target_clones("avx2", "default"))) void xor_fill(unsigned char* out, const uint64_t* base,
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

}  // namespace iopulse
