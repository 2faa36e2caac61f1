// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// Per-host targets.  A target path may name the process that uses it:
// `{rank}` becomes the MPI rank and `{host}` the host name (without MPI:
// 0 and this host), so `/mnt/{host}/data` gives each client its own
// directory.  Ranks whose expanded paths are equal share that target and
// split it as one job (LayoutScope); ranks with a path of their own plan it
// alone.
#ifndef IOPULSE_CLUSTER_TARGET_SCOPE_H_
#define IOPULSE_CLUSTER_TARGET_SCOPE_H_

#include <cstdint>
#include <string>

#include "cluster/process_group.h"
#include "target/target_layout.h"

namespace iopulse {

// `path` with every {rank} and {host} replaced; other text is kept as is.
std::string expand_target_template(const std::string& path, uint32_t rank, const std::string& host);

// Collective: the ranks whose expanded target equals `expanded_path`.
LayoutScope target_scope(ProcessGroup& group, const std::string& expanded_path);

}  // namespace iopulse

#endif  // IOPULSE_CLUSTER_TARGET_SCOPE_H_
