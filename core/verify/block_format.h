// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// Verified blocks: the on-disk format IOPulse writes with --verify and checks
// on every read (--verify, --verify-only).  A block of any length >= 64 bytes
// is a 64-byte header followed by a payload of (length - 64) pseudo-random
// bytes.  Everything here is pure computation on a caller-owned buffer: no
// IO, no allocation, no global state; safe to call from any thread.
//
// Header, versions 1, 2 and 3 (all integers little-endian, fixed offsets;
// version 2 is written only for blocks with a zero tail, so data without
// --compress-percent stays version 1, readable by every release; version 3
// only for working-set blocks, see below):
//
//   offset size  field
//   ------ ----  ------------------------------------------------------------
//        0    8  magic            "IOPVRFY1" (ASCII, no terminator)
//        8    2  version          1
//       10    2  header_size      64
//       12    4  block_length     bytes in the whole block, header included
//       16    8  offset           byte offset of the block in its file
//       24    8  seed             the run's --seed
//       32    8  generation       write sequence of this block (0 = untracked)
//       40    8  payload_checksum XXH3_64bits(payload bytes [64, length)), seed 0
//       48    8  zero_tail        version 1: 0; version 2: the payload's last
//                                 zero_tail bytes are zero (--compress-percent)
//       56    8  header_checksum  XXH3_64bits(header bytes [0, 56)), seed 0
//
// Payload (bytes [64, length - zero_tail)): a stream of 64-bit words, stored
// little-endian one after another; a final partial word keeps its low-order
// bytes.  Bytes [length - zero_tail, length) are zero, so the block
// compresses by about zero_tail / length.
//
//   key     = XXH3_64bits_withSeed(le64(offset) || le64(generation), 16, seed)
//   word[i] = mix64(key + (i + 1) * 0x9e3779b97f4a7c15),  i = 0, 1, 2, ...
//   mix64(z): z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9;
//             z = (z ^ (z >> 27)) * 0x94d049bb133111eb;  return z ^ (z >> 31)
//
// So the payload differs per block (offset), per run (seed) and per write
// (generation), is incompressible, and a later run that knows the seed can
// regenerate it from the header alone.  Each word is independent of the
// others (counter mode), so the stream fills at memory speed without a
// serial dependency.
//
// Working-set blocks (version 3; --dedupe-percent with --verify): the copy of
// block `index` of the seeded working set that deduplicated data repeats.
// Every copy of one index has the same bytes wherever and whenever it is
// written, so it carries no offset and no generation: the offset field holds
// the working-set index, the generation field kWorkingSetGeneration (all
// ones, never a write's generation), and the payload and zero tail follow the
// rules above with those two values.  Which blocks of a dataset hold which
// working-set block is the reader's knowledge (verify/dedupe_layout.h), not
// the block's.  Changing any of this is a new format version.
#ifndef IOPULSE_VERIFY_BLOCK_FORMAT_H_
#define IOPULSE_VERIFY_BLOCK_FORMAT_H_

#include <cstdint>
#include <optional>
#include <string>

