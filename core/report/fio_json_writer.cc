// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "report/fio_json_writer.h"

#include <algorithm>
#include <bit>
#include <chrono>
#include <cmath>
#include <ctime>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include <fmt/format.h>

#include "job/steady_state_spec.h"

namespace iopulse {
namespace {

// Keys in insertion order: fio writes its objects' members (the percentiles,
// the bins) in its own order, ascending, which readers that keep the order see.
using FioJson = nlohmann::ordered_json;

// fio's histogram (stat.h): FIO_IO_U_PLAT_BITS 6, 29 groups.
constexpr uint32_t kPlatBits = 6;
constexpr uint64_t kPlatVal = uint64_t{1} << kPlatBits;
constexpr uint32_t kPlatNr = 29 * kPlatVal;

// fio's default percentile list.
constexpr double kPercentiles[] = {1, 5, 10, 20, 30, 40, 50, 60, 70, 80, 90, 95, 99, 99.5, 99.9, 99.95, 99.99};

// One entry of "jobs".
struct FioJob {
  std::string name;
  uint32_t groupid = 0;
  uint64_t runtime_ns = 0;
  // A read-back pass's reads have their own runtime (fio's do_verify); 0:
  // the reads' is runtime_ns.  The job's runtime is both.
  uint64_t read_runtime_ns = 0;
  // The sum of the entry's clones' own runtimes (a read-back pass's too);
  // 0 when unknown.  With group_reporting it is fio's job_runtime for the
  // merged entry (its rates stay over runtime_ns, the longest clone's);
  // either way the CPU use is over it, as fio gives each clone's over the
  // clone's runtime.
  uint64_t clones_runtime_ns = 0;
  bool runtime_is_clones = false;  // group_reporting: job_runtime is clones_runtime_ns
  OpStats read, write, sync, trim;
  // --io-priority: the job's priority and its reads and writes by priority
  // (the "prios" arrays); io_priority 0 without.  io_priority_others: the
  // priority the other reads and writes carried (0: none).
  uint16_t io_priority = 0;
  uint16_t io_priority_others = 0;
  PrioritySplit priority;
  double user_s = 0, system_s = 0;
  uint64_t ctx = 0;
  // fio's "error": the errno of the first error that ended or failed the
  // job (its first clone's with one), 0 without.
  int error = 0;
  // --steady-state: IOPulse's steady_state object when this job is the
  // whole run (fio judges each job, IOPulse the whole job); null otherwise.
  FioJson steady_state;

