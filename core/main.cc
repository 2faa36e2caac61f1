// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// The `iopulse` executable: everything lives in the core/ layers (iopulse_core).
//
// The application runs on a thread with a large stack.  Results hold their
// latency histograms inline, and the deepest path (merging the reports of
// MPI ranks into the run's result) keeps several of them on the stack at
// once: some 5 MiB of frames in an optimized build, more than the usual
// 8 MiB under AddressSanitizer, whose frames keep every temporary apart.  A
// thread's stack is address space; only the pages touched become memory.
#include <pthread.h>

#include <cstdlib>

#include "cli/application.h"

namespace {

constexpr size_t kStackBytes = size_t{256} << 20;

struct Invocation {
  int argc;
  char** argv;
};

// The process ends from this thread, as it would have from main(): its
// stack and thread-local memory are still there while exit() runs the
// process's exit handlers (LeakSanitizer's among them, under the sanitizer
// build, which takes what they hold as reachable).
[[noreturn]] void* run(void* arg) {
  const auto* call = static_cast<const Invocation*>(arg);
  std::exit(iopulse::run_application(call->argc, call->argv));
}

}  // namespace

int main(int argc, char** argv) {
  Invocation call{argc, argv};
  pthread_attr_t attr;
  pthread_t app;
  if (pthread_attr_init(&attr) != 0 || pthread_attr_setstacksize(&attr, kStackBytes) != 0 ||
      pthread_create(&app, &attr, run, &call) != 0) {
    return iopulse::run_application(argc, argv);  // no thread: the usual stack
  }
  pthread_attr_destroy(&attr);
  // A signal sent to the process goes to this thread first, which only
  // waits: the interrupt handler's effects are the process's (a flag and an
  // eventfd every thread watches), and no call of the application's is cut
  // short by it.
  pthread_join(app, nullptr);  // the application's thread ends the process
  return 1;
}
