// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// OptionSuggestion: for an option the command line does not know, the
// IOPulse option the user most likely meant.  fio's names come first (--bs
// means --block-size, --iodepth --queue-depth, --numjobs --threads, ...),
// then the closest name by edit distance (a typo such as --blok-size).
#ifndef IOPULSE_CLI_OPTION_SUGGESTION_H_
#define IOPULSE_CLI_OPTION_SUGGESTION_H_

#include <string>
#include <string_view>
#include <vector>

namespace iopulse {

// `unknown` without its leading "--"; `known` the option names (without
// "--") to choose from.  Returns a phrase such as "did you mean
// --block-size (fio's bs)?" or "did you mean --duration?", or "" when
// nothing is close.
std::string suggest_option(std::string_view unknown, const std::vector<std::string>& known);

}  // namespace iopulse

#endif  // IOPULSE_CLI_OPTION_SUGGESTION_H_
