// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "verify/block_format.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <xxhash.h>

#include <cstring>
#include <string>
#include <vector>

namespace iopulse {
namespace {

using Bytes = std::vector<unsigned char>;

Bytes filled(uint32_t len, uint64_t offset, uint64_t seed, uint64_t generation) {
  Bytes b(len);
  fill_block(b.data(), len, offset, seed, generation);
  return b;
}

uint64_t le64(const unsigned char* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

void put_le(unsigned char* p, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) p[i] = static_cast<unsigned char>(v >> (8 * i));
}

// Recomputes the header checksum, as a writer with a bug (or a forger) would.
void reseal(Bytes& b) { put_le(b.data() + 56, XXH3_64bits(b.data(), 56), 8); }

// The payload stream as block_format.h documents it, written independently.
uint64_t spec_mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

Bytes spec_payload(size_t n, uint64_t offset, uint64_t seed, uint64_t generation) {
  unsigned char in[16];
  put_le(in, offset, 8);
  put_le(in + 8, generation, 8);
  const uint64_t key = XXH3_64bits_withSeed(in, 16, seed);
  Bytes out(n);
  for (size_t j = 0; j < n; ++j) {
    const uint64_t word = spec_mix64(key + (j / 8 + 1) * 0x9e3779b97f4a7c15ULL);
    out[j] = static_cast<unsigned char>(word >> (8 * (j % 8)));
  }
  return out;
}

TEST(VerifyBlockFormatTest, FillThenCheckSucceedsForEverySize) {
  for (uint32_t len : {64u, 65u, 71u, 100u, 512u, 4096u, 65536u, 1u << 20}) {
    SCOPED_TRACE(len);
    const Bytes b = filled(len, uint64_t{len} * 7, 42, 5);
    VerifyResult r = check_block(b.data(), len, uint64_t{len} * 7, 42, 5);
    EXPECT_TRUE(r.ok) << describe(r, "x", 0);
    EXPECT_EQ(r.failure, VerifyFailure::kNone);
    r = check_block(b.data(), len, uint64_t{len} * 7, 42, std::nullopt);
    EXPECT_TRUE(r.ok) << describe(r, "x", 0);
  }
}

TEST(VerifyBlockFormatTest, HeaderIsLittleEndianAtFixedOffsets) {
  const uint32_t len = 4096;
  const Bytes b = filled(len, 0x0102030405060708ULL, 0x1112131415161718ULL, 0x2122232425262728ULL);
  const unsigned char* p = b.data();
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(p), 8), "IOPVRFY1");
  EXPECT_EQ(p[8], 1);  // version
  EXPECT_EQ(p[9], 0);
  EXPECT_EQ(p[10], 64);  // header size
  EXPECT_EQ(p[11], 0);
  EXPECT_EQ(p[12], 0x00);  // block length 4096 = 0x1000
  EXPECT_EQ(p[13], 0x10);
  EXPECT_EQ(p[14], 0);
  EXPECT_EQ(p[15], 0);
  EXPECT_EQ(p[16], 0x08);  // offset, least significant byte first
  EXPECT_EQ(p[23], 0x01);
  EXPECT_EQ(le64(p + 16), 0x0102030405060708ULL);
  EXPECT_EQ(le64(p + 24), 0x1112131415161718ULL);
  EXPECT_EQ(le64(p + 32), 0x2122232425262728ULL);
  EXPECT_EQ(le64(p + 40), XXH3_64bits(p + 64, len - 64));
  EXPECT_EQ(le64(p + 48), 0u);
  EXPECT_EQ(le64(p + 56), XXH3_64bits(p, 56));

  const BlockHeader h = read_block_header(p);
  EXPECT_EQ(h.magic, le64(reinterpret_cast<const unsigned char*>("IOPVRFY1")));
  EXPECT_EQ(h.version, 1);
  EXPECT_EQ(h.header_size, 64);
  EXPECT_EQ(h.block_length, 4096u);
  EXPECT_EQ(h.offset, 0x0102030405060708ULL);
  EXPECT_EQ(h.seed, 0x1112131415161718ULL);
  EXPECT_EQ(h.generation, 0x2122232425262728ULL);
}

