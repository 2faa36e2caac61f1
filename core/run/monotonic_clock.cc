// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "run/monotonic_clock.h"

#include <fstream>
#include <sstream>
#include <string>

namespace iopulse {

TscCalibration g_tsc;

namespace {

[[maybe_unused]] bool tsc_is_trustworthy();

// The kernel keeps time with the TSC and the CPU says it is invariant.
bool tsc_is_trustworthy() {
  std::ifstream source("/sys/devices/system/clocksource/clocksource0/current_clocksource");
  std::string name;
  if (!(source >> name) || name != "tsc") return false;
  std::ifstream cpuinfo("/proc/cpuinfo");
  for (std::string line; std::getline(cpuinfo, line);) {
    if (line.rfind("flags", 0) != 0) continue;
    std::istringstream words(line);
    bool constant = false, nonstop = false;
    for (std::string w; words >> w;) {
      constant |= w == "constant_tsc";
      nonstop |= w == "nonstop_tsc";
    }
    return constant && nonstop;
  }
  return false;
}

}  // namespace

void calibrate_monotonic_clock() {
#ifndef IOPULSE_HAVE_TSC
  return;  // other architectures: clock_gettime
#else
  if (g_tsc.enabled || !tsc_is_trustworthy()) return;
  // Two (TSC, CLOCK_MONOTONIC) pairs 20 ms apart give ticks per ns; each pair
  // is taken as close together as possible (the smallest of a few tries).
  const auto pair = [](uint64_t* ticks, uint64_t* ns) {
    uint64_t best = UINT64_MAX;
    for (int i = 0; i < 5; ++i) {
      const uint64_t t0 = __rdtsc();
      const uint64_t n = clock_gettime_ns();
      const uint64_t t1 = __rdtsc();
      if (t1 - t0 < best) {
        best = t1 - t0;
        *ticks = t0 + (t1 - t0) / 2;
        *ns = n;
      }
    }
  };
  uint64_t ticks0 = 0, ns0 = 0, ticks1 = 0, ns1 = 0;
  pair(&ticks0, &ns0);
  const timespec pause{0, 20'000'000};
  nanosleep(&pause, nullptr);
  pair(&ticks1, &ns1);
  if (ticks1 <= ticks0 || ns1 <= ns0) return;
  TscCalibration c;
  c.base_ticks = ticks1;
  c.base_ns = ns1;
  c.mult = static_cast<uint64_t>((static_cast<unsigned __int128>(ns1 - ns0) << TscCalibration::kShift) /
                                 (ticks1 - ticks0));
  c.enabled = c.mult != 0;
  g_tsc = c;
#endif
}

const char* monotonic_clock_source() { return g_tsc.enabled ? "tsc" : "clock_gettime"; }

}  // namespace iopulse
