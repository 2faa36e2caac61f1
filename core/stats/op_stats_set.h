// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// OpStatsSet: the statistics of one worker (or of many, merged) split by
// kind of operation: reads, writes and syncs (fsync and fdatasync).  of() maps
// an iop_op to its kind and is on the per-IO path.
#ifndef IOPULSE_STATS_OP_STATS_SET_H_
#define IOPULSE_STATS_OP_STATS_SET_H_

#include <array>
#include <cstdint>

#include "iopulse/engine.h"
#include "stats/op_stats.h"

namespace iopulse {

enum class OpKind : uint8_t { kRead = 0, kWrite = 1, kSync = 2 };
inline constexpr size_t kNumOpKinds = 3;

inline constexpr OpKind op_kind_of(uint8_t op) {
  return op == IOP_OP_READ ? OpKind::kRead : op == IOP_OP_WRITE ? OpKind::kWrite : OpKind::kSync;
}

inline const char* to_string(OpKind kind) {
  return kind == OpKind::kRead ? "read" : kind == OpKind::kWrite ? "write" : "sync";
}

struct OpStatsSet {
  std::array<OpStats, kNumOpKinds> kinds;

  OpStats& of(uint8_t op) { return kinds[static_cast<size_t>(op_kind_of(op))]; }
  OpStats& operator[](OpKind k) { return kinds[static_cast<size_t>(k)]; }
  const OpStats& operator[](OpKind k) const { return kinds[static_cast<size_t>(k)]; }

  void merge(const OpStatsSet& other) {
    for (size_t i = 0; i < kNumOpKinds; ++i) kinds[i].merge(other.kinds[i]);
  }
  void clear() {
    for (OpStats& s : kinds) {
      s.ops = s.bytes = s.errors = 0;
      s.latency.clear();
    }
  }
  // Reads and writes together (syncs move no data and are reported apart).
  OpStats data_total() const {
    OpStats t = kinds[0];
    t.merge(kinds[1]);
    return t;
  }
};

}  // namespace iopulse

#endif  // IOPULSE_STATS_OP_STATS_SET_H_
