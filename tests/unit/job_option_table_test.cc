// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// The option table as the one source of each option's default and of its
// echo in the results: a default applied to a job leaves the job as it was
// (compared field by field), and every setting an option changes shows in
// the job's echo.
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "job/job_options.h"
#include "job/shaping_settings.h"
#include "job/usage_error.h"

namespace iopulse {
namespace {

using OptionTexts = std::vector<std::pair<std::string, std::string>>;

// Options an option needs beside it to be accepted at all (--io-priority-
// percent is refused without --io-priority), given to both jobs compared.
const std::map<std::string, OptionTexts>& option_companions() {
  static const std::map<std::string, OptionTexts> m = {
      {"io-priority-percent", {{"io-priority", "be:2"}}},
      {"io-priority-others", {{"io-priority", "be:2"}, {"io-priority-percent", "50"}}},
      {"think-every", {{"think-time", "1ms"}}},
      {"think-mode", {{"think-time", "1ms"}}},
      {"think-adaptive-percent", {{"think-time", "1ms"}}},
      {"rate-per-worker", {{"rate-iops", "100"}}},
      {"rate-process", {{"rate-iops", "100"}}},
      {"end-fsync", {{"write-percent", "100"}}},
      {"dir-depth", {{"total-files", "8"}}},
      {"dir-width", {{"total-files", "8"}}},
      {"file-prefix", {{"num-files", "2"}}},
      {"distribution", {{"random", ""}}},
      {"block-align", {{"random", ""}, {"duration", "1s"}}},
      {"fadvise-each-pass", {{"fadvise", "dontneed"}}},
      {"sequential-skip", {{"duration", "1s"}}},
      {"sequential-cursor", {{"duration", "1s"}, {"read-percent", "50"}}},
      {"zipf-theta", {{"random", ""}, {"distribution", "zipf"}}},
      {"pareto-h", {{"random", ""}, {"distribution", "pareto"}}},
      {"gaussian-stddev", {{"random", ""}, {"distribution", "gaussian"}, {"gaussian-stddev", "0.1"}}},
      {"gaussian-center", {{"random", ""}, {"distribution", "gaussian"}, {"gaussian-stddev", "0.1"}}},
      {"zones", {{"random", ""}, {"distribution", "zoned"}, {"zones", "50/50:50/50"}}},
      {"hot-spot-scatter", {{"random", ""}, {"distribution", "zipf"}}},
      {"replay-speed", {{"replay", "trace.iolog"}}},
      {"replay-workers", {{"replay", "trace.iolog"}}},
      {"replay-redirect", {{"replay", "trace.iolog"}}},
      {"replay-scale", {{"replay", "trace.iolog"}}},
      {"replay-align", {{"replay", "trace.iolog"}}},
      {"dedupe-working-set", {{"dedupe-percent", "50"}}},
      {"dedupe-unit", {{"dedupe-percent", "50"}}},
      {"steady-state", {{"steady-state", "iops:10%"}, {"steady-state-duration", "5s"}}},
      {"md-mix", {{"md-phases", "file-create,mix"}, {"md-mix", "stat:100"}}},
      {"steady-state-duration", {{"steady-state", "iops:10%"}, {"steady-state-duration", "3s"}}},
      {"steady-state-ramp", {{"steady-state", "iops:10%"}, {"steady-state-duration", "5s"}}},
      {"verify-journal", {{"verify", ""}}},
      {"prometheus-bind", {{"prometheus-port", "9100"}}},
      {"allow-mounted-writes", {{"allow-device-writes", ""}}},
      {"trim-write", {{"trim-percent", "10"}}},
      {"fsync-every", {{"write-percent", "50"}}},
      {"fdatasync-every", {{"write-percent", "50"}}},
      {"io-flags", {{"write-percent", "50"}}},
      {"log-per-io", {{"write-bw-log", "bw"}}},
      {"log-offset", {{"write-bw-log", "bw"}}},
      {"log-prio", {{"write-bw-log", "bw"}}},
      {"log-unix-epoch", {{"write-bw-log", "bw"}}},
  };
  return m;
}
// Options of a metadata job, given with --md-phases and --md-items.
bool is_metadata_option(std::string_view name) { return name.starts_with("md-"); }

// A value other than the default, for the echo check.
const std::map<std::string, std::string>& option_samples() {
  static const std::map<std::string, std::string> m = {
      {"target", "/elsewhere"}, {"file-list", "/tmp/a:/tmp/b\\:c"}, {"file-size", "8k"}, {"file-distribution", "partitioned"},
      {"layout-manifest", "files.txt"}, {"export-layout-manifest", "out.txt"}, {"file-prefix", "data"},
      {"block-size", "8k"}, {"read-block-size", "8k"}, {"write-block-size", "4k:50,8k:50"},
      {"submit-batch", "2"}, {"read-percent", "30"}, {"write-percent", "30"}, {"trim-percent", "10"},
      {"distribution", "zipf"}, {"zipf-theta", "2"}, {"pareto-h", "0.5"}, {"gaussian-stddev", "0.2"},
      {"gaussian-center", "0.3"}, {"zones", "60/10:40/90"}, {"seed", "7"}, {"replay", "trace.iolog"}, {"replay-speed", "2"},
      {"replay-workers", "threads"}, {"replay-redirect", "/tmp/iopulse-option-table"}, {"replay-scale", "fit"},
      {"replay-align", "4k"}, {"block-align", "64k"}, {"offset", "64k"}, {"file-order", "roundrobin:2"}, {"sequential-skip", "-8k"}, {"sequential-cursor", "per-op"}, {"fio-percentiles", "50:99"}, {"fio-unified-rw", "mixed"}, {"offset-increment", "1m"}, {"rate-min-bw", "1M"}, {"rate-min-iops", "10"}, {"io-priority", "rt:1"}, {"io-priority-percent", "50"}, {"io-priority-others", "idle"}, {"io-flags", "fua"},
      {"think-time", "1ms"}, {"stop-timeout", "3s"}, {"think-mode", "spin"}, {"think-every", "3"},
      {"think-adaptive-percent", "20"}, {"rate-iops", "100"}, {"rate-bw", "1M"}, {"rate-process", "poisson"}, {"start-delay", "1s-2s"}, {"wait-for", "a"}, {"fadvise", "random"},
      {"lock-mode", "range"}, {"cpu-cores", "0"}, {"numa-zones", "0"}, {"verify-journal", "journal"}, {"buffer-pattern", "0x5a"},
      {"compress-percent", "50"}, {"dedupe-percent", "50"}, {"dedupe-unit", "8k"}, {"dedupe-working-set", "5"},
      {"duration", "2s"}, {"steady-state", "bw:5%"}, {"steady-state-duration", "5s"},
      {"steady-state-ramp", "1s"}, {"total-bytes", "1M"}, {"total-ops", "10"}, {"md-phases", "file-create,stat"},
      {"md-items", "3"}, {"md-depth", "2"}, {"md-branching", "2"}, {"md-file-size", "4k"},
      {"md-read-size", "1k"}, {"md-mix", "stat:50,create:50"}, {"md-stride", "1"}, {"engine", "null"},
      {"plugin-dir", "/plugins"}, {"write-iolog", "io.log"}, {"stats-interval", "2s"},
      {"heatmap-buckets", "10"}, {"job-name", "nightly"}, {"num-files", "2"}, {"total-files", "8"},
      {"dir-depth", "2"}, {"dir-width", "2"}, {"threads", "2"}, {"queue-depth", "2"}, {"fsync-every", "2"},
      {"fdatasync-every", "2"}, {"json-output", "out.json"}, {"timeseries-output", "ts.jsonl"},
      {"csv-output", "ts.csv"}, {"write-bw-log", "bw"}, {"write-iops-log", "iops"}, {"write-lat-log", "lat"},
      {"prometheus-port", "9100"}, {"prometheus-bind", "0.0.0.0"},
  };
  return m;
}

// The sample value of option `name` (option_samples()); "" (given) for a
// flag.
std::string sample_text(std::string_view name) {
  const auto it = option_samples().find(std::string(name));
  return it != option_samples().end() ? it->second : std::string();
}

JobSpec table_job(const std::string& name, const OptionTexts& with) {
  JobSpecBuilder b;
  // (--file-list names the target itself.)
  const bool listed = std::any_of(with.begin(), with.end(), [](const auto& o) { return o.first == "file-list"; });
  if (!listed) b.apply("target", "/tmp/iopulse-option-table", "target");
  if (is_metadata_option(name)) {
    b.apply("md-phases", "file-create", "--md-phases");
    b.apply("md-items", "1", "--md-items");
  }
  auto it = option_companions().find(name);
  if (it != option_companions().end()) {
    for (const auto& [option, text] : it->second) b.apply(option, text, "--" + option);
  }
  for (const auto& [option, text] : with) b.apply(option, text, "--" + option);
  return b.build();
}

// The table's '|' lists split into their words, in order, without empty ones.
TEST(JobOptionTable, ListWordsAreSplitAtBars) {
  using Words = std::vector<std::string_view>;
  EXPECT_EQ(table_list_words("duration|total-bytes|total-ops"), (Words{"duration", "total-bytes", "total-ops"}));
  EXPECT_EQ(table_list_words("layout-manifest"), (Words{"layout-manifest"}));
  EXPECT_EQ(table_list_words("|N||auto|"), (Words{"N", "auto"}));
  EXPECT_TRUE(table_list_words("").empty());
}

// Every pair the table says exclude each other (OptionRules::excludes) is
// refused with one line naming both; each alone is accepted, and so is the
// pair when the flag of it is given false.  A name there that is not an
// option fails the test.
TEST(JobOptionTable, OptionsThatExcludeEachOtherAreRefusedTogether) {
  const auto sample = [](const JobOption& o) { return sample_text(o.name); };
  size_t pairs = 0;
  for (const JobOption& o : job_options()) {
    for (const std::string_view excluded : table_list_words(o.rules.excludes)) {
      const std::string other(excluded);
      const std::string name(o.name);
      SCOPED_TRACE(name + " excludes " + other);
      const JobOption* p = find_job_option(other);
      ASSERT_NE(p, nullptr) << "not an option";
      ++pairs;
      EXPECT_NO_THROW(table_job(name, {{name, sample(o)}}));
      EXPECT_NO_THROW(table_job(other, {{other, sample(*p)}}));
      try {
        table_job(name, {{name, sample(o)}, {other, sample(*p)}});
        ADD_FAILURE() << "accepted together";
      } catch (const UsageError& e) {
        EXPECT_EQ(std::string(e.what()), "--" + name + " and --" + other + ": choose one");
      }
      if (o.value_name.empty()) {
        EXPECT_NO_THROW(table_job(name, {{name, "false"}, {other, sample(*p)}}));
      }
      if (p->value_name.empty()) {
        EXPECT_NO_THROW(table_job(name, {{name, sample(o)}, {other, "false"}}));
      }
    }
  }
  EXPECT_GE(pairs, 7u);
}

// Every shaping setting (job/shaping_settings.h) is checked both ways from
// its one row: alone (what it shapes absent) the job's own is refused naming
// it, and an inherited one is noted idle instead; with its companions (what
// it shapes present) it is neither.
TEST(JobOptionTable, EveryShapingSettingIsRefusedOrLeftOutWhereItShapesNothing) {
  // What makes each alone shape nothing: a default job is sequential and
  // only reads; these two shape a random job's offsets only when it is one.
  const std::map<std::string, OptionTexts> unused_with = {{"sequential-skip", {{"random", ""}}},
                                                          {"file-order", {{"random", ""}}}};
  for (const ShapingSetting& row : shaping_settings()) {
    const std::string name = row.option;
    SCOPED_TRACE(name);
    ASSERT_NE(find_job_option(name), nullptr) << "not an option";
    const auto builder = [&](bool alone, bool inherited) {
      JobSpecBuilder b;
      b.apply("target", "/tmp/iopulse-option-table", "target");
      const auto it = alone ? unused_with.find(name) : option_companions().find(name);
      if (it != (alone ? unused_with.end() : option_companions().end())) {
        for (const auto& [option, text] : it->second) {
          if (option != name) b.apply(option, text, "--" + option);
        }
      }
      b.set_inheriting(inherited);
      b.apply(name, sample_text(name), "--" + name);
      b.set_inheriting(false);
      return b;
    };
    const auto noted = [&](const JobSpecBuilder& b) {
      try {
        b.build();  // (a check after the rows may refuse what the rebuild leaves out)
      } catch (const UsageError&) {
      }
      for (const JobSpecBuilder::IdleSetting& n : b.idle_settings()) {
        if (n.name == name) return true;
      }
      return false;
    };
    try {
      builder(true, false).build();
      ADD_FAILURE() << "accepted alone";
    } catch (const UsageError& e) {
      EXPECT_EQ(std::string(e.what()).rfind("--" + name + ": ", 0), 0u) << e.what();
    }
    EXPECT_TRUE(noted(builder(true, true))) << "not noted idle when inherited";
    EXPECT_NO_THROW(builder(false, false).build());
    EXPECT_FALSE(noted(builder(false, true))) << "noted idle where it shapes something";
  }
  EXPECT_GE(shaping_settings().size(), 30u);
}

// docs/job-files.md, "What a phase cannot change", lists every option a
// phase may not give (its scope has a reason), and no other: the table
// decides, the page follows it.
TEST(JobOptionTable, TheJobFilePageListsExactlyTheOptionsAPhaseCannotChange) {
  std::ifstream in(std::string(IOPULSE_SOURCE_DIR) + "/docs/job-files.md");
  ASSERT_TRUE(in) << "docs/job-files.md";
  std::string section;
  bool inside = false;
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with("## ")) inside = line == "## What a phase cannot change";
    if (inside && line.starts_with("| `")) section += line.substr(0, line.find(" | ", 2)) + "\n";
  }
  ASSERT_FALSE(section.empty()) << "no table under \"What a phase cannot change\"";
  for (const JobOption& o : job_options()) {
    const bool listed = section.find("`" + std::string(o.name) + "`") != std::string::npos;
    EXPECT_EQ(listed, !scope_reason(o.rules.scope).empty())
        << "--" << o.name << (listed ? " is listed but a phase may change it" : " is run-wide but not listed");
  }
}

