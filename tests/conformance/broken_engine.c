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
 *   BROKEN_UNKNOWN_REQUIRED  requires a capability no ABI defines (bit 63)
 *   BROKEN_SILENT_CFD   declares a completion fd that never becomes readable;
 *                       its IOs are ready to reap 1 ms after submit(), so a
 *                       host that reaps at once finds nothing and must wait
 *   BROKEN_ALLOC_FAILS  declares engine buffers; alloc_buffer() always fails
 *   BROKEN_HALF_STORE   declares stores-data but keeps only the first half
 *                       of every write
 *   BROKEN_AUX          completions carry an aux value without a flag saying
 *                       what it is
 *   BROKEN_SUBMIT_EXTRA submit() returns one more than it was given
 *   BROKEN_REAP_EXTRA   reap() returns max + 1 whenever it has a completion
 *                       (it fills no more than max entries)
 *   BROKEN_DUPLICATE    every IO completes twice
 *   BROKEN_STUCK        after its first 1000 IOs, submit() accepts IOs that
 *                       never complete, and reap() with nothing to hand
 *                       back never returns (it ignores its timeout)
 *   BROKEN_HUGE_ALIGN   declares a buffer alignment of 2 GiB
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

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
  int event_fd;           /* BROKEN_SILENT_CFD */
  unsigned char *data[64]; /* BROKEN_HALF_STORE: each file's bytes */
  uint64_t size[64];
  uint64_t accepted; /* IOs accepted so far (BROKEN_STUCK) */
  uint64_t *due_ns;  /* BROKEN_SILENT_CFD: when ring[i] is ready to reap */
};

#ifdef BROKEN_SILENT_CFD
static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}
#endif

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
  e->event_fd = -1;
#if defined(BROKEN_OVER_ACCEPT)
  e->ring_size = 65536;
#elif defined(BROKEN_DUPLICATE)
  e->ring_size = 2 * config->queue_depth;
#else
  e->ring_size = config->queue_depth;
#endif
  e->ring = calloc(e->ring_size, sizeof *e->ring);
  e->due_ns = calloc(e->ring_size, sizeof *e->due_ns);
  if (e->ring == NULL || e->due_ns == NULL) {
    free(e->ring);
    free(e->due_ns);
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
  if (e->event_fd >= 0) close(e->event_fd);
  for (int h = 0; h < 64; h++) free(e->data[h]);
  free(e->ring);
  free(e->due_ns);
  free(e);
}

