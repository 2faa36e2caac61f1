// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// CompletionWait: how a worker waits when its engine has a completion fd
// (engine.h, completion_fd(); docs/design.md, "Waiting for completions").
// One ppoll(2) covers the engine's eventfd, the run's stop descriptor
// (RunSignals::stop_fd()) and the worker's next timer (the deadline, the
// rate schedule, the drain limit), so nothing is seen late and nothing is
// polled.
//
// A worker calls reap(): it reaps with timeout 0 first and waits only when
// that found nothing, so completions that are already there cost no system
// call of the host's.  wait() drains the eventfd before it returns, so a
// completion that becomes ready after it makes the descriptor readable again.
//
// Neither descriptor is owned: the engine's is the instance's until
// destroy(), the stop descriptor the run's.  One CompletionWait per worker
// thread (it counts the engine's silent completions).
#ifndef IOPULSE_RUN_COMPLETION_WAIT_H_
#define IOPULSE_RUN_COMPLETION_WAIT_H_

#include <poll.h>

#include <cstdint>

#include "iopulse/engine.h"

namespace iopulse {

class EngineInstance;

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

  // Up to `max` completions of `engine` into `out`: what is ready at once,
  // else a wait on the fd (and the stop, when `with_stop`) of at most
  // `timeout_ns`, then what is ready (possibly none).  Returns reap()'s
  // result.  Throws EngineContractError when completions keep turning up
  // that the fd never announced: a few whole check periods (100 ms) in a
  // row, each ending in silence with completions ready.
  int32_t reap(EngineInstance& engine, iop_cqe* out, uint32_t max, uint64_t timeout_ns, bool with_stop);

  // The longest single wait reap() should be given: after it the worker
  // reaps anyway (a check of the engine, not how it learns of completions).
  static constexpr uint64_t kCheckPeriodNs = 100'000'000;

 private:
  static constexpr uint32_t kMaxUnannouncedChecks = 3;

  pollfd fds_[2];
  uint32_t unannounced_ = 0;  // timed-out waits in a row after which reap() found completions
};

}  // namespace iopulse

#endif  // IOPULSE_RUN_COMPLETION_WAIT_H_
