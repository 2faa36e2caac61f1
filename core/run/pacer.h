// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// Pacer: when a worker's next IO may start, and what the worker's own
// lateness was.  Two rules hold an IO back, either or both:
//
//   think time     after every `think_every` completions the worker pauses
//                  think_time_ns plus think_adaptive_percent % of the last
//                  IO's latency (a closed loop: an application that thinks)
//   the schedule   an open loop: the IOs are due one step apart from the
//                  window's start (a step is max(ns_per_io, ns_per_byte *
//                  the IO's length); a rate limit), or, with poisson, a
//                  step times an Exp(1) draw (a Poisson process of the same
//                  mean rate), or at their trace times scaled by
//                  1 / --replay-speed (a timed replay)
//
// On the schedule each IO has an intended start.  The pacer records, per
// IO, latency from that intended start (what an open-loop client sees,
// queueing behind a slow device included) and the schedule lag: how long
// after it could have started (due, and some slot free) the host submitted
// it.  The lag is the host's own lateness (the limiter waking late), never
// the device's, so it is reported apart (docs/design.md, "The measured
// window").
//
// A pacer belongs to one worker and is used on its thread only.  Nothing in
// it allocates or makes a system call; the worker does the waiting.
#ifndef IOPULSE_RUN_PACER_H_
#define IOPULSE_RUN_PACER_H_

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>

#include "job/job_spec.h"
#include "stats/op_stats_set.h"  // OpKind, kNumOpKinds
#include "stats/latency_histogram.h"
#include "workload/random_source.h"

namespace iopulse {

// What paces one worker, planned once from the job.
struct PacingPlan {
  uint64_t think_time_ns = 0;
  uint32_t think_every = 1;
  uint32_t think_adaptive_percent = 0;
  bool think_spin = false;      // spin through a pause instead of sleeping
  double ns_per_io = 0;         // --rate-iops: the worker's step per IO, else 0
  double ns_per_byte = 0;       // --rate-bw: the worker's step per byte, else 0
  double replay_ns_per_ns = 0;  // a timed replay: 1 / --replay-speed, else 0
  bool poisson = false;         // --rate-process poisson: exponential gaps
  uint64_t arrival_seed = 0;    // seeds the gaps' draws (the worker's own)

  // The worker's share of the job's rate is 1 / `job_workers` (the job's
  // workers on every process) unless --rate-per-worker.  `worker_seed`: the
  // worker's own seed, from which the gaps' draws derive.
  static PacingPlan of(const JobSpec& spec, uint64_t job_workers, uint64_t worker_seed);

  bool thinks() const { return think_time_ns != 0 || think_adaptive_percent != 0; }
  bool scheduled() const { return ns_per_io > 0 || ns_per_byte > 0 || replay_ns_per_ns > 0; }
  bool replays() const { return replay_ns_per_ns > 0; }
};

class Pacer {
 public:
  explicit Pacer(const PacingPlan& plan) : plan_(plan), arrivals_(plan.arrival_seed) {}

  const PacingPlan& plan() const { return plan_; }
  bool thinks() const { return plan_.thinks(); }
  bool scheduled() const { return plan_.scheduled(); }

  // The window starts at `start_ns` with every slot free.  The first IO is
  // due at once, or in a timed replay at its trace time `first_trace_ns`
  // (ns after the trace's start).
  void start(uint64_t start_ns, uint64_t first_trace_ns = 0);

  // True while a think pause holds the worker at `t`.
  bool thinking(uint64_t t) const { return t < think_until_ns_; }
  // True when the schedule's next IO is due at `t` (always without one).
  bool due(uint64_t t) const { return next_due_ns_ <= static_cast<double>(t); }
  // When the next IO may start: the end of the pause and, on a schedule,
  // the next due time; 0 when nothing holds it.
  uint64_t wake_ns() const {
    return std::max(think_until_ns_, scheduled() ? static_cast<uint64_t>(next_due_ns_) : uint64_t{0});
  }

