// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "workload/write_data.h"

#include <cstring>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace iopulse {
namespace {

TEST(WriteDataTest, EveryWriteDiffersInEveryWord) {
  WriteData data(7, 65536);
  std::vector<unsigned char> a(4096), b(4096);
  data.fill(a.data(), 4096);
  data.fill(b.data(), 4096);
  for (size_t w = 0; w < 4096 / 8; ++w) {
    EXPECT_NE(std::memcmp(a.data() + 8 * w, b.data() + 8 * w, 8), 0) << "word " << w;
  }
  EXPECT_EQ(data.writes(), 2u);
}

TEST(WriteDataTest, OverwritesWhatWasInTheBufferAndRepeatsWithTheSeed) {
  WriteData one(11, 8192), two(11, 8192);
  std::set<std::string> seen;
  for (uint32_t len : {4096u, 512u, 8192u, 100u, 4097u}) {
    std::vector<unsigned char> x(len, 0), y(len, 0xff);
    one.fill(x.data(), len);
    two.fill(y.data(), len);  // same seed, same write number: same bytes, whatever was there
    EXPECT_EQ(x, y) << len;
    EXPECT_TRUE(seen.insert(std::string(x.begin(), x.end())).second);
  }
  std::vector<unsigned char> nth(4096);
  WriteData three(11, 8192);
  three.fill_nth(nth.data(), 4096, 1);
  std::vector<unsigned char> first(4096);
  WriteData four(11, 8192);
  four.fill(first.data(), 4096);
  EXPECT_EQ(nth, first);
}

TEST(WriteDataTest, OtherSeedsGiveOtherBytes) {
  WriteData a(1, 4096), b(2, 4096);
  std::vector<unsigned char> x(4096), y(4096);
  a.fill(x.data(), 4096);
  b.fill(y.data(), 4096);
  EXPECT_NE(x, y);
}

}  // namespace
}  // namespace iopulse
