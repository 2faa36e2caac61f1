// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// The IOPulse iolog (--write-iolog): a versioned header, then fixed-size
// records, all little-endian.  docs/replay.md describes it byte by byte;
// this header is its definition.
//
//   header   magic "IOPIOLOG", version, header_bytes, record_bytes,
//            workers, files, the window's start (Unix ns), then per file:
//            size (u64), path length (u32), the path, zero padding to 8
//   records  IoLogRecord, record_bytes each, from header_bytes to the end
//
// Records of one worker appear in the order that worker issued them; the
// records of different workers are interleaved in blocks (each worker's
// buffer is written whole).  A reader of version 1 reads record_bytes per
// record and the fields below; later minor additions append fields.
#ifndef IOPULSE_TRACE_IOLOG_FORMAT_H_
#define IOPULSE_TRACE_IOLOG_FORMAT_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace iopulse {

inline constexpr char kIoLogMagic[8] = {'I', 'O', 'P', 'I', 'O', 'L', 'O', 'G'};
inline constexpr uint32_t kIoLogVersion = 1;
// latency_ns of an IO that never completed (the run was abandoned).
inline constexpr uint64_t kIoLogNoCompletion = UINT64_MAX;

struct IoLogRecord {
  uint64_t issue_ns;    // submit() call that carried it, ns since the window opened
  uint64_t offset;      // bytes into the file
  uint64_t latency_ns;  // submit to reap, as measured; kIoLogNoCompletion if none
  int64_t result;       // bytes moved, or -errno
  uint32_t len;         // bytes asked for (0 for syncs)
  uint32_t file;        // index into the header's files
  uint32_t worker;      // worker index within the run
  uint8_t op;           // engine op code (IOP_OP_READ ... IOP_OP_TRIM)
  uint8_t reserved;     // zero
  uint16_t ioprio;      // the IO's priority as ioprio_set(2) encodes it (iop_io.ioprio); 0: none
};
static_assert(sizeof(IoLogRecord) == 48, "the record layout is the file format");
static_assert(offsetof(IoLogRecord, ioprio) == 46, "the record layout is the file format");

struct IoLogFile {
  std::string path;
  uint64_t size = 0;
};

// Where IoLogHeader::start_unix_ns is in the encoded header: after the
// magic (8 bytes) and six 32-bit fields.
constexpr uint64_t kIoLogStartFieldOffset = 32;

struct IoLogHeader {
  uint32_t version = kIoLogVersion;
  uint32_t header_bytes = 0;  // where the records start
  uint32_t record_bytes = sizeof(IoLogRecord);
  uint32_t workers = 0;
  uint64_t start_unix_ns = 0;
  std::vector<IoLogFile> files;

  // The header's bytes, header_bytes long (computed here).
  std::string encode() const;
  // Parses the header at the start of `bytes` (at least header_bytes of
  // them, see needed_bytes()).  Throws std::runtime_error naming what is
  // wrong ("not an IOPulse iolog", "version 7 is newer than this IOPulse
  // reads", "truncated header").
  static IoLogHeader decode(const std::string& bytes);
  // How many bytes the header at the start of `prefix` (>= 16 bytes) takes.
  static uint32_t needed_bytes(const std::string& prefix);
};

}  // namespace iopulse

#endif  // IOPULSE_TRACE_IOLOG_FORMAT_H_