TEST(JobOptionTable, EveryDefaultLeavesTheJobAsItWas) {
  int defaults = 0;
  for (const JobOption& o : job_options()) {
    if (o.rules.default_value.empty()) continue;
    ++defaults;
    const std::string name(o.name);
    try {
      EXPECT_TRUE(table_job(name, {}) == table_job(name, {{name, std::string(o.rules.default_value)}}))
          << "--" << name << " " << o.rules.default_value << " is not the job's value without it";
    } catch (const UsageError& e) {
      ADD_FAILURE() << "--" << name << " " << o.rules.default_value << ": " << e.what();
    }
  }
  EXPECT_GT(defaults, 20);
}

TEST(JobOptionTable, EveryOptionIsEchoedOrSaysWhoEchoesIt) {
  for (const JobOption& o : job_options()) {
    if (o.rules.echo != nullptr) continue;
    if (!o.rules.echoed_by.empty()) {
      const JobOption* by = find_job_option(o.rules.echoed_by);
      ASSERT_NE(by, nullptr) << o.name << " echoed_by " << o.rules.echoed_by;
      EXPECT_NE(by->rules.echo, nullptr) << o.name << " echoed_by " << o.rules.echoed_by << ", which echoes nothing";
      continue;
    }
    EXPECT_EQ(o.rules.scope, OptionScope::kOutputs) << "--" << o.name << " has no echo in the results";
  }
}

