// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "run/worker.h"

#include <fcntl.h>
#include <numa.h>
#include <numaif.h>
#include <pthread.h>
#include <sched.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <algorithm>
#include <csetjmp>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <system_error>

#include <fmt/format.h>

#include "job/io_priority.h"
#include "run/bus_error_trap.h"
#include "run/monotonic_clock.h"
#include "verify/block_format.h"

namespace iopulse {
namespace {

constexpr uint64_t kPauseSliceNs = 50'000'000;        // bounds how late a pause sees a stop

const char* op_name(uint8_t op) {
  switch (op) {
    case IOP_OP_READ: return "read";
    case IOP_OP_WRITE: return "write";
    case IOP_OP_FSYNC: return "fsync";
    case IOP_OP_FDATASYNC: return "fdatasync";
    case IOP_OP_TRIM: return "trim";
  }
  return "io";
}

}  // namespace

Worker::Worker(const WorkerSetup& setup, WorkerPlan plan)
    : setup_(setup),
      assignment_(setup.layout->workers[setup.layout_index]),
      source_(plan, assignment_),
      submit_batch_(plan.submit_batch),
      pacer_(plan.pacing),
      plan_(std::move(plan)),
      errors_(*setup.signals, plan_.continue_on_error) {}

Worker::~Worker() {
  teardown();
}

void Worker::run() {
  // A private descriptor table, as a worker process would have: with the
  // table shared by every thread, each IO system call takes and drops a
  // reference on its file (two atomic operations, about 30 ns a call at
  // page-cache speed); with a table of its own the kernel borrows the file.
  // The worker opens and closes all of its descriptors on this thread, so
  // none is lost to the rest of the process; the other way round, the table
  // starts as a copy of the process's, so a descriptor another thread
  // closes while the worker runs (none does) stays open until the worker
  // ends.  Engines are told (engine.h, Threads).  Failing leaves the shared
  // table: slower, not wrong.
  (void)unshare(CLONE_FILES);
  // Timed waits (the rate schedule, think time, an engine's own sleeps)
  // wake within microseconds instead of the default 50 us slack; what
  // lateness is left shows as schedule lag, never as device latency.
  (void)prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
  try {
    if (plan_.cpu >= 0) {
      cpu_set_t set;
      CPU_ZERO(&set);
      CPU_SET(plan_.cpu, &set);
      const int rc = pthread_setaffinity_np(pthread_self(), sizeof set, &set);
      if (rc != 0) {
        throw std::system_error(rc, std::generic_category(),
                                fmt::format("pinning worker {} to CPU {}", setup_.index, plan_.cpu));
      }
    }
    if (plan_.numa_node >= 0) {
      // The thread's memory policy, set before setup() allocates the buffers.
      bitmask* nodes = numa_allocate_nodemask();
      numa_bitmask_setbit(nodes, static_cast<unsigned>(plan_.numa_node));
      numa_set_membind(nodes);
      numa_free_nodemask(nodes);
    }
    setup();
    if (plan_.numa_node >= 0) {
      int node = -1;
      if (get_mempolicy(&node, nullptr, 0, pool_->buffers(), MPOL_F_NODE | MPOL_F_ADDR) == 0) numa_node_ = node;
    }
  } catch (...) {
    setup_error_ = std::current_exception();
    setup_.barrier->abort();
    teardown();
    setup_.time_series->finish(setup_.index);
    finished_.store(true, std::memory_order_release);
    setup_.signals->wake_coordinator();
    return;
  }
  const uint64_t start_ns = setup_.barrier->arrive_and_wait();
  const ResourceUsage usage_at_start = ResourceUsage::thread_now();
  // The loop's first submit() follows at once, or after --start-delay
  // (which the start-up time leaves out, as it leaves out preparation).
  if (start_ns != 0) first_io_ns_ = monotonic_now_ns();
  // A stop during the start delay ends the worker without any IO.
  const uint64_t io_start_ns = start_ns != 0 ? wait_start_delay(start_ns) : 0;
  // The window opens after the phase's shortest start delay (every worker's
  // delay is at least that long).
  const uint64_t window_ns = start_ns + setup_.window_offset_ns;
  if (io_start_ns == 0 && start_ns != 0) {
    finish_ns_ = monotonic_now_ns();
    start_ns_ = std::min(window_ns, finish_ns_);
    roll_interval(finish_ns_, /*last=*/true);
  }
  if (io_start_ns != 0) {
    io_start_ns_ = io_start_ns;  // the window's start without a delay
    try {
      loop(window_ns, io_start_ns);
      for (IoObserver* o : observers_) o->loop_ended();
    } catch (...) {
      run_error_ = std::current_exception();
      setup_.signals->io_failed.store(true, std::memory_order_relaxed);
      setup_.signals->request_stop();
      // What completed before the failure is measured like any run's end.
      finish_ns_ = monotonic_now_ns();
      roll_interval(finish_ns_, /*last=*/true);
    }
  }
  if (mailbox_) mailbox_->collect();  // after a failure, what was closed before it
  cpu_ = sched_getcpu();
  usage_ = ResourceUsage::between(usage_at_start, ResourceUsage::thread_now());
  teardown();
  setup_.time_series->finish(setup_.index);
  finished_.store(true, std::memory_order_release);
  setup_.signals->wake_coordinator();
}

void Worker::setup() {
  const iop_engine_desc& desc = *setup_.engine;
  const uint32_t qd = setup_.queue_depth;

  iop_engine_config config{};
  config.struct_size = sizeof config;
  config.queue_depth = qd;
  config.flags = plan_.direct ? IOP_CONFIG_DIRECT : 0;
  config.worker_index = setup_.layout_index;
  config.num_workers = plan_.host_workers;
  config.num_options = setup_.num_engine_options;
  config.options = setup_.engine_options;
  engine_ = std::make_unique<EngineInstance>(desc, config);
  // What this instance does (with these options), not what the engine can.
  engine_caps_ = (desc.caps & IOP_CAP_REPORT) != 0 ? engine_->report().caps : desc.caps;

  // The host opens every file of the assignment unless the engine does (or
  // does no IO at all); the engine gets a handle for each.  Writes and
  // trims both need the file open for writing.
  const bool writes = plan_.writes;
  const uint32_t file_flags =
      IOP_FILE_READ | (writes ? IOP_FILE_WRITE : 0) | (plan_.direct ? IOP_FILE_DIRECT : 0);
  const bool host_opens = (desc.required_caps & (IOP_REQ_OPENS_BY_PATH | IOP_REQ_DISKLESS)) == 0;
  uint64_t first_unit = 0;
  for (const WorkerRegion& wr : assignment_.regions) {
    OpenRegion r;
    r.file = &setup_.layout->files[wr.file_index];
    r.offset = wr.offset;
    r.bytes = wr.blocks * plan_.unit;
    r.first_unit = first_unit;
    r.heat_base = (*setup_.file_offsets)[wr.file_index];
    r.journal_base = setup_.journal != nullptr ? setup_.journal->file_base(wr.file_index) + wr.offset / plan_.unit : 0;
    first_unit += wr.blocks;
    regions_.push_back(r);
    OpenRegion& open_region = regions_.back();
    if (host_opens) {
      const int oflags = (writes ? O_RDWR : O_RDONLY) | O_CLOEXEC | (plan_.direct ? O_DIRECT : 0);
      open_region.fd = open(r.file->path.c_str(), oflags);
      if (open_region.fd < 0) {
        const int err = errno;
        throw std::system_error(err, std::generic_category(),
                                fmt::format("opening '{}'{}", r.file->path,
                                            plan_.direct && err == EINVAL
                                                ? " with O_DIRECT (the filesystem may not support it)"
                                                : ""));
      }
      // (A memory device keeps no pages: fio advises it nothing.)
      const bool keeps_pages = r.file->device != PlannedFile::Device::kMemory;
      for (const int advice : keeps_pages ? plan_.fadvise : std::vector<int>{}) {
        const int rc = posix_fadvise(open_region.fd, static_cast<off_t>(r.offset), static_cast<off_t>(r.bytes),
                                     advice);
        if (rc != 0) {
          throw std::system_error(rc, std::generic_category(),
                                  fmt::format("posix_fadvise {} on '{}'", plan_.fadvise_name, r.file->path));
        }
      }
    }
    iop_file_desc fdesc{};
    fdesc.struct_size = sizeof fdesc;
    fdesc.flags = file_flags;
    fdesc.path = r.file->path.c_str();
    fdesc.fd = open_region.fd;
    fdesc.size = r.file->size;
    open_region.handle = engine_->open_file(fdesc);
  }
  source_.set_regions(regions_);  // regions_ stays as it is from here on
  if (plan_.end_fsync) {
    // Each file once, however many regions it holds: listed here, outside
    // the window.
    for (const OpenRegion& r : regions_) end_sync_handles_.push_back(r.handle);
    std::sort(end_sync_handles_.begin(), end_sync_handles_.end());
    end_sync_handles_.erase(std::unique(end_sync_handles_.begin(), end_sync_handles_.end()), end_sync_handles_.end());
  }
  mailbox_ = std::make_unique<IntervalMailbox>(setup_.time_series, setup_.index);
  interval_ = &mailbox_->current().ops;

  // The IO pool: queue_depth slots, each with its own buffer and scratch.
  const size_t align = std::max<size_t>(4096, desc.min_buf_align);
  const ReplayPlan* replay = setup_.layout->replay.get();
  const uint32_t max_io =
      std::max({plan_.read_sizes.max_size(), plan_.write_sizes.max_size(), replay != nullptr ? replay->max_len : 0u});
  void* engine_memory = nullptr;
  if ((engine_caps_ & IOP_CAP_ENGINE_BUFFERS) != 0) {
    // One allocation for the whole pool, from the engine (huge pages, device
    // memory); the instance frees it before it is destroyed.
    engine_memory = engine_->alloc_buffer(IoPool::buf_stride(max_io, align) * qd).base;
  }
  pool_.emplace(qd, max_io, align, desc.io_priv_size, engine_memory);
  const size_t buf_stride = pool_->stride();
  unsigned char* const buf_base = pool_->buffers();  // zeroed: placed (NUMA) and mapped before the window
  if (plan_.pattern_fill) {
    // The constant byte the user asked for, in every write.
    std::memset(buf_base, plan_.pattern, buf_stride * qd);
  }
  pool_->set_registered(engine_->register_buffers(pool_->buffer_list()));
  source_.prepare_data(plan_, setup_.global_index, max_io, qd);
  add_observers();

  if (replay != nullptr) {
    // Every region is one whole file (a replay's files are shared).
    std::vector<uint32_t> file_region(setup_.layout->files.size(), 0);
    std::vector<uint64_t> sizes;
    for (const PlannedFile& f : setup_.layout->files) sizes.push_back(f.size);
    for (size_t r = 0; r < assignment_.regions.size(); ++r) {
      file_region[assignment_.regions[r].file_index] = static_cast<uint32_t>(r);
    }
    auto cursor = std::make_unique<TraceCursor>(*replay, setup_.layout_index, std::move(sizes));
    (void)cursor->front();  // the first chunk is read before the window
    source_.set_replay(std::move(cursor), std::move(file_region), &pacer_);
  }
  ledger_.emplace(desc.name, qd);
  // With one IO in flight at a time (queue depth 1) the worker waits for it
  // inside the engine's reap(): one system call of an io_uring or libaio
  // engine, where the completion fd's wait takes three or four (a libaio
  // reap with timeout 0 first, ppoll, the fd's read, the reap), all inside
  // the IO's latency.  Deeper queues wait on the fd, which then reaps all
  // that arrived (docs/design.md, "Waiting for completions").
  if ((engine_caps_ & IOP_CAP_COMPLETION_FD) != 0 && qd > 1) {
    completion_wait_ = std::make_unique<CompletionWait>(engine_->completion_fd(), setup_.signals->stop_fd());
  }
  for (uint32_t i = 0; i < qd; ++i) pool_->slots()[i].io.file = regions_.front().handle;  // region 0
}

void Worker::add_observers() {
  const uint32_t qd = setup_.queue_depth;
  if (plan_.verify || plan_.verify_only) {
    verify_ = std::make_unique<VerifyObserver>(
        VerifyContext{regions_, source_.verified_dedupe(), plan_.job_seed, setup_.journal, errors_,
                      setup_.min_generation},
        qd,
        plan_.verify, plan_.writes, assignment_.region_blocks, setup_.generation_epoch, plan_.sync_every);
    source_.set_verification(verify_->source_state());
    observers_.push_back(verify_.get());  // first: it releases the blocks the source marked
  }
  if (source_.splits_priority()) {
    priority_split_ = std::make_unique<PrioritySplitObserver>(interval_, plan_.io_priority);
    observers_.push_back(priority_split_.get());
  }
  if (plan_.heatmap) {
    heatmap_ = std::make_unique<HeatmapObserver>(regions_, setup_.working_set_bytes, plan_.unit,
                                                 plan_.heatmap_buckets);
    observers_.push_back(heatmap_.get());
  }
  if (setup_.iolog != nullptr) {
    iolog_ = std::make_unique<IoLogObserver>(*setup_.iolog, std::max(8192u, qd), assignment_,
                                             setup_.iolog_file_base, setup_.index);
    observers_.push_back(iolog_.get());
  }
  // Last: a lock is taken once everything else admitted the IO, and held
  // for the shortest time.  Locks need the host's descriptors.
  if (plan_.lock_mode != LockMode::kNone && regions_.front().fd >= 0) {
    locks_ = std::make_unique<RangeLockObserver>(regions_, plan_.lock_mode, plan_.writes);
    observers_.push_back(locks_.get());
  }
  for (size_t i = 0; i < observers_.size(); ++i) {
    if (observers_[i]->admits()) admitters_.push_back(i);
    if (observers_[i]->watches_issue()) issue_watchers_.push_back(observers_[i]);
  }
}

bool Worker::plain() const {
  return observers_.empty() && !pacer_.scheduled() && !pacer_.thinks() && source_.plain_shape();
}

// Inlined into the loop (the only caller): one call per admitting observer.
[[gnu::always_inline]] inline bool Worker::admit(IoSlot& slot, size_t from, bool wait) {
  const size_t* const admitters = admitters_.data();
  const size_t n = admitters_.size();
  IoObserver* const* const observers = observers_.data();
  for (size_t k = from; k < n; ++k) {
    if (!observers[admitters[k]]->admit(slot, wait)) [[unlikely]] {
      parked_ = static_cast<int64_t>(slot.io.user_data);
      parked_stage_ = k;
      return false;
    }
  }
  return true;
}

void Worker::abandon(const IoSlot& slot, size_t before) {
  for (size_t i = 0; i < before; ++i) observers_[i]->abandoned(slot);
}

uint64_t Worker::wait_start_delay(uint64_t start_ns) {
  if (plan_.start_delay_ns == 0 && setup_.waits_for.empty()) return start_ns;
  const RunSignals& signals = *setup_.signals;
  if (!setup_.waits_for.empty()) {
    // Polled every millisecond, as fio's job start is.
    for (;;) {
      if (signals.stop.load(std::memory_order_relaxed)) return 0;
      if (std::all_of(setup_.waits_for.begin(), setup_.waits_for.end(),
                      [](const WorkerThread* w) { return w->finished(); })) {
        break;
      }
      const timespec ms{0, 1'000'000};
      nanosleep(&ms, nullptr);
    }
    start_ns = monotonic_now_ns();
  }
  const uint64_t due = start_ns + plan_.start_delay_ns;
  for (;;) {
    const uint64_t now = monotonic_now_ns();
    if (now >= due) return now;
    if (signals.stop.load(std::memory_order_relaxed)) return 0;
    // Slices of at most kReapTimeoutNs: a stop is seen as soon as in a reap.
    const uint64_t wait = std::min(due - now, kReapTimeoutNs);
    const timespec ts{static_cast<time_t>(wait / 1'000'000'000), static_cast<long>(wait % 1'000'000'000)};
    nanosleep(&ts, nullptr);
  }
}

void Worker::loop(uint64_t start_ns, uint64_t io_start_ns) {
  // Intervals count from the window's start; the IOs (the duration, the
  // rate schedule) from the worker's own.
  start_ns_ = start_ns;
  next_interval_ns_ = start_ns + setup_.stats_interval_ns;
  // A SIGBUS in the loop (an engine copying from a mapping of a file that
  // was truncated under it) lands here; run_loop's frames hold nothing that
  // needs destroying.
  sigjmp_buf bus_error;
  if (sigsetjmp(bus_error, 0) != 0) {
    throw std::runtime_error(fmt::format(
        "engine {}: bus error (SIGBUS) at address {} during an IO: a memory-mapped file was truncated by another "
        "process, or its storage failed",
        setup_.engine->name, last_bus_error_address()));
  }
  arm_bus_error_jump(&bus_error);
  for (IoObserver* o : observers_) o->window_started(start_ns);
  try {
    if (plain()) {
      source_.enter_plain();
      if (setup_.queue_depth == 1) {
        run_plain_qd1(io_start_ns);
      } else {
        run_loop<true>(io_start_ns);
      }
    } else {
      run_loop<false>(io_start_ns);
    }
  } catch (...) {
    arm_bus_error_jump(nullptr);
    throw;
  }
  arm_bus_error_jump(nullptr);
}

static_assert(op_kind_of(IOP_OP_READ) == static_cast<OpKind>(IOP_OP_READ) &&
              op_kind_of(IOP_OP_WRITE) == static_cast<OpKind>(IOP_OP_WRITE));

template <bool kPlain>
void Worker::run_loop(uint64_t start_ns) {
  RunSignals& signals = *setup_.signals;
  const uint64_t deadline = plan_.duration_ns != 0 ? start_ns + plan_.duration_ns : UINT64_MAX;
  const uint32_t qd = setup_.queue_depth;
  const bool think = !kPlain && pacer_.thinks();
  const bool spin = pacer_.plan().think_spin;
  const bool rate_limited = !kPlain && pacer_.scheduled();
  const bool trim_write = !kPlain && source_.trim_write();
  // The observers (none in a plain loop), in the order they are called,
  // and those that admit IOs or watch them being issued.
  IoObserver* const* const observers = observers_.data();
  const size_t num_observers = kPlain ? 0 : observers_.size();
  const bool admitting = !kPlain && !admitters_.empty();
  IoObserver* const* const issue_watchers = issue_watchers_.data();
  const size_t num_issue_watchers = kPlain ? 0 : issue_watchers_.size();
  // The pool's arrays and the engine stay put while the loop runs; held in
  // locals they stay in registers across the calls into the engine.
  IoSlot* const slots = pool_->slots();
  uint32_t* const free_stack = pool_->free_stack();
  iop_io** const batch = pool_->batch();
  iop_cqe* const cqes = pool_->completions();
  EngineInstance& engine = *engine_;
  CompletionLedger& ledger = *ledger_;
  CompletionWait* const completion_wait = completion_wait_.get();
  const uint64_t pool_slots = ledger.slots();  // == qd
  const uint32_t submit_batch = submit_batch_;

  uint32_t nfree = qd;
  uint32_t pending = 0;   // prepared IOs at batch[0, pending) not yet accepted
  uint32_t inflight = 0;
  bool submitting = true;
  bool budget_spent = false;
  uint64_t now = start_ns;
  uint64_t reaped_at = 0;  // clock of the reap just processed (the pacing's "now"), 0 once used or stale
  uint64_t drain_deadline = 0;  // once draining: when to give up on the engine
  // Stops issuing: the IOs prepared and never accepted, and a parked one, go
  // back to the pool; the observers that admitted them are told.
  const auto abandon_unsubmitted = [&] {
    for (uint32_t i = 0; i < pending; ++i) {
      const uint32_t index = static_cast<uint32_t>(batch[i]->user_data);
      if (num_observers != 0) abandon(slots[index], num_observers);
      free_stack[nfree++] = index;
    }
    pending = 0;
    if (!kPlain && parked_ >= 0) {
      abandon(slots[parked_], admitters_[parked_stage_]);
      free_stack[nfree++] = static_cast<uint32_t>(parked_);
      parked_ = -1;
    }
  };
  Pacer& pacer = pacer_;
  TraceCursor* const replay = source_.replay();
  if (replay != nullptr && pacer.scheduled()) {
    // The first IO is due at its recorded time.
    const TraceRecord* first = replay->front();
    pacer.start(start_ns, first != nullptr ? first->time_ns : 0);
  } else {
    pacer.start(start_ns);
  }

  for (;;) {
    if (submitting) {
      // Refill free slots with every IO that may start now, then submit the
      // whole batch in one call.  `t` is "now" for the pacer's decisions (the
      // reap's clock read when one was just taken); the batch's own clock is
      // read after it was prepared, just before the call (below).
      uint64_t t = reaped_at != 0 ? reaped_at : (think || rate_limited ? monotonic_now_ns() : 0);
      reaped_at = 0;
      if (!kPlain && parked_ >= 0) [[unlikely]] {
        // An IO an observer held back (a lock someone else has, a capture
        // buffer in flight): asked again first, from that observer on.
        const int64_t index = parked_;
        parked_ = -1;
        IoSlot& slot = slots[index];
        if (admit(slot, parked_stage_, /*wait=*/inflight == 0)) batch[pending++] = &slot.io;
      }
      if (kPlain || (!pacer.thinking(t) && parked_ < 0)) {
        while (nfree > 0) {
          if (rate_limited && !pacer.due(t)) break;
          IoSlot& slot = slots[free_stack[nfree - 1]];
          const Next next = kPlain ? source_.next_plain(slot) : source_.next(slot);
          if (next != Next::kReady) {
            budget_spent = next == Next::kBudgetSpent;
            break;
          }
          --nfree;
          if (rate_limited) advance_schedule(slot);
          if (admitting && !admit(slot, 0, /*wait=*/false)) [[unlikely]] break;  // parked
          batch[pending++] = &slot.io;
        }
      } else if (think && pending == 0 && parked_ < 0 && source_.spent()) {
        // A think pause after the last IO: no IO waits for it.
        budget_spent = true;
      }
      if (pending > 0) {
        // Every IO of the call carries the call's time, which is also its
        // in-flight mark (IoSlot::submit_ns), read here: after the reap's
        // completions were handled and the batch prepared (offsets, data,
        // observers' admits, an iolog buffer or a trace chunk taken), so none
        // of the host's own work is any IO's latency.
        t = monotonic_now_ns();
        for (uint32_t i = 0; i < pending; ++i) slot_of(batch[i]).submit_ns = t;
        // At most submit_batch_ IOs per call; each later call of the same
        // batch carries its own time.
        uint32_t done = 0;
        for (;;) {
          const uint32_t offered = std::min(pending - done, submit_batch);
          const int32_t accepted = engine.submit(batch + done, offered);
          // One unsigned comparison for a failure (negative) and for more
          // accepted than offered.
          if (static_cast<uint32_t>(accepted) > offered) [[unlikely]] {
            if (accepted < 0) {
              throw std::system_error(-accepted, std::generic_category(),
                                      fmt::format("engine {}: submit failed", setup_.engine->name));
            }
            ledger.check_accepted(offered, accepted);  // throws
          }
          if (num_issue_watchers != 0) [[unlikely]] {
            for (int32_t i = 0; i < accepted; ++i) {
              const IoSlot& issued = slot_of(batch[done + static_cast<uint32_t>(i)]);
              for (size_t k = 0; k < num_issue_watchers; ++k) issue_watchers[k]->issued(issued);
            }
          }
          if (accepted == 0 && inflight == 0) {
            throw std::runtime_error(fmt::format(
                "engine {}: submit accepted no IO while none was in flight", setup_.engine->name));
          }
          inflight += static_cast<uint32_t>(accepted);
          done += static_cast<uint32_t>(accepted);
          if (done == pending || static_cast<uint32_t>(accepted) < offered) [[likely]] break;
          t = monotonic_now_ns();
          const uint32_t next_end = done + std::min(pending - done, submit_batch);
          for (uint32_t i = done; i < next_end; ++i) slot_of(batch[i]).submit_ns = t;
        }
        pending -= done;
        if (pending > 0) [[unlikely]] {
          for (uint32_t i = 0; i < pending; ++i) {
            slot_of(batch[i + done]).submit_ns = 0;  // not accepted: the host holds it (no mark)
            batch[i] = batch[i + done];
          }
        }
      }
      if (budget_spent && pending == 0 && (kPlain || parked_ < 0)) submitting = false;
    }
    if (!submitting && inflight == 0) break;

    // When the next IO may start: after the think pause, on the schedule.
    const uint64_t wake_ns = kPlain ? 0 : pacer.wake_ns();
    if (inflight == 0) {
      // Nothing in flight: wait for the pause or the schedule, then refill.
      if (wake_ns > now && wake_ns > monotonic_now_ns()) wait_until(std::min(wake_ns, deadline), spin && think);
      now = monotonic_now_ns();
      if (now >= next_interval_ns_) [[unlikely]] roll_interval(now);
      if (now >= deadline || signals.stop.load(std::memory_order_relaxed)) {
        submitting = false;
        abandon_unsubmitted();
      }
      continue;
    }

    // A wait ends at the pacer's next wake-up, the deadline and the drain
    // limit; a stop wakes a wait on the completion fd at once, one in the
    // engine's reap() within kReapTimeoutNs.
    uint64_t timeout = kReapTimeoutNs;
    if (submitting && nfree > 0 && wake_ns > now) timeout = std::min(timeout, wake_ns - now);
    if (submitting) timeout = std::min(timeout, deadline > now ? deadline - now : 0);
    if (!submitting && drain_deadline != 0) timeout = std::min(timeout, drain_deadline > now ? drain_deadline - now : 0);
    int32_t got;
    if (completion_wait == nullptr) [[likely]] {
      got = engine.reap(cqes, qd, 1, timeout);
    } else {
      got = completion_wait->reap(engine, cqes, qd, timeout, submitting);
    }
    // One unsigned comparison for a failure (negative) and for more
    // completions than asked, before any completion is read.
    if (static_cast<uint32_t>(got) > qd) [[unlikely]] {
      if (got == -EINTR) continue;
      if (got < 0) {
        throw std::system_error(-got, std::generic_category(),
                                fmt::format("engine {}: reap failed", setup_.engine->name));
      }
      ledger.check_reaped(qd, got);  // throws
    }
    now = monotonic_now_ns();
    // The completions carry `now`; the pacing of the next batch reuses it
    // unless the host spends time on itself first (an interval closed here,
    // an iolog buffer handed over).  The next batch's own clock is read
    // just before its submit call.
    reaped_at = now;
    if (now >= next_interval_ns_) [[unlikely]] {
      roll_interval(now);
      reaped_at = 0;
    }
    inflight_sum_ += inflight;
    ++reap_calls_;
    for (int32_t i = 0; i < got; ++i) {
      const iop_cqe& cqe = cqes[i];
      // Checked here, in the loop that uses it, before anything of it is
      // used: a user_data outside the pool or of an IO the engine does not
      // hold (its slot's submit time, the in-flight mark, is 0) stops the
      // run (completions before it in the batch are counted: they are
      // real).  The mark is cleared at once, so a second completion of the
      // same IO is refused too.
      ledger.check_slot(cqe.user_data, pool_slots);
      const uint32_t index = static_cast<uint32_t>(cqe.user_data);
      IoSlot& slot = slots[index];
      const uint64_t submit_ns = slot.submit_ns;
      ledger.check_in_flight(index, submit_ns);
      slot.submit_ns = 0;
      // Success: a read or write moved all its bytes; a trim (no data
      // moved, engine.h) or a sync returned 0.  A trim's bytes are those
      // it discarded.
      const bool ok = cqe.res == static_cast<int64_t>(slot.io.len) || (cqe.res == 0 && slot.io.op == IOP_OP_TRIM);
      const uint64_t latency = now - submit_ns;
      if (!kPlain && trim_write && slot.io.op == IOP_OP_TRIM) [[unlikely]] {
        // --trim-write: the range is written once its trim completed (a
        // failed trim, or one completing after the stop, gets no write).
        source_.trim_completed(slot, ok && submitting);
      }
      if (ok) [[likely]] {
        // A plain job issues only reads and writes, whose kinds are numbered
        // as their ops: no mapping to test.
        OpStats& st = kPlain ? (*interval_)[static_cast<OpKind>(slot.io.op)] : interval_->of(slot.io.op);
        ++st.ops;
        st.bytes += slot.io.len;
        st.latency.record(latency);
        if (think || rate_limited) {
          pacer.completed(op_kind_of(slot.io.op), /*ok=*/true, now, submit_ns,
                          {slot.intended_ns, slot.free_ns}, latency);
        }
      } else {
        if (rate_limited) {
          pacer.completed(op_kind_of(slot.io.op), /*ok=*/false, now, submit_ns,
                          {slot.intended_ns, slot.free_ns}, latency);
        }
        record_failure(slot, cqe);
      }
      if (num_observers != 0) [[unlikely]] {
        const IoCompletion completion{now, latency, cqe.res, ok};
        for (size_t k = 0; k < num_observers; ++k) {
          if (observers[k]->completed(slot, completion)) reaped_at = 0;  // host time: pacing reads the clock anew
        }
      }
      if (rate_limited && nfree == 0) pacer.slot_freed_into_empty(now);
      free_stack[nfree++] = index;
    }
    inflight -= static_cast<uint32_t>(got);
    if (setup_.publish_progress) [[unlikely]] publish_progress();
    if (think) pacer.reaped(static_cast<uint32_t>(got), now);

    if (submitting && (now >= deadline || signals.stop.load(std::memory_order_relaxed))) {
      // Stop issuing; IOs prepared but never accepted go back to the pool.
      submitting = false;
      abandon_unsubmitted();
    }
    if (!submitting && inflight == 0) break;
    if (!submitting) [[unlikely]] {
      // Draining: an engine that never completes what it holds must not
      // hold the run (the JobRunner bounds an engine that never returns).
      if (drain_deadline == 0) {
        drain_deadline = now + plan_.stop_timeout_ns;
      } else if (now >= drain_deadline) {
        throw EngineContractError(fmt::format(
            "engine {}: {} IOs still in flight {:.1f} s after the stop (--stop-timeout); the run is incomplete",
            setup_.engine->name, inflight, static_cast<double>(plan_.stop_timeout_ns) / 1e9));
      }
    }
  }
  now = sync_files_at_end(now);
  finish_ns_ = now;
  roll_interval(now, /*last=*/true);
  if (setup_.publish_progress) publish_progress();
}

// A plain job at queue depth 1: its one slot is either in flight or being
// refilled, so the loop needs no free stack, batch or completion loop.  It
// issues the same IOs as run_loop<true> at depth 1, reads the clock at the
// same points (after the IO was prepared, just before submit(); just after
// reap()) and makes the same checks of the engine's answers.
void Worker::run_plain_qd1(uint64_t start_ns) {
  RunSignals& signals = *setup_.signals;
  const uint64_t deadline = plan_.duration_ns != 0 ? start_ns + plan_.duration_ns : UINT64_MAX;
  IoSlot& slot = pool_->slots()[0];
  iop_io* io = &slot.io;
  iop_cqe* const cqes = pool_->completions();
  EngineInstance& engine = *engine_;
  CompletionLedger& ledger = *ledger_;

  uint64_t now = start_ns;
  for (;;) {
    if (source_.next_plain(slot) != Next::kReady) break;  // the budget is spent
    // The IO's clock, read after it was prepared and the last one's
    // completion handled: none of that is its latency.  Also the ledger's
    // in-flight mark.
    slot.submit_ns = monotonic_now_ns();
    const int32_t accepted = engine.submit(&io, 1);
    if (accepted != 1) [[unlikely]] submit_refused(accepted);

    // Wait for the completion.  A stop or the deadline seen while it is
    // in flight starts its drain, bounded by --stop-timeout.
    bool stopping = false;
    uint64_t drain_deadline = 0;
    int32_t got;
    for (;;) {
      // Inside the engine's reap(), never on a completion fd (setup()); a
      // stop is seen within kReapTimeoutNs.
      const uint64_t until = stopping ? drain_deadline : deadline;
      got = engine.reap(cqes, 1, 1, std::min(kReapTimeoutNs, until > now ? until - now : 0));
      if (static_cast<uint32_t>(got) > 1) [[unlikely]] {
        if (got == -EINTR) continue;
        if (got < 0) {
          throw std::system_error(-got, std::generic_category(),
                                  fmt::format("engine {}: reap failed", setup_.engine->name));
        }
        ledger.check_reaped(1, got);  // throws
      }
      now = monotonic_now_ns();
      if (now >= next_interval_ns_) [[unlikely]] roll_interval(now);
      inflight_sum_ += 1;
      ++reap_calls_;
      if (got == 1) [[likely]] break;
      if (setup_.publish_progress) [[unlikely]] publish_progress();
      if (!stopping) {
        if (now >= deadline || signals.stop.load(std::memory_order_relaxed)) {
          stopping = true;
          drain_deadline = now + plan_.stop_timeout_ns;
        }
      } else if (now >= drain_deadline) {
        throw EngineContractError(fmt::format(
            "engine {}: 1 IO still in flight {:.1f} s after the stop (--stop-timeout); the run is incomplete",
            setup_.engine->name, static_cast<double>(plan_.stop_timeout_ns) / 1e9));
      }
    }

    const iop_cqe& cqe = cqes[0];
    ledger.check_slot(cqe.user_data, 1);
    const uint64_t submit_ns = slot.submit_ns;
    ledger.check_in_flight(0, submit_ns);
    slot.submit_ns = 0;
    if (cqe.res == static_cast<int64_t>(slot.io.len)) [[likely]] {
      OpStats& st = (*interval_)[static_cast<OpKind>(slot.io.op)];
      ++st.ops;
      st.bytes += slot.io.len;
      st.latency.record(now - submit_ns);
    } else {
      record_failure(slot, cqe);
    }
    if (setup_.publish_progress) [[unlikely]] publish_progress();
    if (stopping || now >= deadline || signals.stop.load(std::memory_order_relaxed)) break;
  }
  now = sync_files_at_end(now);
  finish_ns_ = now;
  roll_interval(now, /*last=*/true);
  if (setup_.publish_progress) publish_progress();
}

uint64_t Worker::sync_files_at_end(uint64_t now) {
  const RunSignals& signals = *setup_.signals;
  if (!plan_.end_fsync || signals.io_failed.load(std::memory_order_relaxed) ||
      signals.interrupted.load(std::memory_order_relaxed)) {
    return now;
  }
  // The runner's grace after the duration waits for these (as fio waits).
  syncing_at_end_.store(true, std::memory_order_relaxed);
  struct Done {
    std::atomic<bool>& flag;
    ~Done() { flag.store(false, std::memory_order_relaxed); }
  } done{syncing_at_end_};
  // Every IO has completed: slot 0 is free.
  IoSlot& slot = pool_->slots()[0];
  iop_cqe* const cqes = pool_->completions();
  for (const int32_t handle : end_sync_handles_) {
    iop_io& io = slot.io;
    io.op = IOP_OP_FSYNC;
    io.offset = 0;
    io.len = 0;
    io.ioprio = 0;
    io.flags = 0;
    io.file = handle;
    slot.block = IoSlot::kNoBlock;
    iop_io* batch = &io;
    slot.submit_ns = monotonic_now_ns();
    const int32_t accepted = engine_->submit(&batch, 1);
    if (accepted != 1) submit_refused(accepted);
    // Waits as long as the device takes; after a stop (an interrupt while
    // it waits) at most --stop-timeout, as a drain.
    int32_t got = 0;
    uint64_t drain_deadline = 0;
    while (got == 0 || got == -EINTR) {
      if (signals.stop.load(std::memory_order_relaxed)) {
        const uint64_t t = monotonic_now_ns();
        if (drain_deadline == 0) {
          drain_deadline = t + plan_.stop_timeout_ns;
        } else if (t >= drain_deadline) {
          throw EngineContractError(fmt::format(
              "engine {}: the end fsync still in flight {:.1f} s after the stop (--stop-timeout); the run is incomplete",
              setup_.engine->name, static_cast<double>(plan_.stop_timeout_ns) / 1e9));
        }
      }
      got = engine_->reap(cqes, 1, 1, kReapTimeoutNs);
    }
    if (got < 0) {
      throw std::system_error(-got, std::generic_category(), fmt::format("engine {}: reap failed", setup_.engine->name));
    }
    ledger_->check_reaped(1, got);
    now = monotonic_now_ns();
    const iop_cqe& cqe = cqes[0];
    ledger_->check_slot(cqe.user_data, 1);
    const uint64_t submit_ns = slot.submit_ns;
    ledger_->check_in_flight(0, submit_ns);
    slot.submit_ns = 0;
    if (now >= next_interval_ns_) roll_interval(now);
    if (cqe.res == 0) {
      OpStats& st = interval_->of(IOP_OP_FSYNC);
      ++st.ops;
      st.latency.record(now - submit_ns);
    } else {
      record_failure(slot, cqe);
    }
  }
  return now;
}

void Worker::submit_refused(int32_t accepted) const {
  if (accepted < 0) {
    throw std::system_error(-accepted, std::generic_category(),
                            fmt::format("engine {}: submit failed", setup_.engine->name));
  }
  if (accepted == 0) {
    throw std::runtime_error(
        fmt::format("engine {}: submit accepted no IO while none was in flight", setup_.engine->name));
  }
  ledger_->check_accepted(1, accepted);  // throws: more accepted than offered
  throw std::logic_error("submit_refused: the engine accepted the one IO offered");
}

void Worker::wait_until(uint64_t until, bool spin) const {
  // A stop (SIGINT, an error of another worker) ends the pause early.
  const std::atomic<bool>& stop = setup_.signals->stop;
  if (spin) {
    while (monotonic_now_ns() < until && !stop.load(std::memory_order_relaxed)) {
    }
    return;
  }
  for (;;) {
    const uint64_t now = monotonic_now_ns();
    if (now >= until || stop.load(std::memory_order_relaxed)) return;
    const uint64_t slice_end = std::min(until, now + kPauseSliceNs);
    timespec ts{static_cast<time_t>(slice_end / 1'000'000'000), static_cast<long>(slice_end % 1'000'000'000)};
    clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr);
  }
}

