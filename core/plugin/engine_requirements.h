// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// The capabilities a job needs from its engine, checked when the job is
// planned, before any file is touched: a job the engine cannot do is a
// UsageError (exit code 2) with one line naming the option (where it was
// given: WorkloadSpec::origins), the engine and the capability it lacks, e.g.
//   --fsync-every: engine example_ram does not support fsync (it lacks the capability fsync)
//   job.fio:6: fsync: engine example_ram does not support fsync (...)
// rather than IOs that fail in the middle of the run.
//
// What is checked: --direct (direct), --fsync-every (fsync),
// --fdatasync-every (fdatasync), --io-priority (io-priority), each flag of
// --io-flags (io-fua, io-dsync, io-hipri, io-nowait), and that a share of
// prioritized IOs below 100% (--io-priority-percent) is asked only of an
// asynchronous engine (a synchronous one sets priorities on its thread).  An option that makes the host use another
// capability adds its row to the table in engine_requirements.cc.
#ifndef IOPULSE_PLUGIN_ENGINE_REQUIREMENTS_H_
#define IOPULSE_PLUGIN_ENGINE_REQUIREMENTS_H_

#include <cstdint>
#include <string_view>

#include "job/job_spec.h"

namespace iopulse {

// Throws UsageError when `spec` needs a capability of engine `engine` that
// its descriptor does not declare (`desc_caps`), or that an instance created
// with the job's engine options does not have (`instance_caps`, from its
// report; pass desc_caps when there is no instance yet).
void require_capabilities(const JobSpec& spec, std::string_view engine, uint64_t desc_caps,
                          uint64_t instance_caps);

}  // namespace iopulse

#endif  // IOPULSE_PLUGIN_ENGINE_REQUIREMENTS_H_
