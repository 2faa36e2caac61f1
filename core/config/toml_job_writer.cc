// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "config/toml_job_writer.h"

#include <algorithm>
#include <cctype>
#include <sstream>

#include <fmt/format.h>
#include <toml++/toml.h>

#include "job/job_options.h"

namespace iopulse {
namespace {

bool whole_number(const std::string& text) {
  return !text.empty() && text.size() < 19 && std::all_of(text.begin(), text.end(), [](unsigned char c) {
    return std::isdigit(c);
  });
}

std::string value_text(const JobFileEntry& e) {
  const JobOption* option = find_job_option(e.key);
  if (option != nullptr && option->value_name.empty() && (e.text == "true" || e.text == "false")) return e.text;
  if (whole_number(e.text) && !(e.text.size() > 1 && e.text.front() == '0')) return e.text;
  std::ostringstream out;
  out << toml::value<std::string>(e.text);
  return out.str();
}

std::string key_text(const std::string& key) {
  if (key.find('.') == std::string::npos) return key;
  std::ostringstream out;  // an engine option: "io_uring.sqpoll" as one quoted key
  out << toml::value<std::string>(key);
  return out.str();
}

void write_entries(std::ostringstream& out, const std::vector<JobFileEntry>& entries,
                   const std::vector<LeftOutSetting>& left_out) {
  for (const JobFileEntry& e : entries) {
    const auto out_of_job =
        std::find_if(left_out.begin(), left_out.end(), [&e](const LeftOutSetting& l) { return l.entry == &e; });
    if (out_of_job != left_out.end()) {
      // A setting the job inherited without effect: the job file says so
      // rather than give it as the job's own, which would be refused.
      out << "# " << (out_of_job->reason.empty() ? e.label : out_of_job->reason)
          << " (left out: no effect in this job)\n";
      out << "# " << key_text(e.key) << " = " << value_text(e) << "\n";
      continue;
    }
    if (!e.label.empty()) out << "# " << e.label << "\n";
    out << key_text(e.key) << " = " << value_text(e) << "\n";
  }
}

std::string quoted(const std::string& s) {
  std::ostringstream out;
  out << toml::value<std::string>(s);
  return out.str();
}

}  // namespace

std::string format_toml_job_file(const JobFile& file, const std::vector<LeftOutSetting>& left_out) {
  std::ostringstream out;
  out << "# IOPulse job file converted from " << file.path << " (iopulse convert); docs/job-files.md\n";
  // fio's reporting groups have no TOML setting: say what is left behind.
  const bool split = std::any_of(file.reporting_groups.begin(), file.reporting_groups.end(),
                                 [](const std::vector<uint32_t>& ids) { return !ids.empty() && ids.front() != ids.back(); });
  if (file.group_reporting || split) {
    out << "# Not carried over: " << (file.group_reporting ? "group_reporting" : "")
        << (file.group_reporting && split ? " and " : "") << (split ? "new_group" : "")
        << " (fio's reporting groups); this file's fio-format outputs list each group\n";
  }
  for (const std::string& note : file.notes) out << "# Note: " << note << "\n";
  write_entries(out, file.global, left_out);
  const bool plain = file.phases.size() == 1 && file.phases.front().name.empty();
  for (const JobFilePhase& phase : file.phases) {
    if (plain) {
      write_entries(out, phase.entries, left_out);
    } else {
      out << "\n[[phase]]\n";
      if (!phase.label.empty()) out << "# " << phase.label << "\n";
      if (phase.ramp) out << "# fio's ramp before the next phase: a phase of its own here, reported as one\n";
      if (phase.read_back) {
        out << "# fio's read-back pass (do_verify) of the phase before: a phase of its own here, reported as one\n";
      }
      if (phase.repeat) out << "# fio's next loop of the job above (loops with do_verify): a phase of its own here\n";
      out << "name = " << quoted(phase.name) << "\n";
      write_entries(out, phase.entries, left_out);
    }
    for (const JobFileGroup& group : phase.groups) {
      out << "\n" << (plain ? "[[group]]" : "[[phase.group]]") << "\n";
      if (!group.label.empty()) out << "# " << group.label << "\n";
      out << "name = " << quoted(group.name) << "\n";
      write_entries(out, group.entries, left_out);
    }
  }
  return out.str();
}

}  // namespace iopulse
