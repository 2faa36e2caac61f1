// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// AccessHeatmap: where in the target a run's IOs went.  The working set (all
// target files laid end to end) is divided into `buckets` equal regions with
// a count of reads and writes each; two bitmaps over coverage units record
// which units were touched and which were written, giving coverage (units
// touched / units) and the rewrite share (written units that were written
// again).  One per worker, kept without locks, merged at the end by adding
// counts and OR-ing bitmaps.  record() is on the per-IO path when --heatmap
// is on: one division and a bit set or two.
#ifndef IOPULSE_STATS_ACCESS_HEATMAP_H_
#define IOPULSE_STATS_ACCESS_HEATMAP_H_

#include <cstdint>
#include <vector>

#include <nlohmann/json.hpp>

namespace iopulse {

class AccessHeatmap {
 public:
  // Coverage bitmaps are capped at kMaxUnits bits; larger working sets are
  // tracked with a coarser unit (a power-of-two multiple of `unit_bytes`).
  static constexpr uint64_t kMaxUnits = uint64_t{1} << 26;

  AccessHeatmap(uint64_t working_set_bytes, uint32_t unit_bytes, uint32_t buckets);

  void record(uint64_t offset, uint32_t len, bool write) {
    const uint64_t bucket = offset / bytes_per_bucket_;
    (write ? writes_ : reads_)[bucket < buckets_ ? bucket : buckets_ - 1] += 1;
    const uint64_t first = offset >> unit_shift_;
    const uint64_t last = (offset + (len > 0 ? len - 1 : 0)) >> unit_shift_;
    for (uint64_t u = first; u <= last && u < units_; ++u) {
      touched_[u >> 6] |= uint64_t{1} << (u & 63);
      if (write) {
        written_[u >> 6] |= uint64_t{1} << (u & 63);
        ++units_written_;
      }
    }
  }

  void merge(const AccessHeatmap& other);

  uint32_t buckets() const { return buckets_; }
  uint64_t bytes_per_bucket() const { return bytes_per_bucket_; }
  const std::vector<uint64_t>& reads() const { return reads_; }
  const std::vector<uint64_t>& writes() const { return writes_; }
  uint64_t unit_bytes() const { return uint64_t{1} << unit_shift_; }
  double coverage() const;       // units touched / units
  double rewrite_share() const;  // share of unit writes that went to a unit written before
  double top20_share() const;    // share of accesses in the busiest 20% of buckets

  nlohmann::json to_json() const;

 private:
  uint64_t working_set_bytes_;
  uint32_t buckets_;
  uint64_t bytes_per_bucket_;    // ceil(working set / buckets)
  unsigned unit_shift_;
  uint64_t units_;
  std::vector<uint64_t> reads_, writes_;
  std::vector<uint64_t> touched_, written_;  // bitmaps over units
  uint64_t units_written_ = 0;               // units covered by writes, repeats included
};

}  // namespace iopulse

#endif  // IOPULSE_STATS_ACCESS_HEATMAP_H_
