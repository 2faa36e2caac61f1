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
  const char* option;  // its name (without "--"): the message names where it was given
  uint64_t cap;
  bool (*needed)(const JobSpec&);
  const char* what;    // what the option asks the engine to do
};

constexpr Requirement kRequirements[] = {
    {"direct", IOP_CAP_DIRECT, [](const JobSpec& s) { return s.direct; }, "O_DIRECT"},
    {"fsync-every", IOP_CAP_FSYNC, [](const JobSpec& s) { return s.fsync_every != 0; },
     "fsync"},
    {"end-fsync", IOP_CAP_FSYNC, [](const JobSpec& s) { return s.end_fsync; }, "fsync"},
    {"fdatasync-every", IOP_CAP_FDATASYNC,
     [](const JobSpec& s) { return s.fdatasync_every != 0; }, "fdatasync"},
    {"trim-percent", IOP_CAP_TRIM, [](const JobSpec& s) { return s.trim_percent != 0; }, "trim"},
    {"io-priority", IOP_CAP_IOPRIO, [](const JobSpec& s) { return s.io_priority != 0; },
     "IO priorities"},
    {"io-flags", IOP_CAP_IO_FUA, [](const JobSpec& s) { return (s.io_flags & IOP_IO_FUA) != 0; },
     "fua (force unit access writes)"},
    {"io-flags", IOP_CAP_IO_DSYNC, [](const JobSpec& s) { return (s.io_flags & IOP_IO_DSYNC) != 0; },
     "dsync (RWF_DSYNC writes)"},
    {"io-flags", IOP_CAP_IO_HIPRI, [](const JobSpec& s) { return (s.io_flags & IOP_IO_HIPRI) != 0; },
     "hipri (polled IO, RWF_HIPRI)"},
    {"io-flags", IOP_CAP_IO_NOWAIT, [](const JobSpec& s) { return (s.io_flags & IOP_IO_NOWAIT) != 0; },
     "nowait (RWF_NOWAIT)"},
};

}  // namespace

void require_capabilities(const JobSpec& spec, std::string_view engine, uint64_t desc_caps,
                          uint64_t instance_caps) {
  for (const Requirement& r : kRequirements) {
    if (!r.needed(spec)) continue;
    const std::string cap = iop::rules::capability_name(r.cap);
    if ((desc_caps & r.cap) == 0) {
      throw UsageError(fmt::format("{}: engine {} does not support {} (it lacks the capability {})",
                                   spec.origins.label_of(r.option), engine, r.what, cap));
    }
    if ((instance_caps & r.cap) == 0) {
      throw UsageError(fmt::format(
          "{}: engine {} does not support {} with the engine options given (its instance "
          "reports no capability {})",
          spec.origins.label_of(r.option), engine, r.what, cap));
    }
  }
  // A synchronous engine gives an IO its priority through its thread
  // (ioprio_set(2)), a system call inside the IO's latency whenever the
  // priority changes: only a job whose IOs all share one priority (one
  // call before the first IO) is measured honestly.
  if (spec.io_priority != 0 && spec.io_priority_percent != 100 && (instance_caps & IOP_CAP_ASYNC) == 0) {
    throw UsageError(fmt::format(
        "{} {}: engine {} is synchronous and sets an IO's priority on its thread (ioprio_set), a "
        "system call inside the IO's latency at every change; accepted with this engine: 100",
        spec.origins.label_of("io-priority-percent"), spec.io_priority_percent, engine));
  }
}

}  // namespace iopulse
