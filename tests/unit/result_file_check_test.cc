// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// result_file_defect: the result files IOPulse writes pass; documents with
// members of the wrong shape are named by their JSON pointer.
#include "cli/result_file_check.h"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

namespace iopulse {
namespace {

using nlohmann::json;

json minimal() {
  const json op = {{"ops", 2}, {"bytes", 8192}, {"errors", 0}, {"iops", 1.0}, {"bw_bytes_per_sec", 4096.0},
                   {"latency_ns", {{"min", 1}, {"mean", 1.5}, {"max", 2}, {"histogram", {{1, 2, 1}, {2, 3, 1}}}}}};
  return {{"schema_version", 1}, {"window_ns", 1000}, {"read", op}, {"write", op}, {"total", op},
          {"timeseries", json::array({{{"index", 0}, {"start_ns", 0}, {"end_ns", 1000}, {"read", op}}})}};
}

TEST(ResultFileCheck, WellFormedDocumentsPass) {
  EXPECT_EQ(result_file_defect(minimal()), "");
  const std::filesystem::path fixtures = std::filesystem::path(IOPULSE_SOURCE_DIR) / "tests" / "fixtures" / "results";
  if (!std::filesystem::exists(fixtures)) GTEST_SKIP() << "no fixtures at " << fixtures;
  for (const auto& e : std::filesystem::directory_iterator(fixtures)) {
    std::ifstream in(e.path());
    EXPECT_EQ(result_file_defect(json::parse(in)), "") << e.path();
  }
}

TEST(ResultFileCheck, DefectsAreNamedByTheirPointer) {
  const auto defect_after = [](auto change) {
    json doc = minimal();
    change(doc);
    return result_file_defect(doc);
  };
  EXPECT_EQ(defect_after([](json& d) { d.erase("window_ns"); }), "/window_ns: is missing");
  EXPECT_EQ(defect_after([](json& d) { d["read"]["ops"] = "two"; }),
            "/read/ops: is a string; accepted: an unsigned integer");
  EXPECT_EQ(defect_after([](json& d) { d["write"]["bytes"] = -1; }),
            "/write/bytes: is a negative integer; accepted: an unsigned integer");
  EXPECT_EQ(defect_after([](json& d) { d["total"] = json::array(); }), "/total: is an array; accepted: an object");
  EXPECT_EQ(defect_after([](json& d) { d["read"]["latency_ns"]["histogram"][0] = {1, 2}; }),
            "/read/latency_ns/histogram/0: is an array; accepted: a [lower_ns, upper_ns, count] triple");
  EXPECT_EQ(defect_after([](json& d) { d["read"]["latency_ns"]["histogram"][1][2] = 5; }),
            "/read/latency_ns/histogram: its counts add up to 6, but ops is 2");
  EXPECT_EQ(defect_after([](json& d) { d["timeseries"][0]["read"]["latency_ns"] = "fast"; }),
            "/timeseries/0/read/latency_ns: is a string; accepted: an object");
  EXPECT_EQ(defect_after([](json& d) { d["phases"] = json::array({json::object()}); }), "/phases/0/window_ns: is missing");
  EXPECT_EQ(defect_after([](json& d) { d["interrupted"] = "no"; }), "/interrupted: is a string; accepted: true or false");
}

}  // namespace
}  // namespace iopulse
