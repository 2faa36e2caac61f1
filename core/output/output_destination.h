// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// OutputDestination: where one output (--json-output, --csv-output,
// --timeseries-output, --export-layout-manifest, `iopulse report -o`) goes
// and how it is written, decided from what is at its path now:
//
//   "-", or a path naming this process's standard output (/dev/stdout,
//   /proc/self/fd/1, the file stdout is redirected to)   -> kStdout
//   a regular file with one link, or nothing yet          -> kReplace: a new
//       file is written beside it and renamed over it, so a reader sees the
//       old or the new content, never a half-written one; a symbolic link is
//       followed and the file it names is replaced (the link stays)
//   a FIFO, a character device (/dev/null, a terminal), a
//   regular file with several hard links or one reached
//   through /proc                                          -> kInPlace:
//       opened for writing where it is; never renamed over
//   a directory, a block device, a socket, a directory
//   that is missing or cannot be written                   -> refused
//
// A symbolic link to a file that does not exist yet creates that file.
//
// Results therefore never replace what is not a regular file.  Nothing here
// creates or changes anything; resolve() only looks.
#ifndef IOPULSE_OUTPUT_OUTPUT_DESTINATION_H_
#define IOPULSE_OUTPUT_OUTPUT_DESTINATION_H_

#include <string>

#include "job/usage_error.h"

namespace iopulse {

// A path an output cannot be written to.  A UsageError (exit code 2) when it
// is found before the run; code() is the errno that says why, for a caller
// that reports it as an IO error instead (the path changed during the run).
class OutputPathError : public UsageError {
 public:
  OutputPathError(int code, const std::string& message) : UsageError(message), code_(code) {}
  int code() const { return code_; }

 private:
  int code_;
};

struct OutputDestination {
  enum class Kind { kStdout, kReplace, kInPlace };

  Kind kind = Kind::kStdout;
  std::string option;  // "--json-output", for messages
  std::string path;    // as given
  // kReplace: the regular file to create or replace (symbolic links
  // resolved); kInPlace: the path to open; kStdout: empty.
  std::string write_path;

  // Decides where `path` goes.  Throws OutputPathError with one line naming
  // `option`, the path and why it cannot be written.
  static OutputDestination resolve(const std::string& option, const std::string& path);
};

}  // namespace iopulse

#endif  // IOPULSE_OUTPUT_OUTPUT_DESTINATION_H_
