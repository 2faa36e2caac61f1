// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// TomlJobWriter: a JobFile as the text of a TOML job file (config/job_file.h)
// that reads back as the same JobFile, for `iopulse convert job.fio`.  Each
// setting is preceded by a comment naming where it came from ("# job.fio:7:
// bs").  Flags and whole numbers are written bare, everything else as a TOML
// string, which the job-file reader accepts for every option.
#ifndef IOPULSE_CONFIG_TOML_JOB_WRITER_H_
#define IOPULSE_CONFIG_TOML_JOB_WRITER_H_

#include <string>
#include <vector>

#include "config/job_file.h"

namespace iopulse {

// `left_out` (from build_phased_job()): settings of `file` written as
// comments, with why, since the job runs without them; the rest is written
// as it is.
std::string format_toml_job_file(const JobFile& file, const std::vector<LeftOutSetting>& left_out = {});

}  // namespace iopulse

#endif  // IOPULSE_CONFIG_TOML_JOB_WRITER_H_
