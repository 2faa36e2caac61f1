// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "verify/block_format.h"

#include <algorithm>
#include <bit>
#include <cstring>

#include <fmt/format.h>
#include <xxhash.h>

#include "job/mix64.h"

namespace iopulse {
namespace {

static_assert(std::endian::native == std::endian::little || std::endian::native == std::endian::big,
              "mixed-endian hosts are not supported");

constexpr uint64_t kGolden = kMix64Golden;

// Field offsets inside the header (see block_format.h).
constexpr size_t kMagicAt = 0;
constexpr size_t kVersionAt = 8;
constexpr size_t kHeaderSizeAt = 10;
constexpr size_t kLengthAt = 12;
constexpr size_t kOffsetAt = 16;
constexpr size_t kSeedAt = 24;
constexpr size_t kGenerationAt = 32;
constexpr size_t kPayloadChecksumAt = 40;
constexpr size_t kZeroTailAt = 48;
constexpr size_t kHeaderChecksumAt = 56;
static_assert(kHeaderChecksumAt + 8 == kBlockHeaderSize);

template <typename T>
T to_le(T v) {
  if constexpr (std::endian::native == std::endian::little) {
    return v;
  } else if constexpr (sizeof(T) == 8) {
    return __builtin_bswap64(v);
  } else if constexpr (sizeof(T) == 4) {
    return __builtin_bswap32(v);
  } else {
    return __builtin_bswap16(v);
  }
}

template <typename T>
T load_le(const unsigned char* p) {
  T v;
  std::memcpy(&v, p, sizeof v);
  return to_le(v);
}

template <typename T>
void store_le(unsigned char* p, T v) {
  v = to_le(v);
  std::memcpy(p, &v, sizeof v);
}

uint64_t payload_key(uint64_t offset, uint64_t seed, uint64_t generation) {
  unsigned char in[16];
  store_le(in, offset);
  store_le(in + 8, generation);
  return XXH3_64bits_withSeed(in, sizeof in, seed);
}

// word[i] of the payload stream for `key`.
inline uint64_t payload_word(uint64_t key, uint64_t i) { return mix64(key + (i + 1) * kGolden); }

void fill_payload(unsigned char* p, size_t n, uint64_t key) {
  const size_t words = n / 8;
  for (size_t i = 0; i < words; ++i) store_le(p + 8 * i, payload_word(key, i));
  if (const size_t tail = n % 8; tail != 0) {
    unsigned char last[8];
    store_le(last, payload_word(key, words));
    std::memcpy(p + 8 * words, last, tail);
  }
}

// Index of the first byte of p[0, n) that differs from the payload stream for
// `key`, or n when none does.
size_t first_payload_difference(const unsigned char* p, size_t n, uint64_t key) {
  const size_t words = n / 8;
  for (size_t i = 0; i < words; ++i) {
    const uint64_t diff = payload_word(key, i) ^ load_le<uint64_t>(p + 8 * i);
    if (diff != 0) [[unlikely]] return 8 * i + static_cast<size_t>(std::countr_zero(diff)) / 8;
  }
  if (const size_t tail = n % 8; tail != 0) {
    unsigned char last[8];
    store_le(last, payload_word(key, words));
    for (size_t j = 0; j < tail; ++j) {
      if (last[j] != p[8 * words + j]) return 8 * words + j;
    }
  }
  return n;
}

uint8_t payload_byte(uint64_t key, size_t index) {
  return static_cast<uint8_t>(payload_word(key, index / 8) >> (8 * (index % 8)));
}

uint64_t header_hash(const unsigned char* p) { return XXH3_64bits(p, kHeaderChecksumAt); }

bool all_zero(const unsigned char* p, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    if (p[i] != 0) return false;
  }
  return true;
}

uint64_t magic_value() { return load_le<uint64_t>(reinterpret_cast<const unsigned char*>(kBlockMagic)); }

// The 8 bytes of a little-endian magic value as a C string literal body.
std::string escape_magic(uint64_t magic) {
  unsigned char bytes[8];
  store_le(bytes, magic);
  std::string out;
  for (unsigned char c : bytes) {
    if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
      out += static_cast<char>(c);
    } else {
      out += fmt::format("\\x{:02x}", c);
    }
  }
  return out;
}

}  // namespace

