// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// OpStatsSet: the statistics of one worker (or of many, merged) split by
// kind of operation: reads, writes, syncs (fsync and fdatasync), trims and
// one kind per metadata operation (mkdir, create, stat, ...).  of() maps an iop_op to
// its kind and is on the per-IO path.
//
// The op kinds are one table (kOpKinds): each row names the kind as every
// output spells it (JSON keys, CSV column prefixes, the Prometheus `op`
// label, the live line), the engine op code it counts and the capability an
// engine declares for it.  The outputs iterate over it, so adding a kind is
// one row here and one enumerator.
#ifndef IOPULSE_STATS_OP_STATS_SET_H_
#define IOPULSE_STATS_OP_STATS_SET_H_

#include <array>
#include <cstdint>

#include "iopulse/engine.h"
#include "stats/op_stats.h"
#include "stats/priority_split.h"

namespace iopulse {

enum class OpKind : uint8_t {
  kRead = 0,
  kWrite = 1,
  kSync = 2,
  kTrim = 3,
  // Metadata operations, in the order of their iop_op codes.
  kMkdir = 4,
  kRmdir = 5,
  kCreate = 6,
  kOpen = 7,
  kStat = 8,
  kReadFile = 9,
  kWriteFile = 10,
  kRename = 11,
  kUnlink = 12,
  kList = 13,
};
inline constexpr size_t kNumOpKinds = 14;
// The data kinds (read, write, sync, trim) are [0, kFirstMetaKind), the
// metadata kinds [kFirstMetaKind, kNumOpKinds).
inline constexpr size_t kFirstMetaKind = 4;
inline constexpr size_t kNumMetaKinds = kNumOpKinds - kFirstMetaKind;

struct OpKindInfo {
  OpKind kind;
  const char* name;   // as outputs spell it: "read", "read_file"
  const char* label;  // a short capital tag for tight spaces (the live line): "R"
  uint8_t op;         // the iop_op it counts (the first, for sync)
  uint64_t cap;       // the engine capability it needs (0: none)
  // Its bytes are data moved (reported as bandwidth).  A trim's bytes are
  // the bytes it discarded: reported as such, never as bandwidth.
  bool moves_data;
  // Shown even when nothing of the kind happened (zeros), so a consumer
  // finds reads and writes in every report; other kinds appear where they
  // happened.
  bool always_reported;
};

inline constexpr std::array<OpKindInfo, kNumOpKinds> kOpKinds{{
    {OpKind::kRead, "read", "R", IOP_OP_READ, 0, true, true},
    {OpKind::kWrite, "write", "W", IOP_OP_WRITE, 0, true, true},
    {OpKind::kSync, "sync", "S", IOP_OP_FSYNC, 0, false, false},
    {OpKind::kTrim, "trim", "T", IOP_OP_TRIM, IOP_CAP_TRIM, false, false},
    {OpKind::kMkdir, "mkdir", "MKD", IOP_OP_MKDIR, IOP_CAP_META_MKDIR, false, false},
    {OpKind::kRmdir, "rmdir", "RMD", IOP_OP_RMDIR, IOP_CAP_META_RMDIR, false, false},
    {OpKind::kCreate, "create", "CRE", IOP_OP_CREATE, IOP_CAP_META_CREATE, true, false},
    {OpKind::kOpen, "open", "OPN", IOP_OP_OPEN_CLOSE, IOP_CAP_META_OPEN_CLOSE, false, false},
    {OpKind::kStat, "stat", "STA", IOP_OP_STAT, IOP_CAP_META_STAT, false, false},
    {OpKind::kReadFile, "read_file", "RDF", IOP_OP_READ_FILE, IOP_CAP_META_READ_FILE, true, false},
    {OpKind::kWriteFile, "write_file", "WRF", IOP_OP_WRITE_FILE, IOP_CAP_META_WRITE_FILE, true, false},
    {OpKind::kRename, "rename", "REN", IOP_OP_RENAME, IOP_CAP_META_RENAME, false, false},
    {OpKind::kUnlink, "unlink", "UNL", IOP_OP_UNLINK, IOP_CAP_META_UNLINK, false, false},
    {OpKind::kList, "list", "LST", IOP_OP_LIST, IOP_CAP_META_LIST, false, false},
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

// read, write, trim; fsync and fdatasync count as sync; metadata ops as their own.
inline constexpr OpKind op_kind_of(uint8_t op) {
  return op == IOP_OP_READ    ? OpKind::kRead
         : op == IOP_OP_WRITE ? OpKind::kWrite
         : op == IOP_OP_TRIM  ? OpKind::kTrim
         : op < IOP_OP_MKDIR  ? OpKind::kSync
                              : static_cast<OpKind>(op - IOP_OP_MKDIR + kFirstMetaKind);
}
static_assert(op_kind_of(IOP_OP_FDATASYNC) == OpKind::kSync && op_kind_of(IOP_OP_TRIM) == OpKind::kTrim &&
                  op_kind_of(IOP_OP_MKDIR) == OpKind::kMkdir && op_kind_of(IOP_OP_LIST) == OpKind::kList,
              "op_kind_of must agree with kOpKinds");

inline const char* to_string(OpKind kind) { return info(kind).name; }

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
