// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "run/planned_workload.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "iopulse/engine_rules.hpp"
#include "job/usage_error.h"
#include "plugin/engine_requirements.h"
#include "run/engine_instance.h"
#include "target/target_probe.h"
#include "trace/replay_plan.h"

namespace iopulse {
namespace {

// The op kinds a metadata phase issues.
std::vector<OpKind> kinds_of(const MetadataSpec& md) {
  std::vector<OpKind> kinds;
  for (MetaPhase p : md.phases) {
    if (p == MetaPhase::kMix) {
      for (const MetaMixEntry& e : md.mix) kinds.push_back(e.kind);
    } else {
      kinds.push_back(info(p).kind);
    }
  }
  return kinds;
}

// An engine does the metadata ops of the job or the job is refused (exit 2).
void require_metadata_ops(const MetadataSpec& md, const char* engine, uint64_t caps, const char* whose) {
  for (OpKind k : kinds_of(md)) {
    const uint64_t cap = info(k).cap;
    if ((caps & cap) == 0) {
      throw UsageError(fmt::format("--md-phases: engine {} does not do {} ({} no capability {}); accepted: an engine "
                                   "with metadata operations, e.g. sync or io_uring",
                                   engine, to_string(k), whose, iop::rules::capability_name(cap)));
    }
  }
}

// A rename never replaces an entry that has the new name unless told to:
// the engine must declare that it honours IOP_META_NOREPLACE, or the job is
// refused.
void require_rename_without_replacing(const MetadataSpec& md, const char* engine, uint64_t caps, const char* whose) {
  if (md.rename_replace || (caps & IOP_CAP_META_RENAME_NOREPLACE) != 0) return;
  for (MetaPhase p : md.phases) {
    if (p == MetaPhase::kRename || p == MetaPhase::kDirRename) {
      throw UsageError(fmt::format("--md-phases: engine {} cannot rename without replacing an entry that has the new "
                                   "name ({} no capability rename-noreplace); accepted: an engine that can (sync, "
                                   "io_uring), or --md-rename-replace to rename over it",
                                   engine, whose));
    }
  }
}

// A metadata job addresses no data file: every worker gets an empty
// assignment, and the only "file" is the target directory.
TargetLayout metadata_layout(const JobSpec& spec) {
  // A tree under /sys/fs/cgroup would be cgroups; under /proc, nothing.
  if (const char* fs = TargetProbe::of(spec.target_path).kernel_interface) {
    throw UsageError(fmt::format("target '{}' is on {}, one of the kernel's interfaces (its directories and files "
                                 "are the kernel's objects, not storage); accepted: a directory on a storage file "
                                 "system", spec.target_path, fs));
  }
  TargetLayout layout;
  layout.workers.resize(spec.threads);
  return layout;
}

}  // namespace

std::unique_ptr<PlannedWorkload> PlannedWorkload::plan(std::string name, JobSpec spec, const EngineLibrary& engine,
                                                       const LayoutScope& scope, bool verified_by_run) {
  const iop_engine_desc& desc = engine.desc();
  const bool diskless = engine.diskless();
  // A replay: the trace is read once now; it decides the workers (one per
  // recorded worker unless spread) and whether the files open for writing.
  std::shared_ptr<ReplayPlan> replay;
  if (!spec.replay.empty()) {
    replay = std::make_shared<ReplayPlan>(ReplayPlan::scan(spec));
    if (!spec.replay_spread) spec.threads = replay->workers;
    spec.read_percent = replay->read_percent();
    if (replay->trims != 0 && (desc.caps & IOP_CAP_TRIM) == 0) {
      throw UsageError(fmt::format("--replay '{}': the trace holds {} trim(s) and engine {} does not trim; accepted: "
                                   "an engine with trim (see iopulse --list-engines)", spec.replay, replay->trims,
                                   desc.name));
    }
  }
  if ((spec.verify || spec.verify_only) && diskless) {
    throw UsageError(fmt::format("--{}: engine {} does no IO; nothing to verify",
                                 spec.verify ? "verify" : "verify-only", desc.name));
  }
  if (spec.lock_mode != LockMode::kNone && (desc.required_caps & (IOP_REQ_OPENS_BY_PATH | IOP_REQ_DISKLESS)) != 0) {
    // The locks are OFD locks on the descriptors the host opens.
    throw UsageError(fmt::format(
        "--lock-mode {}: engine {} {}, so the host holds no descriptor to lock; accepted with this engine: "
        "--lock-mode none", spec.lock_mode == LockMode::kRange ? "range" : "full", desc.name,
        (desc.required_caps & IOP_REQ_DISKLESS) != 0 ? "does no file IO" : "opens the files itself"));
  }
  require_capabilities(spec, desc.name, desc.caps, desc.caps);
  const bool metadata = spec.metadata.active();
  if (metadata) {
    require_metadata_ops(spec.metadata, desc.name, desc.caps, "it declares");
    require_rename_without_replacing(spec.metadata, desc.name, desc.caps, "it declares");
  }
  auto phase = std::make_unique<PlannedWorkload>(PlannedWorkload{
      std::move(name), spec, EngineOptionValues::parse(engine, spec.engine_options),
      metadata ? metadata_layout(spec) : TargetLayout::plan(spec, diskless, scope, verified_by_run), EngineBinding{},
      InstanceReport{}});
  if ((desc.caps & IOP_CAP_MEMORY_MAPPED) != 0) {
    // /dev/null cannot be mapped, and a mapping of /dev/zero is anonymous
    // memory, not the device.
    for (const PlannedFile& f : phase->layout.files) {
      if (f.device != PlannedFile::Device::kMemory) continue;
      throw UsageError(fmt::format("target '{}': engine {} maps its files into memory, and a mapping of this device "
                                   "is no IO to it (/dev/null cannot be mapped, /dev/zero gives anonymous memory); "
                                   "accepted: another engine (e.g. sync or io_uring), or a file", f.path, desc.name));
    }
  }
  if (replay) {
    std::vector<std::string> paths;
    std::vector<uint64_t> sizes;
    for (const PlannedFile& f : phase->layout.files) {
      paths.push_back(f.path);
      sizes.push_back(f.size);
    }
    replay->check_target(paths, sizes);
    phase->layout.replay = replay;
  }

  EngineBinding& b = phase->binding;
  b.desc = &desc;
  b.options = phase->options.data();
  b.num_options = phase->options.size();
  b.queue_depth = spec.queue_depth;
  if (spec.queue_depth > desc.max_queue_depth) {
    b.queue_depth = desc.max_queue_depth;
    spdlog::warn("--queue-depth {}: engine {} keeps at most {} IO(s) in flight per worker; using {}",
                 spec.queue_depth, desc.name, desc.max_queue_depth, desc.max_queue_depth);
  }

  // Creates and destroys one instance before any file is touched, so an
  // engine that refuses the job (bad option combination, a kernel feature
  // missing) fails with exit code 2 and nothing changed.
  iop_engine_config config{};
  config.struct_size = sizeof config;
  config.queue_depth = b.queue_depth;
  config.flags = spec.direct ? IOP_CONFIG_DIRECT : 0;
  config.num_workers = spec.threads;
  config.num_options = b.num_options;
  config.options = b.options;
  EngineInstance probe(desc, config);
  // What the instance really does can be less than the descriptor says.
  phase->engine_report = probe.report();
  require_capabilities(spec, desc.name, desc.caps, phase->engine_report.caps);
  if (metadata) {
    require_metadata_ops(spec.metadata, desc.name, phase->engine_report.caps, "its instance reports");
    require_rename_without_replacing(spec.metadata, desc.name, phase->engine_report.caps, "its instance reports");
  }
  return phase;
}

}  // namespace iopulse