TEST(VerifyBlockFormatTest, PayloadIsTheDocumentedStream) {
  for (uint32_t len : {64u, 67u, 1003u, 4096u}) {
    SCOPED_TRACE(len);
    const Bytes b = filled(len, 12288, 7, 9);
    const Bytes want = spec_payload(len - 64, 12288, 7, 9);
    EXPECT_TRUE(std::equal(want.begin(), want.end(), b.begin() + 64));
  }
}

TEST(VerifyBlockFormatTest, PayloadDiffersPerOffsetSeedAndGeneration) {
  const uint32_t len = 4096;
  const Bytes base = filled(len, 8192, 42, 3);
  const Bytes others[] = {filled(len, 4096, 42, 3), filled(len, 8192, 43, 3),
                          filled(len, 8192, 42, 4), filled(len, 8192, 42, 0)};
  for (const Bytes& o : others) {
    size_t same = 0;
    for (size_t i = 64; i < len; ++i) same += base[i] == o[i];
    // Independent random bytes agree about 1 time in 256.
    EXPECT_LT(same, (len - 64) / 64);
  }
  // ... and the same inputs always give the same block.
  EXPECT_EQ(filled(len, 8192, 42, 3), base);
}

TEST(VerifyBlockFormatTest, CorruptPayloadByteIsLocatedExactly) {
  Bytes b = filled(4096, 8192, 42, 3);
  ASSERT_EQ(b[100], 0x24);  // pins the format: the stream for (8192, 42, 3)
  b[100] = 0x00;
  VerifyResult r = check_block(b.data(), 4096, 8192, 42, 3);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.failure, VerifyFailure::kPayloadMismatch);
  EXPECT_EQ(r.byte_index, 100u);
  EXPECT_EQ(r.expected_byte, 0x24);
  EXPECT_EQ(r.found_byte, 0x00);
  EXPECT_TRUE(r.header_valid);
  EXPECT_EQ(r.expected, le64(b.data() + 40));
  EXPECT_EQ(r.found, XXH3_64bits(b.data() + 64, 4096 - 64));
  EXPECT_EQ(describe(r, "/tmp/x", 8192),
            "verify failed: '/tmp/x' offset 8192: payload mismatch at byte 100 of 4096 "
            "(expected 0x24, found 0x00); header: offset 8192, seed 42, generation 3");

  // Without a known generation the damage is found the same way.
  r = check_block(b.data(), 4096, 8192, 42, std::nullopt);
  EXPECT_EQ(r.failure, VerifyFailure::kPayloadMismatch);
  EXPECT_EQ(r.byte_index, 100u);
}

TEST(VerifyBlockFormatTest, FirstOfSeveralDifferencesIsReported) {
  Bytes b = filled(65536, 0, 1, 1);
  const unsigned char at_3000 = b[3000];
  b[3000] ^= 0x10;
  b[60000] ^= 0xff;
  const VerifyResult r = check_block(b.data(), 65536, 0, 1, 1);
  EXPECT_EQ(r.failure, VerifyFailure::kPayloadMismatch);
  EXPECT_EQ(r.byte_index, 3000u);
  EXPECT_EQ(r.expected_byte, at_3000);
  EXPECT_EQ(r.found_byte, at_3000 ^ 0x10);
}

TEST(VerifyBlockFormatTest, FirstAndLastPayloadBytesIncludingAPartialWord) {
  for (uint32_t len : {72u, 75u, 4096u}) {
    for (uint32_t index : {64u, len - 1}) {
      SCOPED_TRACE(testing::Message() << "len " << len << " index " << index);
      Bytes b = filled(len, 512, 2, 0);
      const unsigned char was = b[index];
      b[index] = static_cast<unsigned char>(~was);
      const VerifyResult r = check_block(b.data(), len, 512, 2, std::nullopt);
      EXPECT_EQ(r.failure, VerifyFailure::kPayloadMismatch);
      EXPECT_EQ(r.byte_index, index);
      EXPECT_EQ(r.expected_byte, was);
      EXPECT_EQ(r.found_byte, static_cast<unsigned char>(~was));
    }
  }
}

