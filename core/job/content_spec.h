// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// ContentSpec: what the written data should look like (--compress-percent,
// --dedupe-percent, --dedupe-unit, --dedupe-working-set, the seed); the
// generator that makes the bytes is workload/block_content.h, which defines
// the meaning of each setting.
#ifndef IOPULSE_JOB_CONTENT_SPEC_H_
#define IOPULSE_JOB_CONTENT_SPEC_H_

#include <cstdint>

#include <nlohmann/json.hpp>

namespace iopulse {

// What the data should look like (JobSpec's content settings).
struct ContentSpec {
  uint32_t compress_percent = 0;   // share of each chunk that compresses away
  uint32_t dedupe_percent = 0;     // share of chunks that repeat a working-set chunk
  uint32_t unit = 4096;            // chunk size in bytes (a multiple of 8)
  uint64_t working_set = 1;        // distinct duplicate chunks, >= 1
  uint64_t seed = 0;

  // Unique and incompressible: the ordinary data.
  bool plain() const { return compress_percent == 0 && dedupe_percent == 0; }
  nlohmann::json to_json() const;
};

}  // namespace iopulse

#endif  // IOPULSE_JOB_CONTENT_SPEC_H_
