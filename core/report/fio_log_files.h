// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// fio-format bandwidth, IOPS and latency logs, as fio writes them with
// write_bw_log, write_iops_log and write_lat_log, so fio's tools
// (fio2gnuplot, fio_generate_plots, fiologparser.py) and scripts written for
// them read an IOPulse run.  One file per worker, numbered from 1 as fio
// numbers its jobs (workers of later phases continue the numbering):
//   PREFIX_bw.N.log, PREFIX_iops.N.log, PREFIX_lat.N.log, PREFIX_clat.N.log,
//   PREFIX_slat.N.log
// IOPulse measures one latency, from the submission to the completion: the
// lat and clat logs both hold it (as in the fio-json output); the slat log
// stays empty (no separate submission latency is measured, as fio's for
// its synchronous engines).
//
// A line is fio's  TIME_MS, VALUE, DDIR, BS[, OFFSET], PRIO  (OFFSET with
// log_offset; PRIO 0x%04x of the IO priority with log_prio, else 1 for the
// real-time class and 0 otherwise); DDIR 0 for reads, 1 for writes, 2 for
// trims.
//
// Per interval (fio's log_avg_msec, IOPulse's --stats-interval): each
// interval of the time series adds a line per data direction of the
// worker: the average bandwidth (KiB/s), IOPS, or mean latency (ns); BS,
// OFFSET and PRIO are 0, as in fio's averaged logs.  A direction is the
// worker's from its first completion on; in an interval without a
// completion of it the bandwidth and IOPS logs say 0 (a stall shows) and
// the latency logs have no line (no mean), until the worker's last
// interval.  TIME_MS is the interval's end in milliseconds since the
// worker's phase began, or with unix_epoch (fio's log_unix_epoch) that
// start on the wall clock plus the time since, in Unix milliseconds (fio's per-job epoch: a stonewalled job's entries
// start again from 0, in these logs and the per-IO ones alike; a worker
// that continues another's files, fio's read-back pass in its job's logs,
// goes on from that worker's phase start).  Lines are flushed per interval,
// so a run that ends early leaves valid files.
//
// Per IO (fio without log_avg_msec, IOPulse's --log-per-io): each read,
// write and trim that completed successfully adds a line, made after the
// run from its per-IO capture (trace/iolog_format.h), in completion order
// per worker, as fio logs them.  TIME_MS is the completion in milliseconds
// since the worker's phase began (fio's per-job epoch); the values are fio's
// per-IO ones: the latency (ns), 1 IO, and the IO's bandwidth as fio
// computes it (bytes * 10^6 / latency in ns); BS the IO's length, OFFSET its
// offset in its file.  Syncs, failed IOs and IOs that never completed have
// no line (fio logs neither).
//
// Construction creates every file (throws std::system_error naming the path
// when one cannot be created); writing throws std::system_error likewise.
// Not thread-safe.
#ifndef IOPULSE_REPORT_FIO_LOG_FILES_H_
#define IOPULSE_REPORT_FIO_LOG_FILES_H_

#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "stats/interval_sink.h"
#include "stats/interval_stats.h"

namespace iopulse {

class IoLogReader;

struct FioLogSettings {
  std::string bw, iops, lat;  // prefixes; empty: that log is not written
  bool per_io = false;        // a line per IO (add_capture()), else per interval (write())
  bool offset = false;        // fio's log_offset: the OFFSET column
  bool prio = false;          // fio's log_prio: PRIO as the priority value
  bool unix_epoch = false;    // fio's log_unix_epoch: TIME_MS as Unix time (the phase's start on the wall clock + the time since)
  // The N of a worker's file names (per_worker constructor); 0: its place
  // among the workers + 1.  (A phase fio has no job for, such as IOPulse's
  // ramp or read-back phase of a fio job file, takes no number.)
  uint32_t number = 0;
  // The earlier worker (its index among the workers) whose files this
  // worker's lines go on, after that worker's own, their times going on
  // from its phase's start: fio logs its read-back pass (do_verify) in the
  // job's files.  Its own prefixes and number are then not used.  Unset:
  // the worker's own files.
  std::optional<uint32_t> continues = std::nullopt;
  // The worker is a read-back pass (fio's do_verify): its per-interval
  // lines have its latencies but no bandwidth or IOPS, as fio's averaged
  // bandwidth and IOPS samples leave out its verify reads.
  bool read_back = false;
  bool any() const { return !bw.empty() || !iops.empty() || !lat.empty(); }
};

class FioLogFiles : public IntervalSink {
 public:
  // Files for workers 0 .. workers-1 (numbered 1 .. workers).
  FioLogFiles(const FioLogSettings& settings, uint32_t workers);
  // Files for workers 0 .. per_worker.size()-1, each worker under its own
  // prefixes (per_worker[w]'s bw, iops and lat; none for a worker whose
  // are empty, as fio writes no log for a job without write_*_log); the
  // lines' shape (per_io, offset, prio) is `settings`'.
  FioLogFiles(const FioLogSettings& settings, const std::vector<FioLogSettings>& per_worker);
  ~FioLogFiles();
  FioLogFiles(const FioLogFiles&) = delete;
  FioLogFiles& operator=(const FioLogFiles&) = delete;

