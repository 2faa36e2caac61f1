// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "cli/application.h"

#include <malloc.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <initializer_list>
#include <iostream>
#include <optional>
#include <random>
#include <sstream>
#include <system_error>

#include <fmt/format.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "cli/command_line.h"
#include "cli/man_page.h"
#include "cli/shell_completion.h"
#include "cluster/agreement.h"
#include "cluster/cluster_run.h"
#include "cluster/job_identity.h"
#include "cluster/mpi_module.h"
#include "cluster/process_group.h"
#include "job/mix64.h"
#include "cluster/target_scope.h"
#include "cli/report_command.h"
#include "cli/convert_command.h"
#include "cli/descriptor_reserve.h"
#include "cli/iolog_command.h"
#include "cli/per_io_log_capture.h"
#include "config/fio_job_file.h"
#include "config/job_file.h"
#include "iopulse/version.h"
#include "job/io_priority.h"
#include "job/job_options.h"
#include "job/path_list.h"
#include "job/usage_error.h"
#include "output/output_plan.h"
#include "plugin/engine_catalog.h"
#include "plugin/engine_options.h"
#include "plugin/engine_registry.h"
#include "report/fio_json_writer.h"
#include "report/fio_log_files.h"
#include "report/json_report.h"
#include "report/live_line.h"
#include "report/preparation_progress.h"
#include "report/prometheus_exporter.h"
#include "trace/blktrace_reader.h"
#include "report/run_goal.h"
#include "report/text_report.h"
#include "report/time_series_files.h"
#include "run/engine_instance.h"
#include "run/file_set.h"
#include "run/interrupt.h"
#include "run/job_runner.h"
#include "run/monotonic_clock.h"
#include "run/phase_crew.h"
#include "run/planned_workload.h"
#include "target/created_file.h"
#include "target/dataset_preparer.h"
#include "target/device_use.h"
#include "target/target_probe.h"
#include "target/layout_manifest.h"
#include "target/metadata_record.h"
#include "target/target_layout.h"
#include "verify/verify_journal.h"

namespace iopulse {
namespace {

// A sink that hands each interval to a function (the metrics server's
// publisher, which keeps state of the application's across phases).
class IntervalCallback final : public IntervalSink {
 public:
  explicit IntervalCallback(std::function<void(const IntervalSnapshot&)> on_interval)
      : on_interval_(std::move(on_interval)) {}
  void on_interval(const IntervalSnapshot& interval) override { on_interval_(interval); }
  bool needs_workers() const override { return true; }