TEST(JobOptionTable, EverySettingAnOptionChangesShowsInTheEcho) {
  for (const JobOption& o : job_options()) {
    if (o.rules.echo == nullptr && o.rules.echoed_by.empty()) continue;
    const std::string name(o.name);
    const std::string value = sample_text(name);
    try {
      const JobSpec base = table_job(name, {});
      const JobSpec changed = table_job(name, {{name, value}});
      EXPECT_FALSE(base == changed) << "--" << name << " " << value << " changes nothing (pick another sample)";
      EXPECT_NE(job_config(base), job_config(changed)) << "--" << name << " " << value << " is not in the echo";
    } catch (const UsageError& e) {
      ADD_FAILURE() << "--" << name << " " << value << ": " << e.what();
    }
  }
}

const char* part_name(JobPart part) {
  switch (part) {
    case JobPart::kRun: return "RunSettings";
    case JobPart::kTarget: return "TargetSpec";
    case JobPart::kWorkload: return "WorkloadSpec";
  }
  return "?";
}

// The option table is the one source of where a setting lives: an option
// changes the part of the job its scope names (job_part()) and no other, so
// a phase, which carries only a WorkloadSpec, holds every setting a phase
// may change and none that is the run's.
TEST(JobOptionTable, EveryOptionChangesOnlyThePartItsScopeNames) {
  int checked = 0;
  for (const JobOption& o : job_options()) {
    const std::string name(o.name);
    const std::string value = sample_text(name);
    try {
      const JobSpec base = table_job(name, {});
      const JobSpec changed = table_job(name, {{name, value}});
      const JobPart own = job_part(o.rules.scope);
      const bool differs[] = {!(base.run() == changed.run()), !(base.target() == changed.target()),
                              !(base.workload() == changed.workload())};
      for (const JobPart part : {JobPart::kRun, JobPart::kTarget, JobPart::kWorkload}) {
        EXPECT_EQ(differs[static_cast<int>(part)], part == own)
            << "--" << name << " " << value << (part == own ? " leaves its part " : " changes ")
            << part_name(part) << "; its scope names " << part_name(own);
      }
      ++checked;
    } catch (const UsageError& e) {
      ADD_FAILURE() << "--" << name << " " << value << ": " << e.what();
    }
  }
  EXPECT_EQ(checked, static_cast<int>(job_options().size()));
}

}  // namespace
}  // namespace iopulse

