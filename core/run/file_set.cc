// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "run/file_set.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <string>

#include <fmt/format.h>

#include "job/usage_error.h"

namespace iopulse {

PreparationOptions FileSet::preparation() const {
  const JobSpec& spec = first().spec;
  PreparationOptions o;
  o.parallelism = spec.threads;
  o.seed = spec.seed;
  o.block_size = spec.block_size;
  o.preallocate = spec.preallocate;
  o.force_recreate = spec.force_recreate;
  uint64_t data_bytes = 0;
  for (const PlannedFile& f : layout().files) data_bytes += f.size;
  o.content = spec.content(data_bytes);
  for (const PlannedWorkload* w : workloads) {
    const JobSpec& s = w->spec;
    // Every verify job fills the files with verified blocks: a write job
    // need not write every block (random offsets, a budget), and a later
    // --verify-only checks them all.
    if (s.verify && !o.verified) {
      o.verified = true;
      o.seed = s.seed;
      o.block_size = s.block_size;
      o.content = s.content(data_bytes);  // its working-set blocks (--dedupe-percent)
    }
    o.job_writes_unverified |= !s.verify && s.read_percent < 100;
  }
  return o;
}

std::vector<FileSet> group_file_sets(const std::vector<const PlannedWorkload*>& workloads) {
  std::vector<FileSet> sets;
  for (const PlannedWorkload* w : workloads) {
    const auto same = std::find_if(sets.begin(), sets.end(),
                                   [w](const FileSet& s) { return s.first().spec.target() == w->spec.target(); });
    if (same == sets.end()) {
      sets.push_back({{w}});
    } else {
      same->workloads.push_back(w);
    }
  }
  std::map<std::string, const FileSet*> owner;  // a file's absolute path -> its set
  for (const FileSet& s : sets) {
    for (const PlannedFile& f : s.layout().files) {
      const std::string path = std::filesystem::absolute(f.path).lexically_normal().string();
      const auto [it, inserted] = owner.emplace(path, &s);
      if (inserted || it->second == &s) continue;
      const JobSpec& a = it->second->first().spec;
      const JobSpec& b = s.first().spec;
      throw UsageError(fmt::format(
          "'{}' is a file of two sets of files with different settings, target '{}' (file size {}) and target '{}' "
          "(file size {}); accepted: the same target settings wherever a file is used (IOPulse prepares each set "
          "once)",
          f.path, a.target_path, a.file_size, b.target_path, b.file_size));
    }
  }
  return sets;
}

}  // namespace iopulse