  // Where an IO taken now sits on the schedule: when it was due, and since
  // when some slot was free (it could start at the later of the two).
  struct Place {
    uint64_t intended_ns;
    uint64_t free_ns;
  };
  // Takes the schedule's next place for an IO of `len` bytes; the IO after
  // it is due one step later (a replay: at its trace time, set with
  // next_trace_time(), or at once when the trace went back in time).
  Place take(uint32_t len) {
    const Place place{static_cast<uint64_t>(next_due_ns_), free_since_ns_};
    if (plan_.replays()) {
      next_due_ns_ = std::max(next_due_ns_, trace_due_ns_);
    } else {
      double step = std::max(plan_.ns_per_io, plan_.ns_per_byte * len);
      // Exp(1) by inversion; 1 - unit() is in (0, 1], so the log is finite.
      if (plan_.poisson) step *= -std::log(1.0 - arrivals_.unit());
      next_due_ns_ += step;
    }
    return place;
  }
  // A timed replay: the trace's next IO was recorded `trace_ns` after the
  // trace's start.
  void next_trace_time(uint64_t trace_ns) {
    trace_due_ns_ = static_cast<double>(start_ns_) + static_cast<double>(trace_ns) * plan_.replay_ns_per_ns;
  }

  // A completion freed a slot into an empty pool at `now`: from then on an
  // IO could have started.  (Which slot an IO gets says nothing: the pool
  // hands out the one freed last.)
  void slot_freed_into_empty(uint64_t now) { free_since_ns_ = now; }

  // An IO of `kind` submitted at `submit_ns` from `place` completed at `now`
  // after `latency` ns (its service latency).  `ok`: it succeeded (a failed
  // IO counts only toward a replay's lag).
  void completed(OpKind kind, bool ok, uint64_t now, uint64_t submit_ns, const Place& place, uint64_t latency) {
    if (ok && thinks()) last_latency_ns_ = latency;  // only adaptive think time reads it
    if (!scheduled()) return;
    if (ok) {
      intended_[static_cast<size_t>(kind)].record(now - place.intended_ns);
      const uint64_t could_start = std::max(place.intended_ns, place.free_ns);
      schedule_lag_.record(submit_ns > could_start ? submit_ns - could_start : 0);
    }
    if (plan_.replays()) replay_lag_.record(submit_ns > place.intended_ns ? submit_ns - place.intended_ns : 0);
  }
  // A reap at `now` brought `got` completions: every think_every of them
  // start a pause.
  void reaped(uint32_t got, uint64_t now) {
    if (!thinks() || got == 0) return;
    completions_since_think_ += got;
    if (completions_since_think_ >= plan_.think_every) {
      completions_since_think_ = 0;
      think_until_ns_ = now + plan_.think_time_ns + last_latency_ns_ * plan_.think_adaptive_percent / 100;
    }
  }

  // Latency from each IO's intended start, by OpKind (empty without a
  // schedule).
  const std::array<LatencyHistogram, kNumOpKinds>& intended_latency() const { return intended_; }
  // The host's lateness per IO on a rate schedule (empty without one).
  const LatencyHistogram& schedule_lag() const { return schedule_lag_; }
  // A timed replay: how long after its scaled trace time each IO was
  // submitted.
  const LatencyHistogram& replay_lag() const { return replay_lag_; }

 private:
  PacingPlan plan_;
  uint64_t start_ns_ = 0;
  uint64_t think_until_ns_ = 0;
  uint32_t completions_since_think_ = 0;
  uint64_t last_latency_ns_ = 0;
  double next_due_ns_ = 0;     // when the schedule's next IO is due
  double trace_due_ns_ = 0;    // a replay: when the trace's next IO is due
  uint64_t free_since_ns_ = 0;
  RandomSource arrivals_;      // the Poisson gaps' draws
  std::array<LatencyHistogram, kNumOpKinds> intended_;
  LatencyHistogram schedule_lag_;
  LatencyHistogram replay_lag_;
};

}  // namespace iopulse

#endif  // IOPULSE_RUN_PACER_H_
