/* SPDX-License-Identifier: MIT
 * SPDX-FileCopyrightText: 2026 The IOPulse authors */
/*
 * mmap_loop -- the memory ceiling for 4 KiB random reads through a mapping.
 *
 * A bare C loop: memcpy() of BS bytes from uniformly random, BS-aligned
 * offsets of a shared read-only mapping of FILE into one buffer, for
 * SECONDS.  No clock read per IO, no latency, no engine ABI, so its IOPS is
 * what no load generator copying from a mapping on one thread can beat.
 *
 * Modes:
 *   plain     one copy after the other; the CPU may still start the next
 *             copy's loads while the last one finishes (nothing between them)
 *   prefetch  also prefetches the first line of the next block before each
 *             copy (what the mmap engine does for queued IOs)
 *   fenced    an lfence after every copy: no overlap between copies, which
 *             is what one IO at a time with a clock read and bookkeeping
 *             between copies comes close to
 *   tsc       reads the TSC (rdtsc, unfenced, the clock IOPulse reads) before
 *             and after every copy and counts the difference into a log2
 *             histogram: the least a tool that measures each IO's latency has
 *             to add to the plain loop, so the ceiling for such a tool
 *   tsc-once  reads the TSC once per copy, after it, and counts the time
 *             from the read before (the last copy's end, so its own
 *             bookkeeping too): what one clock read per IO costs, against
 *             two; where the CPU does not run a copy's loads past an rdtsc,
 *             one read already takes away the copies' overlap
 *
 * First touch (the last argument):
 *   prefault  before the clock starts, read one byte of every page of the
 *             mapping that is in the page cache (what the mmap engine does by
 *             default), so the loop measures copies through an established
 *             mapping
 *   touch     (the default) no such pass: the loop's first copy from each
 *             page takes its page fault (fio's mmap engine and `--mmap.prefault=0`)
 *
 * A sibling (the optional last argument, a period in milliseconds): a second
 * thread of the process that sleeps that long, wakes and sleeps again while
 * the loop runs; 0 (the default) starts no such thread.  It does nothing
 * else: it shows what a thread of the process waking on another CPU costs
 * the copies (docs/performance.md, "A sibling thread's wake-up").  With
 * IOPULSE_MMAP_LOOP_TRACE=1 in the environment the loop also prints its IOPS
 * per 100 ms on stderr.
 *
 *   cc -O2 -pthread -o /tmp/mmap_loop bench/mmap_loop.c
 *   cat /tmp/iopulse-bench/cached.dat > /dev/null     # warm the page cache
 *   /tmp/mmap_loop /tmp/iopulse-bench/cached.dat 3 [plain|prefetch|fenced|tsc|tsc-once] [BS] [touch|prefault] [SIBLING_MS]
 *
 * Prints IOPS, ns per IO and CPU seconds (user + system) per million IOs;
 * in tsc mode also the mean and median copy time (the median to within its
 * log2 bucket).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bare_loop.h"

#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#endif

/* Through a pointer the compiler cannot see through, so the copy is glibc's
 * memcpy (as in the engine) rather than an inlined string instruction. */
static void *(*volatile copy)(void *, const void *, size_t) = memcpy;

/* The clock of tsc mode: the TSC where there is one (as IOPulse's calibrated
 * clock), else CLOCK_MONOTONIC in nanoseconds. */
static inline uint64_t ticks(void) {
#if defined(__x86_64__) || defined(__i386__)
  return __rdtsc();
#else
  return now_ns();
#endif
}

static struct timespec sibling_period;

