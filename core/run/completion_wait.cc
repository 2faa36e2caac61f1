// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "run/completion_wait.h"

#include <unistd.h>

#include <cerrno>
#include <ctime>
#include <system_error>

#include <fmt/format.h>

#include "run/completion_ledger.h"
#include "run/engine_instance.h"

namespace iopulse {

CompletionWait::CompletionWait(int completion_fd, int stop_fd) {
  fds_[0] = {completion_fd, POLLIN, 0};
  fds_[1] = {stop_fd, POLLIN, 0};
}

CompletionWait::Woken CompletionWait::wait(uint64_t timeout_ns, bool with_stop) {
  const timespec ts{static_cast<time_t>(timeout_ns / 1'000'000'000), static_cast<long>(timeout_ns % 1'000'000'000)};
  fds_[0].revents = fds_[1].revents = 0;
  const int n = ppoll(fds_, with_stop ? 2 : 1, &ts, nullptr);
  if (n < 0) {
    if (errno == EINTR) return Woken::kTimeout;
    throw std::system_error(errno, std::generic_category(), "waiting on the engine's completion fd (ppoll)");
  }
  if (fds_[0].revents & (POLLERR | POLLNVAL)) {
    throw std::system_error(EBADF, std::generic_category(),
                            "waiting on the engine's completion fd (the descriptor is not open or failed)");
  }
  if (fds_[0].revents & POLLIN) {
    // Drain before the reap that follows (engine.h, completion_fd()).
    uint64_t count;
    if (read(fds_[0].fd, &count, sizeof count) < 0 && errno != EAGAIN) {
      throw std::system_error(errno, std::generic_category(), "draining the engine's completion fd");
    }
    return Woken::kCompletion;
  }
  return n > 0 ? Woken::kStop : Woken::kTimeout;
}

int32_t CompletionWait::reap(EngineInstance& engine, iop_cqe* out, uint32_t max, uint64_t timeout_ns,
                             bool with_stop) {
  int32_t got = engine.reap(out, max, 0, 0);
  if (got != 0) return got;
  const Woken woken = wait(timeout_ns, with_stop);
  got = engine.reap(out, max, 0, 0);
  if (woken == Woken::kCompletion) {
    unannounced_ = 0;
  } else if (woken == Woken::kTimeout && got > 0 && timeout_ns >= kCheckPeriodNs) {
    // A whole check period passed in silence, yet completions were ready.
    // One such find can be a race (the engine signals just after); a few in
    // a row, with no signal between them, cannot.
    if (++unannounced_ >= kMaxUnannouncedChecks) {
      throw EngineContractError(fmt::format(
          "engine {}: its completion fd did not become readable although completions were ready to reap ({} "
          "waits of {:.1f} s in a row; engine.h, completion_fd()); the run stops",
          engine.name(), unannounced_, static_cast<double>(kCheckPeriodNs) / 1e9));
    }
  }
  return got;
}

}  // namespace iopulse
