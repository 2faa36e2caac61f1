// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "job/distribution_spec.h"

#include <charconv>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

#include "job/usage_error.h"

namespace iopulse {
namespace {

struct ValueRange {
  std::string_view option;
  std::string_view accepted;
  bool (*in_range)(double);
};

constexpr ValueRange kRanges[] = {
    {"--zipf-theta", "a number > 0 and <= 10", [](double v) { return v > 0.0 && v <= 10.0; }},
    {"--pareto-h", "0 < h < 1", [](double v) { return v > 0.0 && v < 1.0; }},
    {"--gaussian-stddev", "a number > 0 and <= 1 (a fraction of the region)",
     [](double v) { return v > 0.0 && v <= 1.0; }},
    {"--gaussian-center", "a number >= 0 and <= 1 (a fraction of the region)",
     [](double v) { return v >= 0.0 && v <= 1.0; }},
};

const ValueRange& range_of(std::string_view option) {
  for (const ValueRange& r : kRanges) {
    if (r.option == option) return r;
  }
  throw std::invalid_argument(fmt::format("not a distribution option: {}", option));
}

void check_range(std::string_view option, double value) {
  const ValueRange& r = range_of(option);
  if (!r.in_range(value)) {
    throw UsageError(
        fmt::format("{}: {} is not accepted; accepted: {}", option, value, r.accepted));
  }
}

std::string format_value(double v) { return fmt::format("{}", v); }

}  // namespace

const char* to_string(DistributionKind kind) {
  switch (kind) {
    case DistributionKind::kUniform: return "uniform";
    case DistributionKind::kZipf: return "zipf";
    case DistributionKind::kPareto: return "pareto";
    case DistributionKind::kGaussian: return "gaussian";
    case DistributionKind::kZoned: return "zoned";
  }
  return "?";
}

DistributionKind parse_distribution_kind(std::string_view option, std::string_view text) {
  for (DistributionKind k : {DistributionKind::kUniform, DistributionKind::kZipf, DistributionKind::kPareto,
                             DistributionKind::kGaussian, DistributionKind::kZoned}) {
    if (text == to_string(k)) return k;
  }
  throw UsageError(fmt::format(
      "{}: '{}' is not accepted; accepted: uniform, zipf, pareto, gaussian, zoned", option, text));
}

ZoneSplit ZoneSplit::parse(std::string_view option, std::string_view text) {
  const auto refuse = [&](std::string_view why) {
    throw UsageError(fmt::format("{}: '{}' {}; accepted: ACCESS/SIZE zones in whole percents separated by ':', "
                                 "the accesses adding up to 100 and the sizes to at most 100, e.g. 50/5:30/15:20/80",
                                 option, text, why));
  };
  ZoneSplit split;
  unsigned access = 0, size = 0;
  size_t pos = 0;
  while (true) {
    const size_t colon = text.find(':', pos);
    const std::string_view entry = text.substr(pos, colon == std::string_view::npos ? colon : colon - pos);
    const size_t slash = entry.find('/');
    const auto percent = [&](std::string_view t, unsigned lowest) {
      unsigned v = 0;
      const auto [ptr, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
      if (t.empty() || ec != std::errc() || ptr != t.data() + t.size() || v < lowest || v > 100) {
        refuse(fmt::format("has the zone '{}'", entry));
      }
      return static_cast<uint8_t>(v);
    };
    if (slash == std::string_view::npos) refuse(fmt::format("has the zone '{}'", entry));
    if (split.count == kMaxZones) refuse(fmt::format("has more than {} zones", kMaxZones));
    const Zone z{percent(entry.substr(0, slash), 0), percent(entry.substr(slash + 1), 1)};
    split.zones[split.count++] = z;
    access += z.access_percent;
    size += z.size_percent;
    if (colon == std::string_view::npos) break;
    pos = colon + 1;
  }
  if (access != 100) refuse(fmt::format("gives the zones {} % of the accesses", access));
  if (size > 100) refuse(fmt::format("gives the zones {} % of the region", size));
  return split;
}

std::string ZoneSplit::to_string() const {
  std::string s;
  for (size_t i = 0; i < count; ++i) {
    s += fmt::format("{}{}/{}", i == 0 ? "" : ":", zones[i].access_percent, zones[i].size_percent);
  }
  return s;
}

double parse_distribution_value(std::string_view option, std::string_view text) {
  const ValueRange& r = range_of(option);
  double value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value, std::chars_format::general);
  if (text.empty() || ec != std::errc() || ptr != end || !std::isfinite(value)) {
    throw UsageError(
        fmt::format("{}: '{}' is not a number; accepted: {}", option, text, r.accepted));
  }
  if (!r.in_range(value)) {
    throw UsageError(fmt::format("{}: {} is not accepted; accepted: {}", option, text, r.accepted));
  }
  return value;
}

void DistributionParams::check_values() const {
  if (zipf_theta) check_range("--zipf-theta", *zipf_theta);
  if (pareto_h) check_range("--pareto-h", *pareto_h);
  if (gaussian_stddev) check_range("--gaussian-stddev", *gaussian_stddev);
  if (gaussian_center) check_range("--gaussian-center", *gaussian_center);
}

void DistributionParams::validate() const {
  check_values();
  // (A parameter without --random or of another distribution, and a
  // distribution without --random: job/shaping_settings.h, which knows
  // whether the job inherited it.)
  if (kind == DistributionKind::kGaussian && !gaussian_stddev) {
    throw UsageError("--gaussian-stddev: required with --distribution gaussian");
  }
  if (kind == DistributionKind::kZoned && !zones) {
    throw UsageError("--zones: required with --distribution zoned, e.g. --zones 50/5:30/15:20/80");
  }
}

std::string DistributionParams::to_string() const {
  std::string s = iopulse::to_string(kind);
  switch (kind) {
    case DistributionKind::kUniform: break;
    case DistributionKind::kZipf: s += " theta=" + format_value(theta()); break;
    case DistributionKind::kPareto: s += " h=" + format_value(h()); break;
    case DistributionKind::kGaussian:
      s += " stddev=" + format_value(stddev()) + " center=" + format_value(center());
      break;
    case DistributionKind::kZoned: s += " " + (zones ? zones->to_string() : std::string()); break;
  }
  if (hot_spot_scatter) s += " scatter";
  return s;
}

}  // namespace iopulse