void Worker::publish_progress() {
  const OpStats& r = (*interval_)[OpKind::kRead];
  const OpStats& w = (*interval_)[OpKind::kWrite];
  progress_ops_.store(r.ops + w.ops + closed_ops_, std::memory_order_relaxed);
  progress_bytes_.store(r.bytes + w.bytes + closed_bytes_, std::memory_order_relaxed);
}

const OpStatsSet& Worker::stats() const {
  static const OpStatsSet kNothing;
  return mailbox_ ? mailbox_->cumulative() : kNothing;
}

// O(1): the mailbox swaps buffers; the merge happens in collect(), on the
// coordinator's thread (docs/design.md, "The measured window"), or here when
// the coordinator has not collected for kBuffers - 1 intervals.
void Worker::roll_interval(uint64_t now, bool last) {
  WorkerInterval& closed = mailbox_->current();
  closed.last = last;
  closed.index = interval_index_;
  closed.inflight_sum = inflight_sum_;
  closed.reap_calls = reap_calls_;
  closed_ops_ += (*interval_)[OpKind::kRead].ops + (*interval_)[OpKind::kWrite].ops;
  closed_bytes_ += (*interval_)[OpKind::kRead].bytes + (*interval_)[OpKind::kWrite].bytes;
  if (!last && (plan_.rate_min_bw != 0 || plan_.rate_min_iops != 0)) [[unlikely]] check_min_rate(now);
  inflight_sum_ = reap_calls_ = 0;
  interval_index_ = (now - start_ns_) / setup_.stats_interval_ns;
  next_interval_ns_ = start_ns_ + (interval_index_ + 1) * setup_.stats_interval_ns;
  mailbox_->close(interval_index_);
  interval_ = &mailbox_->current().ops;
  if (last) mailbox_->collect();
  // The TSC clock's check at every interval boundary (run/monotonic_clock.h)
  // is worker 0's: the coordinator sleeps through the boundaries when no
  // one reads the intervals live.  Under a microsecond, once per interval,
  // between IOs (the callers re-read the clock for the next IO).
  if (setup_.index == 0 && !last) (void)try_check_monotonic_clock();
}

