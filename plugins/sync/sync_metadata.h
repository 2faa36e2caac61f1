// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// The sync engine's metadata operations (engine.h, "Metadata operations"):
// each op as the *at() system calls relative to a directory descriptor, done
// on the calling thread before it returns.
//
// Nothing here allocates: LIST reads directory entries into a buffer the
// instance owns.  Part of the sync engine's shared object only (hidden
// visibility, like everything but the entry).
#ifndef IOPULSE_PLUGINS_SYNC_SYNC_METADATA_H_
#define IOPULSE_PLUGINS_SYNC_SYNC_METADATA_H_

#include <cstddef>
#include <cstdint>

#include "iopulse/engine.h"

namespace sync_engine {

// What a metadata op completes with: res and aux/flags as engine.h's table
// says, and on failure a one-line explanation in `why` (which step failed).
struct MetaOutcome {
  int64_t res = 0;
  uint64_t aux = 0;
  uint32_t flags = 0;  // IOP_CQE_AUX_*
};

// Where a metadata op runs: the directory of io.file, the directory of
// meta->dir2 for RENAME (the same one when dir2 is -1), and a buffer for
// directory entries.
struct MetaContext {
  int dirfd;
  int dir2fd;
  char* dirent_buf;
  size_t dirent_buf_size;
};

// Performs metadata op `io` (io.op is one of IOP_OP_MKDIR .. IOP_OP_LIST,
// io.meta points to its arguments).  On failure writes a NUL-terminated
// line of at most why_size - 1 bytes into `why`.
MetaOutcome run_metadata_op(const iop_io& io, const MetaContext& ctx, char* why, size_t why_size);

}  // namespace sync_engine

#endif  // IOPULSE_PLUGINS_SYNC_SYNC_METADATA_H_
