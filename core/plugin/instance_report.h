// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// InstanceReport: what one engine instance really does, as its report()
// says after create() (engine.h, iop_instance_report): the capabilities the
// instance has, which can be fewer than the descriptor's (io_uring polls
// only with iopoll), and the settings that took effect (ring setup flags,
// SQPOLL, registered files...).  The host plans with these capabilities and
// puts the settings in its results.
#ifndef IOPULSE_PLUGIN_INSTANCE_REPORT_H_
#define IOPULSE_PLUGIN_INSTANCE_REPORT_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "iopulse/engine.h"

namespace iopulse {

struct InstanceReport {
  uint64_t caps = 0;  // IOP_CAP_* of the instance (those this host knows)
  std::vector<std::pair<std::string, std::string>> settings;  // name, value; engine's order

  // "name=value, name=value"; "" when there are none.
  std::string settings_text() const;
};

// Asks the instance `engine` of `desc` for its report.  An engine without
// report() (IOP_CAP_REPORT) has the descriptor's capabilities and no
// settings.  Throws PluginError ("engine <name>: report() ...") when report()
// fails or returns a report iop::rules::check_report() refuses.
InstanceReport read_instance_report(const iop_engine_desc& desc, iop_engine* engine);

}  // namespace iopulse

#endif  // IOPULSE_PLUGIN_INSTANCE_REPORT_H_
