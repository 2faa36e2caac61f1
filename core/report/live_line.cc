#include "report/live_line.h"

#include <unistd.h>

#include <fmt/format.h>

#include "report/units.h"

namespace iopulse {

std::unique_ptr<LiveLine> LiveLine::for_stderr(bool quiet) {
  if (quiet || isatty(STDERR_FILENO) == 0) return nullptr;
  return std::make_unique<LiveLine>(stderr);
}

void LiveLine::show(const LiveSample& s) {
  std::string line = fmt::format("[{:>6}", format_duration_ns(s.elapsed_ns));
  if (s.planned_ns != 0) line += fmt::format(" / {}", format_duration_ns(s.planned_ns));
  line += "]";
  line += fmt::format("  read {} IOPS {}", format_iops(s.read_iops), format_bandwidth(s.read_bw));
  line += fmt::format("  write {} IOPS {}", format_iops(s.write_iops), format_bandwidth(s.write_bw));
  if (s.errors != 0) line += fmt::format("  errors {}", s.errors);
  // \r returns to the start of the line, \033[K erases what is left of it.
  fmt::print(out_, "\r{}\033[K", line);
  std::fflush(out_);
  shown_ = true;
}

void LiveLine::clear() {
  if (!shown_) return;
  fmt::print(out_, "\r\033[K");
  std::fflush(out_);
  shown_ = false;
}

}  // namespace iopulse
