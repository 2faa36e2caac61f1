// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// TargetSpec: what the job does IO on and how those files are prepared, the
// settings of the options of scope kFiles (job/job_options.h).  A job of
// several phases has the run's TargetSpec, and a phase or group of a job
// file that gives these options has its own (WorkloadSpec::own_files);
// every distinct set of files is planned, checked and prepared before the
// first phase.
#ifndef IOPULSE_JOB_TARGET_SPEC_H_
#define IOPULSE_JOB_TARGET_SPEC_H_

#include <cstdint>
#include <string>
#include <vector>

namespace iopulse {

// How the workers of a job share the target.
enum class FileDistribution {
  kShared,       // every worker addresses the whole target
  kPartitioned,  // worker i addresses its own contiguous 1/n of the target
  kPerWorker,    // worker i has its own file, "<target>.<i>"
};

const char* to_string(FileDistribution d);

struct TargetSpec {
  std::string target_path;                 // as given (positional argument); a file list's first file
  // --file-list: the target is these regular files and block devices, in
  // order, addressed end to end as one set.  Empty: target_path alone (or
  // the file set in it).
  std::vector<std::string> file_list;
  uint64_t file_size = 0;                  // bytes addressed in each file; 0 = use the existing size
  // --offset, --offset-increment (fio's offset, offset_increment): worker w
  // addresses each of its files from byte offset + w * offset_increment
  // (w its index among the job's workers on every process), file_size
  // bytes of it or to the file's end.  Both are multiples of the job's
  // offset unit (WorkloadSpec::offset_unit()).
  uint64_t offset = 0;
  uint64_t offset_increment = 0;
  // The first byte worker w addresses in each of its files.
  uint64_t first_byte(uint32_t w) const { return offset + offset_increment * w; }
  FileDistribution file_distribution = FileDistribution::kShared;
  bool allow_device_writes = false;        // writing to a block device is refused otherwise
  bool allow_mounted_writes = false;       // ... and to one that is mounted or held, even with the above
  bool preallocate = false;                // fallocate files before filling them
  bool force_recreate = false;             // refill files even when their data fits the job
  // --remove-files: after the run, remove the files this run created (never
  // one that existed before it; fio's unlink).
  bool remove_created_files = false;

  bool operator==(const TargetSpec&) const = default;
};

}  // namespace iopulse

#endif  // IOPULSE_JOB_TARGET_SPEC_H_