// fio's ratemin and rate_iops_min, as fio checks them (backend.c,
// __check_min_rate) with the stats interval as its ratecycle: from the
// boundary 2 s after the worker's first IO (fio's settling time), each
// direction (reads, writes, trims) that has done IO gets a baseline (its bytes or IOs so far, and
// the time); at each later boundary at least an interval past it, what it
// did since then over the time since then must reach the least rate, and
// the baseline moves on.  A worker held up past a boundary is held to the
// rate over the whole time.  A miss ends the run with EIO, as fio ends the
// job.
void Worker::check_min_rate(uint64_t now) {
  constexpr uint64_t kSettleNs = 2'000'000'000;
  const bool by_bytes = plan_.rate_min_bw != 0;
  const uint64_t least = by_bytes ? plan_.rate_min_bw : plan_.rate_min_iops;
  for (const OpKind kind : {OpKind::kRead, OpKind::kWrite, OpKind::kTrim}) {
    RateCheck& c = rate_checks_[kind == OpKind::kRead ? 0 : kind == OpKind::kWrite ? 1 : 2];
    c.done += by_bytes ? (*interval_)[kind].bytes : (*interval_)[kind].ops;
    // (The boundaries count from the window's start, the worker's IO a
    // moment later: a tenth of an interval's slack keeps the boundary 2 s
    // in.)
    const uint64_t slack = setup_.stats_interval_ns / 10;
    if (rate_min_missed_ || c.done == 0 || io_start_ns_ == 0 || now + slack < io_start_ns_ + kSettleNs) continue;
    if (c.since_ns != 0) {
      if (now - c.since_ns + slack < setup_.stats_interval_ns) continue;
      const double rate = static_cast<double>(c.done - c.done_since) * 1e9 / static_cast<double>(now - c.since_ns);
      if (rate < static_cast<double>(least)) {
        rate_min_missed_ = true;
        errors_.failed([&] {
          return fmt::format("worker {}: {} at {:.0f} {} from {:.3f} s to {:.3f} s of the window, below {} {} "
                             "(fio's {})", setup_.index, kind == OpKind::kRead ? "reads" : kind == OpKind::kWrite ? "writes" : "trims", rate,
                             by_bytes ? "bytes/s" : "IOPS", static_cast<double>(c.since_ns - start_ns_) / 1e9,
                             static_cast<double>(now - start_ns_) / 1e9,
                             by_bytes ? "--rate-min-bw" : "--rate-min-iops", least,
                             by_bytes ? "ratemin" : "rate_iops_min");
        }, EIO, /*fatal=*/true);
        continue;
      }
    }
    c.done_since = c.done;
    c.since_ns = now;
  }
}

