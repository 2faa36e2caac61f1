// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// EngineLibrary: one loaded engine plugin.
//
// load() resolves the path, loads the shared object (RTLD_NOW | RTLD_LOCAL),
// calls its entry function with the host's iop_host_info, checks the frozen
// prefix of the descriptor it returns, copies the descriptor (and its option
// table) into zeroed structs of this host's size and validates the copy, all
// with the rules of iopulse/engine_rules.hpp that iopulse-engine-check
// applies too.  Every failure is a PluginError with one line
// "plugin <path>: <reason>"; an engine built for another ABI major is told
// apart from a broken one and the line names both versions and what to
// rebuild against.
//
// Invariants of a loaded EngineLibrary:
//   - desc() is the validated copy (iop::rules::check_descriptor): name
//     matches [a-z0-9_]+; the required functions are non-NULL; each optional
//     function is present exactly when its capability is declared;
//     required_caps has no bit outside IOP_REQ_KNOWN_2_0; max_queue_depth >=
//     1; min_buf_align is 0 or a power of two; every option is well formed.
//   - caps() holds only the informational bits this host knows: others (an
//     engine of a newer minor) are dropped, as the ABI says a host ignores
//     them.
//   - desc().options points at this object's copy of the option table, in
//     this host's layout; the strings it points to belong to the plugin and
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
#include "iopulse/engine_rules.hpp"

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
  const iop_engine_desc& desc() const { return copy_.desc; }

  std::string_view name() const { return copy_.desc.name; }
  // The engine's own version; "" when the engine does not state one.
  std::string_view version() const {
    return copy_.desc.version != nullptr ? copy_.desc.version : "";
  }
  // The engine's one-line description; "" when it has none.
  std::string_view description() const {
    return copy_.desc.description != nullptr ? copy_.desc.description : "";
  }
  // The ABI the engine was built with, e.g. "2.0".
  std::string abi_string() const;
  // Informational capabilities (IOP_CAP_*) this host knows.
  uint64_t caps() const { return copy_.desc.caps; }
  bool has_cap(uint64_t cap) const { return (copy_.desc.caps & cap) == cap; }
  // Required capabilities (IOP_REQ_*).
  uint64_t required_caps() const { return copy_.desc.required_caps; }
  bool requires_cap(uint64_t req) const { return (copy_.desc.required_caps & req) == req; }
  // IOP_REQ_DISKLESS: the host neither creates nor opens target files.
  bool diskless() const { return requires_cap(IOP_REQ_DISKLESS); }

 private:
  explicit EngineLibrary(std::filesystem::path path);

  std::filesystem::path path_;
  std::unique_ptr<boost::dll::shared_library> lib_;  // owns the loaded object
  iop::rules::DescriptorCopy copy_;
};

}  // namespace iopulse

#endif  // IOPULSE_PLUGIN_ENGINE_LIBRARY_H_
