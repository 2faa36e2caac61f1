// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// Job files: a TOML description of a run (`iopulse --config job.toml`) with
// global settings and an ordered list of phases.  A job file never has its
// own parser for option values: every key is a job option of the one table
// (job/job_options.h) and its value is handed to JobSpecBuilder as the text
// the command line would give, with a label "job.toml:12: block-size" so
// every message names the file, the line and the key.
//
//   # global settings: every phase starts from these
//   target = "/tmp/iopulse/oltp.dat"
//   file-size = "8G"
//   engine = "io_uring"
//   io_uring.sqpoll = true          # engine options: <engine>.<option>
//
//   [[phase]]                       # phases run in file order
//   name = "prefill"
//   write-percent = 100
//   block-size = "1M"
//
//   [[phase]]
//   name = "oltp"
//   random = true
//   duration = "5m"
//
// Precedence, lowest first: global settings, the phase's settings, the
// command line.  A later layer replaces a setting of an earlier one; setting
// one of a group replaces the whole group (the stop condition, the read/write
// mix, ...; see build_phased_job).  A file without [[phase]] is one phase
// made of the global settings.
//
// Keys are the command-line option names without "--"; "block_size" is read
// as "block-size".  Run-wide keys (the target and its files, the engine and
// where plugins are found, the outputs and the error policy) are accepted
// only as global settings; see docs/job-files.md.
//
// Nothing here touches the filesystem other than reading the job file.
#ifndef IOPULSE_CONFIG_JOB_FILE_H_
#define IOPULSE_CONFIG_JOB_FILE_H_

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "job/phased_job.h"

namespace iopulse {

class JobSpecBuilder;

// One setting of a job file.
struct JobFileEntry {
  // A job option name ("block-size", the spelling of job_options()), or an
  // engine option "<engine>.<option>" ("io_uring.sqpoll"); only engine
  // options contain a '.'.
  std::string key;
  // The value as command-line text: TOML strings as they are, integers in
  // decimal, booleans "true"/"false", floats in their shortest exact form.
  std::string text;
  // "<path>:<line>: <key as written>", e.g. "job.toml:12: block_size".
  std::string label;
  // A setting of a phase or group that it took from a section above it
  // rather than gave itself: a fio job's setting from a [global] section
  // that stays with the job (one that other jobs replace).  Judged as the
  // settings of the layers above are (build_phased_job(): left out where
  // it has no effect).  A TOML job file's settings never are: its layers
  // say what is inherited.
  bool inherited = false;
};

// A setting build_phased_job() left out of a phase or group because it has
// no effect there; `reason` is what the refusal of it as the job's own
// says ("--distribution: zipf needs --random; ...").
struct LeftOutSetting {
  const JobFileEntry* entry;  // into the JobFile built
  std::string reason;
};

// A group of workers that runs its own workload alongside the phase's other
// groups ([[group]] at the top level, or [[phase.group]]): composite
// patterns such as random small reads beside sequential large writes.
struct JobFileGroup {
  std::string name;                    // `name = ...`, or "group-<n>"
  std::vector<JobFileEntry> entries;   // workload settings, on top of the phase's
  std::string label;                   // "job.toml:20: group 'scan'"
};

struct JobFilePhase {
  std::string name;                    // `name = ...`, or "phase-<n>" (1-based)
  std::vector<JobFileEntry> entries;   // in file order
  // "job.toml:14: phase 'reads'" (the [[phase]] line), put before messages
  // about the phase as a whole; empty for the one phase of a file without
  // [[phase]].
  std::string label;
  // Concurrent groups of workers; empty: the phase is one group.
  std::vector<JobFileGroup> groups;
  // A fio job file's ramp_time: this phase runs the next one's workload for
  // the ramp time; IOPulse's results report it as a phase, the fio-format
  // outputs leave it out (as fio leaves out its ramp).
  bool ramp = false;
  // A fio job file's read-back pass (verify with do_verify=1 on a job that
  // only writes): this phase checks every block the phase before wrote
  // (--verify-only); the fio-format outputs count its reads as that job's.
  bool read_back = false;
  // A fio job file's next loop of a job with a read-back pass (loops with
  // verify and do_verify=1: fio writes the files, reads them back, and
  // again, loops times): this phase writes the files again as the last
  // phase before it that is neither a read-back nor a repeat did; the
  // fio-format outputs count its IO as that job's.
  bool repeat = false;
};

struct JobFile {
  std::string path;                    // as given
  std::vector<JobFileEntry> global;    // top-level settings, in file order
  std::vector<JobFilePhase> phases;    // in run order; never empty
  // A fio job file's group_reporting: fio-format outputs merge the jobs of
  // a reporting group into one job.
  bool group_reporting = false;
  // A fio job file's reporting groups (fio's groupid): reporting_groups[p][g]
  // for phase p's group g, or [p][0] for a phase of one job; empty for a
  // ramp or read-back phase.  A phase starts a group, and so does a job with new_group.
  // Empty for a TOML job file.
  std::vector<std::vector<uint32_t>> reporting_groups;
  // A fio job file of one job (run as one phase without a name): the job's
  // name, which the fio-format outputs give it.  Empty otherwise.
  std::string job_name;
  // What the translation of a fio job file says about it without refusing
  // it, one line each ("job.fio:7: verify: ..."), as fio's notes at start;
  // printed before the run.  Empty for a TOML job file.
  std::vector<std::string> notes;