void Worker::record_failure(const IoSlot& slot, const iop_cqe& cqe) {
  const int64_t res = cqe.res;
  OpStats& st = interval_->of(slot.io.op);
  ++st.errors;
  // More bytes than the IO asked for is the engine's fault, not the
  // device's: it ends the run whatever --continue-on-error says.
  const bool engine_wrong = res > static_cast<int64_t>(slot.io.len);
  errors_.failed([&] {
    const std::string io = fmt::format("{} of {} bytes at offset {} in '{}'", op_name(slot.io.op), slot.io.len,
                                       slot.io.offset, regions_[slot.region].file->path);
    // The engine's own explanation when it has one (which step failed,
    // what the kernel said), valid until its next submit() or reap().
    std::string text;
    if ((cqe.flags & IOP_CQE_ERROR_TEXT) != 0 && !engine_wrong) text = engine_->error_text(cqe.user_data);
    return !text.empty()  ? fmt::format("{}: {}", io, text)
           : res < 0      ? fmt::format("{}: {}", io, std::strerror(static_cast<int>(-res)))
           : engine_wrong ? fmt::format("{}: engine '{}' completed it with {} bytes, more than the IO asked for",
                                        io, setup_.engine->name, res)
                          : fmt::format("{}: short transfer of {} bytes", io, res);
  }, res < 0 ? static_cast<int>(-res) : EIO, /*fatal=*/engine_wrong);
}

void Worker::teardown() {
  observers_.clear();
  admitters_.clear();
  issue_watchers_.clear();
  iolog_.reset();  // hands the last records to the writer
  engine_.reset();  // closes the engine's handles, then destroys the instance
  for (OpenRegion& r : regions_) {
    if (r.fd >= 0) close(r.fd);
    r.fd = -1;
  }
}

}  // namespace iopulse
