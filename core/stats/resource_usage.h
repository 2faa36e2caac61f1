// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// ResourceUsage: what the iopulse process cost the machine during the
// measured window, from getrusage(RUSAGE_SELF) read at its start and end.
#ifndef IOPULSE_STATS_RESOURCE_USAGE_H_
#define IOPULSE_STATS_RESOURCE_USAGE_H_

#include <cstdint>

namespace iopulse {

struct ResourceUsage {
  double user_s = 0;
  double system_s = 0;
  uint64_t voluntary_switches = 0;    // the process waited (IO, sleep)
  uint64_t involuntary_switches = 0;  // the process was preempted
  uint64_t max_rss_bytes = 0;         // peak resident set size of the process so far

  // The process totals now.
  static ResourceUsage now();
  // Adds `other` (another phase or process): times and switches summed,
  // the peak RSS the larger of the two.
  void add(const ResourceUsage& other);

  // The usage between `before` and `after` (max_rss is `after`'s).
  static ResourceUsage between(const ResourceUsage& before, const ResourceUsage& after);
};

}  // namespace iopulse

#endif  // IOPULSE_STATS_RESOURCE_USAGE_H_
