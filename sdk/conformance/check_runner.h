/* SPDX-License-Identifier: MIT
 * SPDX-FileCopyrightText: 2026 The IOPulse authors */
// check_runner.h -- runs named checks, prints one line per check and the
// totals.
//
// Output, on stdout, one line per check:
//   PASS <name>
//   FAIL <name>: <reason>
//   SKIP <name>: <reason>
// and finally "<N> passed, <M> failed" (", <K> skipped" when K > 0).
//
// Each check runs in a child process forked for it, so an engine that
// crashes, calls exit() or hangs fails that check and nothing else: a crash
// reports the signal, a hang is killed after the timeout.  With isolation
// off (--no-fork, for running the checker under a debugger) checks run in
// the checker's own process, one after the other.
#ifndef IOPULSE_CONFORMANCE_CHECK_RUNNER_H
#define IOPULSE_CONFORMANCE_CHECK_RUNNER_H

#include <functional>
#include <string>
#include <vector>

namespace iopcheck {

enum class Verdict { kPass, kFail, kSkip };

struct Outcome {
  Verdict verdict = Verdict::kPass;
  std::string reason;  // one line; empty for a pass
};

class CheckRunner {
 public:
  struct Settings {
    bool isolate = true;             // fork a child per check
    unsigned timeout_s = 120;        // per check, when isolated
    std::vector<std::string> only;   // run just these checks (empty: all)
  };

  explicit CheckRunner(Settings settings) : settings_(std::move(settings)) {}

  // Runs `body` as check `name` and prints its line.  A check left out by
  // Settings::only is neither run, printed nor counted, unless
  // `always` (the checks every other one depends on).
  Outcome run(const std::string& name, const std::function<void()>& body, bool always = false);

  // Prints and counts an outcome decided without running anything.
  void report(const std::string& name, const Outcome& outcome);

  // Runs `body` in this process, for the checker's own state; the outcome
  // is neither printed nor counted.
  Outcome run_here(const std::function<void()>& body) const;
  // Runs `body` as run() would (in a child when isolating), without
  // printing or counting the outcome.
  Outcome run_isolated(const std::function<void()>& body) const {
    return settings_.isolate ? run_in_child(body) : run_here(body);
  }

  bool selected(const std::string& name) const;
  int failed() const { return failed_; }
  int passed() const { return passed_; }
  int skipped() const { return skipped_; }

  // Prints the totals line.
  void print_totals() const;

 private:
  void print(const std::string& name, const Outcome& outcome);
  Outcome run_in_child(const std::function<void()>& body) const;

  Settings settings_;
  int passed_ = 0;
  int failed_ = 0;
  int skipped_ = 0;
};

}  // namespace iopcheck

#endif  // IOPULSE_CONFORMANCE_CHECK_RUNNER_H
