// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// PreparationProgress: the progress bar shown while files are filled before
// a run: bytes done, rate and ETA.  On a terminal one line on stderr is
// rewritten in place and erased at the end; otherwise a plain line is printed
// every few seconds, so logs of long preparations show they are alive.
// On a terminal the line fits its width (read again at every refresh): the
// bar shrinks, then the rate and the planned size go, so a narrow terminal
// never wraps it into fragments.
#ifndef IOPULSE_REPORT_PREPARATION_PROGRESS_H_
#define IOPULSE_REPORT_PREPARATION_PROGRESS_H_

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>

namespace iopulse {

class PreparationProgress {
 public:
  // On stderr, or null with `quiet`.
  static std::unique_ptr<PreparationProgress> for_stderr(bool quiet);

  // `width` 0: the terminal's width, read from `out` (80 when unknown).
  PreparationProgress(std::FILE* out, bool terminal, int width = 0)
      : out_(out), terminal_(terminal), width_(width) {}
  ~PreparationProgress() { clear(); }

  // `at_most`: the bytes there can be to write (files being completed may
  // need less).
  void show(uint64_t written, uint64_t at_most, uint64_t elapsed_ns);
  void clear();

  // The line (no control characters); at most `width` - 1 characters when
  // `width` > 0, else with a bar of the full size.
  static std::string format(uint64_t written, uint64_t at_most, uint64_t elapsed_ns, int width = 0);

 private:
  std::FILE* out_;
  bool terminal_;
  int width_;
  bool shown_ = false;
  uint64_t last_plain_ns_ = 0;
};

}  // namespace iopulse

#endif  // IOPULSE_REPORT_PREPARATION_PROGRESS_H_
