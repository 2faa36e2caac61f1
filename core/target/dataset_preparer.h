// DatasetPreparer: makes the files of a TargetLayout ready for IO before the
// measured window: creates missing files (and their parent directories) and
// writes real, incompressible data into every part of [0, size) that holds
// no data yet (missing tail or holes, found with SEEK_HOLE), so reads never
// hit sparse holes that the filesystem answers without touching the device.
// Files that are already complete are reused as they are.  Block devices are
// never created, truncated or written here.
#ifndef IOPULSE_TARGET_DATASET_PREPARER_H_
#define IOPULSE_TARGET_DATASET_PREPARER_H_

#include <cstdint>
#include <string>

#include "target/target_layout.h"

namespace iopulse {

struct PreparationSummary {
  uint64_t bytes_written = 0;  // data written to fill files
  uint32_t files_created = 0;
  uint64_t elapsed_ns = 0;
};

class DatasetPreparer {
 public:
  // `parallelism`: how many files are filled at once.
  explicit DatasetPreparer(uint32_t parallelism) : parallelism_(parallelism) {}

  // Prepares every file of `layout`.  Throws std::system_error naming the
  // path and the errno text on failure.
  PreparationSummary prepare(const TargetLayout& layout) const;

 private:
  uint32_t parallelism_;
};

}  // namespace iopulse

#endif  // IOPULSE_TARGET_DATASET_PREPARER_H_
