// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// FileSet: the workloads of a run that work on one set of files.  A run's
// workloads share the run's target unless a phase or group of a job file
// names its own (WorkloadSpec::own_files), and a phase may also change
// which files of a directory it uses (--num-files ...): the workloads whose
// target and planned files are the same (paths and sizes) are one set, planned by its
// first workload, checked and prepared once, before the first phase, with
// what every workload on it needs.
#ifndef IOPULSE_RUN_FILE_SET_H_
#define IOPULSE_RUN_FILE_SET_H_

#include <vector>

#include "run/planned_workload.h"
#include "target/dataset_preparer.h"

namespace iopulse {

struct FileSet {
  // In run order; never empty.  Not owned: the planned phases own them.
  std::vector<const PlannedWorkload*> workloads;

  const PlannedWorkload& first() const { return *workloads.front(); }
  // The set's files as its first workload planned them (the others on the
  // same target plan the same files).
  const TargetLayout& layout() const { return first().layout; }

  // How the files must be prepared so every workload on them finds what it
  // needs: verified blocks when one of them verifies, with that one's seed,
  // block size and content; preallocated or refilled when one asks.
  PreparationOptions preparation() const;
  // Whether the files the run creates for the set are removed after it:
  // when one of its workloads asks (--remove-files).
  bool removes_created_files() const;
};

// The sets of `workloads` (every workload of the run, in run order), one
// per distinct target and list of planned files, in the order the run first
// uses them.
// Throws UsageError when one file belongs to two sets (it would be prepared
// twice, perhaps to two sizes or with two kinds of data; paths are compared
// as resolved, symbolic links followed) or is a directory of another set;
// every conflicting pair of sets is a line of the message.
std::vector<FileSet> group_file_sets(const std::vector<const PlannedWorkload*>& workloads);

}  // namespace iopulse

#endif  // IOPULSE_RUN_FILE_SET_H_
