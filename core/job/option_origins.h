// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// OptionOrigins: where each option of a job was given, so that a check made
// long after parsing (an engine that lacks a capability, at planning) names
// the place the user wrote: "--trim-percent" on the command line,
// "job.fio:4: rw" for a fio job file's line that became it.
//
// For messages only: it is not part of what a job is, so any two compare
// equal (a workload given on the command line and the same one from a job
// file are the same workload).
#ifndef IOPULSE_JOB_OPTION_ORIGINS_H_
#define IOPULSE_JOB_OPTION_ORIGINS_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace iopulse {

class OptionOrigins {
 public:
  // Option `name` (without "--") was given at `label`; a later record of the
  // same option wins.
  void add(std::string name, std::string label) { labels_.emplace_back(std::move(name), std::move(label)); }

  // The label of the last record of `name`, or "--NAME" when it has none.
  std::string label_of(std::string_view name) const {
    for (auto it = labels_.rbegin(); it != labels_.rend(); ++it) {
      if (it->first == name) return it->second;
    }
    return "--" + std::string(name);
  }

  // Whether `name` was given at all.
  bool has(std::string_view name) const {
    for (const auto& [given, label] : labels_) {
      if (given == name) return true;
    }
    return false;
  }

  bool operator==(const OptionOrigins&) const { return true; }

 private:
  std::vector<std::pair<std::string, std::string>> labels_;  // (name, label), in the order given
};

}  // namespace iopulse

#endif  // IOPULSE_JOB_OPTION_ORIGINS_H_
