// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "job/steady_state_spec.h"

#include <cmath>
#include <cstdlib>

#include <fmt/format.h>

#include "job/usage_error.h"

namespace iopulse {

const char* SteadyStateSpec::metric_name() const {
  switch (metric) {
    case Metric::kIops: return "iops";
    case Metric::kBw: return "bw";
    case Metric::kIopsSlope: return "iops_slope";
    case Metric::kBwSlope: return "bw_slope";
    case Metric::kNone: break;
  }
  return "none";
}

std::string SteadyStateSpec::text() const {
  return fmt::format("{}:{}{}", metric_name(), limit, percent ? "%" : "");
}

SteadyStateSpec SteadyStateSpec::parse(const std::string& text, const std::string& label) {
  const auto bad = [&] {
    return UsageError(fmt::format("{}: '{}' is not accepted; accepted: METRIC:LIMIT with METRIC iops, bw, "
                                  "iops_slope or bw_slope and LIMIT a number or a percentage of the mean, "
                                  "e.g. iops:10% or bw_slope:0.5%",
                                  label, text));
  };
  const size_t colon = text.find(':');
  if (colon == std::string::npos) throw bad();
  SteadyStateSpec s;
  const std::string metric = text.substr(0, colon);
  if (metric == "iops") s.metric = Metric::kIops;
  else if (metric == "bw") s.metric = Metric::kBw;
  else if (metric == "iops_slope") s.metric = Metric::kIopsSlope;
  else if (metric == "bw_slope") s.metric = Metric::kBwSlope;
  else throw bad();
  std::string limit = text.substr(colon + 1);
  if (!limit.empty() && limit.back() == '%') {
    s.percent = true;
    limit.pop_back();
  }
  char* end = nullptr;
  s.limit = limit.empty() ? -1 : std::strtod(limit.c_str(), &end);
  if (limit.empty() || end != limit.c_str() + limit.size() || !std::isfinite(s.limit) || s.limit < 0 ||
      (s.percent && s.limit > 100)) {
    throw bad();
  }
  return s;
}

}  // namespace iopulse
