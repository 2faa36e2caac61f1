// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "report/fio_log_files.h"

#include <cerrno>
#include <cmath>
#include <system_error>

#include <fmt/format.h>

#include "output/result_file.h"

namespace iopulse {
namespace {

constexpr const char* kSuffix[] = {"bw", "iops", "lat", "clat", "slat"};

// The prefix a log takes, or empty when it is not written.
const std::string& prefix_of(const FioLogPrefixes& p, int log) {
  if (log == 0) return p.bw;
  if (log == 1) return p.iops;
  return p.lat;  // lat, clat and slat come together, as write_lat_log writes them
}

std::string path_of(const std::string& prefix, int log, uint32_t worker) {
  return fmt::format("{}_{}.{}.log", prefix, kSuffix[log], worker + 1);
}

// fio's direction numbers: reads, writes and (as fio logs them, with their
// bytes as the bandwidth) trims.
struct Direction {
  OpKind kind;
  int ddir;
};
constexpr Direction kDirections[] = {{OpKind::kRead, 0}, {OpKind::kWrite, 1}, {OpKind::kTrim, 2}};

}  // namespace

std::vector<std::string> FioLogFiles::paths(const FioLogPrefixes& prefixes, uint32_t workers) {
  std::vector<std::string> out;
  for (uint32_t w = 0; w < workers; ++w) {
    for (int log = 0; log < kLogs; ++log) {
      if (!prefix_of(prefixes, log).empty()) out.push_back(path_of(prefix_of(prefixes, log), log, w));
    }
  }
  return out;
}

FioLogFiles::FioLogFiles(const FioLogPrefixes& prefixes, uint32_t workers)
    : files_(size_t{workers} * kLogs), directions_(workers, 0), finished_(workers, false) {
  try {
    for (uint32_t w = 0; w < workers; ++w) {
      for (int log = 0; log < kLogs; ++log) {
        const std::string& prefix = prefix_of(prefixes, log);
        if (prefix.empty()) continue;
        File& f = files_[size_t{w} * kLogs + log];
        f.path = path_of(prefix, log, w);
        f.stream = open_output_stream(log == kBw ? "--write-bw-log" : log == kIops ? "--write-iops-log" : "--write-lat-log",
                                      f.path, "fio-format log");
      }
    }
  } catch (...) {
    for (File& f : files_) {
      if (f.stream != nullptr) std::fclose(f.stream);
    }
    throw;
  }
}

FioLogFiles::~FioLogFiles() {
  for (File& f : files_) {
    if (f.stream != nullptr) std::fclose(f.stream);
  }
}

void FioLogFiles::finish(uint32_t worker) {
  if (worker < finished_.size()) finished_[worker] = true;
}

void FioLogFiles::write(uint32_t worker, const IntervalSummary& s) {
  if (worker >= finished_.size() || finished_[worker] || s.end_ns <= s.start_ns) return;
  const double secs = static_cast<double>(s.end_ns - s.start_ns) / 1e9;
  const uint64_t time_ms = s.end_ns / 1'000'000;
  std::string lines[kLogs];
  for (const Direction& d : kDirections) {
    const OpIntervalSummary& o = s[d.kind];
    if (o.ops != 0) directions_[worker] |= 1u << d.ddir;
    if ((directions_[worker] & (1u << d.ddir)) == 0) continue;
    const auto line = [&](double value) { return fmt::format("{}, {}, {}, 0, 0\n", time_ms, std::llround(value), d.ddir); };
    lines[kBw] += line(static_cast<double>(o.bytes) / secs / 1024.0);
    lines[kIops] += line(static_cast<double>(o.ops) / secs);
    if (o.ops == 0) continue;
    lines[kLat] += line(o.lat_mean);
    lines[kClat] += line(o.lat_mean);
  }
  for (int log = 0; log < kLogs; ++log) {
    File& f = files_[size_t{worker} * kLogs + log];
    if (f.stream == nullptr || lines[log].empty()) continue;
    if (std::fwrite(lines[log].data(), 1, lines[log].size(), f.stream) != lines[log].size() ||
        std::fflush(f.stream) != 0) {
      throw std::system_error(errno, std::generic_category(), fmt::format("cannot write '{}'", f.path));
    }
  }
}

void FioLogFiles::on_interval(const IntervalSnapshot& interval) {
  const MergedInterval& m = interval.merged;
  const IntervalPlacement& place = interval.placement;
  const uint64_t run_start = interval.summary.start_ns + place.time_offset_ns;
  const uint64_t run_end = interval.summary.end_ns + place.time_offset_ns;
  auto w = m.per_worker.begin();  // sorted by worker
  for (uint32_t i = 0; i < interval.run_workers; ++i) {
    while (w != m.per_worker.end() && w->worker < i) ++w;
    const uint32_t number = place.first_worker + i;
    if (w != m.per_worker.end() && w->worker == i) {
      write(number, IntervalSummary::of(w->ops, m.index, run_start, run_end, w->inflight_sum, w->reap_calls, i));
      if (w->last) finish(number);
    } else {
      IntervalSummary idle;
      idle.start_ns = run_start;
      idle.end_ns = run_end;
      write(number, idle);
    }
  }
}

}  // namespace iopulse
