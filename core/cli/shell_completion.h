// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// Completion scripts for bash and zsh, written from the option list the
// parser reads (cli/command_options.h) and the options of `iopulse report`:
// option names, the literal values an option accepts (--think-mode sleep
// spin), files and directories where an option takes a path, and engine
// names, read when completing from the plugin directories (--plugin-dir on
// the line, $IOPULSE_PLUGIN_PATH, the install directory): a plugin file
// iopulse_<name>.so is engine <name>.  The build runs
// `iopulse --print-completion bash|zsh` to make the installed scripts.
#ifndef IOPULSE_CLI_SHELL_COMPLETION_H_
#define IOPULSE_CLI_SHELL_COMPLETION_H_

#include <string>
#include <string_view>

namespace iopulse {

// The shells completion_script() knows.
constexpr std::string_view kCompletionShells[] = {"bash", "zsh"};

// The script for `shell`; empty for a shell it does not know.
std::string completion_script(std::string_view shell);

}  // namespace iopulse

#endif  // IOPULSE_CLI_SHELL_COMPLETION_H_
