// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// OpStats: the counters of one op kind (read or write), for one worker or
// merged across workers, intervals, phases or hosts.
//
//   ops     IOs that completed successfully
//   bytes   bytes those IOs transferred (the sum of their completed sizes)
//   errors  IOs that failed; they add nothing to ops, bytes or latency
//   latency one value per successful IO, from submission to completion, ns
//
// A plain value type: the owning worker updates it without atomics or locks;
// everyone else reads copies.
#ifndef IOPULSE_STATS_OP_STATS_H_
#define IOPULSE_STATS_OP_STATS_H_

#include <cstdint>

#include "stats/latency_histogram.h"

namespace iopulse {

struct OpStats {
  uint64_t ops = 0;
  uint64_t bytes = 0;
  uint64_t errors = 0;
  LatencyHistogram latency;

  // Adds `other` as if its IOs had been counted here.
  void merge(const OpStats& other) {
    ops += other.ops;
    bytes += other.bytes;
    errors += other.errors;
    latency.merge(other.latency);
  }
};

// Completed IOs per second over a window of `window_ns`; 0 for an empty window.
inline double iops(const OpStats& stats, uint64_t window_ns) {
  if (window_ns == 0) return 0.0;
  return static_cast<double>(stats.ops) * 1e9 / static_cast<double>(window_ns);
}

// Completed bytes per second over a window of `window_ns`; 0 for an empty window.
inline double bandwidth_bytes_per_sec(const OpStats& stats, uint64_t window_ns) {
  if (window_ns == 0) return 0.0;
  return static_cast<double>(stats.bytes) * 1e9 / static_cast<double>(window_ns);
}

}  // namespace iopulse

#endif  // IOPULSE_STATS_OP_STATS_H_
