// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// What `iopulse --list-engines` and `iopulse --engine-help NAME` print: the
// engines a registry holds and one engine's options, as plain text.
#ifndef IOPULSE_PLUGIN_ENGINE_CATALOG_H_
#define IOPULSE_PLUGIN_ENGINE_CATALOG_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace iopulse {

class EngineLibrary;
class EngineRegistry;

// The names of the capability bits set in `caps`, in bit order: async,
// batch-submit, registered-buffers, fixed-files, polled, fsync, fdatasync,
// trim, opens-by-path, memory-mapped, direct, diskless.  Unknown bits are
// left out (a loaded engine has none).
std::vector<std::string_view> capability_names(uint64_t caps);

// One block per engine in search order: name, engine version, ABI version,
// description, capabilities, max queue depth and the path it was loaded
// from; or a line saying none were found and where the registry looked.
std::string format_engine_list(const EngineRegistry& registry);

// The engine's description, capabilities and limits, then each option as
// --<engine>.<name>=<TYPE> with its help, default and range or choices.
std::string format_engine_help(const EngineLibrary& lib);

}  // namespace iopulse

#endif  // IOPULSE_PLUGIN_ENGINE_CATALOG_H_
