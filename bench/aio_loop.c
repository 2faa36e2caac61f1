/* SPDX-License-Identifier: MIT
 * SPDX-FileCopyrightText: 2026 The IOPulse authors */
/*
 * aio_loop -- the libaio ceiling for random reads at a queue depth.
 *
 * A bare C loop over Linux kernel AIO (the io_setup, io_submit and
 * io_getevents system calls, made directly as IOPulse's libaio engine makes
 * them; <linux/aio_abi.h>, no library): QD reads of BS bytes at uniformly random,
 * BS-aligned offsets of FILE kept in flight for SECONDS.  Each turn waits
 * in io_getevents() for at least one completion and takes every one there
 * is, prepares a new read for each and submits them all in one
 * io_submit().  (Without O_DIRECT Linux performs the read inside
 * io_submit(), so the completions are there when it returns.)  No clock
 * read per IO, no latency, no engine ABI, so its IOPS is what no load
 * generator using libaio on one thread at this depth can beat.
 *
 *   cc -O2 -o /tmp/aio_loop bench/aio_loop.c
 *   /tmp/aio_loop /tmp/iopulse-bench/cached.dat 3 [QD] [cached|direct] [BS]
 *
 * Prints IOPS, ns per IO and CPU seconds (user, system) per million IOs, as
 * uring_loop does.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/aio_abi.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "bare_loop.h"

static long io_setup(unsigned nr, aio_context_t *ctx) { return syscall(SYS_io_setup, nr, ctx); }
static long io_destroy(aio_context_t ctx) { return syscall(SYS_io_destroy, ctx); }
static long io_submit(aio_context_t ctx, long n, struct iocb **iocbs) { return syscall(SYS_io_submit, ctx, n, iocbs); }
static long io_getevents(aio_context_t ctx, long min, long max, struct io_event *events) {
  return syscall(SYS_io_getevents, ctx, min, max, events, NULL);
}

static void prep_read(struct iocb *cb, int fd, void *buf, size_t len, uint64_t offset) {
  void *const data = cb->aio_data != 0 ? (void *)(uintptr_t)cb->aio_data : cb;
  memset(cb, 0, sizeof(*cb));
  cb->aio_data = (uint64_t)(uintptr_t)data;
  cb->aio_lio_opcode = IOCB_CMD_PREAD;
  cb->aio_fildes = (uint32_t)fd;
  cb->aio_buf = (uint64_t)(uintptr_t)buf;
  cb->aio_nbytes = len;
  cb->aio_offset = (int64_t)offset;
}

int main(int argc, char **argv) {
  struct queue_loop q;
  queue_loop_setup(argc, argv, &q);
  const double seconds = q.seconds;
  const unsigned qd = q.qd;
  const char *mode = q.mode;
  const size_t bs = q.bs, stride = q.stride;
  const int fd = q.fd;
  const uint64_t blocks = q.blocks;
  unsigned char *bufs = q.bufs;
  struct iocb *iocbs = calloc(qd, sizeof(struct iocb));
  struct iocb **batch = calloc(qd, sizeof(struct iocb *));
  struct io_event *events = calloc(qd, sizeof(struct io_event));
  if (iocbs == NULL || batch == NULL || events == NULL) return 1;

  aio_context_t ctx = 0;
  long rc = io_setup(qd, &ctx);
  if (rc < 0) {
    perror("io_setup");
    return 1;
  }
  /* Slot i's iocb is iocbs[i] (its aio_data points at it), its buffer
   * bufs + i * stride. */
  for (unsigned i = 0; i < qd; i++) {
    prep_read(&iocbs[i], fd, bufs + i * stride, bs, (rng_next() % blocks) * bs);
    batch[i] = &iocbs[i];
  }
  const double u0 = cpu_s(0), s0 = cpu_s(1);
  const uint64_t start = now_ns();
  const uint64_t deadline = start + (uint64_t)(seconds * 1e9);
  uint64_t ios = 0, end = start, checked = 0;
  long pending = (long)qd;  /* iocbs in batch[] to submit */
  for (;;) {
    for (long done = 0; done < pending;) {
      rc = io_submit(ctx, pending - done, batch + done);
      if (rc < 0) {
        perror("io_submit");
        return 1;
      }
      done += rc;
    }
    rc = io_getevents(ctx, 1, (long)qd, events);
    if (rc < 0) {
      if (errno == EINTR) {
        pending = 0;
        continue;
      }
      perror("io_getevents");
      return 1;
    }
    for (long e = 0; e < rc; e++) {
      if (events[e].res != (int64_t)bs) {
        fprintf(stderr, "read: %s\n", events[e].res < 0 ? strerror((int)-events[e].res) : "short read");
        return 1;
      }
      struct iocb *cb = (struct iocb *)(uintptr_t)events[e].data;
      prep_read(cb, fd, (void *)(uintptr_t)cb->aio_buf, bs, (rng_next() % blocks) * bs);
      batch[e] = cb;
    }
    pending = rc;
    ios += (uint64_t)rc;
    /* The clock every 256 completions or so. */
    if (ios - checked >= 256) {
      checked = ios;
      end = now_ns();
      if (end >= deadline) break;
    }
  }
  const double elapsed = (end - start) / 1e9;
  const double us = cpu_s(0) - u0, sy = cpu_s(1) - s0;
  printf("%s QD %u: %llu IOs in %.3f s: %.0f IOPS, %.1f ns/IO, CPU s per M IO: user %.3f system %.3f\n", mode, qd,
         (unsigned long long)ios, elapsed, ios / elapsed, elapsed * 1e9 / ios, us / (ios / 1e6), sy / (ios / 1e6));
  io_destroy(ctx);
  return 0;
}
