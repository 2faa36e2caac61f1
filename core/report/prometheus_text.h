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
//   running                          gauge    1 while the measured window is open
//   elapsed_seconds                  gauge    time since the window opened
//   ops_total{op}                    counter  successful IOs, cumulative
//   bytes_total{op}                  counter  bytes those IOs moved, cumulative
//   errors_total{op}                 counter  failed IOs, cumulative
//   iops{op}                         gauge    successful IOs per second, last interval
//   bandwidth_bytes_per_second{op}   gauge    bytes per second, last interval
//   latency_seconds{op}              summary  quantiles of the last interval;
//                                             _sum and _count cumulative
//
// and the same six per-op families per worker, named iopulse_worker_*, with
// a `worker` label besides `op`.  op is "read", "write" and, when the job
// issues them, "sync".
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

namespace iopulse {

// The Content-Type of render_prometheus_text()'s output.
inline constexpr std::string_view kPrometheusTextContentType =
    "text/plain; version=0.0.4; charset=utf-8";

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

    // From the counters since the window opened (`cumulative`) and those of
    // the last interval only (`interval`: its ops, bytes and latency
    // histogram), which lasted `interval_seconds` (rates are 0 when that
    // is not positive).  A few microseconds: one pass over each histogram.
    static OpMetrics from(const OpStats& cumulative, const OpStats& interval,
                          double interval_seconds);
  };

  // Per op kind.  read and write are always exported (zero until IO
  // happens, so rate() works from the first scrape); sync only when set.
  struct Ops {
    OpMetrics read;
    OpMetrics write;
    std::optional<OpMetrics> sync;
    // Metadata kinds (index k - kFirstMetaKind), each once it has happened.
    std::array<std::optional<OpMetrics>, kNumMetaKinds> meta;
  };

  struct Worker {
    std::string id;  // the `worker` label value, e.g. "0"; unique, not empty
    Ops ops;
  };

  uint64_t elapsed_ns = 0;  // since the measured window opened
  bool running = false;     // the measured window is open
  Ops job;                  // merged over all workers
  std::vector<Worker> workers;
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
