// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// MeasuredCounters: what the IO of a run counted, in the one shape that is
// added up at every level: the workers of a run into the run, the phases
// of a job into the job, the ranks of a multi-host run into the job.  Each
// level merges with merge() and nothing else, so a counter added here is
// added everywhere; the ranks carry it with one codec (cluster/result_wire).
//
// A plain value type.  Merging is adding: op counts, bytes, errors and
// every latency histogram's buckets (exact, as histograms of one layout
// add exactly); the one exception, first_error, keeps the first side's.  RunResult and the per-rank RankResult extend it with what
// is not added (identity, windows, time series).
#ifndef IOPULSE_STATS_MEASURED_COUNTERS_H_
#define IOPULSE_STATS_MEASURED_COUNTERS_H_

#include <cstdint>

#include "stats/latency_histogram.h"
#include "stats/op_stats.h"
#include "stats/op_stats_set.h"
#include "stats/priority_split.h"

namespace iopulse {

struct MeasuredCounters {
  OpStats read;
  OpStats write;
  OpStats sync;  // fsync and fdatasync operations
  OpStats trim;  // trims; bytes: the bytes discarded (never bandwidth)
  // Metadata operations, one kind each ([kFirstMetaKind, kNumOpKinds); the
  // data kinds of this set stay empty: they are read, write and sync above).
  OpStatsSet meta;
  // With --io-priority: the reads and writes split by the priority they
  // carried (stats/priority_split.h); empty otherwise.
  PrioritySplit priority;
  // With a rate limit: latency from each IO's intended start on the
  // schedule (coordinated omission corrected), beside the service latency.
  LatencyHistogram read_intended, write_intended;
  // The host's schedule lag: per IO, how long after it could start (due on
  // the schedule and a slot free) it was submitted.  Latency from the
  // intended start = service latency + this lag + waiting for a free slot
  // (every slot busy: the device's queueing, or a backlog left by a late
  // host).
  LatencyHistogram schedule_lag;
  // --replay on a timed schedule: per IO, how long after its recorded time
  // (scaled by --replay-speed) it was submitted; includes waiting for a
  // free slot when the target is slower than the recording.
  LatencyHistogram replay_lag;
  uint64_t verify_failures = 0;  // blocks read back that failed verification
  uint64_t lock_conflicts = 0;   // --lock-mode: IOs that found their range locked by another worker
  // The errno of the first error that ended or failed the work (an IO's,
  // a set-up's or a preparation's; EILSEQ for a block that failed
  // verification, EIO for a short transfer), 0 when none had one: fio's
  // per-job "error".  Merging keeps this side's unless it is 0, so the
  // first worker's, phase's or rank's in their order wins.
  int first_error = 0;

  // Replaces the op counts (every kind) and the priority split with those
  // of a per-kind set (a worker's, or a time series' sum); the members
  // beyond it are kept.
  void assign_ops(const OpStatsSet& set);

  // Adds `other` to this: every member above.
  void merge(const MeasuredCounters& other);

  // Reads and writes merged.
  OpStats total() const {
    OpStats sum = read;
    sum.merge(write);
    return sum;
  }
  // Errors of every kind: data, sync, trim and metadata.
  uint64_t io_errors() const {
    return read.errors + write.errors + sync.errors + trim.errors + meta.meta_total().errors;
  }
};

}  // namespace iopulse

#endif  // IOPULSE_STATS_MEASURED_COUNTERS_H_
