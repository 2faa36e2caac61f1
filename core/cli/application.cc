#include "cli/application.h"

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <system_error>

#include <fmt/format.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "cli/command_line.h"
#include "cli/report_command.h"
#include "iopulse/version.h"
#include "job/usage_error.h"
#include "plugin/engine_catalog.h"
#include "plugin/engine_options.h"
#include "plugin/engine_registry.h"
#include "report/json_report.h"
#include "report/live_line.h"
#include "report/preparation_progress.h"
#include "report/prometheus_exporter.h"
#include "report/text_report.h"
#include "report/time_series_files.h"
#include "run/engine_instance.h"
#include "run/interrupt.h"
#include "run/job_runner.h"
#include "target/dataset_preparer.h"
#include "target/target_layout.h"

namespace iopulse {
namespace {

void configure_logging() {
  auto logger = spdlog::stderr_color_st("iopulse");
  logger->set_pattern("iopulse: %^%l%$: %v");
  spdlog::set_default_logger(logger);
}

PluginSearch plugin_search(const CommandLine& cl) {
  PluginSearch search;
  search.plugin_dirs = cl.plugin_dirs();
  if (const char* env = std::getenv("IOPULSE_PLUGIN_PATH")) search.env_path = env;
  return search;
}

// Loads an engine given by path first (it wins over same-named engines in
// the directories), then every plugin in the search directories.
void load_engines(EngineRegistry& registry, const CommandLine& cl) {
  const std::string& engine = cl.engine();
  if (engine.find('/') != std::string::npos || engine.ends_with(".so")) registry.add_explicit(engine);
  registry.discover();
}

// The Prometheus view of one closed interval.
MetricsSnapshot metrics_snapshot(const MergedInterval& m, const IntervalSummary& s,
                                 const OpStatsSet& cumulative, uint64_t interval_ns, bool running) {
  MetricsSnapshot snap;
  snap.elapsed_ns = s.end_ns;
  snap.running = running;
  const double secs = static_cast<double>(s.end_ns > s.start_ns ? s.end_ns - s.start_ns : interval_ns) / 1e9;
  snap.job.read = MetricsSnapshot::OpMetrics::from(cumulative[OpKind::kRead], m.ops[OpKind::kRead], secs);
  snap.job.write = MetricsSnapshot::OpMetrics::from(cumulative[OpKind::kWrite], m.ops[OpKind::kWrite], secs);
  if (cumulative[OpKind::kSync].ops != 0) {
    snap.job.sync = MetricsSnapshot::OpMetrics::from(cumulative[OpKind::kSync], m.ops[OpKind::kSync], secs);
  }
  return snap;
}

// Creates and destroys one instance on this thread before any file is
// touched, so an engine that refuses the job (bad option combination, a
// kernel feature missing) fails with exit code 2 and nothing changed.
void check_engine_accepts(const EngineBinding& binding, const JobSpec& spec) {
  iop_engine_config config{};
  config.struct_size = sizeof config;
  config.queue_depth = binding.queue_depth;
  config.flags = spec.direct ? IOP_CONFIG_DIRECT : 0;
  config.num_workers = spec.threads;
  config.num_options = binding.num_options;
  config.options = binding.options;
  EngineInstance probe(*binding.desc, config);
}

int run_job(const CommandLine& cl, EngineRegistry& registry) {
  const JobSpec spec = cl.to_job_spec(registry);
  const EngineLibrary& lib = registry.require(spec.engine);
  const iop_engine_desc& desc = lib.desc();
  const EngineOptionValues options = EngineOptionValues::parse(lib, spec.engine_options);
  const bool diskless = (desc.caps & IOP_CAP_DISKLESS) != 0;
  if ((spec.verify || spec.verify_only) && diskless) {
    throw UsageError(fmt::format("--{}: engine {} does no IO; nothing to verify", spec.verify ? "verify" : "verify-only",
                                 desc.name));
  }
  if (spec.direct && (desc.caps & IOP_CAP_DIRECT) == 0) {
    throw UsageError(fmt::format("--direct: engine {} does not support O_DIRECT", desc.name));
  }
  const TargetLayout layout = TargetLayout::plan(spec, diskless);

  EngineBinding binding;
  binding.desc = &desc;
  binding.options = options.data();
  binding.num_options = options.size();
  binding.queue_depth = spec.queue_depth;
  if (spec.queue_depth > desc.max_queue_depth) {
    binding.queue_depth = desc.max_queue_depth;
    spdlog::warn("--queue-depth {}: engine {} keeps at most {} IO(s) in flight per worker; using {}",
                 spec.queue_depth, desc.name, desc.max_queue_depth, desc.max_queue_depth);
  }
  check_engine_accepts(binding, spec);

  // The metrics server binds before any file is touched, so a busy port is
  // a usage error with nothing changed.
  std::unique_ptr<PrometheusExporter> exporter;
  if (spec.prometheus_port != 0) {
    exporter = std::make_unique<PrometheusExporter>(spec.prometheus_bind, spec.prometheus_port);
    try {
      exporter->start();
    } catch (const std::exception& e) {
      throw UsageError(e.what());
    }
  }

  RunResult result;
  if (!diskless) {
    PreparationOptions prep_options;
    prep_options.parallelism = spec.threads;
    prep_options.verified = spec.verify && spec.read_percent > 0;
    prep_options.seed = spec.seed;
    prep_options.block_size = spec.block_size;
    prep_options.preallocate = spec.preallocate;
    prep_options.force_recreate = spec.force_recreate;
    prep_options.job_writes_unverified = !spec.verify && spec.read_percent < 100;
    auto bar = PreparationProgress::for_stderr(spec.quiet);
    const PreparationSummary prep =
        spec.verify_only ? PreparationSummary{}
                         : DatasetPreparer(prep_options).prepare(layout, [&bar](uint64_t done, uint64_t most, uint64_t ns) {
                             if (bar) bar->show(done, most, ns);
                           });
    if (bar) bar->clear();
    result.preparation_ns = prep.elapsed_ns;
    result.preparation_bytes = prep.bytes_written;
    if (prep.bytes_written > 0 && !spec.quiet) {
      spdlog::info("prepared {} file(s): wrote {} bytes in {:.2f} s (not part of the measurement)",
                   layout.files.size(), prep.bytes_written, static_cast<double>(prep.elapsed_ns) / 1e9);
    }
  }

  result.config = spec.to_json();
  result.config["queue_depth_used"] = binding.queue_depth;
  result.config["engine_options"] = options.to_json();
  result.config["file_size"] = layout.files.front().size;
  result.iopulse_version = IOPULSE_VERSION;
  result.engine.name = desc.name;
  result.engine.version = desc.version != nullptr ? desc.version : "";
  result.engine.abi = fmt::format("{}.{}", desc.abi_major, desc.abi_minor);
  result.engine.path = lib.path().string();

  auto live = LiveLine::for_stderr(spec.quiet);
  std::unique_ptr<TimeSeriesJsonLines> jsonl;
  std::unique_ptr<TimeSeriesCsv> csv;
  if (!spec.timeseries_output.empty()) jsonl = std::make_unique<TimeSeriesJsonLines>(spec.timeseries_output);
  if (!spec.csv_output.empty()) csv = std::make_unique<TimeSeriesCsv>(spec.csv_output);
  IntervalSinks sinks;
  sinks.live = live.get();
  sinks.jsonl = jsonl.get();
  sinks.csv = csv.get();
  std::vector<OpStatsSet> worker_totals;
  if (exporter) {
    worker_totals.resize(spec.threads);
    sinks.observer = [&](const MergedInterval& m, const IntervalSummary& s, const OpStatsSet& cumulative) {
      MetricsSnapshot snap = metrics_snapshot(m, s, cumulative, spec.stats_interval_ns, true);
      const double secs = static_cast<double>(s.end_ns - s.start_ns) / 1e9;
      for (const WorkerInterval& w : m.per_worker) worker_totals[w.worker].merge(w.ops);
      for (uint32_t i = 0; i < spec.threads; ++i) {
        const WorkerInterval* iv = nullptr;
        for (const WorkerInterval& w : m.per_worker) iv = w.worker == i ? &w : iv;
        static const OpStatsSet kIdle;
        const OpStatsSet& ops = iv != nullptr ? iv->ops : kIdle;
        MetricsSnapshot::Worker worker;
        worker.id = std::to_string(i);
        worker.ops.read = MetricsSnapshot::OpMetrics::from(worker_totals[i][OpKind::kRead], ops[OpKind::kRead], secs);
        worker.ops.write = MetricsSnapshot::OpMetrics::from(worker_totals[i][OpKind::kWrite], ops[OpKind::kWrite], secs);
        snap.workers.push_back(std::move(worker));
      }
      exporter->publish(std::move(snap));
    };
  }
  JobRunner(spec, layout, binding).run(result, sinks);

  if (exporter) {
    // The final numbers stay scrapeable until the process exits.
    OpStatsSet totals;
    totals[OpKind::kRead] = result.read;
    totals[OpKind::kWrite] = result.write;
    totals[OpKind::kSync] = result.sync;
    MergedInterval none;
    IntervalSummary end;
    end.end_ns = result.window_ns;
    exporter->publish(metrics_snapshot(none, end, totals, spec.stats_interval_ns, false));
  }
  write_text_summary(std::cout, result);
  std::cout.flush();
  if (!spec.json_output.empty()) write_json_file(spec.json_output, result);

  if (result.interrupted) return 128 + (interrupt_signal() != 0 ? interrupt_signal() : 2);
  // IO errors fail the run unless --continue-on-error; a block that failed
  // verification always does.
  const uint64_t io_errors = result.read.errors + result.write.errors + result.sync.errors;
  if (result.stop_reason == "error" || result.verify_failures > 0 || (io_errors > 0 && !spec.continue_on_error)) {
    for (const std::string& m : result.error_messages) spdlog::error("{}", m);
    return 1;
  }
  return 0;
}

}  // namespace

int run_application(int argc, char** argv) {
  configure_logging();
  // From the start, so a signal during set-up still ends in results marked
  // as interrupted rather than in a silent kill.
  install_interrupt_handlers();
  if (argc >= 2 && std::string_view(argv[1]) == "report") return run_report_command(argc - 1, argv + 1);
  try {
    const CommandLine cl = CommandLine::parse(argc, argv);
    switch (cl.action()) {
      case CommandLine::Action::kHelp:
        std::cout << CommandLine::usage();
        return 0;
      case CommandLine::Action::kVersion:
        std::cout << "iopulse " << IOPULSE_VERSION << " (engine ABI " << IOP_ABI_MAJOR << "."
                  << IOP_ABI_MINOR << ")\n";
        return 0;
      case CommandLine::Action::kListEngines:
      case CommandLine::Action::kEngineHelp:
      case CommandLine::Action::kRun:
        break;
    }
    EngineRegistry registry(plugin_search(cl));
    load_engines(registry, cl);
    if (cl.action() == CommandLine::Action::kListEngines) {
      std::cout << format_engine_list(registry);
      return 0;
    }
    if (cl.action() == CommandLine::Action::kEngineHelp) {
      std::cout << format_engine_help(registry.require(cl.engine_help_name()));
      return 0;
    }
    return run_job(cl, registry);
  } catch (const UsageError& e) {
    spdlog::error("{}", e.what());
    return 2;
  } catch (const std::system_error& e) {
    spdlog::error("{}", e.what());
    return 1;
  } catch (const std::exception& e) {
    spdlog::error("{}", e.what());
    return 1;
  }
  return 0;
}

}  // namespace iopulse
