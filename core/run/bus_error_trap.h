// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// Bus errors on worker threads.  An engine that copies to and from a memory
// mapping of a file (mmap) touches a page that no longer exists when
// another process truncates the file, or whose storage failed: the kernel
// raises SIGBUS on that thread.  Rather than ending the process without
// results, a worker arms a jump point (sigsetjmp, once per run, not per IO)
// and the handler jumps back to it; the worker then ends its run with an IO
// error naming the bus error, and the results are written as for any IO
// error.  A SIGBUS on a thread with no jump point armed keeps its default
// action (the process ends with a core dump).
//
// The jump leaves the engine call it interrupted half done: the worker
// makes no further data-plane call on that instance.
#ifndef IOPULSE_RUN_BUS_ERROR_TRAP_H_
#define IOPULSE_RUN_BUS_ERROR_TRAP_H_

#include <csetjmp>
#include <string>

namespace iopulse {

// Installs the SIGBUS handler (idempotent, thread-safe).
void install_bus_error_handler();

// The calling thread's jump point for a SIGBUS, or nullptr to disarm.  The
// buffer must be filled by sigsetjmp(buf, 0) in a frame that stays active
// while armed.
void arm_bus_error_jump(sigjmp_buf* jump);

// After a jump: the faulting address, as text ("0x7f...").
std::string last_bus_error_address();

}  // namespace iopulse

#endif  // IOPULSE_RUN_BUS_ERROR_TRAP_H_
