/* SPDX-License-Identifier: MIT
 * SPDX-FileCopyrightText: 2026 The IOPulse authors */
/*
 * pread_loop -- the syscall ceiling for 4 KiB random reads on this machine.
 *
 * A bare C loop: pread() of BS bytes at uniformly random, BS-aligned offsets
 * of FILE, one at a time, for SECONDS.  No latency histogram, no engine ABI,
 * nothing but the system call, so its IOPS is what no load generator doing
 * pread at QD 1 on one thread can beat.  With "timed" it also reads
 * CLOCK_MONOTONIC before and after every pread (what a tool that measures
 * per-IO latency needs at least), which shows what the two clock reads cost.
 * With "tsc" it reads the TSC instead (rdtsc, unfenced: the clock IOPulse
 * reads where the CPU has an invariant TSC) and counts each difference into
 * a log2 histogram: the ceiling for a tool that measures each IO's latency.
 *
 *   cc -O2 -o /tmp/pread_loop bench/pread_loop.c
 *   cat /tmp/iopulse-bench/cached.dat > /dev/null     # warm the page cache
 *   /tmp/pread_loop /tmp/iopulse-bench/cached.dat 3 [bare|timed|tsc] [BS]
 *
 * Prints IOPS, ns per IO and CPU seconds (user, system) per million IOs.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bare_loop.h"

#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#endif

/* The clock of tsc mode: the TSC where there is one, else CLOCK_MONOTONIC. */
static inline uint64_t ticks(void) {
#if defined(__x86_64__) || defined(__i386__)
  return __rdtsc();
#else
  return now_ns();
#endif
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: %s FILE SECONDS [bare|timed|tsc] [BLOCK_SIZE]\n", argv[0]);
    return 2;
  }
  const double seconds = atof(argv[2]);
  const char *mode = argc > 3 ? argv[3] : "bare";
  const int timed = strcmp(mode, "timed") == 0;
  const int tsc = strcmp(mode, "tsc") == 0;
  if (!timed && !tsc && strcmp(mode, "bare") != 0) {
    fprintf(stderr, "mode '%s' is not accepted; accepted: bare, timed, tsc\n", mode);
    return 2;
  }
  const size_t bs = argc > 4 ? (size_t)strtoull(argv[4], NULL, 0) : 4096;
  int fd;
  const uint64_t blocks = open_blocks(argv[1], 0, bs, &fd);
  void *buf = aligned_alloc(4096, (bs + 4095) / 4096 * 4096);
  if (buf == NULL) return 1;

  uint64_t histogram[64] = {0}; /* tsc mode: IOs by floor(log2(ticks)) */
  uint64_t ticks_sum = 0;
  const double u0 = cpu_s(0), s0 = cpu_s(1);
  const uint64_t ticks0 = ticks();
  const uint64_t start = now_ns();
  const uint64_t deadline = start + (uint64_t)(seconds * 1e9);
  uint64_t ios = 0, lat_sum = 0, end = start;
  for (;;) {
    /* Check the clock every 256 IOs in bare mode; every IO when timed. */
    for (int i = 0; i < 256; i++) {
      const off_t off = (off_t)((rng_next() % blocks) * bs);
      if (timed) {
        const uint64_t t0 = now_ns();
        if (pread(fd, buf, bs, off) != (ssize_t)bs) goto fail;
        end = now_ns();
        lat_sum += end - t0;
      } else if (tsc) {
        const uint64_t t0 = ticks();
        if (pread(fd, buf, bs, off) != (ssize_t)bs) goto fail;
        const uint64_t t = ticks() - t0;
        ticks_sum += t;
        histogram[63 - __builtin_clzll(t | 1)]++;
      } else if (pread(fd, buf, bs, off) != (ssize_t)bs) {
        goto fail;
      }
    }
    ios += 256;
    if (!timed) end = now_ns();
    if (end >= deadline) break;
  }
  const uint64_t ticks1 = ticks();
  const double elapsed = (end - start) / 1e9;
  const double us = cpu_s(0) - u0, sy = cpu_s(1) - s0;
  printf("%s: %llu IOs in %.3f s: %.0f IOPS, %.1f ns/IO, CPU s per M IO: user %.3f system %.3f",
         mode, (unsigned long long)ios, elapsed, ios / elapsed,
         elapsed * 1e9 / ios, us / (ios / 1e6), sy / (ios / 1e6));
  if (timed) printf(", mean latency %.1f ns", (double)lat_sum / ios);
  if (tsc) {
    /* Ticks to nanoseconds over the whole run, against CLOCK_MONOTONIC. */
    const double ns_per_tick = (double)(end - start) / (double)(ticks1 - ticks0);
    uint64_t seen = 0;
    int median = 0;
    while (median < 63 && (seen += histogram[median]) * 2 < ios) median++;
    printf(", mean latency %.1f ns, median %.0f-%.0f ns", ticks_sum * ns_per_tick / ios,
           (double)(1ull << median) * ns_per_tick, (double)(1ull << median) * 2.0 * ns_per_tick);
  }
  printf("\n");
  return 0;

fail:
  perror("pread");
  return 1;
}
