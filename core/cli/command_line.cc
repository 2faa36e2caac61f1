#include "cli/command_line.h"

#include <map>
#include <sstream>

#include <boost/program_options.hpp>
#include <fmt/format.h>

#include "cli/quantity_parser.h"
#include "job/usage_error.h"
#include "plugin/engine_options.h"
#include "plugin/engine_registry.h"

namespace po = boost::program_options;

namespace iopulse {
namespace {

constexpr uint32_t kMaxThreads = 4096;
constexpr uint32_t kMaxQueueDepth = 65536;
constexpr uint64_t kMaxBlockSize = 1ULL << 30;

// The host's own options.  Values are kept as text and parsed by
// quantity_parser so every message has the same form.
po::options_description host_options() {
  po::options_description d("Options");
  auto text = [] { return po::value<std::string>(); };
  d.add_options()
      ("help,h", "show this help and exit")
      ("version,V", "show the version and exit")
      ("file-size", text(), "bytes of each target file to use (e.g. 256M, 1G); required when the file does not exist")
      ("block-size", text(), "bytes per IO (default 4k; k/m/g suffixes are binary)")
      ("threads", text(), "worker threads (default 1)")
      ("queue-depth", text(), "IOs in flight per worker (default 1)")
      ("read-percent", text(), "share of reads, 0-100 (default 100)")
      ("write-percent", text(), "share of writes, 0-100; read + write must be 100")
      ("random", "uniform random offsets (sequential otherwise)")
      ("duration", text(), "run for this long (e.g. 500ms, 5s, 2m, 1h)")
      ("total-bytes", text(), "stop after this many bytes in total (a multiple of the block size)")
      ("engine", text(), "IO engine: a name from --list-engines or a path to a .so (default sync)")
      ("direct", "open files with O_DIRECT (bypass the page cache)")
      ("file-distribution", text(), "shared (one file for all workers) or per-worker (<path>.<n> each)")
      ("buffer-pattern", text(), "fill write buffers with this byte (0-255 or 0x00-0xff) instead of random data")
      ("continue-on-error", "count IO errors and keep going instead of stopping at the first")
      ("json-output", text(), "write the results as JSON to this file")
      ("stats-interval", text(), "length of one time-series interval (default 1s)")
      ("timeseries-output", text(), "stream the time series to this JSON Lines file")
      ("csv-output", text(), "stream the time series to this CSV file")
      ("timeseries-per-worker", "also record one time series per worker")
      ("heatmap", "count accesses per region of the target; report coverage and rewrites")
      ("heatmap-buckets", text(), "regions of the heatmap (default 100)")
      ("prometheus-port", text(), "serve live metrics at http://BIND:PORT/metrics")
      ("prometheus-bind", text(), "address the metrics server binds to (default 127.0.0.1)")
      ("plugin-dir", po::value<std::vector<std::string>>()->composing(),
       "also look for engine plugins in this directory (repeatable)")
      ("list-engines", "list the engines found and exit")
      ("engine-help", text(), "show an engine's options and exit")
      ("quiet,q", "no live progress line")
      ("target", po::value<std::vector<std::string>>(), "the file or block device to do IO on");
  return d;
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
  } catch (const po::error& e) {
    throw UsageError(e.what());
  }
  return vm;
}

std::string get(const po::variables_map& vm, const char* name) {
  return vm.count(name) != 0 ? vm[name].as<std::string>() : std::string();
}

uint32_t parse_percent(const char* option, const std::string& text) {
  return static_cast<uint32_t>(parse_count(fmt::format("--{}", option), text, 0, 100));
}

}  // namespace

std::string CommandLine::usage() {
  std::ostringstream out;
  out << "Usage: iopulse TARGET [options]\n"
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
  }
  if (vm.count("engine") != 0) {
    cl.engine_ = get(vm, "engine");
    if (cl.engine_.empty()) throw UsageError("--engine: '' is not an engine; see iopulse --list-engines");
  }
  if (vm.count("plugin-dir") != 0) cl.plugin_dirs_ = vm["plugin-dir"].as<std::vector<std::string>>();
  return cl;
}

