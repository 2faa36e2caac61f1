// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "cli/result_file_check.h"

#include <fmt/format.h>

namespace iopulse {
namespace {

using nlohmann::json;

// The first defect found; checks stop there.
struct Defect {
  std::string text;
};

std::string kind_of(const json& v) {
  switch (v.type()) {
    case json::value_t::null: return "null";
    case json::value_t::object: return "an object";
    case json::value_t::array: return "an array";
    case json::value_t::string: return "a string";
    case json::value_t::boolean: return "a boolean";
    case json::value_t::number_integer: return v.get<int64_t>() < 0 ? "a negative integer" : "an integer";
    case json::value_t::number_unsigned: return "an integer";
    case json::value_t::number_float: return "a fractional number";
    default: return "another kind of value";
  }
}

[[noreturn]] void fail(const std::string& at, const json& v, const char* accepted) {
  throw Defect{fmt::format("{}: is {}; accepted: {}", at, kind_of(v), accepted)};
}

bool is_count(const json& v) { return v.is_number_unsigned() || (v.is_number_integer() && v.get<int64_t>() >= 0); }

// Each checker takes the member's JSON pointer for messages.
void count(const json& v, const std::string& at) {
  if (!is_count(v)) fail(at, v, "an unsigned integer");
}
void number(const json& v, const std::string& at) {
  if (!v.is_number()) fail(at, v, "a number");
}
void text(const json& v, const std::string& at) {
  if (!v.is_string()) fail(at, v, "a string");
}
void object(const json& v, const std::string& at) {
  if (!v.is_object()) fail(at, v, "an object");
}
void array(const json& v, const std::string& at) {
  if (!v.is_array()) fail(at, v, "an array");
}

const json* member(const json& obj, const char* key) {
  const auto it = obj.find(key);
  return it == obj.end() ? nullptr : &*it;
}

void required(const json& obj, const char* key, const std::string& at, void (*check)(const json&, const std::string&)) {
  const json* v = member(obj, key);
  if (v == nullptr) throw Defect{fmt::format("{}/{}: is missing", at, key)};
  check(*v, at + "/" + key);
}

void optional(const json& obj, const char* key, const std::string& at, void (*check)(const json&, const std::string&)) {
  if (const json* v = member(obj, key)) check(*v, at + "/" + key);
}

// latency_ns of an op object or of an interval; returns the histogram's
// count (0 without one).
uint64_t latency(const json& v, const std::string& at) {
  object(v, at);
  for (const char* key : {"min", "mean", "max", "stddev", "p50", "p90", "p99", "p99.9"}) optional(v, key, at, number);
  if (const json* p = member(v, "percentiles")) {
    object(*p, at + "/percentiles");
    for (const auto& [k, value] : p->items()) number(value, at + "/percentiles/" + k);
  }
  uint64_t total = 0;
  if (const json* h = member(v, "histogram")) {
    const std::string hat = at + "/histogram";
    array(*h, hat);
    double previous_upper = 0;
    for (size_t i = 0; i < h->size(); ++i) {
      const json& b = (*h)[i];
      const std::string bat = fmt::format("{}/{}", hat, i);
      if (!b.is_array() || b.size() != 3) fail(bat, b, "a [lower_ns, upper_ns, count] triple");
      number(b[0], bat + "/0");
      number(b[1], bat + "/1");
      count(b[2], bat + "/2");
      const double lower = b[0].get<double>(), upper = b[1].get<double>();
      if (!(lower < upper) || lower < previous_upper) {
        throw Defect{fmt::format("{}: bucket [{}, {}) is empty or out of order", bat, lower, upper)};
      }
      previous_upper = upper;
      total += b[2].get<uint64_t>();
    }
  }
  return total;
}

void op_object(const json& v, const std::string& at) {
  object(v, at);
  for (const char* key : {"ops", "bytes", "errors"}) required(v, key, at, count);
  for (const char* key : {"iops", "bw_bytes_per_sec"}) optional(v, key, at, number);
  for (const char* key : {"latency_ns", "latency_from_intended_ns"}) {
    const json* l = member(v, key);
    if (l == nullptr) continue;
    const uint64_t in_histogram = latency(*l, at + "/" + key);
    const uint64_t ops = v["ops"].get<uint64_t>();
    if (std::string(key) == "latency_ns" && member(*l, "histogram") != nullptr && in_histogram != ops) {
      throw Defect{fmt::format("{}/{}/histogram: its counts add up to {}, but ops is {}", at, key, in_histogram, ops)};
    }
  }
}

void interval(const json& v, const std::string& at) {
  object(v, at);
  for (const char* key : {"index", "start_ns", "end_ns"}) required(v, key, at, number);
  for (const char* op : {"read", "write", "sync", "trim", "total"}) {
    const json* o = member(v, op);
    if (o == nullptr) continue;
    const std::string oat = at + "/" + op;
    object(*o, oat);
    for (const char* key : {"ops", "bytes", "errors"}) optional(*o, key, oat, count);
    for (const char* key : {"iops", "bw_bytes_per_sec"}) optional(*o, key, oat, number);
    if (const json* l = member(*o, "latency_ns")) latency(*l, oat + "/latency_ns");
  }
  optional(v, "qd_mean", at, number);
}

void intervals(const json& v, const std::string& at) {
  array(v, at);
  for (size_t i = 0; i < v.size(); ++i) interval(v[i], fmt::format("{}/{}", at, i));
}

void result(const json& v, const std::string& at);

void phases(const json& v, const std::string& at) {
  array(v, at);
  for (size_t i = 0; i < v.size(); ++i) result(v[i], fmt::format("{}/{}", at, i));
}

void heatmap(const json& v, const std::string& at) {
  object(v, at);
  for (const char* key : {"reads", "writes"}) {
    const json* a = member(v, key);
    if (a == nullptr) continue;
    array(*a, at + "/" + key);
    for (size_t i = 0; i < a->size(); ++i) count((*a)[i], fmt::format("{}/{}/{}", at, key, i));
  }
  for (const char* key : {"buckets", "bytes_per_bucket"}) optional(v, key, at, count);
}

void errors(const json& v, const std::string& at) {
  array(v, at);
  for (size_t i = 0; i < v.size(); ++i) text(v[i], fmt::format("{}/{}", at, i));
}

void engine(const json& v, const std::string& at) {
  object(v, at);
  for (const char* key : {"name", "version", "abi", "path"}) optional(v, key, at, text);
}

void flag(const json& v, const std::string& at) {
  if (!v.is_boolean()) fail(at, v, "true or false");
}

// "metadata": one op object per metadata op kind.
void metadata(const json& v, const std::string& at) {
  object(v, at);
  for (const auto& [kind, op] : v.items()) op_object(op, at + "/" + kind);
}

void result(const json& v, const std::string& at) {
  object(v, at);
  required(v, "window_ns", at, count);
  for (const char* op : {"read", "write", "total"}) required(v, op, at, op_object);
  optional(v, "sync", at, op_object);
  optional(v, "trim", at, op_object);
  optional(v, "metadata", at, metadata);
  optional(v, "config", at, object);
  optional(v, "engine", at, engine);
  for (const char* key : {"iopulse_version", "stop_reason", "started_at", "name"}) optional(v, key, at, text);
  optional(v, "interrupted", at, flag);
  optional(v, "errors", at, errors);
  optional(v, "stats_interval_ns", at, count);
  optional(v, "timeseries", at, intervals);
  optional(v, "worker_timeseries", at, intervals);
  optional(v, "heatmap", at, heatmap);
  optional(v, "phases", at, phases);
}

}  // namespace

std::string result_file_defect(const json& doc) {
  try {
    result(doc, "");
  } catch (const Defect& d) {
    return d.text;
  } catch (const json::exception& e) {
    return e.what();
  }
  return "";
}

}  // namespace iopulse