namespace iopulse {

inline constexpr char kBlockMagic[8] = {'I', 'O', 'P', 'V', 'R', 'F', 'Y', '1'};
inline constexpr uint16_t kBlockFormatVersion = 1;        // without a zero tail
inline constexpr uint16_t kBlockFormatVersionZeroTail = 2;
inline constexpr uint16_t kBlockFormatVersionWorkingSet = 3;  // a working-set block
// The generation field of a working-set block.
inline constexpr uint64_t kWorkingSetGeneration = UINT64_MAX;
inline constexpr uint32_t kBlockHeaderSize = 64;
// The smallest block --verify can use: a header and an empty payload.
inline constexpr uint32_t kMinVerifiedBlockSize = kBlockHeaderSize;

// The header fields as stored, decoded from little-endian; nothing checked.
struct BlockHeader {
  uint64_t magic = 0;             // the first 8 bytes as a little-endian integer
  uint16_t version = 0;
  uint16_t header_size = 0;
  uint32_t block_length = 0;
  uint64_t offset = 0;
  uint64_t seed = 0;
  uint64_t generation = 0;
  uint64_t payload_checksum = 0;
  uint64_t zero_tail = 0;         // version 2; 0 in version 1
  uint64_t header_checksum = 0;
};

// Decodes the first 64 bytes of `buf`.
BlockHeader read_block_header(const void* buf);

// What check_block() found wrong, in the order it checks (the first failing
// check is reported).
enum class VerifyFailure : uint8_t {
  kNone,
  kAllZero,             // no header and every byte is 0: never written, a hole
  kBadMagic,            // the first 8 bytes are not "IOPVRFY1"
  kUnsupportedFormat,   // a version or header size this build does not read
  kBadHeaderChecksum,   // header bytes [0, 56) do not hash to header_checksum
  kWrongLength,         // block_length differs from the length read
  kWrongOffset,         // the block belongs elsewhere (a misdirected IO)
  kWrongSeed,           // written by a run with another --seed
  kWrongGeneration,     // not the latest write of this block (stale, lost write)
  kLostWrite,           // older than the generation the verify journal recorded as durable
  kPayloadMismatch,     // payload bytes differ from what the header implies
  kBadPayloadChecksum,  // payload is as expected but payload_checksum is not
  // --dedupe-percent with --verify: the block is of the other kind, or
  // another working-set block.
  kUnexpectedWorkingSetBlock,  // a working-set block where a unique block belongs
  kMissingWorkingSetBlock,     // a unique block where a working-set block belongs
  kWrongWorkingSetBlock,       // another working-set block than the one that belongs here
};

// A stable lower-case name ("payload_mismatch", ...), e.g. for JSON output.
const char* to_string(VerifyFailure failure);

// The outcome of check_block().  Which fields mean something depends on
// `failure`:
//   kAllZero            -
//   kBadMagic           expected = magic "IOPVRFY1" and found = the first 8
//                       bytes, both as little-endian integers
//   kUnsupportedFormat  header.version, header.header_size
//   kBadHeaderChecksum  expected = hash of header bytes [0, 56), found = the
//                       stored header_checksum
//   kWrongLength        expected = the length read, found = header.block_length
//   kWrongOffset        expected = the offset read, found = header.offset
//   kWrongSeed          expected = the run's seed, found = header.seed
//   kWrongGeneration    expected = the generation the caller tracked,
//                       found = header.generation
//   kLostWrite          expected = the durable generation (min_generation),
//                       found = header.generation (older)
//   kPayloadMismatch    byte_index (within the block, >= 64), expected_byte,
//                       found_byte: the first differing byte; expected = the
//                       stored payload_checksum, found = the payload's hash
//                       (equal when only the regenerated payload differs)
//   kBadPayloadChecksum expected = the hash of the (correct) payload,
//                       found = the stored payload_checksum
//   kUnexpectedWorkingSetBlock  expected = the offset read, found = the
//                       working-set index in the header
//   kMissingWorkingSetBlock     expected = the working-set index that belongs
//                       here, found = header.offset
//   kWrongWorkingSetBlock       expected = the index that belongs here,
//                       found = the index in the header
// `header` holds the decoded header unless failure is kAllZero or kBadMagic;
// `header_valid` is true once the header checksum has passed (kWrongLength and
// later failures), so its fields can be trusted in a report.
struct VerifyResult {
  bool ok = true;
  VerifyFailure failure = VerifyFailure::kNone;
  bool header_valid = false;
  uint32_t block_length = 0;  // the length that was checked
  uint64_t expected = 0;
  uint64_t found = 0;
  uint32_t byte_index = 0;
  uint8_t expected_byte = 0;
  uint8_t found_byte = 0;
  BlockHeader header;
};

// Writes a complete verified block into buf[0, len): the header for
// (offset, seed, generation) and the payload it implies.  len >= 64.  Runs
// at several GB/s per core (payload generation plus one XXH3 pass).
// `zero_tail` (< len - 64): payload bytes at the end that are zero.
void fill_block(void* buf, uint32_t len, uint64_t offset, uint64_t seed, uint64_t generation,
                uint32_t zero_tail = 0);

// Writes working-set block `index` into buf[0, len): the same bytes for the
// same (len, seed, index, zero_tail), wherever it is written.
void fill_working_set_block(void* buf, uint32_t len, uint64_t seed, uint64_t index, uint32_t zero_tail = 0);

// The zero tail of a block of `len` bytes that --compress-percent P asks
// for: P % of the block, at most the payload.
uint32_t zero_tail_for(uint32_t len, uint32_t compress_percent);

// Checks a block read from `expected_offset`, in this order: magic (telling
// an all-zero block apart), version and header size, header checksum, block
// length (== len), offset, seed, generation (== expected_generation when
// given, else >= min_generation), payload checksum.  A payload checksum mismatch is located by
// regenerating the expected payload: the first differing byte is reported.
//
// With expected_generation == nullopt (the caller does not know which write
// it will find, e.g. --verify-only of an earlier run's dataset) the payload is
// also compared with the payload regenerated for the generation stored in the
// header, so a block is accepted only if it is exactly what IOPulse wrote for
// that (offset, seed, generation).  With a known generation the header fully
// determines the payload and the checksum alone decides (one XXH3 pass).
//
// len >= 64.  No allocation; the payload is regenerated word by word.
VerifyResult check_block(const void* buf, uint32_t len, uint64_t expected_offset, uint64_t seed,
                         std::optional<uint64_t> expected_generation, uint64_t min_generation = 0);

// Checks that a block read from where working-set block `index` belongs is
// exactly that block: magic, version and header size, header checksum,
// length, kind (version 3), index, seed, payload.  The header determines the
// payload, so the payload checksum decides (the damage is located as in
// check_block when it fails).
VerifyResult check_working_set_block(const void* buf, uint32_t len, uint64_t seed, uint64_t index);

// One line describing a failed check of the block at `file_offset` of
// `path`, e.g.
//   verify failed: '/tmp/x' offset 8192: payload mismatch at byte 100 of 4096
//   (expected 0x3a, found 0x00); header: offset 8192, seed 42, generation 3
// (on one line).  The prefix is always "verify failed: '<path>' offset <n>: ";
// the rest, per failure:
//   kAllZero            block has no IOPulse header (all zero bytes: never written?)
//   kBadMagic           block has no IOPulse header (expected magic "IOPVRFY1",
//                       found "<8 bytes, C-escaped>")
//   kUnsupportedFormat  unsupported block format (expected version 1, 2 or 3 with a
//                       64-byte header, found version <v> with a <h>-byte header)
//   kBadHeaderChecksum  header checksum mismatch (computed 0x<16 hex>,
//                       stored 0x<16 hex>)
//   kWrongLength        wrong block length in header (expected <n>, found <n>)
//   kWrongOffset        wrong offset in header (expected <n>, found <n>)
//   kWrongSeed          wrong seed in header (expected <n>, found <n>)
//   kWrongGeneration    wrong generation in header (expected <n>, found <n>)
//   kLostWrite          lost write: generation <n> in header is older than
//                       generation <n>, durable by the verify journal
//   kPayloadMismatch    payload mismatch at byte <i> of <len> (expected 0x<2 hex>,
//                       found 0x<2 hex>)
//   kBadPayloadChecksum payload checksum mismatch (computed 0x<16 hex>, stored
//                       0x<16 hex>) although the payload is as expected
//   kUnexpectedWorkingSetBlock  a working-set block where a unique block
//                       belongs (was the dataset written with another
//                       --dedupe-percent or --dedupe-working-set?)
//   kMissingWorkingSetBlock     a unique block where working-set block <k>
//                       belongs (--dedupe-percent)
//   kWrongWorkingSetBlock       wrong working-set block (expected <k>, found <k>)
// and from kWrongLength on (the header checksum passed) the stored header
// follows: "; header: offset <n>, seed <n>, generation <n>", or for a
// working-set block "; header: working-set block <k>, seed <n>".
// An ok result gives "verify ok: '<path>' offset <n>".
std::string describe(const VerifyResult& result, const std::string& path, uint64_t file_offset);

}  // namespace iopulse

#endif  // IOPULSE_VERIFY_BLOCK_FORMAT_H_
