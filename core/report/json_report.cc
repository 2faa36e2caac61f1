// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "report/json_report.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <map>
#include <string_view>
#include <system_error>

#include "job/io_priority.h"
#include "output/result_file.h"
#include "report/percentiles.h"

namespace iopulse {

namespace {

using nlohmann::json;

json latency_to_json(const LatencyHistogram& latency) {
  json percentiles = json::object();
  for (const ReportedPercentile& reported : kReportedPercentiles) {
    percentiles[std::string(reported.key)] = latency.percentile(reported.p);
  }
  json histogram = json::array();
  latency.for_each_bucket([&histogram](uint64_t lower, uint64_t upper, uint64_t count) {
    histogram.push_back(json::array({lower, upper, count}));
  });
  return {
      {"min", latency.min()},
      {"mean", latency.mean()},
      {"max", latency.max()},
      {"stddev", latency.stddev()},
      {"percentiles", std::move(percentiles)},
      {"histogram", std::move(histogram)},
  };
}

json op_to_json(const OpStats& stats, uint64_t window_ns) {
  return {
      {"ops", stats.ops},
      {"bytes", stats.bytes},
      {"iops", iops(stats, window_ns)},
      {"bw_bytes_per_sec", bandwidth_bytes_per_sec(stats, window_ns)},
      {"errors", stats.errors},
      {"latency_ns", latency_to_json(stats.latency)},
  };
}

// The reads and writes of a DoneView as rates over its window.
json done_to_json(const DoneView& d) {
  const double secs = static_cast<double>(d.window_ns) / 1e9;
  return {{"rank", d.rank},
          {"window_ns", d.window_ns},
          {"ops", d.ops},
          {"bytes", d.bytes},
          {"iops", secs > 0 ? static_cast<double>(d.ops) / secs : 0.0},
          {"bw_bytes_per_sec", secs > 0 ? static_cast<double>(d.bytes) / secs : 0.0}};
}

// The metadata op kinds that happened, each under its name; null when none did.
json metadata_to_json(const OpStatsSet& meta, uint64_t window_ns) {
  json j = json::object();
  for (size_t k = kFirstMetaKind; k < kNumOpKinds; ++k) {
    const OpStats& s = meta.kinds[k];
    if (s.ops != 0 || s.errors != 0) j[kOpKinds[k].name] = op_to_json(s, window_ns);
  }
  return j.empty() ? json() : j;
}

json cluster_to_json(const ClusterSummary& c) {
  json ranks = json::array();
  // Per host: its ranks' counters merged, over the longest of their windows.
  std::map<std::string, std::pair<std::vector<uint32_t>, RankResult>> hosts;
  for (const RankResult& r : c.per_rank) {
    OpStats total = r.read;
    total.merge(r.write);
    json rj = {{"rank", r.rank},
               {"host", r.host},
               {"workers", r.workers},
               {"target", r.target},
               {"window_ns", r.window_ns},
               {"stop_reason", stop_reason_name(r.stop_reason)},
               {"read", op_to_json(r.read, r.window_ns)},
               {"write", op_to_json(r.write, r.window_ns)},
               {"total", op_to_json(total, r.window_ns)},
               {"cpu", {{"user_s", r.resources.user_s}, {"system_s", r.resources.system_s}}}};
    if (r.sync.ops != 0 || r.sync.errors != 0) rj["sync"] = op_to_json(r.sync, r.window_ns);
    if (r.trim.ops != 0 || r.trim.errors != 0) rj["trim"] = op_to_json(r.trim, r.window_ns);
    if (json m = metadata_to_json(r.meta, r.window_ns); !m.is_null()) {
      rj["metadata"] = std::move(m);
      rj["worker_ops"] = r.worker_ops;
    }
    ranks.push_back(std::move(rj));
    auto& [members, sum] = hosts[r.host];
    members.push_back(r.rank);
    sum.workers += r.workers;
    sum.window_ns = std::max(sum.window_ns, r.window_ns);
    sum.read.merge(r.read);
    sum.write.merge(r.write);
    sum.sync.merge(r.sync);
    sum.trim.merge(r.trim);
    sum.meta.merge(r.meta);
  }
  json per_host = json::array();
  for (const auto& [host, entry] : hosts) {
    const auto& [members, sum] = entry;
    OpStats total = sum.read;
    total.merge(sum.write);
    json hj = {{"host", host},
               {"ranks", members},
               {"workers", sum.workers},
               {"window_ns", sum.window_ns},
               {"read", op_to_json(sum.read, sum.window_ns)},
               {"write", op_to_json(sum.write, sum.window_ns)},
               {"total", op_to_json(total, sum.window_ns)}};
    if (sum.sync.ops != 0 || sum.sync.errors != 0) hj["sync"] = op_to_json(sum.sync, sum.window_ns);
    if (sum.trim.ops != 0 || sum.trim.errors != 0) hj["trim"] = op_to_json(sum.trim, sum.window_ns);
    if (json m = metadata_to_json(sum.meta, sum.window_ns); !m.is_null()) hj["metadata"] = std::move(m);
    per_host.push_back(std::move(hj));
  }
  json j = {{"transport", c.transport},
            {"ranks", c.ranks},
            {"hosts", c.hosts},
            {"start_skew_ns", c.start_skew_ns},
            {"per_rank", std::move(ranks)},
            {"per_host", std::move(per_host)}};
  if (c.last_done.window_ns != 0) {
    j["first_done"] = done_to_json(c.first_done);
    j["last_done"] = done_to_json(c.last_done);
    j["progress_sample_ns"] = c.progress_sample_ns;
  }
  return j;
}

}  // namespace

json result_to_json(const RunResult& result) {
  json j = {
      {"schema_version", kJsonSchemaVersion},
      {"iopulse_version", result.iopulse_version},
      {"started_at", result.started_at},
      {"engine",
       {{"name", result.engine.name},
        {"version", result.engine.version},
        {"abi", result.engine.abi},
        {"path", result.engine.path}}},
      {"config", result.config},
      {"window_ns", result.window_ns},
      {"interrupted", result.interrupted},
      {"stop_reason", stop_reason_name(result.stop_reason)},
      {"errors", result.error_messages},
      {"read", op_to_json(result.read, result.window_ns)},
      {"write", op_to_json(result.write, result.window_ns)},
      {"total", op_to_json(result.total(), result.window_ns)},
      {"cpu", {{"user_s", result.resources.user_s}, {"system_s", result.resources.system_s}}},
  };
  if (!result.engine.settings.empty()) {
    json settings = json::object();
    for (const auto& [name, value] : result.engine.settings) settings[name] = value;
    j["engine"]["settings"] = std::move(settings);
  }
  if (result.window_offset_ns != 0) j["window_offset_ns"] = result.window_offset_ns;
  if (!result.steady_state.is_null()) j["steady_state"] = result.steady_state;
  if (result.sync.ops != 0 || result.sync.errors != 0) j["sync"] = op_to_json(result.sync, result.window_ns);
  // Trims: bytes are the bytes discarded and bw_bytes_per_sec their rate;
  // neither is in "total", which is reads and writes.
  if (result.trim.ops != 0 || result.trim.errors != 0) j["trim"] = op_to_json(result.trim, result.window_ns);
  if (result.io_priority != 0) {
    const auto share = [&](const PriorityShare& s) {
      return json{{"read", op_to_json(s.read, result.window_ns)}, {"write", op_to_json(s.write, result.window_ns)}};
    };
    j["io_priority"] = {{"priority", io_priority_text(result.io_priority)},
                        {"class", IOP_IOPRIO_CLASS(result.io_priority)},
                        {"level", IOP_IOPRIO_LEVEL(result.io_priority)},
                        {"percent", result.io_priority_percent},
                        {"others_priority",
                         result.io_priority_others == 0 ? "none" : io_priority_text(result.io_priority_others)},
                        {"prioritized", share(result.priority.prioritized)},
                        {"others", share(result.priority.others)}};
  }
  if (json m = metadata_to_json(result.meta, result.window_ns); !m.is_null()) {
    j["metadata"] = std::move(m);
    j["worker_ops"] = result.worker_ops;
  }
  const ResourceUsage& r = result.resources;
  // No share for a window too short to have one (null, as the text report
  // says so in words).
  const std::optional<double> busy = r.busy_cores(result.window_ns);
  j["resources"] = {
      {"cpu_user_s", r.user_s},
      {"cpu_system_s", r.system_s},
      {"cpu_util_percent", busy ? json(*busy * 100.0) : json(nullptr)},
      {"cores_used", result.cores_used},
      {"cpu_util_share_of_cores_used",
       busy && result.cores_used != 0 ? json(*busy / result.cores_used) : json(nullptr)},
      {"ctx_switches_voluntary", r.voluntary_switches},
      {"ctx_switches_involuntary", r.involuntary_switches},
      {"max_rss_bytes", r.max_rss_bytes}};
  j["preparation"] = {{"elapsed_ns", result.preparation_ns}, {"bytes_written", result.preparation_bytes}};
  if (!result.clock.source.empty()) {
    const ClockReport& c = result.clock;
    j["clock"] = {{"source", c.source},
                  {"invariant_tsc", c.invariant_tsc},
                  {"kernel_clocksource", c.kernel_clocksource},
                  {"tsc_ghz", c.tsc_ghz},
                  {"checks", c.checks},
                  {"max_drift_ns", c.max_drift_ns},
                  {"last_drift_ns", c.last_drift_ns},
                  {"fallback_reason", c.fallback_reason.empty() ? json(nullptr) : json(c.fallback_reason)}};
  }
  if (result.first_io_ns != 0 && result.process_started_ns != 0 && result.first_io_ns > result.process_started_ns) {
    const uint64_t span = result.first_io_ns - result.process_started_ns;
    j["startup"] = {{"to_first_io_ns", span > result.preparation_ns ? span - result.preparation_ns : 0},
                    {"preparation_ns", result.preparation_ns},
                    {"process_started_monotonic_ns", result.process_started_ns},
                    {"first_io_monotonic_ns", result.first_io_ns}};
  }
  if (result.stats_interval_ns != 0) {
    j["stats_interval_ns"] = result.stats_interval_ns;
    json series = json::array();
    for (const IntervalSummary& s : result.timeseries) series.push_back(s.to_json());
    j["timeseries"] = std::move(series);
    if (!result.worker_timeseries.empty()) {
      json per_worker = json::array();
      for (const IntervalSummary& s : result.worker_timeseries) per_worker.push_back(s.to_json());
      j["worker_timeseries"] = std::move(per_worker);
    }
    if (result.timeseries_truncated) j["timeseries_truncated"] = true;
  }
  if (result.heatmap) j["heatmap"] = result.heatmap->to_json();
  if (!result.phase.empty()) j["name"] = result.phase;
  if (!result.groups.empty()) {
    json groups = json::array();
    for (const RunResult::GroupResult& g : result.groups) {
      OpStats total = g.read;
      total.merge(g.write);
      // A group's rates are over its own window (its --start-delay out).
      const uint64_t window = g.window_ns != 0 ? g.window_ns : result.window_ns;
      json gj = {{"name", g.name},
                 {"window_ns", window},
                 {"read", op_to_json(g.read, window)},
                 {"write", op_to_json(g.write, window)},
                 {"total", op_to_json(total, window)}};
      if (g.sync.ops != 0) gj["sync"] = op_to_json(g.sync, window);
      if (g.trim.ops != 0 || g.trim.errors != 0) gj["trim"] = op_to_json(g.trim, window);
      groups.push_back(std::move(gj));
    }
    j["groups"] = std::move(groups);
  }
  if (!result.phases.empty()) {
    json phases = json::array();
    for (const RunResult& p : result.phases) phases.push_back(result_to_json(p));
    j["phases"] = std::move(phases);
  }
  if (result.rate_limited) {
    j["read"]["latency_from_intended_ns"] = latency_to_json(result.read_intended);
    j["write"]["latency_from_intended_ns"] = latency_to_json(result.write_intended);
    LatencyHistogram total = result.read_intended;
    total.merge(result.write_intended);
    j["total"]["latency_from_intended_ns"] = latency_to_json(total);
    j["schedule_lag_ns"] = latency_to_json(result.schedule_lag);
  }
  if (result.replay_timed) j["replay_lag_ns"] = latency_to_json(result.replay_lag);
  if (result.locking) j["lock_conflicts"] = result.lock_conflicts;
  if (!result.worker_cpus.empty()) {
    json workers = json::array();
    for (size_t i = 0; i < result.worker_cpus.size(); ++i) {
      json w = {{"index", i}, {"cpu", result.worker_cpus[i]}};
      if (i < result.worker_numa_nodes.size() && result.worker_numa_nodes[i] >= 0) w["numa_node"] = result.worker_numa_nodes[i];
      workers.push_back(std::move(w));
    }
    j["workers"] = std::move(workers);
  }
  if (result.verifying) {
    j["verify"] = {{"failures", result.verify_failures}};
    if (!result.verify_journal.empty()) {
      j["verify"]["journal"] = {{"path", result.verify_journal},
                                {"epoch", result.journal_epoch},
                                {"durable_blocks", result.journal_durable_blocks}};
    }
  }
  if (result.cluster) {
    j["cluster"] = cluster_to_json(*result.cluster);
    j.erase("workers");  // the CPUs of rank 0's workers only; per_rank has every rank
  }
  return j;
}

void write_json_file(const std::string& path, const RunResult& result) {
  // Error texts from engines may hold bytes that are not UTF-8; replace them
  // rather than fail the whole report.
  std::string text =
      result_to_json(result).dump(2, ' ', false, json::error_handler_t::replace);
  text += '\n';
  write_result_file("--json-output", path, text, "JSON results");
}

}  // namespace iopulse
