/* SPDX-License-Identifier: MIT
 * SPDX-FileCopyrightText: 2026 The IOPulse authors */
/*
 * null -- the reference IOPulse engine.  It does no IO.
 *
 * Every IO completes successfully: reads and writes with res = len, fsync,
 * fdatasync and trim with res = 0 (as engine.h defines for those ops); any
 * other op (the metadata ops, which it does not declare) with -EINVAL.
 * Completions carry no aux value and no flags: the ring's entries start
 * zeroed and only user_data and res are ever written.  With
 * the default delay-us=0 an IO is complete as soon as submit() accepts it,
 * so a run through this engine measures the host's own per-IO overhead; the
 * per-IO path therefore reads no clock, makes no system call, allocates
 * nothing and takes no lock.  With delay-us=N each IO completes N
 * microseconds after the submit() call that accepted it, so the engine
 * stands in for a device of known, fixed latency.  Its report() says which:
 * without a delay every IO is complete when submit() returns, so that
 * instance does not claim IOP_CAP_ASYNC.
 *
 * It is also the smallest complete example of the ABI: one file, C99 plus
 * POSIX (and GCC's noinline attribute), built only against iopulse/engine.h
 * and the optional iopulse/engine_helpers.h.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "iopulse/engine.h"
#include "iopulse/engine_helpers.h"

#define NULL_ENGINE_NAME "null"
#define NULL_MAX_QUEUE_DEPTH 65536u
#define NULL_MAX_DELAY_US 10000000 /* 10 s */

/* ------------------------------------------------------------------------ */
/* Options                                                                   */
/* ------------------------------------------------------------------------ */

enum { OPT_DELAY_US = 0, NUM_OPTIONS };

static const iop_option_desc null_options[NUM_OPTIONS] = {
    [OPT_DELAY_US] = {
        .struct_size = sizeof(iop_option_desc),
        .name = "delay-us",
        .help = "complete each IO this many microseconds after it was submitted "
                "(0: at once), to stand in for a device of fixed latency",
        .type = IOP_OPT_INT,
        .default_value = "0",
        .min_value = 0,
        .max_value = NULL_MAX_DELAY_US,
    },
};

/* ------------------------------------------------------------------------ */
/* Instance                                                                  */
/* ------------------------------------------------------------------------ */

/* One instance per worker thread; nothing here is shared.
 *
 * `done` holds each accepted, unreaped IO's completion, in submission order
 * (user_data and res are known at submit time), so reap() is a plain copy.
 * deadline_ns[] (CLOCK_MONOTONIC) is indexed like done's entries and is only
 * allocated and written when delay_ns > 0.  Deadlines are non-decreasing
 * from head to tail, because the delay is constant and the clock monotonic:
 * the IOs whose deadline has passed are always a prefix.
 *
 * files holds which handles open_file() returned and close_file() has not
 * yet released (no record per handle). */
struct iop_engine {
  iop_completion_ring done;
  uint64_t *deadline_ns;
  uint64_t delay_ns;
  iop_file_table files;
  char delay_text[32];     /* the report's one setting */
  iop_setting setting;
};

static const iop_engine_desc null_desc;

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void sleep_until_ns(uint64_t deadline) {
  struct timespec ts;
  ts.tv_sec = (time_t)(deadline / 1000000000u);
  ts.tv_nsec = (long)(deadline % 1000000000u);
  /* Returns early only on a signal; the caller re-reads the clock. */
  clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
}

static void null_destroy(iop_engine *e) {
  if (e == NULL) return;
  iop_completion_ring_destroy(&e->done);
  free(e->deadline_ns);
  iop_file_table_destroy(&e->files);
  free(e);
}

