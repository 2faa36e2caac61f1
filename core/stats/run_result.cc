// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "stats/run_result.h"

#include <algorithm>

namespace iopulse {

void RunResult::add_phase(const RunResult& p) {
  const uint64_t offset = window_ns;
  MeasuredCounters::merge(p);
  // The priority split adds up only over phases that asked for one
  // priority; a phase without --io-priority brings an empty split, and one
  // whose groups asked for different ones (mixed) none.
  if (p.mixed_priorities) mixed_priorities = true;
  if (p.io_priority != 0 && !mixed_priorities) {
    if (io_priority == 0) {
      io_priority = p.io_priority;
      io_priority_percent = p.io_priority_percent;
      io_priority_others = p.io_priority_others;
    }
    if (io_priority != p.io_priority || io_priority_percent != p.io_priority_percent ||
        io_priority_others != p.io_priority_others) {
      mixed_priorities = true;
    }
  }
  if (mixed_priorities) {
    io_priority = 0;
    io_priority_percent = 0;
    io_priority_others = 0;
    priority.clear();
  }
  worker_ops = p.worker_ops;  // the last phase's
  window_ns += p.window_ns;
  resources.add(p.resources);
  cores_used = std::max(cores_used, p.cores_used);
  interrupted |= p.interrupted;
  stop_reason = p.stop_reason;
  error_messages.insert(error_messages.end(), p.error_messages.begin(), p.error_messages.end());
  if (started_at.empty()) started_at = p.started_at;
  if (first_io_ns == 0) first_io_ns = p.first_io_ns;  // the first phase's
  clock = p.clock;  // the report covers the whole process so far
  stats_interval_ns = p.stats_interval_ns;
  const uint64_t first_index = intervals;
  intervals += p.intervals;
  auto append = [&](std::deque<IntervalSummary>& series, const std::deque<IntervalSummary>& from) {
    for (IntervalSummary s : from) {
      s.index += first_index;
      s.start_ns += offset;
      s.end_ns += offset;
      s.phase = p.phase;
      if (series.size() < kMaxStoredIntervals) {
        series.push_back(std::move(s));
      } else {
        timeseries_truncated = true;
      }
    }
  };
  append(timeseries, p.timeseries);
  append(worker_timeseries, p.worker_timeseries);
  timeseries_truncated |= p.timeseries_truncated;
  if (p.heatmap) {
    if (!heatmap) heatmap = p.heatmap;
    else heatmap->merge(*p.heatmap);
  }
  rate_limited |= p.rate_limited;
  replay_timed |= p.replay_timed;
  locking |= p.locking;
  verifying |= p.verifying;
  if (p.cluster) {
    // Each rank's numbers add up over the phases like the job's; the
    // first-done and last-done views belong to one phase each.
    if (!cluster) {
      cluster = p.cluster;
      cluster->first_done = cluster->last_done = DoneView{};
    } else {
      cluster->start_skew_ns = std::max(cluster->start_skew_ns, p.cluster->start_skew_ns);
      for (size_t r = 0; r < cluster->per_rank.size() && r < p.cluster->per_rank.size(); ++r) {
        RankResult& mine = cluster->per_rank[r];
        const RankResult& theirs = p.cluster->per_rank[r];
        mine.MeasuredCounters::merge(theirs);
        mine.worker_ops = theirs.worker_ops;
        mine.window_ns += theirs.window_ns;
        mine.stop_reason = theirs.stop_reason;
        mine.resources.add(theirs.resources);
      }
    }
  }
  phases.push_back(p);
  phases.back().timeseries.clear();  // kept once, in the run's series
  phases.back().worker_timeseries.clear();
}

}  // namespace iopulse
