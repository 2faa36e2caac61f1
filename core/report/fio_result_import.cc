// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "report/fio_result_import.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <stdexcept>
#include <string>

#include <fmt/format.h>

#include "report/json_report.h"
#include "report/percentiles.h"
#include "stats/latency_histogram.h"

namespace iopulse {
namespace {

using nlohmann::json;

uint64_t whole(const json& object, const char* key) {
  const auto it = object.find(key);
  if (it == object.end() || !it->is_number() || it->get<double>() < 0) return 0;
  return it->is_number_unsigned() ? it->get<uint64_t>() : static_cast<uint64_t>(std::llround(it->get<double>()));
}

double real(const json& object, const char* key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_number() ? it->get<double>() : 0.0;
}

// "99.900000" -> "99.9", "50.000000" -> "50": the keys IOPulse's results use.
std::string percentile_key(const std::string& fio_key) {
  std::string key = fio_key;
  if (key.find('.') != std::string::npos) {
    while (!key.empty() && key.back() == '0') key.pop_back();
    if (!key.empty() && key.back() == '.') key.pop_back();
  }
  return key;
}

// One direction of every job together.
struct ImportedDirection {
  uint64_t ops = 0, bytes = 0, errors = 0;
  uint64_t lat_count = 0, lat_min = UINT64_MAX, lat_max = 0;
  double lat_sum = 0;
  LatencyHistogram bins;       // from json+ bins
  bool every_job_binned = true;
  json single_percentiles;     // fio's own, kept while there is one job with IO
  size_t jobs_with_io = 0;

  void add(const json& d) {
    const uint64_t ios = whole(d, "total_ios");
    ops += ios;
    bytes += whole(d, "io_bytes");
    if (ios == 0) return;
    ++jobs_with_io;
    // fio's lat (from submission) when it has percentiles, else its clat.
    const auto lat = d.find("lat_ns");
    const auto clat = d.find("clat_ns");
    const json* l = nullptr;
    if (lat != d.end() && lat->is_object() && lat->contains("percentile")) {
      l = &*lat;
    } else if (clat != d.end() && clat->is_object()) {
      l = &*clat;
    } else if (lat != d.end() && lat->is_object()) {
      l = &*lat;
    }
    if (l == nullptr) return;
    const uint64_t n = whole(*l, "N");
    lat_count += n;
    if (n != 0) {
      lat_min = std::min(lat_min, whole(*l, "min"));
      lat_max = std::max(lat_max, whole(*l, "max"));
      lat_sum += real(*l, "mean") * static_cast<double>(n);
    }
    const auto bins = l->find("bins");
    if (bins != l->end() && bins->is_object()) {
      for (const auto& [value, count] : bins->items()) {
        if (count.is_number_unsigned()) bins_record(std::stoull(value), count.get<uint64_t>());
      }
    } else {
      every_job_binned = false;
    }
    const auto pct = l->find("percentile");
    single_percentiles = pct != l->end() && pct->is_object() ? *pct : json();
  }

  void bins_record(uint64_t ns, uint64_t count) { bins.record_n(ns, count); }

  json latency() const {
    json out = json::object();
    if (lat_count == 0) return out;
    out["min"] = lat_min;
    out["max"] = lat_max;
    out["mean"] = lat_sum / static_cast<double>(lat_count);
    json percentiles = json::object();
    if (every_job_binned && bins.count() != 0) {
      for (const ReportedPercentile& r : kReportedPercentiles) {
        // The bucket's midpoint, within fio's exact min and max.
        percentiles[std::string(r.key)] = std::clamp(bins.percentile(r.p), lat_min, lat_max);
      }
      json histogram = json::array();
      bins.for_each_bucket([&histogram](uint64_t lower, uint64_t upper, uint64_t count) {
        histogram.push_back(json::array({lower, upper, count}));
      });
      out["histogram"] = std::move(histogram);
    } else if (jobs_with_io == 1 && single_percentiles.is_object()) {
      for (const auto& [key, value] : single_percentiles.items()) percentiles[percentile_key(key)] = value;
    }
    out["percentiles"] = std::move(percentiles);
    return out;
  }

