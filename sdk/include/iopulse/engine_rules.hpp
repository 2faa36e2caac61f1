// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
/*
 * iopulse/engine_rules.hpp -- the rules of iopulse/engine.h that a loader
 * applies to an engine: the frozen prefix and the ABI versions, the
 * descriptor (names, functions, capabilities, limits), the option table,
 * the text form of option values, the instance report, and the names of
 * the capability bits.
 *
 * Licence: an engine built against these SDK headers may carry any licence,
 * open or proprietary, and be distributed on its own.  The MIT terms (see
 * LICENSE) apply to the headers themselves: keep their notice when you
 * redistribute the headers.
 *
 * The IOPulse host (its plugin loader, option parser and --engine-help) and
 * iopulse-engine-check both use this header, so an engine the checker
 * passes is held to exactly the rules the host applies, and the messages
 * are the same.  Engine authors may use it in their own tests.
 *
 * Header-only C++17, the standard library only.  Every check returns "" when
 * the rule holds, else the reason as one line without a trailing period.
 */
#ifndef IOPULSE_ENGINE_RULES_HPP
#define IOPULSE_ENGINE_RULES_HPP

#include <cerrno>
#include <algorithm>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <deque>
#include <limits>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "iopulse/engine.h"

namespace iop::rules {

// ---------------------------------------------------------------------------
// Names and numbers
// ---------------------------------------------------------------------------

inline bool is_lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

// [a-z0-9_]+
inline bool is_engine_name(const char* s) {
  if (s == nullptr || *s == '\0') return false;
  for (; *s != '\0'; ++s) {
    if (!is_lower_alnum(*s) && *s != '_') return false;
  }
  return true;
}

// [a-z0-9][a-z0-9-]*
inline bool is_option_name(const char* s) {
  if (s == nullptr || !is_lower_alnum(s[0])) return false;
  for (++s; *s != '\0'; ++s) {
    if (!is_lower_alnum(*s) && *s != '-') return false;
  }
  return true;
}

// [a-z0-9][a-z0-9_-]*
inline bool is_setting_name(const char* s) {
  if (s == nullptr || !is_lower_alnum(s[0])) return false;
  for (++s; *s != '\0'; ++s) {
    if (!is_lower_alnum(*s) && *s != '-' && *s != '_') return false;
  }
  return true;
}

// "2.0"
inline std::string version_text(unsigned major, unsigned minor) {
  return std::to_string(major) + "." + std::to_string(minor);
}

// "0x100000"
inline std::string hex_text(uint64_t v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

// The text of a negative errno value: "Operation not supported"; a
// non-negative value as "returned <n>".
inline std::string errno_message(int64_t rc) {
  if (rc < 0) return std::strerror(static_cast<int>(-rc));
  return "returned " + std::to_string(rc);
}

// ---------------------------------------------------------------------------
// Capability names
// ---------------------------------------------------------------------------

struct CapabilityName {
  uint64_t bit;
  const char* name;
};

// Informational capabilities (iop_engine_desc.caps), in bit order.
inline const std::vector<CapabilityName>& capability_table() {
  static const std::vector<CapabilityName> kTable = {
      {IOP_CAP_ASYNC, "async"},
      {IOP_CAP_BATCH_SUBMIT, "batch-submit"},
      {IOP_CAP_REGISTERED_BUFFERS, "registered-buffers"},
      {IOP_CAP_FIXED_FILES, "fixed-files"},
      {IOP_CAP_POLLED, "polled"},
      {IOP_CAP_FSYNC, "fsync"},
      {IOP_CAP_FDATASYNC, "fdatasync"},
      {IOP_CAP_TRIM, "trim"},
      {IOP_CAP_MEMORY_MAPPED, "memory-mapped"},
      {IOP_CAP_DIRECT, "direct"},
      {IOP_CAP_STORES_DATA, "stores-data"},
      {IOP_CAP_IO_FUA, "io-fua"},
      {IOP_CAP_IO_DSYNC, "io-dsync"},
      {IOP_CAP_IO_HIPRI, "io-hipri"},
      {IOP_CAP_IO_NOWAIT, "io-nowait"},
      {IOP_CAP_IOPRIO, "io-priority"},
      {IOP_CAP_COMPLETION_FD, "completion-fd"},
      {IOP_CAP_ENGINE_BUFFERS, "engine-buffers"},
      {IOP_CAP_CONTROL, "control"},
      {IOP_CAP_ERROR_TEXT, "error-text"},
      {IOP_CAP_REPORT, "report"},
      {IOP_CAP_META_MKDIR, "mkdir"},
      {IOP_CAP_META_RMDIR, "rmdir"},
      {IOP_CAP_META_CREATE, "create"},
      {IOP_CAP_META_OPEN_CLOSE, "open-close"},
      {IOP_CAP_META_STAT, "stat"},
      {IOP_CAP_META_READ_FILE, "read-file"},
      {IOP_CAP_META_WRITE_FILE, "write-file"},
      {IOP_CAP_META_RENAME, "rename"},
      {IOP_CAP_META_UNLINK, "unlink"},
      {IOP_CAP_META_LIST, "list"},
      {IOP_CAP_META_RENAME_NOREPLACE, "rename-noreplace"},
  };
  return kTable;
}

// Required capabilities (iop_engine_desc.required_caps), in bit order.
inline const std::vector<CapabilityName>& required_capability_table() {
  static const std::vector<CapabilityName> kTable = {
      {IOP_REQ_DISKLESS, "diskless"},
      {IOP_REQ_OPENS_BY_PATH, "opens-by-path"},
  };
  return kTable;
}

// The names of the bits set in `bits` from `table`, in bit order; unknown
// bits are left out.
inline std::vector<std::string> bit_names(uint64_t bits, const std::vector<CapabilityName>& table) {
  std::vector<std::string> names;
  for (const CapabilityName& c : table) {
    if ((bits & c.bit) != 0) names.emplace_back(c.name);
  }
  return names;
}

// The name of one capability bit ("fsync"), or its hex value.
inline std::string capability_name(uint64_t bit) {
  for (const CapabilityName& c : capability_table()) {
    if (c.bit == bit) return c.name;
  }
  return hex_text(bit);
}

// The bits as "fsync, trim" (or "none"), with unknown bits in hex at the end.
inline std::string bits_text(uint64_t bits, const std::vector<CapabilityName>& table) {
  std::string text;
  for (const CapabilityName& c : table) {
    if ((bits & c.bit) == 0) continue;
    text += (text.empty() ? "" : ", ") + std::string(c.name);
    bits &= ~c.bit;
  }
  if (bits != 0) text += (text.empty() ? "" : ", ") + hex_text(bits);
  return text.empty() ? "none" : text;
}

// ---------------------------------------------------------------------------
// The frozen prefix and the ABI version
// ---------------------------------------------------------------------------

// Everything up to and including `name`: readable in every ABI major.
inline constexpr size_t kFrozenPrefixSize = offsetof(iop_engine_desc, name) + sizeof(const char*);
// The size of one option descriptor in ABI 2.0, the smallest a table of ABI
// 2 may have.
inline constexpr uint32_t kOptionDescSize_2_0 = 72;
static_assert(sizeof(iop_option_desc) >= kOptionDescSize_2_0, "option descriptors only grow");

// Checks the frozen prefix of an engine's descriptor against the ABI of
// this header.  `who` names the loader in messages ("this iopulse",
// "this checker").  An engine of another major gets one line naming both
// versions and what to rebuild against.
inline std::string check_prefix(const iop_engine_desc& raw, const char* who) {
  if (raw.struct_size < kFrozenPrefixSize) {
    return "descriptor struct_size " + std::to_string(raw.struct_size) +
           " is smaller than the frozen prefix (" + std::to_string(kFrozenPrefixSize) + " bytes)";
  }
  const std::string mine = version_text(IOP_ABI_MAJOR, IOP_ABI_MINOR);
  const std::string theirs = version_text(raw.abi_major, raw.abi_minor);
  if (raw.abi_major < IOP_ABI_MAJOR) {
    return "engine ABI " + theirs + " is older than " + who + " (ABI " + mine +
           "): rebuild the engine against the IOPulse SDK of ABI " +
           std::to_string(IOP_ABI_MAJOR) + " (iopulse/engine.h with IOP_ABI_MAJOR " +
           std::to_string(IOP_ABI_MAJOR) + ")";
  }
  if (raw.abi_major > IOP_ABI_MAJOR) {
    return "engine ABI " + theirs + " is newer than " + who + " (ABI " + mine +
           "): use an iopulse of ABI " + std::to_string(raw.abi_major) +
           ", or rebuild the engine against the IOPulse SDK of ABI " +
           std::to_string(IOP_ABI_MAJOR);
  }
  if (raw.min_host_abi_minor > IOP_ABI_MINOR) {
    return "engine needs iopulse ABI " + version_text(IOP_ABI_MAJOR, raw.min_host_abi_minor) +
           " or newer (" + who + " has ABI " + mine + ")";
  }
  return "";
}

// Calls an engine's entry function with `host`.  An engine of ABI 1 refuses
// a host of another major in its entry with -EPROTO; then the entry is
// called again with `host` stating each earlier major, only so that the
// frozen prefix can be read and the mismatch explained (the descriptor it
// returns is never used otherwise).  `probed` tells which happened.
struct EntryResult {
  int32_t rc = 0;                        // the first call's result
  const iop_engine_desc* desc = nullptr; // what the call that succeeded returned
  bool probed = false;                   // desc came from a call stating an earlier major
};

inline EntryResult call_entry(iop_engine_entry_fn entry, const iop_host_info* host) {
  EntryResult r;
  r.rc = entry(host, &r.desc);
  if (r.rc != -EPROTO) return r;
  r.desc = nullptr;
  for (uint16_t major = IOP_ABI_MAJOR - 1; major >= 1; --major) {
    // The engine may keep the pointer for the life of the process, so each
    // one lives until exit in a list that owns it (one per refused plugin).
    static std::mutex kept_mutex;
    static std::deque<iop_host_info> kept;
    iop_host_info* older = nullptr;
    {
      std::lock_guard<std::mutex> lock(kept_mutex);
      older = &kept.emplace_back(*host);
    }
    older->abi_major = major;
    older->abi_minor = 0;
    const iop_engine_desc* d = nullptr;
    if (entry(older, &d) == 0 && d != nullptr) {
      r.desc = d;
      r.probed = true;
      return r;
    }
  }
  return r;
}

// ---------------------------------------------------------------------------
// The descriptor copy
// ---------------------------------------------------------------------------

// A descriptor zero-extended to this header's size, and its option table
// copied the same way; desc.options points into `options`.  Not copyable
// (the pointer would dangle); keep it where it was filled.
struct DescriptorCopy {
  iop_engine_desc desc{};
  std::vector<iop_option_desc> options;

  DescriptorCopy() = default;
  DescriptorCopy(const DescriptorCopy&) = delete;
  DescriptorCopy& operator=(const DescriptorCopy&) = delete;
};

// Copies min(raw.struct_size, sizeof) bytes of the descriptor (whose prefix
// check_prefix() accepted) into a zeroed one, so members the engine does not
// know read as 0/NULL, and each option descriptor the same way, stepping
// through the table by its entries' struct_size.
inline std::string copy_descriptor(const iop_engine_desc& raw, DescriptorCopy* out) {
  std::memset(&out->desc, 0, sizeof out->desc);
  std::memcpy(&out->desc, &raw, std::min<size_t>(raw.struct_size, sizeof out->desc));
  out->options.clear();
  const iop_engine_desc& d = out->desc;
  if (d.num_options == 0) {
    out->desc.options = nullptr;
    return "";
  }
  if (d.options == nullptr) {
    return "num_options is " + std::to_string(d.num_options) + " but options is NULL";
  }
  const uint32_t stride = d.options[0].struct_size;
  if (stride < kOptionDescSize_2_0 || stride % alignof(iop_option_desc) != 0) {
    return "option 0: struct_size " + std::to_string(stride) +
           " is not the size of an option descriptor (ABI 2.0's is " +
           std::to_string(kOptionDescSize_2_0) + ")";
  }
  const auto* bytes = reinterpret_cast<const unsigned char*>(d.options);
  out->options.resize(d.num_options);
  for (uint32_t k = 0; k < d.num_options; ++k) {
    const unsigned char* entry = bytes + size_t{k} * stride;
    uint32_t size = 0;
    std::memcpy(&size, entry, sizeof size);
    if (size != stride) {
      return "option " + std::to_string(k) + ": struct_size " + std::to_string(size) +
             " differs from the table's " + std::to_string(stride);
    }
    iop_option_desc& o = out->options[k];
    std::memset(&o, 0, sizeof o);
    std::memcpy(&o, entry, std::min<size_t>(stride, sizeof o));
  }
  out->desc.options = out->options.data();
  return "";
}

// ---------------------------------------------------------------------------
// Option values as text
// ---------------------------------------------------------------------------
// Accepted text, by iop_option_type:
//   BOOL    1/0, true/false, yes/no, on/off (case-insensitive)
//   INT     a decimal integer with optional sign, within the option's range
//   SIZE    a non-negative decimal integer with an optional k/m/g/t suffix
//           (powers of 1024, case-insensitive; "k", "kb" and "kib" alike),
//           within the option's range
//   STRING  any text
//   ENUM    one of the option's choices, exactly as declared

// The inclusive range an INT or SIZE option accepts, with the ABI's rule
// applied: min_value == max_value == 0 means the whole range of the type.
struct OptionRange {
  int64_t min;
  int64_t max;
};

inline OptionRange option_range(const iop_option_desc& opt) {
  if (opt.min_value == 0 && opt.max_value == 0) {
    return {opt.type == IOP_OPT_SIZE ? 0 : std::numeric_limits<int64_t>::min(),
            std::numeric_limits<int64_t>::max()};
  }
  return {opt.min_value, opt.max_value};
}

// "BOOL", "INT", "SIZE", "STRING" or "ENUM"; nullptr for any other type.
inline const char* option_type_name(uint32_t type) {
  switch (type) {
    case IOP_OPT_BOOL: return "BOOL";
    case IOP_OPT_INT: return "INT";
    case IOP_OPT_SIZE: return "SIZE";
    case IOP_OPT_STRING: return "STRING";
    case IOP_OPT_ENUM: return "ENUM";
    default: return nullptr;
  }
}

// The option's default as a user would type it: default_value, or the value
// the ABI implies when it is NULL ("0", "" or the first choice).
inline std::string option_default_text(const iop_option_desc& opt) {
  if (opt.default_value != nullptr) return opt.default_value;
  switch (opt.type) {
    case IOP_OPT_STRING: return "";
    case IOP_OPT_ENUM:
      return (opt.choices != nullptr && opt.choices[0] != nullptr) ? opt.choices[0] : "";
    default: return "0";
  }
}

// Bytes in the shortest exact form: 4096 -> "4k", 1536 -> "1536".
inline std::string format_size(int64_t bytes) {
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

// What the option accepts, for messages and help: "0..10000000", "4k..1m",
// "1/0, true/false, yes/no, on/off", "fast, slow", "any text".
inline std::string option_accepted_text(const iop_option_desc& opt) {
  switch (opt.type) {
    case IOP_OPT_BOOL: return "1/0, true/false, yes/no, on/off";
    case IOP_OPT_INT:
    case IOP_OPT_SIZE: {
      const OptionRange r = option_range(opt);
      if (opt.type == IOP_OPT_SIZE) return format_size(r.min) + ".." + format_size(r.max);
      return std::to_string(r.min) + ".." + std::to_string(r.max);
    }
    case IOP_OPT_ENUM: {
      std::string text;
      for (const char* const* c = opt.choices; c != nullptr && *c != nullptr; ++c) {
        text += (text.empty() ? "" : ", ") + std::string(*c);
      }
      return text;
    }
    default: return "any text";
  }
}

inline bool equals_ignore_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t k = 0; k < a.size(); ++k) {
    char x = a[k], y = b[k];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

// The multiplier of a size suffix ("", "b", "k", "KiB", "g", ...), or 0 when
// it is not one.
inline int64_t size_suffix_multiplier(std::string_view suffix) {
  if (suffix.empty() || equals_ignore_case(suffix, "b")) return 1;
  int shift = 0;
  switch (suffix[0] | 0x20) {
    case 'k': shift = 10; break;
    case 'm': shift = 20; break;
    case 'g': shift = 30; break;
    case 't': shift = 40; break;
    default: return 0;
  }
  const std::string_view rest = suffix.substr(1);
  if (rest.empty() || equals_ignore_case(rest, "b") || equals_ignore_case(rest, "ib")) {
    return int64_t{1} << shift;
  }
  return 0;
}

// A value in the form an engine receives it: `s` holds the text for STRING
// and the choice name for ENUM, and is empty otherwise.
struct ParsedOptionValue {
  int64_t i = 0;
  std::string s;
};

// Parses `text` as `opt`'s type and checks its range or choices.  Returns
// std::nullopt and fills *out on success; otherwise the reason, naming the
// text and what is accepted: "'abc' is not an integer; accepted: 0..100".
inline std::optional<std::string> parse_option_text(const iop_option_desc& opt,
                                                    std::string_view text,
                                                    ParsedOptionValue* out) {
  const auto quoted = [](std::string_view t) { return "'" + std::string(t) + "'"; };
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
      // INT: [+-]digits.  SIZE: digits[suffix].
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
          const int64_t mult = size_suffix_multiplier(std::string_view(end, static_cast<size_t>(last - end)));
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

// ---------------------------------------------------------------------------
// The descriptor and its option table
// ---------------------------------------------------------------------------

// "" when one option descriptor is well formed: reserved fields 0, a known
// type, an enum with distinct non-empty choices, a range that is not empty
// (a size range not below 0), a default that parses as its type.  The name
// is checked by check_option_table().
inline std::string check_option(const iop_option_desc& opt) {
  if (opt.reserved[0] != 0 || opt.reserved[1] != 0) return "reserved fields are not 0";
  if (option_type_name(opt.type) == nullptr) return "unknown type " + std::to_string(opt.type);
  if (opt.type == IOP_OPT_ENUM) {
    if (opt.choices == nullptr || opt.choices[0] == nullptr) return "enum has no choices";
    std::set<std::string_view> seen;
    for (const char* const* c = opt.choices; *c != nullptr; ++c) {
      if (**c == '\0') return "enum has an empty choice";
      if (!seen.insert(*c).second) return "enum choice '" + std::string(*c) + "' appears twice";
    }
  }
  if (opt.type == IOP_OPT_INT || opt.type == IOP_OPT_SIZE) {
    const OptionRange r = option_range(opt);
    if (r.min > r.max) {
      return "range " + std::to_string(r.min) + ".." + std::to_string(r.max) + " is empty";
    }
    if (opt.type == IOP_OPT_SIZE && r.min < 0) return "size range starts below 0";
  }
  ParsedOptionValue value;
  if (auto why = parse_option_text(opt, option_default_text(opt), &value)) return "default " + *why;
  return "";
}

// "" when the (copied) option table is well formed: names valid and unique,
// every option well formed.
inline std::string check_option_table(const iop_engine_desc& d) {
  if (d.num_options > 0 && d.options == nullptr) {
    return "num_options is " + std::to_string(d.num_options) + " but options is NULL";
  }
  std::set<std::string_view> names;
  for (uint32_t k = 0; k < d.num_options; ++k) {
    const iop_option_desc& opt = d.options[k];
    if (!is_option_name(opt.name)) {
      return "option " + std::to_string(k) + ": name '" +
             (opt.name != nullptr ? opt.name : "(null)") + "' is not [a-z0-9][a-z0-9-]*";
    }
    if (!names.insert(opt.name).second) {
      return "option '" + std::string(opt.name) + "' is declared twice";
    }
    if (std::string why = check_option(opt); !why.empty()) {
      return "option '" + std::string(opt.name) + "': " + why;
    }
  }
  return "";
}

// The optional functions, each with the capability that announces it.
struct OptionalFunction {
  uint64_t cap;
  const char* function;  // "completion_fd()"
  bool present;
};

inline std::vector<OptionalFunction> optional_functions(const iop_engine_desc& d) {
  return {
      {IOP_CAP_REGISTERED_BUFFERS, "register_buffers()", d.register_buffers != nullptr},
      {IOP_CAP_COMPLETION_FD, "completion_fd()", d.completion_fd != nullptr},
      {IOP_CAP_ENGINE_BUFFERS, "alloc_buffer()", d.alloc_buffer != nullptr},
      {IOP_CAP_ENGINE_BUFFERS, "free_buffer()", d.free_buffer != nullptr},
      {IOP_CAP_CONTROL, "control()", d.control != nullptr},
      {IOP_CAP_ERROR_TEXT, "error_text()", d.error_text != nullptr},
      {IOP_CAP_REPORT, "report()", d.report != nullptr},
  };
}

// The largest min_buf_align a host honours: a huge page.  Each IO buffer is
// rounded up to the alignment, so a larger one would cost memory without
// bound (queue depth x alignment) for no device that needs it.
inline constexpr uint32_t kMaxBufAlign = 2u << 20;

// "" when a (copied) descriptor is one the host can use: name [a-z0-9_]+;
// every required function; every required capability known; each optional
// function present exactly when its capability is declared;
// max_queue_depth >= 1; min_buf_align 0 or a power of two up to kMaxBufAlign; the option table
// well formed.  Unknown informational capability bits are not an error here
// (a host ignores them); see check_descriptor_quality().
inline std::string check_descriptor(const iop_engine_desc& d, const char* who) {
  if (!is_engine_name(d.name)) {
    return d.name == nullptr ? std::string("engine has no name")
                             : "engine name '" + std::string(d.name) +
                                   "' is not made of [a-z0-9_] only";
  }
  const struct {
    const char* what;
    bool present;
  } required[] = {
      {"create", d.create != nullptr},       {"destroy", d.destroy != nullptr},
      {"open_file", d.open_file != nullptr}, {"close_file", d.close_file != nullptr},
      {"submit", d.submit != nullptr},       {"reap", d.reap != nullptr},
  };
  for (const auto& fn : required) {
    if (!fn.present) return std::string("required function ") + fn.what + "() is missing";
  }
  if (const uint64_t unknown = d.required_caps & ~IOP_REQ_KNOWN_2_0; unknown != 0) {
    std::string text = "requires capability bits " + hex_text(unknown) + " that " + who +
                       " (ABI " + version_text(IOP_ABI_MAJOR, IOP_ABI_MINOR) +
                       ") does not know";
    if (d.abi_minor > IOP_ABI_MINOR) {
      text += "; it needs an iopulse of ABI " + version_text(d.abi_major, d.abi_minor) +
              " or newer";
    }
    return text;
  }
  for (const OptionalFunction& f : optional_functions(d)) {
    const bool declared = (d.caps & f.cap) != 0;
    if (declared && !f.present) {
      return "declares " + capability_name(f.cap) + " but " + f.function + " is missing";
    }
    if (!declared && f.present) {
      return std::string("provides ") + f.function + " but does not declare " +
             capability_name(f.cap);
    }
  }
  if (d.max_queue_depth < 1) return "max_queue_depth is 0";
  if ((d.min_buf_align & (d.min_buf_align - 1)) != 0) {
    return "min_buf_align " + std::to_string(d.min_buf_align) + " is not a power of two";
  }
  if (d.min_buf_align > kMaxBufAlign) {
    return "min_buf_align " + std::to_string(d.min_buf_align) +
           " is more than 2 MiB (a huge page), the most a host aligns IO buffers to";
  }
  return check_option_table(d);
}

// What a checker holds an engine to beyond what a host needs: a version, a
// description, help text for every option, reserved fields 0, no
// informational capability bit its own ABI minor does not define, and
// capabilities that make sense together.
inline std::string check_descriptor_quality(const iop_engine_desc& d) {
  if (d.version == nullptr || d.version[0] == '\0') return "version is NULL or empty";
  if (d.description == nullptr || d.description[0] == '\0') return "description is NULL or empty";
  if (d.reserved0 != 0 || d.reserved1 != 0) return "reserved0/reserved1 are not 0";
  for (uint32_t k = 0; k < d.num_options; ++k) {
    if (d.options[k].help == nullptr || d.options[k].help[0] == '\0') {
      return "option '" + std::string(d.options[k].name) + "' has no help text";
    }
  }
  if (d.abi_minor <= IOP_ABI_MINOR) {
    const uint64_t known = d.abi_minor == 0 ? IOP_CAP_KNOWN_2_0 : IOP_CAP_KNOWN_2_1;
    if (const uint64_t unknown = d.caps & ~known; unknown != 0) {
      return "capability bits " + hex_text(unknown) + " are not defined by ABI " +
             version_text(d.abi_major, d.abi_minor);
    }
  }
  if ((d.caps & IOP_CAP_STORES_DATA) != 0 && (d.required_caps & IOP_REQ_DISKLESS) == 0) {
    return "declares stores-data without diskless (an engine with files stores its data in "
           "them)";
  }
  return "";
}

// ---------------------------------------------------------------------------
// The instance report
// ---------------------------------------------------------------------------

// "" when a report() result is well formed: its capabilities a subset of
// the descriptor's, every setting with a valid name and a one-line value,
// no name twice.
inline std::string check_report(const iop_engine_desc& d, const iop_instance_report& r) {
  if (const uint64_t extra = r.caps & ~d.caps; extra != 0) {
    return "reports capabilities the descriptor does not declare: " +
           bits_text(extra, capability_table());
  }
  for (uint64_t v : r.reserved) {
    if (v != 0) return "reserved fields are not 0";
  }
  if (r.num_settings > 0 && r.settings == nullptr) {
    return "num_settings is " + std::to_string(r.num_settings) + " but settings is NULL";
  }
  std::set<std::string_view> names;
  for (uint32_t k = 0; k < r.num_settings; ++k) {
    const iop_setting& s = r.settings[k];
    if (!is_setting_name(s.name)) {
      return "setting " + std::to_string(k) + ": name '" + (s.name != nullptr ? s.name : "(null)") +
             "' is not [a-z0-9][a-z0-9_-]*";
    }
    if (!names.insert(s.name).second) return "setting '" + std::string(s.name) + "' appears twice";
    if (s.value == nullptr) return "setting '" + std::string(s.name) + "' has no value";
    if (std::strchr(s.value, '\n') != nullptr) {
      return "setting '" + std::string(s.name) + "' is more than one line";
    }
  }
  return "";
}

}  // namespace iop::rules

#endif  // IOPULSE_ENGINE_RULES_HPP
