// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "plugin/engine_library.h"

#include <dlfcn.h>

#include <string>
#include <system_error>
#include <type_traits>

#include <boost/dll/shared_library.hpp>
#include <spdlog/spdlog.h>

#include "iopulse/version.h"
#include "plugin/plugin_error.h"

namespace iopulse {

namespace {

namespace fs = std::filesystem;

// How the loader names itself in messages about versions and capabilities.
constexpr const char* kWho = "this iopulse";

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

}  // namespace

std::unique_ptr<EngineLibrary> EngineLibrary::load(const fs::path& path) {
  std::error_code ec;
  const fs::path resolved = fs::canonical(path, ec);
  if (ec) fail(path, "cannot open: " + ec.message());
  if (!fs::is_regular_file(resolved, ec)) fail(path, "not a regular file");

  if (std::string why = dlopen_failure(resolved); !why.empty()) fail(path, "cannot load: " + why);
  std::unique_ptr<EngineLibrary> self(new EngineLibrary(resolved));
  self->lib_ = std::make_unique<boost::dll::shared_library>();
  boost::dll::fs::error_code load_ec;
  self->lib_->load(resolved, boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local,
                   load_ec);
  if (load_ec) fail(path, "cannot load: " + load_ec.message());

  if (!self->lib_->has(IOP_ENTRY_SYMBOL)) {
    fail(path, std::string("no entry function ") + IOP_ENTRY_SYMBOL +
                   " (not an IOPulse engine)");
  }
  auto& entry = self->lib_->get<std::remove_pointer_t<iop_engine_entry_fn>>(IOP_ENTRY_SYMBOL);

  iop::rules::EntryResult called;
  try {
    called = iop::rules::call_entry(&entry, &kHostInfo);
  } catch (...) {
    fail(path, "entry function threw an exception");
  }
  if (called.rc != 0 && !called.probed) {
    if (called.rc == -EPROTO) {
      fail(path, std::string("entry function refused ") + kWho + " (ABI " +
                     iop::rules::version_text(IOP_ABI_MAJOR, IOP_ABI_MINOR) +
                     ", " + iop::rules::errno_message(called.rc) +
                     "): the engine was built for another ABI major; rebuild it against the "
                     "IOPulse SDK of ABI " + std::to_string(IOP_ABI_MAJOR));
    }
    fail(path, "entry function failed: " + iop::rules::errno_message(called.rc));
  }
  if (called.desc == nullptr) fail(path, "entry function returned no descriptor");

  // The frozen prefix: the same layout in every ABI major.
  const iop_engine_desc& raw = *called.desc;
  if (std::string why = iop::rules::check_prefix(raw, kWho); !why.empty()) fail(path, why);
  if (called.probed) {
    // An engine of this major that refuses this host: cannot happen with a
    // well-formed engine, but must not be used.
    fail(path, "entry function refused this iopulse (" + iop::rules::errno_message(called.rc) + ")");
  }

  // Members an older engine does not know read as zero/NULL.
  if (std::string why = iop::rules::copy_descriptor(raw, &self->copy_); !why.empty()) {
    fail(path, iop::rules::is_engine_name(raw.name) ? "engine " + std::string(raw.name) + ": " + why
                                                    : why);
  }
  iop_engine_desc& d = self->copy_.desc;
  if (std::string why = iop::rules::check_descriptor(d, kWho); !why.empty()) {
    fail(path, iop::rules::is_engine_name(d.name) ? "engine " + std::string(d.name) + ": " + why
                                                  : why);
  }
  // A host ignores informational bits it does not know (a newer minor's).
  if (const uint64_t unknown = d.caps & ~IOP_CAP_KNOWN_2_1; unknown != 0) {
    spdlog::debug("engine {}: ignoring capability bits {} this iopulse does not know", d.name,
                  iop::rules::hex_text(unknown));
    d.caps &= IOP_CAP_KNOWN_2_1;
  }
  return self;
}

EngineLibrary::EngineLibrary(fs::path path) : path_(std::move(path)) {}

EngineLibrary::~EngineLibrary() = default;

std::string EngineLibrary::abi_string() const {
  return iop::rules::version_text(copy_.desc.abi_major, copy_.desc.abi_minor);
}

}  // namespace iopulse
