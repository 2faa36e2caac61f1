/* SPDX-License-Identifier: MIT
 * SPDX-FileCopyrightText: 2026 The IOPulse authors */
/*
 * bare_loop.h -- what the bare loops of bench/ (pread_loop, mmap_loop,
 * uring_loop, aio_loop) share: the clock, the process's CPU time and the
 * generator of uniformly random offsets.  Each loop is still one C file,
 * compiled alone (`cc -O2 bench/NAME.c`), this header beside it.
 */
#ifndef IOPULSE_BENCH_BARE_LOOP_H_
#define IOPULSE_BENCH_BARE_LOOP_H_

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>

/* CLOCK_MONOTONIC in nanoseconds. */
static inline uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* The process's CPU seconds so far: user (0) or system (1). */
static inline double cpu_s(int which) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  const struct timeval *tv = which == 0 ? &ru.ru_utime : &ru.ru_stime;
  return (double)tv->tv_sec + tv->tv_usec / 1e6;
}

/* xorshift64*: fast and good enough to spread offsets uniformly; every loop
 * starts from the same state, so they draw the same offsets. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;
static inline uint64_t rng_next(void) {
  rng_state ^= rng_state >> 12;
  rng_state ^= rng_state << 25;
  rng_state ^= rng_state >> 27;
  return rng_state * 0x2545f4914f6cdd1dULL;
}

/* Opens `path` (O_RDONLY | O_CLOEXEC | `flags`) into *fd and returns how
 * many whole blocks of `bs` bytes it holds; exits 1, saying why, when it
 * cannot be opened or holds none. */
static inline uint64_t open_blocks(const char *path, int flags, size_t bs, int *fd) {
  *fd = open(path, O_RDONLY | O_CLOEXEC | flags);
  if (*fd < 0) {
    perror(path);
    exit(1);
  }
  struct stat st;
  if (fstat(*fd, &st) != 0 || (uint64_t)st.st_size < bs) {
    fprintf(stderr, "%s: smaller than one block\n", path);
    exit(1);
  }
  return (uint64_t)st.st_size / bs;
}

/* The queue loops' (uring_loop, aio_loop) command line:
 * FILE SECONDS [QD] [cached|direct] [BLOCK_SIZE], the file opened, QD
 * page-aligned buffers of `stride` bytes each at `bufs`, zeroed. */
struct queue_loop {
  double seconds;
  unsigned qd;
  const char *mode;
  int direct;
  size_t bs, stride;
  int fd;
  uint64_t blocks;
  unsigned char *bufs;
};

/* Fills *q from argv; exits 2 on a bad command line, 1 on a failure. */
static inline void queue_loop_setup(int argc, char **argv, struct queue_loop *q) {
  if (argc < 3) {
    fprintf(stderr, "usage: %s FILE SECONDS [QD] [cached|direct] [BLOCK_SIZE]\n", argv[0]);
    exit(2);
  }
  q->seconds = atof(argv[2]);
  q->qd = argc > 3 ? (unsigned)atoi(argv[3]) : 32;
  q->mode = argc > 4 ? argv[4] : "cached";
  q->bs = argc > 5 ? (size_t)strtoull(argv[5], NULL, 0) : 4096;
  q->direct = strcmp(q->mode, "direct") == 0;
  if (q->qd < 1 || q->qd > 4096 || (!q->direct && strcmp(q->mode, "cached") != 0) || q->bs == 0) {
    fprintf(stderr, "QD must be 1..4096 and the mode cached or direct\n");
    exit(2);
  }
  q->blocks = open_blocks(argv[1], q->direct ? O_DIRECT : 0, q->bs, &q->fd);
  q->stride = (q->bs + 4095) / 4096 * 4096;
  q->bufs = aligned_alloc(4096, q->stride * q->qd);
  if (q->bufs == NULL) exit(1);
  memset(q->bufs, 0, q->stride * q->qd);
}

#endif /* IOPULSE_BENCH_BARE_LOOP_H_ */
