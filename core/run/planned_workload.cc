// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "run/planned_workload.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "job/usage_error.h"
#include "plugin/engine_requirements.h"
#include "run/engine_instance.h"

namespace iopulse {

std::unique_ptr<PlannedWorkload> PlannedWorkload::plan(std::string name, JobSpec spec, const EngineLibrary& engine,
                                                       const LayoutScope& scope) {
  const iop_engine_desc& desc = engine.desc();
  const bool diskless = engine.diskless();
  if ((spec.verify || spec.verify_only) && diskless) {
    throw UsageError(fmt::format("--{}: engine {} does no IO; nothing to verify",
                                 spec.verify ? "verify" : "verify-only", desc.name));
  }
  require_capabilities(spec, desc.name, desc.caps, desc.caps);
  auto phase = std::make_unique<PlannedWorkload>(PlannedWorkload{
      std::move(name), spec, EngineOptionValues::parse(engine, spec.engine_options),
      TargetLayout::plan(spec, diskless, scope), EngineBinding{}, InstanceReport{}});

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
  return phase;
}

}  // namespace iopulse
