/* SPDX-License-Identifier: MIT
 * SPDX-FileCopyrightText: 2026 The IOPulse authors */
/*
 * The io_uring engine's metadata operations (engine.h, "Metadata
 * operations"), done asynchronously through the engine's ring; see
 * uring_metadata.c for how each op maps to io_uring requests.
 *
 * One uring_meta per engine instance, set up when the first directory handle
 * is opened (control plane); everything here belongs to the instance's
 * thread.  Nothing on the per-IO path allocates: an op takes one of
 * `capacity` (= queue depth) op records, each with its own direct descriptor
 * slot in the ring's registered file table, its statx buffer and its error
 * text.  Part of the io_uring engine's shared object only (hidden
 * visibility, like everything but the entry).
 */
#ifndef IOPULSE_PLUGINS_IO_URING_URING_METADATA_H_
#define IOPULSE_PLUGINS_IO_URING_URING_METADATA_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <liburing.h>

#include "iopulse/engine.h"

/* The longest chain of requests one op submits at once (open, write, fsync,
 * close): the ring's SQ holds at least this many entries. */
#define URING_META_MAX_CHAIN 4u

/* What a metadata op's record is doing. */
struct uring_meta_op;

/* The metadata state of one instance.
 *
 * Op records move free -> in flight -> reaped -> free.  `free_ids` is a
 * stack of free record ids.  An op in flight has exactly one chain of
 * requests in the kernel (which posts exactly one CQE, see
 * uring_metadata.c), or waits in `ready` (finished without the kernel: a
 * refused op, or LIST) or in `parked` (its next chain found no room in the
 * SQ).  `reaped` holds the ops the latest reap() handed out: their error
 * texts stay valid until the next submit() or reap(), which frees them.
 * `in_flight` counts accepted ops not yet reaped. */
struct uring_meta {
  struct io_uring *ring;
  uint64_t caps;          /* IOP_CAP_META_* this ring can do (uring_meta_probe) */
  bool sqpoll;            /* the ring has a polling thread (SQ room frees up
                             as it consumes entries) */
  uint32_t capacity;      /* op records; 0 until set up */
  uint32_t direct_base;   /* registered-file index of record 0's direct
                             descriptor; record i uses direct_base + i */
  struct uring_meta_op *ops;
  uint32_t *free_ids;
  uint32_t num_free;
  uint32_t *ready;        /* ring of ids, oldest first */
  uint32_t ready_head;
  uint32_t num_ready;
  uint32_t *parked;
  uint32_t num_parked;
  uint32_t *reaped;
  uint32_t num_reaped;
  uint32_t in_flight;
  uint64_t tag_base;      /* the address of ops[0]: CQE user_data values in
                             [tag_base, tag_base + tag_span) are m's */
  uint64_t tag_span;      /* 0 until set up */
  char *dirent_buf;       /* getdents64 buffer for LIST */
};

/* The IOP_CAP_META_* ops `ring` can do, from io_uring_get_probe_ring() and
 * the ring's features (see uring_metadata.c).  LIST is always possible (it
 * is synchronous).  Control plane. */
uint64_t uring_meta_probe(struct io_uring *ring);

/* Writes the names of the ops in `caps` done asynchronously into `async_text`
 * and of those done inside submit() into `sync_text` (comma-separated, "none"
 * when empty). */
void uring_meta_describe(uint64_t caps, char *async_text, size_t async_len, char *sync_text,
                         size_t sync_len);

/* Prepares `m` (zeroed) for `capacity` ops in flight on `ring`.  Returns 0 or
 * -ENOMEM.  The caller registers the direct descriptor slots
 * (uring_meta_direct_slots()) and sets m->direct_base.  Control plane. */
int uring_meta_init(struct uring_meta *m, struct io_uring *ring, uint64_t caps, bool sqpoll,
                    uint32_t capacity);

/* Frees what uring_meta_init() allocated; no op is in flight. */
void uring_meta_destroy(struct uring_meta *m);

/* How many registered-file slots the direct descriptors need: capacity when
 * an op that opens files is declared, else 0. */
uint32_t uring_meta_direct_slots(const struct uring_meta *m);

/* What uring_meta_start() did with an op. */
enum uring_meta_started {
  URING_META_ACCEPTED = 0, /* queued in the SQ, or finished (waits in ready) */
  URING_META_NO_ROOM = 1   /* the SQ has no room for its chain even after a
                              flush: not accepted, try later */
};

/* Starts metadata op `io` (op IOP_OP_MKDIR .. IOP_OP_LIST) relative to
 * directory descriptor `dirfd`; `dir2fd` is the descriptor meta->dir2 names
 * for a rename (dirfd when dir2 is -1), or -1 when dir2 is not an open
 * handle.  May submit the SQEs queued so far to make room for the chain
 * (one io_uring_enter).  Requires m set up (capacity > 0) and a free op
 * record (the host never has more than queue depth IOs in flight). */
enum uring_meta_started uring_meta_start(struct uring_meta *m, const iop_io *io, int dirfd,
                                         int dir2fd);

/* True when `user_data` of a CQE names one of m's requests.  The tags are
 * addresses inside m's op records (plus a step number in the low bits), so a
 * host user_data could only collide by being such an address; IOPulse's host
 * uses slot indexes. */
static inline bool uring_meta_owns(const struct uring_meta *m, uint64_t user_data) {
  return user_data - m->tag_base < m->tag_span;
}

/* What uring_meta_complete() did with a CQE. */
enum uring_meta_completed {
  URING_META_NOT_MINE = 0, /* no chain of m's is waiting for it: a host IO's */
  URING_META_CONTINUES = 1,/* the op goes on: its next chain is queued in the
                              SQ (for the caller to submit) or parked */
  URING_META_FINISHED = 2  /* the op is done: *out holds its completion */
};

/* Handles the CQE (user_data, res) of one of m's chains (uring_meta_owns()):
 * records its result, then queues the op's next chain or finishes the op
 * into *out. */
enum uring_meta_completed uring_meta_complete(struct uring_meta *m, uint64_t user_data,
                                              int32_t res, iop_cqe *out);

/* Hands out up to `max` ops that finished without the kernel; returns how
 * many were written to `out`. */
uint32_t uring_meta_take_ready(struct uring_meta *m, iop_cqe *out, uint32_t max);

/* Queues the chains of parked ops where the SQ now has room.  Returns true
 * when any op is still parked. */
bool uring_meta_unpark(struct uring_meta *m);

/* Frees the records the latest reap() handed out (their texts expire). */
void uring_meta_release_reaped(struct uring_meta *m);

/* error_text(): the text of a completion the latest reap() handed out. */
int32_t uring_meta_error_text(const struct uring_meta *m, uint64_t user_data, iop_error *out);

#endif /* IOPULSE_PLUGINS_IO_URING_URING_METADATA_H_ */
