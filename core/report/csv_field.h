// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// csv_field(): one field of a CSV record as RFC 4180 spells it.  A field that
// holds a comma, a double quote, a carriage return or a line feed is
// enclosed in double quotes with its quotes doubled (libcsv's writer does
// the quoting); any other field is written as it is.  So a phase named
// "warm up, 4k" stays one field and every reader (Python's csv module,
// pandas, spreadsheets) finds the same columns on every row.
#ifndef IOPULSE_REPORT_CSV_FIELD_H_
#define IOPULSE_REPORT_CSV_FIELD_H_

#include <string>
#include <string_view>

namespace iopulse {

std::string csv_field(std::string_view text);

}  // namespace iopulse

#endif  // IOPULSE_REPORT_CSV_FIELD_H_
