// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// Streamed time-series files, written while the run goes on: one line per
// interval, flushed as soon as it is written, so a crash or Ctrl-C leaves
// valid files behind.
//   TimeSeriesJsonLines  one JSON object per line (IntervalSummary::to_json)
//   TimeSeriesCsv        RFC 4180: a header record, then one record per
//                        interval, CRLF-terminated; the columns of every op
//                        kind of kOpKinds, then the total; text fields
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

class TimeSeriesCsv : public IntervalSink {
 public:
  // `metadata`: a metadata job; each row also has the columns of every
  // metadata op kind (after the data columns).
  explicit TimeSeriesCsv(const std::string& path, bool metadata = false);
  ~TimeSeriesCsv();
  TimeSeriesCsv(const TimeSeriesCsv&) = delete;
  TimeSeriesCsv& operator=(const TimeSeriesCsv&) = delete;
  void write(const IntervalSummary& interval);
  void on_interval(const IntervalSnapshot& interval) override;

  // The header row (without newline), for documentation and tests.
  static std::string header(bool metadata = false);

 private:
  std::string path_;
  bool metadata_;
  std::FILE* file_;
};

}  // namespace iopulse

#endif  // IOPULSE_REPORT_TIME_SERIES_FILES_H_