 private:
  std::function<void(const IntervalSnapshot&)> on_interval_;
};

void configure_logging() {
  auto logger = spdlog::stderr_color_st("iopulse");
  logger->set_pattern("iopulse: %^%l%$: %v");
  spdlog::set_default_logger(logger);
}

// The engine a job names: --engine, else the job file's, else sync.
std::string chosen_engine(const CommandLine& cl, const JobFile* file) {
  if (cl.engine_given() || file == nullptr) return cl.engine();
  const std::vector<std::string> named = file->global_values("engine");
  return named.empty() ? cl.engine() : named.back();
}

PluginSearch plugin_search(const CommandLine& cl, const JobFile* file) {
  PluginSearch search;
  search.plugin_dirs = cl.plugin_dirs();
  if (search.plugin_dirs.empty() && file != nullptr) search.plugin_dirs = file->global_values("plugin-dir");
  if (const char* env = std::getenv("IOPULSE_PLUGIN_PATH")) search.env_path = env;
  return search;
}

// The job file of --config (or `iopulse job.fio`): a fio job file is
// translated (config/fio_job_file.h), anything else read as TOML.  Read
// once: a pipe (`--config <(...)`) gives its text only once.
JobFile load_any_job_file(const CommandLine& cl) {
  std::unique_ptr<EngineRegistry> plugins;  // only when a fio job names an engine IOPulse does not map
  FioTranslationContext fio;
  fio.engine_exists = [&](const std::string& name) {
    if (!plugins) plugins = std::make_unique<EngineRegistry>(plugin_search(cl, nullptr));
    return plugins->lookup(name) != nullptr;
  };
  fio.existing_size = [](const std::string& target) { return TargetProbe::of(target).existing_size(); };
  const std::string& path = cl.config_path();
  const std::string text = read_job_file_text(path, "--config", "a job file (TOML or fio's INI)");
  if (is_fio_job_file(path, text)) return translate_fio_job_file(text, path, fio);
  return parse_job_file(text, path);
}

// Loads an engine given by path first (it wins over same-named engines in
// the directories).  Engines named otherwise are loaded when looked up, and
// only the ones the command needs (plugin/engine_registry.h).
void load_engines(EngineRegistry& registry, const std::string& engine) {
  if (engine.find('/') != std::string::npos || engine.ends_with(".so")) registry.add_explicit(engine);
}

// An error on one rank outside an agreed step: the others cannot learn of
// it in order, so the job ends at once (MPI_Abort) with the error printed
// by the rank that hit it.
[[noreturn]] void abort_job(ProcessGroup& group, int exit_code, const char* what) {
  std::fprintf(stderr, "iopulse: error: rank %u (%s): %s; ending the job\n", group.rank(), group.host().c_str(),
               what);
  std::fflush(stderr);
  group.abort(exit_code);
  std::_Exit(exit_code);  // not reached
}

// The job's one --io-priority (0: none, or several) and the priority of its
// other reads and writes (0: none): its reads and writes are exported by
// priority too.
struct ExportedPriority {
  uint16_t prioritized = 0;
  uint16_t others = 0;
};

// The Prometheus view of one closed interval: `m` and `s` are the interval,
// `cumulative` the run's counters so far (every earlier phase included, so
// the counters never go back at a phase boundary).
MetricsSnapshot metrics_snapshot(const MetricsSnapshot::Info& info, const MergedInterval& m,
                                 const IntervalSummary& s, const OpStatsSet& cumulative, uint64_t interval_ns,
                                 uint64_t elapsed_ns, bool running, ExportedPriority io_priority) {
  MetricsSnapshot snap;
  snap.info = info;
  snap.elapsed_ns = elapsed_ns;
  snap.running = running;
  const double secs = static_cast<double>(s.end_ns > s.start_ns ? s.end_ns - s.start_ns : interval_ns) / 1e9;
  snap.job.set_from(cumulative, m.ops, secs);
  if (io_priority.prioritized != 0) {
    using OpMetrics = MetricsSnapshot::OpMetrics;
    const PrioritySplit &c = cumulative.priority, &i = m.ops.priority;
    snap.priorities = {
        {io_priority_text(io_priority.prioritized), OpMetrics::from(c.prioritized.read, i.prioritized.read, secs),
         OpMetrics::from(c.prioritized.write, i.prioritized.write, secs)},
        {io_priority.others == 0 ? "none" : io_priority_text(io_priority.others),
         OpMetrics::from(c.others.read, i.others.read, secs),
         OpMetrics::from(c.others.write, i.others.write, secs)}};
  }
  return snap;
}

// One phase: its concurrent workloads (one, or a group each).
struct PlannedPhase {
  std::string name;  // empty for a job without phases
  std::vector<std::unique_ptr<PlannedWorkload>> workloads;
  const PlannedWorkload& first() const { return *workloads.front(); }
};

// The run's sets of files (run/file_set.h), from every workload in run
// order.  Throws UsageError when a file is in two.
std::vector<FileSet> file_sets_of(const std::vector<PlannedPhase>& phases) {
  std::vector<const PlannedWorkload*> all;
  for (const PlannedPhase& p : phases) {
    for (const auto& w : p.workloads) all.push_back(w.get());
  }
  return group_file_sets(all);
}

// A size for one direction in a workload that never goes that way is said,
// not silently dropped.  (A warning, not a refusal: a job file's global
// sizes and fio's `bs=4k,64k` apply to workloads of both kinds.)
void warn_of_sizes_without_effect(const std::vector<PlannedPhase>& phases) {
  for (const PlannedPhase& p : phases) {
    for (const auto& w : p.workloads) {
      const JobSpec& s = w->spec;
      if (s.metadata.active()) continue;
      const std::string where = phases.size() > 1 && !p.name.empty() ? fmt::format(" (phase '{}')", p.name) : "";
      if (s.read_percent == 0 && s.origins.has("read-block-size")) {
        spdlog::warn("{}: no effect{}: the workload only writes, and its writes take --write-block-size or "
                     "--block-size", s.origins.label_of("read-block-size"), where);
      }
      if (s.read_percent == 100 && s.origins.has("write-block-size")) {
        spdlog::warn("{}: no effect{}: the workload only reads, and its reads take --read-block-size or "
                     "--block-size", s.origins.label_of("write-block-size"), where);
      }
    }
  }
}

// No preparation writes data into the image of a mounted file system (the
// backing file of a loop device in use) unless every job on the set opted
// in with --allow-mounted-writes: a job that only reads neither, when its
// preparation would fill a hole or write the file whole (DatasetPreparer's
// own decision).  Every rank checks every file of a set, the ones another
// rank prepares too, against its own host's loop devices.  Reads only.
void check_preparation_spares_mounted_images(const std::vector<FileSet>& sets, bool diskless) {
  if (diskless) return;
  std::vector<std::pair<const TargetLayout*, PreparationOptions>> guarded;
  for (const FileSet& set : sets) {
    const JobSpec& s = set.first().spec;
    if (s.verify_only || s.metadata.active()) continue;  // never prepared
    const bool opted_in = std::all_of(set.workloads.begin(), set.workloads.end(),
                                      [](const PlannedWorkload* w) { return w->spec.allow_mounted_writes; });
    if (!opted_in) guarded.emplace_back(&set.layout(), set.preparation());
  }
  if (!guarded.empty()) DatasetPreparer::check_not_backing_a_loop(guarded, LoopBackingFiles::scan());
}

// The --io-priority and --io-priority-others every workload of every phase
// asks for; none when they differ between two (the job's reads and writes
// would not all be split between one priority and another).
ExportedPriority common_io_priority(const std::vector<PlannedPhase>& phases) {
  const auto of = [](const JobSpec& s) {
    return ExportedPriority{s.io_priority, s.io_priority_percent == 100 ? uint16_t{0} : s.io_priority_others};
  };
  const ExportedPriority common = of(phases.front().first().spec);
  for (const PlannedPhase& p : phases) {
    for (const auto& w : p.workloads) {
      const ExportedPriority e = of(w->spec);
      if (e.prioritized != common.prioritized || e.others != common.others) return {};
    }
  }
  return common;
}

// A phase with several --md-phases becomes one phase per metadata phase,
// each measured on its own ("<phase>.<md-phase>", or the md-phase's name).
PhasedJob split_metadata_phases(PhasedJob job) {
  std::vector<PhaseSpec> out;
  bool data = false, metadata = false;
  for (PhaseSpec& s : job.phases) {
    for (const auto& [name, g] : s.groups) {
      if (g.metadata.active()) throw UsageError("--md-phases: not available in groups; give it to a phase");
    }
    const MetadataSpec& md = s.workload.metadata;
    (md.active() ? metadata : data) = true;
    if (md.phases.size() <= 1) {
      out.push_back(std::move(s));
      continue;
    }
    for (MetaPhase p : md.phases) {
      PhaseSpec one{s.name.empty() ? std::string(info(p).name) : s.name + "." + info(p).name, s.workload, {}};
      one.workload.metadata.phases = {p};
      out.push_back(std::move(one));
    }
  }
  if (data && metadata) {
    throw UsageError("--md-phases: a job runs metadata phases or data phases, not both; use two jobs");
  }
  job.phases = std::move(out);
  return job;
}

// Before anything is touched: every metadata phase finds the tree it needs
// under its target, and removes only what IOPulse recorded creating.  The
// phases on the per-worker trees and those on the shared tree (--md-shared-dir)
// are two families; within one the shape stays the same.
void check_metadata_phases(const std::vector<PlannedPhase>& phases, uint32_t rank, uint32_t ranks) {
  if (!phases.front().first().spec.metadata.active()) return;
  for (const bool shared : {false, true}) {
    const JobSpec* first = nullptr;
    std::vector<MetadataPhasePlan> plans;
    for (const PlannedPhase& p : phases) {
      const JobSpec& s = p.first().spec;
      const MetadataSpec& a = s.metadata;
      if (a.shared_dir != shared) continue;
      // --md-stride N must lead every worker to another's items: N is not
      // a multiple of the job's workers (so a job of one worker has none).
      if (a.stride != 0 && a.stride % (s.threads * ranks) == 0) {
        throw UsageError(fmt::format("--md-stride {}: a multiple of the job's {} worker(s) ({} thread(s) x {} rank(s)), "
                                     "so every worker would work on its own items; accepted: 0, or a stride that is "
                                     "not a multiple of {}",
                                     a.stride, s.threads * ranks, s.threads, ranks, s.threads * ranks));
      }
      if (first == nullptr) first = &s;
      const MetadataSpec& b = first->metadata;
      if (s.threads != first->threads || a.items != b.items || a.depth != b.depth || a.branching != b.branching ||
          a.leaf_only != b.leaf_only) {
        throw UsageError(fmt::format("phase {}: the metadata phases on one tree keep its shape; --threads and "
                                     "--md-items/-depth/-branching/-leaf-only must be the same in each",
                                     p.name));
      }
      plans.push_back({p.name.empty() ? std::string(info(a.phases.front()).name) : p.name, a.phases.front()});
    }
    if (first != nullptr) {
      // With --md-stride a worker works on other ranks' items: every
      // worker of the job is checked.
      bool stride = false;
      for (const PlannedPhase& p : phases) stride |= p.first().spec.metadata.stride != 0;
      const uint32_t workers = first->threads * ranks;
      check_metadata_target(first->target_path, first->metadata, plans, stride ? 0 : rank * first->threads,
                            stride ? workers : first->threads, workers);
    }
  }
}

// The job and every phase's workloads, checked against the engine; no target
// looked at yet.
PhasedJob phased_job(const CommandLine& cl, EngineRegistry& registry, const JobFile* file,
                     const EngineLibrary& lib) {
  PhasedJob job;
  if (file != nullptr) {
    check_engine_options(*file, [&registry](const std::string& engine, const std::string& option,
                                            const std::string& text) {
      const EngineLibrary* owner = registry.lookup(engine);
      if (owner == nullptr) {
        throw UsageError(fmt::format("--{}.{}: no engine named '{}' was found; see iopulse --list-engines",
                                     engine, option, engine));
      }
      EngineOptionValues::parse(*owner, {{option, text}});
    });
    job = build_phased_job(*file, lib.desc().name,
                           [&](JobSpecBuilder& b) { cl.apply_to(b, registry, lib.desc().name); });
  } else {
    job = PhasedJob::of(cl.to_job_spec(registry));
  }
  return split_metadata_phases(std::move(job));
}

// Calls f(workload) for every workload of every phase, always in the same
// order.
template <class F>
void for_each_workload(PhasedJob& job, F&& f) {
  for (PhaseSpec& s : job.phases) {
    if (s.groups.empty()) {
      f(s.workload);
    } else {
      for (auto& [name, workload] : s.groups) f(workload);
    }
  }
}

// --seed random: one draw per run, rank 0's given to every rank (their
// workers' seeds must agree), from which each workload that asked for it
// takes its own seed by its place in the job (phases and groups differ, as
// fio seeds each job of randrepeat=0 afresh).  Before anything is planned;
// the results show the seeds used.  Every rank calls it (a broadcast) when
// any workload asks, which the ranks' identical configs make all or none.
void resolve_random_seeds(PhasedJob& job, ProcessGroup& group) {
  bool any = false;
  for_each_workload(job, [&](const WorkloadSpec& w) { any |= w.seed_random; });
  if (!any) return;
  std::string drawn;
  if (group.rank() == 0) {
    std::random_device device;
    drawn = std::to_string((uint64_t{device()} << 32) | device());
  }
  const uint64_t run_seed = std::stoull(group.broadcast(drawn));
  uint64_t place = 0;
  for_each_workload(job, [&](WorkloadSpec& w) {
    ++place;
    if (w.seed_random) w.seed = mix64(run_seed + place * kMix64Golden);
  });
  // A phase of groups keeps its first group's workload as its own.
  for (PhaseSpec& phase : job.phases) {
    if (!phase.groups.empty()) phase.workload = phase.groups.front().second;
  }
}

bool writes_verified(const JobSpec& s) { return s.verify && s.read_percent < 100; }

// Every phase of the job, planned and validated before any file is touched.
// scopes[i]: the processes sharing the i-th workload's target.
std::vector<PlannedPhase> plan_phases(const PhasedJob& job, const EngineLibrary& lib,
                                      const std::vector<LayoutScope>& scopes) {
  // A phase writing verified blocks makes the preparation fill the files
  // with them (preparation_for(); the first phase then does not only check,
  // so the files are prepared): the phases after it that check them need no
  // dataset on disk before the run.
  // (Each set of files is prepared on its own: the files a phase writes
  // verified blocks to.)
  std::vector<TargetSpec> verified_by_run;
  const auto note_verified = [&](const WorkloadSpec& w) {
    const JobSpec spec = job.job(w);
    if (writes_verified(spec)) verified_by_run.push_back(spec.target());
  };
  const auto verified = [&](const WorkloadSpec& w) {
    return std::find(verified_by_run.begin(), verified_by_run.end(), job.job(w).target()) != verified_by_run.end();
  };
  std::vector<PlannedPhase> phases;
  std::vector<std::string> problems;  // one per workload that cannot be planned
  size_t next = 0;
  for (const PhaseSpec& s : job.phases) {
    if (s.groups.empty()) note_verified(s.workload);
    for (const auto& [name, workload] : s.groups) note_verified(workload);
    // --wait-for names a group before the waiting one in its phase.
    for (size_t g = 0; g < s.groups.size(); ++g) {
      const std::string& waitee = s.groups[g].second.wait_for;
      if (waitee.empty()) continue;
      const bool earlier = std::any_of(s.groups.begin(), s.groups.begin() + static_cast<ptrdiff_t>(g),
                                       [&](const auto& other) { return other.first == waitee; });
      if (!earlier) {
        problems.push_back(fmt::format("--wait-for: '{}' is not a group before '{}' in phase '{}'; accepted: the "
                                       "name of an earlier group of the same phase", waitee, s.groups[g].first,
                                       s.name));
      }
    }
    if (s.groups.empty() && !s.workload.wait_for.empty()) {
      problems.push_back(fmt::format("--wait-for: '{}': the {} has no groups to wait for; accepted: in a job file's "
                                     "group, the name of an earlier group of the same phase", s.workload.wait_for,
                                     s.name.empty() ? std::string("job") : "phase '" + s.name + "'"));
    }
    PlannedPhase phase{s.name, {}};
    // Every workload is planned; each one's problem is a line (below).
    const auto plan = [&](const std::string& group, const WorkloadSpec& workload) {
      try {
        phase.workloads.push_back(PlannedWorkload::plan(group, job.job(workload), lib, scopes[next++],
                                                        verified(workload)));
      } catch (const UsageError& e) {
        std::string where = s.name.empty() ? std::string() : fmt::format("phase '{}'", s.name);
        if (!group.empty()) where += fmt::format("{}group '{}'", where.empty() ? "" : ", ", group);
        problems.push_back(where.empty() ? e.what() : fmt::format("{}: {}", where, e.what()));
      }
    };
    if (s.groups.empty()) {
      plan("", s.workload);
    } else {
      for (const auto& [name, workload] : s.groups) plan(name, workload);
    }
    phases.push_back(std::move(phase));
  }
  if (problems.size() == 1) throw UsageError(problems.front());
  if (!problems.empty()) {
    std::string message = fmt::format("{} problems with this job:", problems.size());
    for (const std::string& p : problems) message += "\n  " + p;
    throw UsageError(message);
  }
  return phases;
}

// The effective job without what may differ between ranks: the per_host
// options of the option table, and engine options (such as a per-host
// sqpoll CPU; the engines' identity is checked on its own).
nlohmann::json job_identity_config(const PhasedJob& job) {
  nlohmann::json all = nlohmann::json::array();
  for (const PhaseSpec& s : job.phases) {
    nlohmann::json phase = {{"name", s.name}, {"spec", job_identity(job.job(s.workload))}};
    for (const auto& [name, workload] : s.groups) phase["groups"][name] = job_identity(job.job(workload));
    all.push_back(std::move(phase));
  }
  for (nlohmann::json& phase : all) {
    phase["spec"].erase("engine_options");
    if (phase.contains("groups")) {
      for (auto& g : phase["groups"]) g.erase("engine_options");
    }
  }
  return all;
}

// What --dry-run prints: the files and every phase's effective job.
void print_plan(const std::vector<PlannedPhase>& phases, const EngineLibrary& lib) {
  const PlannedWorkload& first = phases.front().first();
  std::cout << "engine " << lib.desc().name << " " << (lib.desc().version ? lib.desc().version : "") << " ("
            << lib.path().string() << ")\n";
  std::cout << "files (nothing was touched):\n";
  for (const FileSet& set : file_sets_of(phases)) {
    for (const PlannedFile& f : set.layout().files) {
      std::cout << "  " << f.path << "  " << f.size << " bytes" << (f.device == PlannedFile::Device::kBlock    ? "  block device"
                                   : f.device == PlannedFile::Device::kMemory ? "  memory device"
                                                                              : "") << "\n";
    }
  }
  if (!first.spec.export_layout_manifest.empty()) {
    std::cout << "layout manifest: not written to '" << first.spec.export_layout_manifest
              << "' (--dry-run touches nothing)\n";
  }
  for (const PlannedPhase& p : phases) {
    for (const auto& w : p.workloads) {
      nlohmann::json config = job_config(w->spec);
      config["engine_options"] = w->options.to_json();
      std::cout << "phase " << (p.name.empty() ? std::string("(single)") : p.name)
                << (w->name.empty() ? std::string() : ", group " + w->name) << ":\n"
                << config.dump(2) << "\n";
    }
  }
}

// The fio-format logs' shape: the run's.
FioLogSettings fio_log_shape(const RunSettings& run) {
  FioLogSettings s;
  s.per_io = run.fio_log_per_io;
  s.offset = run.fio_log_offset;
  s.prio = run.fio_log_prio;
  s.unix_epoch = run.fio_log_unix_epoch;
  return s;
}

// Each worker's fio-format log prefixes, its workload's, numbered one after
// another through the phases, as fio numbers its jobs' threads: a phase of
// a fio job file that is no fio job (IOPulse's ramp or read-back phase, with
// no reporting group) takes no number.  A ramp phase does not log; the
// read-back phase's workers go on in the files of the job's (the phase
// before, of as many workers), as fio logs its verify reads in the job's
// logs.  Empty when no workload logs.
std::vector<FioLogSettings> fio_log_prefixes(const std::vector<PlannedPhase>& phases, const JobFile* file) {
  std::vector<FioLogSettings> workers;
  bool any = false;
  uint32_t number = 0;
  const auto threads_of = [](const PlannedPhase& p) {
    uint32_t n = 0;
    for (const auto& w : p.workloads) n += w->spec.threads;
    return n;
  };
  for (size_t i = 0; i < phases.size(); ++i) {
    const bool fio_job = file == nullptr || file->reporting_groups.size() != phases.size() ||
                         !file->reporting_groups[i].empty();
    const uint32_t threads = threads_of(phases[i]);
    // A read-back pass, or another loop of its job: the job's workers' logs go on.
    if (!fio_job && i > 0 && file->phases.size() == phases.size() &&
        (file->phases[i].read_back || file->phases[i].repeat)) {
      if (threads_of(phases[i - 1]) != threads) {
        throw std::logic_error(fmt::format("the phase '{}' has {} workers, its job's phase before it {}",
                                           phases[i].name, threads, threads_of(phases[i - 1])));
      }
      const size_t job_first = workers.size() - threads;
      for (uint32_t t = 0; t < threads; ++t) {
        FioLogSettings continued = workers[job_first + t];
        continued.continues = static_cast<uint32_t>(job_first + t);
        continued.read_back = file->phases[i].read_back;
        workers.push_back(continued);
      }
      continue;
    }
    for (const auto& w : phases[i].workloads) {
      FioLogSettings prefixes;
      if (fio_job) {
        prefixes.bw = w->spec.fio_bw_log;
        prefixes.iops = w->spec.fio_iops_log;
        prefixes.lat = w->spec.fio_lat_log;
      }
      any |= prefixes.any();
      for (uint32_t t = 0; t < w->spec.threads; ++t) {
        if (fio_job) prefixes.number = ++number;
        workers.push_back(prefixes);
      }
    }
  }
  if (!any) workers.clear();
  return workers;
}

// The directory of the first fio-format log asked for: where per-IO
// captures go (the logs take more room than they do).
std::string fio_log_dir(const std::vector<FioLogSettings>& workers) {
  for (const FioLogSettings& w : workers) {
    for (const std::string* prefix : {&w.bw, &w.iops, &w.lat}) {
      if (!prefix->empty()) return std::filesystem::path(*prefix).parent_path().string();
    }
  }
  return "";
}

// Checks every output of the job against each other and against every
// file the job reads or works on.  Throws UsageError.
OutputPlan check_outputs(const std::vector<PlannedPhase>& phases, const RunSettings& run, const CommandLine& cl,
                         const JobFile* file) {
  const JobSpec& spec = phases.front().first().spec;  // the first workload's trace, manifest, IO log
  if (!spec.write_iolog.empty() && phases.size() > 1) {
    throw UsageError(fmt::format("--write-iolog '{}': records one phase; this job has {} phases", spec.write_iolog,
                                 phases.size()));
  }
  std::vector<CommandInput> inputs;
  for (const PlannedPhase& p : phases) {
    for (const auto& w : p.workloads) {
      inputs.push_back({"the target", w->spec.target_path});
      for (const std::string& f : w->spec.file_list) inputs.push_back({"a file of --file-list", f});
    }
  }
  if (!cl.config_path().empty()) inputs.push_back({"the job file", cl.config_path()});
  if (!spec.layout_manifest.empty()) inputs.push_back({"the layout manifest", spec.layout_manifest});
  if (!run.verify_journal.empty()) inputs.push_back({"the verify journal", run.verify_journal});
  if (!spec.replay.empty()) {
    inputs.push_back({"the replayed trace", spec.replay});
    // A blktrace capture by its base name is its per-CPU files.
    for (const std::string& f : blktrace_capture_files(spec.replay)) {
      if (f != spec.replay) inputs.push_back({"the replayed trace", f});
    }
  }
  for (const PlannedPhase& p : phases) {
    for (const auto& w : p.workloads) {
      for (const PlannedFile& f : w->layout.files) inputs.push_back({"a file of the job", f.path});
    }
  }
  std::vector<RequestedOutput> outputs = {{"--json-output", run.json_output},
                                          {"--timeseries-output", run.timeseries_output},
                                          {"--csv-output", run.csv_output},
                                          {"--export-layout-manifest", spec.export_layout_manifest},
                                          {"--write-iolog", spec.write_iolog}};
  const std::vector<FioLogSettings> logs = fio_log_prefixes(phases, file);
  const auto only = [&logs](std::string FioLogSettings::*kept) {
    std::vector<FioLogSettings> one(logs.size());
    for (size_t w = 0; w < logs.size(); ++w) {
      one[w].*kept = logs[w].*kept;
      one[w].number = logs[w].number;
      one[w].continues = logs[w].continues;
    }
    return FioLogFiles::paths(one);
  };
  for (const std::string& path : only(&FioLogSettings::bw)) outputs.push_back({"--write-bw-log", path});
  for (const std::string& path : only(&FioLogSettings::iops)) outputs.push_back({"--write-iops-log", path});
  for (const std::string& path : only(&FioLogSettings::lat)) outputs.push_back({"--write-lat-log", path});
  return OutputPlan::check(outputs, inputs);
}

// Whether a workload writes verified blocks.
// --verify-journal: loads and checks the journal against the job's dataset
// (nothing is created or changed here).  Throws UsageError.
std::unique_ptr<VerifyJournal> open_verify_journal(const std::vector<PlannedPhase>& phases, const RunSettings& run,
                                                   bool together) {
  const PlannedWorkload& first = phases.front().first();
  const JobSpec& spec = first.spec;
  if (run.verify_journal.empty()) return nullptr;
  const std::string& path = run.verify_journal;
  if (together) {
    throw UsageError(fmt::format("--verify-journal: '{}': not available when several ranks run the job (a journal "
                                 "is one process's record of its writes; ranks do not merge theirs); accepted: one "
                                 "rank, or several ranks without --verify-journal", path));
  }
  JournalIdentity identity;
  identity.seed = spec.seed;
  identity.block_size = spec.block_size;
  const auto content_of = [](const JobSpec& s) {
    if (s.compress_percent == 0 && s.dedupe_percent == 0) return std::string();
    const ContentSpec c = s.content(0);
    return fmt::format("compress {} dedupe {} unit {} working-set {}", s.compress_percent, s.dedupe_percent, c.unit,
                       s.dedupe_working_set_percent);
  };
  identity.content = content_of(spec);
  for (const PlannedFile& f : first.layout.files) identity.files.push_back({f.path, f.size});
  bool writes = false;
  for (const PlannedPhase& p : phases) {
    for (const auto& w : p.workloads) {
      if (w->spec.seed != spec.seed || w->spec.block_size != spec.block_size) {
        throw UsageError(fmt::format("--verify-journal: '{}': every phase must use the same --seed and --block-size "
                                     "(one journal records one dataset)", path));
      }
      if (content_of(w->spec) != identity.content) {
        throw UsageError(fmt::format("--verify-journal: '{}': every phase must use the same --compress-percent, "
                                     "--dedupe-percent, --dedupe-unit and --dedupe-working-set (one journal records "
                                     "one dataset)", path));
      }
      writes |= writes_verified(w->spec);
    }
  }
  std::error_code ec;
  for (const JournalIdentity::File& f : identity.files) {
    if (std::filesystem::equivalent(path, f.path, ec) || std::filesystem::absolute(path) == std::filesystem::absolute(f.path)) {
      throw UsageError(fmt::format("--verify-journal: '{}' is a file of the job; accepted: a file of its own", path));
    }
  }
  auto journal = VerifyJournal::load(path, identity, writes ? VerifyJournal::Access::kWrite
                                                            : VerifyJournal::Access::kRead);
  if (journal->existed() && writes && first.spec.force_recreate) {
    throw UsageError(fmt::format("--verify-journal: '{}' records the dataset --force-recreate would rewrite; "
                                 "accepted: remove the journal to start a new dataset", path));
  }
  if (journal->existed()) {
    for (const PlannedFile& f : first.layout.files) {
      struct stat st {};
      if (stat(f.path.c_str(), &st) != 0 || (S_ISREG(st.st_mode) && static_cast<uint64_t>(st.st_size) < f.size)) {
        throw UsageError(fmt::format("--verify-journal: '{}' records data in '{}', which is missing or shorter than "
                                     "{} bytes; accepted: remove the journal to start a new dataset", path, f.path,
                                     f.size));
      }
    }
  }
  return journal;
}

// What stops each phase, for the live view's percent and ETA: the budgets
// of its workers, summed over every process of the job (rank 0 shows the
// whole job's progress).  A collective when several processes run the job.
std::vector<RunGoal> run_goals(const std::vector<PlannedPhase>& phases, const RunSettings& run, ProcessGroup& group) {
  std::vector<RunGoal> goals;
  std::string mine;
  for (const PlannedPhase& p : phases) {
    RunGoal g;
    g.duration_ns = p.first().spec.duration_ns;
    g.stats_interval_ns = run.stats_interval_ns;
    for (const auto& w : p.workloads) {
      for (const WorkerAssignment& a : w->layout.workers) {
        g.ops += a.op_limit;
        g.bytes += a.byte_limit;
        g.complete_pass |= a.complete_pass;
      }
    }
    mine += fmt::format("{} {} ", g.ops, g.bytes);
    goals.push_back(g);
  }
  if (group.size() > 1) {
    for (RunGoal& g : goals) g.ops = g.bytes = 0;
    for (const std::string& theirs : group.all_gather(mine)) {
      std::istringstream in(theirs);
      for (RunGoal& g : goals) {
        uint64_t ops = 0, bytes = 0;
        in >> ops >> bytes;
        g.ops += ops;
        g.bytes += bytes;
      }
    }
  }
  return goals;
}

// What holds one set of files only, refused when phases or groups name
// their own (run/file_set.h).
void check_one_file_set(const std::vector<FileSet>& sets, const RunSettings& run) {
  if (sets.size() <= 1) return;
  const JobSpec& first = sets.front().first().spec;
  const std::string why = fmt::format("this job works on {} sets of files (phases or groups with files of their "
                                      "own, '{}' and '{}'); accepted: one set of files for the whole job",
                                      sets.size(), first.target_path, sets[1].first().spec.target_path);
  if (first.metadata.active()) throw UsageError(fmt::format("--md-phases: one tree per job, but {}", why));
  if (!run.verify_journal.empty()) {
    throw UsageError(fmt::format("--verify-journal: one journal records one set of files, but {}", why));
  }
  if (run.heatmap) throw UsageError(fmt::format("--heatmap: one map covers one set of files, but {}", why));
  for (const FileSet& set : sets) {
    for (const PlannedWorkload* w : set.workloads) {
      if (!w->spec.export_layout_manifest.empty()) {
        throw UsageError(fmt::format("--export-layout-manifest: one manifest lists one set of files, but {}", why));
      }
    }
  }
}

int run_job(const CommandLine& cl, EngineRegistry& registry, const JobFile* file, const std::string& engine,
            ProcessGroup& group) {
  const bool together = group.size() > 1;
  const EngineLibrary* lib_ptr = nullptr;
  PhasedJob job;
  agree_on(group, [&] {
    lib_ptr = &registry.require(engine);
    job = phased_job(cl, registry, file, *lib_ptr);
  });
  const EngineLibrary& lib = *lib_ptr;
  const iop_engine_desc& desc = lib.desc();
  // fio-format output lists each clone of a fio job file's jobs apart
  // unless the file asks for group_reporting (a TOML job file has no
  // reporting groups: each phase is one entry).
  job.run.worker_results = file != nullptr && !file->reporting_groups.empty() && !file->group_reporting &&
                           cl.output_format() != CommandLine::OutputFormat::kText;

  // Every rank must run the same software on the same job; then each one's
  // target (placeholders expanded) and who shares it.  Only rank 0 writes
  // results, serves metrics and shows progress.
  std::vector<std::string> hosts{group.host()};
  if (together) {
    hosts = check_same_job(group, {fmt::format("iopulse {}, engine {} {} (ABI {}.{})", IOPULSE_VERSION, desc.name,
                                               desc.version != nullptr ? desc.version : "", desc.abi_major,
                                               desc.abi_minor),
                                   job_identity_config(job)});
  }
  if (together) {
    // What a multi-rank run does not merge yet is refused, not reported for
    // rank 0 alone.
    agree_on(group, [&] {
      const RunSettings& run = job.run;
      if (run.heatmap) throw UsageError("--heatmap: not available when several ranks run the job; run it on one rank");
      if (run.timeseries_per_worker) {
        throw UsageError("--timeseries-per-worker: not available when several ranks run the job; the result "
                         "has per-rank totals (cluster.per_rank)");
      }
      for_each_workload(job, [](const WorkloadSpec& s) {
        for (const auto& [option, prefix] : {std::pair{"--write-bw-log", s.fio_bw_log},
                                             std::pair{"--write-iops-log", s.fio_iops_log},
                                             std::pair{"--write-lat-log", s.fio_lat_log}}) {
          if (!prefix.empty()) {
            throw UsageError(fmt::format("{}: not available when several ranks run the job (the logs are per "
                                         "worker); use --csv-output for the job's time series", option));
          }
        }
        if (!s.write_iolog.empty() || !s.replay.empty()) {
          throw UsageError(fmt::format("--{}: not available when several ranks run the job; run it on one rank",
                                       s.replay.empty() ? "write-iolog" : "replay"));
        }
        if (s.steady_state.active()) {
          throw UsageError("--steady-state: not available when several ranks run the job yet; run it on one rank");
        }
        if (s.ends_phase) {
          throw UsageError("--ends-phase: not available when several ranks run the job yet; run it on one rank");
        }
      });
    });
  }
  resolve_random_seeds(job, group);
  const std::string target_template =
      job.target.file_list.empty() ? job.target.target_path : join_path_list(job.target.file_list);
  const auto expand_target = [&group](TargetSpec& target) {
    target.target_path = expand_target_template(target.target_path, group.rank(), group.host());
    for (std::string& f : target.file_list) f = expand_target_template(f, group.rank(), group.host());
  };
  expand_target(job.target);
  if (group.rank() != 0) {
    job.run.quiet = true;
    job.run.json_output.clear();
    job.run.timeseries_output.clear();
    job.run.csv_output.clear();
    job.run.prometheus_port = 0;
  }
  std::vector<LayoutScope> scopes;
  // Files this rank names that a lower rank with another list names too:
  // prepared there (or by a rank sharing that list), not here.
  std::set<std::string> named_lower;
  for_each_workload(job, [&](WorkloadSpec& w) {
    if (!w.replay_redirect.empty()) {
      w.replay_redirect = expand_target_template(w.replay_redirect, group.rank(), group.host());
    }
    if (w.own_files) expand_target(*w.own_files);
    if (group.rank() != 0) w.export_layout_manifest.clear();
    // Ranks share a set of files when they name the same files (a whole
    // --file-list, not only its first).
    const JobSpec spec = job.job(w);
    scopes.push_back(together ? target_scope(group, spec.file_list.empty() ? std::vector<std::string>{spec.target_path}
                                                                            : spec.file_list,
                                             named_lower)
                              : LayoutScope{});
  });
  // What holds for the whole run, whatever the phase.
  const RunSettings& run = job.run;
  std::vector<PlannedPhase> phases;
  OutputPlan outputs;
  std::unique_ptr<VerifyJournal> journal;
  std::vector<FileSet> file_sets;
  agree_on(group, [&] {
    phases = plan_phases(job, lib, scopes);
    for (PlannedPhase& p : phases) {
      for (auto& w : p.workloads) {
        for (PlannedFile& f : w->layout.files) {
          if (named_lower.count(normalized_path(f.path)) != 0) f.prepared_here = false;
        }
      }
    }
    file_sets = file_sets_of(phases);
    check_one_file_set(file_sets, run);
    check_preparation_spares_mounted_images(file_sets, lib.diskless());
    check_metadata_phases(phases, group.rank(), group.size());
    calibrate_monotonic_clock();
    // Every output is checked before anything is prepared, so no run's
    // results are lost to a bad output path found at the end.
    outputs = check_outputs(phases, run, cl, file);
    journal = open_verify_journal(phases, run, together);
    if (outputs.uses_stdout() && cl.output_format() != CommandLine::OutputFormat::kText) {
      throw UsageError("--output-format: fio's JSON goes to standard output, and so would an output given as '-'; "
                       "accepted: a file name for the other output");
    }
  });
  // (Once the job is known to be good: bad input gets its one line alone.)
  if (file != nullptr && group.rank() == 0) {
    for (const std::string& note : file->notes) spdlog::warn("{}", note);
  }
  if (group.rank() == 0) warn_of_sizes_without_effect(phases);
  if (cl.output_format() == CommandLine::OutputFormat::kText && group.rank() == 0) {
    if (!run.fio_percentiles.empty()) {
      spdlog::warn("--fio-percentiles: only the fio-format results (--output-format fio-json, fio-json+) list them; "
                   "IOPulse's own give p50, p90, p99, p99.9 and p99.99");
    }
    if (run.fio_unified_rw != "none") {
      spdlog::warn("--fio-unified-rw: only the fio-format results (--output-format fio-json, fio-json+) merge the "
                   "directions; IOPulse's own give read, write and total");
    }
  }
  if (cl.dry_run()) {
    if (group.rank() == 0) print_plan(phases, lib);
    return 0;
  }
  const PlannedWorkload& first = phases.front().first();
  agree_on(group, [&] {
    if (!first.spec.export_layout_manifest.empty()) {  // one set of files (check_one_file_set)
      write_layout_manifest(first.spec.export_layout_manifest, first.layout, first.spec.target_path);
    }
  });
  // With results on standard output (--json-output -), the summary goes to
  // standard error so the results can be piped.
  std::ostream& summary_out = outputs.uses_stdout() ? std::cerr : std::cout;
  // Each set of files is planned once for every phase on it (run-wide
  // settings are `run`).
  const bool diskless = lib.diskless();
  std::unique_ptr<PrometheusExporter> exporter;
  RunResult result;
  // The sets the run prepares: not a diskless engine's, nor a metadata
  // job's, nor one whose first workload only checks what is there.
  std::vector<const FileSet*> prepared_sets;
  for (const FileSet& set : file_sets) {
    const JobSpec& s = set.first().spec;
    if (!diskless && !s.verify_only && !s.metadata.active()) prepared_sets.push_back(&set);
  }
  agree_on(group, [&] {
  // Every worker holds a descriptor per file of its set.
  size_t descriptors = 64;
  for (const PlannedPhase& p : phases) {
    for (const auto& w : p.workloads) descriptors += w->layout.files.size() * w->spec.threads;
  }
  rlimit files{};
  if (getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < descriptors) {
    files.rlim_cur = std::min<rlim_t>(files.rlim_max, descriptors);
    setrlimit(RLIMIT_NOFILE, &files);
    // A metadata job holds no file open between its ops: a descriptor that
    // is missing when an op opens one is that op's error (EMFILE).
    if (files.rlim_cur < descriptors && !first.spec.metadata.active()) {
      throw UsageError(fmt::format("the job needs about {} open files and the limit is {} (ulimit -n)", descriptors,
                                   files.rlim_cur));
    }
  }

  // A fill that cannot fit is refused before anything is written.
  std::vector<std::pair<const TargetLayout*, PreparationOptions>> needs;
  for (const FileSet* set : prepared_sets) needs.emplace_back(&set->layout(), set->preparation());
  DatasetPreparer::check_space(needs);

  // The metrics server binds before any file is touched, so a busy port is
  // a usage error with nothing changed.
  if (run.prometheus_port != 0) {
    exporter = std::make_unique<PrometheusExporter>(run.prometheus_bind, run.prometheus_port);
    try {
      exporter->start();
    } catch (const std::exception& e) {
      throw UsageError(e.what());
    }
  }
  });

  auto describe_run = [&](RunResult& r, const PlannedWorkload& p) {
    r.config = job_config(p.spec);
    r.config["queue_depth_used"] = p.binding.queue_depth;
    r.config["engine_options"] = p.options.to_json();
    // (The bytes of each file the job addresses: after --offset, whose
    // range the file's size includes.)
    if (!p.layout.files.empty()) {
      r.config["file_size"] =
          p.spec.file_size != 0 ? p.spec.file_size : p.layout.files.front().size - p.spec.first_byte(0);
    }
    r.iopulse_version = IOPULSE_VERSION;
    r.engine.name = desc.name;
    r.engine.version = desc.version != nullptr ? desc.version : "";
    r.engine.abi = fmt::format("{}.{}", desc.abi_major, desc.abi_minor);
    r.engine.path = lib.path().string();
    r.engine.settings = p.engine_report.settings;
    r.config["clock_source"] = monotonic_clock_source();
    r.process_started_ns = process_start_ns();
    if (together) r.config["target_template"] = target_template;
  };
  describe_run(result, first);

  // The streamed files exist from here on, so a run that ends early (a
  // failed or interrupted preparation included) leaves valid ones.
  std::unique_ptr<TimeSeriesJsonLines> jsonl;
  std::unique_ptr<TimeSeriesCsv> csv;
  if (!run.timeseries_output.empty()) jsonl = std::make_unique<TimeSeriesJsonLines>(run.timeseries_output);
  if (!run.csv_output.empty()) {
    TimeSeriesCsv::Extra extra;
    extra.metadata = first.spec.metadata.active();
    for (const PlannedPhase& p : phases) {
      for (const auto& w : p.workloads) extra.priority = extra.priority || w->spec.io_priority != 0;
    }
    csv = std::make_unique<TimeSeriesCsv>(run.csv_output, extra);
  }
  std::unique_ptr<FioLogFiles> fio_logs;
  std::unique_ptr<PerIoLogCapture> per_io_logs;  // --log-per-io: the logs are made from each phase's capture
  const std::vector<FioLogSettings> log_prefixes = fio_log_prefixes(phases, file);  // per worker
  if (!log_prefixes.empty()) {
    fio_logs = std::make_unique<FioLogFiles>(fio_log_shape(run), log_prefixes);
    if (run.fio_log_per_io) {
      per_io_logs = std::make_unique<PerIoLogCapture>(*fio_logs, first.spec.write_iolog, fio_log_dir(log_prefixes));
    }
  }
  uint32_t phase_first_worker = 0;  // the number of the phase's first worker in the fio-format logs
  // Whether a worker of the phase whose workers begin at `first_worker`
  // writes a fio-format log.
  const auto phase_logs = [&](uint32_t first_worker, uint32_t threads) {
    for (uint32_t w = first_worker; w < first_worker + threads && w < log_prefixes.size(); ++w) {
      if (log_prefixes[w].any()) return true;
    }
    return false;
  };
  // Where a phase records every IO: the per-IO logs' capture (a phase with
  // a worker that logs), or the --write-iolog file, or nowhere.
  const auto capture_target = [&](bool logs) -> IoCaptureTarget {
    if (per_io_logs && logs) return per_io_logs->begin_phase();
    return {first.spec.write_iolog, -1, ""};
  };
  // After a phase: its per-IO logs.  A failure fails the run like an IO
  // error; not after a worker was abandoned (its capture is unfinished).
  const auto write_per_io_logs = [&](RunResult& r, const IntervalPlacement& placement, bool logs) {
    if (!per_io_logs || !logs || workers_abandoned()) return;
    try {
      per_io_logs->end_phase(placement.first_worker, placement.time_offset_ns);
    } catch (const std::exception& e) {
      r.error_messages.push_back(e.what());
      if (!r.interrupted) r.stop_reason = StopReason::kError;
    }
  };

  // Held back until the results are written, so a run that used up the
  // descriptor limit still writes them (cli/descriptor_reserve.h).
  DescriptorReserve results_reserve(3);

  // Each rank prepares the files it is first to address; nobody starts
  // before every rank's files are ready.  A failed or interrupted
  // preparation ends the job with its results written (nothing measured);
  // with several processes, on every one, once they learned it (below).
  bool prepared = true;
  // --remove-files: what preparation created for the sets that ask,
  // removed when run_job() returns or throws, once the results are written
  // (whatever ended the run).
  struct RemovedAtEnd {
    std::vector<CreatedFile> files;
    ~RemovedAtEnd() {
      for (const std::string& problem : remove_created_files(files)) spdlog::warn("{}", problem);
    }
  } removed_at_end;
  std::vector<CreatedFile>& to_remove = removed_at_end.files;
  agree_on(group, [&] {
  for (const FileSet* set : prepared_sets) {
    auto bar = PreparationProgress::for_stderr(run.quiet);
    const PreparationSummary prep = DatasetPreparer(set->preparation())
                                        .prepare(
                                            set->layout(),
                                            [&bar](uint64_t done, uint64_t most, uint64_t ns) {
                                              if (bar) bar->show(done, most, ns);
                                            },
                                            [] { return interrupt_signal() != 0; });
    if (bar) bar->clear();
    if (set->removes_created_files()) to_remove.insert(to_remove.end(), prep.created.begin(), prep.created.end());
    result.preparation_ns += prep.elapsed_ns;
    result.preparation_bytes += prep.bytes_written;
    const double secs = static_cast<double>(prep.elapsed_ns) / 1e9;
    if (!prep.error.empty()) {
      // (With several processes rank 0 tells every rank's, below.)
      if (!together) {
        spdlog::error("preparing the files failed after {} of at most {} bytes in {:.2f} s: {}", prep.bytes_written,
                      prep.bytes_planned, secs, prep.error);
      }
      result.stop_reason = StopReason::kPreparationError;
      result.error_messages.push_back(prep.error);
      result.first_error = prep.error_code;
      prepared = false;
      break;
    }
    if (prep.interrupted) {
      spdlog::warn("preparing the files was interrupted after {} of at most {} bytes in {:.2f} s; nothing was "
                   "measured", prep.bytes_written, prep.bytes_planned, secs);
      result.stop_reason = StopReason::kInterrupted;
      result.interrupted = true;
      prepared = false;
      break;
    }
    if (prep.bytes_written > 0 && !run.quiet) {
      spdlog::info("prepared {} file(s){}: wrote {} bytes in {:.2f} s (not part of the measurement)",
                   set->layout().files.size(),
                   file_sets.size() > 1 ? fmt::format(" of '{}'", set->first().spec.target_path) : std::string(),
                   prep.bytes_written, secs);
    }
  }
  });
  if (together) {
    // The job's preparation is every rank's: the bytes they wrote, the
    // longest time.  One that failed or was interrupted ends the job on
    // every rank, its results merged as a run's (each rank's stop reason,
    // its error named by rank 0).
    uint64_t bytes = 0, ns = 0;
    bool all = true;
    for (const std::string& state :
         group.all_gather(fmt::format("{} {} {}", prepared ? 1 : 0, result.preparation_bytes, result.preparation_ns))) {
      std::istringstream in(state);
      int ok = 0;
      uint64_t b = 0, n = 0;
      in >> ok >> b >> n;
      all = all && ok == 1;
      bytes += b;
      ns = std::max(ns, n);
    }
    result.preparation_bytes = bytes;
    result.preparation_ns = ns;
    if (!all) {
      if (prepared) result.stop_reason = StopReason::kStopped;  // (by another rank's preparation)
      prepared = false;
      ClusterRun(group, 0, hosts, 0, first.spec.target_path).merge(result);
      for (const std::string& m : result.error_messages) spdlog::error("{}", m);
    }
  }

  auto live = LiveLine::for_stderr(run.quiet);
  const std::vector<RunGoal> goals = run_goals(phases, run, group);
  MetricsSnapshot::Info info;
  info.iopulse_version = IOPULSE_VERSION;
  info.engine = desc.name;
  info.engine_version = desc.version != nullptr ? desc.version : "";
  info.engine_abi = fmt::format("{}.{}", desc.abi_major, desc.abi_minor);
  info.job_name = run.job_name;
  const ExportedPriority exported_priority = common_io_priority(phases);
  if (exporter) {
    // The run is described from the first scrape on.
    MetricsSnapshot before;
    before.info = info;
    exporter->publish(std::move(before));
  }
  // The counters of the phases done, so the exported ones keep growing.
  OpStatsSet earlier_phases;

  const bool several = phases.size() > 1 || !phases.front().name.empty();
  // A job made of metadata phases runs them back to back on one crew of
  // threads per process, as mdtest's ranks do (run/phase_crew.h): every
  // phase is staged before the first runs, and each starts as soon as the
  // previous one ended by itself; with several processes, once it did on
  // all of them, which their crews settle at the ranks' gate
  // (run/rank_gate.h).  Without a gate (an MPI library without
  // MPI_THREAD_MULTIPLE) each phase waits for every process to finish the
  // previous one through the coordinators, with new worker threads.
  bool chained = several && phases.size() > 1 && (!together || group.rank_gate() != nullptr) && !per_io_logs &&
                 first.spec.write_iolog.empty() && first.spec.metadata.active();
  for (const PlannedPhase& p : phases) {
    uint32_t threads = 0;
    for (const auto& w : p.workloads) threads += w->spec.threads;
    chained = chained && threads == first.spec.threads && p.workloads.size() == 1;
  }
  if (together) {
    // Every rank runs the phases the same way, or they would wait for each
    // other at different points.
    for (const std::string& c : group.all_gather(chained ? "1" : "0")) chained = chained && c == "1";
  }
  // The crew is declared after the runners it runs, so it ends first; the
  // runners' peers (one per phase, as below) before the runners.
  std::vector<std::unique_ptr<ClusterRun>> chained_peers;
  std::vector<std::unique_ptr<JobRunner>> chained_runners;
  std::optional<PhaseCrew> crew;
  if (chained && prepared) {
    // A coordinator that reports each phase while the crew runs the next
    // (one process with the phases streamed, below) frees memory then.
    // Memory the allocator hands back to the kernel then (munmap, a
    // shrinking heap) is a TLB flush on every thread of the process, the
    // workers' included, inside their window: large blocks come from the
    // heap and freed memory stays there for the rest of the job.
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
    crew.emplace(first.spec.threads, together ? group.rank_gate() : nullptr);
    const auto stage_phases = [&] {
      for (size_t i = 0; i < phases.size(); ++i) {
        std::vector<WorkerGroup> groups;
        for (const auto& w : phases[i].workloads) {
          groups.push_back({w->name, &w->spec, &w->layout, w->binding, static_cast<uint32_t>(i), journal.get()});
        }
        JobPlacement placement;
        if (together) {
          chained_peers.push_back(std::make_unique<ClusterRun>(group, static_cast<uint32_t>(i), hosts,
                                                               first.spec.threads, phases[i].first().spec.target_path));
          placement = {chained_peers.back().get(), group.rank() * first.spec.threads, group.size()};
        }
        chained_runners.push_back(std::make_unique<JobRunner>(std::move(groups), placement));
        chained_runners.back()->stage(*crew);
      }
    };
    std::string staging_error;
    int staging_code = 1;
    try {
      stage_phases();
    } catch (const UsageError& e) {
      staging_error = e.what();
      staging_code = 2;
    } catch (const std::exception& e) {
      staging_error = e.what();
    }
    // Staging that fails (no descriptor left for a phase's events) ends the
    // job before its first phase, with its results written (nothing
    // measured) and the error told, as a failed set-up does; on every
    // process when it failed on one (bad input on one: exit 2 on all, no
    // results).
    std::string agreed = staging_error;
    if (together) {
      try {
        agree_on_errors(group, staging_code, staging_error);
      } catch (const AgreedFailure& e) {
        if (e.exit_code() != 1) throw;
        agreed = e.what();
      }
    }
    if (!agreed.empty()) {
      crew.reset();
      chained_runners.clear();
      chained_peers.clear();
      RunResult pr;
      describe_run(pr, phases.front().first());
      pr.phase = phases.front().name;
      pr.interrupted = interrupt_signal() != 0;
      pr.stop_reason = pr.interrupted            ? StopReason::kInterrupted
                       : staging_error.empty() ? StopReason::kStopped
                                               : StopReason::kError;
      if (!staging_error.empty()) pr.error_messages.push_back(staging_error);
      pr.clock = monotonic_clock_report();
      pr.worker_ops.assign(first.spec.threads, 0);
      if (together) {
        // (Every rank's stop reason and error, merged as a phase's.)
        ClusterRun(group, 0, hosts, first.spec.threads, phases.front().first().spec.target_path).merge(pr);
      }
      result.add_phase(pr);
      prepared = false;
    }
  }
  // Each phase's results (a few hundred KiB of histograms) go into room
  // made now: on a crew the coordinator reports a phase while the next one
  // runs, and a growing vector there would map fresh memory, copy every
  // earlier phase and unmap the old copy (a TLB flush on every thread) in
  // the next phase's window.
  result.phases.reserve(phases.size());
  // With several processes, a crew's phases are reported once the crew
  // has nothing left to do (docs/cluster.md, "Metadata phases"): the
  // coordinator sleeps meanwhile, so neither the ranks' merge (MPI
  // collectives, a few MB of histograms) nor the intervals' exchange nor
  // the results' copies run inside a later phase's window, where they
  // would take a CPU the ranks' workers need.  So does one process's
  // coordinator when nothing streams the phases as they run (no live line,
  // metrics endpoint, time series or fio log): its reporting (copies of
  // histograms, memory calls, a wake-up on the other CPU) would fall in
  // the next phase's window, which for a tree of a few directories is tens
  // of microseconds.  Every phase the crews ran is reported, in order; one
  // that did not end on its own (an interrupt, an error, a failed setup)
  // kept the next one shut on every process.
  const bool streamed = live || exporter || jsonl || csv || fio_logs;
  const bool report_after = crew.has_value() && (together || !streamed);
  uint32_t phases_ran = 0;
  if (report_after) {
    crew->open(0);
    phases_ran = crew->wait_idle();
  }
  uint32_t run_number = 0;
  uint32_t phase_index = 0;
  // The first generation of the last phase that wrote every block with
  // verified writes: a later check demands at least it (a lost write then
  // shows as an older block, as the run's preparation or an earlier phase
  // left it).
  // (Per set of files: a phase on other files writes none of these.)
  std::map<const PlannedWorkload*, size_t> set_of;
  for (size_t i = 0; i < file_sets.size(); ++i) {
    for (const PlannedWorkload* w : file_sets[i].workloads) set_of[w] = i;
  }
  std::vector<uint64_t> written_whole_from(file_sets.size(), 0);
  bool finishing = false;  // the job stops after this phase (see below)
  for (const PlannedPhase& phase : phases) {
    if (!prepared) break;
    if (report_after && phase_index == phases_ran) break;
    if (live) live->start(goals[phase_index]);
    const JobSpec& ps = phase.first().spec;
    std::vector<WorkerGroup> groups;
    uint32_t phase_threads = 0;
    // Each phase that writes verified blocks takes a new generation epoch,
    // so its writes are newer than every earlier phase's or run's.
    bool phase_writes = false;
    for (const auto& w : phase.workloads) phase_writes |= writes_verified(w->spec);
    // (Without a journal the epochs start at 1: the preparation's blocks,
    // generation 0, are older than any phase's writes.)
    const uint32_t epoch = journal && phase_writes ? journal->begin_epoch() : phase_index + 1;
    ++phase_index;
    for (const auto& w : phase.workloads) {
      groups.push_back({w->name, &w->spec, &w->layout, w->binding, epoch, journal.get(),
                        w->spec.verify_only ? written_whole_from[set_of[w.get()]] : 0});
      phase_threads += w->spec.threads;
    }
    if (phase.workloads.size() == 1 && writes_verified(ps) && ps.read_percent == 0 && ps.run_until_complete) {
      written_whole_from[set_of[&phase.first()]] = uint64_t{epoch} << 32;
    }
    IntervalPlacement placement;
    placement.first_worker = phase_first_worker;
    const uint32_t first_worker = phase_first_worker;
    phase_first_worker += phase_threads;
    const bool logs = phase_logs(first_worker, phase_threads);
    placement.phase = phase.name;
    placement.time_offset_ns = several ? result.window_ns : 0;
    placement.index_offset = several ? result.intervals : 0;
    // The sinks in the order each interval reaches them.
    std::vector<IntervalSink*> sinks;
    // (Per-IO fio-format logs take no intervals: they are made after the phase.)
    IntervalSink* interval_logs = per_io_logs ? nullptr : fio_logs.get();
    for (IntervalSink* s : std::initializer_list<IntervalSink*>{live.get(), jsonl.get(), csv.get(), interval_logs}) {
      if (s != nullptr) sinks.push_back(s);
    }
    std::vector<OpStatsSet> worker_totals(phase_threads);
    std::optional<IntervalCallback> publisher;
    if (exporter) {
      publisher.emplace([&](const IntervalSnapshot& interval) {
        const MergedInterval& m = interval.merged;
        const IntervalSummary& s = interval.summary;
        OpStatsSet run_so_far = earlier_phases;
        run_so_far.merge(interval.cumulative);
        MetricsSnapshot snap = metrics_snapshot(info, m, s, run_so_far, ps.stats_interval_ns,
                                                placement.time_offset_ns + s.end_ns, true, exported_priority);
        const double secs = static_cast<double>(s.end_ns - s.start_ns) / 1e9;
        for (const WorkerInterval& w : m.per_worker) worker_totals[w.worker].merge(w.ops);
        // Per-worker series stay on each rank; a multi-rank job publishes the job's.
        for (uint32_t i = 0; i < (together ? 0 : phase_threads); ++i) {
          const WorkerInterval* iv = nullptr;
          for (const WorkerInterval& w : m.per_worker) iv = w.worker == i ? &w : iv;
          static const OpStatsSet kIdle;
          const OpStatsSet& ops = iv != nullptr ? iv->ops : kIdle;
          MetricsSnapshot::Worker worker;
          worker.id = std::to_string(i);
          worker.ops.set_from(worker_totals[i], ops, secs);
          snap.workers.push_back(std::move(worker));
        }
        exporter->publish(std::move(snap));
      });
      sinks.push_back(&*publisher);
    }
    // Each concurrent group's own configuration, beside the first group's.
    const auto record_groups = [&phase](RunResult& r) {
      if (phase.workloads.size() < 2) return;
      nlohmann::json list = nlohmann::json::array();
      for (const auto& w : phase.workloads) {
        nlohmann::json c = job_config(w->spec);
        c["name"] = w->name;
        list.push_back(std::move(c));
      }
      r.config["groups"] = std::move(list);
    };
    // One ClusterRun per phase when several processes run the job (on a
    // crew, made with the phase's runner above).
    std::unique_ptr<ClusterRun> peers;
    if (together && !crew) {
      peers = std::make_unique<ClusterRun>(group, run_number++, hosts, phase_threads,
                                           phase.first().spec.target_path);
    }
    const JobPlacement processes{peers.get(), group.rank() * phase_threads, group.size()};
    if (!several) {
      record_groups(result);
      JobRunner(groups, processes).run(result, sinks, placement, capture_target(logs));
      write_per_io_logs(result, placement, logs);
      break;
    }
    if (!ps.quiet && group.rank() == 0) spdlog::info("phase {}", phase.name);
    RunResult pr;
    describe_run(pr, phase.first());
    pr.phase = phase.name;
    record_groups(pr);
    if (crew) {
      chained_runners[phase_index - 1]->run(pr, sinks, placement, capture_target(logs));
    } else {
      JobRunner(groups, processes).run(pr, sinks, placement, capture_target(logs));
    }
    write_per_io_logs(pr, placement, logs);
    result.add_phase(pr);
    earlier_phases[OpKind::kRead] = result.read;
    earlier_phases[OpKind::kWrite] = result.write;
    earlier_phases[OpKind::kSync] = result.sync;
    earlier_phases[OpKind::kTrim] = result.trim;
    for (size_t k = kFirstMetaKind; k < kNumOpKinds; ++k) {
      earlier_phases.kinds[k] = result.meta.kinds[k];  // the metadata phases' counters go on too
    }
    earlier_phases.priority = result.priority;
    // Reported after the crews' last phase: the next one ran, or never will.
    if (report_after) continue;
    // The phase the crew had started when the one before stopped the job:
    // reported above.  It may have ended by itself before the stop reached
    // it and let the crew start the next (cancel_from() stopped that one at
    // once): a phase that ran is reported, so the job ends with the first
    // phase the crew had not started.
    if (finishing) {
      if (phase_index < phases.size() && crew->started(phase_index)) continue;
      break;
    }
    if (pr.interrupted || pr.stop_reason == StopReason::kError || pr.stop_reason == StopReason::kIncomplete ||
        pr.verify_failures > 0) {
      // The crew's last worker may have started the next phase before this
      // one was judged here (an interrupt or a failing sink after its
      // workers ended): that phase ran, so it is stopped and reported too,
      // never dropped.
      if (crew && phase_index < phases.size() && crew->started(phase_index)) {
        crew->cancel_from(phase_index);
        finishing = true;
        continue;
      }
      break;
    }
  }
  // The phases after one that stopped the job never run (one the crew
  // started meanwhile is stopped at once, its records written).
  crew.reset();
  results_reserve.release();

  if (exporter) {
    // The final numbers stay scrapeable until the process exits.
    OpStatsSet totals;
    totals[OpKind::kRead] = result.read;
    totals[OpKind::kWrite] = result.write;
    totals[OpKind::kSync] = result.sync;
    totals[OpKind::kTrim] = result.trim;
    totals.priority = result.priority;
    for (size_t k = kFirstMetaKind; k < kNumOpKinds; ++k) totals.kinds[k] = result.meta.kinds[k];
    MergedInterval none;
    IntervalSummary end;
    end.end_ns = result.window_ns;
    exporter->publish(
        metrics_snapshot(info, none, end, totals, run.stats_interval_ns, result.window_ns, false, exported_priority));
  }
  if (journal) {
    result.verify_journal = journal->path();
    result.journal_epoch = journal->epoch();
    result.journal_durable_blocks = journal->recorded_units();
  }
  if (group.rank() == 0 && cl.output_format() != CommandLine::OutputFormat::kText) {
    const FioJsonFlavour flavour = cl.output_format() == CommandLine::OutputFormat::kFioJson
                                       ? FioJsonFlavour::kJson
                                       : FioJsonFlavour::kJsonPlus;
    FioReportGroups groups;
    groups.percentiles = run.fio_percentiles;
    groups.continue_on_error = run.continue_on_error;
    groups.unified = run.fio_unified_rw == "mixed" ? FioUnifiedRw::kMixed
                     : run.fio_unified_rw == "both" ? FioUnifiedRw::kBoth
                                                    : FioUnifiedRw::kNone;
    const uint64_t now_ns = monotonic_now_ns();
    if (result.process_started_ns != 0 && now_ns > result.process_started_ns) {
      groups.elapsed_ns = now_ns - result.process_started_ns;
    }
    if (file != nullptr) {
      groups.group_reporting = file->group_reporting;
      groups.groupids = file->reporting_groups;
      groups.job_name = file->job_name;
      for (size_t i = 0; i < file->phases.size(); ++i) {
        const JobFilePhase& p = file->phases[i];
        groups.left_out.push_back(p.ramp);
        std::vector<std::string>& names = groups.ramp_names.emplace_back();
        if (p.ramp && i + 1 < file->phases.size()) {
          const JobFilePhase& job = file->phases[i + 1];
          for (const JobFileGroup& g : job.groups) names.push_back(g.name);
          if (job.groups.empty()) names.push_back(job.name.empty() ? file->job_name : job.name);
        }
        groups.read_back.push_back(p.read_back);
        groups.repeat.push_back(p.repeat);
      }
    }
    std::cout << fio_json_document(result, flavour, groups).dump(2) << "\n";
    std::cout.flush();
    if (!run.json_output.empty()) write_json_file(run.json_output, result);
  } else if (group.rank() == 0) {
    for (const RunResult& p : result.phases) {
      summary_out << "== phase " << p.phase << " ==\n";
      write_text_summary(summary_out, p);
      summary_out << "\n";
    }
    if (!result.phases.empty()) summary_out << "== all " << result.phases.size() << " phases ==\n";
    write_text_summary(summary_out, result);
    summary_out.flush();
    if (!run.json_output.empty()) write_json_file(run.json_output, result);
  }
  if (exporter && !result.interrupted) {
    // The endpoint closes when the process exits: first let a scraper read
    // the final numbers (the last interval included), waiting at most two
    // stats intervals (1 s at least) for one.
    exporter->wait_for_scrape(std::chrono::nanoseconds(std::max<uint64_t>(2 * run.stats_interval_ns, 1'000'000'000)));
  }

  if (result.interrupted) {
    // An engine that did not stop is worth saying beside the interruption.
    if (result.stop_reason == StopReason::kIncomplete) {
      for (const std::string& m : result.error_messages) spdlog::error("{}", m);
    }
    return 128 + (interrupt_signal() != 0 ? interrupt_signal() : 2);
  }
  // IO errors fail the run unless --continue-on-error; a block that failed
  // verification always does.
  const uint64_t io_errors =
      result.read.errors + result.write.errors + result.sync.errors + result.trim.errors +
      result.meta.meta_total().errors;
  if (result.stop_reason == StopReason::kPreparationError) return 1;  // already reported
  if (stop_reason_is_failure(result.stop_reason) || result.verify_failures > 0 ||
      (io_errors > 0 && !run.continue_on_error)) {
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
  if (argc >= 2 && std::string_view(argv[1]) == "convert") return run_convert_command(argc - 1, argv + 1);
  if (argc >= 2 && std::string_view(argv[1]) == "iolog") return run_iolog_command(argc - 1, argv + 1);
  std::unique_ptr<ProcessGroup> group;
  try {
    group = join_process_group(argc, argv);
  } catch (const std::exception& e) {
    spdlog::error("{}", e.what());
    return 2;
  }
  const bool together = group->size() > 1;
  // Rank 0 speaks for the job: it prints the agreed errors of every rank.
  if (group->rank() != 0) spdlog::set_level(spdlog::level::off);
  try {
    std::optional<CommandLine> cl;
    std::optional<JobFile> file;
    std::unique_ptr<EngineRegistry> registry;
    std::string engine;
    agree_on(*group, [&] {
      cl.emplace(CommandLine::parse(argc, argv));
      const CommandLine::Action action = cl->action();
      if (action == CommandLine::Action::kHelp || action == CommandLine::Action::kVersion ||
          action == CommandLine::Action::kPrintMan || action == CommandLine::Action::kPrintCompletion) {
        return;
      }
      if (!cl->config_path().empty()) file = load_any_job_file(*cl);
      engine = chosen_engine(*cl, file ? &*file : nullptr);
      registry = std::make_unique<EngineRegistry>(plugin_search(*cl, file ? &*file : nullptr));
      load_engines(*registry, engine);
    });
    if (together) {
      // What each rank does next decides which collectives it joins.
      const std::vector<std::string> plans = group->all_gather(
          fmt::format("{} {}", static_cast<int>(cl->action()), cl->dry_run() ? "dry-run" : "run"));
      for (uint32_t r = 1; r < plans.size(); ++r) {
        if (plans[r] != plans[0]) {
          throw AgreedFailure(2, fmt::format("rank {} was started for something else than rank 0 (--help, "
                                             "--version, --list-engines, --engine-help or --dry-run given to "
                                             "only some ranks); start every rank with the same options", r));
        }
      }
    }
    const bool speaks = group->rank() == 0;
    switch (cl->action()) {
      case CommandLine::Action::kHelp:
        if (speaks) std::cout << CommandLine::usage();
        return 0;
      case CommandLine::Action::kPrintMan:
        if (speaks) std::cout << iopulse_man_page();
        return 0;
      case CommandLine::Action::kPrintCompletion:
        if (speaks) std::cout << completion_script(cl->completion_shell());
        return 0;
      case CommandLine::Action::kVersion:
        if (speaks) {
          std::cout << "iopulse " << IOPULSE_VERSION << " (engine ABI " << IOP_ABI_MAJOR << "." << IOP_ABI_MINOR
                    << (find_mpi_module().empty() ? "" : ", with MPI") << ")\n";
        }
        return 0;
      case CommandLine::Action::kListEngines:
        registry->discover();
        if (speaks) std::cout << format_engine_list(*registry);
        return 0;
      case CommandLine::Action::kEngineHelp: {
        std::string help;
        agree_on(*group, [&] { help = format_engine_help(registry->require(cl->engine_help_name())); });
        if (speaks) std::cout << help;
        return 0;
      }
      case CommandLine::Action::kRun:
        break;
    }
    const int rc = run_job(*cl, *registry, file ? &*file : nullptr, engine, *group);
    if (workers_abandoned()) {
      // A worker thread is still inside an engine that never returned: the
      // results are written; end now, before the engines are unloaded
      // under it.
      std::cout.flush();
      std::cerr.flush();
      std::fflush(nullptr);
      std::_Exit(rc);
    }
    return rc;
  } catch (const AgreedFailure& e) {
    spdlog::error("{}", e.what());
    return e.exit_code();
  } catch (const UsageError& e) {
    if (together) abort_job(*group, 2, e.what());
    spdlog::error("{}", e.what());
    return 2;
  } catch (const std::exception& e) {
    if (together) abort_job(*group, 1, e.what());
    spdlog::error("{}", e.what());
    return 1;
  }
  return 0;
}

}  // namespace iopulse
