// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "cluster/cluster_run.h"

#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <map>
#include <memory>
#include <stdexcept>

#include <fmt/format.h>

#include "cluster/agreement.h"
#include "cluster/result_wire.h"

namespace iopulse {

using nlohmann::json;

namespace {

uint64_t realtime_ns() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000ULL + static_cast<uint64_t>(ts.tv_nsec);
}

// Which stop reason describes the job when ranks ended differently: an
// error anywhere wins, then an interrupt, then the reporting rank's own.
}  // namespace

ClusterRun::ClusterRun(ProcessGroup& group, uint32_t run, std::vector<std::string> hosts, uint32_t workers,
                       std::string target)
    : group_(group),
      run_(run),
      hosts_(std::move(hosts)),
      workers_(workers),
      target_(std::move(target)),
      merged_(group.size(), /*keep_per_worker=*/false),
      finished_(group.size(), false) {}

std::string ClusterRun::who(uint32_t rank) const {
  return fmt::format("rank {} ({})", rank, rank < hosts_.size() ? hosts_[rank] : std::string("?"));
}

std::string ClusterRun::agree_ready(const std::string& local_error) {
  try {
    agree_on_errors(group_, 1, local_error);
  } catch (const AgreedFailure& e) {
    return e.what();
  }
  return {};
}

void ClusterRun::cross_start_line() {
  group_.barrier();
  start_realtime_ns_ = realtime_ns();
}

void ClusterRun::start_line_crossed(uint64_t realtime_ns) { start_realtime_ns_ = realtime_ns; }

void ClusterRun::local_interval(const MergedInterval& m) {
  if (reporting()) {
    WorkerInterval w;
    w.worker = 0;
    w.index = m.index;
    w.ops = m.ops;
    w.inflight_sum = m.inflight_sum;
    w.reap_calls = m.reap_calls;
    w.last = m.last;
    merged_.deliver(std::move(w));
  } else {
    group_.send(0, kInterval, encode_interval(run_, m));
  }
}

std::vector<MergedInterval> ClusterRun::take_complete(bool all) {
  pump();
  if (!reporting()) return {};
  // Once every rank finished, what is held includes the last, partial
  // intervals, which only the merge knows the end of.
  if (!all && finished_count_ == group_.size()) return {};
  return merged_.take_complete(all);
}

void ClusterRun::local_stop(const std::string& reason) {
  if (reporting()) {
    spread_stop(who(0) + ": " + reason);
  } else if (!stop_reported_) {
    stop_reported_ = true;
    group_.send(0, kStop, to_bytes({run_, reason}));
  }
}

std::optional<std::string> ClusterRun::stop_request() {
  pump();
  return stop_request_;
}

void ClusterRun::spread_stop(const std::string& reason) {
  if (stop_spread_) return;
  stop_spread_ = true;
  for (uint32_t r = 1; r < group_.size(); ++r) {
    group_.send(r, kStop, to_bytes({run_, reason}));
  }
}

void ClusterRun::pump() {
  while (std::optional<ProcessGroup::Message> m = group_.poll()) {
    switch (m->tag) {
      case kInterval: {
        MergedInterval interval;
        if (!reporting() || !decode_interval(m->bytes, run_, interval)) break;
        WorkerInterval w;
        w.worker = m->from;
        w.index = interval.index;
        w.ops = std::move(interval.ops);
        w.inflight_sum = interval.inflight_sum;
        w.reap_calls = interval.reap_calls;
        w.last = interval.last;
        merged_.deliver(std::move(w));
        break;
      }
      case kStop: {
        const json w = from_bytes(m->bytes);
        if (w.at(0).get<uint32_t>() != run_) break;
        const std::string reason = w.at(1).get<std::string>();
        if (reporting()) {
          const std::string full = who(m->from) + ": " + reason;
          if (!stop_request_) stop_request_ = full;
          spread_stop(full);
        } else if (!stop_request_) {
          stop_request_ = reason;
        }
        break;
      }
      case kAllDone: {
        const json w = from_bytes(m->bytes);
        if (!reporting() && w.at(0).get<uint32_t>() == run_) all_done_ = true;
        break;
      }
      case kFinished: {
        const json w = from_bytes(m->bytes);
        if (!reporting() || w.at(0).get<uint32_t>() != run_ || finished_[m->from]) break;
        finished_[m->from] = true;
        ++finished_count_;
        merged_.finish(m->from);
        break;
      }
      default:
        throw std::runtime_error(fmt::format("unexpected message (tag {}) from {}", m->tag, who(m->from)));
    }
  }
}

