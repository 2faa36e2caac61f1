// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "report/prometheus_text.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <unordered_set>

namespace iopulse {

MetricsSnapshot::OpMetrics MetricsSnapshot::OpMetrics::from(const OpStats& cumulative,
                                                            const OpStats& interval,
                                                            double interval_seconds) {
  OpMetrics m;
  m.ops = cumulative.ops;
  m.bytes = cumulative.bytes;
  m.errors = cumulative.errors;
  m.latency_count = cumulative.latency.count();
  m.latency_sum_seconds = static_cast<double>(cumulative.latency.sum()) / 1e9;
  if (interval_seconds > 0) {
    m.iops = static_cast<double>(interval.ops) / interval_seconds;
    m.bandwidth_bytes_per_second = static_cast<double>(interval.bytes) / interval_seconds;
  }
  for (size_t i = 0; i < kQuantileCount; ++i) {
    m.latency_quantile_seconds[i] =
        interval.latency.count() == 0
            ? std::numeric_limits<double>::quiet_NaN()
            : static_cast<double>(interval.latency.percentile(kReportedPercentiles[i].p)) / 1e9;
  }
  // Each histogram bucket lies wholly below or wholly above every bound:
  // add its count to the first bound at or above its end, then accumulate.
  cumulative.latency.for_each_bucket([&m](uint64_t, uint64_t upper, uint64_t count) {
    const auto at = std::lower_bound(kLatencyBucketBounds.begin(), kLatencyBucketBounds.end(), upper);
    if (at != kLatencyBucketBounds.end()) m.latency_buckets[static_cast<size_t>(at - kLatencyBucketBounds.begin())] += count;
  });
  for (size_t i = 1; i < m.latency_buckets.size(); ++i) m.latency_buckets[i] += m.latency_buckets[i - 1];
  return m;
}

MetricsSnapshot::Ops::Ops() {
  for (const OpKindInfo& k : kOpKinds) {
    if (k.always_reported) (*this)[k.kind] = OpMetrics{};
  }
}

void MetricsSnapshot::Ops::set_from(const OpStatsSet& cumulative, const OpStatsSet& interval,
                                    double interval_seconds) {
  for (const OpKindInfo& k : kOpKinds) {
    const OpStats& c = cumulative[k.kind];
    if (k.always_reported || c.ops != 0 || c.errors != 0) {
      (*this)[k.kind] = OpMetrics::from(c, interval[k.kind], interval_seconds);
    } else {
      (*this)[k.kind].reset();
    }
  }
}

std::string escape_prometheus_label_value(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '"': out += "\\\""; break;
      case '\n': out += "\\n"; break;
      default: out += c;
    }
  }
  return out;
}

namespace {

using OpMetrics = MetricsSnapshot::OpMetrics;

// A sample value: the shortest text that reads back to the same double,
// without an exponent between 1e-9 and 1e15 (so a latency of 100 us reads
// "0.0001", a bandwidth "1000000"); NaN and infinities as the format spells
// them.  Integer counters are printed exactly.
std::string format_value(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (v == 0) return "0";
  char buf[64];
  const double magnitude = std::fabs(v);
  const bool fixed = magnitude >= 1e-9 && magnitude < 1e15;
  auto res = fixed ? std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed)
                   : std::to_chars(buf, buf + sizeof buf, v);
  if (res.ec != std::errc()) res = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, res.ptr);
}
std::string format_value(uint64_t v) { return std::to_string(v); }

// The `quantile` label of a reported percentile: its key ("99.9") divided
// by 100 in decimal text ("0.999"), so no binary rounding shows.
std::string quantile_label(std::string_view key) {
  const size_t dot = key.find('.');
  std::string_view whole = key.substr(0, dot);
  const std::string_view fraction = dot == std::string_view::npos ? "" : key.substr(dot + 1);
  if (whole == "100") return "1";
  std::string digits(whole.size() < 2 ? 2 - whole.size() : 0, '0');
  digits += whole;
  digits += fraction;
  while (!digits.empty() && digits.back() == '0') digits.pop_back();
  return digits.empty() ? "0" : "0." + digits;
}

