// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "run/job_runner.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <ctime>
#include <functional>
#include <map>
#include <stdexcept>
#include <memory>
#include <optional>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "job/usage_error.h"
#include "run/bus_error_trap.h"
#include "run/engine_instance.h"
#include "run/interrupt.h"
#include "run/monotonic_clock.h"
#include "run/phase_crew.h"
#include "run/rank_gate.h"
#include "run/run_peers.h"
#include "run/start_barrier.h"
#include "run/metadata_worker.h"
#include "run/worker.h"
#include "stats/steady_state_detector.h"
#include "trace/iolog_writer.h"

namespace iopulse {
namespace {

// The errno an exception carries (a std::system_error of the generic or
// system category's, an engine call's), 0 for any other: the result's
// first_error.
int errno_of(const std::exception& e) {
  if (const auto* engine_failure = dynamic_cast<const EngineCallError*>(&e)) return engine_failure->error();
  const auto* failure = dynamic_cast<const std::system_error*>(&e);
  if (failure == nullptr) return 0;
  const std::error_category& category = failure->code().category();
  return category == std::generic_category() || category == std::system_category() ? failure->code().value() : 0;
}

// The wall clock, ns since the Unix epoch.
uint64_t unix_now_ns() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000ULL + static_cast<uint64_t>(ts.tv_nsec);
}

// ISO 8601 UTC, to the second, of a wall-clock time in ns.
std::string utc_text(uint64_t unix_ns) {
  const std::time_t wall = static_cast<std::time_t>(unix_ns / 1'000'000'000ULL);
  std::tm utc{};
  gmtime_r(&wall, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

constexpr auto kMonitorPeriod = std::chrono::milliseconds(20);
constexpr uint64_t kMonitorPeriodNs = 20'000'000;
// How long past an interval's boundary the coordinator first looks for it:
// a worker closes an interval at its first reap past the boundary.
constexpr uint64_t kCloseSlackNs = 2'000'000;

// Keeps intervals for the results and hands them to the sinks.
class IntervalEmitter {
 public:
  IntervalEmitter(const RunSettings& run, const std::vector<IntervalSink*>& sinks, const IntervalPlacement& placement,
                  RunResult& result, uint32_t workers)
      : run_(run), sinks_(sinks), placement_(placement), result_(result), workers_(workers) {}

  void emit(const MergedInterval& m, uint64_t window_ns) {
    const uint64_t interval = run_.stats_interval_ns;
    const uint64_t start = m.index * interval;
    const uint64_t end = std::min(start + interval, window_ns);
    // The result keeps the phase's own clock; sinks that write job-wide
    // outputs place the interval on the job's (IntervalPlacement).
    const IntervalSummary summary =
        IntervalSummary::of(m.ops, m.index, start, end, m.inflight_sum, m.reap_calls, -1);
    store(result_.timeseries, summary);
    ++result_.intervals;
    cumulative_.merge(m.ops);
    worker_summaries_.clear();
    if (run_.timeseries_per_worker) {
      for (const WorkerInterval& w : m.per_worker) {
        worker_summaries_.push_back(
            IntervalSummary::of(w.ops, m.index, start, end, w.inflight_sum, w.reap_calls, w.worker));
        store(result_.worker_timeseries, worker_summaries_.back());
      }
    }
    const IntervalSnapshot snapshot{m,        summary,    worker_summaries_,
                                    cumulative_, workers_, placement_, result_.window_start_unix_ns};
    for (IntervalSink* sink : sinks_) sink->on_interval(snapshot);
  }

 private:
  void store(std::deque<IntervalSummary>& series, const IntervalSummary& s) {
    if (series.size() < RunResult::kMaxStoredIntervals) {
      series.push_back(s);
    } else {
      result_.timeseries_truncated = true;
    }
  }

  const RunSettings& run_;
  const std::vector<IntervalSink*>& sinks_;
  const IntervalPlacement& placement_;
  RunResult& result_;
  const uint32_t workers_;
  OpStatsSet cumulative_;
  std::vector<IntervalSummary> worker_summaries_;

 public:
  // Everything emitted so far, summed.
  const OpStatsSet& cumulative() const { return cumulative_; }
};

std::atomic<bool> g_workers_abandoned{false};

}  // namespace

struct JobRunner::Staged {
  uint32_t n = 0;
  // What the workers point to is on the heap: when an engine never returns
  // (see `abandoned` in run()), its thread keeps them and they are not freed.
  std::unique_ptr<StartBarrier> barrier_owner;
  std::unique_ptr<RunSignals> signals_owner;
  std::unique_ptr<TimeSeriesAssembler> time_series_owner;
  // Per group: where each of its files begins in its working set (the
  // group's files end to end).  Sized once, before any worker points in.
  std::unique_ptr<std::vector<std::vector<uint64_t>>> file_offsets_owner;
  std::unique_ptr<IoLogWriter> iolog;
  std::vector<std::unique_ptr<WorkerThread>> workers;
  std::vector<size_t> group_of;  // worker -> group
  // A barrier that releases itself: the resources as the last worker
  // released it (under the barrier's lock; read once it has released).
  ResourceUsage usage_at_release;
  uint64_t unix_ns_at_release = 0;
  // On the crew: the resources once the last worker finished (the next
  // phase may be running when the coordinator gets here).
  ResourceUsage usage_at_end;
  // On the crew of a job of several processes: the wall clock (ns) when
  // this process's workers left the ranks' gate at the start line.
  uint64_t realtime_at_start_line = 0;
};

JobRunner::JobRunner(const JobSpec& spec, const TargetLayout& layout, const EngineBinding& engine)
    : JobRunner(std::vector<WorkerGroup>{{"", &spec, &layout, engine}}) {}

JobRunner::JobRunner(std::vector<WorkerGroup> groups, const JobPlacement& placement)
    : groups_(std::move(groups)),
      run_(groups_.front().spec->run()),
      spec_(*groups_.front().spec),
      layout_(*groups_.front().layout),
      peers_(placement.peers),
      placement_(placement) {}

JobRunner::~JobRunner() = default;

uint32_t JobRunner::worker_count() const {
  uint32_t n = 0;
  for (const WorkerGroup& g : groups_) n += g.spec->threads;
  return n;
}

uint64_t JobRunner::window_offset_ns() const {
  uint64_t offset = UINT64_MAX;
  for (const WorkerGroup& g : groups_) {
    if (g.spec->wait_for.empty()) offset = std::min(offset, g.spec->start_delay_ns);
  }
  return offset == UINT64_MAX ? 0 : offset;
}

void JobRunner::stage(PhaseCrew& crew) {
  build(/*keep_per_worker=*/true, {});
  Staged& st = *staged_;
  std::function<bool(bool)> agree;
  if (RankGate* gate = crew.gate()) {
    // Every process's workers are set up, or none starts (the coordinators
    // then agree on whose setup failed, as agree_ready() does).
    agree = [gate, &st](bool ready) {
      const bool all = gate->all(ready);
      st.realtime_at_start_line = unix_now_ns();
      return all;
    };
  }
  st.barrier_owner->release_itself(
      [&st] {
        st.usage_at_release = ResourceUsage::now();
        st.unix_ns_at_release = unix_now_ns();
      },
      std::move(agree));
  std::vector<WorkerThread*> workers;
  for (auto& w : st.workers) workers.push_back(w.get());
  crew_ = &crew;
  crew_phase_ = crew.add_phase(std::move(workers), st.signals_owner.get(),
                               [&st] { st.usage_at_end = ResourceUsage::now(); });
}

void JobRunner::build(bool keep_per_worker, IoCaptureTarget capture) {
  staged_ = std::make_unique<Staged>();
  Staged& st = *staged_;
  const uint32_t n = worker_count();
  st.n = n;
  st.barrier_owner = std::make_unique<StartBarrier>(n);
  st.signals_owner = std::make_unique<RunSignals>();
  st.time_series_owner = std::make_unique<TimeSeriesAssembler>(n, keep_per_worker);
  // Each group's working set is its own files (groups may work on files of
  // their own: job/phased_job.h).
  st.file_offsets_owner = std::make_unique<std::vector<std::vector<uint64_t>>>(groups_.size());
  std::vector<uint64_t> working_set_bytes(groups_.size(), 0);
  for (size_t gi = 0; gi < groups_.size(); ++gi) {
    for (const PlannedFile& f : groups_[gi].layout->files) {
      (*st.file_offsets_owner)[gi].push_back(working_set_bytes[gi]);
      working_set_bytes[gi] += f.size;
    }
  }

  // The capture: one writer for every worker; the files of every group,
  // laid end to end, are the iolog's files.
  std::unique_ptr<IoLogWriter>& iolog = st.iolog;
  std::vector<uint32_t> iolog_file_base;
  if (capture.wanted()) {
    IoLogHeader header;
    header.workers = n;
    header.start_unix_ns = unix_now_ns();  // until the window opens (IoLogWriter::set_start_unix_ns)
    for (const WorkerGroup& g : groups_) {
      iolog_file_base.push_back(static_cast<uint32_t>(header.files.size()));
      for (const PlannedFile& f : g.layout->files) header.files.push_back({f.path, f.size});
    }
    if (capture.fd >= 0) {
      iolog = std::make_unique<IoLogWriter>(std::exchange(capture.fd, -1), capture.label, header);
    } else {
      iolog = std::make_unique<IoLogWriter>(capture.path, header);
    }
  }

  std::vector<std::unique_ptr<WorkerThread>>& workers = st.workers;
  std::vector<size_t>& group_of = st.group_of;
  workers.reserve(n);
  std::map<std::string, std::vector<const WorkerThread*>> group_workers;  // --wait-for's waitees
  for (size_t gi = 0; gi < groups_.size(); ++gi) {
    const WorkerGroup& group = groups_[gi];
    for (uint32_t i = 0; i < group.spec->threads; ++i) {
      WorkerSetup setup;
      if (!group.spec->wait_for.empty()) setup.waits_for = group_workers[group.spec->wait_for];
      setup.index = static_cast<uint32_t>(workers.size());
      setup.global_index = placement_.first_worker_id + setup.index;
      setup.job_processes = placement_.processes;
      setup.publish_progress = peers_ != nullptr;
      setup.layout_index = i;
      setup.layout = group.layout;
      setup.engine = group.engine.desc;
      setup.engine_options = group.engine.options;
      setup.num_engine_options = group.engine.num_options;
      setup.queue_depth = group.engine.queue_depth;
      setup.barrier = st.barrier_owner.get();
      setup.signals = st.signals_owner.get();
      setup.time_series = st.time_series_owner.get();
      setup.stats_interval_ns = run_.stats_interval_ns;
      setup.window_offset_ns = window_offset_ns();
      setup.file_offsets = &(*st.file_offsets_owner)[gi];
      setup.working_set_bytes = working_set_bytes[gi];
      setup.generation_epoch = group.generation_epoch;
      setup.journal = group.journal;
      setup.min_generation = group.min_generation;
      if (iolog) {
        setup.iolog = iolog.get();
        setup.iolog_file_base = iolog_file_base[gi];
      }
      WorkerPlace place;
      place.index = setup.index;
      place.global_index = setup.global_index;
      place.job_processes = setup.job_processes;
      place.working_set_bytes = working_set_bytes[gi];
      if (group.spec->metadata.active()) {
        workers.push_back(std::make_unique<MetadataWorker>(setup, MetadataPlan::of(*group.spec, place)));
      } else {
        workers.push_back(std::make_unique<Worker>(setup, WorkerPlan::of(*group.spec, place)));
      }
      group_workers[group.name].push_back(workers.back().get());
      group_of.push_back(gi);
    }
  }
}

void JobRunner::end_before_window(RunResult& result, const std::string& error,
                                  const std::vector<IntervalSink*>& sinks, uint32_t workers, bool interrupted) {
  if (!error.empty()) result.error_messages.push_back(error);
  result.stop_reason = interrupted       ? StopReason::kInterrupted
                       : !error.empty()  ? StopReason::kError
                                         : StopReason::kStopped;  // (by another process's failure)
  result.interrupted = interrupted;
  result.worker_ops.assign(workers, 0);
  result.started_at = utc_text(unix_now_ns());
  result.clock = monotonic_clock_report();
  if (peers_ != nullptr) peers_->merge(result);
  for (IntervalSink* sink : sinks) sink->on_run_end(result);
}

void JobRunner::run(RunResult& result, const std::vector<IntervalSink*>& sinks, const IntervalPlacement& placement,
                    IoCaptureTarget capture) {
  install_bus_error_handler();
  const bool staged = staged_ != nullptr;
  if (!staged) {
    // Per-worker intervals feed the per-worker series and the sinks that ask
    // for them (the metrics server, the fio-format logs).
    const bool keep_per_worker =
        run_.timeseries_per_worker ||
        std::any_of(sinks.begin(), sinks.end(), [](const IntervalSink* s) { return s->needs_workers(); });
    try {
      build(keep_per_worker, std::move(capture));
    } catch (const UsageError&) {
      throw;  // (bad input: exit 2, before anything is touched)
    } catch (const std::exception& e) {
      // (No descriptor left for the run's events, say.)  The other
      // processes learn it where they agree that they are ready.
      if (peers_ != nullptr) peers_->agree_ready(e.what());
      result.first_error = errno_of(e);
      end_before_window(result, e.what(), sinks, worker_count(), interrupt_signal() != 0);
      return;
    }
  }
  Staged& st = *staged_;
  const uint32_t n = st.n;
  StartBarrier& barrier = *st.barrier_owner;
  RunSignals& signals = *st.signals_owner;
  TimeSeriesAssembler& time_series = *st.time_series_owner;
  std::unique_ptr<IoLogWriter>& iolog = st.iolog;
  std::vector<std::unique_ptr<WorkerThread>>& workers = st.workers;
  const std::vector<size_t>& group_of = st.group_of;
  // The run's last moment to stop by itself: the longest duration of its
  // groups (none when a group stops on a budget only).
  // A group's latest end: its start (after the group it waits for, then its
  // start delay) plus its duration; none without a duration.
  uint64_t longest_duration_ns = 0;
  std::map<std::string, uint64_t> latest_end;
  std::map<std::string, uint64_t> latest_start;
  for (const WorkerGroup& g : groups_) {
    const uint64_t after = g.spec->wait_for.empty() ? 0 : latest_end[g.spec->wait_for];
    const uint64_t start = after == UINT64_MAX ? UINT64_MAX : after + g.spec->start_delay_max_ns;
    const uint64_t end = g.spec->duration_ns == 0 || start == UINT64_MAX ? UINT64_MAX : start + g.spec->duration_ns;
    latest_start[g.name] = start;
    latest_end[g.name] = end;
    longest_duration_ns = std::max(longest_duration_ns, end);
  }
  // (From the window's start, which the shortest start delay opens.)
  if (longest_duration_ns != UINT64_MAX) longest_duration_ns -= window_offset_ns();
  // The workers' threads: new ones, or the crew's, which may have started
  // this phase already (the previous one ended by itself).
  std::vector<std::thread> threads;
  if (staged) {
    crew_->open(crew_phase_);
  } else {
    threads.reserve(n);
    for (auto& w : workers) threads.emplace_back([worker = w.get()] { worker->run(); });
  }
  const auto join_all = [&](const std::vector<bool>& skip) {
    if (staged) {
      crew_->wait_done(crew_phase_, skip);
      return;
    }
    for (size_t wi = 0; wi < threads.size(); ++wi) {
      if (skip.empty() || !skip[wi]) threads[wi].join();
    }
  };

  if (!barrier.wait_until_all_arrived()) {
    join_all({});
    std::exception_ptr failure;
    for (auto& w : workers) {
      if (w->setup_error() && !failure) failure = w->setup_error();
    }
    // (On a crew with peers, another process's failed setup stops this
    // one's workers too: this process has no error of its own.)
    std::string text;
    if (failure) {
      try {
        std::rethrow_exception(failure);
      } catch (const UsageError& e) {
        if (peers_ == nullptr) throw;  // (bad input a worker found: exit 2, as before the window)
        text = e.what();
      } catch (const std::exception& e) {
        text = e.what();
        result.first_error = errno_of(e);
      }
    }
    if (peers_ == nullptr) {
      if (!failure) throw std::logic_error("the workers stopped at the start line, yet none reported an error");
      end_before_window(result, text, sinks, n, staged ? signals.interrupted.load() : interrupt_signal() != 0);
      return;
    }
    if (peers_->agree_ready(text).empty()) {
      throw std::logic_error("the processes' workers stopped at the start line, yet none reported an error");
    }
    end_before_window(result, text, sinks, n, staged ? signals.interrupted.load() : interrupt_signal() != 0);
    return;
  }
  if (peers_ != nullptr && staged) {
    // The crews crossed the start line together at the ranks' gate.
    peers_->start_line_crossed(st.realtime_at_start_line);
  } else if (peers_ != nullptr) {
    bool ready = false;
    try {
      ready = peers_->agree_ready("").empty();
      if (ready) peers_->cross_start_line();
    } catch (...) {
      barrier.abort();
      join_all({});
      throw;
    }
    if (!ready) {
      // Another process's set-up failed: this one's workers never start.
      barrier.abort();
      join_all({});
      end_before_window(result, "", sinks, n, interrupt_signal() != 0);
      return;
    }
  }

  // (A barrier that releases itself took the resources as it released.)
  const ResourceUsage usage_before = staged ? st.usage_at_release : ResourceUsage::now();
  // The window's start is the first worker's (StartBarrier); until one has
  // seen the release, the coordinator's own checks count from the release.
  const uint64_t released_ns = monotonic_now_ns();
  const uint64_t released_unix_ns = staged ? st.unix_ns_at_release : unix_now_ns();
  // The capture's records count from the window's start: its writer is told
  // now, before a worker can queue one (a pipe's header goes out with it),
  // and exactly once the first worker has seen the release (below).  (A
  // crew's phases, staged, have no capture.)
  if (iolog) iolog->set_start_unix_ns(released_unix_ns + window_offset_ns());
  barrier.release();
  const auto window_start_ns = [&] {
    const uint64_t s = barrier.start_ns();
    return (s != 0 ? s : released_ns) + window_offset_ns();
  };
  // Time since the window's start; 0 before it opens.
  const auto window_elapsed_ns = [&](uint64_t t) {
    const uint64_t s = window_start_ns();
    return t > s ? t - s : 0;
  };
  result.window_offset_ns = window_offset_ns();
  {
    // (The wall-clock time the window opens, after the start delay.)
    result.started_at = utc_text(released_unix_ns + result.window_offset_ns);
    result.window_start_unix_ns = released_unix_ns + result.window_offset_ns;
  }
  result.stats_interval_ns = run_.stats_interval_ns;
  IntervalEmitter emitter(run_, sinks, placement, result, n);
  // A sink that fails (a full disk under the time-series file) stops the run
  // like an IO error: the summary is still printed, the exit code is 1.
  bool sink_failed = false;
  // --steady-state: each complete interval of the job is a sample; the run
  // stops at the end of the interval that makes the window steady.
  std::optional<SteadyStateDetector> steady;
  if (spec_.steady_state.active()) steady.emplace(spec_.steady_state, run_.stats_interval_ns);
  // Its samples start once every worker may have begun its IO (the
  // intervals of a --start-delay would look steady at zero).
  uint64_t steady_from_ns = 0;
  for (const auto& [name, start] : latest_start) steady_from_ns = std::max(steady_from_ns, start);
  if (steady_from_ns != UINT64_MAX) steady_from_ns -= window_offset_ns();  // (from the window's start)
  bool steady_stop = false;
  auto emit = [&](const MergedInterval& m, uint64_t window_ns) {
    if (sink_failed) return;
    // (The window's start on the wall clock, exact once the first worker
    // has seen the release, as the capture's below.)
    if (const uint64_t s = barrier.start_ns(); s != 0) {
      result.window_start_unix_ns = released_unix_ns + (s > released_ns ? s - released_ns : 0) + window_offset_ns();
    }
    try {
      emitter.emit(m, window_ns);
    } catch (const std::exception& e) {
      sink_failed = true;
      result.error_messages.push_back(e.what());
      signals.io_failed.store(true, std::memory_order_relaxed);
      signals.request_stop();
    }
    if (steady && window_ns == UINT64_MAX && !steady_stop && m.index * run_.stats_interval_ns >= steady_from_ns) {
      const uint64_t start = m.index * run_.stats_interval_ns;
      const double secs = static_cast<double>(run_.stats_interval_ns) / 1e9;
      const OpStats data = m.ops.data_total();
      if (steady->add(start, start + run_.stats_interval_ns, static_cast<double>(data.ops) / secs,
                      static_cast<double>(data.bytes) / secs)) {
        steady_stop = true;
        signals.request_stop();
      }
    }
  };

  // Someone reads the intervals while the run goes on (the coordinator
  // then wakes once per interval; otherwise only when needed).
  const bool live = !sinks.empty() || steady.has_value();

  // Watch the run: forward interrupts, emit intervals as they complete.
  // With peers, this process's intervals go to them and the job's merged
  // ones come back (to the reporting process); stops spread both ways.
  std::string stopped_by_peer;
  bool phase_ended = false;  // a worker of an --ends-phase group finished and stopped the phase
  bool told_peers = false;
  bool told_finished = false;
  // The clock is checked against CLOCK_MONOTONIC at every interval boundary
  // (and falls back to it if the two drifted apart).
  uint64_t next_clock_check = released_ns + run_.stats_interval_ns;
  const auto check_clock_at_boundary = [&] {
    const uint64_t now = monotonic_now_ns();
    if (now < next_clock_check) return;
    check_monotonic_clock();
    while (next_clock_check <= now) next_clock_check += run_.stats_interval_ns;
  };
  // A worker whose engine does not return from a call (a reap that ignores
  // its timeout) cannot be joined.  Once the run should have stopped
  // (duration over, a stop requested) and --stop-timeout and a second more
  // have passed (the worker gives up on an engine that returns but keeps
  // IOs by itself within --stop-timeout), such workers are abandoned: their
  // threads are detached, what they use is not freed, their delivered
  // intervals count, and the run is reported as incomplete.
  uint64_t stop_seen_ns = 0;
  std::vector<bool> abandoned(workers.size(), false);
  bool any_abandoned = false;
  // A failure talking to the peers must not unwind past running threads:
  // the workers stop and are joined first.
  try {
    for (;;) {
      check_clock_at_boundary();
      bool all_finished = true;
      for (auto& w : workers) all_finished &= w->finished();
      // (On a crew, an interrupt after every worker of the phase finished
      // belongs to the phase the crew runs next, whose workers see it.)
      if (interrupt_signal() != 0 && !signals.stop.load(std::memory_order_relaxed) && !(staged && all_finished)) {
        signals.request_interrupt_stop();
      }
      if (signals.interrupted.load(std::memory_order_relaxed)) result.interrupted = true;
      // --ends-phase: a worker of such a group that finished before any stop
      // did its work; the phase stops (fio's exitall), its stop reason
      // "ends-phase".
      if (!all_finished && !phase_ended && !signals.stop.load(std::memory_order_relaxed)) {
        for (size_t wi = 0; wi < workers.size(); ++wi) {
          if (!groups_[group_of[wi]].spec->ends_phase || !workers[wi]->finished()) continue;
          // (Once the phase's longest duration is over, every worker ends
          // by itself: time-based jobs of one runtime end on their time.)
          if (longest_duration_ns != UINT64_MAX && window_elapsed_ns(monotonic_now_ns()) >= longest_duration_ns) {
            break;
          }
          phase_ended = true;
          signals.request_stop();
          break;
        }
      }
      if (peers_ == nullptr) {
        if (all_finished) break;
        const uint64_t t = monotonic_now_ns();
        if (stop_seen_ns == 0 && (signals.stop.load(std::memory_order_relaxed) ||
                                  (longest_duration_ns != UINT64_MAX && window_elapsed_ns(t) >= longest_duration_ns))) {
          stop_seen_ns = t;
        }
        // The grace starts anew while a worker fsyncs its files at the end:
        // that waits for the device as long as it takes, as fio does.
        if (stop_seen_ns != 0 && std::any_of(workers.begin(), workers.end(), [](const auto& w) {
              return !w->finished() && w->syncing_at_end();
            })) {
          stop_seen_ns = t;
        }
        if (stop_seen_ns != 0 && t - stop_seen_ns >= spec_.stop_timeout_ns + 1'000'000'000) {
          signals.request_stop();
          for (size_t wi = 0; wi < workers.size(); ++wi) {
            if (workers[wi]->finished()) continue;
            abandoned[wi] = true;
            any_abandoned = true;
            time_series.abandon(static_cast<uint32_t>(wi));
            result.error_messages.push_back(fmt::format(
                "engine {}: worker {} did not return from the engine {:.1f} s after the stop (--stop-timeout); "
                "the run is incomplete: its IOs after its last stats interval are not counted",
                groups_[group_of[wi]].engine.desc->name, wi,
                static_cast<double>(t - stop_seen_ns) / 1e9));
          }
          break;
        }
        for (auto& w : workers) w->collect_intervals();
        for (const MergedInterval& m : time_series.take_complete()) emit(m, UINT64_MAX);
        // Sleep until something needs this thread: the next interval for
        // the live consumers (once every worker has closed it, which takes
        // a poll or two past the boundary), the end of the duration, the
        // end of the stop's grace; a worker that finishes, a stop and an
        // interrupt wake it sooner.  Without live consumers it does not wake
        // at the boundaries (the workers check the clock there, see
        // Worker::roll_interval, and hand their intervals over by
        // themselves when their mailbox fills).
        const uint64_t now = monotonic_now_ns();
        uint64_t due = UINT64_MAX;
        if (live) {
          const uint64_t closes = window_start_ns() + (result.intervals + 1) * run_.stats_interval_ns + kCloseSlackNs;
          due = now < closes ? closes : now + kMonitorPeriodNs;
        }
        if (stop_seen_ns != 0) {
          due = std::min(due, stop_seen_ns + spec_.stop_timeout_ns + 1'000'000'000);
        } else if (longest_duration_ns != UINT64_MAX) {
          due = std::min(due, window_start_ns() + longest_duration_ns);
        }
        signals.wait_coordinator(due > now ? due - now : 0, interrupt_signal() == 0);
        continue;
      }
      const uint64_t elapsed = window_elapsed_ns(monotonic_now_ns());
      uint64_t ops = 0, bytes = 0;
      for (auto& w : workers) {
        ops += w->progress_ops();
        bytes += w->progress_bytes();
      }
      if (!told_peers && (result.interrupted || signals.io_failed.load(std::memory_order_relaxed))) {
        told_peers = true;
        peers_->local_stop(result.interrupted ? "interrupted" : "error");
      }
      if (stopped_by_peer.empty()) {
        if (std::optional<std::string> why = peers_->stop_request()) {
          stopped_by_peer = *why;
          signals.request_stop();
        }
      }
      const bool last = all_finished;
      for (auto& w : workers) w->collect_intervals();
      // The last of this process's intervals ends with its window: the
      // peers must not take it for a full one (the job's window decides).
      std::vector<MergedInterval> closed = time_series.take_complete(/*all=*/last);
      if (last && !closed.empty()) closed.back().last = true;
      for (const MergedInterval& m : closed) peers_->local_interval(m);
      if (last && !told_finished) {
        told_finished = true;
        const uint64_t start_ns = window_start_ns();
        uint64_t end = start_ns;
        for (auto& w : workers) end = std::max(end, w->finish_ns());
        peers_->progress(end - start_ns, ops, bytes);
        peers_->local_finished();
      } else if (!last) {
        peers_->progress(elapsed, ops, bytes);
      }
      // Once every process is done, the rest (the last, partial intervals)
      // is emitted after the merge, which knows where the job's window ends.
      if (last && peers_->done()) break;
      for (const MergedInterval& m : peers_->take_complete(false)) emit(m, UINT64_MAX);
      std::this_thread::sleep_for(kMonitorPeriod);
    }
  } catch (...) {
    signals.request_stop();
    join_all({});
    throw;
  }
  join_all(abandoned);
  // What a worker left to hand over after its last interval (a metadata
  // worker's last interval: MetadataWorker::collect_intervals).
  for (size_t wi = 0; wi < workers.size(); ++wi) {
    if (!abandoned[wi]) workers[wi]->collect_intervals();
  }
  for (size_t wi = 0; wi < workers.size(); ++wi) {
    if (!abandoned[wi]) continue;
    // Still inside the engine: the thread keeps its Worker and what that
    // points to, never freed (the process ends soon after the results are
    // written; workers_abandoned() tells the caller).
    if (!staged) threads[wi].detach();
    (void)workers[wi].release();
  }
  if (any_abandoned) {
    g_workers_abandoned.store(true);
    (void)st.barrier_owner.release();
    (void)st.signals_owner.release();
    (void)st.time_series_owner.release();
    (void)st.file_offsets_owner.release();
  }
  if (iolog) {
    if (const uint64_t s = barrier.start_ns(); s != 0 && !any_abandoned) {
      // The window's start on the wall clock: the release's (both clocks
      // read together) plus the microseconds to the first worker's seeing
      // it, so neither a wall-clock step nor the clocks' drift during the
      // run is in it.
      iolog->set_start_unix_ns(released_unix_ns + (s > released_ns ? s - released_ns : 0) + window_offset_ns());
    }
    if (any_abandoned) {
      (void)iolog.release();  // an abandoned worker may still hand it a buffer
    } else if (const std::string error = iolog->finish(); !error.empty()) {
      result.error_messages.push_back(error);
      signals.io_failed.store(true, std::memory_order_relaxed);
    }
  }
  result.resources =
      ResourceUsage::between(usage_before, staged && !any_abandoned ? st.usage_at_end : ResourceUsage::now());
  check_monotonic_clock();  // the window's end is a boundary too
  result.clock = monotonic_clock_report();
  if (staged ? signals.interrupted.load() : interrupt_signal() != 0) result.interrupted = true;

  // The window (and the time series in it) opens at the phase's start; a
  // worker's first IO may come later (--start-delay, --wait-for).
  const uint64_t start_ns = window_start_ns();
  uint64_t end_ns = start_ns;
  std::vector<OpStatsSet> group_totals(groups_.size());
  // The longest of each group's workers' own spans (from a worker's first IO
  // to its end).
  std::vector<uint64_t> group_span(groups_.size(), 0), group_span_sum(groups_.size(), 0);
  std::vector<int> group_error(groups_.size(), 0);  // each group's first worker's error
  for (size_t wi = 0; wi < workers.size(); ++wi) {
    if (abandoned[wi]) continue;
    const auto& w = workers[wi];
    // Its first error: a failed operation's, else what ended its run.
    std::string run_error;
    int first_error = w->first_error();
    if (w->run_error()) {
      try {
        std::rethrow_exception(w->run_error());
      } catch (const std::exception& e) {
        run_error = e.what();
        if (first_error == 0) first_error = errno_of(e);
      }
    }
    MeasuredCounters counters = w->counters();
    counters.first_error = first_error;
    result.MeasuredCounters::merge(counters);
    {
      OpStats done = w->stats().data_total();
      done.merge(w->stats()[OpKind::kSync]);
      done.merge(w->stats()[OpKind::kTrim]);
      done.merge(w->stats().meta_total());
      result.worker_ops.push_back(done.ops);
    }
    group_totals[group_of[wi]].merge(w->stats());
    if (group_error[group_of[wi]] == 0) group_error[group_of[wi]] = first_error;
    uint64_t span = 0;
    if (w->io_start_ns() != 0 && w->finish_ns() != 0) {
      span = w->finish_ns() - std::min(w->finish_ns(), std::max(w->io_start_ns(), start_ns));
      group_span[group_of[wi]] = std::max(group_span[group_of[wi]], span);
      result.worker_span_ns = std::max(result.worker_span_ns, span);
      group_span_sum[group_of[wi]] += span;
      result.worker_span_sum_ns += span;
    }
    if (run_.worker_results) {
      const OpStatsSet& s = w->stats();
      const JobSpec& own = *groups_[group_of[wi]].spec;
      result.worker_results.push_back({static_cast<uint32_t>(groups_.size() > 1 ? group_of[wi] : 0),
                                       s[OpKind::kRead], s[OpKind::kWrite], s[OpKind::kSync], s[OpKind::kTrim],
                                       span, w->usage(), {}, first_error});
      if (own.io_priority != 0) {
        RunResult::WorkerResult& mine = result.worker_results.back();
        mine.priority.push_back(s.priority);
        mine.io_priority = own.io_priority;
        mine.io_priority_others = own.io_priority_percent == 100 ? 0 : own.io_priority_others;
      }
    }
    result.worker_cpus.push_back(w->cpu());
    result.worker_numa_nodes.push_back(w->numa_node());
    end_ns = std::max(end_ns, w->finish_ns());
    if (w->first_io_ns() != 0 && (result.first_io_ns == 0 || w->first_io_ns() < result.first_io_ns)) {
      result.first_io_ns = w->first_io_ns();
    }
    if (w->heatmap() != nullptr) {
      if (!result.heatmap) {
        result.heatmap = *w->heatmap();
      } else {
        result.heatmap->merge(*w->heatmap());
      }
    }
    for (const std::string& m : w->error_messages()) {
      if (result.error_messages.size() < 16) result.error_messages.push_back(m);
    }
    if (!run_error.empty()) result.error_messages.push_back(run_error);
  }
  // An abandoned worker's window ends at the stop it never saw.
  if (any_abandoned) end_ns = std::max(end_ns, stop_seen_ns);
  result.window_ns = end_ns - start_ns;
  if (groups_.size() > 1) {
    for (size_t gi = 0; gi < groups_.size(); ++gi) {
      result.groups.push_back({groups_[gi].name, group_totals[gi][OpKind::kRead], group_totals[gi][OpKind::kWrite],
                               group_totals[gi][OpKind::kSync], group_totals[gi][OpKind::kTrim], group_span[gi],
                               group_span_sum[gi], group_error[gi]});
    }
  }
  result.replay_timed = !spec_.replay.empty() && spec_.replay_speed > 0;
  result.rate_limited = spec_.rate_iops != 0 || spec_.rate_bw != 0 || result.replay_timed;
  result.locking = spec_.lock_mode != LockMode::kNone;
  result.verifying = spec_.verify || spec_.verify_only;
  {
    std::vector<uint32_t> pinned = spec_.cpu_cores;
    std::sort(pinned.begin(), pinned.end());
    pinned.erase(std::unique(pinned.begin(), pinned.end()), pinned.end());
    const uint32_t online = static_cast<uint32_t>(std::max(1L, sysconf(_SC_NPROCESSORS_ONLN)));
    result.cores_used = pinned.empty() ? std::min(n, online)
                                       : std::min<uint32_t>(static_cast<uint32_t>(pinned.size()), n);
  }
  if (peers_ == nullptr) {
    for (const MergedInterval& m : time_series.take_complete(/*all=*/true)) emit(m, result.window_ns);
  }
  if (any_abandoned) {
    // An abandoned worker's statistics are what it delivered: the totals
    // are the time series' sum, which has every finished worker's whole
    // statistics and the abandoned ones' closed intervals (the latencies
    // beyond the op counts stay the finished workers').
    result.assign_ops(emitter.cumulative());
  }
  // The phase's priority split holds when its groups ask for the same
  // priorities and share; groups that differ make it mixed (no split).
  for (const WorkerGroup& g : groups_) {
    const JobSpec& s = *g.spec;
    const uint16_t others = s.io_priority_percent == 100 ? 0 : s.io_priority_others;
    if (&g == &groups_.front()) {
      result.io_priority = s.io_priority;
      result.io_priority_percent = s.io_priority == 0 ? 0 : s.io_priority_percent;
      result.io_priority_others = others;
    } else if (s.io_priority != result.io_priority ||
               (s.io_priority != 0 && (s.io_priority_percent != result.io_priority_percent ||
                                       others != result.io_priority_others))) {
      result.mixed_priorities = true;
    }
  }
  if (result.mixed_priorities) {
    result.io_priority = 0;
    result.io_priority_percent = 0;
    result.io_priority_others = 0;
    result.priority.clear();
  }

  // IOs of the pass: reads, writes and trims (a trim takes a block of the
  // pass as a write would).
  const OpStats data = result.total();
  const uint64_t done_ops = data.ops + data.errors + result.trim.ops + result.trim.errors;
  if (any_abandoned) {
    result.stop_reason = StopReason::kIncomplete;
  } else if (result.interrupted) {
    result.stop_reason = StopReason::kInterrupted;
  } else if (signals.io_failed.load()) {
    result.stop_reason = StopReason::kError;
  } else if (steady_stop) {
    result.stop_reason = StopReason::kSteadyState;
  } else if (phase_ended) {
    result.stop_reason = StopReason::kEndsPhase;
  } else if (spec_.metadata.active()) {
    // Every step done, or stopped by the time limit (stonewall) or budget.
    result.stop_reason = spec_.duration_ns != 0 && result.window_ns >= spec_.duration_ns ? StopReason::kDuration
                         : spec_.total_ops != 0                                        ? StopReason::kTotalOps
                                                                                       : StopReason::kComplete;
  } else if (layout_.workers.front().complete_pass && done_ops >= layout_.total_ops) {
    result.stop_reason = StopReason::kComplete;
  } else if (!spec_.replay.empty() && (spec_.duration_ns == 0 || result.window_ns < spec_.duration_ns) &&
             spec_.total_ops == 0) {
    result.stop_reason = StopReason::kComplete;  // the whole trace was replayed
  } else if (spec_.duration_ns != 0 && result.window_ns >= spec_.duration_ns) {
    result.stop_reason = StopReason::kDuration;
  } else if (spec_.total_ops != 0) {
    result.stop_reason = StopReason::kTotalOps;
  } else if (spec_.total_bytes != 0) {
    result.stop_reason = StopReason::kTotalBytes;
  } else {
    result.stop_reason = StopReason::kDuration;
  }
  if (steady) result.steady_state = steady->to_json();
  if (!stopped_by_peer.empty() && result.stop_reason != StopReason::kInterrupted && result.stop_reason != StopReason::kError) {
    result.stop_reason = StopReason::kStopped;  // by another process, which reports why
  }
  if (peers_ != nullptr) {
    // The job's window is the longest rank's; the intervals still held
    // (the last ones) close at its end.
    peers_->merge(result);
    for (const MergedInterval& m : peers_->take_complete(/*all=*/true)) emit(m, result.window_ns);
    if (sink_failed) result.stop_reason = StopReason::kError;  // the reporting process's files are incomplete
  }
  for (IntervalSink* sink : sinks) sink->on_run_end(result);
}

bool workers_abandoned() { return g_workers_abandoned.load(); }

}  // namespace iopulse
