// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "cli/command_line.h"

#include <algorithm>
#include <iterator>
#include <map>
#include <sstream>

#include <boost/program_options.hpp>
#include <fmt/format.h>

#include "cli/option_suggestion.h"
#include "config/fio_job_file.h"
#include "cli/command_options.h"
#include "cli/shell_completion.h"
#include "job/job_options.h"
#include "job/usage_error.h"
#include "plugin/engine_options.h"
#include "plugin/engine_registry.h"

namespace po = boost::program_options;

namespace iopulse {
namespace {

// Every option of the command (cli/command_options.h), one group per topic
// in --help.  Values are kept as text; JobSpecBuilder parses them, so
// messages have the same form as for job files.
po::options_description host_options() {
  po::options_description all("Options");
  for (OptionTopic topic : kAllTopics) {
    po::options_description group{std::string(topic_title(topic))};
    for (const CommandOption& o : command_options()) {
      if (o.topic != topic) continue;
      std::string name(o.name);
      if (o.short_name != 0) name += std::string(",") + o.short_name;
      const std::string help(o.help);
      if (o.value_name.empty()) {
        group.add_options()(name.c_str(), help.c_str());
      } else if (o.name == "target" || o.repeatable) {
        auto* value = po::value<std::vector<std::string>>()->value_name(std::string(o.value_name));
        if (o.repeatable) value->composing();
        group.add_options()(name.c_str(), value, help.c_str());
      } else {
        group.add_options()(name.c_str(), po::value<std::string>()->value_name(std::string(o.value_name)),
                            help.c_str());
      }
    }
    all.add(group);
  }
  return all;
}

// Boost keeps a pointer to the positional description, so it must outlive
// every parser: static instances.  The first pass cannot know which unknown
// option takes a value (--null.delay-us 5), so it accepts any number of
// positionals and leaves counting them to the strict second pass.
const po::positional_options_description& positionals(bool strict = true) {
  static const po::positional_options_description one = [] {
    po::positional_options_description d;
    d.add("target", 1);
    return d;
  }();
  static const po::positional_options_description any = [] {
    po::positional_options_description d;
    d.add("target", -1);
    return d;
  }();
  return strict ? one : any;
}

constexpr int kStyle = po::command_line_style::default_style & ~po::command_line_style::allow_guessing;

// Boost.Program_options builds a message by replacing placeholders such as %option% until none is
// left, so an argument that itself contains one ("--%option%=") would never finish. Every value it
// substitutes has its percent signs replaced by the full-width sign before the message is built.
struct MessageSubstitutions : po::error_with_option_name {
  static void defuse(po::error_with_option_name& e) {
    for (auto& [name, value] : e.*(&MessageSubstitutions::m_substitutions)) {
      for (size_t at = value.find('%'); at != std::string::npos; at = value.find('%', at)) {
        value.replace(at, 1, "\uFF05");
      }
    }
  }
};

// Runs Boost.Program_options and turns its exceptions into UsageError.
po::variables_map run_parser(const std::vector<std::string>& args,
                             const po::options_description& options, bool allow_unregistered) {
  po::variables_map vm;
  try {
    auto parser = po::command_line_parser(args).options(options).style(kStyle);
    parser.positional(positionals(/*strict=*/!allow_unregistered));
    if (allow_unregistered) parser.allow_unregistered();
    po::store(parser.run(), vm);
    po::notify(vm);
  } catch (const po::too_many_positional_options_error&) {
    throw UsageError("too many targets: give exactly one file or block device path");
  } catch (po::error_with_option_name& e) {
    MessageSubstitutions::defuse(e);
    throw UsageError(e.what());
  } catch (const po::error& e) {
    throw UsageError(e.what());
  }
  return vm;
}

std::string get(const po::variables_map& vm, const char* name) {
  return vm.count(name) != 0 ? vm[name].as<std::string>() : std::string();
}

}  // namespace

std::string CommandLine::usage() {
  std::ostringstream out;
  out << "Usage: iopulse TARGET [options]\n"
         "       iopulse --config JOB.toml [TARGET] [options]\n"
         "       iopulse JOB.fio [options]                  (a fio job file; docs/fio-compatibility.md)\n"
         "       iopulse convert JOB.fio                    (print its TOML job file)\n"
         "       iopulse report RESULTS.json [MORE.json ...] -o REPORT.html\n"
         "       iopulse iolog CAPTURE.iolog                (print or convert a --write-iolog capture)\n"
         "       iopulse --list-engines | --engine-help ENGINE | --version\n\n"
         "Generates IO against TARGET (a file, created and filled with data when needed,\n"
         "or a block device) and reports IOPS, bandwidth and the latency distribution.\n\n"
      << host_options()
      << "\nEngine options are written --<engine>.<option>=<value>; see --engine-help ENGINE.\n"
         "Plugins are searched in --plugin-dir, $IOPULSE_PLUGIN_PATH (colon-separated) and\n"
         "the install directory.\n\n"
         "Example:\n"
         "  iopulse /tmp/t/test.dat --file-size 256M --threads 2 --duration 5s \\\n"
         "          --read-percent 70 --random --engine sync --queue-depth 1\n";
  return out.str();
}

CommandLine CommandLine::parse(int argc, const char* const* argv) {
  CommandLine cl;
  for (int i = 1; i < argc; ++i) cl.args_.emplace_back(argv[i]);
  const po::variables_map vm = run_parser(cl.args_, host_options(), /*allow_unregistered=*/true);
  if (vm.count("help") != 0) {
    cl.action_ = Action::kHelp;
  } else if (vm.count("version") != 0) {
    cl.action_ = Action::kVersion;
  } else if (vm.count("list-engines") != 0) {
    cl.action_ = Action::kListEngines;
  } else if (vm.count("engine-help") != 0) {
    cl.action_ = Action::kEngineHelp;
    cl.engine_help_name_ = get(vm, "engine-help");
  } else if (vm.count("print-man") != 0) {
    cl.action_ = Action::kPrintMan;
  } else if (vm.count("print-completion") != 0) {
    cl.action_ = Action::kPrintCompletion;
    cl.completion_shell_ = get(vm, "print-completion");
    if (std::find(std::begin(kCompletionShells), std::end(kCompletionShells), cl.completion_shell_) ==
        std::end(kCompletionShells)) {
      throw UsageError(fmt::format("--print-completion: '{}' is not accepted; accepted: bash, zsh",
                                   cl.completion_shell_));
    }
  }
  cl.config_path_ = get(vm, "config");
  // `iopulse job.fio`: a fio job file where the target would be.
  if (cl.config_path_.empty() && vm.count("target") != 0) {
    const auto& targets = vm["target"].as<std::vector<std::string>>();
    if (targets.size() == 1 && names_fio_job_file(targets.front())) {
      for (size_t i = 0; i < cl.args_.size(); ++i) {
        if (cl.args_[i] == targets.front() && (i == 0 || cl.args_[i - 1] != "--target")) {
          cl.config_path_ = targets.front();
          cl.args_.erase(cl.args_.begin() + static_cast<std::ptrdiff_t>(i));
          break;
        }
      }
    }
  }
  if (vm.count("config") != 0 && cl.config_path_.empty()) throw UsageError("--config: '' is not a file name");
  cl.dry_run_ = vm.count("dry-run") != 0;
  if (vm.count("output-format") != 0) {
    const std::string format = get(vm, "output-format");
    if (format == "text") cl.output_format_ = OutputFormat::kText;
    else if (format == "fio-json") cl.output_format_ = OutputFormat::kFioJson;
    else if (format == "fio-json+") cl.output_format_ = OutputFormat::kFioJsonPlus;
    else throw UsageError(fmt::format("--output-format: '{}' is not accepted; accepted: text, fio-json, fio-json+", format));
  }
  if (vm.count("engine") != 0) {
    cl.engine_given_ = true;
    cl.engine_ = get(vm, "engine");
    if (cl.engine_.empty()) throw UsageError("--engine: '' is not an engine; see iopulse --list-engines");
  }
  if (vm.count("plugin-dir") != 0) cl.plugin_dirs_ = vm["plugin-dir"].as<std::vector<std::string>>();
  return cl;
}

JobSpec CommandLine::to_job_spec(EngineRegistry& registry) const {
  JobSpecBuilder job;
  apply_to(job, registry, registry.require(engine_).desc().name);
  JobSpec spec = job.build();
  job.check_log_shape(!spec.fio_bw_log.empty() || !spec.fio_iops_log.empty() || !spec.fio_lat_log.empty());
  return spec;
}

void CommandLine::apply_to(JobSpecBuilder& job, EngineRegistry& registry, const std::string& engine) const {
  const std::string& engine_for_job = engine;

  // Register every loaded engine's options, so a user who names an option of
  // another engine is told so rather than that the option does not exist.
  po::options_description all = host_options();
  po::options_description engine_opts("Engine options");
  std::map<std::string, std::pair<std::string, std::string>> engine_keys;  // key -> (engine, option)
  for (const EngineLibrary* lib : registry.engines()) {
    const iop_engine_desc& desc = lib->desc();
    for (uint32_t i = 0; i < desc.num_options; ++i) {
      const iop_option_desc& opt = desc.options[i];
      const std::string key = fmt::format("{}.{}", desc.name, opt.name);
      if (engine_keys.count(key) != 0) continue;
      auto* value = po::value<std::string>();
      if (opt.type == IOP_OPT_BOOL) value->implicit_value("");
      engine_opts.add_options()(key.c_str(), value, opt.help != nullptr ? opt.help : "");
      engine_keys[key] = {desc.name, opt.name};
    }
  }
  all.add(engine_opts);

  po::variables_map vm;
  try {
    vm = run_parser(args_, all, /*allow_unregistered=*/false);
  } catch (const UsageError&) {
    // An unknown --<engine>.<option>: let the engine's option table explain.
    std::vector<std::string> unknown;
    try {
      po::parsed_options parsed = po::command_line_parser(args_).options(all)
                                      .positional(positionals(/*strict=*/false))
                                      .style(kStyle).allow_unregistered().run();
      unknown = po::collect_unrecognized(parsed.options, po::exclude_positional);
    } catch (const po::error&) {
      // Not about an unknown option: the first message stands (rethrown below).
    }
    for (const std::string& token : unknown) {
      if (token.rfind("--", 0) != 0) continue;
      const std::string name = token.substr(2, token.find('=') - 2);
      const size_t dot = name.find('.');
      if (dot == std::string::npos) {
        std::vector<std::string> known;
        for (const auto& option : all.options()) known.push_back(option->long_name());
        const std::string hint = suggest_option(name, known);
        throw UsageError(fmt::format("unknown option '--{}'; {}see iopulse --help", name,
                                     hint.empty() ? "" : hint + " "));
      }
      const std::string engine = name.substr(0, dot);
      const std::string& job_engine = engine_for_job;
      const EngineLibrary* lib = registry.lookup(engine);
      if (lib == nullptr) {
        throw UsageError(fmt::format("--{}: no engine named '{}' was found; see iopulse --list-engines",
                                     name, engine));
      }
      // Engines are loaded when needed, so another engine's options are
      // only known here.
      const std::string option = name.substr(dot + 1);
      for (uint32_t i = 0; lib->name() != job_engine && i < lib->desc().num_options; ++i) {
        if (option == lib->desc().options[i].name) {
          throw UsageError(fmt::format("--{}: this option belongs to engine {}, but the job uses engine {}",
                                       name, lib->name(), job_engine));
        }
      }
      EngineOptionValues::parse(*lib, {{name.substr(dot + 1), ""}});  // throws the engine's message
    }
    throw;
  }

  for (const CommandOption& c : command_options()) {
    if (c.job_option == nullptr) continue;
    const JobOption& o = *c.job_option;
    const std::string name(o.name);
    if (vm.count(name) == 0) continue;
    const std::string label = "--" + name;
    if (name == "target") {
      const auto& targets = vm[name].as<std::vector<std::string>>();
      if (targets.size() > 1) {
        throw UsageError(fmt::format("--target '{}' and TARGET '{}': two targets given; accepted: one file or "
                                     "block device path, as TARGET or with --target", targets[0], targets[1]));
      }
      job.apply(name, targets.front(), "TARGET");
    } else if (c.repeatable) {
      for (const std::string& value : vm[name].as<std::vector<std::string>>()) job.apply(name, value, label);
    } else if (o.value_name.empty()) {
      job.apply(name, "", label);
    } else {
      job.apply(name, vm[name].as<std::string>(), label);
    }
  }
  // Engine options: only the chosen engine's.
  for (const auto& [key, owner] : engine_keys) {
    if (vm.count(key) == 0) continue;
    if (owner.first != engine) {
      throw UsageError(fmt::format("--{}: this option belongs to engine {}, but the job uses engine {}",
                                   key, owner.first, engine));
    }
    job.add_engine_option(owner.second, vm[key].as<std::string>());
  }
}

}  // namespace iopulse
