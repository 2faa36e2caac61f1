// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// PreparationProgress: the progress bar shown while files are filled before
// a run: bytes done, rate and ETA.  On a terminal one line on stderr is
// rewritten in place and erased at the end; otherwise a plain line is printed
// every few seconds, so logs of long preparations show they are alive.
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

  PreparationProgress(std::FILE* out, bool terminal) : out_(out), terminal_(terminal) {}
  ~PreparationProgress() { clear(); }

  // `at_most`: the bytes there can be to write (files being completed may
  // need less).
  void show(uint64_t written, uint64_t at_most, uint64_t elapsed_ns);
  void clear();

  static std::string format(uint64_t written, uint64_t at_most, uint64_t elapsed_ns);

 private:
  std::FILE* out_;
  bool terminal_;
  bool shown_ = false;
  uint64_t last_plain_ns_ = 0;
};

}  // namespace iopulse

#endif  // IOPULSE_REPORT_PREPARATION_PROGRESS_H_
