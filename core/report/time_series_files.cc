// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "report/time_series_files.h"

#include <cerrno>
#include <system_error>

#include <fmt/format.h>

#include "output/result_file.h"
#include "report/csv_field.h"

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

// The columns of one op kind, after its name and '_'.
constexpr const char* kOpColumns[] = {"ops",         "bytes",       "errors",      "iops",
                                      "bw_bytes_per_sec", "lat_min_ns", "lat_mean_ns", "lat_max_ns",
                                      "lat_p50_ns",  "lat_p90_ns",  "lat_p99_ns",  "lat_p999_ns"};

// One op kind's fields.  Latencies are empty (a missing value to every CSV
// reader) when the interval completed no IO of the kind: it has none.
void append_op_fields(std::string& row, const OpIntervalSummary& o) {
  row += fmt::format(",{},{},{},{:.3f},{:.3f}", o.ops, o.bytes, o.errors, o.iops, o.bw_bytes_per_sec);
  if (o.ops == 0) {
    row += ",,,,,,,";
  } else {
    row += fmt::format(",{},{:.1f},{},{},{},{},{}", o.lat_min, o.lat_mean, o.lat_max, o.lat_p50, o.lat_p90,
                       o.lat_p99, o.lat_p999);
  }
}

}  // namespace

TimeSeriesJsonLines::TimeSeriesJsonLines(const std::string& path)
    : path_(path), file_(open_for_writing(path, "--timeseries-output", "time series")) {}

TimeSeriesJsonLines::~TimeSeriesJsonLines() { std::fclose(file_); }

void TimeSeriesJsonLines::write(const IntervalSummary& interval) {
  write_line(file_, path_, interval.to_json().dump() + "\n");
}

TimeSeriesCsv::TimeSeriesCsv(const std::string& path, Extra extra)
    : path_(path), extra_(extra), file_(open_for_writing(path, "--csv-output", "CSV time series")) {
  write_line(file_, path_, header(extra) + "\r\n");
}

TimeSeriesCsv::~TimeSeriesCsv() { std::fclose(file_); }

std::string TimeSeriesCsv::header(Extra extra) {
  std::string h = "worker,index,start_s,end_s";
  auto add = [&h](const char* op) {
    for (const char* column : kOpColumns) h += fmt::format(",{}_{}", op, column);
  };
  for (size_t k = 0; k < kFirstMetaKind; ++k) add(kOpKinds[k].name);
  add("total");
  h += ",qd_mean,phase";
  // A metadata job adds a group of columns per metadata kind.
  if (extra.metadata) {
    for (size_t k = kFirstMetaKind; k < kNumOpKinds; ++k) add(kOpKinds[k].name);
  }
  // A job with --io-priority adds its reads and writes by priority.
  if (extra.priority) {
    for (const char* group : {"prioritized_read", "prioritized_write", "others_read", "others_write"}) add(group);
  }
  return h;
}

void TimeSeriesCsv::write(const IntervalSummary& s) {
  std::string row = fmt::format("{},{},{:.6f},{:.6f}", s.worker < 0 ? std::string("all") : std::to_string(s.worker),
                                s.index, s.start_ns / 1e9, s.end_ns / 1e9);
  for (size_t k = 0; k < kFirstMetaKind; ++k) append_op_fields(row, s[static_cast<OpKind>(k)]);
  append_op_fields(row, s.total);
  row += fmt::format(",{:.3f},{}", s.qd_mean, csv_field(s.phase));
  if (extra_.metadata) {
    for (size_t k = kFirstMetaKind; k < kNumOpKinds; ++k) append_op_fields(row, s[static_cast<OpKind>(k)]);
  }
  if (extra_.priority) {
    // An interval that completed no read or write has none of either group.
    const PriorityIntervalSummary p = s.priority ? *s.priority : PriorityIntervalSummary{};
    for (const OpIntervalSummary* group : {&p.prioritized_read, &p.prioritized_write, &p.others_read, &p.others_write})
      append_op_fields(row, *group);
  }
  row += "\r\n";
  write_line(file_, path_, row);
}

namespace {

// The job's interval, then each worker's, on the job's clock.
template <typename File>
void write_placed(File& file, const IntervalSnapshot& interval) {
  file.write(interval.placement.on_job_clock(interval.summary));
  for (const IntervalSummary& w : interval.workers) file.write(interval.placement.on_job_clock(w));
}

}  // namespace

void TimeSeriesJsonLines::on_interval(const IntervalSnapshot& interval) { write_placed(*this, interval); }

void TimeSeriesCsv::on_interval(const IntervalSnapshot& interval) { write_placed(*this, interval); }

}  // namespace iopulse
