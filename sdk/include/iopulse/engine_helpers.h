/* SPDX-License-Identifier: MIT
 * SPDX-FileCopyrightText: 2026 The IOPulse authors */
/*
 * iopulse/engine_helpers.h -- optional C helpers for writing an IOPulse
 * engine in C.
 *
 * Licence: an engine built against these SDK headers may carry any licence,
 * open or proprietary, and be distributed on its own.  The MIT terms (see
 * LICENSE) apply to the headers themselves: keep their notice when you
 * redistribute the headers.
 *
 * The checks and chores every engine repeats: writing a message into an
 * iop_error, checking the host info handed to the entry, validating the
 * iop_engine_config handed to create(), keeping a table of file handles, and
 * (for engines whose IOs finish inside submit()) a ring of completions that
 * wait for reap().
 *
 *   IOP_EXPORT int32_t iopulse_engine_entry(const iop_host_info *host,
 *                                           const iop_engine_desc **out) {
 *     if (out == NULL) return -EINVAL;
 *     int32_t rc = iop_check_host(host);
 *     if (rc != 0) return rc;
 *     *out = &my_desc;
 *     return 0;
 *   }
 *
 *   static int32_t my_create(const iop_engine_config *config, iop_engine **out,
 *                            iop_error *err) {
 *     int32_t rc = iop_check_config(config, out, &my_desc, err);
 *     if (rc != 0) return rc;
 *     ...
 *   }
 *
 * Header-only C99 (also valid C++): every function is static inline, so
 * using it adds no symbol to the engine and no dependency on IOPulse.  Only
 * the file table and the completion ring allocate, and only in the functions
 * whose comments say so; their destroy functions free it.  Using it is
 * optional.
 */
#ifndef IOPULSE_ENGINE_HELPERS_H
#define IOPULSE_ENGINE_HELPERS_H

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iopulse/engine.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------ */
/* Errors                                                                    */
/* ------------------------------------------------------------------------ */

/* Writes a printf-style message into err->message, truncated to
 * IOP_ERROR_MESSAGE_MAX-1 bytes and always NUL-terminated.  Does nothing when
 * err is NULL.  fmt must not be NULL.  Allocates nothing.  Keep messages to one line without a
 * trailing newline: the host prints them after the engine name. */
#ifdef __GNUC__
__attribute__((format(printf, 2, 3)))
#endif
static inline void iop_set_error(iop_error *err, const char *fmt, ...) {
  va_list ap;
  if (err == NULL) return;
  va_start(ap, fmt);
  if (vsnprintf(err->message, sizeof err->message, fmt, ap) < 0) err->message[0] = '\0';
  va_end(ap);
  err->message[sizeof err->message - 1] = '\0';
}

/* ------------------------------------------------------------------------ */
/* Entry and create() checks                                                 */
/* ------------------------------------------------------------------------ */

/* For the entry function: returns 0 when `host` is present, else -EINVAL
 * (the value the entry function should return).  It does not compare ABI
 * majors: the entry returns its descriptor to a host of any major, and the
 * host, which can name both versions to the user, refuses a mismatch
 * (engine.h, Versioning).  The frozen members of iop_host_info (all of
 * ABI 2.0's) may be used whatever host->abi_major says. */
static inline int32_t iop_check_host(const iop_host_info *host) {
  if (host == NULL) return -EINVAL;
  return 0;
}

/* For create(): checks that `config` and `out` are present and that config
 * is at least as large as ABI 2.0's iop_engine_config.  Returns 0, or -EINVAL
 * with one of these messages in *err:
 *   "create() needs a config and an output pointer"
 *   "iop_engine_config.struct_size <n> is smaller than ABI 2.0's <size>"
 * `out` is only tested, never written. */
static inline int32_t iop_check_config_size(const iop_engine_config *config, iop_engine **out,
                                            iop_error *err) {
  if (config == NULL || out == NULL) {
    iop_set_error(err, "create() needs a config and an output pointer");
    return -EINVAL;
  }
  if (config->struct_size < sizeof(iop_engine_config)) {
    iop_set_error(err, "iop_engine_config.struct_size %u is smaller than ABI 2.0's %u",
                  (unsigned)config->struct_size, (unsigned)sizeof(iop_engine_config));
    return -EINVAL;
  }
  return 0;
}

/* For create(): checks that config (not NULL) carries one option value per
 * option of `desc`, and an options array when desc has any options.  Returns
 * 0, or -EINVAL with "expected <desc->num_options> option values, got <n>" in
 * *err. */
static inline int32_t iop_check_config_options(const iop_engine_config *config,
                                               const iop_engine_desc *desc, iop_error *err) {
  if (config->num_options != desc->num_options ||
      (desc->num_options > 0 && config->options == NULL)) {
    iop_set_error(err, "expected %u option values, got %u", (unsigned)desc->num_options,
                  (unsigned)config->num_options);
    return -EINVAL;
  }
  return 0;
}

/* For create(): checks that config->queue_depth (config not NULL) is in
 * 1..desc->max_queue_depth.  Returns 0, or -EINVAL with "queue depth <n> is
 * outside 1..<max>" in *err. */
