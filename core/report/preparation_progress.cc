// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "report/preparation_progress.h"

#include <unistd.h>

#include <algorithm>

#include <fmt/format.h>

#include "report/units.h"

namespace iopulse {
namespace {

constexpr int kBarWidth = 24;
constexpr uint64_t kPlainEveryNs = 5'000'000'000;

}  // namespace

std::unique_ptr<PreparationProgress> PreparationProgress::for_stderr(bool quiet) {
  if (quiet) return nullptr;
  return std::make_unique<PreparationProgress>(stderr, isatty(STDERR_FILENO) != 0);
}

std::string PreparationProgress::format(uint64_t written, uint64_t at_most, uint64_t elapsed_ns) {
  const double share = at_most == 0 ? 1.0 : std::min(1.0, static_cast<double>(written) / static_cast<double>(at_most));
  const int filled = static_cast<int>(share * kBarWidth);
  const double rate = elapsed_ns == 0 ? 0.0 : static_cast<double>(written) * 1e9 / static_cast<double>(elapsed_ns);
  std::string line = fmt::format("preparing [{}{}] {} / {} ({:.0f}%)  {}", std::string(filled, '#'),
                                 std::string(kBarWidth - filled, '.'), format_bytes(written), format_bytes(at_most),
                                 share * 100, format_bandwidth(rate));
  if (rate > 0 && written < at_most) {
    line += fmt::format("  ETA {}", format_duration_ns(static_cast<uint64_t>(
                                        static_cast<double>(at_most - written) / rate * 1e9)));
  }
  return line;
}

void PreparationProgress::show(uint64_t written, uint64_t at_most, uint64_t elapsed_ns) {
  if (terminal_) {
    fmt::print(out_, "\r{}\033[K", format(written, at_most, elapsed_ns));
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
