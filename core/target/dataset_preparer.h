// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// DatasetPreparer: makes the files of a TargetLayout ready for IO before the
// measured window: creates missing files (and their parent directories) and
// writes real, incompressible data into every part of [0, size) that holds
// no data yet (missing tail or holes, found with SEEK_HOLE), so reads never
// hit sparse holes that the filesystem answers without touching the device.
// Files that are already complete are reused as they are, and are only ever
// opened read-only: a read job works on a read-only mount, an immutable file
// or a file the user may only read.  Block devices are never created,
// truncated or written here.
//
// For --verify jobs every block must carry a verifiable header, so the file
// is written whole with verified blocks (generation 0).  A dataset marker,
// kept in the file's own extended attribute "user.iopulse.dataset" (nothing
// is written beside the target), records how the file was filled; a later
// job whose needs it meets reuses the data without refilling, provided the
// file still is what the marker describes (at least `size` bytes with no
// hole below).  force_recreate refills regardless.
//
// Invariant: a file carries a marker only once it is completely prepared.
// The marker is removed before the first byte of a refill is written and set
// again after the data is synced, so an interrupted or failed preparation
// never leaves a half-prepared file marked as prepared.
#ifndef IOPULSE_TARGET_DATASET_PREPARER_H_
#define IOPULSE_TARGET_DATASET_PREPARER_H_

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "target/created_file.h"
#include "target/device_use.h"
#include "target/target_layout.h"
#include "workload/block_content.h"

namespace iopulse {

struct PreparationSummary {
  uint64_t bytes_written = 0;  // data written to fill files
  uint32_t files_created = 0;
  std::vector<CreatedFile> created;  // the files_created, as they were made
  uint64_t elapsed_ns = 0;
  uint64_t bytes_planned = 0;  // what preparation was to write at most
  bool interrupted = false;    // stop() said so before every file was ready
  // The first failure: what was done, the path, the offset and the errno
  // text.  Empty when nothing failed.
  std::string error;
  int error_code = 0;  // its errno (0: none, or a failure without one)

  bool complete() const { return !interrupted && error.empty(); }
};

struct PreparationOptions {
  uint32_t parallelism = 1;      // files filled at once
  bool verified = false;         // fill with verified blocks (verify/block_format.h)
  uint64_t seed = 0;             // for verified blocks
  uint32_t block_size = 4096;    // for verified blocks
  bool preallocate = false;      // fallocate the file before filling it
  bool force_recreate = false;   // refill even when the marker says the data fits
  bool job_writes_unverified = false;  // the job overwrites blocks with unverified data
  // --compress-percent, --dedupe-percent: files are filled whole with this
  // content (workload/block_content.h; verified blocks keep the compression
  // share as their zero tail) and refilled when their marker names another.
  ContentSpec content;
};

class DatasetPreparer {
 public:
  explicit DatasetPreparer(const PreparationOptions& options) : options_(options) {}

  // Called about four times a second from the thread that called prepare():
  // bytes written so far, the most there can be to write, time elapsed.
  using Progress = std::function<void(uint64_t written, uint64_t at_most, uint64_t elapsed_ns)>;
  // Polled between chunks of at most 1 MiB by every fill thread; true stops
  // the preparation (SIGINT, SIGTERM).  Must be cheap and thread-safe.
  using StopRequested = std::function<bool()>;

  // The bytes preparing `layout` will write at most, checked against the
  // free space (statvfs f_bavail) of each file system that will hold them.
  // Reads only.  Throws UsageError naming the file system's path, what is
  // needed and what is free when a fill cannot fit.
  uint64_t check_space(const TargetLayout& layout) const;
  // The same for several sets of files, each prepared with its own options
  // one after the other: their needs on each file system add up.
  static uint64_t check_space(const std::vector<std::pair<const TargetLayout*, PreparationOptions>>& sets);

  // Refuses a preparation that would write data into a file backing a loop
  // device in use (a mounted file system's image, as `loops` has them):
  // creating it, filling its holes or short end, refilling it.  prepare()'s
  // own decision, for each set with its options, on every file of the set
  // (those another process prepares too: `loops` are this host's).  Reads
  // only.  Throws UsageError naming the file and the loop device.
  static void check_not_backing_a_loop(const std::vector<std::pair<const TargetLayout*, PreparationOptions>>& sets,
                                       const LoopBackingFiles& loops);

  // Prepares every file of `layout` this process prepares (prepared_here;
  // another process sharing the target prepares the rest).  IO errors and
  // a stop are reported in the summary (the first error; the other files
  // stop at their next chunk), never thrown.
  PreparationSummary prepare(const TargetLayout& layout, const Progress& progress = nullptr,
                             const StopRequested& stop = nullptr) const;

 private:
  PreparationOptions options_;
};

}  // namespace iopulse

#endif  // IOPULSE_TARGET_DATASET_PREPARER_H_
