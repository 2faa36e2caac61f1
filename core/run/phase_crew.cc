// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "run/phase_crew.h"

#include <utility>

#include "run/interrupt.h"
#include "run/job_runner.h"

namespace iopulse {

PhaseCrew::PhaseCrew(uint32_t threads, RankGate* gate) : threads_(threads), state_(new State) {
  state_->gate = gate;
  pool_.reserve(threads);
  for (uint32_t i = 0; i < threads; ++i) pool_.emplace_back(thread_body, state_, i);
}

PhaseCrew::~PhaseCrew() {
  {
    std::lock_guard<std::mutex> lock(state_->mu);
    state_->closing = true;
    for (Phase& p : state_->phases) {
      if (p.done < threads_) {
        p.cancelled = true;
        p.signals->request_stop();
      }
    }
    state_->cv.notify_all();
  }
  if (workers_abandoned()) {
    // A thread is still inside an engine: it keeps the state.
    for (std::thread& t : pool_) t.detach();
    return;
  }
  for (std::thread& t : pool_) t.join();
  delete state_;
}

uint32_t PhaseCrew::add_phase(std::vector<WorkerThread*> workers, RunSignals* signals,
                             std::function<void()> on_finished) {
  std::lock_guard<std::mutex> lock(state_->mu);
  Phase p;
  p.workers = std::move(workers);
  p.signals = signals;
  p.on_finished = std::move(on_finished);
  state_->phases.push_back(std::move(p));
  state_->cv.notify_all();
  return static_cast<uint32_t>(state_->phases.size() - 1);
}

void PhaseCrew::open(uint32_t p) {
  std::lock_guard<std::mutex> lock(state_->mu);
  state_->phases[p].open = true;
  state_->cv.notify_all();
}

bool PhaseCrew::started(uint32_t p) const {
  std::lock_guard<std::mutex> lock(state_->mu);
  return p < state_->phases.size() && state_->phases[p].open;
}

void PhaseCrew::wait_done(uint32_t p, const std::vector<bool>& skip) {
  uint32_t skipped = 0;
  for (bool s : skip) skipped += s ? 1 : 0;
  std::unique_lock<std::mutex> lock(state_->mu);
  state_->cv.wait(lock, [&] {
    const Phase& phase = state_->phases[p];
    return phase.settled || (skipped > 0 && phase.done + skipped >= threads_);
  });
}

void PhaseCrew::cancel_from(uint32_t p) {
  std::lock_guard<std::mutex> lock(state_->mu);
  for (size_t i = p; i < state_->phases.size(); ++i) {
    Phase& phase = state_->phases[i];
    phase.cancelled = true;
    if (phase.done < threads_) phase.signals->request_stop();
  }
  state_->cv.notify_all();
}

void PhaseCrew::thread_body(State* state, uint32_t index) {
  const auto threads_of = [](const Phase& phase) { return phase.workers.size(); };
  for (size_t p = 0;; ++p) {
    WorkerThread* worker = nullptr;
    {
      std::unique_lock<std::mutex> lock(state->mu);
      state->cv.wait(lock, [&] {
        return (p < state->phases.size() && (state->phases[p].open || state->phases[p].cancelled)) ||
               (p >= state->phases.size() && state->closing);
      });
      if (p >= state->phases.size()) return;
      Phase& phase = state->phases[p];
      if (phase.cancelled && !phase.open) {
        if (++phase.done == threads_of(phase)) phase.settled = true;
        state->cv.notify_all();
        continue;
      }
      worker = phase.workers[index];
    }
    // Once open, a phase runs even when cancelled meanwhile: its workers
    // then see the stop and end at once, their records written.
    worker->run();
    std::unique_lock<std::mutex> lock(state->mu);
    Phase& phase = state->phases[p];
    if (++phase.done < phase.workers.size()) {
      state->cv.notify_all();
      continue;
    }
    if (phase.on_finished) phase.on_finished();
    if (p + 1 < state->phases.size()) {
      // The last worker of a phase that ended by itself (every step done,
      // or its time or budget over) lets the next one start: every record
      // of this phase is written.
      bool clean = !phase.cancelled && !phase.signals->stop.load() && !phase.signals->io_failed.load() &&
                   interrupt_signal() == 0;
      for (const WorkerThread* w : phase.workers) clean = clean && !w->setup_error();
      if (state->gate != nullptr) {
        // ... on every process, once every process's crew finished it (and
        // wrote its records, which the next phase may read).
        lock.unlock();
        clean = state->gate->all(clean);
        lock.lock();
      }
      if (clean) state->phases[p + 1].open = true;
    }
    state->phases[p].settled = true;
    state->cv.notify_all();
  }
}

}  // namespace iopulse