const char* to_string(VerifyFailure failure) {
  switch (failure) {
    case VerifyFailure::kNone: return "none";
    case VerifyFailure::kAllZero: return "all_zero";
    case VerifyFailure::kBadMagic: return "bad_magic";
    case VerifyFailure::kUnsupportedFormat: return "unsupported_format";
    case VerifyFailure::kBadHeaderChecksum: return "bad_header_checksum";
    case VerifyFailure::kWrongLength: return "wrong_length";
    case VerifyFailure::kWrongOffset: return "wrong_offset";
    case VerifyFailure::kWrongSeed: return "wrong_seed";
    case VerifyFailure::kWrongGeneration: return "wrong_generation";
    case VerifyFailure::kLostWrite: return "lost_write";
    case VerifyFailure::kPayloadMismatch: return "payload_mismatch";
    case VerifyFailure::kBadPayloadChecksum: return "bad_payload_checksum";
    case VerifyFailure::kUnexpectedWorkingSetBlock: return "unexpected_working_set_block";
    case VerifyFailure::kMissingWorkingSetBlock: return "missing_working_set_block";
    case VerifyFailure::kWrongWorkingSetBlock: return "wrong_working_set_block";
  }
  return "unknown";
}

BlockHeader read_block_header(const void* buf) {
  const auto* p = static_cast<const unsigned char*>(buf);
  BlockHeader h;
  h.magic = load_le<uint64_t>(p + kMagicAt);
  h.version = load_le<uint16_t>(p + kVersionAt);
  h.header_size = load_le<uint16_t>(p + kHeaderSizeAt);
  h.block_length = load_le<uint32_t>(p + kLengthAt);
  h.offset = load_le<uint64_t>(p + kOffsetAt);
  h.seed = load_le<uint64_t>(p + kSeedAt);
  h.generation = load_le<uint64_t>(p + kGenerationAt);
  h.payload_checksum = load_le<uint64_t>(p + kPayloadChecksumAt);
  h.zero_tail = load_le<uint64_t>(p + kZeroTailAt);
  h.header_checksum = load_le<uint64_t>(p + kHeaderChecksumAt);
  return h;
}

uint32_t zero_tail_for(uint32_t len, uint32_t compress_percent) {
  const uint64_t zeros = uint64_t{len} * compress_percent / 100;
  return static_cast<uint32_t>(std::min<uint64_t>(zeros, len - kBlockHeaderSize));
}

