// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// SteadyStateDetector: fio's steady-state criteria over the job's
// intervals.  The monitor adds each complete interval's IOPS and
// bandwidth; once the ramp is over and the rolling window (the last
// duration / interval samples) is full, attained() says whether the
// window meets the criterion of job/steady_state_spec.h:
//   iops, bw               max |sample - mean| <= limit (or limit% of mean)
//   iops_slope, bw_slope   |least-squares slope| per second <= limit (or
//                          limit% of mean, per second)
// Off the IO path: one call per interval.  Memory: the window's samples.
#ifndef IOPULSE_STATS_STEADY_STATE_DETECTOR_H_
#define IOPULSE_STATS_STEADY_STATE_DETECTOR_H_

#include <cstdint>
#include <deque>

#include <nlohmann/json.hpp>

#include "job/steady_state_spec.h"

namespace iopulse {

class SteadyStateDetector {
 public:
  SteadyStateDetector(const SteadyStateSpec& spec, uint64_t interval_ns);

  // Adds the interval [start_ns, end_ns) of the window (ns from its start)
  // with its IOPS and bandwidth (bytes/s); returns attained().  Intervals
  // that end within the ramp are not samples.
  bool add(uint64_t start_ns, uint64_t end_ns, double iops, double bw);
  bool attained() const { return attained_ns_ != 0; }

  // {"criterion", "duration_ns", "ramp_ns", "attained", "attained_at_ns",
  //  "samples", "mean", "max_deviation", "slope_per_s", "iops", "bw"}: the
  // window at attainment, else the last full window; "iops" and "bw" are its
  // intervals' values, oldest first (docs/json-output.md).
  nlohmann::json to_json() const;

 private:
  void evaluate(uint64_t end_ns);

  SteadyStateSpec spec_;
  size_t window_samples_;  // fixed before interval_s_ (declaration order)
  struct Sample {
    double iops, bw;
  };
  double metric(const Sample& s) const { return spec_.bandwidth() ? s.bw : s.iops; }

  std::deque<Sample> samples_;  // the window: at most window_samples_, oldest first
  uint64_t attained_ns_ = 0;
  double mean_ = 0, max_deviation_ = 0, slope_ = 0;
  const double interval_s_;
  bool evaluated_ = false;
};

}  // namespace iopulse

#endif  // IOPULSE_STATS_STEADY_STATE_DETECTOR_H_
