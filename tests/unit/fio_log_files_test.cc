// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// FioLogFiles: the lines fio's averaged logs hold, for given intervals, and
// the lines of fio's per-IO logs for a given capture (fio's flush_samples()
// formats, its per-IO values and completion order).
#include "report/fio_log_files.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "iopulse/engine.h"
#include "trace/iolog_reader.h"

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
    FioLogSettings settings;
    settings.bw = settings.iops = settings.lat = prefix;
    FioLogFiles logs(settings, 2);
    IntervalSummary s;
    s.start_ns = 500'000'000;
    s.end_ns = 1'000'000'000;
    auto& read = s.kind(OpKind::kRead);
    read.ops = 1000;
    read.bytes = 4'096'000;
    read.lat_mean = 1234.6;
    logs.write(1, s);  // the second worker: file .2
    s.start_ns = 1'000'000'000;
    s.end_ns = 1'250'000'000;
    auto& write = s.kind(OpKind::kWrite);
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

// A worker that continues another's files (fio's read-back pass in its
// job's logs): no files of its own, its lines after the other's, its times
// shifted by the time from the other's phase start to its own.
TEST(FioLogFiles, AWorkerGoesOnInTheFilesItContinues) {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / ("fio-log-cont-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  const std::string prefix = (dir / "p").string();
  std::vector<FioLogSettings> workers(3);
  for (FioLogSettings& w : workers) w.iops = prefix;
  workers[0].number = 1;
  workers[1].number = 2;
  workers[2].continues = 0;  // the read-back of the first
  EXPECT_EQ(FioLogFiles::paths(workers), (std::vector<std::string>{prefix + "_iops.1.log", prefix + "_iops.2.log"}));
  {
    FioLogFiles logs(FioLogSettings{}, workers);
    IntervalSummary s;
    s.start_ns = 0;
    s.end_ns = 500'000'000;
    s.kind(OpKind::kWrite).ops = 100;
    logs.began(0, 2, 7'000'000'000);  // the job's phase began 7 s into the run
    logs.write(0, s);
    logs.write(1, s);
    logs.finish(0);
    IntervalSummary r;
    r.start_ns = 0;
    r.end_ns = 250'000'000;
    r.kind(OpKind::kRead).ops = 50;
    logs.began(2, 1, 7'500'000'000);  // the read-back phase, after the job's 500 ms
    logs.write(2, r);
  }
  EXPECT_EQ(slurp(prefix + "_iops.1.log"), "500, 200, 1, 0, 0\n750, 200, 0, 0, 0\n");
  EXPECT_EQ(slurp(prefix + "_iops.2.log"), "500, 200, 1, 0, 0\n");
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir), std::filesystem::directory_iterator()), 2);
  workers[0].continues = 1;  // a later worker is refused
  EXPECT_THROW(FioLogFiles(FioLogSettings{}, workers), std::logic_error);
  std::filesystem::remove_all(dir);
}

