/* SPDX-License-Identifier: MIT
 * SPDX-FileCopyrightText: 2026 The IOPulse authors */
/*
 * uring_loop -- the io_uring ceiling for random reads at a queue depth.
 *
 * A bare C loop over liburing: QD reads of BS bytes at uniformly random,
 * BS-aligned offsets of FILE kept in flight for SECONDS.  Each turn submits
 * the reads prepared since the last one and waits for at least one
 * completion in the same io_uring_enter() call, then takes every completion
 * there is and prepares a new read for each.  No clock read per IO, no
 * latency, no engine ABI, so its IOPS is what no load generator using
 * io_uring on one thread at this depth can beat.
 *
 *   cc -O2 -o /tmp/uring_loop bench/uring_loop.c -luring
 *   /tmp/uring_loop /tmp/iopulse-bench/cached.dat 3 [QD] [cached|direct] [BS]
 *
 * Prints IOPS, ns per IO and CPU seconds (user, system) per million IOs.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <liburing.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bare_loop.h"

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

  struct io_uring ring;
  int rc = io_uring_queue_init(qd, &ring, 0);
  if (rc < 0) {
    fprintf(stderr, "io_uring_queue_init: %s\n", strerror(-rc));
    return 1;
  }
  /* Slot i's buffer is bufs + i * stride; user_data is the slot. */
  for (unsigned i = 0; i < qd; i++) {
    struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
    io_uring_prep_read(sqe, fd, bufs + i * stride, (unsigned)bs, (rng_next() % blocks) * bs);
    sqe->user_data = i;
  }

  const double u0 = cpu_s(0), s0 = cpu_s(1);
  const uint64_t start = now_ns();
  const uint64_t deadline = start + (uint64_t)(seconds * 1e9);
  uint64_t ios = 0, end = start, checked = 0;
  for (;;) {
    rc = io_uring_submit_and_wait(&ring, 1);
    if (rc < 0 && rc != -EINTR) {
      fprintf(stderr, "io_uring_submit_and_wait: %s\n", strerror(-rc));
      return 1;
    }
    struct io_uring_cqe *cqe;
    unsigned head, seen = 0;
    io_uring_for_each_cqe(&ring, head, cqe) {
      if (cqe->res != (int)bs) {
        fprintf(stderr, "read: %s\n", cqe->res < 0 ? strerror(-cqe->res) : "short read");
        return 1;
      }
      const unsigned slot = (unsigned)cqe->user_data;
      struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
      io_uring_prep_read(sqe, fd, bufs + slot * stride, (unsigned)bs, (rng_next() % blocks) * bs);
      sqe->user_data = slot;
      seen++;
    }
    io_uring_cq_advance(&ring, seen);
    ios += seen;
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
  io_uring_queue_exit(&ring);
  return 0;
}
