// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// BlockSizeMix: the size of each IO, one size, several with weights, or a
// range (--block-size 4k, --block-size 4k:70,64k:30, --block-size 4k-64k,
// and the same for --read-block-size and --write-block-size).
//
// Text: entries separated by ','; an entry is SIZE or SIZE:WEIGHT, where SIZE
// is parsed by parse_size (binary suffixes: 4k = 4096) and must be 1 byte to
// 1G, and WEIGHT is a whole number of percent from 1 to 100.  A single size
// may omit its weight (or give 100); with several sizes every entry has a
// weight, the weights add up to 100 and no size appears twice.  At most 16
// entries.  Or the whole text is MIN-MAX (MIN < MAX): a range, drawn as
// fio's bsrange draws it: a length uniform in [MIN, MIN + MAX) rounded down
// to a multiple of MIN and capped at MAX, so each multiple of MIN up to MAX
// has the share MIN / MAX, and a MAX that is not a multiple of MIN the
// share (MAX mod MIN) / MAX.
//
// A value type of the job spec: what the mix is, not how sizes are drawn
// (workload/block_size_sampler.h draws them).  No allocation: the entries
// live in a fixed array.
#ifndef IOPULSE_JOB_BLOCK_SIZE_MIX_H_
#define IOPULSE_JOB_BLOCK_SIZE_MIX_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace iopulse {

class BlockSizeMix {
 public:
  struct Entry {
    uint32_t size;    // bytes
    uint32_t weight;  // percent, 1..100
    bool operator==(const Entry&) const = default;
  };

  static constexpr size_t kMaxEntries = 16;
  static constexpr uint64_t kMaxSize = uint64_t{1} << 30;

  // One size, 4096 bytes.
  BlockSizeMix() : BlockSizeMix(4096) {}

  // One size, 1 <= size <= kMaxSize.
  explicit BlockSizeMix(uint32_t size);

  // Parses `text` as described above.  Throws UsageError (one line) naming
  // `option`, e.g. "--block-size: weights add up to 90; accepted: weights
  // that sum to 100".
  static BlockSizeMix parse(std::string_view option, std::string_view text);

  // Throws UsageError unless every size is a multiple of `align` (> 0), e.g.
  // the logical block size for O_DIRECT: "--block-size: 6k (6144 bytes) is
  // not a multiple of 4096; accepted: multiples of 4096".
  void require_multiple_of(uint32_t align, std::string_view option) const;
  // A size the mix draws that is not a multiple of `align` (> 0); 0: none.
  uint32_t size_not_multiple_of(uint32_t align) const;

  bool single() const { return count_ == 1; }
  // MIN-MAX: entries() is empty; min_size() and max_size() are the range's.
  bool range() const { return count_ == 0; }
  uint32_t min_size() const { return min_size_; }
  uint32_t max_size() const { return max_size_; }
  // The weighted mean size in bytes (sum of size * weight / 100).
  double mean_size() const;
  // In the order given (none for a range).
  std::span<const Entry> entries() const { return {entries_.data(), count_}; }
  bool operator==(const BlockSizeMix&) const = default;

  // The effective configuration in the accepted syntax: "4k", "4k:70,64k:30",
  // "512:50,1m:50", "4k-64k" (sizes that are a whole number of k, m or g are written so).
  std::string to_string() const;

 private:
  std::array<Entry, kMaxEntries> entries_{};
  size_t count_ = 0;
  uint32_t min_size_ = 0;
  uint32_t max_size_ = 0;
};

}  // namespace iopulse

#endif  // IOPULSE_JOB_BLOCK_SIZE_MIX_H_