static int32_t null_create(const iop_engine_config *config, iop_engine **out, iop_error *err) {
  int32_t rc = iop_check_config(config, out, &null_desc, err);
  if (rc != 0) return rc;
  int64_t delay_us = config->options[OPT_DELAY_US].i;
  if (delay_us < 0 || delay_us > NULL_MAX_DELAY_US) {
    iop_set_error(err, "delay-us=%lld is outside 0..%d", (long long)delay_us, NULL_MAX_DELAY_US);
    return -EINVAL;
  }

  iop_engine *e = calloc(1, sizeof *e);
  if (e == NULL) goto oom;
  iop_file_table_init(&e->files, 0, NULL);
  if (iop_completion_ring_init(&e->done, config->queue_depth) != 0) goto oom;
  e->delay_ns = (uint64_t)delay_us * 1000u;
  if (e->delay_ns > 0) {
    e->deadline_ns = calloc(e->done.mask + 1u, sizeof *e->deadline_ns);
    if (e->deadline_ns == NULL) goto oom;
  }
  *out = e;
  return 0;

oom:
  null_destroy(e);
  iop_set_error(err, "out of memory for a ring of %u IOs", (unsigned)config->queue_depth);
  return -ENOMEM;
}

/* fd is -1 (the engine is diskless) or whatever the host passes; it is not
 * used.  Handles are the lowest free index, so they stay small. */
static int32_t null_open_file(iop_engine *e, const iop_file_desc *file, iop_error *err) {
  (void)file;
  int32_t h = iop_file_table_lowest_free(&e->files, 8, NULL, err);
  if (h >= 0) iop_file_table_mark_open(&e->files, h);
  return h;
}

static int32_t null_close_file(iop_engine *e, int32_t handle, iop_error *err) {
  int32_t rc = iop_file_table_check(&e->files, handle, err);
  if (rc == 0) iop_file_table_release(&e->files, handle);
  return rc;
}

/* ------------------------------------------------------------------------ */
/* Data plane                                                                */
/* ------------------------------------------------------------------------ */

/* With delay-us: the IOs at ring counters [from, to) complete delay_ns after
 * now.  One clock read per submit call: every IO of the batch shares it.
 * Returns `accepted`; out of line and called last, so the default (no
 * delay) path needs no stack frame. */
static __attribute__((noinline)) int32_t set_deadlines(iop_engine *e, uint32_t from, uint32_t to,
                                                       int32_t accepted) {
  uint64_t deadline = now_ns() + e->delay_ns;
  for (uint32_t t = from; t != to; t++) e->deadline_ns[t & e->done.mask] = deadline;
  return accepted;
}

static int32_t null_submit(iop_engine *e, iop_io *const *ios, uint32_t n, uint32_t flags) {
  if (flags & ~IOP_SUBMIT_KNOWN_FLAGS) return -EINVAL;

  uint32_t room = iop_completion_ring_room(&e->done);
  if (n > room) n = room;

  uint32_t from = e->done.tail;
  for (uint32_t i = 0; i < n; i++) {
    const iop_io *io = ios[i];
    iop_cqe *cqe = iop_completion_ring_push(&e->done);
    cqe->user_data = io->user_data;
    if (!iop_file_table_is_open(&e->files, io->file)) {
      cqe->res = -EBADF;
      continue;
    }
    switch (io->op) {
      case IOP_OP_READ:
      case IOP_OP_WRITE:
        cqe->res = io->len;
        break;
      case IOP_OP_FSYNC:
      case IOP_OP_FDATASYNC:
      case IOP_OP_TRIM:
        cqe->res = 0;
        break;
      default:
        cqe->res = -EINVAL;
        break;
    }
  }

  if (e->delay_ns > 0 && n > 0) return set_deadlines(e, from, e->done.tail, (int32_t)n);
  return (int32_t)n;
}

/* How many IOs from head on have a deadline <= now. */
static uint32_t count_ready(const iop_engine *e, uint32_t in_flight, uint64_t now) {
  uint32_t ready = 0;
  while (ready < in_flight && e->deadline_ns[(e->done.head + ready) & e->done.mask] <= now) ready++;
  return ready;
}

/* reap() with delay-us: waits (up to timeout_ns) for min_wait of the
 * in-flight IOs to reach their deadline.  Out of line and called last, so
 * the default (no delay) path needs no stack frame. */
