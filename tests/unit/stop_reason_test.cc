// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// StopReason: every reason has one name that reads back to it, the
// documentation of the results names each of them, and the job-wide reason
// of several ranks is the most severe one.
#include "stats/stop_reason.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

namespace iopulse {
namespace {

constexpr StopReason kAll[] = {
    StopReason::kComplete,    StopReason::kDuration,    StopReason::kTotalOps,
    StopReason::kTotalBytes,  StopReason::kSteadyState, StopReason::kStopped,
    StopReason::kInterrupted, StopReason::kPreparationError, StopReason::kError,
    StopReason::kIncomplete,
};

TEST(StopReason, EveryNameReadsBackToItsReason) {
  for (StopReason r : kAll) {
    const std::string_view name = stop_reason_name(r);
    ASSERT_FALSE(name.empty());
    EXPECT_EQ(parse_stop_reason(name), r) << name;
  }
  EXPECT_EQ(stop_reason_name(StopReason::kNone), "");
  EXPECT_EQ(parse_stop_reason("finished"), std::nullopt);
  EXPECT_EQ(parse_stop_reason("Duration"), std::nullopt) << "names are exact";
}

TEST(StopReason, TheResultsDocumentationNamesEveryReason) {
  std::ifstream in(std::string(IOPULSE_SOURCE_DIR) + "/docs/json-output.md");
  ASSERT_TRUE(in);
  std::stringstream text;
  text << in.rdbuf();
  for (StopReason r : kAll) {
    const std::string quoted = "`\"" + std::string(stop_reason_name(r)) + "\"`";
    EXPECT_NE(text.str().find(quoted), std::string::npos) << quoted << " is not in docs/json-output.md";
  }
}

TEST(StopReason, TheJobReportsTheMostSevereRanksReason) {
  EXPECT_GT(stop_reason_severity(StopReason::kError), stop_reason_severity(StopReason::kInterrupted));
  EXPECT_GT(stop_reason_severity(StopReason::kInterrupted), stop_reason_severity(StopReason::kDuration));
  EXPECT_EQ(stop_reason_severity(StopReason::kDuration), stop_reason_severity(StopReason::kComplete));
  EXPECT_LT(stop_reason_severity(StopReason::kStopped), stop_reason_severity(StopReason::kComplete))
      << "a rank stopped by another says less than the one that stopped it";
  EXPECT_TRUE(stop_reason_is_failure(StopReason::kIncomplete));
  EXPECT_FALSE(stop_reason_is_failure(StopReason::kInterrupted)) << "an interruption has its own exit code";
}

}  // namespace
}  // namespace iopulse
