// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// Replay of blktrace captures (docs/replay.md, "Replaying a blktrace
// capture").  blktrace cannot trace on every kernel (BLKTRACESETUP needs
// CONFIG_BLK_DEV_IO_TRACE and debugfs), so the test writes its captures
// itself, with its own writer of the documented struct blk_io_trace (it
// shares no code with the reader), and checks them with two observers
// IOPulse does not control: blkparse (the captures are real blktrace files:
// blkparse reads them back as the events the test meant) and the recorder
// fixture engine (the IOs the replay issued, per worker, in order).
// One capture is the kernel's own: blktrace's debugfs files are refused
// under kernel lockdown, but the kernel's blk tracer writes the same
// struct blk_io_trace records through tracefs (trace option "bin"), and
// the test captures dd on a loop device that way.
#include <fcntl.h>
#include <sys/mount.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "filesystem_support.h"
#include "json_support.h"
#include "recorder_log.h"
#include "run_support.h"
#include "tracefs.h"

namespace iopulse::test {
namespace {


// The test's own blktrace writer: struct blk_io_trace as blktrace_api.h
// lays it out (48 bytes), then pdu_len bytes of payload.
constexpr uint32_t kMagic = 0x65617407;  // BLK_IO_TRACE_MAGIC | version 7
constexpr uint32_t tc(uint32_t category) { return category << 16; }
constexpr uint32_t kRead = 1 << 0, kWrite = 1 << 1, kFlush = 1 << 2, kSync = 1 << 3, kQueue = 1 << 4,
                   kIssue = 1 << 6, kComplete = 1 << 7, kNotify = 1 << 10, kDiscard = 1 << 13, kFua = 1 << 15;
constexpr uint32_t kTaQueue = 1, kTaIssue = 7, kTaComplete = 8;  // __BLK_TA_*
constexpr uint32_t kTnProcess = 0, kTnTimestamp = 1;              // __BLK_TN_*
constexpr uint32_t kDev = (8u << 20) | 16;                        // 8:16

struct Event {
  uint64_t time_ns;
  uint64_t sector;
  uint32_t bytes;
  uint32_t action;
  uint32_t cpu;
  std::string pdu;
  uint32_t pid = 0;  // 0: 4242 + cpu
};

// The process that queued each event: one per CPU unless told.
uint32_t pid_of(const Event& e) { return e.pid != 0 ? e.pid : 4242 + e.cpu; }

template <typename T>
void put(std::string& out, T v, bool swap) {
  unsigned char b[sizeof(T)];
  for (size_t i = 0; i < sizeof(T); ++i) b[i] = static_cast<unsigned char>(v >> (8 * i));  // little-endian
  if (swap) std::reverse(b, b + sizeof(T));
  out.append(reinterpret_cast<const char*>(b), sizeof(T));
}

// The bytes of `events` as blktrace writes them (sequence numbers from 1),
// little-endian, or big-endian when `swap` (this machine is little-endian).
std::string encode(const std::vector<Event>& events, bool swap = false) {
  std::string out;
  uint32_t seq = 0;
  for (const Event& e : events) {
    put<uint32_t>(out, kMagic, swap);
    put<uint32_t>(out, ++seq, swap);
    put<uint64_t>(out, e.time_ns, swap);
    put<uint64_t>(out, e.sector, swap);
    put<uint32_t>(out, e.bytes, swap);
    put<uint32_t>(out, e.action, swap);
    put<uint32_t>(out, pid_of(e), swap);
    put<uint32_t>(out, kDev, swap);
    put<uint32_t>(out, e.cpu, swap);
    put<uint16_t>(out, 0, swap);  // error
    put<uint16_t>(out, static_cast<uint16_t>(e.pdu.size()), swap);
    out += e.pdu;
  }
  return out;
}

void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

// A capture of two CPUs as blktrace -o NAME leaves it: NAME.blktrace.0 and
// .1, every kind of event a replay takes or leaves out.
std::vector<Event> cpu0_events() {
  return {
      {100, 0, 0, tc(kNotify) | kTnProcess, 0, std::string("fio\0\0\0\0\0\0\0\0\0\0\0\0\0", 16)},
      {1000, 8, 4096, tc(kRead | kQueue) | kTaQueue, 0, ""},
      {2000, 8, 4096, tc(kRead | kIssue) | kTaIssue, 0, ""},
      {2100, 8, 4096, tc(kRead | kComplete) | kTaComplete, 0, ""},
      {3000, 16, 8192, tc(kWrite | kSync | kQueue) | kTaQueue, 0, ""},
      {5000, 100, 4096, tc(kWrite | kFua | kQueue) | kTaQueue, 0, ""},
      {6000, 0, 0, tc(kWrite | kFlush | kQueue) | kTaQueue, 0, ""},
      {7000, 200, 4096, tc(kWrite | kFlush | kQueue) | kTaQueue, 0, ""},
      {8000, 50, 0, tc(kRead | kQueue) | kTaQueue, 0, ""},  // no bytes, no flush: left out
      {8500, 0, 0, tc(kNotify) | kTnTimestamp, 0, std::string(8, '\1')},
  };
}
std::vector<Event> cpu1_events() {
  return {
      {1500, 2048, 65536, tc(kWrite | kDiscard | kQueue) | kTaQueue, 1, ""},
      {2500, 300, 4096, tc(kRead | kQueue) | kTaQueue, 1, ""},
      {9000, 400, 16384, tc(kWrite | kQueue) | kTaQueue, 1, ""},
  };
}

std::string write_capture(const ScratchDir& dir, const std::string& name, bool swap = false) {
  write_bytes(dir.file(name + ".blktrace.0"), encode(cpu0_events(), swap));
  write_bytes(dir.file(name + ".blktrace.1"), encode(cpu1_events(), swap));
  return dir.file(name);
}

// The IOs the capture above stands for, per CPU: sectors of 512 bytes; a
// FUA write is the write and an fdatasync, a flush an fsync (then its data).
const std::vector<IoShape> kCpu0 = {{'r', 8 * 512, 4096},  {'w', 16 * 512, 8192}, {'w', 100 * 512, 4096}, {'s', 0, 0},
                               {'s', 0, 0},           {'s', 0, 0},           {'w', 200 * 512, 4096}};
const std::vector<IoShape> kCpu1 = {{'t', 2048 * 512, 65536}, {'r', 300 * 512, 4096}, {'w', 400 * 512, 16384}};

RunOutcome replay(const ScratchDir& dir, const std::string& trace, const std::string& log,
                  std::vector<std::string> extra = {}) {
  std::vector<std::string> args = {dir.file("target"), "--plugin-dir", kRecorderDir, "--engine", "recorder",
                                   "--recorder.log=" + log, "--recorder.min-ns=0", "--file-size", "16M", "-q",
                                   "--replay", trace, "--replay-speed", "max"};
  args.insert(args.end(), extra.begin(), extra.end());
  return run_iopulse(args);
}

// blkparse's account of a capture: "ACTION CPU SECTOR BYTES RWBS" per event.
std::vector<std::string> blkparse_events(const std::string& shell_input) {
  const RunOutcome r = run_command(
      {"/bin/sh", "-c", "exec /usr/bin/blkparse -q -f '%a %c %S %N %d\\n' " + shell_input});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> events;
  std::istringstream in(r.out);
  for (std::string line; std::getline(in, line);) {
    if (line.size() > 2 && line[1] == ' ' && std::strchr("QDC", line[0]) != nullptr) events.push_back(line);
  }
  return events;
}

// The capture is one blkparse reads as the test meant it, natively and
// byte-swapped; replayed, it issues those IOs per CPU, in order.
TEST(BlktraceReplay, ReplaysTheQueuedIosPerCpu) {
  ScratchDir dir;
  for (const bool swap : {false, true}) {
    SCOPED_TRACE(swap ? "byte-swapped" : "native");
    const std::string name = swap ? "big" : "cap";
    const std::string trace = write_capture(dir, name, swap);
    const std::vector<std::string> expected_blkparse = {
        "Q 0 8 4096 R",     "Q 1 2048 65536 D", "D 0 8 4096 R",   "C 0 8 4096 R",    "Q 1 300 4096 R",
        "Q 0 16 8192 WS",   "Q 0 100 4096 WF",  "Q 0 0 0 FW",     "Q 0 200 4096 FW", "Q 0 50 0 N",
        "Q 1 400 16384 W"};
    EXPECT_EQ(blkparse_events("-i '" + trace + "'"), expected_blkparse);

    const std::string json = dir.file(name + ".json");
    const RunOutcome r = replay(dir, trace, dir.file(name + ".rec"), {"--json-output", json});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(recorded_shapes(dir.file(name + ".rec"), 0), kCpu0);
    EXPECT_EQ(recorded_shapes(dir.file(name + ".rec"), 1), kCpu1);
    const nlohmann::json j = read_json(json);
    EXPECT_EQ(j["config"]["threads"], 2);
    EXPECT_EQ(j["read"]["ops"], 2);
    EXPECT_EQ(j["write"]["ops"], 4);
    EXPECT_EQ(j["trim"]["ops"], 1);
    EXPECT_EQ(j["sync"]["ops"], 3);
  }
}

// Remapped as the replay options say, dealt to one worker in the order of
// the capture's times (the per-CPU files merged), and as recorded in time.
TEST(BlktraceReplay, RemapsMergesAndKeepsTime) {
  ScratchDir dir;
  const std::string trace = write_capture(dir, "cap");
  RunOutcome r = replay(dir, trace, dir.file("scaled"), {"--replay-scale", "3", "--replay-align", "4k"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto mapped = [](std::vector<IoShape> ios) {
    for (IoShape& io : ios) io.offset = io.offset / 3 / 4096 * 4096;
    return ios;
  };
  EXPECT_EQ(recorded_shapes(dir.file("scaled"), 0), mapped(kCpu0));
  EXPECT_EQ(recorded_shapes(dir.file("scaled"), 1), mapped(kCpu1));

  r = replay(dir, trace, dir.file("one"), {"--replay-workers", "threads", "--threads", "1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::vector<IoShape> by_time = {{'r', 4096, 4096},  {'t', 1048576, 65536}, {'r', 153600, 4096},
                                   {'w', 8192, 8192},  {'w', 51200, 4096},    {'s', 0, 0},
                                   {'s', 0, 0},        {'s', 0, 0},           {'w', 102400, 4096},
                                   {'w', 204800, 16384}};
  EXPECT_EQ(recorded_shapes(dir.file("one"), 0), by_time);

  // As recorded: queued 0.1 s apart, from the first queued IO.
  std::vector<Event> slow;
  for (uint32_t i = 0; i < 6; ++i) {
    slow.push_back({5'000'000'000ull + i * 100'000'000ull, i * 8, 4096, tc(kRead | kQueue) | kTaQueue, 0, ""});
  }
  write_bytes(dir.file("slow.blktrace.0"), encode(slow));
  const std::string json = dir.file("slow.json");
  r = run_iopulse({dir.file("target"), "--plugin-dir", kRecorderDir, "--engine", "recorder",
                   "--recorder.log=" + dir.file("slow"), "--recorder.min-ns=0", "--file-size", "16M", "-q",
                   "--replay", dir.file("slow"), "--json-output", json});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json j = read_json(json);
  EXPECT_GE(j["window_ns"].get<uint64_t>(), 500'000'000u);
  EXPECT_LT(j["window_ns"].get<uint64_t>(), 2'000'000'000u);  // not the 5 s before the first IO
  EXPECT_EQ(j["read"]["ops"], 6);
}

// --replay-workers pid: one worker per process, whatever CPU it ran on;
// refused for a trace that records no processes.
TEST(BlktraceReplay, WorkersPerProcess) {
  ScratchDir dir;
  std::vector<Event> events;
  for (uint32_t i = 0; i < 6; ++i) {
    events.push_back({1000ull * i, 8ull * i, 4096, tc(kRead | kQueue) | kTaQueue, i % 2 == 0 ? 0u : 1u, "",
                      i < 3 ? 10u : 11u});
  }
  write_bytes(dir.file("p.bin"), encode(events));
  RunOutcome r = replay(dir, dir.file("p.bin"), dir.file("pid"), {"--replay-workers", "pid"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(recorded_shapes(dir.file("pid"), 0),
            (std::vector<IoShape>{{'r', 0, 4096}, {'r', 4096, 4096}, {'r', 8192, 4096}}));
  EXPECT_EQ(recorded_shapes(dir.file("pid"), 1),
            (std::vector<IoShape>{{'r', 12288, 4096}, {'r', 16384, 4096}, {'r', 20480, 4096}}));
  r = replay(dir, dir.file("p.bin"), dir.file("cpu"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(recorded_shapes(dir.file("cpu"), 0),
            (std::vector<IoShape>{{'r', 0, 4096}, {'r', 8192, 4096}, {'r', 16384, 4096}}));

  std::ofstream(dir.file("f.iolog")) << "fio version 3 iolog\n0 /x add\n1 /x read 0 4096\n";
  r = replay(dir, dir.file("f.iolog"), dir.file("no"), {"--replay-workers", "pid"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("--replay-workers pid: the trace (fio iolog v3) records no processes"), std::string::npos)
      << r.err;
}

// blkparse -d dumps the per-CPU files into one, which replays the same.
TEST(BlktraceReplay, ABlkparseDumpReplaysLikeTheFiles) {
  ScratchDir dir;
  const std::string trace = write_capture(dir, "cap");
  const std::string dump = dir.file("cap.dump");
  const RunOutcome d = run_command({"/usr/bin/blkparse", "-q", "-i", trace, "-d", dump, "-o", "/dev/null"});
  ASSERT_EQ(d.exit_code, 0) << d.err;
  ASSERT_GT(read_file(dump).size(), 48u * 10);
  EXPECT_EQ(blkparse_events("-i - < '" + dump + "'").size(), 11u);
  const RunOutcome r = replay(dir, dump, dir.file("dump"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(recorded_shapes(dir.file("dump"), 0), kCpu0);
  EXPECT_EQ(recorded_shapes(dir.file("dump"), 1), kCpu1);
}

// Corrupt or cut captures: one line naming the file and byte offset, exit 2,
// no results.
TEST(BlktraceReplay, RefusesCorruptCaptures) {
  ScratchDir dir;
  const std::string json = dir.file("out.json");
  const auto refused = [&](const std::string& bytes, const std::string& text) {
    write_bytes(dir.file("bad.blktrace.0"), bytes);
    const RunOutcome r = replay(dir, dir.file("bad"), dir.file("log"), {"--json-output", json});
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find("--replay '" + dir.file("bad") + "': '" + dir.file("bad.blktrace.0") + "' byte " + text),
              std::string::npos)
        << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_NE(access(json.c_str(), F_OK), 0) << "results written for a refused job";
  };
  const std::string good = encode(cpu0_events());
  const size_t third = 16 + 48 * 3;  // the notify's payload, then three records
  refused(good.substr(0, good.size() - 10), std::to_string(good.size() - 8 - 48) + ": truncated: 46 bytes");
  std::string bad_magic = good;
  bad_magic[third + 1] = 'x';
  refused(bad_magic, std::to_string(third) + ": bad magic");
  std::string bad_version = good;
  bad_version[third] = 6;
  refused(bad_version, std::to_string(third) + ": blktrace version 6; accepted: version 7");
  std::vector<Event> cut = cpu0_events();
  cut.back().pdu = std::string(8, '\1');
  std::string past = encode(cut);
  past[past.size() - 8 - 2] = 100;  // pdu_len 100, 8 bytes there
  refused(past, std::to_string(past.size() - 8 - 48) + ": its 100-byte payload runs past the end");

  // An output that would overwrite a per-CPU file of the capture.
  const std::string cap = write_capture(dir, "cap");
  const std::string before = read_file(dir.file("cap.blktrace.1"));
  const RunOutcome r = replay(dir, cap, dir.file("log"), {"--json-output", dir.file("cap.blktrace.1")});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("the replayed trace"), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_EQ(read_file(dir.file("cap.blktrace.1")), before);
}

// A capture that goes bad while it is replayed (records overwritten once
// the window is open) stops the run at the file and byte offset named,
// exit 1, with the results of what was done.
TEST(BlktraceReplay, StopsMidStreamNamingTheByteOffset) {
  ScratchDir dir;
  constexpr uint32_t kRecords = 60000, kFirstBad = 50000;
  std::vector<Event> events;
  for (uint32_t i = 0; i < kRecords; ++i) {
    events.push_back({i * 30'000ull, (i * 8ull) % (1u << 21), 4096, tc(kRead | kQueue) | kTaQueue, 0, ""});
  }
  const std::string trace = dir.file("live.bin");
  write_bytes(trace, encode(events));  // 1.8 s
  const std::string json = dir.file("out.json"), series = dir.file("series.jsonl");
  bool corrupted = false;
  const RunOutcome r = run_iopulse_and_signal_when(
      {dir.file("target"), "--engine", "null", "--file-size", "1G", "--replay", trace, "--json-output", json,
       "--timeseries-output", series, "--stats-interval", "100ms", "-q"},
      [&] {
        std::ifstream in(series);
        std::string first_line;
        if (!std::getline(in, first_line) || in.eof()) return false;
        std::fstream f(trace, std::ios::binary | std::ios::in | std::ios::out);
        for (uint64_t i = kFirstBad; i < kRecords; ++i) {
          f.seekp(static_cast<std::streamoff>(i * 48 + 1));
          f.put('x');
        }
        corrupted = f.good();
        return true;
      },
      0);
  ASSERT_TRUE(corrupted);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("--replay '" + trace + "': '" + trace + "' byte " + std::to_string(kFirstBad * 48ull) +
                       ": bad magic"),
            std::string::npos)
      << r.err;
  const nlohmann::json j = read_json(json);
  EXPECT_EQ(j["stop_reason"], "error");
  EXPECT_GE(j["read"]["ops"].get<uint64_t>(), 40000u);
  EXPECT_LT(j["read"]["ops"].get<uint64_t>(), kFirstBad);
}

// The kernel's blk tracer on one block device, read through tracefs in
// binary form: the records blktrace itself writes (the kernel synthesizes
// struct blk_io_trace, version 7, for trace option "bin").  The global
// tracer is taken for the test's life and given back (nop, text options).
class KernelBlockTrace {
 public:
  explicit KernelBlockTrace(const std::string& device) {
    const std::string name = std::filesystem::path(device).filename();
    enable_ = "/sys/block/" + name + "/trace/enable";
    why_ = mount_tracefs_unless("available_tracers");
    if (!why_.empty()) return;
    if (read_file(kTracefsRoot + "/available_tracers").find("blk") == std::string::npos) {
      why_ = "the kernel has no blk tracer";
      return;
    }
    taken_ = put("tracing_on", "0") && put("current_tracer", "blk") && put("trace_options", "bin") &&
             put("trace_options", "nocontext-info") && write(enable_, "1") && put("trace", "") &&
             put("tracing_on", "1");
    if (!taken_) why_ = "the blk tracer cannot be set up on " + device;
  }
  ~KernelBlockTrace() {
    put("tracing_on", "0");
    write(enable_, "0");
    put("trace_options", "nobin");
    put("trace_options", "context-info");
    put("current_tracer", "nop");
    put("tracing_on", "1");
  }
  bool ok() const { return why_.empty(); }
  const std::string& why() const { return why_; }

  // Stops tracing and moves what the kernel recorded into a capture as
  // blktrace -o PREFIX leaves one: PREFIX.blktrace.<cpu>, each CPU's records
  // in its own file (blkparse reads a file's records as that CPU's only).
  // ftrace hands the records over one CPU's buffer after the other, each in
  // order.
  void save(const std::string& prefix) {
    put("tracing_on", "0");
    const int in = open((kTracefsRoot + "/trace_pipe").c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    ASSERT_GE(in, 0) << std::strerror(errno);
    std::string bytes;
    char buf[65536];
    for (ssize_t n; (n = ::read(in, buf, sizeof buf)) > 0;) bytes.append(buf, static_cast<size_t>(n));
    close(in);
    // struct blk_io_trace: cpu at byte 40, pdu_len at 46, 48 bytes + pdu.
    std::map<uint32_t, std::string> per_cpu;
    for (size_t at = 0; at + 48 <= bytes.size();) {
      uint32_t cpu = 0;
      uint16_t pdu_len = 0;
      std::memcpy(&cpu, bytes.data() + at + 40, sizeof cpu);
      std::memcpy(&pdu_len, bytes.data() + at + 46, sizeof pdu_len);
      const size_t len = 48 + size_t{pdu_len};
      ASSERT_LE(at + len, bytes.size()) << "a record cut short at byte " << at;
      per_cpu[cpu].append(bytes, at, len);
      at += len;
    }
    // A file for every CPU up to the last that queued anything, as blktrace
    // leaves one per CPU even where nothing ran (blkparse -i stops at the
    // first number missing).
    const uint32_t cpus = per_cpu.empty() ? 1 : per_cpu.rbegin()->first + 1;
    for (uint32_t cpu = 0; cpu < cpus; ++cpu) write_bytes(prefix + ".blktrace." + std::to_string(cpu), per_cpu[cpu]);
  }

 private:
  bool put(const std::string& file, const std::string& text) { return write(kTracefsRoot + "/" + file, text); }
  static bool write(const std::string& path, const std::string& text) { return write_trace_control(path, text); }

  std::string enable_;
  bool taken_ = false;
  std::string why_;
};

// A real capture: the kernel traces dd reading and writing a loop device
// with O_DIRECT.  blkparse reads the capture (the observer of what the
// kernel queued), and the replay issues exactly those IOs, in the order of
// their times, with the same offsets and sizes.
TEST(BlktraceReplay, AKernelCaptureOfDdOnALoopDeviceReplaysItsIos) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root (loop devices, tracefs)";
  ScratchDir dir;
  LoopDevice loop(dir.file("disk.img"), "16M");
  ASSERT_TRUE(loop.ok()) << loop.why();
  const std::string capture = dir.file("dd");
  {
    KernelBlockTrace trace(loop.device());
    if (!trace.ok()) GTEST_SKIP() << trace.why();
    ASSERT_EQ(run_command({"/bin/dd", "if=" + loop.device(), "of=/dev/null", "bs=64k", "count=4", "skip=3",
                           "iflag=direct"}).exit_code, 0);
    ASSERT_EQ(run_command({"/bin/dd", "if=/dev/zero", "of=" + loop.device(), "bs=4k", "count=3", "seek=100",
                           "oflag=direct", "conv=notrunc"}).exit_code, 0);
    trace.save(capture);
  }
  // blkparse's queue events, in time order: what the replay must issue.
  std::vector<IoShape> queued;
  for (const std::string& e : blkparse_events("-i '" + capture + "'")) {
    std::istringstream in(e);
    std::string action, cpu, rwbs;
    uint64_t sector = 0, bytes = 0;
    in >> action >> cpu >> sector >> bytes >> rwbs;
    if (action != "Q") continue;
    ASSERT_TRUE(rwbs == "R" || rwbs == "RS" || rwbs == "W" || rwbs == "WS") << "a plain read or write: " << e;
    queued.push_back({rwbs[0] == 'R' ? 'r' : 'w', sector * 512, bytes});
  }
  const std::vector<IoShape> dd_did = {{'r', 3 * 65536, 65536}, {'r', 4 * 65536, 65536}, {'r', 5 * 65536, 65536},
                                       {'r', 6 * 65536, 65536}, {'w', 100 * 4096, 4096}, {'w', 101 * 4096, 4096},
                                       {'w', 102 * 4096, 4096}};
  EXPECT_EQ(queued, dd_did) << "the kernel queued dd's IOs, one request each";

  const std::string json = dir.file("dd.json");
  const RunOutcome r = replay(dir, capture, dir.file("dd.rec"),
                              {"--replay-workers", "threads", "--threads", "1", "--json-output", json});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(recorded_shapes(dir.file("dd.rec"), 0), queued);
  const nlohmann::json j = read_json(json);
  EXPECT_EQ(j["read"]["ops"], 4);
  EXPECT_EQ(j["write"]["ops"], 3);
}

}  // namespace
}  // namespace iopulse::test
