// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// Per-IO fio-format logs (--log-per-io; a fio job file's write_*_log
// without log_avg_msec), checked from outside: fio itself, run on the same
// job file, writes the same files with the same columns and as many entries;
// the recorder engine saw exactly the IOs (op, offset, length, priority) the
// lines describe, each taking at least the latency it was given; the JSON
// result's latency statistics are those of the logged values; the capture
// they are made from leaves nothing behind and is not held in memory; fio's
// fio2gnuplot reads them.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "filesystem_support.h"
#include "json_support.h"
#include "run_support.h"

namespace iopulse::test {
namespace {

using ::testing::HasSubstr;

const std::string kRecorderDir = std::string(IOPULSE_FIXTURE_PLUGIN_DIR) + "/recorder";

// One line of a per-IO log: TIME, VALUE, DDIR, BS[, OFFSET], PRIO.
struct IoLine {
  std::vector<std::string> columns;
  uint64_t time_ms = 0, value = 0, bs = 0, offset = 0;
  int ddir = -1;
  unsigned prio = 0;
};

// Decimal, or 0x followed by four hex digits (fio's log_prio column).
bool is_number(const std::string& s, bool hex_ok) {
  if (hex_ok && s.size() == 6 && s.starts_with("0x")) {
    return std::all_of(s.begin() + 2, s.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); });
  }
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

std::vector<IoLine> read_io_log(const std::string& path) {
  std::vector<IoLine> out;
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << path;
  for (std::string text; std::getline(in, text);) {
    IoLine l;
    for (size_t start = 0;;) {
      const size_t comma = text.find(", ", start);
      l.columns.push_back(text.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
      if (comma == std::string::npos) break;
      start = comma + 2;
    }
    if (l.columns.size() < 5) {
      ADD_FAILURE() << path << ": " << text;
      continue;
    }
    for (size_t i = 0; i < l.columns.size(); ++i) {
      EXPECT_TRUE(is_number(l.columns[i], i + 1 == l.columns.size())) << path << ": " << text;
    }
    l.time_ms = std::stoull(l.columns[0]);
    l.value = std::stoull(l.columns[1]);
    l.ddir = std::stoi(l.columns[2]);
    l.bs = std::stoull(l.columns[3]);
    if (l.columns.size() == 6) l.offset = std::stoull(l.columns[4]);
    l.prio = static_cast<unsigned>(std::stoul(l.columns.back(), nullptr, 0));
    out.push_back(l);
  }
  return out;
}

std::set<std::string> names_in(const std::string& dir) {
  std::set<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(dir)) out.insert(e.path().filename().string());
  return out;
}

// The "shape" of a line: column count and which columns are hexadecimal.
std::string shape(const IoLine& l) {
  std::string s = std::to_string(l.columns.size());
  for (const std::string& c : l.columns) s += c.starts_with("0x") ? "h" : "d";
  return s;
}

// fio and IOPulse run the same job file (no log_avg_msec: fio logs every
// IO): the same files, the same columns, an entry per IO in both, each
// offset of the file once (fio's and IOPulse's random map), in completion
// order.  The rate spreads the IOs over some 100 ms, as a disk would.
TEST(FioPerIoLogs, AJobFileWritesTheLogsFioWrites) {
  ScratchDir fio_dir, ours;
  const std::string job =
      "[global]\nfilename=${DIR}/data\nsize=1m\nbs=4k\nioengine=psync\nrate_iops=4000\n"
      "write_lat_log=x\nwrite_bw_log=x\nwrite_iops_log=x\nlog_offset=1\n"
      "[mixed]\nrw=randrw\n[scan]\nstonewall\nrw=randread\nbs=8k\n";
  run_both(job, fio_dir, ours);
  if (HasFatalFailure()) return;
  // The same files, and nothing else (the capture left no file behind).
  EXPECT_EQ(names_in(ours.path()), names_in(fio_dir.path()));
  EXPECT_EQ(names_in(ours.path()).size(), 12u);  // 5 logs x 2 jobs, the job file, the data
  for (const auto& [job_number, ios, bs] : {std::tuple{"1", 256u, 4096u}, std::tuple{"2", 128u, 8192u}}) {
    for (const char* log : {"lat", "clat", "bw", "iops"}) {
      const std::string name = std::string("x_") + log + "." + job_number + ".log";
      const std::vector<IoLine> theirs = read_io_log(fio_dir.file(name));
      const std::vector<IoLine> mine = read_io_log(ours.file(name));
      ASSERT_EQ(theirs.size(), ios) << name;
      ASSERT_EQ(mine.size(), ios) << name;
      std::set<uint64_t> their_offsets, my_offsets;
      for (size_t i = 0; i < ios; ++i) {
        EXPECT_EQ(shape(mine[i]), shape(theirs[i])) << name << " line " << i + 1;
        EXPECT_EQ(mine[i].bs, bs) << name;
        EXPECT_GT(mine[i].value, 0u) << name;
        if (i > 0) {
          EXPECT_GE(mine[i].time_ms, mine[i - 1].time_ms) << name << ": completion order";
        }
        their_offsets.insert(theirs[i].offset);
        my_offsets.insert(mine[i].offset);
        if (std::string(log) == "iops") {
          EXPECT_EQ(mine[i].value, 1u);
        }
      }
      EXPECT_EQ(my_offsets, their_offsets) << name;
      EXPECT_EQ(my_offsets.size(), ios) << name;
    }
    // A synchronous engine: no submission latency, in fio's logs and ours.
    const std::string slat = std::string("x_slat.") + job_number + ".log";
    EXPECT_TRUE(std::filesystem::is_empty(fio_dir.file(slat)));
    EXPECT_TRUE(std::filesystem::is_empty(ours.file(slat)));
  }
  // Each job's entries count from its own start, in fio's logs and ours:
  // the stonewalled scan's first IO completes well before the mixed job's
  // last (which the rate, 4000 IOPS per direction, holds back to some 32 ms
  // at least).
  for (const ScratchDir* d : {&fio_dir, &ours}) {
    const std::vector<IoLine> first = read_io_log(d->file("x_lat.1.log"));
    const std::vector<IoLine> second = read_io_log(d->file("x_lat.2.log"));
    ASSERT_FALSE(first.empty());
    ASSERT_FALSE(second.empty());
    EXPECT_GE(first.back().time_ms, 25u) << d->path();
    EXPECT_LT(second.front().time_ms, first.back().time_ms) << d->path() << ": the scan's clock did not restart";
  }
  // Both directions of the mixed job are there.
  std::set<int> ddirs;
  for (const IoLine& l : read_io_log(ours.file("x_lat.1.log"))) ddirs.insert(l.ddir);
  EXPECT_EQ(ddirs, (std::set<int>{0, 1}));
  // fio's fio2gnuplot reads them: every IO of both jobs is a value (but
  // those of the first millisecond, which it leaves out).
  size_t after_start = 0;
  for (const char* job_number : {"1", "2"}) {
    for (const IoLine& l : read_io_log(ours.file(std::string("x_bw.") + job_number + ".log"))) after_start += l.time_ms > 0;
  }
  EXPECT_GT(after_start, 300u);
  const RunOutcome g = run_command({"/bin/sh", "-c", "cd '" + ours.path() + "' && /usr/bin/fio2gnuplot -b"});
  ASSERT_EQ(g.exit_code, 0) << g.out << g.err;
  std::ifstream global(ours.file("result.global"));
  std::stringstream text;
  text << global.rdbuf();
  EXPECT_THAT(text.str(), HasSubstr("values_count=" + std::to_string(after_start)));
  EXPECT_THAT(text.str(), HasSubstr("disks_count=2"));
}

// What the recorder engine saw worker `w` do: op, offset, length, priority
// and the latency it gave each IO.
struct RecordedIo {
  int ddir;
  uint64_t offset, len;
  unsigned prio;
  uint64_t known_ns;
};

std::vector<RecordedIo> recorded(const std::string& path) {
  std::vector<RecordedIo> out;
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << path;
  for (std::string line; std::getline(in, line);) {
    std::istringstream s(line);
    std::string op;
    RecordedIo io{};
    uint64_t observed = 0, flags = 0;
    std::string hash;
    s >> op >> io.offset >> io.len >> io.known_ns >> observed >> hash >> io.prio >> flags;
    EXPECT_FALSE(s.fail()) << line;
    if (op == "s") continue;  // syncs have no line in fio's logs
    io.ddir = op == "r" ? 0 : op == "w" ? 1 : 2;
    out.push_back(io);
  }
  return out;
}

// Every line is an IO the engine was asked for (op, offset, length,
// priority) and every IO it was asked for has one; each logged latency is
// at least the latency the engine gave that IO; the logged latencies have
// the JSON result's count, minimum, maximum and mean, and their median is
// the result's p50 within the histogram's precision.
TEST(FioPerIoLogs, TheLinesAreTheIosTheEngineSaw) {
  ScratchDir dir;
  const std::string rec = dir.file("rec");
  const RunOutcome r = run_iopulse(
      {dir.file("t.dat"), "--file-size", "16M", "--threads", "2", "--queue-depth", "4", "--random", "--read-percent",
       "70", "--total-ops", "3000", "--io-priority", "be:3", "--io-priority-percent", "40", "--plugin-dir",
       kRecorderDir, "--engine", "recorder", "--recorder.log=" + rec, "--recorder.marks=on",
       "--recorder.min-ns=20000", "--recorder.spread-ns=200000", "--write-lat-log", dir.file("x"), "--log-per-io",
       "--log-offset", "--log-prio", "--json-output", dir.file("r.json"), "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::map<int, std::vector<uint64_t>> latencies;  // per direction, both workers
  for (int w = 0; w < 2; ++w) {
    std::vector<RecordedIo> seen = recorded(rec + "." + std::to_string(w));
    const std::vector<IoLine> lines = read_io_log(dir.file("x_lat." + std::to_string(w + 1) + ".log"));
    ASSERT_EQ(lines.size(), seen.size()) << "worker " << w;
    // The same IOs: matched by what they are; each logged latency is at least
    // the one the engine gave (sorted pairing finds a matching if any does).
    using Key = std::tuple<int, uint64_t, uint64_t, unsigned>;
    std::map<Key, std::vector<uint64_t>> known, logged;
    for (const RecordedIo& io : seen) known[{io.ddir, io.offset, io.len, io.prio}].push_back(io.known_ns);
    std::set<unsigned> prios;
    for (const IoLine& l : lines) {
      logged[{l.ddir, l.offset, l.bs, l.prio}].push_back(l.value);
      latencies[l.ddir].push_back(l.value);
      prios.insert(l.prio);
    }
    ASSERT_EQ(logged.size(), known.size());
    for (auto& [key, values] : logged) {
      std::vector<uint64_t>& given = known[key];
      ASSERT_EQ(values.size(), given.size()) << "offset " << std::get<1>(key);
      std::sort(values.begin(), values.end());
      std::sort(given.begin(), given.end());
      for (size_t i = 0; i < values.size(); ++i) EXPECT_GE(values[i], given[i]) << "offset " << std::get<1>(key);
    }
    EXPECT_EQ(prios, (std::set<unsigned>{0, 0x4003})) << "best effort, level 3, on some IOs";
  }
  const nlohmann::json j = read_json(dir.file("r.json"));
  for (const auto& [ddir, key] : {std::pair{0, "read"}, std::pair{1, "write"}}) {
    std::vector<uint64_t>& v = latencies[ddir];
    std::sort(v.begin(), v.end());
    const nlohmann::json& lat = j[key]["latency_ns"];
    ASSERT_EQ(v.size(), j[key]["ops"].get<uint64_t>()) << key;
    ASSERT_FALSE(v.empty());
    EXPECT_EQ(v.front(), lat["min"].get<uint64_t>()) << key;
    EXPECT_EQ(v.back(), lat["max"].get<uint64_t>()) << key;
    double sum = 0;
    for (uint64_t x : v) sum += static_cast<double>(x);
    EXPECT_NEAR(sum / static_cast<double>(v.size()), lat["mean"].get<double>(), 1.0) << key;
    const double median = static_cast<double>(v[(v.size() + 1) / 2 - 1]);
    EXPECT_NEAR(lat["percentiles"]["50"].get<double>(), median, median * 0.02) << key;
  }
}

// fio logs the read-back pass of a verifying write job (do_verify=1, its
// default) in the job's own logs, its times going on from the job's: so do
// IOPulse's, from its read-back phase, which takes no job number (the
// stonewalled job after it is job 2 in both).  Per IO, and per interval.
TEST(FioPerIoLogs, TheReadBackPassIsInTheJobsLogsAsFiosIs) {
  for (const bool per_io : {true, false}) {
    SCOPED_TRACE(per_io ? "per IO" : "per interval");
    ScratchDir fio_dir, ours;
    const std::string job = std::string("[global]\nsize=1m\nbs=4k\nioengine=psync\nwrite_lat_log=x\nwrite_bw_log=x\n") +
                            (per_io ? "log_offset=1\n" : "log_avg_msec=20\n") +
                            "[wv]\nfilename=${DIR}/data\nrw=randwrite\nrate_iops=4000\nverify=crc32c\n"
                            "[scan]\nstonewall\nfilename=${DIR}/other\nrw=read\n";
    run_both(job, fio_dir, ours);
    if (HasFatalFailure()) return;
    EXPECT_EQ(names_in(ours.path()), names_in(fio_dir.path()));
    for (const ScratchDir* d : {&fio_dir, &ours}) {
      SCOPED_TRACE(d == &fio_dir ? "fio" : "iopulse");
      // (fio's averaged bandwidth log of this job stays empty: per interval
      // the latency log is the one both write.)
      for (const std::string& log : per_io ? std::vector<std::string>{"lat", "bw"} : std::vector<std::string>{"lat"}) {
        const std::vector<IoLine> lines = read_io_log(d->file("x_" + log + ".1.log"));
        std::map<int, std::vector<uint64_t>> offsets;  // per direction
        uint64_t last_write_ms = 0, first_read_ms = UINT64_MAX;
        for (const IoLine& l : lines) {
          offsets[l.ddir].push_back(l.offset);
          if (l.ddir == 1) last_write_ms = std::max(last_write_ms, l.time_ms);
          if (l.ddir == 0) first_read_ms = std::min(first_read_ms, l.time_ms);
        }
        ASSERT_EQ(offsets.size(), 2u) << log << ": writes and the read-back's reads";
        if (per_io) {
          // Every block written once, then read back once.
          for (int ddir : {0, 1}) {
            std::vector<uint64_t>& v = offsets[ddir];
            std::sort(v.begin(), v.end());
            ASSERT_EQ(v.size(), 256u) << log << " ddir " << ddir;
            for (size_t i = 0; i < v.size(); ++i) ASSERT_EQ(v[i], i * 4096) << log << " ddir " << ddir;
          }
        }
        // The writes take some 64 ms at 4000 IOPS; the reads' times go on
        // from there rather than starting again from 0.
        EXPECT_GE(last_write_ms, 50u) << log;
        EXPECT_GE(first_read_ms + (per_io ? 0 : 20), last_write_ms) << log;
      }
      // The stonewalled job is job 2, and read only.
      const std::vector<IoLine> scan = read_io_log(d->file("x_lat.2.log"));
      ASSERT_FALSE(scan.empty());
      for (const IoLine& l : scan) EXPECT_EQ(l.ddir, 0);
    }
  }
}

// The capture is read back in a stream: 1.5 million IOs (a 72 MB capture)
// become their logs in far less memory than the capture.  The peak is
// taken by python3 (RUSAGE_CHILDREN after running IOPulse): a process's
// ru_maxrss includes the memory of whatever it was spawned from at its
// exec, so IOPulse spawned straight from this test binary would count the
// binary's own memory (large after other tests in one invocation), and
// python's is small.
TEST(FioPerIoLogs, TheCaptureIsNotHeldInMemory) {
  ScratchDir dir;
  constexpr uint64_t kOps = 1'500'000;
  const RunOutcome r = run_command(
      {"/usr/bin/python3", "-c",
       "import resource, subprocess, sys\n"
       "rc = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode\n"
       "print(rc, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n",
       IOPULSE_BINARY, dir.file("t.dat"), "--engine", "null", "--file-size", "64M", "--total-ops",
       std::to_string(kOps), "--write-iops-log", dir.file("x"), "--log-per-io", "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::istringstream out(r.out);
  int exit_code = -1;
  uint64_t peak_kib = 0;
  ASSERT_TRUE(out >> exit_code >> peak_kib) << r.out;
  ASSERT_EQ(exit_code, 0) << r.err;
  EXPECT_LT(peak_kib, 48u * 1024) << "peak RSS " << peak_kib << " KiB";
  std::ifstream in(dir.file("x_iops.1.log"));
  uint64_t lines = 0;
  for (std::string l; std::getline(in, l);) ++lines;
  EXPECT_EQ(lines, kOps);
  EXPECT_EQ(names_in(dir.path()), (std::set<std::string>{"x_iops.1.log"}));  // the null engine makes no file
}

TEST(FioPerIoLogs, BadInputIsRefusedBeforeAnythingIsTouched) {
  ScratchDir dir;
  for (const char* option : {"--log-per-io", "--log-offset", "--log-prio"}) {
    const RunOutcome r = run_iopulse({dir.file("t.dat"), "--file-size", "1M", option});
    EXPECT_EQ(r.exit_code, 2) << option;
    EXPECT_THAT(r.err, HasSubstr(std::string(option) + ": shapes the fio-format logs")) << option;
  }
  const RunOutcome m = run_iopulse({dir.file("tree"), "--md-phases", "file-create", "--md-items", "2",
                                    "--write-lat-log", dir.file("x"), "--log-per-io"});
  EXPECT_EQ(m.exit_code, 2);
  EXPECT_THAT(m.err, HasSubstr("--log-per-io: a data-IO option"));
  // Several phases into one --write-iolog file: refused as before.
  std::ofstream(dir.file("two.fio")) << "[global]\nfilename=" << dir.file("t.dat") << "\nsize=1m\nwrite_lat_log="
                                     << dir.file("x") << "\n[a]\n[b]\nstonewall\n";
  const RunOutcome t = run_iopulse({dir.file("two.fio"), "--write-iolog", dir.file("cap")});
  EXPECT_EQ(t.exit_code, 2);
  EXPECT_THAT(t.err, HasSubstr("records one phase"));
  EXPECT_EQ(names_in(dir.path()), (std::set<std::string>{"two.fio"}));
}

// A full file system under the per-IO logs: the capture filling it while
// the phase runs, or the logs filling it after.  Either way the run says
// which file and the system's reason (ENOSPC), exits non-zero without
// crashing, and the main results (the JSON on another file system) are
// written in full all the same.
TEST(FioPerIoLogs, AFullFileSystemIsReportedAndTheResultsSurvive) {
  ScratchDir dir;
  TmpfsMount tiny(dir.file("logs"), "1M");
  if (!tiny.ok()) GTEST_SKIP() << tiny.why();
  // 16000 IOs: a capture of 750 KiB fits, it and its logs (four lines per
  // IO, some 1.2 MiB) do not; 40000: the capture itself (1.8 MiB) does not.
  for (const uint64_t ops : {uint64_t{16000}, uint64_t{40000}}) {
    SCOPED_TRACE(ops);
    for (const auto& entry : std::filesystem::directory_iterator(dir.file("logs"))) std::filesystem::remove(entry);
    const std::string json = dir.file("r.json");
    std::filesystem::remove(json);
    const RunOutcome r = run_iopulse({dir.file("t.dat"), "--file-size", "4M", "--random", "--total-ops",
                                      std::to_string(ops), "--write-lat-log", dir.file("logs/x"), "--write-bw-log",
                                      dir.file("logs/x"), "--write-iops-log", dir.file("logs/x"), "--log-per-io",
                                      "--json-output", json, "-q"});
    EXPECT_GT(r.exit_code, 0) << r.err;
    EXPECT_LT(r.exit_code, 128) << "a crash: " << r.err;
    EXPECT_THAT(r.err, HasSubstr("No space left on device"));
    EXPECT_THAT(r.err, HasSubstr(dir.file("logs")));
    ASSERT_TRUE(std::filesystem::exists(json)) << r.err;
    const nlohmann::json j = read_json(json);
    EXPECT_EQ(j["read"]["ops"].get<uint64_t>(), ops);
  }
}

}  // namespace
}  // namespace iopulse::test
