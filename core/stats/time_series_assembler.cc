// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "stats/time_series_assembler.h"

#include <algorithm>

namespace iopulse {

TimeSeriesAssembler::TimeSeriesAssembler(uint32_t workers, bool keep_per_worker)
    : keep_per_worker_(keep_per_worker), highest_(workers, -1), finished_(workers, false), abandoned_(workers, false) {}

void TimeSeriesAssembler::deliver(WorkerInterval&& interval) {
  std::lock_guard<std::mutex> lock(mu_);
  if (abandoned_[interval.worker]) return;
  const int64_t index = static_cast<int64_t>(interval.index);
  highest_[interval.worker] = std::max(highest_[interval.worker], index);
  // A worker closes an interval when its clock passes the interval's end,
  // except for its last one, which ends when the worker stops.
  full_through_ = std::max(full_through_, interval.last ? index - 1 : index);
  MergedInterval& m = pending_[interval.index];
  m.index = interval.index;
  m.ops.merge(interval.ops);
  m.inflight_sum += interval.inflight_sum;
  m.reap_calls += interval.reap_calls;
  if (keep_per_worker_) m.per_worker.push_back(std::move(interval));
}

void TimeSeriesAssembler::abandon(uint32_t worker) {
  std::lock_guard<std::mutex> lock(mu_);
  finished_[worker] = true;
  abandoned_[worker] = true;
}

void TimeSeriesAssembler::finish(uint32_t worker) {
  std::lock_guard<std::mutex> lock(mu_);
  finished_[worker] = true;
}

std::vector<MergedInterval> TimeSeriesAssembler::take_complete(bool all) {
  std::lock_guard<std::mutex> lock(mu_);
  // Interval k is complete when no unfinished worker can still deliver it.
  // Only intervals some worker has moved past are certainly full.
  int64_t complete_through = full_through_;
  for (size_t w = 0; w < highest_.size(); ++w) {
    if (!finished_[w]) complete_through = std::min(complete_through, highest_[w]);
  }
  std::vector<MergedInterval> out;
  if (all) complete_through = pending_.empty() ? -1 : static_cast<int64_t>(pending_.rbegin()->first);
  while (complete_through >= 0 && static_cast<int64_t>(next_index_) <= complete_through) {
    auto it = pending_.find(next_index_);
    if (it != pending_.end()) {
      out.push_back(std::move(it->second));
      pending_.erase(it);
    } else {
      MergedInterval empty;  // nobody reaped anything during this interval
      empty.index = next_index_;
      out.push_back(std::move(empty));
    }
    ++next_index_;
  }
  for (MergedInterval& m : out) {
    std::sort(m.per_worker.begin(), m.per_worker.end(),
              [](const WorkerInterval& a, const WorkerInterval& b) { return a.worker < b.worker; });
  }
  return out;
}

}  // namespace iopulse
