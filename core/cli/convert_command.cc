// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "cli/convert_command.h"

#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <boost/program_options.hpp>
#include <fmt/format.h>

#include "config/fio_job_file.h"
#include "config/job_file.h"
#include "config/toml_job_writer.h"
#include "job/job_options.h"
#include "job/run_settings.h"
#include "job/usage_error.h"
#include "plugin/engine_registry.h"
#include "target/target_probe.h"

namespace po = boost::program_options;

namespace iopulse {
namespace {

constexpr const char* kUsage =
    "Usage: iopulse convert JOB.fio [--plugin-dir DIR ...]\n\n"
    "Prints the IOPulse TOML job file equivalent to a fio job file on standard\n"
    "output (docs/fio-compatibility.md).  An ioengine that is not one of fio's\n"
    "names IOPulse maps is looked up as an IOPulse engine plugin (--plugin-dir,\n"
    "$IOPULSE_PLUGIN_PATH, the install directory).\n";

}  // namespace

int run_convert_command(int argc, char** argv) {
  try {
    po::options_description options("Options");
    options.add_options()("help,h", "show this help")(
        "plugin-dir", po::value<std::vector<std::string>>()->composing(), "also look for engine plugins here")(
        "job", po::value<std::vector<std::string>>(), "the fio job file");
    po::positional_options_description positional;
    positional.add("job", -1);
    po::variables_map vm;
    try {
      po::store(po::command_line_parser(argc, argv).options(options).positional(positional).run(), vm);
      po::notify(vm);
    } catch (const po::error& e) {
      throw UsageError(fmt::format("convert: {}", e.what()));
    }
    if (vm.count("help") != 0) {
      std::cout << kUsage;
      return 0;
    }
    const std::vector<std::string> jobs =
        vm.count("job") != 0 ? vm["job"].as<std::vector<std::string>>() : std::vector<std::string>{};
    if (jobs.size() != 1) throw UsageError("convert: give exactly one fio job file; see iopulse convert --help");
    PluginSearch search;
    if (vm.count("plugin-dir") != 0) search.plugin_dirs = vm["plugin-dir"].as<std::vector<std::string>>();
    check_plugin_dirs(search.plugin_dirs);  // even when no engine of the job is looked up
    if (const char* env = std::getenv("IOPULSE_PLUGIN_PATH")) search.env_path = env;
    std::unique_ptr<EngineRegistry> plugins;
    FioTranslationContext context;
    context.engine_exists = [&](const std::string& name) {
      if (!plugins) plugins = std::make_unique<EngineRegistry>(search);
      return plugins->lookup(name) != nullptr;
    };
    context.existing_size = [](const std::string& target) { return TargetProbe::of(target).existing_size(); };
    // Read once, as --config reads it: `convert <(...)` and /dev/stdin work.
    const std::string& path = jobs.front();
    const std::string text = read_job_file_text(path, "convert", "a fio job file");
    if (!is_fio_job_file(path, text)) {
      throw UsageError(fmt::format("convert: '{}' is not a fio job file (it is read as TOML: already an IOPulse "
                                   "job file); accepted: a fio job file", path));
    }
    const JobFile file = translate_fio_job_file(text, path, context);
    // Built as `iopulse job.fio` builds it (with no other options), so a
    // job the run would refuse is refused here too, and what it would
    // leave out of a job is written as left out.
    std::vector<LeftOutSetting> left_out;
    const std::vector<std::string> engines = file.global_values("engine");
    (void)build_phased_job(file, engines.empty() ? RunSettings{}.engine : engines.back(), [](JobSpecBuilder&) {},
                           &left_out);
    std::cout << format_toml_job_file(file, left_out);
    return 0;
  } catch (const UsageError& e) {
    std::cerr << "iopulse: error: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "iopulse: error: " << e.what() << "\n";
    return 2;
  }
}

}  // namespace iopulse
