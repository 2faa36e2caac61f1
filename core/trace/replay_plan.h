// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// ReplayPlan: what a --replay job will do, found by reading the whole trace
// once before anything is touched (in bounded memory, like the replay
// itself): the recorded workers, how many IOs each replay worker issues,
// the largest IO, which ops occur, and where the remapped IOs end in each
// target file.  A corrupt or truncated trace, an unknown op or an IO past
// its target is a usage error here, before the window, naming the trace
// position.
//
// ReplayMapping turns a trace IO into one on the target: the file
// (--replay-redirect: every IO to the one target) and the offset
// (--replay-scale N divides it, fio's replay_scale; --replay-scale fit
// stretches each file's recorded span onto the target's size;
// --replay-align rounds down, fio's replay_align).  The scan and the
// replay apply the same mapping.
#ifndef IOPULSE_TRACE_REPLAY_PLAN_H_
#define IOPULSE_TRACE_REPLAY_PLAN_H_

#include <cstdint>
#include <string>
#include <vector>

#include "job/job_spec.h"
#include "trace/trace_record.h"

namespace iopulse {

struct ReplayMapping {
  bool redirect = false;         // every IO goes to target file 0
  uint64_t divisor = 1;          // --replay-scale N
  bool fit = false;              // --replay-scale fit
  // fit: per target file, offsets become offset * room / span (room: the
  // target's size less the largest IO; span: the largest recorded offset);
  // span 0 leaves them as they are.
  std::vector<uint64_t> fit_room, fit_span;
  uint64_t align = 0;            // --replay-align, 0 = none

  uint32_t file(uint32_t trace_file) const { return redirect ? 0 : trace_file; }
  uint64_t offset(uint64_t trace_offset, uint32_t target_file) const {
    uint64_t o = trace_offset / divisor;
    if (fit && fit_span[target_file] != 0) {
      o = static_cast<uint64_t>(static_cast<unsigned __int128>(trace_offset) * fit_room[target_file] /
                                fit_span[target_file]);
    }
    if (align > 1) o -= o % align;
    return o;
  }
};

struct ReplayPlan {
  std::string path;                  // the trace
  std::string format;                // "IOPulse iolog v1", "fio iolog v3"
  uint32_t recorded_workers = 1;
  uint32_t workers = 1;              // replay workers
  bool spread = false;               // IO k of the trace goes to worker k % workers
  bool by_pid = false;               // a blktrace capture's workers are its pids
  double speed = 1.0;                // 0: as fast as possible
  std::vector<uint64_t> worker_ios;  // IOs per replay worker
  uint64_t total_ios = 0;
  uint64_t reads = 0, writes = 0, trims = 0, syncs = 0;
  uint32_t max_len = 0;              // the largest IO
  std::vector<std::string> trace_files;
  ReplayMapping mapping;

  // Reads the trace of `spec` through (spec.replay).  `threads`: the
  // workers when spec.replay_spread.  Throws UsageError.
  static ReplayPlan scan(const JobSpec& spec);
  // Checks the remapped IOs against the target files' sizes (and computes
  // the fit factors).  Throws UsageError naming the first IO past its file.
  void check_target(const std::vector<std::string>& paths, const std::vector<uint64_t>& sizes);
  // The share of reads among reads and writes, in percent (100 without
  // writes; at most 99 with any write, so the files open for writing).
  uint32_t read_percent() const;

 private:
  // Per mapped file, from the scan.
  struct Extent {
    uint64_t max_offset = 0;       // raw (fit)
    uint64_t max_end = 0;          // after the divisor mapping
    std::string max_end_at;        // the trace position of that IO
    std::string max_end_io;        // "write of 4096 bytes at offset 8192"
    bool used = false;
  };
  std::vector<Extent> extents_;
};

}  // namespace iopulse

#endif  // IOPULSE_TRACE_REPLAY_PLAN_H_
