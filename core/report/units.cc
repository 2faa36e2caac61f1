// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "report/units.h"

#include <cmath>
#include <span>
#include <string_view>

#include <fmt/format.h>

namespace iopulse {

namespace {

double round_to(double value, int decimals) {
  const double scale = std::pow(10.0, decimals);
  return std::round(value * scale) / scale;
}

// Decimals that show `value` (>= 0) with three significant digits once
// rounded: 2 below 10, 1 below 100, else 0.
int significant_decimals(double value) {
  if (round_to(value, 2) < 10.0) return 2;
  if (round_to(value, 1) < 100.0) return 1;
  return 0;
}

// Divides `value` by `base` until it rounds below `base` or the units run
// out, then prints it with three significant digits and the unit.
std::string scaled(double value, double base, std::span<const std::string_view> units) {
  if (!std::isfinite(value) || value < 0) return fmt::format("{}{}", value, units[0]);
  size_t unit = 0;
  while (unit + 1 < units.size() && std::round(value) >= base) {
    value /= base;
    ++unit;
  }
  if (unit == 0 && value == std::floor(value)) return fmt::format("{:.0f}{}", value, units[0]);
  return fmt::format("{:.{}f}{}", value, significant_decimals(value), units[unit]);
}

constexpr std::string_view kIopsUnits[] = {"", "k", "M", "G", "T"};
constexpr std::string_view kRateUnits[] = {" B/s", " KiB/s", " MiB/s", " GiB/s", " TiB/s",
                                           " PiB/s"};
constexpr std::string_view kByteUnits[] = {" B", " KiB", " MiB", " GiB", " TiB", " PiB", " EiB"};
constexpr std::string_view kTimeUnits[] = {" ns", " us", " ms", " s"};

constexpr uint64_t kNsPerSecond = 1'000'000'000;

}  // namespace

std::string format_iops(double iops) { return scaled(iops, 1000.0, kIopsUnits); }

std::string format_bandwidth(double bytes_per_sec) {
  return scaled(bytes_per_sec, 1024.0, kRateUnits);
}

std::string format_bytes(uint64_t bytes) {
  return scaled(static_cast<double>(bytes), 1024.0, kByteUnits);
}

std::string format_latency_ns(double ns) { return scaled(ns, 1000.0, kTimeUnits); }

std::string format_duration_ns(uint64_t ns) {
  if (ns < kNsPerSecond) return format_latency_ns(static_cast<double>(ns));
  const uint64_t seconds = ns / kNsPerSecond;
  if (seconds < 60) {
    const uint64_t hundredths = (ns % kNsPerSecond) / (kNsPerSecond / 100);
    return fmt::format("{}.{:02} s", seconds, hundredths);
  }
  if (seconds < 3600) return fmt::format("{}m {:02}s", seconds / 60, seconds % 60);
  return fmt::format("{}h {:02}m {:02}s", seconds / 3600, seconds / 60 % 60, seconds % 60);
}

}  // namespace iopulse
