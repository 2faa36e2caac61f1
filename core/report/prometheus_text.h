// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// The live metrics of a running job in the Prometheus text exposition format
// (version 0.0.4), as served at /metrics by PrometheusExporter.
//
// MetricsSnapshot is plain data: the run layer fills one once per stats
// interval (never on the per-IO path) and hands it to the exporter, which
// renders it when scraped.
//
// Metric families (base units: seconds, bytes), all prefixed iopulse_:
//
//   run_info{version,engine,engine_version,engine_abi,job_name}
//                                    gauge    always 1: what is running
//   running                          gauge    1 while the measured window is open
//   elapsed_seconds                  gauge    time since the window opened
//   ops_total{op}                    counter  successful IOs, cumulative
//   bytes_total{op}                  counter  bytes those IOs moved, cumulative
//   errors_total{op}                 counter  failed IOs, cumulative
//   iops{op}                         gauge    successful IOs per second, last interval
//   bandwidth_bytes_per_second{op}   gauge    bytes per second, last interval
//   latency_seconds{op}              histogram  cumulative buckets (le), _sum, _count
//   interval_latency_seconds{op}     summary  quantiles of the last interval;
//                                             _sum and _count cumulative
//
// With --io-priority, the job's reads and writes again by the priority they
// carried (`priority`: the job's, as --io-priority spells it, or "none";
// both values sum to the op's families above):
//
//   priority_ops_total{op,priority}        counter    successful IOs, cumulative
//   priority_bytes_total{op,priority}      counter    bytes they moved, cumulative
//   priority_latency_seconds{op,priority}  histogram  cumulative buckets, _sum, _count
//
// and the same per-op families per worker but the histogram, named
// iopulse_worker_*, with a `worker` label besides `op`.  `op` is every op
// kind by its name (op/op_kind.h): "read" and "write" always, the
// others ("sync") once the job issued any.  No kind is folded into
// another: syncs are never counted as reads or writes.
//
// The histogram is what fleets aggregate: its buckets add across workers
// and hosts, so histogram_quantile(0.99, sum by (le) (rate(
// iopulse_latency_seconds_bucket[1m]))) is the p99 of every IO of every
// host, which no combination of summaries can give.  Its bounds
// (kLatencyBucketBounds: 125 ns times powers of two, up to 67 s) are
// boundaries of the LatencyHistogram's own buckets, so each count is exact:
// the IOs whose latency, in whole nanoseconds, was below the bound.
//
// Why separate iopulse_worker_* families rather than worker="all" (or no
// worker label) for the job total inside one family: Prometheus asks that
// sum() over every series of a metric be meaningful.  With the total inside
// the family, sum(iopulse_ops_total) would count every IO twice, and a
// sentinel label value could collide with a real worker name.  Separate
// families keep both sums right (sum(iopulse_worker_ops_total) equals
// sum(iopulse_ops_total)) and still export the job's own latency quantiles,
// which cannot be computed from per-worker quantiles.
//
// The summary follows the client libraries' convention: quantiles over a
// recent window (here the last stats interval, NaN when it had no
// completion), _sum and _count over the whole run, so rate(_sum)/rate(_count)
// gives the mean latency over any range.  Quantiles are the ones every
// report shows (report/percentiles.h).
#ifndef IOPULSE_REPORT_PROMETHEUS_TEXT_H_
#define IOPULSE_REPORT_PROMETHEUS_TEXT_H_

#include <array>
#include <cstdint>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "stats/op_stats_set.h"
#include "report/percentiles.h"
#include "stats/latency_histogram.h"
#include "stats/op_stats.h"
#include "stats/op_stats_set.h"

