// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "report/fio_log_files.h"

#include <cerrno>
#include <cmath>
#include <functional>
#include <iterator>
#include <queue>
#include <stdexcept>
#include <system_error>

#include <fmt/format.h>

#include "iopulse/engine.h"
#include "output/result_file.h"
#include "trace/iolog_reader.h"

namespace iopulse {
namespace {

constexpr const char* kSuffix[] = {"bw", "iops", "lat", "clat", "slat"};

// The prefix a log takes, or empty when it is not written.
const std::string& prefix_of(const FioLogSettings& p, int log) {
  if (log == 0) return p.bw;
  if (log == 1) return p.iops;
  return p.lat;  // lat, clat and slat come together, as write_lat_log writes them
}

// Worker `worker`'s file of `log` under `p`'s prefix.
std::string path_of(const FioLogSettings& p, int log, uint32_t worker) {
  return fmt::format("{}_{}.{}.log", prefix_of(p, log), kSuffix[log], p.number != 0 ? p.number : worker + 1);
}

// fio's direction numbers: reads, writes and (as fio logs them, with their
// bytes as the bandwidth) trims.
struct Direction {
  OpKind kind;
  int ddir;
};
constexpr Direction kDirections[] = {{OpKind::kRead, 0}, {OpKind::kWrite, 1}, {OpKind::kTrim, 2}};

// The end of a line after TIME, VALUE: ", DDIR, BS[, OFFSET], PRIO\n", as
// fio's flush_samples() prints it.
void append_tail(fmt::memory_buffer& out, const FioLogSettings& s, int ddir, uint64_t bs, uint64_t offset,
                 uint16_t ioprio) {
  fmt::format_to(std::back_inserter(out), ", {}, {}", ddir, bs);
  if (s.offset) fmt::format_to(std::back_inserter(out), ", {}", offset);
  if (s.prio) {
    fmt::format_to(std::back_inserter(out), ", 0x{:04x}\n", ioprio);
  } else {
    fmt::format_to(std::back_inserter(out), ", {}\n", (ioprio >> IOP_IOPRIO_CLASS_SHIFT) == IOP_IOPRIO_CLASS_RT ? 1 : 0);
  }
}

// A captured IO waiting for the IOs of its worker that complete before it.
struct Pending {
  uint64_t done_ns;  // its completion, ns since the phase began
  uint64_t order;    // issue order: ties keep it
  IoLogRecord record;
  bool operator>(const Pending& o) const { return done_ns != o.done_ns ? done_ns > o.done_ns : order > o.order; }
};
using CompletionQueue = std::priority_queue<Pending, std::vector<Pending>, std::greater<Pending>>;

// Whether fio would log the IO: a read, write or trim that completed in
// full (the worker's own test of success).
bool logged(const IoLogRecord& r) {
  if (r.latency_ns == kIoLogNoCompletion) return false;
  if (r.op == IOP_OP_TRIM) return r.result == 0 || r.result == static_cast<int64_t>(r.len);
  return (r.op == IOP_OP_READ || r.op == IOP_OP_WRITE) && r.result == static_cast<int64_t>(r.len);
}

}  // namespace

std::vector<std::string> FioLogFiles::paths(const FioLogSettings& settings, uint32_t workers) {
  return paths(std::vector<FioLogSettings>(workers, settings));
}

std::vector<std::string> FioLogFiles::paths(const std::vector<FioLogSettings>& per_worker) {
  std::vector<std::string> out;
  for (uint32_t w = 0; w < per_worker.size(); ++w) {
    if (per_worker[w].continues) continue;
    for (int log = 0; log < kLogs; ++log) {
      if (!prefix_of(per_worker[w], log).empty()) out.push_back(path_of(per_worker[w], log, w));
    }
  }
  return out;
}

FioLogFiles::FioLogFiles(const FioLogSettings& settings, uint32_t workers)
    : FioLogFiles(settings, std::vector<FioLogSettings>(workers, settings)) {}

FioLogFiles::FioLogFiles(const FioLogSettings& settings, const std::vector<FioLogSettings>& per_worker)
    : settings_(settings),
      files_(per_worker.size() * kLogs),
      owner_(per_worker.size()),
      read_back_(per_worker.size(), false),
      began_ns_(per_worker.size(), 0),
      began_unix_ns_(per_worker.size(), 0),
      directions_(per_worker.size(), 0),
      finished_(per_worker.size(), false) {
  for (uint32_t w = 0; w < per_worker.size(); ++w) {
    const std::optional<uint32_t> earlier = per_worker[w].continues;
    if (earlier && *earlier >= w) {
      throw std::logic_error(fmt::format("fio-format logs: worker {} continues the files of worker {}, not an earlier one",
                                         w, *earlier));
    }
    owner_[w] = earlier ? owner_[*earlier] : w;
    read_back_[w] = per_worker[w].read_back;
  }
  try {
    for (uint32_t w = 0; w < per_worker.size(); ++w) {
      if (owner_[w] != w) continue;
      for (int log = 0; log < kLogs; ++log) {
        const std::string& prefix = prefix_of(per_worker[w], log);
        if (prefix.empty()) continue;
        File& f = files_[size_t{w} * kLogs + log];
        f.path = path_of(per_worker[w], log, w);
        f.stream = open_output_stream(log == kBw ? "--write-bw-log" : log == kIops ? "--write-iops-log" : "--write-lat-log",
                                      f.path, "fio-format log");
      }
    }
  } catch (...) {
    for (File& f : files_) {
      if (f.stream != nullptr) std::fclose(f.stream);
    }
    throw;
  }
}

FioLogFiles::~FioLogFiles() {
  for (File& f : files_) {
    if (f.stream != nullptr) std::fclose(f.stream);
  }
}

void FioLogFiles::append(File& f, const char* text, size_t size) {
  if (std::fwrite(text, 1, size, f.stream) != size) {
    throw std::system_error(errno, std::generic_category(), fmt::format("cannot write '{}'", f.path));
  }
}

void FioLogFiles::flush(File& f) {
  if (std::fflush(f.stream) != 0) {
    throw std::system_error(errno, std::generic_category(), fmt::format("cannot write '{}'", f.path));
  }
}

void FioLogFiles::finish(uint32_t worker) {
  if (worker < finished_.size()) finished_[worker] = true;
}

void FioLogFiles::began(uint32_t first, uint32_t count, uint64_t job_ns, uint64_t unix_ns) {
  for (uint32_t w = first; w < first + count && w < began_ns_.size(); ++w) {
    began_ns_[w] = job_ns;
    began_unix_ns_[w] = unix_ns;
  }
}

void FioLogFiles::write(uint32_t worker, const IntervalSummary& s) {
  if (settings_.per_io || worker >= finished_.size() || finished_[worker] || s.end_ns <= s.start_ns) return;
  const double secs = static_cast<double>(s.end_ns - s.start_ns) / 1e9;
  const uint64_t time_ms = this->time_ms(worker, s.end_ns);
  fmt::memory_buffer lines[kLogs];
  for (const Direction& d : kDirections) {
    const OpIntervalSummary& o = s[d.kind];
    if (o.ops != 0) directions_[worker] |= 1u << d.ddir;
    if ((directions_[worker] & (1u << d.ddir)) == 0) continue;
    const auto line = [&](int log, double value) {
      fmt::format_to(std::back_inserter(lines[log]), "{}, {}", time_ms, std::llround(value));
      append_tail(lines[log], settings_, d.ddir, 0, 0, 0);
    };
    if (!read_back_[worker]) {
      line(kBw, static_cast<double>(o.bytes) / secs / 1024.0);
      line(kIops, static_cast<double>(o.ops) / secs);
    }
    if (o.ops == 0) continue;
    line(kLat, o.lat_mean);
    line(kClat, o.lat_mean);
  }
  for (int log = 0; log < kLogs; ++log) {
    File& f = file_of(worker, log);
    if (f.stream == nullptr || lines[log].size() == 0) continue;
    append(f, lines[log].data(), lines[log].size());
    flush(f);
  }
}

void FioLogFiles::add_capture(IoLogReader& capture, uint32_t first_worker, uint64_t job_ns) {
  const uint32_t workers = capture.workers();
  if (size_t{first_worker} + workers > finished_.size()) {
    throw std::logic_error(fmt::format("a capture of {} workers from worker {} exceeds the {} of the logs", workers,
                                       first_worker, finished_.size()));
  }
  began(first_worker, workers, job_ns, capture.header().start_unix_ns);
  // Records come in each worker's issue order.  An IO is written once no
  // later record of its worker can complete before it: once the worker
  // issued an IO at or after its completion.  So each queue holds the IOs
  // of its worker in flight at one time, at most its queue depth.
  std::vector<CompletionQueue> queues(workers);
  uint64_t order = 0;
  fmt::memory_buffer line;
  const auto write_io = [&](const Pending& p) {
    const IoLogRecord& r = p.record;
    const int ddir = r.op == IOP_OP_READ ? 0 : r.op == IOP_OP_WRITE ? 1 : 2;
    const uint64_t time_ms = this->time_ms(first_worker + r.worker, p.done_ns);
    const uint64_t values[kLogs] = {r.latency_ns != 0 ? uint64_t{r.len} * 1'000'000 / r.latency_ns : 0, 1,
                                    r.latency_ns, r.latency_ns, 0};
    for (int log = kBw; log <= kClat; ++log) {
      File& f = file_of(first_worker + r.worker, log);
      if (f.stream == nullptr) continue;
      line.clear();
      fmt::format_to(std::back_inserter(line), "{}, {}", time_ms, values[log]);
      append_tail(line, settings_, ddir, r.len, r.offset, r.ioprio);
      append(f, line.data(), line.size());
    }
  };
  std::vector<IoLogRecord> batch(4096);
  for (size_t n; (n = capture.read_raw(batch.data(), batch.size())) > 0;) {
    for (size_t i = 0; i < n; ++i) {
      const IoLogRecord& r = batch[i];
      CompletionQueue& q = queues[r.worker];
      while (!q.empty() && q.top().done_ns <= r.issue_ns) {
        write_io(q.top());
        q.pop();
      }
      if (logged(r)) q.push({r.issue_ns + r.latency_ns, order++, r});
    }
  }
  for (CompletionQueue& q : queues) {
    for (; !q.empty(); q.pop()) write_io(q.top());
  }
  for (uint32_t w = first_worker; w < first_worker + workers; ++w) {
    for (int log = 0; log < kLogs; ++log) {
      File& f = file_of(w, log);
      if (f.stream != nullptr) flush(f);
    }
  }
}

void FioLogFiles::on_interval(const IntervalSnapshot& interval) {
  const MergedInterval& m = interval.merged;
  const IntervalPlacement& place = interval.placement;
  // Times on the phase's clock (its workers' epoch), as fio times each
  // job's log entries from that job's start.
  const uint64_t phase_start = interval.summary.start_ns;
  const uint64_t phase_end = interval.summary.end_ns;
  began(place.first_worker, interval.run_workers, place.time_offset_ns, interval.window_start_unix_ns);
  auto w = m.per_worker.begin();  // sorted by worker
  for (uint32_t i = 0; i < interval.run_workers; ++i) {
    while (w != m.per_worker.end() && w->worker < i) ++w;
    const uint32_t number = place.first_worker + i;
    if (w != m.per_worker.end() && w->worker == i) {
      write(number, IntervalSummary::of(w->ops, m.index, phase_start, phase_end, w->inflight_sum, w->reap_calls, i));
      if (w->last) finish(number);
    } else {
      IntervalSummary idle;
      idle.start_ns = phase_start;
      idle.end_ns = phase_end;
      write(number, idle);
    }
  }
}

}  // namespace iopulse
