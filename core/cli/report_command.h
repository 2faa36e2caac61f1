// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// `iopulse report`: turns result files written with --json-output into one
// self-contained HTML page (report/html_report.h).
//
//   iopulse report RESULTS.json [MORE.json ...] -o OUT.html [--title TEXT]
//                  [--label NAME ...]
//
// Several files are compared side by side, named by --label (in order) or
// by their file names.  The page is written to OUT.html.tmp, flushed and
// renamed over OUT.html, so a reader never sees half a page.
#ifndef IOPULSE_CLI_REPORT_COMMAND_H_
#define IOPULSE_CLI_REPORT_COMMAND_H_

#include <string>
#include <vector>

namespace iopulse {

// One option of `iopulse report`, for iopulse(1) and the shell completion,
// read from the options the command's parser uses.
struct ReportOption {
  std::string name;        // "output"
  char short_name = 0;     // 'o', or 0
  std::string value_name;  // "OUT.html"; empty for a flag
  std::string help;
};
std::vector<ReportOption> report_command_options();

// argv[0] is "report"; argv[1..] are the command's arguments.  Prints the
// output path on stdout and returns 0 on success; --help prints the usage
// and returns 0.  Any problem (bad option, unreadable or missing input, a
// file that is not JSON or not an IOPulse result, an output that cannot be
// written) prints one line "iopulse: error: ..." on stderr and returns 2.
int run_report_command(int argc, char** argv);

}  // namespace iopulse

#endif  // IOPULSE_CLI_REPORT_COMMAND_H_
