// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// BlktraceFile: one blktrace file (a per-CPU NAME.blktrace.N, or a
// blkparse -d dump) read front to back, kChunkBytes at a time, one
// struct blk_io_trace (trace/blktrace_format.h) per next(), its payload
// skipped.  The byte order is taken from the first record's magic; every
// record must carry the same magic and version 7.  An empty file (a CPU
// that saw no IO) has no records.
//
// Errors throw TraceError naming the file and the byte offset of the record
// ("'t.blktrace.1' byte 480: ..."): a bad magic or version, a record cut
// short, a payload running past the end.  A read error throws
// std::system_error.  Owns its descriptor and buffer; not thread-safe.
#ifndef IOPULSE_TRACE_BLKTRACE_FILE_H_
#define IOPULSE_TRACE_BLKTRACE_FILE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "trace/blktrace_format.h"

namespace iopulse {

class BlktraceFile {
 public:
  static constexpr size_t kChunkBytes = 64 << 10;

  // Opens `path`.  Throws std::system_error.
  explicit BlktraceFile(std::string path);
  ~BlktraceFile();
  BlktraceFile(const BlktraceFile&) = delete;
  BlktraceFile& operator=(const BlktraceFile&) = delete;

  // The next record in *e; false at the end of the file.
  bool next(BlkEvent* e);
  // The byte offset of the record next() returned last.
  uint64_t offset() const { return record_offset_; }
  const std::string& path() const { return path_; }
  // "'PATH' byte N": where the last record came from.
  std::string position() const;

 private:
  // Makes at least `want` bytes available at pos_ (fewer only at the end of
  // the file); returns how many are.
  size_t fill(size_t want);
  [[noreturn]] void fail(const std::string& what) const;

  std::string path_;
  int fd_ = -1;
  std::unique_ptr<unsigned char[]> buf_;
  size_t pos_ = 0, used_ = 0;     // buf_[pos_, used_) not yet consumed
  uint64_t buf_offset_ = 0;       // file offset of buf_[0]
  uint64_t record_offset_ = 0;
  bool swapped_ = false;
  bool first_ = true;
  uint32_t magic_ = 0;            // the first record's, in host order
};

}  // namespace iopulse

#endif  // IOPULSE_TRACE_BLKTRACE_FILE_H_