JobSpec CommandLine::to_job_spec(EngineRegistry& registry) const {
  const EngineLibrary& chosen = registry.require(engine_);

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
        throw UsageError(fmt::format("unknown option '--{}'; see iopulse --help", name));
      }
      const std::string engine = name.substr(0, dot);
      const EngineLibrary* lib = registry.find(engine);
      if (lib == nullptr) {
        throw UsageError(fmt::format("--{}: no engine named '{}' was found; see iopulse --list-engines",
                                     name, engine));
      }
      EngineOptionValues::parse(*lib, {{name.substr(dot + 1), ""}});  // throws the engine's message
    }
    throw;
  }

  if (vm.count("target") == 0) {
    throw UsageError("missing TARGET: give the file or block device to do IO on (see iopulse --help)");
  }
  JobSpec spec;
  spec.target_path = vm["target"].as<std::vector<std::string>>().front();
  if (spec.target_path.empty()) throw UsageError("TARGET: '' is not a path");
  spec.engine = engine_;
  spec.plugin_dirs = plugin_dirs_;

  if (vm.count("file-size")) {
    spec.file_size = parse_size("--file-size", get(vm, "file-size"));
    if (spec.file_size == 0) throw UsageError("--file-size: '0' is not accepted; accepted: a size above 0");
  }
  if (vm.count("block-size")) {
    const uint64_t bs = parse_size("--block-size", get(vm, "block-size"));
    if (bs == 0 || bs > kMaxBlockSize) {
      throw UsageError(fmt::format("--block-size: '{}' is not accepted; accepted: 1 byte to 1G",
                                   get(vm, "block-size")));
    }
    spec.block_size = static_cast<uint32_t>(bs);
  }
  if (vm.count("threads")) {
    spec.threads = static_cast<uint32_t>(parse_count("--threads", get(vm, "threads"), 1, kMaxThreads));
  }
  if (vm.count("queue-depth")) {
    spec.queue_depth =
        static_cast<uint32_t>(parse_count("--queue-depth", get(vm, "queue-depth"), 1, kMaxQueueDepth));
  }
  const bool has_read = vm.count("read-percent") != 0;
  const bool has_write = vm.count("write-percent") != 0;
  if (has_read && has_write) {
    const uint32_t r = parse_percent("read-percent", get(vm, "read-percent"));
    const uint32_t w = parse_percent("write-percent", get(vm, "write-percent"));
    if (r + w != 100) {
      throw UsageError(fmt::format(
          "--read-percent {} and --write-percent {} add up to {}; accepted: shares that sum to 100",
          r, w, r + w));
    }
    spec.read_percent = r;
  } else if (has_read) {
    spec.read_percent = parse_percent("read-percent", get(vm, "read-percent"));
  } else if (has_write) {
    spec.read_percent = 100 - parse_percent("write-percent", get(vm, "write-percent"));
  }
  spec.random = vm.count("random") != 0;
  if (vm.count("duration")) spec.duration_ns = parse_duration_ns("--duration", get(vm, "duration"));
  if (vm.count("total-bytes")) {
    spec.total_bytes = parse_size("--total-bytes", get(vm, "total-bytes"));
    if (spec.total_bytes == 0) throw UsageError("--total-bytes: '0' is not accepted; accepted: a size above 0");
  }
  spec.direct = vm.count("direct") != 0;
  if (vm.count("file-distribution")) {
    const std::string d = get(vm, "file-distribution");
    if (d == "shared") spec.file_distribution = FileDistribution::kShared;
    else if (d == "per-worker") spec.file_distribution = FileDistribution::kPerWorker;
    else throw UsageError(fmt::format("--file-distribution: '{}' is not accepted; accepted: shared, per-worker", d));
  }
  if (vm.count("buffer-pattern")) {
    const std::string text = get(vm, "buffer-pattern");
    uint64_t value = 256;
    try {
      size_t used = 0;
      value = std::stoull(text, &used, 0);
      if (used != text.size()) value = 256;
    } catch (const std::exception&) {
    }
    if (value > 255) {
      throw UsageError(fmt::format("--buffer-pattern: '{}' is not accepted; accepted: a byte, 0-255 or 0x00-0xff", text));
    }
    spec.buffer_fill = BufferFill::kPattern;
    spec.buffer_pattern = static_cast<uint8_t>(value);
  }
  spec.continue_on_error = vm.count("continue-on-error") != 0;
  spec.quiet = vm.count("quiet") != 0;
  spec.json_output = get(vm, "json-output");

  if (vm.count("stats-interval")) {
    spec.stats_interval_ns = parse_duration_ns("--stats-interval", get(vm, "stats-interval"));
    if (spec.stats_interval_ns < 10'000'000) {
      throw UsageError(fmt::format("--stats-interval: '{}' is too short; accepted: 10ms or more",
                                   get(vm, "stats-interval")));
    }
  }
  spec.timeseries_output = get(vm, "timeseries-output");
  spec.csv_output = get(vm, "csv-output");
  spec.timeseries_per_worker = vm.count("timeseries-per-worker") != 0;
  spec.heatmap = vm.count("heatmap") != 0 || vm.count("heatmap-buckets") != 0;
  if (vm.count("heatmap-buckets")) {
    spec.heatmap_buckets =
        static_cast<uint32_t>(parse_count("--heatmap-buckets", get(vm, "heatmap-buckets"), 1, 100000));
  }
  if (vm.count("prometheus-port")) {
    spec.prometheus_port =
        static_cast<uint16_t>(parse_count("--prometheus-port", get(vm, "prometheus-port"), 1, 65535));
  }
  if (vm.count("prometheus-bind")) {
    spec.prometheus_bind = get(vm, "prometheus-bind");
    if (spec.prometheus_port == 0) {
      throw UsageError("--prometheus-bind: needs --prometheus-port");
    }
  }
  for (const char* option : {"json-output", "timeseries-output", "csv-output"}) {
    if (vm.count(option) && get(vm, option).empty()) {
      throw UsageError(fmt::format("--{}: '' is not a file name", option));
    }
  }

  // Engine options: only the chosen engine's.
  for (const auto& [key, owner] : engine_keys) {
    if (vm.count(key) == 0) continue;
    if (owner.first != chosen.desc().name) {
      throw UsageError(fmt::format("--{}: this option belongs to engine {}, but the job uses engine {}",
                                   key, owner.first, chosen.desc().name));
    }
    spec.engine_options.emplace_back(owner.second, vm[key].as<std::string>());
  }
  return spec;
}

}  // namespace iopulse
