// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "cli/option_suggestion.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "job/job_options.h"

namespace iopulse {
namespace {

std::vector<std::string> known() {
  std::vector<std::string> names = {"help", "version", "config", "dry-run", "list-engines"};
  for (const JobOption& o : job_options()) names.emplace_back(o.name);
  return names;
}

TEST(OptionSuggestionTest, FioNamesLeadToTheirIOPulseOption) {
  EXPECT_EQ(suggest_option("bs", known()), "did you mean --block-size (fio's bs)?");
  EXPECT_EQ(suggest_option("iodepth", known()), "did you mean --queue-depth (fio's iodepth)?");
  EXPECT_EQ(suggest_option("numjobs", known()), "did you mean --threads (fio's numjobs)?");
  EXPECT_EQ(suggest_option("rate_iops", known()), "did you mean --rate-iops (fio's rate_iops)?");
  EXPECT_EQ(suggest_option("cpus-allowed", known()), "did you mean --cpu-cores (fio's cpus_allowed)?");
  EXPECT_EQ(suggest_option("name", known()), "did you mean --job-name (fio's name)?");
  EXPECT_EQ(suggest_option("ss_dur", known()), "did you mean --steady-state-duration (fio's ss_dur)?");
  EXPECT_EQ(suggest_option("log_avg_msec", known()), "did you mean --stats-interval (fio's log_avg_msec)?");
  EXPECT_EQ(suggest_option("unlink", known()), "did you mean --remove-files (fio's unlink)?");
  EXPECT_EQ(suggest_option("prioclass", known()), "did you mean --io-priority (fio's prioclass)?");
  EXPECT_EQ(suggest_option("cmdprio_percentage", known()),
            "did you mean --io-priority-percent (fio's cmdprio_percentage)?");
  // A least rate, not a limit (the nearest name by spelling is --rate-iops).
  EXPECT_EQ(suggest_option("rate_iops_min", known()), "did you mean --rate-min-iops (fio's rate_iops_min)?");
}

TEST(OptionSuggestionTest, TyposLeadToTheClosestOptionAndNonsenseToNothing) {
  EXPECT_EQ(suggest_option("blok-size", known()), "did you mean --block-size?");
  EXPECT_EQ(suggest_option("queue_depth", known()), "did you mean --queue-depth?");
  EXPECT_EQ(suggest_option("durration", known()), "did you mean --duration?");
  EXPECT_EQ(suggest_option("xyzzyplugh", known()), "");
  // A fio name whose IOPulse option is not on offer is not suggested.
  EXPECT_EQ(suggest_option("bs", {"help"}), "");
}

}  // namespace
}  // namespace iopulse
