// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// What the recorder fixture engine (tests/fixtures/plugins/recorder.c) saw:
// with --recorder.log=PREFIX each worker's instance writes PREFIX.<worker>,
// one line per IO in submission order,
//   op offset len known_ns observed_ns hash [ioprio flags]
// the last two only with --recorder.marks=on.  The one reader of those files
// for the integration tests.
#ifndef IOPULSE_TESTS_INTEGRATION_RECORDER_LOG_H_
#define IOPULSE_TESTS_INTEGRATION_RECORDER_LOG_H_

#include <cstdint>
#include <fstream>
#include <ostream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace iopulse::test {

// Where the recorder engine of the build tree is (--plugin-dir).
inline const std::string kRecorderDir = std::string(IOPULSE_FIXTURE_PLUGIN_DIR) + "/recorder";

// One IO as the recorder logged it.
struct RecordedIo {
  char op = 0;               // r, w, t (trim) or s (sync)
  uint64_t offset = 0;
  uint64_t len = 0;
  uint64_t known_ns = 0;     // the latency the recorder gave it
  uint64_t observed_ns = 0;  // from its submit() to the reap() that handed it back
  std::string hash;          // FNV-1a 64 of a write's bytes, in hex (0s otherwise)
  unsigned ioprio = 0;       // with marks=on: the IO's priority and flags
  unsigned flags = 0;
};

// The IOs worker `worker` gave the recorder under `prefix`, in submission
// order.  A missing log fails the calling test (and reads as no IOs).
inline std::vector<RecordedIo> read_recorder_log(const std::string& prefix, int worker) {
  const std::string path = prefix + "." + std::to_string(worker);
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << "no record " << path;
  std::vector<RecordedIo> ios;
  for (std::string line; std::getline(in, line);) {
    std::istringstream fields(line);
    RecordedIo io;
    if (fields >> io.op >> io.offset >> io.len >> io.known_ns >> io.observed_ns >> io.hash) {
      if (!(fields >> io.ioprio >> io.flags)) io.ioprio = io.flags = 0;  // no marks
      ios.push_back(io);
    } else {
      ADD_FAILURE() << path << ": not a recorder line: " << line;
    }
  }
  return ios;
}

// Workers 0..workers-1's IOs under `prefix`, one worker after another.
inline std::vector<RecordedIo> read_recorder_logs(const std::string& prefix, int workers) {
  std::vector<RecordedIo> all;
  for (int w = 0; w < workers; ++w) {
    const std::vector<RecordedIo> one = read_recorder_log(prefix, w);
    all.insert(all.end(), one.begin(), one.end());
  }
  return all;
}

// What an IO was (op, offset, length) without how long it took: what a
// replay or a generated pattern is compared with.
struct IoShape {
  char op = 0;
  uint64_t offset = 0;
  uint64_t len = 0;
  bool operator==(const IoShape&) const = default;
};

inline std::ostream& operator<<(std::ostream& o, const IoShape& io) {
  return o << io.op << " " << io.offset << " " << io.len;
}

// The shapes of the IOs worker `worker` gave the recorder, in order.
inline std::vector<IoShape> recorded_shapes(const std::string& prefix, int worker) {
  std::vector<IoShape> shapes;
  for (const RecordedIo& io : read_recorder_log(prefix, worker)) shapes.push_back({io.op, io.offset, io.len});
  return shapes;
}

}  // namespace iopulse::test

#endif  // IOPULSE_TESTS_INTEGRATION_RECORDER_LOG_H_
