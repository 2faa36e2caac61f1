// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "plugin/option_text.h"

#include "job/quantity_parser.h"

#include <charconv>
#include <limits>

namespace iopulse {

namespace {

constexpr int64_t kInt64Min = std::numeric_limits<int64_t>::min();
constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool equals_ignore_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t k = 0; k < a.size(); ++k) {
    if (lower(a[k]) != lower(b[k])) return false;
  }
  return true;
}

std::string quoted(std::string_view text) { return "'" + std::string(text) + "'"; }

std::string range_text(const iop_option_desc& opt) {
  const OptionRange r = option_range(opt);
  if (opt.type == IOP_OPT_SIZE) return format_size(r.min) + ".." + format_size(r.max);
  return std::to_string(r.min) + ".." + std::to_string(r.max);
}

std::string choices_text(const iop_option_desc& opt) {
  std::string text;
  for (const char* const* c = opt.choices; c != nullptr && *c != nullptr; ++c) {
    if (!text.empty()) text += ", ";
    text += *c;
  }
  return text;
}

}  // namespace

OptionRange option_range(const iop_option_desc& opt) {
  if (opt.min_value == 0 && opt.max_value == 0) {
    return {opt.type == IOP_OPT_SIZE ? 0 : kInt64Min, kInt64Max};
  }
  return {opt.min_value, opt.max_value};
}

const char* option_type_name(uint32_t type) {
  switch (type) {
    case IOP_OPT_BOOL: return "BOOL";
    case IOP_OPT_INT: return "INT";
    case IOP_OPT_SIZE: return "SIZE";
    case IOP_OPT_STRING: return "STRING";
    case IOP_OPT_ENUM: return "ENUM";
    default: return nullptr;
  }
}

std::string option_default_text(const iop_option_desc& opt) {
  if (opt.default_value != nullptr) return opt.default_value;
  switch (opt.type) {
    case IOP_OPT_STRING: return "";
    case IOP_OPT_ENUM:
      return (opt.choices != nullptr && opt.choices[0] != nullptr) ? opt.choices[0] : "";
    default: return "0";
  }
}

std::string option_accepted_text(const iop_option_desc& opt) {
  switch (opt.type) {
    case IOP_OPT_BOOL: return "1/0, true/false, yes/no, on/off";
    case IOP_OPT_INT:
    case IOP_OPT_SIZE: return range_text(opt);
    case IOP_OPT_ENUM: return choices_text(opt);
    default: return "any text";
  }
}

std::optional<std::string> parse_option_text(const iop_option_desc& opt, std::string_view text,
                                             ParsedOptionValue* out) {
  const std::string accepted = "; accepted: " + option_accepted_text(opt);
  switch (opt.type) {
    case IOP_OPT_BOOL: {
      for (const char* t : {"1", "true", "yes", "on"}) {
        if (equals_ignore_case(text, t)) {
          *out = {1, ""};
          return std::nullopt;
        }
      }
      for (const char* f : {"0", "false", "no", "off"}) {
        if (equals_ignore_case(text, f)) {
          *out = {0, ""};
          return std::nullopt;
        }
      }
      return quoted(text) + " is not a boolean" + accepted;
    }

    case IOP_OPT_INT:
    case IOP_OPT_SIZE: {
      const bool is_size = opt.type == IOP_OPT_SIZE;
      // INT: [+-]digits.  SIZE: digits[suffix].  from_chars alone would also
      // take "-" for a size and not take "+", so the first character decides.
      std::string_view t = text;
      const bool plus = !is_size && !t.empty() && t[0] == '+';
      if (plus) t.remove_prefix(1);
      const bool starts_ok =
          !t.empty() && ((t[0] >= '0' && t[0] <= '9') || (!is_size && !plus && t[0] == '-'));
      int64_t value = 0;
      bool well_formed = false;
      bool overflow = false;
      if (starts_ok) {
        const char* last = t.data() + t.size();
        auto [end, ec] = std::from_chars(t.data(), last, value);
        overflow = ec == std::errc::result_out_of_range;
        well_formed = ec != std::errc::invalid_argument;
        if (well_formed && is_size) {
          const int64_t mult = static_cast<int64_t>(size_suffix_multiplier(std::string_view(end, last - end)));
          if (mult == 0) {
            well_formed = false;
          } else if (!overflow && __builtin_mul_overflow(value, mult, &value)) {
            overflow = true;
          }
        } else if (well_formed && end != last) {
          well_formed = false;
        }
      }
      if (!well_formed) {
        if (is_size) {
          return quoted(text) + " is not a size" + accepted + " (suffixes k/m/g/t, powers of 1024)";
        }
        return quoted(text) + " is not an integer" + accepted;
      }
      const OptionRange r = option_range(opt);
      if (overflow || value < r.min || value > r.max) {
        return std::string(text) + " is out of range" + accepted;
      }
      *out = {value, ""};
      return std::nullopt;
    }

    case IOP_OPT_STRING:
      *out = {0, std::string(text)};
      return std::nullopt;

    case IOP_OPT_ENUM: {
      int64_t index = 0;
      for (const char* const* c = opt.choices; c != nullptr && *c != nullptr; ++c, ++index) {
        if (text == *c) {
          *out = {index, *c};
          return std::nullopt;
        }
      }
      return quoted(text) + " is not a choice" + accepted;
    }

    default:
      return "option type " + std::to_string(opt.type) + " is unknown";
  }
}

std::string format_size(int64_t bytes) {
  static constexpr struct {
    int shift;
    char suffix;
  } kUnits[] = {{40, 't'}, {30, 'g'}, {20, 'm'}, {10, 'k'}};
  if (bytes > 0) {
    for (const auto& unit : kUnits) {
      const int64_t mult = int64_t{1} << unit.shift;
      if (bytes % mult == 0) return std::to_string(bytes / mult) + unit.suffix;
    }
  }
  return std::to_string(bytes);
}

}  // namespace iopulse
