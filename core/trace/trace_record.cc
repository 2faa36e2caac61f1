// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "trace/trace_record.h"

namespace iopulse {

std::string_view trace_op_name(uint8_t op) {
  switch (op) {
    case IOP_OP_READ: return "read";
    case IOP_OP_WRITE: return "write";
    case IOP_OP_FSYNC: return "fsync";
    case IOP_OP_FDATASYNC: return "fdatasync";
    case IOP_OP_TRIM: return "trim";
  }
  return "unknown";
}

std::optional<uint8_t> trace_op_from_name(std::string_view name) {
  for (uint8_t op = IOP_OP_READ; op <= IOP_OP_TRIM; ++op) {
    if (trace_op_name(op) == name) return op;
  }
  return std::nullopt;
}

}  // namespace iopulse
