// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// Statistical tests of the access distributions: every sampler is compared
// with its exact law (pmf computed by summation, closed-form CDFs, exact
// truncated-normal probabilities) using fixed seeds and large samples.
// Tolerances come from theory: chi-square statistics must stay below the
// 99.9% critical value, single proportions and means within 5 standard
// errors plus 5 counts (the counts cover Poisson tails of tiny expectations).
#include "workload/access_distribution.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <numbers>
#include <string>
#include <type_traits>
#include <vector>

#include "job/job_options.h"
#include "job/usage_error.h"
#include "workload/block_permutation.h"
#include "workload/offset_generator.h"
#include "workload/random_source.h"
#include "usage_message.h"

namespace iopulse {
namespace {

static_assert(std::is_trivially_copyable_v<AccessDistribution>,
              "AccessDistribution owns no heap memory");
static_assert(std::is_trivially_destructible_v<AccessDistribution>);
static_assert(std::is_trivially_copyable_v<BlockPermutation>);
static_assert(std::is_trivially_copyable_v<OffsetGenerator>);

constexpr uint64_t kSamples = 1'000'000;
constexpr double kZ = 5.0;  // standard errors allowed for a single estimate

// ---------------------------------------------------------------- helpers

// Upper 99.9% point of chi-square with df degrees of freedom
// (Wilson-Hilferty; within 0.1% of the exact value for df >= 5).
double chi2_critical_999(int df) {
  const double z = 3.090232306167813;  // upper 0.1% point of N(0, 1)
  const double a = 2.0 / (9.0 * df);
  return df * std::pow(1.0 - a + z * std::sqrt(a), 3);
}

double normal_cdf(double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); }
double normal_pdf(double x) { return std::exp(-0.5 * x * x) / std::sqrt(2.0 * std::numbers::pi); }

struct Cell {
  double p;           // exact probability
  uint64_t observed;  // count
};

struct ChiSquare {
  double statistic;
  int df;
};

// Pearson's statistic after merging adjacent cells until each expects at
// least `min_expected` samples (the chi-square approximation needs that).
ChiSquare chi_square(const std::vector<Cell>& cells, uint64_t total, double min_expected = 50) {
  double p_sum = 0;
  for (const Cell& c : cells) p_sum += c.p;
  EXPECT_NEAR(p_sum, 1.0, 1e-9) << "the exact probabilities must sum to 1";
  std::vector<Cell> merged;
  Cell acc{0, 0};
  for (const Cell& c : cells) {
    acc.p += c.p;
    acc.observed += c.observed;
    if (acc.p * static_cast<double>(total) >= min_expected) {
      merged.push_back(acc);
      acc = {0, 0};
    }
  }
  if (acc.p > 0 || acc.observed > 0) {
    if (merged.empty()) {
      merged.push_back(acc);
    } else {
      merged.back().p += acc.p;
      merged.back().observed += acc.observed;
    }
  }
  double stat = 0;
  for (const Cell& c : merged) {
    const double e = c.p * static_cast<double>(total);
    const double d = static_cast<double>(c.observed) - e;
    stat += d * d / e;
  }
  return {stat, static_cast<int>(merged.size()) - 1};
}

void expect_chi_square_fits(const std::vector<Cell>& cells, uint64_t total) {
  const ChiSquare c = chi_square(cells, total);
  ASSERT_GE(c.df, 1);
  EXPECT_LT(c.statistic, chi2_critical_999(c.df)) << "df " << c.df;
}

// |count - total p| within kZ binomial standard errors plus kZ counts.
void expect_proportion(uint64_t count, uint64_t total, double p, const std::string& what) {
  const double expected = p * static_cast<double>(total);
  const double se = std::sqrt(expected * (1.0 - p));
  EXPECT_LE(std::fabs(static_cast<double>(count) - expected), kZ * se + kZ)
      << what << ": observed " << count << ", expected " << expected << ", se " << se;
}

// How many 64-bit draws were taken from `before` to reach `after`.
uint64_t draws_between(RandomSource before, RandomSource after, uint64_t limit) {
  RandomSource a = after;
  const uint64_t t0 = a.next();
  const uint64_t t1 = a.next();
  for (uint64_t steps = 0; steps <= limit; ++steps) {
    RandomSource peek = before;
    if (peek.next() == t0 && peek.next() == t1) return steps;
    before.next();
  }
  ADD_FAILURE() << "more than " << limit << " draws";
  return limit;
}

// H(n, theta) = sum_{k=1..n} k^-theta: prefix sums up to 10^6, then the
// Euler-Maclaurin tail (error below 1e-20 for the theta used here).
class Harmonic {
 public:
  static constexpr uint64_t kTable = 1'000'000;

  explicit Harmonic(double theta) : theta_(theta), prefix_(kTable + 1, 0.0) {
    long double s = 0;
    for (uint64_t k = 1; k <= kTable; ++k) {
      s += std::pow(static_cast<double>(k), -theta);
      prefix_[k] = static_cast<double>(s);
    }
  }

  double operator()(uint64_t n) const {
    if (n <= kTable) return prefix_[n];
    const long double N = static_cast<long double>(n), M = kTable, t = theta_;
    auto f = [&](long double x) { return std::pow(x, -t); };
    auto df = [&](long double x) { return -t * std::pow(x, -t - 1); };
    const long double integral = std::fabs(1 - t) < 1e-15L
                                     ? std::log(N / M)
                                     : (std::pow(N, 1 - t) - std::pow(M, 1 - t)) / (1 - t);
    return static_cast<double>(prefix_[kTable] + integral + (f(N) - f(M)) / 2 +
                               (df(N) - df(M)) / 12);
  }

