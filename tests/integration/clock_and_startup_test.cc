// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// The results say which clock timed the run, how often it was checked
// against CLOCK_MONOTONIC, and when the process started and began IO.  The
// observers: /proc/cpuinfo for the CPU's TSC flags, the kernel's
// clocksource in sysfs, and this test's own CLOCK_MONOTONIC readings around
// the run (the same clock the results use).
#include <time.h>

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "json_support.h"
#include "run_support.h"

namespace iopulse::test {
namespace {

uint64_t monotonic_ns() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000ULL + static_cast<uint64_t>(ts.tv_nsec);
}

bool cpu_flag(const std::string& flag) {
  std::ifstream cpuinfo("/proc/cpuinfo");
  for (std::string line; std::getline(cpuinfo, line);) {
    if (line.rfind("flags", 0) == 0) return (line + " ").find(" " + flag + " ") != std::string::npos;
  }
  return false;
}

TEST(ClockAndStartup, ResultsNameTheClockAndItsChecks) {
  ScratchDir dir;
  const std::string json = dir.file("out.json");
  RunOutcome r = run_iopulse({dir.file("null.dat"), "--engine", "null", "--file-size", "1M", "--duration", "1s",
                              "--stats-interval", "100ms", "--json-output", json, "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = read_json(json);
  const auto& c = j["clock"];
  ASSERT_TRUE(c.is_object()) << j.dump();
#if defined(__x86_64__)
  // CPUID 0x80000007 EDX bit 8 is what the kernel shows as constant_tsc
  // plus nonstop_tsc; with it the TSC times the run, in VMs too.
  const bool invariant = cpu_flag("constant_tsc") && cpu_flag("nonstop_tsc");
  EXPECT_EQ(c["invariant_tsc"].get<bool>(), invariant);
  if (invariant) {
    EXPECT_EQ(c["source"], "tsc");
    EXPECT_TRUE(c["fallback_reason"].is_null()) << c.dump();
    EXPECT_GT(c["tsc_ghz"].get<double>(), 0.1);
  } else {
    EXPECT_EQ(c["source"], "clock_gettime");
    EXPECT_TRUE(c["fallback_reason"].is_string());
  }
#endif
  EXPECT_EQ(j["config"]["clock_source"], c["source"]);
  std::ifstream sysfs("/sys/devices/system/clocksource/clocksource0/current_clocksource");
  std::string kernel;
  sysfs >> kernel;
  EXPECT_EQ(c["kernel_clocksource"], kernel);
  if (c["source"] == "tsc") {
    // Checks happen at interval boundaries, never per IO: worker 0 checks
    // at each of the 10 boundaries it crosses, the coordinator at a
    // boundary it wakes after (at most once per boundary; it sleeps through
    // most of them) and once at the window's end.  Under load both may
    // check at the same boundary (13 seen with other work on both CPUs).
    EXPECT_GE(c["checks"].get<uint64_t>(), 2u) << c.dump();
    EXPECT_LE(c["checks"].get<uint64_t>(), 21u) << c.dump();
    EXPECT_LE(std::llabs(c["last_drift_ns"].get<int64_t>()), c["max_drift_ns"].get<int64_t>());
  }
}

TEST(ClockAndStartup, StartupIsMeasuredFromProcessStartWithoutPreparation) {
  ScratchDir dir;
  const std::string json = dir.file("out.json");
  const uint64_t before = monotonic_ns();
  // The file does not exist: 8 MiB are prepared before the window.
  RunOutcome r = run_iopulse({dir.file("data.dat"), "--file-size", "8M", "--duration", "300ms", "--random",
                              "--json-output", json, "-q"});
  const uint64_t after = monotonic_ns();
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = read_json(json);
  const auto& s = j["startup"];
  ASSERT_TRUE(s.is_object()) << j.dump();
  const uint64_t started = s["process_started_monotonic_ns"];
  const uint64_t first_io = s["first_io_monotonic_ns"];
  const uint64_t preparation = s["preparation_ns"];
  EXPECT_GT(started, before);
  EXPECT_LT(started, first_io);
  EXPECT_LT(first_io, after);
  EXPECT_EQ(preparation, j["preparation"]["elapsed_ns"].get<uint64_t>());
  EXPECT_GT(preparation, 0u);
  EXPECT_EQ(j["preparation"]["bytes_written"], 8u << 20);
  EXPECT_EQ(s["to_first_io_ns"].get<uint64_t>(), first_io - started - preparation);
}

}  // namespace
}  // namespace iopulse::test
