// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// FioJsonWriter: a run's results in fio's JSON output format
// (`--output-format fio-json` and `fio-json+`), for the tools that read fio's
// results (fio_jsonplus_clat2csv, fio-plot, pbench, dashboards).
//
// Jobs: each concurrent group of a phase (a job section of a fio job file) is
// one entry of "jobs", its numjobs clones merged, or one entry per clone
// (each with its own counters, runtime and thread CPU time) when the result
// holds its workers' (RunResult::worker_results: a fio job file without
// group_reporting); a phase without groups is one entry named after the
// phase ("iopulse" for a run without phases).
// "groupid" is fio's reporting group: by default the phase's index, as fio's
// stonewalls number its groups; a job file's new_group starts another group
// inside a phase (FioReportGroups).  With group_reporting the jobs of one
// reporting group are merged into one entry, named after its first job.
//
// IOPulse measures one latency per IO, from its submission to the engine to
// its completion: it is written as both clat_ns and lat_ns; slat_ns is
// written with N = 0 (not measured).  fio-json+ adds clat_ns.bins, the
// latency histogram in fio's own bins: IOPulse's histogram has fio's bucket
// layout (64 buckets per power of two, exact below 128 ns), so every bucket
// maps to exactly one fio bin, keyed by the value fio gives that bin.  Only
// what was measured is written: fio's per-interval bw/iops statistics
// (bw_min, iops_samples, ...) and IO-depth distributions are left out.
// With --io-priority, each direction that had IOs of both priorities gets
// fio's "prios" array (as fio writes it with cmdprio_percentage): one entry
// per priority with samples, {prioclass, prio, clat_ns}, the IOs without a
// priority (class 0, level 0) first.  Not written for the jobs of a phase
// with several groups reported apart (the split is kept per phase).
// "fio version" names IOPulse ("iopulse-<version>"), so no reader mistakes
// the document for fio's.
#ifndef IOPULSE_REPORT_FIO_JSON_WRITER_H_
#define IOPULSE_REPORT_FIO_JSON_WRITER_H_

#include <cstdint>
#include <vector>

#include <nlohmann/json.hpp>

#include "stats/run_result.h"

namespace iopulse {

enum class FioJsonFlavour { kJson, kJsonPlus };

// fio's unified_rw_reporting: each direction apart (none, fio's default);
// reads, writes and trims merged into one "mixed" object instead (mixed);
// or both.
enum class FioUnifiedRw { kNone, kMixed, kBoth };

// How a fio job file reports its jobs.
struct FioReportGroups {
  // group_reporting: the jobs of one groupid become one entry.
  bool group_reporting = false;
  // groupids[p][g]: fio's groupid of phase p's group g (of its one job when
  // the phase has no groups), non-decreasing in run order.  Empty: each
  // phase is one group, numbered by its index.
  std::vector<std::vector<uint32_t>> groupids;
  // left_out[p]: phase p is not written (a fio ramp_time's phase), unless
  // the run ended in it (an error or an interrupt during the ramp): then
  // its entries are the jobs', named ramp_names[p] (the names of phase
  // p + 1's groups, or of its one job) in phase p + 1's reporting groups,
  // with what they did and their error, as fio reports a job that failed
  // in its ramp.
  std::vector<bool> left_out;
  std::vector<std::vector<std::string>> ramp_names;
  // read_back[p]: phase p is the read-back pass of the one job of phase
  // p - 1 (fio's verify with do_verify=1): its reads are that job's, over
  // their own runtime, as fio reports them.
  std::vector<bool> read_back;
  // repeat[p]: phase p is another loop of the job of the last phase before
  // it that is neither a read-back nor a repeat (fio's loops with its
  // read-back pass): its IO is that job's, its runtime added, as fio
  // reports its loops.
  std::vector<bool> repeat;
  // The name of the one job of a run without phases (a fio job file's);
  // empty: "iopulse".
  std::string job_name;
  // clat's percentiles, ascending, each in (0, 100] (fio's percentile_list,
  // --fio-percentiles); empty: fio's default list.
  std::vector<double> percentiles;
  FioUnifiedRw unified = FioUnifiedRw::kNone;
  // --continue-on-error (fio's continue_on_error): each job also carries
  // fio's "total_err" and "first_error", and its IOs that failed count in
  // total_ios, as fio counts them when it goes on.
  bool continue_on_error = false;
  // The run's time so far, from the process's start (fio's "elapsed" is
  // since fio's); 0: its preparation and every phase's window.
  uint64_t elapsed_ns = 0;
};

nlohmann::ordered_json fio_json_document(const RunResult& result, FioJsonFlavour flavour, const FioReportGroups& groups);

// fio's histogram bin for a latency (stat.h: plat_val_to_idx) and the value
// fio writes for a bin (plat_idx_to_val).
uint32_t fio_bin_index(uint64_t ns);
uint64_t fio_bin_value(uint32_t index);

}  // namespace iopulse

#endif  // IOPULSE_REPORT_FIO_JSON_WRITER_H_
