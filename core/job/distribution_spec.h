// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// DistributionParams: the access distribution a job asks for (--distribution
// and its parameters), as given and validated; the generator that draws
// blocks from it is workload/access_distribution.h, which documents each
// distribution and its parameters.
#ifndef IOPULSE_JOB_DISTRIBUTION_SPEC_H_
#define IOPULSE_JOB_DISTRIBUTION_SPEC_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace iopulse {

enum class DistributionKind : uint8_t { kUniform, kZipf, kPareto, kGaussian };

// "uniform", "zipf", "pareto", "gaussian".
const char* to_string(DistributionKind kind);

// Parses a distribution name (exact, lower case).  Throws UsageError naming
// `option` and listing the accepted names.
DistributionKind parse_distribution_kind(std::string_view option, std::string_view text);

// Parses the number given to one of the distribution options and checks its
// range: "--zipf-theta", "--pareto-h", "--gaussian-stddev" or
// "--gaussian-center".  Throws UsageError naming the option, the text and
// what is accepted.
double parse_distribution_value(std::string_view option, std::string_view text);

// The distribution options of a job as given; an option not given is empty.
struct DistributionParams {
  static constexpr double kDefaultZipfTheta = 1.2;
  static constexpr double kDefaultParetoH = 0.2;
  static constexpr double kDefaultGaussianCenter = 0.5;

  DistributionKind kind = DistributionKind::kUniform;  // --distribution
  std::optional<double> zipf_theta;                    // --zipf-theta
  std::optional<double> pareto_h;                      // --pareto-h
  std::optional<double> gaussian_stddev;               // --gaussian-stddev
  std::optional<double> gaussian_center;               // --gaussian-center
  bool hot_spot_scatter = false;                       // --hot-spot-scatter

  // The effective values (the given one or the default).
  double theta() const { return zipf_theta.value_or(kDefaultZipfTheta); }
  double h() const { return pareto_h.value_or(kDefaultParetoH); }
  double stddev() const { return gaussian_stddev.value_or(0.0); }
  double center() const { return gaussian_center.value_or(kDefaultGaussianCenter); }

  // Throws UsageError (one line) when the options cannot run, checking in
  // this order: each given value is in range; each given option belongs to
  // the chosen distribution (--zipf-theta only with zipf, ...,
  // --hot-spot-scatter only with zipf, pareto or gaussian); a distribution
  // other than uniform needs `random` (without --random the access is
  // sequential); gaussian has --gaussian-stddev.
  void validate(bool random) const;

  // The effective configuration, e.g. "zipf theta=1.2 scatter",
  // "pareto h=0.2", "gaussian stddev=0.1 center=0.5", "uniform".
  std::string to_string() const;

  bool operator==(const DistributionParams&) const = default;
};

}  // namespace iopulse

#endif  // IOPULSE_JOB_DISTRIBUTION_SPEC_H_
