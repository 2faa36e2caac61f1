// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// Streamed time-series files, written while the run goes on: one line per
// interval, flushed as soon as it is written, so a crash or Ctrl-C leaves
// valid files behind.
//   TimeSeriesJsonLines  one JSON object per line (IntervalSummary::to_json)
//   TimeSeriesCsv        RFC 4180: a header record, then one record per
//                        interval, CRLF-terminated; the columns of every op
//                        kind of kOpKinds, then the total (then the
//                        metadata kinds, then the reads and writes by
//                        priority, when the job has them); text fields
//                        quoted where needed (csv_field()); latencies empty
//                        for a kind without IO in the interval
//                        (docs/live-outputs.md)
// Both throw std::system_error naming the path when the file cannot be
// created or written.  As interval sinks, each writes the job's interval and
// then each worker's (--timeseries-per-worker), on the job's clock with the
// phase named (IntervalPlacement).
#ifndef IOPULSE_REPORT_TIME_SERIES_FILES_H_
#define IOPULSE_REPORT_TIME_SERIES_FILES_H_

#include <cstdio>
#include <string>

#include "stats/interval_sink.h"
#include "stats/interval_stats.h"

namespace iopulse {

class TimeSeriesJsonLines : public IntervalSink {
 public:
  explicit TimeSeriesJsonLines(const std::string& path);
  ~TimeSeriesJsonLines();
  TimeSeriesJsonLines(const TimeSeriesJsonLines&) = delete;
  TimeSeriesJsonLines& operator=(const TimeSeriesJsonLines&) = delete;
  void write(const IntervalSummary& interval);
  void on_interval(const IntervalSnapshot& interval) override;

 private:
  std::string path_;
  std::FILE* file_;
};

// The column groups a job adds to the CSV time series' always-present ones.
struct CsvExtraColumns {
  bool metadata = false;  // a metadata job: the columns of every metadata op kind
  bool priority = false;  // --io-priority: prioritized_read_*, prioritized_write_*,
                          // others_read_*, others_write_* (stats/priority_split.h)
};

class TimeSeriesCsv : public IntervalSink {
 public:
  using Extra = CsvExtraColumns;

  explicit TimeSeriesCsv(const std::string& path, Extra extra = {});
  ~TimeSeriesCsv();
  TimeSeriesCsv(const TimeSeriesCsv&) = delete;
  TimeSeriesCsv& operator=(const TimeSeriesCsv&) = delete;
  void write(const IntervalSummary& interval);
  void on_interval(const IntervalSnapshot& interval) override;

  // The header row (without newline), for documentation and tests.
  static std::string header(Extra extra = {});

 private:
  std::string path_;
  Extra extra_;
  std::FILE* file_;
};

}  // namespace iopulse

#endif  // IOPULSE_REPORT_TIME_SERIES_FILES_H_
