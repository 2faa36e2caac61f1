// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "target/device_use.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include <fmt/format.h>

namespace iopulse {
namespace {

namespace fs = std::filesystem;

// A device and its sysfs directory.
struct SysfsDevice {
  std::string name;  // "loop3", "sdb1"
  std::string dev;   // "7:3"
  fs::path dir;      // /sys/dev/block/7:3, symbolic links resolved
};

std::string first_line(const fs::path& file) {
  std::ifstream in(file);
  std::string line;
  std::getline(in, line);
  return line;
}

// The device itself, then each of its partitions.
std::vector<SysfsDevice> device_and_partitions(dev_t rdev) {
  std::vector<SysfsDevice> all;
  const std::string dev = fmt::format("{}:{}", major(rdev), minor(rdev));
  std::error_code ec;
  const fs::path dir = fs::canonical("/sys/dev/block/" + dev, ec);
  if (ec) return {{dev, dev, {}}};
  all.push_back({dir.filename().string(), dev, dir});
  for (const fs::directory_entry& e : fs::directory_iterator(dir, ec)) {
    if (!fs::exists(e.path() / "partition")) continue;
    all.push_back({e.path().filename().string(), first_line(e.path() / "dev"), e.path()});
  }
  return all;
}

// mountinfo escapes blanks and backslashes in paths as \ooo.
std::string unescape(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 3 < s.size()) {
      const std::string octal = s.substr(i + 1, 3);
      if (octal.find_first_not_of("01234567") == std::string::npos) {
        out += static_cast<char>(std::stoi(octal, nullptr, 8));
        i += 3;
        continue;
      }
    }
    out += s[i];
  }
  return out;
}

// Where `d` is mounted, or "".  A mount names its device by major:minor
// (field 3) and by its source (the field after " - " and the type).
std::string mount_point(const SysfsDevice& d, dev_t rdev_of_part) {
  std::ifstream in("/proc/self/mountinfo");
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string id, parent, majmin, root, point;
    fields >> id >> parent >> majmin >> root >> point;
    if (majmin == d.dev) return unescape(point);
    const size_t dash = line.find(" - ");
    if (dash == std::string::npos) continue;
    std::istringstream tail(line.substr(dash + 3));
    std::string type, source;
    tail >> type >> source;
    struct stat st;
    if (source.starts_with("/") && stat(unescape(source).c_str(), &st) == 0 && S_ISBLK(st.st_mode) &&
        st.st_rdev == rdev_of_part) {
      return unescape(point);
    }
  }
  return "";
}

dev_t parse_dev(const std::string& text) {
  unsigned ma = 0, mi = 0;
  if (std::sscanf(text.c_str(), "%u:%u", &ma, &mi) != 2) return 0;
  return makedev(ma, mi);
}

// A loop device: its name and the file it reads and writes.
struct LoopDevice {
  std::string name;  // "loop0"
  struct stat backing {};
};

// Every loop device with a backing file that can still be looked at
// (/sys/block/loopN/loop/backing_file names it; a deleted one cannot).
std::vector<LoopDevice> loop_devices() {
  std::vector<LoopDevice> all;
  std::error_code ec;
  for (const fs::directory_entry& e : fs::directory_iterator("/sys/block", ec)) {
    const std::string name = e.path().filename().string();
    if (!name.starts_with("loop")) continue;
    const std::string file = first_line(e.path() / "loop" / "backing_file");
    LoopDevice d{name, {}};
    if (file.empty() || stat(file.c_str(), &d.backing) != 0) continue;
    all.push_back(d);
  }
  return all;
}

// The use of one device by a mount, a holder or an exclusive opener.
std::string direct_use(const std::string& path, const struct stat& st) {
  for (const SysfsDevice& d : device_and_partitions(st.st_rdev)) {
    const bool whole = d.dev == fmt::format("{}:{}", major(st.st_rdev), minor(st.st_rdev));
    const std::string who = whole ? fmt::format("'{}'", path) : fmt::format("its partition {}", d.name);
    const std::string point = mount_point(d, parse_dev(d.dev));
    if (!point.empty()) return fmt::format("{} is mounted at {}", who, point);
    std::error_code ec;
    if (!d.dir.empty()) {
      for (const fs::directory_entry& h : fs::directory_iterator(d.dir / "holders", ec)) {
        return fmt::format("{} is held by {}", who, h.path().filename().string());
      }
    }
  }
  // What the two looks above cannot see (swap, a file system that names no
  // device in mountinfo, another exclusive opener) still holds the device
  // exclusively.
  const int fd = open(path.c_str(), O_RDONLY | O_EXCL | O_CLOEXEC);
  if (fd < 0) {
    if (errno == EBUSY) return fmt::format("'{}' is in use (opening it exclusively: {})", path, std::strerror(EBUSY));
    return "";
  }
  close(fd);
  return "";
}

// The first loop device in use among `devices`, other than `except`: its
// node and how it is used, or "".
std::string first_in_use(const std::vector<std::string>& devices, const std::string& except) {
  for (const std::string& name : devices) {
    if (name == except) continue;
    const std::string node = "/dev/" + name;
    struct stat st;
    if (stat(node.c_str(), &st) != 0 || !S_ISBLK(st.st_mode)) continue;
    const std::string use = direct_use(node, st);
    if (!use.empty()) return fmt::format("{} ({})", node, use);
  }
  return "";
}

}  // namespace

std::string block_device_use(const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0 || !S_ISBLK(st.st_mode)) return "";
  std::string use = direct_use(path, st);
  if (!use.empty()) return use;
  // A loop device (or a partition of one) shares its bytes with every other
  // loop device on the same file.
  const SysfsDevice self = device_and_partitions(st.st_rdev).front();
  std::error_code ec;
  const std::string disk = !self.dir.empty() && fs::exists(self.dir / "partition", ec)
                               ? self.dir.parent_path().filename().string()
                               : self.name;  // "loop1" for loop1 and loop1p1
  const std::vector<LoopDevice> loops = loop_devices();
  for (const LoopDevice& d : loops) {
    if (d.name != disk) continue;
    std::vector<std::string> same;
    for (const LoopDevice& o : loops) {
      if (o.backing.st_dev == d.backing.st_dev && o.backing.st_ino == d.backing.st_ino) same.push_back(o.name);
    }
    use = first_in_use(same, disk);
    if (!use.empty()) return fmt::format("'{}' reads and writes the same file as {}", path, use);
  }
  return "";
}

LoopBackingFiles LoopBackingFiles::scan() {
  LoopBackingFiles files;
  for (const LoopDevice& d : loop_devices()) {
    files.devices_.push_back({d.name, static_cast<uint64_t>(d.backing.st_dev), static_cast<uint64_t>(d.backing.st_ino)});
  }
  return files;
}

std::string LoopBackingFiles::use_of(const std::string& path) const {
  if (devices_.empty()) return "";
  struct stat st;
  if (stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return "";
  std::vector<std::string> backed;
  for (const Backing& b : devices_) {
    if (b.dev == static_cast<uint64_t>(st.st_dev) && b.ino == static_cast<uint64_t>(st.st_ino)) backed.push_back(b.name);
  }
  const std::string use = first_in_use(backed, "");
  return use.empty() ? "" : fmt::format("'{}' is the backing file of {}", path, use);
}

}  // namespace iopulse