/* The sibling: sleeps, wakes, sleeps again, for as long as the process runs. */
static void *sibling(void *arg) {
  (void)arg;
  for (;;) nanosleep(&sibling_period, NULL);
  return NULL;
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: %s FILE SECONDS [plain|prefetch|fenced|tsc|tsc-once] [BLOCK_SIZE] [touch|prefault] [SIBLING_MS]\n",
            argv[0]);
    return 2;
  }
  const double seconds = atof(argv[2]);
  const char *mode = argc > 3 ? argv[3] : "plain";
  const int prefetch = strcmp(mode, "prefetch") == 0;
  const int fenced = strcmp(mode, "fenced") == 0;
  const int once = strcmp(mode, "tsc-once") == 0;
  const int timed = once || strcmp(mode, "tsc") == 0;
  if (!prefetch && !fenced && !timed && strcmp(mode, "plain") != 0) {
    fprintf(stderr, "mode '%s' is not accepted; accepted: plain, prefetch, fenced, tsc, tsc-once\n", mode);
    return 2;
  }
  const size_t bs = argc > 4 ? (size_t)strtoull(argv[4], NULL, 0) : 4096;
  const char *touch = argc > 5 ? argv[5] : "touch";
  const int prefault = strcmp(touch, "prefault") == 0;
  if (!prefault && strcmp(touch, "touch") != 0) {
    fprintf(stderr, "first-touch mode '%s' is not accepted; accepted: touch, prefault\n", touch);
    return 2;
  }
  const long sibling_ms = argc > 6 ? atol(argv[6]) : 0;
  if (sibling_ms < 0) {
    fprintf(stderr, "sibling period '%s' is not accepted; accepted: milliseconds >= 0\n", argv[6]);
    return 2;
  }
  const int trace = getenv("IOPULSE_MMAP_LOOP_TRACE") != NULL;
  const int fd = open(argv[1], O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    perror(argv[1]);
    return 1;
  }
  struct stat st;
  if (fstat(fd, &st) != 0 || (uint64_t)st.st_size < bs || bs == 0) {
    fprintf(stderr, "%s: smaller than one block\n", argv[1]);
    return 1;
  }
  const uint64_t blocks = (uint64_t)st.st_size / bs;
  const unsigned char *map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED, fd, 0);
  if (map == MAP_FAILED) {
    perror("mmap");
    return 1;
  }
  unsigned char *buf = aligned_alloc(4096, (bs + 4095) / 4096 * 4096);
  if (buf == NULL) return 1;
  if (prefault) {
    const size_t page = (size_t)sysconf(_SC_PAGESIZE);
    const size_t pages = ((size_t)st.st_size + page - 1) / page;
    unsigned char *resident = malloc(pages);
    if (resident == NULL || mincore((void *)map, (size_t)st.st_size, resident) != 0) {
      perror("mincore");
      return 1;
    }
    volatile unsigned char sink = 0;
    for (size_t i = 0; i < pages; i++) {
      if (resident[i] & 1) sink += map[i * page];
    }
    free(resident);
  }

  if (sibling_ms > 0) {
    sibling_period.tv_sec = sibling_ms / 1000;
    sibling_period.tv_nsec = (sibling_ms % 1000) * 1000000L;
    pthread_t thread;
    if (pthread_create(&thread, NULL, sibling, NULL) != 0) {
      fprintf(stderr, "cannot start the sibling thread\n");
      return 1;
    }
  }

  uint64_t histogram[64] = {0}; /* tsc mode: copies by floor(log2(ticks)) */
  uint64_t ticks_sum = 0;
  const double cpu0 = (cpu_s(0) + cpu_s(1));
  const uint64_t ticks0 = ticks();
  const uint64_t start = now_ns();
  const uint64_t deadline = start + (uint64_t)(seconds * 1e9);
  uint64_t ios = 0, end = start;
  uint64_t next = (rng_next() % blocks) * bs;
  for (;;) {
    for (int i = 0; i < 256; i++) {
      const uint64_t off = next;
      next = (rng_next() % blocks) * bs;
      if (prefetch) __builtin_prefetch(map + next, 0, 3);
      if (once) {
        static uint64_t last;
        if (last == 0) last = ticks();
        copy(buf, map + off, bs);
        const uint64_t t1 = ticks();
        const uint64_t t = t1 - last;
        last = t1;
        ticks_sum += t;
        histogram[63 - __builtin_clzll(t | 1)]++;
        continue;
      }
      if (timed) {
        const uint64_t t0 = ticks();
        copy(buf, map + off, bs);
        const uint64_t t = ticks() - t0;
        ticks_sum += t;
        histogram[63 - __builtin_clzll(t | 1)]++;
        continue;
      }
      copy(buf, map + off, bs);
#if defined(__x86_64__) || defined(__i386__)
      if (fenced) __asm__ volatile("lfence" ::: "memory");
#endif
    }
    ios += 256;
    end = now_ns();
    if (trace) {
      static uint64_t mark, mark_ios;
      if (mark == 0) mark = start;
      if (end - mark >= 100000000u) {
        fprintf(stderr, "%.1f s: %.2f M IOPS\n", (end - start) / 1e9, (ios - mark_ios) / ((end - mark) / 1e9) / 1e6);
        mark = end;
        mark_ios = ios;
      }
    }
    if (end >= deadline) break;
  }
  const uint64_t ticks1 = ticks();
  const double elapsed = (end - start) / 1e9;
  const double cpu = (cpu_s(0) + cpu_s(1)) - cpu0;
  printf("%s %s: %llu IOs in %.3f s: %.0f IOPS, %.1f ns/IO, CPU s per M IO: %.3f", mode, touch,
         (unsigned long long)ios, elapsed, ios / elapsed, elapsed * 1e9 / ios, cpu / (ios / 1e6));
  if (timed) {
    /* Ticks to nanoseconds over the whole run, against CLOCK_MONOTONIC. */
    const double ns_per_tick = (double)(end - start) / (double)(ticks1 - ticks0);
    uint64_t seen = 0;
    int median = 0;
    while (median < 63 && (seen += histogram[median]) * 2 < ios) median++;
    printf(", copy mean %.1f ns, median %.0f-%.0f ns", ticks_sum * ns_per_tick / ios,
           (double)(1ull << median) * ns_per_tick, (double)(1ull << median) * 2.0 * ns_per_tick);
  }
  printf("\n");
  return 0;
}
