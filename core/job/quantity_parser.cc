// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "job/quantity_parser.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "job/usage_error.h"

namespace iopulse {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Splits "64KiB" into the digits "64" and the lower-cased suffix "kib".
bool split_number(std::string_view text, std::string_view* number, std::string* suffix,
                  bool allow_fraction) {
  size_t i = 0;
  bool seen_dot = false;
  while (i < text.size() &&
         (std::isdigit(static_cast<unsigned char>(text[i])) ||
          (allow_fraction && text[i] == '.' && !seen_dot))) {
    if (text[i] == '.') seen_dot = true;
    ++i;
  }
  if (i == 0 || (i == 1 && seen_dot)) return false;
  *number = text.substr(0, i);
  *suffix = lower(text.substr(i));
  return true;
}

}  // namespace

uint64_t parse_size(std::string_view option, std::string_view text) {
  const auto fail = [&]() -> uint64_t {
    throw UsageError(fmt::format(
        "{}: '{}' is not a size; accepted: a whole number of bytes with an optional "
        "k, m, g or t suffix (binary, e.g. 4k, 256M, 1G)",
        option, text));
  };
  std::string_view number;
  std::string suffix;
  if (!split_number(text, &number, &suffix, false)) return fail();
  uint64_t value = 0;
  auto [ptr, ec] = std::from_chars(number.data(), number.data() + number.size(), value);
  if (ec != std::errc() || ptr != number.data() + number.size()) return fail();
  const uint64_t multiplier = size_suffix_multiplier(suffix);
  if (multiplier == 0) return fail();
  if (value > std::numeric_limits<uint64_t>::max() / multiplier) {
    throw UsageError(fmt::format("{}: '{}' is too large; accepted: a size below 2^64 bytes (16 EiB)",
                                 option, text));
  }
  return value * multiplier;
}

uint64_t size_suffix_multiplier(std::string_view suffix) {
  const std::string s = lower(suffix);
  if (s.empty() || s == "b") return 1;
  unsigned shift;
  switch (s[0]) {
    case 'k': shift = 10; break;
    case 'm': shift = 20; break;
    case 'g': shift = 30; break;
    case 't': shift = 40; break;
    default: return 0;
  }
  // After a multiplier, "b" and "ib" are optional.
  const std::string_view rest = std::string_view(s).substr(1);
  return rest.empty() || rest == "b" || rest == "ib" ? uint64_t{1} << shift : 0;
}

uint64_t parse_duration_ns(std::string_view option, std::string_view text) {
  const auto fail = [&]() -> uint64_t {
    throw UsageError(fmt::format(
        "{}: '{}' is not a duration; accepted: a positive number with a unit ns, us, ms, "
        "s, m or h (e.g. 500ms, 5s, 2m; a bare number means seconds)",
        option, text));
  };
  std::string_view number;
  std::string suffix;
  if (!split_number(text, &number, &suffix, true)) return fail();
  double value = 0;
  auto [ptr, ec] = std::from_chars(number.data(), number.data() + number.size(), value);
  if (ec != std::errc() || ptr != number.data() + number.size()) return fail();
  double scale;
  if (suffix.empty() || suffix == "s") scale = 1e9;
  else if (suffix == "ns") scale = 1;
  else if (suffix == "us") scale = 1e3;
  else if (suffix == "ms") scale = 1e6;
  else if (suffix == "m" || suffix == "min") scale = 60e9;
  else if (suffix == "h") scale = 3600e9;
  else return fail();
  const double ns = std::round(value * scale);
  if (!(ns >= 1)) return fail();
  if (ns > 1e18) {
    throw UsageError(fmt::format("{}: '{}' is too long; accepted: at most 10^18 ns (about 31 years, e.g. 8760h)",
                                 option, text));
  }
  return static_cast<uint64_t>(ns);
}

uint64_t parse_count(std::string_view option, std::string_view text, uint64_t min, uint64_t max) {
  uint64_t value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size() || value < min ||
      value > max) {
    throw UsageError(fmt::format("{}: '{}' is not accepted; accepted: a whole number from {} to {}",
                                 option, text, min, max));
  }
  return value;
}

std::vector<uint32_t> parse_id_list(const std::string& label, const std::string& text, long count,
                                    const char* what) {
  const long online = count;
  std::vector<uint32_t> cpus;
  size_t pos = 0;
  const auto fail = [&]() {
    throw UsageError(fmt::format("{}: '{}' is not accepted; accepted: {} numbers and ranges from 0 to {}, e.g. 0-1,3",
                                 label, text, what, online - 1));
  };
  while (pos <= text.size()) {
    const size_t comma = std::min(text.find(',', pos), text.size());
    const std::string item = text.substr(pos, comma - pos);
    const size_t dash = item.find('-');
    try {
      size_t used = 0;
      const unsigned long first = std::stoul(item.substr(0, dash), &used);
      if (used != (dash == std::string::npos ? item.size() : dash)) fail();
      unsigned long last = first;
      if (dash != std::string::npos) {
        last = std::stoul(item.substr(dash + 1), &used);
        if (used != item.size() - dash - 1) fail();
      }
      if (last < first || static_cast<long>(last) >= online) fail();
      for (unsigned long c = first; c <= last; ++c) cpus.push_back(static_cast<uint32_t>(c));
    } catch (const std::logic_error&) {
      fail();
    }
    pos = comma + 1;
  }
  return cpus;
}


}  // namespace iopulse
