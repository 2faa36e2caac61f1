// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// `iopulse iolog FILE`: prints an IOPulse iolog (--write-iolog) as text, as
// CSV, or as a fio iolog version 3 that fio (read_iolog) and IOPulse
// (--replay) replay.
//
//   iopulse iolog FILE [--format text|csv|fio] [--worker N]
//
// Output goes to standard output; nothing else is written.  The records are
// streamed (the iolog is never loaded whole).  A fio iolog is one job's
// stream, so --format fio takes one worker's IOs (--worker N; required when
// the iolog has several workers).
#ifndef IOPULSE_CLI_IOLOG_COMMAND_H_
#define IOPULSE_CLI_IOLOG_COMMAND_H_

namespace iopulse {

// argv[0] is "iolog".  Exit code 0, or 2 with one line on stderr for a bad
// option or a corrupt or truncated iolog (naming the record).
int run_iolog_command(int argc, char** argv);

}  // namespace iopulse

#endif  // IOPULSE_CLI_IOLOG_COMMAND_H_
