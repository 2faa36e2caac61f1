// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "stats/access_heatmap.h"

#include <algorithm>
#include <bit>
#include <functional>

namespace iopulse {

AccessHeatmap::AccessHeatmap(uint64_t working_set_bytes, uint32_t unit_bytes, uint32_t buckets)
    : working_set_bytes_(std::max<uint64_t>(working_set_bytes, 1)),
      buckets_(std::max<uint32_t>(buckets, 1)),
      reads_(buckets_),
      writes_(buckets_) {
  bytes_per_bucket_ = (working_set_bytes_ + buckets_ - 1) / buckets_;
  unit_shift_ = static_cast<unsigned>(std::bit_width(std::max<uint32_t>(unit_bytes, 1)) - 1);
  while (((working_set_bytes_ + (uint64_t{1} << unit_shift_) - 1) >> unit_shift_) > kMaxUnits) ++unit_shift_;
  units_ = (working_set_bytes_ + (uint64_t{1} << unit_shift_) - 1) >> unit_shift_;
  touched_.assign((units_ + 63) / 64, 0);
  written_.assign((units_ + 63) / 64, 0);
}

void AccessHeatmap::merge(const AccessHeatmap& other) {
  for (uint32_t i = 0; i < buckets_ && i < other.buckets_; ++i) {
    reads_[i] += other.reads_[i];
    writes_[i] += other.writes_[i];
  }
  for (size_t i = 0; i < touched_.size() && i < other.touched_.size(); ++i) {
    touched_[i] |= other.touched_[i];
    written_[i] |= other.written_[i];
  }
  units_written_ += other.units_written_;
}

double AccessHeatmap::coverage() const {
  uint64_t touched = 0;
  for (uint64_t w : touched_) touched += static_cast<uint64_t>(std::popcount(w));
  return units_ == 0 ? 0.0 : static_cast<double>(touched) / static_cast<double>(units_);
}

double AccessHeatmap::rewrite_share() const {
  uint64_t unique = 0;
  for (uint64_t w : written_) unique += static_cast<uint64_t>(std::popcount(w));
  if (units_written_ == 0) return 0.0;
  return 1.0 - static_cast<double>(unique) / static_cast<double>(units_written_);
}

double AccessHeatmap::top20_share() const {
  std::vector<uint64_t> counts(buckets_);
  uint64_t total = 0;
  for (uint32_t i = 0; i < buckets_; ++i) {
    counts[i] = reads_[i] + writes_[i];
    total += counts[i];
  }
  if (total == 0) return 0.0;
  std::sort(counts.begin(), counts.end(), std::greater<>());
  const size_t top = std::max<size_t>(1, (buckets_ + 4) / 5);
  uint64_t hot = 0;
  for (size_t i = 0; i < top; ++i) hot += counts[i];
  return static_cast<double>(hot) / static_cast<double>(total);
}

nlohmann::json AccessHeatmap::to_json() const {
  return {{"buckets", buckets_},
          {"bytes_per_bucket", bytes_per_bucket()},
          {"reads", reads_},
          {"writes", writes_},
          {"coverage", coverage()},
          {"coverage_unit_bytes", unit_bytes()},
          {"rewrite_share", rewrite_share()},
          {"top20_share", top20_share()}};
}

}  // namespace iopulse
