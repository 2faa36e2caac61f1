// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// fio job files in process: the INI reader, the translation of each fio
// option into IOPulse settings (checked on the JobSpecs the ordinary job-file
// path builds from them), the refusals, and `convert`'s TOML reading back as
// the same job.
#include "config/fio_job_file.h"

#include <fstream>
#include <map>
#include <sstream>
#include <optional>
#include <string>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config/fio_ini_reader.h"
#include "config/fio_job_settings.h"
#include "config/job_file.h"
#include "config/toml_job_writer.h"
#include "job/io_priority.h"
#include "job/job_options.h"
#include "job/usage_error.h"
#include "phase_jobs.h"

#include "iopulse/engine.h"

namespace iopulse {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

std::optional<std::string> test_env(const std::string& name) {
  static const std::map<std::string, std::string> kEnv = {{"SIZE", "64m"}, {"DIR", "/data"}};
  const auto it = kEnv.find(name);
  if (it == kEnv.end()) return std::nullopt;
  return it->second;
}

FioTranslationContext context() {
  FioTranslationContext c;
  c.engine_exists = [](const std::string& name) { return name == "myengine"; };
  c.getenv = test_env;
  return c;
}

JobFile translate(const std::string& text) { return translate_fio_job_file(text, "job.fio", context()); }

std::vector<PhaseJob> specs(const JobFile& file, const std::string& engine = "sync") {
  return phase_jobs(build_phased_job(file, engine, [](JobSpecBuilder&) {}));
}

std::string refusal(const std::string& text) {
  try {
    translate(text);
  } catch (const UsageError& e) {
    return e.what();
  }
  ADD_FAILURE() << "not refused:\n" << text;
  return "";
}

TEST(FioIniReaderTest, ReadsSectionsValuelessOptionsCommentsAndEnvironment) {
  const FioIniFile f = read_fio_ini(
      "; leading comment\n[global]\nbs = 4k ; inline comment\ntime_based\n# another\n[job one]\n"
      "size=${SIZE}\ndirectory=${DIR}/x\n",
      "job.fio", test_env);
  ASSERT_TRUE(f.problems.empty()) << f.problems.front();
  ASSERT_EQ(f.sections.size(), 2u);
  EXPECT_EQ(f.sections[0].name, "global");
  ASSERT_EQ(f.sections[0].options.size(), 2u);
  EXPECT_EQ(f.sections[0].options[0].key, "bs");
  EXPECT_EQ(f.sections[0].options[0].value, "4k");
  EXPECT_EQ(f.sections[0].options[0].line, 3u);
  EXPECT_EQ(f.sections[0].options[1].key, "time_based");
  EXPECT_FALSE(f.sections[0].options[1].has_value);
  EXPECT_EQ(f.sections[1].name, "job one");
  EXPECT_EQ(f.sections[1].options[0].value, "64m");
  EXPECT_EQ(f.sections[1].options[1].value, "/data/x");
}

TEST(FioIniReaderTest, CollectsEveryProblemWithItsLine) {
  const FioIniFile f =
      read_fio_ini("bs=4k\n[global]\nsize=${NOPE}\ninclude other.fio\n[broken\nbad key=1\n", "job.fio", test_env);
  ASSERT_EQ(f.problems.size(), 5u);
  EXPECT_THAT(f.problems[0], HasSubstr("job.fio:1: bs: outside any section"));
  EXPECT_THAT(f.problems[1], HasSubstr("job.fio:3: size: ${NOPE}: the environment variable NOPE is not set"));
  EXPECT_THAT(f.problems[2], HasSubstr("job.fio:4: include"));
  EXPECT_THAT(f.problems[3], HasSubstr("job.fio:5: '[broken' is not a section header"));
  EXPECT_THAT(f.problems[4], HasSubstr("job.fio:6: 'bad key=1' is not an option"));
}

TEST(FioIniReaderTest, RecognisesFioFilesButNotTomlOnes) {
  EXPECT_TRUE(is_fio_job_file("job", "[global]\nbs=4k\n[a]\nrw=read\n"));
  EXPECT_TRUE(is_fio_job_file("x.fio", "anything"));
  EXPECT_FALSE(is_fio_job_file("job.toml", "target = \"/tmp/x\"\n[[phase]]\nname = \"a\"\n"));
  EXPECT_FALSE(is_fio_job_file("job", "[io_uring]\nsqpoll = true\n"));  // valid TOML
  EXPECT_FALSE(has_fio_ini_shape("bs=4k\n[job]\n"));                      // option before any section
  EXPECT_FALSE(has_fio_ini_shape("\x7f" "ELF\x02\x01"));
}

TEST(FioJobFileTest, GlobalSettingsAreInheritedAndOverridden) {
  const JobFile f = translate(
      "[global]\nfilename=/tmp/fio-t/data\nsize=8m\nbs=16k\niodepth=4\nioengine=libaio\ndirect=1\n"
      "[reads]\nrw=randread\nbs=8k\nruntime=3\ntime_based\n");
  const std::vector<PhaseJob> s = specs(f, "libaio");
  ASSERT_EQ(s.size(), 1u);
  const JobSpec& j = s[0].spec;
  EXPECT_EQ(j.target_path, "/tmp/fio-t/data");
  EXPECT_EQ(j.file_size, 8u << 20);
  EXPECT_EQ(j.read_sizes.min_size(), 8192u);
  EXPECT_EQ(j.queue_depth, 4u);
  EXPECT_EQ(j.engine, "libaio");
  EXPECT_TRUE(j.direct);
  EXPECT_TRUE(j.random);
  EXPECT_EQ(j.read_percent, 100u);
  EXPECT_EQ(j.duration_ns, 3'000'000'000u);
  EXPECT_FALSE(j.run_until_complete);
}

TEST(FioJobFileTest, StonewallStartsPhasesAndOtherJobsRunTogether) {
  const JobFile f = translate(
      "[global]\nfilename=/tmp/fio-t/data\nsize=1m\n[w]\nrw=write\n[r1]\nstonewall\nrw=read\n[r2]\nrw=randread\n"
      "iodepth=2\n");
  ASSERT_EQ(f.phases.size(), 2u);
  EXPECT_EQ(f.phases[0].name, "w");
  EXPECT_TRUE(f.phases[0].groups.empty());
  ASSERT_EQ(f.phases[1].groups.size(), 2u);
  EXPECT_EQ(f.phases[1].groups[0].name, "r1");
  EXPECT_EQ(f.phases[1].groups[1].name, "r2");
  const std::vector<PhaseJob> s = specs(f);
  EXPECT_EQ(s[0].spec.read_percent, 0u);
  EXPECT_TRUE(s[0].spec.run_until_complete);  // fio's default: size bytes once
  ASSERT_EQ(s[1].groups.size(), 2u);
  EXPECT_FALSE(s[1].groups[0].second.random);
  EXPECT_TRUE(s[1].groups[1].second.random);
  EXPECT_EQ(s[1].groups[1].second.queue_depth, 2u);
}

// exitall: fio's flag is the run's once any job sets it; every job that
// ends ends the others of its reporting group (exit_what=group) or every
// job running (stonewall): IOPulse's --ends-phase on every job.
TEST(FioJobFileTest, ExitallEndsThePhaseWithItsFirstJob) {
  const std::string jobs = "[global]\nfilename=/d/f\nsize=1m\n[a]\nrw=read\n[b]\nrw=randread\n";
  const std::vector<PhaseJob> s = specs(translate(jobs + "exitall\n"));
  ASSERT_EQ(s.size(), 1u);
  ASSERT_EQ(s[0].groups.size(), 2u);
  EXPECT_TRUE(s[0].groups[0].second.ends_phase);  // (set by b, for a too, as in fio)
  EXPECT_TRUE(s[0].groups[1].second.ends_phase);
  EXPECT_FALSE(specs(translate(jobs))[0].groups[0].second.ends_phase);
  // Reporting groups apart in one phase: fio ends only the ending job's.
  EXPECT_THAT(refusal(jobs + "new_group\nexitall\n"),
              HasSubstr("job.fio:9: exitall: not supported by IOPulse for jobs of several reporting groups"));
  // (exit_what=stonewall: every job running, whatever its group.)
  const std::vector<PhaseJob> apart = specs(translate(
      "[global]\nfilename=/d/f\nsize=1m\nexitall\nexit_what=stonewall\n[a]\nrw=read\n[b]\nrw=randread\nnew_group\n"));
  EXPECT_TRUE(apart[0].groups[0].second.ends_phase);
  EXPECT_TRUE(apart[0].groups[1].second.ends_phase);
  EXPECT_THAT(refusal(jobs + "exitall\nexit_what=all\n"), HasSubstr("job.fio:9: exit_what: not supported by IOPulse: "
                                                                     "exit_what=all"));
  EXPECT_THAT(refusal(jobs + "exitall\nexit_what=some\n"),
              HasSubstr("job.fio:9: exit_what: 'some' is not accepted; accepted: group, stonewall, all"));
  EXPECT_THAT(refusal(jobs + "exitall\nexit_what=stonewall\nstartdelay=1\n"),
              HasSubstr("job.fio:9: exit_what: not supported by IOPulse with wait_for or startdelay"));
  // fio sets its flag whatever the value; exit_what alone changes nothing.
  EXPECT_TRUE(specs(translate(jobs + "exitall=0\n"))[0].groups[0].second.ends_phase);
  EXPECT_FALSE(specs(translate(jobs + "exit_what=all\n"))[0].groups[0].second.ends_phase);
  // A job that waits for every job running is a phase of its own here; fio
  // ends it before it starts (one reporting group).
  EXPECT_THAT(refusal("[global]\nfilename=/d/f\nsize=1m\nexitall\n[a]\n[b]\nwait_for=a\n"),
              HasSubstr("job.fio:4: exitall: not supported by IOPulse with a later job that waits for this one"));
  EXPECT_EQ(specs(translate("[global]\nfilename=/d/f\nsize=1m\nexitall\nexit_what=stonewall\n[a]\n[b]\nwait_for=a\n"))
                .size(), 2u);
}

// percentile_list: the percentiles of the fio-format results, one list for
// the whole run; fio's defaults of clat_percentiles and lat_percentiles are
// what IOPulse writes, the others are refused.
TEST(FioJobFileTest, PercentileListIsTheFioResultsList) {
  const std::string jobs = "[global]\nfilename=/d/f\nsize=1m\n";
  const std::vector<PhaseJob> s = specs(translate(jobs + "percentile_list=99.9:50:99\n[a]\n[b]\nrw=randread\n"));
  EXPECT_EQ(s[0].spec.fio_percentiles, (std::vector<double>{50, 99, 99.9}));
  EXPECT_THAT(refusal(jobs + "[a]\npercentile_list=50\n[b]\n"),
              HasSubstr("fio-percentiles '(not set)' differs from '50'"));
  try {
    specs(translate(jobs + "percentile_list=50:0\n[a]\n"));
    ADD_FAILURE() << "percentile_list=50:0 accepted";
  } catch (const UsageError& e) {
    EXPECT_THAT(e.what(), HasSubstr("job.fio:4: percentile_list: '50:0' is not accepted; accepted: percentiles above 0"));
  }
  EXPECT_EQ(specs(translate(jobs + "clat_percentiles=1\nlat_percentiles=0\n[a]\n")).size(), 1u);
  EXPECT_THAT(refusal(jobs + "[a]\nclat_percentiles=0\n"), HasSubstr("job.fio:5: clat_percentiles: not supported"));
  EXPECT_THAT(refusal(jobs + "[a]\nlat_percentiles=1\n"), HasSubstr("job.fio:5: lat_percentiles: not supported"));
}

// fio's roundrobin (its default file_service_type) is IOPulse's
// --file-order roundrobin[:N] for a sequential job of several files of one
// size with one IO size; elsewhere IOPulse walks the files in turn.
TEST(FioJobFileTest, RoundRobinFileServiceIsFileOrder) {
  const std::string list = "[a]\nfilename=/d/a:/d/b\nsize=2m\n";
  EXPECT_EQ(specs(translate(list + "rw=read\n"))[0].spec.file_roundrobin, 1u);
  EXPECT_EQ(specs(translate(list + "rw=write\nfile_service_type=roundrobin:4\n"))[0].spec.file_roundrobin, 4u);
  EXPECT_EQ(specs(translate(list + "rw=read\nfile_service_type=sequential\n"))[0].spec.file_roundrobin, 0u);
  EXPECT_EQ(specs(translate(list + "rw=randread\n"))[0].spec.file_roundrobin, 0u);
  EXPECT_EQ(specs(translate(list + "rw=read\nbsrange=4k-16k\nnumber_ios=8\n"))[0].spec.file_roundrobin, 0u);
  EXPECT_EQ(specs(translate(list + "rw=rw\n"))[0].spec.file_roundrobin, 0u);
  EXPECT_EQ(specs(translate("[a]\nfilename=/d/a\nsize=2m\nrw=read\n"))[0].spec.file_roundrobin, 0u);
  // nrfiles: the set's files, each clone its own.
  EXPECT_EQ(specs(translate("[a]\ndirectory=/d\nnrfiles=4\nsize=4m\nrw=read\nnumjobs=2\n"))[0].spec.file_roundrobin,
            1u);
}

// continue_on_error: all (1) is IOPulse's --continue-on-error, for the
// whole run; the choices of one kind of error are refused.
TEST(FioJobFileTest, ContinueOnErrorAllIsTheRunsPolicy) {
  const std::string jobs = "[global]\nfilename=/d/f\nsize=1m\n";
  const std::vector<PhaseJob> s = specs(translate(jobs + "continue_on_error=1\n[a]\n[b]\nrw=randread\n"));
  EXPECT_TRUE(s[0].spec.continue_on_error);
  EXPECT_FALSE(specs(translate(jobs + "continue_on_error=none\n[a]\n"))[0].spec.continue_on_error);
  EXPECT_THAT(refusal(jobs + "[a]\ncontinue_on_error=all\n[b]\n"),
              HasSubstr("continue-on-error '(not set)' differs from 'true'"));
  EXPECT_THAT(refusal(jobs + "[a]\ncontinue_on_error=io\n"),
              HasSubstr("job.fio:5: continue_on_error: not supported by IOPulse: continue_on_error=io"));
  EXPECT_THAT(refusal(jobs + "[a]\ncontinue_on_error=maybe\n"), HasSubstr("'maybe' is not accepted"));
}

TEST(FioJobFileTest, FilesAreNamedAsFioNamesThem) {
  // One job, no filename: <directory>/<job>.0.0.
  EXPECT_EQ(specs(translate("[one]\ndirectory=/d\nsize=1m\nrw=read\n"))[0].spec.target_path, "/d/one.0.0");
  // numjobs without filename: a file per worker, <job>.<clone>.0.
  const JobSpec clones = specs(translate("[c]\ndirectory=/d\nsize=1m\nnumjobs=3\nrw=write\n"))[0].spec;
  EXPECT_EQ(clones.file_list, (std::vector<std::string>{"/d/c.0.0", "/d/c.1.0", "/d/c.2.0"}));
  EXPECT_EQ(clones.threads, 3u);
  EXPECT_EQ(clones.file_distribution, FileDistribution::kPerWorker);
  // nrfiles: a file set <job>.0.<i>, size split among them.
  const JobSpec set = specs(translate("[s]\ndirectory=/d\nsize=4m\nnrfiles=4\nrw=read\n"))[0].spec;
  EXPECT_EQ(set.target_path, "/d");
  EXPECT_EQ(set.num_files, 4u);
  EXPECT_EQ(set.file_prefix, "s.0");
  EXPECT_EQ(set.file_size, 1u << 20);
  // More than ten: fio's unpadded names as a list (IOPulse's set pads them).
  const JobSpec eleven = specs(translate("[s]\ndirectory=/d\nsize=11m\nnrfiles=11\nrw=read\n"))[0].spec;
  ASSERT_EQ(eleven.file_list.size(), 11u);
  EXPECT_EQ(eleven.file_list[10], "/d/s.0.10");
  EXPECT_EQ(eleven.file_size, 1u << 20);
  // nrfiles and numjobs: each clone its own files, <job>.<clone>.<i>.
  const JobSpec both = specs(translate("[b]\ndirectory=/d\nsize=2m\nnrfiles=2\nnumjobs=2\nrw=read\n"))[0].spec;
  EXPECT_EQ(both.file_list, (std::vector<std::string>{"/d/b.0.0", "/d/b.0.1", "/d/b.1.0", "/d/b.1.1"}));
  EXPECT_EQ(both.file_distribution, FileDistribution::kPerWorker);
  EXPECT_EQ(both.file_size, 1u << 20);
  // A ':' list in IOPulse's set naming; beyond ten files a list (IOPulse's
  // set would name the first f.00).
  const JobSpec list = specs(translate("[l]\nfilename=/d/f.0:/d/f.1\nsize=2m\n"))[0].spec;
  EXPECT_EQ(list.num_files, 2u);
  EXPECT_EQ(list.file_prefix, "f");
  EXPECT_EQ(list.file_size, 1u << 20);
  std::string names = "/d/f.0";
  for (int i = 1; i <= 10; ++i) names += ":/d/f." + std::to_string(i);
  const JobSpec long_list = specs(translate("[l]\nfilename=" + names + "\nsize=11m\n"))[0].spec;
  EXPECT_EQ(long_list.num_files, 0u);
  ASSERT_EQ(long_list.file_list.size(), 11u);
  EXPECT_EQ(long_list.file_list[0], "/d/f.0");
  // Any other list: IOPulse's file list, in order, a ':' in a name kept.
  const JobSpec any = specs(translate("[l]\nfilename=/dev/sdb:b\\:c:/d/x\ndirectory=/e\nsize=3m\n"))[0].spec;
  EXPECT_EQ(any.file_list, (std::vector<std::string>{"/e//dev/sdb", "/e/b:c", "/e//d/x"}));
  EXPECT_EQ(any.target_path, "/e//dev/sdb");
  EXPECT_EQ(any.file_size, 1u << 20);
  EXPECT_EQ(any.num_files, 0u);
  const JobSpec plain = specs(translate("[l]\nfilename=/dev/sdb:/dev/sdc\nsize=2m\n"))[0].spec;
  EXPECT_EQ(plain.file_list, (std::vector<std::string>{"/dev/sdb", "/dev/sdc"}));
  // filename_format: $jobname, $jobnum and $filenum (any case) in fio's
  // names; without $jobnum the clones share the files.
  const JobSpec formatted =
      specs(translate("[f]\ndirectory=/d\nsize=2m\nnrfiles=2\nnumjobs=2\nfilename_format=$JobName-$jobnum/x.$filenum\n"))[0]
          .spec;
  EXPECT_EQ(formatted.file_list, (std::vector<std::string>{"/d/f-0/x.0", "/d/f-0/x.1", "/d/f-1/x.0", "/d/f-1/x.1"}));
  EXPECT_EQ(formatted.file_distribution, FileDistribution::kPerWorker);
  const JobSpec named =
      specs(translate("[f]\ndirectory=/d\nsize=2m\nnrfiles=2\nfilename_format=data.$filenum\n"))[0].spec;
  EXPECT_EQ(named.target_path, "/d");
  EXPECT_EQ(named.num_files, 2u);
  EXPECT_EQ(named.file_prefix, "data");
  // fio's clones take only names no one has yet: without $jobnum the
  // others have no file and do nothing.
  EXPECT_THAT(refusal("[f]\ndirectory=/d\nsize=2m\nnrfiles=2\nnumjobs=2\nfilename_format=data.$filenum\n"),
              HasSubstr("job.fio:6: filename_format: not supported by IOPulse with numjobs: 'data.$filenum' gives "
                        "every clone the first clone's names"));
  // name= names the job, not its files (fio's names use the section's).
  EXPECT_EQ(specs(translate("[one]\ndirectory=/d\nname=/dev/null\nsize=1m\nrw=write\n"))[0].spec.target_path,
            "/d/one.0.0");
  // A job of one file named after a device works on it, as fio's does.
  EXPECT_EQ(specs(translate("[/dev/null]\nsize=1m\nrw=write\nnumjobs=2\n"))[0].spec.target_path, "/dev/null");
  EXPECT_THAT(refusal("[f]\ndirectory=/d\nsize=2m\nnrfiles=2\nfilename_format=data\n"),
              HasSubstr("job.fio:5: filename_format: not supported by IOPulse: 'data' names two of the job's files "
                        "alike"));
  EXPECT_THAT(refusal("[f]\ndirectory=/d\nsize=2m\nfilename_format=$clientuid.$filenum\n"),
              HasSubstr("job.fio:4: filename_format: not supported by IOPulse: $clientuid"));
}

TEST(FioJobFileTest, StopConditionsFollowFio) {
  // io_size and loops: a byte budget; numjobs multiplies fio's per-job sizes.
  JobSpec j = specs(translate("[a]\nfilename=/d/f\nsize=1m\nio_size=4m\nnumjobs=2\n"))[0].spec;
  EXPECT_EQ(j.total_bytes, 8u << 20);
  j = specs(translate("[a]\nfilename=/d/f\nsize=1m\nloops=3\n"))[0].spec;
  EXPECT_EQ(j.total_bytes, 3u << 20);
  // runtime without time_based: whichever comes first.
  j = specs(translate("[a]\nfilename=/d/f\nsize=1m\nruntime=2m\n"))[0].spec;
  EXPECT_EQ(j.total_bytes, 1u << 20);
  EXPECT_EQ(j.duration_ns, 120'000'000'000u);
  // norandommap: random with replacement, so a byte budget rather than a pass.
  j = specs(translate("[a]\nfilename=/d/f\nsize=1m\nrw=randread\nnorandommap\n"))[0].spec;
  EXPECT_EQ(j.total_bytes, 1u << 20);
  j = specs(translate("[a]\nfilename=/d/f\nsize=1m\nnumber_ios=100\n"))[0].spec;
  EXPECT_EQ(j.total_ops, 100u);
}

// A job without size or filesize on one existing file or device: fio's
// size is the target's, in whole blocks of the job's smallest size.
TEST(FioJobFileTest, AnExistingTargetWithoutASizeIsItsOwnSize) {
  FioTranslationContext c = context();
  std::vector<std::string> asked;
  c.existing_size = [&asked](const std::string& path) -> std::optional<uint64_t> {
    asked.push_back(path);
    if (path == "/dev/sdz") return (10u << 20) + 100;
    return std::nullopt;
  };
  const auto spec = [&c](const std::string& text) {
    return specs(translate_fio_job_file(text, "job.fio", c))[0].spec;
  };
  JobSpec j = spec("[a]\nfilename=/dev/sdz\nrw=randwrite\nbs=8k,64k\nnumjobs=4\n");
  EXPECT_EQ(j.total_bytes, 4u * (10u << 20));  // 100 bytes are no 64k block
  EXPECT_EQ(j.file_size, 0u) << "the target's own size, left to IOPulse";
  j = spec("[a]\nfilename=/dev/sdz\nbssplit=4k/50:1m/50\nloops=2\n");
  EXPECT_EQ(j.total_bytes, 2u * (10u << 20));  // whole blocks of the smallest size, 4k
  j = spec("[a]\nfilename=/dev/sdz\nrw=randread\n");
  EXPECT_EQ(j.total_bytes, 0u) << "one job's pass of an existing target is IOPulse's own";
  // A size given, a file list or per-clone files: nothing is asked.
  asked.clear();
  spec("[a]\nfilename=/dev/sdz\nsize=1m\nnumjobs=2\n");
  spec("[a]\nfilename=/d/f.0:/d/f.1\nsize=2m\n");
  spec("[a]\ndirectory=/d\nsize=1m\nnumjobs=2\n");
  EXPECT_TRUE(asked.empty());
  // Where fio's random map does not bound the job, it ends one block over.
  j = spec("[a]\nfilename=/dev/sdz\nrw=randread\nbs=64k\nnorandommap\n");
  EXPECT_EQ(j.total_bytes, (10u << 20) + 65536);
  j = spec("[a]\nfilename=/dev/sdz\nrw=randread\nbs=64k\nrandom_distribution=zipf:1.2\nnumjobs=2\n");
  EXPECT_EQ(j.total_bytes, 2 * ((10u << 20) + 65536));
  // One worker too: offsets drawn from a distribution repeat blocks (fio's
  // random map does not make them each block once), so it is no complete pass.
  j = spec("[a]\nfilename=/dev/sdz\nrw=randread\nbs=64k\nrandom_distribution=pareto:0.5\n");
  EXPECT_EQ(j.total_bytes, (10u << 20) + 65536);
  EXPECT_FALSE(j.run_until_complete);
  j = spec("[a]\nfilename=/d/new\nsize=1m\nrw=randread\nbs=64k\nrandom_distribution=zipf:1.2\n");
  EXPECT_EQ(j.total_bytes, 1u << 20);
  EXPECT_FALSE(j.run_until_complete);
  j = spec("[a]\nfilename=/d/new\nsize=1m\nrw=randread\nbs=64k\n");
  EXPECT_TRUE(j.run_until_complete) << "uniform offsets and a random map: each block once";
  // A file an earlier job sizes (and makes) has that size for a later one.
  asked.clear();
  const std::vector<PhaseJob> two = specs(translate_fio_job_file(
      "[w]\nfilename=/d/f2\nsize=1m\nrw=write\n[r]\nstonewall\nfilename=/d/f2\nrw=randread\nnumjobs=2\n",
      "job.fio", c));
  ASSERT_EQ(two.size(), 2u);
  EXPECT_EQ(two[1].spec.file_size, 1u << 20);
  EXPECT_EQ(two[1].spec.total_bytes, 2u << 20);
  // ... unless the file is larger already (fio takes its size when the job
  // starts): /dev/sdz has 10 MiB and more.
  const std::vector<PhaseJob> grown = specs(translate_fio_job_file(
      "[w]\nfilename=/dev/sdz\nsize=1m\nrw=write\n[r]\nstonewall\nfilename=/dev/sdz\nnumjobs=2\n", "job.fio", c));
  EXPECT_EQ(grown[1].spec.total_bytes, 2u * (10u << 20));
  // An earlier job's file beside an existing one of the same size: one
  // size; of another size: refused (IOPulse makes a job's files at one).
  c.existing_size = [](const std::string& path) -> std::optional<uint64_t> {
    if (path == "/d/b") return 1u << 20;
    if (path == "/d/c") return 3000;
    return std::nullopt;
  };
  const std::vector<PhaseJob> pair = specs(translate_fio_job_file(
      "[w]\nfilename=/d/a\nsize=1m\nrw=write\n[r]\nstonewall\nfilename=/d/a:/d/b\nnumjobs=2\n", "job.fio", c));
  EXPECT_EQ(pair[1].spec.file_size, 1u << 20);
  EXPECT_EQ(pair[1].spec.total_bytes, 2u * (2u << 20));
  EXPECT_THROW(translate_fio_job_file("[w]\nfilename=/d/a\nsize=1m\nrw=write\n[r]\nstonewall\nfilename=/d/a:/d/c\n"
                                      "numjobs=2\n", "job.fio", c),
               UsageError);
  // Unbounded by a random map, the files' total ends one block over, once:
  // 1 MiB + 3000 bytes is 257 blocks of 4k.
  EXPECT_EQ(specs(translate_fio_job_file("[r]\nfilename=/d/b:/d/c\nrw=randread\nnorandommap\n", "job.fio", c))[0]
                .spec.total_bytes,
            257u * 4096);
  c.existing_size = [&asked](const std::string& path) -> std::optional<uint64_t> {
    asked.push_back(path);
    if (path == "/dev/sdz") return (10u << 20) + 100;
    return std::nullopt;
  };
  // A missing file without a size is refused naming it, one job or clones.
  for (const char* clones : {"", "numjobs=2\n"}) {
    try {
      spec(std::string("[a]\nfilename=/d/missing\n") + clones);
      ADD_FAILURE() << "not refused";
    } catch (const UsageError& e) {
      EXPECT_THAT(e.what(), HasSubstr("job.fio:2: filename: no size or filesize, and '/d/missing' is no existing "
                                      "file or device"));
    }
  }
  // So are fio's own names (no filename) of files that do not exist, as
  // fio refuses them ("you need to specify size="); existing ones give
  // their size.
  for (const char* job : {"[a]\nrw=read\n", "[a]\ndirectory=/d\nnrfiles=2\n", "[a]\nnumjobs=2\n"}) {
    try {
      spec(job);
      ADD_FAILURE() << "not refused: " << job;
    } catch (const UsageError& e) {
      EXPECT_THAT(e.what(), HasSubstr("no size or filesize, and '")) << job;
      EXPECT_THAT(e.what(), HasSubstr("a.0.0' is no existing file or device")) << job;
    }
  }
  asked.clear();
  c.existing_size = [&asked](const std::string& path) -> std::optional<uint64_t> {
    asked.push_back(path);
    return path.starts_with("/d/a.") ? std::optional<uint64_t>(1u << 20) : std::nullopt;
  };
  EXPECT_NO_THROW(spec("[a]\ndirectory=/d\nnrfiles=2\n"));
  EXPECT_EQ(asked, (std::vector<std::string>{"/d/a.0.0", "/d/a.0.1"}));
  // fio puts `directory` before an absolute name too.
  asked.clear();
  EXPECT_THROW(spec("[a]\ndirectory=/dev\nfilename=/sdz\nnumjobs=2\n"), UsageError);
  EXPECT_EQ(asked, (std::vector<std::string>{"/dev//sdz"}));
  // An empty file has no size to take, as in fio.
  c.existing_size = [](const std::string& path) -> std::optional<uint64_t> {
    return path == "/d/a.0.0" ? std::optional<uint64_t>(0) : std::nullopt;
  };
  try {
    spec("[a]\ndirectory=/d\n");
    ADD_FAILURE() << "an empty file's size taken";
  } catch (const UsageError& e) {
    EXPECT_THAT(e.what(), HasSubstr("job.fio:2: directory: no size or filesize, and '/d/a.0.0' is empty"));
  }
  // A file an earlier job makes is known by any name of it: "/d//j.0.0"
  // (directory with a '/' at its end) is the earlier job's "/d/j.0.0".
  c.existing_size = [](const std::string&) -> std::optional<uint64_t> { return std::nullopt; };
  const std::vector<PhaseJob> named = specs(translate_fio_job_file(
      "[w]\nfilename=/d/j.0.0\nsize=1m\nrw=write\n[j]\nstonewall\ndirectory=/d/\nrw=read\n", "job.fio", c));
  ASSERT_EQ(named.size(), 2u);
  EXPECT_EQ(named[1].spec.file_size, 1u << 20);
}

TEST(FioJobFileTest, TrimJobsAreTrimsOnlyOfTheTrimSize) {
  // rw=trim: sequential trims only; bs's third value is the trim size.
  JobSpec j = specs(translate("[a]\nfilename=/d/f\nsize=1m\nrw=trim\nbs=4k,8k,64k\n"))[0].spec;
  EXPECT_EQ(j.trim_percent, 100u);
  EXPECT_EQ(j.read_percent, 0u);
  EXPECT_FALSE(j.random);
  EXPECT_EQ(j.write_sizes.min_size(), 65536u);
  EXPECT_EQ(j.write_sizes.max_size(), 65536u);
  // randtrim with one bs for every direction.
  j = specs(translate("[a]\nfilename=/d/f\nsize=1m\nrw=randtrim\nbs=16k\n"))[0].spec;
  EXPECT_EQ(j.trim_percent, 100u);
  EXPECT_TRUE(j.random);
  EXPECT_EQ(j.write_sizes.min_size(), 16384u);
  // Two values: trims take the write value, as in fio.
  j = specs(translate("[a]\nfilename=/d/f\nsize=1m\nrw=randtrim\nbs=4k,32k\n"))[0].spec;
  EXPECT_EQ(j.write_sizes.min_size(), 32768u);
  // A job without trims has no use for the trim size and no trims; a later
  // rw replaces an earlier rw=trim.
  j = specs(translate("[a]\nfilename=/d/f\nsize=1m\nrw=randrw\nbs=4k,8k,64k\nruntime=1\ntime_based\n"))[0].spec;
  EXPECT_EQ(j.trim_percent, 0u);
  EXPECT_EQ(j.write_sizes.min_size(), 8192u);
  j = specs(translate("[a]\nfilename=/d/f\nsize=1m\nrw=trim\nrw=read\n"))[0].spec;
  EXPECT_EQ(j.trim_percent, 0u);
  EXPECT_EQ(j.read_percent, 100u);
  // rw=trimwrite and randtrimwrite: trims only in the op mix, each followed
  // by a write of its range (--trim-write), of bs's trim size.
  j = specs(translate("[a]\nfilename=/d/f\nsize=1m\nrw=trimwrite\nbs=64k\n"))[0].spec;
  EXPECT_EQ(j.trim_percent, 100u);
  EXPECT_TRUE(j.trim_write);
  EXPECT_FALSE(j.random);
  EXPECT_EQ(j.write_sizes.min_size(), 65536u);
  j = specs(translate("[a]\nfilename=/d/f\nsize=1m\nrw=randtrimwrite\nbs=4k,16k,16k\n"))[0].spec;
  EXPECT_TRUE(j.trim_write);
  EXPECT_TRUE(j.random);
  EXPECT_EQ(j.write_sizes.min_size(), 16384u);
  j = specs(translate("[a]\nfilename=/d/f\nsize=1m\nrw=trimwrite\nrw=write\n"))[0].spec;
  EXPECT_FALSE(j.trim_write);
  EXPECT_EQ(j.trim_percent, 0u);
  // fio walks its writes apart from its trims when their sizes differ;
  // IOPulse writes what it trimmed, so that is refused by name.
  EXPECT_THAT(refusal("[a]\nfilename=/d/f\nsize=1m\nrw=trimwrite\nbs=4k,4k,256k\n"),
              HasSubstr("job.fio:5: bs: not supported by IOPulse: rw=trimwrite with a write size (4096) other than the "
                        "trim size (262144)"));
  // Separate rates per direction are still refused, now naming trims too.
  EXPECT_THAT(refusal("[a]\nfilename=/d/f\nsize=1m\nrate_iops=10,10,20\n"),
              HasSubstr("separate read, write and trim rates"));
  EXPECT_EQ(specs(translate("[a]\nfilename=/d/f\nsize=1m\nrate_iops=10,,10\n"))[0].spec.rate_iops, 10u);
}

TEST(FioJobFileTest, WorkloadOptionsMapToIOPulseSettings) {
  const JobSpec j = specs(translate(
      "[a]\nfilename=/d/f\nsize=16m\nrw=randrw\nrwmixwrite=30\nbssplit=4k/50:64k/:16k/20,8k\n"
      "random_distribution=zipf:1.1\nrandseed=42\nfsync=8\nthinktime=250\nthinktime_blocks=4\n"
      "cpus_allowed=0\niodepth_batch=2\nbuffered=0\nruntime=1s\ntime_based\n"))[0].spec;
  EXPECT_EQ(j.read_percent, 70u);
  ASSERT_EQ(j.read_sizes.entries().size(), 3u);
  EXPECT_EQ(j.read_sizes.entries()[0].size, 4096u);
  EXPECT_EQ(j.read_sizes.entries()[0].weight, 50u);
  EXPECT_EQ(j.read_sizes.entries()[1].size, 65536u);
  EXPECT_EQ(j.read_sizes.entries()[1].weight, 30u);  // the rest
  EXPECT_EQ(j.write_sizes.min_size(), 8192u);
  EXPECT_EQ(j.distribution.kind, DistributionKind::kZipf);
  EXPECT_DOUBLE_EQ(j.distribution.zipf_theta.value_or(0), 1.1);
  EXPECT_TRUE(j.distribution.hot_spot_scatter);
  EXPECT_EQ(j.seed, 42u);
  EXPECT_EQ(j.fsync_every, 8u);
  // rate_iops holds reads and writes each: 500 of each a second, half
  // reads whatever rwmixwrite says (rate_ddir keeps both on the rate while
  // the device keeps up; with a think time that holds the job under it,
  // fio follows the mix: refused).
  const JobSpec rated = specs(translate("[a]\nfilename=/d/f\nsize=16m\nrw=randrw\nrwmixwrite=30\nrate_iops=500\n"))[0].spec;
  EXPECT_EQ(rated.read_percent, 50u);
  EXPECT_EQ(rated.rate_iops, 1000u);
  EXPECT_TRUE(rated.rate_per_worker);
  EXPECT_THAT(refusal("[a]\nfilename=/d/f\nsize=1m\nrw=randrw\nrate_iops=500\nthinktime=10\n"),
              HasSubstr("job.fio:5: rate_iops: not supported by IOPulse with thinktime"));
  // trimwrite: the rate holds the writes, the trims go unpaced before them.
  EXPECT_EQ(specs(translate("[a]\nfilename=/d/f\nsize=1m\nrw=trimwrite\nrate_iops=100\n"))[0].spec.rate_iops, 200u);
  // A rate for trims only in a job of reads and writes limits nothing.
  const JobFile trims_only = translate("[a]\nfilename=/d/f\nsize=1m\nrw=randrw\nrate_iops=,,200\n");
  EXPECT_EQ(specs(trims_only)[0].spec.rate_iops, 0u);
  EXPECT_THAT(trims_only.notes, ElementsAre("job.fio:5: rate_iops: no effect: the job does no trims, as in fio"));
  // A rate for one direction of a job doing both leaves the other free in
  // fio: refused.  A rate for a direction the job does not do limits
  // nothing, as in fio.
  EXPECT_THAT(refusal("[a]\nfilename=/d/f\nsize=1m\nrw=randrw\nrate_iops=500,\n"),
              HasSubstr("job.fio:5: rate_iops: not supported by IOPulse: a rate for reads only"));
  EXPECT_THAT(refusal("[a]\nfilename=/d/f\nsize=1m\nrw=randrw\nrate=1m\nbs=4k,8k\n"),
              HasSubstr("a bandwidth rate for reads and writes of different sizes"));
  const JobFile writes_only = translate("[a]\nfilename=/d/f\nsize=1m\nrw=write\nrate_iops=500,\n");
  EXPECT_EQ(specs(writes_only)[0].spec.rate_iops, 0u);
  EXPECT_THAT(writes_only.notes, ElementsAre("job.fio:5: rate_iops: no effect: the job does no reads, as in fio"));
  EXPECT_EQ(specs(translate("[a]\nfilename=/d/f\nsize=1m\nrw=write\nrate_iops=,500\n"))[0].spec.rate_iops, 500u);
  EXPECT_EQ(j.think_time_ns, 250'000u);  // fio's thinktime is in microseconds
  EXPECT_EQ(j.think_every, 4u);
  EXPECT_EQ(j.cpu_cores, std::vector<uint32_t>{0});
  EXPECT_EQ(j.submit_batch, 2u);
  EXPECT_TRUE(j.direct);
  // normal:DEV is a percentage in fio.
  const JobSpec g =
      specs(translate("[a]\nfilename=/d/f\nsize=1m\nrw=randread\nrandom_distribution=normal:10:0.25\n"))[0].spec;
  EXPECT_EQ(g.distribution.kind, DistributionKind::kGaussian);
  EXPECT_DOUBLE_EQ(g.distribution.gaussian_stddev.value_or(0), 0.1);
  EXPECT_DOUBLE_EQ(g.distribution.gaussian_center.value_or(0), 0.25);
  EXPECT_TRUE(g.distribution.hot_spot_scatter) << "fio hashes the normal ranks over the file too";
  // zoned: the zones, a size left out taking what the others leave; zones
  // that differ by direction and zoned_abs are refused.
  const JobSpec zoned = specs(translate("[a]\nfilename=/d/f\nsize=1m\nrw=randread\n"
                                        "random_distribution=zoned:50/5:30/15:20/\n"))[0].spec;
  EXPECT_EQ(zoned.distribution.to_string(), "zoned 50/5:30/15:20/80");
  EXPECT_THAT(refusal("[a]\nfilename=/d/f\nsize=1m\nrw=randrw\nrandom_distribution=zoned:50/5:50/95,10/10:90/90\n"),
              HasSubstr("zones that differ for reads, writes or trims"));
  EXPECT_THAT(refusal("[a]\nfilename=/d/f\nsize=1m\nrw=randread\nrandom_distribution=zoned_abs:50/1m:50/2m\n"),
              HasSubstr("zoned_abs"));
  EXPECT_THAT(refusal("[a]\nfilename=/d/f\nsize=1m\nrw=randread\nrandom_distribution=zoned:50/5:/95\n"),
              HasSubstr("an access share for every zone"));
  EXPECT_THAT(refusal("[a]\nfilename=/d/f:/d/g\nsize=1m\nrw=randread\nrandom_distribution=zoned:50/5:50/95\n"),
              HasSubstr("zoned with one file"));
  // A zoned writer repeats blocks (fio's random map does not make its
  // offsets each block once), so its read-back pass, which would read
  // every block, is refused.
  EXPECT_THAT(refusal("[w]\nfilename=/d/f\nsize=1m\nrw=randwrite\nverify=crc32c\n"
                      "random_distribution=zoned:50/5:50/95\n"),
              HasSubstr("of a job that does not write each block once"));
  // blockalign (ba): fio's default, the smallest block size, is IOPulse's
  // alignment too; another is the random offsets' boundary, with the random
  // map off (the job ends on its size in bytes); a sequential job ignores
  // it, as fio's does, and a note says so.
  EXPECT_EQ(specs(translate("[a]\nfilename=/d/f\nsize=1m\nbs=8k\nba=8k\n"))[0].spec.offset_unit(), 8192u);
  EXPECT_EQ(specs(translate("[a]\nfilename=/d/f\nsize=1m\nrw=randrw\nbs=4k,16k\nblockalign=4k\nnumber_ios=8\n"))[0].spec.offset_unit(),
            4096u);
  const JobFile realigned = translate("[a]\nfilename=/d/f\nsize=1m\nrw=randread\nbssplit=512/50:8k/50\nba=4k\n");
  const JobSpec ra = specs(realigned)[0].spec;
  EXPECT_EQ(ra.block_size, 512u);
  EXPECT_EQ(ra.offset_unit(), 4096u);
  EXPECT_FALSE(ra.run_until_complete);
  EXPECT_EQ(ra.total_bytes, 1u << 20);
  EXPECT_THAT(realigned.notes, ElementsAre(HasSubstr("job.fio:6: ba: turns the random map off, as in fio")));
  // fio's default boundary is each direction's own smallest size: 4k for
  // writes of 16k moves them off it, and turns the random map off too.
  const JobFile mixed = translate("[a]\nfilename=/d/f\nsize=1m\nrw=randrw\nbs=4k,16k\nblockalign=4k\n");
  EXPECT_FALSE(specs(mixed)[0].spec.run_until_complete);
  EXPECT_EQ(specs(mixed)[0].spec.total_bytes, 1u << 20);
  EXPECT_EQ(specs(mixed)[0].spec.offset_unit(), 4096u);
  EXPECT_THAT(mixed.notes, ElementsAre(HasSubstr("blockalign: turns the random map off")));
  const JobFile sequential = translate("[a]\nfilename=/d/f\nsize=1m\nbs=4k\nblockalign=8k\n");
  EXPECT_EQ(specs(sequential)[0].spec.offset_unit(), 4096u);
  EXPECT_THAT(sequential.notes, ElementsAre("job.fio:5: blockalign: no effect on a sequential job, as in fio"));
  EXPECT_THAT(refusal("[a]\nfilename=/d/f\nsize=1m\nba=4k,8k\n"),
              HasSubstr("separate alignments for reads, writes and trims"));
  // bsrange takes ':' too, and a MIN above MAX is swapped, as fio does.
  EXPECT_EQ(specs(translate("[a]\nfilename=/d/f\nsize=1m\nbsrange=16k:4k\n"))[0].spec.read_sizes.to_string(), "4k-16k");
  // bsrange: IOPulse's range, which draws as fio does.
  const JobSpec r = specs(translate("[a]\nfilename=/d/f\nsize=1m\nbsrange=4k-20k\n"))[0].spec;
  EXPECT_EQ(r.read_sizes.to_string(), "4k-20k");
}

// A [global] setting that one job replaces stays with the others as
// inherited, as fio's global options are: a job where it has no effect (a
// random_distribution in a sequential job) runs without it, as fio ignores
// it there, and convert writes it there as left out, so its TOML runs the
// same.  It is refused only when no job uses it.
TEST(FioJobFileTest, AGlobalSettingOneJobReplacesIsInheritedByTheOthers) {
  const std::string global = "[global]\nfilename=/d/f\nsize=1m\nrandom_distribution=zipf:1.2\n";
  const JobFile f = translate(global + "[a]\nrw=randread\n[c]\nstonewall\nrw=randread\nrandom_distribution=pareto:0.5\n"
                                       "[b]\nstonewall\nrw=read\n");
  std::vector<LeftOutSetting> left_out;
  const std::vector<PhaseJob> jobs = phase_jobs(build_phased_job(f, "sync", [](JobSpecBuilder&) {}, &left_out));
  ASSERT_EQ(jobs.size(), 3u);
  EXPECT_EQ(jobs[0].spec.distribution.kind, DistributionKind::kZipf);
  EXPECT_DOUBLE_EQ(jobs[0].spec.distribution.zipf_theta.value_or(0), 1.2);
  EXPECT_EQ(jobs[1].spec.distribution.kind, DistributionKind::kPareto);
  EXPECT_FALSE(jobs[1].spec.distribution.zipf_theta.has_value());
  EXPECT_EQ(jobs[2].spec.distribution.kind, DistributionKind::kUniform);
  EXPECT_FALSE(jobs[2].spec.random);
  // What job b left out: the three settings of line 4, its own copies.
  std::vector<std::string> keys;
  for (const LeftOutSetting& l : left_out) {
    EXPECT_EQ(l.entry->label, "job.fio:4: random_distribution");
    EXPECT_TRUE(l.entry->inherited);
    EXPECT_THAT(l.reason, HasSubstr("without --random the access is sequential"));
    keys.push_back(l.entry->key);
  }
  EXPECT_THAT(keys, ElementsAre("distribution", "zipf-theta", "hot-spot-scatter"));
  // Convert's TOML: commented out in b, and read back it builds the same
  // jobs (its settings the job's own: a TOML job file keeps no mark).
  const std::string toml = format_toml_job_file(f, left_out);
  EXPECT_THAT(toml, HasSubstr("sequential (left out: no effect in this job)\n# distribution = 'zipf'\n"));
  const std::vector<PhaseJob> back = specs(parse_job_file(toml, "job.toml"));
  ASSERT_EQ(back.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(back[i].spec.distribution.to_string(), jobs[i].spec.distribution.to_string()) << i;
    EXPECT_EQ(back[i].spec.random, jobs[i].spec.random) << i;
  }
  // Without the mark (as the job's own), job b is refused.
  JobFile own = f;
  for (JobFilePhase& p : own.phases) {
    for (JobFileEntry& e : p.entries) e.inherited = false;
  }
  EXPECT_THROW(specs(own), UsageError);
  // No job uses it: refused, once (one line of the file, though it gives
  // three settings).
  try {
    specs(translate(global + "[a]\nrw=randread\nrandom_distribution=pareto:0.5\n[b]\nstonewall\nrw=read\n"));
    ADD_FAILURE() << "not refused";
  } catch (const UsageError& e) {
    EXPECT_THAT(e.what(), HasSubstr("job.fio:4: random_distribution: "));
    EXPECT_THAT(e.what(), HasSubstr("(no phase or group of the file uses it)"));
    EXPECT_THAT(e.what(), Not(HasSubstr("problems"))) << "said more than once";
  }
  // sync=dsync is the writes': a verified writer's read-back pass has no
  // use for it, given in the job or in [global].
  for (const char* text : {"[w]\nfilename=/d/f\nsize=1m\nrw=write\nsync=dsync\nverify=crc32c\n",
                           "[global]\nsync=dsync\n[w]\nfilename=/d/f\nsize=1m\nrw=write\nverify=crc32c\n"}) {
    const std::vector<PhaseJob> pass = specs(translate(text));
    ASSERT_EQ(pass.size(), 2u) << text;
    EXPECT_EQ(pass[0].spec.io_flags, uint32_t{IOP_IO_DSYNC}) << text;
    EXPECT_EQ(pass[1].spec.io_flags, 0u) << text;
    EXPECT_TRUE(pass[1].spec.verify_only) << text;
  }
}

// offset (fileoffset) and offset_increment: clone j addresses each file
// from offset + j * offset_increment, size bytes of it or up to filesize:
// IOPulse's --offset, --offset-increment and --file-size (each range's
// length).  Clones' ranges of different lengths are refused.
TEST(FioJobFileTest, OffsetsMapToOffsetAndOffsetIncrement) {
  const JobSpec clones =
      specs(translate("[a]\nfilename=/d/f\nsize=64k\noffset=1m\noffset_increment=128k\nnumjobs=2\n"))[0].spec;
  EXPECT_EQ(clones.offset, 1u << 20);
  EXPECT_EQ(clones.offset_increment, 128u << 10);
  EXPECT_EQ(clones.file_size, 64u << 10);
  EXPECT_EQ(clones.threads, 2u);
  EXPECT_EQ(clones.file_distribution, FileDistribution::kShared);
  EXPECT_TRUE(clones.run_until_complete);  // each clone a whole pass of its own range
  // fio's filesize is the file's size: the range is what follows the offset.
  const JobSpec upto = specs(translate("[a]\nfilename=/d/f\nfilesize=1088k\nfileoffset=1m\n"))[0].spec;
  EXPECT_EQ(upto.offset, 1u << 20);
  EXPECT_EQ(upto.file_size, 64u << 10);
  EXPECT_EQ(upto.offset_increment, 0u);
  // One job: offset_increment moves no clone.
  EXPECT_EQ(specs(translate("[a]\nfilename=/d/f\nsize=1m\noffset_increment=1m\n"))[0].spec.offset_increment, 0u);
  EXPECT_THAT(refusal("[a]\nfilename=/d/f\nfilesize=1m\noffset=1m\n"),
              HasSubstr("job.fio:3: filesize: 1048576 leaves nothing after offset 1048576 (job.fio:4: offset)"));
  EXPECT_THAT(refusal("[a]\nfilename=/d/f\nfilesize=2m\noffset=1m\noffset_increment=4k\nnumjobs=2\n"),
              HasSubstr("job.fio:5: offset_increment: not supported by IOPulse with job.fio:3: filesize"));
  EXPECT_THAT(refusal("[a]\nfilename=/d/f\nsize=1m\noffset=10%\n"),
              HasSubstr("job.fio:4: offset: not supported by IOPulse: a size as a percentage"));
  // With filesize, a smaller size is the job's amount of IO, as fio caps it.
  const JobSpec capped = specs(translate("[a]\nfilename=/d/f\nfilesize=64k\nsize=16k\noffset=16k\nrw=write\n"))[0].spec;
  EXPECT_EQ(capped.file_size, 48u << 10);
  EXPECT_EQ(capped.total_bytes, 16u << 10);
  EXPECT_FALSE(capped.run_until_complete);
  // (No offset: a size of 0 is IOPulse's own refusal, not the offset's.)
  try {
    specs(translate("[a]\nfilename=/d/f\nfilesize=0\n"));
    ADD_FAILURE() << "filesize=0 accepted";
  } catch (const UsageError& e) {
    EXPECT_THAT(e.what(), HasSubstr("job.fio:3: filesize: '0' is not accepted"));
  }
}

// rw's offset modifier on a sequential kind is --sequential-skip, a job of
// its bytes (fio's end of file ends it where an IO ends at the file's end);
// reads and writes of a sequential job each keep their own position
// (--sequential-cursor per-op).  What fio orders otherwise is refused.
TEST(FioJobFileTest, OffsetModifiersAndMixedSequentialJobsKeepFiosOrder) {
  const JobSpec holes = specs(translate("[a]\nfilename=/d/f\nsize=64k\nrw=write:4k\n"))[0].spec;
  EXPECT_EQ(holes.sequential_skip, 4096);
  EXPECT_EQ(holes.total_bytes, 64u << 10);  // (0, 8k, ... 56k: never at the end, the size ends it)
  EXPECT_FALSE(holes.run_until_complete);
  EXPECT_FALSE(holes.sequential_per_op);
  const JobSpec back = specs(translate("[a]\nfilename=/d/f\nsize=128m\nrw=read:-8k\n"))[0].spec;
  EXPECT_EQ(back.sequential_skip, -8192);
  EXPECT_EQ(back.total_bytes, 128u << 20);
  // 4 KiB writes every 12 KiB of 64 KiB, or every 8 KiB of 60 KiB: the
  // 6th or the 8th ends at the end, and fio's job with it.
  EXPECT_EQ(specs(translate("[a]\nfilename=/d/f\nsize=64k\nrw=write:8k\n"))[0].spec.total_bytes, 24u << 10);
  EXPECT_EQ(specs(translate("[a]\nfilename=/d/f\nsize=60k\nrw=write:4k\n"))[0].spec.total_bytes, 32u << 10);
  // With io_size fio starts the walk again: the budget is io_size.
  EXPECT_EQ(specs(translate("[a]\nfilename=/d/f\nsize=60k\nio_size=120k\nrw=write:4k\n"))[0].spec.total_bytes,
            120u << 10);
  const JobSpec mixed = specs(translate("[a]\nfilename=/d/f\nsize=64k\nrw=rw\nrwmixread=70\n"))[0].spec;
  EXPECT_TRUE(mixed.sequential_per_op);
  EXPECT_EQ(mixed.total_bytes, 64u << 10);
  EXPECT_FALSE(mixed.run_until_complete);
  EXPECT_FALSE(specs(translate("[a]\nfilename=/d/f\nsize=64k\nrw=randrw\n"))[0].spec.sequential_per_op);
  EXPECT_FALSE(specs(translate("[a]\nfilename=/d/f\nsize=64k\nrw=read\n"))[0].spec.sequential_per_op);
  EXPECT_EQ(specs(translate("[a]\nfilename=/d/f\nsize=64k\nrw=read:0\n"))[0].spec.sequential_skip, 0);
  EXPECT_THAT(refusal("[a]\nfilename=/d/f\nsize=64k\nrw=randread:8\n"),
              HasSubstr("job.fio:4: rw: not supported by IOPulse: an offset modifier on a random rw"));
  EXPECT_THAT(refusal("[a]\nfilename=/d/f:/d/g\nsize=64k\nrw=read:4k\n"),
              HasSubstr("job.fio:4: rw: not supported by IOPulse: an offset modifier with several files"));
  EXPECT_THAT(refusal("[a]\nfilename=/d/f\nsize=64k\nrw=read:4k\nbssplit=4k/50:8k/50\n"),
              HasSubstr("an offset modifier with several IO sizes"));
  EXPECT_THAT(refusal("[a]\nfilename=/d/f\nsize=64k\nrw=read:4k\nloops=2\n"), HasSubstr("an offset modifier with loops"));
  EXPECT_THAT(refusal("[a]\nfilename=/d/f\nsize=64k\nrw=read:4k\nnumjobs=2\n"),
              HasSubstr("an offset modifier with clones on one file"));
  EXPECT_THAT(refusal("[a]\nfilename=/d/f\nsize=64k\nrw=read:-8k\noffset=64k\n"),
              HasSubstr("an offset modifier with an offset"));
  // fio's holed IO ends at the range's end and wraps at the file's.
  EXPECT_THAT(refusal("[a]\nfilename=/d/f\nfilesize=128k\nsize=64k\nrw=read:4k\n"),
              HasSubstr("an offset modifier on part of a file"));
  // number_ios leaves the walk's end as it is: 6 reads of 8 KiB apart.
  EXPECT_EQ(specs(translate("[a]\nfilename=/d/f\nsize=64k\nrw=read:8k\nnumber_ios=100\n"))[0].spec.total_bytes,
            24u << 10);
  // 8 KiB reads 8 KiB apart over 68 KiB: the 5th at 64k would not fit, and
  // fio's job ends after 4.
  EXPECT_EQ(specs(translate("[a]\nfilename=/d/f\nsize=68k\nbs=8k\nrw=read:8k\n"))[0].spec.total_bytes, 32u << 10);
  EXPECT_THAT(refusal("[a]\nfilename=/d/f\nsize=60k\nrw=rw:4k\n"),
              HasSubstr("job.fio:4: rw: not supported by IOPulse: an offset modifier for reads and writes whose walk "
                        "of the file ends"));
  // ... unless fio starts each direction again on its own there.
  EXPECT_EQ(specs(translate("[a]\nfilename=/d/f\nsize=60k\nrw=rw:4k\ntime_based\nruntime=1\n")).size(), 1u);
  EXPECT_TRUE(specs(translate("[a]\nfilename=/d/f\nsize=64k\nio_size=128k\nrw=rw\n"))[0].spec.sequential_per_op);
  EXPECT_THAT(refusal("[a]\nfilename=/d/f\nsize=64k\nloops=2\nrw=rw\n"),
              HasSubstr("job.fio:4: loops: not supported by IOPulse for a sequential job of reads and writes"));
  // Several files: one position, the files one after another.
  EXPECT_FALSE(specs(translate("[a]\nfilename=/d/f:/d/g\nsize=64k\nrw=rw\n"))[0].spec.sequential_per_op);
}

// sync=dsync is each write flagged dsync (fio opens O_DSYNC); O_SYNC is
// refused.  disable_clat and disable_lat leave IOPulse measuring, with a
// note; disable_slat and disable_bw change nothing IOPulse writes.
// cpus_allowed_policy=split is IOPulse's pinning in a file of one job.
TEST(FioJobFileTest, SyncDisableAndCpuPolicyOptions) {
  EXPECT_EQ(specs(translate("[a]\nfilename=/d/f\nsize=1m\nrw=write\nsync=dsync\n"))[0].spec.io_flags, IOP_IO_DSYNC);
  EXPECT_EQ(specs(translate("[a]\nfilename=/d/f\nsize=1m\nrw=write\nsync=none\n"))[0].spec.io_flags, 0u);
  EXPECT_THAT(refusal("[a]\nfilename=/d/f\nsize=1m\nrw=write\nsync=1\n"),
              HasSubstr("job.fio:5: sync: not supported by IOPulse: sync=sync (O_SYNC"));
  EXPECT_THAT(translate("[a]\nfilename=/d/f\nsize=1m\ndisable_clat=1\ndisable_slat=1\ndisable_bw=1\n").notes,
              ElementsAre("job.fio:4: disable_clat: IOPulse times every IO anyway; its fio-format results carry "
                          "clat_ns, which fio leaves empty with it"));
  const std::string plain = format_toml_job_file(translate("[a]\nfilename=/d/f\nsize=1m\n"));
  EXPECT_EQ(format_toml_job_file(translate("[a]\nfilename=/d/f\nsize=1m\ndisable_slat=1\ndisable_bw=1\n")), plain);
  const JobSpec split =
      specs(translate("[a]\nfilename=/d/f\nsize=1m\nnumjobs=2\ncpus_allowed=0-1\ncpus_allowed_policy=split\n"))[0]
          .spec;
  EXPECT_EQ(split.threads, 2u);
  // fio's set: the CPUs ascending, each once, clone n on the n-th.
  EXPECT_EQ(specs(translate("[a]\nfilename=/d/f\nsize=1m\nnumjobs=2\ncpus_allowed=1,0-1,0\n"
                            "cpus_allowed_policy=split\n"))[0].spec.cpu_cores,
            (std::vector<uint32_t>{0, 1}));
  EXPECT_EQ(specs(translate("[a]\nfilename=/d/f\nsize=1m\ncpus_allowed=1,0\n"))[0].spec.cpu_cores,
            (std::vector<uint32_t>{1, 0}));  // (shared: IOPulse's own pinning, in the order given)
  // fio's values are case-sensitive.
  EXPECT_THAT(refusal("[a]\nfilename=/d/f\nsize=1m\ncpus_allowed_policy=SPLIT\n"), HasSubstr("'SPLIT' is not accepted"));
  EXPECT_THAT(refusal("[a]\nfilename=/d/f\nsize=1m\nsync=DSYNC\n"), HasSubstr("'DSYNC' is not accepted"));
  // sync=dsync on a job that does not write: no effect, as in fio.
  const JobFile reads = translate("[a]\nfilename=/d/f\nsize=1m\nrw=read\nsync=dsync\n");
  EXPECT_EQ(specs(reads)[0].spec.io_flags, 0u);
  EXPECT_THAT(reads.notes, ElementsAre("job.fio:5: sync: no effect on a job that does not write, as in fio"));
  EXPECT_THAT(refusal("[global]\nfilename=/d/f\nsize=1m\ncpus_allowed=0-1\ncpus_allowed_policy=split\n[a]\n[b]\n"),
              HasSubstr("job.fio:5: cpus_allowed_policy: not supported by IOPulse in a file of several jobs"));
  EXPECT_THAT(refusal("[a]\nfilename=/d/f\nsize=1m\ncpus_allowed_policy=even\n"),
              HasSubstr("job.fio:4: cpus_allowed_policy: 'even' is not accepted; accepted: shared, split"));
}

// unlink: --remove-files (the files the run creates, removed after it); a
// later job on the files that does not remove them too is refused (fio
// would make them again and leave them).
TEST(FioJobFileTest, UnlinkRemovesTheFilesTheRunCreates) {
  EXPECT_TRUE(specs(translate("[a]\nfilename=/d/f\nsize=1m\nunlink=1\n"))[0].spec.remove_created_files);
  EXPECT_FALSE(specs(translate("[a]\nfilename=/d/f\nsize=1m\nunlink=0\n"))[0].spec.remove_created_files);
  EXPECT_EQ(specs(translate("[global]\nfilename=/d/f\nsize=1m\nunlink=1\n[w]\nrw=write\n[r]\nstonewall\n")).size(),
            2u);
  EXPECT_THAT(refusal("[w]\nfilename=/d/f\nsize=1m\nrw=write\nunlink=1\n[r]\nstonewall\nfilename=/d/f\nsize=1m\n"),
              HasSubstr("job.fio:5: unlink: not supported by IOPulse with job.fio:6: job 'r', a later job on '/d/f'"));
}

// fio's job priority and its per-command priority (cmdprio_percentage).
TEST(FioJobFileTest, PrioritiesMapToIoPriority) {
  const JobSpec job = specs(translate("[a]\nfilename=/d/f\nsize=1m\nprioclass=2\nprio=5\n"))[0].spec;
  EXPECT_EQ(job.io_priority, IOP_IOPRIO_VALUE(IOP_IOPRIO_CLASS_BE, 5));
  EXPECT_EQ(job.io_priority_percent, 100u);
  EXPECT_EQ(specs(translate("[a]\nfilename=/d/f\nsize=1m\nprio=3\n"))[0].spec.io_priority,
            IOP_IOPRIO_VALUE(IOP_IOPRIO_CLASS_BE, 3));  // fio's default class: best effort
  // Class 0 is best effort in fio too (its ioprio_value()).
  EXPECT_EQ(specs(translate("[a]\nfilename=/d/f\nsize=1m\nprioclass=0\n"))[0].spec.io_priority,
            IOP_IOPRIO_VALUE(IOP_IOPRIO_CLASS_BE, 0));
  const JobSpec cmd = specs(translate(
      "[a]\nfilename=/d/f\nsize=1m\nioengine=libaio\ncmdprio_percentage=30\ncmdprio_class=3\n"), "libaio")[0].spec;
  EXPECT_EQ(cmd.io_priority, IOP_IOPRIO_VALUE(IOP_IOPRIO_CLASS_IDLE, 0));
  EXPECT_EQ(cmd.io_priority_percent, 30u);
  const JobSpec rt = specs(translate("[a]\nfilename=/d/f\nsize=1m\ncmdprio_percentage=10\ncmdprio=2\n"))[0].spec;
  EXPECT_EQ(rt.io_priority, IOP_IOPRIO_VALUE(IOP_IOPRIO_CLASS_RT, 2));  // fio's default: the highest class
  // The job's priority beside cmdprio_percentage: the other IOs carry it,
  // as fio's do (its default class, best effort, with prio alone).
  const JobSpec both = specs(translate("[a]\nfilename=/d/f\nsize=1m\nioengine=libaio\nprioclass=3\n"
                                       "cmdprio_percentage=20\ncmdprio_class=1\n"), "libaio")[0].spec;
  EXPECT_EQ(both.io_priority, IOP_IOPRIO_VALUE(IOP_IOPRIO_CLASS_RT, 0));
  EXPECT_EQ(both.io_priority_percent, 20u);
  EXPECT_EQ(both.io_priority_others, IOP_IOPRIO_VALUE(IOP_IOPRIO_CLASS_IDLE, 0));
  EXPECT_EQ(specs(translate("[a]\nfilename=/d/f\nsize=1m\nioengine=libaio\ncmdprio_percentage=10\nprio=1\n"),
                  "libaio")[0].spec.io_priority_others, IOP_IOPRIO_VALUE(IOP_IOPRIO_CLASS_BE, 1));
  // The same priority both ways, or a share of 100: every IO carries it.
  const JobSpec same = specs(translate("[a]\nfilename=/d/f\nsize=1m\nioengine=libaio\nprioclass=1\nprio=2\n"
                                       "cmdprio_percentage=30\ncmdprio=2\n"), "libaio")[0].spec;
  EXPECT_EQ(same.io_priority, IOP_IOPRIO_VALUE(IOP_IOPRIO_CLASS_RT, 2));
  EXPECT_EQ(same.io_priority_percent, 100u);
  const JobSpec all = specs(translate("[a]\nfilename=/d/f\nsize=1m\nioengine=libaio\nprio=4\n"
                                      "cmdprio_percentage=100\n"), "libaio")[0].spec;
  EXPECT_EQ(all.io_priority_percent, 100u);
  EXPECT_EQ(all.io_priority_others, 0u);
  // prioclass=0 beside it: best effort, as fio's ioprio_value() makes it.
  EXPECT_EQ(specs(translate("[a]\nfilename=/d/f\nsize=1m\nioengine=libaio\nprioclass=0\nprio=3\n"
                            "cmdprio_percentage=10\n"), "libaio")[0].spec.io_priority_others,
            IOP_IOPRIO_VALUE(IOP_IOPRIO_CLASS_BE, 3));
  // fio's read-back pass of a job that only writes: cmdprio leaves its reads
  // alone, so they carry the job's priority, or none.
  const auto read_back_priority = [](const std::string& prio) {
    const std::vector<PhaseJob> phases =
        specs(translate("[a]\nfilename=/d/f\nsize=1m\nioengine=libaio\nrw=write\nverify=crc32c\n"
                        "cmdprio_percentage=40\n" + prio), "libaio");
    EXPECT_EQ(phases.size(), 2u);
    EXPECT_EQ(phases.front().spec.io_priority, IOP_IOPRIO_VALUE(IOP_IOPRIO_CLASS_RT, 0));
    return phases.back().spec;
  };
  const JobSpec plain_back = read_back_priority("");
  EXPECT_TRUE(plain_back.verify_only);
  EXPECT_EQ(plain_back.io_priority, 0u);
  const JobSpec idle_back = read_back_priority("prioclass=3\n");
  EXPECT_EQ(idle_back.io_priority, IOP_IOPRIO_VALUE(IOP_IOPRIO_CLASS_IDLE, 0));
  EXPECT_EQ(idle_back.io_priority_percent, 100u);
  EXPECT_THAT(refusal("[a]\nfilename=/d/f\nsize=1m\ncmdprio_percentage=10,20\n"),
              HasSubstr("separate cmdprio_percentage values for reads and writes"));
  EXPECT_THAT(refusal("[a]\nfilename=/d/f\nsize=1m\nprio=8\n"), HasSubstr("job.fio:4: prio: '8' is not accepted"));
}

TEST(FioJobFileTest, EnginesMapOrAreLookedUpOrRefusedByName) {
  for (const char* e : {"psync", "sync", "pvsync", "pvsync2"}) {
    EXPECT_EQ(translate(fmt::format("[a]\nfilename=/d/f\nsize=1m\nioengine={}\n", e)).global_values("engine"),
              std::vector<std::string>{"sync"});
  }
  EXPECT_EQ(translate("[a]\nfilename=/d/f\nsize=1m\nioengine=myengine\n").global_values("engine"),
            std::vector<std::string>{"myengine"});
  EXPECT_THAT(refusal("[a]\nfilename=/d/f\nsize=1m\nioengine=spdk\n"),
              HasSubstr("job.fio:4: ioengine: 'spdk' is neither one of fio's engines"));
}

// Options at fio's default value ask for what IOPulse does: the job is the
// one without them.  Their other values are refused with the reason, and
// the options of fio's own text output are taken with a note.
TEST(FioJobFileTest, OptionsAtFiosDefaultChangeNothing) {
  const std::string base = "[a]\nfilename=/d/f\nsize=1m\nrw=randread\n";
  const JobSpec plain = specs(translate(base)).front().spec;
  for (const char* o : {"stats=1", "per_job_logs=1", "allow_file_create=1", "create_on_open=0", "unique_filename=1",
                        "significant_figures=6", "unit_base=8"}) {
    EXPECT_EQ(specs(translate(base + o + "\n")).front().spec, plain) << o;
  }
  EXPECT_THAT(translate(base + "significant_figures=6\nunique_filename=0\n").notes,
              ElementsAre("job.fio:5: significant_figures: no effect on IOPulse's outputs: it shapes fio's own text "
                          "output, not its JSON",
                          "job.fio:6: unique_filename: no effect on IOPulse's outputs: it changes file names only in "
                          "fio's client/server mode"));
  EXPECT_THAT(refusal(base + "stats=0\n"), HasSubstr("job.fio:5: stats: not supported by IOPulse: a job without"));
  EXPECT_THAT(refusal(base + "per_job_logs=0\n"), HasSubstr("job.fio:5: per_job_logs: not supported by IOPulse"));
  EXPECT_THAT(refusal(base + "allow_file_create=0\n"), HasSubstr("job.fio:5: allow_file_create: not supported"));
  EXPECT_THAT(refusal(base + "create_on_open=1\n"), HasSubstr("job.fio:5: create_on_open: not supported"));
  EXPECT_THAT(refusal(base + "unit_base=2\n"), HasSubstr("job.fio:5: unit_base: '2' is not accepted; accepted: 0, 8 or 1"));
  EXPECT_THAT(refusal(base + "significant_figures=11\n"), HasSubstr("job.fio:5: significant_figures: '11'"));
}

// io_submit_mode=offload: fio submits from a pool of threads so that a rate
// limit issues IOs when due whatever the completions, which IOPulse's
// open-loop schedule does with an asynchronous engine: the same job, and a
// note.  A synchronous engine is refused (fio's pool holds several of its
// IOs in flight).
TEST(FioJobFileTest, SubmitModeOffloadIsTheOpenLoopScheduleOfAnAsyncEngine) {
  const std::string base = "[a]\nfilename=/d/f\nsize=1m\nrw=randread\nioengine=libaio\niodepth=8\nrate_iops=50\n";
  const JobSpec plain = specs(translate(base)).front().spec;
  EXPECT_EQ(specs(translate(base + "io_submit_mode=inline\n")).front().spec, plain);
  EXPECT_TRUE(translate(base + "io_submit_mode=inline\n").notes.empty());
  const JobFile offload = translate(base + "io_submit_mode=offload\n");
  EXPECT_EQ(specs(offload).front().spec, plain);
  EXPECT_THAT(offload.notes, ElementsAre(HasSubstr("job.fio:8: io_submit_mode: IOPulse's worker submits each IO when "
                                                   "it is due whatever the completions")));
  EXPECT_THAT(translate("[a]\nfilename=/d/f\nsize=1m\nioengine=libaio\nio_submit_mode=offload\n").notes,
              ElementsAre(HasSubstr("without a rate limit offload changes only which thread submits")));
  EXPECT_THAT(refusal("[a]\nfilename=/d/f\nsize=1m\nrate_iops=50\nio_submit_mode=offload\n"),
              HasSubstr("job.fio:5: io_submit_mode: not supported by IOPulse with ioengine psync (fio's default)"));
  EXPECT_THAT(refusal("[a]\nfilename=/d/f\nsize=1m\nioengine=pvsync2\nio_submit_mode=offload\n"),
              HasSubstr("io_submit_mode: not supported by IOPulse with ioengine psync/sync/pvsync/pvsync2"));
  // fio refuses io_uring with offload ("can't be used with offloaded submit").
  EXPECT_THAT(refusal("[a]\nfilename=/d/f\nsize=1m\nioengine=io_uring\nio_submit_mode=offload\n"),
              HasSubstr("job.fio:5: io_submit_mode: not accepted with ioengine io_uring, as in fio"));
  EXPECT_THAT(refusal("[a]\nfilename=/d/f\nsize=1m\nioengine=mmap\nio_submit_mode=offload\n"),
              HasSubstr("io_submit_mode: not supported by IOPulse with ioengine mmap"));
  EXPECT_THAT(refusal(base + "io_submit_mode=thread\n"),
              HasSubstr("job.fio:8: io_submit_mode: 'thread' is not accepted; accepted: inline or offload"));
}

TEST(FioJobFileTest, EveryUnsupportedOptionIsListedWithItsLine) {
  const std::string m = refusal(
      "[global]\nfilename=/d/f\nsize=1m\nramp_time=5\n[a]\nrw=randread:8\nfill_device=1\nfrobnicate=1\nbs=4x\n"
      "rate_process=bursty\nkb_base=1023\n");
  EXPECT_THAT(m, HasSubstr("7 problems"));
  EXPECT_THAT(m, HasSubstr("\n  job.fio:4: ramp_time: not supported by IOPulse"));
  EXPECT_THAT(m, HasSubstr("\n  job.fio:6: rw: not supported by IOPulse: an offset modifier on a random rw"));
  EXPECT_THAT(m, HasSubstr("\n  job.fio:7: fill_device: not supported by IOPulse: IOPulse needs the file size"));
  EXPECT_THAT(m, HasSubstr("\n  job.fio:8: frobnicate: not supported by IOPulse"));
  EXPECT_THAT(m, HasSubstr("\n  job.fio:9: bs: '4x' is not accepted"));
  EXPECT_THAT(m, HasSubstr("\n  job.fio:10: rate_process: 'bursty' is not accepted; accepted: linear, poisson"));
  EXPECT_THAT(m, HasSubstr("\n  job.fio:11: kb_base: '1023' is not accepted; accepted: 1024 or 1000"));
  // gtod_reduce: IOPulse times every IO anyway, and says so.
  EXPECT_THAT(translate("[a]\nfilename=/d/f\nsize=1m\ngtod_reduce=1\n").notes,
              ElementsAre("job.fio:4: gtod_reduce: IOPulse times every IO anyway; its results carry the latencies fio "
                          "leaves out with it"));
  EXPECT_TRUE(translate("[a]\nfilename=/d/f\nsize=1m\ngtod_reduce=0\n").notes.empty());
  // disk_util: IOPulse's fio JSON has no disk statistics either way.
  EXPECT_EQ(specs(translate("[a]\nfilename=/d/f\nsize=1m\ndisk_util=0\n")).size(), 1u);
  EXPECT_THAT(refusal("[a]\nfilename=/d/f\nsize=1m\ndisk_util=maybe\n"), HasSubstr("job.fio:4: disk_util: 'maybe'"));
  // An alias of a refused option gives the option's reason.
  EXPECT_THAT(refusal("[a]\nfilename=/d/f\nsize=1m\nfill_fs=1\n"),
              HasSubstr("job.fio:4: fill_fs: not supported by IOPulse: IOPulse needs the file size"));
}

// fio's steady-state sampling period (ss_interval, steadystate_check_interval)
// is IOPulse's stats interval, one sample per interval; log_avg_msec sets the
// same interval, so the two must agree.
TEST(FioJobFileTest, SteadyStateSamplingPeriodIsTheStatsInterval) {
  const JobSpec spec = specs(translate("[a]\nfilename=/d/f\nsize=1m\ntime_based\nruntime=60\nss=iops:5%\n"
                                       "ss_dur=30\nsteadystate_check_interval=10\n"))[0].spec;
  EXPECT_EQ(spec.stats_interval_ns, 10'000'000'000u);
  EXPECT_EQ(specs(translate("[a]\nfilename=/d/f\nsize=1m\nss=iops:5%\nss_dur=30\nss_interval=2\n"
                            "write_lat_log=x\nlog_avg_msec=2000\n"))[0]
                .spec.stats_interval_ns,
            2'000'000'000u);
  // One interval for every job, as fio demands: a job without ss takes it
  // too (a stats interval of its own would conflict with the run's).
  EXPECT_EQ(specs(translate("[global]\nss_interval=10\n[a]\nfilename=/d/f\nsize=1m\nss=iops:5%\nss_dur=30\n"
                            "[b]\nfilename=/d/f\nsize=1m\n"))[0]
                .spec.stats_interval_ns,
            10'000'000'000u);
  // fio's limits: at least 1 s, and ss_dur a multiple of it above it.
  EXPECT_THAT(refusal("[a]\nfilename=/d/f\nsize=1m\nss=iops:5%\nss_dur=30\nss_interval=500ms\n"),
              HasSubstr("job.fio:6: ss_interval: '500ms' is not accepted; accepted: at least 1s (as fio)"));
  EXPECT_THAT(refusal("[a]\nfilename=/d/f\nsize=1m\nss=iops:5%\nss_dur=20\nss_interval=3\n"),
              HasSubstr("job.fio:5: ss_dur: '20s' is not accepted; accepted: a multiple of ss_interval (3s) above "
                        "it (as fio)"));
  EXPECT_THAT(refusal("[a]\nfilename=/d/f\nsize=1m\nss=iops:5%\nss_dur=3\nss_interval=3\n"), HasSubstr("ss_dur"));
  EXPECT_THAT(refusal("[a]\nfilename=/d/f\nsize=1m\nss=iops:5%\nss_dur=30\nss_interval=10\n"
                      "write_lat_log=x\nlog_avg_msec=5000\n"),
              HasSubstr("job.fio:6: ss_interval: not supported by IOPulse: a steady-state sampling period (10s) "
                        "other than log_avg_msec's (5000 ms) of job.fio:8"));
  EXPECT_THAT(refusal("[a]\nfilename=/d/f\nsize=1m\nss=iops:5%\nss_dur=30\nss_interval=0\n"),
              HasSubstr("job.fio:6: ss_interval: '0' is not accepted; accepted: a time above 0"));
}

// IO buffers: fio's malloc and page multiples of mem_align (fio's buffers
// start that far past a page boundary) are what IOPulse's buffers are;
// anything else is refused with the reason, aliases too.  The
// tiobench profile's `threads` changes nothing in fio without the profile.
TEST(FioJobFileTest, BufferKindsAndAlignmentsIOPulseMeetsAreAccepted) {
  const JobFile plain = translate("[a]\nfilename=/d/f\nsize=1m\n");
  for (const char* line : {"mem=malloc", "iomem=MALLOC", "mem_align=0", "iomem_align=4k", "mem_align=8k",
                           "threads=1"}) {
    const JobFile f = translate(std::string("[a]\nfilename=/d/f\nsize=1m\n") + line + "\n");
    EXPECT_EQ(format_toml_job_file(f), format_toml_job_file(plain)) << line;
  }
  EXPECT_THAT(refusal("[a]\nfilename=/d/f\nsize=1m\niomem=shmhuge\n"),
              HasSubstr("job.fio:4: iomem: not supported by IOPulse: iomem=shmhuge: IOPulse's IO buffers come from "
                        "the heap"));
  EXPECT_THAT(refusal("[a]\nfilename=/d/f\nsize=1m\nmem_align=512\n"),
              HasSubstr("job.fio:4: mem_align: not supported by IOPulse: mem_align=512: fio places its buffers that "
                        "many bytes past a page boundary, IOPulse's are page-aligned"));
  EXPECT_THAT(refusal("[a]\nfilename=/d/f\nsize=1m\niomem_align=6k\n"), HasSubstr("iomem_align=6k"));
  // (A sequential job ignores blockalign, in fio as here.)
  EXPECT_THAT(translate("[a]\nfilename=/d/f\nsize=1m\nba=2k\n").notes,
              ElementsAre("job.fio:4: ba: no effect on a sequential job, as in fio"));
}

// rate_process=poisson: IOPulse's --rate-process poisson, for a job with a

// fio's reaping options are accepted where they ask for IOPulse's loop
// (refill every freed slot, wait for one completion when none is ready) and
// leave the job as it was; the others are refused with what they ask.
TEST(FioJobFileTest, ReapingOptionsIOPulsesLoopMeetsAreAccepted) {
  const std::string job = "[a]\nfilename=/d/f\nsize=1m\nioengine=libaio\niodepth=8\n";
  const JobFile plain = translate(job);
  for (const char* line : {"iodepth_low=8", "iodepth_low=0", "iodepth_low=64", "iodepth_batch_complete=1",
                           "iodepth_batch_complete_min=1", "iodepth_batch_complete_max=1",
                           "iodepth_batch_complete_max=8"}) {
    EXPECT_EQ(format_toml_job_file(translate(job + line + "\n")), format_toml_job_file(plain)) << line;
  }
  EXPECT_THAT(refusal(job + "iodepth_low=4\n"),
              HasSubstr("job.fio:6: iodepth_low: not supported by IOPulse: refilling the queue only once it has "
                        "drained to 4 IOs"));
  EXPECT_THAT(refusal(job + "iodepth_low=2\n"), HasSubstr("accepted: 0 or at least iodepth (8)"));
  EXPECT_THAT(refusal(job + "iodepth_batch_complete=0\n"),
              HasSubstr("job.fio:6: iodepth_batch_complete: not supported by IOPulse: never waiting for a completion"));
  EXPECT_THAT(refusal(job + "iodepth_batch_complete_min=4\n"), HasSubstr("waiting for 4 completions at once"));
}
// rate (fio's process paces a rate only).
TEST(FioJobFileTest, RateProcessPoissonPacesTheRate) {
  EXPECT_TRUE(specs(translate("[a]\nfilename=/d/f\nsize=1m\nrate_iops=100\nrate_process=poisson\n"))[0].spec.rate_poisson);
  EXPECT_FALSE(specs(translate("[a]\nfilename=/d/f\nsize=1m\nrate_iops=100\nrate_process=linear\n"))[0].spec.rate_poisson);
  EXPECT_FALSE(specs(translate("[a]\nfilename=/d/f\nsize=1m\nrate_process=poisson\n"))[0].spec.rate_poisson);
}

// Data reduction: compress by fio's chunk (512 bytes unless
// buffer_compress_chunk; 0 is the block), dedupe whole blocks; one chunk for
// both is all IOPulse has.
TEST(FioJobFileTest, DataReductionMapsToCompressAndDedupePercent) {
  const std::string job = "[a]\nfilename=/d/f\nsize=1m\nbs=64k\nrw=write\n";
  const JobSpec c = specs(translate(job + "buffer_compress_percentage=60\n"))[0].spec;
  EXPECT_EQ(c.compress_percent, 60u);
  EXPECT_EQ(c.dedupe_unit, 512u);
  EXPECT_EQ(specs(translate(job + "buffer_compress_percentage=60\nbuffer_compress_chunk=4k\n"))[0].spec.dedupe_unit,
            4096u);
  const JobSpec both =
      specs(translate(job + "buffer_compress_percentage=60\nbuffer_compress_chunk=0\ndedupe_percentage=30\n"))[0].spec;
  EXPECT_EQ(both.compress_percent, 60u);
  EXPECT_EQ(both.dedupe_percent, 30u);
  EXPECT_EQ(both.dedupe_unit, 0u);
  EXPECT_THAT(refusal(job + "buffer_compress_percentage=60\ndedupe_percentage=30\n"),
              HasSubstr("job.fio:6: buffer_compress_percentage: not supported by IOPulse: compressing by 512-byte "
                        "chunks while deduplicating whole blocks"));
  EXPECT_THAT(refusal(job + "dedupe_percentage=101\n"), HasSubstr("job.fio:6: dedupe_percentage: '101'"));
}

// ramp_time: a phase of its own before the job's, stopping at the ramp time
// alone, left out of the reporting groups; refused where IOPulse's ramp
// would not be fio's.
TEST(FioJobFileTest, RampTimeIsAPhaseBeforeTheJobs) {
  const JobFile f = translate(
      "[global]\nfilename=/d/f\nsize=1m\ntime_based\nruntime=3\nramp_time=2\nend_fsync=1\n[a]\nrw=randwrite\n"
      "[b]\nrw=randread\n[c]\nstonewall\nramp_time=0\nrw=write\n");
  ASSERT_EQ(f.phases.size(), 3u);
  EXPECT_TRUE(f.phases[0].ramp);
  EXPECT_FALSE(f.phases[1].ramp);
  EXPECT_FALSE(f.phases[2].ramp);
  EXPECT_EQ(f.phases[0].name, "phase-1-ramp");
  ASSERT_EQ(f.phases[0].groups.size(), 2u);
  EXPECT_EQ(f.phases[0].groups[1].name, "b-ramp");
  EXPECT_EQ(f.reporting_groups, (std::vector<std::vector<uint32_t>>{{}, {0, 0}, {1}}));
  const std::vector<PhaseJob> s = specs(f);
  ASSERT_EQ(s.size(), 3u);
  EXPECT_EQ(s[0].groups[0].second.duration_ns, 2'000'000'000u);
  EXPECT_EQ(s[1].groups[0].second.duration_ns, 3'000'000'000u);
  EXPECT_TRUE(s[0].groups[1].second.random);
  // The ramp draws other offsets than the measured phase, and the end fsync
  // (given in [global]) is the measured phase's only.
  EXPECT_NE(s[0].groups[0].second.seed, s[1].groups[0].second.seed);
  EXPECT_FALSE(s[0].groups[0].second.end_fsync);
  EXPECT_TRUE(s[1].groups[0].second.end_fsync);
  EXPECT_THAT(refusal("[global]\nfilename=/d/f\nsize=1m\ntime_based\nruntime=3\n[a]\nrw=read\nramp_time=1\n"),
              HasSubstr("job.fio:8: ramp_time: not supported by IOPulse with a sequential job"));
  EXPECT_THAT(refusal("[a]\nfilename=/d/f\nsize=1m\ntime_based\nruntime=3\nramp_time=2\nrw=randread\nwrite_bw_log=x\n"),
              HasSubstr("job.fio:6: ramp_time: not supported by IOPulse with fio-format logs"));
  EXPECT_THAT(refusal("[a]\nfilename=/d/f\nsize=1m\nramp_time=2\n"),
              HasSubstr("job.fio:4: ramp_time: not supported by IOPulse for a job bounded by its size"));
  EXPECT_THAT(refusal("[global]\nfilename=/d/f\nsize=1m\ntime_based\nruntime=3\nrw=randread\n[a]\nramp_time=1\n[b]\n"),
              HasSubstr("job 'b': not supported by IOPulse: no ramp_time beside 'a' with ramp_time 1s"));
}

// wait_for: a job waiting for the only job running starts the next phase;
// one waiting beside others joins their phase and waits for its waitee
// there (wait-for), as fio starts it when the waitee ends.
TEST(FioJobFileTest, WaitForJoinsThePhaseAndWaitsForItsJob) {
  const JobFile apart = translate("[global]\nfilename=/d/f\nsize=1m\n[a]\n[b]\nwait_for=a\n");
  EXPECT_EQ(apart.phases.size(), 2u);
  const JobFile f = translate("[global]\nfilename=/d/f\nsize=1m\nruntime=2\ntime_based\n[a]\n[b]\n[c]\nwait_for=a\n");
  ASSERT_EQ(f.phases.size(), 1u);
  ASSERT_EQ(f.phases[0].groups.size(), 3u);
  EXPECT_EQ(f.reporting_groups, (std::vector<std::vector<uint32_t>>{{0, 0, 0}}));
  const std::vector<PhaseJob> s = specs(f);
  ASSERT_EQ(s[0].groups.size(), 3u);
  EXPECT_EQ(s[0].groups[0].second.wait_for, "");
  EXPECT_EQ(s[0].groups[1].second.wait_for, "");
  EXPECT_EQ(s[0].groups[2].second.wait_for, "a");
  EXPECT_THAT(refusal("[global]\nfilename=/d/f\nsize=1m\nruntime=2\ntime_based\nrw=randread\n[a]\nramp_time=1\n"
                      "[b]\nramp_time=1\n[c]\nramp_time=1\nwait_for=a\n"),
              HasSubstr("job.fio:13: wait_for: not supported by IOPulse with ramp_time"));
}

// randrepeat=0: a seed drawn for each run (IOPulse's seed "random"), also
// for a ramp; randseed wins, as in fio.
TEST(FioJobFileTest, RandrepeatZeroDrawsTheSeedUnlessRandseedIsGiven) {
  const JobSpec drawn = specs(translate("[a]\nfilename=/d/f\nsize=1m\nrandrepeat=0\n"))[0].spec;
  EXPECT_TRUE(drawn.seed_random);
  EXPECT_FALSE(specs(translate("[a]\nfilename=/d/f\nsize=1m\nrandrepeat=1\n"))[0].spec.seed_random);
  const JobSpec given = specs(translate("[a]\nfilename=/d/f\nsize=1m\nrandrepeat=0\nrandseed=77\n"))[0].spec;
  EXPECT_FALSE(given.seed_random);
  EXPECT_EQ(given.seed, 77u);
  const std::vector<PhaseJob> ramped = specs(translate(
      "[a]\nfilename=/d/f\nsize=1m\ntime_based\nruntime=3\nramp_time=1\nrw=randread\nrandrepeat=0\n"));
  ASSERT_EQ(ramped.size(), 2u);
  EXPECT_TRUE(ramped[0].spec.seed_random);
  EXPECT_TRUE(ramped[1].spec.seed_random);
}

// startdelay: IOPulse's start-delay, a time (seconds by default) or a range.
TEST(FioJobFileTest, StartDelayIsATimeOrARange) {
  const JobSpec one = specs(translate("[a]\nfilename=/d/f\nsize=1m\nstartdelay=2\n"))[0].spec;
  EXPECT_EQ(one.start_delay_ns, 2'000'000'000u);
  EXPECT_EQ(one.start_delay_max_ns, 2'000'000'000u);
  const JobSpec range = specs(translate("[a]\nfilename=/d/f\nsize=1m\nstartdelay=500ms-3\n"))[0].spec;
  EXPECT_EQ(range.start_delay_ns, 500'000'000u);
  EXPECT_EQ(range.start_delay_max_ns, 3'000'000'000u);
  EXPECT_THAT(refusal("[a]\nfilename=/d/f\nsize=1m\nstartdelay=3-1\n"),
              HasSubstr("job.fio:4: startdelay: '3-1' is not accepted; accepted: a time, or MIN-MAX with MIN <= MAX"));
  EXPECT_THAT(refusal("[a]\nfilename=/d/f\nsize=1m\ntime_based\nruntime=3\nramp_time=1\nrw=randread\nstartdelay=1\n"),
              HasSubstr("job.fio:8: startdelay: not supported by IOPulse with ramp_time"));
  // From 0, as fio takes it.
  const JobSpec from_zero = specs(translate("[a]\nfilename=/d/f\nsize=1m\nstartdelay=0-2\n"))[0].spec;
  EXPECT_EQ(from_zero.start_delay_ns, 0u);
  EXPECT_EQ(from_zero.start_delay_max_ns, 2'000'000'000u);
  // fio counts it from the start of the run, IOPulse from the phase's.
  EXPECT_THAT(refusal("[global]\nfilename=/d/f\nsize=1m\n[a]\n[b]\nstonewall\nstartdelay=2\n"),
              HasSubstr("job.fio:7: startdelay: not supported by IOPulse after a stonewall"));
  EXPECT_THAT(refusal("[a]\nfilename=/d/f\nsize=1m\nstartdelay=1\nwrite_iops_log=x\nlog_avg_msec=100\n"),
              HasSubstr("job.fio:4: startdelay: not supported by IOPulse with fio-format logs"));
}

// end_fsync: IOPulse's end-fsync for a job that writes; fio syncs nothing
// for one that only reads.
TEST(FioJobFileTest, EndFsyncSyncsAWritingJobsFiles) {
  EXPECT_TRUE(specs(translate("[a]\nfilename=/d/f\nsize=1m\nrw=randwrite\nend_fsync=1\n"))[0].spec.end_fsync);
  EXPECT_TRUE(specs(translate("[a]\nfilename=/d/f\nsize=1m\nrw=randrw\nend_fsync=1\n"))[0].spec.end_fsync);
  EXPECT_FALSE(specs(translate("[a]\nfilename=/d/f\nsize=1m\nrw=read\nend_fsync=1\n"))[0].spec.end_fsync);
  EXPECT_FALSE(specs(translate("[a]\nfilename=/d/f\nsize=1m\nrw=write\nend_fsync=0\n"))[0].spec.end_fsync);
}

// Each job on its own files: fio's names for each, or its own filename and
// size; the engine stays one for the run.
TEST(FioJobFileTest, EachJobWorksOnItsOwnFiles) {
  const std::vector<PhaseJob> s =
      specs(translate("[global]\nsize=1m\ndirectory=/d\n[a]\nrw=read\n[b]\nrw=read\n[c]\nfilename=/e/x\n"
                      "size=2m\n[d]\nstonewall\nnumjobs=2\n"));
  ASSERT_EQ(s.size(), 2u);
  ASSERT_EQ(s[0].groups.size(), 3u);
  EXPECT_EQ(s[0].groups[0].second.target_path, "/d/a.0.0");
  EXPECT_EQ(s[0].groups[1].second.target_path, "/d/b.0.0");
  EXPECT_EQ(s[0].groups[2].second.target_path, "/d//e/x");  // fio puts the directory before any name
  EXPECT_EQ(s[0].groups[2].second.file_size, 2u << 20);
  EXPECT_EQ(s[0].groups[1].second.file_size, 1u << 20);
  EXPECT_EQ(s[1].spec.file_list, (std::vector<std::string>{"/d/d.0.0", "/d/d.1.0"}));
  EXPECT_EQ(s[1].spec.file_distribution, FileDistribution::kPerWorker);
  EXPECT_THAT(refusal("[global]\nfilename=/d/f\nsize=1m\n[a]\nioengine=psync\n[b]\nioengine=libaio\n"),
              HasSubstr("job.fio:7: ioengine: engine 'libaio' differs from 'sync' of job.fio:4: job 'a': IOPulse "
                        "runs every job of a file with one engine"));
}

TEST(FioJobFileTest, MistakesInJobsAreRefused) {
  EXPECT_THAT(refusal("[a]\nfilename=/d/f\nsize=1m\ntime_based\n"), HasSubstr("time_based needs runtime"));
  EXPECT_THAT(refusal("[global]\nfilename=/d/f\nsize=1m\n[a]\n[b]\nwait_for=c\n[c]\n"),
              HasSubstr("job.fio:6: wait_for: 'c' is not a job before 'b'; accepted: the name of an earlier job"));
  // An empty size, as fio ("failed parsing bs="), rather than the default kept.
  for (const std::string option : {"bs=", "bs=,", "bssplit=", "bsrange=,,"}) {
    const size_t eq = option.find('=');
    EXPECT_THAT(refusal("[a]\nfilename=/d/f\nsize=1m\n" + option + "\n"),
                HasSubstr("job.fio:4: " + option.substr(0, eq) + ": '" + option.substr(eq + 1) + "' is not accepted"))
        << option;
  }
}

TEST(FioJobFileTest, VerifyMapsToChecksummedBlocks) {
  const std::vector<PhaseJob> s = specs(translate("[w]\nfilename=/d/f\nsize=1m\nrw=randrw\nbs=4k\nverify=crc32c\n"));
  EXPECT_TRUE(s[0].spec.verify);
  EXPECT_TRUE(specs(translate("[w]\nfilename=/d/f\nsize=1m\nrw=write\nverify=md5\ndo_verify=0\n"))[0].spec.verify);
}

// verify with do_verify=1 (fio's default) on a job that only writes: a
// phase after the job's checks every block, at the written block size,
// with the job's seed and engine settings but nothing that shapes writes;
// refused where fio's pass would read other blocks than IOPulse's.
TEST(FioJobFileTest, ReadBackPassIsAVerifyOnlyPhaseAfterTheJob) {
  const JobFile f = translate("[global]\nfilename=/d/f\nsize=1m\nrandseed=9\niodepth=4\n[w]\nrw=randwrite\n"
                              "bs=8k\nverify=crc32c\nfsync=4\nrate_iops=1000\n");
  ASSERT_EQ(f.phases.size(), 2u);
  EXPECT_FALSE(f.phases[0].read_back);
  EXPECT_TRUE(f.phases[1].read_back);
  EXPECT_EQ(f.phases[1].name, "w-verify");
  EXPECT_EQ(f.reporting_groups, (std::vector<std::vector<uint32_t>>{{0}, {}}));
  const std::vector<PhaseJob> s = specs(f);
  ASSERT_EQ(s.size(), 2u);
  EXPECT_TRUE(s[0].spec.verify);
  EXPECT_EQ(s[0].spec.read_percent, 0u);
  const JobSpec& check = s[1].spec;
  EXPECT_TRUE(check.verify_only);
  EXPECT_FALSE(check.verify);
  EXPECT_EQ(check.read_percent, 100u);
  EXPECT_FALSE(check.random);
  EXPECT_TRUE(check.run_until_complete);
  EXPECT_EQ(check.block_size, 8192u);
  EXPECT_EQ(check.seed, 9u);
  EXPECT_EQ(check.queue_depth, 4u);
  EXPECT_EQ(check.fsync_every, 0u);
  EXPECT_EQ(check.rate_iops, 0u);
  // do_verify=0, or a job that reads too: no pass.
  EXPECT_EQ(translate("[w]\nfilename=/d/f\nsize=1m\nrw=write\nverify=md5\ndo_verify=0\n").phases.size(), 1u);
  EXPECT_EQ(translate("[w]\nfilename=/d/f\nsize=1m\nrw=randrw\nverify=md5\n").phases.size(), 1u);
  for (const std::string extra : {"number_ios=10\n", "loops=101\n", "io_size=512k\n",
                                  "loops=2\nio_size=512k\n", "rw=randwrite\nnorandommap\n"}) {
    EXPECT_THAT(refusal("[w]\nfilename=/d/f\nsize=1m\nrw=write\nverify=md5\n" + extra),
                HasSubstr("job.fio:5: verify: not supported by IOPulse: the read-back pass"))
        << extra;
  }
  EXPECT_THAT(refusal("[global]\nfilename=/d/f\nsize=1m\n[w]\nrw=write\nverify=md5\n[r]\nrw=read\n"),
              HasSubstr("job.fio:6: verify: not supported by IOPulse: the read-back pass after a write-only job "
                        "(do_verify=1, fio's default) of a job that runs beside others"));
}

// A time-based write-only job with verify: fio's writes use the whole
// runtime and its read-back never starts (fio's note at start); here the
// job is its one verified write phase, with the same note, which convert
// keeps as a comment.
TEST(FioJobFileTest, ATimeBasedJobsReadBackNeverStartsAsInFio) {
  const JobFile f = translate("[w]\nfilename=/d/f\nsize=1m\nrw=randwrite\nverify=crc32c\ntime_based\nruntime=2\n");
  ASSERT_EQ(f.phases.size(), 1u);
  const std::vector<PhaseJob> s = specs(f);
  ASSERT_EQ(s.size(), 1u);
  EXPECT_TRUE(s[0].spec.verify);
  EXPECT_FALSE(s[0].spec.verify_only);
  EXPECT_EQ(s[0].spec.read_percent, 0u);
  EXPECT_EQ(s[0].spec.duration_ns, 2'000'000'000u);
  const std::string note = "job.fio:5: verify: the read-back pass (do_verify=1) never starts: the writes use all of "
                           "the runtime (time_based), as in fio";
  EXPECT_EQ(f.notes, std::vector<std::string>{note});
  EXPECT_THAT(format_toml_job_file(f), HasSubstr("# Note: " + note + "\n"));
  // Without time_based, or with do_verify=0: no note.
  EXPECT_TRUE(translate("[w]\nfilename=/d/f\nsize=1m\nrw=write\nverify=crc32c\n").notes.empty());
  EXPECT_TRUE(translate("[w]\nfilename=/d/f\nsize=1m\nrw=write\nverify=crc32c\ndo_verify=0\ntime_based\n"
                        "runtime=1\n").notes.empty());
}

// file_service_type: sequential is IOPulse's walk of a sequential job's
// files, random its random job's offsets over files of one size, and
// roundrobin fio's default; what IOPulse does otherwise is refused.
TEST(FioJobFileTest, FileServiceTypesIOPulseMeetsAreAccepted) {
  const std::string files = "[a]\nfilename=/d/a:/d/b\nsize=1m\n";
  for (const std::string ok : {"rw=read\nfile_service_type=sequential\n", "rw=read\nfile_service_type=roundrobin:4\n",
                               "rw=randread\nfile_service_type=random\n"}) {
    EXPECT_EQ(specs(translate(files + ok)).size(), 1u) << ok;
    EXPECT_TRUE(translate(files + ok).notes.empty()) << ok;
  }
  EXPECT_THAT(translate("[a]\nfilename=/d/a\nsize=1m\nfile_service_type=random\n").notes,
              ElementsAre("job.fio:4: file_service_type: no effect on a job of one file, as in fio"));
  EXPECT_THAT(refusal(files + "rw=randread\nfile_service_type=sequential\n"),
              HasSubstr("job.fio:5: file_service_type: not supported by IOPulse: sequential with random IO"));
  EXPECT_THAT(refusal(files + "rw=read\nfile_service_type=random\n"), HasSubstr("random with sequential IO"));
  EXPECT_THAT(refusal(files + "rw=randread\nfile_service_type=random:8\n"), HasSubstr("several IOs per file"));
  EXPECT_THAT(refusal(files + "rw=randread\nfile_service_type=zipf:1.2\n"),
              HasSubstr("choosing files by a zipf distribution"));
  EXPECT_THAT(refusal(files + "rw=randread\nrandom_distribution=zipf:1.2\nfile_service_type=random\n"),
              HasSubstr("random with a non-uniform random_distribution"));
  EXPECT_THAT(refusal(files + "rw=rw\nfile_service_type=sequential\n"), HasSubstr("sequential with reads and writes"));
  EXPECT_THAT(refusal(files + "rw=read\nnumjobs=2\nfile_service_type=sequential\n"),
              HasSubstr("sequential with numjobs on one list"));
  EXPECT_EQ(specs(translate("[a]\nnrfiles=3\nsize=3m\ndirectory=/d\nrw=read\nnumjobs=2\n"
                            "file_service_type=sequential\n")).size(), 1u);
  EXPECT_THAT(refusal(files + "rw=read\nfile_service_type=roundrobin:0\n"),
              HasSubstr("'roundrobin:0' is not accepted; accepted: random, roundrobin or sequential, with an "
                        "optional :N of 1 or more IOs per file"));
  // fio takes any number for exitall_on_error.
  EXPECT_EQ(specs(translate(files + "rw=read\nexitall_on_error=2\n")).size(), 1u);
  FioTranslationContext c = context();
  c.existing_size = [](const std::string& path) -> std::optional<uint64_t> { return path == "/d/a" ? 1u << 20 : 2u << 20; };
  try {
    translate_fio_job_file("[a]\nfilename=/d/a:/d/b\nrw=randread\nfile_service_type=random\n", "job.fio", c);
    ADD_FAILURE() << "files of two sizes accepted";
  } catch (const UsageError& e) {
    EXPECT_THAT(e.what(), HasSubstr("files of different sizes"));
  }
}

// ratemin and rate_iops_min: each clone's least rate, never in a ramp or a
// read-back pass (fio does not check there); both at once, a least rate
// above the rate limit, or one for some directions only are refused.
TEST(FioJobFileTest, LeastRatesHoldForTheMeasuredJobOnly) {
  const std::vector<PhaseJob> plain =
      specs(translate("[a]\nfilename=/d/f\nsize=1m\nrw=randread\ntime_based\nruntime=5\nratemin=1m\n"));
  ASSERT_EQ(plain.size(), 1u);
  EXPECT_EQ(plain[0].spec.rate_min_bw, 1u << 20);
  const std::vector<PhaseJob> ramped = specs(translate("[a]\nfilename=/d/f\nsize=1m\nrw=randread\ntime_based\n"
                                                       "runtime=5\nramp_time=2\nrate_iops_min=100\n"));
  ASSERT_EQ(ramped.size(), 2u);
  EXPECT_EQ(ramped[0].spec.rate_min_iops, 0u);  // the ramp
  EXPECT_EQ(ramped[1].spec.rate_min_iops, 100u);
  const std::vector<PhaseJob> checked =
      specs(translate("[w]\nfilename=/d/f\nsize=1m\nrw=write\nverify=crc32c\nrate_iops_min=100\n"));
  ASSERT_EQ(checked.size(), 2u);
  EXPECT_EQ(checked[0].spec.rate_min_iops, 100u);
  EXPECT_EQ(checked[1].spec.rate_min_iops, 0u);  // the read-back
  EXPECT_THAT(refusal("[a]\nfilename=/d/f\nsize=1m\nruntime=5\nratemin=1m\nrate_iops_min=10\n"),
              HasSubstr("job.fio:6: rate_iops_min: not accepted with job.fio:5: ratemin"));
  EXPECT_THAT(refusal("[a]\nfilename=/d/f\nsize=1m\nruntime=5\nratemin=,1m\n"),
              HasSubstr("a least rate for some directions only"));
  try {
    specs(translate("[a]\nfilename=/d/f\nsize=1m\nruntime=5\nrate=1k\nratemin=2k\n"));
    ADD_FAILURE() << "a least rate above the rate was accepted";
  } catch (const UsageError& e) {
    EXPECT_THAT(e.what(), HasSubstr("job.fio:6: ratemin 2048: above job.fio:5: rate 1024"));
  }
}

// loops with the read-back pass: fio writes the files and reads them back,
// loops times; here each loop is a complete pass of its own followed by its
// read-back, the later loops marked as the job's repeats.
TEST(FioJobFileTest, LoopsWithTheReadBackPassAreAPassAndItsCheckEach) {
  const JobFile f = translate("[w]\nfilename=/d/f\nsize=1m\nbs=4k\nrw=randwrite\nverify=crc32c\nloops=3\n");
  ASSERT_EQ(f.phases.size(), 6u);
  const std::vector<std::string> names = {"w", "w-verify", "w-2", "w-2-verify", "w-3", "w-3-verify"};
  for (size_t i = 0; i < 6; ++i) {
    EXPECT_EQ(f.phases[i].name, names[i]);
    EXPECT_EQ(f.phases[i].read_back, i % 2 == 1) << i;
    EXPECT_EQ(f.phases[i].repeat, i == 2 || i == 4) << i;
  }
  EXPECT_EQ(f.reporting_groups, (std::vector<std::vector<uint32_t>>{{0}, {}, {}, {}, {}, {}}));
  const std::vector<PhaseJob> s = specs(f);
  ASSERT_EQ(s.size(), 6u);
  for (size_t i = 0; i < 6; i += 2) {
    EXPECT_TRUE(s[i].spec.run_until_complete) << i;  // one pass, not loops x size
    EXPECT_EQ(s[i].spec.total_bytes, 0u) << i;
    EXPECT_TRUE(s[i].spec.verify) << i;
    EXPECT_EQ(job_config(s[i].spec), job_config(s[0].spec)) << i;
    EXPECT_TRUE(s[i + 1].spec.verify_only) << i;
  }
  // Without the read-back, loops stay a byte budget.
  const std::vector<PhaseJob> plain = specs(translate("[w]\nfilename=/d/f\nsize=1m\nrw=randwrite\nverify=crc32c\n"
                                                      "do_verify=0\nloops=3\n"));
  ASSERT_EQ(plain.size(), 1u);
  EXPECT_EQ(plain[0].spec.total_bytes, 3u << 20);
  EXPECT_THAT(format_toml_job_file(f), HasSubstr("# fio's next loop of the job above (loops with do_verify)"));
  // fio delays the job's start once, not each loop's.
  const std::vector<PhaseJob> delayed =
      specs(translate("[w]\nfilename=/d/f\nsize=1m\nrw=write\nverify=crc32c\nstartdelay=1\nloops=2\n"));
  ASSERT_EQ(delayed.size(), 4u);
  EXPECT_EQ(delayed[0].spec.start_delay_ns, 1'000'000'000u);
  EXPECT_EQ(delayed[2].spec.start_delay_ns, 0u);
  // A later job named as a loop would be keeps its name; the loop takes another.
  const JobFile named = translate("[job]\nfilename=/d/f\nsize=1m\nrw=write\nverify=crc32c\nloops=2\n"
                                  "[job-2]\nstonewall\nfilename=/d/f\nsize=1m\nrw=read\n");
  ASSERT_EQ(named.phases.size(), 5u);
  EXPECT_EQ(named.phases[2].name, "job-3");
  EXPECT_EQ(named.phases[4].name, "job-2");
  // So does a ramp (a phase fio has no job for either).
  const JobFile ramped = translate("[j]\nfilename=/d/f\nsize=1m\nrw=randread\ntime_based\nruntime=1\nramp_time=1\n"
                                   "[j-ramp]\nstonewall\nfilename=/d/f\nsize=1m\nrw=read\n");
  ASSERT_EQ(ramped.phases.size(), 3u);
  EXPECT_EQ(ramped.phases[0].name, "j-ramp-2");
  EXPECT_EQ(ramped.phases[2].name, "j-ramp");
  // Without a size (an existing file or device), each loop is still one
  // complete pass, so its read-back demands that pass's writes.
  FioTranslationContext c = context();
  c.existing_size = [](const std::string&) -> std::optional<uint64_t> { return 1u << 20; };
  const std::vector<PhaseJob> existing = specs(translate_fio_job_file(
      "[w]\nfilename=/dev/sdz\nbs=4k\nrw=write\nverify=crc32c\nloops=2\n", "job.fio", c));
  ASSERT_EQ(existing.size(), 4u);
  EXPECT_TRUE(existing[0].spec.run_until_complete);
  EXPECT_TRUE(existing[2].spec.run_until_complete);
  // Steady state may end a pass early, which fio's read-back then skips.
  EXPECT_THAT(refusal("[w]\nfilename=/d/f\nsize=1m\nrw=write\nverify=md5\nsteadystate=iops:5%\n"),
              HasSubstr("of a job with steadystate"));
  // randrepeat=0 with randseed: fio's loops go on with one random sequence,
  // so each loop here has a seed of its own (its read-back the same).
  const std::vector<PhaseJob> going_on = specs(translate("[w]\nfilename=/d/f\nsize=1m\nrw=randwrite\n"
                                                         "verify=crc32c\nrandrepeat=0\nrandseed=7\nloops=3\n"));
  ASSERT_EQ(going_on.size(), 6u);
  EXPECT_EQ(going_on[0].spec.seed, 7u);
  EXPECT_NE(going_on[2].spec.seed, 7u);
  EXPECT_NE(going_on[4].spec.seed, going_on[2].spec.seed);
  for (size_t i = 0; i < 6; i += 2) EXPECT_EQ(going_on[i + 1].spec.seed, going_on[i].spec.seed) << i;
  // fio's number_ios counts over all the loops.
  EXPECT_EQ(specs(translate("[w]\nfilename=/d/f\nsize=64k\nrw=write\nloops=3\nnumber_ios=8\n"))[0].spec.total_ops,
            24u);
}

TEST(FioJobFileTest, ConvertedTomlReadsBackAsTheSameJob) {
  const JobFile f = translate(
      "[global]\nfilename=/tmp/fio-t/data\nsize=4m\nbs=4k\nruntime=1\n[seq]\nrw=write\n[mix]\nstonewall\n"
      "rw=randrw\nrwmixread=70\nnumjobs=2\nbssplit=4k/60:8k/40\n[side]\nrw=read\niodepth=8\n");
  const std::string toml = format_toml_job_file(f);
  EXPECT_THAT(toml, HasSubstr("# job.fio:4: bs\nblock-size = 4096\n"));
  EXPECT_THAT(toml, HasSubstr("[[phase.group]]"));
  const JobFile back = parse_job_file(toml, "converted.toml");
  const std::vector<PhaseJob> a = specs(f), b = specs(back);
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].name, b[i].name);
    EXPECT_EQ(job_config(a[i].spec), job_config(b[i].spec));
    ASSERT_EQ(a[i].groups.size(), b[i].groups.size());
    for (size_t g = 0; g < a[i].groups.size(); ++g) {
      EXPECT_EQ(a[i].groups[g].first, b[i].groups[g].first);
      EXPECT_EQ(job_config(a[i].groups[g].second), job_config(b[i].groups[g].second));
    }
  }
}

// fio's reporting groups: each phase starts one; inside a phase a job with
// new_group does (but not the phase's first job, whose group is new
// already); `iopulse convert` says that TOML keeps neither.
TEST(FioJobFileTest, NewGroupNumbersTheReportingGroupsAsFio) {
  const JobFile f = translate(
      "[global]\nfilename=/tmp/fio-t/data\nsize=4m\n[a]\nrw=write\nnew_group\n[b]\nnew_group\nrw=read\n"
      "[c]\nrw=read\n[d]\nstonewall\nnew_group\nrw=read\n[e]\nrw=read\n");
  EXPECT_EQ(f.reporting_groups, (std::vector<std::vector<uint32_t>>{{0, 1, 1}, {2, 2}}));
  EXPECT_FALSE(f.group_reporting);
  EXPECT_THAT(format_toml_job_file(f), HasSubstr("# Not carried over: new_group (fio's reporting groups)"));
  const JobFile plain = translate("[global]\nfilename=/tmp/fio-t/data\nsize=4m\n[a]\nrw=write\n[b]\nrw=read\n");
  EXPECT_EQ(plain.reporting_groups, (std::vector<std::vector<uint32_t>>{{0, 0}}));
  EXPECT_THAT(format_toml_job_file(plain), Not(HasSubstr("Not carried over")));
}

// docs/fio-compatibility.md names every fio option the translation takes.
// fio logs every IO unless log_avg_msec says otherwise (0 is its default);
// log_offset and log_prio add their columns.
TEST(FioJobFileTest, LogsWithoutAnAveragingWindowArePerIo) {
  const JobSpec per_io = specs(translate("[global]\nwrite_lat_log=x\nwrite_iops_log=y\n[a]\nfilename=/d/f\n"
                                         "size=1m\nlog_offset=1\nlog_prio=1\n"))[0].spec;
  EXPECT_EQ(per_io.fio_lat_log, "x");
  EXPECT_EQ(per_io.fio_iops_log, "y");
  EXPECT_TRUE(per_io.fio_log_per_io);
  EXPECT_TRUE(per_io.fio_log_offset);
  EXPECT_TRUE(per_io.fio_log_prio);
  EXPECT_TRUE(specs(translate("[a]\nfilename=/d/f\nsize=1m\nwrite_bw_log=x\nlog_avg_msec=0\n"))[0].spec.fio_log_per_io);
  const JobSpec averaged =
      specs(translate("[a]\nfilename=/d/f\nsize=1m\nwrite_bw_log=x\nlog_avg_msec=50\nlog_offset=0\n"))[0].spec;
  EXPECT_FALSE(averaged.fio_log_per_io);
  EXPECT_FALSE(averaged.fio_log_offset);
  EXPECT_EQ(averaged.stats_interval_ns, 50'000'000u);
  // Without a log the columns have nothing to shape, as in fio.
  const JobSpec none = specs(translate("[a]\nfilename=/d/f\nsize=1m\nlog_offset=1\n"))[0].spec;
  EXPECT_FALSE(none.fio_log_per_io || none.fio_log_offset);
  EXPECT_THAT(refusal("[a]\nfilename=/d/f\nsize=1m\nwrite_bw_log=x\nlog_offset=2\n"),
              HasSubstr("job.fio:5: log_offset: '2' is not accepted"));
  EXPECT_THAT(refusal("[a]\nfilename=/d/f\nsize=1m\nwrite_bw_log=x\n[b]\nfilename=/d/f\nsize=1m\n"
                      "write_bw_log=x\nlog_prio=1\n"),
              HasSubstr("IOPulse writes the fio-format logs of every job in one shape"));
  // A job without logs beside one with them: each its own (none for a).
  const std::vector<PhaseJob> mixed = specs(translate("[a]\nfilename=/d/f\nsize=1m\n[b]\nstonewall\nfilename=/d/f\n"
                                                      "size=1m\nwrite_bw_log=x\nlog_avg_msec=100\nlog_offset=1\n"));
  ASSERT_EQ(mixed.size(), 2u);
  EXPECT_EQ(mixed[0].spec.fio_bw_log, "");
  EXPECT_EQ(mixed[1].spec.fio_bw_log, "x");
  EXPECT_TRUE(mixed[0].spec.fio_log_offset);  // the run's shape, which only b's logs have
  EXPECT_EQ(mixed[1].spec.stats_interval_ns, 100'000'000u);
  // log_avg_msec without a log averages nothing (as in fio); the same
  // period written two ways is one period.
  EXPECT_NO_THROW(translate("[a]\nfilename=/d/f\nsize=1m\nwrite_bw_log=x\nlog_avg_msec=500\n[b]\nstonewall\n"
                            "filename=/d/f\nsize=1m\nlog_avg_msec=200\n"));
  EXPECT_NO_THROW(translate("[a]\nfilename=/d/f\nsize=1m\nwrite_bw_log=x\nlog_avg_msec=1000\n[b]\nstonewall\n"
                            "filename=/d/f\nsize=1m\ntime_based\nruntime=5\nss=iops:10%\nss_dur=3\n"
                            "ss_interval=1\n"));
  // A steady-state job samples at fio's default 1 s, not at another job's
  // log_avg_msec.
  EXPECT_THAT(refusal("[a]\nfilename=/d/f\nsize=1m\ntime_based\nruntime=5\nss=iops:10%\nss_dur=3\n[b]\n"
                      "stonewall\nfilename=/d/f\nsize=1m\nwrite_bw_log=x\nlog_avg_msec=100\n"),
              HasSubstr("stats-interval '100ms' differs from '1s'"));
}

TEST(FioJobFileTest, TheDocsListEveryOptionHandled) {
  std::ifstream in(std::string(IOPULSE_SOURCE_DIR) + "/docs/fio-compatibility.md");
  std::ostringstream text;
  text << in.rdbuf();
  ASSERT_FALSE(text.str().empty());
  for (const std::string& name : supported_fio_options()) {
    EXPECT_THAT(text.str(), HasSubstr("`" + name + "`")) << name;
  }
}

}  // namespace
}  // namespace iopulse
