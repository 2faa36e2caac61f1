// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// fio-format logs (--write-bw-log, --write-iops-log, --write-lat-log and
// fio's write_*_log / log_avg_msec in a job file), checked from outside: the
// IOs they add up to are the IOs the job was told to do, fio itself names
// the files of the same job file the same way, and fio's own fio2gnuplot
// reads them.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "run_support.h"

namespace iopulse::test {
namespace {

using ::testing::HasSubstr;

struct LogLine {
  uint64_t time_ms = 0;
  uint64_t value = 0;
  int ddir = -1;
};

// A log's lines; fails the test on a line that is not "T, V, D, 0, 0".
std::vector<LogLine> read_log(const std::string& path) {
  std::vector<LogLine> out;
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << path;
  for (std::string line; std::getline(in, line);) {
    LogLine l;
    unsigned long long t = 0, v = 0, bs = 1, off = 1;
    EXPECT_EQ(std::sscanf(line.c_str(), "%llu, %llu, %d, %llu, %llu", &t, &v, &l.ddir, &bs, &off), 5) << line;
    EXPECT_EQ(bs, 0u) << line;
    EXPECT_EQ(off, 0u) << line;
    l.time_ms = t;
    l.value = v;
    out.push_back(l);
  }
  return out;
}

// What a rate log adds up to for direction `ddir`: each value times its
// interval's length (`interval_ms`; the last one ends with the window, at a
// time that is not a multiple of it).  Times are whole milliseconds, cut
// down: a last interval shorter than 1 ms carries the time of the line
// before it, and its length is taken as 0.5 ms (it lies in [0, 1) ms).
double integrate(const std::vector<LogLine>& log, int ddir, uint64_t interval_ms) {
  double sum = 0;
  bool first = true;
  uint64_t previous = 0;
  for (const LogLine& l : log) {
    if (l.ddir != ddir) continue;
    double length = static_cast<double>(l.time_ms % interval_ms != 0 ? l.time_ms % interval_ms : interval_ms);
    if (!first && l.time_ms == previous) length = 0.5;
    sum += static_cast<double>(l.value) * length / 1000.0;
    first = false;
    previous = l.time_ms;
  }
  return sum;
}

// The intervals a log has lines for, in order: consecutive, none left out.
void expect_every_interval(const std::vector<LogLine>& log, uint64_t interval_ms) {
  // From the worker's first completion on (the first line).
  uint64_t previous = log.empty() ? 0 : log.front().time_ms;
  for (const LogLine& l : log) {
    if (l.time_ms == previous) continue;
    EXPECT_TRUE(l.time_ms - previous == interval_ms || l.time_ms == log.back().time_ms)
        << "a gap after " << previous << " ms: next line at " << l.time_ms << " ms";
    previous = l.time_ms;
  }
}

std::set<std::string> names_in(const std::string& dir, const std::string& suffix) {
  std::set<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    const std::string name = e.path().filename().string();
    if (name.ends_with(suffix)) out.insert(name);
  }
  return out;
}

TEST(FioLogs, RateLogsAddUpToTheIosTheJobWasGiven) {
  ScratchDir dir;
  constexpr uint64_t kOps = 60000;
  const RunOutcome r = run_iopulse({dir.file("t.dat"), "--file-size", "4M", "--threads", "2", "--random",
                                    "--read-percent", "50", "--block-size", "4k", "--total-ops", std::to_string(kOps),
                                    "--stats-interval", "20ms", "--write-bw-log", dir.file("x"), "--write-iops-log",
                                    dir.file("x"), "--write-lat-log", dir.file("x"), "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(names_in(dir.path(), ".log"),
            (std::set<std::string>{"x_bw.1.log", "x_bw.2.log", "x_iops.1.log", "x_iops.2.log", "x_lat.1.log",
                                   "x_lat.2.log", "x_clat.1.log", "x_clat.2.log", "x_slat.1.log", "x_slat.2.log"}));
  double ios = 0, kib = 0;
  for (const char* worker : {"1", "2"}) {
    const std::vector<LogLine> iops = read_log(dir.file(std::string("x_iops.") + worker + ".log"));
    const std::vector<LogLine> bw = read_log(dir.file(std::string("x_bw.") + worker + ".log"));
    ASSERT_FALSE(iops.empty());
    ios += integrate(iops, 0, 20) + integrate(iops, 1, 20);
    kib += integrate(bw, 0, 20) + integrate(bw, 1, 20);
    // An interval in which the worker completed nothing still has its line.
    expect_every_interval(iops, 20);
    // Both directions were logged, and every latency is positive.
    for (const LogLine& l : read_log(dir.file(std::string("x_lat.") + worker + ".log"))) EXPECT_GT(l.value, 0u);
    EXPECT_TRUE(std::filesystem::is_empty(dir.file(std::string("x_slat.") + worker + ".log")));
  }
  // Rounding: values are whole IOPS and KiB/s, times whole milliseconds.
  EXPECT_NEAR(ios, static_cast<double>(kOps), kOps * 0.02);
  EXPECT_NEAR(kib, static_cast<double>(kOps) * 4, kOps * 4 * 0.02);
}

TEST(FioLogs, FiosOwnToolsReadThem) {
  ScratchDir dir;
  const RunOutcome r = run_iopulse({dir.file("t.dat"), "--file-size", "4M", "--threads", "2", "--random",
                                    "--duration", "1s", "--stats-interval", "100ms", "--write-bw-log", dir.file("x"),
                                    "--write-iops-log", dir.file("x"), "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  size_t lines = read_log(dir.file("x_bw.1.log")).size() + read_log(dir.file("x_bw.2.log")).size();
  for (const char* mode : {"-b", "-i"}) {
    const RunOutcome g = run_command({"/bin/sh", "-c", "cd '" + dir.path() + "' && /usr/bin/fio2gnuplot " + mode});
    ASSERT_EQ(g.exit_code, 0) << g.out << g.err;
    EXPECT_THAT(g.out, HasSubstr(std::string("x_") + (mode[1] == 'b' ? "bw" : "iops") + ".2.log"));
    std::ifstream global(dir.file("result.global"));
    std::stringstream text;
    text << global.rdbuf();
    EXPECT_THAT(text.str(), HasSubstr("disks_count=2")) << mode;
    if (mode[1] == 'b') {
      EXPECT_THAT(text.str(), HasSubstr("values_count=" + std::to_string(lines)));
    }
  }
}

// A fio job file of two phases, the second with two jobs: fio and IOPulse
// write the same set of files, and IOPulse's intervals are log_avg_msec.
TEST(FioLogs, AJobFileNamesItsLogsAsFioDoes) {
  ScratchDir fio_dir, ours;
  const std::string job =
      "[global]\nfilename=${DIR}/data\nsize=2m\nbs=4k\nwrite_bw_log=x\nwrite_lat_log=x\nlog_avg_msec=50\n"
      "[fill]\nrw=write\nverify=crc32c\n[scan]\nstonewall\nrw=randread\nnumjobs=2\ntime_based\nruntime=1\n";
  std::ofstream(fio_dir.file("j.fio")) << job;
  std::ofstream(ours.file("j.fio")) << job;
  const RunOutcome f = run_command({"/bin/sh", "-c", "cd '" + fio_dir.path() + "' && /usr/bin/fio --output=/dev/null j.fio"},
                                   {"DIR=" + fio_dir.path()});
  ASSERT_EQ(f.exit_code, 0) << f.err;
  const RunOutcome r = run_command({"/bin/sh", "-c", "cd '" + ours.path() + "' && " + std::string(IOPULSE_BINARY) + " j.fio --quiet"},
                                   {"DIR=" + ours.path()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(names_in(ours.path(), ".log"), names_in(fio_dir.path(), ".log"));
  EXPECT_EQ(names_in(ours.path(), ".log").size(), 12u);  // bw, lat, clat, slat for 3 jobs
  // The scan's workers log every 50 ms on their phase's clock: as fio's
  // stonewalled job, from the scan's start, not the fill's.
  const std::vector<LogLine> fill = read_log(ours.file("x_bw.1.log"));
  const std::vector<LogLine> scan = read_log(ours.file("x_bw.3.log"));
  ASSERT_FALSE(fill.empty());
  ASSERT_GE(scan.size(), 10u);
  // Every entry but the last ends an interval: a whole number of 50 ms
  // since the scan began (on the run's clock they would be offset by the
  // fill's time).
  for (size_t i = 0; i + 1 < scan.size(); ++i) EXPECT_EQ(scan[i].time_ms % 50, 0u) << i << ": " << scan[i].time_ms;
}

// log_unix_epoch: the times are Unix milliseconds, each job's from its own
// start, in fio's logs and IOPulse's alike: every line of each tool lies
// between the wall clock before and after its run, the stonewalled scan's
// after the fill's, and the scan's averaged lines a whole number of
// intervals after its first.  IOPulse's per-IO lines too.
TEST(FioLogs, UnixEpochTimesAreTheWallClockAsFios) {
  const auto wall_ms = [] {
    return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                     std::chrono::system_clock::now().time_since_epoch())
                                     .count());
  };
  for (const char* tool : {"fio", "iopulse", "iopulse-per-io"}) {
    SCOPED_TRACE(tool);
    ScratchDir dir;
    const bool per_io = std::string(tool) == "iopulse-per-io";
    std::ofstream(dir.file("j.fio"))
        << "[global]\nfilename=${DIR}/data\nsize=1m\nbs=4k\nwrite_bw_log=x\nlog_unix_epoch=1\n"
        << (per_io ? "" : "log_avg_msec=100\n")
        << "[fill]\nrw=write\nrate_iops=800\n[scan]\nstonewall\nrw=randread\ntime_based\nruntime=600ms\n"
        << "rate_iops=2000\n";
    const std::string run = std::string(tool) == "fio" ? "/usr/bin/fio --output=/dev/null j.fio"
                                                       : std::string(IOPULSE_BINARY) + " j.fio --quiet";
    const uint64_t before = wall_ms();
    const RunOutcome r = run_command({"/bin/sh", "-c", "cd '" + dir.path() + "' && " + run}, {"DIR=" + dir.path()});
    const uint64_t after = wall_ms();
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::vector<std::vector<uint64_t>> times(2);
    for (int job = 0; job < 2; ++job) {
      std::ifstream in(dir.file("x_bw." + std::to_string(job + 1) + ".log"));
      ASSERT_TRUE(in.good()) << job;
      for (std::string line; std::getline(in, line);) times[job].push_back(std::stoull(line));
      ASSERT_FALSE(times[job].empty()) << job;
      for (uint64_t t : times[job]) {
        EXPECT_GE(t, before) << "job " << job;
        EXPECT_LE(t, after) << "job " << job;
      }
    }
    EXPECT_GE(times[1].front(), times[0].back()) << "the scan's times go on from its own start, after the fill";
    if (!per_io) {
      // (Averaged lines 100 ms apart on the scan's clock; fio's epoch and
      // line times are whole milliseconds, cut down on their own, so +-1.
      // fio stamps a line when its thread gets to it, which on a busy
      // machine is some milliseconds late: it is the reference here, so it
      // gets a margin; IOPulse's lines do not.)
      const uint64_t margin = std::string(tool) == "fio" ? 10 : 1;
      for (size_t i = 0; i + 1 < times[1].size(); ++i) {
        const uint64_t apart = (times[1][i] - times[1].front() + margin) % 100;
        EXPECT_LE(apart, 2 * margin) << i << ": " << times[1][i] << " after " << times[1].front();
      }
    }
  }
}

// Each job its own logs, as fio: a job without write_*_log writes none,
// jobs name theirs with their own prefixes, and the numbers go on through
// the jobs and clones (IOPulse's read-back phase after the verifying fill
// is no job of fio's and takes no number).  fio and IOPulse write the same files of the same
// file, each with a line per IO (no log_avg_msec) of the job's reads.
TEST(FioLogs, EachJobWritesItsOwnLogsAsFioDoes) {
  ScratchDir fio_dir, ours;
  const std::string job =
      "[global]\nfilename=${DIR}/data\nsize=1m\nbs=4k\n"
      "[fill]\nrw=write\nverify=crc32c\n[scan]\nstonewall\nrw=read\nnumjobs=2\nwrite_bw_log=scan\n"
      "[other]\nstonewall\nrw=read\nwrite_iops_log=other\n";
  run_both(job, fio_dir, ours);
  if (HasFatalFailure()) return;
  EXPECT_EQ(names_in(fio_dir.path(), ".log"),
            (std::set<std::string>{"scan_bw.2.log", "scan_bw.3.log", "other_iops.4.log"}));
  EXPECT_EQ(names_in(ours.path(), ".log"), names_in(fio_dir.path(), ".log"));
  for (const char* name : {"scan_bw.2.log", "scan_bw.3.log", "other_iops.4.log"}) {
    const auto lines = [](const std::string& path) {
      std::ifstream in(path);
      size_t n = 0;
      for (std::string l; std::getline(in, l);) ++n;
      return n;
    };
    EXPECT_EQ(lines(ours.file(name)), 256u) << name;
    EXPECT_EQ(lines(ours.file(name)), lines(fio_dir.file(name))) << name;
  }
}

// A verifying job's read-back passes (loops=2: write, read back, write,
// read back) in averaged logs: fio's averaged IOPS samples leave its verify
// reads out, so neither tool's IOPS log has a read line; IOPulse's latency
// log has the read-back's reads, after the first loop's writes.
TEST(FioLogs, AveragedRateLogsLeaveTheReadBackOutAsFiosDo) {
  ScratchDir fio_dir, ours;
  // (The writes paced to 500 IOPS: 128 ms a loop, lines in every log.)
  const std::string job = "[lv]\nfilename=${DIR}/data\nsize=256k\nbs=4k\nrw=randwrite\nverify=crc32c\nloops=2\n"
                          "rate_iops=500\nwrite_iops_log=lv\nwrite_lat_log=lv\nlog_avg_msec=10\n";
  run_both(job, fio_dir, ours);
  if (HasFatalFailure()) return;
  EXPECT_EQ(names_in(ours.path(), ".log"), names_in(fio_dir.path(), ".log"));
  const auto count = [](const std::vector<LogLine>& log, int ddir) {
    return std::count_if(log.begin(), log.end(), [ddir](const LogLine& l) { return l.ddir == ddir; });
  };
  for (const ScratchDir* d : {&fio_dir, &ours}) {
    const std::vector<LogLine> iops = read_log(d->file("lv_iops.1.log"));
    EXPECT_EQ(count(iops, 0), 0) << d->path();
    EXPECT_GT(count(iops, 1), 0) << d->path();
  }
  const std::vector<LogLine> lat = read_log(ours.file("lv_lat.1.log"));
  EXPECT_GT(count(lat, 0), 0);
  EXPECT_GT(count(lat, 1), 0);
  // Times go on through the loops: never back.
  for (size_t i = 1; i < lat.size(); ++i) EXPECT_GE(lat[i].time_ms, lat[i - 1].time_ms) << i;
}

TEST(FioLogs, BadInputIsRefusedBeforeAnythingIsTouched) {
  ScratchDir dir;
  const RunOutcome r = run_iopulse({dir.file("t.dat"), "--file-size", "1M", "--write-bw-log", dir.file("no/such/x")});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("--write-bw-log"));
  EXPECT_FALSE(std::filesystem::exists(dir.file("t.dat")));

  // Two jobs that log in two shapes (averaged and per IO).
  std::ofstream(dir.file("two.fio")) << "[a]\nfilename=" << dir.file("t.dat") << "\nsize=1m\nwrite_bw_log=a\n"
                                     << "log_avg_msec=100\n[b]\nstonewall\nfilename=" << dir.file("t.dat")
                                     << "\nsize=1m\nwrite_bw_log=b\n";
  const RunOutcome t = run_iopulse({dir.file("two.fio")});
  EXPECT_EQ(t.exit_code, 2);
  EXPECT_THAT(t.err, HasSubstr("IOPulse writes the fio-format logs of every job in one shape"));
  EXPECT_FALSE(std::filesystem::exists(dir.file("t.dat")));

  // Another clock's epoch for the times; --log-unix-epoch without a log.
  std::ofstream(dir.file("clock.fio")) << "[a]\nfilename=" << dir.file("t.dat") << "\nsize=1m\nwrite_bw_log=a\n"
                                       << "log_alternate_epoch=1\nlog_alternate_epoch_clock_id=1\n";
  const RunOutcome c = run_iopulse({dir.file("clock.fio")});
  EXPECT_EQ(c.exit_code, 2);
  EXPECT_THAT(c.err, HasSubstr("log_alternate_epoch_clock_id: not supported by IOPulse: another clock's epoch"));
  const RunOutcome e = run_iopulse({dir.file("t.dat"), "--file-size", "1M", "--log-unix-epoch"});
  EXPECT_EQ(e.exit_code, 2);
  EXPECT_THAT(e.err, HasSubstr("--log-unix-epoch: shapes the fio-format logs"));
  EXPECT_FALSE(std::filesystem::exists(dir.file("t.dat")));
}

}  // namespace
}  // namespace iopulse::test
