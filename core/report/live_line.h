// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// LiveLine: progress while a job runs, once per stats interval, on stderr.
// On a terminal it is one line rewritten in place (elapsed / planned time,
// IOPS and bandwidth of reads and writes, the interval's p99 latency) and
// erased before the summary; otherwise it is a plain line per interval.
#ifndef IOPULSE_REPORT_LIVE_LINE_H_
#define IOPULSE_REPORT_LIVE_LINE_H_

#include <cstdint>
#include <cstdio>
#include <memory>

#include "stats/interval_stats.h"

namespace iopulse {

class LiveLine {
 public:
  // The live view on stderr, or null with `quiet`.
  static std::unique_ptr<LiveLine> for_stderr(bool quiet);

  LiveLine(std::FILE* out, bool terminal) : out_(out), terminal_(terminal) {}

  // Shows one closed interval; `planned_ns` is the planned duration (0 when
  // the job stops on something else).
  void show(const IntervalSummary& interval, uint64_t planned_ns);
  // Erases the terminal line (no-op for plain output).
  void clear();

  // The text of one progress line (without control characters).
  static std::string format(const IntervalSummary& interval, uint64_t planned_ns);

 private:
  std::FILE* out_;
  bool terminal_;
  bool shown_ = false;
};

}  // namespace iopulse

#endif  // IOPULSE_REPORT_LIVE_LINE_H_