void ClusterRun::progress(uint64_t elapsed_ns, uint64_t ops, uint64_t bytes) {
  // The final sample (the workers' own finish time) may be earlier than
  // one taken just before they were seen finished; it replaces those.
  while (!samples_.empty() && samples_.back().elapsed_ns >= elapsed_ns) samples_.pop_back();
  if (samples_.size() == kMaxSamples) {
    // Memory stays bounded on long runs: every other sample goes.
    for (size_t i = 0; i < samples_.size() / 2; ++i) samples_[i] = samples_[2 * i + 1];
    samples_.resize(samples_.size() / 2);
  }
  samples_.push_back({elapsed_ns, ops, bytes});
}

ClusterRun::Sample ClusterRun::progress_at(uint64_t at) const {
  const auto it = std::lower_bound(samples_.begin(), samples_.end(), at,
                                   [](const Sample& s, uint64_t t) { return s.elapsed_ns < t; });
  if (it == samples_.end()) return samples_.empty() ? Sample{at, 0, 0} : samples_.back();
  if (it->elapsed_ns == at) return *it;
  const Sample before = it == samples_.begin() ? Sample{0, 0, 0} : *std::prev(it);
  const double f = static_cast<double>(at - before.elapsed_ns) / static_cast<double>(it->elapsed_ns - before.elapsed_ns);
  return {at, before.ops + static_cast<uint64_t>(f * static_cast<double>(it->ops - before.ops)),
          before.bytes + static_cast<uint64_t>(f * static_cast<double>(it->bytes - before.bytes))};
}

void ClusterRun::local_finished() {
  if (local_finished_) return;
  local_finished_ = true;
  if (reporting()) {
    finished_[0] = true;
    ++finished_count_;
    merged_.finish(0);
  } else {
    group_.send(0, kFinished, to_bytes({run_}));
  }
}

bool ClusterRun::done() {
  pump();
  if (!local_finished_) return false;
  if (!reporting()) return all_done_;
  if (finished_count_ != group_.size()) return false;
  if (!all_done_) {
    // Releases the others from their loops.  Sent after any stop request,
    // so each rank receives everything addressed to it in this run
    // before it leaves (messages between two ranks arrive in order).
    all_done_ = true;
    for (uint32_t r = 1; r < group_.size(); ++r) group_.send(r, kAllDone, to_bytes({run_}));
  }
  return true;
}

void ClusterRun::merge(RunResult& result) {
  // When the first rank finished: every rank's window, then each one's
  // progress at the shortest.
  const std::vector<std::string> windows = group_.all_gather(std::to_string(result.window_ns));
  uint64_t first = UINT64_MAX;
  for (const std::string& w : windows) first = std::min<uint64_t>(first, std::stoull(w));

  // Whole results (their histograms inline, tens of KiB each) live on the
  // heap here and in merge_reports(): the path is deep, and on the stack
  // they would take megabytes of it.
  const std::unique_ptr<RankReport> mine_on_heap = std::make_unique<RankReport>();
  RankReport& mine = *mine_on_heap;
  RankResult& b = mine.result;
  b.rank = group_.rank();
  b.host = group_.host();
  b.workers = workers_;
  b.target = target_;
  b.window_ns = result.window_ns;
  b.stop_reason = result.stop_reason;
  static_cast<MeasuredCounters&>(b) = result;
  b.worker_ops = result.worker_ops;
  b.resources = result.resources;
  mine.interrupted = result.interrupted;
  mine.error_messages = result.error_messages;
  mine.groups = result.groups;
  mine.worker_results = std::move(result.worker_results);  // merge_reports() puts every rank's back
  mine.start_realtime_ns = start_realtime_ns_;
  const Sample at_first = progress_at(first);
  mine.ops_at_first = at_first.ops;
  mine.bytes_at_first = at_first.bytes;
  mine.cores_used = result.cores_used;
  mine.online_cpus = static_cast<uint32_t>(std::max(1L, sysconf(_SC_NPROCESSORS_ONLN)));
  mine.worker_span_sum_ns = result.worker_span_sum_ns;

  const std::vector<std::string> reports = group_.gather_to_root(encode_rank_report(mine));
  if (reporting()) merge_reports(result, reports);

  // Every rank ends the way the job did (same exit code, same next phase).
  const uint64_t io_errors = result.io_errors();
  const json verdict = from_bytes(group_.broadcast(
      to_bytes({stop_reason_name(result.stop_reason), result.interrupted, result.verify_failures, io_errors})));
  if (!reporting()) {
    const std::string reason = verdict.at(0).get<std::string>();
    const std::optional<StopReason> known = parse_stop_reason(reason);
    if (!known) throw std::runtime_error("the reporting rank's verdict names an unknown stop reason '" + reason + "'");
    result.stop_reason = *known;
    result.interrupted = verdict.at(1).get<bool>();
    result.verify_failures = verdict.at(2).get<uint64_t>();
    // Only the exit code reads these on the other ranks.
    result.read.errors = verdict.at(3).get<uint64_t>();
    result.write.errors = result.sync.errors = result.trim.errors = 0;
    result.meta = OpStatsSet{};
  }
}

