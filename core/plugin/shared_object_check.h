// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// shared_object_defect: a look at an ELF shared object's headers before it
// is handed to dlopen().  dlopen() maps each loadable segment as the program
// headers describe it; when the file is shorter than they say (a truncated
// copy, a download cut short) the first access to a page past the end kills
// the process with SIGBUS.  This check reads only the ELF and program
// headers, so such a file is refused with a message instead.  Files that are
// not ELF objects of this machine's class are left to dlopen(), which
// refuses them safely with its own message ("invalid ELF header").
#ifndef IOPULSE_PLUGIN_SHARED_OBJECT_CHECK_H_
#define IOPULSE_PLUGIN_SHARED_OBJECT_CHECK_H_

#include <filesystem>
#include <string>

namespace iopulse {

// "" when nothing is wrong that this check can see, else the reason, e.g.
// "truncated: 4096 bytes, but its segments need 15968".
std::string shared_object_defect(const std::filesystem::path& path);

}  // namespace iopulse

#endif  // IOPULSE_PLUGIN_SHARED_OBJECT_CHECK_H_
