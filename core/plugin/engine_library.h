// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// EngineLibrary: one loaded engine plugin.
//
// load() resolves the path, loads the shared object (RTLD_NOW | RTLD_LOCAL),
// calls its entry function once with the host's iop_host_info, checks the
// frozen prefix of the descriptor it returns, copies the descriptor into a
// zeroed iop_engine_desc of this host's size and validates the copy.  Every
// failure is a PluginError with one line "plugin <path>: <reason>".
//
// Invariants of a loaded EngineLibrary:
//   - desc() is the validated copy: name matches [a-z0-9_]+; create,
//     destroy, open_file, close_file, submit and reap are non-NULL;
//     register_buffers is non-NULL exactly when IOP_CAP_REGISTERED_BUFFERS
//     is set; caps has no bit outside IOP_CAP_KNOWN_V1; max_queue_depth >= 1;
//     min_buf_align is 0 or a power of two; every option has a unique name
//     matching [a-z0-9][a-z0-9-]*, a known type, choices if it is an ENUM, a
//     range with min <= max, and a default that parses as its type.
//   - The strings and option table desc() points to belong to the plugin and
//     stay valid while the library is loaded, which is for the life of this
//     object.  Destroying it unloads the library, so every engine instance
//     and every pointer into desc() must be gone first; the EngineRegistry
//     keeps its libraries for the life of the process.
//
// Not copyable or movable (desc() pointers are handed out).  The accessors
// are safe to call from any thread.
#ifndef IOPULSE_PLUGIN_ENGINE_LIBRARY_H_
#define IOPULSE_PLUGIN_ENGINE_LIBRARY_H_

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "iopulse/engine.h"

namespace boost::dll {
class shared_library;
}

namespace iopulse {

class EngineLibrary {
 public:
  // Loads and validates the plugin at `path`.  Throws PluginError.
  static std::unique_ptr<EngineLibrary> load(const std::filesystem::path& path);

  ~EngineLibrary();
  EngineLibrary(const EngineLibrary&) = delete;
  EngineLibrary& operator=(const EngineLibrary&) = delete;

  // The canonical absolute path the library was loaded from.
  const std::filesystem::path& path() const { return path_; }
  // The validated descriptor (see the invariants above).
  const iop_engine_desc& desc() const { return desc_; }

  std::string_view name() const { return desc_.name; }
  // The engine's own version; "" when the engine does not state one.
  std::string_view version() const { return desc_.version != nullptr ? desc_.version : ""; }
  // The engine's one-line description; "" when it has none.
  std::string_view description() const {
    return desc_.description != nullptr ? desc_.description : "";
  }
  // The ABI the engine was built with, e.g. "1.0".
  std::string abi_string() const;
  uint64_t caps() const { return desc_.caps; }
  bool has_cap(uint64_t cap) const { return (desc_.caps & cap) == cap; }

 private:
  EngineLibrary(std::filesystem::path path, std::unique_ptr<boost::dll::shared_library> lib,
                const iop_engine_desc& desc);

  std::filesystem::path path_;
  std::unique_ptr<boost::dll::shared_library> lib_;  // owns the loaded object
  iop_engine_desc desc_;
};

}  // namespace iopulse

#endif  // IOPULSE_PLUGIN_ENGINE_LIBRARY_H_
