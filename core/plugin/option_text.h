// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// The text form of engine option values: parsing what a user typed into the
// typed value an engine receives, and describing what an option accepts.
// Shared by EngineLibrary (which checks that every declared default parses)
// and EngineOptionValues (which parses the user's values), so a default and
// a user's value are held to exactly the same rules.
//
// Accepted text, by iop_option_type:
//   BOOL    1/0, true/false, yes/no, on/off (case-insensitive)
//   INT     a decimal integer with optional sign, within the option's range
//   SIZE    a non-negative decimal integer with an optional k/m/g/t suffix
//           (powers of 1024, case-insensitive, "k", "kb" and "kib" alike),
//           within the option's range
//   STRING  any text
//   ENUM    one of the option's choices, exactly as declared
#ifndef IOPULSE_PLUGIN_OPTION_TEXT_H_
#define IOPULSE_PLUGIN_OPTION_TEXT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "iopulse/engine.h"

namespace iopulse {

// The inclusive range an INT or SIZE option accepts, with the ABI's rule
// applied: min_value == max_value == 0 means the whole range of the type.
struct OptionRange {
  int64_t min;
  int64_t max;
};
OptionRange option_range(const iop_option_desc& opt);

// "BOOL", "INT", "SIZE", "STRING" or "ENUM"; nullptr for any other type.
const char* option_type_name(uint32_t type);

// The option's default as a user would type it: default_value, or the
// value the ABI implies when it is NULL ("0", "" or the first choice).
std::string option_default_text(const iop_option_desc& opt);

// What the option accepts, for messages and help: "0..10000000",
// "4k..1m", "1/0, true/false, yes/no, on/off", "fast, slow", "any text".
std::string option_accepted_text(const iop_option_desc& opt);

// A value in the form an engine receives it.  `s` holds the text for
// STRING and the choice name for ENUM, and is empty otherwise.
struct ParsedOptionValue {
  int64_t i = 0;
  std::string s;
};

// Parses `text` as `opt`'s type and checks its range or choices.  Returns
// std::nullopt and fills *out on success; otherwise returns the reason as a
// phrase that names the text and what is accepted, e.g.
// "'abc' is not an integer; accepted: 0..10000000".  `opt` must have a valid
// type (EngineLibrary checks that before anything parses).
std::optional<std::string> parse_option_text(const iop_option_desc& opt, std::string_view text,
                                             ParsedOptionValue* out);

// Bytes in the shortest exact form: 4096 -> "4k", 1536 -> "1536".
std::string format_size(int64_t bytes);

}  // namespace iopulse

#endif  // IOPULSE_PLUGIN_OPTION_TEXT_H_
