// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// ClusterRun: RunPeers over a ProcessGroup; one per run (phase) of a
// multi-process job.  Rank 0 reports: it merges the intervals every rank
// forwards into the job's time series, spreads stop requests, and merges
// the ranks' final reports into the job's RunResult.
//
// Messages while the run goes on (all non-blocking, from JobRunner's
// coordinating thread every few milliseconds):
//   rank r -> 0   kInterval  each closed interval of r, in index order
//   rank r -> 0   kStop      r stopped early (error, interrupt)
//   0 -> every r  kStop      stop now, and why
//   rank r -> 0   kFinished  r's workers are done; nothing more follows
//   0 -> every r  kAllDone   every rank finished; leave the run loop
// Every rank stays in its loop (sleeping between polls, never spinning in
// a collective while others still do IO) until kAllDone, so it has
// received everything sent to it in this run before the final merge.
// Each message carries the run's sequence number, so a late stop request
// of an earlier phase is never taken for the current one.
#ifndef IOPULSE_CLUSTER_CLUSTER_RUN_H_
#define IOPULSE_CLUSTER_CLUSTER_RUN_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cluster/process_group.h"
#include "run/run_peers.h"
#include "stats/time_series_assembler.h"

namespace iopulse {

class ClusterRun final : public RunPeers {
 public:
  // `hosts`: every rank's host name, by rank.  `workers` and `target`
  // describe this process's part of the job.
  ClusterRun(ProcessGroup& group, uint32_t run, std::vector<std::string> hosts, uint32_t workers, std::string target);

  std::string agree_ready(const std::string& local_error) override;
  void cross_start_line() override;
  void start_line_crossed(uint64_t realtime_ns) override;
  void local_interval(const MergedInterval& interval) override;
  std::vector<MergedInterval> take_complete(bool all) override;
  void local_stop(const std::string& reason) override;
  std::optional<std::string> stop_request() override;
  void progress(uint64_t elapsed_ns, uint64_t ops, uint64_t bytes) override;
  void local_finished() override;
  bool done() override;
  void merge(RunResult& result) override;

  // How often JobRunner samples progress (the first-done view's resolution).
  static constexpr uint64_t kProgressSampleNs = 20'000'000;

 private:
  enum Tag : int { kInterval = 1, kStop = 2, kFinished = 3, kAllDone = 4 };
  struct Sample {
    uint64_t elapsed_ns, ops, bytes;
  };

  bool reporting() const { return group_.rank() == 0; }
  std::string who(uint32_t rank) const;
  // Handles every message that has arrived.
  void pump();
  // Rank 0: asks every other rank to stop, once.
  void spread_stop(const std::string& reason);
  // Reads and writes completed `at_ns` into the window, from the samples.
  Sample progress_at(uint64_t at_ns) const;
  // Rank 0: the job's result from every rank's report.
  void merge_reports(RunResult& result, const std::vector<std::string>& reports) const;

  ProcessGroup& group_;
  uint32_t run_;
  std::vector<std::string> hosts_;
  uint32_t workers_;
  std::string target_;

  TimeSeriesAssembler merged_;          // rank 0: one "worker" per rank
  std::vector<bool> finished_;          // rank 0: which ranks are done
  uint32_t finished_count_ = 0;
  bool local_finished_ = false;
  bool stop_spread_ = false;            // rank 0: kStop went to everyone
  bool stop_reported_ = false;          // others: kStop went to rank 0
  bool all_done_ = false;               // rank 0: kAllDone sent; others: received
  std::optional<std::string> stop_request_;
  uint64_t start_realtime_ns_ = 0;
  std::vector<Sample> samples_;         // increasing elapsed_ns; at most kMaxSamples
  static constexpr size_t kMaxSamples = 1 << 18;
};

}  // namespace iopulse

#endif  // IOPULSE_CLUSTER_CLUSTER_RUN_H_
