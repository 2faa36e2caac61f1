// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "stats/interval_stats.h"

namespace iopulse {
namespace {

OpIntervalSummary summarize(const OpStats& s, uint64_t span_ns) {
  OpIntervalSummary o;
  o.ops = s.ops;
  o.bytes = s.bytes;
  o.errors = s.errors;
  o.iops = iops(s, span_ns);
  o.bw_bytes_per_sec = bandwidth_bytes_per_sec(s, span_ns);
  const LatencyHistogram& h = s.latency;
  if (h.count() > 0) {
    o.lat_min = h.min();
    o.lat_max = h.max();
    o.lat_mean = h.mean();
    o.lat_p50 = h.percentile(50);
    o.lat_p90 = h.percentile(90);
    o.lat_p99 = h.percentile(99);
    o.lat_p999 = h.percentile(99.9);
  }
  return o;
}

nlohmann::json op_json(const OpIntervalSummary& o) {
  return {{"ops", o.ops},
          {"bytes", o.bytes},
          {"errors", o.errors},
          {"iops", o.iops},
          {"bw_bytes_per_sec", o.bw_bytes_per_sec},
          {"latency_ns",
           {{"min", o.lat_min},
            {"mean", o.lat_mean},
            {"max", o.lat_max},
            {"p50", o.lat_p50},
            {"p90", o.lat_p90},
            {"p99", o.lat_p99},
            {"p99.9", o.lat_p999}}}};
}

}  // namespace

IntervalSummary IntervalSummary::of(const OpStatsSet& ops, uint64_t index, uint64_t start_ns,
                                    uint64_t end_ns, uint64_t inflight_sum, uint64_t reap_calls,
                                    int64_t worker) {
  IntervalSummary s;
  s.worker = worker;
  s.index = index;
  s.start_ns = start_ns;
  s.end_ns = end_ns;
  const uint64_t span = end_ns > start_ns ? end_ns - start_ns : 0;
  for (size_t i = 0; i < kNumOpKinds; ++i) {
    const OpStats& k = ops.kinds[i];
    if (i >= kFirstMetaKind && k.ops == 0 && k.errors == 0) continue;
    s.kind(static_cast<OpKind>(i)) = summarize(k, span);
  }
  s.total = summarize(ops.data_total(), span);
  if (!ops.priority.empty()) {
    const PrioritySplit& p = ops.priority;
    s.priority = std::make_shared<const PriorityIntervalSummary>(
        PriorityIntervalSummary{summarize(p.prioritized.read, span), summarize(p.prioritized.write, span),
                                summarize(p.others.read, span), summarize(p.others.write, span)});
  }
  s.qd_mean = reap_calls > 0 ? static_cast<double>(inflight_sum) / static_cast<double>(reap_calls) : 0;
  return s;
}

const OpIntervalSummary& IntervalSummary::operator[](OpKind k) const {
  if (static_cast<size_t>(k) < kFirstMetaKind) return data_kinds_[static_cast<size_t>(k)];
  for (const auto& [kind, summary] : meta_kinds_) {
    if (kind == k) return summary;
  }
  static const OpIntervalSummary kNone;
  return kNone;
}

OpIntervalSummary& IntervalSummary::kind(OpKind k) {
  if (static_cast<size_t>(k) < kFirstMetaKind) return data_kinds_[static_cast<size_t>(k)];
  auto at = meta_kinds_.begin();
  while (at != meta_kinds_.end() && at->first < k) ++at;
  if (at == meta_kinds_.end() || at->first != k) at = meta_kinds_.insert(at, {k, OpIntervalSummary{}});
  return at->second;
}

uint64_t IntervalSummary::errors() const {
  uint64_t n = 0;
  for (const OpIntervalSummary& k : data_kinds_) n += k.errors;
  for (const auto& [kind, summary] : meta_kinds_) n += summary.errors;
  return n;
}

nlohmann::json IntervalSummary::to_json() const {
  nlohmann::json j = {{"index", index},
                      {"start_ns", start_ns},
                      {"end_ns", end_ns},
                      {"total", op_json(total)},
                      {"qd_mean", qd_mean}};
  for (const OpKindInfo& k : kOpKinds) {
    const OpIntervalSummary& o = (*this)[k.kind];
    if (!k.always_reported && o.ops == 0 && o.errors == 0) continue;
    if (static_cast<size_t>(k.kind) >= kFirstMetaKind) {
      j["metadata"][k.name] = op_json(o);
    } else {
      j[k.name] = op_json(o);
    }
  }
  if (priority) {
    j["priority"] = {{"prioritized", {{"read", op_json(priority->prioritized_read)},
                                      {"write", op_json(priority->prioritized_write)}}},
                     {"others", {{"read", op_json(priority->others_read)}, {"write", op_json(priority->others_write)}}}};
  }
  if (worker >= 0) j["worker"] = worker;
  if (!phase.empty()) j["phase"] = phase;
  return j;
}

}  // namespace iopulse
