// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// Metadata workloads (--md-phases): the real binary, checked against what it
// did on disk (the tree walked after each phase, file contents), what the
// kernel saw (strace counts of stat calls), and its own result files only
// where they must agree with those.
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <thread>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "json_support.h"
#include "run_support.h"

namespace iopulse::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// Every entry under `root`, relative, directories with a trailing '/'.
std::set<std::string> walk(const std::string& root) {
  std::set<std::string> entries;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    std::string rel = fs::relative(e.path(), root).string();
    if (e.is_directory()) rel += "/";
    entries.insert(rel);
  }
  return entries;
}

// The tree the docs describe (docs/metadata.md), written out independently
// of the code: worker w's top directory md.<w> (or md.shared), `branching`
// dir.<k> below each directory above the deepest level, breadth first;
// `items` files f.<w>.<i> in each directory, i counting the worker's files in
// that order; one record .iopulse-md.<w> per worker (.iopulse-md-shared.<w>).
std::set<std::string> expected_tree(uint32_t workers, uint32_t depth, uint32_t branching, uint32_t items,
                                    bool shared = false, bool records = true) {
  std::set<std::string> entries;
  for (uint32_t w = 0; w < workers; ++w) {
    std::vector<std::string> level{shared ? "md.shared" : "md." + std::to_string(w)};
    std::vector<std::string> dirs = level;
    for (uint32_t l = 1; l < depth; ++l) {
      std::vector<std::string> next;
      for (const std::string& d : level) {
        for (uint32_t k = 0; k < branching; ++k) next.push_back(d + "/dir." + std::to_string(k));
      }
      dirs.insert(dirs.end(), next.begin(), next.end());
      level = next;
    }
    uint32_t i = 0;
    for (const std::string& d : dirs) {
      entries.insert(d + "/");
      for (uint32_t k = 0; k < items; ++k) {
        entries.insert(d + "/f." + std::to_string(w) + "." + std::to_string(i++));
      }
    }
    if (records) entries.insert((shared ? ".iopulse-md-shared." : ".iopulse-md.") + std::to_string(w));
  }
  return entries;
}

