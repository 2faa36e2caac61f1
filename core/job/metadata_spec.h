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

#include "stats/op_stats_set.h"

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
};

struct MetaPhaseInfo {
  MetaPhase phase;
  const char* name;   // as --md-phases takes it
  OpKind kind;        // the op kind it issues (kMix: none of its own)
  bool creates;       // makes entries (refused in a non-empty target)
  bool removes;       // removes entries (needs IOPulse's record of the tree)
};

inline constexpr MetaPhaseInfo kMetaPhases[] = {
    {MetaPhase::kTreeCreate, "tree-create", OpKind::kMkdir, true, false},
    {MetaPhase::kFileCreate, "file-create", OpKind::kCreate, true, false},
    {MetaPhase::kStat, "stat", OpKind::kStat, false, false},
    {MetaPhase::kOpen, "open", OpKind::kOpen, false, false},
    {MetaPhase::kRead, "read", OpKind::kReadFile, false, false},
    {MetaPhase::kWrite, "write", OpKind::kWriteFile, false, false},
    {MetaPhase::kList, "list", OpKind::kList, false, false},
    {MetaPhase::kRename, "rename", OpKind::kRename, false, false},
    {MetaPhase::kFileRemove, "file-remove", OpKind::kUnlink, false, true},
    {MetaPhase::kTreeRemove, "tree-remove", OpKind::kRmdir, false, true},
    {MetaPhase::kMix, "mix", OpKind::kStat, false, false},
};

const MetaPhaseInfo& info(MetaPhase phase);

// One op of a --md-mix and its weight.
struct MetaMixEntry {
  OpKind kind;
  uint32_t weight;
};

struct MetadataSpec {
  std::vector<MetaPhase> phases;  // in run order; empty: not a metadata job
  uint32_t items = 0;             // files per directory per worker (mdtest -I)
  uint32_t depth = 1;             // levels of directories per tree (mdtest -z + 1)
  uint32_t branching = 1;         // subdirectories per directory (mdtest -b)
  bool shared_dir = false;        // one tree for all workers and ranks (mdtest without -u)
  bool leaf_only = false;         // files only in the deepest level (mdtest -L)
  uint64_t file_bytes = 0;        // written by file-create and write (mdtest -w)
  uint64_t read_bytes = 0;        // read by read; 0: file_bytes (mdtest -e)
  std::vector<MetaMixEntry> mix;  // the mix phase's ops (--md-mix)
  bool allow_nonempty = false;    // create in a target that holds other entries
  bool fsync = false;             // fsync each file before closing it (create, write)

  bool active() const { return !phases.empty(); }
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
