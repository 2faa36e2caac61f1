/* SPDX-License-Identifier: MIT
 * SPDX-FileCopyrightText: 2026 The IOPulse authors */
/*
 * broken_engine: a small diskless engine with one deliberate contract
 * violation per build, for the negative tests of iopulse-engine-check.  With
 * no BROKEN_* definition it is correct (every IO completes at once with
 * res = len, or 0 for fsync/fdatasync/trim); each variant breaks one rule:
 *
 *   BROKEN_USER_DATA    completions carry user_data + 1
 *   BROKEN_OVER_ACCEPT  submit() accepts every IO offered, beyond queue_depth
 *   BROKEN_LEAK         create() allocates 4 KiB that destroy() never frees
 *   BROKEN_CRASH        reap() crashes (SIGSEGV) when nothing is in flight
 *   BROKEN_EXPORTS      exports a symbol besides the entry
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iopulse/engine.h"

#ifndef BROKEN_NAME
#define BROKEN_NAME "broken"
#endif

/* Completions wait in ring[] (ring_size entries; `count` of them from
 * `head`).  With BROKEN_OVER_ACCEPT the ring is large enough to hold what
 * the engine wrongly accepts. */
struct iop_engine {
  uint32_t queue_depth;
  uint32_t ring_size;
  uint32_t head;
  uint32_t count;
  iop_cqe *ring;
  unsigned char open[64]; /* handles in use */
};

static void set_error(iop_error *err, const char *msg) {
  snprintf(err->message, sizeof err->message, "%s", msg);
}

static int32_t broken_create(const iop_engine_config *config, iop_engine **out, iop_error *err) {
  if (config->queue_depth < 1 || config->queue_depth > 4096) {
    set_error(err, "queue depth outside 1..4096");
    return -EINVAL;
  }
  iop_engine *e = calloc(1, sizeof *e);
  if (e == NULL) {
    set_error(err, "out of memory");
    return -ENOMEM;
  }
  e->queue_depth = config->queue_depth;
#ifdef BROKEN_OVER_ACCEPT
  e->ring_size = 65536;
#else
  e->ring_size = config->queue_depth;
#endif
  e->ring = calloc(e->ring_size, sizeof *e->ring);
  if (e->ring == NULL) {
    free(e);
    set_error(err, "out of memory");
    return -ENOMEM;
  }
#ifdef BROKEN_LEAK
  {
    /* Published through a volatile global so the compiler cannot drop the
     * allocation; each create() overwrites the last one's pointer. */
    static void *volatile lost;
    lost = malloc(4096);
    if (lost != NULL) memset(lost, 0x5a, 4096);
  }
#endif
  *out = e;
  return 0;
}

static void broken_destroy(iop_engine *e) {
  free(e->ring);
  free(e);
}

static int32_t broken_open_file(iop_engine *e, const iop_file_desc *file, iop_error *err) {
  (void)file;
  for (int32_t h = 0; h < 64; h++) {
    if (!e->open[h]) {
      e->open[h] = 1;
      return h;
    }
  }
  set_error(err, "too many open files");
  return -EMFILE;
}

static int32_t broken_close_file(iop_engine *e, int32_t handle, iop_error *err) {
  if (handle < 0 || handle >= 64 || !e->open[handle]) {
    set_error(err, "not an open handle");
    return -EBADF;
  }
  e->open[handle] = 0;
  return 0;
}

static int32_t broken_submit(iop_engine *e, iop_io *const *ios, uint32_t n, uint32_t flags) {
  if (flags & ~IOP_SUBMIT_KNOWN_FLAGS) return -EINVAL;
  uint32_t k;
  for (k = 0; k < n && e->count < e->ring_size; k++) {
#ifndef BROKEN_OVER_ACCEPT
    if (e->count >= e->queue_depth) break;
#endif
    iop_cqe *cqe = &e->ring[(e->head + e->count) % e->ring_size];
    cqe->user_data = ios[k]->user_data;
#ifdef BROKEN_USER_DATA
    cqe->user_data += 1;
#endif
    cqe->res = (ios[k]->op == IOP_OP_READ || ios[k]->op == IOP_OP_WRITE) ? ios[k]->len : 0;
    e->count++;
  }
  return (int32_t)k;
}

static int32_t broken_reap(iop_engine *e, iop_cqe *out, uint32_t max, uint32_t min_wait,
                           uint64_t timeout_ns) {
  (void)min_wait;
  (void)timeout_ns;
#ifdef BROKEN_CRASH
  if (e->count == 0) raise(SIGSEGV); /* as a stray NULL dereference would */
#endif
  uint32_t k;
  for (k = 0; k < max && e->count > 0; k++) {
    out[k] = e->ring[e->head];
    e->head = (e->head + 1) % e->ring_size;
    e->count--;
  }
  return (int32_t)k;
}

static const iop_engine_desc broken_desc = {
    .struct_size = sizeof(iop_engine_desc),
    .abi_major = IOP_ABI_MAJOR,
    .abi_minor = IOP_ABI_MINOR,
    .name = BROKEN_NAME,
    .version = "0.0.1",
    .description = "deliberately broken engine for the checker's negative tests",
    .caps = IOP_CAP_BATCH_SUBMIT | IOP_CAP_DISKLESS,
    .max_queue_depth = 4096,
    .create = broken_create,
    .destroy = broken_destroy,
    .open_file = broken_open_file,
    .close_file = broken_close_file,
    .submit = broken_submit,
    .reap = broken_reap,
};

#ifdef BROKEN_EXPORTS
IOP_EXPORT int broken_engine_helper(void) { return 42; }
#endif

IOP_EXPORT int32_t iopulse_engine_entry(const iop_host_info *host, const iop_engine_desc **out) {
  if (host == NULL || host->abi_major != IOP_ABI_MAJOR) return -EPROTO;
  *out = &broken_desc;
  return 0;
}
