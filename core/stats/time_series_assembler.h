// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// TimeSeriesAssembler:  Workers deliver their intervals in increasing index
// order, possibly skipping indexes in which they reaped nothing; interval k is
// complete once every worker has delivered k or a later interval, or has
// finished.  Thread-safe: workers call deliver()/finish() (once a stats
// interval, never per IO); the coordinator calls take_complete().
#ifndef IOPULSE_STATS_TIME_SERIES_ASSEMBLER_H_
#define IOPULSE_STATS_TIME_SERIES_ASSEMBLER_H_

#include <cstdint>
#include <map>
#include <mutex>
#include <vector>

#include "stats/interval_stats.h"

namespace iopulse {

// One interval of the job, merged over workers.
struct MergedInterval {
  uint64_t index = 0;
  OpStatsSet ops;
  uint64_t inflight_sum = 0;
  uint64_t reap_calls = 0;
  std::vector<WorkerInterval> per_worker;  // only when kept (see constructor)
  // Set by a process on the last interval it hands its peers: it ends when
  // the process's window does, so it may be partial.
  bool last = false;
};

class TimeSeriesAssembler {
 public:
  TimeSeriesAssembler(uint32_t workers, bool keep_per_worker);

  void deliver(WorkerInterval&& interval);
  // The worker delivers nothing more.
  void finish(uint32_t worker);
  // The worker is given up on (its engine never returned): like finish(),
  // and whatever it might still deliver is dropped.
  void abandon(uint32_t worker);

  // The complete intervals not taken yet, in index order.  When `all` is
  // true (every worker has finished) everything still held is returned.
  std::vector<MergedInterval> take_complete(bool all = false);

 private:
  std::mutex mu_;
  bool keep_per_worker_;
  std::vector<int64_t> highest_;    // per worker: highest index delivered, -1 none
  int64_t full_through_ = -1;       // highest interval some worker's clock has passed
  std::vector<bool> finished_;
  std::vector<bool> abandoned_;
  uint64_t next_index_ = 0;          // first index not taken yet
  std::map<uint64_t, MergedInterval> pending_;
};

}  // namespace iopulse

#endif  // IOPULSE_STATS_TIME_SERIES_ASSEMBLER_H_
