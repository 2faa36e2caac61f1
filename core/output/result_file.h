// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// Writing outputs where OutputDestination says they go.
//
//   write_result_file()   a whole document at once (JSON results, the HTML
//                         report, a layout manifest): kReplace writes a new
//                         file ".<name>.iopulse-XXXXXX" in the same
//                         directory, syncs it and renames it over the old
//                         one (keeping the old file's permissions); kInPlace
//                         opens the path and writes; kStdout writes to
//                         standard output.
//   open_output_stream()  a file written line by line while the run goes on
//                         (time series): opened once, truncated if it is a
//                         regular file, never renamed.
//
// Both resolve the destination again when called (what is at the path may
// have changed since the job was checked) and throw std::system_error naming
// the path and the errno text, also when the path became unusable.
#ifndef IOPULSE_OUTPUT_RESULT_FILE_H_
#define IOPULSE_OUTPUT_RESULT_FILE_H_

#include <cstdio>
#include <string>
#include <string_view>

namespace iopulse {

// `what` names the document in messages ("JSON results").
void write_result_file(const std::string& option, const std::string& path, std::string_view text,
                       const std::string& what);

// A stream the caller owns (std::fclose it); "-" gives a stream on a
// duplicate of standard output.
std::FILE* open_output_stream(const std::string& option, const std::string& path, const std::string& what);

}  // namespace iopulse

#endif  // IOPULSE_OUTPUT_RESULT_FILE_H_