static inline int32_t iop_check_config_queue_depth(const iop_engine_config *config,
                                                   const iop_engine_desc *desc, iop_error *err) {
  if (config->queue_depth < 1 || config->queue_depth > desc->max_queue_depth) {
    iop_set_error(err, "queue depth %u is outside 1..%u", (unsigned)config->queue_depth,
                  (unsigned)desc->max_queue_depth);
    return -EINVAL;
  }
  return 0;
}

/* For create(): the three checks above in order (size, options, queue
 * depth) against the engine's own descriptor.  Returns 0, or -EINVAL with
 * the first failure's message in *err. */
static inline int32_t iop_check_config(const iop_engine_config *config, iop_engine **out,
                                       const iop_engine_desc *desc, iop_error *err) {
  int32_t rc = iop_check_config_size(config, out, err);
  if (rc == 0) rc = iop_check_config_options(config, desc, err);
  if (rc == 0) rc = iop_check_config_queue_depth(config, desc, err);
  return rc;
}

/* ------------------------------------------------------------------------ */
/* File handle table                                                         */
/* ------------------------------------------------------------------------ */

/* The handles an instance gave out in open_file(), each with a record of
 * slot_size bytes the engine defines (e.g. the descriptor, or a struct with
 * a mapping).  A handle is an index, the lowest free one, so handles stay
 * small.  `slots` and `open` grow only in iop_file_table_lowest_free(),
 * which a control-plane function calls, so the data plane may read the table
 * without allocating.  A free slot's record holds `empty_slot`'s bytes (all
 * zero when empty_slot is NULL).  Read the members; change them only through
 * the functions below. */
typedef struct iop_file_table {
  void *slots;            /* num_slots records of slot_size bytes; NULL when
                             slot_size is 0 or nothing was allocated yet */
  unsigned char *open;    /* open[h] != 0 while handle h is open */
  int32_t num_slots;      /* entries in slots and open */
  size_t slot_size;       /* bytes per record, may be 0 */
  const void *empty_slot; /* record of a free handle, or NULL for zeros */
} iop_file_table;

/* Makes `t` an empty table of slot_size-byte records.  empty_slot, when
 * not NULL, must point to slot_size bytes that stay valid as long as the
 * table (typically a static const).  Allocates nothing. */
static inline void iop_file_table_init(iop_file_table *t, size_t slot_size,
                                       const void *empty_slot) {
  t->slots = NULL;
  t->open = NULL;
  t->num_slots = 0;
  t->slot_size = slot_size;
  t->empty_slot = empty_slot;
}

/* Frees what the table allocated and leaves it empty.  Whatever the records
 * own (memory, mappings) is the engine's to release first. */
static inline void iop_file_table_destroy(iop_file_table *t) {
  free(t->slots);
  free(t->open);
  iop_file_table_init(t, t->slot_size, t->empty_slot);
}

/* The record of handle h, which must be in 0..num_slots-1 (slot_size > 0).
 * Does no check. */
static inline void *iop_file_table_slot(const iop_file_table *t, int32_t h) {
  return (char *)t->slots + (size_t)h * t->slot_size;
}

/* 1 when h is a handle that is open, 0 otherwise (any value of h). */
static inline int iop_file_table_is_open(const iop_file_table *t, int32_t h) {
  return h >= 0 && h < t->num_slots && t->open[h] != 0;
}

/* Sets record h (in 0..num_slots-1) to the empty record. */
static inline void iop_file_table_clear_slot(iop_file_table *t, int32_t h) {
  if (t->slot_size == 0) return;
  if (t->empty_slot != NULL)
    memcpy(iop_file_table_slot(t, h), t->empty_slot, t->slot_size);
  else
    memset(iop_file_table_slot(t, h), 0, t->slot_size);
}

/* For open_file(): returns the lowest handle that is not open, or -ENOMEM
 * with *err filled.  When every handle is open the table grows first
 * (ALLOCATES with realloc: to min_slots entries when empty, else to twice
 * its size; the new records are empty), so the returned handle may equal
 * the old num_slots.  The handle is not yet open: fill its record, then call
 * iop_file_table_mark_open().  The message is "out of memory for <n> file
 * handles", after "<path>: " when path is not NULL. */
static inline int32_t iop_file_table_lowest_free(iop_file_table *t, int32_t min_slots,
                                                 const char *path, iop_error *err) {
  int32_t h = 0;
  int32_t n;
  int32_t i;
  while (h < t->num_slots && t->open[h]) h++;
  if (h < t->num_slots) return h;
  if (t->num_slots > INT32_MAX / 2)
    n = INT32_MAX;
  else
    n = t->num_slots > 0 ? t->num_slots * 2 : (min_slots > 0 ? min_slots : 1);
  if (n <= t->num_slots || (t->slot_size > 0 && (size_t)n > SIZE_MAX / t->slot_size)) goto oom;
  if (t->slot_size > 0) {
    void *grown = realloc(t->slots, (size_t)n * t->slot_size);
    if (grown == NULL) goto oom;
    t->slots = grown; /* larger than num_slots records until open grows too */
  }
  {
    unsigned char *grown = (unsigned char *)realloc(t->open, (size_t)n);
    if (grown == NULL) goto oom;
    t->open = grown;
  }
  memset(t->open + t->num_slots, 0, (size_t)(n - t->num_slots));
  for (i = t->num_slots; i < n; i++) iop_file_table_clear_slot(t, i);
  t->num_slots = n;
  return h;

oom:
  if (path != NULL)
    iop_set_error(err, "%s: out of memory for %d file handles", path, (int)n);
  else
    iop_set_error(err, "out of memory for %d file handles", (int)n);
  return -ENOMEM;
}

