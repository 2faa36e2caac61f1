// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// Every option of the iopulse command, as one list: the command's own options
// (--help, --version, --config, ...) followed by every job option
// (job/job_options.h).  The parser, --help, the iopulse(1) man page and the
// shell completion scripts all read this list, so none of them can name an
// option the others do not know.
#ifndef IOPULSE_CLI_COMMAND_OPTIONS_H_
#define IOPULSE_CLI_COMMAND_OPTIONS_H_

#include <string>
#include <string_view>
#include <vector>

#include "job/job_options.h"

namespace iopulse {

struct CommandOption {
  std::string_view name;        // "block-size", without the leading "--"
  char short_name;              // 'h' for -h; 0 for none
  OptionTopic topic;
  std::string_view value_name;  // as JobOption::value_name; empty for a flag
  // The table's help text, followed by "(default X)" when the option has
  // a default value (JobOption::rules.default_value).
  std::string help;
  bool repeatable;              // may be given more than once (--plugin-dir)
  const JobOption* job_option;  // nullptr for the command's own options
};

// In --help order within each topic.
const std::vector<CommandOption>& command_options();

// The literal values an option accepts, from its value name: "sleep|spin" ->
// {"sleep", "spin"}, "N|auto" -> {"auto"}; empty when any value is accepted.
std::vector<std::string> option_choices(const CommandOption& option);

// A value name that is a placeholder for a path, so completion offers files.
bool option_takes_path(const CommandOption& option);

}  // namespace iopulse

#endif  // IOPULSE_CLI_COMMAND_OPTIONS_H_
