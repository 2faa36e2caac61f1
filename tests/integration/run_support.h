// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// Runs the real `iopulse` binary for integration tests and captures what it
// printed and how it exited.  Also makes scratch directories on /tmp (ext4
// on the test machines, so O_DIRECT works there).
#ifndef IOPULSE_TESTS_INTEGRATION_RUN_SUPPORT_H_
#define IOPULSE_TESTS_INTEGRATION_RUN_SUPPORT_H_

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace iopulse::test {

// The sanitizer build (scripts/test-sanitizers.sh): its code, IOPulse's and
// the engines', runs several times slower, so a test's allowance for the
// host's own time, and timings strace sees on a loaded machine, differ.
#if defined(__SANITIZE_ADDRESS__)
inline constexpr bool kSanitizerBuild = true;
#else
inline constexpr bool kSanitizerBuild = false;
#endif

// Where the build put the fixture engines (tests/fixtures/: good, broken,
// misbehaving and recording engines).
inline const std::string kFixtures = IOPULSE_FIXTURE_PLUGIN_DIR;

struct RunOutcome {
  int exit_code = -1;      // exit status, or 128 + signal number
  std::string out;         // everything written to stdout
  std::string err;         // everything written to stderr
};

// Runs IOPULSE_BINARY with `args` (argv[1..]) and `extra_env` entries
// ("NAME=value") added to the environment; stdin is /dev/null.
RunOutcome run_iopulse(const std::vector<std::string>& args,
                       const std::vector<std::string>& extra_env = {});

// Runs any program (argv[0] is a path) the same way.
RunOutcome run_command(const std::vector<std::string>& argv,
                       const std::vector<std::string>& extra_env = {});

// strace's "-E" option for the traced program: ASAN_OPTIONS as it is, with
// LeakSanitizer off (it cannot work in a process under ptrace; the sanitizer
// build, scripts/test-sanitizers.sh, checks leaks in the runs without strace).
// Use as {"/usr/bin/strace", "-E", asan_options_under_strace(), ...}; other
// builds ignore the variable.
std::string asan_options_under_strace();

// The 4 KiB reads (pread64) in the per-thread traces of
// `strace -f -ff -y -e trace=pread64 -o PREFIX` (PREFIX.<tid>, one file per
// thread, so no call is split across lines), counted by the name of the
// file each read.
std::map<std::string, int> traced_reads_by_file(const std::string& prefix);

// Runs iopulse with `args`, waits until its stderr shows `started_text`
// (e.g. a progress line: the run is under way), sends it `signal`, and
// returns how it ended.  Fails the calling test after 60 s without the text.
RunOutcome run_iopulse_and_signal(const std::vector<std::string>& args, const std::string& started_text,
                                  int signal);

// Runs iopulse with `args`, sends it `signal` as soon as `ready()` returns
// true (polled about ten times a second), and returns how it ended.  Fails
// the calling test after 60 s without `ready()`.
RunOutcome run_iopulse_and_signal_when(const std::vector<std::string>& args, const std::function<bool()>& ready,
                                       int signal);

// run_iopulse_and_signal_when for any program (argv[0] is a path), e.g. mpirun.
RunOutcome run_command_and_signal_when(const std::vector<std::string>& argv, const std::vector<std::string>& extra_env,
                                       const std::function<bool()>& ready, int signal);

// The same for any program (argv[0] is a path), e.g. mpirun.
RunOutcome run_command_and_signal(const std::vector<std::string>& argv, const std::vector<std::string>& extra_env,
                                  const std::string& started_text, int signal);

// A fresh empty directory under /tmp, removed with its contents when the
// object goes out of scope.
class ScratchDir {
 public:
  ScratchDir();
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// Runs the job file text `job` with fio (/usr/bin/fio) in `fio_dir` and
// with IOPulse in `ours`, each as j.fio in its own directory (where its
// logs go), ${DIR} that directory; fails the calling test when either does
// not exit 0.
void run_both(const std::string& job, const ScratchDir& fio_dir, const ScratchDir& ours);

// Reads a whole file; fails the calling test when it cannot.
std::string read_file(const std::string& path);

// Whether there is an entry at `path` (lstat: a dangling symlink counts).
bool exists(const std::string& path);

// The number of '\n' in `text`.
size_t lines(const std::string& text);

// Runs iopulse with `args` and expects the refusal the brief asks for: exit
// code 2, one line on stderr holding `expected`, and none of `untouched`
// (the target, the outputs) created.
void expect_refused_untouched(const std::vector<std::string>& args, const std::vector<std::string>& untouched,
                              const std::string& expected);

// `n` distinct TCP ports that were free a moment ago on 127.0.0.1 (each
// stays bound until all are chosen, so none is handed out twice).
std::vector<int> free_ports(int n);

// `iopulse iolog TRACE --format csv`: expects exit 0 and the CSV header, and
// returns each row's ten fields (issue_ns, worker, op, file, path, offset,
// length, latency_ns, result, ioprio; an empty ioprio, no priority, is "").
std::vector<std::vector<std::string>> iolog_csv_rows(const std::string& trace);

}  // namespace iopulse::test

#endif  // IOPULSE_TESTS_INTEGRATION_RUN_SUPPORT_H_
