// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "workload/block_size_sampler.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <utility>
#include <vector>
#include <type_traits>

#include "job/block_size_mix.h"
#include "workload/random_source.h"

namespace iopulse {
namespace {

static_assert(std::is_trivially_copyable_v<BlockSizeSampler>, "BlockSizeSampler owns no heap memory");

// The next outputs of two generators agree iff they are in the same state.
bool same_state(RandomSource a, RandomSource b) {
  for (int i = 0; i < 4; ++i) {
    if (a.next() != b.next()) return false;
  }
  return true;
}

TEST(BlockSizeSamplerTest, SingleSizeDrawsNoRandomNumber) {
  const BlockSizeSampler m(BlockSizeMix::parse("--block-size", "64k"));
  RandomSource rng(17);
  const RandomSource before = rng;
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(m.next(rng), 65536u);
  EXPECT_TRUE(same_state(before, rng));
}

TEST(BlockSizeSamplerTest, MixedSizesDrawOneNumberEach) {
  const BlockSizeSampler m(BlockSizeMix::parse("--block-size", "4k:70,64k:30"));
  RandomSource rng(17);
  RandomSource expected = rng;
  for (int i = 0; i < 1000; ++i) {
    m.next(rng);
    expected.next();
  }
  EXPECT_TRUE(same_state(expected, rng));
}

TEST(BlockSizeSamplerTest, ObservedWeightsMatch) {
  // Four sizes; each share within 5 binomial standard errors, and the
  // chi-square (3 df) below its 99.9% point, 16.27.
  const BlockSizeSampler m(BlockSizeMix::parse("--block-size", "512:10,4k:25,16k:40,1m:25"));
  const uint32_t sizes[] = {512, 4096, 16384, 1 << 20};
  const double weights[] = {0.10, 0.25, 0.40, 0.25};
  uint64_t counts[4] = {0, 0, 0, 0};
  constexpr uint64_t kN = 1'000'000;
  RandomSource rng(2024);
  for (uint64_t i = 0; i < kN; ++i) {
    const uint32_t s = m.next(rng);
    int k = 0;
    while (k < 4 && sizes[k] != s) ++k;
    ASSERT_LT(k, 4) << "unexpected size " << s;
    ++counts[k];
  }
  double chi2 = 0;
  for (int k = 0; k < 4; ++k) {
    const double e = weights[k] * kN;
    const double se = std::sqrt(e * (1 - weights[k]));
    EXPECT_NEAR(static_cast<double>(counts[k]), e, 5 * se) << sizes[k];
    chi2 += (counts[k] - e) * (counts[k] - e) / e;
  }
  EXPECT_LT(chi2, 16.27);
}

TEST(BlockSizeSamplerTest, ExtremeWeights) {
  // 1% and 99%: the rare size still appears at its rate.
  const BlockSizeSampler m(BlockSizeMix::parse("--write-block-size", "4k:99,1m:1"));
  RandomSource rng(5);
  uint64_t rare = 0;
  constexpr uint64_t kN = 1'000'000;
  for (uint64_t i = 0; i < kN; ++i) rare += m.next(rng) == (1u << 20);
  EXPECT_NEAR(static_cast<double>(rare), 0.01 * kN, 5 * std::sqrt(0.01 * 0.99 * kN));
}

// A range draws fio's bsrange shares (a power-of-two MIN rounds by a mask,
// another by a division): each size within 5 binomial standard errors and
// nothing outside the range's sizes.
TEST(BlockSizeSamplerTest, RangeDrawsFiosShares) {
  struct Case {
    const char* text;
    std::vector<std::pair<uint32_t, double>> shares;
  };
  const Case cases[] = {
      {"4k-16k", {{4096, 0.25}, {8192, 0.25}, {12288, 0.25}, {16384, 0.25}}},
      {"4k-10k", {{4096, 0.4}, {8192, 0.4}, {10240, 0.2}}},
      {"3k-10k", {{3072, 0.3}, {6144, 0.3}, {9216, 0.3}, {10240, 0.1}}},
  };
  for (const Case& c : cases) {
    const BlockSizeSampler m(BlockSizeMix::parse("--block-size", c.text));
    std::map<uint32_t, uint64_t> counts;
    constexpr uint64_t kN = 400'000;
    RandomSource rng(7);
    for (uint64_t i = 0; i < kN; ++i) ++counts[m.next(rng)];
    EXPECT_EQ(counts.size(), c.shares.size()) << c.text;
    for (const auto& [size, share] : c.shares) {
      const double e = share * kN;
      EXPECT_NEAR(static_cast<double>(counts[size]), e, 5 * std::sqrt(e * (1 - share))) << c.text << " " << size;
    }
  }
}

}  // namespace
}  // namespace iopulse
