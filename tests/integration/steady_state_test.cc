// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// --steady-state end to end: a device with a fixed service time (the null
// engine's delay) is steady, so the run stops long before its duration, at
// an interval whose window the job's own time series shows to be within the
// limit; a criterion no real device meets runs to the duration; bad input is
// refused before anything is touched; fio's ss options map to it.
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "json_support.h"
#include "run_support.h"

namespace iopulse::test {
namespace {

using ::testing::HasSubstr;

TEST(SteadyState, ASteadyDeviceStopsTheRunEarly) {
  ScratchDir dir;
  const RunOutcome r = run_iopulse({dir.file("t"), "--engine", "null", "--file-size", "64M", "--null.delay-us", "200",
                                    "--queue-depth", "4", "--duration", "60s", "--stats-interval", "100ms",
                                    "--steady-state", "iops:20%", "--steady-state-duration", "500ms",
                                    "--json-output", dir.file("r.json"), "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json j = read_json(dir.file("r.json"));
  EXPECT_EQ(j["stop_reason"], "steady-state");
  EXPECT_LT(j["window_ns"].get<uint64_t>(), 30'000'000'000u);
  const nlohmann::json& ss = j["steady_state"];
  EXPECT_EQ(ss["attained"], true);
  EXPECT_EQ(ss["samples"], 5);
  // The window of the job's own time series that ended at attainment.
  const uint64_t at = ss["attained_at_ns"].get<uint64_t>();
  std::vector<double> window;
  for (const auto& iv : j["timeseries"]) {
    if (iv["end_ns"].get<uint64_t>() <= at && iv["end_ns"].get<uint64_t>() + 500'000'000 > at) {
      window.push_back(iv["total"]["ops"].get<double>() / 0.1);
    }
  }
  ASSERT_EQ(window.size(), 5u);
  double mean = 0;
  for (double v : window) mean += v / 5;
  for (double v : window) EXPECT_LE(std::abs(v - mean), 0.2 * mean + 1e-6);
  EXPECT_NEAR(ss["mean"].get<double>(), mean, mean * 1e-9 + 1e-6);
}

TEST(SteadyState, AnUnmetCriterionRunsToTheDuration) {
  ScratchDir dir;
  const RunOutcome r = run_iopulse({dir.file("t"), "--engine", "null", "--file-size", "64M", "--duration", "1s",
                                    "--stats-interval", "100ms", "--steady-state", "iops_slope:0",
                                    "--steady-state-duration", "300ms", "--steady-state-ramp", "200ms",
                                    "--json-output", dir.file("r.json"), "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json j = read_json(dir.file("r.json"));
  EXPECT_EQ(j["stop_reason"], "duration");
  EXPECT_EQ(j["steady_state"]["attained"], false);
  EXPECT_TRUE(j["steady_state"]["attained_at_ns"].is_null());
  EXPECT_EQ(j["steady_state"]["ramp_ns"], 200'000'000);
}

TEST(SteadyState, BadInputIsRefusedBeforeAnythingIsTouched) {
  ScratchDir dir;
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"--steady-state", "lat:5%"}, "--steady-state: 'lat:5%' is not accepted; accepted: METRIC:LIMIT"},
      {{"--steady-state", "iops:5%"}, "give --steady-state-duration"},
      {{"--steady-state", "iops:5%", "--steady-state-duration", "1s"}, "at least two stats intervals"},
      {{"--steady-state-ramp", "1s"}, "--steady-state-ramp: shapes --steady-state; give it too"},
  };
  for (const auto& [args, expect] : cases) {
    std::vector<std::string> argv{dir.file("t"), "--file-size", "1M", "--duration", "2s"};
    argv.insert(argv.end(), args.begin(), args.end());
    const RunOutcome r = run_iopulse(argv);
    EXPECT_EQ(r.exit_code, 2) << expect;
    EXPECT_THAT(r.err, HasSubstr(expect));
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_FALSE(std::filesystem::exists(dir.file("t")));
  }
}

TEST(SteadyState, FiosSsOptionsMapToIt) {
  ScratchDir dir;
  std::ofstream(dir.file("j.fio")) << "[j]\nioengine=null\nfilename=" << dir.file("t") << "\nsize=16m\n"
                                   << "time_based\nruntime=30\nss=iops:50%\nss_dur=3\nss_ramp=1\n";
  const RunOutcome c = run_iopulse({"convert", dir.file("j.fio")});
  ASSERT_EQ(c.exit_code, 0) << c.err;
  EXPECT_THAT(c.out, HasSubstr("steady-state = 'iops:50%'"));
  EXPECT_THAT(c.out, HasSubstr("steady-state-duration = '3s'"));
  EXPECT_THAT(c.out, HasSubstr("steady-state-ramp = '1s'"));
}

// --output-format fio-json carries fio's "steadystate" object: fio on the
// same job file writes one with the same keys, criterion and window.
TEST(SteadyState, FioJsonHasFiosSteadystateObject) {
  if (access("/usr/bin/fio", X_OK) != 0) GTEST_SKIP() << "fio is not installed (scripts/test.sh installs it)";
  ScratchDir dir;
  std::ofstream(dir.file("j.fio")) << "[j]\nioengine=null\nfilename=" << dir.file("t") << "\nsize=16m\n"
                                   << "time_based\nruntime=20\nss=iops:50%\nss_dur=3\n";
  const RunOutcome ours = run_iopulse({dir.file("j.fio"), "--output-format", "fio-json"});
  ASSERT_EQ(ours.exit_code, 0) << ours.err;
  const RunOutcome theirs = run_command({"/usr/bin/fio", "--output-format=json", dir.file("j.fio")});
  ASSERT_EQ(theirs.exit_code, 0) << theirs.err;
  const nlohmann::json a = nlohmann::json::parse(ours.out)["jobs"][0]["steadystate"];
  const nlohmann::json b = nlohmann::json::parse(theirs.out.substr(theirs.out.find('{')))["jobs"][0]["steadystate"];
  ASSERT_TRUE(a.is_object()) << ours.out;
  ASSERT_TRUE(b.is_object()) << theirs.out;
  for (const auto& [key, value] : b.items()) {
    ASSERT_TRUE(a.contains(key)) << "fio's steadystate has '" << key << "', ours does not";
    EXPECT_EQ(a[key].type_name(), value.type_name()) << key;
  }
  for (const auto& [key, value] : b["data"].items()) EXPECT_TRUE(a["data"].contains(key)) << "data." << key;
  EXPECT_EQ(a["ss"], b["ss"]);
  EXPECT_EQ(a["duration"], b["duration"]);
  EXPECT_EQ(a["attained"], b["attained"]);  // a null engine is steady at once for both
  EXPECT_EQ(a["data"]["iops"].size(), b["data"]["iops"].size());  // 3 s of 1 s samples
  EXPECT_EQ(a["data"]["bw"].size(), b["data"]["bw"].size());
}

}  // namespace
}  // namespace iopulse::test
