// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// TraceRecord: one IO of a trace, whatever format it was read from (an
// IOPulse iolog, a fio iolog), as the replay consumes it.  Ops are the
// engine ABI's codes (IOP_OP_READ, IOP_OP_WRITE, IOP_OP_FSYNC,
// IOP_OP_FDATASYNC, IOP_OP_TRIM); a reader never hands out another.
#ifndef IOPULSE_TRACE_TRACE_RECORD_H_
#define IOPULSE_TRACE_TRACE_RECORD_H_

#include <cstdint>
#include <optional>
#include <string_view>

#include "iopulse/engine.h"

namespace iopulse {

struct TraceRecord {
  uint64_t time_ns = 0;   // issue time since the start of the recorded run
  uint64_t offset = 0;    // bytes into the file
  uint32_t len = 0;       // bytes (0 for syncs)
  uint32_t file = 0;      // index into the trace's files
  uint32_t worker = 0;    // the recorded worker (thread, job, CPU) that issued it
  uint8_t op = IOP_OP_READ;
};

// "read", "write", "fsync", "fdatasync", "trim".
std::string_view trace_op_name(uint8_t op);
// The op named `name` in IOPulse's own words (above), or nullopt.
std::optional<uint8_t> trace_op_from_name(std::string_view name);
// True for the data ops a trace may hold.
inline bool is_trace_op(uint8_t op) { return op <= IOP_OP_TRIM; }

}  // namespace iopulse

#endif  // IOPULSE_TRACE_TRACE_RECORD_H_
