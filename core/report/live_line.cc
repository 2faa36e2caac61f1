// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "report/live_line.h"

#include <unistd.h>

#include <fmt/format.h>

#include "report/units.h"

namespace iopulse {

std::unique_ptr<LiveLine> LiveLine::for_stderr(bool quiet) {
  if (quiet) return nullptr;
  return std::make_unique<LiveLine>(stderr, isatty(STDERR_FILENO) != 0);
}

std::string LiveLine::format(const IntervalSummary& s, uint64_t planned_ns) {
  std::string line = fmt::format("[{:>7}", format_duration_ns(s.end_ns));
  if (planned_ns != 0) {
    line += fmt::format(" / {}, {} left", format_duration_ns(planned_ns),
                        format_duration_ns(planned_ns > s.end_ns ? planned_ns - s.end_ns : 0));
  }
  line += "]";
  // A metadata phase shows its op kinds (each with its own p99) instead.
  bool metadata = false;
  uint64_t errors = s.read.errors + s.write.errors + s.sync.errors;
  for (size_t k = 0; k < kNumMetaKinds; ++k) {
    const OpIntervalSummary& m = s.meta[k];
    if (m.ops == 0 && m.errors == 0) continue;
    metadata = true;
    errors += m.errors;
    line += fmt::format("  {} {}/s p99 {}", kOpKinds[kFirstMetaKind + k].name, format_iops(m.iops),
                        m.ops != 0 ? format_latency_ns(static_cast<double>(m.lat_p99)) : "-");
  }
  if (!metadata) {
    line += fmt::format("  read {} IOPS {}", format_iops(s.read.iops), format_bandwidth(s.read.bw_bytes_per_sec));
    line += fmt::format("  write {} IOPS {}", format_iops(s.write.iops), format_bandwidth(s.write.bw_bytes_per_sec));
    line += fmt::format("  p99 {}", s.total.ops != 0 ? format_latency_ns(static_cast<double>(s.total.lat_p99)) : "-");
  }
  if (errors != 0) line += fmt::format("  errors {}", errors);
  return line;
}

void LiveLine::show(const IntervalSummary& s, uint64_t planned_ns) {
  if (terminal_) {
    // \r returns to the start of the line, \033[K erases what is left of it.
    fmt::print(out_, "\r{}\033[K", format(s, planned_ns));
  } else {
    fmt::print(out_, "{}\n", format(s, planned_ns));
  }
  std::fflush(out_);
  shown_ = true;
}

void LiveLine::clear() {
  if (!shown_ || !terminal_) return;
  fmt::print(out_, "\r\033[K");
  std::fflush(out_);
  shown_ = false;
}

}  // namespace iopulse
