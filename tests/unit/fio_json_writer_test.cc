// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "report/fio_json_writer.h"

#include <gtest/gtest.h>

#include "stats/latency_histogram.h"

namespace iopulse {
namespace {

// fio's bins as fio computes them (stat.c), written out independently.
TEST(FioJsonWriterTest, BinsAreFiosOwn) {
  EXPECT_EQ(fio_bin_index(0), 0u);
  EXPECT_EQ(fio_bin_index(127), 127u);
  EXPECT_EQ(fio_bin_index(128), 128u);       // msb 7: error bits 1, base 128
  EXPECT_EQ(fio_bin_index(129), 128u);
  EXPECT_EQ(fio_bin_index(130), 129u);
  EXPECT_EQ(fio_bin_value(128), 129u);       // 128 + 0.5 * 2
  EXPECT_EQ(fio_bin_index(1000), 4 * 64u + (1000 >> 3) % 64);  // msb 9: error bits 3, base 256
  EXPECT_EQ(fio_bin_index(uint64_t{1} << 50), 29 * 64u - 1);  // clamped to fio's last bin
}

// Every IOPulse bucket lies inside one fio bin, so re-binning loses nothing.
TEST(FioJsonWriterTest, EveryHistogramBucketIsOneFioBin) {
  for (size_t i = 0; i < LatencyHistogram::bucket_count(); ++i) {
    const uint64_t lo = LatencyHistogram::bucket_lower(i), hi = LatencyHistogram::bucket_upper(i) - 1;
    if (lo >= (uint64_t{1} << 34)) break;  // beyond fio's range (17 s), where fio clamps
    ASSERT_EQ(fio_bin_index(lo), fio_bin_index(hi)) << "bucket " << i << " [" << lo << ", " << hi << "]";
    ASSERT_GE(fio_bin_value(fio_bin_index(lo)), lo);
    ASSERT_LE(fio_bin_value(fio_bin_index(lo)), hi + 1);
  }
}

// With a priority on a share of IOs, fio writes "prios": the IOs without a
// priority (class 0) first, then the prioritized ones; a direction with only
// one priority that has samples gets none.
TEST(FioJsonWriterTest, PrioritySplitBecomesFiosPrios) {
  RunResult run;
  run.window_ns = 1'000'000'000;
  run.io_priority = IOP_IOPRIO_VALUE(IOP_IOPRIO_CLASS_RT, 3);
  run.io_priority_percent = 25;
  for (int i = 0; i < 30; ++i) run.priority.record(IOP_OP_READ, true, 4096, 5000);
  for (int i = 0; i < 90; ++i) run.priority.record(IOP_OP_READ, false, 4096, 9000);
  for (int i = 0; i < 7; ++i) run.priority.record(IOP_OP_WRITE, true, 4096, 5000);
  run.read.ops = 120;
  run.write.ops = 7;
  const nlohmann::json j = fio_json_document(run, FioJsonFlavour::kJsonPlus, false);
  const nlohmann::json& prios = j["jobs"][0]["read"]["prios"];
  ASSERT_EQ(prios.size(), 2u);
  EXPECT_EQ(prios[0]["prioclass"], 0);
  EXPECT_EQ(prios[0]["prio"], 0);
  EXPECT_EQ(prios[0]["clat_ns"]["N"], 90);
  EXPECT_EQ(prios[1]["prioclass"], IOP_IOPRIO_CLASS_RT);
  EXPECT_EQ(prios[1]["prio"], 3);
  EXPECT_EQ(prios[1]["clat_ns"]["N"], 30);
  EXPECT_TRUE(prios[1]["clat_ns"].contains("bins"));
  EXPECT_FALSE(j["jobs"][0]["write"].contains("prios"));
  run.io_priority = 0;
  EXPECT_FALSE(fio_json_document(run, FioJsonFlavour::kJson, false)["jobs"][0]["read"].contains("prios"));
}

TEST(FioJsonWriterTest, PhasesAndGroupsBecomeJobs) {
  RunResult run;
  run.iopulse_version = "9.9.9";
  RunResult a;
  a.phase = "fill";
  a.window_ns = 2'000'000'000;
  a.write.ops = 100;
  a.write.bytes = 409600;
  for (int i = 0; i < 100; ++i) a.write.latency.record(1000 + i);
  RunResult b;
  b.phase = "phase-2";
  b.window_ns = 1'000'000'000;
  b.groups.push_back({"r1", {}, {}, {}});
  b.groups.push_back({"r2", {}, {}, {}});
  b.groups[0].read.ops = 10;
  b.groups[1].read.ops = 30;
  b.read.ops = 40;
  run.phases = {a, b};
  const nlohmann::json j = fio_json_document(run, FioJsonFlavour::kJsonPlus, false);
  EXPECT_EQ(j["fio version"], "iopulse-9.9.9");
  ASSERT_EQ(j["jobs"].size(), 3u);
  EXPECT_EQ(j["jobs"][0]["jobname"], "fill");
  EXPECT_EQ(j["jobs"][0]["write"]["total_ios"], 100);
  EXPECT_EQ(j["jobs"][0]["write"]["iops"], 50.0);
  EXPECT_EQ(j["jobs"][0]["write"]["bw"], 200);  // KiB/s
  uint64_t binned = 0;
  for (const auto& [value, count] : j["jobs"][0]["write"]["clat_ns"]["bins"].items()) binned += count.get<uint64_t>();
  EXPECT_EQ(binned, 100u);
  EXPECT_EQ(j["jobs"][1]["jobname"], "r1");
  EXPECT_EQ(j["jobs"][1]["groupid"], 1);
  EXPECT_EQ(j["jobs"][2]["read"]["total_ios"], 30);
  const nlohmann::json grouped = fio_json_document(run, FioJsonFlavour::kJson, true);
  ASSERT_EQ(grouped["jobs"].size(), 2u);
  EXPECT_EQ(grouped["jobs"][1]["read"]["total_ios"], 40);
  EXPECT_FALSE(grouped["jobs"][0]["write"]["clat_ns"].contains("bins"));
}

}  // namespace
}  // namespace iopulse