  // Per-interval logs: adds worker `worker`'s interval `s` (start_ns and
  // end_ns on the phase's clock; an interval without IO is an empty summary
  // with its times).  A worker that continues another's files is shifted by
  // the time from that worker's phase start to its own (began()).
  void write(uint32_t worker, const IntervalSummary& s);
  // Workers `first` .. `first + count - 1` belong to a phase that began
  // `job_ns` into the job (its placement's time offset), at `unix_ns` on
  // the wall clock.  on_interval() and add_capture() say it for their
  // phase; before it, 0.
  void began(uint32_t first, uint32_t count, uint64_t job_ns, uint64_t unix_ns = 0);
  // Worker `worker` ended: later intervals add nothing for it.
  void finish(uint32_t worker);

  // As a sink: every worker of the run (numbered from the placement's
  // first worker) gets the interval, an interval in which it completed
  // nothing included (the logs show the stall), until its last interval.
  void on_interval(const IntervalSnapshot& interval) override;
  bool needs_workers() const override { return true; }

  // Per-IO logs: adds the IOs of `capture` (one phase's per-IO capture,
  // read to its end, a phase that began `job_ns` into the job), its worker w
  // to the files of worker first_worker + w.  Memory: the IOs of each worker
  // in flight at a time (its queue depth), whatever the capture's length.
  // Throws std::system_error or TraceError (a corrupt capture).
  void add_capture(IoLogReader& capture, uint32_t first_worker, uint64_t job_ns = 0);

  // Every path the logs of `workers` workers take, in the order created.
  static std::vector<std::string> paths(const FioLogSettings& settings, uint32_t workers);
  // The same for workers under their own prefixes (a worker that continues
  // another's files adds none).
  static std::vector<std::string> paths(const std::vector<FioLogSettings>& per_worker);

 private:
  struct File {
    std::string path;
    std::FILE* stream = nullptr;
  };
  enum Log { kBw, kIops, kLat, kClat, kSlat, kLogs };
  // Appends `text` to `f`; throws naming the path.
  static void append(File& f, const char* text, size_t size);
  static void flush(File& f);

  // The file of `log` that worker `worker`'s lines go to.
  File& file_of(uint32_t worker, int log) { return files_[size_t{owner_[worker]} * kLogs + log]; }
  // What to add to worker `worker`'s times on its phase's clock: the time
  // from its files' first worker's phase start to its own (0 for that one).
  uint64_t shift_ns(uint32_t worker) const { return began_ns_[worker] - began_ns_[owner_[worker]]; }
  // A line's TIME_MS for worker `worker`'s time `phase_ns` on its phase's
  // clock: since its files' first worker's phase start, or with unix_epoch
  // on the wall clock (its own phase's start there, so the time between
  // phases is in it too).
  uint64_t time_ms(uint32_t worker, uint64_t phase_ns) const {
    return settings_.unix_epoch ? (began_unix_ns_[worker] + phase_ns) / 1'000'000
                                : (phase_ns + shift_ns(worker)) / 1'000'000;
  }

  FioLogSettings settings_;
  // files_[worker * kLogs + log]: the files a worker opened (a log not asked
  // for, and every log of a worker that continues another's, has no stream).
  std::vector<File> files_;
  // Per worker: whose files its lines go to (itself, or the worker it
  // continues, which continues no one); when its phase began in the job.
  std::vector<uint32_t> owner_;
  std::vector<bool> read_back_;  // per worker: FioLogSettings::read_back
  std::vector<uint64_t> began_ns_;
  std::vector<uint64_t> began_unix_ns_;
  // Per worker: bit d set once direction d completed IO; finished.
  std::vector<uint8_t> directions_;
  std::vector<bool> finished_;
};

}  // namespace iopulse

#endif  // IOPULSE_REPORT_FIO_LOG_FILES_H_
