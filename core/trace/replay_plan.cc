// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "trace/replay_plan.h"

#include <algorithm>
#include <system_error>

#include <fmt/format.h>

#include "job/usage_error.h"
#include "trace/trace_source.h"

namespace iopulse {

ReplayPlan ReplayPlan::scan(const JobSpec& spec) {
  ReplayPlan plan;
  plan.path = spec.replay;
  plan.speed = spec.replay_speed;
  plan.spread = spec.replay_spread;
  plan.by_pid = spec.replay_by_pid;
  plan.mapping.redirect = !spec.replay_redirect.empty();
  plan.mapping.divisor = spec.replay_scale == 0 ? 1 : spec.replay_scale;
  plan.mapping.fit = spec.replay_scale == 0;
  plan.mapping.align = spec.replay_align;
  const std::string label = fmt::format("--replay '{}'", spec.replay);
  std::unique_ptr<TraceSource> source;
  try {
    source = open_trace(spec.replay, plan.by_pid);
    plan.format = source->format();
    if (plan.by_pid && plan.format.rfind("blktrace", 0) != 0) {
      throw UsageError(fmt::format("--replay-workers pid: the trace ({}) records no processes; accepted: pid with a "
                                   "blktrace capture", plan.format));
    }
    plan.recorded_workers = source->workers();
    plan.workers = plan.spread ? spec.threads : plan.recorded_workers;
    plan.worker_ios.assign(plan.workers, 0);
    std::vector<TraceRecord> chunk(4096);
    uint64_t k = 0;
    for (;;) {
      const size_t n = source->read(chunk.data(), chunk.size());
      if (n == 0) break;
      for (size_t i = 0; i < n; ++i, ++k) {
        const TraceRecord& r = chunk[i];
        const uint32_t w = plan.spread ? static_cast<uint32_t>(k % plan.workers) : r.worker;
        // A blktrace capture finds its CPUs as it goes (workers() grows).
        if (w >= plan.worker_ios.size()) plan.worker_ios.resize(w + 1, 0);
        ++plan.worker_ios[w];
        switch (r.op) {
          case IOP_OP_READ: ++plan.reads; break;
          case IOP_OP_WRITE: ++plan.writes; break;
          case IOP_OP_TRIM: ++plan.trims; break;
          default: ++plan.syncs; break;
        }
        plan.max_len = std::max(plan.max_len, r.len);
        const uint32_t f = plan.mapping.file(r.file);
        if (f >= plan.extents_.size()) plan.extents_.resize(f + 1);
        Extent& e = plan.extents_[f];
        e.used = true;
        e.max_offset = std::max(e.max_offset, r.offset);
        const uint64_t end = plan.mapping.fit ? 0 : plan.mapping.offset(r.offset, f) + r.len;
        if (end > e.max_end) {
          e.max_end = end;
          e.max_end_io = fmt::format("{} of {} bytes at offset {} of '{}'", trace_op_name(r.op), r.len, r.offset,
                                     source->files()[r.file]);
          e.max_end_at = fmt::format("IO {}", k + 1);
        }
      }
    }
    plan.trace_files = source->files();
    if (!plan.spread) {
      plan.recorded_workers = source->workers();
      plan.workers = plan.recorded_workers;
      plan.worker_ios.resize(plan.workers, 0);
    }
  } catch (const TraceError& e) {
    throw UsageError(fmt::format("{}: {}", label, e.what()));
  } catch (const std::system_error& e) {
    throw UsageError(fmt::format("{}: {}", label, e.what()));
  }
  plan.total_ios = plan.reads + plan.writes + plan.trims + plan.syncs;
  if (plan.total_ios == 0) throw UsageError(fmt::format("{}: the trace holds no IO", label));
  return plan;
}

void ReplayPlan::check_target(const std::vector<std::string>& paths, const std::vector<uint64_t>& sizes) {
  const std::string label = fmt::format("--replay '{}'", path);
  if (!mapping.redirect && trace_files.size() > sizes.size()) {
    throw UsageError(fmt::format("{}: the trace addresses {} files and the job has {}; accepted: a target with as "
                                 "many files (--num-files), or --replay-redirect TARGET to send every IO to one",
                                 label, trace_files.size(), sizes.size()));
  }
  mapping.fit_room.assign(sizes.size(), 0);
  mapping.fit_span.assign(sizes.size(), 0);
  for (size_t f = 0; f < extents_.size() && f < sizes.size(); ++f) {
    const Extent& e = extents_[f];
    if (!e.used) continue;
    if (mapping.fit) {
      if (max_len > sizes[f]) {
        throw UsageError(fmt::format("{} with --replay-scale fit: the trace's {}-byte IOs do not fit in '{}' of {} "
                                     "bytes", label, max_len, paths[f], sizes[f]));
      }
      // Shrunk only when it does not fit: the largest recorded offset lands
      // at most max_len before the end.
      const uint64_t room = sizes[f] - max_len;
      if (e.max_offset > room) {
        mapping.fit_room[f] = room;
        mapping.fit_span[f] = e.max_offset;
      }
    } else if (e.max_end > sizes[f]) {
      throw UsageError(fmt::format("{}: {} ({}) ends at byte {}, past the end of '{}' ({} bytes); accepted: IOs "
                                   "inside the target (see --replay-scale N|fit)",
                                   label, e.max_end_at, e.max_end_io, e.max_end, paths[f], sizes[f]));
    }
  }
}

uint32_t ReplayPlan::read_percent() const {
  if (writes == 0) return 100;
  const uint64_t data = reads + writes;
  return static_cast<uint32_t>(std::min<uint64_t>(99, reads * 100 / data));
}

}  // namespace iopulse