namespace iopulse {
namespace {

// The ranks of a multi-host run agree on the job without what concerns one
// host: those options are in the results' echo, not in the identity.
TEST(JobOptionTable, TheRanksJobIdentityLeavesOutPerHostOptions) {
  JobSpecBuilder b;
  for (const auto& [name, text] : std::vector<std::pair<std::string, std::string>>{
           {"target", "/tmp/iopulse-identity"}, {"stop-timeout", "3s"}, {"export-layout-manifest", "files.txt"},
           {"preallocate", ""}, {"plugin-dir", "/plugins"}, {"block-size", "8k"}}) {
    b.apply(name, text, "--" + name);
  }
  const JobSpec spec = b.build();
  const nlohmann::json config = job_config(spec);
  const nlohmann::json identity = job_identity(spec);
  for (const char* key : {"stop_timeout_ns", "export_layout_manifest", "preallocate", "plugin_dirs"}) {
    EXPECT_TRUE(config.contains(key)) << key;
    EXPECT_FALSE(identity.contains(key)) << key;
  }
  EXPECT_EQ(identity["block_size"], 8192);
  EXPECT_EQ(identity["target"], "/tmp/iopulse-identity");
  size_t per_host = 0;
  for (const JobOption& o : job_options()) per_host += o.rules.per_host ? 1 : 0;
  EXPECT_EQ(identity.size() + 4, config.size()) << per_host << " per-host options";
}

}  // namespace
}  // namespace iopulse
