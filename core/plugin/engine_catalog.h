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

// The names of the informational capability bits set in `caps`, in bit
// order (see iop::rules::capability_table(): async, batch-submit, ...,
// report, then the metadata ops mkdir ... list).  Unknown bits are left out.
std::vector<std::string> capability_names(uint64_t caps);

// The names of the required capability bits set in `required_caps`
// (diskless, opens-by-path).
std::vector<std::string> required_capability_names(uint64_t required_caps);

// One block per engine in search order: name, engine version, ABI version,
// description, capabilities (data-plane ones, then metadata ops), required
// capabilities, max queue depth and the path it was loaded from; or a line
// saying none were found and where the registry looked.
std::string format_engine_list(const EngineRegistry& registry);

// The engine's description, capabilities and limits as in the list, then
// each option as --<engine>.<name>=<TYPE> with its help, default and range
// or choices.
std::string format_engine_help(const EngineLibrary& lib);

}  // namespace iopulse

#endif  // IOPULSE_PLUGIN_ENGINE_CATALOG_H_
