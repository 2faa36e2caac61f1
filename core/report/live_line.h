// LiveLine: the progress line shown on a terminal while a job runs: one
// line on stderr, rewritten in place once a second, erased before the
// summary is printed.  Only created when stderr is a terminal.
#ifndef IOPULSE_REPORT_LIVE_LINE_H_
#define IOPULSE_REPORT_LIVE_LINE_H_

#include <cstdint>
#include <cstdio>
#include <memory>

namespace iopulse {

// One second of progress, computed by the run layer from published counters.
struct LiveSample {
  uint64_t elapsed_ns = 0;  // since the window opened
  uint64_t planned_ns = 0;  // planned duration, 0 when the job stops on a byte count
  double read_iops = 0, read_bw = 0;    // over the last interval; bw in bytes/s
  double write_iops = 0, write_bw = 0;
  uint64_t errors = 0;      // cumulative
};

class LiveLine {
 public:
  // A LiveLine on stderr, or null when stderr is not a terminal or `quiet`.
  static std::unique_ptr<LiveLine> for_stderr(bool quiet);

  explicit LiveLine(std::FILE* out) : out_(out) {}
  void show(const LiveSample& sample);
  void clear();

 private:
  std::FILE* out_;
  bool shown_ = false;
};

}  // namespace iopulse

#endif  // IOPULSE_REPORT_LIVE_LINE_H_
