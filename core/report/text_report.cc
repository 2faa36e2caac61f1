// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "report/text_report.h"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "job/io_priority.h"
#include "report/percentiles.h"
#include "report/units.h"

namespace iopulse {

namespace {

// Every line is "  <label padded to kLabelWidth><value>".
constexpr int kLabelWidth = 13;

// Engine settings longer than this stay out of the engine line.
constexpr size_t kMaxEngineSettingsText = 100;

using Out = std::back_insert_iterator<std::string>;

void line(Out out, std::string_view label, std::string_view value) {
  fmt::format_to(out, "  {:<{}}{}\n", label, kLabelWidth, value);
}

std::string engine_text(const EngineIdentity& engine) {
  std::string text = engine.name.empty() ? std::string("(unknown)") : engine.name;
  if (!engine.version.empty()) text += " " + engine.version;
  if (!engine.abi.empty()) text += ", ABI " + engine.abi;
  if (!engine.path.empty()) text += ", " + engine.path;
  // The settings that took effect, when they fit on the line (all of them
  // are in the JSON results).
  std::string settings;
  for (const auto& [name, value] : engine.settings) {
    settings += (settings.empty() ? "" : ", ") + name + "=" + value;
  }
  if (!settings.empty() && settings.size() <= kMaxEngineSettingsText) text += " (" + settings + ")";
  return text;
}

// `moves_data`: the kind transfers bytes (a bandwidth line); mkdir, stat
// and the like do not.  `bytes_label`: a kind that does not move data but
// acts on a byte count (trim) shows it on a line of that name instead.
void op_section(Out out, std::string_view title, const OpStats& stats, uint64_t window_ns, bool moves_data = true,
                const char* bytes_label = nullptr) {
  fmt::format_to(out, "\n{}\n", title);
  line(out, "IOPS", fmt::format("{}  ({} ops)", format_iops(iops(stats, window_ns)), stats.ops));
  if (moves_data) {
    line(out, "bandwidth",
         fmt::format("{}  ({}, {} bytes)", format_bandwidth(bandwidth_bytes_per_sec(stats, window_ns)),
                     format_bytes(stats.bytes), stats.bytes));
  } else if (bytes_label != nullptr) {
    line(out, bytes_label, fmt::format("{}  ({} bytes; not data moved, not in bandwidth)", format_bytes(stats.bytes),
                                       stats.bytes));
  }
  line(out, "errors", fmt::format("{}", stats.errors));
  const LatencyHistogram& latency = stats.latency;
  if (latency.count() == 0) {
    line(out, "latency", "none (no completed IOs)");
    return;
  }
  line(out, "latency",
       fmt::format("min {}, mean {}, max {}, stddev {}",
                   format_latency_ns(static_cast<double>(latency.min())),
                   format_latency_ns(latency.mean()),
                   format_latency_ns(static_cast<double>(latency.max())),
                   format_latency_ns(latency.stddev())));
  std::string percentiles;
  for (const ReportedPercentile& reported : kReportedPercentiles) {
    if (!percentiles.empty()) percentiles += ", ";
    percentiles += fmt::format("p{} {}", reported.key,
                               format_latency_ns(static_cast<double>(latency.percentile(reported.p))));
  }
  line(out, "percentiles", percentiles);
}

bool has_activity(const OpStats& stats) { return stats.ops != 0 || stats.errors != 0; }

// --io-priority: one line per op kind the job did and priority (the job's,
// the others': "none" or --io-priority-others), each from its own histogram.
void write_priority_split(Out out, const RunResult& result) {
  const std::string prio = io_priority_text(result.io_priority);
  const std::string others = result.io_priority_others == 0 ? "none" : io_priority_text(result.io_priority_others);
  fmt::format_to(out, "\nby IO priority ({} on {}% of reads and writes, {} on the others)\n", prio,
                 result.io_priority_percent, others);
  const struct {
    const char* op;
    const OpStats& all;
    const OpStats& with;
    const OpStats& without;
  } rows[] = {{"read", result.read, result.priority.prioritized.read, result.priority.others.read},
              {"write", result.write, result.priority.prioritized.write, result.priority.others.write}};
  for (const auto& row : rows) {
    if (!has_activity(row.all)) continue;
    for (const auto& [who, stats] : {std::pair<std::string, const OpStats*>{prio, &row.with}, {others, &row.without}}) {
      const LatencyHistogram& h = stats->latency;
      line(out, fmt::format("{} {}", row.op, who),
           h.count() == 0 ? fmt::format("{} ops", stats->ops)
                          : fmt::format("{} ops, mean {}, p50 {}, p99 {}, max {}", stats->ops,
                                        format_latency_ns(h.mean()),
                                        format_latency_ns(static_cast<double>(h.percentile(50))),
                                        format_latency_ns(static_cast<double>(h.percentile(99))),
                                        format_latency_ns(static_cast<double>(h.max()))));
    }
  }
}

// The heatmap as a text bar chart: the working set in 20 rows (each row
// sums buckets/20 regions), a bar per row scaled to the busiest row.
void write_heatmap(Out& out, const AccessHeatmap& heatmap) {
  constexpr uint32_t kRows = 20;
  constexpr int kWidth = 50;
  const uint32_t buckets = heatmap.buckets();
  const uint32_t rows = std::min(kRows, buckets);
  std::vector<uint64_t> reads(rows), writes(rows);
  for (uint32_t b = 0; b < buckets; ++b) {
    const uint32_t row = static_cast<uint32_t>(static_cast<uint64_t>(b) * rows / buckets);
    reads[row] += heatmap.reads()[b];
    writes[row] += heatmap.writes()[b];
  }
  uint64_t busiest = 1;
  for (uint32_t i = 0; i < rows; ++i) busiest = std::max(busiest, reads[i] + writes[i]);
  fmt::format_to(out, "\naccess heatmap ({} regions of {}; R = reads, W = writes)\n", buckets,
                 format_bytes(heatmap.bytes_per_bucket()));
  const uint64_t row_bytes = heatmap.bytes_per_bucket() * buckets / rows;
  for (uint32_t i = 0; i < rows; ++i) {
    const int r = static_cast<int>(reads[i] * kWidth / busiest);
    const int w = static_cast<int>(writes[i] * kWidth / busiest);
    fmt::format_to(out, "  {:>10} |{}{}{}| {}\n", format_bytes(row_bytes * i), std::string(r, 'R'),
                   std::string(w, 'W'), std::string(kWidth - r - w, ' '), reads[i] + writes[i]);
  }
  fmt::format_to(out, "  busiest 20% of regions: {:.1f}% of accesses; rest: {:.1f}%\n",
                 heatmap.top20_share() * 100, (1 - heatmap.top20_share()) * 100);
  // Rounded down: 100.0% only when every unit was touched.
  const double covered = std::floor(heatmap.coverage() * 1000) / 10;
  fmt::format_to(out, "  coverage {:.1f}% of {} units; rewrite share {:.1f}% of unit writes went to a unit written before\n",
                 covered, format_bytes(heatmap.unit_bytes()), heatmap.rewrite_share() * 100);
}



// A multi-rank run: each rank's own numbers (or each host's, past 32
// ranks) and the first-done / last-done throughput.
void write_cluster(Out out, const ClusterSummary& c) {
  fmt::format_to(out, "\nper rank (each over its own window)\n");
  // Reads and writes; a rank that did only metadata operations shows
  // those (every kind together).
  const auto row = [&](const std::string& who, uint64_t window_ns, const MeasuredCounters& r) {
    OpStats total = r.read;
    total.merge(r.write);
    const bool meta = total.ops == 0 && total.errors == 0 && r.meta.meta_total().ops + r.meta.meta_total().errors != 0;
    if (meta) total = r.meta.meta_total();
    std::string text = meta ? fmt::format("{}  {} metadata ops/s", format_duration_ns(window_ns),
                                          format_iops(iops(total, window_ns)))
                            : fmt::format("{}  {} IOPS  {}", format_duration_ns(window_ns),
                                          format_iops(iops(total, window_ns)),
                                          format_bandwidth(bandwidth_bytes_per_sec(total, window_ns)));
    if (total.ops != 0) {
      text += fmt::format("  p50 {}  p99 {}", format_latency_ns(static_cast<double>(total.latency.percentile(50))),
                          format_latency_ns(static_cast<double>(total.latency.percentile(99))));
    }
    if (total.errors != 0) text += fmt::format("  {} errors", total.errors);
    line(out, who, text);
  };
  if (c.per_rank.size() <= 32) {
    for (const RankResult& r : c.per_rank) {
      row(fmt::format("rank {} {}", r.rank, r.host), r.window_ns, r);
    }
  } else {
    std::map<std::string, RankResult> hosts;
    for (const RankResult& r : c.per_rank) {
      RankResult& h = hosts[r.host];
      h.window_ns = std::max(h.window_ns, r.window_ns);
      h.read.merge(r.read);
      h.write.merge(r.write);
      h.meta.merge(r.meta);
    }
    for (const auto& [host, h] : hosts) row(host, h.window_ns, h);
  }
  if (c.last_done.window_ns == 0) return;
  for (const auto& [label, d] : {std::pair<const char*, const DoneView*>{"first done", &c.first_done},
                                 {"last done", &c.last_done}}) {
    const double secs = static_cast<double>(d->window_ns) / 1e9;
    line(out, label,
         fmt::format("rank {} after {}: {} IOPS, {} (reads and writes of all ranks until then)", d->rank,
                     format_duration_ns(d->window_ns),
                     format_iops(secs > 0 ? static_cast<double>(d->ops) / secs : 0.0),
                     format_bandwidth(secs > 0 ? static_cast<double>(d->bytes) / secs : 0.0)));
  }
}

}  // namespace

void write_text_summary(std::ostream& os, const RunResult& result) {
  std::string text;
  Out out(text);

  fmt::format_to(out, "IOPulse{} results\n",
                 result.iopulse_version.empty() ? "" : " " + result.iopulse_version);
  if (result.interrupted) {
    fmt::format_to(out, "  *** INTERRUPTED: the run was stopped early; the numbers cover the "
                        "part that ran ***\n");
  }
  line(out, "engine", engine_text(result.engine));
  std::string window = fmt::format("{} ({} ns)", format_duration_ns(result.window_ns),
                                   result.window_ns);
  if (result.stop_reason != StopReason::kNone) {
    window += fmt::format(", stopped by {}", stop_reason_name(result.stop_reason));
  }
  if (result.window_offset_ns != 0) {
    window += fmt::format(", after a start delay of {} (not measured)", format_duration_ns(result.window_offset_ns));
  }
  line(out, "window", window);
  if (result.cluster) {
    const ClusterSummary& c = *result.cluster;
    uint32_t workers = 0;
    for (const RankResult& r : c.per_rank) workers += r.workers;
    line(out, "cluster", fmt::format("{} ranks on {} host(s), {} workers ({}); start skew {}", c.ranks, c.hosts,
                                     workers, c.transport, format_latency_ns(static_cast<double>(c.start_skew_ns))));
  }

  const OpStats meta_total = result.meta.meta_total();
  const bool metadata = meta_total.ops != 0 || meta_total.errors != 0;
  if (has_activity(result.read)) op_section(out, "read", result.read, result.window_ns);
  if (has_activity(result.write)) op_section(out, "write", result.write, result.window_ns);
  OpStats total = result.total();
  if (!metadata || has_activity(total)) op_section(out, "total", total, result.window_ns);
  if (has_activity(result.sync)) op_section(out, "sync", result.sync, result.window_ns);
  if (has_activity(result.trim)) op_section(out, "trim", result.trim, result.window_ns, false, "discarded");
  // Metadata operations: one section per kind, each its own rate.
  for (size_t k = kFirstMetaKind; k < kNumOpKinds; ++k) {
    if (has_activity(result.meta.kinds[k])) {
      op_section(out, kOpKinds[k].name, result.meta.kinds[k], result.window_ns, kOpKinds[k].moves_data);
    }
  }
  total.errors += meta_total.errors;
  if (result.worker_ops.size() > 1 && metadata) {
    const auto [lo, hi] = std::minmax_element(result.worker_ops.begin(), result.worker_ops.end());
    line(out, "per worker", fmt::format("{} to {} ops each ({} workers){}", *lo, *hi, result.worker_ops.size(),
                                        result.stop_reason == StopReason::kDuration ? ", stopped together at the time limit"
                                                                         : ""));
  }
  if (result.io_priority != 0) write_priority_split(out, result);
  if (result.rate_limited) {
    fmt::format_to(out, "\nlatency from the intended start on the rate schedule (service latency + schedule lag + "
                        "queueing behind a slow device)\n");
    for (const auto& [name, h] : {std::pair<const char*, const LatencyHistogram*>{"read", &result.read_intended},
                                  {"write", &result.write_intended}}) {
      if (h->count() == 0) continue;
      line(out, name, fmt::format("p50 {}, p99 {}, p99.9 {}, max {}", format_latency_ns(static_cast<double>(h->percentile(50))),
                                  format_latency_ns(static_cast<double>(h->percentile(99))),
                                  format_latency_ns(static_cast<double>(h->percentile(99.9))),
                                  format_latency_ns(static_cast<double>(h->max()))));
    }
    const LatencyHistogram& lag = result.schedule_lag;
    if (lag.count() != 0) {
      line(out, "lag", fmt::format("p50 {}, p99 {}, max {} (the host's own lateness against the schedule, not the device's)",
                                   format_latency_ns(static_cast<double>(lag.percentile(50))),
                                   format_latency_ns(static_cast<double>(lag.percentile(99))),
                                   format_latency_ns(static_cast<double>(lag.max()))));
    }
  }
  if (result.replay_timed) {
    const LatencyHistogram& lag = result.replay_lag;
    line(out, "replay lag", lag.count() == 0 ? std::string("no IO replayed")
                          : fmt::format("p50 {}, p99 {}, p99.9 {}, max {} behind the recorded times ({} IOs)",
                                        format_latency_ns(static_cast<double>(lag.percentile(50))),
                                        format_latency_ns(static_cast<double>(lag.percentile(99))),
                                        format_latency_ns(static_cast<double>(lag.percentile(99.9))),
                                        format_latency_ns(static_cast<double>(lag.max())), lag.count()));
  }
  if (result.locking) {
    line(out, "locks", fmt::format("{} IO(s) found their range locked by another worker and waited",
                                   result.lock_conflicts));
  }
  if (result.verifying) {
    line(out, "verify", result.verify_failures == 0
                            ? std::string("every block read back was correct")
                            : fmt::format("{} block(s) FAILED verification", result.verify_failures));
  }

  fmt::format_to(out, "\n");
  std::string cpu = fmt::format("user {:.2f} s, system {:.2f} s", result.resources.user_s,
                                result.resources.system_s);
  if (const std::optional<double> busy = result.resources.busy_cores(result.window_ns)) {
    cpu += fmt::format(" ({:.1f}% of one core", *busy * 100.0);
    if (result.cores_used > 1) {
      cpu += fmt::format(", {:.1f}% of the {} cores the workers used", *busy * 100.0 / result.cores_used,
                         result.cores_used);
    }
    cpu += ")";
  } else if (result.window_ns != 0) {
    cpu += " (the window is under 100 ms: too short for a share of a core)";
  }
  line(out, "cpu", cpu);
  const ResourceUsage& r = result.resources;
  if (r.max_rss_bytes != 0 || r.voluntary_switches != 0 || r.involuntary_switches != 0) {
    line(out, "resources",
         fmt::format("context switches {} voluntary, {} involuntary; peak RSS {}",
                     r.voluntary_switches, r.involuntary_switches, format_bytes(r.max_rss_bytes)));
  }
  if (result.preparation_bytes != 0) {
    line(out, "preparation",
         fmt::format("wrote {} in {} before the window (not measured)",
                     format_bytes(result.preparation_bytes), format_duration_ns(result.preparation_ns)));
  }
  if (result.heatmap) write_heatmap(out, *result.heatmap);
  if (result.cluster) write_cluster(out, *result.cluster);

  if (!result.error_messages.empty()) {
    if (total.errors >= result.error_messages.size()) {
      fmt::format_to(out, "\nIO errors: {} (first {} shown)\n", total.errors,
                     result.error_messages.size());
    } else {
      fmt::format_to(out, "\nerrors:\n");
    }
    for (const std::string& message : result.error_messages) {
      fmt::format_to(out, "  - {}\n", message);
    }
  }
  os << text;
}

}  // namespace iopulse
