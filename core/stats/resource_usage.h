// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// ResourceUsage: what the iopulse process cost the machine during the
// measured window, from getrusage(RUSAGE_SELF) read at its start and end.
#ifndef IOPULSE_STATS_RESOURCE_USAGE_H_
#define IOPULSE_STATS_RESOURCE_USAGE_H_

#include <cstdint>
#include <optional>

namespace iopulse {

struct ResourceUsage {
  double user_s = 0;
  double system_s = 0;
  uint64_t voluntary_switches = 0;    // the process waited (IO, sleep)
  uint64_t involuntary_switches = 0;  // the process was preempted
  uint64_t max_rss_bytes = 0;         // peak resident set size of the process so far

  // The process totals now.
  static ResourceUsage now();
  // The calling thread's totals now (getrusage(RUSAGE_THREAD)); max_rss is
  // still the process's.
  static ResourceUsage thread_now();
  // Adds `other` (another phase or process): times and switches summed,
  // the peak RSS the larger of the two.
  void add(const ResourceUsage& other);

  // The usage between `before` and `after` (max_rss is `after`'s).
  static ResourceUsage between(const ResourceUsage& before, const ResourceUsage& after);

  // The cores kept busy over a window of `window_ns` (user + system time
  // over the window; 1.0 = one core), or nothing when the window is shorter
  // than kShortestWindowForShareNs (or 0).  The process's CPU time includes
  // a thread running on another CPU only up to that CPU's last scheduler
  // tick (a few ms), so over a window of a few ticks the share says nothing
  // (a 70 us phase read as 40 cores); the times themselves are still given.
  static constexpr uint64_t kShortestWindowForShareNs = 100'000'000;
  std::optional<double> busy_cores(uint64_t window_ns) const;
};

}  // namespace iopulse

#endif  // IOPULSE_STATS_RESOURCE_USAGE_H_
