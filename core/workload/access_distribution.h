// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// AccessDistribution: which block of a region of n blocks a random IO
// addresses (--distribution).  Blocks are numbered 0 .. n-1 from the start
// of the region.  next() is on the per-IO path: inline, no allocation, no
// virtual call, no table whose size depends on n, O(1) expected time.
//
// The skewed distributions draw a rank, 0 being the hottest.  Without
// --hot-spot-scatter rank r is block r, so the hot spot is at the start of
// the region; with it, rank r is block P(r) for a seeded permutation P of
// [0, n) (block_permutation.h), which spreads the hot blocks over the region
// while keeping every block's access frequency.  For gaussian the rank is the
// block the normal variate falls into, so scatter spreads the blocks around
// the center.  Scatter is not used with uniform (a permuted uniform is the
// same distribution).
//
// Reproducible: the blocks drawn depend only on the RandomSource's sequence
// and, with scatter, on the seed given to make(); the same seeds give the same
// blocks on every run (no table, no global state; the math library's exp and
// log are the only platform dependence).
//
// uniform
//   P(block = b) = 1/n for every b.
//
// zipf, --zipf-theta T, 0 < T <= 10 (T = 1 included; default 1.2)
//   P(rank = k - 1) = k^-T / H(n, T)  for k = 1 .. n,  H(n, T) = sum_{j=1..n} j^-T.
//   Rank 0 is the hottest, rank 1 is accessed 2^-T times as often, and so on.
//   The share of accesses that go to the hottest m blocks is H(m, T) / H(n, T).
//   Sampled exactly by rejection-inversion (W. Hormann, G. Derflinger,
//   "Rejection-inversion to generate variates from monotone discrete
//   distributions", ACM TOMACS 6(3), 1996): invert the integral of x^-T over
//   [1/2, n + 1/2] and accept with the exact pmf; O(1) memory, any n up to
//   2^63 (tested up to 2^40 blocks, where even the coldest ranks come out as
//   whole block numbers at full resolution; past 2^53 blocks the coldest
//   ranks are limited to the resolution of a double).  An iteration is
//   rejected with probability below 0.02 for every T and n (the maximum,
//   0.0166, is at T = 2.95, n = 5), so a sample takes fewer than 1.03
//   iterations on average; the loop stops after 64 (probability below
//   10^-100) and then keeps the last rank.
//
// pareto, --pareto-h H, 0 < H < 1 (default 0.2), as fio's pareto:H
//   Let f = min(H, 1 - H), the hot fraction, and
//       a = ln(1 - f) / ln(f)            (0 < a <= 1).
//   The hottest fraction x of the blocks receives the fraction x^a of the
//   accesses, exactly, at every scale and for every n:
//       P(rank < k) = (k / n)^a.
//   In particular the hottest f of the blocks get 1 - f of the accesses
//   (H = 0.2 or 0.8: 20% of the blocks get 80%; H = 0.1 or 0.9: 10% get 90%;
//   H = 0.5 is uniform), and the rule repeats inside the hot set (the hottest
//   4% get 64% for H = 0.2); the single hottest block receives n^-a of the
//   accesses (14.7% for H = 0.2 and n = 10^6, as with fio).  This is the
//   Pareto principle of the Pareto distribution: the block taken is
//   rank = floor(n / Y) with Y a Pareto (type I) variate of shape a and
//   scale 1, P(Y > y) = y^-a, y >= 1; the access frequencies of the blocks,
//   sorted, follow a Pareto law of index 1 / (1 - a) (log(5)/log(4) = 1.16
//   for 80/20).  Sampled by inversion,
//   rank = floor(n * U^(1/a)), U uniform in [0, 1): Y >= 1 maps into [0, n)
//   without truncation or clamping, so no mass piles on the last block.
//   Same formula as fio (rank = (n - 1) * U^(ln H / ln(1 - H)) before fio's
//   hash); H and 1 - H give the same distribution of access frequencies (fio
//   puts the hot end at the other side, which its hash hides anyway).  The
//   earlier IOPulse's --pareto-h was another parameter (an exponent from 0 to
//   10, 0.9 giving about 80/20); its 0.9 corresponds to H = 0.2 here.
//
// gaussian, --gaussian-stddev S, 0 < S <= 1 (required),
//           --gaussian-center C, 0 <= C <= 1 (default 0.5)
//   block = floor(X), X ~ Normal(mean C * n, standard deviation S * n),
//   conditioned on 0 <= X < n: a value outside the region is drawn again
//   (never clamped), so the edges get only their own density,
//       P(block = b) = (Phi((b + 1 - C n) / (S n)) - Phi((b - C n) / (S n))) / Z,
//       Z = Phi((1 - C) / S) - Phi(-C / S).
//   S and C are fractions of the region (S = 0.1: one standard deviation is
//   10% of the region).  fio's normal:D takes a percentage D instead and is
//   a sum of uniforms folded into the region; S = D / 100 is the nearest
//   equivalent.  A draw lands in the region with probability Z >= 0.34 for
//   the accepted S and C, so a sample takes at most 2.93 normal variates on
//   average (Marsaglia's polar method, two variates per accepted pair); after
//   64 misses (probability below 10^-11) the block under the center is used.
//
// zoned, --zones A1/S1:A2/S2:..., as fio's random_distribution=zoned
//   The region is cut into zones lying in the order given: zone i holds the
//   blocks [floor(n * C(i-1) / 100), floor(n * C(i) / 100)), C(i) being
//   S1 + .. + Si, so zones of 5 % and 15 % of 1000 blocks hold 0-49 and
//   50-199; blocks past the last zone (sizes adding up to less than 100) are
//   never addressed.  Zone i is chosen with probability Ai / 100 (one 64-bit
//   draw against cumulative thresholds), then a block uniform within it:
//       P(block = b) = Ai / 100 / (blocks of zone i)   for b in zone i.
//   make() refuses (UsageError) a zone with accesses that holds no block.
#ifndef IOPULSE_WORKLOAD_ACCESS_DISTRIBUTION_H_
#define IOPULSE_WORKLOAD_ACCESS_DISTRIBUTION_H_

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>