static __attribute__((noinline)) int32_t reap_delayed(iop_engine *e, iop_cqe *out, uint32_t max,
                                                      uint32_t min_wait, uint64_t timeout_ns) {
  uint32_t in_flight = iop_completion_ring_waiting(&e->done);
  /* Waiting for more than we may return, or than will ever complete,
   * cannot succeed: wait for what can. */
  if (min_wait > max) min_wait = max;
  if (min_wait > in_flight) min_wait = in_flight;

  uint64_t now = now_ns();
  uint32_t ready = count_ready(e, in_flight, now);
  if (ready < min_wait && timeout_ns != 0) {
    uint64_t until = e->deadline_ns[(e->done.head + min_wait - 1) & e->done.mask];
    if (timeout_ns != IOP_TIMEOUT_INFINITE && timeout_ns < until - now) until = now + timeout_ns;
    do {
      sleep_until_ns(until);
      now = now_ns();
    } while (now < until);
    ready = count_ready(e, in_flight, now);
  }
  return (int32_t)iop_completion_ring_take(&e->done, out, ready, max);
}

static int32_t null_reap(iop_engine *e, iop_cqe *out, uint32_t max, uint32_t min_wait,
                         uint64_t timeout_ns) {
  if (e->delay_ns > 0) return reap_delayed(e, out, max, min_wait, timeout_ns);
  return (int32_t)iop_completion_ring_take(&e->done, out, iop_completion_ring_waiting(&e->done), max);
}

/* Control plane: what this instance does.  Not on the per-IO path. */
static int32_t null_report(iop_engine *e, iop_instance_report *out, iop_error *err) {
  (void)err;
  if (e->delay_ns > 0)
    snprintf(e->delay_text, sizeof e->delay_text, "%llu us",
             (unsigned long long)(e->delay_ns / 1000u));
  else
    snprintf(e->delay_text, sizeof e->delay_text, "none");
  e->setting.name = "delay";
  e->setting.value = e->delay_text;
  out->settings = &e->setting;
  out->num_settings = 1;
  out->caps = null_desc.caps;
  if (e->delay_ns == 0) out->caps &= ~IOP_CAP_ASYNC;
  return 0;
}

/* ------------------------------------------------------------------------ */
/* Descriptor and entry                                                      */
/* ------------------------------------------------------------------------ */

static const iop_engine_desc null_desc = {
    .struct_size = sizeof(iop_engine_desc),
    .abi_major = IOP_ABI_MAJOR,
    .abi_minor = IOP_ABI_MINOR,
    .min_host_abi_minor = 0,
    .reserved0 = 0,
    .reserved1 = 0,
    .name = NULL_ENGINE_NAME,
    .version = "2.0.0",
    .description = "no IO: completes every IO at once or after delay-us; measures host overhead",
    .caps = IOP_CAP_ASYNC | IOP_CAP_BATCH_SUBMIT | IOP_CAP_FSYNC | IOP_CAP_FDATASYNC |
            IOP_CAP_TRIM | IOP_CAP_DIRECT | IOP_CAP_REPORT,
    .required_caps = IOP_REQ_DISKLESS,
    .max_queue_depth = NULL_MAX_QUEUE_DEPTH,
    .min_buf_align = 0,
    .io_priv_size = 0,
    .num_options = NUM_OPTIONS,
    .options = null_options,
    .create = null_create,
    .destroy = null_destroy,
    .open_file = null_open_file,
    .close_file = null_close_file,
    .register_buffers = NULL,
    .submit = null_submit,
    .reap = null_reap,
    .report = null_report,
};

IOP_EXPORT int32_t iopulse_engine_entry(const iop_host_info *host, const iop_engine_desc **out) {
  if (out == NULL) return -EINVAL;
  int32_t rc = iop_check_host(host);
  if (rc != 0) return rc;
  *out = &null_desc;
  return 0;
}
