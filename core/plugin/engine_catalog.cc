// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "plugin/engine_catalog.h"

#include "iopulse/engine.h"
#include "iopulse/engine_rules.hpp"
#include "plugin/engine_library.h"
#include "plugin/engine_registry.h"
#include "plugin/name_list.h"

namespace iopulse {

namespace {

// The header both outputs share: "<name> <version> (ABI x.y)".
std::string title(const EngineLibrary& lib) {
  std::string text(lib.name());
  if (!lib.version().empty()) text += " " + std::string(lib.version());
  return text + " (ABI " + lib.abi_string() + ")";
}

std::string limits(const EngineLibrary& lib, const char* indent) {
  std::string text;
  text += indent + std::string("capabilities: ") +
          name_list(capability_names(lib.caps() & ~IOP_CAP_META_ALL)) + "\n";
  if ((lib.caps() & IOP_CAP_META_ALL) != 0) {
    text += indent + std::string("metadata ops: ") +
            name_list(capability_names(lib.caps() & IOP_CAP_META_ALL)) + "\n";
  }
  text += indent + std::string("requires: ") +
          name_list(required_capability_names(lib.required_caps())) + "\n";
  text += indent + std::string("max queue depth: ") + std::to_string(lib.desc().max_queue_depth) +
          "\n";
  if (lib.desc().min_buf_align != 0) {
    text += indent + std::string("buffer alignment: ") +
            std::to_string(lib.desc().min_buf_align) + "\n";
  }
  text += indent + std::string("path: ") + lib.path().string() + "\n";
  return text;
}

// The default as help shows it: booleans as true/false, sizes with suffix.
std::string shown_default(const iop_option_desc& opt) {
  iop::rules::ParsedOptionValue value;
  const std::string text = iop::rules::option_default_text(opt);
  if (iop::rules::parse_option_text(opt, text, &value)) return text;  // cannot happen once loaded
  switch (opt.type) {
    case IOP_OPT_BOOL: return value.i != 0 ? "true" : "false";
    case IOP_OPT_SIZE: return iop::rules::format_size(value.i);
    case IOP_OPT_STRING: return "\"" + text + "\"";
    default: return text;
  }
}

}  // namespace

std::vector<std::string> capability_names(uint64_t caps) {
  return iop::rules::bit_names(caps, iop::rules::capability_table());
}

std::vector<std::string> required_capability_names(uint64_t required_caps) {
  return iop::rules::bit_names(required_caps, iop::rules::required_capability_table());
}

std::string format_engine_list(const EngineRegistry& registry) {
  std::string text;
  if (registry.engines().empty()) {
    std::string dirs;
    for (const auto& dir : registry.searched_dirs()) dirs += (dirs.empty() ? "" : ", ") + dir;
    text = "no engines found; directories searched: " + (dirs.empty() ? "none" : dirs) + "\n";
  }
  for (const EngineLibrary* lib : registry.engines()) {
    if (!text.empty()) text += "\n";
    text += title(*lib) + "\n";
    if (!lib->description().empty()) text += "  " + std::string(lib->description()) + "\n";
    text += limits(*lib, "  ");
  }
  // Plugins that failed to load are shown, not hidden: the reason without
  // the "plugin <path>: " the PluginError starts with.
  for (const EngineRegistry::BrokenPlugin& b : registry.broken()) {
    std::string reason = b.reason;
    const std::string prefix = "plugin " + b.path.string() + ": ";
    if (reason.starts_with(prefix)) reason.erase(0, prefix.size());
    if (!text.empty()) text += "\n";
    text += "broken plugin (not loaded)\n  " + reason + "\n  path: " + b.path.string() + "\n";
  }
  return text;
}

std::string format_engine_help(const EngineLibrary& lib) {
  std::string text = title(lib);
  if (!lib.description().empty()) text += ": " + std::string(lib.description());
  text += "\n" + limits(lib, "");
  const iop_engine_desc& d = lib.desc();
  if (d.num_options == 0) return text + "\noptions: none\n";
  text += "\noptions:\n";
  for (uint32_t k = 0; k < d.num_options; ++k) {
    const iop_option_desc& opt = d.options[k];
    text += "  --" + std::string(lib.name()) + "." + opt.name + "=" +
            iop::rules::option_type_name(opt.type) + "\n";
    if (opt.help != nullptr && opt.help[0] != '\0') text += "      " + std::string(opt.help) + "\n";
    text += "      default: " + shown_default(opt);
    switch (opt.type) {
      case IOP_OPT_INT:
      case IOP_OPT_SIZE: text += "; range: " + iop::rules::option_accepted_text(opt); break;
      case IOP_OPT_ENUM: text += "; choices: " + iop::rules::option_accepted_text(opt); break;
      default: break;
    }
    text += "\n";
  }
  return text;
}

}  // namespace iopulse
