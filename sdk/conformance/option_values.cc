// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "option_values.h"

#include <strings.h>

#include <climits>
#include <set>

#include "check.h"

namespace iopcheck {
namespace {

struct Range {
  int64_t min;
  int64_t max;
};

// min_value == max_value == 0 means the whole range of the type.
Range option_range(const iop_option_desc& opt) {
  if (opt.min_value == 0 && opt.max_value == 0) {
    return {opt.type == IOP_OPT_SIZE ? 0 : INT64_MIN, INT64_MAX};
  }
  return {opt.min_value, opt.max_value};
}

bool equals_ignore_case(const std::string& a, const char* b) {
  return strcasecmp(a.c_str(), b) == 0;
}

std::string default_text(const iop_option_desc& opt) {
  if (opt.default_value != nullptr) return opt.default_value;
  switch (opt.type) {
    case IOP_OPT_STRING: return "";
    case IOP_OPT_ENUM:
      return opt.choices != nullptr && opt.choices[0] != nullptr ? opt.choices[0] : "";
    default: return "0";
  }
}

bool is_option_name(const char* s) {
  const auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (s == nullptr || !alnum(s[0])) return false;
  for (++s; *s != '\0'; ++s) {
    if (!alnum(*s) && *s != '-') return false;
  }
  return true;
}

// Parses [+-]digits (signed) or digits (unsigned) into *out; false on junk
// or overflow.  *end is where the digits stopped.
bool parse_integer(const std::string& text, bool allow_sign, int64_t* out, size_t* end) {
  size_t k = 0;
  bool negative = false;
  if (allow_sign && k < text.size() && (text[k] == '+' || text[k] == '-')) {
    negative = text[k] == '-';
    ++k;
  }
  if (k >= text.size() || text[k] < '0' || text[k] > '9') return false;
  // Accumulate as a negative number so INT64_MIN fits.
  int64_t v = 0;
  for (; k < text.size() && text[k] >= '0' && text[k] <= '9'; ++k) {
    const int d = text[k] - '0';
    if (v < (INT64_MIN + d) / 10) return false;
    v = v * 10 - d;
  }
  if (!negative) {
    if (v == INT64_MIN) return false;
    v = -v;
  }
  *out = v;
  *end = k;
  return true;
}

int64_t size_multiplier(const std::string& suffix) {
  if (suffix.empty() || equals_ignore_case(suffix, "b")) return 1;
  int shift = 0;
  switch (suffix[0] | 0x20) {
    case 'k': shift = 10; break;
    case 'm': shift = 20; break;
    case 'g': shift = 30; break;
    case 't': shift = 40; break;
    default: return 0;
  }
  const std::string rest = suffix.substr(1);
  if (rest.empty() || equals_ignore_case(rest, "b") || equals_ignore_case(rest, "ib")) {
    return int64_t{1} << shift;
  }
  return 0;
}

}  // namespace

std::string parse_option_text(const iop_option_desc& opt, const std::string& text,
                              int64_t* value) {
  switch (opt.type) {
    case IOP_OPT_BOOL:
      for (const char* t : {"1", "true", "yes", "on"}) {
        if (equals_ignore_case(text, t)) {
          *value = 1;
          return "";
        }
      }
      for (const char* f : {"0", "false", "no", "off"}) {
        if (equals_ignore_case(text, f)) {
          *value = 0;
          return "";
        }
      }
      return "'" + text + "' is not a boolean (1/0, true/false, yes/no, on/off)";

    case IOP_OPT_INT:
    case IOP_OPT_SIZE: {
      const bool is_size = opt.type == IOP_OPT_SIZE;
      int64_t v = 0;
      size_t end = 0;
      if (!parse_integer(text, !is_size, &v, &end)) {
        return "'" + text + "' is not " + (is_size ? "a size" : "an integer");
      }
      if (is_size) {
        const int64_t mult = size_multiplier(text.substr(end));
        if (mult == 0) return "'" + text + "' is not a size (suffixes k/m/g/t)";
        if (__builtin_mul_overflow(v, mult, &v)) return "'" + text + "' is too large";
      } else if (end != text.size()) {
        return "'" + text + "' is not an integer";
      }
      const Range r = option_range(opt);
      if (v < r.min || v > r.max) {
        return strf("%s is outside %lld..%lld", text.c_str(), static_cast<long long>(r.min),
                    static_cast<long long>(r.max));
      }
      *value = v;
      return "";
    }

    case IOP_OPT_STRING:
      *value = 0;
      return "";

    case IOP_OPT_ENUM: {
      int64_t index = 0;
      for (const char* const* c = opt.choices; c != nullptr && *c != nullptr; ++c, ++index) {
        if (text == *c) {
          *value = index;
          return "";
        }
      }
      std::string choices;
      for (const char* const* c = opt.choices; c != nullptr && *c != nullptr; ++c) {
        choices += (choices.empty() ? "" : ", ") + std::string(*c);
      }
      return "'" + text + "' is not one of: " + choices;
    }

    default:
      return strf("option type %u is unknown", opt.type);
  }
}

std::string check_option_desc(const iop_option_desc& opt) {
  if (!is_option_name(opt.name)) {
    return strf("name '%s' is not [a-z0-9][a-z0-9-]*", opt.name != nullptr ? opt.name : "(null)");
  }
  if (opt.help == nullptr || opt.help[0] == '\0') return "has no help text";
  if (opt.reserved0 != 0 || opt.reserved[0] != 0 || opt.reserved[1] != 0) {
    return "reserved fields are not 0";
  }
  if (opt.type < IOP_OPT_BOOL || opt.type > IOP_OPT_ENUM) {
    return strf("type %u is not an iop_option_type", opt.type);
  }
  if (opt.type == IOP_OPT_ENUM) {
    if (opt.choices == nullptr || opt.choices[0] == nullptr) return "enum has no choices";
    std::set<std::string> seen;
    for (const char* const* c = opt.choices; *c != nullptr; ++c) {
      if (**c == '\0') return "enum has an empty choice";
      if (!seen.insert(*c).second) return "enum choice '" + std::string(*c) + "' appears twice";
    }
  }
  if (opt.type == IOP_OPT_INT || opt.type == IOP_OPT_SIZE) {
    const Range r = option_range(opt);
    if (r.min > r.max) {
      return strf("range %lld..%lld is empty", static_cast<long long>(r.min),
                  static_cast<long long>(r.max));
    }
    if (opt.type == IOP_OPT_SIZE && r.min < 0) return "size range starts below 0";
  }
  int64_t v = 0;
  const std::string why = parse_option_text(opt, default_text(opt), &v);
  if (!why.empty()) return "default " + why;
  return "";
}

std::string OptionValues::build(const iop_engine_desc& desc,
                                const std::vector<std::pair<std::string, std::string>>& given,
                                std::vector<std::string>* unknown) {
  std::vector<const std::string*> chosen(desc.num_options, nullptr);
  for (const auto& [name, text] : given) {
    uint32_t k = 0;
    while (k < desc.num_options && name != desc.options[k].name) ++k;
    if (k == desc.num_options) {
      unknown->push_back(name);
      continue;
    }
    if (chosen[k] != nullptr) return "option " + name + " is given more than once";
    chosen[k] = &text;
  }
  values_.clear();
  text_.clear();
  for (uint32_t k = 0; k < desc.num_options; ++k) {
    const iop_option_desc& opt = desc.options[k];
    std::string text = chosen[k] != nullptr ? *chosen[k] : default_text(opt);
    int64_t v = 0;
    const std::string why = parse_option_text(opt, text, &v);
    if (!why.empty()) {
      return strf("option %s%s: %s", opt.name, chosen[k] != nullptr ? "" : " (its default)",
                  why.c_str());
    }
    text_.push_back(std::move(text));
    const bool has_text = opt.type == IOP_OPT_STRING || opt.type == IOP_OPT_ENUM;
    values_.push_back({v, has_text ? text_.back().c_str() : nullptr});
  }
  return "";
}

}  // namespace iopcheck
