// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "filesystem_support.h"

#include <signal.h>
#include <spawn.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "run_support.h"

extern char** environ;

namespace iopulse::test {
namespace {

namespace fs = std::filesystem;

void make_dir(const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
}

}  // namespace

bool running_as_root() { return geteuid() == 0; }

bool is_mount_point(const std::string& dir) {
  std::error_code ec;
  const std::string canonical = fs::weakly_canonical(dir, ec).string();
  std::ifstream in("/proc/self/mountinfo");
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string id, parent, majmin, root, point;
    fields >> id >> parent >> majmin >> root >> point;
    if (point == canonical) return true;
  }
  return false;
}

TmpfsMount::TmpfsMount(const std::string& dir, const std::string& size) : dir_(dir) {
  if (!running_as_root()) {
    why_ = "mounting a tmpfs needs root";
    return;
  }
  make_dir(dir);
  const std::string data = "size=" + size + ",mode=0755";
  if (mount("tmpfs", dir.c_str(), "tmpfs", 0, data.c_str()) != 0) {
    why_ = std::string("mount tmpfs: ") + std::strerror(errno);
    return;
  }
  mounted_ = true;
}

TmpfsMount::~TmpfsMount() {
  if (mounted_) umount2(dir_.c_str(), MNT_DETACH);
}

bool TmpfsMount::remount_read_only() {
  return mounted_ && mount("tmpfs", dir_.c_str(), "tmpfs", MS_REMOUNT | MS_RDONLY, nullptr) == 0;
}

FaultFs::FaultFs(const std::string& dir, unsigned long long fail_writes_from, const std::string& error,
                 const std::vector<std::string>& extra)
    : dir_(dir) {
  const std::string binary = IOPULSE_FAULTFS_BINARY;
  if (binary.empty()) {
    why_ = "faultfs was not built (libfuse3-dev is missing)";
    return;
  }
  if (!running_as_root() || access("/dev/fuse", R_OK | W_OK) != 0) {
    why_ = "FUSE needs root and /dev/fuse";
    return;
  }
  make_dir(dir);
  std::vector<std::string> args{binary, dir, "-f", "-s", "--fail-writes-from=" + std::to_string(fail_writes_from),
                                "--errno=" + error};
  args.insert(args.end(), extra.begin(), extra.end());
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  if (posix_spawn(&pid_, argv[0], nullptr, nullptr, argv.data(), environ) != 0) {
    why_ = "cannot start faultfs";
    pid_ = -1;
    return;
  }
  for (int i = 0; i < 500 && !mounted_; ++i) {
    mounted_ = is_mount_point(dir);
    if (!mounted_) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    int status = 0;
    if (!mounted_ && waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      why_ = "faultfs exited before mounting";
      return;
    }
  }
  if (!mounted_) why_ = "faultfs did not mount within 5 s";
}

FaultFs::~FaultFs() {
  if (mounted_) umount2(dir_.c_str(), MNT_DETACH);
  if (pid_ > 0) {
    // Unmounting ends fuse_main(); a faultfs that did not mount is killed.
    if (!mounted_) kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
  }
}

LoopDevice::LoopDevice(const std::string& image, const std::string& size) {
  if (!running_as_root()) {
    why_ = "loop devices need root";
    return;
  }
  if (run_command({"/usr/bin/truncate", "-s", size, image}).exit_code != 0) {
    why_ = "cannot create the image";
    return;
  }
  const RunOutcome r = run_command({"/usr/sbin/losetup", "--find", "--show", image});
  if (r.exit_code == 0 && !r.out.empty()) {
    device_ = r.out.substr(0, r.out.find('\n'));
  } else {
    why_ = "losetup failed: " + r.err;
  }
}

LoopDevice::~LoopDevice() {
  if (!mounted_on_.empty() && umount2(mounted_on_.c_str(), 0) != 0) umount2(mounted_on_.c_str(), MNT_DETACH);
  if (!device_.empty()) run_command({"/usr/sbin/losetup", "-d", device_});
}

bool LoopDevice::mount_ext4(const std::string& dir) {
  if (device_.empty()) return false;
  if (run_command({"/usr/sbin/mkfs.ext4", "-q", "-F", device_}).exit_code != 0) {
    why_ = "mkfs.ext4 failed";
    return false;
  }
  make_dir(dir);
  if (mount(device_.c_str(), dir.c_str(), "ext4", 0, nullptr) != 0) {
    why_ = std::string("mount ext4: ") + std::strerror(errno);
    return false;
  }
  mounted_on_ = dir;
  return true;
}

}  // namespace iopulse::test
