// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// TraceSource: a trace read front to back in bounded memory, one format per
// implementation (IoLogReader: IOPulse's iolog; FioIologReader: fio iolog
// versions 2 and 3; BlktraceReader: blktrace captures).  A source never holds more than its read-ahead chunk.
//
// Errors (a corrupt or truncated file, an unknown op, a file the trace
// never declared) throw TraceError, whose text names the trace position
// ("record 1234", "line 56").
#ifndef IOPULSE_TRACE_TRACE_SOURCE_H_
#define IOPULSE_TRACE_TRACE_SOURCE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "trace/trace_record.h"

namespace iopulse {

class TraceError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class TraceSource {
 public:
  virtual ~TraceSource() = default;
  // Fills out[0, n) with the next records; returns how many (0: the end).
  virtual size_t read(TraceRecord* out, size_t n) = 0;
  // Where the last record handed out came from, e.g. "record 12" or "line 40".
  virtual std::string position() const = 0;
  // "IOPulse iolog v1", "fio iolog v3".
  virtual std::string format() const = 0;
  // The trace's files, by TraceRecord::file.  A fio iolog declares files
  // as it goes ("add"), so the list grows while it is read.
  virtual const std::vector<std::string>& files() const = 0;
  // Recorded workers: TraceRecord::worker is below it.  A blktrace capture
  // finds its CPUs as it goes, so this grows while it is read.
  virtual uint32_t workers() const = 0;
};

// Opens `path` and picks the reader by its first bytes; a `path` that does
// not exist but names blktrace's per-CPU files (PATH.blktrace.N) opens them.  Throws TraceError
// ("not a trace IOPulse reads: ...", "a directory; accepted: ...", "cannot be opened: <errno text>":
// the reason without `path`, which the caller's label names) or std::system_error (a reader's).
// `by_pid`: a blktrace capture's workers are its processes rather than its
// CPUs (other formats ignore it).
std::unique_ptr<TraceSource> open_trace(const std::string& path, bool by_pid = false);

}  // namespace iopulse

#endif  // IOPULSE_TRACE_TRACE_SOURCE_H_
