// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "plugin/engine_library.h"

#include <dlfcn.h>

#include <algorithm>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <set>
#include <system_error>
#include <type_traits>

#include <boost/dll/shared_library.hpp>
#include <spdlog/spdlog.h>

#include "iopulse/version.h"
#include "plugin/option_text.h"
#include "plugin/plugin_error.h"

namespace iopulse {

namespace {

namespace fs = std::filesystem;

// Everything up to and including `name`: readable in every ABI major.
constexpr size_t kFrozenPrefixSize = offsetof(iop_engine_desc, name) + sizeof(const char*);

// Forwards an engine's log line to spdlog.  Called by plugin code through a
// C function pointer, so it must never throw.
void host_log(void* /*log_ctx*/, int32_t level, const char* engine, const char* message) {
  if (message == nullptr) return;
  try {
    const char* who = engine != nullptr ? engine : "engine";
    const spdlog::level::level_enum lvl = level <= IOP_LOG_DEBUG  ? spdlog::level::debug
                                          : level == IOP_LOG_INFO ? spdlog::level::info
                                          : level == IOP_LOG_WARN ? spdlog::level::warn
                                                                  : spdlog::level::err;
    spdlog::log(lvl, "{}: {}", who, message);
  } catch (...) {
  }
}

// Handed to every engine; lives until the process exits, as the ABI promises.
const iop_host_info kHostInfo = {
    sizeof(iop_host_info), IOP_ABI_MAJOR, IOP_ABI_MINOR, IOPULSE_VERSION, &host_log, nullptr,
};

[[noreturn]] void fail(const fs::path& path, const std::string& reason) {
  throw PluginError("plugin " + path.string() + ": " + reason);
}

std::string errno_text(int32_t rc) {
  if (rc < 0) return std::error_code(-rc, std::generic_category()).message();
  return "returned " + std::to_string(rc);
}

std::string version_text(unsigned major, unsigned minor) {
  return std::to_string(major) + "." + std::to_string(minor);
}

bool is_engine_name(const char* s) {
  if (s == nullptr || *s == '\0') return false;
  for (; *s != '\0'; ++s) {
    const char c = *s;
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

bool is_option_name(const char* s) {
  if (s == nullptr) return false;
  const auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (!alnum(s[0])) return false;
  for (++s; *s != '\0'; ++s) {
    if (!alnum(*s) && *s != '-') return false;
  }
  return true;
}

// Loads `path` with dlopen() only to learn why it cannot be loaded: Boost.DLL
// reports every dlopen() failure as "Bad file descriptor".  Returns the
// dlerror() text without the path it starts with, or "" when it loads (the
// probe handle is closed again; Boost.DLL's own dlopen() then finds the
// object already mapped).
std::string dlopen_failure(const fs::path& path) {
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle != nullptr) {
    dlclose(handle);
    return "";
  }
  const char* err = dlerror();
  std::string text = err != nullptr ? err : "dlopen failed";
  const std::string prefix = path.string() + ": ";
  if (text.compare(0, prefix.size(), prefix) == 0) text.erase(0, prefix.size());
  return text;
}

// Returns "" when the option is well formed, else the reason.
std::string check_option(const iop_option_desc& opt) {
  if (opt.reserved0 != 0 || opt.reserved[0] != 0 || opt.reserved[1] != 0) {
    return "reserved fields are not 0";
  }
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
  if (auto why = parse_option_text(opt, option_default_text(opt), &value)) {
    return "default " + *why;
  }
  return "";
}

// Returns "" when the copied descriptor is acceptable, else the reason.
std::string check_desc(const iop_engine_desc& d) {
  if (!is_engine_name(d.name)) {
    return d.name == nullptr ? std::string("engine has no name")
                             : "engine name '" + std::string(d.name) +
                                   "' is not made of [a-z0-9_] only";
  }
  const std::string engine = "engine " + std::string(d.name) + ": ";
  const struct {
    const char* what;
    bool present;
  } required[] = {
      {"create", d.create != nullptr},         {"destroy", d.destroy != nullptr},
      {"open_file", d.open_file != nullptr},   {"close_file", d.close_file != nullptr},
      {"submit", d.submit != nullptr},         {"reap", d.reap != nullptr},
  };
  for (const auto& fn : required) {
    if (!fn.present) return engine + "required function " + fn.what + "() is missing";
  }
  if (const uint64_t unknown = d.caps & ~IOP_CAP_KNOWN_V1; unknown != 0) {
    char hex[32];
    snprintf(hex, sizeof hex, "0x%llx", static_cast<unsigned long long>(unknown));
    return engine + "unknown capability bits " + hex + " (this iopulse knows ABI " +
           version_text(IOP_ABI_MAJOR, IOP_ABI_MINOR) + ")";
  }
  const bool has_regbuf_cap = (d.caps & IOP_CAP_REGISTERED_BUFFERS) != 0;
  if (has_regbuf_cap && d.register_buffers == nullptr) {
    return engine + "declares registered-buffers but register_buffers() is missing";
  }
  if (!has_regbuf_cap && d.register_buffers != nullptr) {
    return engine + "provides register_buffers() but does not declare registered-buffers";
  }
  if (d.max_queue_depth < 1) return engine + "max_queue_depth is 0";
  if ((d.min_buf_align & (d.min_buf_align - 1)) != 0) {
    return engine + "min_buf_align " + std::to_string(d.min_buf_align) +
           " is not a power of two";
  }
  if (d.num_options > 0 && d.options == nullptr) {
    return engine + "num_options is " + std::to_string(d.num_options) + " but options is NULL";
  }
  std::set<std::string_view> names;
  for (uint32_t k = 0; k < d.num_options; ++k) {
    const iop_option_desc& opt = d.options[k];
    if (!is_option_name(opt.name)) {
      return engine + "option " + std::to_string(k) + ": name '" +
             (opt.name != nullptr ? opt.name : "(null)") + "' is not [a-z0-9][a-z0-9-]*";
    }
    if (!names.insert(opt.name).second) {
      return engine + "option '" + opt.name + "' is declared twice";
    }
    if (std::string why = check_option(opt); !why.empty()) {
      return engine + "option '" + opt.name + "': " + why;
    }
  }
  return "";
}

}  // namespace

std::unique_ptr<EngineLibrary> EngineLibrary::load(const fs::path& path) {
  std::error_code ec;
  const fs::path resolved = fs::canonical(path, ec);
  if (ec) fail(path, "cannot open: " + ec.message());
  if (!fs::is_regular_file(resolved, ec)) fail(path, "not a regular file");

  if (std::string why = dlopen_failure(resolved); !why.empty()) fail(path, "cannot load: " + why);
  auto lib = std::make_unique<boost::dll::shared_library>();
  boost::dll::fs::error_code load_ec;
  lib->load(resolved, boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local,
            load_ec);
  if (load_ec) fail(path, "cannot load: " + load_ec.message());

  if (!lib->has(IOP_ENTRY_SYMBOL)) {
    fail(path, std::string("no entry function ") + IOP_ENTRY_SYMBOL +
                   " (not an IOPulse engine)");
  }
  auto& entry = lib->get<std::remove_pointer_t<iop_engine_entry_fn>>(IOP_ENTRY_SYMBOL);

  const iop_engine_desc* raw = nullptr;
  int32_t rc = 0;
  try {
    rc = entry(&kHostInfo, &raw);
  } catch (...) {
    fail(path, "entry function threw an exception");
  }
  if (rc != 0) fail(path, "entry function failed: " + errno_text(rc));
  if (raw == nullptr) fail(path, "entry function returned no descriptor");

  // The frozen prefix: the same layout in every ABI major.
  if (raw->struct_size < kFrozenPrefixSize) {
    fail(path, "descriptor struct_size " + std::to_string(raw->struct_size) +
                   " is smaller than the frozen prefix (" + std::to_string(kFrozenPrefixSize) +
                   " bytes)");
  }
  const std::string host_abi = version_text(IOP_ABI_MAJOR, IOP_ABI_MINOR);
  if (raw->abi_major != IOP_ABI_MAJOR) {
    fail(path, "engine ABI " + version_text(raw->abi_major, raw->abi_minor) +
                   " is not supported by this iopulse (ABI " + host_abi + ")");
  }
  if (raw->min_host_abi_minor > IOP_ABI_MINOR) {
    fail(path, "engine needs iopulse ABI " + version_text(IOP_ABI_MAJOR, raw->min_host_abi_minor) +
                   " or newer (this iopulse has ABI " + host_abi + ")");
  }

  // Members an older engine does not know read as zero/NULL.
  iop_engine_desc desc;
  std::memset(&desc, 0, sizeof desc);
  std::memcpy(&desc, raw, std::min<size_t>(raw->struct_size, sizeof desc));
  if (std::string why = check_desc(desc); !why.empty()) fail(path, why);

  return std::unique_ptr<EngineLibrary>(new EngineLibrary(resolved, std::move(lib), desc));
}

EngineLibrary::EngineLibrary(fs::path path, std::unique_ptr<boost::dll::shared_library> lib,
                             const iop_engine_desc& desc)
    : path_(std::move(path)), lib_(std::move(lib)), desc_(desc) {}

EngineLibrary::~EngineLibrary() = default;

std::string EngineLibrary::abi_string() const {
  return version_text(desc_.abi_major, desc_.abi_minor);
}

}  // namespace iopulse
