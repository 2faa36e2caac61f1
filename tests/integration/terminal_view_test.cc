// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// The live view on a real terminal: iopulse runs inside tmux at 80 and 160
// columns, and what a user sees is read back with capture-pane.  Every
// refresh of the live line and of the preparation bar must stay on one row
// (a line wider than the terminal wraps, and each refresh leaves a fragment
// behind), say how far the run is (percent and ETA, whatever stops it) and
// show the p99 of each op kind; both must be gone from the screen at the end.
#include <unistd.h>

#include <chrono>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "json_support.h"
#include "run_support.h"

namespace iopulse::test {
namespace {

constexpr const char* kTmux = "/usr/bin/tmux";

// Lines without trailing spaces.
std::vector<std::string> rows_of(const std::string& text) {
  std::vector<std::string> rows;
  std::istringstream in(text);
  for (std::string row; std::getline(in, row);) {
    row.erase(row.find_last_not_of(' ') + 1);
    rows.push_back(row);
  }
  return rows;
}

std::string shell_quoted(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

// A detached tmux session of `width` x 30 on a server of its own, running
// `args` under iopulse; every byte the pane receives is also logged raw.
class TmuxRun {
 public:
  TmuxRun(int width, const std::vector<std::string>& args, const ScratchDir& dir)
      : socket_("iopulse-test-" + std::to_string(getpid()) + "-" + std::to_string(width)), raw_(dir.file("raw.log")) {
    std::string command = std::string("sleep 0.5; ") + IOPULSE_BINARY;
    for (const std::string& a : args) command += " " + shell_quoted(a);
    command += "; echo \"exit $?\"; sleep 600";
    const RunOutcome r = tmux({"new-session", "-d", "-x", std::to_string(width), "-y", "30", "-s", "t",
                               "sh -c " + shell_quoted(command)});
    started_ = r.exit_code == 0;
    EXPECT_TRUE(started_) << r.err;
    if (started_) tmux({"pipe-pane", "-t", "t", "-o", "cat >> " + shell_quoted(raw_)});
  }
  ~TmuxRun() { tmux({"kill-server"}); }

  bool started() const { return started_; }
  // The visible screen, or with `history` everything the pane ever showed;
  // rows the terminal wrapped are joined into the line they belong to, so a
  // line wider than the terminal shows as one line longer than it.
  std::string screen(bool history = false) {
    std::vector<std::string> args{"capture-pane", "-p", "-J", "-t", "t"};
    if (history) args.insert(args.end(), {"-S", "-"});
    return tmux(args).out;
  }
  std::string raw() const { return read_file(raw_); }

 private:
  RunOutcome tmux(std::vector<std::string> args) {
    args.insert(args.begin(), {kTmux, "-L", socket_, "-f", "/dev/null"});
    return run_command(args, {"TMUX="});
  }

  std::string socket_;
  std::string raw_;
  bool started_ = false;
};

struct Seen {
  size_t live_screens = 0;   // captures showing the live line
  std::string last_live;     // the last live line seen
  std::string end_screen;    // the whole history once iopulse exited
};

// Watches the pane until iopulse exits.  Every capture that shows the live
// line must show it on exactly one row, narrower than the terminal, with
// nothing of it on any other row.
Seen watch(TmuxRun& run, int width, const std::string& live_marker) {
  Seen seen;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(90);
  while (std::chrono::steady_clock::now() < deadline) {
    const std::string screen = run.screen();
    if (screen.find("\nexit ") != std::string::npos) break;
    size_t live_rows = 0;
    for (const std::string& row : rows_of(screen)) {
      if (row.find(live_marker) == std::string::npos) continue;
      ++live_rows;
      seen.last_live = row;
      EXPECT_LT(static_cast<int>(row.size()), width) << row;
    }
    if (live_rows > 0) {
      ++seen.live_screens;
      EXPECT_EQ(live_rows, 1u) << screen;
      // Nothing but log lines and the live line: a line that wrapped before
      // a refresh would leave a fragment of itself behind.
      for (const std::string& row : rows_of(screen)) {
        if (row.empty() || row.starts_with("iopulse: ") || row.find(live_marker) != std::string::npos) continue;
        ADD_FAILURE() << "a stray row on the screen: '" << row << "'\n" << screen;
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
  }
  seen.end_screen = run.screen(/*history=*/true);
  return seen;
}

void expect_gone_at_the_end(const Seen& seen, const std::string& raw) {
  EXPECT_NE(seen.end_screen.find("exit 0"), std::string::npos) << seen.end_screen;
  // The views were drawn (the raw bytes have them) and erased: nothing of
  // them is left anywhere in the pane's history.
  EXPECT_NE(raw.find("ETA"), std::string::npos);
  EXPECT_EQ(seen.end_screen.find("ETA"), std::string::npos) << seen.end_screen;
  EXPECT_EQ(seen.end_screen.find("preparing"), std::string::npos) << seen.end_screen;
}

TEST(TerminalView, DurationJobAtEightyColumnsWithItsPreparationBar) {
  if (access(kTmux, X_OK) != 0) GTEST_SKIP() << "tmux is not installed (scripts/test.sh installs it)";
  ScratchDir dir;
  // 1 GiB to prepare: the bar is redrawn every 250 ms of the preparation,
  // so it shows several times unless the file system takes it all at once.
  TmuxRun run(80, {dir.file("f"), "--file-size", "1G", "--random", "--read-percent", "70", "--duration",
                   "3s", "--stats-interval", "250ms", "--json-output", dir.file("r.json")},
              dir);
  ASSERT_TRUE(run.started());
  const Seen seen = watch(run, 80, "ETA");
  EXPECT_GE(seen.live_screens, 3u);
  // Percent and ETA of the duration, and each kind's p99 in the last line.
  EXPECT_NE(seen.last_live.find("%"), std::string::npos) << seen.last_live;
  EXPECT_NE(seen.last_live.find("R "), std::string::npos) << seen.last_live;
  EXPECT_NE(seen.last_live.find("W "), std::string::npos) << seen.last_live;
  size_t p99s = 0;
  for (size_t at = seen.last_live.find("p99 "); at != std::string::npos; at = seen.last_live.find("p99 ", at + 1)) ++p99s;
  EXPECT_EQ(p99s, 2u) << seen.last_live;
  const std::string raw = run.raw();
  // The first drawing comes 250 ms into the preparation; a file system that
  // took the gigabyte faster than that (the page cache of a fast machine)
  // had nothing to show.
  const uint64_t prep_ns = read_json(dir.file("r.json"))["preparation"]["elapsed_ns"].get<uint64_t>();
  if (prep_ns >= 500'000'000) {
    EXPECT_NE(raw.find("preparing ["), std::string::npos) << "the preparation bar never showed in " << prep_ns << " ns";
  }
  // Each drawing of the bar fits the 80 columns too.
  for (size_t at = raw.find("\rpreparing"); at != std::string::npos; at = raw.find("\rpreparing", at + 1)) {
    const size_t end = raw.find("\033[K", at);
    ASSERT_NE(end, std::string::npos);
    EXPECT_LT(end - at - 1, 80u) << raw.substr(at + 1, end - at - 1);
  }
  expect_gone_at_the_end(seen, raw);
}

TEST(TerminalView, OpBudgetAtOneHundredSixtyColumns) {
  if (access(kTmux, X_OK) != 0) GTEST_SKIP() << "tmux is not installed (scripts/test.sh installs it)";
  ScratchDir dir;
  // The null engine completes each IO after 1 ms: 2 workers at QD 1 do
  // about 2000 IOs a second, so 6000 IOs take about 3 s.
  TmuxRun run(160, {dir.file("n"), "--engine", "null", "--null.delay-us", "1000", "--file-size", "1G",
                    "--threads", "2", "--read-percent", "50", "--total-ops", "6000", "--stats-interval", "250ms"},
              dir);
  ASSERT_TRUE(run.started());
  const Seen seen = watch(run, 160, "ETA");
  EXPECT_GE(seen.live_screens, 3u);
  // The wide line names the budget and every kind in words.
  EXPECT_NE(seen.last_live.find(" / 6.00k ops  "), std::string::npos) << seen.last_live;
  EXPECT_NE(seen.last_live.find("%  ETA "), std::string::npos) << seen.last_live;
  EXPECT_NE(seen.last_live.find("read "), std::string::npos) << seen.last_live;
  EXPECT_NE(seen.last_live.find("write "), std::string::npos) << seen.last_live;
  EXPECT_NE(seen.last_live.find("ms  write "), std::string::npos) << seen.last_live;  // read p99 of 1 ms or more
  EXPECT_TRUE(seen.last_live.ends_with(" ms")) << seen.last_live;                      // write p99 likewise
  expect_gone_at_the_end(seen, run.raw());
}

TEST(TerminalView, BytesBudgetAndCompletePassShowProgress) {
  if (access(kTmux, X_OK) != 0) GTEST_SKIP() << "tmux is not installed (scripts/test.sh installs it)";
  {
    ScratchDir dir;
    // 1500 IOs of 4 KiB a second against 24 MiB: about 4 s.
    TmuxRun run(80, {dir.file("n"), "--engine", "null", "--null.delay-us", "1000", "--file-size", "1G",
                     "--threads", "2", "--total-bytes", "24M", "--stats-interval", "250ms"},
                dir);
    ASSERT_TRUE(run.started());
    const Seen seen = watch(run, 80, "ETA");
    EXPECT_GE(seen.live_screens, 3u);
    EXPECT_NE(seen.last_live.find("%"), std::string::npos) << seen.last_live;
    EXPECT_NE(seen.last_live.find("ETA "), std::string::npos) << seen.last_live;
    EXPECT_NE(seen.last_live.find("p99 "), std::string::npos) << seen.last_live;
    expect_gone_at_the_end(seen, run.raw());
  }
  {
    ScratchDir dir;
    // A complete pass over 16 MiB in 4 KiB blocks, paced to about 3 s.
    TmuxRun run(160, {dir.file("f"), "--file-size", "16M", "--random", "--run-until-complete", "--rate-iops",
                      "1400", "--stats-interval", "250ms"},
                dir);
    ASSERT_TRUE(run.started());
    const Seen seen = watch(run, 160, "ETA");
    EXPECT_GE(seen.live_screens, 3u);
    EXPECT_NE(seen.last_live.find(" / 4.10k blocks of the pass  "), std::string::npos) << seen.last_live;
    expect_gone_at_the_end(seen, run.raw());
  }
}

}  // namespace
}  // namespace iopulse::test
