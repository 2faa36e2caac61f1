/* SPDX-License-Identifier: MIT
 * SPDX-FileCopyrightText: 2026 The IOPulse authors */
// engine_plugin.h -- loads an engine shared object the way the host does and
// keeps the facts the checks need.
//
// Loading is split into the steps that can fail, so each failure is reported
// by the check it belongs to: open_library() (dlopen with RTLD_NOW |
// RTLD_LOCAL), call_entry() (the entry symbol and its descriptor; an ABI 1
// engine that refuses this ABI is asked again stating ABI 1, only so its
// version can be named) and copy_descriptor() (the frozen prefix, then a
// zero-extended copy of the descriptor and its option table).  Every rule
// is iopulse/engine_rules.hpp's, the host's own.  The library is never
// unloaded, as in the host.
#ifndef IOPULSE_CONFORMANCE_ENGINE_PLUGIN_H
#define IOPULSE_CONFORMANCE_ENGINE_PLUGIN_H

#include <string>
#include <vector>

#include "iopulse/engine.h"
#include "iopulse/engine_rules.hpp"

namespace iopcheck {

class EnginePlugin {
 public:
  explicit EnginePlugin(std::string path) : path_(std::move(path)) {}

  const std::string& path() const { return path_; }

  // Each returns "" on success, else the reason.  Call them in order.
  std::string open_library();
  std::string call_entry();
  std::string copy_descriptor();

  // The engine's own descriptor, as the entry returned it.
  const iop_engine_desc* raw() const { return raw_; }
  // min(struct_size, sizeof) bytes of it in a zeroed descriptor: members an
  // older engine does not know read as 0/NULL; options points at a copy of
  // the option table in this header's layout.
  const iop_engine_desc& desc() const { return copy_.desc; }
  iop_engine_entry_fn entry() const { return entry_; }

  // The symbols the shared object exports besides the entry (defined,
  // global or weak, default visibility, functions and objects), read from
  // its ELF dynamic symbol table.  Returns "" or the reason it could not.
  std::string extra_exports(std::vector<std::string>* out) const;

  // What the checker tells an engine about itself: ABI of this header,
  // version "iopulse-engine-check", logs to stderr.
  static const iop_host_info& host_info();

 private:
  std::string path_;
  void* handle_ = nullptr;
  iop_engine_entry_fn entry_ = nullptr;
  const iop_engine_desc* raw_ = nullptr;
  int32_t entry_rc_ = 0;  // the entry's result when raw_ came from a second call
  iop::rules::DescriptorCopy copy_;
};

}  // namespace iopcheck

#endif  // IOPULSE_CONFORMANCE_ENGINE_PLUGIN_H
