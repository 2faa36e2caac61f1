// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "workload/metadata_namespace.h"

#include <fmt/format.h>

namespace iopulse {

MetadataNamespace::MetadataNamespace(const MetadataSpec& spec, uint32_t worker, uint32_t workers, bool item_dirs)
    : owns_tree_(!spec.shared_dir || worker == 0),
      top_(spec.shared_dir ? std::string("md.shared") : fmt::format("md.{}", worker)) {
  shape_ = shape_of(spec, workers);
  // Paths are built as strings first, then laid out in one arena.
  std::vector<std::string> dir_paths;
  std::vector<uint32_t> level_of;
  dir_paths.push_back(top_);
  level_of.push_back(0);
  dirs_.push_back({0, kNoParent, 0, 0});
  for (uint32_t i = 0; i < dir_paths.size(); ++i) {
    if (level_of[i] + 1 >= spec.depth) continue;
    dirs_[i].first_child = static_cast<uint32_t>(dir_paths.size());
    dirs_[i].children = spec.branching;
    for (uint32_t k = 0; k < spec.branching; ++k) {
      dir_paths.push_back(fmt::format("{}/dir.{}", dir_paths[i], k));
      level_of.push_back(level_of[i] + 1);
      dirs_.push_back({0, i, 0, 0});
    }
  }
  // Sized once: a job of a million files per worker builds its paths
  // without moving them again.
  uint64_t num_files = 0;
  for (uint32_t i = 0; i < dir_paths.size(); ++i) {
    if (!spec.leaf_only || level_of[i] + 1 == spec.depth) num_files += spec.items;
  }
  std::vector<std::string> file_paths, item_dir_paths;
  file_paths.reserve(num_files);
  file_dirs_.reserve(num_files);
  if (item_dirs) item_dir_paths.reserve(num_files);
  for (uint32_t i = 0; i < dir_paths.size(); ++i) {
    if (spec.leaf_only && level_of[i] + 1 != spec.depth) continue;
    for (uint32_t k = 0; k < spec.items; ++k) {
      if (item_dirs) item_dir_paths.push_back(fmt::format("{}/d.{}.{}", dir_paths[i], worker, file_paths.size()));
      file_paths.push_back(fmt::format("{}/f.{}.{}", dir_paths[i], worker, file_paths.size()));
      file_dirs_.push_back(i);
    }
  }
  size_t arena_bytes = 0;
  for (const std::string& d : dir_paths) arena_bytes += d.size() + 1;
  for (const std::string& f : file_paths) arena_bytes += 2 * (f.size() + 1) + 2;  // and its ".r" name
  for (const std::string& d : item_dir_paths) arena_bytes += 2 * (d.size() + 1) + 2;
  arena_.reserve(arena_bytes);
  files_.reserve(file_paths.size());
  renamed_.reserve(file_paths.size());
  item_dirs_.reserve(item_dir_paths.size());
  item_dirs_renamed_.reserve(item_dir_paths.size());
  for (uint32_t i = 0; i < dir_paths.size(); ++i) {
    dirs_[i].path = arena_.size();
    arena_ += dir_paths[i];
    arena_.push_back('\0');
  }
  for (const std::string& f : file_paths) {
    files_.push_back(arena_.size());
    arena_ += f;
    arena_.push_back('\0');
  }
  for (const std::string& f : file_paths) {
    renamed_.push_back(arena_.size());
    arena_ += f;
    arena_ += ".r";
    arena_.push_back('\0');
  }
  for (const std::string& d : item_dir_paths) {
    item_dirs_.push_back(arena_.size());
    arena_ += d;
    arena_.push_back('\0');
  }
  for (const std::string& d : item_dir_paths) {
    item_dirs_renamed_.push_back(arena_.size());
    arena_ += d;
    arena_ += ".r";
    arena_.push_back('\0');
  }
  arena_.shrink_to_fit();
}

std::string MetadataNamespace::shape_of(const MetadataSpec& spec, uint32_t workers) {
  return fmt::format("depth={} branching={} items={} leaf_only={} shared_dir={} workers={}", spec.depth,
                     spec.branching, spec.items, spec.leaf_only ? 1 : 0, spec.shared_dir ? 1 : 0, workers);
}

}  // namespace iopulse
