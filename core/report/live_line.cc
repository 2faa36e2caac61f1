// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "report/live_line.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <initializer_list>

#include <fmt/format.h>

#include "report/units.h"

namespace iopulse {
namespace {

constexpr int kDefaultWidth = 80;

// How much a line says; format() takes the richest style that fits.
struct Style {
  bool words;      // "read 816k IOPS" rather than "R 816k"
  bool goal;       // what the run stops on: "/ 30.00 s"
  bool spaces;     // "3.11 GiB/s" rather than "3.11GiB/s"
  bool bandwidth;  // each kind's bandwidth
};

constexpr Style kStyles[] = {
    {true, true, true, true},    {true, false, true, true},    {false, false, true, true},
    {false, false, false, true}, {false, false, false, false},
};

std::string tight(std::string text, bool spaces) {
  if (!spaces) text.erase(std::remove(text.begin(), text.end(), ' '), text.end());
  return text;
}

// "[12.00 s / 30.00 s  40%  ETA 18.00 s]", tight: "12.00s 40% ETA 18.00s"
std::string head(const LiveLine::Progress& p, const Style& st) {
  const RunGoal& g = p.goal;
  const std::string sep = st.spaces ? "  " : " ";
  const std::string close = st.spaces ? "]" : "";
  std::string h = (st.spaces ? "[" : "") + tight(format_duration_ns(p.elapsed_ns), st.spaces);
  const std::optional<double> share = g.share(p.elapsed_ns, p.ops, p.bytes);
  if (!share) return h + close;
  if (st.goal) {
    // The condition furthest along is the one that will stop the run.
    double best = -1;
    std::string text;
    auto consider = [&](uint64_t limit, double s, std::string t) {
      if (limit != 0 && s > best) {
        best = s;
        text = std::move(t);
      }
    };
    auto frac = [](uint64_t done, uint64_t limit) {
      return limit == 0 ? 0.0 : static_cast<double>(done) / static_cast<double>(limit);
    };
    consider(g.duration_ns, frac(p.elapsed_ns, g.duration_ns), " / " + format_duration_ns(g.duration_ns));
    consider(g.ops, frac(p.ops, g.ops),
             fmt::format("{}{} / {} {}", sep, format_iops(static_cast<double>(p.ops)),
                         format_iops(static_cast<double>(g.ops)), g.complete_pass ? "blocks of the pass" : "ops"));
    consider(g.bytes, frac(p.bytes, g.bytes), fmt::format("{}{} / {}", sep, format_bytes(p.bytes), format_bytes(g.bytes)));
    h += text;
  }
  h += fmt::format("{}{:.0f}%", sep, *share * 100);
  if (const std::optional<uint64_t> eta = g.eta_ns(p.elapsed_ns, p.ops, p.bytes)) {
    h += sep + "ETA " + tight(format_duration_ns(*eta), st.spaces);
  }
  return h + close;
}

// " read 816k IOPS 3.11 GiB/s p99 1.09 us"
std::string op_part(const OpKindInfo& kind, const OpIntervalSummary& o, const Style& st) {
  std::string s = fmt::format("{}{} {}", st.words ? "  " : " ", st.words ? kind.name : kind.label, format_iops(o.iops));
  if (st.words) s += " IOPS";
  if (st.bandwidth && kind.moves_data) s += " " + tight(format_bandwidth(o.bw_bytes_per_sec), st.spaces);
  s += " p99 " + (o.ops != 0 ? tight(format_latency_ns(static_cast<double>(o.lat_p99)), st.spaces) : std::string("-"));
  return s;
}

std::string line_in(const IntervalSummary& s, const LiveLine::Progress& p, const Style& st) {
  std::string line = head(p, st);
  bool any = false;
  for (const OpKindInfo& k : kOpKinds) any |= p.seen[static_cast<size_t>(k.kind)];
  for (const OpKindInfo& k : kOpKinds) {
    const bool show = any ? p.seen[static_cast<size_t>(k.kind)] : k.always_reported;
    if (show) line += op_part(k, s[k.kind], st);
  }
  if (const uint64_t errors = s.errors(); errors != 0) line += fmt::format("{}errors {}", st.words ? "  " : " ", errors);
  return line;
}

}  // namespace

std::unique_ptr<LiveLine> LiveLine::for_stderr(bool quiet) {
  if (quiet) return nullptr;
  return std::make_unique<LiveLine>(stderr, isatty(STDERR_FILENO) != 0);
}

std::string LiveLine::format(const IntervalSummary& s, const Progress& p, int width) {
  std::string line;
  for (const Style& st : kStyles) {
    line = line_in(s, p, st);
    if (width <= 0 || static_cast<int>(line.size()) < width) return line;
  }
  line.resize(static_cast<size_t>(std::max(0, width - 1)));
  return line;
}

void LiveLine::start(const RunGoal& goal) {
  progress_ = Progress{};
  progress_.goal = goal;
}

int LiveLine::width() const {
  if (width_ > 0) return width_;
  winsize ws{};
  if (ioctl(fileno(out_), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
  return kDefaultWidth;
}

void LiveLine::show(const IntervalSummary& s) {
  progress_.elapsed_ns = s.end_ns;
  // Trims count toward the IO budgets and a complete pass like writes.
  const OpIntervalSummary& trims = s[OpKind::kTrim];
  progress_.ops += s.total.ops + s.total.errors + trims.ops + trims.errors;
  progress_.bytes += s.total.bytes + trims.bytes;
  for (size_t i = 0; i < kNumOpKinds; ++i) progress_.seen[i] = progress_.seen[i] || s[static_cast<OpKind>(i)].ops + s[static_cast<OpKind>(i)].errors != 0;
  const uint64_t span = s.end_ns - s.start_ns;
  if (s.index > 0 && span < progress_.goal.stats_interval_ns / 10) return;
  if (terminal_) {
    // \r returns to the start of the line, \033[K erases what is left of it.
    fmt::print(out_, "\r{}\033[K", format(s, progress_, width()));
  } else {
    fmt::print(out_, "{}\n", format(s, progress_, 0));
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
