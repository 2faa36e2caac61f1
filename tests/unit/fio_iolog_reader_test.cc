// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// fio's iolog text (versions 2 and 3, fio's HOWTO "Trace file format") as
// the replay reads it: files numbered as they are added, version 3
// timestamps in microseconds, version 2 waits accumulated, and every
// malformed line refused with its line number.
#include "trace/fio_iolog_reader.h"

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "trace/trace_source.h"

namespace iopulse {
namespace {

class FioIologReaderTest : public ::testing::Test {
 protected:
  void TearDown() override { std::remove(path_.c_str()); }
  const std::string& write(const std::string& text) {
    std::ofstream(path_, std::ios::trunc) << text;
    return path_;
  }
  std::vector<TraceRecord> read_all(TraceSource& s) {
    std::vector<TraceRecord> all, chunk(3);
    for (size_t n; (n = s.read(chunk.data(), chunk.size())) > 0;) all.insert(all.end(), chunk.begin(), chunk.begin() + n);
    return all;
  }
  std::string path_ = std::string(::testing::TempDir()) + "/fio_iolog." + std::to_string(::getpid());
};

TEST_F(FioIologReaderTest, ReadsVersion3) {
  auto source = open_trace(write("fio version 3 iolog\n"
                                 "0 /dev/a add\n5 /dev/b add\n6 /dev/a open\n7 /dev/b open\n"
                                 "100 /dev/b write 8192 4096\n250 /dev/a read 0 512\n260 /dev/a sync 0 0\n"
                                 "300 /dev/b trim 4096 65536\n900 /dev/a close\n"));
  EXPECT_EQ(source->format(), "fio iolog v3");
  const std::vector<TraceRecord> r = read_all(*source);
  ASSERT_EQ(r.size(), 4u);
  EXPECT_EQ(r[0].time_ns, 100'000u);
  EXPECT_EQ(r[0].file, 1u);
  EXPECT_EQ(r[0].op, IOP_OP_WRITE);
  EXPECT_EQ(r[0].offset, 8192u);
  EXPECT_EQ(r[0].len, 4096u);
  EXPECT_EQ(r[1].file, 0u);
  EXPECT_EQ(r[1].op, IOP_OP_READ);
  EXPECT_EQ(r[2].op, IOP_OP_FSYNC);
  EXPECT_EQ(r[2].len, 0u);
  EXPECT_EQ(r[3].op, IOP_OP_TRIM);
  EXPECT_EQ(r[3].time_ns, 300'000u);
  ASSERT_EQ(source->files().size(), 2u);
  EXPECT_EQ(source->files()[1], "/dev/b");
}

TEST_F(FioIologReaderTest, Version2WaitsSpaceTheIOs) {
  auto source = open_trace(write("fio version 2 iolog\n/f add\n/f open\n/f read 0 4096\n/f wait 1500 0\n"
                                 "/f write 4096 4096\n/f datasync 0 0\n/f close\n"));
  const std::vector<TraceRecord> r = read_all(*source);
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[0].time_ns, 0u);
  EXPECT_EQ(r[1].time_ns, 1'500'000u);
  EXPECT_EQ(r[2].op, IOP_OP_FDATASYNC);
}

TEST_F(FioIologReaderTest, RefusesMalformedLinesByNumber) {
  const struct {
    const char* text;
    const char* expect;
  } cases[] = {
      {"fio version 3 iolog\n0 /f add\n10 /f frob 0 1\n", "line 3: unknown action 'frob'"},
      {"fio version 3 iolog\n0 /f add\n10 /g read 0 4096\n", "line 3: file '/g' was never added"},
      {"fio version 3 iolog\n0 /f add\nx /f read 0 4096\n", "line 3: 'x' is not a timestamp"},
      {"fio version 3 iolog\n0 /f add\n1 /f read 0\n", "line 3:"},
      {"fio version 3 iolog\n0 /f add\n1 /f wait 10 0\n", "line 3: 'wait' is not part of version 3"},
      {"fio version 2 iolog\n/f add\n/f write 0 0\n", "line 3: a write of 0 bytes"},
  };
  for (const auto& c : cases) {
    auto source = open_trace(write(c.text));
    std::vector<TraceRecord> r(10);
    try {
      source->read(r.data(), r.size());
      ADD_FAILURE() << "accepted: " << c.text;
    } catch (const TraceError& e) {
      EXPECT_NE(std::string(e.what()).find(c.expect), std::string::npos) << e.what();
    }
  }
  EXPECT_THROW(open_trace(write("fio version 1 iolog\n")), TraceError);
  EXPECT_THROW(open_trace(write("")), TraceError);
}

}  // namespace
}  // namespace iopulse
