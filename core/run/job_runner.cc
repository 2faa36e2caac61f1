#include "run/job_runner.h"

#include <sys/resource.h>

#include <chrono>
#include <memory>
#include <thread>
#include <vector>

#include "report/live_line.h"
#include "run/interrupt.h"
#include "run/monotonic_clock.h"
#include "run/start_barrier.h"
#include "run/worker.h"

namespace iopulse {
namespace {

constexpr auto kMonitorPeriod = std::chrono::milliseconds(20);
constexpr uint64_t kLiveIntervalNs = 1'000'000'000;

CpuUsage cpu_now() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  CpuUsage cpu;
  cpu.user_s = static_cast<double>(ru.ru_utime.tv_sec) + ru.ru_utime.tv_usec / 1e6;
  cpu.system_s = static_cast<double>(ru.ru_stime.tv_sec) + ru.ru_stime.tv_usec / 1e6;
  return cpu;
}

// Sums of the counters the workers published.
struct ProgressTotals {
  uint64_t read_ops = 0, read_bytes = 0, write_ops = 0, write_bytes = 0, errors = 0;
};

ProgressTotals sum_progress(const std::vector<std::unique_ptr<Worker>>& workers) {
  ProgressTotals t;
  for (const auto& w : workers) {
    WorkerProgress& p = w->progress();
    t.read_ops += p.read_ops.load(std::memory_order_relaxed);
    t.read_bytes += p.read_bytes.load(std::memory_order_relaxed);
    t.write_ops += p.write_ops.load(std::memory_order_relaxed);
    t.write_bytes += p.write_bytes.load(std::memory_order_relaxed);
    t.errors += p.errors.load(std::memory_order_relaxed);
  }
  return t;
}

}  // namespace

void JobRunner::run(RunResult& result, LiveLine* live) {
  const uint32_t n = spec_.threads;
  StartBarrier barrier(n);
  RunSignals signals;

  std::vector<std::unique_ptr<Worker>> workers;
  workers.reserve(n);
  for (uint32_t i = 0; i < n; ++i) {
    WorkerSetup setup;
    setup.index = i;
    setup.spec = &spec_;
    setup.layout = &layout_;
    setup.engine = engine_.desc;
    setup.engine_options = engine_.options;
    setup.num_engine_options = engine_.num_options;
    setup.queue_depth = engine_.queue_depth;
    setup.barrier = &barrier;
    setup.signals = &signals;
    workers.push_back(std::make_unique<Worker>(setup));
  }
  std::vector<std::thread> threads;
  threads.reserve(n);
  for (auto& w : workers) threads.emplace_back([worker = w.get()] { worker->run(); });

  if (!barrier.wait_until_all_arrived()) {
    for (auto& t : threads) t.join();
    for (auto& w : workers) {
      if (w->setup_error()) std::rethrow_exception(w->setup_error());
    }
  }

  const CpuUsage cpu_before = cpu_now();
  const uint64_t start_ns = monotonic_now_ns();
  barrier.release(start_ns);

  // Watch the run: forward interrupts, show progress once a second.
  uint64_t next_live = start_ns + kLiveIntervalNs;
  ProgressTotals last;
  uint64_t last_ns = start_ns;
  for (;;) {
    bool all_finished = true;
    for (auto& w : workers) all_finished &= w->progress().finished.load(std::memory_order_acquire);
    if (all_finished) break;
    if (interrupt_signal() != 0 && !signals.stop.load(std::memory_order_relaxed)) {
      result.interrupted = true;
      signals.stop.store(true, std::memory_order_relaxed);
    }
    const uint64_t now = monotonic_now_ns();
    if (live != nullptr && now >= next_live) {
      const ProgressTotals cur = sum_progress(workers);
      const double secs = static_cast<double>(now - last_ns) / 1e9;
      LiveSample sample;
      sample.elapsed_ns = now - start_ns;
      sample.planned_ns = spec_.duration_ns;
      sample.read_iops = static_cast<double>(cur.read_ops - last.read_ops) / secs;
      sample.read_bw = static_cast<double>(cur.read_bytes - last.read_bytes) / secs;
      sample.write_iops = static_cast<double>(cur.write_ops - last.write_ops) / secs;
      sample.write_bw = static_cast<double>(cur.write_bytes - last.write_bytes) / secs;
      sample.errors = cur.errors;
      live->show(sample);
      last = cur;
      last_ns = now;
      next_live += kLiveIntervalNs;
    }
    std::this_thread::sleep_for(kMonitorPeriod);
  }
  for (auto& t : threads) t.join();
  const CpuUsage cpu_after = cpu_now();
  if (live != nullptr) live->clear();
  if (interrupt_signal() != 0) result.interrupted = true;

  uint64_t end_ns = start_ns;
  for (const auto& w : workers) {
    result.read.merge(w->read_stats());
    result.write.merge(w->write_stats());
    end_ns = std::max(end_ns, w->finish_ns());
    for (const std::string& m : w->error_messages()) {
      if (result.error_messages.size() < 16) result.error_messages.push_back(m);
    }
    if (w->run_error()) {
      try {
        std::rethrow_exception(w->run_error());
      } catch (const std::exception& e) {
        result.error_messages.push_back(e.what());
      }
    }
  }
  result.window_ns = end_ns - start_ns;
  result.cpu.user_s = cpu_after.user_s - cpu_before.user_s;
  result.cpu.system_s = cpu_after.system_s - cpu_before.system_s;
  const uint64_t done_ops = result.read.ops + result.write.ops + result.read.errors + result.write.errors;
  if (result.interrupted) {
    result.stop_reason = "interrupted";
  } else if (signals.io_failed.load()) {
    result.stop_reason = "error";
  } else if (layout_.total_ops != 0 && done_ops >= layout_.total_ops) {
    result.stop_reason = spec_.total_bytes != 0 ? "total-bytes" : "one-pass";
  } else {
    result.stop_reason = "duration";
  }
}

}  // namespace iopulse
