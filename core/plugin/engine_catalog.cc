// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "plugin/engine_catalog.h"

#include "iopulse/engine.h"
#include "plugin/engine_library.h"
#include "plugin/engine_registry.h"
#include "plugin/option_text.h"

namespace iopulse {

namespace {

// Index k names bit k; see IOP_CAP_* in iopulse/engine.h.
constexpr std::string_view kCapabilityNames[] = {
    "async",  "batch-submit", "registered-buffers", "fixed-files",
    "polled", "fsync",        "fdatasync",          "trim",
    "opens-by-path", "memory-mapped", "direct",     "diskless",
};
static_assert(IOP_CAP_KNOWN_V1 == (uint64_t{1} << std::size(kCapabilityNames)) - 1,
              "every ABI 1 capability has a name");

std::string join(const std::vector<std::string_view>& items) {
  if (items.empty()) return "none";
  std::string text;
  for (std::string_view item : items) {
    if (!text.empty()) text += ", ";
    text += item;
  }
  return text;
}

// The header both outputs share: "<name> <version> (ABI x.y)".
std::string title(const EngineLibrary& lib) {
  std::string text(lib.name());
  if (!lib.version().empty()) text += " " + std::string(lib.version());
  return text + " (ABI " + lib.abi_string() + ")";
}

std::string limits(const EngineLibrary& lib, const char* indent) {
  std::string text;
  text += indent + std::string("capabilities: ") + join(capability_names(lib.caps())) + "\n";
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
  ParsedOptionValue value;
  const std::string text = option_default_text(opt);
  if (parse_option_text(opt, text, &value)) return text;  // cannot happen once loaded
  switch (opt.type) {
    case IOP_OPT_BOOL: return value.i != 0 ? "true" : "false";
    case IOP_OPT_SIZE: return format_size(value.i);
    case IOP_OPT_STRING: return "\"" + text + "\"";
    default: return text;
  }
}

}  // namespace

std::vector<std::string_view> capability_names(uint64_t caps) {
  std::vector<std::string_view> names;
  for (size_t bit = 0; bit < std::size(kCapabilityNames); ++bit) {
    if ((caps & (uint64_t{1} << bit)) != 0) names.push_back(kCapabilityNames[bit]);
  }
  return names;
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
            option_type_name(opt.type) + "\n";
    if (opt.help != nullptr && opt.help[0] != '\0') text += "      " + std::string(opt.help) + "\n";
    text += "      default: " + shown_default(opt);
    switch (opt.type) {
      case IOP_OPT_INT:
      case IOP_OPT_SIZE: text += "; range: " + option_accepted_text(opt); break;
      case IOP_OPT_ENUM: text += "; choices: " + option_accepted_text(opt); break;
      default: break;
    }
    text += "\n";
  }
  return text;
}

}  // namespace iopulse
