// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// ReplayPlan and TraceCursor in-process on small fio traces: the scan's
// counts, the mapping (--replay-scale N and fit, --replay-align,
// --replay-redirect) applied alike by the check and by the cursor, the
// spread of a trace over workers, and IOs past the target refused with the
// IO named.
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "job/usage_error.h"
#include "trace/replay_plan.h"
#include "trace/trace_cursor.h"

namespace iopulse {
namespace {

class ReplayPlanTest : public ::testing::Test {
 protected:
  void TearDown() override { std::remove(path_.c_str()); }
  JobSpec spec_for(const std::string& text) {
    std::ofstream(path_, std::ios::trunc) << text;
    JobSpec spec;
    spec.replay = path_;
    return spec;
  }
  // Every IO worker `w` of `plan` replays.
  std::vector<TraceRecord> replayed(const ReplayPlan& plan, uint32_t w, std::vector<uint64_t> sizes) {
    TraceCursor cursor(plan, w, std::move(sizes));
    std::vector<TraceRecord> out;
    for (const TraceRecord* r; (r = cursor.front()) != nullptr; cursor.pop()) out.push_back(*r);
    return out;
  }
  std::string path_ = std::string(::testing::TempDir()) + "/replay_plan." + std::to_string(::getpid());
};

std::string trace_of(int ios, uint64_t step) {
  std::string t = "fio version 3 iolog\n0 /a add\n0 /b add\n";
  for (int i = 0; i < ios; ++i) {
    t += std::to_string(i * 10) + (i % 2 ? " /b " : " /a ") + (i % 3 ? "read " : "write ") +
         std::to_string(i * step) + " 4096\n";
  }
  return t;
}

TEST_F(ReplayPlanTest, CountsAndSpreadsTheTrace) {
  JobSpec spec = spec_for(trace_of(10, 4096));
  spec.replay_spread = true;
  spec.threads = 3;
  ReplayPlan plan = ReplayPlan::scan(spec);
  EXPECT_EQ(plan.format, "fio iolog v3");
  EXPECT_EQ(plan.recorded_workers, 1u);
  EXPECT_EQ(plan.workers, 3u);
  EXPECT_EQ(plan.total_ios, 10u);
  EXPECT_EQ(plan.writes, 4u);  // IOs 0, 3, 6, 9
  EXPECT_EQ(plan.read_percent(), 60u);
  EXPECT_EQ(plan.worker_ios, (std::vector<uint64_t>{4, 3, 3}));
  plan.check_target({"/t/a", "/t/b"}, {1 << 20, 1 << 20});
  for (uint32_t w = 0; w < 3; ++w) {
    const std::vector<TraceRecord> got = replayed(plan, w, {1 << 20, 1 << 20});
    ASSERT_EQ(got.size(), plan.worker_ios[w]);
    for (size_t i = 0; i < got.size(); ++i) {
      const uint64_t k = w + 3 * i;  // the trace's IO k
      EXPECT_EQ(got[i].offset, k * 4096);
      EXPECT_EQ(got[i].file, k % 2);
      EXPECT_EQ(got[i].time_ns, k * 10'000);
    }
  }
}

TEST_F(ReplayPlanTest, RefusesIosPastTheTargetNamingThem) {
  ReplayPlan plan = ReplayPlan::scan(spec_for(trace_of(10, 1 << 20)));
  plan.check_target({"/t/a", "/t/b"}, {16 << 20, 16 << 20});  // up to 9 MiB + 4 KiB: inside
  try {
    // /a's last IO (IO 9, a write at 8 MiB) ends 4 KiB past an 8 MiB file.
    plan.check_target({"/t/a", "/t/b"}, {8 << 20, 16 << 20});
    FAIL() << "an IO past the target was accepted";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("IO 9 (read of 4096 bytes at offset 8388608 of '/a')"), std::string::npos)
        << e.what();
    EXPECT_NE(std::string(e.what()).find("past the end of '/t/a'"), std::string::npos) << e.what();
  }
}

TEST_F(ReplayPlanTest, ScalesAlignsAndRedirects) {
  JobSpec spec = spec_for(trace_of(10, 1 << 20));  // up to 9 MiB
  spec.replay_scale = 3;
  spec.replay_align = 4096;
  ReplayPlan plan = ReplayPlan::scan(spec);
  plan.check_target({"/t/a", "/t/b"}, {4 << 20, 4 << 20});  // 9 MiB / 3 fits in 4 MiB
  std::vector<TraceRecord> got = replayed(plan, 0, {4 << 20, 4 << 20});
  ASSERT_EQ(got.size(), 10u);
  for (size_t k = 0; k < got.size(); ++k) {
    const uint64_t scaled = (k << 20) / 3;
    EXPECT_EQ(got[k].offset, scaled - scaled % 4096);
  }

  spec.replay_scale = 0;  // fit
  spec.replay_redirect = "/t/one";
  plan = ReplayPlan::scan(spec);
  EXPECT_THROW(plan.check_target({"/t/one"}, {2048}), UsageError);  // a 4 KiB IO cannot fit
  plan.check_target({"/t/one"}, {1 << 20});
  got = replayed(plan, 0, {1 << 20});
  ASSERT_EQ(got.size(), 10u);
  for (const TraceRecord& r : got) {
    EXPECT_EQ(r.file, 0u);
    EXPECT_LE(r.offset + r.len, 1u << 20);
    EXPECT_EQ(r.offset % 4096, 0u);
  }
  EXPECT_EQ(got.back().offset, (1u << 20) - 4096);  // the largest lands one IO before the end
}

TEST_F(ReplayPlanTest, RefusesMoreFilesThanTheJobHas) {
  ReplayPlan plan = ReplayPlan::scan(spec_for(trace_of(4, 4096)));
  EXPECT_THROW(plan.check_target({"/t/a"}, {1 << 20}), UsageError);
}

}  // namespace
}  // namespace iopulse
