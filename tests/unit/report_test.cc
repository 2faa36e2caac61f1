// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <system_error>

#include <nlohmann/json.hpp>

#include "report/json_report.h"
#include "report/text_report.h"
#include "report/units.h"
#include "stats/run_result.h"

namespace iopulse {
namespace {

using nlohmann::json;

// A run of 2 s: 1000 reads of 4 KiB with latencies 10 us + i * 10.99 us
// (10 us .. 10.989 ms), no writes, no errors.
RunResult sample_result() {
  RunResult r;
  r.config = {{"engine", "null"}, {"rw", "randread"}, {"bs", 4096}, {"iodepth", 32}};
  r.engine = {"null", "1.0.0", "1.0", "/opt/iopulse/plugins/libiopulse_null.so", {}};
  r.iopulse_version = "0.1.0";
  r.window_ns = 2'000'000'000;
  r.read.ops = 1000;
  r.read.bytes = 1000 * 4096;
  for (uint64_t i = 0; i < 1000; ++i) r.read.latency.record(10'000 + i * 10'990);
  r.resources.user_s = 1.25;
  r.resources.system_s = 0.5;
  r.stop_reason = StopReason::kDuration;
  return r;
}

// ---------------------------------------------------------------- units

TEST(UnitsTest, Iops) {
  EXPECT_EQ(format_iops(0), "0");
  EXPECT_EQ(format_iops(0.5), "0.50");
  EXPECT_EQ(format_iops(12), "12");
  EXPECT_EQ(format_iops(12.345), "12.3");
  EXPECT_EQ(format_iops(999), "999");
  EXPECT_EQ(format_iops(999.4), "999");
  EXPECT_EQ(format_iops(999.6), "1.00k");  // rounds up into the next unit
  EXPECT_EQ(format_iops(1234), "1.23k");
  EXPECT_EQ(format_iops(12'345), "12.3k");
  EXPECT_EQ(format_iops(123'456), "123k");
  EXPECT_EQ(format_iops(999'999), "1.00M");
  EXPECT_EQ(format_iops(85e6), "85.0M");
  EXPECT_EQ(format_iops(1.5e9), "1.50G");
  EXPECT_EQ(format_iops(-1), "-1");
  EXPECT_EQ(format_iops(std::nan("")), "nan");
}

TEST(UnitsTest, Bandwidth) {
  const double mib = 1024.0 * 1024.0;
  EXPECT_EQ(format_bandwidth(0), "0 B/s");
  EXPECT_EQ(format_bandwidth(512), "512 B/s");
  EXPECT_EQ(format_bandwidth(1536), "1.50 KiB/s");
  EXPECT_EQ(format_bandwidth(482 * mib), "482 MiB/s");
  EXPECT_EQ(format_bandwidth(1000 * mib), "1000 MiB/s");  // binary units switch at 1024
  EXPECT_EQ(format_bandwidth(1023.7 * mib), "1.00 GiB/s");
  EXPECT_EQ(format_bandwidth(2.34 * 1024 * mib), "2.34 GiB/s");
  EXPECT_EQ(format_bandwidth(1.1 * 1024 * 1024 * mib), "1.10 TiB/s");
}

TEST(UnitsTest, Bytes) {
  EXPECT_EQ(format_bytes(0), "0 B");
  EXPECT_EQ(format_bytes(1), "1 B");
  EXPECT_EQ(format_bytes(1023), "1023 B");
  EXPECT_EQ(format_bytes(1024), "1.00 KiB");
  EXPECT_EQ(format_bytes(1536), "1.50 KiB");
  EXPECT_EQ(format_bytes(4096), "4.00 KiB");
  EXPECT_EQ(format_bytes(10ull << 30), "10.0 GiB");
  EXPECT_EQ(format_bytes(5'056'786'432), "4.71 GiB");
  EXPECT_EQ(format_bytes(std::numeric_limits<uint64_t>::max()), "16.0 EiB");
}

TEST(UnitsTest, Latency) {
  EXPECT_EQ(format_latency_ns(0), "0 ns");
  EXPECT_EQ(format_latency_ns(7), "7 ns");
  EXPECT_EQ(format_latency_ns(5.5), "5.50 ns");
  EXPECT_EQ(format_latency_ns(9.996), "10.0 ns");
  EXPECT_EQ(format_latency_ns(850), "850 ns");
  EXPECT_EQ(format_latency_ns(999.5), "1.00 us");
  EXPECT_EQ(format_latency_ns(12'345), "12.3 us");
  EXPECT_EQ(format_latency_ns(1.23e6), "1.23 ms");
  EXPECT_EQ(format_latency_ns(4.567e9), "4.57 s");
  EXPECT_EQ(format_latency_ns(3.6e12), "3600 s");  // seconds are the largest unit
}

TEST(UnitsTest, Duration) {
  EXPECT_EQ(format_duration_ns(0), "0 ns");
  EXPECT_EQ(format_duration_ns(250'000'000), "250 ms");
  EXPECT_EQ(format_duration_ns(1'000'000'000), "1.00 s");
  EXPECT_EQ(format_duration_ns(12'345'678'901), "12.34 s");
  EXPECT_EQ(format_duration_ns(59'999'999'999), "59.99 s");  // truncated, not "60.00 s"
  EXPECT_EQ(format_duration_ns(60'000'000'000), "1m 00s");
  EXPECT_EQ(format_duration_ns(123'900'000'000), "2m 03s");
  EXPECT_EQ(format_duration_ns(3'723'000'000'000), "1h 02m 03s");
  EXPECT_EQ(format_duration_ns(90'000'000'000'000), "25h 00m 00s");
}

// ----------------------------------------------------------------- JSON

// Nearest-rank percentile recomputed from a JSON histogram and min/max, as
// docs/json-output.md describes it.
uint64_t percentile_from_json(const json& latency, uint64_t p100) {
  uint64_t count = 0;
  for (const json& bucket : latency["histogram"]) count += bucket[2].get<uint64_t>();
  const uint64_t rank = std::max<uint64_t>(1, (p100 * count + 9999) / 10000);
  const auto min = latency["min"].get<uint64_t>();
  const auto max = latency["max"].get<uint64_t>();
  if (rank == 1) return min;
  if (rank == count) return max;
  uint64_t seen = 0;
  for (const json& bucket : latency["histogram"]) {
    seen += bucket[2].get<uint64_t>();
    if (seen >= rank) {
      const auto lower = bucket[0].get<uint64_t>();
      const auto upper = bucket[1].get<uint64_t>();
      return std::clamp(lower + (upper - 1 - lower) / 2, min, max);
    }
  }
  return max;
}

TEST(JsonReportTest, TopLevelFields) {
  RunResult r = sample_result();
  r.error_messages = {"read /dev/sdx offset 4096: Input/output error"};
  const json j = result_to_json(r);
  EXPECT_EQ(j["schema_version"], 1);
  EXPECT_TRUE(j["schema_version"].is_number_integer());
  EXPECT_EQ(j["iopulse_version"], "0.1.0");
  EXPECT_EQ(j["engine"], (json{{"name", "null"},
                               {"version", "1.0.0"},
                               {"abi", "1.0"},
                               {"path", "/opt/iopulse/plugins/libiopulse_null.so"}}));
  EXPECT_EQ(j["config"], r.config);
  EXPECT_EQ(j["window_ns"], 2'000'000'000u);
  EXPECT_EQ(j["interrupted"], false);
  EXPECT_EQ(j["stop_reason"], "duration");
  EXPECT_EQ(j["errors"], json::array({"read /dev/sdx offset 4096: Input/output error"}));
  EXPECT_EQ(j["cpu"]["user_s"], 1.25);
  EXPECT_EQ(j["cpu"]["system_s"], 0.5);
}

TEST(JsonReportTest, OpNumbersAreExact) {
  const RunResult r = sample_result();
  const json j = result_to_json(r);
  const json& read = j["read"];
  EXPECT_EQ(read["ops"], 1000u);
  EXPECT_EQ(read["bytes"], 4'096'000u);
  EXPECT_EQ(read["iops"].get<double>(), 500.0);  // 1000 ops / 2 s
  EXPECT_EQ(read["bw_bytes_per_sec"].get<double>(), 2'048'000.0);
  EXPECT_EQ(read["errors"], 0u);

  const json& latency = read["latency_ns"];
  const LatencyHistogram& h = r.read.latency;
  EXPECT_EQ(latency["min"], 10'000u);
  EXPECT_EQ(latency["max"], 10'000u + 999 * 10'990);
  EXPECT_EQ(latency["mean"].get<double>(), h.mean());
  EXPECT_EQ(latency["mean"].get<double>(), 10'000 + 999 * 10'990 / 2.0);
  EXPECT_EQ(latency["stddev"].get<double>(), h.stddev());
  EXPECT_EQ(latency["percentiles"],
            (json{{"50", h.percentile(50)},
                  {"90", h.percentile(90)},
                  {"99", h.percentile(99)},
                  {"99.9", h.percentile(99.9)},
                  {"99.99", h.percentile(99.99)}}));

  json buckets = json::array();
  uint64_t total = 0;
  h.for_each_bucket([&](uint64_t lo, uint64_t hi, uint64_t n) {
    buckets.push_back({lo, hi, n});
    total += n;
  });
  EXPECT_EQ(latency["histogram"], buckets);
  EXPECT_EQ(total, 1000u);
}

TEST(JsonReportTest, PercentilesCanBeRecomputedFromTheHistogram) {
  const json j = result_to_json(sample_result());
  const json& latency = j["read"]["latency_ns"];
  const std::pair<const char*, uint64_t> keys[] = {
      {"50", 5000}, {"90", 9000}, {"99", 9900}, {"99.9", 9990}, {"99.99", 9999}};
  for (const auto& [key, p100] : keys) {
    EXPECT_EQ(latency["percentiles"][key].get<uint64_t>(), percentile_from_json(latency, p100))
        << key;
  }
}

TEST(JsonReportTest, EmptyOpKindIsAllZeros) {
  const json j = result_to_json(sample_result());
  const json& write = j["write"];
  EXPECT_EQ(write["ops"], 0u);
  EXPECT_EQ(write["bytes"], 0u);
  EXPECT_EQ(write["iops"].get<double>(), 0.0);
  EXPECT_EQ(write["bw_bytes_per_sec"].get<double>(), 0.0);
  EXPECT_EQ(write["errors"], 0u);
  const json& latency = write["latency_ns"];
  EXPECT_EQ(latency["min"], 0u);
  EXPECT_EQ(latency["max"], 0u);
  EXPECT_EQ(latency["mean"].get<double>(), 0.0);
  EXPECT_EQ(latency["stddev"].get<double>(), 0.0);
  for (const char* key : {"50", "90", "99", "99.9", "99.99"}) {
    EXPECT_EQ(latency["percentiles"][key], 0u);
  }
  EXPECT_EQ(latency["histogram"], json::array());

  RunResult empty;
  const json e = result_to_json(empty);
  EXPECT_EQ(e["total"]["iops"].get<double>(), 0.0);  // window 0: no division by zero
  EXPECT_TRUE(e["errors"].is_array());
}

TEST(JsonReportTest, TotalMergesReadAndWrite) {
  RunResult r = sample_result();
  r.write.ops = 1000;
  r.write.bytes = 1000 * 65536;
  r.write.errors = 3;
  for (int i = 0; i < 1000; ++i) r.write.latency.record(50'000'000);
  const json j = result_to_json(r);
  const json& total = j["total"];
  EXPECT_EQ(total["ops"], 2000u);
  EXPECT_EQ(total["bytes"], 1000u * 4096 + 1000u * 65536);
  EXPECT_EQ(total["errors"], 3u);
  EXPECT_EQ(total["iops"].get<double>(), 1000.0);
  EXPECT_EQ(total["latency_ns"]["min"], 10'000u);
  EXPECT_EQ(total["latency_ns"]["max"], 50'000'000u);
  EXPECT_EQ(total["latency_ns"]["percentiles"]["99"], 50'000'000u);
}

class JsonFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/iopulse-report-test-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string dir_;
};

TEST_F(JsonFileTest, WritesTheDocumentAndNoTemporary) {
  const RunResult r = sample_result();
  const std::string path = dir_ + "/result.json";
  {
    std::ofstream old(path);
    old << "old contents";
  }
  write_json_file(path, r);
  std::ifstream in(path);
  const json parsed = json::parse(in);
  EXPECT_EQ(parsed, result_to_json(r));
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
}

TEST_F(JsonFileTest, InvalidUtf8InErrorTextsDoesNotFail) {
  RunResult r = sample_result();
  r.error_messages = {std::string("bad byte \xff here")};
  const std::string path = dir_ + "/result.json";
  write_json_file(path, r);
  std::ifstream in(path);
  const json parsed = json::parse(in);
  EXPECT_EQ(parsed["errors"].size(), 1u);
}

TEST_F(JsonFileTest, MissingDirectoryIsAClearError) {
  const std::string path = dir_ + "/no/such/dir/result.json";
  try {
    write_json_file(path, sample_result());
    FAIL() << "expected std::system_error";
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), std::errc::no_such_file_or_directory);
    const std::string what = e.what();
    EXPECT_NE(what.find(path), std::string::npos) << what;
    EXPECT_NE(what.find("No such file or directory"), std::string::npos) << what;
  }
}

TEST_F(JsonFileTest, PathUnderAFileIsAClearError) {
  const std::string file = dir_ + "/plain";
  std::ofstream(file) << "x";
  const std::string path = file + "/result.json";
  try {
    write_json_file(path, sample_result());
    FAIL() << "expected std::system_error";
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), std::errc::not_a_directory);
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
  }
}

TEST_F(JsonFileTest, RenameOverADirectoryFailsAndCleansUp) {
  const std::string path = dir_ + "/taken";
  std::filesystem::create_directory(path);
  std::ofstream(path + "/inside") << "x";  // non-empty: rename cannot replace it
  EXPECT_THROW(write_json_file(path, sample_result()), std::system_error);
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
  EXPECT_TRUE(std::filesystem::is_directory(path));
}

// ----------------------------------------------------------------- text

std::string summary(const RunResult& r) {
  std::ostringstream out;
  write_text_summary(out, r);
  return out.str();
}

void expect_contains(const std::string& text, const std::string& needle) {
  EXPECT_NE(text.find(needle), std::string::npos) << "missing: " << needle << "\nin:\n" << text;
}

TEST(TextReportTest, HeaderEngineAndWindow) {
  const std::string text = summary(sample_result());
  expect_contains(text, "IOPulse 0.1.0 results\n");
  expect_contains(text,
                  "  engine       null 1.0.0, ABI 1.0, /opt/iopulse/plugins/libiopulse_null.so\n");
  expect_contains(text, "  window       2.00 s (2000000000 ns), stopped by duration\n");
  EXPECT_EQ(text.find("INTERRUPTED"), std::string::npos);
}

// The settings an engine reports as in effect join the engine line when
// they are short; long ones stay in the JSON only.
TEST(TextReportTest, EngineSettingsOnTheEngineLineWhenShort) {
  RunResult r = sample_result();
  r.engine.settings = {{"setup-flags", "SUBMIT_ALL"}, {"sq-entries", "32"}};
  expect_contains(summary(r),
                  "  engine       null 1.0.0, ABI 1.0, /opt/iopulse/plugins/libiopulse_null.so "
                  "(setup-flags=SUBMIT_ALL, sq-entries=32)\n");
  r.engine.settings = {{"long", std::string(120, 'x')}};
  expect_contains(summary(r),
                  "  engine       null 1.0.0, ABI 1.0, /opt/iopulse/plugins/libiopulse_null.so\n");
  const nlohmann::json j = result_to_json(r);
  EXPECT_EQ(j["engine"]["settings"]["long"], std::string(120, 'x'));
  r.engine.settings.clear();
  EXPECT_FALSE(result_to_json(r)["engine"].contains("settings"));
}

TEST(TextReportTest, ReadAndTotalSectionsWithFormattedValues) {
  const RunResult r = sample_result();
  const std::string text = summary(r);
  expect_contains(text, "\nread\n");
  expect_contains(text, "\ntotal\n");
  EXPECT_EQ(text.find("\nwrite\n"), std::string::npos) << "idle write section shown:\n" << text;
  expect_contains(text, "  IOPS         500  (1000 ops)\n");
  expect_contains(text, "  bandwidth    1.95 MiB/s  (3.91 MiB, 4096000 bytes)\n");
  expect_contains(text, "  errors       0\n");
  // min 10 us, mean 10000 + 999 * 10990 / 2 = 5499505 ns, max 10989010 ns,
  // stddev 10990 * sqrt((1000^2 - 1) / 12) = 3172489 ns.
  const LatencyHistogram& h = r.read.latency;
  expect_contains(text, "  latency      min 10.0 us, mean 5.50 ms, max 11.0 ms, stddev 3.17 ms\n");
  expect_contains(text, "  percentiles  p50 " + format_latency_ns(h.percentile(50)) + ", p90 " +
                            format_latency_ns(h.percentile(90)) + ", p99 " +
                            format_latency_ns(h.percentile(99)) + ", p99.9 " +
                            format_latency_ns(h.percentile(99.9)) + ", p99.99 " +
                            format_latency_ns(h.percentile(99.99)) + "\n");
  expect_contains(text, ", p99.99 11.0 ms\n");  // rank 1000 of 1000 is the exact max
  expect_contains(text, "  cpu          user 1.25 s, system 0.50 s (87.5% of one core)\n");
}

// A window of a few microseconds (a metadata phase of six directories) is
// far below the CPU time's resolution: no share of a core is computed from
// it.
TEST(TextReportTest, AWindowUnder100MsGetsNoShareOfACore) {
  RunResult r = sample_result();
  r.window_ns = 70'000;
  r.resources.user_s = 0.001;
  r.resources.system_s = 0.002;
  const std::string text = summary(r);
  expect_contains(text, "  cpu          user 0.00 s, system 0.00 s (the window is under 100 ms: too short for a share "
                        "of a core)\n");
  EXPECT_EQ(text.find("% of one core"), std::string::npos) << text;
}

// The JSON holds the same rule: the CPU times, and no share (null) for a
// window under 100 ms; over a longer one the share is the times over it.
TEST(JsonReportTest, AWindowUnder100MsGetsNoShareOfACore) {
  RunResult r = sample_result();
  r.window_ns = 70'000;
  r.resources.user_s = 0.001;
  r.resources.system_s = 0.002;
  const json j = result_to_json(r);
  EXPECT_DOUBLE_EQ(j["resources"]["cpu_user_s"].get<double>(), 0.001);
  EXPECT_TRUE(j["resources"]["cpu_util_percent"].is_null()) << j["resources"];
  EXPECT_TRUE(j["resources"]["cpu_util_share_of_cores_used"].is_null()) << j["resources"];
  r.window_ns = 2'000'000'000;
  const json longer = result_to_json(r);
  EXPECT_NEAR(longer["resources"]["cpu_util_percent"].get<double>(), 0.15, 1e-9);
}

TEST(TextReportTest, WriteWithOnlyErrorsIsShown) {
  RunResult r = sample_result();
  r.write.errors = 2;
  r.error_messages = {"write /data/f0 offset 0: No space left on device",
                      "write /data/f1 offset 8192: No space left on device"};
  const std::string text = summary(r);
  const size_t write = text.find("\nwrite\n");
  ASSERT_NE(write, std::string::npos) << text;
  expect_contains(text.substr(write), "  errors       2\n");
  expect_contains(text.substr(write), "  latency      none (no completed IOs)\n");
  expect_contains(text, "IO errors: 2 (first 2 shown)\n");
  expect_contains(text, "  - write /data/f0 offset 0: No space left on device\n");
  expect_contains(text, "  - write /data/f1 offset 8192: No space left on device\n");
}

TEST(TextReportTest, InterruptedIsMarked) {
  RunResult r = sample_result();
  r.interrupted = true;
  r.stop_reason = StopReason::kInterrupted;
  const std::string text = summary(r);
  expect_contains(text, "INTERRUPTED");
  expect_contains(text, "stopped by interrupted");
  EXPECT_LT(text.find("INTERRUPTED"), text.find("\nread\n"));  // before the numbers
}

TEST(TextReportTest, EmptyRunStillShowsTotal) {
  RunResult r;
  const std::string text = summary(r);
  EXPECT_EQ(text.find("\nread\n"), std::string::npos);
  EXPECT_EQ(text.find("\nwrite\n"), std::string::npos);
  expect_contains(text, "\ntotal\n");
  expect_contains(text, "  IOPS         0  (0 ops)\n");
  expect_contains(text, "  latency      none (no completed IOs)\n");
  expect_contains(text, "  cpu          user 0.00 s, system 0.00 s\n");
}

}  // namespace
}  // namespace iopulse
