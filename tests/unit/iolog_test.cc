// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// The iolog's writing side (IoLogRecorder, IoLogWriter) against its reading
// side (IoLogReader), and the reader against damaged files: records come
// back in issue order whatever order the IOs complete in, nothing is lost
// or written twice, and a truncated or corrupt file is named, never read
// as records.
#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <system_error>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "trace/iolog_reader.h"
#include "trace/iolog_recorder.h"
#include "trace/iolog_writer.h"

namespace iopulse {
namespace {

std::string temp_path(const char* name) {
  return std::string(::testing::TempDir()) + "/" + name + "." + std::to_string(::getpid());
}

IoLogHeader two_file_header() {
  IoLogHeader h;
  h.workers = 2;
  h.start_unix_ns = 1234567890123;
  h.files = {{"/tmp/a file", 1 << 20}, {"/dev/x", 7 << 20}};
  return h;
}

TEST(IoLogFormatTest, HeaderRoundTrips) {
  const IoLogHeader h = two_file_header();
  const std::string bytes = h.encode();
  EXPECT_EQ(bytes.size() % 8, 0u);
  const IoLogHeader back = IoLogHeader::decode(bytes);
  EXPECT_EQ(back.header_bytes, bytes.size());
  EXPECT_EQ(back.workers, 2u);
  EXPECT_EQ(back.start_unix_ns, h.start_unix_ns);
  ASSERT_EQ(back.files.size(), 2u);
  EXPECT_EQ(back.files[0].path, "/tmp/a file");
  EXPECT_EQ(back.files[1].size, uint64_t{7} << 20);
  EXPECT_THROW(IoLogHeader::decode(bytes.substr(0, bytes.size() - 1)), std::runtime_error);
  std::string other = bytes;
  other[8] = 9;  // version 9
  EXPECT_THROW(IoLogHeader::decode(other), std::runtime_error);
}

// The header's start time: a file's header is written at once (a failure
// comes before the run) and its start rewritten in place by each
// set_start_unix_ns(); a pipe's header goes out once, with the start it
// has before the first record.
TEST(IoLogWriterTest, TheStartTimeIsTheLastOneToldForAFileTheFirstForAPipe) {
  const std::string path = temp_path("iolog_start");
  {
    IoLogWriter writer(path, two_file_header());
    std::ifstream early(path, std::ios::binary);
    const std::string header((std::istreambuf_iterator<char>(early)), std::istreambuf_iterator<char>());
    EXPECT_EQ(IoLogHeader::decode(header).start_unix_ns, 1234567890123u) << "written before the run";
    writer.set_start_unix_ns(111);
    writer.set_start_unix_ns(222);
    EXPECT_EQ(writer.finish(), "");
  }
  std::ifstream in(path, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(bytes.size(), two_file_header().encode().size());
  EXPECT_EQ(IoLogHeader::decode(bytes).start_unix_ns, 222u);
  std::remove(path.c_str());

  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  {
    IoLogWriter writer(fds[1], "pipe", two_file_header());
    writer.set_start_unix_ns(333);
    writer.set_start_unix_ns(444);  // (may come after the header left)
    EXPECT_EQ(writer.finish(), "");
  }
  std::string piped;
  char chunk[512];
  for (ssize_t n; (n = read(fds[0], chunk, sizeof chunk)) > 0;) piped.append(chunk, static_cast<size_t>(n));
  close(fds[0]);
  EXPECT_EQ(piped.size(), two_file_header().encode().size()) << "one header";
  const uint64_t start = IoLogHeader::decode(piped).start_unix_ns;
  EXPECT_TRUE(start == 333 || start == 444) << start;

  // A header that cannot be written fails at once, naming the file.
  if (access("/dev/full", W_OK) == 0) {
    try {
      IoLogWriter full("/dev/full", two_file_header());
      ADD_FAILURE() << "/dev/full took the header";
    } catch (const std::system_error& e) {
      EXPECT_NE(std::string(e.what()).find("--write-iolog '/dev/full'"), std::string::npos) << e.what();
    }
  }
}

// Issue order is kept although completions come back reversed, buffers
// fill and wrap several times, and the last reservations are taken back.
TEST(IoLogRecorderTest, RecordsComeBackInIssueOrder) {
  const std::string path = temp_path("iolog_order");
  {
    IoLogWriter writer(path, two_file_header());
    {
      IoLogRecorder recorder(writer, 8);
      uint64_t next = 0;
      for (int round = 0; round < 20; ++round) {
        // Five IOs in flight, completed in reverse order.
        std::vector<std::pair<IoLogRecord*, uint32_t>> inflight;
        for (int i = 0; i < 5; ++i) {
          ASSERT_TRUE(recorder.ready());
          uint32_t buffer = 0;
          IoLogRecord* r = recorder.reserve(&buffer);
          r->issue_ns = next * 10;
          r->offset = next * 4096;
          r->len = 4096;
          r->file = static_cast<uint32_t>(next % 2);
          r->worker = 1;
          r->op = next % 3 == 0 ? IOP_OP_WRITE : IOP_OP_READ;
          ++next;
          inflight.emplace_back(r, buffer);
        }
        for (auto it = inflight.rbegin(); it != inflight.rend(); ++it) {
          it->first->latency_ns = 777;
          it->first->result = 4096;
          recorder.completed(it->second);
        }
      }
      // Two IOs prepared and never submitted.
      uint32_t b = 0;
      ASSERT_TRUE(recorder.ready());
      recorder.reserve(&b);
      ASSERT_TRUE(recorder.ready());
      recorder.reserve(&b);
      recorder.unreserve(2);
    }
    EXPECT_EQ(writer.finish(), "");
  }
  IoLogReader reader(path);
  EXPECT_EQ(reader.workers(), 2u);
  std::vector<IoLogRecord> got(1000);
  const size_t n = reader.read_raw(got.data(), got.size());
  ASSERT_EQ(n, 100u);
  for (size_t i = 0; i < n; ++i) {
    EXPECT_EQ(got[i].issue_ns, i * 10);
    EXPECT_EQ(got[i].offset, i * 4096);
    EXPECT_EQ(got[i].latency_ns, 777u);
    EXPECT_EQ(got[i].result, 4096);
  }
  std::remove(path.c_str());
}

// A buffer whose IOs are all still in flight cannot be reused: ready()
// says so instead of overwriting it.
TEST(IoLogRecorderTest, FullRingWaitsForCompletions) {
  const std::string path = temp_path("iolog_full");
  IoLogWriter writer(path, two_file_header());
  {
    IoLogRecorder recorder(writer, 2);
    std::vector<std::pair<IoLogRecord*, uint32_t>> held;
    for (uint32_t i = 0; i < 2 * IoLogRecorder::kBuffers; ++i) {
      ASSERT_TRUE(recorder.ready());
      uint32_t b = 0;
      IoLogRecord* r = recorder.reserve(&b);
      *r = IoLogRecord{};
      r->worker = 0;
      held.emplace_back(r, b);
    }
    EXPECT_FALSE(recorder.ready());
    recorder.completed(held[0].second);
    EXPECT_FALSE(recorder.ready());  // the oldest buffer still holds an IO in flight
    recorder.completed(held[1].second);
    EXPECT_TRUE(recorder.ready());
    for (size_t i = 2; i < held.size(); ++i) recorder.completed(held[i].second);
  }
  EXPECT_EQ(writer.finish(), "");
  IoLogReader reader(path);
  std::vector<IoLogRecord> got(100);
  EXPECT_EQ(reader.read_raw(got.data(), got.size()), 2 * IoLogRecorder::kBuffers);
  std::remove(path.c_str());
}

void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

TEST(IoLogReaderTest, NamesTruncationAndCorruption) {
  const std::string path = temp_path("iolog_bad");
  const IoLogHeader h = two_file_header();
  IoLogRecord r{};
  r.op = IOP_OP_READ;
  r.len = 512;
  std::string bytes = h.encode();
  for (int i = 0; i < 3; ++i) bytes.append(reinterpret_cast<const char*>(&r), sizeof r);

  write_bytes(path, bytes.substr(0, bytes.size() - 5));
  {
    IoLogReader reader(path);
    std::vector<IoLogRecord> got(10);
    try {
      reader.read_raw(got.data(), got.size());
      FAIL() << "a truncated record was read";
    } catch (const TraceError& e) {
      EXPECT_NE(std::string(e.what()).find("truncated after record 2"), std::string::npos) << e.what();
    }
  }
  std::string bad_op = bytes;
  bad_op[h.encode().size() + sizeof r + 44] = 17;  // the second record's op
  write_bytes(path, bad_op);
  {
    IoLogReader reader(path);
    std::vector<IoLogRecord> got(10);
    try {
      reader.read_raw(got.data(), got.size());
      FAIL() << "an unknown op was read";
    } catch (const TraceError& e) {
      EXPECT_NE(std::string(e.what()).find("record 2: unknown op 17"), std::string::npos) << e.what();
    }
  }
  std::string bad_file = bytes;
  bad_file[h.encode().size() + 36] = 5;  // the first record's file
  write_bytes(path, bad_file);
  {
    IoLogReader reader(path);
    std::vector<IoLogRecord> got(10);
    EXPECT_THROW(reader.read_raw(got.data(), got.size()), TraceError);
  }
  write_bytes(path, "IOPIOLOG" + std::string(8, '\xff'));
  EXPECT_THROW(IoLogReader reader(path), TraceError);
  std::remove(path.c_str());
}

}  // namespace
}  // namespace iopulse
