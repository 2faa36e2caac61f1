// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// OpMix against counts over many draws, and the share rules of
// --read-percent, --write-percent and --trim-percent as JobSpecBuilder
// applies them.
#include "workload/op_mix.h"

#include <array>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "job/job_options.h"
#include "job_spec_of.h"
#include "job/usage_error.h"

namespace iopulse {
namespace {

// Ops drawn per kind over n draws: [read, write, trim].
std::array<uint64_t, 3> count(const OpMix& mix, uint64_t n, uint64_t seed = 42) {
  RandomSource rng(seed);
  std::array<uint64_t, 3> c{};
  for (uint64_t i = 0; i < n; ++i) {
    const uint8_t op = mix.next(rng);
    EXPECT_TRUE(op == IOP_OP_READ || op == IOP_OP_WRITE || op == IOP_OP_TRIM) << int(op);
    c[op == IOP_OP_READ ? 0 : op == IOP_OP_WRITE ? 1 : 2] += 1;
  }
  return c;
}

TEST(OpMixTest, SharesFollowThePercentages) {
  constexpr uint64_t kDraws = 1'000'000;
  for (const auto& [read, trim] : std::vector<std::pair<uint32_t, uint32_t>>{{50, 20}, {0, 30}, {70, 30}, {10, 1}}) {
    const auto c = count(OpMix(read, trim), kDraws);
    const uint32_t write = 100 - read - trim;
    // Within 0.3 percentage points (many standard deviations at 10^6 draws).
    EXPECT_NEAR(c[0] * 100.0 / kDraws, read, 0.3) << read << "/" << trim;
    EXPECT_NEAR(c[2] * 100.0 / kDraws, trim, 0.3) << read << "/" << trim;
    EXPECT_NEAR(c[1] * 100.0 / kDraws, write, 0.3) << read << "/" << trim;
    if (write == 0) {
      EXPECT_EQ(c[1], 0u) << "a job without writes wrote";
    }
    if (read == 0) {
      EXPECT_EQ(c[0], 0u);
    }
  }
}

TEST(OpMixTest, OneKindJobsDrawNothing) {
  for (const auto& [read, trim, op] : std::vector<std::tuple<uint32_t, uint32_t, uint8_t>>{
           {100, 0, IOP_OP_READ}, {0, 0, IOP_OP_WRITE}, {0, 100, IOP_OP_TRIM}}) {
    RandomSource rng(7), untouched(7);
    const OpMix mix(read, trim);
    for (int i = 0; i < 100; ++i) EXPECT_EQ(mix.next(rng), op);
    EXPECT_EQ(rng.next(), untouched.next()) << "a one-kind mix consumed random numbers";
  }
}

// Adding the trim share leaves a read/write job's draws as they were: with
// trim 0 the same seed gives the same ops as the two-way mix always did.
TEST(OpMixTest, NoTrimsKeepsTheReadWriteSequence) {
  RandomSource a(9), b(9);
  const OpMix mix(70, 0);
  const uint64_t threshold = static_cast<uint64_t>((static_cast<unsigned __int128>(70) << 64) / 100);
  for (int i = 0; i < 10000; ++i) {
    const uint8_t expected = b.next() < threshold ? IOP_OP_READ : IOP_OP_WRITE;
    ASSERT_EQ(mix.next(a), expected) << i;
  }
}

JobSpec spec_of(const JobOptionTexts& options) { return job_spec_of("/tmp/iopulse-op-mix-test-never-created", options); }

std::string refusal(const std::vector<std::pair<std::string, std::string>>& options) {
  try {
    spec_of(options);
  } catch (const UsageError& e) {
    return e.what();
  }
  return "accepted";
}

TEST(OpMixTest, TrimShareRules) {
  // Reads are the rest of the trims when no other share is given.
  JobSpec s = spec_of({{"trim-percent", "30"}});
  EXPECT_EQ(s.read_percent, 70u);
  EXPECT_EQ(s.write_percent(), 0u);
  // Writes are the rest of reads and trims.
  s = spec_of({{"read-percent", "50"}, {"trim-percent", "20"}});
  EXPECT_EQ(s.read_percent, 50u);
  EXPECT_EQ(s.write_percent(), 30u);
  // Reads are the rest of writes and trims.
  s = spec_of({{"write-percent", "60"}, {"trim-percent", "40"}});
  EXPECT_EQ(s.read_percent, 0u);
  EXPECT_EQ(s.write_percent(), 60u);
  s = spec_of({{"read-percent", "10"}, {"write-percent", "80"}, {"trim-percent", "10"}});
  EXPECT_EQ(s.write_percent(), 80u);
  EXPECT_EQ(spec_of({{"trim-percent", "100"}}).read_percent, 0u);
  EXPECT_EQ(spec_of({{"trim-percent", "0"}}).read_percent, 100u);  // the default job

  EXPECT_EQ(refusal({{"trim-percent", "101"}}).rfind("--trim-percent: '101'", 0), 0u);
  EXPECT_EQ(refusal({{"read-percent", "80"}, {"trim-percent", "30"}}),
            "--read-percent 80 and --trim-percent 30 add up to 110; accepted: read + trim at most 100 (writes are "
            "the rest)");
  EXPECT_EQ(refusal({{"write-percent", "80"}, {"trim-percent", "30"}}),
            "--write-percent 80 and --trim-percent 30 add up to 110; accepted: write + trim at most 100 (reads are "
            "the rest)");
  EXPECT_EQ(refusal({{"read-percent", "50"}, {"write-percent", "50"}, {"trim-percent", "10"}}),
            "--read-percent 50 and --write-percent 50 and --trim-percent 10 add up to 110; accepted: shares that "
            "sum to 100");
  EXPECT_NE(refusal({{"trim-percent", "10"}, {"verify", ""}}).find("--trim-percent 10: cannot be combined with --verify"),
            std::string::npos);
  EXPECT_NE(refusal({{"trim-percent", "100"}, {"fsync-every", "4"}}).find("--fsync-every: the job does not write"),
            std::string::npos);
}

}  // namespace
}  // namespace iopulse
