// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "report/preparation_progress.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>

#include <fmt/format.h>

#include "report/units.h"

namespace iopulse {
namespace {

constexpr int kBarWidth = 24;     // the bar's size when there is room
constexpr int kMinBarWidth = 8;   // narrower than this, no bar
constexpr int kDefaultWidth = 80;
constexpr uint64_t kPlainEveryNs = 5'000'000'000;

std::string bar(double share, int width) {
  const int filled = static_cast<int>(share * width);
  return "[" + std::string(filled, '#') + std::string(width - filled, '.') + "] ";
}

}  // namespace

std::unique_ptr<PreparationProgress> PreparationProgress::for_stderr(bool quiet) {
  if (quiet) return nullptr;
  return std::make_unique<PreparationProgress>(stderr, isatty(STDERR_FILENO) != 0);
}

std::string PreparationProgress::format(uint64_t written, uint64_t at_most, uint64_t elapsed_ns, int width) {
  const double share = at_most == 0 ? 1.0 : std::min(1.0, static_cast<double>(written) / static_cast<double>(at_most));
  const double rate = elapsed_ns == 0 ? 0.0 : static_cast<double>(written) * 1e9 / static_cast<double>(elapsed_ns);
  std::string eta;
  if (rate > 0 && written < at_most) {
    eta = "  ETA " + format_duration_ns(static_cast<uint64_t>(static_cast<double>(at_most - written) / rate * 1e9));
  }
  const std::string percent = fmt::format(" ({:.0f}%)", share * 100);
  const std::string rate_text = "  " + format_bandwidth(rate);
  // From the richest text to the tightest; the bar takes what room is left.
  const std::string texts[] = {
      format_bytes(written) + " / " + format_bytes(at_most) + percent + rate_text + eta,
      format_bytes(written) + " / " + format_bytes(at_most) + percent + eta,
      format_bytes(written) + percent + eta,
  };
  const std::string label = "preparing ";
  if (width <= 0) return label + bar(share, kBarWidth) + texts[0];
  const int room = width - 1;
  for (const std::string& text : texts) {
    const int left = room - static_cast<int>(label.size() + text.size()) - 3;  // "[", "] "
    if (left >= kMinBarWidth) return label + bar(share, std::min(kBarWidth, left)) + text;
  }
  for (const std::string& text : texts) {
    if (static_cast<int>(label.size() + text.size()) <= room) return label + text;
  }
  std::string line = label + texts[2];
  line.resize(static_cast<size_t>(std::max(0, room)));
  return line;
}

void PreparationProgress::show(uint64_t written, uint64_t at_most, uint64_t elapsed_ns) {
  if (terminal_) {
    int width = width_;
    if (width <= 0) {
      winsize ws{};
      width = ioctl(fileno(out_), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0 ? ws.ws_col : kDefaultWidth;
    }
    fmt::print(out_, "\r{}\033[K", format(written, at_most, elapsed_ns, width));
  } else {
    if (elapsed_ns - last_plain_ns_ < kPlainEveryNs) return;
    last_plain_ns_ = elapsed_ns;
    fmt::print(out_, "{}\n", format(written, at_most, elapsed_ns));
  }
  std::fflush(out_);
  shown_ = true;
}

void PreparationProgress::clear() {
  if (!shown_ || !terminal_) return;
  fmt::print(out_, "\r\033[K");
  std::fflush(out_);
  shown_ = false;
}

}  // namespace iopulse
