// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "config/job_file.h"

#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "job/job_options.h"
#include "job/usage_error.h"
#include "phase_jobs.h"
#include "usage_message.h"

namespace iopulse {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

// A scratch directory for the job files of one test.
class JobFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/iopulse-job-file-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Writes `text` to <dir>/job.toml and returns the path.
  std::string write(const std::string& text, const std::string& name = "job.toml") {
    const std::string path = dir_ + "/" + name;
    std::ofstream(path) << text;
    return path;
  }

  std::string dir_;
};

using iopulse::test::usage_message;

using Args = std::vector<std::pair<std::string, std::string>>;  // (option, text) as on the command line

// A command line: every option is applied with the label "--<option>".
std::function<void(JobSpecBuilder&)> command_line(Args args = {}) {
  return [args](JobSpecBuilder& b) {
    for (const auto& [option, text] : args) {
      if (option.find('.') != std::string::npos) {
        b.add_engine_option(option.substr(option.find('.') + 1), text);
      } else {
        b.apply(option, text, "--" + option);
      }
    }
  };
}

std::vector<PhaseJob> build(const std::string& path, Args args = {}, const std::string& engine = "sync") {
  return phase_jobs(build_phased_job(load_job_file(path), engine, command_line(std::move(args))));
}

std::string load_error(const std::string& path) {
  return usage_message([&] { load_job_file(path); });
}

std::string build_error(const std::string& path, Args args = {}) {
  return usage_message([&] { build(path, std::move(args)); });
}

