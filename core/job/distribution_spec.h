// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// DistributionParams: the access distribution a job asks for (--distribution
// and its parameters), as given and validated; the generator that draws
// blocks from it is workload/access_distribution.h, which documents each
// distribution and its parameters.
#ifndef IOPULSE_JOB_DISTRIBUTION_SPEC_H_
#define IOPULSE_JOB_DISTRIBUTION_SPEC_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace iopulse {

enum class DistributionKind : uint8_t { kUniform, kZipf, kPareto, kGaussian, kZoned };

// "uniform", "zipf", "pareto", "gaussian", "zoned".
const char* to_string(DistributionKind kind);

// Parses a distribution name (exact, lower case).  Throws UsageError naming
// `option` and listing the accepted names.
DistributionKind parse_distribution_kind(std::string_view option, std::string_view text);

// Parses the number given to one of the distribution options and checks its
// range: "--zipf-theta", "--pareto-h", "--gaussian-stddev" or
// "--gaussian-center".  Throws UsageError naming the option, the text and
// what is accepted.
double parse_distribution_value(std::string_view option, std::string_view text);

// --zones: the zones of a zoned distribution, in the order they lie in the
// region, each a share of the accesses and a share of the region, in whole
// percents, as fio's random_distribution=zoned takes them.  Text:
// ACCESS/SIZE entries separated by ':', e.g. 50/5:30/15:20/80 (half of the
// accesses to the first 5 % of the region, 30 % to the next 15 %, 20 % to
// the last 80 %).  The accesses add up to 100; the sizes to at most 100,
// the rest of the region being left alone (as fio leaves it).  A value type:
// the zones live in a fixed array.
struct ZoneSplit {
  struct Zone {
    uint8_t access_percent;  // 0 .. 100
    uint8_t size_percent;    // 1 .. 100
    bool operator==(const Zone&) const = default;
  };
  static constexpr size_t kMaxZones = 16;

  std::array<Zone, kMaxZones> zones{};
  size_t count = 0;

  // Throws UsageError naming `option`, the text and what is accepted.
  static ZoneSplit parse(std::string_view option, std::string_view text);
  // "50/5:30/15:20/80".
  std::string to_string() const;
  bool operator==(const ZoneSplit&) const = default;
};

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
  std::optional<ZoneSplit> zones;                      // --zones

  // The effective values (the given one or the default).
  double theta() const { return zipf_theta.value_or(kDefaultZipfTheta); }
  double h() const { return pareto_h.value_or(kDefaultParetoH); }
  double stddev() const { return gaussian_stddev.value_or(0.0); }
  double center() const { return gaussian_center.value_or(kDefaultGaussianCenter); }

  // Throws UsageError (one line) unless each given value is in range.
  void check_values() const;
  // Throws UsageError (one line) when the options cannot run, checking in
  // this order: each given value is in range (check_values()); gaussian has
  // --gaussian-stddev, zoned --zones.  (A parameter of another distribution
  // or of a sequential job, and a distribution of a sequential job, shape
  // nothing: job/shaping_settings.h refuses them.)
  void validate() const;

  // The effective configuration, e.g. "zipf theta=1.2 scatter",
  // "pareto h=0.2", "gaussian stddev=0.1 center=0.5", "zoned 50/5:50/95",
  // "uniform".
  std::string to_string() const;

  bool operator==(const DistributionParams&) const = default;
};

}  // namespace iopulse

#endif  // IOPULSE_JOB_DISTRIBUTION_SPEC_H_