namespace iopulse {

// The Content-Type of render_prometheus_text()'s output.
inline constexpr std::string_view kPrometheusTextContentType =
    "text/plain; version=0.0.4; charset=utf-8";

// The `le` bounds of the latency histogram, in nanoseconds: 125 ns * 2^i.
// Each is where a LatencyHistogram bucket begins (125 * 2^i lies in
// [2^(i+6), 2^(i+7)), whose sub-buckets are 2^i wide), so counting the IOs
// below a bound needs no estimate.  +Inf follows.
inline constexpr size_t kLatencyBucketCount = 30;
inline constexpr std::array<uint64_t, kLatencyBucketCount> kLatencyBucketBounds = [] {
  std::array<uint64_t, kLatencyBucketCount> bounds{};
  for (size_t i = 0; i < bounds.size(); ++i) bounds[i] = uint64_t{125} << i;
  return bounds;
}();

struct MetricsSnapshot {
  // The numbers of one op kind, for the job or for one worker.
  struct OpMetrics {
    static constexpr size_t kQuantileCount = std::size(kReportedPercentiles);

    // Cumulative since the window opened (Prometheus counters).
    uint64_t ops = 0;
    uint64_t bytes = 0;
    uint64_t errors = 0;
    uint64_t latency_count = 0;        // latencies recorded (== ops)
    double latency_sum_seconds = 0;    // their sum

    // Over the last stats interval (Prometheus gauges).
    double iops = 0;
    double bandwidth_bytes_per_second = 0;
    // Latency at kReportedPercentiles[i], seconds; NaN when the interval
    // completed no IO of this kind.
    std::array<double, kQuantileCount> latency_quantile_seconds{};

    // Cumulative: latencies below kLatencyBucketBounds[i] (the histogram's
    // buckets; the +Inf bucket is latency_count).
    std::array<uint64_t, kLatencyBucketCount> latency_buckets{};

    // From the counters since the window opened (`cumulative`) and those of
    // the last interval only (`interval`: its ops, bytes and latency
    // histogram), which lasted `interval_seconds` (rates are 0 when that
    // is not positive).  A few microseconds: one pass over each histogram.
    static OpMetrics from(const OpStats& cumulative, const OpStats& interval,
                          double interval_seconds);
  };

  // Per op kind, indexed by OpKind; a kind is exported when it is set.
  // The run layer sets the always-reported kinds (read, write) from the
  // first snapshot on (zero until IO happens, so rate() works from the
  // first scrape) and any other kind once it happened (see set_from()).
  struct Ops {
    // The always-reported kinds at zero, the others unset.
    Ops();

    std::array<std::optional<OpMetrics>, kNumOpKinds> kinds;

    std::optional<OpMetrics>& operator[](OpKind k) { return kinds[static_cast<size_t>(k)]; }
    const std::optional<OpMetrics>& operator[](OpKind k) const { return kinds[static_cast<size_t>(k)]; }

    // Every kind from the counters since the window opened and those of the
    // last interval (OpMetrics::from); a kind that is not always reported
    // only when it happened.
    void set_from(const OpStatsSet& cumulative, const OpStatsSet& interval, double interval_seconds);
  };

  // What is running: the run_info labels.
  struct Info {
    std::string iopulse_version;
    std::string engine;          // the engine's name
    std::string engine_version;
    std::string engine_abi;      // "2.0"
    std::string job_name;        // --job-name; may be empty
  };

  struct Worker {
    std::string id;  // the `worker` label value, e.g. "0"; unique, not empty
    Ops ops;
  };

  // The reads and writes of one priority (see the families above).
  struct PriorityGroup {
    std::string priority;  // the `priority` label value: "be:2", "none"
    OpMetrics read, write;
  };

  Info info;
  uint64_t elapsed_ns = 0;  // since the measured window opened
  bool running = false;     // the measured window is open
  Ops job;                  // merged over all workers
  std::vector<Worker> workers;
  // With --io-priority (one priority for the whole job): the job's
  // prioritized IOs, then those that carried none.  Empty otherwise.
  std::vector<PriorityGroup> priorities;
};

// The snapshot in the text exposition format 0.0.4: for each family its
// # HELP and # TYPE lines, then all its samples; every line ends in '\n'.
// Throws std::invalid_argument when two workers share an id or one is empty.
std::string render_prometheus_text(const MetricsSnapshot& snapshot);

// A label value escaped for the exposition format: \ " and newline become
// \\ \" and \n.
std::string escape_prometheus_label_value(std::string_view value);

}  // namespace iopulse

#endif  // IOPULSE_REPORT_PROMETHEUS_TEXT_H_
