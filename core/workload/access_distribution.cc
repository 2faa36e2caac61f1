// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "workload/access_distribution.h"

#include <charconv>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

#include "job/usage_error.h"

namespace iopulse {

AccessDistribution AccessDistribution::uniform(uint64_t n) {
  DistributionParams params;
  return make(params, n, 0);
}

AccessDistribution AccessDistribution::make(const DistributionParams& params, uint64_t n,
                                            uint64_t seed) {
  if (n == 0 || n > (uint64_t{1} << 63)) {
    throw std::invalid_argument(fmt::format("AccessDistribution: {} blocks", n));
  }
  params.validate();

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
    case DistributionKind::kZoned: {
      const auto at_percent = [n](unsigned percent) {
        return static_cast<uint64_t>(static_cast<unsigned __int128>(n) * percent / 100);
      };
      unsigned size_before = 0, access_before = 0;
      for (size_t i = 0; i < params.zones->count; ++i) {
        const ZoneSplit::Zone z = params.zones->zones[i];
        const uint64_t first = at_percent(size_before), end = at_percent(size_before + z.size_percent);
        size_before += z.size_percent;
        if (z.access_percent == 0) continue;
        if (end == first) {
          throw UsageError(fmt::format(
              "--zones: zone {} ({} % of the region) holds none of its {} blocks; accepted: zones of at least "
              "one block", i + 1, z.size_percent, n));
        }
        access_before += z.access_percent;
        d.zone_first_[d.zone_count_] = first;
        d.zone_blocks_[d.zone_count_] = end - first;
        d.zone_threshold_[d.zone_count_] =
            access_before >= 100 ? UINT64_MAX
                                 : static_cast<uint64_t>((static_cast<unsigned __int128>(access_before) << 64) / 100);
        ++d.zone_count_;
      }
      break;
    }
  }
  return d;
}

}  // namespace iopulse
