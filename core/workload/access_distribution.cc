// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "workload/access_distribution.h"

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
  }
  return "?";
}

DistributionKind parse_distribution_kind(std::string_view option, std::string_view text) {
  for (DistributionKind k : {DistributionKind::kUniform, DistributionKind::kZipf,
                             DistributionKind::kPareto, DistributionKind::kGaussian}) {
    if (text == to_string(k)) return k;
  }
  throw UsageError(fmt::format(
      "{}: '{}' is not accepted; accepted: uniform, zipf, pareto, gaussian", option, text));
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

void DistributionParams::validate(bool random) const {
  if (zipf_theta) check_range("--zipf-theta", *zipf_theta);
  if (pareto_h) check_range("--pareto-h", *pareto_h);
  if (gaussian_stddev) check_range("--gaussian-stddev", *gaussian_stddev);
  if (gaussian_center) check_range("--gaussian-center", *gaussian_center);

  const auto only_with = [&](bool given, DistributionKind owner, std::string_view option) {
    if (given && kind != owner) {
      throw UsageError(fmt::format("{}: only used with --distribution {}; the distribution is {}",
                                   option, iopulse::to_string(owner), iopulse::to_string(kind)));
    }
  };
  only_with(zipf_theta.has_value(), DistributionKind::kZipf, "--zipf-theta");
  only_with(pareto_h.has_value(), DistributionKind::kPareto, "--pareto-h");
  only_with(gaussian_stddev.has_value(), DistributionKind::kGaussian, "--gaussian-stddev");
  only_with(gaussian_center.has_value(), DistributionKind::kGaussian, "--gaussian-center");
  if (hot_spot_scatter && kind == DistributionKind::kUniform) {
    throw UsageError(
        "--hot-spot-scatter: only used with --distribution zipf, pareto or gaussian; the "
        "distribution is uniform");
  }
  if (kind != DistributionKind::kUniform && !random) {
    throw UsageError(fmt::format(
        "--distribution: {} needs --random; without --random the access is sequential",
        iopulse::to_string(kind)));
  }
  if (kind == DistributionKind::kGaussian && !gaussian_stddev) {
    throw UsageError("--gaussian-stddev: required with --distribution gaussian");
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
  }
  if (hot_spot_scatter) s += " scatter";
  return s;
}

AccessDistribution AccessDistribution::uniform(uint64_t n) {
  DistributionParams params;
  return make(params, n, 0);
}

AccessDistribution AccessDistribution::make(const DistributionParams& params, uint64_t n,
                                            uint64_t seed) {
  if (n == 0 || n > (uint64_t{1} << 63)) {
    throw std::invalid_argument(fmt::format("AccessDistribution: {} blocks", n));
  }
  params.validate(true);

  AccessDistribution d;
  d.kind_ = params.kind;
  d.n_ = n;
  d.n_double_ = static_cast<double>(n);
  d.scatter_ = params.hot_spot_scatter && params.kind != DistributionKind::kUniform && n > 1;
  if (d.scatter_) d.permutation_ = BlockPermutation(n, seed);

  switch (params.kind) {
    case DistributionKind::kUniform: break;
    case DistributionKind::kZipf: {
      d.theta_ = params.theta();
      d.one_minus_theta_ = 1.0 - d.theta_;
      d.theta_far_from_one_ = std::fabs(d.one_minus_theta_) >= 1e-3;
      d.inv_one_minus_theta_ = d.theta_far_from_one_ ? 1.0 / d.one_minus_theta_ : 0.0;
      d.h_integral_x1_ = d.zipf_h_integral(1.5) - 1.0;
      d.h_integral_n_ = d.zipf_h_integral(d.n_double_ + 0.5);
      d.squeeze_ = 2.0 - d.zipf_h_integral_inverse(d.zipf_h_integral(2.5) - d.zipf_h(2.0));
      break;
    }
    case DistributionKind::kPareto: {
      const double h = params.h();
      const double hot = h < 0.5 ? h : 1.0 - h;
      // a = ln(1 - f) / ln(f); the sample is n * U^(1/a).
      d.pareto_power_ = std::log(hot) / std::log1p(-hot);
      break;
    }
    case DistributionKind::kGaussian: {
      d.mean_ = params.center() * d.n_double_;
      d.sigma_ = params.stddev() * d.n_double_;
      const double c = std::floor(d.mean_);
      d.center_block_ = c >= d.n_double_ ? n - 1 : static_cast<uint64_t>(c);
      if (d.center_block_ >= n) d.center_block_ = n - 1;
      break;
    }
  }
  return d;
}

}  // namespace iopulse