TEST(VerifyBlockFormatTest, AllZeroBlockHasItsOwnMessage) {
  const Bytes b(4096, 0);
  const VerifyResult r = check_block(b.data(), 4096, 0, 42, std::nullopt);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.failure, VerifyFailure::kAllZero);
  EXPECT_FALSE(r.header_valid);
  EXPECT_EQ(describe(r, "/data/f", 0),
            "verify failed: '/data/f' offset 0: block has no IOPulse header (all zero bytes: "
            "never written?)");
}

TEST(VerifyBlockFormatTest, ZeroedHeaderIsBadMagicNotAllZero) {
  Bytes b = filled(4096, 4096, 42, 1);
  std::memset(b.data(), 0, 64);
  const VerifyResult r = check_block(b.data(), 4096, 4096, 42, 1);
  EXPECT_EQ(r.failure, VerifyFailure::kBadMagic);
  EXPECT_EQ(describe(r, "/tmp/x", 4096),
            "verify failed: '/tmp/x' offset 4096: block has no IOPulse header (expected magic "
            "\"IOPVRFY1\", found \"\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\")");
}

TEST(VerifyBlockFormatTest, ForeignDataIsBadMagic) {
  Bytes b(512, 0xab);
  std::memcpy(b.data(), "IOPVRF\"2", 8);
  const VerifyResult r = check_block(b.data(), 512, 0, 42, std::nullopt);
  EXPECT_EQ(r.failure, VerifyFailure::kBadMagic);
  EXPECT_EQ(r.found, le64(b.data()));
  EXPECT_EQ(describe(r, "f", 0),
            "verify failed: 'f' offset 0: block has no IOPulse header (expected magic "
            "\"IOPVRFY1\", found \"IOPVRF\\x222\")");
}

TEST(VerifyBlockFormatTest, UnsupportedVersionOrHeaderSize) {
  Bytes b = filled(4096, 0, 42, 1);
  put_le(b.data() + 8, 4, 2);
  reseal(b);
  VerifyResult r = check_block(b.data(), 4096, 0, 42, 1);
  EXPECT_EQ(r.failure, VerifyFailure::kUnsupportedFormat);
  EXPECT_EQ(describe(r, "f", 0),
            "verify failed: 'f' offset 0: unsupported block format (expected version 1, 2 or 3 with a "
            "64-byte header, found version 4 with a 64-byte header)");

  // Version 3 (a working-set block) without its generation mark.
  b = filled(4096, 0, 42, 1);
  put_le(b.data() + 8, 3, 2);
  reseal(b);
  r = check_block(b.data(), 4096, 0, 42, 1);
  EXPECT_EQ(r.failure, VerifyFailure::kUnsupportedFormat);

  b = filled(4096, 0, 42, 1);
  put_le(b.data() + 10, 128, 2);
  r = check_block(b.data(), 4096, 0, 42, 1);
  EXPECT_EQ(r.failure, VerifyFailure::kUnsupportedFormat);
  EXPECT_EQ(r.header.header_size, 128);
}

TEST(VerifyBlockFormatTest, AnyDamagedHeaderByteFailsTheHeaderChecksum) {
  // Bytes 12..63: everything the checksum covers after magic/version/size,
  // and the checksum itself.
  for (size_t i = 12; i < 64; ++i) {
    SCOPED_TRACE(i);
    Bytes b = filled(4096, 8192, 42, 3);
    b[i] ^= 0x01;
    const VerifyResult r = check_block(b.data(), 4096, 8192, 42, 3);
    EXPECT_EQ(r.failure, VerifyFailure::kBadHeaderChecksum);
    EXPECT_FALSE(r.header_valid);
    EXPECT_EQ(r.expected, XXH3_64bits(b.data(), 56));
    EXPECT_EQ(r.found, le64(b.data() + 56));
  }
  Bytes b = filled(4096, 8192, 42, 3);
  put_le(b.data() + 16, 4096, 8);
  const VerifyResult r = check_block(b.data(), 4096, 8192, 42, 3);
  EXPECT_EQ(describe(r, "f", 8192),
            fmt::format("verify failed: 'f' offset 8192: header checksum mismatch (computed "
                        "{:#018x}, stored {:#018x})",
                        XXH3_64bits(b.data(), 56), le64(b.data() + 56)));
}

