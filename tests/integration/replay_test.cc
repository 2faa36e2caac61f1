// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// Capture (--write-iolog) and replay (--replay), each checked against an
// observer IOPulse does not control: the recorder fixture engine (it
// records every IO it was given, per worker, in submission order), fio
// (an iolog fio wrote itself), the clock of the test, and the kernel's
// account of the process's peak memory (wait4's ru_maxrss).
#include <spawn.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "json_support.h"
#include "recorder_log.h"
#include "run_support.h"
#include "iopulse/engine.h"
#include "trace/iolog_format.h"

extern char** environ;

namespace iopulse::test {
namespace {

std::vector<std::string> recorder_args(const ScratchDir& dir, const std::string& log) {
  return {dir.file("target"), "--plugin-dir", kRecorderDir, "--engine", "recorder", "--recorder.log=" + log,
          "--recorder.min-ns=0", "--file-size", "16M", "-q"};
}

RunOutcome run(std::vector<std::string> args, const std::vector<std::string>& extra) {
  args.insert(args.end(), extra.begin(), extra.end());
  return run_iopulse(args);
}

std::string write_text(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::trunc) << text;
  return path;
}

// One line on stderr, exit 2, and the results file never created.
void expect_refused(const RunOutcome& r, const std::string& json, const std::string& text) {
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find(text), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_NE(access(json.c_str(), F_OK), 0) << "results written for a refused job";
}

// A capture replayed against the same target issues the same IOs in the
// same order per worker; the capture itself holds what the engine saw.
TEST(Replay, CaptureReplaysTheSameIosPerWorker) {
  ScratchDir dir;
  const std::string trace = dir.file("run.iolog");
  RunOutcome r = run(recorder_args(dir, dir.file("a")),
                     {"--threads", "2", "--queue-depth", "4", "--random", "--write-percent", "30", "--block-size",
                      "4k:50,16k:50", "--fsync-every", "16", "--total-ops", "600", "--write-iolog", trace});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string json = dir.file("replay.json");
  r = run(recorder_args(dir, dir.file("b")),
          {"--replay", trace, "--replay-speed", "max", "--queue-depth", "4", "--json-output", json});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  size_t total = 0;
  for (int w = 0; w < 2; ++w) {
    const std::vector<IoShape> captured = recorded_shapes(dir.file("a"), w);
    const std::vector<IoShape> replayed = recorded_shapes(dir.file("b"), w);
    ASSERT_GT(captured.size(), 250u);
    ASSERT_EQ(replayed, captured) << "worker " << w;
    total += captured.size();
  }
  const nlohmann::json j = read_json(json);
  EXPECT_EQ(j["stop_reason"], "complete");
  EXPECT_EQ(j["config"]["threads"], 2);

  // The iolog as CSV: the recorder's IOs, worker by worker, in order.
  std::vector<std::vector<IoShape>> from_csv(2);
  for (const std::vector<std::string>& f : iolog_csv_rows(trace)) {
    ASSERT_EQ(f[9], "") << f[5];  // no priority
    const char op = f[2] == "read" ? 'r' : f[2] == "write" ? 'w' : 's';
    from_csv.at(std::stoul(f[1])).push_back({op, std::stoull(f[5]), std::stoull(f[6])});
    EXPECT_EQ(f[8], f[2] == "read" || f[2] == "write" ? f[6] : "0") << f[5];  // the result: bytes moved
  }
  EXPECT_EQ(from_csv[0].size() + from_csv[1].size(), total);
  for (int w = 0; w < 2; ++w) EXPECT_EQ(from_csv[w], recorded_shapes(dir.file("a"), w));

  // Spread over three workers: every IO once, each worker's in trace order.
  r = run(recorder_args(dir, dir.file("c")),
          {"--replay", trace, "--replay-speed", "max", "--replay-workers", "threads", "--threads", "3"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  size_t spread = 0;
  for (int w = 0; w < 3; ++w) spread += recorded_shapes(dir.file("c"), w).size();
  EXPECT_EQ(spread, total);
}

// An iolog fio wrote itself replays with fio's offsets and sizes, in fio's
// order.
TEST(Replay, FioIologReplaysWithItsOffsetsAndSizes) {
  ScratchDir dir;
  const std::string log = dir.file("fio.iolog");
  const RunOutcome fio = run_command({"/usr/bin/fio", "--name=j", "--filename=" + dir.file("f"), "--size=1M",
                                      "--rw=randrw", "--bssplit=4k/50:8k/50", "--ioengine=psync",
                                      "--write_iolog=" + log, "--output=/dev/null"});
  ASSERT_EQ(fio.exit_code, 0) << fio.err;
  std::vector<IoShape> expected;
  {
    std::ifstream in(log);
    std::string line;
    std::getline(in, line);
    ASSERT_TRUE(line == "fio version 3 iolog" || line == "fio version 2 iolog") << line;
    const bool v3 = line.back() == '3' || line.find("version 3") != std::string::npos;
    while (std::getline(in, line)) {
      std::istringstream ls(line);
      std::string time, file, action;
      if (v3) ls >> time;
      ls >> file >> action;
      IoShape io;
      if (action != "read" && action != "write") continue;
      ls >> io.offset >> io.len;
      io.op = action == "read" ? 'r' : 'w';
      expected.push_back(io);
    }
  }
  ASSERT_GT(expected.size(), 100u);
  const RunOutcome r = run_iopulse({dir.file("f"), "--plugin-dir", kRecorderDir, "--engine", "recorder",
                                    "--recorder.log=" + dir.file("rec"), "--recorder.min-ns=0", "--file-size", "1M",
                                    "--replay", log,
                                    "--replay-speed", "max", "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(recorded_shapes(dir.file("rec"), 0), expected);
}

// As recorded, the IOs come at their recorded times (the run lasts as long
// as the trace, seen from outside), scaled with --replay-speed, and the
// results state the lag behind the recorded times.
TEST(Replay, HonoursTheRecordedTimes) {
  ScratchDir dir;
  std::string text = "fio version 3 iolog\n0 " + dir.file("target") + " add\n";
  for (int i = 0; i <= 8; ++i) {
    text += std::to_string(i * 50'000) + " " + dir.file("target") + " read " + std::to_string(i * 4096) + " 4096\n";
  }
  const std::string trace = write_text(dir.file("timed.iolog"), text);
  const std::string json = dir.file("out.json");
  const auto timed_run = [&](const char* speed) {
    const auto t0 = std::chrono::steady_clock::now();
    const RunOutcome r = run(recorder_args(dir, dir.file("log")),
                             {"--replay", trace, "--replay-speed", speed, "--json-output", json});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  };
  EXPECT_GE(timed_run("1"), 0.4);
  nlohmann::json j = read_json(json);
  EXPECT_GE(j["window_ns"].get<uint64_t>(), 400'000'000u);
  EXPECT_LT(j["window_ns"].get<uint64_t>(), 700'000'000u);
  ASSERT_TRUE(j.contains("replay_lag_ns")) << j.dump();
  EXPECT_LT(j["replay_lag_ns"]["max"].get<double>(), 100e6);  // docs/replay.md
  EXPECT_EQ(j["read"]["ops"], 9);

  timed_run("4");
  j = read_json(json);
  EXPECT_GE(j["window_ns"].get<uint64_t>(), 100'000'000u);
  EXPECT_LT(j["window_ns"].get<uint64_t>(), 250'000'000u);

  timed_run("max");
  j = read_json(json);
  EXPECT_LT(j["window_ns"].get<uint64_t>(), 100'000'000u);
  EXPECT_FALSE(j.contains("replay_lag_ns"));
}

// Bad input: one line and exit 2 before anything is touched.
TEST(Replay, RefusesBadTraces) {
  ScratchDir dir;
  const std::string json = dir.file("out.json");
  const std::vector<std::string> base = recorder_args(dir, dir.file("log"));
  const auto with = [&](const std::string& trace, std::vector<std::string> extra = {}) {
    extra.insert(extra.begin(), {"--replay", trace, "--json-output", json});
    return run(base, extra);
  };
  expect_refused(with(write_text(dir.file("junk"), "\x01\x02garbage\n")), json, "not a trace IOPulse reads");
  // The path once, in the label.
  const RunOutcome missing = with(dir.file("missing"));
  expect_refused(missing, json, "--replay");
  EXPECT_EQ(missing.err, "iopulse: error: --replay '" + dir.file("missing") +
                             "': cannot be opened: No such file or directory\n");
  // Not a file to read a trace from: a directory, a device that never ends.
  const RunOutcome directory = with(dir.path());
  expect_refused(directory, json, "a directory");
  EXPECT_EQ(directory.err, "iopulse: error: --replay '" + dir.path() +
                               "': a directory; accepted: a trace file (an IOPulse iolog, a fio iolog, a blktrace "
                               "capture)\n");
  expect_refused(with("/dev/zero"), json, "not a regular file");
  const std::string fifo = dir.file("fifo");
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  expect_refused(with(fifo), json, "not a regular file");  // without waiting for a writer
  // A large file with no line end near its start (a disk image of zeros):
  // refused after its first bytes, not read whole in search of a line.
  const std::string image = dir.file("image");
  ASSERT_EQ(truncate(write_text(image, "").c_str(), off_t{4} << 30), 0);
  expect_refused(with(image), json, "not a trace IOPulse reads");
  const std::string t = dir.file("target");
  expect_refused(with(write_text(dir.file("op"), "fio version 3 iolog\n0 " + t + " add\n5 " + t + " read 0 4096\n9 " +
                                                     t + " frob 0 4096\n")),
                 json, "line 4: unknown action 'frob'");
  const std::string past = write_text(dir.file("past"), "fio version 3 iolog\n0 " + t + " add\n5 " + t +
                                                            " write 1073741824 4096\n");
  expect_refused(with(past), json, "past the end");
  expect_refused(run(base, {"--replay", past, "--block-size", "8k"}), json, "--block-size");
  expect_refused(run(base, {"--replay-speed", "2"}), json, "--replay FILE");
  expect_refused(run(base, {"--replay", past, "--replay-speed", "0"}), json, "--replay-speed");

  // Fitted onto the 16 MiB target, the same IO lands inside it.
  RunOutcome r = with(past, {"--replay-scale", "fit", "--replay-align", "4k"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::vector<IoShape> fitted = recorded_shapes(dir.file("log"), 0);
  ASSERT_EQ(fitted.size(), 1u);
  EXPECT_EQ(fitted[0].offset, (16u << 20) - 4096);
  std::remove(json.c_str());

  // A capture cut short.
  const std::string trace = dir.file("run.iolog");
  r = run(base, {"--total-ops", "50", "--write-iolog", trace});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::string bytes = read_file(trace);
  std::ofstream(trace, std::ios::binary | std::ios::trunc) << bytes.substr(0, bytes.size() - 10);
  expect_refused(with(trace), json, "truncated after record 49");
  r = run_iopulse({"iolog", trace});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("truncated after record 49"), std::string::npos) << r.err;

  // Two traced files and a one-file target: refused unless redirected.
  const std::string two = write_text(dir.file("two"), "fio version 3 iolog\n0 /x/a add\n0 /x/b add\n1 /x/a read 0 "
                                                      "4096\n2 /x/b read 8192 4096\n");
  expect_refused(with(two), json, "addresses 2 files");
  r = run_iopulse({"--plugin-dir", kRecorderDir, "--engine", "recorder", "--recorder.log=" + dir.file("redir"),
                   "--file-size", "16M", "-q", "--replay", two, "--replay-redirect", t});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(recorded_shapes(dir.file("redir"), 0), (std::vector<IoShape>{{'r', 0, 4096}, {'r', 8192, 4096}}));
}

// examples/replay-oltp.toml as its comment says to run it, from another
// directory (its trace is found beside it): fio's trace, fitted onto the
// 16 MiB target, replayed whole at its recorded times (2 s).
TEST(Replay, TheExampleReplaysFiosTrace) {
  ScratchDir dir;
  const std::string json = dir.file("out.json");
  const RunOutcome r = run_command({"/bin/sh", "-c",
                                    "cd / && exec '" + std::string(IOPULSE_BINARY) + "' --config '" +
                                        IOPULSE_SOURCE_DIR + "/examples/replay-oltp.toml' '" + dir.file("oltp.db") +
                                        "' -q --json-output '" + json + "'"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json j = read_json(json);
  // The trace's own counts: 1990 reads, 1984 writes, 209 syncs.
  EXPECT_EQ(j["read"]["ops"].get<uint64_t>(), 1990u);
  EXPECT_EQ(j["write"]["ops"].get<uint64_t>(), 1984u);
  EXPECT_EQ(j["sync"]["ops"].get<uint64_t>(), 209u);
  EXPECT_EQ(j["stop_reason"], "complete");
  EXPECT_GE(j["window_ns"].get<uint64_t>(), 1'990'000'000u);
  EXPECT_TRUE(j.contains("replay_lag_ns"));
}

// Writes an IOPulse iolog of `n` 4 KiB reads on one 1 GiB file, IO i
// issued at i * step_ns.
void write_synthetic_iolog(const std::string& path, const std::string& target, uint64_t n, uint64_t step_ns) {
  IoLogHeader h;
  h.workers = 1;
  h.files = {{target, 1ull << 30}};
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << h.encode();
  std::vector<IoLogRecord> chunk(65536);
  for (uint64_t done = 0; done < n;) {
    const uint64_t k = std::min<uint64_t>(chunk.size(), n - done);
    for (uint64_t i = 0; i < k; ++i) {
      IoLogRecord& r = chunk[i];
      r = IoLogRecord{};
      r.issue_ns = (done + i) * step_ns;
      r.offset = ((done + i) * 4096) % (1ull << 30);
      r.len = 4096;
      r.op = IOP_OP_READ;
      r.latency_ns = 1000;
      r.result = 4096;
    }
    out.write(reinterpret_cast<const char*>(chunk.data()), static_cast<std::streamsize>(k * sizeof(IoLogRecord)));
    done += k;
  }
}

// A trace that goes bad while it is replayed (here: records overwritten
// with an unknown op once the window is open) stops the run at the
// position named, exit 1, and the results of what was done are written.
TEST(Replay, StopsMidStreamNamingThePosition) {
  ScratchDir dir;
  const std::string trace = dir.file("live.iolog");
  constexpr uint64_t kRecords = 60000, kFirstBad = 50000;
  write_synthetic_iolog(trace, dir.file("target"), kRecords, 30'000);  // 1.8 s
  const size_t header = IoLogHeader::decode(read_file(trace).substr(0, 4096)).header_bytes;
  const std::string json = dir.file("out.json"), series = dir.file("series.jsonl");
  bool corrupted = false;
  const RunOutcome r = run_iopulse_and_signal_when(
      {dir.file("target"), "--engine", "null", "--file-size", "1G", "--replay", trace, "--json-output", json,
       "--timeseries-output", series, "--stats-interval", "100ms", "-q"},
      [&] {
        // Once an interval was written the window is open and the plan has
        // read the whole trace.
        std::ifstream in(series);
        std::string first_line;
        if (!std::getline(in, first_line) || in.eof()) return false;
        std::fstream f(trace, std::ios::binary | std::ios::in | std::ios::out);
        for (uint64_t i = kFirstBad; i < kRecords; ++i) {
          f.seekp(static_cast<std::streamoff>(header + i * sizeof(IoLogRecord) + 44));
          f.put(17);
        }
        corrupted = f.good();
        return true;
      },
      0);
  ASSERT_TRUE(corrupted);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("--replay '" + trace + "': record " + std::to_string(kFirstBad + 1) + ": unknown op 17"),
            std::string::npos)
      << r.err;
  const nlohmann::json j = read_json(json);
  EXPECT_EQ(j["stop_reason"], "error");
  EXPECT_GE(j["read"]["ops"].get<uint64_t>(), 40000u);  // what came before the bad chunk
  EXPECT_LT(j["read"]["ops"].get<uint64_t>(), kFirstBad);
}

// Runs iopulse and returns its peak resident memory in KiB, as the kernel
// accounts it (wait4's ru_maxrss).
long peak_rss_kib(const std::vector<std::string>& args, int* exit_code) {
  std::vector<std::string> argv = {IOPULSE_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<char*> cargv;
  for (std::string& a : argv) cargv.push_back(a.data());
  cargv.push_back(nullptr);
  pid_t pid = 0;
  if (posix_spawn(&pid, IOPULSE_BINARY, nullptr, nullptr, cargv.data(), environ) != 0) return -1;
  int status = 0;
  rusage usage{};
  if (wait4(pid, &status, 0, &usage) != pid) return -1;
  *exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return usage.ru_maxrss;
}

// The trace is streamed: a 128 MiB trace (2.8 million IOs) replays in less
// memory than the trace (bench/replay_rss.py checks 2 GiB the same way).
TEST(Replay, StreamsTheTraceInBoundedMemory) {
  ScratchDir dir;
  const std::string trace = dir.file("big.iolog");
  constexpr uint64_t kRecords = (128ull << 20) / sizeof(IoLogRecord);
  write_synthetic_iolog(trace, dir.file("target"), kRecords, 1);
  const std::string json = dir.file("out.json");
  int code = -1;
  const long kib = peak_rss_kib({dir.file("target"), "--engine", "null", "--file-size", "1G", "--replay", trace,
                                 "--replay-speed", "max", "--json-output", json, "-q"},
                                &code);
  ASSERT_EQ(code, 0);
  EXPECT_LT(kib, 64 * 1024) << "peak RSS " << kib << " KiB for a 128 MiB trace";
  EXPECT_EQ(read_json(json)["read"]["ops"].get<uint64_t>(), kRecords);
}

}  // namespace
}  // namespace iopulse::test
