// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// libFuzzer target for the option and job-file parsers: every input either
// builds a job or is refused with a UsageError (exit code 2 in the real
// program).  Anything else (another exception, a crash, a sanitizer report,
// a leak) is a bug the fuzzer reports.
//
// The first byte picks the parser:
//   even  the command line: the rest split at '\n' into argv[1..]
//   odd   a TOML job file: the rest is the file's text; then the phases are
//         built as `iopulse --config` would
// Engine options are checked against the null engine, found in
// IOPULSE_FUZZ_PLUGIN_DIR.  Nothing here touches the file system besides
// loading that plugin once.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <spdlog/spdlog.h>

#include "cli/command_line.h"
#include "config/job_file.h"
#include "job/job_options.h"
#include "job/usage_error.h"
#include "plugin/engine_options.h"
#include "plugin/engine_registry.h"

namespace {

iopulse::EngineRegistry& registry() {
  static iopulse::EngineRegistry* r = [] {
    spdlog::set_level(spdlog::level::off);
    iopulse::PluginSearch search;
    search.plugin_dirs = {IOPULSE_FUZZ_PLUGIN_DIR};
    search.include_install_dir = false;
    search.include_build_tree = false;
    auto* reg = new iopulse::EngineRegistry(search);
    reg->require("null");
    return reg;
  }();
  return *r;
}

void fuzz_command_line(std::string_view text) {
  std::vector<std::string> args{"iopulse"};
  size_t start = 0;
  while (start <= text.size() && args.size() < 64) {
    const size_t end = std::min(text.find('\n', start), text.size());
    args.emplace_back(text.substr(start, end - start));
    start = end + 1;
  }
  std::vector<const char*> argv;
  for (const std::string& a : args) argv.push_back(a.c_str());
  const iopulse::CommandLine cl = iopulse::CommandLine::parse(static_cast<int>(argv.size()), argv.data());
  if (cl.action() != iopulse::CommandLine::Action::kRun) return;
  if (cl.engine() != "null") return;  // other engines would be looked up on disk
  cl.to_job_spec(registry());
}

void fuzz_job_file(std::string_view text) {
  const iopulse::JobFile file = iopulse::parse_job_file(text, "fuzz.toml");
  iopulse::EngineRegistry& reg = registry();
  iopulse::check_engine_options(file, [&reg](const std::string& engine, const std::string& option,
                                             const std::string& value) {
    const iopulse::EngineLibrary* lib = reg.find(engine);
    if (lib == nullptr) throw iopulse::UsageError("no such engine");
    iopulse::EngineOptionValues::parse(*lib, {{option, value}});
  });
  iopulse::build_phased_job(file, "null", [](iopulse::JobSpecBuilder& b) { b.apply("target", "/fuzz/t", "TARGET"); });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  try {
    if ((data[0] & 1) == 0) {
      fuzz_command_line(text);
    } else {
      fuzz_job_file(text);
    }
  } catch (const iopulse::UsageError&) {
    // Refused with a message: what bad input must get.
  }
  return 0;
}
