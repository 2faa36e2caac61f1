// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "workload/pass_tiling.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include <fmt/format.h>

#include "job/mix64.h"
#include "job/usage_error.h"

namespace iopulse {
namespace {

}  // namespace

PassTiling::PassTiling(const BlockSizeMix& mix, const std::vector<uint64_t>& region_units, uint64_t seed,
                       std::string_view option, bool count_ios)
    : seed_(seed) {
  const uint32_t unit = mix.min_size();
  // A range's frame would be the common multiple of all its sizes (for
  // 4k-64k, 720720 blocks): most files would be one frame of one size.
  if (mix.range()) {
    throw UsageError(fmt::format(
        "{}: the range {} draws its sizes at random, so a complete pass cannot cover the file exactly once; "
        "accepted: a weighted mix such as 4k:50,16k:50, or a stop condition (--duration, --total-ops, "
        "--total-bytes)", option, mix.to_string()));
  }
  double total = 0;
  for (const BlockSizeMix::Entry& e : mix.entries()) {
    const uint32_t size = e.size;
    const double share = e.weight / 100.0;
    if (size % unit != 0) {
      throw UsageError(fmt::format(
          "{}: {} bytes in {} is not a multiple of the smallest size {}, so a complete pass cannot cover the "
          "file exactly once; accepted: sizes that are multiples of the smallest, or a stop condition "
          "(--duration, --total-ops, --total-bytes)", option, size, mix.to_string(), unit));
    }
    const uint32_t units = size / unit;
    frame_units_ = std::lcm(frame_units_, uint64_t{units});
    if (frame_units_ > kMaxFrameUnits) {
      throw UsageError(fmt::format(
          "{}: {} has no common multiple of its sizes below {} times the smallest, so a complete pass cannot be "
          "tiled; accepted: sizes that divide the largest, or a stop condition (--duration, --total-ops, "
          "--total-bytes)", option, mix.to_string(), kMaxFrameUnits));
    }
    sizes_.push_back({units, share * units});
    total += share * units;
  }
  const double mean_units = mix.mean_size() / unit;
  if (mean_units > static_cast<double>(kMaxSlotsPerIo)) {
    throw UsageError(fmt::format(
        "{}: the mean size of {} is {:.0f} times the smallest, too far apart for a complete pass in random order "
        "(at most {}); accepted: closer sizes, or a stop condition (--duration, --total-ops, --total-bytes)",
        option, mix.to_string(), mean_units, kMaxSlotsPerIo));
  }
  double cumulative = 0;
  for (Size& s : sizes_) {
    s.weight /= total;
    cumulative += s.weight;
    thresholds_.push_back(cumulative >= 1.0 ? UINT64_MAX : static_cast<uint64_t>(std::ldexp(cumulative, 64)));
  }
  thresholds_.back() = UINT64_MAX;
  uint64_t first = 0;
  for (uint64_t len : region_units) {
    region_first_.push_back(first);
    region_len_.push_back(len);
    frame_first_.push_back(frames_);
    first += len;
    frames_ += (len + frame_units_ - 1) / frame_units_;
  }
  for (uint64_t f = 0; count_ios && f < frames_; ++f) {
    uint64_t frame_first, len;
    frame_span(f, &frame_first, &len);
    ios_ += len / size_of(f, len);
  }
}

void PassTiling::frame_span(uint64_t frame, uint64_t* first, uint64_t* len) const {
  size_t r = 0;
  if (frame_first_.size() > 1) {
    r = static_cast<size_t>(std::upper_bound(frame_first_.begin(), frame_first_.end(), frame) - frame_first_.begin() - 1);
  }
  const uint64_t k = frame - frame_first_[r];
  *first = region_first_[r] + k * frame_units_;
  *len = std::min(frame_units_, region_len_[r] - k * frame_units_);
}

uint32_t PassTiling::size_of(uint64_t frame, uint64_t len) const {
  const uint64_t h = mix64(seed_ ^ mix64(frame + 0x632be59bd9b4e019ULL));
  if (len == frame_units_) {
    for (size_t i = 0; i + 1 < sizes_.size(); ++i) {
      if (h < thresholds_[i]) return sizes_[i].units;
    }
    return sizes_.back().units;
  }
  // A tail frame: the sizes that divide it, with their weights.
  double total = 0;
  for (const Size& s : sizes_) {
    if (len % s.units == 0) total += s.weight;
  }
  const double pick = std::ldexp(static_cast<double>(h >> 11), -53) * total;
  double cumulative = 0;
  uint32_t chosen = 1;
  for (const Size& s : sizes_) {
    if (len % s.units != 0) continue;
    cumulative += s.weight;
    chosen = s.units;
    if (pick < cumulative) break;
  }
  return chosen;
}

}  // namespace iopulse
