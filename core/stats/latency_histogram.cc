// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "stats/latency_histogram.h"

#include <cmath>

namespace iopulse {

namespace {

// Nearest rank of the p-th percentile among n values: ceil(p/100 * n),
// within [1, n].  p is usually a short decimal (99.9) whose binary value is
// slightly off, so a product that should be an integer can land a few ulps
// above it; a relative tolerance far above that rounding error, and far
// below the spacing of real fractional ranks, absorbs it.
uint64_t nearest_rank(double p, uint64_t n) {
  const double exact = p / 100.0 * static_cast<double>(n);
  if (!(exact > 1.0)) return 1;  // also catches NaN
  if (exact >= static_cast<double>(n)) return n;
  const auto rank = static_cast<uint64_t>(std::ceil(exact - exact * 1e-14));
  return std::clamp<uint64_t>(rank, 1, n);
}

}  // namespace

void LatencyHistogram::record_n(uint64_t ns, uint64_t count) {
  if (count == 0) return;
  buckets_[bucket_index(ns)] += count;
  count_ += count;
  sum_ += ns * count;
  sum_squares_ += static_cast<Uint128>(ns) * ns * count;
  min_ = std::min(min_, ns);
  max_ = std::max(max_, ns);
}

void LatencyHistogram::merge(const LatencyHistogram& other) {
  for (size_t i = 0; i < kBucketCount; ++i) buckets_[i] += other.buckets_[i];
  count_ += other.count_;
  sum_ += other.sum_;
  sum_squares_ += other.sum_squares_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
}

void LatencyHistogram::clear() { *this = LatencyHistogram(); }

std::vector<uint64_t> LatencyHistogram::to_words() const {
  std::vector<uint64_t> w = {count_, min_, max_, sum_, static_cast<uint64_t>(sum_squares_ >> 64),
                             static_cast<uint64_t>(sum_squares_)};
  for (size_t i = 0; i < kBucketCount; ++i) {
    if (buckets_[i] != 0) {
      w.push_back(i);
      w.push_back(buckets_[i]);
    }
  }
  return w;
}

bool LatencyHistogram::from_words(const std::vector<uint64_t>& w) {
  clear();
  if (w.size() < 6 || w.size() % 2 != 0) return false;
  LatencyHistogram h;
  h.count_ = w[0];
  h.min_ = w[1];
  h.max_ = w[2];
  h.sum_ = w[3];
  h.sum_squares_ = (static_cast<Uint128>(w[4]) << 64) | w[5];
  uint64_t total = 0;
  for (size_t k = 6; k < w.size(); k += 2) {
    if (w[k] >= kBucketCount) return false;
    h.buckets_[w[k]] += w[k + 1];
    total += w[k + 1];
  }
  if (total != h.count_) return false;
  *this = h;
  return true;
}

double LatencyHistogram::mean() const {
  if (count_ == 0) return 0.0;
  return static_cast<double>(static_cast<long double>(sum_) / count_);
}

double LatencyHistogram::stddev() const {
  if (count_ < 2) return 0.0;
  // Population variance = (n * sum(x^2) - sum(x)^2) / n^2.  The numerator is
  // an exact integer whenever n * sum(x^2) fits in 128 bits (every run short
  // of ~1e13 IOs of one second each); only the final division rounds.
  const Uint128 n = count_;
  Uint128 n_sum_squares;
  if (!__builtin_mul_overflow(n, sum_squares_, &n_sum_squares)) {
    const Uint128 sum = sum_;
    const Uint128 numerator = n_sum_squares - sum * sum;  // >= 0 (Cauchy-Schwarz)
    const long double n_ld = static_cast<long double>(count_);
    return static_cast<double>(std::sqrt(static_cast<long double>(numerator) / (n_ld * n_ld)));
  }
  const long double mean = static_cast<long double>(sum_) / count_;
  const long double variance = static_cast<long double>(sum_squares_) / count_ - mean * mean;
  return variance > 0 ? static_cast<double>(std::sqrt(variance)) : 0.0;
}

uint64_t LatencyHistogram::percentile(double p) const {
  if (count_ == 0) return 0;
  const uint64_t rank = nearest_rank(p, count_);
  if (rank == 1) return min_;
  if (rank == count_) return max_;
  uint64_t seen = 0;
  for (size_t i = 0; i < kBucketCount; ++i) {
    seen += buckets_[i];
    if (seen >= rank) {
      const uint64_t lower = bucket_lower(i);
      const uint64_t midpoint = lower + (bucket_upper(i) - 1 - lower) / 2;
      return std::clamp(midpoint, min_, max_);
    }
  }
  return max_;  // unreachable while the buckets sum to count_
}

}  // namespace iopulse
