// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// The live line and the preparation bar: what they say and that they fit.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "report/csv_field.h"
#include "report/live_line.h"
#include "report/preparation_progress.h"
#include "report/run_goal.h"

namespace iopulse {
namespace {

// One second of a busy mixed job: fast reads, slow writes, a few syncs.
IntervalSummary busy_interval() {
  IntervalSummary s;
  s.index = 11;
  s.start_ns = 11'000'000'000;
  s.end_ns = 12'000'000'000;
  OpIntervalSummary& r = s.kind(OpKind::kRead);
  r.ops = 816'000;
  r.iops = 816'000;
  r.bw_bytes_per_sec = 3.11 * (1ull << 30);
  r.lat_p99 = 1090;
  OpIntervalSummary& w = s.kind(OpKind::kWrite);
  w.ops = 12'300;
  w.iops = 12'300;
  w.bw_bytes_per_sec = 48.0 * (1 << 20);
  w.lat_p99 = 2'100'000;
  OpIntervalSummary& y = s.kind(OpKind::kSync);
  y.ops = 120;
  y.iops = 120;
  y.lat_p99 = 15'400'000;
  s.total.ops = r.ops + w.ops;
  return s;
}

// Reads, writes and syncs have all been seen (a data job).
LiveLine::Progress seen_all(RunGoal goal, uint64_t elapsed_ns, uint64_t ops, uint64_t bytes) {
  LiveLine::Progress p;
  p.goal = goal;
  p.elapsed_ns = elapsed_ns;
  p.ops = ops;
  p.bytes = bytes;
  for (OpKind k : {OpKind::kRead, OpKind::kWrite, OpKind::kSync}) p.seen[static_cast<size_t>(k)] = true;
  return p;
}

TEST(LiveLineTest, WideLineSaysEverything) {
  RunGoal goal;
  goal.duration_ns = 30'000'000'000;
  const std::string line = LiveLine::format(busy_interval(), seen_all(goal, 12'000'000'000, 0, 0), 160);
  EXPECT_EQ(line,
            "[12.00 s / 30.00 s  40%  ETA 18.00 s]  read 816k IOPS 3.11 GiB/s p99 1.09 us  write 12.3k IOPS "
            "48.0 MiB/s p99 2.10 ms  sync 120 IOPS p99 15.4 ms");
  EXPECT_LT(line.size(), 160u);
}

TEST(LiveLineTest, EveryWidthFromTwentyToTwoHundredFits) {
  RunGoal goal;
  goal.duration_ns = 30'000'000'000;
  for (int width = 20; width <= 200; ++width) {
    const std::string line = LiveLine::format(busy_interval(), seen_all(goal, 12'000'000'000, 0, 0), width);
    EXPECT_LE(static_cast<int>(line.size()), width - 1) << line;
  }
  // At 80 columns the progress and each kind's p99 still show, and with
  // reads and writes only their bandwidth too.
  const std::string line = LiveLine::format(busy_interval(), seen_all(goal, 12'000'000'000, 0, 0), 80);
  EXPECT_NE(line.find("40%"), std::string::npos) << line;
  EXPECT_NE(line.find("ETA 18.00s"), std::string::npos) << line;
  EXPECT_NE(line.find("R 816k"), std::string::npos) << line;
  EXPECT_NE(line.find("p99 1.09us"), std::string::npos) << line;
  EXPECT_NE(line.find("p99 2.10ms"), std::string::npos) << line;
  EXPECT_NE(line.find("p99 15.4ms"), std::string::npos) << line;
  IntervalSummary data = busy_interval();
  LiveLine::Progress p = seen_all(goal, 12'000'000'000, 0, 0);
  p.seen[static_cast<size_t>(OpKind::kSync)] = false;
  EXPECT_EQ(LiveLine::format(data, p, 80), "12.00s 40% ETA 18.00s R 816k 3.11GiB/s p99 1.09us W 12.3k 48.0MiB/s p99 2.10ms");
}

TEST(LiveLineTest, ProgressForEveryStopCondition) {
  const IntervalSummary s = busy_interval();
  RunGoal ops;
  ops.ops = 4'000'000;  // --total-ops: 1M of 4M done in 10 s: 30 s to go
  EXPECT_NE(LiveLine::format(s, seen_all(ops, 10'000'000'000, 1'000'000, 0), 200)
                .find("[10.00 s  1.00M / 4.00M ops  25%  ETA 30.00 s]"),
            std::string::npos);
  RunGoal pass;
  pass.ops = 1000;
  pass.complete_pass = true;
  EXPECT_NE(LiveLine::format(s, seen_all(pass, 3'000'000'000, 750, 0), 200)
                .find("[3.00 s  750 / 1.00k blocks of the pass  75%  ETA 1.00 s]"),
            std::string::npos);
  RunGoal bytes;
  bytes.bytes = 8ull << 30;  // 2 GiB of 8 in 4 s: 12 s to go
  EXPECT_NE(LiveLine::format(s, seen_all(bytes, 4'000'000'000, 0, 2ull << 30), 200)
                .find("[4.00 s  2.00 GiB / 8.00 GiB  25%  ETA 12.00 s]"),
            std::string::npos);
  // Duration and ops together: the ops run ahead, so they set the percent;
  // the ETA is the nearer of the two.
  RunGoal both = ops;
  both.duration_ns = 60'000'000'000;
  const std::string line = LiveLine::format(s, seen_all(both, 10'000'000'000, 1'000'000, 0), 200);
  EXPECT_NE(line.find("25%  ETA 30.00 s"), std::string::npos) << line;
  // Nothing done yet: a percent but no ETA to tell.
  const std::string start = LiveLine::format(s, seen_all(ops, 0, 0, 0), 200);
  EXPECT_NE(start.find("0%]"), std::string::npos) << start;
}

TEST(LiveLineTest, ShowsOnlyKindsThatHappened) {
  IntervalSummary s = busy_interval();
  LiveLine::Progress p;
  p.seen[static_cast<size_t>(OpKind::kRead)] = true;
  const std::string line = LiveLine::format(s, p, 200);
  EXPECT_NE(line.find("read 816k"), std::string::npos) << line;
  EXPECT_EQ(line.find("write"), std::string::npos) << line;
  EXPECT_EQ(line.find("sync"), std::string::npos) << line;
  // Before any IO, reads and writes show as zero.
  const std::string idle = LiveLine::format(IntervalSummary{}, LiveLine::Progress{}, 200);
  EXPECT_EQ(idle, "[0 ns]  read 0 IOPS 0 B/s p99 -  write 0 IOPS 0 B/s p99 -");
}

TEST(LiveLineTest, TerminalOutputIsOneLineRewrittenInPlace) {
  char* text = nullptr;
  size_t size = 0;
  std::FILE* out = open_memstream(&text, &size);
  {
    LiveLine live(out, /*terminal=*/true, /*width=*/80);
    RunGoal goal;
    goal.duration_ns = 30'000'000'000;
    live.start(goal);
    live.show(busy_interval());
    live.clear();
  }
  std::fclose(out);
  const std::string written(text, size);
  std::free(text);
  ASSERT_TRUE(written.starts_with("\r12.00s 40% ETA 18.00s R 816k")) << written;
  EXPECT_TRUE(written.ends_with("\033[K\r\033[K")) << written;
  EXPECT_EQ(written.find('\n'), std::string::npos);
  EXPECT_LE(written.find("\033[K"), 2u + 79) << written;
}

TEST(PreparationProgressTest, BarFitsEveryWidth) {
  const uint64_t gib = 1ull << 30;
  for (int width = 10; width <= 200; ++width) {
    const std::string line = PreparationProgress::format(gib, 4 * gib, 2'000'000'000, width);
    EXPECT_LE(static_cast<int>(line.size()), width - 1) << line;
  }
  EXPECT_EQ(PreparationProgress::format(gib, 4 * gib, 2'000'000'000, 120),
            "preparing [######..................] 1.00 GiB / 4.00 GiB (25%)  512 MiB/s  ETA 6.00 s");
  const std::string narrow = PreparationProgress::format(gib, 4 * gib, 2'000'000'000, 60);
  EXPECT_NE(narrow.find("(25%)"), std::string::npos) << narrow;
  EXPECT_NE(narrow.find("ETA 6.00 s"), std::string::npos) << narrow;
}

TEST(RunGoalTest, NoLimitMeansNoProgress) {
  EXPECT_FALSE(RunGoal{}.share(5, 5, 5).has_value());
  EXPECT_FALSE(RunGoal{}.eta_ns(5, 5, 5).has_value());
}

TEST(CsvFieldTest, QuotesOnlyWhatNeedsIt) {
  EXPECT_EQ(csv_field("warm"), "warm");
  EXPECT_EQ(csv_field(""), "");
  EXPECT_EQ(csv_field("warm up, 4k"), "\"warm up, 4k\"");
  EXPECT_EQ(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(csv_field("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(csv_field("cr\r"), "\"cr\r\"");
}

}  // namespace
}  // namespace iopulse
