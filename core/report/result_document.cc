// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "report/result_document.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace iopulse {
namespace {

using nlohmann::json;

const json* member(const json& object, const char* key) {
  if (!object.is_object()) return nullptr;
  const auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

std::optional<double> number(const json& object, const char* key) {
  const json* value = member(object, key);
  if (value == nullptr || !value->is_number()) return std::nullopt;
  const double d = value->get<double>();
  if (!std::isfinite(d)) return std::nullopt;
  return d;
}

// A count: exact when the file stored an unsigned integer, otherwise the
// rounded non-negative number (0 when missing).
uint64_t count(const json& value) {
  if (value.is_number_unsigned()) return value.get<uint64_t>();
  if (value.is_number_integer()) return static_cast<uint64_t>(std::max<int64_t>(0, value.get<int64_t>()));
  if (value.is_number_float()) {
    const double d = value.get<double>();
    if (!(d > 0)) return 0;
    if (d >= 1.8e19) return std::numeric_limits<uint64_t>::max();
    return static_cast<uint64_t>(std::llround(d));
  }
  return 0;
}

uint64_t count(const json& object, const char* key) {
  const json* value = member(object, key);
  return value == nullptr ? 0 : count(*value);
}

std::string text(const json& object, const char* key) {
  const json* value = member(object, key);
  if (value == nullptr || value->is_null()) return {};
  if (value->is_string()) return value->get<std::string>();
  return value->dump(-1, ' ', false, json::error_handler_t::replace);
}

LatencySummary read_latency(const json& object) {
  LatencySummary latency;
  const json* lat = member(object, "latency_ns");
  if (lat == nullptr || !lat->is_object()) return latency;
  latency.min_ns = number(*lat, "min").value_or(0);
  latency.mean_ns = number(*lat, "mean").value_or(0);
  latency.max_ns = number(*lat, "max").value_or(0);
  latency.stddev_ns = number(*lat, "stddev");
  if (const json* pcts = member(*lat, "percentiles"); pcts != nullptr && pcts->is_object()) {
    for (const auto& [key, value] : pcts->items()) {
      if (value.is_number()) latency.percentiles[key] = value.get<double>();
    }
  }
  for (const auto& [key, value] : lat->items()) {
    if (key.size() > 1 && key[0] == 'p' && key != "percentiles" && value.is_number()) {
      latency.percentiles[key.substr(1)] = value.get<double>();
    }
  }
  if (const json* hist = member(*lat, "histogram"); hist != nullptr && hist->is_array()) {
    for (const json& bucket : *hist) {
      if (!bucket.is_array() || bucket.size() < 3 || !bucket[0].is_number() ||
          !bucket[1].is_number()) {
        continue;
      }
      HistogramBucket b{bucket[0].get<double>(), bucket[1].get<double>(), count(bucket[2])};
      if (b.upper_ns > b.lower_ns && b.count > 0) latency.histogram.push_back(b);
    }
  }
  return latency;
}

OpSummary read_op(const json& doc, const char* key) {
  OpSummary op;
  const json* object = member(doc, key);
  if (object == nullptr || !object->is_object()) return op;
  op.ops = count(*object, "ops");
  op.bytes = count(*object, "bytes");
  op.errors = count(*object, "errors");
  op.iops = number(*object, "iops").value_or(0);
  op.bw_bytes_per_sec = number(*object, "bw_bytes_per_sec").value_or(0);
  op.latency = read_latency(*object);
  return op;
}

std::vector<uint64_t> counts(const json& object, const char* key) {
  std::vector<uint64_t> out;
  const json* array = member(object, key);
  if (array == nullptr || !array->is_array()) return out;
  for (const json& value : *array) out.push_back(count(value));
  return out;
}

std::optional<ResultHeatmap> read_heatmap(const json& doc) {
  const json* object = member(doc, "heatmap");
  if (object == nullptr || !object->is_object()) return std::nullopt;
  ResultHeatmap heat;
  heat.reads = counts(*object, "reads");
  heat.writes = counts(*object, "writes");
  heat.buckets = count(*object, "buckets");
  if (heat.buckets == 0) heat.buckets = std::max(heat.reads.size(), heat.writes.size());
  heat.reads.resize(heat.buckets, 0);
  heat.writes.resize(heat.buckets, 0);
  heat.bytes_per_bucket = count(*object, "bytes_per_bucket");
  heat.coverage = number(*object, "coverage");
  heat.rewrite_share = number(*object, "rewrite_share");
  heat.top20_share = number(*object, "top20_share");
  if (heat.buckets == 0) return std::nullopt;
  return heat;
}

ResultResources read_resources(const json& doc) {
  ResultResources usage;
  if (const json* res = member(doc, "resources"); res != nullptr) {
    usage.cpu_user_s = number(*res, "cpu_user_s");
    usage.cpu_system_s = number(*res, "cpu_system_s");
    usage.cpu_util_percent = number(*res, "cpu_util_percent");
    usage.ctx_switches_voluntary = number(*res, "ctx_switches_voluntary");
    usage.ctx_switches_involuntary = number(*res, "ctx_switches_involuntary");
    usage.max_rss_bytes = number(*res, "max_rss_bytes");
  }
  if (const json* cpu = member(doc, "cpu"); cpu != nullptr) {
    if (!usage.cpu_user_s) usage.cpu_user_s = number(*cpu, "user_s");
    if (!usage.cpu_system_s) usage.cpu_system_s = number(*cpu, "system_s");
  }
  return usage;
}

}  // namespace

std::optional<double> LatencySummary::percentile(const std::string& key) const {
  const auto it = percentiles.find(key);
  if (it == percentiles.end()) return std::nullopt;
  return it->second;
}

const OpSummary* ResultInterval::metadata_op(const std::string& name) const {
  for (const auto& [kind, op] : metadata) {
    if (kind == name) return &op;
  }
  return nullptr;
}

const OpSummary& ResultInterval::op(ResultOp kind) const {
  switch (kind) {
    case ResultOp::kRead: return read;
    case ResultOp::kWrite: return write;
    case ResultOp::kSync: return sync;
    case ResultOp::kTrim: return trim;
    case ResultOp::kTotal: break;
  }
  return total;
}

const OpSummary& ResultDocument::op(ResultOp kind) const {
  switch (kind) {
    case ResultOp::kRead: return read;
    case ResultOp::kWrite: return write;
    case ResultOp::kSync: return sync;
    case ResultOp::kTrim: return trim;
    case ResultOp::kTotal: break;
  }
  return total;
}

const char* result_op_name(ResultOp kind) {
  switch (kind) {
    case ResultOp::kRead: return "read";
    case ResultOp::kWrite: return "write";
    case ResultOp::kSync: return "sync";
    case ResultOp::kTrim: return "trim";
    case ResultOp::kTotal: break;
  }
  return "total";
}

ResultDocument read_result_document(const json& doc) {
  ResultDocument result;
  if (const json* version = member(doc, "schema_version");
      version != nullptr && version->is_number_integer()) {
    result.schema_version = version->get<int64_t>();
  }
  result.iopulse_version = text(doc, "iopulse_version");
  result.tool = text(doc, "tool");
  for (const char* key : {"started_at", "start_time", "date"}) {
    result.started_at = text(doc, key);
    if (!result.started_at.empty()) break;
  }
  if (const json* engine = member(doc, "engine"); engine != nullptr) {
    if (engine->is_string()) {
      result.engine_name = engine->get<std::string>();
    } else {
      result.engine_name = text(*engine, "name");
      result.engine_version = text(*engine, "version");
      result.engine_abi = text(*engine, "abi");
      result.engine_path = text(*engine, "path");
    }
  }
  if (const json* config = member(doc, "config"); config != nullptr && config->is_object()) {
    result.config = *config;
  }
  result.window_ns = count(doc, "window_ns");
  if (const json* flag = member(doc, "interrupted"); flag != nullptr && flag->is_boolean()) {
    result.interrupted = flag->get<bool>();
  }
  result.stop_reason = text(doc, "stop_reason");
  if (const json* errors = member(doc, "errors"); errors != nullptr && errors->is_array()) {
    for (const json& e : *errors) {
      result.errors.push_back(e.is_string() ? e.get<std::string>()
                                            : e.dump(-1, ' ', false, json::error_handler_t::replace));
    }
  }
  result.read = read_op(doc, "read");
  result.write = read_op(doc, "write");
  result.sync = read_op(doc, "sync");
  result.trim = read_op(doc, "trim");
  result.total = read_op(doc, "total");
  if (member(doc, "total") == nullptr) {
    // Derive what adds up; latency cannot be merged from summaries.
    result.total.ops = result.read.ops + result.write.ops;
    result.total.bytes = result.read.bytes + result.write.bytes;
    result.total.errors = result.read.errors + result.write.errors;
    result.total.iops = result.read.iops + result.write.iops;
    result.total.bw_bytes_per_sec = result.read.bw_bytes_per_sec + result.write.bw_bytes_per_sec;
  }
  if (const json* meta = member(doc, "metadata"); meta != nullptr && meta->is_object()) {
    for (const auto& [name, op] : meta->items()) {
      if (op.is_object()) result.metadata.emplace_back(name, read_op(*meta, name.c_str()));
    }
  }
  if (const json* phases = member(doc, "phases"); phases != nullptr && phases->is_array()) {
    for (const json& phase : *phases) {
      const json* meta = phase.is_object() ? member(phase, "metadata") : nullptr;
      if (meta == nullptr || !meta->is_object()) continue;
      const json* name = member(phase, "name");
      const std::string label = name != nullptr && name->is_string() ? name->get<std::string>() : "phase";
      for (const auto& [kind, op] : meta->items()) {
        if (op.is_object()) result.phase_metadata.emplace_back(label + ": " + kind, read_op(*meta, kind.c_str()));
      }
    }
  }
  if (const json* prio = member(doc, "io_priority"); prio != nullptr && prio->is_object()) {
    const json* name = member(*prio, "priority");
    const std::string priority = name != nullptr && name->is_string() ? name->get<std::string>() : "prioritized";
    const json* others_name = member(*prio, "others_priority");
    const std::string others =
        others_name != nullptr && others_name->is_string() ? others_name->get<std::string>() : "none";
    for (const char* op : {"read", "write"}) {
      for (const auto& [group, label] : {std::pair{"prioritized", priority}, std::pair{"others", others}}) {
        const json* g = member(*prio, group);
        if (g != nullptr && g->is_object() && member(*g, op) != nullptr) {
          result.priority_groups.emplace_back(std::string(op) + " " + label, read_op(*g, op));
        }
      }
    }
  }
  if (const json* value = member(doc, "stats_interval_ns"); value != nullptr && value->is_number()) {
    result.stats_interval_ns = count(*value);
  }
  if (const json* series = member(doc, "timeseries"); series != nullptr && series->is_array()) {
    for (const json& entry : *series) {
      if (!entry.is_object()) continue;
      ResultInterval interval;
      interval.index = count(entry, "index");
      interval.start_ns = count(entry, "start_ns");
      interval.end_ns = count(entry, "end_ns");
      interval.read = read_op(entry, "read");
      interval.write = read_op(entry, "write");
      interval.sync = read_op(entry, "sync");
      interval.trim = read_op(entry, "trim");
      interval.total = read_op(entry, "total");
      if (const json* meta = member(entry, "metadata"); meta != nullptr && meta->is_object()) {
        for (const auto& [name, op] : meta->items()) {
          if (op.is_object()) interval.metadata.emplace_back(name, read_op(*meta, name.c_str()));
        }
      }
      interval.qd_mean = number(entry, "qd_mean");
      if (interval.end_ns < interval.start_ns) continue;
      result.timeseries.push_back(std::move(interval));
    }
  }
  if (const json* flag = member(doc, "timeseries_truncated"); flag != nullptr && flag->is_boolean()) {
    result.timeseries_truncated = flag->get<bool>();
  }
  if (const json* prep = member(doc, "preparation"); prep != nullptr && prep->is_object()) {
    if (member(*prep, "elapsed_ns") != nullptr) result.preparation_ns = count(*prep, "elapsed_ns");
    if (member(*prep, "bytes_written") != nullptr) result.preparation_bytes = count(*prep, "bytes_written");
  }
  result.heatmap = read_heatmap(doc);
  result.resources = read_resources(doc);
  return result;
}

}  // namespace iopulse