TEST(VerifyBlockFormatTest, WrongExpectedOffset) {
  const Bytes b = filled(4096, 4096, 42, 3);
  VerifyResult r = check_block(b.data(), 4096, 8192, 42, 3);
  EXPECT_EQ(r.failure, VerifyFailure::kWrongOffset);
  EXPECT_EQ(r.expected, 8192u);
  EXPECT_EQ(r.found, 4096u);
  EXPECT_EQ(describe(r, "/tmp/x", 8192),
            "verify failed: '/tmp/x' offset 8192: wrong offset in header (expected 8192, found "
            "4096); header: offset 4096, seed 42, generation 3");
  r = check_block(b.data(), 4096, 8192, 42, std::nullopt);
  EXPECT_EQ(r.failure, VerifyFailure::kWrongOffset);
}

TEST(VerifyBlockFormatTest, ResealedHeaderFieldsFailTheirOwnCheck) {
  struct Case {
    size_t at;
    int bytes;
    uint64_t value;
    VerifyFailure failure;
    const char* text;
  };
  const Case cases[] = {
      {12, 4, 8192, VerifyFailure::kWrongLength,
       "wrong block length in header (expected 4096, found 8192); header: offset 8192, seed 42, "
       "generation 3"},
      {16, 8, 0, VerifyFailure::kWrongOffset,
       "wrong offset in header (expected 8192, found 0); header: offset 0, seed 42, generation 3"},
      {24, 8, 43, VerifyFailure::kWrongSeed,
       "wrong seed in header (expected 42, found 43); header: offset 8192, seed 43, generation 3"},
      {32, 8, 2, VerifyFailure::kWrongGeneration,
       "wrong generation in header (expected 3, found 2); header: offset 8192, seed 42, "
       "generation 2"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text);
    Bytes b = filled(4096, 8192, 42, 3);
    put_le(b.data() + c.at, c.value, c.bytes);
    reseal(b);
    const VerifyResult r = check_block(b.data(), 4096, 8192, 42, 3);
    EXPECT_FALSE(r.ok);
    EXPECT_EQ(r.failure, c.failure);
    EXPECT_TRUE(r.header_valid);
    EXPECT_EQ(describe(r, "/tmp/x", 8192), std::string("verify failed: '/tmp/x' offset 8192: ") + c.text);
  }
}

TEST(VerifyBlockFormatTest, StaleWriteIsWrongGeneration) {
  const Bytes old_write = filled(4096, 0, 42, 4);
  const VerifyResult r = check_block(old_write.data(), 4096, 0, 42, 5);
  EXPECT_EQ(r.failure, VerifyFailure::kWrongGeneration);
  EXPECT_EQ(r.expected, 5u);
  EXPECT_EQ(r.found, 4u);
  // Without a tracked generation the old write is a valid block.
  EXPECT_TRUE(check_block(old_write.data(), 4096, 0, 42, std::nullopt).ok);
}

TEST(VerifyBlockFormatTest, WrongSeedFromAnotherRun) {
  const Bytes b = filled(512, 1024, 7, 0);
  const VerifyResult r = check_block(b.data(), 512, 1024, 42, std::nullopt);
  EXPECT_EQ(r.failure, VerifyFailure::kWrongSeed);
  EXPECT_EQ(describe(r, "f", 1024),
            "verify failed: 'f' offset 1024: wrong seed in header (expected 42, found 7); header: "
            "offset 1024, seed 7, generation 0");
}

TEST(VerifyBlockFormatTest, ShorterReadOfALargerBlockIsWrongLength) {
  const Bytes b = filled(8192, 0, 42, 1);
  const VerifyResult r = check_block(b.data(), 4096, 0, 42, std::nullopt);
  EXPECT_EQ(r.failure, VerifyFailure::kWrongLength);
  EXPECT_EQ(r.expected, 4096u);
  EXPECT_EQ(r.found, 8192u);
}

