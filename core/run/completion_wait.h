// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// CompletionWait: how a worker waits when its engine has a completion fd
// (engine.h, completion_fd(); docs/design.md, "Waiting for completions").
// One ppoll(2) covers the engine's eventfd, the run's stop descriptor
// (RunSignals::stop_fd()) and the worker's next timer (the deadline, the
// rate schedule, the drain limit), so nothing is seen late and nothing is
// polled.
//
// The worker reaps with timeout 0 first and calls wait() only when that
// found nothing: completions that are already there cost no system call of
// the host's.  wait() drains the eventfd before it returns, so a completion
// that becomes ready after it makes the descriptor readable again.
//
// Neither descriptor is owned: the engine's is the instance's until
// destroy(), the stop descriptor the run's.
#ifndef IOPULSE_RUN_COMPLETION_WAIT_H_
#define IOPULSE_RUN_COMPLETION_WAIT_H_

#include <poll.h>

#include <cstdint>

namespace iopulse {

class CompletionWait {
 public:
  enum class Woken {
    kCompletion,  // the engine's descriptor was readable (and is drained)
    kStop,        // only the stop descriptor was readable
    kTimeout,     // neither, within the timeout
  };

  CompletionWait(int completion_fd, int stop_fd);

  // Waits up to `timeout_ns` for a completion, or for a stop when
  // `with_stop` (a draining worker waits for its IOs only: the stop
  // descriptor stays readable).  EINTR counts as a timeout.  Throws
  // std::system_error when ppoll or the drain fails otherwise.
  Woken wait(uint64_t timeout_ns, bool with_stop);

 private:
  pollfd fds_[2];
};

}  // namespace iopulse

#endif  // IOPULSE_RUN_COMPLETION_WAIT_H_
