// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// Interrupt handling: SIGINT, SIGTERM and SIGHUP (the terminal went away)
// ask the run to stop gracefully (the results are still reported, marked as
// interrupted; the exit code is 128 + the signal).  Another of them within a
// second of the first is the same interrupt delivered again (timeout(1) and
// a terminal signal the process and its group) and changes nothing; one
// after that ends the process at once, so a stuck run can still be killed.
#ifndef IOPULSE_RUN_INTERRUPT_H_
#define IOPULSE_RUN_INTERRUPT_H_

namespace iopulse {

void install_interrupt_handlers();

// The signal number that asked to stop, or 0.
int interrupt_signal();

// A descriptor that becomes readable (POLLIN) when the first interrupt
// arrives and stays readable; never read.  A thread that sleeps in poll()
// on it wakes at the interrupt instead of at its next timeout.  -1 before
// install_interrupt_handlers() (poll() ignores a negative descriptor).
int interrupt_fd();

}  // namespace iopulse

#endif  // IOPULSE_RUN_INTERRUPT_H_
