// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "run_support.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <functional>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>

#include <gtest/gtest.h>

extern char** environ;

namespace iopulse::test {

std::string asan_options_under_strace() {
  const char* options = getenv("ASAN_OPTIONS");
  return std::string("ASAN_OPTIONS=") + (options != nullptr ? options : "") + ":detect_leaks=0";
}

std::map<std::string, int> traced_reads_by_file(const std::string& prefix) {
  std::map<std::string, int> reads;
  const std::filesystem::path p(prefix);
  const std::string thread_file = p.filename().string() + ".";
  const std::regex call(R"(^pread64\(\d+<([^>]+)>, .*, 4096, \d+\) = 4096)");
  for (const auto& entry : std::filesystem::directory_iterator(p.parent_path())) {
    if (!entry.path().filename().string().starts_with(thread_file)) continue;
    std::ifstream in(entry.path());
    for (std::string line; std::getline(in, line);) {
      std::smatch m;
      if (std::regex_search(line, m, call)) ++reads[std::filesystem::path(m[1].str()).filename().string()];
    }
  }
  return reads;
}

RunOutcome run_iopulse(const std::vector<std::string>& args,
                       const std::vector<std::string>& extra_env) {
  std::vector<std::string> argv{IOPULSE_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_command(argv, extra_env);
}

namespace {

// Starts argv with stdout and stderr on pipes; returns the pid.
pid_t spawn(const std::vector<std::string>& argv_in, const std::vector<std::string>& extra_env, int* out_fd,
            int* err_fd) {
  std::vector<std::string> argv_store = argv_in;
  std::vector<char*> argv;
  for (auto& a : argv_store) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<std::string> env_store;
  for (char** e = environ; *e != nullptr; ++e) env_store.emplace_back(*e);
  env_store.insert(env_store.end(), extra_env.begin(), extra_env.end());
  std::vector<char*> envp;
  for (auto& e : env_store) envp.push_back(e.data());
  envp.push_back(nullptr);

  int out_pipe[2], err_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0 || pipe2(err_pipe, O_CLOEXEC) != 0)
    throw std::runtime_error("pipe2 failed");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err_pipe[1], 2);
  pid_t pid;
  int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  close(out_pipe[1]);
  close(err_pipe[1]);
  if (rc != 0) throw std::runtime_error("posix_spawn failed");
  *out_fd = out_pipe[0];
  *err_fd = err_pipe[0];
  return pid;
}

// Reads both pipes to the end (calling `on_err` after each stderr chunk,
// which may return true once to say it acted) and reaps the process.
RunOutcome collect(pid_t pid, int out_fd, int err_fd, const std::function<void(const std::string&)>& on_err) {
  RunOutcome outcome;
  pollfd fds[2] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}};
  std::string* sinks[2] = {&outcome.out, &outcome.err};
  int open_fds = 2;
  char buf[65536];
  while (open_fds > 0) {
    if (poll(fds, 2, 100) < 0) continue;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      ssize_t n = read(fds[i].fd, buf, sizeof buf);
      if (n > 0) {
        sinks[i]->append(buf, static_cast<size_t>(n));
      } else {
        close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
      }
    }
    if (on_err) on_err(outcome.err);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  outcome.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return outcome;
}

}  // namespace

RunOutcome run_command(const std::vector<std::string>& argv, const std::vector<std::string>& extra_env) {
  int out_fd, err_fd;
  const pid_t pid = spawn(argv, extra_env, &out_fd, &err_fd);
  return collect(pid, out_fd, err_fd, nullptr);
}

