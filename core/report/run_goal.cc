// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "report/run_goal.h"

#include <algorithm>

namespace iopulse {
namespace {

double fraction(uint64_t done, uint64_t limit) {
  return std::min(1.0, static_cast<double>(done) / static_cast<double>(limit));
}

// Time until `done` reaches `limit` at the average rate so far.
std::optional<uint64_t> time_left(uint64_t elapsed_ns, uint64_t done, uint64_t limit) {
  if (done >= limit) return uint64_t{0};
  if (done == 0 || elapsed_ns == 0) return std::nullopt;
  return static_cast<uint64_t>(static_cast<double>(limit - done) * static_cast<double>(elapsed_ns) /
                               static_cast<double>(done));
}

}  // namespace

std::optional<double> RunGoal::share(uint64_t elapsed_ns, uint64_t ops_done, uint64_t bytes_done) const {
  std::optional<double> best;
  auto consider = [&best](double s) { best = std::max(best.value_or(0.0), s); };
  if (duration_ns != 0) consider(fraction(elapsed_ns, duration_ns));
  if (ops != 0) consider(fraction(ops_done, ops));
  if (bytes != 0) consider(fraction(bytes_done, bytes));
  return best;
}

std::optional<uint64_t> RunGoal::eta_ns(uint64_t elapsed_ns, uint64_t ops_done, uint64_t bytes_done) const {
  std::optional<uint64_t> best;
  auto consider = [&best](std::optional<uint64_t> left) {
    if (left) best = std::min(best.value_or(UINT64_MAX), *left);
  };
  if (duration_ns != 0) consider(duration_ns > elapsed_ns ? duration_ns - elapsed_ns : 0);
  if (ops != 0) consider(time_left(elapsed_ns, ops_done, ops));
  if (bytes != 0) consider(time_left(elapsed_ns, bytes_done, bytes));
  return best;
}

}  // namespace iopulse
