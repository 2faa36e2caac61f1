// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// Per-interval statistics.  Every worker closes an interval when its clock
// crosses an interval boundary (boundaries are multiples of the stats
// interval from the start of the measured window) and hands the interval's
// own statistics, histograms included, to the TimeSeriesAssembler.  The
// cumulative statistics are the sum of the intervals, so the time series
// always adds up to the totals.
#ifndef IOPULSE_STATS_INTERVAL_STATS_H_
#define IOPULSE_STATS_INTERVAL_STATS_H_

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "stats/op_stats_set.h"

namespace iopulse {

// One worker's statistics for one interval.
struct WorkerInterval {
  uint32_t worker = 0;
  uint64_t index = 0;          // interval number since the window opened
  OpStatsSet ops;              // IOs reaped during the interval
  uint64_t inflight_sum = 0;   // sum over reap calls of the IOs in flight
  uint64_t reap_calls = 0;
  bool last = false;           // the worker's final, possibly partial, interval
};

// The numbers one op kind shows for one interval (no histogram).
struct OpIntervalSummary {
  uint64_t ops = 0, bytes = 0, errors = 0;
  double iops = 0, bw_bytes_per_sec = 0;
  uint64_t lat_min = 0, lat_max = 0, lat_p50 = 0, lat_p90 = 0, lat_p99 = 0, lat_p999 = 0;
  double lat_mean = 0;
};

// With --io-priority: an interval's reads and writes again by the priority
// they carried (stats/priority_split.h): `prioritized` the job's priority,
// `others` none.  Each successful read or write is in exactly one group.
struct PriorityIntervalSummary {
  OpIntervalSummary prioritized_read, prioritized_write;
  OpIntervalSummary others_read, others_write;
};

// One interval of the time series, for the job or for one worker.
struct IntervalSummary {
  int64_t worker = -1;         // -1: all workers
  std::string phase;           // the job-file phase it belongs to, if any
  uint64_t index = 0;
  uint64_t start_ns = 0;       // relative to the window start
  uint64_t end_ns = 0;         // shorter than a full interval for the last one
  OpIntervalSummary total;     // reads + writes
  double qd_mean = 0;          // average IOs in flight seen at each reap
  // Set when the interval's reads and writes were counted by priority (a
  // job with --io-priority that completed some in the interval).
  // Shared and never changed once made: copies of a summary share it.
  std::shared_ptr<const PriorityIntervalSummary> priority;

  // Per op kind: an all-zero summary for a kind the interval had none of.
  const OpIntervalSummary& operator[](OpKind k) const;
  // The kind's summary, to fill in (made when the kind has none yet).
  OpIntervalSummary& kind(OpKind k);
  const OpIntervalSummary& read() const { return (*this)[OpKind::kRead]; }
  const OpIntervalSummary& write() const { return (*this)[OpKind::kWrite]; }
  // Failed IOs of every kind.
  uint64_t errors() const;

  static IntervalSummary of(const OpStatsSet& ops, uint64_t index, uint64_t start_ns,
                            uint64_t end_ns, uint64_t inflight_sum, uint64_t reap_calls,
                            int64_t worker);
  // The interval's JSON object (docs/json-output.md): read, write and total
  // always; other kinds (sync) only when the interval had any of them;
  // "priority" when `priority` is set.
  nlohmann::json to_json() const;

 private:
  // The data kinds always; a metadata kind only when the interval had some
  // (in OpKind order).  A run keeps up to RunResult::kMaxStoredIntervals
  // summaries, most of them of jobs that never touch the metadata kinds:
  // stored densely, those ten kinds were three quarters of each summary.
  std::array<OpIntervalSummary, kFirstMetaKind> data_kinds_;
  std::vector<std::pair<OpKind, OpIntervalSummary>> meta_kinds_;
};

}  // namespace iopulse

#endif  // IOPULSE_STATS_INTERVAL_STATS_H_
