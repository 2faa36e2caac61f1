// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// OpStatsSet: the statistics of one worker (or of many, merged) split by
// kind of operation (op/op_kind.h): reads, writes, syncs, trims and one kind
// per metadata operation.  of() maps an iop_op to its kind and is on the
// per-IO path.
#ifndef IOPULSE_STATS_OP_STATS_SET_H_
#define IOPULSE_STATS_OP_STATS_SET_H_

#include <array>
#include <cstdint>

#include "iopulse/engine.h"
#include "op/op_kind.h"
#include "stats/op_stats.h"
#include "stats/priority_split.h"

namespace iopulse {

struct OpStatsSet {
  std::array<OpStats, kNumOpKinds> kinds;
  // With --io-priority: the reads and writes again, by priority.
  PrioritySplit priority;

  OpStats& of(uint8_t op) { return kinds[static_cast<size_t>(op_kind_of(op))]; }
  OpStats& operator[](OpKind k) { return kinds[static_cast<size_t>(k)]; }
  const OpStats& operator[](OpKind k) const { return kinds[static_cast<size_t>(k)]; }

  // Kinds that saw nothing are skipped: a data job never touches the
  // metadata kinds' histograms when intervals close.
  void merge(const OpStatsSet& other) {
    for (size_t i = 0; i < kNumOpKinds; ++i) {
      const OpStats& o = other.kinds[i];
      if (o.ops != 0 || o.errors != 0 || o.latency.count() != 0) kinds[i].merge(o);
    }
    priority.merge(other.priority);
  }
  void clear() {
    for (OpStats& s : kinds) {
      if (s.ops == 0 && s.errors == 0 && s.bytes == 0 && s.latency.count() == 0) continue;
      s.ops = s.bytes = s.errors = 0;
      s.latency.clear();
    }
    priority.clear();
  }
  // Reads and writes together (syncs and trims move no data and metadata
  // operations are their own kinds: all are reported apart, never folded
  // into it).
  OpStats data_total() const {
    OpStats t = kinds[static_cast<size_t>(OpKind::kRead)];
    t.merge(kinds[static_cast<size_t>(OpKind::kWrite)]);
    return t;
  }
  // Every metadata operation together.
  OpStats meta_total() const {
    OpStats t;
    for (size_t i = kFirstMetaKind; i < kNumOpKinds; ++i) t.merge(kinds[i]);
    return t;
  }
};

}  // namespace iopulse

#endif  // IOPULSE_STATS_OP_STATS_SET_H_
