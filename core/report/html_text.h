// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// Text that goes into an HTML document or an inline SVG.  Everything the
// reports take from a result file (engine names, config values, error
// messages, labels) passes through html_escape, so no input can add markup.
#ifndef IOPULSE_REPORT_HTML_TEXT_H_
#define IOPULSE_REPORT_HTML_TEXT_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace iopulse {

// `text` with & < > " ' replaced by character references; safe both as
// element content and inside a double- or single-quoted attribute value.
// Control characters other than tab and newline become U+FFFD, so a value
// can never break the document structure.
std::string html_escape(std::string_view text);

// A number as tick or table text without trailing zeros after the decimal
// point: "1.00 ms" -> "1 ms", "2.50 GiB/s" -> "2.5 GiB/s", "120k" stays.
// Only the leading number is touched.
std::string trim_decimal_zeros(std::string_view text);

// An unsigned integer with thousands separated by commas: "5,383,308".
std::string format_grouped(uint64_t value);

}  // namespace iopulse

#endif  // IOPULSE_REPORT_HTML_TEXT_H_
