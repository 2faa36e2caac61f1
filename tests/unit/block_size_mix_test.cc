// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "job/block_size_mix.h"

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "job/usage_error.h"
#include "usage_message.h"

namespace iopulse {
namespace {

static_assert(std::is_trivially_copyable_v<BlockSizeMix>, "BlockSizeMix owns no heap memory");

using iopulse::test::usage_message;

std::string parse_error(std::string_view text, std::string_view option = "--block-size") {
  return usage_message([&] { BlockSizeMix::parse(option, text); });
}

TEST(BlockSizeMixTest, SingleSize) {
  for (std::string_view text : {"4k", "4096", "4k:100", "4KiB"}) {
    const BlockSizeMix m = BlockSizeMix::parse("--block-size", text);
    EXPECT_TRUE(m.single());
    EXPECT_EQ(m.min_size(), 4096u);
    EXPECT_EQ(m.max_size(), 4096u);
    ASSERT_EQ(m.entries().size(), 1u);
    EXPECT_EQ(m.entries()[0].size, 4096u);
    EXPECT_EQ(m.entries()[0].weight, 100u);
    EXPECT_EQ(m.to_string(), "4k");
  }
  EXPECT_EQ(BlockSizeMix().to_string(), "4k");
  EXPECT_EQ(BlockSizeMix(512).to_string(), "512");
  EXPECT_EQ(BlockSizeMix::parse("--block-size", "1g").to_string(), "1g");
  EXPECT_EQ(BlockSizeMix::parse("--block-size", "3m").max_size(), 3u << 20);
  EXPECT_THROW(BlockSizeMix(0), std::invalid_argument);
}

TEST(BlockSizeMixTest, ParsesWeightedSizes) {
  const BlockSizeMix m = BlockSizeMix::parse("--block-size", "4k:70,64k:30");
  EXPECT_FALSE(m.single());
  ASSERT_EQ(m.entries().size(), 2u);
  EXPECT_EQ(m.entries()[0].size, 4096u);
  EXPECT_EQ(m.entries()[0].weight, 70u);
  EXPECT_EQ(m.entries()[1].size, 65536u);
  EXPECT_EQ(m.entries()[1].weight, 30u);
  EXPECT_EQ(m.min_size(), 4096u);
  EXPECT_EQ(m.max_size(), 65536u);
  EXPECT_DOUBLE_EQ(m.mean_size(), 0.7 * 4096 + 0.3 * 65536);
  EXPECT_EQ(m.to_string(), "4k:70,64k:30");
  // Order as given; sizes written back in the largest whole unit.
  EXPECT_EQ(BlockSizeMix::parse("--block-size", "1048576:25,512:25,1536:50").to_string(),
            "1m:25,512:25,1536:50");
}

TEST(BlockSizeMixTest, ParseErrorsNameTheOptionAndWhatIsAccepted) {
  EXPECT_EQ(parse_error("4k:70,64k:20"),
            "--block-size: weights add up to 90; accepted: weights that sum to 100");
  EXPECT_EQ(parse_error("4k:70,64k:40"),
            "--block-size: weights add up to 110; accepted: weights that sum to 100");
  EXPECT_EQ(parse_error("4k:50"),
            "--block-size: weights add up to 50; accepted: weights that sum to 100");
  EXPECT_EQ(parse_error("4k:70,64k:20", "--read-block-size"),
            "--read-block-size: weights add up to 90; accepted: weights that sum to 100");
  EXPECT_EQ(parse_error("4k,64k:30"),
            "--block-size: '4k' has no weight; accepted: size:weight entries whose weights sum "
            "to 100, e.g. 4k:70,64k:30");
  EXPECT_EQ(parse_error("4q"),
            "--block-size: '4q' is not a size; accepted: a whole number of bytes with an "
            "optional k, m, g or t suffix (binary, e.g. 4k, 256M, 1G)");
  EXPECT_EQ(parse_error("4k:70,x:30"),
            "--block-size: 'x' is not a size; accepted: a whole number of bytes with an "
            "optional k, m, g or t suffix (binary, e.g. 4k, 256M, 1G)");
  EXPECT_EQ(parse_error("0"), "--block-size: '0' is not accepted; accepted: 1 byte to 1G");
  EXPECT_EQ(parse_error("4k:50,2g:50"),
            "--block-size: '2g' is not accepted; accepted: 1 byte to 1G");
  EXPECT_EQ(parse_error("4k:0,64k:100"),
            "--block-size: weight '0' of 4k is not accepted; accepted: a whole number from 1 to "
            "100");
  EXPECT_EQ(parse_error("4k:x,64k:30"),
            "--block-size: weight 'x' of 4k is not accepted; accepted: a whole number from 1 to "
            "100");
  EXPECT_EQ(parse_error("4k:,64k:30"),
            "--block-size: weight '' of 4k is not accepted; accepted: a whole number from 1 to "
            "100");
  EXPECT_EQ(parse_error("4k:50,4096:50"),
            "--block-size: 4k appears twice in '4k:50,4096:50'; accepted: each size once");
  EXPECT_EQ(parse_error("4k:70,,64k:30"),
            "--block-size: '4k:70,,64k:30' has an empty entry; accepted: a size, sizes with "
            "weights that sum to 100 like 4k:70,64k:30, or a range MIN-MAX like 4k-64k");
  EXPECT_EQ(parse_error("4k:100,"),
            "--block-size: '4k:100,' has an empty entry; accepted: a size, sizes with weights "
            "that sum to 100 like 4k:70,64k:30, or a range MIN-MAX like 4k-64k");
  EXPECT_EQ(parse_error(""),
            "--block-size: '' is not accepted; accepted: a size, sizes with weights that sum "
            "to 100 like 4k:70,64k:30, or a range MIN-MAX like 4k-64k");
  std::string many;
  for (int i = 1; i <= 17; ++i) many += (i > 1 ? "," : "") + std::to_string(i) + "k:1";
  EXPECT_EQ(parse_error(many), "--block-size: '" + many +
                                   "' has more than 16 sizes; accepted: at most 16");
}

TEST(BlockSizeMixTest, RequireMultipleOf) {
  const BlockSizeMix m = BlockSizeMix::parse("--block-size", "4k:50,6k:50");
  EXPECT_EQ(usage_message([&] { m.require_multiple_of(512, "--block-size"); }), "(no error)");
  EXPECT_EQ(usage_message([&] { m.require_multiple_of(4096, "--block-size"); }),
            "--block-size: 6k (6144 bytes) is not a multiple of 4096; accepted: multiples of 4096");
  EXPECT_EQ(usage_message([] {
              BlockSizeMix(1000).require_multiple_of(512, "--write-block-size");
            }),
            "--write-block-size: 1000 (1000 bytes) is not a multiple of 512; accepted: "
            "multiples of 512");
}

// A range: its bounds, text, mean (fio's bsrange shares: each multiple of
// MIN up to MAX at MIN / MAX, a MAX off the multiples at the remainder) and
// alignment; malformed ranges name the option and what is accepted.
TEST(BlockSizeMixTest, Range) {
  const BlockSizeMix m = BlockSizeMix::parse("--block-size", "4k-16k");
  EXPECT_TRUE(m.range());
  EXPECT_FALSE(m.single());
  EXPECT_EQ(m.min_size(), 4096u);
  EXPECT_EQ(m.max_size(), 16384u);
  EXPECT_EQ(m.to_string(), "4k-16k");
  EXPECT_EQ(BlockSizeMix::parse("--block-size", m.to_string()), m);
  EXPECT_DOUBLE_EQ(m.mean_size(), (4096 + 8192 + 12288 + 16384) / 4.0);
  // 3k-10k: 3k, 6k, 9k at 0.3 each, 10k at 0.1.
  const BlockSizeMix odd = BlockSizeMix::parse("--block-size", "3k-10k");
  EXPECT_DOUBLE_EQ(odd.mean_size(), 0.3 * (3072 + 6144 + 9216) + 0.1 * 10240);
  EXPECT_EQ(odd.size_not_multiple_of(1024), 0u);
  EXPECT_EQ(odd.size_not_multiple_of(2048), 3072u);
  EXPECT_EQ(BlockSizeMix::parse("--block-size", "4k-10k").size_not_multiple_of(4096), 10240u);
  EXPECT_EQ(parse_error("8k-4k"), "--block-size: '8k-4k' is not accepted; accepted: a range MIN-MAX with MIN below MAX");
  EXPECT_EQ(parse_error("4k-4k"), "--block-size: '4k-4k' is not accepted; accepted: a range MIN-MAX with MIN below MAX");
  EXPECT_EQ(parse_error("4k-2g"), "--block-size: '2g' is not accepted; accepted: 1 byte to 1G");
  for (std::string_view bad : {"4k-", "-4k", "4k-16k:50", "4k-16k,64k:50"}) {
    EXPECT_EQ(parse_error(bad), "--block-size: '" + std::string(bad) +
                                    "' is not accepted; accepted: a size, sizes with weights that sum to 100 like "
                                    "4k:70,64k:30, or a range MIN-MAX like 4k-64k") << bad;
  }
}

}  // namespace
}  // namespace iopulse
