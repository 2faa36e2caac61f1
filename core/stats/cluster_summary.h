// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// ClusterSummary: how the processes (MPI ranks) of a multi-host run each
// did, beside the job's merged totals in RunResult.  Filled on rank 0 by
// the cluster layer; reports only read it.
#ifndef IOPULSE_STATS_CLUSTER_SUMMARY_H_
#define IOPULSE_STATS_CLUSTER_SUMMARY_H_

#include <cstdint>
#include <string>
#include <vector>

#include "stats/op_stats.h"
#include "stats/op_stats_set.h"
#include "stats/resource_usage.h"
#include "stats/stop_reason.h"

namespace iopulse {

// One rank's own numbers over its own window (its first worker seeing the
// start barrier's release to its last completion).
struct RankResult {
  uint32_t rank = 0;
  std::string host;
  uint32_t workers = 0;
  std::string target;         // its target path, placeholders expanded
  uint64_t window_ns = 0;
  StopReason stop_reason = StopReason::kNone;
  OpStats read, write, sync, trim;
  OpStatsSet meta;                    // metadata kinds (RunResult::meta)
  std::vector<uint64_t> worker_ops;   // per worker of the rank (RunResult::worker_ops)
  ResourceUsage resources;
};

// Reads and writes (together) the whole job had completed at a moment of
// the run.
struct DoneView {
  uint32_t rank = 0;          // the rank that finished at that moment
  uint64_t window_ns = 0;     // from the start to that moment
  uint64_t ops = 0;
  uint64_t bytes = 0;
};

struct ClusterSummary {
  std::string transport;      // "MPI"
  uint32_t ranks = 0;
  uint32_t hosts = 0;
  // Spread of the ranks' CLOCK_REALTIME readings taken as they left the
  // start barrier: the barrier's own release spread plus whatever the
  // hosts' clocks disagree by (0 disagreement on one host).
  uint64_t start_skew_ns = 0;
  std::vector<RankResult> per_rank;  // by rank
  // Throughput until the first rank finished its work, and until the last
  // did.  Counts at the first finish come from each rank's progress
  // sampled every `progress_sample_ns`, interpolated linearly.
  DoneView first_done, last_done;
  uint64_t progress_sample_ns = 0;
};

}  // namespace iopulse

#endif  // IOPULSE_STATS_CLUSTER_SUMMARY_H_
