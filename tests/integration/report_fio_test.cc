// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// `iopulse report` with fio's JSON output beside IOPulse's: fio (Debian's
// package) runs a job, the importer's numbers are checked against fio's own
// (IO counts, and percentiles from the json+ bins against the percentiles
// fio computed), and the page names both tools.
#include <filesystem>
#include <fstream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "filesystem_support.h"
#include "json_support.h"
#include "report/fio_result_import.h"
#include "run_support.h"

namespace iopulse::test {
namespace {

using ::testing::HasSubstr;

constexpr const char* kJob = "[j]\nfilename=${DIR}/f\nsize=4m\nbs=4k\nrw=randrw\nioengine=psync\nnumber_ios=4000\n";

TEST(ReportWithFio, FiosResultsStandBesideIopulses) {
  ScratchDir dir;
  std::ofstream(dir.file("j.fio")) << kJob;
  const RunOutcome f = run_command({"/usr/bin/fio", "--output-format=json+", "--output=" + dir.file("fio.json"),
                                    dir.file("j.fio")},
                                   {"DIR=" + dir.path()});
  ASSERT_EQ(f.exit_code, 0) << f.err;
  const RunOutcome r = run_iopulse({dir.file("j.fio"), "--json-output", dir.file("ours.json"), "--quiet"},
                                   {"DIR=" + dir.path()});
  ASSERT_EQ(r.exit_code, 0) << r.err;

  const nlohmann::json fio = read_json(dir.file("fio.json"));
  ASSERT_TRUE(is_fio_result(fio));
  const nlohmann::json imported = import_fio_result(fio);
  const nlohmann::json& job = fio["jobs"][0];
  EXPECT_EQ(imported["read"]["ops"], job["read"]["total_ios"]);
  EXPECT_EQ(imported["write"]["bytes"], job["write"]["io_bytes"]);
  EXPECT_EQ(imported["total"]["ops"].get<uint64_t>(),
            job["read"]["total_ios"].get<uint64_t>() + job["write"]["total_ios"].get<uint64_t>());
  EXPECT_EQ(imported["tool"], fio["fio version"]);
  for (const char* dirn : {"read", "write"}) {
    const nlohmann::json& theirs = job[dirn]["clat_ns"];
    const nlohmann::json& ours = imported[dirn]["latency_ns"];
    EXPECT_EQ(ours["min"], theirs["min"]);
    EXPECT_EQ(ours["max"], theirs["max"]);
    uint64_t in_histogram = 0;
    for (const auto& bucket : ours["histogram"]) in_histogram += bucket[2].get<uint64_t>();
    EXPECT_EQ(in_histogram, theirs["N"].get<uint64_t>()) << dirn;
    // The same bins give the same percentiles as fio's own (its bin value
    // and IOPulse's bucket midpoint agree within the bucket's width).
    for (const auto& [fio_key, ours_key] : {std::pair{"50.000000", "50"}, std::pair{"99.000000", "99"}}) {
      const double want = theirs["percentile"][fio_key].get<double>();
      EXPECT_NEAR(ours["percentiles"][ours_key].get<double>(), want, want * 0.016 + 1) << dirn << " p" << ours_key;
    }
  }

  const RunOutcome page = run_iopulse({"report", dir.file("fio.json"), dir.file("ours.json"), "--label", "fio",
                                       "--label", "iopulse", "-o", dir.file("r.html")});
  ASSERT_EQ(page.exit_code, 0) << page.err;
  const std::string html = read_file(dir.file("r.html"));
  EXPECT_THAT(html, HasSubstr(fio["fio version"].get<std::string>()));
  EXPECT_THAT(html, HasSubstr("IOPulse 0"));
}

// fio's trims (on a loop device: fio trims only block devices) come in as
// IOPulse's trim kind, apart from the reads and writes of the total.
TEST(ReportWithFio, FiosTrimsAreTheTrimKind) {
  ScratchDir dir;
  LoopDevice loop(dir.file("image"), "8M");
  if (!loop.ok()) GTEST_SKIP() << loop.why();
  std::ofstream(dir.file("t.fio")) << "[t]\nfilename=${DEV}\nrw=randtrim\nbs=64k\nsize=4m\n";
  const RunOutcome f = run_command({"/usr/bin/fio", "--output-format=json+", "--output=" + dir.file("fio.json"),
                                    dir.file("t.fio")},
                                   {"DEV=" + loop.device()});
  ASSERT_EQ(f.exit_code, 0) << f.err;
  const nlohmann::json fio = read_json(dir.file("fio.json"));
  const nlohmann::json& theirs = fio["jobs"][0]["trim"];
  ASSERT_EQ(theirs["total_ios"].get<uint64_t>(), 64u);  // 4 MiB in 64 KiB trims
  const nlohmann::json imported = import_fio_result(fio);
  ASSERT_TRUE(imported.contains("trim"));
  EXPECT_EQ(imported["trim"]["ops"], theirs["total_ios"]);
  EXPECT_EQ(imported["trim"]["bytes"], theirs["io_bytes"]);
  EXPECT_EQ(imported["trim"]["latency_ns"]["min"], theirs["clat_ns"]["min"]);
  EXPECT_EQ(imported["trim"]["latency_ns"]["max"], theirs["clat_ns"]["max"]);
  EXPECT_EQ(imported["total"]["ops"].get<uint64_t>(), 0u) << "trims are not data moved";
  EXPECT_EQ(imported["total"]["bytes"].get<uint64_t>(), 0u);

  const RunOutcome page = run_iopulse({"report", dir.file("fio.json"), "-o", dir.file("r.html")});
  ASSERT_EQ(page.exit_code, 0) << page.err;
  EXPECT_THAT(read_file(dir.file("r.html")), HasSubstr("trims move no data"));
}

// fio's group_reporting adds its clones' job_runtime (3 clones of 500 ms:
// about 1500) and keeps each direction's longest: the imported window is
// the time the job ran, so its IOPS are fio's own.
TEST(ReportWithFio, AGroupReportingJobsWindowIsItsLongestClones) {
  ScratchDir dir;
  std::ofstream(dir.file("g.fio")) << "[g]\nfilename=${DIR}/f\nsize=4m\nrw=randread\nioengine=psync\nnumjobs=3\n"
                                      "time_based\nruntime=500ms\nrate_iops=100\ngroup_reporting\n";
  const RunOutcome f = run_command({"/usr/bin/fio", "--output-format=json", "--output=" + dir.file("fio.json"),
                                    dir.file("g.fio")},
                                   {"DIR=" + dir.path()});
  ASSERT_EQ(f.exit_code, 0) << f.err;
  const nlohmann::json fio = read_json(dir.file("fio.json"));
  ASSERT_EQ(fio["jobs"].size(), 1u);
  const nlohmann::json& job = fio["jobs"][0];
  ASSERT_GT(job["job_runtime"].get<double>(), 1400);
  const nlohmann::json imported = import_fio_result(fio);
  EXPECT_EQ(imported["window_ns"].get<uint64_t>(), job["read"]["runtime"].get<uint64_t>() * 1'000'000);
  EXPECT_NEAR(imported["read"]["iops"].get<double>(), job["read"]["iops"].get<double>(),
              job["read"]["iops"].get<double>() * 0.02);
}

// A job that verifies reads its blocks back after writing them: fio gives
// the writes and the verify reads a runtime each, and the job's time is
// both (its job_runtime), so the imported window is the sum.
TEST(ReportWithFio, AVerifyingJobsWindowHoldsItsWritesAndItsReads) {
  ScratchDir dir;
  std::ofstream(dir.file("v.fio")) << "[v]\nfilename=${DIR}/f\nsize=2m\nrw=write\nioengine=psync\nrate_iops=400\n"
                                      "verify=crc32c\n";
  const RunOutcome f = run_command({"/usr/bin/fio", "--output-format=json", "--verify_state_save=0",
                                    "--output=" + dir.file("fio.json"), dir.file("v.fio")},
                                   {"DIR=" + dir.path()});
  ASSERT_EQ(f.exit_code, 0) << f.err;
  const nlohmann::json fio = read_json(dir.file("fio.json"));
  const nlohmann::json& job = fio["jobs"][0];
  ASSERT_EQ(job["read"]["total_ios"].get<uint64_t>(), 512u);  // every block read back
  ASSERT_GT(job["write"]["runtime"].get<uint64_t>(), 1000u);  // 512 writes at 400 a second
  const nlohmann::json imported = import_fio_result(fio);
  EXPECT_EQ(imported["window_ns"].get<uint64_t>(),
            (job["read"]["runtime"].get<uint64_t>() + job["write"]["runtime"].get<uint64_t>()) * 1'000'000);
  EXPECT_NEAR(static_cast<double>(imported["window_ns"].get<uint64_t>()) / 1e6, job["job_runtime"].get<double>(),
              20);
}

TEST(ReportWithFio, FiosOutputWithoutJobsIsRefused) {
  ScratchDir dir;
  std::ofstream(dir.file("empty.json")) << R"({"fio version": "fio-3.33", "jobs": []})";
  const RunOutcome r = run_iopulse({"report", dir.file("empty.json"), "-o", dir.file("r.html")});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("fio's JSON output but cannot be read: fio's results have no job"));
  EXPECT_FALSE(std::filesystem::exists(dir.file("r.html")));
}

}  // namespace
}  // namespace iopulse::test
