// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// --trim-percent against observers IOPulse does not control: the recorder
// fixture engine (every IO it was handed, with op, offset and length), and
// the file system's own map of a file's holes (SEEK_HOLE/SEEK_DATA, stat's
// block count) after the sync and io_uring engines punched them.  The
// outputs (JSON, its time series, CSV, fio JSON) must carry the trim counts
// the observers saw, apart from reads and writes.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
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

namespace iopulse::test {
namespace {

std::vector<std::string> split(const std::string& line, char sep) {
  std::vector<std::string> cells;
  std::istringstream in(line);
  for (std::string cell; std::getline(in, cell, sep);) cells.push_back(cell);
  return cells;
}

// Sum of one CSV column over the job-wide rows ("all"), found by its header.
uint64_t csv_column_sum(const std::string& csv, const std::string& column) {
  std::istringstream in(csv);
  std::string line;
  std::getline(in, line);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  const std::vector<std::string> header = split(line, ',');
  size_t at = header.size();
  for (size_t i = 0; i < header.size(); ++i) {
    if (header[i] == column) at = i;
  }
  EXPECT_LT(at, header.size()) << "no column " << column << " in " << line;
  uint64_t sum = 0;
  while (std::getline(in, line)) {
    if (line.rfind("all,", 0) != 0) continue;
    const std::vector<std::string> cells = split(line, ',');
    if (at < cells.size()) sum += std::stoull(cells[at]);
  }
  return sum;
}

TEST(Trim, TheRecorderSeesTheTrimShareAtWriteOffsetsAndSizes) {
  ScratchDir dir;
  const std::string json = dir.file("out.json"), csv = dir.file("ts.csv"), log = dir.file("log");
  const uint64_t file_size = 64 << 20;
  const RunOutcome r = run_iopulse({dir.file("target"), "--plugin-dir", kRecorderDir, "--engine", "recorder",
                                    "--recorder.log=" + log, "--recorder.min-ns=0", "--file-size", "64M",
                                    "--random", "--read-percent", "50", "--trim-percent", "20",
                                    "--read-block-size", "4k", "--write-block-size", "16k", "--total-ops",
                                    "20000", "--queue-depth", "8", "--json-output", json, "--csv-output", csv,
                                    "--stats-interval", "100ms", "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto ios = read_recorder_log(log, 0);
  ASSERT_EQ(ios.size(), 20000u);
  std::map<char, uint64_t> ops, bytes;
  for (const RecordedIo& io : ios) {
    ++ops[io.op];
    bytes[io.op] += io.len;
    if (io.op == 't') {
      // A trim takes a write's size and an offset of the write mix.
      ASSERT_EQ(io.len, 16384u) << "trim at " << io.offset;
      ASSERT_EQ(io.offset % 4096, 0u);
      ASSERT_LE(io.offset + io.len, file_size);
    }
  }
  // 20% trims, 50% reads, 30% writes, within a few standard deviations.
  EXPECT_NEAR(static_cast<double>(ops['t']), 4000, 300);
  EXPECT_NEAR(static_cast<double>(ops['r']), 10000, 300);
  EXPECT_NEAR(static_cast<double>(ops['w']), 6000, 300);
  EXPECT_EQ(ops['s'], 0u) << "trims were issued as syncs";

  const auto j = read_json(json);
  EXPECT_EQ(j["trim"]["ops"].get<uint64_t>(), ops['t']);
  EXPECT_EQ(j["trim"]["bytes"].get<uint64_t>(), bytes['t']);
  EXPECT_EQ(j["trim"]["errors"].get<uint64_t>(), 0u) << "the recorder refused a trim that carried a buffer";
  uint64_t timed = 0;  // every trim has its latency in the trim histogram
  for (const auto& bucket : j["trim"]["latency_ns"]["histogram"]) timed += bucket[2].get<uint64_t>();
  EXPECT_EQ(timed, ops['t']);
  EXPECT_EQ(j["read"]["ops"].get<uint64_t>(), ops['r']);
  EXPECT_EQ(j["write"]["ops"].get<uint64_t>(), ops['w']);
  // "total" is reads and writes: trims are not data moved.
  EXPECT_EQ(j["total"]["ops"].get<uint64_t>(), ops['r'] + ops['w']);
  EXPECT_EQ(j["total"]["bytes"].get<uint64_t>(), bytes['r'] + bytes['w']);
  EXPECT_FALSE(j.contains("sync"));
  EXPECT_EQ(j["config"]["trim_percent"], 20);
  EXPECT_EQ(j["config"]["write_percent"], 30);

  // The time series adds up to the same counts, in JSON and in CSV.
  uint64_t series_trims = 0;
  for (const auto& interval : j["timeseries"]) {
    if (interval.contains("trim")) series_trims += interval["trim"]["ops"].get<uint64_t>();
  }
  EXPECT_EQ(series_trims, ops['t']);
  const std::string text = read_file(csv);
  EXPECT_EQ(csv_column_sum(text, "trim_ops"), ops['t']);
  EXPECT_EQ(csv_column_sum(text, "trim_bytes"), bytes['t']);
  EXPECT_EQ(csv_column_sum(text, "total_ops"), ops['r'] + ops['w']);
}

TEST(Trim, FioJsonFillsItsTrimSection) {
  ScratchDir dir;
  const std::string log = dir.file("log");
  const RunOutcome r = run_iopulse({dir.file("target"), "--plugin-dir", kRecorderDir, "--engine", "recorder",
                                    "--recorder.log=" + log, "--recorder.min-ns=0", "--file-size", "16M",
                                    "--random", "--trim-percent", "40", "--total-ops", "5000",
                                    "--output-format", "fio-json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  uint64_t trims = 0, trimmed = 0, reads = 0;
  for (const RecordedIo& io : read_recorder_log(log, 0)) {
    trims += io.op == 't';
    trimmed += io.op == 't' ? io.len : 0;
    reads += io.op == 'r';
  }
  ASSERT_GT(trims, 0u);
  const auto j = nlohmann::json::parse(r.out);
  const auto& job = j["jobs"][0];
  EXPECT_EQ(job["trim"]["total_ios"].get<uint64_t>(), trims);
  EXPECT_EQ(job["trim"]["io_bytes"].get<uint64_t>(), trimmed);
  EXPECT_EQ(job["read"]["total_ios"].get<uint64_t>(), reads);
  EXPECT_EQ(job["sync"]["total_ios"].get<uint64_t>(), 0u);
}

// Bytes of [0, size) that are holes, by the file system's SEEK_HOLE /
// SEEK_DATA map.
uint64_t hole_bytes(const std::string& path, uint64_t size) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  EXPECT_GE(fd, 0) << path;
  uint64_t holes = 0;
  for (off_t pos = 0; static_cast<uint64_t>(pos) < size;) {
    const off_t hole = ::lseek(fd, pos, SEEK_HOLE);
    if (hole < 0 || static_cast<uint64_t>(hole) >= size) break;
    off_t data = ::lseek(fd, hole, SEEK_DATA);
    if (data < 0) data = static_cast<off_t>(size);
    holes += static_cast<uint64_t>(data - hole);
    pos = data;
  }
  ::close(fd);
  return holes;
}

// A complete pass (the default stop) visits every block once, each a read
// or a trim: the holes the file system reports afterwards are exactly the
// bytes the results say were trimmed, and the file kept its size.
void expect_punched_holes(const std::string& engine) {
  ScratchDir dir;
  const std::string target = dir.file("target"), json = dir.file("out.json");
  const uint64_t size = 16 << 20;
  const RunOutcome r = run_iopulse({target, "--engine", engine, "--file-size", "16M", "--block-size", "64k",
                                    "--random", "--trim-percent", "40", "--queue-depth", "4", "--json-output",
                                    json, "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = read_json(json);
  EXPECT_EQ(j["stop_reason"], "complete");
  const uint64_t trims = j["trim"]["ops"].get<uint64_t>();
  const uint64_t trimmed = j["trim"]["bytes"].get<uint64_t>();
  EXPECT_EQ(j["trim"]["errors"].get<uint64_t>(), 0u);
  EXPECT_EQ(trimmed, trims * 65536);
  EXPECT_EQ(trims + j["read"]["ops"].get<uint64_t>(), size / 65536) << "the pass did not cover every block once";
  EXPECT_GT(trims, 40u);
  EXPECT_LT(trims, 160u);

  struct stat st {};
  ASSERT_EQ(::stat(target.c_str(), &st), 0);
  EXPECT_EQ(static_cast<uint64_t>(st.st_size), size) << "a trim changed the file's size";
  EXPECT_EQ(hole_bytes(target, size), trimmed) << engine << ": the holes are not what was trimmed";
  // The blocks the file still holds: everything but the holes, give or take
  // one file system block (ext4 may keep the dataset marker, an extended
  // attribute, in a block of its own), far below one 64 KiB trim.
  const uint64_t held = static_cast<uint64_t>(st.st_blocks) * 512;
  EXPECT_GE(held, size - trimmed);
  EXPECT_LE(held, size - trimmed + 4096) << "the file holds more than its data outside the holes";
}

// A loop device over an image of `size` bytes that all hold data (so a
// discard shows as a hole punched in the image).
std::string filled_image(const ScratchDir& dir, const std::string& name, uint64_t size) {
  const std::string image = dir.file(name);
  std::ofstream out(image, std::ios::binary);
  const std::string block(1 << 20, '\xa5');
  for (uint64_t done = 0; done < size; done += block.size()) out.write(block.data(), static_cast<std::streamsize>(block.size()));
  return image;
}

// A fio job file (its filename=${DEV}) run by IOPulse and by fio, each on a
// loop device of its own over an 8 MiB image full of 0xa5, so a discard
// shows as a hole in the image.  Skips the test where fio or loop devices
// are missing; the caller returns when the test was skipped or failed.
struct TwinRun {
  uint64_t image_size = 8 << 20;
  std::string ours, theirs;  // the images IOPulse's and fio's devices stand on
  nlohmann::json iopulse;    // IOPulse's results
  nlohmann::json fio;        // fio's job object
};

void run_on_twin_devices(const ScratchDir& dir, const std::string& job_text, TwinRun& run) {
  if (access("/usr/bin/fio", X_OK) != 0) GTEST_SKIP() << "fio is not installed (scripts/test.sh installs it)";
  run.ours = filled_image(dir, "ours.img", run.image_size);
  run.theirs = filled_image(dir, "theirs.img", run.image_size);
  LoopDevice ours(run.ours, "8M");
  if (!ours.ok()) GTEST_SKIP() << ours.why();
  LoopDevice theirs(run.theirs, "8M");
  if (!theirs.ok()) GTEST_SKIP() << theirs.why();
  const std::string job = dir.file("job.fio");
  std::ofstream(job) << job_text;
  const RunOutcome r = run_iopulse({job, "--allow-device-writes", "--json-output", dir.file("r.json"), "-q"},
                                   {"DEV=" + ours.device()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const RunOutcome f = run_command({"/usr/bin/fio", "--output-format=json", job}, {"DEV=" + theirs.device()});
  ASSERT_EQ(f.exit_code, 0) << f.err << f.out;
  run.fio = nlohmann::json::parse(f.out.substr(f.out.find('{')))["jobs"][0];
  ASSERT_EQ(run.fio["error"].get<int>(), 0);
  run.iopulse = read_json(dir.file("r.json"));
}

// fio's rw=trim in a job file, run by IOPulse and by fio on two loop devices
// alike: the loop driver punches each discarded range out of its image, so
// the images' holes are what each tool trimmed.  fio trims only block
// devices, hence the loop devices.
void expect_the_trims_fio_does(const std::string& job_text) {
  ScratchDir dir;
  TwinRun run;
  run_on_twin_devices(dir, job_text, run);
  if (testing::Test::IsSkipped() || testing::Test::HasFatalFailure()) return;
  const uint64_t image_size = run.image_size;
  const nlohmann::json& fio = run.fio;
  const nlohmann::json& j = run.iopulse;
  EXPECT_EQ(j["trim"]["ops"].get<uint64_t>(), fio["trim"]["total_ios"].get<uint64_t>());
  EXPECT_EQ(j["trim"]["bytes"].get<uint64_t>(), fio["trim"]["io_bytes"].get<uint64_t>());
  EXPECT_EQ(j["read"]["ops"].get<uint64_t>() + j["write"]["ops"].get<uint64_t>(), 0u);
  // Both images lost exactly [0, 3 MiB): the same bytes, the same place.
  for (const std::string& image : {run.ours, run.theirs}) {
    EXPECT_EQ(hole_bytes(image, image_size), 3u << 20) << image;
    const int fd = ::open(image.c_str(), O_RDONLY);
    ASSERT_GE(fd, 0);
    EXPECT_EQ(::lseek(fd, 0, SEEK_DATA), 3 << 20) << image;
    ::close(fd);
  }
}

TEST(Trim, AFioTrimJobDiscardsWhatFioDiscards) {
  expect_the_trims_fio_does("[t]\nfilename=${DEV}\nrw=trim\nbs=4k,4k,256k\nsize=3m\n");
}

// The same with libaio, whose trims both tools do inside the submission:
// random 64 KiB trims over the first 3 MiB, four in flight.
TEST(Trim, AFioLibaioRandomTrimJobDiscardsWhatFioDiscards) {
  expect_the_trims_fio_does("[t]\nfilename=${DEV}\nioengine=libaio\ndirect=1\niodepth=4\nrw=randtrim\nbs=64k\n"
                            "size=3m\n");
}

// --trim-write: the recorder sees each trim, then a write of exactly its
// range; the trims alone make the complete pass (every block once).
TEST(Trim, TrimWriteWritesEachTrimmedRangeAfterItsTrim) {
  ScratchDir dir;
  const std::string log = dir.file("log"), json = dir.file("out.json");
  // Sequential at queue depth 1: the exact sequence t0 w0 t1 w1 ...
  RunOutcome r = run_iopulse({dir.file("target"), "--plugin-dir", kRecorderDir, "--engine", "recorder",
                              "--recorder.log=" + log, "--recorder.min-ns=0", "--file-size", "1M", "--trim-percent",
                              "100", "--trim-write", "--block-size", "64k", "--json-output", json, "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<RecordedIo> ios = read_recorder_log(log, 0);
  ASSERT_EQ(ios.size(), 32u);
  for (size_t i = 0; i < ios.size(); ++i) {
    EXPECT_EQ(ios[i].op, i % 2 == 0 ? 't' : 'w') << "IO " << i;
    EXPECT_EQ(ios[i].offset, (i / 2) * 65536) << "IO " << i;
    EXPECT_EQ(ios[i].len, 65536u) << "IO " << i;
  }
  auto j = read_json(json);
  EXPECT_EQ(j["trim"]["ops"].get<uint64_t>(), 16u);
  EXPECT_EQ(j["write"]["ops"].get<uint64_t>(), 16u);
  EXPECT_EQ(j["write"]["bytes"].get<uint64_t>(), 1u << 20);

  // Random at queue depth 8: every block trimmed once, and each write
  // follows its own trim in submission order and repeats its range exactly.
  const std::string log2 = dir.file("log2");
  r = run_iopulse({dir.file("target2"), "--plugin-dir", kRecorderDir, "--engine", "recorder",
                   "--recorder.log=" + log2, "--recorder.min-ns=0", "--file-size", "4M", "--random",
                   "--trim-percent", "100", "--trim-write", "--block-size", "16k", "--queue-depth", "8",
                   "--json-output", json, "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ios = read_recorder_log(log2, 0);
  ASSERT_EQ(ios.size(), 512u);
  std::map<uint64_t, size_t> trimmed_at;  // offset -> index of its trim
  std::map<uint64_t, int> writes;
  for (size_t i = 0; i < ios.size(); ++i) {
    ASSERT_EQ(ios[i].len, 16384u);
    if (ios[i].op == 't') {
      EXPECT_TRUE(trimmed_at.emplace(ios[i].offset, i).second) << "trimmed twice: " << ios[i].offset;
    } else {
      ASSERT_EQ(ios[i].op, 'w');
      ASSERT_EQ(trimmed_at.count(ios[i].offset), 1u) << "a write of a range not trimmed before: " << ios[i].offset;
      EXPECT_EQ(++writes[ios[i].offset], 1) << "written twice: " << ios[i].offset;
    }
  }
  EXPECT_EQ(trimmed_at.size(), 256u);
  EXPECT_EQ(writes.size(), 256u);

  // A trim-write without trims is refused before anything is touched.
  r = run_iopulse({dir.file("target3"), "--file-size", "1M", "--trim-write", "-q"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--trim-write: the job does not trim"), std::string::npos) << r.err;
  EXPECT_NE(access(dir.file("target3").c_str(), F_OK), 0);
}

// True when every byte of [from, to) of `path` is `byte`.
bool all_bytes(const std::string& path, uint64_t from, uint64_t to, char byte, std::string* where) {
  std::ifstream in(path, std::ios::binary);
  in.seekg(static_cast<std::streamoff>(from));
  std::vector<char> block(4096);
  for (uint64_t at = from; at < to; at += block.size()) {
    in.read(block.data(), static_cast<std::streamsize>(block.size()));
    for (char c : block) {
      if (c != byte) {
        *where = std::to_string(at);
        return false;
      }
    }
  }
  return true;
}

// fio's rw=trimwrite on twin loop devices over images full of 0xa5: each
// tool trims then writes [0, 3 MiB) in 64 KiB ranges; both images end with
// fresh data (no 0xa5 block, no hole: each range was written after its
// discard) over exactly that range and the old bytes after it, and the
// counts are fio's.
TEST(Trim, AFioTrimWriteJobTrimsAndWritesWhatFioDoes) {
  ScratchDir dir;
  TwinRun run;
  run_on_twin_devices(dir, "[t]\nfilename=${DEV}\nrw=trimwrite\nbs=64k\nsize=3m\ndirect=1\n", run);
  if (IsSkipped() || HasFatalFailure()) return;
  const uint64_t image_size = run.image_size;
  const nlohmann::json& fio = run.fio;
  const nlohmann::json& j = run.iopulse;
  for (const char* op : {"trim", "write"}) {
    EXPECT_EQ(j[op]["ops"].get<uint64_t>(), fio[op]["total_ios"].get<uint64_t>()) << op;
    EXPECT_EQ(j[op]["bytes"].get<uint64_t>(), fio[op]["io_bytes"].get<uint64_t>()) << op;
  }
  EXPECT_EQ(j["trim"]["ops"].get<uint64_t>(), 48u);  // 3 MiB in 64 KiB ranges
  EXPECT_EQ(j["read"]["ops"].get<uint64_t>(), 0u);
  for (const std::string& image : {run.ours, run.theirs}) {
    EXPECT_EQ(hole_bytes(image, image_size), 0u) << image << ": a trimmed range was not written again";
    std::ifstream in(image, std::ios::binary);
    std::vector<char> block(4096);
    const std::vector<char> old(4096, '\xa5'), zeros(4096, 0);
    for (uint64_t at = 0; at < (3u << 20); at += block.size()) {
      in.read(block.data(), static_cast<std::streamsize>(block.size()));
      ASSERT_NE(block, old) << image << ": not written at " << at;
      ASSERT_NE(block, zeros) << image << ": only trimmed at " << at;
    }
    std::string where;
    EXPECT_TRUE(all_bytes(image, 3u << 20, image_size, '\xa5', &where)) << image << ": touched at " << where;
  }
}

TEST(Trim, TheSyncEnginePunchesHolesTheFileSystemReports) { expect_punched_holes("sync"); }

TEST(Trim, TheIoUringEnginePunchesHolesTheFileSystemReports) { expect_punched_holes("io_uring"); }

TEST(Trim, TheLibaioEnginePunchesHolesTheFileSystemReports) { expect_punched_holes("libaio"); }

}  // namespace
}  // namespace iopulse::test