  // The texts of the global settings of `key`, in file order (several only
  // for plugin-dir).  For what must be known before the phases are built:
  // the engine and plugin-dir.
  std::vector<std::string> global_values(std::string_view key) const;
};

// The text of the job file at `path`, read once (a pipe, `--config <(...)`
// or /dev/stdin, gives its text only once).  `option` begins its refusals
// ("--config", "convert") and `accepted` ends them ("a TOML job file", "a
// fio job file").  Read up to a bound: a job file is text of a few KiB, and
// a device without end or a disk image given by mistake is refused after
// its first 16 MiB rather than read whole.  Throws UsageError.
std::string read_job_file_text(const std::string& path, std::string_view option, std::string_view accepted);

// Reads and checks `path`.  Throws UsageError for a file that cannot be
// read, a TOML syntax error ("job.toml:3:7: <what toml++ says>"), an unknown
// key, a value of the wrong TOML type, a key given twice in one table (in
// both spellings), a run-wide key inside a phase, or a bad phase name.
// Values themselves are checked later, by JobSpecBuilder.
JobFile load_job_file(const std::string& path);

// The same for TOML text already in memory; `path` is used in messages.
JobFile parse_job_file(std::string_view toml_text, const std::string& path);

// The job of the file: every phase's (and group's) JobSpec is built by a
// fresh JobSpecBuilder from the global settings, then the phase's, then the
// command line (`apply_command_line` applies the command-line options to
// the builder it is given; it is called once more than there are phases and
// groups, so it must do the same every time), then build(), which checks
// the combination.  What is kept of each is its WorkloadSpec; the run's
// RunSettings and TargetSpec, which no phase can change (their options are
// refused inside a phase), are the first phase's.
//
// A setting given in a later layer removes the same setting from the earlier
// layers before anything is applied, so the builder sees each option once.
// Some settings replace a whole group:
//   duration, total-bytes, total-ops, run-until-complete  (the stop condition)
//   read-percent, write-percent                           (the mix)
//   fsync-every, fdatasync-every
//   verify, verify-only
//   block-size also replaces read-block-size and write-block-size.
//
// Engine options: those of `engine` (the name of the engine the job uses,
// its descriptor's name, not a path) go to add_engine_option() without the
// prefix; those of other engines are left out, so one file can carry options
// for several engines and the command line can switch between them.  Check
// them all first with check_engine_options().
//
// A setting a phase or group inherits (a global one; a phase's, for its
// groups; one marked `inherited`) that has no effect there (JobSpecBuilder::IdleSetting: it shapes
// something that phase does not do) is left out of it: the phase is built
// again without it.  It is refused only when no phase or group that
// inherits it uses it.  The command line's settings are every phase's own.
//
// Also checks what must hold across phases: with file-distribution
// per-worker every phase uses the same number of threads (one file each).
// Throws UsageError: the builder's message, which carries the label; a
// message from build() (a combination of settings, some perhaps inherited)
// is preceded by the phase's label when the file has [[phase]] tables.
// `left_out`, when given, receives every entry of the phases' and groups'
// own layers that was left out of its phase or group (those with
// `inherited` set; a global or phase entry inherited by several is not
// listed), for `iopulse convert` to write them as what they are.
PhasedJob build_phased_job(const JobFile& file, const std::string& engine,
                           const std::function<void(JobSpecBuilder&)>& apply_command_line,
                           std::vector<LeftOutSetting>* left_out = nullptr);

// Checks every engine option of `file` (global and in every phase), so a bad
// one is reported with its file and line.  `check_option(engine, option,
// text)` throws UsageError when there is no engine `engine`, the engine has
// no such option or does not accept the value; a message that starts with
// "--<engine>.<option>: " (the command-line form EngineOptionValues uses)
// has that replaced by the entry's label, e.g.
//   job.toml:4: io_uring.sqpol: unknown option for engine io_uring; ...
// Throws UsageError.
void check_engine_options(
    const JobFile& file,
    const std::function<void(const std::string& engine, const std::string& option, const std::string& text)>&
        check_option);

}  // namespace iopulse

#endif  // IOPULSE_CONFIG_JOB_FILE_H_
