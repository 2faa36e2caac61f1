// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// xor_fill: the inner loop of the written data (workload/write_data.h,
// workload/block_content.h): out[0, len) receives the words base[0], base[1],
// ... each XORed with `key`, stored in the host's byte order one after the
// other; a final partial word keeps its low-order bytes.  Vectorized (AVX2
// where the CPU has it, chosen once at load).
//
// Precondition: base holds at least ceil(len / 8) words.  No allocation;
// out need not be aligned.  Thread-safe (pure).
#ifndef IOPULSE_WORKLOAD_XOR_FILL_H_
#define IOPULSE_WORKLOAD_XOR_FILL_H_

#include <cstdint>

namespace iopulse {

void xor_fill(unsigned char* out, const uint64_t* base, uint32_t len, uint64_t key);

}  // namespace iopulse

#endif  // IOPULSE_WORKLOAD_XOR_FILL_H_
