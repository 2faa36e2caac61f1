// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "output/output_plan.h"

#include <sys/stat.h>

#include <filesystem>
#include <map>
#include <optional>

#include <fmt/format.h>

#include "job/usage_error.h"

namespace iopulse {
namespace {

namespace fs = std::filesystem;

// Inputs beyond this many are compared by name only (a file set may plan
// millions of files; a stat() of each would take seconds).
constexpr size_t kInputsComparedByInode = 4096;

// What a path names, two ways: the inode of an existing file, and the
// absolute path with the symbolic links of its directory resolved.  Two
// paths name the same file when either matches.
struct FileIdentity {
  std::optional<std::pair<dev_t, ino_t>> inode;
  std::string path;

  bool same_as(const FileIdentity& o) const { return (inode && inode == o.inode) || path == o.path; }
};

class IdentityFinder {
 public:
  FileIdentity of(const std::string& path, bool by_inode) {
    FileIdentity id;
    struct stat st;
    if (by_inode && stat(path.c_str(), &st) == 0) id.inode = std::make_pair(st.st_dev, st.st_ino);
    std::error_code ec;
    const fs::path absolute = fs::absolute(path, ec).lexically_normal();
    const std::string dir = absolute.parent_path().string();
    auto it = dirs_.find(dir);
    if (it == dirs_.end()) {
      fs::path canonical = fs::weakly_canonical(absolute.parent_path(), ec);
      if (ec) canonical = absolute.parent_path();
      it = dirs_.emplace(dir, canonical.string()).first;
    }
    id.path = (fs::path(it->second) / absolute.filename()).string();
    return id;
  }

 private:
  std::map<std::string, std::string> dirs_;  // directory -> its canonical form
};

std::string shown(const OutputDestination& d) {
  return d.path == "-" ? std::string("standard output") : "'" + d.path + "'";
}

}  // namespace

OutputPlan OutputPlan::check(const std::vector<RequestedOutput>& outputs, const std::vector<CommandInput>& inputs) {
  OutputPlan plan;
  IdentityFinder finder;
  std::vector<FileIdentity> ids;  // of plan.destinations_; stdout has none
  for (const RequestedOutput& o : outputs) {
    if (o.path.empty()) continue;
    OutputDestination d = OutputDestination::resolve(o.option, o.path);
    const bool is_stdout = d.kind == OutputDestination::Kind::kStdout;
    FileIdentity id;
    struct stat st;
    // Several outputs may go to one character device (/dev/null, a terminal).
    const bool shareable = !is_stdout && stat(d.write_path.c_str(), &st) == 0 && S_ISCHR(st.st_mode);
    if (is_stdout) {
      id.path = "-";
    } else {
      id = finder.of(d.write_path, /*by_inode=*/true);
    }
    for (size_t i = 0; i < ids.size(); ++i) {
      if (shareable || !ids[i].same_as(id)) continue;
      const OutputDestination& other = plan.destinations_[i];
      throw UsageError(fmt::format("{}: {} is also where {} goes ({}); accepted: a different file for each output",
                                   o.option, shown(d), other.option, shown(other)));
    }
    plan.uses_stdout_ |= is_stdout;
    ids.push_back(std::move(id));
    plan.destinations_.push_back(std::move(d));
  }
  for (size_t k = 0; k < inputs.size(); ++k) {
    const CommandInput& in = inputs[k];
    if (in.path.empty() || plan.destinations_.empty()) continue;
    // A character device (a /dev/null target) keeps nothing an output could destroy.
    struct stat in_st;
    if (stat(in.path.c_str(), &in_st) == 0 && S_ISCHR(in_st.st_mode)) continue;
    const FileIdentity id = finder.of(in.path, /*by_inode=*/k < kInputsComparedByInode);
    for (size_t i = 0; i < ids.size(); ++i) {
      if (plan.destinations_[i].kind == OutputDestination::Kind::kStdout || !ids[i].same_as(id)) continue;
      const OutputDestination& d = plan.destinations_[i];
      throw UsageError(fmt::format("{}: '{}' is {} ('{}'); writing there would destroy it; accepted: another file",
                                   d.option, d.path, in.what, in.path));
    }
  }
  return plan;
}

}  // namespace iopulse
