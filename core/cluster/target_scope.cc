// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "cluster/target_scope.h"

#include <vector>

namespace iopulse {

std::string expand_target_template(const std::string& path, uint32_t rank, const std::string& host) {
  std::string out;
  for (size_t i = 0; i < path.size();) {
    if (path.compare(i, 6, "{rank}") == 0) {
      out += std::to_string(rank);
      i += 6;
    } else if (path.compare(i, 6, "{host}") == 0) {
      out += host;
      i += 6;
    } else {
      out += path[i++];
    }
  }
  return out;
}

LayoutScope target_scope(ProcessGroup& group, const std::string& expanded_path) {
  const std::vector<std::string> paths = group.all_gather(expanded_path);
  LayoutScope scope;
  scope.ranks.clear();
  for (uint32_t r = 0; r < paths.size(); ++r) {
    if (paths[r] != expanded_path) continue;
    if (r == group.rank()) scope.position = static_cast<uint32_t>(scope.ranks.size());
    scope.ranks.push_back(r);
  }
  return scope;
}

}  // namespace iopulse
