// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// `iopulse convert JOB.fio`: prints the TOML job file (docs/job-files.md)
// that runs what the fio job file describes (config/fio_job_file.h), so a
// team converts its fio jobs once.
//
//   iopulse convert JOB.fio [--plugin-dir DIR ...]
//
// The TOML goes to standard output; nothing else is written.
#ifndef IOPULSE_CLI_CONVERT_COMMAND_H_
#define IOPULSE_CLI_CONVERT_COMMAND_H_

namespace iopulse {

// argv[0] is "convert".  Returns 0 after printing the TOML; --help prints
// the usage.  A file that cannot be read, is not a fio job file or has
// options IOPulse cannot honour: every problem on stderr, exit code 2.
int run_convert_command(int argc, char** argv);

}  // namespace iopulse

#endif  // IOPULSE_CLI_CONVERT_COMMAND_H_
