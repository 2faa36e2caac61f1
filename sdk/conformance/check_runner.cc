// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "check_runner.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <algorithm>
#include <exception>

#include "check.h"

namespace iopcheck {
namespace {

std::string one_line(std::string text) {
  for (char& c : text) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  while (!text.empty() && text.back() == ' ') text.pop_back();
  return text;
}

uint64_t now_ms() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000u + static_cast<uint64_t>(ts.tv_nsec) / 1000000u;
}

const char* signal_name(int sig) {
  switch (sig) {
    case SIGSEGV: return "SIGSEGV";
    case SIGBUS: return "SIGBUS";
    case SIGABRT: return "SIGABRT";
    case SIGFPE: return "SIGFPE";
    case SIGILL: return "SIGILL";
    case SIGKILL: return "SIGKILL";
    case SIGTERM: return "SIGTERM";
    case SIGTRAP: return "SIGTRAP";
    case SIGPIPE: return "SIGPIPE";
    default: return "signal";
  }
}

// Why a child that sent no result ended.
std::string describe_exit(int status) {
  if (WIFSIGNALED(status)) {
    const int sig = WTERMSIG(status);
    return strf("crashed: killed by signal %d (%s, %s)", sig, signal_name(sig), strsignal(sig));
  }
  if (WIFEXITED(status)) {
    return strf("the process ended (exit status %d) before the check finished; "
                "an engine must never call exit()",
                WEXITSTATUS(status));
  }
  return strf("the process ended with wait status 0x%x", status);
}

// Result encoding on the pipe from child to parent: one verdict letter
// followed by the reason.
char verdict_letter(Verdict v) {
  return v == Verdict::kPass ? 'P' : v == Verdict::kFail ? 'F' : 'S';
}

}  // namespace

bool CheckRunner::selected(const std::string& name) const {
  if (settings_.only.empty()) return true;
  for (const std::string& n : settings_.only) {
    if (n == name) return true;
  }
  return false;
}

Outcome CheckRunner::run(const std::string& name, const std::function<void()>& body,
                         bool always) {
  if (!always && !selected(name)) return {};
  Outcome outcome = settings_.isolate ? run_in_child(body) : run_here(body);
  if (always || selected(name)) print(name, outcome);
  return outcome;
}

void CheckRunner::report(const std::string& name, const Outcome& outcome) {
  if (selected(name)) print(name, outcome);
}

void CheckRunner::print(const std::string& name, const Outcome& outcome) {
  switch (outcome.verdict) {
    case Verdict::kPass:
      ++passed_;
      std::printf("PASS %s\n", name.c_str());
      break;
    case Verdict::kFail:
      ++failed_;
      std::printf("FAIL %s: %s\n", name.c_str(), one_line(outcome.reason).c_str());
      break;
    case Verdict::kSkip:
      ++skipped_;
      std::printf("SKIP %s: %s\n", name.c_str(), one_line(outcome.reason).c_str());
      break;
  }
  std::fflush(stdout);
}

void CheckRunner::print_totals() const {
  if (skipped_ > 0) {
    std::printf("%d passed, %d failed, %d skipped\n", passed_, failed_, skipped_);
  } else {
    std::printf("%d passed, %d failed\n", passed_, failed_);
  }
  std::fflush(stdout);
}

Outcome CheckRunner::run_here(const std::function<void()>& body) const {
  try {
    body();
    return {Verdict::kPass, ""};
  } catch (const CheckSkipped& e) {
    return {Verdict::kSkip, e.what()};
  } catch (const CheckFailed& e) {
    return {Verdict::kFail, e.what()};
  } catch (const std::exception& e) {
    return {Verdict::kFail, std::string("unexpected error in the checker: ") + e.what()};
  } catch (...) {
    return {Verdict::kFail, "unexpected exception"};
  }
}

Outcome CheckRunner::run_in_child(const std::function<void()>& body) const {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) {
    return {Verdict::kFail, strf("checker: pipe failed: %s", std::strerror(errno))};
  }
  std::fflush(stdout);
  std::fflush(stderr);
  const pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    return {Verdict::kFail, strf("checker: fork failed: %s", std::strerror(errno))};
  }
  if (pid == 0) {
    close(fds[0]);
    const Outcome o = run_here(body);
    std::string msg(1, verdict_letter(o.verdict));
    msg += o.reason;
    size_t done = 0;
    while (done < msg.size()) {
      const ssize_t n = write(fds[1], msg.data() + done, msg.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      done += static_cast<size_t>(n);
    }
    std::fflush(stderr);
    _exit(0);  // no atexit handlers, no static destructors of the engine
  }

  close(fds[1]);
  std::string msg;
  bool timed_out = false;
  const uint64_t deadline = now_ms() + uint64_t{settings_.timeout_s} * 1000u;
  for (;;) {
    const uint64_t now = now_ms();
    if (now >= deadline) {
      timed_out = true;
      break;
    }
    pollfd p{fds[0], POLLIN, 0};
    const int r = poll(&p, 1, static_cast<int>(std::min<uint64_t>(deadline - now, 1000)));
    if (r < 0 && errno != EINTR) break;
    if (r <= 0) continue;
    char buf[512];
    const ssize_t n = read(fds[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // EOF: the child wrote everything or died
    msg.append(buf, static_cast<size_t>(n));
  }
  close(fds[0]);
  if (timed_out) kill(pid, SIGKILL);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (timed_out) {
    return {Verdict::kFail, strf("did not finish within %u s (killed; a hang in the engine, or "
                                 "raise --timeout)",
                                 settings_.timeout_s)};
  }
  if (msg.empty()) return {Verdict::kFail, describe_exit(status)};
  const char letter = msg[0];
  Outcome o;
  o.verdict = letter == 'P' ? Verdict::kPass : letter == 'S' ? Verdict::kSkip : Verdict::kFail;
  o.reason = msg.substr(1);
  if (o.verdict == Verdict::kPass && WIFSIGNALED(status)) {
    return {Verdict::kFail, "passed, then " + describe_exit(status)};
  }
  return o;
}

}  // namespace iopcheck
