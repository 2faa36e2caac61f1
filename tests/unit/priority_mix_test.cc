// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// PriorityMix against counts over many draws: the share that carries the
// job's priority, what the others carry (none, or --io-priority-others),
// and the shares of 0 and 100, which draw nothing.
#include "workload/priority_mix.h"

#include <cstdint>
#include <map>

#include <gtest/gtest.h>

#include "iopulse/engine.h"

namespace iopulse {
namespace {

constexpr uint16_t kRt0 = IOP_IOPRIO_VALUE(IOP_IOPRIO_CLASS_RT, 0);
constexpr uint16_t kIdle = IOP_IOPRIO_VALUE(IOP_IOPRIO_CLASS_IDLE, 0);

// Priorities drawn over n draws, and how many random numbers the draws used.
std::map<uint16_t, uint64_t> count(const PriorityMix& mix, uint64_t n, uint64_t* used = nullptr) {
  RandomSource rng(7);
  RandomSource twin(7);
  std::map<uint16_t, uint64_t> c;
  for (uint64_t i = 0; i < n; ++i) ++c[mix.next(rng)];
  if (used != nullptr) {
    // rng went `used` numbers further than twin: twin meets rng's next
    // number after as many (a million at most, here).
    *used = 0;
    const uint64_t next = rng.next();
    while (twin.next() != next && *used <= n) ++*used;
  }
  return c;
}

TEST(PriorityMixTest, TheOthersCarryNoneOrTheirOwnPriority) {
  constexpr uint64_t kDraws = 1'000'000;
  for (const uint16_t others : {uint16_t{0}, kIdle}) {
    const auto c = count(PriorityMix(kRt0, 20, others), kDraws);
    ASSERT_EQ(c.size(), 2u) << "two priorities, no third";
    // Within 0.3 percentage points (many standard deviations at 10^6 draws).
    EXPECT_NEAR(static_cast<double>(c.at(kRt0)) / kDraws, 0.20, 0.003);
    EXPECT_NEAR(static_cast<double>(c.at(others)) / kDraws, 0.80, 0.003);
  }
}

TEST(PriorityMixTest, SharesOfZeroAndAHundredDrawNothing) {
  uint64_t used = 1;
  EXPECT_EQ(count(PriorityMix(kRt0, 100, kIdle), 1000, &used), (std::map<uint16_t, uint64_t>{{kRt0, 1000}}));
  EXPECT_EQ(used, 0u);
  used = 1;
  EXPECT_EQ(count(PriorityMix(kRt0, 0, kIdle), 1000, &used), (std::map<uint16_t, uint64_t>{{kIdle, 1000}}));
  EXPECT_EQ(used, 0u);
  used = 1;
  EXPECT_EQ(count(PriorityMix(kRt0, 0), 1000, &used), (std::map<uint16_t, uint64_t>{{0, 1000}}));
  EXPECT_EQ(used, 0u);
  // A share between draws one number per IO.
  count(PriorityMix(kRt0, 50, kIdle), 1000, &used);
  EXPECT_EQ(used, 1000u);
}

}  // namespace
}  // namespace iopulse
