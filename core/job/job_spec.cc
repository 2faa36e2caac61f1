// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "job/job_spec.h"

#include <algorithm>

namespace iopulse {

const char* to_string(FileDistribution d) {
  switch (d) {
    case FileDistribution::kShared:
      return "shared";
    case FileDistribution::kPartitioned:
      return "partitioned";
    case FileDistribution::kPerWorker:
      return "per-worker";
  }
  return "?";
}

ContentSpec WorkloadSpec::content(uint64_t working_set_bytes) const {
  ContentSpec c;
  c.compress_percent = compress_percent;
  c.dedupe_percent = dedupe_percent;
  c.unit = dedupe_unit != 0 ? dedupe_unit : block_size;
  c.working_set = std::max<uint64_t>(1, working_set_bytes / 100 * dedupe_working_set_percent / c.unit);
  c.seed = seed;
  return c;
}

}  // namespace iopulse