 private:
  double theta_;
  std::vector<double> prefix_;
};

DistributionParams zipf(double theta, bool scatter = false) {
  DistributionParams p;
  p.kind = DistributionKind::kZipf;
  p.zipf_theta = theta;
  p.hot_spot_scatter = scatter;
  return p;
}

DistributionParams pareto(double h, bool scatter = false) {
  DistributionParams p;
  p.kind = DistributionKind::kPareto;
  p.pareto_h = h;
  p.hot_spot_scatter = scatter;
  return p;
}

DistributionParams gaussian(double stddev, double center, bool scatter = false) {
  DistributionParams p;
  p.kind = DistributionKind::kGaussian;
  p.gaussian_stddev = stddev;
  p.gaussian_center = center;
  p.hot_spot_scatter = scatter;
  return p;
}

// Exponent a of the pareto law P(rank < k) = (k / n)^a.
double pareto_exponent(double h) {
  const double f = std::min(h, 1.0 - h);
  return std::log1p(-f) / std::log(f);
}

// ---------------------------------------------------------------- uniform

TEST(AccessDistributionTest, UniformChiSquareAndMean) {
  constexpr uint64_t n = 1'000'000;
  constexpr int kBins = 100;
  AccessDistribution d = AccessDistribution::uniform(n);
  RandomSource rng(11);
  std::vector<uint64_t> bins(kBins, 0);
  double sum = 0;
  for (uint64_t i = 0; i < kSamples; ++i) {
    const uint64_t b = d.next(rng);
    ASSERT_LT(b, n);
    ++bins[b / (n / kBins)];
    sum += static_cast<double>(b);
  }
  std::vector<Cell> cells;
  for (uint64_t c : bins) cells.push_back({1.0 / kBins, c});
  const ChiSquare c = chi_square(cells, kSamples);
  EXPECT_EQ(c.df, 99);
  EXPECT_LT(c.statistic, 148.23);  // chi-square(99) upper 0.1% point
  EXPECT_NEAR(chi2_critical_999(99), 148.23, 0.15);

  const double nd = static_cast<double>(n);
  const double mean = sum / kSamples;
  const double se = std::sqrt((nd * nd - 1) / 12.0 / kSamples);
  EXPECT_NEAR(mean, (nd - 1) / 2, kZ * se);
}

TEST(AccessDistributionTest, UniformSmallRegionsCoverEveryBlock) {
  for (uint64_t n : {1u, 2u, 3u, 7u}) {
    AccessDistribution d = AccessDistribution::uniform(n);
    RandomSource rng(3);
    std::vector<uint64_t> counts(n, 0);
    for (int i = 0; i < 70000; ++i) ++counts.at(d.next(rng));
    std::vector<Cell> cells;
    for (uint64_t c : counts) cells.push_back({1.0 / static_cast<double>(n), c});
    if (n > 1) expect_chi_square_fits(cells, 70000);
  }
}

// ---------------------------------------------------------------- zipf

void check_zipf_against_pmf(uint64_t n, double theta, uint64_t seed) {
  SCOPED_TRACE("n=" + std::to_string(n) + " theta=" + std::to_string(theta));
  const Harmonic harmonic(theta);
  const double h = harmonic(n);
  std::vector<double> pmf(n);
  for (uint64_t k = 1; k <= n; ++k) pmf[k - 1] = std::pow(static_cast<double>(k), -theta) / h;
  AccessDistribution d = AccessDistribution::make(zipf(theta), n, seed);
  RandomSource rng(seed);
  std::vector<uint64_t> counts(n, 0);
  for (uint64_t i = 0; i < kSamples; ++i) {
    const uint64_t r = d.next(rng);
    ASSERT_LT(r, n);
    ++counts[r];
  }
  // Ranks 1..10 one by one.
  for (uint64_t r = 0; r < 10 && r < n; ++r) {
    expect_proportion(counts[r], kSamples, pmf[r], "rank " + std::to_string(r + 1));
  }
  // The hottest 20% of the blocks: H(n/5) / H(n).
  const uint64_t hot = n / 5;
  uint64_t hot_count = 0;
  for (uint64_t r = 0; r < hot; ++r) hot_count += counts[r];
  expect_proportion(hot_count, kSamples, harmonic(hot) / h, "hottest 20%");
  // The whole distribution.
  std::vector<Cell> cells(n);
  for (uint64_t r = 0; r < n; ++r) cells[r] = {pmf[r], counts[r]};
  expect_chi_square_fits(cells, kSamples);
}

TEST(AccessDistributionTest, ZipfMatchesExactPmf) {
  uint64_t seed = 100;
  for (uint64_t n : {uint64_t{1000}, uint64_t{1'000'000}}) {
    for (double theta : {0.8, 0.99, 1.0, 1.2}) check_zipf_against_pmf(n, theta, ++seed);
  }
}

TEST(AccessDistributionTest, ZipfExtremeThetas) {
  uint64_t seed = 200;
  for (double theta : {0.01, 0.3, 0.9995, 1.0005, 2.95, 10.0}) {
    check_zipf_against_pmf(1000, theta, ++seed);
  }
  check_zipf_against_pmf(5, 2.95, ++seed);  // the largest rejection rate
  check_zipf_against_pmf(2, 1.0, ++seed);
}

TEST(AccessDistributionTest, ZipfSingleBlock) {
  AccessDistribution d = AccessDistribution::make(zipf(1.2), 1, 1);
  RandomSource rng(1);
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(d.next(rng), 0u);
}

TEST(AccessDistributionTest, ZipfHugeRegionWithoutTables) {
  constexpr uint64_t n = uint64_t{1} << 40;
  uint64_t seed = 300;
  for (double theta : {0.8, 1.2}) {
    SCOPED_TRACE("theta=" + std::to_string(theta));
    const Harmonic harmonic(theta);
    const double h = harmonic(n);
    // Cells: ranks 1, 2, 3..10, 11..1000, 1001..10^6, 10^6+1..0.2n, the rest.
    const uint64_t edges[] = {0, 1, 2, 10, 1000, 1'000'000, n / 5, n};
    std::vector<Cell> cells;
    for (size_t i = 0; i + 1 < std::size(edges); ++i) {
      const double p = (harmonic(edges[i + 1]) - harmonic(edges[i])) / h;
      cells.push_back({p, 0});
    }
    AccessDistribution d = AccessDistribution::make(zipf(theta), n, ++seed);
    RandomSource rng(seed);
    uint64_t max_rank = 0, big = 0, big_odd = 0;
    for (uint64_t i = 0; i < kSamples; ++i) {
      const uint64_t r = d.next(rng);
      ASSERT_LT(r, n);
      max_rank = std::max(max_rank, r);
      size_t c = 0;
      while (r >= edges[c + 1]) ++c;
      ++cells[c].observed;
      if (r >= (uint64_t{1} << 32)) {
        ++big;
        big_odd += r & 1;
      }
    }
    expect_proportion(cells[0].observed, kSamples, cells[0].p, "rank 1");
    uint64_t hot = 0;
    double hot_p = 0;
    for (size_t c = 0; c + 1 < cells.size(); ++c) {
      hot += cells[c].observed;
      hot_p += cells[c].p;
    }
    expect_proportion(hot, kSamples, hot_p, "hottest 20%");
    expect_chi_square_fits(cells, kSamples);
    EXPECT_GT(max_rank, uint64_t{1} << 35);
    // Ranks beyond 2^32 are still whole block numbers, not multiples of a
    // power of two: about half of them are odd.
    ASSERT_GT(big, 1000u);
    expect_proportion(big_odd, big, 0.5, "odd ranks above 2^32");
  }
}

TEST(AccessDistributionTest, ZipfRejectionTakesFewIterations) {
  // One 64-bit draw per iteration; the rejection probability is below 0.02
  // per iteration for every theta and n.
  for (double theta : {0.5, 1.0, 2.95, 10.0}) {
    for (uint64_t n : {uint64_t{5}, uint64_t{1000}, uint64_t{1} << 40}) {
      AccessDistribution d = AccessDistribution::make(zipf(theta), n, 1);
      RandomSource rng(42);
      const RandomSource start = rng;
      constexpr uint64_t kN = 200'000;
      for (uint64_t i = 0; i < kN; ++i) d.next(rng);
      const uint64_t draws = draws_between(start, rng, 2 * kN);
      EXPECT_GE(draws, kN);
      EXPECT_LT(static_cast<double>(draws) / kN, 1.02) << "theta " << theta << " n " << n;
    }
  }
}

// ---------------------------------------------------------------- pareto

TEST(AccessDistributionTest, ParetoParameterMeansHotFractionGetsTheRest) {
  // The hottest f = min(h, 1 - h) of the blocks receive 1 - f of the IO.
  EXPECT_NEAR(std::pow(0.2, pareto_exponent(0.2)), 0.8, 1e-12);
  EXPECT_NEAR(std::pow(0.2, pareto_exponent(0.8)), 0.8, 1e-12);
  EXPECT_NEAR(std::pow(0.1, pareto_exponent(0.9)), 0.9, 1e-12);
  EXPECT_NEAR(pareto_exponent(0.5), 1.0, 1e-12);
  // Pareto index of the 80/20 rule: log(5) / log(4).
  EXPECT_NEAR(1.0 / (1.0 - pareto_exponent(0.2)), std::log(5.0) / std::log(4.0), 1e-12);
}

TEST(AccessDistributionTest, ParetoMatchesTruncationFreeLaw) {
  uint64_t seed = 400;
  for (uint64_t n : {uint64_t{1000}, uint64_t{1'000'000}, uint64_t{1} << 40}) {
    for (double h : {0.1, 0.2, 0.5, 0.8, 0.95}) {
      SCOPED_TRACE("n=" + std::to_string(n) + " h=" + std::to_string(h));
      const double a = pareto_exponent(h);
      const double nd = static_cast<double>(n);
      // Cells between rank edges at these fractions of n; P(rank < k) = (k/n)^a.
      std::vector<uint64_t> edges;
      for (double t :
           {0.0, 1e-6, 1e-4, 0.001, 0.01, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 0.9, 0.99, 1.0}) {
        const uint64_t e = static_cast<uint64_t>(std::ceil(t * nd));
        if (edges.empty() || e > edges.back()) edges.push_back(e);
      }
      edges.back() = n;
      const uint64_t last_block_edge = n - 1;
      std::vector<Cell> cells;
      for (size_t i = 0; i + 1 < edges.size(); ++i) {
        cells.push_back({std::pow(edges[i + 1] / nd, a) - std::pow(edges[i] / nd, a), 0});
      }
      AccessDistribution d = AccessDistribution::make(pareto(h), n, ++seed);
      RandomSource rng(seed);
      uint64_t hot = 0, last_block = 0;
      const uint64_t hot_edge = n / 5;
      for (uint64_t i = 0; i < kSamples; ++i) {
        const uint64_t r = d.next(rng);
        ASSERT_LT(r, n);
        const auto c = std::upper_bound(edges.begin(), edges.end(), r) - edges.begin() - 1;
        ++cells[static_cast<size_t>(c)].observed;
        hot += r < hot_edge;
        last_block += r == last_block_edge;
      }
      expect_proportion(hot, kSamples, std::pow(static_cast<double>(hot_edge) / nd, a),
                        "hottest 20%");
      // No mass piles on the last block: it gets 1 - ((n-1)/n)^a, no more.
      expect_proportion(last_block, kSamples, -std::expm1(a * std::log1p(-1.0 / nd)), "last block");
      expect_chi_square_fits(cells, kSamples);
    }
  }
}

TEST(AccessDistributionTest, ParetoHotShareIsEightyTwenty) {
  // The headline numbers, directly: h = 0.2 and h = 0.8 give 80% of the IO
  // to the hottest 20% of the blocks; inside them the rule repeats (4% -> 64%).
  constexpr uint64_t n = 500'000;
  for (double h : {0.2, 0.8}) {
    AccessDistribution d = AccessDistribution::make(pareto(h), n, 9);
    RandomSource rng(9);
    uint64_t top20 = 0, top4 = 0;
    for (uint64_t i = 0; i < kSamples; ++i) {
      const uint64_t r = d.next(rng);
      top20 += r < n / 5;
      top4 += r < n / 25;
    }
    expect_proportion(top20, kSamples, 0.8, "top 20%");
    expect_proportion(top4, kSamples, 0.64, "top 4%");
  }
}

TEST(AccessDistributionTest, ParetoAndUniformTakeOneDrawPerSample) {
  for (const DistributionParams& p : {pareto(0.2), DistributionParams{}}) {
    AccessDistribution d = AccessDistribution::make(p, 123457, 1);
    RandomSource rng(5);
    const RandomSource start = rng;
    for (int i = 0; i < 10000; ++i) d.next(rng);
    EXPECT_EQ(draws_between(start, rng, 20000), 10000u);
  }
}

// ---------------------------------------------------------------- gaussian

struct Truncated {
  double mean;
  double sd;
};

// Normal(mu, sigma) conditioned on [lo, hi).
Truncated truncated_normal(double mu, double sigma, double lo, double hi) {
  const double a = (lo - mu) / sigma, b = (hi - mu) / sigma;
  const double z = normal_cdf(b) - normal_cdf(a);
  const double r = (normal_pdf(a) - normal_pdf(b)) / z;
  const double var = sigma * sigma * (1 + (a * normal_pdf(a) - b * normal_pdf(b)) / z - r * r);
  return {mu + sigma * r, std::sqrt(var)};
}

TEST(AccessDistributionTest, GaussianMeanAndStddev) {
  constexpr uint64_t n = 1'000'000'000;
  const double nd = static_cast<double>(n);
  uint64_t seed = 500;
  // (stddev, center): nearly untruncated, and truncated on the low side,
  // where clamping instead of resampling would move the mean by 0.02 n.
  for (auto [s, c] : {std::pair{0.1, 0.5}, std::pair{0.2, 0.3}, std::pair{0.05, 0.97}}) {
    SCOPED_TRACE("stddev=" + std::to_string(s) + " center=" + std::to_string(c));
    AccessDistribution d = AccessDistribution::make(gaussian(s, c), n, ++seed);
    RandomSource rng(seed);
    std::vector<double> x(kSamples);
    double sum = 0;
    for (double& v : x) {
      const uint64_t b = d.next(rng);
      ASSERT_LT(b, n);
      v = static_cast<double>(b);
      sum += v;
    }
    const double mean = sum / kSamples;
    double m2 = 0, m4 = 0;
    for (double v : x) {
      const double dv = v - mean;
      m2 += dv * dv;
      m4 += dv * dv * dv * dv;
    }
    m2 /= kSamples;
    m4 /= kSamples;
    const double sd = std::sqrt(m2);
    // floor() lowers the mean by 1/2 block, negligible against the se here.
    const Truncated t = truncated_normal(c * nd, s * nd, 0, nd);
    EXPECT_NEAR(mean, t.mean - 0.5, kZ * t.sd / std::sqrt(double{kSamples}));
    const double se_sd = std::sqrt((m4 - m2 * m2) / kSamples) / (2 * sd);
    EXPECT_NEAR(sd, t.sd, kZ * se_sd);
  }
}

std::vector<Cell> gaussian_cells(uint64_t n, double s, double c) {
  const double nd = static_cast<double>(n), mu = c * nd, sigma = s * nd;
  const double z = normal_cdf((nd - mu) / sigma) - normal_cdf(-mu / sigma);
  std::vector<Cell> cells(n);
  for (uint64_t b = 0; b < n; ++b) {
    cells[b].p = (normal_cdf((static_cast<double>(b) + 1 - mu) / sigma) -
                  normal_cdf((static_cast<double>(b) - mu) / sigma)) / z;
  }
  return cells;
}

TEST(AccessDistributionTest, GaussianResamplesInsteadOfPilingOnTheEdges) {
  constexpr uint64_t n = 1000;
  uint64_t seed = 600;
  for (double c : {0.02, 0.98}) {
    SCOPED_TRACE("center=" + std::to_string(c));
    std::vector<Cell> cells = gaussian_cells(n, 0.05, c);
    AccessDistribution d = AccessDistribution::make(gaussian(0.05, c), n, ++seed);
    RandomSource rng(seed);
    for (uint64_t i = 0; i < kSamples; ++i) ++cells.at(d.next(rng)).observed;
    // The edge block gets its own density only (clamping would give it about
    // a third of all samples).
    const uint64_t edge = c < 0.5 ? 0 : n - 1;
    expect_proportion(cells[edge].observed, kSamples, cells[edge].p, "edge block");
    // With the mean 20 blocks inside, the 10 blocks at the edge are lighter
    // than the next 10 (by about 10 standard errors).
    uint64_t edge_bin = 0, next_bin = 0;
    for (uint64_t i = 0; i < 10; ++i) {
      edge_bin += cells[c < 0.5 ? i : n - 1 - i].observed;
      next_bin += cells[c < 0.5 ? 10 + i : n - 11 - i].observed;
    }
    EXPECT_LT(edge_bin, next_bin);
    expect_chi_square_fits(cells, kSamples);
  }
}

TEST(AccessDistributionTest, GaussianWidestAtTheEdgeStillFitsAndStaysCheap) {
  // The worst case for resampling: stddev 1 centered on block 0 lands in the
  // region with probability Z = Phi(1) - 1/2 = 0.3413.
  constexpr uint64_t n = 100;
  std::vector<Cell> cells = gaussian_cells(n, 1.0, 0.0);
  AccessDistribution d = AccessDistribution::make(gaussian(1.0, 0.0), n, 7);
  RandomSource rng(7);
  const RandomSource start = rng;
  constexpr uint64_t kN = 200'000;
  for (uint64_t i = 0; i < kN; ++i) ++cells.at(d.next(rng)).observed;
  expect_chi_square_fits(cells, kN);
  // Polar method: 4/pi draws per normal variate; 1/Z variates per sample.
  const double expected = 4.0 / std::numbers::pi / (normal_cdf(1.0) - 0.5);
  const double per_sample = static_cast<double>(draws_between(start, rng, 10 * kN)) / kN;
  EXPECT_NEAR(per_sample, expected, 0.05 * expected);
}

TEST(AccessDistributionTest, GaussianTinyRegionsAndWidths) {
  RandomSource rng(1);
  AccessDistribution one = AccessDistribution::make(gaussian(0.5, 1.0), 1, 1);
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(one.next(rng), 0u);
  // A standard deviation far below one block: everything in the center block.
  AccessDistribution narrow = AccessDistribution::make(gaussian(1e-9, 0.5005), 1000, 1);
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(narrow.next(rng), 500u);
  // Centered on the end: only the lower half of the bell is inside.
  AccessDistribution end = AccessDistribution::make(gaussian(1e-9, 1.0), 1000, 1);
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(end.next(rng), 999u);
}

// ---------------------------------------------------------------- scatter

TEST(BlockPermutationTest, IsABijectionForAnySize) {
  for (uint64_t n : {1, 2, 3, 4, 5, 7, 8, 9, 100, 1000, 1023, 1024, 1025, 4095, 4096, 4097, 5000}) {
    for (uint64_t seed : {0ULL, 1ULL, 2ULL, 0xdeadbeefULL}) {
      const BlockPermutation p(n, seed);
      std::vector<bool> seen(n, false);
      for (uint64_t x = 0; x < n; ++x) {
        const uint64_t y = p(x);
        ASSERT_LT(y, n) << "n " << n;
        ASSERT_FALSE(seen[y]) << "n " << n << " seed " << seed << ": " << y << " twice";
        seen[y] = true;
      }
    }
  }
}

TEST(BlockPermutationTest, NetworkIsABijectionOfThePowerOfTwo) {
  for (uint64_t n : {2, 3, 5, 1000, 1025, 4097}) {
    const BlockPermutation p(n, 77);
    const uint64_t domain = uint64_t{1} << p.bits();
    ASSERT_GE(domain, n);
    ASSERT_LT(domain / 2, n);
    std::vector<bool> seen(domain, false);
    for (uint64_t x = 0; x < domain; ++x) {
      const uint64_t y = p.network(x);
      ASSERT_LT(y, domain);
      ASSERT_FALSE(seen[y]);
      seen[y] = true;
    }
  }
}

TEST(BlockPermutationTest, CycleWalksAreShort) {
  // Over all ranks the walks take at most 2^k < 2n network passes.
  for (uint64_t n : {1025, 4097, 5000, 65537}) {
    for (uint64_t seed : {1, 2, 3}) {
      const BlockPermutation p(n, seed);
      uint64_t total = 0, longest = 0;
      for (uint64_t x = 0; x < n; ++x) {
        uint64_t y = x, steps = 0;
        do {
          y = p.network(y);
          ++steps;
        } while (y >= n);
        total += steps;
        longest = std::max(longest, steps);
      }
      EXPECT_LE(total, uint64_t{1} << p.bits());
      EXPECT_LT(static_cast<double>(total) / n, 2.0);
      EXPECT_LT(longest, 64u) << "n " << n << " seed " << seed;
    }
  }
}

TEST(BlockPermutationTest, SpreadsTheHotRanksOverTheRegion) {
  constexpr uint64_t n = 100'000;
  const BlockPermutation p(n, 12345);
  // The hottest 1% of the ranks fall in every tenth of the region, evenly.
  std::vector<uint64_t> deciles(10, 0);
  for (uint64_t r = 0; r < n / 100; ++r) ++deciles[p(r) / (n / 10)];
  std::vector<Cell> cells;
  for (uint64_t c : deciles) {
    EXPECT_GT(c, 0u);
    cells.push_back({0.1, c});
  }
  expect_chi_square_fits(cells, n / 100);
}

TEST(BlockPermutationTest, ConsecutiveRanksLandIndependently) {
  // Pairs (P(r), P(r + 1)) fill the 16 x 16 grid of the region evenly
  // (chi-square, 255 df): no lattice or stride pattern among the hot blocks.
  for (uint64_t n : {uint64_t{1} << 20, uint64_t{1'000'003}, uint64_t{5000}}) {
    for (uint64_t seed : {1ULL, 2ULL, 3ULL}) {
      const BlockPermutation p(n, seed);
      constexpr int kGrid = 16;
      const uint64_t pairs = std::min<uint64_t>(n - 1, 50'000);
      std::vector<Cell> cells(kGrid * kGrid, Cell{1.0 / (kGrid * kGrid), 0});
      const double nd = static_cast<double>(n);
      for (uint64_t r = 0; r < pairs; ++r) {
        const int a = static_cast<int>(static_cast<double>(p(r)) / nd * kGrid);
        const int b = static_cast<int>(static_cast<double>(p(r + 1)) / nd * kGrid);
        ++cells[a * kGrid + b].observed;
      }
      SCOPED_TRACE("n=" + std::to_string(n) + " seed=" + std::to_string(seed));
      expect_chi_square_fits(cells, pairs);
    }
  }
}

TEST(BlockPermutationTest, ReproduciblePerSeedAndDifferentAcrossSeeds) {
  constexpr uint64_t n = 10'000;
  const BlockPermutation a(n, 1), b(n, 1), c(n, 2);
  uint64_t same = 0;
  for (uint64_t x = 0; x < n; ++x) {
    ASSERT_EQ(a(x), b(x));
    same += a(x) == c(x);
  }
  EXPECT_LT(same, n / 100);  // two random permutations agree on ~1 point
}

TEST(AccessDistributionTest, ScatterKeepsTheLawAndMovesTheHotBlocks) {
  constexpr uint64_t n = 1000;
  const double theta = 1.2;
  AccessDistribution d = AccessDistribution::make(zipf(theta, true), n, 2024);
  ASSERT_TRUE(d.scattered());
  const BlockPermutation p(n, 2024);
  std::vector<uint64_t> rank_of_block(n);
  for (uint64_t r = 0; r < n; ++r) rank_of_block[p(r)] = r;
  EXPECT_NE(p(0), 0u);

  long double h = 0;
  for (uint64_t k = n; k >= 1; --k) h += std::pow(static_cast<long double>(k), -theta);
  std::vector<Cell> cells(n);
  for (uint64_t r = 0; r < n; ++r) {
    cells[r].p = static_cast<double>(std::pow(static_cast<long double>(r + 1), -theta) / h);
  }
  RandomSource rng(8);
  for (uint64_t i = 0; i < kSamples; ++i) {
    const uint64_t b = d.next(rng);
    ASSERT_LT(b, n);
    ++cells[rank_of_block[b]].observed;
  }
  expect_proportion(cells[0].observed, kSamples, cells[0].p, "hottest block at P(0)");
  expect_chi_square_fits(cells, kSamples);
}

TEST(AccessDistributionTest, ScatterAppliesToParetoAndGaussian) {
  constexpr uint64_t n = 4099;
  for (const DistributionParams& params : {pareto(0.2, true), gaussian(0.01, 0.5, true)}) {
    AccessDistribution plain = AccessDistribution::make(
        [&] { DistributionParams q = params; q.hot_spot_scatter = false; return q; }(), n, 5);
    AccessDistribution scattered = AccessDistribution::make(params, n, 5);
    const BlockPermutation p(n, 5);
    RandomSource r1(6), r2(6);
    for (int i = 0; i < 10000; ++i) ASSERT_EQ(scattered.next(r2), p(plain.next(r1)));
  }
}

// ------------------------------------------------------- reproducibility

TEST(AccessDistributionTest, SameSeedSameSequence) {
  const DistributionParams all[] = {DistributionParams{}, zipf(0.99), zipf(1.2, true),
                                    pareto(0.2), pareto(0.1, true), gaussian(0.1, 0.5),
                                    gaussian(0.2, 0.9, true)};
  for (const DistributionParams& params : all) {
    SCOPED_TRACE(params.to_string());
    AccessDistribution a = AccessDistribution::make(params, 1'000'003, 77);
    AccessDistribution b = AccessDistribution::make(params, 1'000'003, 77);
    AccessDistribution other = AccessDistribution::make(params, 1'000'003, 77);
    RandomSource ra(1), rb(1), rother(2);
    uint64_t differ = 0;
    for (int i = 0; i < 10000; ++i) {
      const uint64_t x = a.next(ra);
      ASSERT_EQ(x, b.next(rb));
      differ += x != other.next(rother);
    }
    EXPECT_GT(differ, 1000u);  // another seed gives another sequence
  }
}

TEST(AccessDistributionTest, ScatterSeedChangesOnlyWhereTheHotBlocksAre) {
  AccessDistribution a = AccessDistribution::make(zipf(1.2, true), 100'000, 1);
  AccessDistribution b = AccessDistribution::make(zipf(1.2, true), 100'000, 2);
  RandomSource ra(3), rb(3);
  uint64_t differ = 0;
  for (int i = 0; i < 1000; ++i) differ += a.next(ra) != b.next(rb);
  EXPECT_GT(differ, 990u);
  RandomSource rc(3), rd(3);
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(a.next_rank(rc), b.next_rank(rd));
}

// ------------------------------------------------------- offset generator

TEST(OffsetGeneratorTest, SequentialWrapsFromTheFirstBlock) {
  OffsetGenerator g(OffsetGenerator::Pattern::kSequential, 4, 2, zipf(1.2), 1);
  RandomSource rng(1);
  const RandomSource start = rng;
  const uint64_t expected[] = {2, 3, 0, 1, 2, 3};
  for (uint64_t e : expected) EXPECT_EQ(g.next_block(rng), e);
  EXPECT_EQ(draws_between(start, rng, 10), 0u);
}

TEST(OffsetGeneratorTest, RandomUsesTheDistribution) {
  // The former constructor is uniform; kUniform is another name of kRandom.
  OffsetGenerator u(OffsetGenerator::Pattern::kUniform, 1000, 0);
  EXPECT_EQ(u.pattern(), OffsetGenerator::Pattern::kRandom);
  EXPECT_EQ(u.distribution().kind(), DistributionKind::kUniform);

  OffsetGenerator z(OffsetGenerator::Pattern::kRandom, 1000, 0, zipf(1.2), 1);
  AccessDistribution d = AccessDistribution::make(zipf(1.2), 1000, 1);
  RandomSource r1(4), r2(4);
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(z.next_block(r1), d.next(r2));
}

// ------------------------------------------------------------ validation

using iopulse::test::usage_message;

TEST(DistributionParamsTest, ParsesNames) {
  EXPECT_EQ(parse_distribution_kind("--distribution", "uniform"), DistributionKind::kUniform);
  EXPECT_EQ(parse_distribution_kind("--distribution", "zipf"), DistributionKind::kZipf);
  EXPECT_EQ(parse_distribution_kind("--distribution", "pareto"), DistributionKind::kPareto);
  EXPECT_EQ(parse_distribution_kind("--distribution", "gaussian"), DistributionKind::kGaussian);
  EXPECT_EQ(usage_message([] { parse_distribution_kind("--distribution", "zip"); }),
            "--distribution: 'zip' is not accepted; accepted: uniform, zipf, pareto, gaussian, zoned");
}

TEST(DistributionParamsTest, ParsesValuesWithRanges) {
  EXPECT_EQ(parse_distribution_value("--zipf-theta", "1.2"), 1.2);
  EXPECT_EQ(parse_distribution_value("--zipf-theta", "1"), 1.0);
  EXPECT_EQ(parse_distribution_value("--zipf-theta", "10"), 10.0);
  EXPECT_EQ(parse_distribution_value("--pareto-h", "0.2"), 0.2);
  EXPECT_EQ(parse_distribution_value("--gaussian-stddev", "1"), 1.0);
  EXPECT_EQ(parse_distribution_value("--gaussian-center", "0"), 0.0);
  EXPECT_EQ(parse_distribution_value("--gaussian-center", "1"), 1.0);
  EXPECT_EQ(usage_message([] { parse_distribution_value("--zipf-theta", "0"); }),
            "--zipf-theta: 0 is not accepted; accepted: a number > 0 and <= 10");
  EXPECT_EQ(usage_message([] { parse_distribution_value("--zipf-theta", "10.5"); }),
            "--zipf-theta: 10.5 is not accepted; accepted: a number > 0 and <= 10");
  EXPECT_EQ(usage_message([] { parse_distribution_value("--zipf-theta", "abc"); }),
            "--zipf-theta: 'abc' is not a number; accepted: a number > 0 and <= 10");
  EXPECT_EQ(usage_message([] { parse_distribution_value("--zipf-theta", "1.2x"); }),
            "--zipf-theta: '1.2x' is not a number; accepted: a number > 0 and <= 10");
  EXPECT_EQ(usage_message([] { parse_distribution_value("--zipf-theta", "nan"); }),
            "--zipf-theta: 'nan' is not a number; accepted: a number > 0 and <= 10");
  EXPECT_EQ(usage_message([] { parse_distribution_value("--zipf-theta", ""); }),
            "--zipf-theta: '' is not a number; accepted: a number > 0 and <= 10");
  EXPECT_EQ(usage_message([] { parse_distribution_value("--pareto-h", "1.5"); }),
            "--pareto-h: 1.5 is not accepted; accepted: 0 < h < 1");
  EXPECT_EQ(usage_message([] { parse_distribution_value("--pareto-h", "1"); }),
            "--pareto-h: 1 is not accepted; accepted: 0 < h < 1");
  EXPECT_EQ(usage_message([] { parse_distribution_value("--gaussian-stddev", "0"); }),
            "--gaussian-stddev: 0 is not accepted; accepted: a number > 0 and <= 1 (a "
            "fraction of the region)");
  EXPECT_EQ(usage_message([] { parse_distribution_value("--gaussian-center", "-0.1"); }),
            "--gaussian-center: -0.1 is not accepted; accepted: a number >= 0 and <= 1 (a "
            "fraction of the region)");
}

// The refusal of a job of these options (a target added), or "(no error)".
std::string job_message(const std::vector<std::pair<std::string, std::string>>& options) {
  return usage_message([&] {
    JobSpecBuilder b;
    b.apply("target", "/tmp/iopulse-distribution", "target");
    for (const auto& [option, text] : options) b.apply(option, text, "--" + option);
    b.build();
  });
}

TEST(DistributionParamsTest, ValidatesCombinations) {
  DistributionParams g;
  g.kind = DistributionKind::kGaussian;
  EXPECT_EQ(usage_message([&] { g.validate(); }),
            "--gaussian-stddev: required with --distribution gaussian");

  // A parameter of another distribution, or of a sequential job, shapes
  // nothing: the job refuses it (job/shaping_settings.h).
  EXPECT_EQ(job_message({{"random", ""}, {"distribution", "pareto"}, {"pareto-h", "0.2"}, {"zipf-theta", "1.1"}}),
            "--zipf-theta: only used with --distribution zipf; the distribution is pareto");
  EXPECT_EQ(job_message({{"random", ""}, {"gaussian-center", "0.5"}}),
            "--gaussian-center: only used with --distribution gaussian; the distribution is "
            "uniform");
  EXPECT_EQ(job_message({{"random", ""}, {"hot-spot-scatter", ""}}),
            "--hot-spot-scatter: only used with --distribution zipf, pareto or gaussian; the "
            "distribution is uniform");
  EXPECT_EQ(job_message({{"distribution", "zipf"}, {"zipf-theta", "1.2"}}),
            "--distribution: zipf needs --random; without --random the access is sequential");
  EXPECT_EQ(job_message({{"zipf-theta", "1.2"}}),
            "--zipf-theta: shapes random offsets; without --random the access is sequential");
  EXPECT_EQ(job_message({{"random", ""}, {"distribution", "zipf"}, {"zipf-theta", "1.2"}}), "(no error)");
  // A value out of range is said before what it shapes.
  EXPECT_EQ(job_message({{"zipf-theta", "11"}}).rfind("--zipf-theta: 11 is not accepted", 0), 0u)
      << job_message({{"zipf-theta", "11"}});
  EXPECT_EQ(usage_message([] { DistributionParams{}.validate(); }), "(no error)");

  // make() checks the values the CLI may have stored without parsing.
  EXPECT_EQ(usage_message([] { AccessDistribution::make(zipf(0), 10, 1); }),
            "--zipf-theta: 0 is not accepted; accepted: a number > 0 and <= 10");
  EXPECT_EQ(usage_message([] { AccessDistribution::make(pareto(1.5), 10, 1); }),
            "--pareto-h: 1.5 is not accepted; accepted: 0 < h < 1");
  EXPECT_THROW(AccessDistribution::make(DistributionParams{}, 0, 1), std::invalid_argument);
}

TEST(DistributionParamsTest, DescribesTheEffectiveConfiguration) {
  EXPECT_EQ(DistributionParams{}.to_string(), "uniform");
  DistributionParams z;
  z.kind = DistributionKind::kZipf;
  EXPECT_EQ(z.to_string(), "zipf theta=1.2");
  DistributionParams p;
  p.kind = DistributionKind::kPareto;
  p.hot_spot_scatter = true;
  EXPECT_EQ(p.to_string(), "pareto h=0.2 scatter");
  EXPECT_EQ(gaussian(0.1, 0.25).to_string(), "gaussian stddev=0.1 center=0.25");
  DistributionParams g;
  g.kind = DistributionKind::kGaussian;
  g.gaussian_stddev = 0.05;
  EXPECT_EQ(g.to_string(), "gaussian stddev=0.05 center=0.5");
}

// zoned: each zone gets its share of the draws, spread uniformly over the
// zone's blocks (chi-square over every block against the exact law); blocks
// past the last zone and zones without accesses are never drawn.
TEST(AccessDistributionTest, ZonedMatchesExactPmf) {
  DistributionParams params;
  params.kind = DistributionKind::kZoned;
  params.zones = ZoneSplit::parse("--zones", "50/5:0/15:30/20:20/50");  // the last 10 % left alone
  constexpr uint64_t kBlocks = 1000;
  AccessDistribution d = AccessDistribution::make(params, kBlocks, 1);
  std::vector<uint64_t> counts(kBlocks, 0);
  RandomSource rng(99);
  for (uint64_t i = 0; i < kSamples; ++i) ++counts[d.next(rng)];
  // Zones: 0-49 (50 %), 50-199 (none), 200-399 (30 %), 400-899 (20 %), 900-999 (none).
  const auto p_of = [](uint64_t b) {
    if (b < 50) return 0.50 / 50;
    if (b < 200) return 0.0;
    if (b < 400) return 0.30 / 200;
    if (b < 900) return 0.20 / 500;
    return 0.0;
  };
  double chi2 = 0;
  int cells = 0;
  for (uint64_t b = 0; b < kBlocks; ++b) {
    const double p = p_of(b);
    if (p == 0) {
      EXPECT_EQ(counts[b], 0u) << b;
      continue;
    }
    const double e = p * kSamples;
    chi2 += (counts[b] - e) * (counts[b] - e) / e;
    ++cells;
  }
  EXPECT_LT(chi2, chi2_critical_999(cells - 1));
  // Each zone's share within 5 standard errors.
  const auto share = [&](uint64_t lo, uint64_t hi) {
    uint64_t n = 0;
    for (uint64_t b = lo; b < hi; ++b) n += counts[b];
    return static_cast<double>(n) / kSamples;
  };
  EXPECT_NEAR(share(0, 50), 0.5, kZ * std::sqrt(0.25 / kSamples));
  EXPECT_NEAR(share(200, 400), 0.3, kZ * std::sqrt(0.21 / kSamples));
}

TEST(DistributionParamsTest, ZonesParseValidateAndRefuse) {
  const ZoneSplit z = ZoneSplit::parse("--zones", "50/5:30/15:20/80");
  ASSERT_EQ(z.count, 3u);
  EXPECT_EQ(z.zones[1].access_percent, 30);
  EXPECT_EQ(z.zones[1].size_percent, 15);
  EXPECT_EQ(z.to_string(), "50/5:30/15:20/80");
  DistributionParams params;
  params.kind = DistributionKind::kZoned;
  params.zones = z;
  EXPECT_EQ(params.to_string(), "zoned 50/5:30/15:20/80");
  EXPECT_EQ(usage_message([&] { params.validate(); }), "(no error)");
  const std::string accepted =
      "; accepted: ACCESS/SIZE zones in whole percents separated by ':', the accesses adding up to 100 and the "
      "sizes to at most 100, e.g. 50/5:30/15:20/80";
  EXPECT_EQ(usage_message([] { ZoneSplit::parse("--zones", "50/5:30/15"); }),
            "--zones: '50/5:30/15' gives the zones 80 % of the accesses" + accepted);
  EXPECT_EQ(usage_message([] { ZoneSplit::parse("--zones", "50/50:50/51"); }),
            "--zones: '50/50:50/51' gives the zones 101 % of the region" + accepted);
  for (const char* bad : {"50", "50/:50/50", "50/0:50/50", "101/5", "a/5:50/5", ""}) {
    EXPECT_EQ(usage_message([&] { ZoneSplit::parse("--zones", bad); }).find("--zones: '" + std::string(bad) + "' has"),
              0u) << bad;
  }
  DistributionParams missing;
  missing.kind = DistributionKind::kZoned;
  EXPECT_EQ(usage_message([&] { missing.validate(); }),
            "--zones: required with --distribution zoned, e.g. --zones 50/5:30/15:20/80");
  EXPECT_EQ(job_message({{"random", ""}, {"zones", "50/5:30/15:20/80"}}),
            "--zones: only used with --distribution zoned; the distribution is uniform");
  EXPECT_EQ(job_message({{"random", ""}, {"distribution", "zoned"}, {"zones", "50/5:30/15:20/80"},
                         {"hot-spot-scatter", ""}}),
            "--hot-spot-scatter: only used with --distribution zipf, pareto or gaussian; the distribution is zoned");
  // A zone with accesses must hold a block of the region.
  DistributionParams tiny;
  tiny.kind = DistributionKind::kZoned;
  tiny.zones = ZoneSplit::parse("--zones", "50/1:50/99");
  EXPECT_EQ(usage_message([&] { AccessDistribution::make(tiny, 50, 1); }),
            "--zones: zone 1 (1 % of the region) holds none of its 50 blocks; accepted: zones of at least one block");
}

}  // namespace
}  // namespace iopulse
