// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// MetadataSpec: the metadata part of a job (--md-phases and the --md-*
// options): which phases run, the shape of the namespace each worker owns
// and what a file holds.  Validated when the JobSpec is built; an empty
// `phases` means the job is a data job.
//
// Namespace shape (the mdtest -I/-b/-z/-u model): each worker owns a tree of
// `depth` levels of directories under TARGET ("md.<worker>", or one
// "md.shared" for every worker with shared_dir); every directory but the
// top one has `branching` subdirectories at the level above it, and each
// directory holds `items` files of each worker (only the deepest level's
// with leaf_only).  mdtest -z Z -b B -I N is --md-depth Z+1 --md-branching B
// --md-items N.
#ifndef IOPULSE_JOB_METADATA_SPEC_H_
#define IOPULSE_JOB_METADATA_SPEC_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "op/op_kind.h"

namespace iopulse {

// One measured phase of a metadata job; each runs as its own phase.
enum class MetaPhase : uint8_t {
  kTreeCreate,  // mkdir every directory, parents first
  kFileCreate,  // create every file (and write file_bytes to it)
  kStat,        // stat every file
  kOpen,        // open and close every file
  kRead,        // read every file whole (read_bytes)
  kWrite,       // write every file whole (file_bytes)
  kList,        // list every directory
  kRename,      // rename every file away and back (two ops per file)
  kFileRemove,  // unlink every file
  kTreeRemove,  // rmdir every directory, children first
  kMix,         // a weighted mix of ops over files chosen by --distribution
  // The items as directories (mdtest -D): d.<worker>.<i> beside the files.
  kDirCreate,   // mkdir every item directory
  kDirStat,     // stat every item directory
  kDirRename,   // rename every item directory away and back (two ops each)
  kDirRemove,   // rmdir every item directory
};

struct MetaPhaseInfo {
  MetaPhase phase;
  const char* name;   // as --md-phases takes it
  OpKind kind;        // the op kind it issues (kMix: none of its own)
  bool creates;       // makes entries (refused in a non-empty target)
  bool removes;       // removes entries (needs IOPulse's record of the tree)
  // With --md-stride N, worker w works on the items of worker
  // (w + stride_steps * N) % workers: mdtest -N shifts its stat phase by
  // one stride, its read phase by two and its removal by three; creating
  // and tree phases work on their own items.
  uint8_t stride_steps;
  bool dir_items;     // works on the item directories, not the files
};

inline constexpr MetaPhaseInfo kMetaPhases[] = {
    {MetaPhase::kTreeCreate, "tree-create", OpKind::kMkdir, true, false, 0, false},
    {MetaPhase::kFileCreate, "file-create", OpKind::kCreate, true, false, 0, false},
    {MetaPhase::kStat, "stat", OpKind::kStat, false, false, 1, false},
    {MetaPhase::kOpen, "open", OpKind::kOpen, false, false, 1, false},
    {MetaPhase::kRead, "read", OpKind::kReadFile, false, false, 2, false},
    {MetaPhase::kWrite, "write", OpKind::kWriteFile, false, false, 1, false},
    {MetaPhase::kList, "list", OpKind::kList, false, false, 1, false},
    {MetaPhase::kRename, "rename", OpKind::kRename, false, false, 1, false},
    {MetaPhase::kFileRemove, "file-remove", OpKind::kUnlink, false, true, 3, false},
    {MetaPhase::kTreeRemove, "tree-remove", OpKind::kRmdir, false, true, 0, false},
    {MetaPhase::kMix, "mix", OpKind::kStat, false, false, 1, false},
    {MetaPhase::kDirCreate, "dir-create", OpKind::kMkdir, true, false, 0, true},
    {MetaPhase::kDirStat, "dir-stat", OpKind::kStat, false, false, 1, true},
    {MetaPhase::kDirRename, "dir-rename", OpKind::kRename, false, false, 1, true},
    {MetaPhase::kDirRemove, "dir-remove", OpKind::kRmdir, false, true, 3, true},
};

const MetaPhaseInfo& info(MetaPhase phase);

// One op of a --md-mix and its weight.
struct MetaMixEntry {
  OpKind kind;
  uint32_t weight;
  bool operator==(const MetaMixEntry&) const = default;
};

struct MetadataSpec {
  std::vector<MetaPhase> phases;  // in run order; empty: not a metadata job
  uint32_t items = 0;             // files (or item directories) per directory per worker (mdtest -I)
  uint32_t depth = 1;             // levels of directories per tree (mdtest -z + 1)
  uint32_t branching = 1;         // subdirectories per directory (mdtest -b)
  bool shared_dir = false;        // one tree for all workers and ranks (mdtest without -u)
  bool leaf_only = false;         // files only in the deepest level (mdtest -L)
  uint64_t file_bytes = 0;        // written by file-create and write (mdtest -w)
  uint64_t read_bytes = 0;        // read by read; 0: file_bytes (mdtest -e)
  std::vector<MetaMixEntry> mix;  // the mix phase's ops (--md-mix)
  bool allow_nonempty = false;    // create in a target that holds other entries
  bool adopt_claims = false;      // take a never-confirmed creation claim's existing names as IOPulse's
  bool rename_replace = false;    // rename over an entry that has the new name (no RENAME_NOREPLACE)
  bool fsync = false;             // fsync each file before closing it (create, write)
  uint32_t stride = 0;            // phases work on another worker's items (mdtest -N); 0: their own

  // The job-wide worker whose items `worker` of `workers` works on in `phase`.
  uint32_t subject(MetaPhase phase, uint32_t worker, uint32_t workers) const {
    return static_cast<uint32_t>((worker + uint64_t{info(phase).stride_steps} * stride) % workers);
  }

  bool active() const { return !phases.empty(); }
  bool operator==(const MetadataSpec&) const = default;
  // Parses "file-create,stat,file-remove"; throws UsageError naming `label`.
  static std::vector<MetaPhase> parse_phases(std::string_view label, const std::string& text);
  // Parses "stat:70,read:20,create:10"; throws UsageError naming `label`.
  static std::vector<MetaMixEntry> parse_mix(std::string_view label, const std::string& text);
  // "stat:70,read:20,create:10"
  std::string mix_string() const;
  nlohmann::json to_json() const;
};

}  // namespace iopulse

#endif  // IOPULSE_JOB_METADATA_SPEC_H_
