// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// WriteData: the bytes every write carries (docs/design.md, "Measuring
// honestly").
//
// One base block of seeded random bytes, as long as the largest write, is
// made once per worker.  Write number n of the worker carries the first
// `len` bytes of the base, each 8-byte word XORed with key(n), a splitmix64
// of (seed, n): every write differs from every other write in every word,
// no write is compressible on its own (the base is random), and a write
// never sends back what an earlier read left in the slot's buffer (fill()
// overwrites all `len` bytes).  The same seed and the same sequence of IOs
// give the same bytes.
//
// fill() is on the per-IO path: no allocation, one pass over `len` bytes
// (vectorized; a few percent of a cached 4 KiB write, see
// docs/performance.md).  Not thread-safe: one per worker.
#ifndef IOPULSE_WORKLOAD_WRITE_DATA_H_
#define IOPULSE_WORKLOAD_WRITE_DATA_H_

#include <cstdint>
#include <memory>

#include "job/mix64.h"

namespace iopulse {

class WriteData {
 public:
  // `seed` keys both the base and the per-write keys; `max_len` >= every
  // len given to fill().
  WriteData(uint64_t seed, uint32_t max_len);

  // Writes the data of the next write into buf[0, len).
  void fill(void* buf, uint32_t len) { fill_keyed(buf, len, key(++count_)); }

  // The data write number `n` (1 for the first) carries, for tests.
  void fill_nth(void* buf, uint32_t len, uint64_t n) const { fill_keyed(buf, len, key(n)); }

  uint64_t writes() const { return count_; }

 private:
  uint64_t key(uint64_t n) const {
    return mix64(seed_ + n * kMix64Golden);
  }
  void fill_keyed(void* buf, uint32_t len, uint64_t key) const;

  uint64_t seed_;
  uint64_t count_ = 0;
  uint32_t max_len_;
  std::unique_ptr<uint64_t[]> base_;  // max_len_ rounded up to whole words
};

}  // namespace iopulse

#endif  // IOPULSE_WORKLOAD_WRITE_DATA_H_
