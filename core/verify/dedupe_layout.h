// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// DedupeLayout: which blocks of a verified dataset (--verify or --verify-only
// with --dedupe-percent) hold a copy of a working-set block, and which one.
//
// With verification a block's kind is fixed by its place in its file, not
// by the write that last reached it: block i of a file (its offset divided
// by the block size) is a working-set block when
//   floor((i + 1) * D / 100) > floor(i * D / 100)
// (D = --dedupe-percent: exactly D of every 100 blocks of a file, evenly
// spread), and then holds working-set block k = H(seed, i) mod W (W = the
// working set in blocks, --dedupe-working-set).  Every other block is a
// unique verified block with its offset and generation.  A working-set block
// has the same bytes wherever and whenever it is written
// (verify/block_format.h, version 3), so the data deduplicates by D % and a
// reader that knows the job's content settings knows what every block must
// hold without any record of the writes: the preparation, every write and
// every check agree.  A lost write of a working-set block would have left
// the bytes that are there already: it is no loss of data and cannot be
// (and need not be) reported.
//
// Cheap enough per IO: a division, a multiply-xorshift hash and a modulo;
// no allocation, no state.  Copyable, thread-safe (const).
#ifndef IOPULSE_VERIFY_DEDUPE_LAYOUT_H_
#define IOPULSE_VERIFY_DEDUPE_LAYOUT_H_

#include <cstdint>
#include <optional>

#include "job/content_spec.h"
#include "job/mix64.h"

namespace iopulse {

class DedupeLayout {
 public:
  // Inactive (every block unique) when content.dedupe_percent is 0.
  // content.working_set is in blocks of `block_size`.
  DedupeLayout(const ContentSpec& content, uint32_t block_size)
      : percent_(content.dedupe_percent),
        block_size_(block_size == 0 ? 1 : block_size),
        working_set_(content.working_set == 0 ? 1 : content.working_set),
        seed_(content.seed) {}

  bool active() const { return percent_ != 0; }

  // The working-set block the block at `offset` (block-aligned) holds, or
  // nullopt when it holds a unique block.
  std::optional<uint64_t> working_set_block(uint64_t offset) const {
    if (percent_ == 0) return std::nullopt;
    const uint64_t i = offset / block_size_;
    if ((i + 1) * percent_ / 100 == i * percent_ / 100) return std::nullopt;
    return mix64(seed_ ^ mix64(i + 0x3c6ef372fe94f82aULL)) % working_set_;
  }

 private:
  uint64_t percent_;
  uint64_t block_size_;
  uint64_t working_set_;
  uint64_t seed_;
};

}  // namespace iopulse

#endif  // IOPULSE_VERIFY_DEDUPE_LAYOUT_H_
