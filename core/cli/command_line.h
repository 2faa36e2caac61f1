// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// CommandLine: turns argv into what the user asked for.  Parsing happens in
// two passes because engine options (--<engine>.<option>) are only known once
// the plugins are loaded:
//   1. CommandLine::parse(argc, argv) reads the host's own options (help,
//      version, plugin directories, the engine, ...) and keeps the rest;
//   2. to_job_spec(registry) registers every loaded engine's options, parses
//      everything strictly, validates every value and returns a JobSpec.
// Every problem is a UsageError naming the option, the value and what is
// accepted.  Nothing here touches the filesystem.
#ifndef IOPULSE_CLI_COMMAND_LINE_H_
#define IOPULSE_CLI_COMMAND_LINE_H_

#include <string>
#include <vector>

#include "job/job_spec.h"

namespace iopulse {

class EngineRegistry;
class JobSpecBuilder;

class CommandLine {
 public:
  enum class Action { kRun, kHelp, kVersion, kListEngines, kEngineHelp, kPrintMan, kPrintCompletion };

  // First pass.  Throws UsageError for malformed input.
  static CommandLine parse(int argc, const char* const* argv);

  Action action() const { return action_; }
  const std::string& engine_help_name() const { return engine_help_name_; }
  const std::string& completion_shell() const { return completion_shell_; }  // --print-completion
  const std::string& engine() const { return engine_; }             // --engine (default "sync")
  const std::vector<std::string>& plugin_dirs() const { return plugin_dirs_; }
  bool engine_given() const { return engine_given_; }                // --engine was given
  const std::string& config_path() const { return config_path_; }   // --config, empty = none
  bool dry_run() const { return dry_run_; }                          // --dry-run
  // --output-format: what is printed at the end of a run.
  enum class OutputFormat {
    kText,         // the text summary (default)
    kFioJson,      // fio's JSON output (report/fio_json_writer.h)
    kFioJsonPlus,  // the same with fio's latency bins
  };
  OutputFormat output_format() const { return output_format_; }

  // Second pass: the validated job.  `registry` must already hold the
  // engine named by engine() (see EngineRegistry::require()).
  JobSpec to_job_spec(EngineRegistry& registry) const;

  // The second pass without build(): applies every job option and the
  // options of engine `engine` (a loaded engine's name) to `job`, so a job
  // file's settings can come first.  Throws UsageError.
  void apply_to(JobSpecBuilder& job, EngineRegistry& registry, const std::string& engine) const;

  // The --help text.
  static std::string usage();

 private:
  std::vector<std::string> args_;  // argv[1..]
  Action action_ = Action::kRun;
  std::string engine_help_name_;
  std::string completion_shell_;
  std::string engine_ = "sync";
  std::vector<std::string> plugin_dirs_;
  bool engine_given_ = false;
  std::string config_path_;
  bool dry_run_ = false;
  OutputFormat output_format_ = OutputFormat::kText;
};

}  // namespace iopulse

#endif  // IOPULSE_CLI_COMMAND_LINE_H_
