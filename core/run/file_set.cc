// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "run/file_set.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <utility>
#include <string>

#include <fmt/format.h>

#include "job/usage_error.h"
#include "target/target_probe.h"

namespace iopulse {

bool FileSet::removes_created_files() const {
  for (const PlannedWorkload* w : workloads) {
    if (w->spec.remove_created_files) return true;
  }
  return false;
}

PreparationOptions FileSet::preparation() const {
  const JobSpec& spec = first().spec;
  PreparationOptions o;
  o.parallelism = spec.threads;
  o.seed = spec.seed;
  o.block_size = spec.block_size;
  for (const PlannedWorkload* w : workloads) {
    o.preallocate |= w->spec.preallocate;
    o.force_recreate |= w->spec.force_recreate;
  }
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

namespace {

// What a workload works on: its target and its files, their resolved paths
// and sizes, in order.  (The target too: a metadata job's has no files
// planned.)
struct Files {
  std::string target;
  std::vector<std::pair<std::string, uint64_t>> files;
  std::vector<bool> memory_device;  // per file: /dev/null or /dev/zero, never prepared
  bool operator==(const Files&) const = default;
};

Files files_of(const PlannedWorkload& w) {
  Files f{resolved_path(w.spec.target_path), {}, {}};
  for (const PlannedFile& file : w.layout.files) {
    f.files.emplace_back(resolved_path(file.path), file.size);
    f.memory_device.push_back(file.device == PlannedFile::Device::kMemory);
  }
  return f;
}

std::string describe(const FileSet& s) {
  const size_t n = s.layout().files.size();
  return fmt::format("target '{}', {} file{}", s.first().spec.target_path, n, n == 1 ? "" : "s");
}

}  // namespace

std::vector<FileSet> group_file_sets(const std::vector<const PlannedWorkload*>& workloads) {
  std::vector<FileSet> sets;
  std::vector<Files> keys;  // keys[i]: sets[i]'s files
  for (const PlannedWorkload* w : workloads) {
    Files files = files_of(*w);
    const auto same = std::find(keys.begin(), keys.end(), files);
    if (same == keys.end()) {
      sets.push_back({{w}});
      keys.push_back(std::move(files));
    } else {
      sets[static_cast<size_t>(same - keys.begin())].workloads.push_back(w);
    }
  }
  // A file in two sets, or a file of one that is a directory of another:
  // every pair of sets that conflicts is one problem (its first file).
  std::vector<std::string> problems;
  std::set<std::pair<size_t, size_t>> reported;
  const auto report = [&](size_t a, size_t b, std::string message) {
    if (reported.emplace(std::min(a, b), std::max(a, b)).second) problems.push_back(std::move(message));
  };
  std::map<std::string, std::pair<size_t, uint64_t>> owner;  // resolved path -> (set, size)
  for (size_t i = 0; i < sets.size(); ++i) {
    for (size_t k = 0; k < keys[i].files.size(); ++k) {
      const auto& [path, size] = keys[i].files[k];
      if (keys[i].memory_device[k]) continue;  // nothing to prepare: any size, any number of sets
      const auto [it, inserted] = owner.emplace(path, std::make_pair(i, size));
      if (inserted || it->second.first == i) continue;
      const uint64_t other = it->second.second;
      report(it->second.first, i, fmt::format(
          "'{}' is a file of two different sets of files ({}; {}){}; accepted: phases and groups that use a file "
          "use the same files at the same sizes (IOPulse prepares each set once)",
          path, describe(sets[it->second.first]), describe(sets[i]),
          other == size ? std::string() : fmt::format(", of {} and {} bytes", other, size)));
    }
  }
  for (auto it = owner.begin(); it != owner.end(); ++it) {
    const std::string dir = it->first + "/";
    const auto inside = owner.lower_bound(dir);
    if (inside == owner.end() || !inside->first.starts_with(dir)) continue;
    report(it->second.first, inside->second.first, fmt::format(
        "'{}' is a file of one set of files ({}) and a directory of another ({}, '{}'); accepted: files that are "
        "not each other's directories", it->first, describe(sets[it->second.first]),
        describe(sets[inside->second.first]), inside->first));
  }
  if (problems.size() == 1) throw UsageError(problems.front());
  if (!problems.empty()) {
    std::string message = fmt::format("{} problems with the job's files:", problems.size());
    for (const std::string& p : problems) message += "\n  " + p;
    throw UsageError(message);
  }
  return sets;
}

}  // namespace iopulse