std::vector<std::string> md_args(const ScratchDir& dir, const std::string& phases, std::vector<std::string> more) {
  std::vector<std::string> args{dir.path() + "/t", "--md-phases", phases, "-q"};
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

class Metadata : public ::testing::Test {
 protected:
  void SetUp() override { fs::create_directory(dir_.path() + "/t"); }
  std::string target() const { return dir_.path() + "/t"; }
  std::string out(const std::string& name) const { return dir_.file(name); }
  ScratchDir dir_;
};

TEST_F(Metadata, CreationPhasesLeaveExactlyTheExpectedTree) {
  const RunOutcome r = run_iopulse(md_args(dir_, "tree-create,file-create",
                                           {"--md-depth", "3", "--md-branching", "2", "--md-items", "3", "--threads",
                                            "2", "--md-file-size", "1000", "--json-output", out("r.json")}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(walk(target()), expected_tree(2, 3, 2, 3));
  // 7 directories and 21 files per worker, each file 1000 bytes of its own.
  std::set<std::string> contents;
  for (const auto& e : fs::recursive_directory_iterator(target())) {
    if (!e.is_regular_file() || e.path().filename().string().starts_with(".iopulse")) continue;
    EXPECT_EQ(e.file_size(), 1000u) << e.path();
    contents.insert(read_file(e.path().string()));
  }
  EXPECT_EQ(contents.size(), 42u) << "every file holds fresh data";
  const json j = read_json(out("r.json"));
  ASSERT_EQ(j["phases"].size(), 2u);
  EXPECT_EQ(j["phases"][0]["metadata"]["mkdir"]["ops"], 14);
  EXPECT_EQ(j["phases"][1]["metadata"]["create"]["ops"], 42);
  EXPECT_EQ(j["phases"][1]["metadata"]["create"]["bytes"], 42000);
  EXPECT_EQ(j["phases"][1]["stop_reason"], "complete");
  EXPECT_GT(j["phases"][1]["metadata"]["create"]["latency_ns"]["percentiles"]["99"].get<double>(), 0);
}

TEST_F(Metadata, RemovalPhasesLeaveNothingBehind) {
  ASSERT_EQ(run_iopulse(md_args(dir_, "tree-create,file-create", {"--md-depth", "2", "--md-branching", "3",
                                                                   "--md-items", "5", "--threads", "2"}))
                .exit_code,
            0);
  ASSERT_EQ(walk(target()), expected_tree(2, 2, 3, 5));
  const RunOutcome r = run_iopulse(md_args(dir_, "file-remove,tree-remove",
                                           {"--md-depth", "2", "--md-branching", "3", "--md-items", "5", "--threads",
                                            "2", "--json-output", out("r.json")}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(walk(target()).empty());
  const json j = read_json(out("r.json"));
  EXPECT_EQ(j["phases"][0]["metadata"]["unlink"]["ops"], 40);
  EXPECT_EQ(j["phases"][1]["metadata"]["rmdir"]["ops"], 8);
}

TEST_F(Metadata, StatPhaseIssuesOneStatCallPerFile) {
  const std::vector<std::string> shape{"--md-depth", "2", "--md-branching", "4", "--md-items", "6"};
  ASSERT_EQ(run_iopulse(md_args(dir_, "tree-create,file-create", shape)).exit_code, 0);
  std::vector<std::string> args{"/usr/bin/strace", "-E", asan_options_under_strace(), "-f", "-qq", "-e", "trace=newfstatat,statx,stat,lstat",
                                "-o", out("trace"), IOPULSE_BINARY};
  for (const std::string& a : md_args(dir_, "stat", shape)) args.push_back(a);
  args.insert(args.end(), {"--json-output", out("r.json")});
  const RunOutcome r = run_command(args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::ifstream trace(out("trace"));
  uint64_t calls = 0;
  std::set<std::string> files;
  for (std::string line; std::getline(trace, line);) {
    const size_t at = line.find("\"md.0/");
    if (at == std::string::npos) continue;
    ++calls;
    files.insert(line.substr(at, line.find('"', at + 1) - at));
  }
  EXPECT_EQ(calls, 30u) << "5 directories of 6 files: one stat each";
  EXPECT_EQ(files.size(), 30u);
  EXPECT_EQ(read_json(out("r.json"))["metadata"]["stat"]["ops"], 30);
}

// One system call of an `strace -f` log: "PID name(args) = result",
// "PID <... name resumed>...", "PID name(args <unfinished ...>".  A resumed
// call is left out: its start line counted it.
struct TracedCall {
  std::string thread, name, line;
};
std::vector<TracedCall> traced_calls(const std::string& log) {
  std::vector<TracedCall> calls;
  const std::regex call_line(R"(^(\d+) +(?:<\.\.\. )?([a-z0-9_]+)[( ])");
  std::istringstream in(log);
  for (std::string line; std::getline(in, line);) {
    std::smatch m;
    if (!std::regex_search(line, m, call_line)) continue;
    if (line.find(" resumed>") != std::string::npos) continue;
    calls.push_back({m[1], m[2], line});
  }
  return calls;
}

// What the sync engine's worker does between a phase's first and last
// operation, as strace sees every system call of every thread: only the
// phase's own calls, one per directory (nothing of the host's: no record
// write, clock, futex or allocation call), in the order docs/metadata.md
// gives (tree removal deepest first, the top last).  The measured window
// holds these calls and the loop around them (docs/performance.md, "Where the
// last cells stand").
TEST_F(Metadata, SyncWorkerMakesOnlyThePhasesOwnCallsBetweenItsFirstAndLast) {
  const std::vector<std::string> shape{"--md-depth", "2", "--md-branching", "5", "--md-items", "20"};
  std::vector<std::string> args{"/usr/bin/strace", "-E", asan_options_under_strace(), "-f", "-qq", "-o", out("trace"),
                                IOPULSE_BINARY};
  for (const std::string& a : md_args(dir_, "tree-create,dir-create,dir-remove,tree-remove", shape)) args.push_back(a);
  const RunOutcome r = run_command(args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(walk(target()).empty());

  const std::vector<TracedCall> calls = traced_calls(read_file(out("trace")));
  // The calls of the thread that made the phase's operations, from its first
  // operation to its last; `is_op` picks the phase's operations.
  const auto span = [&](const std::function<bool(const std::string&)>& is_op) {
    std::vector<const TracedCall*> out_calls;
    size_t first = calls.size(), last = 0;
    for (size_t i = 0; i < calls.size(); ++i) {
      if (!is_op(calls[i].line)) continue;
      first = std::min(first, i);
      last = i;
    }
    if (first > last) return out_calls;
    for (size_t i = first; i <= last; ++i) {
      if (calls[i].thread == calls[first].thread) out_calls.push_back(&calls[i]);
    }
    return out_calls;
  };
  const std::regex tree_rmdir(R"(unlinkat\(\d+, "md\.0(/dir\.\d+)?", AT_REMOVEDIR)");
  const std::vector<const TracedCall*> removal = span([&](const std::string& l) { return std::regex_search(l, tree_rmdir); });
  ASSERT_EQ(removal.size(), 6u) << "6 tree removals and no other call of that thread between them";
  for (const TracedCall* c : removal) EXPECT_EQ(c->name, "unlinkat") << c->line;
  EXPECT_NE(removal.front()->line.find("\"md.0/dir.4\""), std::string::npos) << removal.front()->line;
  EXPECT_NE(removal.back()->line.find("\"md.0\""), std::string::npos) << removal.back()->line;

  const std::regex item_mkdir(R"(mkdirat\(\d+, "md\.0(/dir\.\d+)?/d\.0\.\d+")");
  const std::vector<const TracedCall*> creation = span([&](const std::string& l) { return std::regex_search(l, item_mkdir); });
  EXPECT_EQ(creation.size(), 120u) << "6 directories of 20 item directories, and no other call in between";
  for (const TracedCall* c : creation) EXPECT_EQ(c->name, "mkdirat") << c->line;
}

// A job of one process runs its metadata phases back to back on one crew of
// threads, as mdtest's ranks do (docs/metadata.md, "Phases"): strace sees
// every phase's operations on worker w's tree made by one and the same
// thread, no thread created once the first phase has begun, no sleep of
// that thread between two phases, and each phase's first operation after
// the previous phase's last operation of every worker (the barrier between
// phases).  With nothing streaming the phases (-q, no time series) the
// coordinator reports them once the crew ran them all: from the first
// operation to the last it makes no system call but the futex calls up to
// its wait.  The tree on disk is gone at the end.
TEST_F(Metadata, ConsecutivePhasesRunBackToBackInTheSameThreads) {
  const std::vector<std::string> shape{"--md-depth", "2", "--md-branching", "3", "--md-items", "10", "--threads",
                                       "2"};
  std::vector<std::string> args{"/usr/bin/strace", "-E", asan_options_under_strace(), "-f", "-qq", "-o", out("trace"),
                                IOPULSE_BINARY};
  for (const std::string& a : md_args(dir_, "tree-create,dir-create,dir-stat,dir-remove,tree-remove", shape)) {
    args.push_back(a);
  }
  args.insert(args.end(), {"--json-output", out("r.json")});
  const RunOutcome r = run_command(args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(walk(target()).empty());

  const std::vector<TracedCall> calls = traced_calls(read_file(out("trace")));
  // The phase of an operation on a worker's tree, and the worker: item
  // directories d.<w>.<i> are dir-create (mkdirat), dir-stat (stat calls)
  // and dir-remove (unlinkat); the tree's own directories tree-create and
  // tree-remove.
  const std::regex op(R"re((mkdirat|newfstatat|statx|unlinkat)\(\d+, "md\.(\d)(/dir\.\d+)?(/d\.\d+\.\d+)?")re");
  struct Op {
    size_t index;
    int phase;
    std::string worker;
  };
  std::vector<Op> ops;
  for (size_t i = 0; i < calls.size(); ++i) {
    std::smatch m;
    if (!std::regex_search(calls[i].line, m, op)) continue;
    const bool item = m[4].matched;
    const std::string name = m[1];
    int phase = 0;
    if (name == "mkdirat") phase = item ? 1 : 0;
    if (name == "newfstatat" || name == "statx") phase = 2;
    if (name == "unlinkat") phase = item ? 3 : 4;
    ops.push_back({i, phase, m[2]});
  }
  // 2 workers x (4 tree directories, 40 item directories created, stat and removed, 4 tree directories removed).
  ASSERT_EQ(ops.size(), 2u * (4 + 40 * 3 + 4)) << read_file(out("trace")).substr(0, 4000);
  std::map<std::string, std::string> thread_of;  // worker -> the thread of its operations
  for (const Op& o : ops) {
    const std::string& thread = calls[o.index].thread;
    if (!thread_of.count(o.worker)) thread_of[o.worker] = thread;
    EXPECT_EQ(thread, thread_of[o.worker]) << "worker " << o.worker << " changed threads: " << calls[o.index].line;
  }
  ASSERT_EQ(thread_of.size(), 2u);
  EXPECT_NE(thread_of["0"], thread_of["1"]);
  // Phases in order: every operation of phase p before any of phase p + 1.
  for (size_t k = 1; k < ops.size(); ++k) {
    EXPECT_LE(ops[k - 1].phase, ops[k].phase) << calls[ops[k - 1].index].line << " then " << calls[ops[k].index].line;
  }
  // From the first operation on: no new thread, and no sleep of a worker's
  // thread between its phases.
  for (size_t i = ops.front().index; i <= ops.back().index; ++i) {
    EXPECT_EQ(calls[i].name.rfind("clone", 0), std::string::npos) << calls[i].line;
    if (calls[i].thread == thread_of["0"] || calls[i].thread == thread_of["1"]) {
      EXPECT_EQ(calls[i].name.find("sleep"), std::string::npos) << calls[i].line;
    }
  }
  // The coordinator, the process's first thread: it opens the first phase
  // and falls asleep (on a busy machine the workers may begin before it
  // reaches its wait, so futex calls up to and including that wait may
  // fall inside the windows: waiting for the crew's mutex a worker holds,
  // FUTEX_WAIT, and waking it on the way into the wait); nothing else of
  // it, nothing after the wait on the condition variable (glibc's
  // FUTEX_WAIT_BITSET).
  const std::string coordinator = calls.front().thread;
  bool asleep = false;
  for (size_t i = ops.front().index; i <= ops.back().index; ++i) {
    if (calls[i].thread != coordinator) continue;
    const bool futex = calls[i].name == "futex";
    EXPECT_TRUE(futex && !asleep) << "the coordinator inside the phases' windows: " << calls[i].line;
    if (futex && calls[i].line.find("FUTEX_WAIT_BITSET") != std::string::npos) asleep = true;
  }
  const json j = read_json(out("r.json"));
  ASSERT_EQ(j["phases"].size(), 5u);
  EXPECT_EQ(j["phases"][0]["metadata"]["mkdir"]["ops"], 8);
  EXPECT_EQ(j["phases"][1]["metadata"]["mkdir"]["ops"], 80);
  EXPECT_EQ(j["phases"][2]["metadata"]["stat"]["ops"], 80);
  EXPECT_EQ(j["phases"][3]["metadata"]["rmdir"]["ops"], 80);
  EXPECT_EQ(j["phases"][4]["metadata"]["rmdir"]["ops"], 8);
}

TEST_F(Metadata, IoUringAtQueueDepth16BuildsAndRemovesTheSameTree) {
  const std::vector<std::string> shape{"--md-depth", "3", "--md-branching", "3", "--md-items", "4", "--engine",
                                       "io_uring", "--queue-depth", "16", "--md-file-size", "512"};
  RunOutcome r = run_iopulse(md_args(dir_, "tree-create,file-create,stat,read", shape));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(walk(target()), expected_tree(1, 3, 3, 4));
  r = run_iopulse(md_args(dir_, "rename,file-remove,tree-remove", shape));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(walk(target()).empty());
}

// An engine with a completion fd (io_uring) is waited on through it, as in
// data phases (docs/design.md, "Waiting for completions"): strace sees the
// metadata worker ppoll the engine's eventfd together with the run's stop
// eventfd, and wake up for completions, not only for the time limit.
TEST_F(Metadata, IoUringMetadataWorkerWaitsOnTheCompletionFd) {
  const std::vector<std::string> shape{"--md-depth", "2", "--md-branching", "4", "--md-items", "50", "--engine",
                                       "io_uring", "--queue-depth", "16"};
  std::vector<std::string> args{"/usr/bin/strace", "-E", asan_options_under_strace(), "-f", "-qq", "-e", "trace=eventfd2,ppoll", "-o", out("trace"),
                                IOPULSE_BINARY};
  for (const std::string& a : md_args(dir_, "tree-create,file-create,file-remove,tree-remove", shape)) {
    args.push_back(a);
  }
  const RunOutcome r = run_command(args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(walk(target()).empty());
  std::set<std::string> eventfds;
  uint64_t waits = 0, woken_by_completion = 0;
  const std::regex made(R"(eventfd2\(.*\) += (\d+))");
  const std::regex wait(R"(ppoll\(\[\{fd=(\d+), events=POLLIN\}, \{fd=(\d+), events=POLLIN\}\], 2,.*= 1 \(\[\{fd=(\d+), revents=POLLIN)");
  std::istringstream in(read_file(out("trace")));
  for (std::string line; std::getline(in, line);) {
    std::smatch m;
    if (std::regex_search(line, m, made)) eventfds.insert(m[1]);
    if (line.find("ppoll(") == std::string::npos) continue;
    ++waits;
    if (std::regex_search(line, m, wait)) {
      EXPECT_TRUE(eventfds.count(m[1]) && eventfds.count(m[2])) << line;
      if (m[3] == m[1]) ++woken_by_completion;
    }
  }
  EXPECT_GT(waits, 0u) << "the metadata worker never waited on the completion fd";
  EXPECT_GT(woken_by_completion, 0u);
}

TEST_F(Metadata, RemovalInADirectoryIOPulseDidNotCreateIsRefusedAndTouchesNothing) {
  fs::create_directories(target() + "/md.0/dir.0");
  std::ofstream(target() + "/md.0/f.0.0") << "mine";
  const std::set<std::string> before = walk(target());
  const RunOutcome r = run_iopulse(md_args(dir_, "file-remove,tree-remove",
                                           {"--md-depth", "2", "--md-items", "1", "--json-output", out("r.json")}));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("IOPulse removes only what it created"), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_EQ(walk(target()), before);
  EXPECT_FALSE(fs::exists(out("r.json")));
}

TEST_F(Metadata, BadInputExitsTwoWithOneLineAndTouchesNothing) {
  for (const std::vector<std::string>& bad :
       {std::vector<std::string>{"--md-items", "-5"}, {"--md-depth", "0", "--md-items", "4"},
        {"--md-phases", "tree-create,explode"}, {"--md-branching", "0"}, {"--md-mix", "stat:70"},
        {"--md-items", "1", "--block-size", "8k"}}) {
    std::vector<std::string> args = md_args(dir_, "tree-create,file-create", bad);
    args.insert(args.end(), {"--json-output", out("r.json")});
    const RunOutcome r = run_iopulse(args);
    EXPECT_EQ(r.exit_code, 2) << bad[0] << " " << bad[1] << ": " << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_TRUE(walk(target()).empty()) << bad[0];
    EXPECT_FALSE(fs::exists(out("r.json")));
  }
  const RunOutcome depth0 = run_iopulse(md_args(dir_, "tree-create", {"--md-depth", "0", "--md-items", "4"}));
  EXPECT_NE(depth0.err.find("--md-depth 0"), std::string::npos) << depth0.err;
}

TEST_F(Metadata, CreationInANonEmptyDirectoryNeedsConsent) {
  std::ofstream(target() + "/someone-elses") << "x";
  RunOutcome r = run_iopulse(md_args(dir_, "tree-create", {}));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("not empty"), std::string::npos) << r.err;
  EXPECT_EQ(walk(target()), std::set<std::string>{"someone-elses"});
  r = run_iopulse(md_args(dir_, "tree-create,tree-remove", {"--md-allow-nonempty"}));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(walk(target()), std::set<std::string>{"someone-elses"});
}

TEST_F(Metadata, StonewalledCreationStopsEveryWorkerAndLaterPhasesUseWhatExists) {
  const std::vector<std::string> shape{"--md-items", "400000", "--threads", "2"};
  std::vector<std::string> args = md_args(dir_, "tree-create,file-create", shape);
  args.insert(args.end(), {"--duration", "1s", "--json-output", out("c.json")});
  RunOutcome r = run_iopulse(args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json c = read_json(out("c.json"));
  const json& create = c["phases"][1];
  EXPECT_EQ(create["stop_reason"], "duration");
  ASSERT_EQ(create["worker_ops"].size(), 2u);
  const uint64_t made = create["metadata"]["create"]["ops"].get<uint64_t>();
  EXPECT_EQ(made, create["worker_ops"][0].get<uint64_t>() + create["worker_ops"][1].get<uint64_t>());
  EXPECT_LT(made, 800000u);
  // What is on disk is exactly what the phase reports it created.
  uint64_t on_disk = 0;
  for (const auto& e : fs::recursive_directory_iterator(target())) {
    on_disk += e.is_regular_file() && !e.path().filename().string().starts_with(".iopulse");
  }
  EXPECT_EQ(on_disk, made);
  args = md_args(dir_, "stat,file-remove,tree-remove", shape);
  args.insert(args.end(), {"--json-output", out("s.json")});
  r = run_iopulse(args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(read_json(out("s.json"))["phases"][0]["metadata"]["stat"]["ops"].get<uint64_t>(), made);
  EXPECT_TRUE(walk(target()).empty());
}

TEST_F(Metadata, MixOverAnExistingTreeDrawsEachOpByItsWeight) {
  const std::vector<std::string> shape{"--md-items", "50", "--md-file-size", "4k"};
  ASSERT_EQ(run_iopulse(md_args(dir_, "tree-create,file-create", shape)).exit_code, 0);
  std::vector<std::string> args = md_args(dir_, "mix", shape);
  args.insert(args.end(), {"--md-mix", "stat:70,read_file:20,create:10", "--total-ops", "5000", "--random",
                           "--distribution", "zipf", "--json-output", out("m.json"), "--csv-output", out("m.csv"),
                           "--timeseries-output", out("m.jsonl"), "--stats-interval", "100ms"});
  const RunOutcome r = run_iopulse(args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json j = read_json(out("m.json"));
  const uint64_t stat = j["metadata"]["stat"]["ops"], read = j["metadata"]["read_file"]["ops"],
                 create = j["metadata"]["create"]["ops"];
  EXPECT_EQ(stat + read + create, 5000u);
  EXPECT_NEAR(stat / 5000.0, 0.7, 0.04);
  EXPECT_NEAR(read / 5000.0, 0.2, 0.04);
  EXPECT_EQ(j["metadata"]["read_file"]["bytes"].get<uint64_t>(), read * 4096);
  // The streamed series add up to the totals: CSV by column name, JSON Lines by key.
  std::ifstream csv(out("m.csv"));
  std::string header;
  std::getline(csv, header);
  std::vector<std::string> columns;
  std::stringstream hs(header);
  for (std::string c; std::getline(hs, c, ',');) columns.push_back(c);
  const size_t stat_col = std::find(columns.begin(), columns.end(), "stat_ops") - columns.begin();
  ASSERT_LT(stat_col, columns.size()) << header;
  uint64_t csv_stat = 0;
  for (std::string row; std::getline(csv, row);) {
    std::stringstream rs(row);
    std::string cell;
    for (size_t i = 0; i <= stat_col; ++i) std::getline(rs, cell, ',');
    csv_stat += std::stoull(cell);
  }
  EXPECT_EQ(csv_stat, stat);
  std::ifstream jsonl(out("m.jsonl"));
  uint64_t jsonl_create = 0;
  for (std::string line; std::getline(jsonl, line);) {
    const json i = json::parse(line);
    if (i.contains("metadata") && i["metadata"].contains("create")) jsonl_create += i["metadata"]["create"]["ops"].get<uint64_t>();
  }
  EXPECT_EQ(jsonl_create, create);
  // The tree keeps its shape: the mix's create re-creates names of the tree.
  EXPECT_EQ(walk(target()), expected_tree(1, 1, 1, 50));
  // The text summary and the HTML report show each op kind.
  EXPECT_NE(r.out.find("\nread_file\n"), std::string::npos) << r.out;
  const RunOutcome html = run_iopulse({"report", out("m.json"), "-o", out("m.html")});
  ASSERT_EQ(html.exit_code, 0) << html.err;
  const std::string page = read_file(out("m.html"));
  EXPECT_NE(page.find("Metadata operations"), std::string::npos);
  EXPECT_NE(page.find(">read_file<"), std::string::npos);
  // Its charts draw every kind the results hold: over time (the rates, a
  // latency chart per kind) and in the latency distribution.
  EXPECT_EQ(page.find("No time series"), std::string::npos);
  EXPECT_EQ(page.find("carry no latency histogram"), std::string::npos);
  const auto chart = [&page](const std::string& id) {
    const size_t at = page.find("id=\"chart-" + id + "\"");
    return at == std::string::npos ? std::string() : page.substr(at, page.find("</svg>", at) - at);
  };
  for (const std::string kind : {"stat", "read_file", "create"}) {
    EXPECT_NE(chart("iops").find("data-series=\"m " + kind + "\""), std::string::npos) << kind;
    EXPECT_NE(chart("histogram").find("data-series=\"m " + kind + "\""), std::string::npos) << kind;
    EXPECT_FALSE(chart("latency-" + kind).empty()) << kind;
  }
  // Bandwidth: the kinds that move bytes (read_file), not the stats.
  EXPECT_NE(chart("bandwidth").find("data-series=\"m read_file\""), std::string::npos);
  EXPECT_EQ(chart("bandwidth").find("data-series=\"m stat\""), std::string::npos);
}

TEST_F(Metadata, NoSpaceLeftEndsThePhaseWithTheErrnoTextAndValidResults) {
  const std::string small = target() + "/small";
  fs::create_directory(small);
  if (mount("tmpfs", small.c_str(), "tmpfs", 0, "size=1m,nr_inodes=60") != 0) {
    GTEST_SKIP() << "cannot mount a tmpfs here: " << std::strerror(errno);
  }
  struct Unmount {
    std::string path;
    ~Unmount() { umount2(path.c_str(), MNT_DETACH); }
  } unmount{small};
  std::vector<std::string> args{small, "--md-phases", "tree-create,file-create,file-remove", "--md-items", "500",
                                "-q", "--json-output", out("r.json"), "--csv-output", out("r.csv")};
  const RunOutcome r = run_iopulse(args);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("No space left on device"), std::string::npos) << r.err;
  const json j = read_json(out("r.json"));
  EXPECT_EQ(j["stop_reason"], "error");
  EXPECT_GE(j["phases"][1]["metadata"]["create"]["errors"].get<uint64_t>(), 1u);
  EXPECT_NE(j["errors"][0].get<std::string>().find("No space left on device"), std::string::npos);
  // The failed phase ends the job: the removal after it never ran, its
  // files are all still there.
  EXPECT_EQ(j["phases"].size(), 2u);
  size_t files = 0;
  for (const std::string& e : walk(small)) files += e.find("/f.") != std::string::npos ? 1 : 0;
  EXPECT_GE(files, 1u);
  // The files it did create are recorded, so removal takes them all.
  const RunOutcome clean = run_iopulse({small, "--md-phases", "file-remove,tree-remove", "--md-items", "500", "-q"});
  EXPECT_EQ(clean.exit_code, 0) << clean.err;
  EXPECT_TRUE(walk(small).empty());
}

// A results sink that fails only at a phase's last hand-over (a phase
// shorter than one interval writes the time series once, at its end; /dev/full
// refuses it) stops the job after the crew's last worker may already have
// started the next phase.  What ran is reported: every file on disk is one a
// reported phase created and no reported phase removed.
TEST_F(Metadata, APhaseTheCrewStartedBeforeTheJobStoppedIsReported) {
  const RunOutcome r = run_iopulse(md_args(dir_, "tree-create,file-create,file-remove,tree-remove",
                                           {"--md-items", "300", "--timeseries-output", "/dev/full",
                                            "--json-output", out("r.json")}));
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("No space left on device"), std::string::npos) << r.err;
  const json j = read_json(out("r.json"));
  ASSERT_GE(j["phases"].size(), 1u);
  // The file creation may have ended by itself before the failing report of
  // the tree's creation stopped the job, and the crew then started the
  // removal (stopped at once, unless it too ended first): every phase that
  // ran is reported, however far the crew got.
  uint64_t created = 0, removed = 0;
  for (const json& phase : j["phases"]) {
    // A phase stopped before its first operation has no metadata member.
    const json md = phase.value("metadata", json::object());
    if (md.contains("create")) created += md["create"]["ops"].get<uint64_t>();
    if (md.contains("unlink")) removed += md["unlink"]["ops"].get<uint64_t>();
  }
  size_t files = 0;
  for (const std::string& e : walk(target())) files += e.find("/f.") != std::string::npos ? 1 : 0;
  EXPECT_EQ(files, created - removed) << "files on disk that the reported phases did not leave (created "
                                      << created << ", removed " << removed << ")";
}

// The process (one) whose command line names `text`, or 0.
pid_t process_naming(const std::string& text) {
  for (const auto& e : fs::directory_iterator("/proc")) {
    const std::string name = e.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream in(e.path() / "cmdline", std::ios::binary);
    std::stringstream cmdline;
    cmdline << in.rdbuf();
    if (cmdline.str().find(text) != std::string::npos && cmdline.str().find(IOPULSE_BINARY) == 0) {
      return static_cast<pid_t>(std::stol(name));
    }
  }
  return 0;
}

// A SIGINT while the coordinator still reports one phase and the crew runs
// the next stops the running phase at once (its workers watch the interrupt
// themselves; before, only the coordinator did, once it watched that
// phase), and the results of every phase that ran are written.  The point
// is made certain: the time series goes to a pipe this test keeps full and
// does not read, so the coordinator blocks in its first write, as it
// reports the tree's creation, while the crew goes on to create 200,000
// files.  Once the first file is there the signal goes to a thread other
// than the coordinator's (a process's signal may go to any of its threads);
// the pipe is read only once the worker has written its record of the
// creation (it ended its part of the phase), or made the last file.
TEST_F(Metadata, AnInterruptWhileThePhaseBeforeIsReportedStopsTheRunningPhaseAtOnce) {
  using namespace std::chrono_literals;
  const std::string fifo = out("series");
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  const int reader = open(fifo.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  ASSERT_GE(reader, 0);
  ASSERT_GE(fcntl(reader, F_SETPIPE_SZ, 4096), 0);
  {
    const int filler = open(fifo.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
    ASSERT_GE(filler, 0);
    const std::string junk(4096, '\n');
    while (write(filler, junk.data(), junk.size()) > 0) {
    }
    close(filler);
  }
  constexpr uint64_t kFiles = 200000;
  const std::string record = target() + "/.iopulse-md.0";
  const std::string last_file = target() + "/md.0/f.0." + std::to_string(kFiles - 1);
  std::atomic<bool> signalled{false};
  std::string series;
  std::thread drain([&] {
    // (Should the run never get there, the pipe is read after two minutes
    // all the same, so the run ends and the checks below fail.)
    const auto give_up = std::chrono::steady_clock::now() + 120s;
    while (!signalled.load() && std::chrono::steady_clock::now() < give_up) std::this_thread::sleep_for(10ms);
    while (std::chrono::steady_clock::now() < give_up) {
      std::error_code ec;
      if (fs::exists(last_file, ec)) break;
      std::ifstream in(record);
      std::stringstream text;
      text << in.rdbuf();
      const json r = json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
      if (r.is_object() && r.contains("files_end") && r["files_end"].get<uint64_t>() < kFiles) break;
      std::this_thread::sleep_for(10ms);
    }
    fcntl(reader, F_SETFL, 0);
    char buf[65536];
    for (ssize_t n; (n = read(reader, buf, sizeof buf)) > 0;) series.append(buf, static_cast<size_t>(n));
  });
  const RunOutcome r = run_iopulse_and_signal_when(
      md_args(dir_, "tree-create,file-create,file-remove,tree-remove",
              {"--md-depth", "1", "--md-items", std::to_string(kFiles), "--md-file-size", "0", "--timeseries-output",
               fifo, "--json-output", out("r.json")}),
      [&] {
        std::error_code ec;
        if (!fs::exists(target() + "/md.0/f.0.0", ec)) return false;
        const pid_t pid = process_naming(target());
        if (pid == 0) return false;
        for (const auto& t : fs::directory_iterator("/proc/" + std::to_string(pid) + "/task")) {
          const pid_t tid = static_cast<pid_t>(std::stol(t.path().filename().string()));
          if (tid == pid) continue;
          if (syscall(SYS_tgkill, pid, tid, SIGINT) == 0) {
            signalled = true;
            return true;
          }
        }
        return false;
      },
      0);  // (the signal went above, to one thread)
  signalled = true;
  drain.join();
  close(reader);
  EXPECT_EQ(r.exit_code, 130) << r.err;
  EXPECT_NE(series.find("\"phase\":\"tree-create\""), std::string::npos) << "the reported phase's time series";
  const json j = read_json(out("r.json"));
  EXPECT_EQ(j["stop_reason"], "interrupted");
  ASSERT_EQ(j["phases"].size(), 2u) << "the phases that ran, and no other";
  EXPECT_EQ(j["phases"][0]["stop_reason"], "complete") << "the tree was made before the signal";
  EXPECT_EQ(j["phases"][0]["metadata"]["mkdir"]["ops"], 1);
  EXPECT_EQ(j["phases"][1]["stop_reason"], "interrupted");
  const uint64_t created = j["phases"][1]["metadata"]["create"]["ops"].get<uint64_t>();
  EXPECT_LT(created, kFiles) << "the creation ran on while its coordinator was busy";
  size_t files = 0;
  for (const std::string& e : walk(target())) files += e.find("/f.") != std::string::npos ? 1 : 0;
  EXPECT_EQ(files, created);
  // The record holds what was created: removal takes it all.
  const RunOutcome clean = run_iopulse(md_args(dir_, "file-remove,tree-remove", {"--md-depth", "1", "--md-items",
                                                                                 std::to_string(kFiles)}));
  EXPECT_EQ(clean.exit_code, 0) << clean.err;
  EXPECT_TRUE(walk(target()).empty());
}

TEST_F(Metadata, TooFewDescriptorsEndTheCreationWithEmfile) {
  // The sync engine holds one descriptor per create while it runs: with a
  // limit just above what the process holds before the phase, open() fails
  // with EMFILE.  The smallest limit that gets the job that far is found by
  // trying; one of them must end the creation with EMFILE and valid results.
  bool seen = false;
  for (int limit = 4; limit <= 16 && !seen; ++limit) {
    fs::remove_all(target());
    fs::create_directory(target());
    fs::remove(out("r.json"));
    const std::string cmd = "ulimit -n " + std::to_string(limit) + " && exec " + IOPULSE_BINARY + " " + target() +
                            " --md-phases tree-create,file-create --md-items 64 -q --json-output " + out("r.json");
    const RunOutcome r = run_command({"/bin/sh", "-c", cmd});
    if (!fs::exists(out("r.json"))) continue;  // too few to get going (nothing measured)
    const json j = read_json(out("r.json"));
    if (j["phases"].size() < 2 || !j["phases"][1].contains("metadata")) continue;
    if (r.exit_code == 0) break;  // enough descriptors for every create: no lower limit got this far
    seen = true;
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find("Too many open files"), std::string::npos) << r.err;
    EXPECT_EQ(j["stop_reason"], "error");
    EXPECT_GE(j["phases"][1]["metadata"]["create"]["errors"].get<uint64_t>(), 1u);
  }
  EXPECT_TRUE(seen) << "no descriptor limit from 4 to 16 ended the creation with EMFILE";
}

// A set-up that fails for want of a descriptor (the run's events, the
// engine's ring, the target's directory) has created nothing, and leaves no
// claim that it did: at every limit, a record that names the tree finds it
// on disk.  The run ends with the errno text and its results written (the
// phases before the failure included), as a creation that meets EMFILE does.
TEST_F(Metadata, ASetUpWithoutDescriptorsLeavesNoClaimOfWhatItNeverCreated) {
  int failed = 0;
  for (int limit = 4; limit <= 24; ++limit) {
    fs::remove_all(target());
    fs::create_directory(target());
    fs::remove(out("r.json"));
    const std::string cmd = "ulimit -n " + std::to_string(limit) + " && exec " + IOPULSE_BINARY + " " + target() +
                            " --md-phases tree-create,file-create --md-items 64 --engine io_uring --queue-depth 16 -q"
                            " --json-output " + out("r.json");
    const RunOutcome r = run_command({"/bin/sh", "-c", cmd});
    // (Too few to read the plugin directory: the engine is not found, an
    // error of the system (exit 1), before anything is touched; how many
    // descriptors the process inherits varies.)
    if (r.err.find("error while loading shared libraries") != std::string::npos) continue;  // (never started)
    if (r.err.find("a plugin directory that may hold it could not be read") != std::string::npos) {
      EXPECT_EQ(r.exit_code, 1) << r.err;
      EXPECT_FALSE(fs::exists(out("r.json")));
      continue;
    }
    ASSERT_TRUE(fs::exists(out("r.json"))) << "limit " << limit << ": no results; " << r.err;
    const json j = read_json(out("r.json"));
    if (r.exit_code != 0) {
      ++failed;
      EXPECT_EQ(r.exit_code, 1) << "limit " << limit << ": " << r.err;
      EXPECT_NE(r.err.find("Too many open files"), std::string::npos) << "limit " << limit << ": " << r.err;
      EXPECT_EQ(j["stop_reason"], "error") << "limit " << limit;
      EXPECT_NE(j["errors"].dump().find("Too many open files"), std::string::npos) << j["errors"].dump();
      // The phases that ran are in the results, the last one failed.
      ASSERT_TRUE(j.contains("phases")) << "limit " << limit << ": " << j.dump();
      EXPECT_EQ(j["phases"].back()["stop_reason"], "error") << "limit " << limit;
      EXPECT_NE(j["phases"].back()["errors"].dump().find("Too many open files"), std::string::npos);
    } else {
      EXPECT_EQ(j["phases"].size(), 2u) << "limit " << limit;
    }
    const std::string record = target() + "/.iopulse-md.0";
    if (!fs::exists(record)) continue;
    const json claim = read_json(record);
    if (claim["dirs"].get<uint32_t>() >= 1) {
      EXPECT_TRUE(fs::is_directory(target() + "/md.0")) << "limit " << limit << ": " << r.err;
    }
  }
  EXPECT_GT(failed, 0) << "no limit from 4 to 24 was too low";
}

// A removal cut short leaves the record naming everything still there: a
// file removal stopped by its time limit leaves files, the tree removal
// after it fails on the directory that holds them (ENOTEMPTY), and a later
// removal job takes what is left, down to nothing.
TEST_F(Metadata, ARemovalCutShortLeavesWhatRemainsInTheRecord) {
  const std::vector<std::string> shape{"--md-items", "50000"};
  ASSERT_EQ(run_iopulse(md_args(dir_, "tree-create,file-create", shape)).exit_code, 0);
  std::vector<std::string> cut = md_args(dir_, "file-remove,tree-remove", shape);
  cut.insert(cut.end(), {"--duration", "10ms"});
  const RunOutcome first = run_iopulse(cut);
  ASSERT_EQ(first.exit_code, 1) << "the file removal was not cut short: " << first.err;
  EXPECT_NE(first.err.find("Directory not empty"), std::string::npos) << first.err;
  ASSERT_TRUE(fs::is_directory(target() + "/md.0"));
  const RunOutcome rest = run_iopulse(md_args(dir_, "file-remove,tree-remove", shape));
  EXPECT_EQ(rest.exit_code, 0) << rest.err;
  EXPECT_TRUE(walk(target()).empty());
}

// A rename phase killed between its renames away and back leaves files
// under their other name ("<name>.r"): its record claims them, and the next
// phase gives them their names back before its window, so a stat finds every
// file and the removal after it leaves nothing.
TEST_F(Metadata, ARenamePhaseKilledMidwayLeavesNoFileUnderItsOtherName) {
  constexpr int kFiles = 20000;
  const std::vector<std::string> shape{"--md-items", std::to_string(kFiles)};
  ASSERT_EQ(run_iopulse(md_args(dir_, "tree-create,file-create", shape)).exit_code, 0);
  std::vector<std::string> rename = md_args(dir_, "rename", shape);
  rename.insert(rename.end(), {"--engine", "io_uring", "--queue-depth", "64"});
  // (Files from a quarter through: the first poll comes 0.1 s after the
  // start, and the phase takes a few tenths of a second.)
  std::vector<std::string> watched;
  for (int i = kFiles / 4; i < kFiles; i += kFiles / 8) watched.push_back(target() + "/md.0/f.0." + std::to_string(i) + ".r");
  const auto any_away = [&] {
    return std::any_of(watched.begin(), watched.end(), [](const std::string& p) { return fs::exists(p); });
  };
  std::set<std::string> away;
  for (int attempt = 0; attempt < 5 && away.empty(); ++attempt) {
    // Killed as soon as one of them stands under its other name (a tight
    // loop of stats, within its chunk of 64 renames).
    const RunOutcome killed = run_iopulse_and_signal_when(
        rename,
        [&] {
          const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
          while (!any_away() && std::chrono::steady_clock::now() < until) {
          }
          return true;
        },
        SIGKILL);
    for (const std::string& e : walk(target())) {
      if (e.size() > 2 && e.compare(e.size() - 2, 2, ".r") == 0) away.insert(e);
    }
    if (away.empty()) continue;  // killed after the chunk's renames back: try again
    // Every file under its other name is in the record's claim.
    const json record = read_json(target() + "/.iopulse-md.0");
    ASSERT_TRUE(record.contains("renaming_end")) << record.dump();
    for (const std::string& e : away) {
      const uint64_t item = std::stoull(e.substr(std::string("md.0/f.0.").size()));
      EXPECT_GE(item, record["renaming_begin"].get<uint64_t>()) << e;
      EXPECT_LT(item, record["renaming_end"].get<uint64_t>()) << e;
    }
  }
  ASSERT_FALSE(away.empty()) << "no kill found a file under its other name";
  std::vector<std::string> stat = md_args(dir_, "stat", shape);
  stat.insert(stat.end(), {"--json-output", out("stat.json")});
  const RunOutcome r = run_iopulse(stat);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("gave " + std::to_string(away.size()) + " files back"), std::string::npos) << r.err;
  const json j = read_json(out("stat.json"));
  EXPECT_EQ(j["metadata"]["stat"]["ops"].get<uint64_t>(), static_cast<uint64_t>(kFiles));
  EXPECT_EQ(j["metadata"]["stat"]["errors"].get<uint64_t>(), 0u);
  EXPECT_FALSE(read_json(target() + "/.iopulse-md.0").contains("renaming_end"));
  EXPECT_EQ(walk(target()), expected_tree(1, 1, 1, kFiles));
  ASSERT_EQ(run_iopulse(md_args(dir_, "file-remove,tree-remove", shape)).exit_code, 0);
  EXPECT_TRUE(walk(target()).empty());
}

// A creation killed midway (SIGKILL: the exact record is never written)
// leaves its claim, which names every file the phase would have made.  Which
// of them it made is unknown, so a later job refuses the record (exit 2, one
// line, nothing touched): a file someone made since under a claimed name is
// never removed.  With --md-adopt-claims the claimed names that exist are
// taken as IOPulse's: a stat finds every one of them, and the removal after
// it leaves nothing.
TEST_F(Metadata, ACreationKilledMidwayIsRefusedUntilItsClaimIsAdopted) {
  constexpr int kFiles = 200000;
  const std::vector<std::string> shape{"--md-items", std::to_string(kFiles), "--engine", "sync"};
  ASSERT_EQ(run_iopulse(md_args(dir_, "tree-create", shape)).exit_code, 0);
  const std::string early = target() + "/md.0/f.0.2000";
  run_iopulse_and_signal_when(
      md_args(dir_, "file-create", shape),
      [&] {
        const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        while (!fs::exists(early) && std::chrono::steady_clock::now() < until) {
        }
        return true;
      },
      SIGKILL);
  const std::string record = target() + "/.iopulse-md.0";
  ASSERT_EQ(read_json(record).value("unconfirmed", ""), "files") << read_file(record);
  uint64_t made = 0;
  while (fs::exists(target() + "/md.0/f.0." + std::to_string(made))) ++made;
  ASSERT_GT(made, 2000u);
  ASSERT_LT(made, static_cast<uint64_t>(kFiles)) << "the creation ended before the kill";
  const std::string theirs = target() + "/md.0/f.0." + std::to_string(kFiles - 1);
  write_file(theirs, "not IOPulse's");
  const std::set<std::string> before = walk(target());
  EXPECT_EQ(before.size(), made + 3) << "md.0/, the record, the files made and theirs";
  const std::string record_before = read_file(record);
  for (const char* phases : {"file-remove,tree-remove", "stat"}) {
    const RunOutcome r = run_iopulse(md_args(dir_, phases, shape));
    EXPECT_EQ(r.exit_code, 2) << phases << ": " << r.err;
    EXPECT_EQ(lines(r.err), 1u) << r.err;
    EXPECT_NE(r.err.find("never finished"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("--md-adopt-claims"), std::string::npos) << r.err;
    EXPECT_EQ(walk(target()), before) << phases;
    EXPECT_EQ(read_file(record), record_before) << phases;
  }
  EXPECT_EQ(read_file(theirs), "not IOPulse's");
  fs::remove(theirs);
  std::vector<std::string> stat = md_args(dir_, "stat", shape);
  stat.insert(stat.end(), {"--md-adopt-claims", "--json-output", out("stat.json")});
  const RunOutcome adopted = run_iopulse(stat);
  EXPECT_EQ(adopted.exit_code, 0) << adopted.err;
  EXPECT_NE(adopted.err.find(std::to_string(made) + " of the " + std::to_string(kFiles) + " files it claimed exist"),
            std::string::npos)
      << adopted.err;
  const json j = read_json(out("stat.json"));
  EXPECT_EQ(j["metadata"]["stat"]["ops"].get<uint64_t>(), made);
  EXPECT_EQ(j["metadata"]["stat"]["errors"].get<uint64_t>(), 0u);
  EXPECT_FALSE(read_json(record).contains("unconfirmed"));
  EXPECT_EQ(read_json(record)["files_end"].get<uint64_t>(), made);
  ASSERT_EQ(run_iopulse(md_args(dir_, "file-remove,tree-remove", shape)).exit_code, 0);
  EXPECT_TRUE(walk(target()).empty());
}

// Adopting a claim takes what its run can have created: with at most a
// queue depth of creates in flight, once that many names in a row are
// missing nothing after them is the run's.  A file someone made further up
// the claimed names is left out of the record, and untouched by the removal
// after it; the warning counts the names that exist.
TEST_F(Metadata, AnAdoptedClaimEndsWhereItsRunCannotHaveCreated) {
  const std::vector<std::string> shape{"--md-items", "50"};
  ASSERT_EQ(run_iopulse(md_args(dir_, "tree-create,file-create", shape)).exit_code, 0);
  const std::string record = target() + "/.iopulse-md.0";
  json claim = read_json(record);
  claim["unconfirmed"] = "files";
  claim["unconfirmed_depth"] = 4;  // as a kill at queue depth 4 leaves it
  write_file(record, claim.dump());
  const auto name = [&](int i) { return target() + "/md.0/f.0." + std::to_string(i); };
  for (int i : {10, 11}) fs::remove(name(i));  // in flight at the end
  for (int i = 20; i < 50; ++i) fs::remove(name(i));  // never made
  write_file(name(49), "not IOPulse's");
  std::vector<std::string> stat = md_args(dir_, "stat", shape);
  stat.insert(stat.end(), {"--md-adopt-claims", "--continue-on-error", "--json-output", out("s.json")});
  const RunOutcome r = run_iopulse(stat);
  EXPECT_NE(r.err.find("18 of the 50 files it claimed exist"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("2 names among them are missing"), std::string::npos) << r.err;
  EXPECT_EQ(read_json(record)["files_end"].get<uint64_t>(), 20u);
  const json j = read_json(out("s.json"));
  EXPECT_EQ(j["metadata"]["stat"]["ops"].get<uint64_t>(), 18u);
  EXPECT_EQ(j["metadata"]["stat"]["errors"].get<uint64_t>(), 2u);  // the two in flight
  std::vector<std::string> remove = md_args(dir_, "file-remove", shape);
  remove.push_back("--continue-on-error");
  run_iopulse(remove);
  EXPECT_EQ(read_file(name(49)), "not IOPulse's");
  for (int i = 0; i < 20; ++i) EXPECT_FALSE(fs::exists(name(i))) << i;
}

// A record that says a rename phase may have left entries under their
// other name (its claim, after a kill) while an entry has its name and a
// file of someone else's has the other one: that file is never touched, and
// the record's range is cleared without a false warning.
TEST_F(Metadata, GivingNamesBackNeverTouchesAnotherFileWithTheOtherName) {
  const std::vector<std::string> shape{"--md-items", "10"};
  ASSERT_EQ(run_iopulse(md_args(dir_, "tree-create,file-create", shape)).exit_code, 0);
  const std::string record = target() + "/.iopulse-md.0";
  json claim = read_json(record);
  claim["renaming_begin"] = 0;
  claim["renaming_end"] = 10;
  claim["renaming_item_dirs"] = false;
  write_file(record, claim.dump());
  const std::string theirs = target() + "/md.0/f.0.7.r";
  write_file(theirs, "not IOPulse's");
  fs::rename(target() + "/md.0/f.0.2", target() + "/md.0/f.0.2.r");  // as a kill leaves one of IOPulse's
  const RunOutcome r = run_iopulse(md_args(dir_, "stat", shape));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("gave 1 files back"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("could not be given back"), std::string::npos) << r.err;
  EXPECT_EQ(read_file(theirs), "not IOPulse's");
  EXPECT_TRUE(fs::exists(target() + "/md.0/f.0.2"));
  EXPECT_FALSE(read_json(record).contains("renaming_end"));
}

// After a rename phase's claim, an entry under the other name whose own
// name is free is given its name back only when it can be IOPulse's: of the
// kind renamed and born before the phase began (statx btime).  A file someone
// made later under the other name of a file that is gone, or a directory
// under a file's other name, is left alone, and so is the free name.
TEST_F(Metadata, GivingNamesBackLeavesEntriesBornAfterTheRenamePhaseBegan) {
  const std::vector<std::string> shape{"--md-items", "10"};
  ASSERT_EQ(run_iopulse(md_args(dir_, "tree-create,file-create", shape)).exit_code, 0);
  struct statx born{};
  ASSERT_EQ(statx(AT_FDCWD, (target() + "/md.0/f.0.9").c_str(), 0, STATX_BTIME, &born), 0);
  if ((born.stx_mask & STATX_BTIME) == 0) GTEST_SKIP() << "the file system tells no birth time";
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // (past the file system's clock tick)
  const std::string record = target() + "/.iopulse-md.0";
  json claim = read_json(record);
  claim["renaming_begin"] = 0;
  claim["renaming_end"] = 10;
  claim["renaming_item_dirs"] = false;
  claim["renaming_since_ns"] = std::chrono::duration_cast<std::chrono::nanoseconds>(
                                   std::chrono::system_clock::now().time_since_epoch()).count();
  write_file(record, claim.dump());
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  fs::rename(target() + "/md.0/f.0.2", target() + "/md.0/f.0.2.r");  // as a kill leaves one of IOPulse's
  fs::remove(target() + "/md.0/f.0.4");
  const std::string theirs = target() + "/md.0/f.0.4.r";
  write_file(theirs, "not IOPulse's");
  fs::remove(target() + "/md.0/f.0.6");
  fs::create_directory(target() + "/md.0/f.0.6.r");
  std::vector<std::string> stat = md_args(dir_, "stat", shape);
  stat.push_back("--continue-on-error");
  const RunOutcome r = run_iopulse(stat);
  EXPECT_NE(r.err.find("gave 1 files back"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("left 2 entries"), std::string::npos) << r.err;
  EXPECT_TRUE(fs::exists(target() + "/md.0/f.0.2"));
  EXPECT_EQ(read_file(theirs), "not IOPulse's");
  EXPECT_FALSE(fs::exists(target() + "/md.0/f.0.4"));
  EXPECT_TRUE(fs::is_directory(target() + "/md.0/f.0.6.r"));
  EXPECT_FALSE(fs::exists(target() + "/md.0/f.0.6"));
  EXPECT_FALSE(read_json(record).contains("renaming_end"));
}

// A rename never replaces an entry someone else made under the new name
// (RENAME_NOREPLACE): with either engine the rename of that file fails with
// EEXIST, the other file keeps its bytes, and the other nine files are
// renamed away and back.  --md-rename-replace (for file systems without
// RENAME_NOREPLACE) renames over it, as plain renameat does.
TEST_F(Metadata, ARenameNeverReplacesAnEntryThatHasTheNewName) {
  const std::vector<std::string> shape{"--md-items", "10"};
  ASSERT_EQ(run_iopulse(md_args(dir_, "tree-create,file-create", shape)).exit_code, 0);
  const std::string theirs = target() + "/md.0/f.0.5.r";
  write_file(theirs, "not IOPulse's");
  for (const char* engine : {"sync", "io_uring"}) {
    std::vector<std::string> rename = md_args(dir_, "rename", shape);
    rename.insert(rename.end(), {"--engine", engine, "--json-output", out("r.json")});
    const RunOutcome r = run_iopulse(rename);
    EXPECT_EQ(r.exit_code, 1) << engine;
    EXPECT_NE(r.err.find("File exists"), std::string::npos) << engine << ": " << r.err;
    EXPECT_EQ(read_file(theirs), "not IOPulse's") << engine;
    EXPECT_TRUE(fs::exists(target() + "/md.0/f.0.5")) << engine;
    const json j = read_json(out("r.json"));
    EXPECT_EQ(j["metadata"]["rename"]["errors"].get<uint64_t>(), 1u) << engine;
  }
  std::vector<std::string> replace = md_args(dir_, "rename", shape);
  replace.push_back("--md-rename-replace");
  EXPECT_EQ(run_iopulse(replace).exit_code, 0);
  EXPECT_FALSE(fs::exists(theirs)) << "renamed over, then back";
  EXPECT_EQ(read_file(target() + "/md.0/f.0.5"), "");
}

// An engine that does not declare rename-noreplace (one built for ABI 2.0)
// would rename over an entry that has the new name: a rename phase on it is
// refused at planning (exit 2, one line) and nothing is touched.
TEST_F(Metadata, ARenamePhaseOnAnEngineThatWouldReplaceIsRefused) {
  const std::vector<std::string> shape{"--md-items", "4"};
  ASSERT_EQ(run_iopulse(md_args(dir_, "tree-create,file-create", shape)).exit_code, 0);
  const std::set<std::string> before = walk(target());
  const std::string record_before = read_file(target() + "/.iopulse-md.0");
  for (const char* phase : {"rename", "dir-create,dir-rename"}) {
    std::vector<std::string> rename = md_args(dir_, phase, shape);
    rename.insert(rename.end(), {"--engine", std::string(IOPULSE_FIXTURE_PLUGIN_DIR) +
                                                 "/rename_replaces/iopulse_rename_replaces.so"});
    const RunOutcome r = run_iopulse(rename);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find("engine rename_replaces cannot rename without replacing an entry that has the new name"),
              std::string::npos)
        << r.err;
    EXPECT_EQ(lines(r.err), 1u) << r.err;
    EXPECT_EQ(walk(target()), before) << phase;
    EXPECT_EQ(read_file(target() + "/.iopulse-md.0"), record_before) << phase;
  }
}

// A rename away that fails (the file is gone: someone removed it) leaves
// nothing to rename back: with --continue-on-error the phase counts one
// error for it, renames every other file away and back, and leaves no
// file under its other name.
TEST_F(Metadata, ARenameAwayThatFailedIsNotRenamedBack) {
  const std::vector<std::string> shape{"--md-items", "10"};
  ASSERT_EQ(run_iopulse(md_args(dir_, "tree-create,file-create", shape)).exit_code, 0);
  fs::remove(target() + "/md.0/f.0.3");
  for (const char* qd : {"1", "4"}) {
    std::vector<std::string> rename = md_args(dir_, "rename", shape);
    rename.insert(rename.end(), {"--engine", "io_uring", "--queue-depth", qd, "--continue-on-error", "--json-output",
                                out("r.json")});
    const RunOutcome r = run_iopulse(rename);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    const json j = read_json(out("r.json"));
    EXPECT_EQ(j["metadata"]["rename"]["errors"].get<uint64_t>(), 1u) << "queue depth " << qd << ": " << r.err;
    EXPECT_EQ(j["metadata"]["rename"]["ops"].get<uint64_t>(), 18u) << "queue depth " << qd;
    std::set<std::string> files = walk(target());
    EXPECT_EQ(files.count("md.0/f.0.3"), 0u);
    for (const std::string& e : files) EXPECT_NE(e.substr(e.size() - 2), ".r") << e;
    EXPECT_EQ(files.size(), 11u);  // md.0/, the other 9 files, the record
  }
}

// At queue depth 8 a tree removal that fails on one directory (a file of
// someone else's in it) has removed its siblings in flight.  Once that file
// is gone, later removals find those siblings gone (ENOENT: reported, and
// done for the record) and take what is left, down to nothing; the file
// itself is never touched.
TEST_F(Metadata, AFailedRemovalAtDepthEightCanBeFinishedLater) {
  const std::vector<std::string> shape{"--md-depth", "2", "--md-branching", "8", "--md-items", "1"};
  ASSERT_EQ(run_iopulse(md_args(dir_, "tree-create,file-create,file-remove", shape)).exit_code, 0);
  const std::string stray = target() + "/md.0/dir.7/theirs";
  write_file(stray, "not IOPulse's");
  std::vector<std::string> remove = md_args(dir_, "tree-remove", shape);
  remove.insert(remove.end(), {"--engine", "io_uring", "--queue-depth", "8"});
  const RunOutcome first = run_iopulse(remove);
  EXPECT_EQ(first.exit_code, 1) << first.err;
  EXPECT_NE(first.err.find("Directory not empty"), std::string::npos) << first.err;
  EXPECT_EQ(read_file(stray), "not IOPulse's");
  fs::remove(stray);
  int runs = 0;
  for (RunOutcome r; runs < 3; ) {
    ++runs;
    r = run_iopulse(remove);
    if (r.exit_code == 0) break;
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find("No such file or directory"), std::string::npos) << r.err;
  }
  EXPECT_LE(runs, 2);
  EXPECT_TRUE(walk(target()).empty());
}

// A create that finds its name taken (EEXIST: a file IOPulse did not make)
// ends what the record claims: a later removal takes IOPulse's files before
// it and never the other file.
TEST_F(Metadata, AFileCreationNeverRecordsANameThatWasTaken) {
  const std::vector<std::string> shape{"--md-items", "8"};
  ASSERT_EQ(run_iopulse(md_args(dir_, "tree-create", shape)).exit_code, 0);
  const std::string theirs = target() + "/md.0/f.0.3";
  write_file(theirs, "not IOPulse's");
  std::vector<std::string> create = md_args(dir_, "file-create", shape);
  create.insert(create.end(), {"--continue-on-error", "--json-output", out("c.json")});
  const RunOutcome made = run_iopulse(create);
  ASSERT_EQ(made.exit_code, 0) << made.err;  // the failure counted, the phase gone on
  const json c = read_json(out("c.json"));
  EXPECT_EQ(c["metadata"]["create"]["errors"].get<uint64_t>(), 1u);
  // Nothing more is created among someone else's entries.
  EXPECT_EQ(c["metadata"]["create"]["ops"].get<uint64_t>(), 3u);
  for (int i = 4; i < 8; ++i) EXPECT_FALSE(fs::exists(target() + "/md.0/f.0." + std::to_string(i))) << i;
  std::vector<std::string> remove = md_args(dir_, "file-remove", shape);
  remove.push_back("--continue-on-error");
  run_iopulse(remove);
  EXPECT_EQ(read_file(theirs), "not IOPulse's");
  for (int i = 0; i < 3; ++i) EXPECT_FALSE(fs::exists(target() + "/md.0/f.0." + std::to_string(i))) << i;
  // The first name taken: the creation records none, and a mix after it
  // (which would draw from the files recorded) writes into none of them.
  fs::remove(theirs);
  const std::string first = target() + "/md.0/f.0.0";
  write_file(first, "not IOPulse's");
  std::vector<std::string> mixed = md_args(dir_, "file-create,mix", {"--md-items", "8", "--md-file-size", "16"});
  mixed.insert(mixed.end(), {"--md-mix", "write_file:1,create:1", "--total-ops", "4", "--continue-on-error"});
  const RunOutcome mix = run_iopulse(mixed);
  EXPECT_EQ(mix.exit_code, 1) << mix.err;
  EXPECT_NE(mix.err.find("no file of the record to work on"), std::string::npos) << mix.err;
  EXPECT_EQ(read_file(first), "not IOPulse's");
}

// At queue depth 16 the creates after a taken name are in flight when it
// is found: what they made is outside the record (a range up to the taken
// name), so the phase removes it; the disk then holds exactly the recorded
// files and the other file, and the removal after it leaves only that file.
TEST_F(Metadata, CreatesInFlightPastATakenNameLeaveNothingOutsideTheRecord) {
  const std::vector<std::string> shape{"--md-items", "64"};
  ASSERT_EQ(run_iopulse(md_args(dir_, "tree-create", shape)).exit_code, 0);
  const std::string theirs = target() + "/md.0/f.0.20";
  write_file(theirs, "not IOPulse's");
  std::vector<std::string> create = md_args(dir_, "file-create", shape);
  create.insert(create.end(), {"--engine", "io_uring", "--queue-depth", "16", "--json-output", out("c.json")});
  const RunOutcome made = run_iopulse(create);
  EXPECT_EQ(made.exit_code, 1) << made.err;
  EXPECT_NE(made.err.find("File exists"), std::string::npos) << made.err;
  const json record = read_json(target() + "/.iopulse-md.0");
  EXPECT_EQ(record["files_end"].get<uint64_t>(), 20u);
  std::set<std::string> expected{".iopulse-md.0", "md.0/", "md.0/f.0.20"};
  for (int i = 0; i < 20; ++i) expected.insert("md.0/f.0." + std::to_string(i));
  EXPECT_EQ(walk(target()), expected);
  EXPECT_EQ(run_iopulse(md_args(dir_, "file-remove", shape)).exit_code, 0);
  EXPECT_EQ(walk(target()), (std::set<std::string>{".iopulse-md.0", "md.0/", "md.0/f.0.20"}));
  EXPECT_EQ(read_file(theirs), "not IOPulse's");
}

// A tree directory found already there (someone else's, beside which
// --md-allow-nonempty creates) gets nothing created in it and no record.
TEST_F(Metadata, NothingIsCreatedInsideADirectoryFoundAlreadyThere) {
  fs::create_directory(target() + "/md.0");
  const RunOutcome r = run_iopulse(md_args(dir_, "tree-create", {"--md-depth", "2", "--md-branching", "2",
                                                                 "--md-allow-nonempty", "--continue-on-error"}));
  EXPECT_NE(r.exit_code, 2) << r.err;
  EXPECT_TRUE(fs::is_empty(target() + "/md.0"));
  EXPECT_FALSE(fs::exists(target() + "/.iopulse-md.0"));
}

TEST_F(Metadata, TheIo500ExampleRunsEveryPhaseAndLeavesNothing) {
  const std::string example = std::string(IOPULSE_SOURCE_DIR) + "/examples/io500-mdtest.toml";
  const RunOutcome r = run_iopulse({"--config", example, target(), "--md-items", "20", "--threads", "2",
                                    "--json-output", out("r.json"), "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json j = read_json(out("r.json"));
  std::vector<std::string> names;
  for (const json& p : j["phases"]) names.push_back(p["name"]);
  EXPECT_EQ(names, (std::vector<std::string>{
                       "mdtest-easy-write.tree-create", "mdtest-easy-write.file-create",
                       "mdtest-hard-write.tree-create", "mdtest-hard-write.file-create", "mdtest-easy-stat",
                       "mdtest-hard-stat", "mdtest-easy-delete.file-remove", "mdtest-easy-delete.tree-remove",
                       "mdtest-hard-read", "mdtest-hard-delete.file-remove", "mdtest-hard-delete.tree-remove"}));
  EXPECT_EQ(j["phases"][1]["metadata"]["create"]["ops"], 40);
  EXPECT_EQ(j["phases"][3]["metadata"]["create"]["bytes"], 40 * 3901);
  EXPECT_EQ(j["phases"][8]["metadata"]["read_file"]["bytes"], 40 * 3901);
  EXPECT_TRUE(walk(target()).empty());
}

TEST_F(Metadata, SharedDirectoryHoldsEveryWorkersFiles) {
  const RunOutcome r = run_iopulse(md_args(dir_, "tree-create,file-create",
                                           {"--md-shared-dir", "--md-depth", "2", "--md-branching", "2",
                                            "--md-items", "3", "--threads", "3"}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::set<std::string> expected;
  for (uint32_t w = 0; w < 3; ++w) {
    for (const std::string& e : expected_tree(1, 2, 2, 3, true)) {
      // expected_tree(1, ...) names worker 0's files; worker w's are f.<w>.<i>.
      std::string name = e;
      const size_t f = name.find("/f.0.");
      if (f != std::string::npos) name.replace(f, 5, "/f." + std::to_string(w) + ".");
      if (name.starts_with(".iopulse-md-shared.")) name = ".iopulse-md-shared." + std::to_string(w);
      expected.insert(name);
    }
  }
  EXPECT_EQ(walk(target()), expected);
  ASSERT_EQ(run_iopulse(md_args(dir_, "file-remove,tree-remove", {"--md-shared-dir", "--md-depth", "2",
                                                                   "--md-branching", "2", "--md-items", "3",
                                                                   "--threads", "3"}))
                .exit_code,
            0);
  EXPECT_TRUE(walk(target()).empty());
}

TEST_F(Metadata, AStrideThatLeadsNoWorkerElsewhereIsRefusedBeforeAnythingIsTouched) {
  const std::vector<std::string> shape{"--md-depth", "1", "--md-items", "3"};
  struct Case {
    std::vector<std::string> more;
    const char* says;
  };
  for (const Case& c : std::vector<Case>{
           {{"--md-stride", "1"}, "--md-stride 1: a multiple of the job's 1 worker(s)"},
           {{"--md-stride", "4", "--threads", "2"}, "--md-stride 4: a multiple of the job's 2 worker(s)"},
           {{"--md-stride", "-1", "--threads", "2"}, "--md-stride: '-1' is not accepted"},
           {{"--md-stride", "x"}, "--md-stride: 'x' is not accepted"}}) {
    std::vector<std::string> args = md_args(dir_, "tree-create,file-create,stat", shape);
    args.insert(args.end(), c.more.begin(), c.more.end());
    args.insert(args.end(), {"--json-output", out("r.json")});
    const RunOutcome r = run_iopulse(args);
    EXPECT_EQ(r.exit_code, 2) << c.says;
    EXPECT_NE(r.err.find(c.says), std::string::npos) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_TRUE(walk(target()).empty()) << c.says;
    EXPECT_FALSE(fs::exists(out("r.json")));
  }
}

// The paths (relative to TARGET, "md.<w>/...") an strace output names in
// calls of `syscall` whose line contains `with` (and not `without`).
std::vector<std::string> traced_paths(const std::string& trace, const std::string& syscall, const std::string& with = "",
                                      const std::string& without = "\x01") {
  std::vector<std::string> paths;
  std::ifstream in(trace);
  for (std::string line; std::getline(in, line);) {
    const size_t call = line.find(syscall + "(");
    if (call == std::string::npos || line.find(with) == std::string::npos || line.find(without) != std::string::npos) {
      continue;
    }
    const size_t at = line.find("\"md.", call);
    if (at == std::string::npos) continue;
    paths.push_back(line.substr(at + 1, line.find('"', at + 1) - at - 1));
  }
  return paths;
}

// Every path in `paths` is a file of worker w ("md.<w>/.../f.<w>.<i>").
::testing::AssertionResult all_files_of(const std::vector<std::string>& paths, uint32_t w, size_t count) {
  if (paths.size() != count) return ::testing::AssertionFailure() << paths.size() << " paths, not " << count;
  const std::string top = "md." + std::to_string(w) + "/", name = "/f." + std::to_string(w) + ".";
  std::set<std::string> distinct;
  for (const std::string& p : paths) {
    if (!p.starts_with(top) || p.find(name) == std::string::npos) return ::testing::AssertionFailure() << p;
    distinct.insert(p);
  }
  if (distinct.size() != count) return ::testing::AssertionFailure() << distinct.size() << " distinct paths";
  return ::testing::AssertionSuccess();
}

TEST_F(Metadata, WithAStrideTheWorkersOfOneProcessStatAnothersFiles) {
  // mdtest -N 1 over 2 workers: stat shifts by 1 (the other's files),
  // read by 2 (its own), remove by 3 (the other's); creation is its own.
  const std::vector<std::string> shape{"--md-depth", "2", "--md-branching", "2", "--md-items", "3", "--threads", "2"};
  ASSERT_EQ(run_iopulse(md_args(dir_, "tree-create,file-create", shape)).exit_code, 0);
  std::vector<std::string> args{"/usr/bin/strace", "-E", asan_options_under_strace(), "-f", "-qq", "-e", "trace=newfstatat,statx",
                                "-o", out("trace"), IOPULSE_BINARY};
  for (const std::string& a : md_args(dir_, "stat", shape)) args.push_back(a);
  args.insert(args.end(), {"--md-stride", "1", "--json-output", out("r.json")});
  const RunOutcome r = run_command(args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // Both workers' stats: 9 of md.0's files and 9 of md.1's, each once.
  std::vector<std::string> stats = traced_paths(out("trace"), "fstatat");
  std::set<std::string> distinct(stats.begin(), stats.end());
  EXPECT_EQ(stats.size(), 18u);
  EXPECT_EQ(distinct.size(), 18u);
  const json j = read_json(out("r.json"));
  EXPECT_EQ(j["metadata"]["stat"]["ops"], 18);
  EXPECT_EQ(j["metadata"]["stat"]["errors"], 0);
  EXPECT_EQ(j["config"]["metadata"]["stride"], 1);
  ASSERT_EQ(run_iopulse(md_args(dir_, "file-remove,tree-remove", shape)).exit_code, 0);
  EXPECT_TRUE(walk(target()).empty());
}

// expected_tree()'s entries with every file f.<w>.<i> replaced by the item
// directory d.<w>.<i>/ (the dir-* phases; mdtest -D).
std::set<std::string> with_item_dirs(const std::set<std::string>& tree) {
  std::set<std::string> entries;
  for (std::string e : tree) {
    const size_t f = e.rfind("/f.");
    if (f != std::string::npos && e.back() != '/') e = e.substr(0, f) + "/d." + e.substr(f + 3) + "/";
    entries.insert(e);
  }
  return entries;
}

TEST_F(Metadata, DirectoryPhasesCreateStatRenameAndRemoveTheItemsAsDirectories) {
  const std::vector<std::string> shape{"--md-depth", "3", "--md-branching", "2", "--md-items", "3", "--threads", "2"};
  std::vector<std::string> args = md_args(dir_, "tree-create,dir-create", shape);
  args.insert(args.end(), {"--json-output", out("c.json")});
  RunOutcome r = run_iopulse(args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // 7 tree directories per worker and 21 item directories d.<w>.<i>, no file.
  EXPECT_EQ(walk(target()), with_item_dirs(expected_tree(2, 3, 2, 3)));
  json j = read_json(out("c.json"));
  ASSERT_EQ(j["phases"].size(), 2u);
  EXPECT_EQ(j["phases"][0]["name"], "tree-create");
  EXPECT_EQ(j["phases"][0]["metadata"]["mkdir"]["ops"], 14);
  EXPECT_EQ(j["phases"][1]["name"], "dir-create");
  EXPECT_EQ(j["phases"][1]["metadata"]["mkdir"]["ops"], 42);
  EXPECT_GT(j["phases"][1]["metadata"]["mkdir"]["latency_ns"]["percentiles"]["99"].get<double>(), 0);
  // The HTML report lists the tree's and the item directories' mkdirs apart.
  const RunOutcome html = run_iopulse({"report", out("c.json"), "-o", out("c.html")});
  ASSERT_EQ(html.exit_code, 0) << html.err;
  const std::string page = read_file(out("c.html"));
  EXPECT_NE(page.find(">tree-create: mkdir<"), std::string::npos);
  EXPECT_NE(page.find(">dir-create: mkdir<"), std::string::npos);

  // The directories IOPulse recorded creating are stated once each, and the
  // text summary gives the phase its own section.
  std::vector<std::string> strace{"/usr/bin/strace", "-E", asan_options_under_strace(), "-f", "-qq", "-e", "trace=newfstatat,statx", "-o", out("trace"),
                                  IOPULSE_BINARY};
  for (const std::string& a : md_args(dir_, "dir-stat,dir-rename", shape)) strace.push_back(a);
  strace.insert(strace.end(), {"--json-output", out("s.json")});
  strace.erase(std::find(strace.begin(), strace.end(), "-q"));
  r = run_command(strace);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> stats = traced_paths(out("trace"), "fstatat");
  EXPECT_EQ(stats.size(), 42u);
  EXPECT_EQ(std::set<std::string>(stats.begin(), stats.end()), [&] {
    std::set<std::string> dirs;
    for (const std::string& e : walk(target())) {
      if (e.find("/d.") != std::string::npos) dirs.insert(e.substr(0, e.size() - 1));
    }
    return dirs;
  }());
  EXPECT_NE(r.out.find("== phase dir-stat =="), std::string::npos) << r.out;
  j = read_json(out("s.json"));
  EXPECT_EQ(j["phases"][0]["metadata"]["stat"]["ops"], 42);
  EXPECT_EQ(j["phases"][1]["metadata"]["rename"]["ops"], 84) << "away and back";
  EXPECT_EQ(walk(target()), with_item_dirs(expected_tree(2, 3, 2, 3))) << "renamed back";

  // The tree is not removed under its item directories; they go first.
  r = run_iopulse(md_args(dir_, "tree-remove", shape));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("the item directories of worker 0 are still there; run dir-remove first"), std::string::npos)
      << r.err;
  args = md_args(dir_, "dir-remove", shape);
  args.insert(args.end(), {"--json-output", out("r.json")});
  ASSERT_EQ(run_iopulse(args).exit_code, 0);
  EXPECT_EQ(read_json(out("r.json"))["metadata"]["rmdir"]["ops"], 42);
  std::set<std::string> tree = expected_tree(2, 3, 2, 0);
  EXPECT_EQ(walk(target()), tree) << "the tree and its records, no item directory";
  r = run_iopulse(md_args(dir_, "dir-remove", shape));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("dir-remove refused"), std::string::npos) << r.err;
  EXPECT_EQ(walk(target()), tree);
}

TEST_F(Metadata, TheMdtestDefaultOfDirectoriesThenFilesLeavesNothing) {
  // mdtest without -D/-F: the items as directories, then as files.
  const std::vector<std::string> shape{"--md-depth", "2", "--md-branching", "3", "--md-items", "4"};
  std::vector<std::string> args = md_args(dir_,
                                          "tree-create,dir-create,dir-stat,dir-remove,file-create,stat,read,"
                                          "file-remove,tree-remove",
                                          shape);
  args.insert(args.end(), {"--json-output", out("r.json")});
  const RunOutcome r = run_iopulse(args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(walk(target()).empty());
  const json j = read_json(out("r.json"));
  ASSERT_EQ(j["phases"].size(), 9u);
  EXPECT_EQ(j["phases"][1]["metadata"]["mkdir"]["ops"], 16);
  EXPECT_EQ(j["phases"][2]["metadata"]["stat"]["ops"], 16);
  EXPECT_EQ(j["phases"][3]["metadata"]["rmdir"]["ops"], 16);
  EXPECT_EQ(j["phases"][4]["metadata"]["create"]["ops"], 16);
  EXPECT_EQ(j["phases"][8]["metadata"]["rmdir"]["ops"], 4);
}

#ifdef IOPULSE_WITH_MPI
// The tests that start ranks under mpirun: a suite of their own, which
// scripts/test-sanitizers.sh runs with the slow unwinder Open MPI's leak
// suppressions need.
class MetadataMpi : public Metadata {};

RunOutcome mpirun2(const std::vector<std::string>& args) {
  std::vector<std::string> argv{IOPULSE_MPIRUN, "--oversubscribe", "-np", "2", IOPULSE_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_command(argv, {"OMPI_ALLOW_RUN_AS_ROOT=1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1",
                            "OMPI_MCA_rmaps_base_oversubscribe=1"});
}

// Rank 1 runs under a descriptor limit: low enough, staging its phases
// (the run's events) or setting up a phase's workers (the engine's ring,
// the record, the tree's directory) fails there.  At every limit where
// iopulse itself failed, the job ended on both ranks with the results
// written: the phase that could not start has rank 1's stop reason
// "error" with the errno text and rank 0's "stopped", and no later phase
// ran.  Two phases run on a crew of threads staged ahead; one phase alone
// sets its workers up when it runs.  (Which limits fail where depends on
// how many descriptors the MPI library holds: the limits are tried from
// low to high until one runs.)
TEST_F(MetadataMpi, ASetUpFailingOnOneRankEndsEveryRankWithTheResultsWritten) {
  for (const std::string phases : {"tree-create,file-create", "tree-create"}) {
    const std::vector<std::string> job = md_args(dir_, phases, {"--md-items", "64", "--engine", "io_uring",
                                                                "--queue-depth", "16", "--json-output", out("r.json")});
    std::string quoted;
    for (const std::string& a : job) quoted += " '" + a + "'";
    int failed = 0;
    bool ran = false;
    for (int limit = 12; limit <= 64 && !ran; limit += 2) {
      SCOPED_TRACE(phases + " at limit " + std::to_string(limit));
      fs::remove_all(target());
      fs::create_directory(target());
      fs::remove(out("r.json"));
      std::vector<std::string> argv{IOPULSE_MPIRUN, "--oversubscribe", "-np", "1", IOPULSE_BINARY};
      argv.insert(argv.end(), job.begin(), job.end());
      argv.insert(argv.end(), {":", "-np", "1", "/bin/sh", "-c",
                               "ulimit -n " + std::to_string(limit) + " && exec " + IOPULSE_BINARY + quoted});
      const RunOutcome r = run_command(argv, {"OMPI_ALLOW_RUN_AS_ROOT=1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1",
                                              "OMPI_MCA_rmaps_base_oversubscribe=1"});
      if (r.exit_code == 0) {
        ran = true;
        break;
      }
      // (Too few for the MPI library or the plugin directory: iopulse never got going.)
      if (r.err.find("iopulse: error: rank 1") == std::string::npos ||
          r.err.find("Too many open files") == std::string::npos) {
        continue;
      }
      EXPECT_EQ(r.exit_code, 1) << r.err;
      if (r.err.find("plugin directory") != std::string::npos) continue;  // (before anything: no results)
      ++failed;
      ASSERT_TRUE(fs::exists(out("r.json"))) << "no results; " << r.err;
      const json j = read_json(out("r.json"));
      EXPECT_EQ(j["stop_reason"], "error");
      // (One phase alone is the job's result; several are its phases.)
      const json& last = j.contains("phases") ? j["phases"].back() : j;
      EXPECT_EQ(last["stop_reason"], "error");
      EXPECT_NE(last["errors"].dump().find("Too many open files"), std::string::npos) << last["errors"].dump();
      ASSERT_EQ(last["cluster"]["per_rank"].size(), 2u) << last.dump();
      EXPECT_EQ(last["cluster"]["per_rank"][0]["stop_reason"], "stopped");
      EXPECT_EQ(last["cluster"]["per_rank"][1]["stop_reason"], "error");
      EXPECT_EQ(last["window_ns"], 0);
      if (j.contains("phases")) {
        EXPECT_EQ(j["phases"].size(), last["name"] == "tree-create" ? 1u : 2u);
      }
    }
    EXPECT_TRUE(ran) << phases << ": no limit up to 64 let the job run";
    EXPECT_GT(failed, 0) << phases << ": no limit from 12 on failed in iopulse with results";
  }
}

TEST_F(MetadataMpi, TwoRanksGetDisjointTreesOrShareOneAsAsked) {
  const std::vector<std::string> shape{"--md-depth", "2", "--md-branching", "2", "--md-items", "3", "--threads", "2"};
  std::vector<std::string> args = md_args(dir_, "tree-create,file-create", shape);
  args.insert(args.end(), {"--json-output", out("u.json")});
  RunOutcome r = mpirun2(args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // 2 ranks x 2 workers: md.0 .. md.3, each worker's own.
  EXPECT_EQ(walk(target()), expected_tree(4, 2, 2, 3));
  const json u = read_json(out("u.json"));
  EXPECT_EQ(u["phases"][1]["metadata"]["create"]["ops"], 36);
  ASSERT_EQ(u["phases"][1]["cluster"]["per_rank"].size(), 2u);
  EXPECT_EQ(u["phases"][1]["cluster"]["per_rank"][1]["metadata"]["create"]["ops"], 18);
  ASSERT_EQ(u["phases"][1]["cluster"]["per_host"].size(), 1u);  // (both ranks on this host)
  EXPECT_EQ(u["phases"][1]["cluster"]["per_host"][0]["metadata"]["create"]["ops"], 36);
  EXPECT_EQ(u["phases"][1]["worker_ops"], json({9, 9, 9, 9}));
  // Each rank's line of the text summary shows its metadata rate.
  for (const char* rank : {"rank 0 ", "rank 1 "}) {
    const size_t at = r.out.rfind(rank);
    ASSERT_NE(at, std::string::npos) << r.out;
    EXPECT_NE(r.out.substr(at, r.out.find('\n', at) - at).find("metadata ops/s"), std::string::npos) << r.out;
  }
  args = md_args(dir_, "file-remove,tree-remove", shape);
  ASSERT_EQ(mpirun2(args).exit_code, 0);
  EXPECT_TRUE(walk(target()).empty());

  std::vector<std::string> shared = shape;
  shared.push_back("--md-shared-dir");
  r = mpirun2(md_args(dir_, "tree-create,file-create", shared));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::set<std::string> names = walk(target());
  EXPECT_EQ(names.count("md.shared/dir.1/"), 1u);
  EXPECT_EQ(names.count("md.0/"), 0u);
  for (uint32_t w = 0; w < 4; ++w) {
    // Worker w's 9 files, 3 in each of the 3 shared directories.
    for (uint32_t i = 0; i < 9; ++i) {
      const std::string dir = i < 3 ? "md.shared" : "md.shared/dir." + std::to_string(i / 3 - 1);
      EXPECT_EQ(names.count(dir + "/f." + std::to_string(w) + "." + std::to_string(i)), 1u) << w << " " << i;
    }
  }
  EXPECT_EQ(names.size(), 3u + 36u + 4u);  // directories, files, records
  ASSERT_EQ(mpirun2(md_args(dir_, "file-remove,tree-remove", shared)).exit_code, 0);
  EXPECT_TRUE(walk(target()).empty());
}

TEST_F(MetadataMpi, WithStrideOneEachRankStatsAndRemovesTheFilesTheOtherRankCreated) {
  // Each rank under its own strace (trace.<rank>): rank r creates md.r and
  // its files; with --md-stride 1 its stat phase works on rank (r+1)%2's
  // files, its read phase on rank (r+2)%2's (its own) and its removal on
  // rank (r+3)%2's, as mdtest -N 1 does with 2 tasks.
  std::vector<std::string> argv{IOPULSE_MPIRUN, "--oversubscribe", "-np", "2", "/bin/sh", "-c",
                                "exec /usr/bin/strace -E \"ASAN_OPTIONS=${ASAN_OPTIONS:-}:detect_leaks=0\" -f -qq -e trace=newfstatat,statx,openat,unlinkat,mkdirat "
                                "-o \"$0.$OMPI_COMM_WORLD_RANK\" \"$@\"",
                                out("trace"), IOPULSE_BINARY};
  const std::vector<std::string> args =
      md_args(dir_, "tree-create,file-create,stat,read,file-remove,tree-remove",
              {"--md-depth", "2", "--md-branching", "2", "--md-items", "3", "--md-file-size", "100", "--md-stride",
               "1", "--json-output", out("r.json")});
  argv.insert(argv.end(), args.begin(), args.end());
  const RunOutcome r = run_command(argv, {"OMPI_ALLOW_RUN_AS_ROOT=1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1",
                                          "OMPI_MCA_rmaps_base_oversubscribe=1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (uint32_t rank = 0; rank < 2; ++rank) {
    const std::string trace = out("trace." + std::to_string(rank));
    const uint32_t other = 1 - rank;
    EXPECT_TRUE(all_files_of(traced_paths(trace, "openat", "O_CREAT"), rank, 9)) << "rank " << rank << " creates";
    EXPECT_TRUE(all_files_of(traced_paths(trace, "fstatat"), other, 9)) << "rank " << rank << " stats";
    EXPECT_TRUE(all_files_of(traced_paths(trace, "openat", "O_RDONLY"), rank, 9)) << "rank " << rank << " reads";
    EXPECT_TRUE(all_files_of(traced_paths(trace, "unlinkat", "", "AT_REMOVEDIR"), other, 9))
        << "rank " << rank << " removes";
    for (const std::string& d : traced_paths(trace, "mkdirat")) EXPECT_TRUE(d.starts_with("md." + std::to_string(rank)));
  }
  EXPECT_TRUE(walk(target()).empty());
  const json j = read_json(out("r.json"));
  ASSERT_EQ(j["phases"].size(), 6u);
  EXPECT_EQ(j["phases"][2]["metadata"]["stat"]["ops"], 18);
  EXPECT_EQ(j["phases"][2]["metadata"]["stat"]["errors"], 0);
  EXPECT_EQ(j["phases"][3]["metadata"]["read_file"]["bytes"], 1800);
  EXPECT_EQ(j["phases"][4]["metadata"]["unlink"]["ops"], 18);

  // 2 ranks of one worker: a stride of 2 would lead each to its own files.
  argv = {IOPULSE_MPIRUN, "--oversubscribe", "-np", "2", IOPULSE_BINARY};
  const std::vector<std::string> bad =
      md_args(dir_, "tree-create,file-create,stat", {"--md-items", "3", "--md-stride", "2"});
  argv.insert(argv.end(), bad.begin(), bad.end());
  const RunOutcome refused = run_command(argv, {"OMPI_ALLOW_RUN_AS_ROOT=1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1",
                                                "OMPI_MCA_rmaps_base_oversubscribe=1"});
  EXPECT_EQ(refused.exit_code, 2) << refused.err;
  EXPECT_NE(refused.err.find("--md-stride 2: a multiple of the job's 2 worker(s) (1 thread(s) x 2 rank(s))"),
            std::string::npos)
      << refused.err;
  EXPECT_TRUE(walk(target()).empty());
}

// With several ranks each rank's crew runs the phases back to back too, and
// the crews meet between phases as mdtest's ranks meet at MPI_Barrier
// (docs/metadata.md, "Phases"): each rank under its own strace (trace.<rank>,
// with times) shows every phase's operations on worker w's tree made by one
// and the same thread, no thread created once the rank's first operation
// was made, and each phase's first operation on any rank after the previous
// phase's last operation on every rank.  Each rank's coordinator (its main
// thread) makes no system call at all from the rank's first operation to
// its last: it reports the phases once the crew ran them all, so no MPI
// progress, sleep, merge or memory call of it falls in any phase's window.
// The tree is gone at the end and the results count every rank's
// operations.
TEST_F(MetadataMpi, TwoRanksRunTheirPhasesBackToBackOnTheSameThreadsMeetingBetweenPhases) {
  std::vector<std::string> argv{IOPULSE_MPIRUN, "--oversubscribe", "-np", "2", "/bin/sh", "-c",
                                "exec /usr/bin/strace -E \"ASAN_OPTIONS=${ASAN_OPTIONS:-}:detect_leaks=0\" -f -qq -ttt "
                                "-o \"$0.$OMPI_COMM_WORLD_RANK\" \"$@\"",
                                out("trace"), IOPULSE_BINARY};
  const std::vector<std::string> args =
      md_args(dir_, "tree-create,dir-create,dir-stat,dir-remove,tree-remove",
              {"--md-depth", "2", "--md-branching", "3", "--md-items", "10", "--threads", "2", "--json-output",
               out("r.json")});
  argv.insert(argv.end(), args.begin(), args.end());
  const RunOutcome r = run_command(argv, {"OMPI_ALLOW_RUN_AS_ROOT=1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1",
                                          "OMPI_MCA_rmaps_base_oversubscribe=1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(walk(target()).empty());

  // "PID SECONDS.MICROS name(args" lines; resumed halves left out.
  const std::regex call_line(R"(^(\d+) +(\d+\.\d+) +([a-z0-9_]+)\()");
  const std::regex op(R"re((mkdirat|newfstatat|statx|unlinkat)\(\d+, "md\.(\d)(/dir\.\d+)?(/d\.\d+\.\d+)?")re");
  constexpr int kPhases = 5;
  std::vector<double> first_of(kPhases, 1e18), last_of(kPhases, 0);
  for (uint32_t rank = 0; rank < 2; ++rank) {
    struct Call {
      std::string thread, name, line;
      double at;
      int phase;  // -1: not an operation on a tree
      std::string worker;
    };
    std::vector<Call> calls;
    // The coordinator: the thread strace saw first (the process's own).
    std::string coordinator;
    std::vector<std::pair<double, std::string>> coordinator_lines;  // every line of it, resumed halves too
    const std::regex any_line(R"(^(\d+) +(\d+\.\d+) )");
    std::istringstream in(read_file(out("trace." + std::to_string(rank))));
    for (std::string line; std::getline(in, line);) {
      std::smatch m;
      if (std::regex_search(line, m, any_line)) {
        if (coordinator.empty()) coordinator = m[1];
        if (m[1] == coordinator) coordinator_lines.emplace_back(std::stod(m[2]), line);
      }
      if (line.find(" resumed>") != std::string::npos || !std::regex_search(line, m, call_line)) continue;
      Call c{m[1], m[3], line, std::stod(m[2]), -1, ""};
      std::smatch o;
      if (std::regex_search(line, o, op)) {
        const bool item = o[4].matched;
        const std::string name = o[1];
        if (name == "mkdirat") c.phase = item ? 1 : 0;
        if (name == "newfstatat" || name == "statx") c.phase = 2;
        if (name == "unlinkat") c.phase = item ? 3 : 4;
        c.worker = o[2];
      }
      calls.push_back(std::move(c));
    }
    size_t first = calls.size(), last = 0, ops = 0;
    std::map<std::string, std::string> thread_of;  // worker -> the thread of its operations
    int phase = 0;
    for (size_t i = 0; i < calls.size(); ++i) {
      const Call& c = calls[i];
      if (c.phase < 0) continue;
      ++ops;
      first = std::min(first, i);
      last = i;
      EXPECT_EQ(static_cast<uint32_t>(c.worker[0] - '0') / 2, rank) << "another rank's worker: " << c.line;
      if (!thread_of.count(c.worker)) thread_of[c.worker] = c.thread;
      EXPECT_EQ(c.thread, thread_of[c.worker]) << "rank " << rank << ", worker " << c.worker << " changed threads: " << c.line;
      EXPECT_LE(phase, c.phase) << "rank " << rank << ": phases out of order at " << c.line;
      phase = c.phase;
      first_of[c.phase] = std::min(first_of[c.phase], c.at);
      last_of[c.phase] = std::max(last_of[c.phase], c.at);
    }
    // 2 workers x (4 tree directories, 40 item directories created, stat and removed, 4 tree directories removed).
    ASSERT_EQ(ops, 2u * (4 + 40 * 3 + 4)) << "rank " << rank;
    ASSERT_EQ(thread_of.size(), 2u) << "rank " << rank;
    EXPECT_NE(thread_of.begin()->second, thread_of.rbegin()->second) << "rank " << rank;
    for (size_t i = first; i <= last; ++i) {
      EXPECT_EQ(calls[i].name.rfind("clone", 0), std::string::npos) << "rank " << rank << ": " << calls[i].line;
    }
    ASSERT_FALSE(coordinator.empty());
    for (const auto& [worker, thread] : thread_of) EXPECT_NE(thread, coordinator) << "worker " << worker;
    // The coordinator releases the first phase and then falls asleep: on a
    // busy machine the workers may start before it reaches its wait, so
    // futex calls up to and including that wait may fall inside the
    // windows (waiting for the crew's mutex a worker holds, FUTEX_WAIT,
    // and waking it on the way into the wait); nothing else of it, and
    // nothing after the wait on the condition variable (glibc's
    // FUTEX_WAIT_BITSET), may.
    bool asleep = false;
    for (const auto& [at, line] : coordinator_lines) {
      if (!(at > calls[first].at && at < calls[last].at)) continue;
      const bool futex = line.find("futex(") != std::string::npos || line.find("<... futex resumed>") != std::string::npos;
      EXPECT_TRUE(futex && !asleep) << "rank " << rank << ": the coordinator inside the phases' windows: " << line;
      if (futex && line.find("FUTEX_WAIT_BITSET") != std::string::npos) asleep = true;
    }
  }
  for (int p = 1; p < kPhases; ++p) {
    EXPECT_GT(first_of[p], last_of[p - 1]) << "phase " << p << " began on a rank before phase " << p - 1
                                           << " ended on every rank";
  }
  const json j = read_json(out("r.json"));
  ASSERT_EQ(j["phases"].size(), 5u);
  EXPECT_EQ(j["phases"][0]["metadata"]["mkdir"]["ops"], 16);
  EXPECT_EQ(j["phases"][1]["metadata"]["mkdir"]["ops"], 160);
  EXPECT_EQ(j["phases"][2]["metadata"]["stat"]["ops"], 160);
  EXPECT_EQ(j["phases"][3]["metadata"]["rmdir"]["ops"], 160);
  EXPECT_EQ(j["phases"][4]["metadata"]["rmdir"]["ops"], 16);
  for (const json& p : j["phases"]) {
    EXPECT_EQ(p["stop_reason"], "complete") << p["name"];
    ASSERT_EQ(p["cluster"]["per_rank"].size(), 2u);
  }
}
// Two ranks interrupted in the middle of a phase (SIGINT to mpirun, which
// sends the ranks SIGTERM; see below): the running phase stops on both, no later phase starts, and
// the results, reported once the crews stopped, hold every phase that ran:
// the tree's creation whole, the interrupted creation with as many files
// as are on disk, each rank's among them.
TEST_F(MetadataMpi, TwoRanksInterruptedInAPhaseReportTheCompletedPhasesAndThePartOne) {
  constexpr uint64_t kFiles = 400000;  // per rank: far more than get made before the SIGTERM
  std::vector<std::string> argv{IOPULSE_MPIRUN, "--oversubscribe", "-np", "2", IOPULSE_BINARY};
  const std::vector<std::string> args =
      md_args(dir_, "tree-create,file-create,file-remove,tree-remove",
              {"--md-depth", "1", "--md-items", std::to_string(kFiles), "--md-file-size", "0", "--json-output",
               out("r.json")});
  argv.insert(argv.end(), args.begin(), args.end());
  // On SIGINT mpirun waits odls_base_sigkill_timeout, sends the ranks
  // SIGTERM, waits as long again and sends SIGKILL.  Its default of 1 s is
  // the likely cause of the missing results file in 2 of some 6 sanitizer
  // runs on a loaded machine (not reproduced; the plain build writes it
  // about 80 ms after the SIGTERM), so the ranks get 2 s here: the phase is
  // still running when the SIGTERM comes (800000 creations would take about
  // 9 s in the plain build here, the SIGTERM comes after 2 s of them).
  const RunOutcome r = run_command_and_signal_when(
      argv,
      {"OMPI_ALLOW_RUN_AS_ROOT=1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1", "OMPI_MCA_rmaps_base_oversubscribe=1",
       "OMPI_MCA_odls_base_sigkill_timeout=2"},
      [&] {
        std::error_code ec;
        return fs::exists(target() + "/md.0/f.0.0", ec) && fs::exists(target() + "/md.1/f.1.0", ec);
      },
      SIGINT);
  EXPECT_NE(r.exit_code, 0) << r.err;
  ASSERT_TRUE(exists(out("r.json"))) << "exit " << r.exit_code << ": " << r.err;
  const json j = read_json(out("r.json"));
  EXPECT_EQ(j["stop_reason"], "interrupted");
  EXPECT_TRUE(j["interrupted"].get<bool>());
  ASSERT_EQ(j["phases"].size(), 2u) << "the phases that ran, and no other";
  EXPECT_EQ(j["phases"][0]["stop_reason"], "complete");
  EXPECT_EQ(j["phases"][0]["metadata"]["mkdir"]["ops"], 2);
  EXPECT_EQ(j["phases"][1]["stop_reason"], "interrupted");
  ASSERT_EQ(j["phases"][1]["cluster"]["per_rank"].size(), 2u);
  const uint64_t created = j["phases"][1]["metadata"]["create"]["ops"].get<uint64_t>();
  EXPECT_LT(created, 2 * kFiles);
  std::map<std::string, uint64_t> files;  // top directory -> files in it
  for (const std::string& e : walk(target())) {
    if (e.find("/f.") != std::string::npos) ++files[e.substr(0, e.find('/'))];
  }
  EXPECT_EQ(files["md.0"] + files["md.1"], created);
  EXPECT_GE(files["md.0"], 1u);
  EXPECT_GE(files["md.1"], 1u);
  for (const json& rank : j["phases"][1]["cluster"]["per_rank"]) {
    const std::string top = "md." + std::to_string(rank["rank"].get<uint32_t>());
    EXPECT_EQ(rank["metadata"]["create"]["ops"].get<uint64_t>(), files[top]) << top;
  }
}
#endif

}  // namespace
}  // namespace iopulse::test
