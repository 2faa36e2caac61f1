// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// fio job files: `iopulse job.fio` and `iopulse --config job.fio` run a job
// file written for fio by translating it into the JobFile a TOML job file
// gives (config/job_file.h), so it is checked, layered with the command line
// and run exactly like one.  `iopulse convert job.fio` prints that JobFile as
// TOML (config/toml_job_writer.h).
//
// The translation (docs/fio-compatibility.md lists every option):
//   [global] sections      settings of the jobs after them, overridden by
//                          the job's own
//   a job section          a group of workers; jobs up to the next stonewall
//                          (or wait_for) run together in one phase, so a
//                          stonewall starts a new phase
//   numjobs                threads; without filename each worker has its own
//                          file, as fio's clones do
//   size, io_size, runtime, time_based, loops, number_ios
//                          the stop condition (fio's size is per job, so
//                          byte and op budgets are multiplied by numjobs)
//   ...                    one IOPulse setting each; see the docs
// Every option IOPulse cannot honour is a problem; all of them are reported
// together, one line each with the file's line number, in one UsageError.
// A job whose files differ from the others' is a phase or group with its
// own files (WorkloadSpec::own_files); the engine and the fio-format logs
// must be the same for every job, since an IOPulse run has one of each.
//
// Nothing here touches the filesystem other than reading the job file.
#ifndef IOPULSE_CONFIG_FIO_JOB_FILE_H_
#define IOPULSE_CONFIG_FIO_JOB_FILE_H_

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "config/job_file.h"

namespace iopulse {

// What the translation needs to know from outside.
struct FioTranslationContext {
  // Whether an IOPulse engine plugin of this name can be found; asked for an
  // ioengine that is not one of fio's names IOPulse maps itself.
  std::function<bool(const std::string&)> engine_exists;
  // The size of an existing regular file or block device, nullopt when the
  // path is missing or something else; asked for a job whose one filename
  // has no size or filesize (fio then uses the file's or device's size).
  // Empty: never known.
  std::function<std::optional<uint64_t>(const std::string&)> existing_size;
  // ${NAME} lookup; empty means the process environment.
  std::function<std::optional<std::string>(const std::string&)> getenv;
};

// Whether the job file `path` with contents `text` is a fio job file: its
// name ends in ".fio", or it is not valid TOML and has fio's INI shape
// (config/fio_ini_reader.h).
bool is_fio_job_file(const std::string& path, std::string_view text);

// Translates fio job file text; `path` is used in labels ("job.fio:7: bs").
// Throws UsageError listing every problem, one per line.
JobFile translate_fio_job_file(std::string_view text, const std::string& path, const FioTranslationContext& context);

// Whether `path` names a readable regular file that is a fio job file (for
// `iopulse job.fio`, where the argument could also be a target): fio's INI
// shape, or text (no NUL byte) in a file whose name ends in ".fio".
bool names_fio_job_file(const std::string& path);

}  // namespace iopulse

#endif  // IOPULSE_CONFIG_FIO_JOB_FILE_H_
