// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// The machine-readable result of a run (schema: docs/json-output.md).
// Every number is cross-checkable: rates are ops and bytes over window_ns,
// percentiles can be recomputed from the sparse latency histogram.
#ifndef IOPULSE_REPORT_JSON_REPORT_H_
#define IOPULSE_REPORT_JSON_REPORT_H_

#include <string>

#include <nlohmann/json.hpp>

#include "stats/run_result.h"

namespace iopulse {

// The version of the document layout; bumped when a field changes meaning
// or disappears (adding fields keeps it).
inline constexpr int kJsonSchemaVersion = 1;

nlohmann::json result_to_json(const RunResult& result);

// Writes result_to_json(result) to `path` as output/result_file.h does: a
// regular file is replaced atomically (a reader sees the old file or the
// whole new one), "-" is standard output, a FIFO or device is written in
// place.  Throws std::system_error whose what() names the path and the
// errno text.
void write_json_file(const std::string& path, const RunResult& result);

}  // namespace iopulse

#endif  // IOPULSE_REPORT_JSON_REPORT_H_