namespace {

void seal_block(unsigned char* p, uint32_t len, uint16_t version, uint64_t offset, uint64_t seed,
                uint64_t generation, uint32_t zero_tail) {
  unsigned char* payload = p + kBlockHeaderSize;
  const size_t payload_len = len - kBlockHeaderSize;
  fill_payload(payload, payload_len - zero_tail, payload_key(offset, seed, generation));
  std::memset(payload + payload_len - zero_tail, 0, zero_tail);

  std::memcpy(p + kMagicAt, kBlockMagic, sizeof kBlockMagic);
  store_le<uint16_t>(p + kVersionAt, version);
  store_le<uint16_t>(p + kHeaderSizeAt, static_cast<uint16_t>(kBlockHeaderSize));
  store_le<uint32_t>(p + kLengthAt, len);
  store_le<uint64_t>(p + kOffsetAt, offset);
  store_le<uint64_t>(p + kSeedAt, seed);
  store_le<uint64_t>(p + kGenerationAt, generation);
  store_le<uint64_t>(p + kPayloadChecksumAt, XXH3_64bits(payload, payload_len));
  store_le<uint64_t>(p + kZeroTailAt, zero_tail);
  store_le<uint64_t>(p + kHeaderChecksumAt, header_hash(p));
}

// What a read must find: a unique block of `offset` (of exactly `generation`
// when known, else at least `min_generation`), or working-set block `index`.
struct Expectation {
  bool working_set = false;
  uint64_t offset = 0;
  std::optional<uint64_t> generation;
  uint64_t min_generation = 0;
  uint64_t index = 0;
};

VerifyResult check(const unsigned char* p, uint32_t len, uint64_t seed, const Expectation& want) {
  VerifyResult r;
  r.block_length = len;
  auto fail = [&r](VerifyFailure failure, uint64_t expected, uint64_t found) {
    r.ok = false;
    r.failure = failure;
    r.expected = expected;
    r.found = found;
    return r;
  };

  const uint64_t magic = load_le<uint64_t>(p + kMagicAt);
  if (magic != magic_value()) [[unlikely]] {
    if (all_zero(p, len)) return fail(VerifyFailure::kAllZero, 0, 0);
    return fail(VerifyFailure::kBadMagic, magic_value(), magic);
  }
  r.header = read_block_header(p);
  const BlockHeader& h = r.header;
  if ((h.version != kBlockFormatVersion && h.version != kBlockFormatVersionZeroTail &&
       h.version != kBlockFormatVersionWorkingSet) ||
      h.header_size != kBlockHeaderSize) [[unlikely]] {
    return fail(VerifyFailure::kUnsupportedFormat, kBlockFormatVersion, h.version);
  }
  if (const uint64_t computed = header_hash(p); computed != h.header_checksum) [[unlikely]] {
    return fail(VerifyFailure::kBadHeaderChecksum, computed, h.header_checksum);
  }
  // A sealed header whose zero tail its version cannot have, or longer than
  // the payload, or a working-set block without its generation mark: not a
  // block this format describes.
  const bool is_working_set = h.version == kBlockFormatVersionWorkingSet;
  if ((h.version == kBlockFormatVersion && h.zero_tail != 0) || h.zero_tail > len - kBlockHeaderSize ||
      (is_working_set && h.generation != kWorkingSetGeneration)) [[unlikely]] {
    return fail(VerifyFailure::kUnsupportedFormat, kBlockFormatVersion, h.version);
  }
  r.header_valid = true;
  if (h.block_length != len) [[unlikely]] return fail(VerifyFailure::kWrongLength, len, h.block_length);
  bool generation_known = true;  // the header alone must determine the payload
  if (want.working_set) {
    if (!is_working_set) [[unlikely]] return fail(VerifyFailure::kMissingWorkingSetBlock, want.index, h.offset);
    if (h.offset != want.index) [[unlikely]] return fail(VerifyFailure::kWrongWorkingSetBlock, want.index, h.offset);
    if (h.seed != seed) [[unlikely]] return fail(VerifyFailure::kWrongSeed, seed, h.seed);
  } else {
    if (is_working_set) [[unlikely]] return fail(VerifyFailure::kUnexpectedWorkingSetBlock, want.offset, h.offset);
    if (h.offset != want.offset) [[unlikely]] return fail(VerifyFailure::kWrongOffset, want.offset, h.offset);
    if (h.seed != seed) [[unlikely]] return fail(VerifyFailure::kWrongSeed, seed, h.seed);
    if (want.generation && h.generation != *want.generation) [[unlikely]] {
      return fail(VerifyFailure::kWrongGeneration, *want.generation, h.generation);
    }
    if (!want.generation && h.generation < want.min_generation) [[unlikely]] {
      return fail(VerifyFailure::kLostWrite, want.min_generation, h.generation);
    }
    generation_known = want.generation.has_value();
  }

  const unsigned char* payload = p + kBlockHeaderSize;
  const size_t payload_len = len - kBlockHeaderSize;
  const uint64_t computed = XXH3_64bits(payload, payload_len);
  if (computed == h.payload_checksum && generation_known) [[likely]] return r;

  // Locate the damage by regenerating what the header says was written.
  const uint64_t key = payload_key(h.offset, h.seed, h.generation);
  const size_t stream_len = payload_len - h.zero_tail;
  size_t diff = first_payload_difference(payload, stream_len, key);
  if (diff == stream_len) {
    diff = payload_len;
    for (size_t i = stream_len; i < payload_len; ++i) {
      if (payload[i] != 0) {
        diff = i;
        break;
      }
    }
  }
  if (diff < payload_len) {
    fail(VerifyFailure::kPayloadMismatch, h.payload_checksum, computed);
    r.byte_index = static_cast<uint32_t>(kBlockHeaderSize + diff);
    r.expected_byte = diff < stream_len ? payload_byte(key, diff) : 0;
    r.found_byte = payload[diff];
    return r;
  }
  if (computed != h.payload_checksum) {
    return fail(VerifyFailure::kBadPayloadChecksum, computed, h.payload_checksum);
  }
  return r;
}

}  // namespace

void fill_block(void* buf, uint32_t len, uint64_t offset, uint64_t seed, uint64_t generation, uint32_t zero_tail) {
  seal_block(static_cast<unsigned char*>(buf), len,
             zero_tail != 0 ? kBlockFormatVersionZeroTail : kBlockFormatVersion, offset, seed, generation, zero_tail);
}

