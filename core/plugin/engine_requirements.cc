// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "plugin/engine_requirements.h"

#include <string>

#include <fmt/format.h>

#include "iopulse/engine.h"
#include "iopulse/engine_rules.hpp"
#include "job/usage_error.h"

namespace iopulse {
namespace {

// One row per option that makes the host use a capability.
struct Requirement {
  const char* option;  // as the user wrote it
  uint64_t cap;
  bool (*needed)(const JobSpec&);
  const char* what;    // what the option asks the engine to do
};

constexpr Requirement kRequirements[] = {
    {"--direct", IOP_CAP_DIRECT, [](const JobSpec& s) { return s.direct; }, "O_DIRECT"},
    {"--fsync-every", IOP_CAP_FSYNC, [](const JobSpec& s) { return s.fsync_every != 0; },
     "fsync"},
    {"--fdatasync-every", IOP_CAP_FDATASYNC,
     [](const JobSpec& s) { return s.fdatasync_every != 0; }, "fdatasync"},
    {"--trim-percent", IOP_CAP_TRIM, [](const JobSpec& s) { return s.trim_percent != 0; }, "trim"},
};

}  // namespace

void require_capabilities(const JobSpec& spec, std::string_view engine, uint64_t desc_caps,
                          uint64_t instance_caps) {
  for (const Requirement& r : kRequirements) {
    if (!r.needed(spec)) continue;
    const std::string cap = iop::rules::capability_name(r.cap);
    if ((desc_caps & r.cap) == 0) {
      throw UsageError(fmt::format("{}: engine {} does not support {} (it lacks the capability {})",
                                   r.option, engine, r.what, cap));
    }
    if ((instance_caps & r.cap) == 0) {
      throw UsageError(fmt::format(
          "{}: engine {} does not support {} with the engine options given (its instance "
          "reports no capability {})",
          r.option, engine, r.what, cap));
    }
  }
}

}  // namespace iopulse
