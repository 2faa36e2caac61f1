// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "cli/command_options.h"

#include <cctype>
#include <utility>

namespace iopulse {

const std::vector<CommandOption>& command_options() {
  static const std::vector<CommandOption> options = [] {
    using enum OptionTopic;
    std::vector<CommandOption> all = {
        {"help", 'h', kGeneral, "", "show this help and exit", false, nullptr},
        {"version", 'V', kGeneral, "", "show the version and exit", false, nullptr},
        {"config", 0, kGeneral, "FILE", "read the job from this job file (TOML, docs/job-files.md, or fio's .fio format, docs/fio-compatibility.md); options given here override it",
         false, nullptr},
        {"dry-run", 0, kGeneral, "", "check the job, print the plan of every phase and exit without touching any file",
         false, nullptr},
        {"output-format", 0, kOutputs, "text|fio-json|fio-json+",
         "what is printed at the end: text (the summary, default), fio-json or fio-json+ (fio's JSON output, + with "
         "the latency histogram in fio's bins; docs/fio-compatibility.md)",
         false, nullptr},
        {"print-man", 0, kGeneral, "", "print the iopulse(1) manual page (roff) and exit", false, nullptr},
        {"print-completion", 0, kGeneral, "bash|zsh", "print the shell completion script and exit", false, nullptr},
        {"list-engines", 0, kEngines, "", "list the engines found and exit", false, nullptr},
        {"engine-help", 0, kEngines, "ENGINE", "show an engine's options and exit", false, nullptr},
    };
    for (const JobOption& o : job_options()) {
      std::string help(o.help);
      if (!o.rules.default_value.empty()) help += " (default " + std::string(o.rules.default_value) + ")";
      all.push_back({o.name, o.name == "quiet" ? 'q' : '\0', o.topic, o.value_name, std::move(help),
                     o.name == "plugin-dir", &o});
    }
    return all;
  }();
  return options;
}

std::vector<std::string> option_choices(const CommandOption& option) {
  std::vector<std::string> choices;
  const std::string_view v = option.value_name;
  if (v.find('|') == std::string_view::npos) return choices;
  // Lower-case words are literal values; upper-case ones placeholders.
  for (const std::string_view word : table_list_words(v)) {
    if (std::islower(static_cast<unsigned char>(word.front()))) choices.emplace_back(word);
  }
  return choices;
}

bool option_takes_path(const CommandOption& option) {
  const std::string_view v = option.value_name;
  return v == "FILE" || v == "PATH" || v == "DIR" || v == "NAME|PATH";
}

}  // namespace iopulse