void fill_working_set_block(void* buf, uint32_t len, uint64_t seed, uint64_t index, uint32_t zero_tail) {
  seal_block(static_cast<unsigned char*>(buf), len, kBlockFormatVersionWorkingSet, index, seed,
             kWorkingSetGeneration, zero_tail);
}

VerifyResult check_block(const void* buf, uint32_t len, uint64_t expected_offset, uint64_t seed,
                         std::optional<uint64_t> expected_generation, uint64_t min_generation) {
  Expectation want;
  want.offset = expected_offset;
  want.generation = expected_generation;
  want.min_generation = min_generation;
  return check(static_cast<const unsigned char*>(buf), len, seed, want);
}

VerifyResult check_working_set_block(const void* buf, uint32_t len, uint64_t seed, uint64_t index) {
  Expectation want;
  want.working_set = true;
  want.index = index;
  return check(static_cast<const unsigned char*>(buf), len, seed, want);
}

std::string describe(const VerifyResult& r, const std::string& path, uint64_t file_offset) {
  if (r.ok) return fmt::format("verify ok: '{}' offset {}", path, file_offset);
  std::string what;
  switch (r.failure) {
    case VerifyFailure::kNone:
    case VerifyFailure::kAllZero:
      what = "block has no IOPulse header (all zero bytes: never written?)";
      break;
    case VerifyFailure::kBadMagic:
      what = fmt::format("block has no IOPulse header (expected magic \"{}\", found \"{}\")",
                         escape_magic(r.expected), escape_magic(r.found));
      break;
    case VerifyFailure::kUnsupportedFormat:
      what = fmt::format(
          "unsupported block format (expected version {}, {} or {} with a {}-byte header, found version {} "
          "with a {}-byte header)",
          kBlockFormatVersion, kBlockFormatVersionZeroTail, kBlockFormatVersionWorkingSet, kBlockHeaderSize, r.header.version, r.header.header_size);
      break;
    case VerifyFailure::kBadHeaderChecksum:
      what = fmt::format("header checksum mismatch (computed {:#018x}, stored {:#018x})", r.expected,
                         r.found);
      break;
    case VerifyFailure::kWrongLength:
      what = fmt::format("wrong block length in header (expected {}, found {})", r.expected, r.found);
      break;
    case VerifyFailure::kWrongOffset:
      what = fmt::format("wrong offset in header (expected {}, found {})", r.expected, r.found);
      break;
    case VerifyFailure::kWrongSeed:
      what = fmt::format("wrong seed in header (expected {}, found {})", r.expected, r.found);
      break;
    case VerifyFailure::kWrongGeneration:
      what = fmt::format("wrong generation in header (expected {}, found {})", r.expected, r.found);
      break;
    case VerifyFailure::kLostWrite:
      what = fmt::format("lost write: generation {} in header is older than generation {}, the oldest the check "
                         "accepts (durable by the verify journal, or written by an earlier phase that wrote every "
                         "block)", r.found, r.expected);
      break;
    case VerifyFailure::kPayloadMismatch:
      what = fmt::format("payload mismatch at byte {} of {} (expected {:#04x}, found {:#04x})",
                         r.byte_index, r.block_length, r.expected_byte, r.found_byte);
      break;
    case VerifyFailure::kBadPayloadChecksum:
      what = fmt::format(
          "payload checksum mismatch (computed {:#018x}, stored {:#018x}) although the payload "
          "is as expected",
          r.expected, r.found);
      break;
    case VerifyFailure::kUnexpectedWorkingSetBlock:
      what = "a working-set block where a unique block belongs (was the dataset written with another "
             "--dedupe-percent or --dedupe-working-set?)";
      break;
    case VerifyFailure::kMissingWorkingSetBlock:
      what = fmt::format("a unique block where working-set block {} belongs (--dedupe-percent)", r.expected);
      break;
    case VerifyFailure::kWrongWorkingSetBlock:
      what = fmt::format("wrong working-set block (expected {}, found {})", r.expected, r.found);
      break;
  }
  if (r.header_valid && r.header.version == kBlockFormatVersionWorkingSet) {
    what += fmt::format("; header: working-set block {}, seed {}", r.header.offset, r.header.seed);
  } else if (r.header_valid) {
    what += fmt::format("; header: offset {}, seed {}, generation {}", r.header.offset,
                        r.header.seed, r.header.generation);
  }
  return fmt::format("verify failed: '{}' offset {}: {}", path, file_offset, what);
}

}  // namespace iopulse
