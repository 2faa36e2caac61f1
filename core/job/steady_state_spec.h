// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// Steady-state detection, as fio's ss, ss_dur and ss_ramp: the run stops
// once the job's IOPS or bandwidth has been steady over a rolling window.
//   --steady-state METRIC:LIMIT   iops, bw: every interval of the window is
//                                 within LIMIT of the window's mean;
//                                 iops_slope, bw_slope: the least-squares
//                                 slope over the window, per second, is at
//                                 most LIMIT.  LIMIT is a number (IOPS,
//                                 bytes/s; IOPS/s, bytes/s/s for slopes) or
//                                 a percentage of the window's mean ("10%").
//   --steady-state-duration T     the rolling window (required)
//   --steady-state-ramp T         time before samples are taken
// The samples are the job's intervals (--stats-interval); the check runs at
// each interval's end (stats/steady_state_detector.h).
#ifndef IOPULSE_JOB_STEADY_STATE_SPEC_H_
#define IOPULSE_JOB_STEADY_STATE_SPEC_H_

#include <cstdint>
#include <string>

namespace iopulse {

struct SteadyStateSpec {
  enum class Metric { kNone, kIops, kBw, kIopsSlope, kBwSlope };
  Metric metric = Metric::kNone;
  double limit = 0;      // >= 0
  bool percent = false;  // limit is a percentage of the window's mean
  uint64_t duration_ns = 0;
  uint64_t ramp_ns = 0;

  bool active() const { return metric != Metric::kNone; }
  bool slope() const { return metric == Metric::kIopsSlope || metric == Metric::kBwSlope; }
  bool bandwidth() const { return metric == Metric::kBw || metric == Metric::kBwSlope; }
  // "iops", "bw_slope", ...
  const char* metric_name() const;
  // "iops:10%": what --steady-state was given, normalised.
  std::string text() const;

  // Parses "METRIC:LIMIT"; throws UsageError naming `label` and what is
  // accepted.
  static SteadyStateSpec parse(const std::string& text, const std::string& label);
  bool operator==(const SteadyStateSpec&) const = default;
};

}  // namespace iopulse

#endif  // IOPULSE_JOB_STEADY_STATE_SPEC_H_
