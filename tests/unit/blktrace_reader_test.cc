// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// blktrace captures as the replay reads them, in-process: per-CPU files
// merged by time, a payload across two read-ahead chunks skipped, devices
// and CPUs numbered as they first appear, times from the first IO taken,
// and the position of each record (file and byte offset).  The test writes
// struct blk_io_trace with its own encoder (not the reader's decoder).
#include "trace/blktrace_reader.h"

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "trace/trace_source.h"

namespace iopulse {
namespace {

struct Raw {
  uint64_t time, sector;
  uint32_t bytes, action, device, cpu;
  uint16_t pdu_len;
};

std::string encode(const std::vector<Raw>& events) {
  std::string out;
  const auto put = [&](uint64_t v, int n) {
    for (int i = 0; i < n; ++i) out += static_cast<char>(v >> (8 * i));
  };
  for (const Raw& e : events) {
    put(0x65617407, 4);
    put(1, 4);
    put(e.time, 8);
    put(e.sector, 8);
    put(e.bytes, 4);
    put(e.action, 4);
    put(77, 4);
    put(e.device, 4);
    put(e.cpu, 4);
    put(0, 2);
    put(e.pdu_len, 2);
    out.append(e.pdu_len, 'p');
  }
  return out;
}

constexpr uint32_t kQueueRead = (((1u << 0) | (1u << 4)) << 16) | 1;   // BLK_TC_READ|QUEUE, __BLK_TA_QUEUE
constexpr uint32_t kQueueWrite = (((1u << 1) | (1u << 4)) << 16) | 1;  // BLK_TC_WRITE|QUEUE
constexpr uint32_t kMessage = ((1u << 10) << 16) | 2;                 // BLK_TN_MESSAGE
constexpr uint32_t kDevA = (8u << 20) | 0, kDevB = (259u << 20) | 3;

class BlktraceReaderTest : public ::testing::Test {
 protected:
  void TearDown() override {
    for (int cpu = 0; cpu < 3; ++cpu) std::remove(name(cpu).c_str());
  }
  std::string name(int cpu) const { return base_ + ".blktrace." + std::to_string(cpu); }
  void write(int cpu, const std::vector<Raw>& events) {
    std::ofstream(name(cpu), std::ios::binary | std::ios::trunc) << encode(events);
  }
  std::string base_ = std::string(::testing::TempDir()) + "/blk." + std::to_string(::getpid());
};

TEST_F(BlktraceReaderTest, MergesTheCpusByTime) {
  write(0, {{500, 0, 0, kMessage, kDevA, 0, 65535}, {1000, 10, 4096, kQueueRead, kDevA, 0, 0},
            {4000, 30, 512, kQueueWrite, kDevB, 0, 0}});
  write(2, {{900, 0, 0, kMessage, kDevA, 2, 5}, {2000, 20, 8192, kQueueWrite, kDevA, 2, 0}});
  ASSERT_EQ(blktrace_capture_files(base_), (std::vector<std::string>{name(0), name(2)}));
  auto source = open_trace(base_);
  EXPECT_EQ(source->format(), "blktrace, 2 per-CPU files");
  std::vector<TraceRecord> r(8);
  ASSERT_EQ(source->read(r.data(), 2), 2u);
  EXPECT_EQ(source->position(), "'" + name(2) + "' byte 53");  // after the 48-byte message and its 5 bytes
  ASSERT_EQ(source->read(r.data() + 2, 6), 1u);
  EXPECT_EQ(source->position(), "'" + name(0) + "' byte " + std::to_string(48 + 65535 + 48));
  EXPECT_EQ(source->read(r.data(), 8), 0u);
  EXPECT_EQ(r[0].time_ns, 0u);  // the first IO taken, not the message before it
  EXPECT_EQ(r[0].offset, 10u * 512);
  EXPECT_EQ(r[0].op, IOP_OP_READ);
  EXPECT_EQ(r[0].worker, 0u);
  EXPECT_EQ(r[1].time_ns, 1000u);
  EXPECT_EQ(r[1].offset, 20u * 512);
  EXPECT_EQ(r[1].len, 8192u);
  EXPECT_EQ(r[1].op, IOP_OP_WRITE);
  EXPECT_EQ(r[1].worker, 1u);  // CPU 2, the second to appear
  EXPECT_EQ(r[1].file, 0u);
  EXPECT_EQ(r[2].time_ns, 3000u);
  EXPECT_EQ(r[2].worker, 0u);
  EXPECT_EQ(r[2].file, 1u);
  EXPECT_EQ(source->workers(), 2u);
  EXPECT_EQ(source->files(), (std::vector<std::string>{"device 8:0", "device 259:3"}));
}

TEST_F(BlktraceReaderTest, AnEmptyCpuFileHasNoRecords) {
  write(0, {});
  write(1, {{7, 1, 512, kQueueRead, kDevA, 1, 0}});
  auto source = open_trace(base_);
  std::vector<TraceRecord> r(4);
  ASSERT_EQ(source->read(r.data(), 4), 1u);
  EXPECT_EQ(r[0].offset, 512u);
}

}  // namespace
}  // namespace iopulse