  void set_ops(const OpStats& r, const OpStats& w, const OpStats& s, const OpStats& t) {
    read = r;
    write = w;
    sync = s;
    trim = t;
  }
  void add_error(int e) {
    if (error == 0) error = e;
  }
  void add_usage(const ResourceUsage& u) {
    user_s += u.user_s;
    system_s += u.system_s;
    ctx += u.voluntary_switches + u.involuntary_switches;
  }
};

// fio's "steadystate" object from IOPulse's steady_state (docs/json-output.md):
// the same criterion, window and verdict; "criterion" is the value measured
// (the slope or the largest deviation, in percent of the mean for a percent
// limit) and "slope" is per second.
FioJson steadystate_json(const FioJson& ss) {
  const SteadyStateSpec spec = SteadyStateSpec::parse(ss.at("criterion").get<std::string>(), "steady_state");
  const char* pct = spec.percent ? "%" : "";
  FioJson out = {{"ss", fmt::format("{}:{:f}{}", spec.metric_name(), spec.limit, pct)},
              {"duration", ss.at("duration_ns").get<uint64_t>() / 1'000'000'000},
              {"attained", ss.at("attained").get<bool>() ? 1 : 0}};
  const double mean = ss.value("mean", 0.0);
  const double deviation = ss.value("max_deviation", 0.0), slope = ss.value("slope_per_s", 0.0);
  double measured = spec.slope() ? std::abs(slope) : deviation;
  if (spec.percent) measured = mean != 0 ? 100 * measured / std::abs(mean) : 0;
  out["criterion"] = fmt::format("{:f}{}", measured, pct);
  out["max_deviation"] = deviation;
  out["slope"] = slope;
  FioJson iops = FioJson::array(), bw = FioJson::array();
  double iops_sum = 0, bw_sum = 0;
  for (const FioJson& v : ss.value("iops", FioJson::array())) {
    iops.push_back(static_cast<uint64_t>(std::llround(v.get<double>())));
    iops_sum += v.get<double>();
  }
  for (const FioJson& v : ss.value("bw", FioJson::array())) {
    bw.push_back(static_cast<uint64_t>(std::llround(v.get<double>())));
    bw_sum += v.get<double>();
  }
  const auto mean_of = [](double sum, size_t n) { return n == 0 ? uint64_t{0} : static_cast<uint64_t>(std::llround(sum / n)); };
  out["data"] = {{"bw_mean", mean_of(bw_sum, bw.size())},
                 {"iops_mean", mean_of(iops_sum, iops.size())},
                 {"iops", std::move(iops)},
                 {"bw", std::move(bw)}};
  return out;
}

// What every latency object of the document carries: clat's percentiles
// (fio's percentile_list) and, in fio-json+, its bins.
struct LatencyShape {
  const std::vector<double>& percentiles;
  bool bins = false;
  FioUnifiedRw unified = FioUnifiedRw::kNone;  // (and how the directions are reported,
  bool continue_on_error = false;              // and whether failed IOs are counted)
};

FioJson lat_json(const LatencyHistogram& h, bool percentiles, bool bins, const std::vector<double>& list = {}) {
  FioJson j = {{"min", h.min()}, {"max", h.max()}, {"mean", h.mean()}, {"stddev", h.stddev()}, {"N", h.count()}};
  if (percentiles && h.count() != 0) {
    FioJson p = FioJson::object();
    for (double q : list) p[fmt::format("{:.6f}", q)] = h.percentile(q);
    j["percentile"] = std::move(p);
  }
  if (bins && h.count() != 0) {  // fio writes no bins for a direction without IO
    std::map<uint64_t, uint64_t> counts;
    h.for_each_bucket([&counts](uint64_t lower, uint64_t, uint64_t count) {
      counts[fio_bin_value(fio_bin_index(lower))] += count;
    });
    FioJson b = FioJson::object();
    for (const auto& [value, count] : counts) b[std::to_string(value)] = count;
    j["bins"] = std::move(b);
  }
  return j;
}

// fio's per-priority latencies (stat.c, add_ddir_status_json): with two or
// more priorities that have samples, "prios" lists each as {prioclass,
// prio, clat_ns}, the job's default priority first (that of the IOs without
// `ioprio`: `others`, class 0 and level 0 for none), as fio keeps it at
// index 0.
FioJson prios_json(uint16_t ioprio, uint16_t others, const OpStats& with, const OpStats& without,
                   const LatencyShape& shape) {
  FioJson list = FioJson::array();
  const auto entry = [&](uint16_t value, const OpStats& s) {
    if (s.latency.count() == 0) return;
    list.push_back({{"prioclass", IOP_IOPRIO_CLASS(value)},
                    {"prio", IOP_IOPRIO_LEVEL(value) & 7},
                    {"clat_ns", lat_json(s.latency, true, shape.bins, shape.percentiles)}});
  };
  entry(others, without);
  entry(ioprio, with);
  return list;
}

FioJson direction_json(const OpStats& s, uint64_t runtime_ns, const LatencyShape& shape) {
  const double secs = static_cast<double>(runtime_ns) / 1e9;
  const double bw_bytes = secs > 0 ? static_cast<double>(s.bytes) / secs : 0;
  const FioJson none = {{"min", 0}, {"max", 0}, {"mean", 0.0}, {"stddev", 0.0}, {"N", 0}};
  return {{"io_bytes", s.bytes},
          {"io_kbytes", s.bytes / 1024},
          {"bw_bytes", static_cast<uint64_t>(bw_bytes)},
          {"bw", static_cast<uint64_t>(bw_bytes / 1024)},
          {"iops", secs > 0 ? static_cast<double>(s.ops) / secs : 0.0},
          // fio's: whole milliseconds, rounded up (a direction that did IO
          // never shows 0), and 0 for one that did none.
          {"runtime", s.ops == 0 ? 0 : (runtime_ns + 999'999) / 1'000'000},
          {"total_ios", s.ops + (shape.continue_on_error ? s.errors : 0)},
          {"short_ios", 0},
          {"drop_ios", 0},
          {"slat_ns", none},
          {"clat_ns", lat_json(s.latency, true, shape.bins, shape.percentiles)},
          {"lat_ns", lat_json(s.latency, false, false)}};
}

// `elapsed_s`: fio's "elapsed", the whole run's seconds so far, rounded up
// (the same in every job's entry).
FioJson job_json(const FioJob& job, const LatencyShape& shape, uint64_t elapsed_s) {
  // fio's job_runtime, and the time the CPU use is over.
  const uint64_t job_runtime_ns = job.runtime_is_clones && job.clones_runtime_ns != 0
                                      ? job.clones_runtime_ns
                                      : job.runtime_ns + job.read_runtime_ns;
  const double cpu_s =
      static_cast<double>(job.clones_runtime_ns != 0 ? job.clones_runtime_ns : job_runtime_ns) / 1e9;
  FioJson j = {{"jobname", job.name},
          {"groupid", job.groupid},
          {"error", job.error},
          {"eta", 0},
          {"elapsed", elapsed_s},
          {"job options", FioJson::object()},
          {"read", direction_json(job.read, job.read_runtime_ns != 0 ? job.read_runtime_ns : job.runtime_ns, shape)},
          {"write", direction_json(job.write, job.runtime_ns, shape)},
          // As fio fills it: io_bytes the bytes trimmed, bw their rate.
          {"trim", direction_json(job.trim, job.runtime_ns, shape)},
          {"sync", {{"total_ios", job.sync.ops}, {"lat_ns", lat_json(job.sync.latency, false, false)}}},
          {"job_runtime", job_runtime_ns / 1'000'000},
          {"usr_cpu", cpu_s > 0 ? job.user_s * 100 / cpu_s : 0.0},
          {"sys_cpu", cpu_s > 0 ? job.system_s * 100 / cpu_s : 0.0},
          {"ctx", job.ctx},
          {"majf", 0},
          {"minf", 0}};
  if (!job.steady_state.is_null()) j["steadystate"] = steadystate_json(job.steady_state);
  if (job.io_priority != 0) {
    const PrioritySplit& p = job.priority;
    for (const auto& [dir, with, without] :
         {std::tuple<const char*, const OpStats&, const OpStats&>{"read", p.prioritized.read, p.others.read},
          {"write", p.prioritized.write, p.others.write}}) {
      FioJson prios = prios_json(job.io_priority, job.io_priority_others, with, without, shape);
      if (prios.size() >= 2) j[dir]["prios"] = std::move(prios);
    }
  }
  if (shape.continue_on_error) {
    j["total_err"] = job.read.errors + job.write.errors + job.trim.errors + job.sync.errors;
    j["first_error"] = job.error;
  }
  if (shape.unified != FioUnifiedRw::kNone) {
    // fio's "mixed": reads, writes and trims summed (sum_thread_stats), its
    // runtime the longest of theirs; with unified_rw_reporting=mixed it
    // replaces the directions and sync (add_ddir_status_json).
    OpStats mixed = job.read;
    mixed.merge(job.write);
    mixed.merge(job.trim);
    FioJson m = direction_json(mixed, std::max(job.read_runtime_ns != 0 ? job.read_runtime_ns : job.runtime_ns,
                                            job.runtime_ns), shape);
    if (job.io_priority != 0) {
      OpStats with = job.priority.prioritized.read, without = job.priority.others.read;
      with.merge(job.priority.prioritized.write);
      without.merge(job.priority.others.write);
      FioJson prios = prios_json(job.io_priority, job.io_priority_others, with, without, shape);
      if (prios.size() >= 2) m["prios"] = std::move(prios);
    }
    if (shape.unified == FioUnifiedRw::kMixed) {
      for (const char* dir : {"read", "write", "trim", "sync"}) j.erase(dir);
    }
    j["mixed"] = std::move(m);
  }
  return j;
}

// The jobs of one phase (or of a run without phases).  `groupids`: the
// reporting group of each of the phase's groups (of its one job when it has
// none); empty: all `first_groupid`.  `names`: the names its groups' (or its
// one job's) entries take instead of their own; empty: their own.
void add_jobs(const RunResult& r, uint32_t first_groupid, const std::vector<uint32_t>& groupids,
              const std::string& fallback_name, bool group_reporting, std::vector<FioJob>& out,
              const std::vector<std::string>& names = {}) {
  const auto groupid_of = [&](size_t g) { return g < groupids.size() ? groupids[g] : first_groupid; };
  const auto base = [&](const std::string& name, uint32_t groupid) {
    FioJob job;
    job.name = name;
    job.groupid = groupid;
    // fio's runtime is its longest clone's, from the clone's first IO.
    job.runtime_ns = r.worker_span_ns != 0 ? r.worker_span_ns : r.window_ns;
    return job;
  };
  // Without group_reporting, each clone of each job apart when the run kept
  // its workers' counters: fio's entry per clone, its runtime and CPU use
  // its own.
  // A group's name, or the phase's when it has none.
  const auto name_of = [&](size_t g) -> const std::string& {
    if (g < names.size()) return names[g];
    return r.groups.empty() ? (r.phase.empty() ? fallback_name : r.phase) : r.groups[g].name;
  };
  if (!group_reporting && !r.worker_results.empty()) {
    for (size_t g = 0; g < std::max<size_t>(r.groups.size(), 1); ++g) {
      for (const RunResult::WorkerResult& w : r.worker_results) {
        if (w.group != g) continue;
        FioJob job = base(name_of(g), groupid_of(g));
        job.runtime_ns = w.span_ns;
        job.clones_runtime_ns = w.span_ns;
        job.set_ops(w.read, w.write, w.sync, w.trim);
        job.add_usage(w.usage);
        job.add_error(w.first_error);
        if (!w.priority.empty()) {
          job.io_priority = w.io_priority;
          job.io_priority_others = w.io_priority_others;
          job.priority = w.priority.front();
        }
        // IOPulse judges steady state over the whole job: its verdict is a
        // clone's only when the job is one clone.
        if (r.groups.empty() && r.worker_results.size() == 1) job.steady_state = r.steady_state;
        out.push_back(std::move(job));
      }
    }
    return;
  }
  // The whole phase as one entry: it has no groups, or it is one reporting
  // group and group_reporting merges it.
  const bool one_group = r.groups.empty() || groupid_of(0) == groupid_of(r.groups.size() - 1);
  if (r.groups.empty() || (group_reporting && one_group)) {
    FioJob job = base(name_of(0), groupid_of(0));
    // fio's merged runtime is its longest job's; with group_reporting its
    // job_runtime is the sum of every clone's (a TOML job's or a plain run's
    // one entry keeps the longest).
    if (!r.groups.empty()) {
      job.runtime_ns = 0;
      for (const RunResult::GroupResult& g : r.groups) job.runtime_ns = std::max(job.runtime_ns, g.window_ns);
    }
    job.clones_runtime_ns = r.worker_span_sum_ns;
    job.runtime_is_clones = group_reporting;
    job.set_ops(r.read, r.write, r.sync, r.trim);
    job.io_priority = r.io_priority;
    job.io_priority_others = r.io_priority_others;
    job.priority = r.priority;
    job.add_usage(r.resources);
    job.add_error(r.first_error);
    job.steady_state = r.steady_state;
    out.push_back(std::move(job));
    return;
  }
  // Each group, or (group_reporting) each run of groups of one groupid
  // merged; the process's CPU time is the phase's, not a group's.
  for (size_t g = 0; g < r.groups.size(); ++g) {
    const RunResult::GroupResult& first = r.groups[g];
    FioJob job = base(name_of(g), groupid_of(g));
    job.runtime_ns = first.window_ns;  // its own, from its first IO
    job.clones_runtime_ns = first.span_sum_ns;
    job.runtime_is_clones = group_reporting;
    job.set_ops(first.read, first.write, first.sync, first.trim);
    job.add_error(first.first_error);
    while (group_reporting && g + 1 < r.groups.size() && groupid_of(g + 1) == job.groupid) {
      const RunResult::GroupResult& next = r.groups[++g];
      job.read.merge(next.read);
      job.write.merge(next.write);
      job.sync.merge(next.sync);
      job.trim.merge(next.trim);
      job.runtime_ns = std::max(job.runtime_ns, next.window_ns);  // fio: the longest job's
      job.clones_runtime_ns += next.span_sum_ns;
      job.add_error(next.first_error);
    }
    out.push_back(std::move(job));
  }
}

}  // namespace

uint32_t fio_bin_index(uint64_t ns) {
  const uint32_t msb = ns == 0 ? 0 : static_cast<uint32_t>(63 - std::countl_zero(ns));
  if (msb <= kPlatBits) return static_cast<uint32_t>(ns);
  const uint32_t error_bits = msb - kPlatBits;
  const uint64_t base = uint64_t{error_bits + 1} << kPlatBits;
  const uint64_t offset = (kPlatVal - 1) & (ns >> error_bits);
  return static_cast<uint32_t>(std::min<uint64_t>(base + offset, kPlatNr - 1));
}

uint64_t fio_bin_value(uint32_t index) {
  if (index < (kPlatVal << 1)) return index;
  const uint32_t error_bits = (index >> kPlatBits) - 1;
  const uint64_t base = uint64_t{1} << (error_bits + kPlatBits);
  const uint64_t k = index % kPlatVal;
  return base + static_cast<uint64_t>((static_cast<double>(k) + 0.5) * static_cast<double>(uint64_t{1} << error_bits));
}

FioJson fio_json_document(const RunResult& result, FioJsonFlavour flavour, const FioReportGroups& groups) {
  std::vector<FioJob> jobs;
  static const std::vector<uint32_t> kNone;
  static const std::vector<std::string> kNoNames;
  const auto groupids = [&groups](size_t p) -> const std::vector<uint32_t>& {
    return p < groups.groupids.size() ? groups.groupids[p] : kNone;
  };
  if (result.phases.empty()) {
    add_jobs(result, 0, groupids(0), groups.job_name.empty() ? "iopulse" : groups.job_name, groups.group_reporting,
             jobs);
  } else {
    for (size_t i = 0; i < result.phases.size(); ++i) {
      // (A run that ended in a ramp reports the ramp as its job, as fio
      // does: with the job's names and reporting groups.)
      const bool ramp = i < groups.left_out.size() && groups.left_out[i];
      if (ramp && i + 1 < result.phases.size()) continue;
      if (ramp) {
        add_jobs(result.phases[i], static_cast<uint32_t>(i + 1), groupids(i + 1), result.phases[i].phase,
                 groups.group_reporting, jobs, i < groups.ramp_names.size() ? groups.ramp_names[i] : kNoNames);
        continue;
      }
      const bool read_back = i < groups.read_back.size() && groups.read_back[i];
      if (read_back || (i < groups.repeat.size() && groups.repeat[i])) {
        // The reads of the job before (its read-back), or its IO (another
        // loop of it): each clone's into the clone's entry when the clones
        // are listed apart, else into its one entry.  A read-back's time is
        // the reads', a loop's the job's.
        const RunResult& pass = result.phases[i];
        const auto add = [read_back](FioJob& job, const OpStats& read, const OpStats& write, const OpStats& sync,
                                     const OpStats& trim, const PrioritySplit* priority, uint64_t runtime_ns) {
          job.read.merge(read);
          (read_back ? job.read_runtime_ns : job.runtime_ns) += runtime_ns;
          if (read_back) return;
          job.write.merge(write);
          job.sync.merge(sync);
          job.trim.merge(trim);
          if (priority != nullptr) job.priority.merge(*priority);
        };
        const size_t clones = pass.worker_results.size();
        if (!groups.group_reporting && clones != 0 && jobs.size() >= clones) {
          for (size_t c = 0; c < clones; ++c) {
            const RunResult::WorkerResult& w = pass.worker_results[c];
            FioJob& job = jobs[jobs.size() - clones + c];
            add(job, w.read, w.write, w.sync, w.trim, w.priority.empty() ? nullptr : &w.priority.front(), w.span_ns);
            job.clones_runtime_ns += w.span_ns;
            job.add_usage(w.usage);
            job.add_error(w.first_error);
          }
        } else if (!jobs.empty()) {
          FioJob& job = jobs.back();
          add(job, pass.read, pass.write, pass.sync, pass.trim, &pass.priority,
              read_back || pass.worker_span_ns == 0 ? pass.window_ns : pass.worker_span_ns);
          // Every clone's pass, as fio adds them.
          if (job.clones_runtime_ns != 0) job.clones_runtime_ns += pass.worker_span_sum_ns;
          job.add_usage(pass.resources);
          job.add_error(pass.first_error);
        }
        continue;
      }
      add_jobs(result.phases[i], static_cast<uint32_t>(i), groupids(i), result.phases[i].phase,
               groups.group_reporting, jobs);
    }
  }
  static const std::vector<double> kFioDefault(std::begin(kPercentiles), std::end(kPercentiles));
  const LatencyShape shape{groups.percentiles.empty() ? kFioDefault : groups.percentiles,
                           flavour == FioJsonFlavour::kJsonPlus, groups.unified, groups.continue_on_error};
  FioJson list = FioJson::array();
  const uint64_t elapsed_ns =
      groups.elapsed_ns != 0 ? groups.elapsed_ns : result.preparation_ns + result.window_ns;
  const uint64_t elapsed_s = (elapsed_ns + 999'999'999) / 1'000'000'000;
  for (const FioJob& job : jobs) list.push_back(job_json(job, shape, elapsed_s));
  const auto now = std::chrono::system_clock::now();
  const std::time_t t = std::chrono::system_clock::to_time_t(now);
  char when[64] = {};
  std::strftime(when, sizeof when, "%a %b %e %H:%M:%S %Y", std::localtime(&t));
  return {{"fio version", fmt::format("iopulse-{}", result.iopulse_version)},
          {"timestamp", static_cast<uint64_t>(t)},
          {"timestamp_ms",
           std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count()},
          {"time", when},
          {"global options", FioJson::object()},
          {"jobs", std::move(list)},
          {"disk_util", FioJson::array()}};
}

}  // namespace iopulse#include "job/steady_state_spec.h"