void ClusterRun::merge_reports(RunResult& result, const std::vector<std::string>& reports) const {
  ClusterSummary c;
  c.transport = group_.transport();
  c.ranks = group_.size();
  c.progress_sample_ns = kProgressSampleNs;
  const std::unique_ptr<MeasuredCounters> counters_on_heap = std::make_unique<MeasuredCounters>();
  MeasuredCounters& counters = *counters_on_heap;
  uint64_t window = 0;
  uint64_t earliest_start = UINT64_MAX, latest_start = 0;
  ResourceUsage resources;
  // Per host: the CPUs its ranks' workers could use, at most its own.
  std::map<std::string, std::pair<uint32_t, uint32_t>> host_cores;  // host -> (wanted, online)
  bool interrupted = false;
  StopReason stop_reason = result.stop_reason;
  std::vector<std::string> errors;
  std::vector<RunResult::GroupResult> groups = result.groups;
  uint64_t span_sum = 0;  // every rank's workers' spans
  std::map<uint32_t, std::vector<RunResult::WorkerResult>> worker_results;  // rank -> its workers'
  c.first_done.window_ns = UINT64_MAX;
  for (const std::string& bytes : reports) {
    // (Made in place on the heap: decode_rank_report() returns its one
    // report object.)
    const std::unique_ptr<RankReport> r_on_heap(new RankReport(decode_rank_report(bytes)));
    RankReport& r = *r_on_heap;
    const RankResult& b = r.result;
    counters.merge(b);
    window = std::max(window, b.window_ns);
    span_sum += r.worker_span_sum_ns;
    earliest_start = std::min(earliest_start, r.start_realtime_ns);
    latest_start = std::max(latest_start, r.start_realtime_ns);
    resources.add(b.resources);
    auto& [wanted, online] = host_cores[b.host];
    wanted += r.cores_used;
    online = std::max(online, r.online_cpus);
    interrupted |= r.interrupted;
    if (stop_reason_severity(b.stop_reason) > stop_reason_severity(stop_reason)) stop_reason = b.stop_reason;
    for (const std::string& m : r.error_messages) {
      if (errors.size() < 16) errors.push_back(who(b.rank) + ": " + m);
    }
    if (b.rank != 0) {
      for (size_t g = 0; g < groups.size() && g < r.groups.size(); ++g) {
        groups[g].read.merge(r.groups[g].read);
        groups[g].write.merge(r.groups[g].write);
        groups[g].sync.merge(r.groups[g].sync);
        groups[g].trim.merge(r.groups[g].trim);
        groups[g].window_ns = std::max(groups[g].window_ns, r.groups[g].window_ns);
        groups[g].span_sum_ns += r.groups[g].span_sum_ns;
        if (groups[g].first_error == 0) groups[g].first_error = r.groups[g].first_error;
      }
    }
    if (b.window_ns < c.first_done.window_ns) {
      c.first_done.window_ns = b.window_ns;
      c.first_done.rank = b.rank;
    }
    if (b.window_ns >= c.last_done.window_ns) {
      c.last_done.window_ns = b.window_ns;
      c.last_done.rank = b.rank;
    }
    c.first_done.ops += r.ops_at_first;
    c.first_done.bytes += r.bytes_at_first;
    worker_results[b.rank] = std::move(r.worker_results);
    c.per_rank.push_back(std::move(r.result));
  }
  std::sort(c.per_rank.begin(), c.per_rank.end(),
            [](const RankResult& a, const RankResult& b) { return a.rank < b.rank; });
  std::vector<uint64_t> worker_ops;
  for (const RankResult& r : c.per_rank) worker_ops.insert(worker_ops.end(), r.worker_ops.begin(), r.worker_ops.end());
  OpStats data = counters.total();
  data.merge(counters.meta.meta_total());
  c.last_done.ops = data.ops;
  c.last_done.bytes = data.bytes;
  c.hosts = static_cast<uint32_t>(host_cores.size());
  uint32_t cores = 0;
  for (const auto& [host, counts] : host_cores) cores += std::min(counts.first, counts.second);
  c.start_skew_ns = latest_start - earliest_start;

  static_cast<MeasuredCounters&>(result) = counters;
  result.worker_ops = std::move(worker_ops);
  result.window_ns = window;
  result.worker_span_sum_ns = span_sum;
  result.resources = resources;
  result.cores_used = cores;
  result.interrupted = interrupted;
  result.stop_reason = stop_reason;
  result.error_messages = errors;
  result.groups = groups;
  result.worker_results.clear();
  for (auto& [rank, workers] : worker_results) {
    result.worker_results.insert(result.worker_results.end(), std::make_move_iterator(workers.begin()),
                                 std::make_move_iterator(workers.end()));
  }
  result.cluster = std::move(c);
}

}  // namespace iopulse
