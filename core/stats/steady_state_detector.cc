// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "stats/steady_state_detector.h"

#include <algorithm>
#include <cmath>

namespace iopulse {

SteadyStateDetector::SteadyStateDetector(const SteadyStateSpec& spec, uint64_t interval_ns)
    : spec_(spec),
      window_samples_(std::max<size_t>(2, static_cast<size_t>(spec.duration_ns / std::max<uint64_t>(1, interval_ns)))),
      interval_s_(static_cast<double>(interval_ns) / 1e9) {}

bool SteadyStateDetector::add(uint64_t start_ns, uint64_t end_ns, double iops, double bw) {
  if (attained() || start_ns < spec_.ramp_ns || end_ns <= start_ns) return attained();
  samples_.push_back({iops, bw});
  if (samples_.size() > window_samples_) samples_.pop_front();
  if (samples_.size() == window_samples_) evaluate(end_ns);
  return attained();
}

void SteadyStateDetector::evaluate(uint64_t end_ns) {
  const double n = static_cast<double>(samples_.size());
  double sum = 0;
  for (const Sample& v : samples_) sum += metric(v);
  mean_ = sum / n;
  max_deviation_ = 0;
  for (const Sample& v : samples_) max_deviation_ = std::max(max_deviation_, std::abs(metric(v) - mean_));
  // Least squares over x = 0, 1, ..., n-1 intervals, per second.
  const double x_mean = (n - 1) / 2;
  double sxy = 0, sxx = 0;
  for (size_t i = 0; i < samples_.size(); ++i) {
    const double dx = static_cast<double>(i) - x_mean;
    sxy += dx * (metric(samples_[i]) - mean_);
    sxx += dx * dx;
  }
  slope_ = sxx > 0 ? sxy / sxx / interval_s_ : 0;
  evaluated_ = true;
  const double limit = spec_.percent ? spec_.limit / 100 * mean_ : spec_.limit;
  const double measured = spec_.slope() ? std::abs(slope_) : max_deviation_;
  if (measured <= limit && mean_ > 0) attained_ns_ = end_ns;
}

nlohmann::json SteadyStateDetector::to_json() const {
  nlohmann::json j = {{"criterion", spec_.text()},
                      {"duration_ns", spec_.duration_ns},
                      {"ramp_ns", spec_.ramp_ns},
                      {"attained", attained()}};
  j["attained_at_ns"] = attained() ? nlohmann::json(attained_ns_) : nlohmann::json();
  j["samples"] = evaluated_ ? samples_.size() : 0;
  if (evaluated_) {
    j["mean"] = mean_;
    j["max_deviation"] = max_deviation_;
    j["slope_per_s"] = slope_;
    nlohmann::json iops = nlohmann::json::array(), bw = nlohmann::json::array();
    for (const Sample& v : samples_) {
      iops.push_back(v.iops);
      bw.push_back(v.bw);
    }
    j["iops"] = std::move(iops);
    j["bw"] = std::move(bw);
  }
  return j;
}

}  // namespace iopulse
