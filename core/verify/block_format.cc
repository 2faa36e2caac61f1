// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "verify/block_format.h"

#include <algorithm>
#include <bit>
#include <cstring>

#include <fmt/format.h>
#include <xxhash.h>

namespace iopulse {
namespace {

static_assert(std::endian::native == std::endian::little || std::endian::native == std::endian::big,
              "mixed-endian hosts are not supported");

constexpr uint64_t kGolden = 0x9e3779b97f4a7c15ULL;

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

uint64_t mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
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

void fill_block(void* buf, uint32_t len, uint64_t offset, uint64_t seed, uint64_t generation, uint32_t zero_tail) {
  auto* p = static_cast<unsigned char*>(buf);
  unsigned char* payload = p + kBlockHeaderSize;
  const size_t payload_len = len - kBlockHeaderSize;
  fill_payload(payload, payload_len - zero_tail, payload_key(offset, seed, generation));
  std::memset(payload + payload_len - zero_tail, 0, zero_tail);

  std::memcpy(p + kMagicAt, kBlockMagic, sizeof kBlockMagic);
  store_le<uint16_t>(p + kVersionAt, zero_tail != 0 ? kBlockFormatVersionZeroTail : kBlockFormatVersion);
  store_le<uint16_t>(p + kHeaderSizeAt, static_cast<uint16_t>(kBlockHeaderSize));
  store_le<uint32_t>(p + kLengthAt, len);
  store_le<uint64_t>(p + kOffsetAt, offset);
  store_le<uint64_t>(p + kSeedAt, seed);
  store_le<uint64_t>(p + kGenerationAt, generation);
  store_le<uint64_t>(p + kPayloadChecksumAt, XXH3_64bits(payload, payload_len));
  store_le<uint64_t>(p + kZeroTailAt, zero_tail);
  store_le<uint64_t>(p + kHeaderChecksumAt, header_hash(p));
}

VerifyResult check_block(const void* buf, uint32_t len, uint64_t expected_offset, uint64_t seed,
                         std::optional<uint64_t> expected_generation, uint64_t min_generation) {
  const auto* p = static_cast<const unsigned char*>(buf);
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
  if ((h.version != kBlockFormatVersion && h.version != kBlockFormatVersionZeroTail) ||
      h.header_size != kBlockHeaderSize) [[unlikely]] {
    return fail(VerifyFailure::kUnsupportedFormat, kBlockFormatVersion, h.version);
  }
  if (const uint64_t computed = header_hash(p); computed != h.header_checksum) [[unlikely]] {
    return fail(VerifyFailure::kBadHeaderChecksum, computed, h.header_checksum);
  }
  // A sealed header whose zero tail its version cannot have, or longer than
  // the payload: not a block this format describes.
  if ((h.version == kBlockFormatVersion && h.zero_tail != 0) || h.zero_tail > len - kBlockHeaderSize) [[unlikely]] {
    return fail(VerifyFailure::kUnsupportedFormat, kBlockFormatVersion, h.version);
  }
  r.header_valid = true;
  if (h.block_length != len) [[unlikely]] return fail(VerifyFailure::kWrongLength, len, h.block_length);
  if (h.offset != expected_offset) [[unlikely]] {
    return fail(VerifyFailure::kWrongOffset, expected_offset, h.offset);
  }
  if (h.seed != seed) [[unlikely]] return fail(VerifyFailure::kWrongSeed, seed, h.seed);
  if (expected_generation && h.generation != *expected_generation) [[unlikely]] {
    return fail(VerifyFailure::kWrongGeneration, *expected_generation, h.generation);
  }
  if (!expected_generation && h.generation < min_generation) [[unlikely]] {
    return fail(VerifyFailure::kLostWrite, min_generation, h.generation);
  }

  const unsigned char* payload = p + kBlockHeaderSize;
  const size_t payload_len = len - kBlockHeaderSize;
  const uint64_t computed = XXH3_64bits(payload, payload_len);
  if (computed == h.payload_checksum && expected_generation) [[likely]] return r;

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
          "unsupported block format (expected version {} or {} with a {}-byte header, found version {} "
          "with a {}-byte header)",
          kBlockFormatVersion, kBlockFormatVersionZeroTail, kBlockHeaderSize, r.header.version, r.header.header_size);
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
      what = fmt::format("lost write: generation {} in header is older than generation {}, durable by the "
                         "verify journal", r.found, r.expected);
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
  }
  if (r.header_valid) {
    what += fmt::format("; header: offset {}, seed {}, generation {}", r.header.offset,
                        r.header.seed, r.header.generation);
  }
  return fmt::format("verify failed: '{}' offset {}: {}", path, file_offset, what);
}

}  // namespace iopulse
