// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// PerIoLogCapture: the per-IO fio-format logs (--log-per-io) of a run.  The
// workers do nothing for them beyond the per-IO capture (--write-iolog's
// records, trace/iolog_recorder.h): each phase records every IO into a
// capture, and after the phase the capture is read back, front to back,
// into the logs (report/fio_log_files.h), so nothing per IO is formatted or
// written while the phase is measured and memory stays bounded.
//
// The capture is the --write-iolog file when one is given (a run of one
// phase), else an unnamed file (output/unnamed_file.h) in the directory of
// the logs, one per phase, which disappears when the phase's logs are
// written (or the process ends): it takes 48 bytes per IO while it exists.
//
// Not thread-safe: the thread that runs the phases.
#ifndef IOPULSE_CLI_PER_IO_LOG_CAPTURE_H_
#define IOPULSE_CLI_PER_IO_LOG_CAPTURE_H_

#include <cstdint>
#include <memory>
#include <string>

#include "output/unnamed_file.h"
#include "run/job_runner.h"

namespace iopulse {

class FioLogFiles;

class PerIoLogCapture {
 public:
  // `iolog`: the --write-iolog file, or empty; `dir`: where unnamed
  // captures go.  Creates the first phase's capture now, so a directory
  // that cannot hold one is found before anything is prepared.  Throws
  // std::system_error naming it.
  PerIoLogCapture(FioLogFiles& logs, std::string iolog, const std::string& dir);

  // Where the next phase records its IOs (give it to JobRunner::run()).
  // Throws std::system_error.
  IoCaptureTarget begin_phase();
  // Adds that phase's IOs to the logs, its workers numbered from
  // `first_worker`, the phase having begun `job_ns` into the job, and frees
  // its unnamed capture.  Throws std::system_error (a log or the capture)
  // or TraceError (a capture cut short, e.g. by a full disk while it was
  // written).
  void end_phase(uint32_t first_worker, uint64_t job_ns);

 private:
  FioLogFiles& logs_;
  std::string iolog_;
  std::string dir_;
  std::unique_ptr<UnnamedFile> next_;     // created ahead of its phase
  std::unique_ptr<UnnamedFile> current_;  // the running phase's
};

}  // namespace iopulse

#endif  // IOPULSE_CLI_PER_IO_LOG_CAPTURE_H_