RunOutcome run_iopulse_and_signal(const std::vector<std::string>& args, const std::string& started_text,
                                  int signal) {
  std::vector<std::string> argv{IOPULSE_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_command_and_signal(argv, {}, started_text, signal);
}

RunOutcome run_command_and_signal(const std::vector<std::string>& argv, const std::vector<std::string>& extra_env,
                                  const std::string& started_text, int signal) {
  int out_fd, err_fd;
  const pid_t pid = spawn(argv, extra_env, &out_fd, &err_fd);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  bool sent = false;
  RunOutcome r = collect(pid, out_fd, err_fd, [&](const std::string& err) {
    if (sent) return;
    if (err.find(started_text) != std::string::npos || std::chrono::steady_clock::now() > deadline) {
      kill(pid, signal);
      sent = true;
    }
  });
  EXPECT_TRUE(r.err.find(started_text) != std::string::npos) << "never saw '" << started_text << "'";
  return r;
}

RunOutcome run_iopulse_and_signal_when(const std::vector<std::string>& args, const std::function<bool()>& ready,
                                       int signal) {
  std::vector<std::string> argv{IOPULSE_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_command_and_signal_when(argv, {}, ready, signal);
}

RunOutcome run_command_and_signal_when(const std::vector<std::string>& argv, const std::vector<std::string>& extra_env,
                                       const std::function<bool()>& ready, int signal) {
  int out_fd, err_fd;
  const pid_t pid = spawn(argv, extra_env, &out_fd, &err_fd);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  bool sent = false, was_ready = false;
  RunOutcome r = collect(pid, out_fd, err_fd, [&](const std::string&) {
    if (sent) return;
    was_ready = ready();
    if (was_ready || std::chrono::steady_clock::now() > deadline) {
      kill(pid, signal);
      sent = true;
    }
  });
  EXPECT_TRUE(was_ready) << "the condition to send signal " << signal << " never held";
  return r;
}

ScratchDir::ScratchDir() {
  char tmpl[] = "/tmp/iopulse-test-XXXXXX";
  if (mkdtemp(tmpl) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = tmpl;
}

ScratchDir::~ScratchDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

void run_both(const std::string& job, const ScratchDir& fio_dir, const ScratchDir& ours) {
  std::ofstream(fio_dir.file("j.fio")) << job;
  std::ofstream(ours.file("j.fio")) << job;
  const RunOutcome f = run_command({"/bin/sh", "-c", "cd '" + fio_dir.path() +
                                                         "' && /usr/bin/fio --verify_state_save=0 --output=/dev/null j.fio"},
                                   {"DIR=" + fio_dir.path()});
  ASSERT_EQ(f.exit_code, 0) << f.err;
  const RunOutcome r = run_command(
      {"/bin/sh", "-c", "cd '" + ours.path() + "' && " + std::string(IOPULSE_BINARY) + " j.fio --quiet"},
      {"DIR=" + ours.path()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot read " << path;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

bool exists(const std::string& path) {
  struct stat st;
  return ::lstat(path.c_str(), &st) == 0;
}

size_t lines(const std::string& text) { return static_cast<size_t>(std::count(text.begin(), text.end(), '\n')); }

void expect_refused_untouched(const std::vector<std::string>& args, const std::vector<std::string>& untouched,
                              const std::string& expected) {
  const RunOutcome r = run_iopulse(args);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find(expected), std::string::npos) << "wanted '" << expected << "' in: " << r.err;
  EXPECT_EQ(lines(r.err), 1u) << r.err;
  for (const std::string& path : untouched) EXPECT_FALSE(exists(path)) << path << " was created for a refused job";
}

std::vector<int> free_ports(int n) {
  std::vector<int> fds, ports;
  for (int i = 0; i < n; ++i) {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    EXPECT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    fds.push_back(fd);
    ports.push_back(ntohs(addr.sin_port));
  }
  for (int fd : fds) close(fd);
  return ports;
}

std::vector<std::vector<std::string>> iolog_csv_rows(const std::string& trace) {
  const RunOutcome r = run_iopulse({"iolog", trace, "--format", "csv"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::istringstream csv(r.out);
  std::string line;
  std::getline(csv, line);
  EXPECT_EQ(line, "issue_ns,worker,op,file,path,offset,length,latency_ns,result,ioprio");
  std::vector<std::vector<std::string>> rows;
  while (std::getline(csv, line)) {
    std::vector<std::string> f;
    std::stringstream fields(line);
    for (std::string field; std::getline(fields, field, ',');) f.push_back(field);
    EXPECT_TRUE(f.size() == 10 || f.size() == 9) << line;  // getline drops an empty last field
    f.resize(10);
    rows.push_back(std::move(f));
  }
  return rows;
}

}  // namespace iopulse::test
