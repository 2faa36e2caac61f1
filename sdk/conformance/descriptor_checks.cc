// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "descriptor_checks.h"

#include <set>

#include "check.h"
#include "option_values.h"

namespace iopcheck {
namespace {

bool is_engine_name(const char* s) {
  if (s == nullptr || *s == '\0') return false;
  for (; *s != '\0'; ++s) {
    if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_')) return false;
  }
  return true;
}

}  // namespace

std::string caps_text(uint64_t caps) {
  static const struct {
    uint64_t bit;
    const char* name;
  } kCaps[] = {
      {IOP_CAP_ASYNC, "ASYNC"},
      {IOP_CAP_BATCH_SUBMIT, "BATCH_SUBMIT"},
      {IOP_CAP_REGISTERED_BUFFERS, "REGISTERED_BUFFERS"},
      {IOP_CAP_FIXED_FILES, "FIXED_FILES"},
      {IOP_CAP_POLLED, "POLLED"},
      {IOP_CAP_FSYNC, "FSYNC"},
      {IOP_CAP_FDATASYNC, "FDATASYNC"},
      {IOP_CAP_TRIM, "TRIM"},
      {IOP_CAP_OPENS_BY_PATH, "OPENS_BY_PATH"},
      {IOP_CAP_MEMORY_MAPPED, "MEMORY_MAPPED"},
      {IOP_CAP_DIRECT, "DIRECT"},
      {IOP_CAP_DISKLESS, "DISKLESS"},
  };
  std::string text;
  for (const auto& c : kCaps) {
    if ((caps & c.bit) == 0) continue;
    text += (text.empty() ? "" : "|") + std::string(c.name);
    caps &= ~c.bit;
  }
  if (caps != 0) {
    text += (text.empty() ? "" : "|") +
            strf("0x%llx", static_cast<unsigned long long>(caps));
  }
  return text.empty() ? "none" : text;
}

std::string check_descriptor(const iop_engine_desc& d) {
  if (!is_engine_name(d.name)) {
    return d.name == nullptr ? "name is NULL"
                             : "name '" + std::string(d.name) + "' is not [a-z0-9_]+";
  }
  if (d.version == nullptr || d.version[0] == '\0') return "version is NULL or empty";
  if (d.description == nullptr || d.description[0] == '\0') {
    return "description is NULL or empty";
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
    if (!fn.present) return std::string("required function ") + fn.what + "() is NULL";
  }
  if (const uint64_t unknown = d.caps & ~IOP_CAP_KNOWN_V1; unknown != 0) {
    return strf("capability bits 0x%llx are not defined by ABI %u.%u",
                static_cast<unsigned long long>(unknown), IOP_ABI_MAJOR, IOP_ABI_MINOR);
  }
  const bool regbuf = (d.caps & IOP_CAP_REGISTERED_BUFFERS) != 0;
  if (regbuf && d.register_buffers == nullptr) {
    return "declares IOP_CAP_REGISTERED_BUFFERS but register_buffers() is NULL";
  }
  if (!regbuf && d.register_buffers != nullptr) {
    return "provides register_buffers() but does not declare IOP_CAP_REGISTERED_BUFFERS";
  }
  if (d.max_queue_depth < 1) return "max_queue_depth is 0";
  if ((d.min_buf_align & (d.min_buf_align - 1)) != 0) {
    return strf("min_buf_align %u is not a power of two", d.min_buf_align);
  }
  return "";
}

std::string check_option_table(const iop_engine_desc& d) {
  if (d.num_options > 0 && d.options == nullptr) {
    return strf("num_options is %u but options is NULL", d.num_options);
  }
  std::set<std::string> names;
  for (uint32_t k = 0; k < d.num_options; ++k) {
    const iop_option_desc& opt = d.options[k];
    if (opt.name != nullptr && !names.insert(opt.name).second) {
      return "option '" + std::string(opt.name) + "' is declared twice";
    }
    const std::string why = check_option_desc(opt);
    if (!why.empty()) {
      return strf("option %u (%s): %s", k, opt.name != nullptr ? opt.name : "(null)", why.c_str());
    }
  }
  return "";
}

}  // namespace iopcheck
