// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// FioLogFiles: the lines fio's averaged logs hold, for given intervals.
#include "report/fio_log_files.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

namespace iopulse {
namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(FioLogFiles, AnIntervalIsALinePerDirectionThatHadIo) {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / ("fio-log-files-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  const std::string prefix = (dir / "p").string();
  {
    FioLogFiles logs({prefix, prefix, prefix}, 2);
    IntervalSummary s;
    s.start_ns = 500'000'000;
    s.end_ns = 1'000'000'000;
    auto& read = s.kinds[static_cast<size_t>(OpKind::kRead)];
    read.ops = 1000;
    read.bytes = 4'096'000;
    read.lat_mean = 1234.6;
    logs.write(1, s);  // the second worker: file .2
    s.start_ns = 1'000'000'000;
    s.end_ns = 1'250'000'000;
    auto& write = s.kinds[static_cast<size_t>(OpKind::kWrite)];
    write.ops = 10;
    write.bytes = 10 * 65536;
    write.lat_mean = 99;
    logs.write(1, s);
    // Nothing completed: the rate logs say 0 for both directions seen.
    IntervalSummary idle;
    idle.start_ns = 1'250'000'000;
    idle.end_ns = 1'500'000'000;
    logs.write(1, idle);
    logs.finish(1);
    logs.write(1, s);  // after its last interval: nothing
  }
  EXPECT_EQ(slurp(prefix + "_bw.1.log"), "");
  EXPECT_EQ(slurp(prefix + "_bw.2.log"), "1000, 8000, 0, 0, 0\n1250, 16000, 0, 0, 0\n1250, 2560, 1, 0, 0\n"
                                           "1500, 0, 0, 0, 0\n1500, 0, 1, 0, 0\n");
  EXPECT_EQ(slurp(prefix + "_iops.2.log"), "1000, 2000, 0, 0, 0\n1250, 4000, 0, 0, 0\n1250, 40, 1, 0, 0\n"
                                             "1500, 0, 0, 0, 0\n1500, 0, 1, 0, 0\n");
  EXPECT_EQ(slurp(prefix + "_lat.2.log"), "1000, 1235, 0, 0, 0\n1250, 1235, 0, 0, 0\n1250, 99, 1, 0, 0\n");
  EXPECT_EQ(slurp(prefix + "_clat.2.log"), slurp(prefix + "_lat.2.log"));
  EXPECT_EQ(slurp(prefix + "_slat.2.log"), "");
  EXPECT_EQ(FioLogFiles::paths({prefix, "", ""}, 2),
            (std::vector<std::string>{prefix + "_bw.1.log", prefix + "_bw.2.log"}));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace iopulse
