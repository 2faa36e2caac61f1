// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// IoErrorLog: the errors of one data worker as its results carry them: the
// text of the first kMaxErrorMessages (every error is counted where it
// happened), and the stop an error causes unless --continue-on-error.  The
// worker and its observers (a failed verification) report through it.
// Used on the worker's thread only; messages() is read after the worker
// finished.
#ifndef IOPULSE_RUN_IO_ERROR_LOG_H_
#define IOPULSE_RUN_IO_ERROR_LOG_H_

#include <string>
#include <utility>
#include <vector>

#include "run/run_signals.h"
#include "run/worker_thread.h"  // kMaxErrorMessages

namespace iopulse {

class IoErrorLog {
 public:
  // `signals` outlives the log.
  IoErrorLog(RunSignals& signals, bool continue_on_error)
      : signals_(signals), continue_on_error_(continue_on_error) {}

  // An error happened: keeps the text `describe()` returns (called only
  // while fewer than kMaxErrorMessages are kept) and its errno `error` (the
  // first one only), and stops the run as an IO failure unless
  // --continue-on-error; `fatal`: stops it anyway (the engine broke its
  // contract).
  template <typename Describe>
  void failed(Describe&& describe, int error, bool fatal = false) {
    if (first_error_ == 0) first_error_ = error;
    if (messages_.size() < kMaxErrorMessages) messages_.push_back(std::forward<Describe>(describe)());
    if (!continue_on_error_ || fatal) {
      signals_.io_failed.store(true, std::memory_order_relaxed);
      signals_.request_stop();
    }
  }

  const std::vector<std::string>& messages() const { return messages_; }
  int first_error() const { return first_error_; }  // 0: none yet

 private:
  RunSignals& signals_;
  const bool continue_on_error_;
  std::vector<std::string> messages_;
  int first_error_ = 0;
};

}  // namespace iopulse

#endif  // IOPULSE_RUN_IO_ERROR_LOG_H_