#include "job/distribution_spec.h"
#include "workload/block_permutation.h"
#include "workload/random_source.h"

namespace iopulse {

class AccessDistribution {
 public:
  // Uniform over one block.
  AccessDistribution() = default;

  // The distribution `params` describes over n blocks, 1 <= n <= 2^63; `seed`
  // keys the hot-spot permutation (the same seed gives the same hot blocks).
  // Throws UsageError as params.validate(true) does; n out of range is a
  // programming error (std::invalid_argument).
  static AccessDistribution make(const DistributionParams& params, uint64_t n, uint64_t seed);

  // Uniform over n blocks, n >= 1.
  static AccessDistribution uniform(uint64_t n);

  // The next block, in [0, n).
  // Inlined into the worker's loop: uniform is a multiply; the skewed
  // distributions take the out-of-line path.
  [[gnu::always_inline]] uint64_t next(RandomSource& rng) {
    if (kind_ == DistributionKind::kUniform) [[likely]] return rng.below(n_);
    return next_skewed(rng);
  }

  [[gnu::noinline]] uint64_t next_skewed(RandomSource& rng) {
    const uint64_t rank = next_rank(rng);
    return scatter_ ? permutation_(rank) : rank;
  }

  // The next rank, in [0, n), before the hot-spot permutation (0 = hottest;
  // for gaussian and uniform, the block itself).
  uint64_t next_rank(RandomSource& rng) {
    switch (kind_) {
      case DistributionKind::kUniform: return rng.below(n_);
      case DistributionKind::kZipf: return zipf_rank(rng);
      case DistributionKind::kPareto: return pareto_rank(rng);
      case DistributionKind::kGaussian: return gaussian_block(rng);
      case DistributionKind::kZoned: return zoned_block(rng);
    }
    return 0;
  }

  // The block rank r maps to (r itself without scatter).
  uint64_t block_of_rank(uint64_t rank) const { return scatter_ ? permutation_(rank) : rank; }

  DistributionKind kind() const { return kind_; }
  uint64_t blocks() const { return n_; }
  bool scattered() const { return scatter_; }

 private:
  static constexpr int kMaxTries = 64;

  // --- zipf: rejection-inversion over k = 1 .. n with h(x) = x^-theta. ---
  // H(x) = integral of h from 1 to x = (x^(1-theta) - 1) / (1 - theta), or
  // ln x for theta = 1, written so that it is continuous in theta.
  static double helper_log1p_over(double x) {  // log1p(x) / x
    return std::fabs(x) > 1e-8 ? std::log1p(x) / x : 1.0 - x * (0.5 - x * (1.0 / 3.0 - 0.25 * x));
  }
  static double helper_expm1_over(double x) {  // expm1(x) / x
    return std::fabs(x) > 1e-8 ? std::expm1(x) / x
                               : 1.0 + x * 0.5 * (1.0 + x * (1.0 / 3.0) * (1.0 + 0.25 * x));
  }
  double zipf_h(double x) const { return std::exp(-theta_ * std::log(x)); }
  double zipf_h_integral(double x) const {
    const double log_x = std::log(x);
    return helper_expm1_over(one_minus_theta_ * log_x) * log_x;
  }
  double zipf_h_integral_inverse(double x) const {
    double t = x * one_minus_theta_;
    if (t < -1.0) t = -1.0;  // only reachable through rounding at the domain's end
    // (1 + t)^(1/(1-theta)); log(1 + t) is exact to 1e-16 absolute, enough
    // unless 1 - theta is tiny, where the form continuous in theta is used.
    if (theta_far_from_one_) return std::exp(std::log(1.0 + t) * inv_one_minus_theta_);
    return std::exp(helper_log1p_over(t) * x);
  }

