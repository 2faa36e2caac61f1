// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// PathList: a list of paths in one string, fio's `filename` syntax: ':'
// separates the paths and "\:" is a ':' inside one.  --file-list takes it,
// and the fio translator writes it.
#ifndef IOPULSE_JOB_PATH_LIST_H_
#define IOPULSE_JOB_PATH_LIST_H_

#include <string>
#include <string_view>
#include <vector>

namespace iopulse {

// The paths of `text`, in order; an empty path stays in the list (the
// caller refuses it).
std::vector<std::string> split_path_list(std::string_view text);

// The text split_path_list reads back as `paths`.
std::string join_path_list(const std::vector<std::string>& paths);

}  // namespace iopulse

#endif  // IOPULSE_JOB_PATH_LIST_H_
