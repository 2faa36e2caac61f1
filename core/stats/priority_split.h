// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// PrioritySplit: with --io-priority, the reads and writes counted again by
// the priority they carried: `prioritized` holds the IOs that carried the
// job's priority, `others` the rest (--io-priority-percent below 100; they
// carried none, or --io-priority-others)
// below 100).  Every successful read or write of such a job is in exactly
// one of them, so prioritized + others == the read and write totals (ops,
// bytes, latency histograms); failed IOs are counted in the totals only.
// Empty for a job without --io-priority.
//
// A plain value type like OpStats: the owning worker updates it; merging is
// adding, as for every other statistic.
#ifndef IOPULSE_STATS_PRIORITY_SPLIT_H_
#define IOPULSE_STATS_PRIORITY_SPLIT_H_

#include <cstdint>

#include "iopulse/engine.h"
#include "stats/op_stats.h"

namespace iopulse {

struct PriorityShare {
  OpStats read, write;

  OpStats& of(uint8_t op) { return op == IOP_OP_READ ? read : write; }
  bool empty() const { return read.ops == 0 && write.ops == 0; }
  void merge(const PriorityShare& o) {
    if (o.read.ops != 0) read.merge(o.read);
    if (o.write.ops != 0) write.merge(o.write);
  }
  void clear() {
    if (read.ops != 0) read = OpStats{};
    if (write.ops != 0) write = OpStats{};
  }
};

struct PrioritySplit {
  PriorityShare prioritized;  // carried the job's --io-priority
  PriorityShare others;       // carried none, or --io-priority-others

  // Counts one successful read or write (the per-IO path of a job with
  // --io-priority).
  void record(uint8_t op, bool with_priority, uint32_t bytes, uint64_t latency_ns) {
    OpStats& s = (with_priority ? prioritized : others).of(op);
    ++s.ops;
    s.bytes += bytes;
    s.latency.record(latency_ns);
  }
  bool empty() const { return prioritized.empty() && others.empty(); }
  void merge(const PrioritySplit& o) {
    prioritized.merge(o.prioritized);
    others.merge(o.others);
  }
  void clear() {
    prioritized.clear();
    others.clear();
  }
};

}  // namespace iopulse

#endif  // IOPULSE_STATS_PRIORITY_SPLIT_H_