/* Marks handle h (from iop_file_table_lowest_free()) open. */
static inline void iop_file_table_mark_open(iop_file_table *t, int32_t h) { t->open[h] = 1; }

/* For close_file(): returns 0 when h is open, else -EBADF with
 * "close_file: <h> is not an open handle" in *err. */
static inline int32_t iop_file_table_check(const iop_file_table *t, int32_t h, iop_error *err) {
  if (!iop_file_table_is_open(t, h)) {
    iop_set_error(err, "close_file: %d is not an open handle", (int)h);
    return -EBADF;
  }
  return 0;
}

/* Frees open handle h and empties its record; the engine releases what
 * the record owned first. */
static inline void iop_file_table_release(iop_file_table *t, int32_t h) {
  t->open[h] = 0;
  iop_file_table_clear_slot(t, h);
}

/* ------------------------------------------------------------------------ */
/* Completion ring                                                           */
/* ------------------------------------------------------------------------ */

/* Completions an engine has finished and reap() has not handed out yet, in
 * submission order.  For engines that finish an IO inside submit() (or know
 * when it finishes): submit() fills one entry per IO it accepts, reap()
 * copies them out.
 *
 * cqes holds mask + 1 entries (queue_depth rounded up to a power of two),
 * all zero at first.  head and tail are free-running counters: entries
 * [head, tail) are waiting, completion number c lives in cqes[c & mask], and
 * tail - head <= queue_depth always, so nothing is overwritten while the
 * engine accepts no more than iop_completion_ring_room().  An engine may
 * keep per-IO data of its own in an array of mask + 1 entries indexed the
 * same way. */
typedef struct iop_completion_ring {
  iop_cqe *cqes;
  uint32_t mask;
  uint32_t queue_depth;
  uint32_t head;
  uint32_t tail;
} iop_completion_ring;

/* Sets up an empty ring for queue_depth (1 to 2^31) completions.
 * Allocates; returns 0, or -EINVAL (queue_depth out of range) or -ENOMEM;
 * on failure nothing is allocated and iop_completion_ring_destroy() is
 * still safe. */
static inline int32_t iop_completion_ring_init(iop_completion_ring *r, uint32_t queue_depth) {
  uint32_t size = 1;
  r->cqes = NULL;
  if (queue_depth == 0 || queue_depth > 0x80000000u) return -EINVAL;
  while (size < queue_depth) size <<= 1;
  r->cqes = (iop_cqe *)calloc(size, sizeof *r->cqes);
  r->mask = size - 1;
  r->queue_depth = queue_depth;
  r->head = 0;
  r->tail = 0;
  return r->cqes != NULL ? 0 : -ENOMEM;
}

/* Frees what iop_completion_ring_init() allocated. */
static inline void iop_completion_ring_destroy(iop_completion_ring *r) {
  free(r->cqes);
  r->cqes = NULL;
}

/* Completions waiting for reap(). */
static inline uint32_t iop_completion_ring_waiting(const iop_completion_ring *r) {
  return r->tail - r->head;
}

/* How many more IOs the engine may accept. */
static inline uint32_t iop_completion_ring_room(const iop_completion_ring *r) {
  return r->queue_depth - (r->tail - r->head);
}

/* The entry for the next completion, for the caller to fill.  Only while
 * iop_completion_ring_room() > 0.  The entry still holds the completion that
 * last used it: user_data and res are always written by the caller; aux and
 * flags stay 0 for an engine that never sets them (so its per-IO path need
 * not write them), and an engine that sets them on some completions writes
 * them on every one. */
static inline iop_cqe *iop_completion_ring_push(iop_completion_ring *r) {
  return &r->cqes[r->tail++ & r->mask];
}

/* Copies the oldest min(ready, max) completions to out and releases them;
 * returns how many.  ready is how many of the waiting ones may go (all of
 * them: iop_completion_ring_waiting()). */
static inline uint32_t iop_completion_ring_take(iop_completion_ring *r, iop_cqe *out, uint32_t ready,
                                                uint32_t max) {
  uint32_t n = ready < max ? ready : max;
  uint32_t first = r->head & r->mask;
  if (n <= r->mask + 1 - first) {
    /* In one run of the array, not wrapping: a plain copy */
    const iop_cqe *src = &r->cqes[first];
    for (uint32_t i = 0; i < n; i++) out[i] = src[i];
  } else {
    for (uint32_t i = 0; i < n; i++) out[i] = r->cqes[(first + i) & r->mask];
  }
  r->head += n;
  return n;
}

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* IOPULSE_ENGINE_HELPERS_H */
