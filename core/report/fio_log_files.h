// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// fio-format bandwidth, IOPS and latency logs, as fio writes them with
// write_bw_log, write_iops_log and write_lat_log and log_avg_msec, so fio's
// tools (fio2gnuplot, fio_generate_plots) and scripts written for them read
// an IOPulse run.  One file per worker, numbered from 1 as fio numbers its
// jobs (workers of later phases continue the numbering):
//   PREFIX_bw.N.log                 average bandwidth, KiB/s
//   PREFIX_iops.N.log               average IOPS
//   PREFIX_lat.N.log, _clat.N.log   mean latency, ns (IOPulse measures one
//                                   latency, submission to completion: both
//                                   hold it, as in the fio-json output)
//   PREFIX_slat.N.log               empty (no separate submission latency)
// Each interval of the time series (--stats-interval, fio's log_avg_msec)
// adds a line per data direction of the worker:
//   TIME_MS, VALUE, DDIR, 0, 0
// A direction is the worker's from its first completion on; in an interval
// without a completion of it the bandwidth and IOPS logs say 0 (a stall
// shows) and the latency logs have no line (no mean), until the worker's
// last interval.
// TIME_MS is the interval's end in milliseconds since the run's window
// opened (phases follow each other on one clock), DDIR 0 for reads, 1 for
// writes; block size and offset are 0, as in fio's averaged logs.  Lines are
// flushed per interval, so a run that ends early leaves valid files.
// Construction creates every file (throws std::system_error naming the path
// when one cannot be created); write() throws std::system_error likewise.
#ifndef IOPULSE_REPORT_FIO_LOG_FILES_H_
#define IOPULSE_REPORT_FIO_LOG_FILES_H_

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "stats/interval_sink.h"
#include "stats/interval_stats.h"

namespace iopulse {

struct FioLogPrefixes {
  std::string bw, iops, lat;  // empty: that log is not written
  bool any() const { return !bw.empty() || !iops.empty() || !lat.empty(); }
};

class FioLogFiles : public IntervalSink {
 public:
  // Files for workers 0 .. workers-1 (numbered 1 .. workers).
  FioLogFiles(const FioLogPrefixes& prefixes, uint32_t workers);
  ~FioLogFiles();
  FioLogFiles(const FioLogFiles&) = delete;
  FioLogFiles& operator=(const FioLogFiles&) = delete;

  // Adds worker `worker`'s interval `s` (start_ns and end_ns on the run's
  // clock; an interval without IO is an empty summary with its times).
  void write(uint32_t worker, const IntervalSummary& s);
  // Worker `worker` ended: later intervals add nothing for it.
  void finish(uint32_t worker);

  // As a sink: every worker of the run (numbered from the placement's
  // first worker) gets the interval, an interval in which it completed
  // nothing included (the logs show the stall), until its last interval.
  void on_interval(const IntervalSnapshot& interval) override;
  bool needs_workers() const override { return true; }

  // Every path the logs of `workers` workers take, in the order created.
  static std::vector<std::string> paths(const FioLogPrefixes& prefixes, uint32_t workers);

 private:
  struct File {
    std::string path;
    std::FILE* stream = nullptr;
  };
  enum Log { kBw, kIops, kLat, kClat, kSlat, kLogs };
  // files_[worker * kLogs + log]; a log not asked for has no stream.
  std::vector<File> files_;
  // Per worker: bit d set once direction d completed IO; finished.
  std::vector<uint8_t> directions_;
  std::vector<bool> finished_;
};

}  // namespace iopulse

#endif  // IOPULSE_REPORT_FIO_LOG_FILES_H_
