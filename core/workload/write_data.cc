// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "workload/write_data.h"

#include "workload/random_source.h"
#include "workload/xor_fill.h"

namespace iopulse {

WriteData::WriteData(uint64_t seed, uint32_t max_len)
    : seed_(seed), max_len_(max_len), base_(new uint64_t[(max_len + 7) / 8 + 1]) {
  RandomSource rng(seed ^ 0x5851f42d4c957f2dULL);
  for (uint32_t i = 0; i < (max_len + 7) / 8 + 1; ++i) base_[i] = rng.next();
}

void WriteData::fill_keyed(void* buf, uint32_t len, uint64_t key) const {
  xor_fill(static_cast<unsigned char*>(buf), base_.get(), len <= max_len_ ? len : max_len_, key);
}

}  // namespace iopulse
