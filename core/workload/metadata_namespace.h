// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// MetadataNamespace: the directories and files one worker of a metadata job
// works on, as paths relative to TARGET, computed once before the window.
//
// A tree is "md.<worker>" (or "md.shared" with shared_dir) and below it
// depth-1 levels of "dir.<k>" directories, `branching` per directory.
// Directories are numbered breadth first (parents before children; the
// children of one directory are consecutive).  The worker's files are
// "f.<worker>.<i>", `items` in each directory that holds files, numbered in
// directory order; their names are unique per worker, so workers sharing a
// tree never collide.  With shared_dir only worker 0 of the job creates,
// lists and removes the directories (owns_tree()); every worker has its
// own files.  The item directories (the phases dir-create, dir-stat, ...;
// mdtest -D) are "d.<worker>.<i>", one beside each file "f.<worker>.<i>":
// same count, same directories, same numbering.
//
// Invariants: parent(i) < i for every directory but 0; the children of
// directory i are [first_child(i), first_child(i) + num_children(i)).
// Paths stay valid (and at the same address) for the object's life.
#ifndef IOPULSE_WORKLOAD_METADATA_NAMESPACE_H_
#define IOPULSE_WORKLOAD_METADATA_NAMESPACE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "job/metadata_spec.h"

namespace iopulse {

class MetadataNamespace {
 public:
  static constexpr uint32_t kNoParent = UINT32_MAX;

  // The namespace of job-wide worker `worker` of `workers`; with
  // `item_dirs` also the paths of its item directories.
  MetadataNamespace(const MetadataSpec& spec, uint32_t worker, uint32_t workers, bool item_dirs = false);

  // This worker creates and removes the directories.
  bool owns_tree() const { return owns_tree_; }
  // The tree's top directory, relative to TARGET ("md.3").
  const std::string& top() const { return top_; }

  uint32_t num_dirs() const { return static_cast<uint32_t>(dirs_.size()); }
  const char* dir(uint32_t i) const { return arena_.data() + dirs_[i].path; }
  uint32_t parent(uint32_t i) const { return dirs_[i].parent; }
  uint32_t first_child(uint32_t i) const { return dirs_[i].first_child; }
  uint32_t num_children(uint32_t i) const { return dirs_[i].children; }

  uint64_t num_files() const { return files_.size(); }
  const char* file(uint64_t i) const { return arena_.data() + files_[i]; }
  // The directory file i is in.
  uint32_t dir_of_file(uint64_t i) const { return file_dirs_[i]; }
  // The name the rename phase gives file i ("<file>.r").
  const char* renamed(uint64_t i) const { return arena_.data() + renamed_[i]; }
  // Item directory i ("<dir>/d.<worker>.<i>", in the directory of file i)
  // and the name dir-rename gives it; only when built with item_dirs.
  const char* item_dir(uint64_t i) const { return arena_.data() + item_dirs_[i]; }
  const char* renamed_item_dir(uint64_t i) const { return arena_.data() + item_dirs_renamed_[i]; }

  // The shape as one line, recorded with the tree and compared before a
  // later job touches it: a tree of another shape is not this job's.
  std::string shape() const { return shape_; }
  // The same from the spec alone, without building any path.
  static std::string shape_of(const MetadataSpec& spec, uint32_t workers);

 private:
  struct Dir {
    size_t path;           // offset of its NUL-terminated path in arena_
    uint32_t parent;
    uint32_t first_child;
    uint32_t children;
  };

  bool owns_tree_;
  std::string top_;
  std::string shape_;
  std::vector<Dir> dirs_;
  std::vector<size_t> files_;    // path offsets
  std::vector<uint32_t> file_dirs_;
  std::vector<size_t> renamed_;  // path offsets
  std::vector<size_t> item_dirs_, item_dirs_renamed_;  // path offsets; empty without item_dirs
  std::string arena_;            // every path, NUL-terminated; never resized after construction
};

}  // namespace iopulse

#endif  // IOPULSE_WORKLOAD_METADATA_NAMESPACE_H_
