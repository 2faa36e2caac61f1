// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "cluster/target_scope.h"

#include <filesystem>
#include <unordered_set>
#include <vector>

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

LayoutScope target_scope(ProcessGroup& group, const std::vector<std::string>& files,
                         std::set<std::string>& named_lower) {
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
  const std::set<std::string> lower = named_by_a_lower_rank(lists, group.rank());
  named_lower.insert(lower.begin(), lower.end());
  return scope;
}

std::string normalized_path(const std::string& path) {
  return std::filesystem::path(path).lexically_normal().string();
}

std::set<std::string> named_by_a_lower_rank(const std::vector<std::vector<std::string>>& lists, uint32_t rank) {
  std::set<std::string> out;
  std::unordered_set<std::string> mine;
  for (const std::string& f : lists[rank]) mine.insert(normalized_path(f));
  for (uint32_t lower = 0; lower < rank; ++lower) {
    if (lists[lower] == lists[rank]) continue;  // (the same target, split: LayoutScope)
    for (const std::string& f : lists[lower]) {
      std::string n = normalized_path(f);
      if (mine.count(n) != 0) out.insert(std::move(n));
    }
  }
  return out;
}

}  // namespace iopulse
