// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// MetadataRecord: what a metadata job created under TARGET, kept in
// TARGET/.iopulse-md.<worker> (one per job-wide worker; .iopulse-md-shared.<worker>
// for the shared tree, so one TARGET can hold both kinds), so that a later
// phase or a later job knows which directories and files are IOPulse's.
// Removal phases only ever remove entries a record lists; a tree without a
// record is not IOPulse's and is never touched.
//
// A creating phase writes its record before it creates anything (claiming
// every entry it may create, so a crash leaves a record that covers what
// exists) and the exact one afterwards.  A record whose directories and
// files are all gone is deleted.  A claim left by a run that never ended
// names entries that run may not have created (someone else's, made since,
// would have the same names): a later job refuses it unless told to adopt
// it, and then takes only the names that exist (settle_claim()).
#ifndef IOPULSE_TARGET_METADATA_RECORD_H_
#define IOPULSE_TARGET_METADATA_RECORD_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "job/metadata_spec.h"

namespace iopulse {

class MetadataNamespace;

struct MetadataRecord {
  std::string shape;         // MetadataNamespace::shape() of the job that made it
  uint32_t dirs = 0;         // directories [0, dirs) of the tree exist (the tree's owner only)
  uint64_t files_begin = 0;  // the worker's files [files_begin, files_end) exist
  uint64_t files_end = 0;
  uint64_t item_dirs_begin = 0;  // the worker's item directories [begin, end) exist (dir-create)
  uint64_t item_dirs_end = 0;
  // Entries [renaming_begin, renaming_end) (item directories when
  // renaming_item_dirs, else files) may stand under their rename phase's
  // name ("<name>.r"): a rename phase claims its range before it renames,
  // and clears it once every rename back succeeded.  The next phase's set-up
  // gives such an entry its name back.
  uint64_t renaming_begin = 0;
  uint64_t renaming_end = 0;
  bool renaming_item_dirs = false;
  // When the rename phase claimed the range, on the file system's clock
  // (the claim's own mtime, ns since the epoch; the earliest claim's when
  // ranges merge), 0 when unknown.  Every entry it may
  // have renamed away existed before then, so an entry under the other name
  // born after it (statx btime) is someone else's.
  uint64_t renaming_since_ns = 0;
  // The range a creating phase claimed and has not confirmed ("dirs",
  // "files" or "item_dirs"): set in the claim written before the phase
  // creates anything, empty in the exact record written after it.
  std::string unconfirmed{};
  uint32_t unconfirmed_depth = 1;  // the claiming phase's queue depth: how many of its creates were in flight at most

  bool empty() const { return dirs == 0 && files_end <= files_begin && item_dirs_end <= item_dirs_begin; }

  // TARGET/.iopulse-md.<worker>, or .iopulse-md-shared.<worker>
  static std::string path(const std::string& target, bool shared, uint32_t worker);
  // The record, or nullopt when there is none.  Throws std::runtime_error
  // naming the file when it exists but cannot be read or parsed.
  static std::optional<MetadataRecord> read(const std::string& target, bool shared, uint32_t worker);
  // Takes the unconfirmed range as far as the claiming run can have
  // created it, then confirms it.  Creation goes in name order with at most
  // unconfirmed_depth creates in flight, so once that many names in a row
  // are missing (lstat under `target`) nothing after them is the run's: the
  // range ends after the last name before them that exists.  Names missing
  // below that (creates in flight at the end) stay in the range.  `ns` is
  // the record's worker's namespace (with its item directories for
  // "item_dirs").  Returns how many of the range's names exist.
  uint64_t settle_claim(const std::string& target, const MetadataNamespace& ns);
  // Replaces the record (a whole new file renamed over it; see the .cc), or
  // deletes it when empty().  Throws std::system_error naming the file.
  void store(const std::string& target, bool shared, uint32_t worker) const;
};

// One phase of a metadata job as planning sees it.
struct MetadataPhasePlan {
  std::string name;  // for messages
  MetaPhase phase;
};

// Checks, before anything is touched, that every phase of the job finds
// what it needs under `target` for the job-wide workers [first_worker,
// first_worker + threads) of `workers`: a tree-create phase an existing
// directory that is empty (unless spec.allow_nonempty) and holds no tree of
// IOPulse's; every other phase a tree (and files) that IOPulse recorded
// creating, in this job or an earlier one, of this job's shape.  Throws
// UsageError with one line.
void check_metadata_target(const std::string& target, const MetadataSpec& spec,
                           const std::vector<MetadataPhasePlan>& phases, uint32_t first_worker, uint32_t threads,
                           uint32_t workers);

}  // namespace iopulse

#endif  // IOPULSE_TARGET_METADATA_RECORD_H_
