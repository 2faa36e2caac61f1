// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "run/bus_error_trap.h"

#include <signal.h>

#include <mutex>

#include <fmt/format.h>

namespace iopulse {
namespace {

// Initial-exec TLS: no allocation on access, so the handler may read it on
// any thread.
__attribute__((tls_model("initial-exec"))) thread_local sigjmp_buf* t_jump = nullptr;
__attribute__((tls_model("initial-exec"))) thread_local void* t_address = nullptr;

void on_bus_error(int sig, siginfo_t* info, void*) {
  sigjmp_buf* jump = t_jump;
  if (jump == nullptr) {
    // Not a worker inside its loop: the default action, when the faulting
    // instruction runs again.
    signal(sig, SIG_DFL);
    return;
  }
  t_jump = nullptr;
  t_address = info->si_addr;
  siglongjmp(*jump, 1);
}

}  // namespace

void install_bus_error_handler() {
  static std::once_flag once;
  std::call_once(once, [] {
    struct sigaction sa {};
    sa.sa_sigaction = on_bus_error;
    // SA_NODEFER: after the jump (sigsetjmp without the signal mask) SIGBUS
    // must not stay blocked on the thread.
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGBUS, &sa, nullptr);
  });
}

void arm_bus_error_jump(sigjmp_buf* jump) { t_jump = jump; }

std::string last_bus_error_address() { return fmt::format("{}", t_address); }

}  // namespace iopulse
