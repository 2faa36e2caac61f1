// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// HeatmapObserver: --heatmap as an IoObserver.  Every read and write that
// succeeded marks the units it touched in the worker's AccessHeatmap
// (syncs and trims touch no data).
#ifndef IOPULSE_RUN_HEATMAP_OBSERVER_H_
#define IOPULSE_RUN_HEATMAP_OBSERVER_H_

#include <cstdint>
#include <vector>

#include "run/io_observer.h"
#include "run/io_source.h"  // OpenRegion
#include "stats/access_heatmap.h"

namespace iopulse {

class HeatmapObserver final : public IoObserver {
 public:
  // A heatmap of `working_set_bytes` (every target file laid end to end,
  // OpenRegion::heat_base says where each file starts) in `buckets`
  // buckets of whole `unit`s.  `regions` outlives the observer.
  HeatmapObserver(const std::vector<OpenRegion>& regions, uint64_t working_set_bytes, uint32_t unit,
                  uint32_t buckets)
      : regions_(regions), heatmap_(working_set_bytes, unit, buckets) {}

  bool completed(IoSlot& slot, const IoCompletion& c) override {
    if (c.ok && slot.block != IoSlot::kNoBlock && slot.io.op != IOP_OP_TRIM) {
      heatmap_.record(regions_[slot.region].heat_base + slot.io.offset, slot.io.len, slot.io.op == IOP_OP_WRITE);
    }
    return false;
  }

  const AccessHeatmap& heatmap() const { return heatmap_; }

 private:
  const std::vector<OpenRegion>& regions_;
  AccessHeatmap heatmap_;
};

}  // namespace iopulse

#endif  // IOPULSE_RUN_HEATMAP_OBSERVER_H_
