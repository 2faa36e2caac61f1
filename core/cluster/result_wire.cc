// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "cluster/result_wire.h"

#include <stdexcept>

namespace iopulse {

using nlohmann::json;

namespace {

json histogram_to_wire(const LatencyHistogram& h) { return h.to_words(); }

// Read into `h` where it lies: the results hold their histograms inline
// (tens of KiB each), and the merge of the ranks' reports keeps whole
// results on the stack, so no histogram or statistic is made as a
// temporary here.
void histogram_from_wire(const json& w, LatencyHistogram& h) {
  if (!h.from_words(w.get<std::vector<uint64_t>>())) throw std::runtime_error("malformed latency histogram");
}

json resources_to_wire(const ResourceUsage& r) {
  return {r.user_s, r.system_s, r.voluntary_switches, r.involuntary_switches, r.max_rss_bytes};
}

ResourceUsage resources_from_wire(const json& w) {
  ResourceUsage r;
  r.user_s = w.at(0).get<double>();
  r.system_s = w.at(1).get<double>();
  r.voluntary_switches = w.at(2).get<uint64_t>();
  r.involuntary_switches = w.at(3).get<uint64_t>();
  r.max_rss_bytes = w.at(4).get<uint64_t>();
  return r;
}

json set_to_wire(const OpStatsSet& s) {
  json a = json::array();
  for (const OpStats& k : s.kinds) a.push_back(op_stats_to_wire(k));
  return a;
}

void set_from_wire(const json& w, OpStatsSet& s) {
  for (size_t i = 0; i < kNumOpKinds; ++i) op_stats_from_wire(w.at(i), s.kinds[i]);
}

}  // namespace

json op_stats_to_wire(const OpStats& s) { return {s.ops, s.bytes, s.errors, histogram_to_wire(s.latency)}; }

void op_stats_from_wire(const json& w, OpStats& s) {
  s.ops = w.at(0).get<uint64_t>();
  s.bytes = w.at(1).get<uint64_t>();
  s.errors = w.at(2).get<uint64_t>();
  histogram_from_wire(w.at(3), s.latency);
}

json counters_to_wire(const MeasuredCounters& c) {
  const PrioritySplit& p = c.priority;
  return {
      {"ops", {op_stats_to_wire(c.read), op_stats_to_wire(c.write), op_stats_to_wire(c.sync), op_stats_to_wire(c.trim)}},
      {"meta", set_to_wire(c.meta)},
      {"priority", {op_stats_to_wire(p.prioritized.read), op_stats_to_wire(p.prioritized.write),
                    op_stats_to_wire(p.others.read), op_stats_to_wire(p.others.write)}},
      {"lags", {histogram_to_wire(c.read_intended), histogram_to_wire(c.write_intended),
                histogram_to_wire(c.schedule_lag), histogram_to_wire(c.replay_lag)}},
      {"verify_failures", c.verify_failures},
      {"lock_conflicts", c.lock_conflicts},
      {"first_error", c.first_error},
  };
}

void counters_from_wire(const json& w, MeasuredCounters& c) {
  const json& ops = w.at("ops");
  op_stats_from_wire(ops.at(0), c.read);
  op_stats_from_wire(ops.at(1), c.write);
  op_stats_from_wire(ops.at(2), c.sync);
  op_stats_from_wire(ops.at(3), c.trim);
  set_from_wire(w.at("meta"), c.meta);
  const json& p = w.at("priority");
  op_stats_from_wire(p.at(0), c.priority.prioritized.read);
  op_stats_from_wire(p.at(1), c.priority.prioritized.write);
  op_stats_from_wire(p.at(2), c.priority.others.read);
  op_stats_from_wire(p.at(3), c.priority.others.write);
  const json& lags = w.at("lags");
  histogram_from_wire(lags.at(0), c.read_intended);
  histogram_from_wire(lags.at(1), c.write_intended);
  histogram_from_wire(lags.at(2), c.schedule_lag);
  histogram_from_wire(lags.at(3), c.replay_lag);
  c.verify_failures = w.at("verify_failures").get<uint64_t>();
  c.lock_conflicts = w.at("lock_conflicts").get<uint64_t>();
  c.first_error = w.at("first_error").get<int>();
}

std::string to_bytes(const json& wire) {
  const std::vector<uint8_t> packed = json::to_msgpack(wire);
  return std::string(packed.begin(), packed.end());
}

json from_bytes(const std::string& bytes) {
  try {
    return json::from_msgpack(bytes);
  } catch (const json::exception& e) {
    throw std::runtime_error(std::string("malformed message between ranks: ") + e.what());
  }
}

std::string encode_interval(uint32_t run, const MergedInterval& m) {
  return to_bytes({run, m.index, set_to_wire(m.ops), m.inflight_sum, m.reap_calls, m.last});
}

bool decode_interval(const std::string& bytes, uint32_t run, MergedInterval& out) {
  const json w = from_bytes(bytes);
  try {
    if (w.at(0).get<uint32_t>() != run) return false;
    out.index = w.at(1).get<uint64_t>();
    out.ops.priority.clear();  // (not on the wire: none)
    set_from_wire(w.at(2), out.ops);
    out.inflight_sum = w.at(3).get<uint64_t>();
    out.reap_calls = w.at(4).get<uint64_t>();
    out.last = w.at(5).get<bool>();
  } catch (const json::exception& e) {
    throw std::runtime_error(std::string("malformed interval from a rank: ") + e.what());
  }
  return true;
}

std::string encode_rank_report(const RankReport& r) {
  json groups = json::array();
  for (const RunResult::GroupResult& g : r.groups) {
    groups.push_back({g.name, op_stats_to_wire(g.read), op_stats_to_wire(g.write), op_stats_to_wire(g.sync),
                      op_stats_to_wire(g.trim), g.window_ns, g.span_sum_ns, g.first_error});
  }
  json workers = json::array();
  for (const RunResult::WorkerResult& w : r.worker_results) {
    json priority = json::array();
    for (const PrioritySplit& p : w.priority) {
      priority.push_back({op_stats_to_wire(p.prioritized.read), op_stats_to_wire(p.prioritized.write),
                          op_stats_to_wire(p.others.read), op_stats_to_wire(p.others.write)});
    }
    workers.push_back({w.group, op_stats_to_wire(w.read), op_stats_to_wire(w.write), op_stats_to_wire(w.sync),
                       op_stats_to_wire(w.trim), w.span_ns, resources_to_wire(w.usage), std::move(priority),
                       w.first_error, w.io_priority, w.io_priority_others});
  }
  const RankResult& b = r.result;
  return to_bytes({
      {"rank", b.rank},
      {"host", b.host},
      {"workers", b.workers},
      {"target", b.target},
      {"window_ns", b.window_ns},
      {"stop_reason", stop_reason_name(b.stop_reason)},
      {"counters", counters_to_wire(b)},
      {"worker_ops", b.worker_ops},
      {"resources", resources_to_wire(b.resources)},
      {"interrupted", r.interrupted},
      {"errors", r.error_messages},
      {"groups", std::move(groups)},
      {"start_realtime_ns", r.start_realtime_ns},
      {"at_first", {r.ops_at_first, r.bytes_at_first}},
      {"cores_used", r.cores_used},
      {"online_cpus", r.online_cpus},
      {"worker_span_sum_ns", r.worker_span_sum_ns},
      {"worker_results", std::move(workers)},
  });
}

RankReport decode_rank_report(const std::string& bytes) {
  const json w = from_bytes(bytes);
  RankReport r;
  try {
    RankResult& b = r.result;
    b.rank = w.at("rank").get<uint32_t>();
    b.host = w.at("host").get<std::string>();
    b.workers = w.at("workers").get<uint32_t>();
    b.target = w.at("target").get<std::string>();
    b.window_ns = w.at("window_ns").get<uint64_t>();
    const std::string reason = w.at("stop_reason").get<std::string>();
    const std::optional<StopReason> known = parse_stop_reason(reason);
    if (!known) throw std::runtime_error("a rank's report names an unknown stop reason '" + reason + "'");
    b.stop_reason = *known;
    counters_from_wire(w.at("counters"), b);
    b.worker_ops = w.at("worker_ops").get<std::vector<uint64_t>>();
    b.resources = resources_from_wire(w.at("resources"));
    r.interrupted = w.at("interrupted").get<bool>();
    r.error_messages = w.at("errors").get<std::vector<std::string>>();
    for (const json& g : w.at("groups")) {
      RunResult::GroupResult& group = r.groups.emplace_back();
      group.name = g.at(0).get<std::string>();
      op_stats_from_wire(g.at(1), group.read);
      op_stats_from_wire(g.at(2), group.write);
      op_stats_from_wire(g.at(3), group.sync);
      op_stats_from_wire(g.at(4), group.trim);
      group.window_ns = g.at(5).get<uint64_t>();
      group.span_sum_ns = g.at(6).get<uint64_t>();
      group.first_error = g.at(7).get<int>();
    }
    r.start_realtime_ns = w.at("start_realtime_ns").get<uint64_t>();
    const json& f = w.at("at_first");
    r.ops_at_first = f.at(0).get<uint64_t>();
    r.bytes_at_first = f.at(1).get<uint64_t>();
    r.cores_used = w.at("cores_used").get<uint32_t>();
    r.online_cpus = w.at("online_cpus").get<uint32_t>();
    r.worker_span_sum_ns = w.at("worker_span_sum_ns").get<uint64_t>();
    for (const json& x : w.at("worker_results")) {
      RunResult::WorkerResult& wr = r.worker_results.emplace_back();
      wr.group = x.at(0).get<uint32_t>();
      op_stats_from_wire(x.at(1), wr.read);
      op_stats_from_wire(x.at(2), wr.write);
      op_stats_from_wire(x.at(3), wr.sync);
      op_stats_from_wire(x.at(4), wr.trim);
      wr.span_ns = x.at(5).get<uint64_t>();
      wr.usage = resources_from_wire(x.at(6));
      wr.first_error = x.at(8).get<int>();
      wr.io_priority = x.at(9).get<uint16_t>();
      wr.io_priority_others = x.at(10).get<uint16_t>();
      for (const json& p : x.at(7)) {
        PrioritySplit& split = wr.priority.emplace_back();
        op_stats_from_wire(p.at(0), split.prioritized.read);
        op_stats_from_wire(p.at(1), split.prioritized.write);
        op_stats_from_wire(p.at(2), split.others.read);
        op_stats_from_wire(p.at(3), split.others.write);
      }
    }
  } catch (const json::exception& e) {
    throw std::runtime_error(std::string("malformed result from a rank: ") + e.what());
  }
  return r;
}

}  // namespace iopulse