// The optional columns of fio's log_offset and log_prio: 0 in an averaged
// line, as fio writes them.
TEST(FioLogFiles, AveragedLinesCarryTheOptionalColumns) {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / ("fio-log-cols-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  const std::string prefix = (dir / "p").string();
  {
    FioLogSettings settings{"", prefix, ""};
    settings.offset = settings.prio = true;
    FioLogFiles logs(settings, 1);
    IntervalSummary s;
    s.start_ns = 0;
    s.end_ns = 500'000'000;
    s.kind(OpKind::kWrite).ops = 10;
    logs.write(0, s);
  }
  EXPECT_EQ(slurp(prefix + "_iops.1.log"), "500, 20, 1, 0, 0, 0x0000\n");
  std::filesystem::remove_all(dir);
}

class PerIoLogsTest : public ::testing::Test {
 protected:
  void SetUp() override { std::filesystem::create_directories(dir_); }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  static IoLogRecord io(uint32_t worker, uint8_t op, uint64_t issue_ns, uint64_t latency_ns, uint32_t len,
                        uint64_t offset, uint16_t ioprio = 0) {
    IoLogRecord r{};
    r.issue_ns = issue_ns;
    r.latency_ns = latency_ns;
    r.op = op;
    r.len = len;
    r.offset = offset;
    r.worker = worker;
    r.ioprio = ioprio;
    r.result = op == IOP_OP_TRIM ? 0 : len;
    return r;
  }

  // A capture of two workers as a run writes it: each worker's IOs in issue
  // order, the workers' blocks interleaved.  Worker 0 has two IOs in flight
  // that complete out of order, a sync, a failed read, a trim and an IO that
  // never completed.
  std::string capture() {
    IoLogHeader h;
    h.workers = 2;
    h.files = {{"/data/a", 1 << 20}};
    std::vector<IoLogRecord> records = {
        io(0, IOP_OP_READ, 1'000'000, 5'000'000, 4096, 8192, 0x4003),
        io(0, IOP_OP_WRITE, 1'000'000, 1'500'000, 8192, 0),
        io(1, IOP_OP_READ, 500'000, 250'000, 4096, 12288),
        io(0, IOP_OP_FSYNC, 3'000'000, 100, 0, 0),
        io(0, IOP_OP_READ, 3'000'000, 1000, 4096, 4096),
        io(0, IOP_OP_TRIM, 7'000'000, 2'000'000, 65536, 65536, 0x2000),
        io(0, IOP_OP_READ, 8'000'000, kIoLogNoCompletion, 4096, 0),
    };
    records[4].result = -5;  // EIO
    const std::string path = (dir_ / "capture").string();
    std::ofstream out(path, std::ios::binary);
    const std::string head = h.encode();
    out.write(head.data(), static_cast<std::streamsize>(head.size()));
    out.write(reinterpret_cast<const char*>(records.data()),
              static_cast<std::streamsize>(records.size() * sizeof(IoLogRecord)));
    return path;
  }

  std::filesystem::path dir_ = std::filesystem::temp_directory_path() / ("fio-per-io-" + std::to_string(getpid()));
};

TEST_F(PerIoLogsTest, EachCompletedIoIsALineInCompletionOrder) {
  const std::string prefix = (dir_ / "x").string();
  {
    FioLogSettings settings{prefix, prefix, prefix, /*per_io=*/true, /*offset=*/true, /*prio=*/true};
    FioLogFiles logs(settings, 3);
    IoLogReader reader(capture());
    logs.add_capture(reader, 1);  // the capture's workers are the logs' 2 and 3
  }
  EXPECT_EQ(slurp(prefix + "_lat.1.log"), "");
  EXPECT_EQ(slurp(prefix + "_lat.2.log"),
            "2, 1500000, 1, 8192, 0, 0x0000\n"
            "6, 5000000, 0, 4096, 8192, 0x4003\n"
            "9, 2000000, 2, 65536, 65536, 0x2000\n");
  EXPECT_EQ(slurp(prefix + "_clat.2.log"), slurp(prefix + "_lat.2.log"));
  EXPECT_EQ(slurp(prefix + "_slat.2.log"), "");
  // fio's per-IO bandwidth: bytes * 10^6 / latency in ns, truncated.
  EXPECT_EQ(slurp(prefix + "_bw.2.log"),
            "2, 5461, 1, 8192, 0, 0x0000\n"
            "6, 819, 0, 4096, 8192, 0x4003\n"
            "9, 32768, 2, 65536, 65536, 0x2000\n");
  EXPECT_EQ(slurp(prefix + "_iops.2.log"),
            "2, 1, 1, 8192, 0, 0x0000\n"
            "6, 1, 0, 4096, 8192, 0x4003\n"
            "9, 1, 2, 65536, 65536, 0x2000\n");
  EXPECT_EQ(slurp(prefix + "_lat.3.log"), "0, 250000, 0, 4096, 12288, 0x0000\n");
}

// Without log_offset and log_prio: no offset, and 1 for the real-time class.
TEST_F(PerIoLogsTest, WithoutTheOptionalColumnsThePriorityIsTheRealTimeFlag) {
  const std::string prefix = (dir_ / "y").string();
  {
    FioLogSettings settings{"", "", prefix, /*per_io=*/true};
    FioLogFiles logs(settings, 2);
    IoLogReader reader(capture());
    logs.add_capture(reader, 0);
    logs.write(0, IntervalSummary{});  // per-IO logs take no intervals
  }
  EXPECT_EQ(slurp(prefix + "_lat.1.log"), "2, 1500000, 1, 8192, 0\n6, 5000000, 0, 4096, 0\n9, 2000000, 2, 65536, 1\n");
}

}  // namespace
}  // namespace iopulse
