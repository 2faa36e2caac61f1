// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// IO errors during a run: reported with the errno text; the first one stops
// the run with exit code 1 unless --continue-on-error.
#include <string>

#include <gtest/gtest.h>

#include "json_support.h"
#include "run_support.h"

namespace iopulse::test {
namespace {

const std::string kErrorsDir = std::string(IOPULSE_FIXTURE_PLUGIN_DIR) + "/io_errors";

TEST(IoErrors, FirstErrorStopsTheRunWithExitCode1AndTheErrnoText) {
  ScratchDir dir;
  const std::string json = dir.file("out.json");
  const RunOutcome r = run_iopulse({dir.file("x"), "--plugin-dir", kErrorsDir, "--engine", "io_errors",
                                    "--io_errors.fail-every=100", "--file-size", "1M", "--duration",
                                    "10s", "--json-output", json, "-q"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("Input/output error"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("read of 4096 bytes at offset"), std::string::npos) << r.err;
  const auto j = read_json(json);
  EXPECT_EQ(j["stop_reason"], "error");
  EXPECT_GE(j["read"]["errors"].get<uint64_t>(), 1u);
  EXPECT_EQ(j["read"]["ops"].get<uint64_t>(), 99u) << "the 100th IO failed and nothing more was issued";
  EXPECT_LT(j["window_ns"].get<double>(), 5e9);
  EXPECT_NE(j["errors"][0].get<std::string>().find("Input/output error"), std::string::npos);
}

TEST(IoErrors, ContinueOnErrorCountsEveryErrorAndRunsToTheEnd) {
  ScratchDir dir;
  const std::string json = dir.file("out.json");
  const RunOutcome r = run_iopulse({dir.file("x"), "--plugin-dir", kErrorsDir, "--engine", "io_errors",
                                    "--io_errors.fail-every=4", "--file-size", "1M", "--total-bytes",
                                    "4000k", "--block-size", "4k", "--continue-on-error",
                                    "--json-output", json, "-q"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const auto j = read_json(json);
  // 1000 IOs, every 4th failed.
  EXPECT_EQ(j["read"]["errors"].get<uint64_t>(), 250u);
  EXPECT_EQ(j["read"]["ops"].get<uint64_t>(), 750u);
  EXPECT_EQ(j["read"]["bytes"].get<uint64_t>(), 750u * 4096);
  EXPECT_NE(r.out.find("250"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace iopulse::test
