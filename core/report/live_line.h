// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// LiveLine: progress while a job runs, once per stats interval, on stderr.
// On a terminal it is one line rewritten in place and erased before the
// summary; otherwise it is a plain line per interval.
//
// A line shows the elapsed time, how far the run is towards what stops it
// (percent and ETA, for a duration, a byte or op budget and a complete pass
// alike) and, per op kind that happened, the interval's IOPS, bandwidth and
// p99 latency.  On a terminal the line never exceeds the terminal's width
// (read again at every refresh): it drops words, then spaces, then
// bandwidths until it fits, and is cut as a last resort, so a narrow
// terminal never wraps it into fragments.
#ifndef IOPULSE_REPORT_LIVE_LINE_H_
#define IOPULSE_REPORT_LIVE_LINE_H_

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>

#include "report/run_goal.h"
#include "stats/interval_sink.h"
#include "stats/interval_stats.h"

namespace iopulse {

class LiveLine : public IntervalSink {
 public:
  // The live view on stderr, or null with `quiet`.
  static std::unique_ptr<LiveLine> for_stderr(bool quiet);

  // `width` 0: the terminal's width, read from `out` at every refresh (80
  // when it cannot be read).  Plain (non-terminal) output is never cut.
  LiveLine(std::FILE* out, bool terminal, int width = 0) : out_(out), terminal_(terminal), width_(width) {}

  // A new run (or phase) begins: what stops it, and how long an interval is.
  void start(const RunGoal& goal);

  // Shows one closed interval of the run started last.  A last interval of
  // less than a tenth of the stats interval (the window ended just past a
  // boundary) only counts: its rates would be noise on screen.
  void show(const IntervalSummary& interval);
  // Erases the terminal line (no-op for plain output).
  void clear();

  // As a sink: shows each interval of the run; erases the line when the run
  // ends.
  void on_interval(const IntervalSnapshot& interval) override { show(interval.summary); }
  void on_run_end(const RunResult&) override { clear(); }

  // How far a run is: its goal and what it has done so far.
  struct Progress {
    RunGoal goal;
    uint64_t elapsed_ns = 0;
    uint64_t ops = 0;    // IOs of the kinds that move data, done or failed
    uint64_t bytes = 0;  // bytes they moved
    // The op kinds seen since the run started (OpKind order).
    std::array<bool, kNumOpKinds> seen{};
  };

  // The text of one progress line (no control characters), at most `width`
  // - 1 characters when `width` > 0 (the last column stays free: a
  // character there makes some terminals wrap).
  static std::string format(const IntervalSummary& interval, const Progress& progress, int width);

 private:
  int width() const;

  std::FILE* out_;
  bool terminal_;
  int width_;
  bool shown_ = false;
  Progress progress_;
};

}  // namespace iopulse

#endif  // IOPULSE_REPORT_LIVE_LINE_H_
