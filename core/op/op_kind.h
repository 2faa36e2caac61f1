// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// OpKind: the kinds of operation IOPulse issues and counts: reads, writes,
// syncs (fsync and fdatasync), trims and one kind per metadata operation
// (mkdir, create, stat, ...).  op_kind_of() maps an iop_op to its kind and is
// on the per-IO path.
//
// The op kinds are one table (kOpKinds): each row names the kind as every
// output spells it (JSON keys, CSV column prefixes, the Prometheus `op`
// label, the live line), the engine op code it counts and the capability an
// engine declares for it.  The outputs iterate over it, so adding a kind is
// one row here and one enumerator.  The job spec (metadata phases and mixes)
// and the statistics both name kinds, so this is the layer below both.
#ifndef IOPULSE_OP_OP_KIND_H_
#define IOPULSE_OP_OP_KIND_H_

#include <array>
#include <cstddef>
#include <cstdint>

#include "iopulse/engine.h"

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

}  // namespace iopulse

#endif  // IOPULSE_OP_OP_KIND_H_
