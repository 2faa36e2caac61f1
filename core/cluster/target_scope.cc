// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "cluster/target_scope.h"

#include <algorithm>
#include <unordered_set>
#include <vector>

#include <fmt/format.h>

#include "job/path_list.h"

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

LayoutScope target_scope(ProcessGroup& group, const std::vector<std::string>& files, std::string& overlap) {
  const std::string key = join_path_list(files);
  const std::vector<std::string> keys = group.all_gather(key);
  LayoutScope scope;
  scope.ranks.clear();
  std::vector<std::vector<std::string>> lists;
  lists.reserve(keys.size());
  for (uint32_t r = 0; r < keys.size(); ++r) {
    lists.push_back(split_path_list(keys[r]));
    if (keys[r] != key) continue;
    if (r == group.rank()) scope.position = static_cast<uint32_t>(scope.ranks.size());
    scope.ranks.push_back(r);
  }
  overlap = partial_overlap(lists, group.rank());
  return scope;
}

std::string partial_overlap(const std::vector<std::vector<std::string>>& lists, uint32_t rank) {
  const std::unordered_set<std::string> mine(lists[rank].begin(), lists[rank].end());
  for (uint32_t other = 0; other < lists.size(); ++other) {
    if (other == rank || lists[other] == lists[rank]) continue;
    const bool lower = rank < other;
    const std::vector<std::string>& first = lists[lower ? rank : other];
    const std::unordered_set<std::string> theirs(lists[other].begin(), lists[other].end());
    const std::unordered_set<std::string>& second = lower ? theirs : mine;
    for (const std::string& f : first) {
      if (second.count(f) == 0) continue;
      return fmt::format("--file-list: ranks {} and {} both name '{}' but not the same list of files (each would "
                         "prepare it, and neither split it with the other); accepted: the same list on ranks that "
                         "share files (they split it), or lists with no file in common",
                         std::min(rank, other), std::max(rank, other), f);
    }
  }
  return {};
}

}  // namespace iopulse
