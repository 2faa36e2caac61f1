// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// OpStatsSet: the statistics of one worker (or of many, merged) split by
// kind of operation: reads, writes, syncs (fsync and fdatasync) and one kind
// per metadata operation (mkdir, create, stat, ...).  of() maps an iop_op to
// its kind and is on the per-IO path.
//
// The op kinds are one table (kOpKinds): each row names the kind as every
// output spells it, the engine op code it counts and the capability an
// engine declares for it.  Adding a kind is one row here and one enumerator.
#ifndef IOPULSE_STATS_OP_STATS_SET_H_
#define IOPULSE_STATS_OP_STATS_SET_H_

#include <array>
#include <cstdint>

#include "iopulse/engine.h"
#include "stats/op_stats.h"

namespace iopulse {

enum class OpKind : uint8_t {
  kRead = 0,
  kWrite = 1,
  kSync = 2,
  // Metadata operations, in the order of their iop_op codes.
  kMkdir = 3,
  kRmdir = 4,
  kCreate = 5,
  kOpen = 6,
  kStat = 7,
  kReadFile = 8,
  kWriteFile = 9,
  kRename = 10,
  kUnlink = 11,
  kList = 12,
};
inline constexpr size_t kNumOpKinds = 13;
// The metadata kinds are [kFirstMetaKind, kNumOpKinds).
inline constexpr size_t kFirstMetaKind = 3;
inline constexpr size_t kNumMetaKinds = kNumOpKinds - kFirstMetaKind;

struct OpKindInfo {
  OpKind kind;
  const char* name;  // as outputs spell it: JSON keys, CSV column prefixes, metric labels
  uint8_t op;        // the iop_op it counts (the first, for sync)
  uint64_t cap;      // the engine capability it needs (0: none)
  bool moves_data;   // its bytes are data moved (reported as bandwidth)
};

inline constexpr OpKindInfo kOpKinds[kNumOpKinds] = {
    {OpKind::kRead, "read", IOP_OP_READ, 0, true},
    {OpKind::kWrite, "write", IOP_OP_WRITE, 0, true},
    {OpKind::kSync, "sync", IOP_OP_FSYNC, 0, false},
    {OpKind::kMkdir, "mkdir", IOP_OP_MKDIR, IOP_CAP_META_MKDIR, false},
    {OpKind::kRmdir, "rmdir", IOP_OP_RMDIR, IOP_CAP_META_RMDIR, false},
    {OpKind::kCreate, "create", IOP_OP_CREATE, IOP_CAP_META_CREATE, true},
    {OpKind::kOpen, "open", IOP_OP_OPEN_CLOSE, IOP_CAP_META_OPEN_CLOSE, false},
    {OpKind::kStat, "stat", IOP_OP_STAT, IOP_CAP_META_STAT, false},
    {OpKind::kReadFile, "read_file", IOP_OP_READ_FILE, IOP_CAP_META_READ_FILE, true},
    {OpKind::kWriteFile, "write_file", IOP_OP_WRITE_FILE, IOP_CAP_META_WRITE_FILE, true},
    {OpKind::kRename, "rename", IOP_OP_RENAME, IOP_CAP_META_RENAME, false},
    {OpKind::kUnlink, "unlink", IOP_OP_UNLINK, IOP_CAP_META_UNLINK, false},
    {OpKind::kList, "list", IOP_OP_LIST, IOP_CAP_META_LIST, false},
};

inline constexpr const OpKindInfo& info(OpKind kind) { return kOpKinds[static_cast<size_t>(kind)]; }

// read, write; fsync, fdatasync and trim count as sync; metadata ops as their own.
inline constexpr OpKind op_kind_of(uint8_t op) {
  return op == IOP_OP_READ    ? OpKind::kRead
         : op == IOP_OP_WRITE ? OpKind::kWrite
         : op < IOP_OP_MKDIR  ? OpKind::kSync
                              : static_cast<OpKind>(op - IOP_OP_MKDIR + kFirstMetaKind);
}

inline const char* to_string(OpKind kind) { return info(kind).name; }

struct OpStatsSet {
  std::array<OpStats, kNumOpKinds> kinds;

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
  }
  void clear() {
    for (OpStats& s : kinds) {
      if (s.ops == 0 && s.errors == 0 && s.bytes == 0 && s.latency.count() == 0) continue;
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
  // Every metadata operation together.
  OpStats meta_total() const {
    OpStats t;
    for (size_t i = kFirstMetaKind; i < kNumOpKinds; ++i) t.merge(kinds[i]);
    return t;
  }
};

}  // namespace iopulse

#endif  // IOPULSE_STATS_OP_STATS_SET_H_
