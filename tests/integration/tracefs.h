// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// The kernel's tracing file system, as the block-layer tests use it to watch
// what reaches a device: mounted at kTracefsRoot when it is not there yet,
// and driven by writing its control files.
#ifndef IOPULSE_TESTS_INTEGRATION_TRACEFS_H_
#define IOPULSE_TESTS_INTEGRATION_TRACEFS_H_

#include <sys/mount.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

namespace iopulse::test {

inline const std::string kTracefsRoot = "/sys/kernel/tracing";

// Mounts tracefs at kTracefsRoot unless kTracefsRoot/`probe` exists already.
// Returns "" when it is there, else why not (the errno text).
inline std::string mount_tracefs_unless(const std::string& probe) {
  if (std::filesystem::exists(kTracefsRoot + "/" + probe) ||
      mount("tracefs", kTracefsRoot.c_str(), "tracefs", 0, nullptr) == 0) {
    return "";
  }
  return "tracefs cannot be mounted: " + std::string(std::strerror(errno));
}

// Writes `text` to the control file `path` (replacing what a read shows);
// false when the kernel refuses it.
inline bool write_trace_control(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::trunc);
  out << text;
  return static_cast<bool>(out.flush());
}

}  // namespace iopulse::test

#endif  // IOPULSE_TESTS_INTEGRATION_TRACEFS_H_
