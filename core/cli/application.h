// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// run_application: the whole `iopulse` program.  Data flows one way:
// command line -> JobSpec -> engine and target plan -> prepared files ->
// workers -> RunResult -> reports.
//
// Exit codes: 0 success; 1 an IO error (reported with its errno text) or a
// failure to write results; 2 bad input or an engine that cannot be loaded or
// created (nothing on disk was touched); 128+N when signal N interrupted the
// run (results are still printed and written, marked as interrupted).
#ifndef IOPULSE_CLI_APPLICATION_H_
#define IOPULSE_CLI_APPLICATION_H_

namespace iopulse {

int run_application(int argc, char** argv);

}  // namespace iopulse

#endif  // IOPULSE_CLI_APPLICATION_H_
