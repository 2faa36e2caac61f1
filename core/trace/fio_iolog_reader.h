// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// FioIologReader: fio's iolog text, versions 2 and 3 (fio's HOWTO, "Trace
// file format"), read line by line:
//   fio version 2 iolog                 fio version 3 iolog
//   FILE add|open|close                 USEC FILE add|open|close
//   FILE ACTION OFFSET LENGTH           USEC FILE ACTION OFFSET LENGTH
// ACTION: read, write, sync, datasync, trim; version 2 also "wait USEC"
// (the next IOs come that much later).  Version 3 timestamps are
// microseconds since the start of the run, as fio writes them.  A file is
// numbered in the order it is added; an IO on a file never added is an
// error.  Every record has worker 0 (an iolog is one fio job).
#ifndef IOPULSE_TRACE_FIO_IOLOG_READER_H_
#define IOPULSE_TRACE_FIO_IOLOG_READER_H_

#include <cstdio>
#include <string>
#include <vector>

#include "trace/trace_source.h"

namespace iopulse {

class FioIologReader final : public TraceSource {
 public:
  // Opens `path` and reads its first line.  Throws TraceError or
  // std::system_error.
  explicit FioIologReader(const std::string& path);
  ~FioIologReader() override;

  size_t read(TraceRecord* out, size_t n) override;
  std::string position() const override;
  std::string format() const override;
  const std::vector<std::string>& files() const override { return files_; }
  uint32_t workers() const override { return 1; }

 private:
  // Parses the current line; true when it is an IO (in *out).
  bool parse_line(TraceRecord* out);
  [[noreturn]] void fail(const std::string& what) const;

  std::string path_;
  std::FILE* file_ = nullptr;
  char* line_ = nullptr;
  size_t line_cap_ = 0;
  uint64_t line_no_ = 0;
  int version_ = 0;
  uint64_t wait_ns_ = 0;  // version 2: the sum of the waits so far
  std::vector<std::string> files_;
};

}  // namespace iopulse

#endif  // IOPULSE_TRACE_FIO_IOLOG_READER_H_
