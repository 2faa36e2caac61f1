// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "job/shaping_settings.h"

#include <fmt/format.h>

#include "job/io_priority.h"
#include "job/job_options.h"

namespace iopulse {
namespace {

using Spec = const JobSpec&;
using Job = const JobSpecBuilder&;

// A fixed text.
#define SAYS(text) [](Spec) { return std::string(text); }

const char* const kSequentialJob = "shapes random offsets; without --random the access is sequential";

bool thinks(Job job) { return job.given("think-time") || job.given("think-adaptive-percent"); }
// Neither writes nor trims that are written (--trim-write).
bool writes_nothing(Spec s) { return s.write_percent() == 0 && !s.trim_write; }
std::string no_writes(Spec s) {
  return fmt::format("the job does not write ({})", s.trim_percent == 0 ? "--read-percent 100" : "reads and trims only");
}

// A distribution's parameter: shapes random offsets, and only those of its
// own distribution.
template <DistributionKind kOwner>
std::string parameter_why(Spec s) {
  if (!s.random) return kSequentialJob;
  return fmt::format("only used with --distribution {}; the distribution is {}", to_string(kOwner),
                     to_string(s.distribution.kind));
}
template <DistributionKind kOwner>
bool parameter_unused(Spec s, bool present) {
  return present && (!s.random || s.distribution.kind != kOwner);
}

// Orders a sequential job's offsets.
const char* const kOrdersSequential = "orders a sequential job's offsets; accepted: without --random";

}  // namespace

const std::vector<ShapingSetting>& shaping_settings() {
  static const std::vector<ShapingSetting> kRows = {
      // Data: the chunk and working set of compressible or duplicate data.
      {"dedupe-unit", [](Spec s, Job j) { return j.given("dedupe-unit") && s.compress_percent == 0 && s.dedupe_percent == 0; },
       SAYS("the chunk of --compress-percent and --dedupe-percent; give one of them too")},
      {"dedupe-working-set", [](Spec s, Job j) { return j.given("dedupe-working-set") && s.dedupe_percent == 0; },
       SAYS("what the duplicates of --dedupe-percent repeat; give --dedupe-percent too")},
      // Pacing.
      {"think-every", [](Spec, Job j) { return j.given("think-every") && !thinks(j); },
       SAYS("shapes the pauses of --think-time; give --think-time (or --think-adaptive-percent) too")},
      {"think-mode", [](Spec, Job j) { return j.given("think-mode") && !thinks(j); },
       SAYS("shapes the pauses of --think-time; give --think-time (or --think-adaptive-percent) too")},
      {"rate-process", [](Spec, Job j) { return j.given("rate-process") && !j.given("rate-iops") && !j.given("rate-bw"); },
       SAYS("shapes the arrivals of a rate limit; give --rate-iops or --rate-bw too")},
      // IO priorities and flags.
      {"io-priority-percent", [](Spec, Job j) { return j.given("io-priority-percent") && !j.given("io-priority"); },
       SAYS("the share of IOs that carry --io-priority; give --io-priority too")},
      {"io-priority-others",
       [](Spec s, Job j) {
         return j.given("io-priority-others") && (!j.given("io-priority") || s.io_priority_percent == 100);
       },
       SAYS("the priority of the IOs that do not carry --io-priority; give --io-priority and an "
            "--io-priority-percent below 100 too")},
      // (A replay's writes are the trace's: they carry them.)
      {"io-flags",
       [](Spec s, Job) {
         return s.replay.empty() && s.read_percent == 100 && s.io_flags != 0 && (s.io_flags & ~kWriteOnlyIoFlags) == 0;
       },
       [](Spec s) {
         return fmt::format("'{}' applies to writes only and the job does not write (--read-percent 100)",
                            io_flags_text(s.io_flags));
       }},
      // Writes and trims.
      {"trim-write", [](Spec s, Job) { return s.trim_write && s.trim_percent == 0; },
       SAYS("the job does not trim; accepted: --trim-write with --trim-percent 1-100")},
      {"fsync-every", [](Spec s, Job) { return s.fsync_every != 0 && writes_nothing(s); }, no_writes},
      {"fdatasync-every", [](Spec s, Job) { return s.fdatasync_every != 0 && writes_nothing(s); }, no_writes},
      {"end-fsync", [](Spec s, Job) { return s.end_fsync && writes_nothing(s); },
       SAYS("the job does not write; accepted: --end-fsync with --write-percent 1-100")},
      {"fadvise-each-pass", [](Spec s, Job) { return s.fadvise_each_pass && s.fadvise.empty(); },
       SAYS("repeats the hints of --fadvise, and none is given; accepted: with --fadvise")},
      // Random offsets: the distribution and its parameters; what orders
      // sequential ones.
      {"distribution", [](Spec s, Job) { return !s.random && s.distribution.kind != DistributionKind::kUniform; },
       [](Spec s) {
         return fmt::format("{} needs --random; without --random the access is sequential",
                            to_string(s.distribution.kind));
       }},
      {"zipf-theta",
       [](Spec s, Job) { return parameter_unused<DistributionKind::kZipf>(s, s.distribution.zipf_theta.has_value()); },
       parameter_why<DistributionKind::kZipf>},
      {"pareto-h",
       [](Spec s, Job) { return parameter_unused<DistributionKind::kPareto>(s, s.distribution.pareto_h.has_value()); },
       parameter_why<DistributionKind::kPareto>},
      {"gaussian-stddev",
       [](Spec s, Job) {
         return parameter_unused<DistributionKind::kGaussian>(s, s.distribution.gaussian_stddev.has_value());
       },
       parameter_why<DistributionKind::kGaussian>},
      {"gaussian-center",
       [](Spec s, Job) {
         return parameter_unused<DistributionKind::kGaussian>(s, s.distribution.gaussian_center.has_value());
       },
       parameter_why<DistributionKind::kGaussian>},
      {"zones",
       [](Spec s, Job) { return parameter_unused<DistributionKind::kZoned>(s, s.distribution.zones.has_value()); },
       parameter_why<DistributionKind::kZoned>},
      {"hot-spot-scatter",
       [](Spec s, Job) {
         const DistributionKind k = s.distribution.kind;
         return s.distribution.hot_spot_scatter &&
                (!s.random || k == DistributionKind::kUniform || k == DistributionKind::kZoned);
       },
       [](Spec s) {
         if (!s.random) return std::string(kSequentialJob);
         return fmt::format("only used with --distribution zipf, pareto or gaussian; the distribution is {}",
                            to_string(s.distribution.kind));
       }},
      {"block-align", [](Spec s, Job) { return !s.random && s.block_align != 0; },
       SAYS("aligns random offsets; a sequential job goes on where its last IO ended (fio ignores blockalign "
            "there); accepted: --block-align with --random")},
      {"sequential-skip", [](Spec s, Job) { return s.random && s.sequential_skip != 0; }, SAYS(kOrdersSequential)},
      {"sequential-cursor",
       [](Spec s, Job) {
         const int kinds = (s.read_percent > 0) + (s.write_percent() > 0) + (s.trim_percent > 0);
         return s.sequential_per_op && (s.random || kinds < 2);
       },
       [](Spec s) {
         if (s.random) return std::string(kOrdersSequential);
         return std::string("per-op: the job does one kind of op; accepted: per-op with reads, writes or trims mixed");
       }},
      {"file-order", [](Spec s, Job) { return s.random && s.file_roundrobin != 0; },
       SAYS("roundrobin orders a sequential job; a random job's offsets fall in every file already; accepted: "
            "--file-order with a sequential job")},
      // A replay and a steady state.
      {"replay-speed", [](Spec s, Job j) { return s.replay.empty() && j.given("replay-speed"); },
       SAYS("shapes a replay; give --replay FILE too")},
      {"replay-workers", [](Spec s, Job j) { return s.replay.empty() && j.given("replay-workers"); },
       SAYS("shapes a replay; give --replay FILE too")},
      {"replay-redirect", [](Spec s, Job j) { return s.replay.empty() && j.given("replay-redirect"); },
       SAYS("shapes a replay; give --replay FILE too")},
      {"replay-scale", [](Spec s, Job j) { return s.replay.empty() && j.given("replay-scale"); },
       SAYS("shapes a replay; give --replay FILE too")},
      {"replay-align", [](Spec s, Job j) { return s.replay.empty() && j.given("replay-align"); },
       SAYS("shapes a replay; give --replay FILE too")},
      {"steady-state-duration",
       [](Spec s, Job j) { return !s.steady_state.active() && j.given("steady-state-duration"); },
       SAYS("shapes --steady-state; give it too")},
      {"steady-state-ramp", [](Spec s, Job j) { return !s.steady_state.active() && j.given("steady-state-ramp"); },
       SAYS("shapes --steady-state; give it too")},
  };
  return kRows;
}

}  // namespace iopulse
