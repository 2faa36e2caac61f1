// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// LatencyHistogram: a log-linear (HDR-style) histogram of latencies in
// nanoseconds, with at most 1% relative error from 1 ns to over two hours.
//
// Bucket layout (kSubBucketBits = 6):
//   - values 0..127 have one bucket each (exact);
//   - every power of two [2^e, 2^(e+1)) for e = 7..42 is split into 64 equal
//     sub-buckets of width 2^(e-6), so a bucket is at most 1/64 of its lower
//     bound wide and its midpoint is within 1/128 (0.79%) of any value in it;
//   - values >= kTrackableLimit (2^43 ns, about 2.4 hours) are counted in the
//     last bucket; count, min, max, sum and the sum of squares stay exact.
//
// Besides the buckets it keeps count, min, max, the sum and the sum of
// squares of every recorded value, as exact integers, so mean() and stddev()
// are exact (up to the final floating-point division), not bucketed.
//
// Storage is a fixed array inside the object (about 19 KiB, no heap), so a
// histogram can be copied, merged by adding buckets (across workers,
// intervals, phases and hosts), and sent as plain bytes.  Not thread-safe:
// one owner records; others read copies.
#ifndef IOPULSE_STATS_LATENCY_HISTOGRAM_H_
#define IOPULSE_STATS_LATENCY_HISTOGRAM_H_

#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

namespace iopulse {

class LatencyHistogram {
 public:
  static constexpr unsigned kSubBucketBits = 6;
  static constexpr uint64_t kSubBucketCount = uint64_t{1} << kSubBucketBits;  // 64
  // Values below kExactLimit are their own bucket.
  static constexpr uint64_t kExactLimit = 2 * kSubBucketCount;  // 128
  // The highest power of two that still gets its own 64 sub-buckets.
  static constexpr unsigned kMaxExponent = 42;
  // Values at or above this land in the last bucket.
  static constexpr uint64_t kTrackableLimit = uint64_t{1} << (kMaxExponent + 1);
  static constexpr size_t kBucketCount =
      (kMaxExponent - kSubBucketBits + 2) << kSubBucketBits;  // 2432

  LatencyHistogram() = default;

  // Records one latency.  The per-IO hot path: no allocation and no branch
  // (std::min/std::max compile to conditional moves; the small-value case is
  // folded into the index arithmetic).
  void record(uint64_t ns) {
    // The totals are read before the bucket is written: a store to a
    // bucket could alias them as far as the compiler knows, and reading
    // them after it would cost reloads.
    const uint64_t count = count_, sum = sum_, lo = min_, hi = max_;
    const Uint128 squares = sum_squares_;
    ++buckets_[bucket_index(ns)];
    count_ = count + 1;
    sum_ = sum + ns;
    sum_squares_ = squares + static_cast<Uint128>(ns) * ns;
    min_ = ns < lo ? ns : lo;
    max_ = ns > hi ? ns : hi;
  }

  // Records `count` latencies of `ns` each (no-op when count is 0).
  void record_n(uint64_t ns, uint64_t count);

  // Adds every bucket and the totals of `other` to this histogram, as if
  // every value recorded there had been recorded here.
  void merge(const LatencyHistogram& other);

  // Back to the empty state.
  void clear();

  uint64_t count() const { return count_; }
  // Smallest and largest recorded values, exact; 0 when empty.
  uint64_t min() const { return count_ == 0 ? 0 : min_; }
  uint64_t max() const { return max_; }
  // Sum of all recorded values (wraps only after 584 years of latency).
  uint64_t sum() const { return sum_; }
  // Exact mean and population standard deviation; 0 when empty.
  double mean() const;
  double stddev() const;

  // The p-th percentile, p in (0, 100], by nearest rank on the bucketed
  // data: the bucket holding the ceil(p/100 * count)-th smallest value,
  // represented by its midpoint clamped to [min(), max()].  Rank 1 returns
  // min() and rank count() returns max() exactly.  Relative error against
  // the exact sample percentile is below 0.8% for values under
  // kTrackableLimit.  p <= 0 acts as rank 1, p > 100 as 100.  0 when empty.
  uint64_t percentile(double p) const;

  // Calls f(lower_ns, upper_ns_exclusive, count) for every non-empty bucket,
  // in increasing order.  The last bucket's upper bound is kTrackableLimit
  // even when it holds clamped values above it.
  template <class F>
  void for_each_bucket(F&& f) const {
    for (size_t i = 0; i < kBucketCount; ++i) {
      if (buckets_[i] != 0) f(bucket_lower(i), bucket_upper(i), buckets_[i]);
    }
  }

  static constexpr size_t bucket_count() { return kBucketCount; }

  // The exact state as plain numbers, for sending between processes:
  // count, min, max, sum, the two halves of the sum of squares, then a
  // (bucket index, count) pair per non-empty bucket.  from_words() rebuilds
  // an identical histogram; it returns false (and leaves *this empty) when
  // `words` is not such a list.
  std::vector<uint64_t> to_words() const;
  bool from_words(const std::vector<uint64_t>& words);

  // The bucket `ns` is counted in.  For v < 128 the shift is 0 and the index
  // is v itself; above, it is (exponent - 6) * 64 + the top 7 bits of v.
  static constexpr size_t bucket_index(uint64_t ns) {
    const uint64_t v = std::min(ns, kTrackableLimit - 1);
    const unsigned shift = 57u - static_cast<unsigned>(std::countl_zero(v | (kExactLimit - 1)));
    return (size_t{shift} << kSubBucketBits) + static_cast<size_t>(v >> shift);
  }
  // Inclusive lower and exclusive upper bound of bucket `index`
  // (index < kBucketCount).
  static constexpr uint64_t bucket_lower(size_t index) {
    return bucket_mantissa(index) << bucket_shift(index);
  }
  static constexpr uint64_t bucket_upper(size_t index) {
    return (bucket_mantissa(index) + 1) << bucket_shift(index);
  }

 private:
  // GCC/Clang extension; __extension__ keeps -Wpedantic quiet.
  __extension__ typedef unsigned __int128 Uint128;

  static constexpr unsigned bucket_shift(size_t index) {
    const size_t group = index >> kSubBucketBits;
    return group == 0 ? 0u : static_cast<unsigned>(group - 1);
  }
  static constexpr uint64_t bucket_mantissa(size_t index) {
    return index - (size_t{bucket_shift(index)} << kSubBucketBits);
  }

  // Invariants: sum of buckets_ == count_; when count_ == 0 every member is
  // in its initial state.  min_ starts at the largest value so the first
  // record needs no special case.
  std::array<uint64_t, kBucketCount> buckets_{};
  uint64_t count_ = 0;
  uint64_t min_ = std::numeric_limits<uint64_t>::max();
  uint64_t max_ = 0;
  uint64_t sum_ = 0;
  Uint128 sum_squares_ = 0;  // exact up to ~1.8e13 values of one hour each
};

}  // namespace iopulse

#endif  // IOPULSE_STATS_LATENCY_HISTOGRAM_H_
