// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// kernel_interface_of: whether a path is on one of the kernel's interface
// file systems (proc, sysfs, debugfs, cgroup, ...), whose files are settings
// and counters, not storage: writing "data" there changes the system (the
// host name, a device's read-ahead), and nothing IOPulse measures or writes
// belongs there.  Outputs are checked with it here; target/ checks targets.
#ifndef IOPULSE_OUTPUT_KERNEL_INTERFACE_H_
#define IOPULSE_OUTPUT_KERNEL_INTERFACE_H_

#include <string>

namespace iopulse {

// The name of the kernel interface file system holding `path` (statfs
// f_type; symbolic links followed), e.g. "proc"; nullptr for any other file
// system, or when `path` cannot be looked at.
const char* kernel_interface_of(const std::string& path);

}  // namespace iopulse

#endif  // IOPULSE_OUTPUT_KERNEL_INTERFACE_H_
