// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "plugin/instance_report.h"

#include "iopulse/engine_rules.hpp"
#include "plugin/plugin_error.h"

namespace iopulse {

std::string InstanceReport::settings_text() const {
  std::string text;
  for (const auto& [name, value] : settings) {
    text += (text.empty() ? "" : ", ") + name + "=" + value;
  }
  return text;
}

InstanceReport read_instance_report(const iop_engine_desc& desc, iop_engine* engine) {
  InstanceReport out;
  out.caps = desc.caps;
  if ((desc.caps & IOP_CAP_REPORT) == 0 || desc.report == nullptr) return out;
  iop_instance_report r{};
  r.struct_size = sizeof r;
  iop_error err{};
  const int32_t rc = desc.report(engine, &r, &err);
  const std::string engine_name = std::string("engine ") + desc.name + ": ";
  if (rc != 0) {
    err.message[sizeof err.message - 1] = '\0';
    throw PluginError(engine_name + "report() failed: " +
                      (err.message[0] != '\0' ? err.message : "no message") + " (" +
                      iop::rules::errno_message(rc) + ")");
  }
  if (std::string why = iop::rules::check_report(desc, r); !why.empty()) {
    throw PluginError(engine_name + "report(): " + why);
  }
  out.caps = r.caps & IOP_CAP_KNOWN_2_1;
  for (uint32_t k = 0; k < r.num_settings; ++k) {
    out.settings.emplace_back(r.settings[k].name, r.settings[k].value);
  }
  return out;
}

}  // namespace iopulse
