// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// OpStatsSet: the statistics of one worker (or of many, merged) split by
// kind of operation: reads, writes and syncs (fsync and fdatasync).  of() maps
// an iop_op to its kind and is on the per-IO path.
//
// kOpKinds lists every kind once, in the order reports show them, with the
// name every output uses for it (JSON keys, CSV column prefixes, the
// Prometheus `op` label, the live line).  The outputs iterate over it, so a
// new kind is one OpKind value and one row there.
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

struct OpKindInfo {
  OpKind kind;
  const char* name;   // a lower-case word: "read"
  const char* label;  // one capital letter for tight spaces (the live line): "R"
  // Moves data: counted in the `total` of reads and writes.  Other kinds
  // (syncs, ...) are always reported apart, never folded into it.
  bool moves_data;
  // Shown even when nothing of the kind happened (zeros), so a consumer
  // finds reads and writes in every report; other kinds appear where
  // they happened.
  bool always_reported;
};

inline constexpr std::array<OpKindInfo, kNumOpKinds> kOpKinds{{
    {OpKind::kRead, "read", "R", true, true},
    {OpKind::kWrite, "write", "W", true, true},
    {OpKind::kSync, "sync", "S", false, false},
}};

// Row i describes OpKind i.
constexpr bool op_kind_rows_in_order() {
  for (size_t i = 0; i < kOpKinds.size(); ++i) {
    if (static_cast<size_t>(kOpKinds[i].kind) != i) return false;
  }
  return true;
}
static_assert(op_kind_rows_in_order(), "kOpKinds must list the kinds in OpKind order");

inline constexpr const OpKindInfo& info(OpKind kind) { return kOpKinds[static_cast<size_t>(kind)]; }
inline const char* to_string(OpKind kind) { return info(kind).name; }

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
  // The kinds that move data together (reads and writes; syncs move no
  // data and are reported apart).
  OpStats data_total() const {
    OpStats t;
    for (const OpKindInfo& k : kOpKinds) {
      if (k.moves_data) t.merge(kinds[static_cast<size_t>(k.kind)]);
    }
    return t;
  }
};

}  // namespace iopulse

#endif  // IOPULSE_STATS_OP_STATS_SET_H_
