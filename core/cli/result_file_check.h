// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// result_file_defect: whether a parsed JSON document has the shape of an
// IOPulse result file (docs/json-output.md) before `iopulse report` renders
// it.  Members the report reads must be present with the documented types
// (counts are unsigned integers, rates numbers, texts strings, histograms
// [lower, upper, count] triples whose counts add up to the op count);
// members it does not know are ignored, so newer files still pass.
#ifndef IOPULSE_CLI_RESULT_FILE_CHECK_H_
#define IOPULSE_CLI_RESULT_FILE_CHECK_H_

#include <string>

#include <nlohmann/json.hpp>

namespace iopulse {

// "" when `doc` is well formed, else the first defect as "<JSON pointer>:
// <what is wrong>", e.g. "/read/ops: is a string; accepted: an unsigned
// integer".
std::string result_file_defect(const nlohmann::json& doc);

}  // namespace iopulse

#endif  // IOPULSE_CLI_RESULT_FILE_CHECK_H_
