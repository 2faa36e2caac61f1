// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// Parsing of the quantities users type on the command line: sizes ("4k",
// "256M", "1GiB") and durations ("500ms", "5s", "2m", "1h").  Sizes use
// binary multiples (k = 1024), as fio and the earlier IOPulse did.  Each
// function throws UsageError naming the option, the text and what is accepted.
#ifndef IOPULSE_JOB_QUANTITY_PARSER_H_
#define IOPULSE_JOB_QUANTITY_PARSER_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace iopulse {

// Bytes: a whole number with an optional suffix k, m, g, t (any case,
// optionally followed by "b" or "ib"): "4096", "4k", "64KiB", "1G".
// `option` is the option name used in messages, e.g. "--block-size".
uint64_t parse_size(std::string_view option, std::string_view text);

// Nanoseconds: a number (a decimal fraction is allowed) with a unit ns, us,
// ms, s, m or h; a bare number means seconds.  Must be > 0.
uint64_t parse_duration_ns(std::string_view option, std::string_view text);

// The multiplier of a size suffix: 1 for "" or "b", 1024 for "k", "kb",
// "kib" (any case), and so on up to "t"; 0 when `suffix` is not one.  The
// one definition of size suffixes, shared with engine options.
uint64_t size_suffix_multiplier(std::string_view suffix);

// A whole number in [min, max].
uint64_t parse_count(std::string_view option, std::string_view text, uint64_t min, uint64_t max);

// "0-3,8" -> {0, 1, 2, 3, 8} in the order given, repeats kept: every
// number below `count` (CPUs or NUMA nodes, named by `what` in the
// message).  Throws UsageError naming `label`.
std::vector<uint32_t> parse_id_list(const std::string& label, const std::string& text, long count, const char* what);

}  // namespace iopulse

#endif  // IOPULSE_JOB_QUANTITY_PARSER_H_
