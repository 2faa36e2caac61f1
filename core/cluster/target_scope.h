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
#include <set>
#include <string>
#include <vector>

#include "cluster/process_group.h"
#include "target/target_layout.h"

namespace iopulse {

// `path` with every {rank} and {host} replaced; other text is kept as is.
std::string expand_target_template(const std::string& path, uint32_t rank, const std::string& host);

// Collective: the ranks whose expanded files (a --file-list, or the one
// target) are the same, in the same order, as `files`: they split them as
// one target.  `named_lower` gets those of `files` that a lower rank with
// another list names too (paths compared lexically normalized): that rank,
// or one that shares its list, prepares them; this one only waits for them.
LayoutScope target_scope(ProcessGroup& group, const std::vector<std::string>& files,
                         std::set<std::string>& named_lower);

// The pure part of it: `lists[r]` is rank r's; the files of `rank`'s list,
// lexically normalized, that a lower rank whose list differs names too.
std::set<std::string> named_by_a_lower_rank(const std::vector<std::vector<std::string>>& lists, uint32_t rank);

// `path` lexically normalized ("a//b/../c" -> "a/c"), as the ranks compare
// their files.
std::string normalized_path(const std::string& path);

}  // namespace iopulse

#endif  // IOPULSE_CLUSTER_TARGET_SCOPE_H_
