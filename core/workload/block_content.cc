// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "workload/block_content.h"

#include <algorithm>
#include <cstring>

#include "job/mix64.h"
#include "workload/random_source.h"
#include "workload/xor_fill.h"

namespace iopulse {
namespace {

constexpr uint64_t kGolden = kMix64Golden;

}  // namespace

BlockContent::BlockContent(const ContentSpec& spec, uint64_t stream, uint32_t max_len)
    : spec_(spec),
      stream_key_(mix64(spec.seed ^ mix64(stream + kGolden))),
      base_words_((std::max(spec.unit, max_len) + 7) / 8),
      base_(new uint64_t[base_words_]) {
  if (spec_.working_set == 0) spec_.working_set = 1;
  RandomSource rng(mix64(spec.seed + 0x5eed));
  for (uint32_t i = 0; i < base_words_; ++i) base_[i] = rng.next();
}

uint32_t BlockContent::random_bytes(uint32_t len, uint32_t compress_percent) {
  const uint64_t keep = (uint64_t{len} * (100 - compress_percent) + 99) / 100;
  return static_cast<uint32_t>(std::min<uint64_t>(len, (keep + 7) / 8 * 8));
}

uint64_t BlockContent::chunk_key(uint64_t n) const {
  const uint64_t d = spec_.dedupe_percent;
  const bool duplicate = d != 0 && (n + 1) * d / 100 != n * d / 100;
  if (duplicate) {
    const uint64_t k = mix64(stream_key_ ^ (n * kGolden)) % spec_.working_set;
    return mix64(spec_.seed ^ mix64(k + 0xd0d0));  // the same for every stream
  }
  return mix64(stream_key_ + (n + 1) * kGolden);
}

void BlockContent::fill_chunk(unsigned char* p, uint32_t len, uint64_t key) const {
  const uint32_t random = random_bytes(len, spec_.compress_percent);
  xor_fill(p, base_.get(), random, key);
  std::memset(p + random, 0, len - random);
}

void BlockContent::fill(void* buf, uint32_t len) {
  auto* p = static_cast<unsigned char*>(buf);
  for (uint32_t at = 0; at < len;) {
    const uint32_t n = std::min(spec_.unit, len - at);
    fill_chunk(p + at, n, chunk_key(next_++));
    at += n;
  }
}

}  // namespace iopulse