// HELP text escaping: \ and newline.
std::string escape_help(std::string_view help) {
  std::string out;
  for (char c : help) {
    if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

// One job-wide or per-worker set of op metrics; worker is null for the job.
struct Scope {
  const std::string* worker;
  const MetricsSnapshot::Ops* ops;
};

template <class F>
void for_each_op(const MetricsSnapshot::Ops& ops, F&& f, bool (*include)(OpKind) = nullptr) {
  for (const OpKindInfo& k : kOpKinds) {
    if (include != nullptr && !include(k.kind)) continue;
    if (const std::optional<OpMetrics>& m = ops[k.kind]) f(std::string_view(k.name), *m);
  }
}

// The byte families count bytes moved; a trim's bytes were discarded, not
// moved, and have a family of their own.
bool moves_bytes(OpKind kind) { return kind != OpKind::kTrim; }
bool is_trim(OpKind kind) { return kind == OpKind::kTrim; }

class Writer {
 public:
  void family(std::string_view name, std::string_view help, std::string_view type) {
    out_ += "# HELP ";
    out_ += name;
    out_ += ' ';
    out_ += escape_help(help);
    out_ += "\n# TYPE ";
    out_ += name;
    out_ += ' ';
    out_ += type;
    out_ += '\n';
  }

  // `labels` is the inside of the braces, already escaped; empty for none.
  void sample(std::string_view name, std::string_view labels, const std::string& value) {
    out_ += name;
    if (!labels.empty()) {
      out_ += '{';
      out_ += labels;
      out_ += '}';
    }
    out_ += ' ';
    out_ += value;
    out_ += '\n';
  }

  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

std::string op_labels(std::string_view op, const std::string* worker) {
  std::string labels = "op=\"";
  labels += op;  // one of a fixed set of plain words
  labels += '"';
  if (worker) {
    labels += ",worker=\"";
    labels += escape_prometheus_label_value(*worker);
    labels += '"';
  }
  return labels;
}

// A counter or gauge family with one sample per scope and op.
template <class Get>
void op_family(Writer& w, const std::string& name, std::string_view help, std::string_view type,
               const std::vector<Scope>& scopes, Get get, bool (*include)(OpKind) = nullptr) {
  w.family(name, help, type);
  for (const Scope& s : scopes) {
    for_each_op(*s.ops, [&](std::string_view op, const OpMetrics& m) {
      w.sample(name, op_labels(op, s.worker), format_value(get(m)));
    }, include);
  }
}

// One series of a cumulative latency histogram: its buckets, _sum, _count.
void histogram_samples(Writer& w, const std::string& name, const std::string& labels, const OpMetrics& m) {
  static const std::array<std::string, kLatencyBucketCount> kBounds = [] {
    std::array<std::string, kLatencyBucketCount> bounds;
    for (size_t i = 0; i < bounds.size(); ++i) {
      bounds[i] = ",le=\"" + format_value(static_cast<double>(kLatencyBucketBounds[i]) / 1e9) + '"';
    }
    return bounds;
  }();
  const std::string bucket_name = name + "_bucket";
  for (size_t i = 0; i < kBounds.size(); ++i) {
    w.sample(bucket_name, labels + kBounds[i], format_value(m.latency_buckets[i]));
  }
  w.sample(bucket_name, labels + ",le=\"+Inf\"", format_value(m.latency_count));
  w.sample(name + "_sum", labels, format_value(m.latency_sum_seconds));
  w.sample(name + "_count", labels, format_value(m.latency_count));
}

// The cumulative latency histogram of the job's scope.
void histogram_family(Writer& w, const std::string& name, std::string_view help, const Scope& scope) {
  w.family(name, help, "histogram");
  for_each_op(*scope.ops, [&](std::string_view op, const OpMetrics& m) {
    histogram_samples(w, name, op_labels(op, scope.worker), m);
  });
}

void latency_family(Writer& w, const std::string& name, std::string_view help,
                    const std::vector<Scope>& scopes) {
  std::array<std::string, OpMetrics::kQuantileCount> quantiles;
  for (size_t i = 0; i < quantiles.size(); ++i) {
    quantiles[i] = ",quantile=\"" + quantile_label(kReportedPercentiles[i].key) + '"';
  }
  const std::string sum_name = name + "_sum";
  const std::string count_name = name + "_count";
  w.family(name, help, "summary");
  for (const Scope& s : scopes) {
    for_each_op(*s.ops, [&](std::string_view op, const OpMetrics& m) {
      const std::string labels = op_labels(op, s.worker);
      for (size_t i = 0; i < quantiles.size(); ++i) {
        w.sample(name, labels + quantiles[i], format_value(m.latency_quantile_seconds[i]));
      }
      w.sample(sum_name, labels, format_value(m.latency_sum_seconds));
      w.sample(count_name, labels, format_value(m.latency_count));
    });
  }
}

// The six per-op families under `prefix` ("iopulse_" or "iopulse_worker_").
void op_families(Writer& w, const std::string& prefix, std::string_view who,
                 const std::vector<Scope>& scopes) {
  const std::string by = std::string(who);
  op_family(w, prefix + "ops_total",
            "IOs completed successfully since the measured window opened" + by + ".", "counter",
            scopes, [](const OpMetrics& m) { return m.ops; });
  op_family(w, prefix + "bytes_total",
            "Bytes moved by successful IOs since the measured window opened" + by + ".",
            "counter", scopes, [](const OpMetrics& m) { return m.bytes; }, moves_bytes);
  op_family(w, prefix + "errors_total",
            "IOs that failed since the measured window opened" + by + ".", "counter", scopes,
            [](const OpMetrics& m) { return m.errors; });
  op_family(w, prefix + "iops",
            "Successful IOs per second over the last stats interval" + by + ".", "gauge",
            scopes, [](const OpMetrics& m) { return m.iops; });
  op_family(w, prefix + "bandwidth_bytes_per_second",
            "Bytes per second moved by successful IOs over the last stats interval" + by + ".",
            "gauge", scopes, [](const OpMetrics& m) { return m.bandwidth_bytes_per_second; }, moves_bytes);
  bool trims = false;
  for (const Scope& s : scopes) trims = trims || (*s.ops)[OpKind::kTrim].has_value();
  if (trims) {
    op_family(w, prefix + "trimmed_bytes_total",
              "Bytes discarded by successful trims since the measured window opened" + by +
                  " (not data moved: never in bytes_total or bandwidth).",
              "counter", scopes, [](const OpMetrics& m) { return m.bytes; }, is_trim);
  }
  if (scopes.size() == 1 && scopes.front().worker == nullptr) {
    histogram_family(w, prefix + "latency_seconds",
                     "IO latency from submission to completion since the measured window opened; "
                     "buckets add across hosts.",
                     scopes.front());
  }
  latency_family(w, prefix + "interval_latency_seconds",
                 "IO latency from submission to completion" + by +
                     "; quantiles over the last stats interval, sum and count since the "
                     "measured window opened.",
                 scopes);
}

std::string label(std::string_view name, std::string_view value) {
  return std::string(name) + "=\"" + escape_prometheus_label_value(value) + '"';
}

// The reads and writes by priority: two counters and the histogram, each
// sample labelled with its op and priority.
void priority_families(Writer& w, const std::vector<MetricsSnapshot::PriorityGroup>& groups) {
  auto each = [&groups](auto&& f) {
    for (const MetricsSnapshot::PriorityGroup& g : groups) {
      const std::string prio = "," + label("priority", g.priority);
      f(std::string("op=\"read\"") + prio, g.read);
      f(std::string("op=\"write\"") + prio, g.write);
    }
  };
  w.family("iopulse_priority_ops_total",
           "Reads and writes completed successfully since the measured window opened, by the IO priority they "
           "carried.",
           "counter");
  each([&](const std::string& labels, const OpMetrics& m) {
    w.sample("iopulse_priority_ops_total", labels, format_value(m.ops));
  });
  w.family("iopulse_priority_bytes_total",
           "Bytes moved by successful reads and writes since the measured window opened, by the IO priority they "
           "carried.",
           "counter");
  each([&](const std::string& labels, const OpMetrics& m) {
    w.sample("iopulse_priority_bytes_total", labels, format_value(m.bytes));
  });
  w.family("iopulse_priority_latency_seconds",
           "Read and write latency from submission to completion since the measured window opened, by the IO "
           "priority the IOs carried; buckets add across hosts.",
           "histogram");
  each([&](const std::string& labels, const OpMetrics& m) {
    histogram_samples(w, "iopulse_priority_latency_seconds", labels, m);
  });
}

}  // namespace

std::string render_prometheus_text(const MetricsSnapshot& snapshot) {
  std::unordered_set<std::string_view> ids;
  for (const auto& worker : snapshot.workers) {
    if (worker.id.empty()) throw std::invalid_argument("metrics snapshot: a worker has no id");
    if (!ids.insert(worker.id).second) {
      throw std::invalid_argument("metrics snapshot: two workers have the id '" + worker.id + "'");
    }
  }

  Writer w;
  const MetricsSnapshot::Info& info = snapshot.info;
  w.family("iopulse_run_info", "What is running: IOPulse and engine versions, the job name; always 1.", "gauge");
  w.sample("iopulse_run_info",
           label("version", info.iopulse_version) + "," + label("engine", info.engine) + "," +
               label("engine_version", info.engine_version) + "," + label("engine_abi", info.engine_abi) + "," +
               label("job_name", info.job_name),
           "1");
  w.family("iopulse_running", "1 while the measured window is open, 0 before and after.",
           "gauge");
  w.sample("iopulse_running", "", snapshot.running ? "1" : "0");
  w.family("iopulse_elapsed_seconds", "Time since the measured window opened.", "gauge");
  w.sample("iopulse_elapsed_seconds", "",
           format_value(static_cast<double>(snapshot.elapsed_ns) / 1e9));

  op_families(w, "iopulse_", "", {Scope{nullptr, &snapshot.job}});
  if (!snapshot.priorities.empty()) priority_families(w, snapshot.priorities);

  if (!snapshot.workers.empty()) {
    std::vector<Scope> scopes;
    scopes.reserve(snapshot.workers.size());
    for (const auto& worker : snapshot.workers) scopes.push_back(Scope{&worker.id, &worker.ops});
    op_families(w, "iopulse_worker_", ", per worker", scopes);
  }
  return w.take();
}

}  // namespace iopulse
