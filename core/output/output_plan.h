// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// OutputPlan: every output of a command, checked together before anything
// is prepared or run, so a run's results can never be lost to a bad output
// path found at the end:
//   - each output can be written (OutputDestination::resolve);
//   - no two outputs name the same file (or both standard output);
//   - no output names an input of the command: the target, any file the job
//     plans to use, the job file, a layout manifest, a result file read.
// Files are compared by identity (device and inode) when they exist, else
// by their absolute path with symbolic links of the directories resolved.
// Nothing here creates or changes anything.
#ifndef IOPULSE_OUTPUT_OUTPUT_PLAN_H_
#define IOPULSE_OUTPUT_OUTPUT_PLAN_H_

#include <string>
#include <vector>

#include "output/output_destination.h"

namespace iopulse {

// An output: the option that names it and the path given ("-": standard
// output).  Outputs with an empty path are not asked for and are skipped.
struct RequestedOutput {
  std::string option;  // "--json-output"
  std::string path;
};

// A file the command reads or works on, which no output may name.
struct CommandInput {
  std::string what;  // "the target", "the job file", for messages
  std::string path;
};

class OutputPlan {
 public:
  // Throws UsageError (one line: the option, the path, the reason).
  static OutputPlan check(const std::vector<RequestedOutput>& outputs, const std::vector<CommandInput>& inputs);

  // An output goes to standard output, so nothing else may.
  bool uses_stdout() const { return uses_stdout_; }
  const std::vector<OutputDestination>& destinations() const { return destinations_; }

 private:
  std::vector<OutputDestination> destinations_;
  bool uses_stdout_ = false;
};

}  // namespace iopulse

#endif  // IOPULSE_OUTPUT_OUTPUT_PLAN_H_
