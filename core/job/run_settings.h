// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// RunSettings: what holds for a whole run, whatever its phases do: the
// engine (kEngine), the error policy (kErrors), the outputs, intervals and
// metrics (kOutputs) and the verify journal (kJournal), the settings of the
// options of those scopes (job/job_options.h).  A job of several phases has
// one RunSettings; a job file refuses these options inside [[phase]].
#ifndef IOPULSE_JOB_RUN_SETTINGS_H_
#define IOPULSE_JOB_RUN_SETTINGS_H_

#include <cstdint>
#include <string>
#include <vector>

namespace iopulse {

struct RunSettings {
  // Engine (kEngine): loaded once; its options are the workload's
  // (WorkloadSpec::engine_options), which a phase may change.
  std::string engine = "sync";             // a name, or a path to a .so
  std::vector<std::string> plugin_dirs;    // --plugin-dir, in order

  // Error policy (kErrors).
  bool continue_on_error = false;

  // The verify journal (kJournal, verify/verify_journal.h): it records the
  // whole run's writes.  Empty = none.
  std::string verify_journal;

  // Outputs (kOutputs).
  bool quiet = false;
  std::string json_output;                 // empty = none
  // --fio-percentiles: the latency percentiles of the fio-format results,
  // ascending, each in (0, 100]; empty: fio's default list.
  std::vector<double> fio_percentiles;
  // --fio-unified-rw: "none" (each direction apart), "mixed" or "both"
  // (fio's unified_rw_reporting).
  std::string fio_unified_rw = "none";
  std::string job_name;                    // names the run in results and metrics; may be empty

  // Measurement over time.
  uint64_t stats_interval_ns = 1'000'000'000;
  std::string timeseries_output;           // JSON Lines file, empty = none
  std::string csv_output;                  // CSV file, empty = none
  bool timeseries_per_worker = false;      // also one series per worker
  // RunResult::worker_results is kept.  No option sets it: the run of a fio
  // job file without group_reporting does, for fio-format output, which
  // lists each clone apart.
  bool worker_results = false;
  // The shape of the fio-format logs (report/fio_log_files.h), whose
  // prefixes each workload names (WorkloadSpec::fio_bw_log ...).
  bool fio_log_per_io = false;             // --log-per-io: a line per IO, else per stats interval
  bool fio_log_offset = false;             // --log-offset: each line carries the IO's offset
  bool fio_log_prio = false;               // --log-prio: the last column is the priority value
  bool fio_log_unix_epoch = false;         // --log-unix-epoch: times are Unix time in ms
  bool heatmap = false;
  uint32_t heatmap_buckets = 100;
  uint16_t prometheus_port = 0;            // 0 = no exporter
  std::string prometheus_bind = "127.0.0.1";

  bool operator==(const RunSettings&) const = default;
};

}  // namespace iopulse

#endif  // IOPULSE_JOB_RUN_SETTINGS_H_
