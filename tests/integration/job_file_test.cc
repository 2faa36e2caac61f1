// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// Job files end to end: `iopulse --config job.toml` runs every phase in
// order, reports each phase and the total, lets the command line override the
// file, and `--dry-run` prints the plan and touches nothing.  Every job file
// in examples/ runs here (shortened from the command line), so the examples
// never rot.
//
// Expected behaviour of the command line (core/cli), which these tests pin:
//   iopulse --config FILE [TARGET] [options]   runs the file's phases in order
//   --dry-run                                  prints the effective plan, exit 0
//   JSON: with --config, "phases": [{"name", "read", "write", "total", ...}, ...]
//         in run order (one entry for a file without [[phase]]), and the
//         top-level read/write/total are the sums over the phases.
//   Text: with several phases, the summary names every phase.
#include <sys/stat.h>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config/job_file.h"
#include "json_support.h"
#include "run_support.h"

namespace iopulse::test {
namespace {

using ::testing::HasSubstr;

constexpr uint64_t kMiB = 1 << 20;

std::vector<std::string> example_files() {
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(std::string(IOPULSE_SOURCE_DIR) + "/examples")) {
    if (entry.path().extension() == ".toml") files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string write_file(const std::string& path, const std::string& text) {
  std::ofstream(path) << text;
  return path;
}

// The sums of the phases' counters equal the run's totals.
void expect_totals_are_sums(const nlohmann::json& j) {
  for (const char* kind : {"read", "write", "total"}) {
    uint64_t ops = 0, bytes = 0, errors = 0;
    for (const auto& phase : j["phases"]) {
      ops += phase[kind]["ops"].get<uint64_t>();
      bytes += phase[kind]["bytes"].get<uint64_t>();
      errors += phase[kind]["errors"].get<uint64_t>();
    }
    EXPECT_EQ(j[kind]["ops"].get<uint64_t>(), ops) << kind;
    EXPECT_EQ(j[kind]["bytes"].get<uint64_t>(), bytes) << kind;
    EXPECT_EQ(j[kind]["errors"].get<uint64_t>(), errors) << kind;
  }
}

// CLI integration: --config and phases.
TEST(JobFileRun, EveryExampleRunsEveryPhaseShortened) {
  const std::vector<std::string> examples = example_files();
  ASSERT_GE(examples.size(), 4u);
  for (const std::string& example : examples) {
    SCOPED_TRACE(example);
    const JobFile file = load_job_file(example);  // the phases the run must report
    if (read_file(example).find("md-phases") != std::string::npos) continue;  // metadata_test.cc runs those
    ScratchDir dir;
    const std::string json = dir.file("out.json");
    // File sets keep their own (small) file size; a single file is shrunk.
    const bool file_set = !file.global_values("total-files").empty() || !file.global_values("num-files").empty();
    std::vector<std::string> args{"--config", example, dir.file("target.dat"), "--duration", "300ms",
                                  "--json-output", json, "-q"};
    if (!file_set) args.insert(args.end(), {"--file-size", "16M"});
    RunOutcome r = run_iopulse(args);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(exists(dir.file("target.dat")));  // the command-line target replaces the file's

    const auto j = read_json(json);
    ASSERT_TRUE(j.contains("phases")) << j.dump();
    ASSERT_EQ(j["phases"].size(), file.phases.size());
    for (size_t i = 0; i < file.phases.size(); ++i) {
      const auto& phase = j["phases"][i];
      EXPECT_EQ(phase["name"], file.phases[i].name);
      EXPECT_GT(phase["total"]["ops"].get<uint64_t>(), 0u) << file.phases[i].name;
      EXPECT_EQ(phase["total"]["ops"].get<uint64_t>(),
                phase["read"]["ops"].get<uint64_t>() + phase["write"]["ops"].get<uint64_t>());
      EXPECT_EQ(phase["total"]["errors"], 0);
      // The text summary reports each phase (a file without [[phase]] is
      // reported as a plain run).
      if (file.phases.size() > 1) {
        EXPECT_NE(r.out.find(file.phases[i].name), std::string::npos) << file.phases[i].name;
      }
    }
    expect_totals_are_sums(j);
  }
}

// CLI integration: phases run in order, each with its own workload and stop
// condition, reported separately.
TEST(JobFileRun, PhasesRunInOrderWithTheirOwnStopConditions) {
  ScratchDir dir;
  const std::string job = write_file(dir.file("job.toml"),
                                     "target = \"" + dir.file("data.bin") + "\"\n"
                                     "file-size = \"8M\"\n"
                                     "block-size = \"64k\"\n"
                                     "[[phase]]\n"
                                     "name = \"write-half\"\n"
                                     "write-percent = 100\n"
                                     "buffer-pattern = 0xA5\n"
                                     "total-bytes = \"4M\"\n"
                                     "[[phase]]\n"
                                     "name = \"read-all\"\n"
                                     "\n");  // no stop condition: one pass over the 8 MiB
  const std::string json = dir.file("out.json");
  RunOutcome r = run_iopulse({"--config", job, "--json-output", json, "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = read_json(json);
  ASSERT_EQ(j["phases"].size(), 2u);
  EXPECT_EQ(j["phases"][0]["name"], "write-half");
  EXPECT_EQ(j["phases"][0]["write"]["bytes"].get<uint64_t>(), 4 * kMiB);
  EXPECT_EQ(j["phases"][0]["read"]["ops"].get<uint64_t>(), 0u);
  EXPECT_EQ(j["phases"][1]["name"], "read-all");
  EXPECT_EQ(j["phases"][1]["read"]["bytes"].get<uint64_t>(), 8 * kMiB);
  EXPECT_EQ(j["phases"][1]["write"]["ops"].get<uint64_t>(), 0u);
  expect_totals_are_sums(j);
  EXPECT_EQ(j["write"]["bytes"].get<uint64_t>(), 4 * kMiB);
  EXPECT_EQ(j["read"]["bytes"].get<uint64_t>(), 8 * kMiB);
  // The first phase's writes landed: the first half holds the pattern.
  const std::string data = read_file(dir.file("data.bin"));
  ASSERT_EQ(data.size(), 8 * kMiB);
  EXPECT_EQ(data.substr(0, 4 * kMiB).find_first_not_of('\xA5'), std::string::npos);
}

// A job file that can be read only once (a pipe: `--config <(...)`, or
// /dev/stdin fed by one) is read once: its TOML or fio text runs as from a
// file, rather than the second read finding the pipe empty.
TEST(JobFileRun, AJobFileFromAPipeIsReadOnce) {
  ScratchDir dir;
  const std::string toml = write_file(dir.file("job.toml"), "target = \"" + dir.file("toml.bin") +
                                                              "\"\nfile-size = \"1M\"\ntotal-ops = 8\n");
  const std::string fio = write_file(dir.file("job.fio"), "[job]\nfilename=" + dir.file("fio.bin") +
                                                            "\nsize=1M\nnumber_ios=8\nrw=randread\n");
  for (const auto& [job, target] : {std::pair{toml, dir.file("toml.bin")}, std::pair{fio, dir.file("fio.bin")}}) {
    const std::string json = dir.file("out.json");
    const RunOutcome r = run_command({"/bin/sh", "-c", "cat '" + job + "' | " + std::string(IOPULSE_BINARY) +
                                                           " --config /dev/stdin -q --json-output '" + json + "'"});
    ASSERT_EQ(r.exit_code, 0) << job << "\n" << r.err;
    EXPECT_EQ(read_json(json)["read"]["ops"].get<uint64_t>(), 8u) << job;
    EXPECT_EQ(std::filesystem::file_size(target), 1u << 20) << job;
  }
}

// CLI integration: command-line options override the file's global and phase
// settings.
TEST(JobFileRun, CommandLineOverridesTheFile) {
  ScratchDir dir;
  const std::string job = write_file(dir.file("job.toml"),
                                     "target = \"" + dir.file("from-file.bin") + "\"\n"
                                     "file-size = \"8M\"\n"
                                     "block-size = \"64k\"\n"
                                     "[[phase]]\n"
                                     "name = \"a\"\n"
                                     "block-size = \"128k\"\n"
                                     "total-bytes = \"1M\"\n"
                                     "[[phase]]\n"
                                     "name = \"b\"\n"
                                     "total-bytes = \"2M\"\n");
  const std::string json = dir.file("out.json");
  RunOutcome r = run_iopulse({"--config", job, dir.file("from-cli.bin"), "--block-size", "16k", "--total-bytes",
                              "512k", "--json-output", json, "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_FALSE(exists(dir.file("from-file.bin")));
  EXPECT_TRUE(exists(dir.file("from-cli.bin")));
  const auto j = read_json(json);
  ASSERT_EQ(j["phases"].size(), 2u);
  for (const auto& phase : j["phases"]) {
    EXPECT_EQ(phase["read"]["ops"].get<uint64_t>(), 32u) << phase["name"];  // 512 KiB / 16 KiB
    EXPECT_EQ(phase["read"]["bytes"].get<uint64_t>(), 512u * 1024) << phase["name"];
  }
}

// CLI integration: --dry-run prints the plan of every phase and touches
// nothing.
TEST(JobFileRun, DryRunPrintsThePlanAndTouchesNothing) {
  for (const std::string& example : example_files()) {
    SCOPED_TRACE(example);
    const JobFile file = load_job_file(example);
    ScratchDir dir;
    const std::string json = dir.file("out.json");
    if (read_file(example).find("md-phases") != std::string::npos) {
      // A metadata job works in an existing directory; the dry run leaves it empty.
      const std::string target = dir.file("tree");
      std::filesystem::create_directory(target);
      RunOutcome r = run_iopulse({"--config", example, target, "--json-output", json, "--dry-run"});
      ASSERT_EQ(r.exit_code, 0) << r.err;
      for (const JobFilePhase& phase : file.phases) {
        EXPECT_NE(r.out.find(phase.name), std::string::npos) << phase.name << "\n" << r.out;
      }
      EXPECT_TRUE(std::filesystem::is_empty(target));
      EXPECT_FALSE(exists(json));
      continue;
    }
    const std::string target = dir.file("sub/target.dat");
    RunOutcome r = run_iopulse({"--config", example, target, "--file-size", "16M", "--json-output", json,
                                "--dry-run"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    for (const JobFilePhase& phase : file.phases) {
      EXPECT_NE(r.out.find(phase.name), std::string::npos) << phase.name << "\n" << r.out;
    }
    EXPECT_NE(r.out.find(target), std::string::npos) << r.out;
    EXPECT_FALSE(exists(target));
    EXPECT_FALSE(exists(dir.file("sub")));
    EXPECT_FALSE(exists(json));
  }
}

// CLI integration: a bad job file is one line naming file, line and key, exit
// code 2, nothing touched.
TEST(JobFileRun, BadJobFileIsOneLineWithExitCode2AndTouchesNothing) {
  struct Case {
    std::string toml;    // after the target line (line 1)
    std::string expect;  // a piece of the message; "job.toml" stands for the file's path
  };
  const std::vector<Case> cases = {
      {"file-size = \"1M\"\nblok-size = \"4k\"\n", "job.toml:3: blok-size: unknown key"},
      {"file-size = \"1M\"\nblock-size = \"4x\"\n", "job.toml:3: block-size: '4x'"},
      {"file-size = \"1M\"\nblock-size = [1, 2]\n", "job.toml:3: block-size: an array is not accepted"},
      {"file-size = \"1M\"\nthreads = = 2\n", "job.toml:3:11: "},
      {"file-size = \"1M\"\n[[phase]]\njson-output = \"x\"\n", "job.toml:4: json-output: not accepted inside a phase"},
      {"file-size = \"1M\"\n[[phase]]\nqueue-depth = 0\n", "job.toml:4: queue-depth: '0'"},
      {"file-size = \"1M\"\nnull.nosuch = 1\n", "job.toml:3: null.nosuch: unknown option for engine null"},
      {"file-size = \"1M\"\nnosuchengine.opt = 1\n", "job.toml:3: nosuchengine.opt: no engine named 'nosuchengine'"},
      // A flag is a TOML boolean, not the integer 1 or 0.
      {"file-size = \"1M\"\nrandom = 1\n", "job.toml:3: random: 1 is not accepted; accepted: true or false\n"},
      {"file-size = \"1M\"\n[[phase]]\ndirect = 0\n", "job.toml:4: direct: 0 is not accepted; accepted: true or false\n"},
      // A global setting that shapes what no phase does.
      {"file-size = \"1M\"\nrate-process = \"poisson\"\n[[phase]]\n[[phase]]\nwrite-percent = 100\n",
       "job.toml:3: rate-process: shapes the arrivals of a rate limit; give --rate-iops or --rate-bw too (no phase or "
       "group of the file uses it)\n"},
  };
  for (const Case& c : cases) {
    ScratchDir dir;
    const std::string target = dir.file("sub/target.dat");
    const std::string job = write_file(dir.file("job.toml"), "target = \"" + target + "\"\n" + c.toml);
    RunOutcome r = run_iopulse({"--config", job, "-q"});
    EXPECT_EQ(r.exit_code, 2) << c.toml << r.err;
    std::string expect = c.expect;
    expect.replace(0, std::string("job.toml").size(), job);
    EXPECT_NE(r.err.find(expect), std::string::npos) << "expected '" << expect << "' in: " << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_FALSE(exists(target)) << c.toml;
    EXPECT_FALSE(exists(dir.file("sub"))) << c.toml;
  }
  // A job file that cannot be read.
  ScratchDir dir;
  RunOutcome r = run_iopulse({"--config", dir.file("missing.toml"), "-q"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--config: '" + dir.file("missing.toml") + "' cannot be read"), std::string::npos) << r.err;
  // Nothing a job file could be: read up to a bound, never whole (a device
  // without end, a disk image given by mistake).
  const std::string image = dir.file("image.fio");
  ASSERT_EQ(truncate(write_file(image, "").c_str(), off_t{4} << 30), 0);
  for (const std::vector<std::string>& args : {std::vector<std::string>{"--config", "/dev/zero", dir.file("t")},
                                               {"--config", image, dir.file("t")},
                                               {"convert", image}}) {
    r = run_iopulse(args);
    EXPECT_EQ(r.exit_code, 2) << args[1] << ": " << r.err;
    EXPECT_NE(r.err.find("cannot be a job file: more than"), std::string::npos) << r.err;
    const std::string label = args[0] == "convert" ? "convert" : "--config";  // the command that read it
    EXPECT_EQ(r.err.rfind("iopulse: error: " + label + ": '" + args[1] + "' cannot be", 0), 0u) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  }
  EXPECT_FALSE(exists(dir.file("t")));
}

}  // namespace
}  // namespace iopulse::test

namespace iopulse::test {
namespace {

// Global settings that shape what only some phases do: each phase that does
// it takes them, the others run without them.  Observers: the bytes the
// deduplicating phase wrote (its chunks of 4 KiB inside 8 KiB blocks), the
// count of the paced phase's IOs.
TEST(JobFileRun, GlobalSettingsShapeThePhasesThatUseThem) {
  ScratchDir dir;
  const std::string target = dir.file("data");
  const std::string job = write_file(dir.file("job.toml"),
                                     "target = \"" + target + "\"\n"
                                     "file-size = \"8M\"\n"
                                     "dedupe-unit = \"4k\"\n"
                                     "rate-process = \"poisson\"\n"
                                     "[[phase]]\nname = \"prefill\"\nwrite-percent = 100\nblock-size = \"8k\"\n"
                                     "dedupe-percent = 50\nrun-until-complete = true\n"
                                     "[[phase]]\nname = \"paced\"\nrate-iops = 200\nduration = \"1s\"\n"
                                     "[[phase]]\nname = \"reads\"\ntotal-ops = 1000\n");
  const std::string json = dir.file("r.json");
  const RunOutcome r = run_iopulse({"--config", job, "-q", "--json-output", json});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto phases = read_json(json)["phases"];
  ASSERT_EQ(phases.size(), 3u);
  // About 200 in the second (a schedule at a mean of 200 per second).
  const uint64_t paced = phases[1]["read"]["ops"].get<uint64_t>();
  EXPECT_GT(paced, 120u);
  EXPECT_LT(paced, 280u);
  EXPECT_EQ(phases[2]["read"]["ops"].get<uint64_t>(), 1000u);
  // The paced phase's arrivals, as the job it ran says.
  EXPECT_EQ(phases[1]["config"]["rate_process"], "poisson");
  // The prefill's 4 KiB chunks are duplicates or not each on its own, so
  // many of its 8 KiB blocks have one half that repeats an earlier chunk and
  // one that does not (all of them here: the duplicates are spread evenly);
  // with chunks of the block size (had the global dedupe-unit been dropped)
  // both halves of every block go together (none).
  std::ifstream in(target, std::ios::binary);
  std::set<std::string> seen;
  std::string chunk(4096, '\0');
  uint64_t blocks = 0, split = 0, duplicates = 0;
  while (true) {
    bool repeated[2];
    for (bool& rep : repeated) {
      if (!in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()))) break;
      rep = !seen.insert(chunk).second;
      duplicates += rep;
    }
    if (!in) break;
    ++blocks;
    split += repeated[0] != repeated[1];
  }
  ASSERT_EQ(blocks, 1024u);
  EXPECT_NEAR(100.0 * static_cast<double>(duplicates) / 2048.0, 50.0, 10.0);
  EXPECT_GT(100.0 * static_cast<double>(split) / 1024.0, 40.0);
}

TEST(JobFileRun, ConcurrentGroupsRunTheirOwnWorkloadsSideBySide) {
  ScratchDir dir;
  const std::string job = dir.file("composite.toml");
  std::ofstream(job) << "engine = \"null\"\nfile-size = \"64M\"\ntotal-ops = 3000\n"
                        "[[group]]\nname = \"small-random\"\nthreads = 2\nrandom = true\nblock-size = \"4k\"\n"
                        "read-percent = 50\n"
                        "[[group]]\nname = \"large-seq\"\nthreads = 1\nblock-size = \"1M\"\ntotal-ops = 100\n";
  const std::string json = dir.file("out.json");
  const RunOutcome r = run_iopulse({"--config", job, dir.file("t"), "--json-output", json, "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto phase = read_json(json)["phases"][0];
  ASSERT_EQ(phase["groups"].size(), 2u);
  const auto& small = phase["groups"][0];
  const auto& large = phase["groups"][1];
  EXPECT_EQ(small["name"], "small-random");
  EXPECT_EQ(small["total"]["ops"], 3000) << "the group's own budget";
  EXPECT_EQ(small["read"]["bytes"].get<uint64_t>(), small["read"]["ops"].get<uint64_t>() * 4096);
  EXPECT_GT(small["write"]["ops"].get<uint64_t>(), 1000u);
  EXPECT_EQ(large["name"], "large-seq");
  EXPECT_EQ(large["read"]["ops"], 100);
  EXPECT_EQ(large["read"]["bytes"], 100u << 20);
  EXPECT_EQ(large["write"]["ops"], 0);
  EXPECT_EQ(phase["total"]["ops"], 3100) << "the phase is the sum of its groups";
  EXPECT_EQ(phase["config"]["groups"][0]["threads"], 2);
  EXPECT_EQ(phase["config"]["groups"][1]["block_size"], 1u << 20);
}

// A phase and a group on their own files: each set is prepared at its own
// size before the first phase (the files on disk), and strace sees each
// workload read its own file only, a pass each; a verified phase on one set
// is checked by a later phase on it while another set is read beside.
TEST(JobFileRun, PhasesAndGroupsWorkOnTheirOwnFiles) {
  if (access("/usr/bin/strace", X_OK) != 0) GTEST_SKIP() << "strace is not installed";
  ScratchDir dir;
  const std::string job = write_file(
      dir.file("own.toml"),
      "target = \"" + dir.file("a") + "\"\nfile-size = \"1M\"\nrun-until-complete = true\n"
      "[[phase]]\nname = \"fill\"\nread-percent = 0\nverify = true\n"
      "[[phase]]\nname = \"other\"\ntarget = \"" + dir.file("b") + "\"\nfile-size = \"2M\"\n"
      "[[phase]]\nname = \"side-by-side\"\n"
      "[[phase.group]]\nname = \"check-a\"\nverify-only = true\n"
      "[[phase.group]]\nname = \"c\"\ntarget = \"" + dir.file("c") + "\"\nfile-size = \"512K\"\n");
  const RunOutcome plan = run_iopulse({"--config", job, "--dry-run"});
  ASSERT_EQ(plan.exit_code, 0) << plan.err;
  for (const char* f : {"a  1048576 bytes", "b  2097152 bytes", "c  524288 bytes"}) {
    EXPECT_NE(plan.out.find(dir.file(f)), std::string::npos) << plan.out;
  }
  EXPECT_FALSE(exists(dir.file("a"))) << "--dry-run touches nothing";
  const std::string trace = dir.file("trace");
  const std::string json = dir.file("r.json");
  const RunOutcome r = run_command({"/usr/bin/strace", "-E", asan_options_under_strace(), "-f", "-ff", "-qq", "-y",
                                    "-e", "trace=pread64", "-o", trace, IOPULSE_BINARY, "--config", job,
                                    "--json-output", json, "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(std::filesystem::file_size(dir.file("a")), kMiB);
  EXPECT_EQ(std::filesystem::file_size(dir.file("b")), 2 * kMiB);
  EXPECT_EQ(std::filesystem::file_size(dir.file("c")), kMiB / 2);
  std::map<std::string, int> reads = traced_reads_by_file(trace);  // file -> 4 KiB reads

  EXPECT_EQ(reads, (std::map<std::string, int>{{"a", 256}, {"b", 512}, {"c", 128}}));
  const nlohmann::json result = read_json(json);
  ASSERT_EQ(result["phases"].size(), 3u);
  EXPECT_EQ(result["phases"][0]["write"]["ops"], 256);
  EXPECT_EQ(result["phases"][1]["read"]["ops"], 512);
  EXPECT_EQ(result["phases"][1]["config"]["target"], dir.file("b"));
  const nlohmann::json& groups = result["phases"][2]["groups"];
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[0]["read"]["ops"], 256);
  EXPECT_EQ(groups[1]["read"]["ops"], 128);
  EXPECT_EQ(result["phases"][2]["config"]["groups"][1]["target"], dir.file("c"));
  EXPECT_EQ(result["total"]["errors"], 0);
}

// Verification on files of a group's or phase's own: a second group's
// working set (dedupe, verified blocks) is its own files', and a check of
// one set after another set was written whole demands only its own set's
// last whole write.  The blocks are read back correct (exit 0, no verify
// error), as a read-back with a fresh process confirms.
TEST(JobFileRun, VerificationHoldsOnEachSetOfFiles) {
  ScratchDir dir;
  const std::string job = write_file(
      dir.file("v.toml"),
      "target = \"" + dir.file("a") + "\"\nfile-size = \"1M\"\nrun-until-complete = true\n"
      "[[phase]]\nname = \"side-by-side\"\n[[phase.group]]\nname = \"g1\"\n"
      "[[phase.group]]\nname = \"g2\"\ntarget = \"" + dir.file("b") + "\"\nfile-size = \"4M\"\nverify = true\n"
      "read-percent = 0\ndedupe-percent = 50\n"
      "[[phase]]\nname = \"fill-c\"\ntarget = \"" + dir.file("c") + "\"\nread-percent = 0\nverify = true\n"
      "[[phase]]\nname = \"fill-d\"\ntarget = \"" + dir.file("d") + "\"\nread-percent = 0\nverify = true\n"
      "[[phase]]\nname = \"check-c\"\ntarget = \"" + dir.file("c") + "\"\nverify-only = true\n");
  const std::string json = dir.file("r.json");
  const RunOutcome r = run_iopulse({"--config", job, "--json-output", json, "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json result = read_json(json);
  EXPECT_EQ(result["phases"][0]["groups"][1]["write"]["ops"], 1024);
  EXPECT_EQ(result["phases"][3]["read"]["ops"], 256);
  EXPECT_EQ(result["total"]["errors"], 0);
  // An independent pass over b in a new process finds every block right.
  const RunOutcome again = run_iopulse({dir.file("b"), "--file-size", "4M", "--verify-only", "--run-until-complete",
                                        "--dedupe-percent", "50", "-q"});
  EXPECT_EQ(again.exit_code, 0) << again.err;
}

// One file under two sets of settings, or a job of several sets that
// something of one set is given to: one line, exit 2, nothing touched.
TEST(JobFileRun, OwnFilesThatCannotBePreparedOnceAreRefused) {
  ScratchDir dir;
  ASSERT_EQ(symlink(dir.file("a").c_str(), dir.file("link").c_str()), 0);
  const std::string head = "target = \"" + dir.file("a") + "\"\nfile-size = \"1M\"\n";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {head + "[[phase]]\n[[phase]]\nfile-size = \"2M\"\n",
       "'" + dir.file("a") + "' is a file of two different sets of files (target '" + dir.file("a") +
           "', 1 file; target '" + dir.file("a") + "', 1 file), of 1048576 and 2097152 bytes"},
      // One file under two names (a symbolic link).
      {head + "[[phase]]\n[[phase]]\ntarget = \"" + dir.file("link") + "\"\nfile-size = \"2M\"\n",
       "'" + dir.file("a") + "' is a file of two different sets of files (target '" + dir.file("a") +
           "', 1 file; target '" + dir.file("link") + "', 1 file)"},
      // A file of one set that is the directory of another's files.
      {head + "[[phase]]\n[[phase]]\nnum-files = 2\n",
       "'" + dir.file("a") + "' is a file of one set of files (target '" + dir.file("a") + "', 1 file) and a "
           "directory of another"},
      {head + "heatmap = true\n[[phase]]\n[[phase]]\ntarget = \"" + dir.file("b") + "\"\n",
       "--heatmap: one map covers one set of files, but this job works on 2 sets of files"},
      {head + "[[phase]]\n[[phase]]\ntarget = \"" + dir.file("b") + "\"\nexport-layout-manifest = \"" +
           dir.file("m") + "\"\n",
       "--export-layout-manifest: one manifest lists one set of files, but this job works on 2 sets of files"},
      {head + "verify-journal = \"" + dir.file("j") + "\"\nverify = true\nread-percent = 0\n[[phase]]\n[[phase]]\ntarget = \"" + dir.file("b") + "\"\n",
       "--verify-journal: one journal records one set of files, but this job works on 2 sets of files"},
      {"target = \"" + dir.file("t") + "\"\nmd-phases = \"tree-create\"\n[[phase]]\n[[phase]]\ntarget = \"" +
           dir.file("u") + "\"\n",
       "--md-phases: one tree per job, but this job works on 2 sets of files"},
  };
  for (const auto& [toml, expect] : cases) {
    const std::string job = write_file(dir.file("bad.toml"), toml);
    const RunOutcome r = run_iopulse({"--config", job, "-q"});
    EXPECT_EQ(r.exit_code, 2) << toml;
    EXPECT_NE(r.err.find(expect), std::string::npos) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    for (const char* f : {"a", "b", "j", "t", "u", "m"}) EXPECT_FALSE(exists(dir.file(f))) << toml << f;
  }
}

// Problems that planning finds (a target's rules) and conflicts between
// sets of files are listed together, one line each, for every phase and
// group, and nothing is touched.
TEST(JobFileRun, EveryPlanningProblemIsListed) {
  ScratchDir dir;
  const std::string planning = write_file(
      dir.file("planning.toml"),
      "target = \"" + dir.file("a") + "\"\nfile-size = \"1M\"\n"
      "[[phase]]\nname = \"one\"\ntarget = \"/dev/null\"\n"
      "[[phase]]\nname = \"two\"\n[[phase.group]]\nname = \"g\"\ntarget = \"/dev/zero\"\ndirect = true\n"
      "[[phase]]\nname = \"three\"\n");
  RunOutcome r = run_iopulse({"--config", planning, "--duration", "1s", "-q"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("2 problems with this job:\n  phase 'one': target '/dev/null': its reads end at once"));
  EXPECT_THAT(r.err, HasSubstr("\n  phase 'two', group 'g': --direct: '/dev/zero' cannot be opened with O_DIRECT"));
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 3) << r.err;

  const std::string sets = write_file(
      dir.file("sets.toml"),
      "file-size = \"1M\"\nduration = \"1s\"\n"
      "[[phase]]\ntarget = \"" + dir.file("a") + "\"\n"
      "[[phase]]\ntarget = \"" + dir.file("a") + "\"\nfile-size = \"2M\"\n"
      "[[phase]]\ntarget = \"" + dir.file("d") + "\"\nnum-files = 2\n"
      "[[phase]]\ntarget = \"" + dir.file("d") + "\"\n");
  r = run_iopulse({"--config", sets, "-q"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("2 problems with the job's files:\n  '" + dir.file("a") + "' is a file of two different "
                               "sets of files"));
  EXPECT_THAT(r.err, HasSubstr("\n  '" + dir.file("d") + "' is a file of one set of files"));
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 3) << r.err;
  for (const char* f : {"a", "d"}) EXPECT_FALSE(exists(dir.file(f))) << f;
}

TEST(JobFileRun, GroupsRefuseRunWideKeys) {
  ScratchDir dir;
  const std::string job = dir.file("bad.toml");
  std::ofstream(job) << "file-size = \"1M\"\n[[group]]\nthreads = 1\n[[group]]\njson-output = \"x.json\"\n";
  const RunOutcome r = run_iopulse({"--config", job, dir.file("t")});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(job + ":5: json-output: not accepted inside a phase"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace iopulse::test
