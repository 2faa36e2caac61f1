// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// Runs one of this test binary's own disabled tests in a child process
// under strace, so a test can check the system calls an engine really made
// (strace is the independent observer).  The child test marks the stretch
// of interest with system calls of its own (faccessat of a marker path).
#ifndef IOPULSE_TESTS_UNIT_STRACE_CHILD_H_
#define IOPULSE_TESTS_UNIT_STRACE_CHILD_H_

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

namespace iopulse::test {

struct StraceChild {
  bool ran = false;  // the child test ran and passed
  std::string log;   // what strace wrote
};

// `filter`: the child's --gtest_filter (a DISABLED_ test); `calls`:
// strace's -e trace= list; `env`: assignments put before the command
// ("NAME='value' "), or "".  LeakSanitizer cannot work in a traced process:
// the sanitizer build's child runs without it.
inline StraceChild strace_child(const std::string& filter, const std::string& calls, const std::string& env = "") {
  StraceChild result;
  char log_name[] = "/tmp/iopulse_strace_child_XXXXXX";
  const int log_fd = mkstemp(log_name);
  if (log_fd < 0) return result;
  close(log_fd);
  char self[4096] = {};
  if (readlink("/proc/self/exe", self, sizeof self - 1) <= 0) {
    std::remove(log_name);
    return result;
  }
  const std::string cmd = env + "ASAN_OPTIONS=\"${ASAN_OPTIONS:-}:detect_leaks=0\" strace -f -qq -o '" +
                          log_name + "' -e trace=" + calls + " '" + self +
                          "' --gtest_also_run_disabled_tests --gtest_filter=" + filter + " >/dev/null 2>&1";
  result.ran = std::system(cmd.c_str()) == 0;
  std::ifstream in(log_name);
  std::stringstream all;
  all << in.rdbuf();
  result.log = all.str();
  std::remove(log_name);
  return result;
}

}  // namespace iopulse::test

#endif  // IOPULSE_TESTS_UNIT_STRACE_CHILD_H_
