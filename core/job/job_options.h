// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// The options of a job, in one table.  The command line (--block-size 64k)
// and job files (block-size = "64k") both apply options through
// JobSpecBuilder, so an option is parsed, validated and explained the same
// way wherever it is given.  Messages name the option as the user wrote it:
// the caller passes a label such as "--block-size" or "job.toml:12: block-size".
#ifndef IOPULSE_JOB_JOB_OPTIONS_H_
#define IOPULSE_JOB_JOB_OPTIONS_H_

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "job/job_spec.h"

namespace iopulse {

class JobSpecBuilder;

// The group an option is listed under in --help and in iopulse(1), in the
// order the groups are shown.  kGeneral holds the command's own options
// (--help, --version, --config, ...), which are not job options.
enum class OptionTopic {
  kGeneral, kTarget, kWorkload, kPriority, kMetadata, kAccess, kRange, kPreparation, kStop, kPacing, kReplay, kVerification, kOutputs,
  kTimeSeries, kEngines, kCluster
};
constexpr OptionTopic kAllTopics[] = {
    OptionTopic::kGeneral, OptionTopic::kTarget,       OptionTopic::kWorkload, OptionTopic::kPriority,
    OptionTopic::kMetadata, OptionTopic::kAccess,      OptionTopic::kRange,    OptionTopic::kPreparation,
    OptionTopic::kStop,    OptionTopic::kPacing,       OptionTopic::kReplay,   OptionTopic::kVerification,
    OptionTopic::kOutputs, OptionTopic::kTimeSeries,   OptionTopic::kEngines,  OptionTopic::kCluster};
// "workload": one lower-case word, for scripts.
std::string_view topic_name(OptionTopic topic);
// "Workload: IO sizes, op mix, queue depth", the heading of the group.
std::string_view topic_title(OptionTopic topic);

// Where an option may be given in a job file of phases.  A phase changes
// the workload (kPhase) and may name its own files (kFiles); the other
// scopes hold for the whole run and are given before the first [[phase]]
// or on the command line.
enum class OptionScope {
  kPhase,    // the workload, the stop condition: a phase may change it
  kFiles,    // which files and how they are prepared: the run's, or a phase's or group's own; each set
             // planned and prepared before the first phase
  kEngine,   // which engine: loaded once (its options may change per phase)
  kErrors,   // the error policy: it and the exit code cover the whole run
  kOutputs,  // results, time series, metrics: they cover the whole run
  kJournal,  // the verify journal: it records the whole run's writes
};
// Why an option of `scope` is not accepted inside a phase ("" for kPhase
// and kFiles, which are).
std::string_view scope_reason(OptionScope scope);

// The part of a JobSpec (job/job_spec.h) that an option of `scope` sets: a
// workload option sets only the WorkloadSpec, a files option only the
// TargetSpec, the others only the RunSettings.  A unit test applies every
// option and holds it to this, so a field is in the part its option's scope
// says and the table is the one source of where a setting lives.
enum class JobPart { kRun, kTarget, kWorkload };
constexpr JobPart job_part(OptionScope scope) {
  switch (scope) {
    case OptionScope::kPhase: return JobPart::kWorkload;
    case OptionScope::kFiles: return JobPart::kTarget;
    case OptionScope::kEngine:
    case OptionScope::kErrors:
    case OptionScope::kOutputs:
    case OptionScope::kJournal: return JobPart::kRun;
  }
  return JobPart::kRun;
}

// Kinds of job that refuse an option because something else of theirs says
// it (bits of OptionRules::refused_by).
enum OptionRefusal : uint8_t {
  kMetadataJobs = 1 << 0,  // a data-IO option: a metadata job (--md-phases) does not use it
  kReplayJobs = 1 << 1,    // the trace of --replay says what each IO does, where and when
};

// Writes an option's setting into the results' `config` object (the job as
// it ran): the keys it owns, from the JobSpec field its apply() sets.
using OptionEcho = void (*)(const JobSpec& spec, nlohmann::json& config);

// What the option table says about an option beyond parsing it: each rule
// is read where it applies (the job file, the builder's checks, --help, the
// results' echo of the job), never kept again in a list of names.
struct OptionRules {
  OptionScope scope = OptionScope::kPhase;
  uint8_t refused_by = 0;  // OptionRefusal bits
  // Options of one group replace each other across the layers of a job
  // file (a phase's total-ops replaces the global duration rather than
  // adding a second stop condition); empty: only the option itself.
  std::string_view replaces = {};
  // Options that cannot be in effect together with this one, by name,
  // separated by '|' (listed on one of the two): the builder refuses the
  // pair in one line, "--a and --b: choose one".  An option is in effect
  // when given, except a flag given false.  A unit test checks every name.
  std::string_view excludes = {};
  // The value the job has when the option is not given, as option text
  // ("1", "4k", "sleep"): --help and iopulse(1) show it, and applying it to
  // a fresh job leaves the job unchanged (a unit test applies every one).
  // Empty: no default of that form (the help text says what happens).
  std::string_view default_value = {};
  // May differ between the ranks of a multi-host run: it concerns the host
  // (its devices, how its files are prepared, its paths, its patience with
  // an engine), not the job measured, so the ranks' job identity leaves it
  // out (cluster/job_identity.h).
  bool per_host = false;
  // Its part of the job's echo in the results.  Null only for an option
  // whose setting another option's echo writes (echoed_by names it) or one
  // of scope kOutputs (where results go is not part of the job measured).
  OptionEcho echo = nullptr;
  std::string_view echoed_by = {};
};

struct JobOption {
  std::string_view name;        // "block-size"
  OptionTopic topic;            // the --help group
  // "SIZE"; empty for a flag (text "", "true" or "false").  Lower-case words
  // separated by '|' are the literal values accepted ("sleep|spin"); upper-
  // case words are placeholders ("N|auto": a number or the word auto).  The
  // man page and the shell completion take the choices from here.
  std::string_view value_name;
  std::string_view help;
  // Applies `text` to the job; `label` names the option in messages.
  void (*apply)(JobSpecBuilder& job, const std::string& text, const std::string& label);
  OptionRules rules = {};
};

// Every job option, in the order --help shows them.
const std::vector<JobOption>& job_options();
// The words of one of the table's '|'-separated lists (OptionRules::excludes,
// JobOption::value_name), in order, empty words left out.  The views point
// into `list`.
std::vector<std::string_view> table_list_words(std::string_view list);
const JobOption* find_job_option(std::string_view name);

// The job as JSON (the `config` member of the results): every option's
// echo (OptionRules::echo) applied to `spec`.
nlohmann::json job_config(const JobSpec& spec);
// The job as the ranks of a multi-host run must agree on it: job_config()
// without the options that are per_host.
nlohmann::json job_identity(const JobSpec& spec);

// Accumulates options into a JobSpec and checks the combination at the end.
class JobSpecBuilder {
 public:
  // Applies one option (without the leading "--").  Throws UsageError.
  void apply(std::string_view name, const std::string& text, const std::string& label);
  // An engine option, --<engine>.<option>, checked later against the engine.
  void add_engine_option(const std::string& option, const std::string& text);