TEST(VerifyBlockFormatTest, PayloadWithAConsistentChecksumIsStillRegeneratedWithoutGeneration) {
  // A payload that matches its (resealed) checksum but is not what IOPulse
  // writes for the header: caught when the generation is unknown.
  Bytes b = filled(4096, 8192, 42, 3);
  const unsigned char was = b[777];
  b[777] ^= 0x80;
  put_le(b.data() + 40, XXH3_64bits(b.data() + 64, 4096 - 64), 8);
  reseal(b);
  const VerifyResult r = check_block(b.data(), 4096, 8192, 42, std::nullopt);
  EXPECT_EQ(r.failure, VerifyFailure::kPayloadMismatch);
  EXPECT_EQ(r.byte_index, 777u);
  EXPECT_EQ(r.expected_byte, was);
  EXPECT_EQ(r.expected, r.found);  // the checksum itself agrees
}

TEST(VerifyBlockFormatTest, DamagedPayloadChecksumOverACorrectPayload) {
  Bytes b = filled(4096, 0, 42, 3);
  const uint64_t right = le64(b.data() + 40);
  put_le(b.data() + 40, 0x1234, 8);
  reseal(b);
  const VerifyResult r = check_block(b.data(), 4096, 0, 42, 3);
  EXPECT_EQ(r.failure, VerifyFailure::kBadPayloadChecksum);
  EXPECT_EQ(r.expected, right);
  EXPECT_EQ(r.found, 0x1234u);
  EXPECT_EQ(describe(r, "f", 0),
            fmt::format("verify failed: 'f' offset 0: payload checksum mismatch (computed "
                        "{:#018x}, stored 0x0000000000001234) although the payload is as "
                        "expected; header: offset 0, seed 42, generation 3",
                        right));
}

TEST(VerifyBlockFormatTest, NamesAndOkDescription) {
  EXPECT_STREQ(to_string(VerifyFailure::kPayloadMismatch), "payload_mismatch");
  EXPECT_STREQ(to_string(VerifyFailure::kBadHeaderChecksum), "bad_header_checksum");
  EXPECT_STREQ(to_string(VerifyFailure::kAllZero), "all_zero");
  const Bytes b = filled(64, 0, 0, 0);
  EXPECT_EQ(describe(check_block(b.data(), 64, 0, 0, 0), "f", 0), "verify ok: 'f' offset 0");
}

TEST(VerifyBlockFormatTest, ZeroTailKeepsTheCompressionShareAndIsChecked) {
  const uint32_t tail = zero_tail_for(4096, 50);
  EXPECT_EQ(tail, 2048u);
  EXPECT_EQ(zero_tail_for(4096, 100), 4096u - 64);
  Bytes b(4096);
  fill_block(b.data(), 4096, 4096, 42, 3, tail);
  EXPECT_EQ(b[8], 2);  // version 2: a zero tail
  EXPECT_EQ(le64(b.data() + 48), tail);
  for (size_t i = 4096 - tail; i < 4096; ++i) ASSERT_EQ(b[i], 0) << i;
  EXPECT_NE(b[4096 - tail - 1] | b[4096 - tail - 2], 0);
  EXPECT_TRUE(check_block(b.data(), 4096, 4096, 42, 3).ok);
  EXPECT_TRUE(check_block(b.data(), 4096, 4096, 42, std::nullopt).ok);
  // The payload before the tail is the same stream a block without a tail has.
  const Bytes plain = filled(4096, 4096, 42, 3);
  EXPECT_EQ(std::memcmp(b.data() + 64, plain.data() + 64, 4096 - 64 - tail), 0);
  b[4000] = 1;  // a byte of the zero tail
  const VerifyResult r = check_block(b.data(), 4096, 4096, 42, std::nullopt);
  EXPECT_EQ(r.failure, VerifyFailure::kPayloadMismatch);
  EXPECT_EQ(r.byte_index, 4000u);
  EXPECT_EQ(r.expected_byte, 0);
}

