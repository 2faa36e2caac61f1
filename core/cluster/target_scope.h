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
#include <vector>

#include "cluster/process_group.h"
#include "target/target_layout.h"

namespace iopulse {

// `path` with every {rank} and {host} replaced; other text is kept as is.
std::string expand_target_template(const std::string& path, uint32_t rank, const std::string& host);

// Collective: the ranks whose expanded files (a --file-list, or the one
// target) are the same, in the same order, as `files`.  `overlap` gets a
// line for bad input when another rank's list shares some of these files
// but is not the same list (the files would be split among neither, and
// prepared by both); empty otherwise.
LayoutScope target_scope(ProcessGroup& group, const std::vector<std::string>& files, std::string& overlap);

// The pure part of it: `lists[r]` is rank r's; for `rank`, the first pair
// of ranks (it and another) whose lists differ yet share a file, described
// the same way on both ranks; empty when none.
std::string partial_overlap(const std::vector<std::vector<std::string>>& lists, uint32_t rank);

}  // namespace iopulse

#endif  // IOPULSE_CLUSTER_TARGET_SCOPE_H_
