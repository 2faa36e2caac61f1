// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// The bytes processes of one job exchange: statistics with their full
// histograms (so merging on rank 0 is exact), closed intervals and each
// rank's final report.  MessagePack through nlohmann::json; both sides run
// the same iopulse version (checked at start), so the layout is not
// versioned.  Decoding throws std::runtime_error on malformed input.
#ifndef IOPULSE_CLUSTER_RESULT_WIRE_H_
#define IOPULSE_CLUSTER_RESULT_WIRE_H_

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "stats/cluster_summary.h"
#include "stats/measured_counters.h"
#include "stats/op_stats.h"
#include "stats/run_result.h"
#include "stats/time_series_assembler.h"

namespace iopulse {

// The *_from_wire functions fill the object given in place (its histograms
// are tens of KiB each: no temporary copies on the stack).  They throw
// std::runtime_error or nlohmann::json::exception on a malformed wire form.
nlohmann::json op_stats_to_wire(const OpStats& stats);
void op_stats_from_wire(const nlohmann::json& wire, OpStats& stats);
// Every member of MeasuredCounters, histograms whole.
nlohmann::json counters_to_wire(const MeasuredCounters& counters);
void counters_from_wire(const nlohmann::json& wire, MeasuredCounters& counters);

std::string to_bytes(const nlohmann::json& wire);
nlohmann::json from_bytes(const std::string& bytes);

// A closed interval of one rank, tagged with the run it belongs to.
std::string encode_interval(uint32_t run, const MergedInterval& interval);
// Returns false when the interval belongs to another run than `run`.
bool decode_interval(const std::string& bytes, uint32_t run, MergedInterval& out);

// What one rank hands rank 0 when its window has closed.
struct RankReport {
  RankResult result;                    // its own counters and window
  bool interrupted = false;
  std::vector<std::string> error_messages;
  std::vector<RunResult::GroupResult> groups;
  uint64_t start_realtime_ns = 0;       // CLOCK_REALTIME as it left the start barrier
  // Reads and writes it had completed when the first rank finished.
  uint64_t ops_at_first = 0, bytes_at_first = 0;
  uint32_t cores_used = 0;
  uint32_t online_cpus = 0;             // of its host
  uint64_t worker_span_sum_ns = 0;      // RunResult::worker_span_sum_ns
  std::vector<RunResult::WorkerResult> worker_results;  // RunResult::worker_results
};

std::string encode_rank_report(const RankReport& report);
RankReport decode_rank_report(const std::string& bytes);

}  // namespace iopulse

#endif  // IOPULSE_CLUSTER_RESULT_WIRE_H_
