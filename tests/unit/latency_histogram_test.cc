// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "stats/latency_histogram.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

namespace iopulse {
namespace {

// Percentiles as p * 100, so the exact nearest rank is integer arithmetic:
// rank = ceil(p/100 * n) = ceil(p100 * n / 10000).
constexpr uint64_t kPercentilesX100[] = {5000, 9000, 9900, 9990, 9999};

uint64_t exact_percentile(const std::vector<uint64_t>& sorted, uint64_t p100) {
  const uint64_t n = sorted.size();
  const uint64_t rank = std::max<uint64_t>(1, (p100 * n + 9999) / 10000);
  return sorted[rank - 1];
}

// The histogram is about 19 KiB; keep it off the test's stack frames.
std::unique_ptr<LatencyHistogram> record_all(const std::vector<uint64_t>& values) {
  auto h = std::make_unique<LatencyHistogram>();
  for (uint64_t v : values) h->record(v);
  return h;
}

// Checks the five reported percentiles against the exact sample percentiles
// and min/max/mean/stddev against a two-pass computation.
void expect_matches_samples(std::vector<uint64_t> values, const std::string& name) {
  SCOPED_TRACE(name);
  const auto h = record_all(values);
  std::sort(values.begin(), values.end());

  for (uint64_t p100 : kPercentilesX100) {
    const double p = static_cast<double>(p100) / 100.0;
    const uint64_t exact = exact_percentile(values, p100);
    const uint64_t got = h->percentile(p);
    SCOPED_TRACE("p" + std::to_string(p) + " exact " + std::to_string(exact) + " got " +
                 std::to_string(got));
    const double error = std::abs(static_cast<double>(got) - static_cast<double>(exact)) /
                         static_cast<double>(std::max<uint64_t>(exact, 1));
    EXPECT_LE(error, 0.01);
    // Stronger: the value comes from the bucket holding the exact sample.
    EXPECT_EQ(LatencyHistogram::bucket_index(got), LatencyHistogram::bucket_index(exact));
  }
  EXPECT_EQ(h->percentile(100), values.back());

  EXPECT_EQ(h->count(), values.size());
  EXPECT_EQ(h->min(), values.front());
  EXPECT_EQ(h->max(), values.back());
  long double sum = 0;
  for (uint64_t v : values) sum += v;
  const long double mean = sum / values.size();
  long double squares = 0;
  for (uint64_t v : values) squares += (v - mean) * (v - mean);
  const double stddev = static_cast<double>(std::sqrt(squares / values.size()));
  EXPECT_NEAR(h->mean(), static_cast<double>(mean), static_cast<double>(mean) * 1e-12);
  EXPECT_NEAR(h->stddev(), stddev, stddev * 1e-9 + 1e-9);
}

TEST(LatencyHistogramTest, BucketsTileTheRangeWithinOnePercent) {
  EXPECT_EQ(LatencyHistogram::bucket_count(), 2432u);
  EXPECT_GE(LatencyHistogram::kTrackableLimit, uint64_t{1} << 42);
  uint64_t expected_lower = 0;
  for (size_t i = 0; i < LatencyHistogram::bucket_count(); ++i) {
    const uint64_t lower = LatencyHistogram::bucket_lower(i);
    const uint64_t upper = LatencyHistogram::bucket_upper(i);
    ASSERT_EQ(lower, expected_lower) << "bucket " << i;
    ASSERT_GT(upper, lower);
    if (lower < 128) {
      ASSERT_EQ(upper - lower, 1u);
    } else {
      ASSERT_LE(static_cast<double>(upper - lower) / static_cast<double>(lower), 1.0 / 64);
    }
    ASSERT_EQ(LatencyHistogram::bucket_index(lower), i);
    ASSERT_EQ(LatencyHistogram::bucket_index(upper - 1), i);
    expected_lower = upper;
  }
  EXPECT_EQ(expected_lower, LatencyHistogram::kTrackableLimit);
  EXPECT_EQ(LatencyHistogram::bucket_index(~uint64_t{0}), LatencyHistogram::bucket_count() - 1);
}

TEST(LatencyHistogramTest, UniformPercentilesWithinOnePercent) {
  std::mt19937_64 rng(1);
  std::uniform_int_distribution<uint64_t> dist(1, 1'000'000);
  std::vector<uint64_t> values(200'000);
  for (uint64_t& v : values) v = dist(rng);
  expect_matches_samples(values, "uniform 1..1e6");
}

TEST(LatencyHistogramTest, WideLognormalPercentilesWithinOnePercent) {
  std::mt19937_64 rng(2);
  std::lognormal_distribution<double> dist(std::log(100'000.0), 2.5);
  std::vector<uint64_t> values(200'000);
  for (uint64_t& v : values) v = static_cast<uint64_t>(std::clamp(dist(rng), 1.0, 3.6e12));
  expect_matches_samples(values, "lognormal sigma 2.5");
}

TEST(LatencyHistogramTest, OneNanosecondToOneHourWithinOnePercent) {
  std::mt19937_64 rng(3);
  std::uniform_real_distribution<double> exponent(0.0, std::log(3.6e12));
  std::vector<uint64_t> values(200'000);
  for (uint64_t& v : values) v = static_cast<uint64_t>(std::exp(exponent(rng)));
  values.push_back(1);
  values.push_back(3'600'000'000'000);
  expect_matches_samples(values, "log-uniform 1 ns..1 h");
}

TEST(LatencyHistogramTest, SmallSamplesAndEveryRank) {
  // Few samples exercise the rank rounding (e.g. 99.9% of 1000 is rank 999).
  for (size_t n : {1u, 2u, 3u, 7u, 10u, 100u, 1000u, 10000u}) {
    std::vector<uint64_t> values;
    for (size_t i = 0; i < n; ++i) values.push_back(1000 + 37 * i);
    expect_matches_samples(values, "n=" + std::to_string(n));
  }
}

TEST(LatencyHistogramTest, ConstantValuesAreExact) {
  for (uint64_t c : {uint64_t{0}, uint64_t{1}, uint64_t{127}, uint64_t{128}, uint64_t{1000},
                     uint64_t{123'456'789}, uint64_t{3'600'000'000'000}}) {
    SCOPED_TRACE(c);
    LatencyHistogram h;
    for (int i = 0; i < 1000; ++i) h.record(c);
    for (double p : {0.001, 50.0, 90.0, 99.0, 99.9, 99.99, 100.0}) EXPECT_EQ(h.percentile(p), c);
    EXPECT_EQ(h.min(), c);
    EXPECT_EQ(h.max(), c);
    EXPECT_EQ(h.mean(), static_cast<double>(c));
    EXPECT_EQ(h.stddev(), 0.0);
    EXPECT_EQ(h.sum(), c * 1000);
  }
}

TEST(LatencyHistogramTest, ExactMeanAndStddev) {
  LatencyHistogram h;
  for (uint64_t v : {2, 4, 4, 4, 5, 5, 7, 9}) h.record(v);
  EXPECT_EQ(h.count(), 8u);
  EXPECT_EQ(h.min(), 2u);
  EXPECT_EQ(h.max(), 9u);
  EXPECT_EQ(h.mean(), 5.0);
  EXPECT_EQ(h.stddev(), 2.0);

  // Large values with a tiny spread: no cancellation in the variance.
  LatencyHistogram big;
  big.record(1'000'000'000'001);
  big.record(1'000'000'000'003);
  EXPECT_EQ(big.mean(), 1'000'000'000'002.0);
  EXPECT_EQ(big.stddev(), 1.0);
}

TEST(LatencyHistogramTest, EmptyHistogram) {
  LatencyHistogram h;
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.min(), 0u);
  EXPECT_EQ(h.max(), 0u);
  EXPECT_EQ(h.sum(), 0u);
  EXPECT_EQ(h.mean(), 0.0);
  EXPECT_EQ(h.stddev(), 0.0);
  EXPECT_EQ(h.percentile(50), 0u);
  EXPECT_EQ(h.percentile(100), 0u);
  int buckets = 0;
  h.for_each_bucket([&](uint64_t, uint64_t, uint64_t) { ++buckets; });
  EXPECT_EQ(buckets, 0);
}

TEST(LatencyHistogramTest, ClearReturnsToEmpty) {
  LatencyHistogram h;
  h.record(5);
  h.record(5'000'000);
  h.clear();
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.min(), 0u);
  EXPECT_EQ(h.max(), 0u);
  EXPECT_EQ(h.percentile(50), 0u);
  h.record(42);
  EXPECT_EQ(h.min(), 42u);
  EXPECT_EQ(h.max(), 42u);
}

TEST(LatencyHistogramTest, MergeEqualsRecordingIntoOne) {
  std::mt19937_64 rng(4);
  std::lognormal_distribution<double> dist(std::log(50'000.0), 1.5);
  auto all = std::make_unique<LatencyHistogram>();
  auto merged = std::make_unique<LatencyHistogram>();
  auto empty = std::make_unique<LatencyHistogram>();
  for (int part = 0; part < 4; ++part) {
    auto piece = std::make_unique<LatencyHistogram>();
    for (int i = 0; i < 10'000 * (part + 1); ++i) {
      const auto v = static_cast<uint64_t>(dist(rng)) + static_cast<uint64_t>(part) * 1000;
      all->record(v);
      piece->record(v);
    }
    merged->merge(*piece);
  }
  merged->merge(*empty);  // merging an empty histogram changes nothing

  EXPECT_EQ(merged->count(), all->count());
  EXPECT_EQ(merged->min(), all->min());
  EXPECT_EQ(merged->max(), all->max());
  EXPECT_EQ(merged->sum(), all->sum());
  EXPECT_EQ(merged->mean(), all->mean());
  EXPECT_EQ(merged->stddev(), all->stddev());
  for (double p : {1.0, 50.0, 90.0, 99.0, 99.9, 99.99, 100.0}) {
    EXPECT_EQ(merged->percentile(p), all->percentile(p)) << p;
  }
  std::vector<std::vector<uint64_t>> a, b;
  all->for_each_bucket([&](uint64_t lo, uint64_t hi, uint64_t n) { a.push_back({lo, hi, n}); });
  merged->for_each_bucket([&](uint64_t lo, uint64_t hi, uint64_t n) { b.push_back({lo, hi, n}); });
  EXPECT_EQ(a, b);

  // Into an empty one: a copy.
  empty->merge(*all);
  EXPECT_EQ(empty->min(), all->min());
  EXPECT_EQ(empty->percentile(50), all->percentile(50));
}

TEST(LatencyHistogramTest, RecordNEqualsRepeatedRecord) {
  LatencyHistogram repeated, batched;
  for (int i = 0; i < 5; ++i) repeated.record(300);
  for (int i = 0; i < 3; ++i) repeated.record(7'000'000);
  batched.record_n(300, 5);
  batched.record_n(7'000'000, 3);
  batched.record_n(1, 0);  // no-op: must not touch min
  EXPECT_EQ(batched.count(), repeated.count());
  EXPECT_EQ(batched.min(), 300u);
  EXPECT_EQ(batched.max(), repeated.max());
  EXPECT_EQ(batched.sum(), repeated.sum());
  EXPECT_EQ(batched.stddev(), repeated.stddev());
  EXPECT_EQ(batched.percentile(50), repeated.percentile(50));
  EXPECT_EQ(batched.percentile(70), repeated.percentile(70));
}

TEST(LatencyHistogramTest, ValuesAboveTheRangeClampButMaxStaysExact) {
  LatencyHistogram h;
  const uint64_t huge = uint64_t{1} << 50;
  h.record(1000);
  h.record(huge);
  h.record(huge + 1);
  EXPECT_EQ(h.max(), huge + 1);
  EXPECT_EQ(h.percentile(100), huge + 1);
  // The last bucket is [127 << 36, 128 << 36); rank 2 gets its midpoint.
  EXPECT_EQ(h.percentile(50), (uint64_t{127} << 36) + (uint64_t{1} << 35) - 1);
  uint64_t last_upper = 0, last_count = 0;
  h.for_each_bucket([&](uint64_t, uint64_t upper, uint64_t count) {
    last_upper = upper;
    last_count = count;
  });
  EXPECT_EQ(last_upper, LatencyHistogram::kTrackableLimit);
  EXPECT_EQ(last_count, 2u);
}

TEST(LatencyHistogramTest, PercentileArgumentEdges) {
  LatencyHistogram h;
  for (uint64_t v = 1; v <= 100; ++v) h.record(v);
  EXPECT_EQ(h.percentile(0), 1u);
  EXPECT_EQ(h.percentile(-5), 1u);
  EXPECT_EQ(h.percentile(1), 1u);
  EXPECT_EQ(h.percentile(1.5), 2u);
  EXPECT_EQ(h.percentile(50), 50u);
  EXPECT_EQ(h.percentile(99.9), 100u);
  EXPECT_EQ(h.percentile(100), 100u);
  EXPECT_EQ(h.percentile(250), 100u);
}

TEST(LatencyHistogramTest, ForEachBucketReportsNonEmptyBucketsInOrder) {
  LatencyHistogram h;
  h.record(3);
  h.record(3);
  h.record(200);  // bucket [200, 202)
  h.record(1'000'000);
  std::vector<std::vector<uint64_t>> seen;
  h.for_each_bucket([&](uint64_t lo, uint64_t hi, uint64_t n) { seen.push_back({lo, hi, n}); });
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[0], (std::vector<uint64_t>{3, 4, 2}));
  EXPECT_EQ(seen[1], (std::vector<uint64_t>{200, 202, 1}));
  EXPECT_LE(seen[2][0], 1'000'000u);
  EXPECT_GT(seen[2][1], 1'000'000u);
  EXPECT_EQ(seen[2][2], 1u);
}

TEST(LatencyHistogramTest, CopiesAreIndependent) {
  LatencyHistogram a;
  a.record(10);
  LatencyHistogram b = a;
  b.record(20);
  EXPECT_EQ(a.count(), 1u);
  EXPECT_EQ(b.count(), 2u);
  EXPECT_EQ(a.max(), 10u);
}

}  // namespace
}  // namespace iopulse
