// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// The iopulse(1) manual page, written in roff (man macros) from the option
// list the parser reads (cli/command_options.h), so the page lists exactly
// the options the command accepts, grouped by topic as in --help.  The build
// runs `iopulse --print-man` to make the installed page.
#ifndef IOPULSE_CLI_MAN_PAGE_H_
#define IOPULSE_CLI_MAN_PAGE_H_

#include <string>
#include <string_view>

namespace iopulse {

std::string iopulse_man_page();

// `text` as roff body text: backslashes and hyphens escaped, a line that
// starts with a period or an apostrophe made literal.
std::string roff_escape(std::string_view text);

}  // namespace iopulse

#endif  // IOPULSE_CLI_MAN_PAGE_H_
