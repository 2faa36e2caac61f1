// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "report/time_series_files.h"

#include <cerrno>
#include <system_error>

#include <fmt/format.h>

#include "output/result_file.h"

namespace iopulse {
namespace {

std::FILE* open_for_writing(const std::string& path, const char* option, const char* what) {
  return open_output_stream(option, path, what);
}

void write_line(std::FILE* f, const std::string& path, const std::string& line) {
  if (std::fwrite(line.data(), 1, line.size(), f) != line.size() || std::fflush(f) != 0) {
    throw std::system_error(errno, std::generic_category(), fmt::format("cannot write '{}'", path));
  }
}

constexpr const char* kOps[] = {"read", "write", "sync", "total"};

}  // namespace

TimeSeriesJsonLines::TimeSeriesJsonLines(const std::string& path)
    : path_(path), file_(open_for_writing(path, "--timeseries-output", "time series")) {}

TimeSeriesJsonLines::~TimeSeriesJsonLines() { std::fclose(file_); }

void TimeSeriesJsonLines::write(const IntervalSummary& interval) {
  write_line(file_, path_, interval.to_json().dump() + "\n");
}

TimeSeriesCsv::TimeSeriesCsv(const std::string& path, bool metadata)
    : path_(path), metadata_(metadata), file_(open_for_writing(path, "--csv-output", "CSV time series")) {
  write_line(file_, path_, header(metadata) + "\n");
}

TimeSeriesCsv::~TimeSeriesCsv() { std::fclose(file_); }

std::string TimeSeriesCsv::header(bool metadata) {
  const auto columns = [](const char* op) {
    return fmt::format(
        ",{0}_ops,{0}_bytes,{0}_errors,{0}_iops,{0}_bw_bytes_per_sec,{0}_lat_min_ns,{0}_lat_mean_ns,"
        "{0}_lat_max_ns,{0}_lat_p50_ns,{0}_lat_p90_ns,{0}_lat_p99_ns,{0}_lat_p999_ns",
        op);
  };
  std::string h = "worker,index,start_s,end_s";
  for (const char* op : kOps) h += columns(op);
  h += ",qd_mean,phase";
  if (metadata) {
    for (size_t k = kFirstMetaKind; k < kNumOpKinds; ++k) h += columns(kOpKinds[k].name);
  }
  return h;
}

void TimeSeriesCsv::write(const IntervalSummary& s) {
  std::string row = fmt::format("{},{},{:.6f},{:.6f}", s.worker < 0 ? std::string("all") : std::to_string(s.worker),
                                s.index, s.start_ns / 1e9, s.end_ns / 1e9);
  const auto columns = [&row](const OpIntervalSummary* o) {
    row += fmt::format(",{},{},{},{:.3f},{:.3f},{},{:.1f},{},{},{},{},{}", o->ops, o->bytes, o->errors,
                       o->iops, o->bw_bytes_per_sec, o->lat_min, o->lat_mean, o->lat_max, o->lat_p50,
                       o->lat_p90, o->lat_p99, o->lat_p999);
  };
  for (const OpIntervalSummary* o : {&s.read, &s.write, &s.sync, &s.total}) columns(o);
  row += fmt::format(",{:.3f},{}", s.qd_mean, s.phase);
  if (metadata_) {
    for (const OpIntervalSummary& o : s.meta) columns(&o);
  }
  row += "\n";
  write_line(file_, path_, row);
}

}  // namespace iopulse
