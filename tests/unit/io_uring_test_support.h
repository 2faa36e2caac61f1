// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// What the io_uring engine's unit tests share: its option values, and the
// kernel's own description of a ring (/proc/self/fdinfo of its descriptor),
// the observer those tests check the engine against.
//
// Header only, like engine_test_support.h.  Everything is in iopulse::test.

#ifndef IOPULSE_TESTS_UNIT_IO_URING_TEST_SUPPORT_H_
#define IOPULSE_TESTS_UNIT_IO_URING_TEST_SUPPORT_H_

#include <dirent.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "iopulse/engine.h"
#include "engine_test_support.h"

namespace iopulse::test {

inline const LoadedEngine& uring_plugin() { return built_engine("io_uring"); }

// Option values in the descriptor's order: fixed-buffers, fixed-files,
// sqpoll, sqpoll-cpu, sqpoll-idle-ms, iopoll.
struct UringOptions {
  // fixed-buffers, fixed-files, sqpoll, sqpoll-cpu, sqpoll-idle-ms, iopoll,
  // completion-fd: the engine's option table, in its order.
  static constexpr uint32_t kCount = 7;
  iop_option_value v[kCount] = {{0, nullptr},    {0, nullptr}, {0, nullptr}, {-1, nullptr},
                                {1000, nullptr}, {0, nullptr}, {1, nullptr}};
};

// The io_uring descriptors this process has open.
inline std::set<int> uring_fds() {
  std::set<int> fds;
  DIR* d = opendir("/proc/self/fd");
  while (const dirent* e = readdir(d)) {
    if (e->d_name[0] == '.') continue;
    char link[256] = {};
    const std::string path = std::string("/proc/self/fd/") + e->d_name;
    if (readlink(path.c_str(), link, sizeof link - 1) > 0 && std::strstr(link, "io_uring") != nullptr) {
      fds.insert(std::atoi(e->d_name));
    }
  }
  closedir(d);
  return fds;
}

// The kernel's description of ring `fd` (/proc/self/fdinfo).
inline std::string fdinfo(int fd) {
  std::ifstream in("/proc/self/fdinfo/" + std::to_string(fd));
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

inline long fdinfo_number(const std::string& info, const char* field) {
  const size_t at = info.find(std::string(field) + ":");
  if (at == std::string::npos) return -999;
  return std::strtol(info.c_str() + at + std::strlen(field) + 1, nullptr, 0);
}

// The files installed in the ring's registered file table: fdinfo lists
// them under "UserFiles:" as "<index>: <path>", one a line.
inline std::vector<std::string> registered_files(const std::string& info) {
  std::vector<std::string> paths;
  const size_t at = info.find("UserFiles:");
  if (at == std::string::npos) return paths;
  std::istringstream lines(info.substr(at));
  std::string line;
  std::getline(lines, line);  // the count
  while (std::getline(lines, line)) {
    const size_t colon = line.find(": ");
    if (line.empty() || line[0] != ' ' || colon == std::string::npos) break;
    paths.push_back(line.substr(colon + 2));
  }
  return paths;
}

}  // namespace iopulse::test

#endif  // IOPULSE_TESTS_UNIT_IO_URING_TEST_SUPPORT_H_