  uint64_t zipf_rank(RandomSource& rng) {
    uint64_t k = 1;
    for (int tries = 0; tries < kMaxTries; ++tries) {
      // u is uniform in (H(3/2) - 1, H(n + 1/2)]: cell k = 1 has width
      // h(1) = 1, cell k >= 2 is [H(k - 1/2), H(k + 1/2)).
      const double u = h_integral_n_ + rng.unit() * (h_integral_x1_ - h_integral_n_);
      const double x = zipf_h_integral_inverse(u);
      const double kd = x + 0.5;
      k = kd < 1.0 ? 1 : static_cast<uint64_t>(kd);
      if (k > n_) k = n_;
      // Accept with probability h(k) / (cell width): the squeeze k - x <= s
      // avoids the exact test for most of each cell.
      if (static_cast<double>(k) - x <= squeeze_ ||
          u >= zipf_h_integral(static_cast<double>(k) + 0.5) - zipf_h(static_cast<double>(k))) {
        break;
      }
    }
    return k - 1;
  }

  // --- pareto: rank = floor(n * U^(1/a)). ---
  uint64_t pareto_rank(RandomSource& rng) {
    const double u = rng.unit();  // [0, 1); u = 0 gives rank 0
    const double rank = n_double_ * std::exp(std::log(u) * pareto_power_);
    const uint64_t r = static_cast<uint64_t>(rank);
    return r < n_ ? r : n_ - 1;  // only a rounding of U^(1/a) to 1 reaches n
  }

  // --- gaussian: floor(mean + sigma * Z) conditioned on [0, n). ---
  double standard_normal(RandomSource& rng) {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    // Marsaglia's polar method: a pair is accepted with probability pi/4.
    double u, v, s;
    do {
      u = 2.0 * rng.unit() - 1.0;
      v = 2.0 * rng.unit() - 1.0;
      s = u * u + v * v;
    } while (s >= 1.0 || s == 0.0);
    const double m = std::sqrt(-2.0 * std::log(s) / s);
    spare_ = v * m;
    has_spare_ = true;
    return u * m;
  }

  uint64_t gaussian_block(RandomSource& rng) {
    for (int tries = 0; tries < kMaxTries; ++tries) {
      const double x = mean_ + sigma_ * standard_normal(rng);
      if (x >= 0.0 && x < n_double_) {
        const uint64_t b = static_cast<uint64_t>(x);
        if (b < n_) return b;
      }
    }
    return center_block_;
  }

  // --- zoned: a zone by the cumulative thresholds, a block uniform in it. ---
  uint64_t zoned_block(RandomSource& rng) {
    const uint64_t r = rng.next();
    size_t i = 0;
    while (i + 1 < zone_count_ && r >= zone_threshold_[i]) ++i;
    return zone_first_[i] + rng.below(zone_blocks_[i]);
  }

  DistributionKind kind_ = DistributionKind::kUniform;
  bool scatter_ = false;
  bool has_spare_ = false;
  uint64_t n_ = 1;
  double n_double_ = 1.0;
  // zipf
  double theta_ = 1.0;
  double one_minus_theta_ = 0.0;
  double inv_one_minus_theta_ = 0.0;
  bool theta_far_from_one_ = false;
  double h_integral_x1_ = 0.0;  // H(3/2) - 1
  double h_integral_n_ = 0.0;   // H(n + 1/2)
  double squeeze_ = 0.0;        // s = 2 - H^-1(H(5/2) - h(2))
  // pareto
  double pareto_power_ = 1.0;   // 1/a
  // gaussian
  double mean_ = 0.0;
  double sigma_ = 0.0;
  double spare_ = 0.0;
  uint64_t center_block_ = 0;
  // zoned: P(r < zone_threshold_[i]) = (A1 + .. + Ai) / 100; the zones with
  // accesses only.
  size_t zone_count_ = 0;
  std::array<uint64_t, ZoneSplit::kMaxZones> zone_threshold_{};
  std::array<uint64_t, ZoneSplit::kMaxZones> zone_first_{};
  std::array<uint64_t, ZoneSplit::kMaxZones> zone_blocks_{};
  BlockPermutation permutation_;
};

}  // namespace iopulse

#endif  // IOPULSE_WORKLOAD_ACCESS_DISTRIBUTION_H_
