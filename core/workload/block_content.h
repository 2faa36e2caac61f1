// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// BlockContent: the bytes of data IOPulse writes when a compression or
// deduplication ratio is asked for (--compress-percent, --dedupe-percent,
// --dedupe-unit, --dedupe-working-set), in the meaning fio gives
// buffer_compress_percentage and dedupe_percentage.
//
// Data is made of chunks of `unit` bytes (--dedupe-unit; the block size by
// default).  Chunk number n of a stream (0, 1, 2, ... in the order written)
// is either
//   - a duplicate, for exactly floor((n + 1) * D / 100) - floor(n * D / 100)
//     of them (D = dedupe percent: D of every 100 chunks, evenly spread):
//     a copy of working-set chunk k = H(seed, n) mod W, W = the working set
//     size in chunks (--dedupe-working-set); the same k always has the same
//     bytes, on every worker and in every run with the seed;
//   - or unique: keyed by (seed, stream, n), different from every other.
// Each chunk's bytes: the first ceil(len * (100 - C) / 100) bytes rounded up
// down to whole 8-byte words are base[i] ^ key (base: one unit of random
// words seeded by `seed`, key: the chunk's 64-bit key), the rest zero
// (C = compress percent).  A general-purpose compressor
// therefore keeps about (100 - C) % of each chunk: the random part does not
// compress, the zeros vanish; and two chunks are byte-identical exactly
// when they have the same key.
//
// fill() runs per write: no allocation, one pass over the bytes (the XOR
// is workload/xor_fill.h, vectorized).  Not thread-safe: one per worker (or preparation
// thread), each with its own `stream`.
#ifndef IOPULSE_WORKLOAD_BLOCK_CONTENT_H_
#define IOPULSE_WORKLOAD_BLOCK_CONTENT_H_

#include <cstdint>
#include <memory>

#include "job/content_spec.h"

namespace iopulse {

class BlockContent {
 public:
  // `stream` separates the chunk sequences of workers and threads;
  // `max_len` >= every len given to fill().
  BlockContent(const ContentSpec& spec, uint64_t stream, uint32_t max_len);

  // The data of the next `len` bytes of the stream (len a multiple of the
  // unit; a tail shorter than a unit is filled as a shortened chunk).
  void fill(void* buf, uint32_t len);

  // Bytes of a chunk of `len` bytes that are random (the rest are zero).
  static uint32_t random_bytes(uint32_t len, uint32_t compress_percent);

  uint64_t chunks() const { return next_; }

 private:
  uint64_t chunk_key(uint64_t n) const;
  void fill_chunk(unsigned char* p, uint32_t len, uint64_t key) const;

  ContentSpec spec_;
  uint64_t stream_key_;
  uint64_t next_ = 0;                  // the next chunk's number
  uint32_t base_words_;
  std::unique_ptr<uint64_t[]> base_;   // seeded random words, one unit long
};

}  // namespace iopulse

#endif  // IOPULSE_WORKLOAD_BLOCK_CONTENT_H_
