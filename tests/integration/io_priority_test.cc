// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// IO priorities (--io-priority, --io-priority-percent) and per-IO flags
// (--io-flags), checked against observers IOPulse does not control: the
// recorder fixture engine (it records each IO's ioprio and flags, and gives
// prioritized IOs a latency of their own) and strace (the flags the sync
// engine passes to pwritev2, its ioprio_set calls).  Bad input and missing
// capabilities: exit 2, one line, nothing touched.
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <future>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "iopulse/engine.h"
#include "json_support.h"
#include "filesystem_support.h"
#include "recorder_log.h"
#include "run_support.h"
#include "tracefs.h"

namespace iopulse::test {
namespace {

// A text summary line "  <label padded to 13>N ops".
std::string fmt_ops(const std::string& label, uint64_t ops) {
  std::string line = "  " + label;
  line.resize(15, ' ');
  return line + std::to_string(ops) + " ops";
}

constexpr unsigned kBe2 = IOP_IOPRIO_VALUE(IOP_IOPRIO_CLASS_BE, 2);

// 30% of the reads and writes carry be:2, the rest none; the recorder gives
// the prioritized ones 1 ms and the others 20 us, so the split histograms
// can be told apart by their latencies alone.
TEST(IoPriority, ShareOfIosCarriesThePriorityAndEachGroupHasItsOwnHistogram) {
  ScratchDir dir;
  const std::string json = dir.file("out.json");
  const std::string log = dir.file("log");
  const RunOutcome r = run_iopulse(
      {dir.file("t"), "--plugin-dir", kRecorderDir, "--engine", "recorder", "--recorder.log=" + log,
       "--recorder.marks=on", "--recorder.min-ns=20000", "--recorder.prio-ns=1000000", "--file-size", "16M",
       "--random", "--write-percent", "50", "--total-ops", "4000", "--queue-depth", "16", "--io-priority", "be:2",
       "--io-priority-percent", "30", "--fsync-every", "50", "--json-output", json});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::vector<RecordedIo> ios = read_recorder_log(log, 0);
  uint64_t seen[2][2] = {};  // [write][prioritized]
  uint64_t syncs = 0;
  for (const RecordedIo& m : ios) {
    if (m.op == 's') {
      ++syncs;
      EXPECT_EQ(m.ioprio, 0u) << "a sync carried a priority";
      EXPECT_EQ(m.flags, 0u);
      continue;
    }
    ASSERT_TRUE(m.ioprio == 0 || m.ioprio == kBe2) << "unexpected ioprio " << m.ioprio;
    ++seen[m.op == 'w'][m.ioprio != 0];
  }
  EXPECT_GT(syncs, 0u);
  const uint64_t data = seen[0][0] + seen[0][1] + seen[1][0] + seen[1][1];
  ASSERT_EQ(data, 4000u);
  const double share = static_cast<double>(seen[0][1] + seen[1][1]) / static_cast<double>(data);
  EXPECT_GT(share, 0.25);  // 30% of 4000 draws: the standard deviation is 0.7%
  EXPECT_LT(share, 0.35);

  const nlohmann::json j = read_json(json);
  const nlohmann::json& p = j.at("io_priority");
  EXPECT_EQ(p["priority"], "be:2");
  EXPECT_EQ(p["class"], IOP_IOPRIO_CLASS_BE);
  EXPECT_EQ(p["level"], 2);
  EXPECT_EQ(p["percent"], 30);
  EXPECT_EQ(p["prioritized"]["read"]["ops"], seen[0][1]);
  EXPECT_EQ(p["prioritized"]["write"]["ops"], seen[1][1]);
  EXPECT_EQ(p["others"]["read"]["ops"], seen[0][0]);
  EXPECT_EQ(p["others"]["write"]["ops"], seen[1][0]);
  for (const char* op : {"read", "write"}) {
    // Every IO of the kind is in exactly one group.
    EXPECT_EQ(p["prioritized"][op]["ops"].get<uint64_t>() + p["others"][op]["ops"].get<uint64_t>(),
              j[op]["ops"].get<uint64_t>());
    uint64_t buckets = 0;
    for (const auto& b : p["prioritized"][op]["latency_ns"]["histogram"]) buckets += b[2].get<uint64_t>();
    EXPECT_EQ(buckets, p["prioritized"][op]["ops"].get<uint64_t>());
    // The recorder completes a prioritized IO no sooner than 1 ms after its
    // submission; the others after 20 us.
    EXPECT_GE(p["prioritized"][op]["latency_ns"]["min"].get<uint64_t>(), 1'000'000u * 99 / 100);
    EXPECT_LT(p["others"][op]["latency_ns"]["percentiles"]["50"].get<uint64_t>(), 1'000'000u);
  }
  // The text summary: one line per kind and priority.
  EXPECT_NE(r.out.find("by IO priority (be:2 on 30% of reads and writes"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(fmt_ops("read be:2", seen[0][1])), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(fmt_ops("write none", seen[1][0])), std::string::npos) << r.out;
}

// The split over time: every interval of the JSON-lines and CSV time series
// and the Prometheus endpoint's last scrape count the reads and writes by
// priority, and their sums are what the recorder saw carry be:2 or none.
// promtool (Debian's prometheus) checks the exposition text.
TEST(IoPriority, TimeSeriesAndMetricsSplitTheIosByPriority) {
  ScratchDir dir;
  const std::string log = dir.file("log"), jsonl = dir.file("ts.jsonl"), csv = dir.file("ts.csv");
  const std::string json = dir.file("out.json");
  const int port = free_ports(1)[0];
  auto run = std::async(std::launch::async, [&] {
    return run_iopulse({dir.file("t"), "--plugin-dir", kRecorderDir, "--engine", "recorder",
                        "--recorder.log=" + log, "--recorder.marks=on", "--recorder.min-ns=20000",
                        "--recorder.prio-ns=1000000", "--file-size", "16M", "--random", "--write-percent", "50",
                        "--duration", "1200ms", "--stats-interval", "200ms", "--queue-depth", "8", "--io-priority",
                        "be:2", "--io-priority-percent", "40", "--timeseries-output", jsonl, "--csv-output", csv,
                        "--json-output", json, "--prometheus-port", std::to_string(port), "-q"});
  });
  // The last snapshot (iopulse_running 0 again, after 1) is served until a
  // scrape took it.
  httplib::Client client("127.0.0.1", port);
  client.set_connection_timeout(1);
  std::string last;
  bool was_running = false, ended = false;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline && !ended) {
    if (auto res = client.Get("/metrics"); res && res->status == 200) {
      last = res->body;
      const bool running = last.find("\niopulse_running 1\n") != std::string::npos;
      ended = was_running && !running;
      was_running = was_running || running;
    }
    if (run.wait_for(std::chrono::milliseconds(100)) == std::future_status::ready && !client.Get("/metrics")) break;
  }
  const RunOutcome r = run.get();
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_TRUE(ended) << "no final scrape:\n" << last;

  uint64_t seen[2][2] = {};  // [write][prioritized]
  for (const RecordedIo& m : read_recorder_log(log, 0)) {
    if (m.op == 'r' || m.op == 'w') ++seen[m.op == 'w'][m.ioprio != 0];
  }
  ASSERT_GT(seen[0][1], 0u);
  ASSERT_GT(seen[1][0], 0u);

  // JSON lines: an interval's groups add up to its reads and writes.
  uint64_t json_sum[2][2] = {};
  size_t intervals = 0;
  std::istringstream lines_in(read_file(jsonl));
  for (std::string line; std::getline(lines_in, line);) {
    const nlohmann::json j = nlohmann::json::parse(line);
    ++intervals;
    if (j["read"]["ops"] == 0 && j["write"]["ops"] == 0) continue;
    ASSERT_TRUE(j.contains("priority")) << line;
    for (int w = 0; w < 2; ++w) {
      const char* op = w ? "write" : "read";
      const uint64_t with = j["priority"]["prioritized"][op]["ops"], without = j["priority"]["others"][op]["ops"];
      EXPECT_EQ(with + without, j[op]["ops"].get<uint64_t>()) << line;
      json_sum[w][1] += with;
      json_sum[w][0] += without;
      if (with > 0) {
        EXPECT_GE(j["priority"]["prioritized"][op]["latency_ns"]["min"].get<uint64_t>(), 990'000u);
      }
    }
  }
  EXPECT_GE(intervals, 5u);
  // CSV: the same numbers in the prioritized_* and others_* columns.
  uint64_t csv_sum[2][2] = {};
  std::istringstream csv_in(read_file(csv));
  std::string header;
  std::getline(csv_in, header);
  std::vector<std::string> names;
  {
    std::istringstream h(header.substr(0, header.find('\r')));
    for (std::string f; std::getline(h, f, ',');) names.push_back(f);
  }
  auto column = [&names](const std::string& name) {
    const auto at = std::find(names.begin(), names.end(), name);
    EXPECT_NE(at, names.end()) << name;
    return static_cast<size_t>(at - names.begin());
  };
  const size_t cols[2][2] = {{column("others_read_ops"), column("prioritized_read_ops")},
                             {column("others_write_ops"), column("prioritized_write_ops")}};
  for (std::string row; std::getline(csv_in, row);) {
    std::vector<std::string> f;
    std::istringstream rs(row.substr(0, row.find('\r')));
    for (std::string v; std::getline(rs, v, ',');) f.push_back(v);
    for (int w = 0; w < 2; ++w)
      for (int p = 0; p < 2; ++p) csv_sum[w][p] += std::stoull(f.at(cols[w][p]));
  }
  // Prometheus: the final counters by priority.
  auto sample = [&last](const std::string& series) -> uint64_t {
    const size_t at = last.find("\n" + series + " ");
    EXPECT_NE(at, std::string::npos) << series << " not in\n" << last;
    return at == std::string::npos ? 0 : std::stoull(last.substr(at + series.size() + 2));
  };
  for (int w = 0; w < 2; ++w) {
    const std::string op = w ? "write" : "read";
    for (int p = 0; p < 2; ++p) {
      EXPECT_EQ(json_sum[w][p], seen[w][p]) << op << (p ? " be:2" : " none");
      EXPECT_EQ(csv_sum[w][p], seen[w][p]) << op << (p ? " be:2" : " none");
      const std::string labels = "{op=\"" + op + "\",priority=\"" + (p ? "be:2" : "none") + "\"}";
      EXPECT_EQ(sample("iopulse_priority_ops_total" + labels), seen[w][p]) << op;
      EXPECT_EQ(sample("iopulse_priority_latency_seconds_count" + labels), seen[w][p]) << op;
    }
  }
  // The HTML report of the result: a row group per op and priority.
  const RunOutcome html = run_iopulse({"report", json, "-o", dir.file("r.html")});
  ASSERT_EQ(html.exit_code, 0) << html.err;
  const std::string page = read_file(dir.file("r.html"));
  const size_t section = page.find("<h2>Reads and writes by IO priority</h2>");
  ASSERT_NE(section, std::string::npos);
  for (const auto& [group, ops] : {std::pair{"read be:2", seen[0][1]}, std::pair{"write none", seen[1][0]}}) {
    const size_t at = page.find(std::string("<td colspan=\"2\">") + group + "</td>", section);
    ASSERT_NE(at, std::string::npos) << group;
    EXPECT_NE(page.find("<tr><td>ops</td><td>" + std::to_string(ops) + "</td></tr>", at), std::string::npos)
        << group;
  }
  if (access("/usr/bin/promtool", X_OK) == 0) {
    {
      std::ofstream f(dir.file("metrics.txt"));
      f << last;
    }
    const RunOutcome lint =
        run_command({"/bin/sh", "-c", "/usr/bin/promtool check metrics < '" + dir.file("metrics.txt") + "'"});
    EXPECT_EQ(lint.exit_code, 0) << lint.out << lint.err;
  }
}

// Flags reach every IO of their kind: fua and dsync writes only, hipri and
// nowait reads and writes; a job without the options sets none.
TEST(IoPriority, FlagsReachTheIosTheyApplyTo) {
  ScratchDir dir;
  const std::string log = dir.file("log");
  const std::vector<std::string> base = {dir.file("t"), "--plugin-dir", kRecorderDir, "--engine",
                                         "recorder", "--recorder.log=" + log, "--recorder.marks=on",
                                         "--recorder.min-ns=0", "--file-size", "4M", "--random",
                                         "--write-percent", "50", "--total-ops", "1000", "--queue-depth", "4", "-q"};
  std::vector<std::string> args = base;
  args.insert(args.end(), {"--io-flags", "fua,dsync,hipri,nowait", "--io-priority", "idle"});
  RunOutcome r = run_iopulse(args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  uint64_t reads = 0, writes = 0;
  for (const RecordedIo& m : read_recorder_log(log, 0)) {
    EXPECT_EQ(m.ioprio, IOP_IOPRIO_VALUE(IOP_IOPRIO_CLASS_IDLE, 0)) << "100% by default";
    if (m.op == 'r') {
      ++reads;
      EXPECT_EQ(m.flags, IOP_IO_HIPRI | IOP_IO_NOWAIT);
    } else {
      ++writes;
      EXPECT_EQ(m.flags, IOP_IO_FUA | IOP_IO_DSYNC | IOP_IO_HIPRI | IOP_IO_NOWAIT);
    }
  }
  EXPECT_EQ(reads + writes, 1000u);
  EXPECT_GT(reads, 0u);
  EXPECT_GT(writes, 0u);

  r = run_iopulse(base);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const RecordedIo& m : read_recorder_log(log, 0)) {
    ASSERT_EQ(m.ioprio, 0u);
    ASSERT_EQ(m.flags, 0u);
  }
}

// `iopulse iolog` shows each captured IO's priority: the recorder saw the
// same IOs, in the same order, with the same priority (some at be:2, the
// others none), and the text form names it the same way.
TEST(IoPriority, TheIologViewerShowsThePriorityTheEngineGot) {
  ScratchDir dir;
  const std::string log = dir.file("log"), trace = dir.file("run.iolog");
  RunOutcome r = run_iopulse({dir.file("t"), "--plugin-dir", kRecorderDir, "--engine", "recorder",
                              "--recorder.log=" + log, "--recorder.marks=on", "--recorder.min-ns=0", "--file-size",
                              "4M", "--random", "--write-percent", "50", "--total-ops", "400", "--queue-depth", "4",
                              "--io-priority", "be:2", "--io-priority-percent", "40", "--write-iolog", trace, "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::vector<RecordedIo> seen = read_recorder_log(log, 0);
  ASSERT_EQ(seen.size(), 400u);

  size_t i = 0, with_priority = 0;
  for (const std::vector<std::string>& f : iolog_csv_rows(trace)) {
    ASSERT_LT(i, seen.size()) << f[5];
    EXPECT_EQ(std::stoull(f[5]), seen[i].offset) << f[5];
    const bool prio = seen[i].ioprio == IOP_IOPRIO_VALUE(IOP_IOPRIO_CLASS_BE, 2);
    EXPECT_TRUE(prio || seen[i].ioprio == 0) << seen[i].ioprio;
    EXPECT_EQ(f[9], prio ? "be:2" : "") << f[5];
    with_priority += prio;
    ++i;
  }
  EXPECT_EQ(i, seen.size());
  EXPECT_GT(with_priority, 0u);
  EXPECT_LT(with_priority, seen.size());

  // The text form: the column after the latency, "-" for none.
  r = run_iopulse({"iolog", trace});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::istringstream text(r.out);
  std::string line;
  size_t rows = 0, named = 0;
  bool header = false;
  while (std::getline(text, line)) {
    std::istringstream words(line);
    std::vector<std::string> w;
    for (std::string word; words >> word;) w.push_back(word);
    if (!w.empty() && w[0] == "issue_us") {
      header = true;
      EXPECT_EQ(w[7], "ioprio") << line;
      continue;
    }
    if (!header) continue;
    ASSERT_EQ(w.size(), 9u) << line;
    ASSERT_LT(rows, seen.size());
    EXPECT_EQ(w[7], seen[rows].ioprio != 0 ? "be:2" : "-") << line;
    named += w[7] == "be:2";
    ++rows;
  }
  EXPECT_EQ(rows, seen.size());
  EXPECT_EQ(named, with_priority);
}

// strace watches the sync engine: every write goes through pwritev2 with
// RWF_DSYNC and every read without a flag through pread64; a priority all
// IOs share is one ioprio_set on the worker thread before the first IO.
TEST(IoPriority, SyncEnginePassesDsyncToPwritev2AndSetsThePriorityOnce) {
  if (access("/usr/bin/strace", X_OK) != 0) GTEST_SKIP() << "strace is not installed";
  ScratchDir dir;
  const std::string json = dir.file("out.json");
  const std::string trace = dir.file("trace");
  const RunOutcome r = run_command(
      {"/usr/bin/strace", "-E", asan_options_under_strace(), "-f", "-qq", "-e", "trace=pwritev2,pread64,ioprio_set", "-o", trace, IOPULSE_BINARY,
       dir.file("t"), "--engine", "sync", "--file-size", "1M", "--random", "--write-percent", "50", "--total-ops",
       "600", "--io-flags", "dsync", "--io-priority", "be:3", "--json-output", json, "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json j = read_json(json);
  const std::string text = read_file(trace);
  const std::regex dsync_write(R"(pwritev2\(\d+, \[.*\], 1, \d+, RWF_DSYNC\) += 4096)");
  const std::regex plain_read(R"(pread64\(\d+, .*, 4096, \d+\) += 4096)");
  const std::regex set_be3(R"(ioprio_set\(IOPRIO_WHO_PROCESS, 0, IOPRIO_PRIO_VALUE\(IOPRIO_CLASS_BE, 3\)\) = 0)");
  uint64_t writes = 0, reads = 0, sets = 0, other_writes = 0;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (std::regex_search(line, dsync_write)) ++writes;
    else if (line.find("pwritev2(") != std::string::npos) ++other_writes;
    if (std::regex_search(line, plain_read)) ++reads;
    if (std::regex_search(line, set_be3)) ++sets;
  }
  EXPECT_EQ(writes, j["write"]["ops"].get<uint64_t>()) << text.substr(0, 2000);
  EXPECT_EQ(other_writes, 0u);
  EXPECT_EQ(reads, j["read"]["ops"].get<uint64_t>());
  EXPECT_GT(writes, 0u);
  EXPECT_GT(reads, 0u);
  EXPECT_EQ(sets, 1u) << "one ioprio_set for a priority every IO shares";
  EXPECT_EQ(j["io_priority"]["prioritized"]["write"]["ops"], j["write"]["ops"]);
  EXPECT_EQ(j["io_priority"]["others"]["read"]["ops"], 0);
}

// Refused with exit 2 and one line holding `expected`; neither the target
// nor the results exist afterwards.
void expect_refused(std::vector<std::string> extra, const std::string& engine, const std::string& expected) {
  ScratchDir dir;
  const std::string target = dir.file("t");
  const std::string json = dir.file("out.json");
  std::vector<std::string> args = {target, "--engine", engine, "--file-size", "1M", "--total-ops", "16",
                                   "--json-output", json, "-q"};
  args.insert(args.end(), extra.begin(), extra.end());
  expect_refused_untouched(args, {target, json}, expected);
}

// The kernel's own record of the requests a block device was given: the
// tracefs event block:block_rq_issue in a trace instance of the test's own
// (its own buffer; nothing else on the machine is disturbed), with each
// request's priority as the block layer saw it.  ok() is false, with why(),
// where tracefs cannot be used (not root, no tracefs in the kernel).
class BlockIssueTrace {
 public:
  explicit BlockIssueTrace(const std::string& device) {
    struct stat st {};
    if (stat(device.c_str(), &st) != 0 || !S_ISBLK(st.st_mode)) {
      why_ = device + " is not a block device";
      return;
    }
    dev_ = std::to_string(major(st.st_rdev)) + "," + std::to_string(minor(st.st_rdev));
    why_ = mount_tracefs_unless("instances");
    if (!why_.empty()) return;
    instance_ = kTracefsRoot + "/instances/iopulse-test-" + std::to_string(getpid());
    if (mkdir(instance_.c_str(), 0700) != 0) {
      why_ = "no trace instance: " + std::string(std::strerror(errno));
      instance_.clear();
      return;
    }
    if (!write(instance_ + "/events/block/block_rq_issue/enable", "1")) why_ = "block_rq_issue cannot be enabled";
  }
  ~BlockIssueTrace() {
    if (instance_.empty()) return;
    write(instance_ + "/events/block/block_rq_issue/enable", "0");
    rmdir(instance_.c_str());
  }
  bool ok() const { return why_.empty(); }
  const std::string& why() const { return why_; }

  // Bytes per priority class ("idle", "be", "rt", "none") of the requests
  // the threads whose names start with `comm` (IOPulse's by default)
  // issued to the device since the last call.
  std::map<std::string, uint64_t> take_bytes_by_class(const std::string& comm = "iopulse|iou-") {
    std::map<std::string, uint64_t> bytes;
    const std::regex issue(R"(block_rq_issue: (\d+,\d+) \S+ (\d+) \(.*\) \d+ \+ \d+ (\w+),\d+,\d+ \[()" + comm +
                           R"()[^\]]*\])");
    std::istringstream in(read_file(instance_ + "/trace"));
    for (std::string line; std::getline(in, line);) {
      std::smatch m;
      if (std::regex_search(line, m, issue) && m[1] == dev_) bytes[m[3]] += std::stoull(m[2]);
    }
    write(instance_ + "/trace", "");  // clears the instance's buffer
    return bytes;
  }

 private:
  static bool write(const std::string& path, const std::string& text) { return write_trace_control(path, text); }

  std::string dev_;       // "major,minor" as the event prints it
  std::string instance_;  // the trace instance's directory
  std::string why_;
};

// What each engine gives the device, as the block layer records it: the
// prioritized IOs (idle class; 30% of them with the asynchronous engines,
// all of them with sync, which sets the priority on its thread) arrive at
// the loop device as idle-class requests, the others not, byte for byte
// what the results say.
TEST(IoPriority, TheBlockLayerSeesEachEnginesPriorities) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root (loop devices, tracefs)";
  ScratchDir dir;
  LoopDevice loop(dir.file("disk.img"), "64M");
  ASSERT_TRUE(loop.ok()) << loop.why();
  BlockIssueTrace trace(loop.device());
  if (!trace.ok()) GTEST_SKIP() << trace.why();
  for (const std::string engine : {"io_uring", "libaio", "sync"}) {
    SCOPED_TRACE(engine);
    const std::string json = dir.file(engine + ".json");
    trace.take_bytes_by_class();  // whatever came before
    const RunOutcome r = run_iopulse({loop.device(), "--engine", engine, "--direct", "--random", "--queue-depth",
                                      engine == "sync" ? "1" : "8", "--total-ops", "1000", "--io-priority", "idle",
                                      "--io-priority-percent", engine == "sync" ? "100" : "30", "--json-output",
                                      json, "-q"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::map<std::string, uint64_t> seen = trace.take_bytes_by_class();
    const nlohmann::json j = read_json(json);
    const uint64_t read_bytes = j["read"]["bytes"].get<uint64_t>();
    const uint64_t idle_bytes = j["io_priority"]["prioritized"]["read"]["bytes"].get<uint64_t>();
    EXPECT_GT(idle_bytes, 0u);
    if (engine != "sync") {
      EXPECT_LT(idle_bytes, read_bytes);
    }
    EXPECT_EQ(seen["idle"], idle_bytes) << "the idle-class requests are exactly the prioritized reads";
    uint64_t all = 0;
    for (const auto& [cls, bytes] : seen) all += bytes;
    EXPECT_EQ(all, read_bytes) << "every read reached the device once";
  }
}

// fio's job priority beside cmdprio_percentage (its example
// cmdprio-percentage.fio: prioclass=3, 20% of the IOs at cmdprio_class=1):
// the other IOs carry the job's priority (IOPulse's --io-priority-others).
// The block layer sees IOPulse's reads of the job file as real-time and
// idle requests, byte for byte the results' split, and none without a
// class; fio's reads of the same file in the same two classes.
TEST(IoPriority, TheOtherIosCarryTheJobsPriorityAsFiosDo) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root (loop devices, tracefs, the real-time class)";
  ScratchDir dir;
  LoopDevice loop(dir.file("disk.img"), "64M");
  ASSERT_TRUE(loop.ok()) << loop.why();
  BlockIssueTrace trace(loop.device());
  if (!trace.ok()) GTEST_SKIP() << trace.why();
  const std::string job = dir.file("prio.fio");
  std::ofstream(job) << "[global]\nfilename=" << loop.device() << "\ndirect=1\nsize=64m\nnumber_ios=2000\n"
                     << "[randread]\nrw=randread\nbs=4k\nioengine=${ENGINE}\niodepth=8\nprioclass=3\n"
                     << "cmdprio_percentage=20\ncmdprio_class=1\n";
  for (const std::string engine : {"io_uring", "libaio"}) {
    SCOPED_TRACE(engine);
    const std::string json = dir.file(engine + ".json");
    trace.take_bytes_by_class();  // whatever came before
    const RunOutcome r = run_iopulse({job, "--json-output", json, "-q"}, {"ENGINE=" + engine});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::map<std::string, uint64_t> seen = trace.take_bytes_by_class();
    const nlohmann::json j = read_json(json);
    const nlohmann::json& p = j["io_priority"];
    EXPECT_EQ(p["priority"], "rt:0");
    EXPECT_EQ(p["others_priority"], "idle");
    const uint64_t rt = p["prioritized"]["read"]["bytes"].get<uint64_t>();
    const uint64_t idle = p["others"]["read"]["bytes"].get<uint64_t>();
    EXPECT_EQ(rt + idle, j["read"]["bytes"].get<uint64_t>());
    EXPECT_EQ(j["read"]["ops"], 2000);
    EXPECT_NEAR(static_cast<double>(rt) / static_cast<double>(rt + idle), 0.2, 0.05);  // sd 0.9% over 2000 IOs
    EXPECT_EQ(seen["rt"], rt) << "the real-time requests are exactly the prioritized reads";
    EXPECT_EQ(seen["idle"], idle) << "the idle requests are exactly the others";
    EXPECT_EQ(seen.count("none") + seen.count("be"), 0u) << "no read went without a class";
  }
  if (access("/usr/bin/fio", X_OK) != 0) GTEST_SKIP() << "fio is not installed";
  trace.take_bytes_by_class("fio");
  const RunOutcome f = run_command({"/usr/bin/env", "ENGINE=libaio", "/usr/bin/fio", "--output-format=json", job});
  ASSERT_EQ(f.exit_code, 0) << f.err;
  std::map<std::string, uint64_t> fio_seen = trace.take_bytes_by_class("fio");
  std::erase_if(fio_seen, [](const auto& e) { return e.second == 0; });
  ASSERT_EQ(fio_seen.size(), 2u) << "fio's requests: the same two classes";
  EXPECT_EQ(fio_seen.count("rt") + fio_seen.count("idle"), 2u);
  EXPECT_EQ(fio_seen["rt"] + fio_seen["idle"], 2000u * 4096);
}

TEST(IoPriority, BadValuesAreRefusedWithOneLine) {
  const std::string classes = "accepted: CLASS[:LEVEL], CLASS rt, be or idle, LEVEL 0 (highest) to 7";
  expect_refused({"--io-priority", "urgent"}, "sync", "--io-priority: 'urgent' is not accepted; " + classes);
  expect_refused({"--io-priority", "be:8"}, "sync", "--io-priority: 'be:8' is not accepted; " + classes);
  expect_refused({"--io-priority", "idle:3"}, "sync",
                 "--io-priority: 'idle:3' is not accepted: the idle class has no levels; accepted: idle");
  expect_refused({"--io-priority", "be:"}, "sync", "--io-priority: 'be:' is not accepted");
  expect_refused({"--io-flags", "dsync,fast"}, "sync",
                 "--io-flags: 'dsync,fast' is not accepted; accepted: a comma-separated list of fua, dsync "
                 "(writes only), hipri, nowait");
  expect_refused({"--io-priority", "be", "--io-priority-percent", "101"}, "sync", "--io-priority-percent");
  expect_refused({"--io-priority-percent", "50"}, "sync",
                 "--io-priority-percent: the share of IOs that carry --io-priority; give --io-priority too");
  expect_refused({"--io-flags", "dsync"}, "sync",
                 "--io-flags: 'dsync' applies to writes only and the job does not write");
  const std::string others_needs =
      "--io-priority-others: the priority of the IOs that do not carry --io-priority; give --io-priority and an "
      "--io-priority-percent below 100 too";
  expect_refused({"--io-priority-others", "idle"}, "sync", others_needs);
  expect_refused({"--io-priority", "be:1", "--io-priority-others", "idle"}, "sync", others_needs);
  expect_refused({"--io-priority", "be:1", "--io-priority-percent", "50", "--io-priority-others", "be:1"}, "io_uring",
                 "--io-priority-others be:1: the same as --io-priority, so every IO carries it");
  expect_refused({"--io-priority", "be:1", "--io-priority-percent", "50", "--io-priority-others", "low"}, "io_uring",
                 "--io-priority-others: 'low' is not accepted; " + classes);
}

TEST(IoPriority, EnginesWithoutTheCapabilityAreRefusedBeforeAnyFileIsTouched) {
  expect_refused({"--io-priority", "be:1"}, "mmap",
                 "--io-priority: engine mmap does not support IO priorities (it lacks the capability io-priority)");
  expect_refused({"--io-flags", "hipri"}, "sync",
                 "--io-flags: engine sync does not support hipri (polled IO, RWF_HIPRI) (it lacks the capability "
                 "io-hipri)");
  expect_refused({"--io-flags", "fua", "--write-percent", "50"}, "sync", "engine sync does not support fua");
  expect_refused({"--io-priority", "be:1", "--io-priority-percent", "50"}, "sync",
                 "--io-priority-percent 50: engine sync is synchronous and sets an IO's priority on its thread "
                 "(ioprio_set), a system call inside the IO's latency at every change; accepted with this engine: "
                 "100");
}

}  // namespace
}  // namespace iopulse::test
