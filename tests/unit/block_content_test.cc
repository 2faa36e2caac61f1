// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "workload/block_content.h"

#include <gtest/gtest.h>
#include <xxhash.h>

#include <cstring>
#include <unordered_map>
#include <vector>

namespace iopulse {
namespace {

ContentSpec spec(uint32_t compress, uint32_t dedupe, uint64_t working_set = 10) {
  ContentSpec c;
  c.compress_percent = compress;
  c.dedupe_percent = dedupe;
  c.unit = 4096;
  c.working_set = working_set;
  c.seed = 99;
  return c;
}

TEST(BlockContentTest, RandomShareRoundsUpToWholeWords) {
  EXPECT_EQ(BlockContent::random_bytes(4096, 0), 4096u);
  EXPECT_EQ(BlockContent::random_bytes(4096, 50), 2048u);
  EXPECT_EQ(BlockContent::random_bytes(4096, 80), 824u);  // 819.2 -> 820 -> 824
  EXPECT_EQ(BlockContent::random_bytes(4096, 100), 0u);
  EXPECT_EQ(BlockContent::random_bytes(12, 0), 12u);
}

TEST(BlockContentTest, ZerosFollowTheRandomPartOfEveryChunk) {
  BlockContent content(spec(25, 0), 1, 16384);
  std::vector<unsigned char> buf(16384, 0xee);
  content.fill(buf.data(), 16384);
  for (size_t chunk = 0; chunk < 4; ++chunk) {
    const unsigned char* p = buf.data() + chunk * 4096;
    size_t zeros = 0;
    for (size_t i = 3072; i < 4096; ++i) zeros += p[i] == 0;
    EXPECT_EQ(zeros, 1024u);
    size_t random_zero_words = 0;
    for (size_t i = 0; i < 3072; i += 8) {
      uint64_t w;
      std::memcpy(&w, p + i, 8);
      random_zero_words += w == 0;
    }
    EXPECT_EQ(random_zero_words, 0u);
  }
  EXPECT_EQ(content.chunks(), 4u);
}

TEST(BlockContentTest, ExactlyTheAskedShareOfChunksRepeatsTheWorkingSet) {
  BlockContent content(spec(0, 30, 10), 7, 4096);
  std::vector<unsigned char> buf(4096);
  std::unordered_map<uint64_t, int> seen;
  for (int i = 0; i < 1000; ++i) {
    content.fill(buf.data(), 4096);
    ++seen[XXH3_64bits(buf.data(), buf.size())];
  }
  int repeated_chunks = 0, distinct = 0;
  for (const auto& [hash, n] : seen) {
    ++distinct;
    if (n > 1) repeated_chunks += n;
  }
  // 300 duplicates drawn from 10 working-set chunks; 700 unique ones.
  EXPECT_EQ(distinct, 700 + 10);
  EXPECT_EQ(repeated_chunks, 300);
}

TEST(BlockContentTest, SameSeedSameBytesAndWorkingSetSharedByStreams) {
  std::vector<unsigned char> a(8192), b(8192), c(8192);
  BlockContent(spec(50, 50, 1), 3, 8192).fill(a.data(), 8192);
  BlockContent(spec(50, 50, 1), 3, 8192).fill(b.data(), 8192);
  EXPECT_EQ(a, b);
  BlockContent(spec(50, 50, 1), 4, 8192).fill(c.data(), 8192);
  EXPECT_NE(a, c);
  // Chunk 1 of each stream is its first duplicate: working-set chunk 0 of a
  // working set of one, the same bytes in both streams.
  EXPECT_EQ(std::memcmp(a.data() + 4096, c.data() + 4096, 4096), 0);
  EXPECT_NE(std::memcmp(a.data(), c.data(), 4096), 0);
  ContentSpec other = spec(50, 50, 1);
  other.seed = 100;
  BlockContent(other, 3, 8192).fill(c.data(), 8192);
  EXPECT_NE(a, c);
}

}  // namespace
}  // namespace iopulse