// Working-set blocks (version 3): the same bytes for the same index wherever
// they are written, laid out as block_format.h documents.
TEST(VerifyBlockFormatTest, WorkingSetBlocksAreIdenticalCopiesOfTheirIndex) {
  const uint32_t tail = zero_tail_for(4096, 25);
  Bytes a(4096), b(4096), c(4096);
  fill_working_set_block(a.data(), 4096, 42, 7, tail);
  fill_working_set_block(b.data(), 4096, 42, 7, tail);
  fill_working_set_block(c.data(), 4096, 42, 8, tail);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  EXPECT_EQ(a[8], 3);                            // version 3
  EXPECT_EQ(le64(a.data() + 16), 7u);            // the index in the offset field
  EXPECT_EQ(le64(a.data() + 32), UINT64_MAX);    // the working-set generation mark
  EXPECT_EQ(le64(a.data() + 48), tail);
  const Bytes payload = spec_payload(4096 - 64 - tail, 7, 42, UINT64_MAX);
  EXPECT_EQ(std::memcmp(a.data() + 64, payload.data(), payload.size()), 0);
  for (size_t i = 4096 - tail; i < 4096; ++i) ASSERT_EQ(a[i], 0) << i;
  EXPECT_EQ(le64(a.data() + 56), XXH3_64bits(a.data(), 56));

  EXPECT_TRUE(check_working_set_block(a.data(), 4096, 42, 7).ok);
  VerifyResult r = check_working_set_block(a.data(), 4096, 42, 8);
  EXPECT_EQ(r.failure, VerifyFailure::kWrongWorkingSetBlock);
  EXPECT_EQ(describe(r, "f", 8192),
            "verify failed: 'f' offset 8192: wrong working-set block (expected 8, found 7); header: "
            "working-set block 7, seed 42");
  r = check_working_set_block(a.data(), 4096, 43, 7);
  EXPECT_EQ(r.failure, VerifyFailure::kWrongSeed);
}

TEST(VerifyBlockFormatTest, TheOtherKindOfBlockIsReported) {
  Bytes ws(4096);
  fill_working_set_block(ws.data(), 4096, 42, 5);
  VerifyResult r = check_block(ws.data(), 4096, 4096, 42, std::nullopt);
  EXPECT_EQ(r.failure, VerifyFailure::kUnexpectedWorkingSetBlock);
  EXPECT_NE(describe(r, "f", 4096).find("a working-set block where a unique block belongs"), std::string::npos);
  r = check_block(ws.data(), 4096, 4096, 42, 3);
  EXPECT_EQ(r.failure, VerifyFailure::kUnexpectedWorkingSetBlock);

  const Bytes unique = filled(4096, 4096, 42, 3);
  r = check_working_set_block(unique.data(), 4096, 42, 5);
  EXPECT_EQ(r.failure, VerifyFailure::kMissingWorkingSetBlock);
  EXPECT_EQ(describe(r, "f", 4096),
            "verify failed: 'f' offset 4096: a unique block where working-set block 5 belongs "
            "(--dedupe-percent); header: offset 4096, seed 42, generation 3");
}

TEST(VerifyBlockFormatTest, DamageInAWorkingSetBlockIsLocated) {
  const uint32_t tail = zero_tail_for(4096, 50);
  Bytes b(4096);
  fill_working_set_block(b.data(), 4096, 42, 9, tail);
  b[1000] ^= 0x40;
  VerifyResult r = check_working_set_block(b.data(), 4096, 42, 9);
  EXPECT_EQ(r.failure, VerifyFailure::kPayloadMismatch);
  EXPECT_EQ(r.byte_index, 1000u);
  EXPECT_EQ(r.found_byte ^ r.expected_byte, 0x40);
  b[1000] ^= 0x40;
  b[4000] = 1;  // the zero tail
  r = check_working_set_block(b.data(), 4096, 42, 9);
  EXPECT_EQ(r.failure, VerifyFailure::kPayloadMismatch);
  EXPECT_EQ(r.byte_index, 4000u);
  b[4000] = 0;
  b[20] ^= 1;  // the header
  EXPECT_EQ(check_working_set_block(b.data(), 4096, 42, 9).failure, VerifyFailure::kBadHeaderChecksum);
}

}  // namespace
}  // namespace iopulse
