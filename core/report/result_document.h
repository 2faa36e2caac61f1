// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// ResultDocument: a result file (docs/json-output.md, schema_version 1) read
// back into plain values for reports that work from files, such as
// `iopulse report`.  Reading is tolerant: every member is optional, a
// missing or mistyped value reads as empty or zero, so files written by
// older or newer iopulse versions still render.  Nothing here throws.
#ifndef IOPULSE_REPORT_RESULT_DOCUMENT_H_
#define IOPULSE_REPORT_RESULT_DOCUMENT_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace iopulse {

// One bucket of a sparse latency histogram: `count` IOs took
// lower_ns <= latency < upper_ns.
struct HistogramBucket {
  double lower_ns = 0;
  double upper_ns = 0;
  uint64_t count = 0;
};

// Latency of one op kind, over the whole window or one interval.
// `percentiles` is keyed by the decimal text of p ("50", "99.9"), whether
// the file wrote them as {"percentiles": {"99": ...}} (totals) or as
// "p99" members (intervals).
struct LatencySummary {
  double min_ns = 0;
  double mean_ns = 0;
  double max_ns = 0;
  std::optional<double> stddev_ns;
  std::map<std::string, double> percentiles;
  std::vector<HistogramBucket> histogram;  // totals only; increasing order

  // The percentile stored under `key`, or nullopt.
  std::optional<double> percentile(const std::string& key) const;
};

// The counters of one op kind (read, write or total).
struct OpSummary {
  uint64_t ops = 0;
  uint64_t bytes = 0;
  uint64_t errors = 0;
  double iops = 0;
  double bw_bytes_per_sec = 0;
  LatencySummary latency;

  bool active() const { return ops != 0 || errors != 0; }
};

// kSync counts fsync/fdatasync operations (no bytes), kTrim trims (their
// bytes are the bytes discarded, not data moved), each present only in
// results of jobs that issued them.
enum class ResultOp { kRead, kWrite, kSync, kTrim, kTotal };

// One entry of `timeseries`: times relative to the start of the window.
struct ResultInterval {
  uint64_t index = 0;
  uint64_t start_ns = 0;
  uint64_t end_ns = 0;
  OpSummary read;
  OpSummary write;
  OpSummary sync;
  OpSummary trim;
  OpSummary total;
  // Metadata op kinds that had operations in the interval, by name.
  std::vector<std::pair<std::string, OpSummary>> metadata;
  std::optional<double> qd_mean;

  const OpSummary& op(ResultOp kind) const;
  // The metadata kind `name`'s counters, or null when it had none.
  const OpSummary* metadata_op(const std::string& name) const;
};

// Where the IOs went: the target split into `buckets` regions of
// `bytes_per_bucket` bytes each; reads[i] and writes[i] count the IOs
// that landed in region i.
struct ResultHeatmap {
  uint64_t buckets = 0;
  uint64_t bytes_per_bucket = 0;
  std::vector<uint64_t> reads;
  std::vector<uint64_t> writes;
  std::optional<double> coverage;       // share of blocks touched at least once, 0..1
  std::optional<double> rewrite_share;  // share of writes that hit a block written before
  std::optional<double> top20_share;    // share of IOs in the hottest 20% of the regions
};

// Process resources during the window; each member present only when the
// file had it (older files carry just cpu.user_s / cpu.system_s).
struct ResultResources {
  std::optional<double> cpu_user_s;
  std::optional<double> cpu_system_s;
  std::optional<double> cpu_util_percent;
  std::optional<double> ctx_switches_voluntary;
  std::optional<double> ctx_switches_involuntary;
  std::optional<double> max_rss_bytes;
};

struct ResultDocument {
  std::optional<int64_t> schema_version;  // nullopt: not an IOPulse result
  std::string iopulse_version;
  std::string tool;  // what measured the run when it was not IOPulse ("fio-3.33"), else empty
  std::string started_at;  // "started_at", "start_time" or "date", when present
  std::string engine_name;
  std::string engine_version;
  std::string engine_abi;
  std::string engine_path;
  nlohmann::json config = nlohmann::json::object();
  uint64_t window_ns = 0;
  bool interrupted = false;
  std::string stop_reason;
  std::vector<std::string> errors;
  OpSummary read;
  OpSummary write;
  OpSummary sync;
  OpSummary trim;
  OpSummary total;
  // Metadata op kinds ("mkdir", "create", "stat", ...), in the file's order.
  std::vector<std::pair<std::string, OpSummary>> metadata;
  // A run of phases: each phase's metadata kinds as "<phase>: <kind>"
  // ("dir-create: mkdir"), in the file's order; empty without phases.
  std::vector<std::pair<std::string, OpSummary>> phase_metadata;
  // With --io-priority: the reads and writes by the priority they carried,
  // as "read be:2", "read none", "write be:2", "write none" (io_priority's
  // prioritized and others); empty without.
  std::vector<std::pair<std::string, OpSummary>> priority_groups;
  std::optional<uint64_t> stats_interval_ns;
  std::vector<ResultInterval> timeseries;  // empty when the file has none
  bool timeseries_truncated = false;  // the file kept only part of the series
  std::optional<uint64_t> preparation_ns;     // file preparation before the window
  std::optional<uint64_t> preparation_bytes;
  std::optional<ResultHeatmap> heatmap;
  ResultResources resources;

  const OpSummary& op(ResultOp kind) const;
};

ResultDocument read_result_document(const nlohmann::json& doc);

// "read", "write", "sync", "trim", "total".
const char* result_op_name(ResultOp kind);

}  // namespace iopulse

#endif  // IOPULSE_REPORT_RESULT_DOCUMENT_H_