  // Checks what depends on several options and returns the job.  Throws
  // UsageError.
  JobSpec build() const;
  // --log-per-io, --log-offset, --log-prio and --log-unix-epoch shape the fio-format logs:
  // given while no workload of the job writes one (`logs` false), throws
  // UsageError.  (The job's, not build()'s: a phase may log while another
  // does not.)
  void check_log_shape(bool logs) const;

  JobSpec& spec() { return spec_; }
  // IO sizes: --block-size sets both kinds, --read-block-size and
  // --write-block-size one each and win over --block-size in any order.
  enum class SizeScope { kBoth, kRead, kWrite };
  void set_sizes(SizeScope scope, const BlockSizeMix& mix);
  bool given(std::string_view name) const { return given_.count(std::string(name)) != 0; }
  // Given, and not a flag given false (OptionRules::excludes).
  bool in_effect(std::string_view name) const { return in_effect_.count(std::string(name)) != 0; }
  // The label an option was given with, for messages about combinations.
  std::string label_of(std::string_view name) const { return spec_.origins.label_of(name); }

  // Inherited settings: what a layer above the job's own gave (a job file's
  // global settings for each of its phases, a phase's for each of its
  // groups).  apply() records an option as inherited while `on` is true; a
  // later apply() of the same option while it is false makes it the job's
  // own again.
  void set_inheriting(bool on) { inheriting_ = on; }
  // An inherited setting with no effect in this job: it shapes something
  // the job does not do (a row of job/shaping_settings.h: --rate-process
  // without a rate, --zipf-theta in a sequential job, --fsync-every in one
  // that does not write), which build() refuses as the job's own.  build()
  // notes them before it checks the rest of the combination;
  // build_phased_job() builds the phase again without them, and refuses one
  // only when no phase that inherits it uses it.  `message` is what that
  // refusal says.
  struct IdleSetting {
    std::string label;  // where it was given
    std::string name;   // the option
    std::string message;
  };
  const std::vector<IdleSetting>& idle_settings() const { return idle_; }
  // (label, option) of every inherited option of the job.
  std::vector<std::pair<std::string, std::string>> inherited_settings() const;

 private:
  JobSpec spec_;
  std::set<std::string> given_;
  std::set<std::string> in_effect_;
  bool inheriting_ = false;
  std::set<std::string, std::less<>> inherited_;
  mutable std::vector<IdleSetting> idle_;  // build()'s notes; cleared at its start

  // The rows of shaping_settings() `spec` has no use for: throws for the
  // job's own, notes the inherited ones in idle_.
  void check_shaping_settings(const JobSpec& spec) const;
  std::optional<uint32_t> read_percent_, write_percent_;  // as given
  std::optional<BlockSizeMix> both_sizes_, read_sizes_, write_sizes_;
};

}  // namespace iopulse

#endif  // IOPULSE_JOB_JOB_OPTIONS_H_
