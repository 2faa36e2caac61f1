// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// PassTiling: how a complete pass with several IO sizes covers its regions
// exactly once (docs/design.md, "Complete pass").
//
// Sizes are counted in units (the smallest size).  Every region is cut into
// frames of F units, F = the least common multiple of the sizes; a region
// whose length is not a multiple of F ends in one shorter tail frame.  Each
// frame is tiled by one size: size i with probability proportional to
// weight_i * size_i, drawn from a hash of (seed, frame), so the number of
// IOs of each size follows the weights.  A tail frame is tiled by one of the
// sizes that divide its length, with the same weights (the smallest always
// does).
//
// The pass walks "slots": slot s is piece s % F of frame s / F; it is an IO
// when the frame's tiling has that many pieces, and empty otherwise.  A
// walk over every slot (in order, or through a BlockPermutation) therefore
// issues every IO of the tiling once: together they cover every unit of
// every region exactly once and never cross a region's end.  Slots per IO:
// the mean IO size in units (plan() refuses mixes where that is above
// kMaxSlotsPerIo).
//
// piece() is on the per-IO path of such a pass: a division, a hash and a
// few comparisons, no allocation (a binary search over regions for a file
// set with regions of unequal length).  Immutable; may be shared.
#ifndef IOPULSE_WORKLOAD_PASS_TILING_H_
#define IOPULSE_WORKLOAD_PASS_TILING_H_

#include <cstdint>
#include <string_view>
#include <vector>

#include "job/block_size_mix.h"

namespace iopulse {

class PassTiling {
 public:
  static constexpr uint64_t kMaxSlotsPerIo = 1024;
  static constexpr uint64_t kMaxFrameUnits = uint64_t{1} << 24;

  // `region_units`: the length of each region in units, laid end to end.
  // Throws UsageError naming `option` when the mix cannot tile a pass: a
  // range (MIN-MAX), a size that is not a multiple of the smallest, a frame above
  // kMaxFrameUnits units, or more than kMaxSlotsPerIo slots per IO.
  // ios() is counted only with `count_ios` (one hash per frame).
  PassTiling(const BlockSizeMix& mix, const std::vector<uint64_t>& region_units, uint64_t seed,
             std::string_view option, bool count_ios = true);

  // Slots to walk: frames * F.
  uint64_t slots() const { return frames_ * frame_units_; }
  // IOs in the whole tiling (counted at construction with count_ios).
  uint64_t ios() const { return ios_; }

  // Slot `s` (< slots()): false when empty; otherwise its first unit in the
  // regions laid end to end and its length in units.
  bool piece(uint64_t s, uint64_t* first_unit, uint32_t* units) const {
    const uint64_t frame = s / frame_units_;
    const uint64_t j = s % frame_units_;
    uint64_t frame_first, frame_len;
    frame_span(frame, &frame_first, &frame_len);
    const uint32_t size = size_of(frame, frame_len);
    if ((j + 1) * size > frame_len) return false;
    *first_unit = frame_first + j * size;
    *units = size;
    return true;
  }

 private:
  struct Size {
    uint32_t units;
    double weight;  // weight * size, normalized over all sizes
  };
  // Frame `frame`'s first unit and length in units.
  void frame_span(uint64_t frame, uint64_t* first, uint64_t* len) const;
  // The size tiling frame `frame` of `len` units.
  uint32_t size_of(uint64_t frame, uint64_t len) const;

  std::vector<Size> sizes_;
  std::vector<uint64_t> thresholds_;     // cumulative byte weights of full frames, as 64-bit fractions
  std::vector<uint64_t> region_first_;   // first unit of each region
  std::vector<uint64_t> region_len_;     // units of each region
  std::vector<uint64_t> frame_first_;    // first frame of each region
  uint64_t frame_units_ = 1;
  uint64_t frames_ = 0;
  uint64_t ios_ = 0;
  uint64_t seed_;
};

}  // namespace iopulse

#endif  // IOPULSE_WORKLOAD_PASS_TILING_H_