static int32_t broken_open_file(iop_engine *e, const iop_file_desc *file, iop_error *err) {
  for (int32_t h = 0; h < 64; h++) {
    if (!e->open[h]) {
#ifdef BROKEN_HALF_STORE
      e->data[h] = calloc(1, file->size ? file->size : 1);
      if (e->data[h] == NULL) {
        set_error(err, "out of memory");
        return -ENOMEM;
      }
      e->size[h] = file->size;
#else
      (void)file;
#endif
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
  free(e->data[handle]);
  e->data[handle] = NULL;
  return 0;
}

/* What a read or write moves: in BROKEN_HALF_STORE the file's bytes (a
 * write keeps only its first half); otherwise nothing, all of len. */
static int64_t broken_transfer(iop_engine *e, const iop_io *io) {
#ifdef BROKEN_HALF_STORE
  if (io->file < 0 || io->file >= 64 || e->data[io->file] == NULL) return -EBADF;
  uint64_t size = e->size[io->file];
  uint64_t len = io->offset < size ? size - io->offset : 0;
  if (len > io->len) len = io->len;
  if (io->op == IOP_OP_READ) memcpy(io->buf, e->data[io->file] + io->offset, len);
  else memcpy(e->data[io->file] + io->offset, io->buf, len / 2);
  return (int64_t)len;
#else
  (void)e;
  return io->len;
#endif
}

#ifdef BROKEN_SILENT_CFD
/* An eventfd nothing ever writes to. */
static int32_t broken_completion_fd(iop_engine *e, iop_error *err) {
  e->event_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (e->event_fd < 0) {
    set_error(err, "eventfd failed");
    return -errno;
  }
  return e->event_fd;
}
#endif

#ifdef BROKEN_ALLOC_FAILS
static int32_t broken_alloc_buffer(iop_engine *e, uint64_t len, iop_buffer *out, iop_error *err) {
  (void)e;
  (void)len;
  (void)out;
  set_error(err, "no device memory left (on purpose)");
  return -ENOMEM;
}

static void broken_free_buffer(iop_engine *e, const iop_buffer *buf) {
  (void)e;
  (void)buf;
}
#endif

static int32_t broken_submit(iop_engine *e, iop_io *const *ios, uint32_t n, uint32_t flags) {
  if (flags & ~IOP_SUBMIT_KNOWN_FLAGS) return -EINVAL;
  uint32_t k;
  for (k = 0; k < n && e->count < e->ring_size; k++) {
#if defined(BROKEN_DUPLICATE)
    if (e->count + 2 > e->ring_size) break;
#elif !defined(BROKEN_OVER_ACCEPT)
    if (e->count >= e->queue_depth) break;
#endif
#ifdef BROKEN_STUCK
    if (++e->accepted > 1000) continue; /* accepted, never completed */
#endif
    iop_cqe *cqe = &e->ring[(e->head + e->count) % e->ring_size];
#ifdef BROKEN_SILENT_CFD
    e->due_ns[(e->head + e->count) % e->ring_size] = now_ns() + 1000000;
#endif
    cqe->user_data = ios[k]->user_data;
#ifdef BROKEN_USER_DATA
    cqe->user_data += 1;
#endif
    cqe->res = (ios[k]->op == IOP_OP_READ || ios[k]->op == IOP_OP_WRITE)
                   ? broken_transfer(e, ios[k])
                   : 0;
#ifdef BROKEN_AUX
    cqe->aux = 42;
#else
    cqe->aux = 0;
#endif
    cqe->flags = 0;
    e->count++;
#ifdef BROKEN_DUPLICATE
    e->ring[(e->head + e->count) % e->ring_size] = *cqe;
    e->count++;
#endif
  }
#ifdef BROKEN_SUBMIT_EXTRA
  return (int32_t)k + 1;
#else
  return (int32_t)k;
#endif
}

static int32_t broken_reap(iop_engine *e, iop_cqe *out, uint32_t max, uint32_t min_wait,
                           uint64_t timeout_ns) {
  (void)min_wait;
  (void)timeout_ns;
#ifdef BROKEN_CRASH
  if (e->count == 0) raise(SIGSEGV); /* as a stray NULL dereference would */
#endif
#ifdef BROKEN_STUCK
  if (e->count == 0) {
    for (;;) { /* as an engine waiting on an event that never comes */
      struct timespec ts = {1, 0};
      nanosleep(&ts, NULL);
    }
  }
#endif
  uint32_t k;
#ifdef BROKEN_SILENT_CFD
  /* Completions become ready in order, 1 ms after their submit(); reap()
   * waits for them as asked. */
  {
    const uint64_t until = timeout_ns == IOP_TIMEOUT_INFINITE ? UINT64_MAX : now_ns() + timeout_ns;
    uint32_t wanted = min_wait < e->count ? min_wait : e->count;
    if (wanted > max) wanted = max;
    while (wanted > 0) {
      const uint64_t due = e->due_ns[(e->head + wanted - 1) % e->ring_size];
      const uint64_t now = now_ns();
      if (due <= now || now >= until) break;
      const uint64_t wake = due < until ? due : until;
      struct timespec ts = {(time_t)(wake / 1000000000u), (long)(wake % 1000000000u)};
      clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
    }
  }
  const uint64_t now = now_ns();
  for (k = 0; k < max && e->count > 0 && e->due_ns[e->head] <= now; k++) {
#else
  for (k = 0; k < max && e->count > 0; k++) {
#endif
    out[k] = e->ring[e->head];
    e->head = (e->head + 1) % e->ring_size;
    e->count--;
  }
#ifdef BROKEN_REAP_EXTRA
  if (k > 0) return (int32_t)max + 1;
#endif
  return (int32_t)k;
}

static const iop_engine_desc broken_desc = {
    .struct_size = sizeof(iop_engine_desc),
    .abi_major = IOP_ABI_MAJOR,
    .abi_minor = IOP_ABI_MINOR,
    .name = BROKEN_NAME,
    .version = "0.0.1",
    .description = "deliberately broken engine for the checker's negative tests",
    .caps = IOP_CAP_BATCH_SUBMIT
#ifdef BROKEN_SILENT_CFD
            | IOP_CAP_COMPLETION_FD
#endif
#ifdef BROKEN_ALLOC_FAILS
            | IOP_CAP_ENGINE_BUFFERS
#endif
#ifdef BROKEN_HALF_STORE
            | IOP_CAP_STORES_DATA
#endif
    ,
    .required_caps = IOP_REQ_DISKLESS
#ifdef BROKEN_UNKNOWN_REQUIRED
                     | (UINT64_C(1) << 63)
#endif
    ,
    .max_queue_depth = 4096,
#ifdef BROKEN_HUGE_ALIGN
    .min_buf_align = UINT32_C(1) << 31,
#endif
    .create = broken_create,
    .destroy = broken_destroy,
    .open_file = broken_open_file,
    .close_file = broken_close_file,
    .submit = broken_submit,
    .reap = broken_reap,
#ifdef BROKEN_SILENT_CFD
    .completion_fd = broken_completion_fd,
#endif
#ifdef BROKEN_ALLOC_FAILS
    .alloc_buffer = broken_alloc_buffer,
    .free_buffer = broken_free_buffer,
#endif
};

#ifdef BROKEN_EXPORTS
IOP_EXPORT int broken_engine_helper(void) { return 42; }
#endif

IOP_EXPORT int32_t iopulse_engine_entry(const iop_host_info *host, const iop_engine_desc **out) {
  if (host == NULL) return -EINVAL;
  *out = &broken_desc;
  return 0;
}