  json to_json(uint64_t window_ns) const {
    const double secs = static_cast<double>(window_ns) / 1e9;
    return {{"ops", ops},
            {"bytes", bytes},
            {"errors", errors},
            {"iops", secs > 0 ? static_cast<double>(ops) / secs : 0.0},
            {"bw_bytes_per_sec", secs > 0 ? static_cast<double>(bytes) / secs : 0.0},
            {"latency_ns", latency()}};
  }
};

}  // namespace

bool is_fio_result(const json& doc) {
  return doc.is_object() && doc.contains("fio version") && doc.contains("jobs") && doc["jobs"].is_array();
}

json import_fio_result(const json& doc) {
  if (!is_fio_result(doc) || doc["jobs"].empty()) throw std::invalid_argument("fio's results have no job");
  ImportedDirection read, write, trim, total;  // total: reads and writes, as IOPulse's
  std::map<int64_t, uint64_t> group_runtime_ms;  // groupid -> its longest job
  json config = json::object();
  std::string engine;
  std::vector<std::string> errors;
  uint64_t error_count = 0;
  if (doc.contains("global options") && doc["global options"].is_object()) {
    for (const auto& [key, value] : doc["global options"].items()) config[key] = value;
  }
  for (const json& job : doc["jobs"]) {
    if (!job.is_object() || !job.contains("read") || !job.contains("write")) {
      throw std::invalid_argument("a job of fio's results has no read and write objects");
    }
    read.add(job["read"]);
    write.add(job["write"]);
    if (job.contains("trim") && job["trim"].is_object()) trim.add(job["trim"]);
    total.add(job["read"]);
    total.add(job["write"]);
    const int64_t group = job.value("groupid", int64_t{0});
    // The job's runtime: its longest direction's (fio's group_reporting
    // adds its clones' job_runtime, the directions keep the longest clone's),
    // or, for a job that verifies, its writes' and its verify reads' one
    // after the other; job_runtime for a job that moved no data.
    const auto option = [&](const char* key) {
      for (const json* o : {&job, &doc}) {
        const char* where = o == &job ? "job options" : "global options";
        if (o->contains(where) && (*o)[where].is_object() && (*o)[where].contains(key) &&
            (*o)[where][key].is_string()) {
          return (*o)[where][key].get<std::string>();
        }
      }
      return std::string();
    };
    const std::string verify = option("verify");
    const bool verifies = !verify.empty() && verify != "0" && verify != "none" && option("do_verify") != "0";
    uint64_t runtime_ms = 0;
    for (const char* d : {"read", "write", "trim"}) {
      if (!job.contains(d) || !job[d].is_object()) continue;
      const uint64_t ms = whole(job[d], "runtime");
      runtime_ms = verifies ? runtime_ms + ms : std::max(runtime_ms, ms);
    }
    if (runtime_ms == 0) runtime_ms = whole(job, "job_runtime");
    group_runtime_ms[group] = std::max(group_runtime_ms[group], runtime_ms);
    if (job.contains("job options") && job["job options"].is_object()) {
      for (const auto& [key, value] : job["job options"].items()) config[key] = value;
    }
    if (config.contains("ioengine") && config["ioengine"].is_string()) engine = config["ioengine"].get<std::string>();
    error_count += whole(job, "total_err");
    if (whole(job, "error") != 0) {
      errors.push_back(fmt::format("job {}: error {}", job.value("jobname", std::string("?")), whole(job, "error")));
    }
  }
  uint64_t window_ms = 0;
  for (const auto& [group, ms] : group_runtime_ms) window_ms += ms;
  const uint64_t window_ns = window_ms * 1'000'000;
  total.errors = error_count;
  const std::string version = doc["fio version"].is_string() ? doc["fio version"].get<std::string>() : "fio";
  json out = {{"schema_version", kJsonSchemaVersion},
              {"tool", version},
              {"engine", {{"name", engine.empty() ? "psync" : engine}, {"version", version}}},
              {"window_ns", window_ns},
              {"config", std::move(config)},
              {"read", read.to_json(window_ns)},
              {"write", write.to_json(window_ns)},
              {"total", total.to_json(window_ns)},
              {"errors", errors}};
  // Present only when there were trims, as in IOPulse's results.
  if (trim.ops != 0) out["trim"] = trim.to_json(window_ns);
  if (doc.contains("time") && doc["time"].is_string()) out["started_at"] = doc["time"];
  return out;
}

}  // namespace iopulse
