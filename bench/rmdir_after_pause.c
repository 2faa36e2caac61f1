// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
//
// What a pause between two metadata phases costs the next phase's first
// operation.  Builds the tree of compare_mdtest.py's default shape (a top
// directory with BRANCHING subdirectories, ITEMS item directories in each of
// them), removes the item directories, then removes the tree, deepest first,
// timing each rmdir on its own:
//
//   none   the tree removal follows the last item removal at once (mdtest
//          with one rank: its tree removal comes straight after its
//          directory removal, in the same thread, with no barrier wait)
//   sleep  after a sleep of PAUSE_US (a tool whose phases are separated by
//          reporting, record writing and a new worker thread, as IOPulse's)
//   warm   the same sleep, then one mkdir + rmdir of a scratch directory
//          before the timed removals (what brings the first rmdir back)
//   faults no pause, but 171 fresh anonymous pages (~700 KB) written, one
//          byte each, before the removals: the page faults a worker took
//          there when it copied its last interval's histograms into fresh
//          memory (docs/performance.md, "The phase boundary's page faults")
//   touch  no pause, the same 171 pages written again, already faulted in
//          (the same footprint without the faults)
//
// Build: cc -O2 -o rmdir_after_pause bench/rmdir_after_pause.c
// Run:   ./rmdir_after_pause /dev/shm/some-empty-dir [ITEMS [BRANCHING [PAUSE_US [REPS]]]]
// Prints, per mode, the median over REPS of each rmdir's time and of the
// whole removal.  Standard C and POSIX only.

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

enum { kMaxDirs = 64, kMaxReps = 101, kModes = 5, kPages = 171 };

static char* g_touched;  // kPages pages, faulted in once (mode "touch")

static long long now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1000000000LL + t.tv_nsec;
}

static int cmp_ll(const void* a, const void* b) {
  const long long x = *(const long long*)a, y = *(const long long*)b;
  return (x > y) - (x < y);
}

static void must(int ok, const char* what, const char* path) {
  if (!ok) {
    fprintf(stderr, "rmdir_after_pause: %s '%s': %s\n", what, path, strerror(errno));
    exit(1);
  }
}

// One round: build, remove the items, pause as `mode` says, time the tree's
// removal into t[0..dirs] (t[dirs] is the whole removal).
static void round_once(int dfd, int items, int branching, int mode, long pause_us, long long* t) {
  char dir[kMaxDirs][32], path[sizeof dir + 16];
  const int dirs = branching + 1;
  snprintf(dir[0], sizeof dir[0], "md.0");
  for (int k = 0; k < branching; ++k) snprintf(dir[k + 1], sizeof dir[k + 1], "md.0/dir.%d", k);
  for (int d = 0; d < dirs; ++d) must(mkdirat(dfd, dir[d], 0755) == 0, "mkdir", dir[d]);
  for (int d = 0; d < dirs; ++d) {
    for (int i = 0; i < items; ++i) {
      snprintf(path, sizeof path, "%s/d.%d", dir[d], d * items + i);
      must(mkdirat(dfd, path, 0755) == 0, "mkdir", path);
    }
  }
  for (int d = 0; d < dirs; ++d) {
    for (int i = 0; i < items; ++i) {
      snprintf(path, sizeof path, "%s/d.%d", dir[d], d * items + i);
      must(unlinkat(dfd, path, AT_REMOVEDIR) == 0, "rmdir", path);
    }
  }
  char* fresh = NULL;
  if (mode == 1 || mode == 2) usleep((useconds_t)pause_us);
  if (mode == 3) {
    fresh = mmap(NULL, (size_t)kPages * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    must(fresh != MAP_FAILED, "mmap", "(anonymous)");
    for (int i = 0; i < kPages; ++i) ((volatile char*)fresh)[(size_t)i * 4096] = 1;
  }
  if (mode == 4) {
    for (int i = 0; i < kPages; ++i) ((volatile char*)g_touched)[(size_t)i * 4096] += 1;
  }
  if (mode == 2) {
    must(mkdirat(dfd, "scratch", 0755) == 0, "mkdir", "scratch");
    must(unlinkat(dfd, "scratch", AT_REMOVEDIR) == 0, "rmdir", "scratch");
  }
  const long long start = now_ns();
  long long last = start;
  for (int s = 0; s < dirs; ++s) {
    const char* victim = dir[dirs - 1 - s];  // deepest first, the top last
    must(unlinkat(dfd, victim, AT_REMOVEDIR) == 0, "rmdir", victim);
    const long long t_now = now_ns();
    t[s] = t_now - last;
    last = t_now;
  }
  t[dirs] = last - start;
  if (fresh != NULL) munmap(fresh, (size_t)kPages * 4096);
}

int main(int argc, char** argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: rmdir_after_pause EMPTY_DIR [ITEMS [BRANCHING [PAUSE_US [REPS]]]]\n");
    return 2;
  }
  const int items = argc > 2 ? atoi(argv[2]) : 1000;
  const int branching = argc > 3 ? atoi(argv[3]) : 5;
  const long pause_us = argc > 4 ? atol(argv[4]) : 20000;
  const int reps = argc > 5 ? atoi(argv[5]) : 9;
  if (items < 0 || branching < 1 || branching + 1 >= kMaxDirs || pause_us < 0 || reps < 1 || reps > kMaxReps) {
    fprintf(stderr, "rmdir_after_pause: ITEMS >= 0, 1 <= BRANCHING < %d, PAUSE_US >= 0, 1 <= REPS <= %d\n",
            kMaxDirs - 1, kMaxReps);
    return 2;
  }
  const int dfd = open(argv[1], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  must(dfd >= 0, "open", argv[1]);
  const int dirs = branching + 1;
  static const char* const kModeNames[kModes] = {"none", "sleep", "warm", "faults", "touch"};
  g_touched = mmap(NULL, (size_t)kPages * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  must(g_touched != MAP_FAILED, "mmap", "(anonymous)");
  memset(g_touched, 1, (size_t)kPages * 4096);
  printf("%d directories of %d item directories; pause %ld us; median of %d rounds (us)\n", dirs, items,
         pause_us, reps);
  static long long t[kModes][kMaxReps][kMaxDirs + 1];
  for (int r = 0; r < reps; ++r) {
    for (int m = 0; m < kModes; ++m) round_once(dfd, items, branching, m, pause_us, t[m][r]);  // interleaved
  }
  for (int m = 0; m < kModes; ++m) {
    printf("%-6s", kModeNames[m]);
    for (int s = 0; s <= dirs; ++s) {
      long long col[kMaxReps];
      for (int r = 0; r < reps; ++r) col[r] = t[m][r][s];
      qsort(col, (size_t)reps, sizeof col[0], cmp_ll);
      printf(s == dirs ? "  total %6.1f" : " %6.1f", (double)col[reps / 2] / 1000.0);
    }
    printf("\n");
  }
  return 0;
}