TEST_F(JobFileTest, GlobalSettingsOnlyAreOnePhase) {
  const std::string path = write(
      "# one random mix\n"
      "target = \"data.bin\"\n"
      "file-size = \"16M\"\n"
      "block-size = \"8k\"\n"
      "queue-depth = 4\n"
      "random = true\n"
      "read-percent = 70\n"
      "duration = \"2s\"\n");
  const JobFile file = load_job_file(path);
  EXPECT_EQ(file.path, path);
  ASSERT_EQ(file.global.size(), 7u);
  EXPECT_EQ(file.global[0].key, "target");
  EXPECT_EQ(file.global[0].text, "data.bin");
  EXPECT_EQ(file.global[0].label, path + ":2: target");
  EXPECT_EQ(file.global[3].key, "queue-depth");
  EXPECT_EQ(file.global[3].text, "4");  // an integer as decimal text
  EXPECT_EQ(file.global[4].text, "true");
  ASSERT_EQ(file.phases.size(), 1u);
  EXPECT_EQ(file.phases[0].name, "phase-1");
  EXPECT_TRUE(file.phases[0].entries.empty());
  EXPECT_TRUE(file.phases[0].label.empty());

  const std::vector<PhaseJob> specs = build(path);
  ASSERT_EQ(specs.size(), 1u);
  EXPECT_EQ(specs[0].name, "phase-1");
  const JobSpec& s = specs[0].spec;
  EXPECT_EQ(s.target_path, "data.bin");
  EXPECT_EQ(s.file_size, 16u << 20);
  EXPECT_EQ(s.block_size, 8192u);
  EXPECT_EQ(s.queue_depth, 4u);
  EXPECT_TRUE(s.random);
  EXPECT_EQ(s.read_percent, 70u);
  EXPECT_EQ(s.duration_ns, 2'000'000'000u);
}

TEST_F(JobFileTest, EntriesAreInFileOrder) {
  // toml++ keeps keys sorted; the entries follow the file.
  const std::string path = write("threads = 2\nblock-size = \"4k\"\ntarget = \"t\"\n");
  const JobFile file = load_job_file(path);
  ASSERT_EQ(file.global.size(), 3u);
  EXPECT_EQ(file.global[0].key, "threads");
  EXPECT_EQ(file.global[1].key, "block-size");
  EXPECT_EQ(file.global[2].key, "target");
}

TEST_F(JobFileTest, PhasesInheritGlobalSettingsAndOverrideThem) {
  const std::string path = write(
      "target = \"data.bin\"\n"         // 1
      "file-size = \"64M\"\n"           // 2
      "queue-depth = 8\n"               // 3
      "block-size = \"4k\"\n"           // 4
      "\n"                              // 5
      "[[phase]]\n"                     // 6
      "name = \"prefill\"\n"            // 7
      "block-size = \"1M\"\n"           // 8
      "write-percent = 100\n"           // 9
      "\n"                              // 10
      "[[phase]]\n"                     // 11
      "name = \"mix\"\n"                // 12
      "random = true\n"                 // 13
      "read-percent = 70\n"             // 14
      "duration = \"5m\"\n"             // 15
      "\n"                              // 16
      "[[phase]]\n"                     // 17
      "queue_depth = 32\n");            // 18
  const JobFile file = load_job_file(path);
  ASSERT_EQ(file.phases.size(), 3u);
  EXPECT_EQ(file.phases[0].name, "prefill");
  EXPECT_EQ(file.phases[0].label, path + ":6: phase 'prefill'");
  EXPECT_EQ(file.phases[1].name, "mix");
  EXPECT_EQ(file.phases[2].name, "phase-3");  // unnamed: its position
  ASSERT_EQ(file.phases[0].entries.size(), 2u);
  EXPECT_EQ(file.phases[0].entries[0].label, path + ":8: block-size");
  EXPECT_EQ(file.phases[2].entries[0].key, "queue-depth");
  EXPECT_EQ(file.phases[2].entries[0].label, path + ":18: queue_depth");

  const std::vector<PhaseJob> specs = build(path);
  ASSERT_EQ(specs.size(), 3u);
  EXPECT_EQ(specs[0].name, "prefill");
  EXPECT_EQ(specs[0].spec.block_size, 1u << 20);
  EXPECT_EQ(specs[0].spec.read_percent, 0u);
  EXPECT_FALSE(specs[0].spec.random);
  EXPECT_EQ(specs[0].spec.queue_depth, 8u);
  EXPECT_EQ(specs[0].spec.duration_ns, 0u);  // one pass
  EXPECT_EQ(specs[1].name, "mix");
  EXPECT_EQ(specs[1].spec.block_size, 4096u);  // the global setting
  EXPECT_TRUE(specs[1].spec.random);
  EXPECT_EQ(specs[1].spec.read_percent, 70u);
  EXPECT_EQ(specs[1].spec.duration_ns, 300'000'000'000u);
  EXPECT_EQ(specs[2].spec.queue_depth, 32u);
  EXPECT_EQ(specs[2].spec.read_percent, 100u);  // phases do not inherit from each other
  for (const PhaseJob& p : specs) {
    EXPECT_EQ(p.spec.target_path, "data.bin");
    EXPECT_EQ(p.spec.file_size, 64u << 20);
  }
}

TEST_F(JobFileTest, CommandLineOverridesGlobalAndPhaseSettings) {
  const std::string path = write(
      "target = \"data.bin\"\n"
      "file-size = \"64M\"\n"
      "block-size = \"64k\"\n"
      "duration = \"10m\"\n"
      "[[phase]]\n"
      "name = \"a\"\n"
      "block-size = \"1M\"\n"
      "total-bytes = \"1G\"\n"
      "[[phase]]\n"
      "name = \"b\"\n"
      "queue-depth = 16\n");
  const std::vector<PhaseJob> specs =
      build(path, {{"target", "/elsewhere/t.dat"}, {"file-size", "16M"}, {"block-size", "16k"},
                   {"duration", "300ms"}});
  ASSERT_EQ(specs.size(), 2u);
  for (const PhaseJob& p : specs) {
    EXPECT_EQ(p.spec.target_path, "/elsewhere/t.dat") << p.name;
    EXPECT_EQ(p.spec.file_size, 16u << 20) << p.name;
    EXPECT_EQ(p.spec.block_size, 16u << 10) << p.name;
    EXPECT_EQ(p.spec.duration_ns, 300'000'000u) << p.name;
    // --duration replaces the file's stop condition, not only its duration.
    EXPECT_EQ(p.spec.total_bytes, 0u) << p.name;
  }
  EXPECT_EQ(specs[1].spec.queue_depth, 16u);
}

// The run's settings and its target are the job's, once; each phase and
// group carries its workload.  A workload's replay redirect is its target.
TEST_F(JobFileTest, TheRunAndTheTargetAreTheJobsAndAPhaseCarriesItsWorkload) {
  const std::string path = write(
      "json-output = \"out.json\"\n"
      "stats-interval = \"2s\"\n"
      "file-size = \"64M\"\n"
      "[[phase]]\n"
      "name = \"a\"\n"
      "replay = \"/a.iolog\"\n"
      "replay-redirect = \"/a.dat\"\n"
      "[[phase]]\n"
      "name = \"b\"\n"
      "replay = \"/b.iolog\"\n"
      "replay-redirect = \"/b.dat\"\n"
      "[[phase.group]]\n"
      "name = \"g\"\n");
  const PhasedJob job = build_phased_job(load_job_file(path), "sync", command_line());
  EXPECT_EQ(job.run.json_output, "out.json");
  EXPECT_EQ(job.run.stats_interval_ns, 2'000'000'000u);
  EXPECT_EQ(job.target.file_size, 64u << 20);
  ASSERT_EQ(job.phases.size(), 2u);
  EXPECT_EQ(job.phases[0].workload.replay, "/a.iolog");
  ASSERT_EQ(job.phases[1].groups.size(), 1u);
  EXPECT_EQ(job.phases[1].groups[0].second.replay, "/b.iolog");
  EXPECT_EQ(job.job(job.phases[0].workload).target_path, "/a.dat");
  EXPECT_EQ(job.job(job.phases[1].workload).target_path, "/b.dat");
  EXPECT_EQ(job.job(job.phases[1].workload).json_output, "out.json");
  EXPECT_EQ(job.job(job.phases[1].workload).file_size, 64u << 20);
}

TEST_F(JobFileTest, APhaseStopConditionReplacesTheGlobalOne) {
  const std::string path = write(
      "target = \"t\"\n"
      "duration = \"1m\"\n"
      "[[phase]]\n"
      "total-bytes = \"64M\"\n"
      "[[phase]]\n"
      "random = true\n");
  const std::vector<PhaseJob> specs = build(path);
  ASSERT_EQ(specs.size(), 2u);
  EXPECT_EQ(specs[0].spec.duration_ns, 0u);
  EXPECT_EQ(specs[0].spec.total_bytes, 64u << 20);
  EXPECT_EQ(specs[1].spec.duration_ns, 60'000'000'000u);
  EXPECT_EQ(specs[1].spec.total_bytes, 0u);
}

TEST_F(JobFileTest, TheReadWriteMixIsReplacedAsAWhole) {
  const std::string path = write(
      "target = \"t\"\n"
      "read-percent = 70\n"
      "write-percent = 30\n"
      "[[phase]]\n"
      "write-percent = 100\n"
      "[[phase]]\n"
      "name = \"global mix\"\n");
  std::vector<PhaseJob> specs = build(path);
  ASSERT_EQ(specs.size(), 2u);
  EXPECT_EQ(specs[0].spec.read_percent, 0u);
  EXPECT_EQ(specs[1].spec.read_percent, 70u);
  // The command line replaces the file's mix too, whichever share it gives.
  specs = build(path, {{"write-percent", "50"}});
  EXPECT_EQ(specs[0].spec.read_percent, 50u);
  EXPECT_EQ(specs[1].spec.read_percent, 50u);
}

TEST_F(JobFileTest, UnknownKeyNamesFileLineAndKey) {
  const std::string path = write("target = \"t\"\n\nblok-size = \"4k\"\n");
  EXPECT_EQ(load_error(path), path + ":3: blok-size: unknown key; see iopulse --help for the options");

  const std::string in_phase = write("target = \"t\"\n[[phase]]\nname = \"x\"\nqueue-dept = 4\n", "p.toml");
  EXPECT_EQ(load_error(in_phase), dir_ + "/p.toml:4: queue-dept: unknown key; see iopulse --help for the options");

  // Job files use job option names, not the command line's action options.
  EXPECT_EQ(load_error(write("config = \"other.toml\"\n", "c.toml")),
            dir_ + "/c.toml:1: config: unknown key; see iopulse --help for the options");
  // [[phases]] is not [[phase]].
  EXPECT_EQ(load_error(write("[[phases]]\nname = \"x\"\n", "s.toml")),
            dir_ + "/s.toml:1: phases: unknown key; see iopulse --help for the options");
}

TEST_F(JobFileTest, WrongTomlTypeNamesWhatIsAccepted) {
  std::string message = load_error(write("target = \"t\"\nblock-size = [4096, 8192]\n"));
  EXPECT_THAT(message, StartsWith(dir_ + "/job.toml:2: block-size: an array is not accepted; accepted: one SIZE"));
  EXPECT_THAT(message, HasSubstr("as a string or a number"));

  message = load_error(write("target = \"t\"\n[block-size]\nx = 1\n"));
  EXPECT_THAT(message, StartsWith(dir_ + "/job.toml:2: block-size: a table is not accepted; accepted: one SIZE"));

  message = load_error(write("queue-depth = { n = 4 }\n"));
  EXPECT_THAT(message, StartsWith(dir_ + "/job.toml:1: queue-depth: a table is not accepted; accepted: one N"));

  EXPECT_EQ(load_error(write("direct = [true]\n")),
            dir_ + "/job.toml:1: direct: an array is not accepted; accepted: true or false");
  // TOML has booleans: a flag given 1 or 0 is refused, not read as true or false.
  EXPECT_EQ(load_error(write("random = 1\n")), dir_ + "/job.toml:1: random: 1 is not accepted; accepted: true or false");
  EXPECT_EQ(load_error(write("[[phase]]\nhot-spot-scatter = 0\n")),
            dir_ + "/job.toml:2: hot-spot-scatter: 0 is not accepted; accepted: true or false");
  EXPECT_THAT(load_error(write("duration = 1979-05-27\n")),
              StartsWith(dir_ + "/job.toml:1: duration: a date is not accepted; accepted: one TIME"));
  EXPECT_EQ(load_error(write("plugin-dir = [\"a\", 3]\n")),
            dir_ + "/job.toml:1: plugin-dir: 3 is not accepted; accepted: a directory (a string) or a list of "
                   "directories");
  EXPECT_EQ(load_error(write("io_uring.sqpoll = [1]\n")),
            dir_ + "/job.toml:1: io_uring.sqpoll: an array is not accepted; accepted: one value (a string, number "
                   "or boolean)");
}

TEST_F(JobFileTest, SyntaxErrorNamesLineAndColumn) {
  const std::string path = write("target = \"t\"\nblock-size = = 4\n");
  const std::string message = load_error(path);
  EXPECT_THAT(message, StartsWith(path + ":2:14: "));
  EXPECT_GT(message.size(), (path + ":2:14: ").size());  // toml++'s description follows

  // Redefining a key is a TOML error too, reported where it happens.
  EXPECT_THAT(load_error(write("threads = 1\nthreads = 2\n")), StartsWith(path + ":2:"));
}

TEST_F(JobFileTest, BadValueGetsJobSpecBuilderMessageWithFileAndLine) {
  const std::string path = write(
      "target = \"t\"\n"
      "file-size = \"16M\"\n"
      "\n"
      "# the IO size\n"
      "block-size = \"4x\"\n");
  const std::string message = build_error(path);
  EXPECT_THAT(message, StartsWith(path + ":5: block-size: '4x'"));
  EXPECT_THAT(message, HasSubstr("accepted"));

  // The same in a phase, with the spelling the file used.
  const std::string p = write("target = \"t\"\n[[phase]]\nqueue_depth = 0\n", "q.toml");
  EXPECT_THAT(build_error(p), StartsWith(p + ":3: queue_depth: '0' is not accepted; accepted:"));

  // A flag given a string.
  const std::string f = write("target = \"t\"\nrandom = \"yes\"\n", "f.toml");
  EXPECT_EQ(build_error(f), f + ":2: random: 'yes' is not accepted; accepted: true or false");
}

TEST_F(JobFileTest, BothSpellingsOfOneKeyInOneTable) {
  const std::string path = write("target = \"t\"\nblock-size = \"4k\"\nthreads = 2\nblock_size = \"8k\"\n");
  EXPECT_EQ(load_error(path), path + ":4: block_size: given twice in one table (also at line 2); accepted: once");
  // In different tables it is an override, not a repetition.
  const std::string ok = write("target = \"t\"\nblock-size = \"4k\"\n[[phase]]\nblock_size = \"8k\"\n", "ok.toml");
  EXPECT_EQ(build(ok)[0].spec.block_size, 8192u);
}

TEST_F(JobFileTest, RunWideKeysAreRejectedInsideAPhase) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"engine = \"null\"", "every phase uses the same engine (its options may change per phase)"},
      {"plugin-dir = \"/opt/engines\"", "every phase uses the same engine (its options may change per phase)"},
      {"json-output = \"x.json\"", "the outputs cover the whole run, every phase in them"},
      {"stats-interval = \"100ms\"", "the outputs cover the whole run, every phase in them"},
      {"quiet = true", "the outputs cover the whole run, every phase in them"},
      {"continue-on-error = true", "the error policy and the exit code cover the whole run"},
  };
  for (const auto& [line, why] : cases) {
    const std::string path = write("target = \"t\"\n[[phase]]\nname = \"p\"\n" + line + "\n");
    const std::string key = line.substr(0, line.find(' '));
    EXPECT_EQ(load_error(path), path + ":4: " + key + ": not accepted inside a phase: " + why +
                                    "; accepted: a global setting (before the first [[phase]]) or the command line")
        << line;
  }
  // The files are not run-wide: a phase may name its own.
  const std::string own = write("target = \"t\"\nfile-size = \"1M\"\n[[phase]]\nname = \"p\"\ntarget = \"u\"\n"
                                "file-size = \"2M\"\n", "own.toml");
  EXPECT_EQ(build(own)[0].spec.target_path, "u");
  EXPECT_EQ(build(own)[0].spec.file_size, 2u << 20);
  // The same keys are fine as global settings.
  const std::string path = write("target = \"t\"\nengine = \"null\"\nquiet = true\n[[phase]]\nrandom = true\n");
  EXPECT_EQ(build(path)[0].spec.engine, "null");
}

TEST_F(JobFileTest, PhaseLayoutErrors) {
  EXPECT_EQ(load_error(write("target = \"t\"\n[phase]\nrandom = true\n")),
            dir_ + "/job.toml:2: phase: a single [phase] table is not accepted; accepted: [[phase]] tables, one "
                   "per phase");
  EXPECT_EQ(load_error(write("target = \"t\"\nphase = []\n")),
            dir_ + "/job.toml:2: phase: an empty list is not accepted; accepted: one or more [[phase]] tables");
  EXPECT_EQ(load_error(write("phase = \"x\"\n")),
            dir_ + "/job.toml:1: phase: 'x' is not accepted; accepted: [[phase]] tables, one per phase");
  EXPECT_EQ(load_error(write("phase = [1]\n")),
            dir_ + "/job.toml:1: phase: 1 is not accepted; accepted: [[phase]] tables, one per phase");
  EXPECT_EQ(load_error(write("[[phase]]\n[[phase]]\nphase = 1\n")),
            dir_ + "/job.toml:3: phase: phases cannot be nested; accepted: [[phase]] tables at the top level");
  EXPECT_EQ(load_error(write("[[phase]]\nname = 3\n")),
            dir_ + "/job.toml:2: name: 3 is not accepted; accepted: a non-empty string");
  EXPECT_EQ(load_error(write("[[phase]]\nname = \"\"\n")),
            dir_ + "/job.toml:2: name: '' is not accepted; accepted: a non-empty string");
  EXPECT_EQ(load_error(write("[[phase]]\nname = \"a\"\n\n[[phase]]\nname = \"a\"\n")),
            dir_ + "/job.toml:4: name: 'a' is already the name of the phase at " + dir_ +
                "/job.toml:1; accepted: a name used once");
  // A default name is a name too.
  EXPECT_THAT(load_error(write("[[phase]]\nname = \"phase-2\"\n[[phase]]\nrandom = true\n")),
              HasSubstr("name: 'phase-2' is already the name of the phase at"));
  // `name` is a phase's key only.
  EXPECT_EQ(load_error(write("name = \"job\"\n")),
            dir_ + "/job.toml:1: name: unknown key; see iopulse --help for the options");
  // Array-of-tables syntax or inline tables: the same phases.
  const JobFile inline_phases =
      load_job_file(write("target = \"t\"\nphase = [ { name = \"a\", random = true }, { name = \"b\" } ]\n"));
  ASSERT_EQ(inline_phases.phases.size(), 2u);
  EXPECT_EQ(inline_phases.phases[0].entries.size(), 1u);
  EXPECT_EQ(inline_phases.phases[1].name, "b");
}

TEST_F(JobFileTest, EngineOptionsInEveryForm) {
  const std::string path = write(
      "target = \"t\"\n"                    // 1
      "engine = \"io_uring\"\n"             // 2
      "io_uring.sqpoll = true\n"            // 3
      "\"io_uring.fixed-buffers\" = 1\n"    // 4
      "\n"                                  // 5
      "[engine-options]\n"                  // 6
      "io_uring.sqpoll_idle_ms = 50\n"      // 7
      "null.delay-us = 5\n"                 // 8
      "\n"                                  // 9
      "[[phase]]\n"                         // 10
      "name = \"a\"\n"                      // 11
      "\n"                                  // 12
      "[[phase]]\n"                         // 13
      "name = \"b\"\n"                      // 14
      "[phase.io_uring]\n"                  // 15
      "sqpoll = false\n");                  // 16
  const JobFile file = load_job_file(path);
  ASSERT_EQ(file.global.size(), 6u);
  EXPECT_EQ(file.global[2].key, "io_uring.sqpoll");
  EXPECT_EQ(file.global[2].text, "true");
  EXPECT_EQ(file.global[2].label, path + ":3: io_uring.sqpoll");
  EXPECT_EQ(file.global[3].key, "io_uring.fixed-buffers");
  EXPECT_EQ(file.global[3].text, "1");
  EXPECT_EQ(file.global[4].key, "io_uring.sqpoll-idle-ms");  // option names use hyphens
  EXPECT_EQ(file.global[4].label, path + ":7: io_uring.sqpoll_idle_ms");
  EXPECT_EQ(file.global[5].key, "null.delay-us");
  ASSERT_EQ(file.phases[1].entries.size(), 1u);
  EXPECT_EQ(file.phases[1].entries[0].key, "io_uring.sqpoll");
  EXPECT_EQ(file.phases[1].entries[0].label, path + ":16: io_uring.sqpoll");

  using Options = std::vector<std::pair<std::string, std::string>>;
  std::vector<PhaseJob> specs = build(path, {}, "io_uring");
  ASSERT_EQ(specs.size(), 2u);
  // Only the job's engine's options; a phase's replaces the global one.
  EXPECT_EQ(specs[0].spec.engine_options,
            (Options{{"sqpoll", "true"}, {"fixed-buffers", "1"}, {"sqpoll-idle-ms", "50"}}));
  EXPECT_EQ(specs[1].spec.engine_options,
            (Options{{"fixed-buffers", "1"}, {"sqpoll-idle-ms", "50"}, {"sqpoll", "false"}}));

  // The command line switches the engine: the file's options for it apply.
  specs = build(path, {{"engine", "null"}}, "null");
  EXPECT_EQ(specs[0].spec.engine, "null");
  EXPECT_EQ(specs[0].spec.engine_options, (Options{{"delay-us", "5"}}));
  // A command-line engine option replaces the file's.
  specs = build(path, {{"null.delay-us", "9"}}, "null");
  EXPECT_EQ(specs[1].spec.engine_options, (Options{{"delay-us", "9"}}));

  EXPECT_EQ(load_error(write("[engine-options]\nsqpoll = true\n", "e.toml")),
            dir_ + "/e.toml:2: sqpoll: an engine option needs its engine; accepted: <engine>.<option> = value, "
                   "e.g. io_uring.sqpoll = true");
  EXPECT_EQ(load_error(write("io_uring.sqpoll = true\n[engine-options]\n\"io_uring.sqpoll\" = false\n", "d.toml")),
            dir_ + "/d.toml:3: io_uring.sqpoll: given twice in one table (also at line 1); accepted: once");
}

TEST_F(JobFileTest, CheckEngineOptionsLabelsTheEnginesMessages) {
  const std::string path = write(
      "target = \"t\"\n"
      "null.delay-us = 5\n"
      "[[phase]]\n"
      "io_uring.sqpol = true\n");
  std::vector<std::string> checked;
  // What the application passes: the registry's engines and their tables.
  const auto check = [&](const std::string& engine, const std::string& option, const std::string& text) {
    checked.push_back(engine + "." + option + "=" + text);
    if (engine != "null" && engine != "io_uring") {
      throw UsageError("--" + engine + "." + option + ": no engine named '" + engine +
                       "' was found; see iopulse --list-engines");
    }
    if (option == "sqpol") {
      throw UsageError("--io_uring.sqpol: unknown option for engine io_uring; options: sqpoll, iopoll");
    }
  };
  EXPECT_EQ(usage_message([&] { check_engine_options(load_job_file(path), check); }),
            path + ":4: io_uring.sqpol: unknown option for engine io_uring; options: sqpoll, iopoll");
  EXPECT_EQ(checked, (std::vector<std::string>{"null.delay-us=5", "io_uring.sqpol=true"}));

  const std::string typo = write("[phse]\nname = \"x\"\n", "typo.toml");
  EXPECT_EQ(usage_message([&] { check_engine_options(load_job_file(typo), check); }),
            typo + ":2: phse.name: no engine named 'phse' was found; see iopulse --list-engines");
  // Messages in another form pass through unchanged.
  const auto other = [](const std::string&, const std::string&, const std::string&) {
    throw UsageError("something else");
  };
  EXPECT_EQ(usage_message([&] { check_engine_options(load_job_file(path), other); }), "something else");
}

TEST_F(JobFileTest, PerWorkerFilesNeedTheSameThreadsInEveryPhase) {
  const std::string path = write(
      "target = \"t\"\n"
      "file-distribution = \"per-worker\"\n"
      "threads = 4\n"
      "[[phase]]\n"
      "name = \"fill\"\n"
      "[[phase]]\n"
      "name = \"read\"\n"
      "threads = 8\n");
  EXPECT_EQ(build_error(path),
            path + ":8: threads: 8 in phase 'read' but 4 in phase 'fill'; accepted: the same number of threads in "
                   "every phase on the same files with file-distribution per-worker (one file per worker)");
  // With one shared file each phase may use its own number of workers.
  const std::string shared = write("target = \"t\"\nthreads = 4\n[[phase]]\n[[phase]]\nthreads = 8\n", "s.toml");
  const std::vector<PhaseJob> specs = build(shared);
  EXPECT_EQ(specs[0].spec.threads, 4u);
  EXPECT_EQ(specs[1].spec.threads, 8u);
  // The command line sets every phase alike.
  EXPECT_EQ(build(path, {{"threads", "2"}})[1].spec.threads, 2u);
  // A file list names the files whatever the threads: each phase splits it.
  const std::string listed = write("file-list = \"a:b:c:d\"\nfile-distribution = \"per-worker\"\nthreads = 2\n"
                                   "[[phase]]\nname = \"fill\"\n[[phase]]\nname = \"read\"\nthreads = 4\n",
                                   "l.toml");
  const std::vector<PhaseJob> split = build(listed);
  EXPECT_EQ(split[0].spec.threads, 2u);
  EXPECT_EQ(split[1].spec.threads, 4u);
}

TEST_F(JobFileTest, CombinationErrorsNameThePhase) {
  const std::string path = write(
      "target = \"t\"\n"
      "[[phase]]\n"
      "name = \"mix\"\n"
      "read-percent = 70\n"
      "write-percent = 20\n");
  EXPECT_EQ(build_error(path), path + ":2: phase 'mix': " + path + ":4: read-percent 70 and " + path +
                                   ":5: write-percent 20 add up to 90; accepted: shares that sum to 100");
  // Without [[phase]] there is no phase to name.
  const std::string flat = write("target = \"t\"\nread-percent = 70\nwrite-percent = 20\n", "flat.toml");
  EXPECT_THAT(build_error(flat), StartsWith(flat + ":2: read-percent 70 and "));
  // A missing target is the builder's message.
  EXPECT_THAT(build_error(write("threads = 2\n", "nt.toml")), StartsWith("missing TARGET"));
  // Every phase's and group's problem at once, one line each.
  const std::string many = write(
      "target = \"t\"\n"
      "[[phase]]\nname = \"a\"\nread-percent = 70\nwrite-percent = 20\n"
      "[[phase]]\nname = \"b\"\n"
      "[[phase.group]]\nname = \"g1\"\nduration = \"1s\"\n"
      "[[phase.group]]\nname = \"g2\"\nthink-every = 3\n"
      "[[phase]]\nname = \"c\"\nthink-mode = \"spin\"\n",
      "many.toml");
  const std::string all = build_error(many);
  EXPECT_THAT(all, StartsWith("3 problems with this job file:\n  " + many + ":2: phase 'a': "));
  EXPECT_THAT(all, HasSubstr("\n  " + many + ":11: group 'g2': "));
  EXPECT_THAT(all, HasSubstr("think-every: shapes the pauses"));
  EXPECT_THAT(all, HasSubstr("\n  " + many + ":14: phase 'c': "));
  EXPECT_EQ(std::count(all.begin(), all.end(), '\n'), 3);
}

// A global setting that shapes what only some phases do (the chunk of the
// compressible data, the arrivals of a rate limit, random offsets) applies
// to the phases that do it; it is refused only when no phase does, and a
// phase's own setting without effect is refused as on the command line.
TEST_F(JobFileTest, AGlobalSettingShapesThePhasesThatUseItAndIsRefusedWhenNoneDoes) {
  const std::string path = write(
      "target = \"t\"\n"
      "dedupe-unit = \"8k\"\n"
      "rate-process = \"poisson\"\n"
      "[[phase]]\n"
      "name = \"prefill\"\n"
      "write-percent = 100\n"
      "compress-percent = 50\n"
      "[[phase]]\n"
      "name = \"paced\"\n"
      "rate-iops = 1000\n"
      "[[phase]]\n"
      "name = \"reads\"\n");
  const std::vector<PhaseJob> phases = build(path);
  ASSERT_EQ(phases.size(), 3u);
  EXPECT_EQ(phases[0].spec.workload().compress_percent, 50u);
  EXPECT_EQ(phases[0].spec.workload().dedupe_unit, 8192u);
  EXPECT_TRUE(phases[1].spec.workload().rate_poisson);
  EXPECT_EQ(phases[1].spec.workload().rate_iops, 1000u);
  EXPECT_EQ(phases[2].spec.workload().rate_iops, 0u);
  EXPECT_EQ(phases[2].spec.workload().compress_percent, 0u);
  // Left out where it has no effect.
  EXPECT_FALSE(phases[0].spec.workload().rate_poisson);
  EXPECT_FALSE(phases[2].spec.workload().rate_poisson);
  EXPECT_EQ(phases[1].spec.workload().dedupe_unit, 0u);
  EXPECT_EQ(phases[2].spec.workload().dedupe_unit, 0u);

  // Used by no phase: refused, with its own line.
  const std::string unused = write(
      "target = \"t\"\n"
      "rate-process = \"poisson\"\n"
      "[[phase]]\nname = \"a\"\n"
      "[[phase]]\nname = \"b\"\nwrite-percent = 100\n",
      "unused.toml");
  EXPECT_EQ(build_error(unused), unused + ":2: rate-process: shapes the arrivals of a rate limit; give --rate-iops "
                                          "or --rate-bw too (no phase or group of the file uses it)");
  // A phase's own setting without effect is that phase's problem.
  const std::string own = write(
      "target = \"t\"\n"
      "[[phase]]\nname = \"a\"\nrate-iops = 10\n"
      "[[phase]]\nname = \"b\"\nrate-process = \"poisson\"\n",
      "own.toml");
  EXPECT_EQ(build_error(own), own + ":5: phase 'b': " + own +
                                  ":7: rate-process: shapes the arrivals of a rate limit; give --rate-iops or "
                                  "--rate-bw too");
  // Without [[phase]] the global settings are the job's own.
  const std::string flat = write("target = \"t\"\ndedupe-unit = \"8k\"\n", "flat.toml");
  EXPECT_THAT(build_error(flat), StartsWith(flat + ":2: dedupe-unit: the chunk of --compress-percent"));
  EXPECT_THAT(build_error(flat), Not(HasSubstr("no phase")));
  // A phase's setting for its groups: one group that uses it is enough.
  const std::string groups = write(
      "target = \"t\"\n"
      "[[phase]]\nname = \"a\"\nthink-every = 4\n"
      "[[phase.group]]\nname = \"thinks\"\nthink-time = \"10us\"\n"
      "[[phase.group]]\nname = \"streams\"\n",
      "groups.toml");
  const std::vector<PhaseJob> grouped = build(groups);
  ASSERT_EQ(grouped.size(), 1u);
  ASSERT_EQ(grouped[0].groups.size(), 2u);
  EXPECT_EQ(grouped[0].groups[0].second.workload().think_every, 4u);
  EXPECT_EQ(grouped[0].groups[1].second.workload().think_every, 1u);  // left out: the default
  // No group of the phase uses it: refused.
  const std::string no_group = write(
      "target = \"t\"\n"
      "[[phase]]\nname = \"a\"\nthink-every = 4\n"
      "[[phase.group]]\nname = \"g1\"\n"
      "[[phase.group]]\nname = \"g2\"\n",
      "no-group.toml");
  EXPECT_EQ(build_error(no_group),
            no_group + ":4: think-every: shapes the pauses of --think-time; give --think-time (or "
                       "--think-adaptive-percent) too (no phase or group of the file uses it)");
  // Sequential prefill, then zipf reads that sync: the distribution shapes
  // the random phase only, the syncs the writing one.
  const std::string access = write(
      "target = \"t\"\n"
      "distribution = \"zipf\"\n"
      "zipf-theta = 0.8\n"
      "fsync-every = 16\n"
      "[[phase]]\nname = \"prefill\"\nwrite-percent = 100\n"
      "[[phase]]\nname = \"hot\"\nrandom = true\n",
      "access.toml");
  const std::vector<PhaseJob> two = build(access);
  ASSERT_EQ(two.size(), 2u);
  EXPECT_FALSE(two[0].spec.workload().random);
  EXPECT_EQ(two[0].spec.workload().distribution.kind, DistributionKind::kUniform);
  EXPECT_FALSE(two[0].spec.workload().distribution.zipf_theta.has_value());
  EXPECT_EQ(two[0].spec.workload().fsync_every, 16u);
  EXPECT_EQ(two[1].spec.workload().distribution.kind, DistributionKind::kZipf);
  EXPECT_EQ(two[1].spec.workload().distribution.zipf_theta, 0.8);
  EXPECT_EQ(two[1].spec.workload().fsync_every, 0u);
  // Several unused: one line each, in the file's order.
  const std::string several = write(
      "target = \"t\"\n"
      "rate-process = \"poisson\"\n"
      "zipf-theta = 0.8\n"
      "dedupe-unit = \"8k\"\n"
      "[[phase]]\nname = \"a\"\n"
      "[[phase]]\nname = \"b\"\nrandom = true\ncompress-percent = 50\n",
      "several.toml");
  EXPECT_EQ(build_error(several),
            "2 problems with this job file:\n  " + several +
                ":2: rate-process: shapes the arrivals of a rate limit; give --rate-iops or --rate-bw too (no phase "
                "or group of the file uses it)\n  " +
                several + ":3: zipf-theta: shapes random offsets; without --random the access is sequential (no "
                          "phase or group of the file uses it)");
  // Leaving one out can leave another without effect: a global trim-write
  // and fsync-every, used by the trimming phase, left out of the reading one.
  const std::string cascade = write(
      "target = \"t\"\n"
      "trim-write = true\n"
      "fsync-every = 16\n"
      "[[phase]]\nname = \"trims\"\ntrim-percent = 100\n"
      "[[phase]]\nname = \"reads\"\n",
      "cascade.toml");
  const std::vector<PhaseJob> trims = build(cascade);
  ASSERT_EQ(trims.size(), 2u);
  EXPECT_TRUE(trims[0].spec.workload().trim_write);
  EXPECT_EQ(trims[0].spec.workload().fsync_every, 16u);
  EXPECT_FALSE(trims[1].spec.workload().trim_write);
  EXPECT_EQ(trims[1].spec.workload().fsync_every, 0u);
  // The file's order, whatever the order of the checks.
  const std::string reversed = write(
      "target = \"t\"\n"
      "zipf-theta = 0.8\n"
      "rate-process = \"poisson\"\n"
      "[[phase]]\nname = \"a\"\n",
      "reversed.toml");
  const std::string in_order = build_error(reversed);
  EXPECT_LT(in_order.find(reversed + ":2: zipf-theta"), in_order.find(reversed + ":3: rate-process")) << in_order;
  // Settings given where they do nothing anyway (a flag given false, the
  // default distribution, the default cursor) are nobody's problem, as on
  // the command line.
  for (const std::string& harmless :
       {std::string("end-fsync = false\n[[phase]]\nname = \"a\"\n[[phase]]\nname = \"b\"\n"),
        std::string("distribution = \"uniform\"\n[[phase]]\nname = \"a\"\n[[phase]]\nname = \"b\"\n"),
        std::string("random = true\nsequential-cursor = \"shared\"\n[[phase]]\nname = \"a\"\n[[phase]]\n"
                    "name = \"b\"\n")}) {
    EXPECT_EQ(build(write("target = \"t\"\n" + harmless, "harmless.toml")).size(), 2u) << harmless;
  }
  // A replay phase: the trace's writes carry a global write-only flag and
  // take a global chunk of their data; what a replay refuses (random
  // offsets), it refuses inherited too.
  const std::string replay = write(
      "target = \"t\"\n"
      "io-flags = \"fua\"\n"
      "dedupe-unit = \"8k\"\n"
      "[[phase]]\nname = \"writes\"\nwrite-percent = 100\ncompress-percent = 50\n"
      "[[phase]]\nname = \"replay\"\nreplay = \"trace.iolog\"\n",
      "replay.toml");
  const std::vector<PhaseJob> replayed = build(replay);
  ASSERT_EQ(replayed.size(), 2u);
  EXPECT_NE(replayed[1].spec.workload().io_flags, 0u);
  EXPECT_EQ(replayed[1].spec.workload().io_flags, replayed[0].spec.workload().io_flags);
  EXPECT_EQ(replayed[1].spec.workload().dedupe_unit, 0u);  // left out: the replay compresses nothing
  const std::string replay_random = write(
      "target = \"t\"\n"
      "random = true\n"
      "[[phase]]\nname = \"reads\"\n"
      "[[phase]]\nname = \"replay\"\nreplay = \"trace.iolog\"\n",
      "replay-random.toml");
  EXPECT_THAT(build_error(replay_random), HasSubstr(replay_random + ":2: random: the trace of --replay says"));
  // A replay setting shapes the phase that replays only.
  const std::string redirect = write(
      "target = \"t\"\n"
      "replay-speed = \"max\"\n"
      "[[phase]]\nname = \"reads\"\n"
      "[[phase]]\nname = \"replay\"\nreplay = \"trace.iolog\"\n",
      "replay-speed.toml");
  const std::vector<PhaseJob> speeds = build(redirect);
  ASSERT_EQ(speeds.size(), 2u);
  EXPECT_EQ(speeds[1].spec.workload().replay_speed, 0.0);
  EXPECT_EQ(speeds[0].spec.workload().replay_speed, 1.0);  // left out: the default
  // A parameter left without its distribution (a sequential phase) says so.
  const std::string sequential = write(
      "target = \"t\"\n"
      "distribution = \"zipf\"\n"
      "[[phase]]\nname = \"a\"\nzipf-theta = 0.8\n"
      "[[phase]]\nname = \"b\"\nrandom = true\n",
      "sequential.toml");
  EXPECT_THAT(build_error(sequential), HasSubstr("sequential.toml:5: zipf-theta: shapes random offsets; without "
                                                 "--random the access is sequential"));
  // A phase that fails for another reason makes no claim about what it
  // would have used.
  const std::string failing = write(
      "target = \"t\"\n"
      "rate-process = \"poisson\"\n"
      "[[phase]]\nname = \"a\"\n"
      "[[phase]]\nname = \"b\"\nread-percent = 70\nwrite-percent = 20\n",
      "failing.toml");
  EXPECT_THAT(build_error(failing), StartsWith(failing + ":5: phase 'b': " + failing + ":7: read-percent 70 and "));
  EXPECT_THAT(build_error(failing), Not(HasSubstr("rate-process")));
  // The command line's settings are the phases' own.
  const std::string from_command_line = usage_message([&] { build(path, {{"think-every", "4"}}); });
  EXPECT_THAT(from_command_line, StartsWith("3 problems with this job file:\n  " + path +
                                            ":4: phase 'prefill': --think-every: shapes the pauses"));
}

TEST_F(JobFileTest, ValuesAsCommandLineText) {
  const std::string path = write(
      "target = \"t\"\n"
      "total-bytes = 12345678901\n"
      "x.float = 0.99\n"
      "x.exact = 1.0000000000000002\n"
      "x.whole = 2.0\n"
      "x.neg = -3\n"
      "x.off = false\n"
      "plugin-dir = [\"/opt/a\", \"/opt/b\"]\n"
      "plugin_dir_more = 1\n");
  EXPECT_EQ(load_error(path), path + ":9: plugin_dir_more: unknown key; see iopulse --help for the options");
  const JobFile file = load_job_file(write(
      "target = \"t\"\n"
      "total-bytes = 12345678901\n"
      "x.float = 0.99\n"
      "x.exact = 1.0000000000000002\n"
      "x.whole = 2.0\n"
      "x.neg = -3\n"
      "x.off = false\n"
      "plugin-dir = [\"/opt/a\",\n"
      "              \"/opt/b\"]\n", "v.toml"));
  std::vector<std::string> texts;
  for (const JobFileEntry& e : file.global) texts.push_back(e.key + "=" + e.text);
  EXPECT_EQ(texts, (std::vector<std::string>{"target=t", "total-bytes=12345678901", "x.float=0.99",
                                             "x.exact=1.0000000000000002", "x.whole=2.0", "x.neg=-3", "x.off=false",
                                             "plugin-dir=/opt/a", "plugin-dir=/opt/b"}));
  EXPECT_EQ(file.global[8].label, dir_ + "/v.toml:9: plugin-dir");
  EXPECT_EQ(file.global_values("plugin-dir"), (std::vector<std::string>{"/opt/a", "/opt/b"}));
  EXPECT_EQ(file.global_values("engine"), std::vector<std::string>{});
}

TEST_F(JobFileTest, UnreadableFile) {
  EXPECT_EQ(load_error(dir_ + "/missing.toml"),
            "--config: '" + dir_ + "/missing.toml' cannot be read: No such file or directory; accepted: a TOML "
            "job file");
  EXPECT_EQ(load_error(dir_), "--config: '" + dir_ + "' is a directory; accepted: a TOML job file");
}

// Every example loads and builds, as written and with the overrides the
// integration tests use; tests/integration/job_file_test.cc runs them.
TEST(JobFileExamples, EveryExampleBuildsItsPhases) {
  const std::filesystem::path examples = std::filesystem::path(IOPULSE_SOURCE_DIR) / "examples";
  size_t count = 0;
  for (const auto& entry : std::filesystem::directory_iterator(examples)) {
    if (entry.path().extension() != ".toml") continue;
    SCOPED_TRACE(entry.path().string());
    ++count;
    const JobFile file = load_job_file(entry.path().string());
    const std::vector<PhaseJob> as_written = phase_jobs(build_phased_job(file, "sync", command_line()));
    ASSERT_EQ(as_written.size(), file.phases.size());
    // A metadata example (md-phases) has no data file to shrink.
    const bool metadata = !as_written.empty() && as_written.front().spec.metadata.active();
    const std::vector<PhaseJob> shortened =
        metadata ? phase_jobs(build_phased_job(file, "sync", command_line({{"target", "/tmp/t"}, {"duration", "300ms"}})))
                 : phase_jobs(build_phased_job(
                       file, "sync", command_line({{"target", "/tmp/t.dat"}, {"file-size", "16M"}, {"duration", "300ms"}})));
    for (const PhaseJob& p : shortened) {
      EXPECT_EQ(p.spec.duration_ns, 300'000'000u) << p.name;
      if (!metadata) {
        EXPECT_EQ(p.spec.file_size, 16u << 20) << p.name;
      }
    }
    // The comments say what the file simulates.
    std::ifstream in(entry.path());
    std::string first_line;
    std::getline(in, first_line);
    EXPECT_EQ(first_line.rfind("# ", 0), 0u) << first_line;
  }
  EXPECT_GE(count, 4u);
}

TEST_F(JobFileTest, ParseJobFileFromMemoryUsesThePathGiven) {
  EXPECT_EQ(usage_message([] { parse_job_file("target = \"t\"\nblok-size = 1\n", "job.toml"); }),
            "job.toml:2: blok-size: unknown key; see iopulse --help for the options");
  EXPECT_EQ(parse_job_file("block-size = \"4k\"\n", "job.toml").global[0].label, "job.toml:1: block-size");
}

}  // namespace
}  // namespace iopulse
