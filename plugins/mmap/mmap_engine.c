/* SPDX-License-Identifier: MIT
 * SPDX-FileCopyrightText: 2026 The IOPulse authors */
/*
 * mmap -- IO by memcpy to and from a shared memory mapping of each file.
 *
 * open_file() maps the file the host opened (MAP_SHARED; PROT_READ, plus
 * PROT_WRITE when the job writes) and applies the `madvise` option to the
 * mapping.  A read copies from the mapping into the IO's buffer, a write
 * copies the other way; the page cache is the only thing between the copy and
 * the file, so this engine measures the cost of page-cache access through
 * page faults and TLB misses rather than through read(2)/write(2).  fsync and
 * fdatasync are msync(MS_SYNC) of the whole mapping.  Trim is not supported.
 *
 * Queue depth 1: nothing can overlap, so submit() checks the IO (its file,
 * bounds and op) and does it at once, as a synchronous engine does, keeping
 * its completion in one slot for the next reap().  The host's clock read
 * before submit() and after reap() still brackets the copy.
 *
 * Queue: deeper, submit() checks each IO and queues it
 * with the addresses to copy between or its error; reap() does them, in
 * submission order, one IO per call (or min_wait when the host waits for
 * more), and returns as soon as that IO's copy is done.  So the host's clock read after reap()
 * ends each IO's latency at the end of its own copy: at queue depth 1 the
 * latency is the copy; deeper, it is the wait behind the IOs queued ahead
 * plus the copy, as for a device that serves one IO at a time.  submit()
 * starts the CPU fetching each queued IO's pages (one prefetch per page), so
 * with two or more IOs queued the page walk and first cache miss of the next
 * IO overlap the copy of the current one: about 1.2-1.4x the IOPS of queue
 * depth 1 for 4 KiB random reads of a cached file.  The per-IO path of a
 * read or a write makes no system call, allocates nothing and takes no lock:
 * a bounds check, a prefetch per page and a memcpy.
 *
 * First touch: the first access to each page of a new mapping is a page
 * fault, and under a hypervisor that keeps shadow page tables (PVM, or KVM
 * without EPT/NPT) a second fault in the hypervisor too: several
 * microseconds per page, against a few hundred nanoseconds for a copy from
 * a page already mapped.  Random 4 KiB reads of a 1 GiB file touch each of
 * its 262,144 pages for the first time during a run of a few seconds, so
 * those faults, not the copies, would decide the result.  With the
 * `prefault` option (the default) open_file() reads one byte of every page
 * of the mapping that is in the page cache, before the measured window; the
 * run then measures copies through an established mapping.  Pages not in
 * memory are not touched: their faults read the file and belong to the run.
 * `prefault=0` measures the first touches as fio's mmap engine does.
 *
 * End of file: the mapping covers iop_file_desc.size bytes (the file's own
 * size when the host passes 0), and IO is clamped to the smaller of that and
 * the file's size seen at open_file().  An IO that straddles that end
 * transfers the bytes before it (a short count); one that starts at or past it
 * transfers 0.  Touching a page wholly past end of file would raise SIGBUS,
 * and the clamp keeps that from happening for files whose size is not a
 * multiple of the page size.  It cannot protect against another process
 * truncating the file while it is mapped: a copy from a page that no longer
 * exists still raises SIGBUS.  The engine does not install a signal handler
 * (signal disposition belongs to the host); the iopulse host turns a SIGBUS
 * on a worker into an IO error that stops the run with its results, and
 * makes no further call on the instance but destroy().  A write never
 * extends the file.
 *
 * O_DIRECT: a copy through the page cache cannot bypass it.  The engine does
 * not declare IOP_CAP_DIRECT, create() refuses IOP_CONFIG_DIRECT and
 * open_file() refuses IOP_FILE_DIRECT.
 *
 * C99 plus POSIX, Linux's mmap/madvise flags and a prefetch instruction in
 * inline assembly, built only against iopulse/engine.h and
 * iopulse/engine_helpers.h.
 */
#define _GNU_SOURCE

#include <errno.h>
#include <linux/fs.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "iopulse/engine.h"
#include "iopulse/engine_helpers.h"

#define MMAP_ENGINE_NAME "mmap"
#define MMAP_MAX_QUEUE_DEPTH 4096u /* IOs waiting in the queue */
/* One prefetch per page of an IO's mapped bytes: it starts the page walk and
 * the first line; once the copy starts, the CPU's own prefetcher streams the
 * rest of the page (prefetching every line measured slower). */
#define MMAP_PREFETCH_STRIDE 4096u
#define MMAP_PREFETCH_MAX (1u << 20) /* bytes of one IO prefetched at most */

/* ------------------------------------------------------------------------ */
/* Options                                                                   */
/* ------------------------------------------------------------------------ */

enum { OPT_MADVISE = 0, OPT_POPULATE, OPT_PREFAULT, NUM_OPTIONS };

/* Choice i of `madvise` is applied as madvise_advice[i]. */
static const char *const madvise_choices[] = {
    "normal", "sequential", "random", "willneed", "dontneed", "hugepage", "nohugepage", NULL,
};
static const int madvise_advice[] = {
    MADV_NORMAL,   MADV_SEQUENTIAL, MADV_RANDOM,     MADV_WILLNEED,
    MADV_DONTNEED, MADV_HUGEPAGE,   MADV_NOHUGEPAGE,
};
#define NUM_MADVISE_CHOICES (sizeof madvise_advice / sizeof madvise_advice[0])

static const iop_option_desc mmap_options[NUM_OPTIONS] = {
    [OPT_MADVISE] = {
        .struct_size = sizeof(iop_option_desc),
        .name = "madvise",
        .help = "advice given to the kernel for each mapping when the file is opened "
                "(madvise(2): normal, sequential, random, willneed, dontneed, hugepage, "
                "nohugepage)",
        .type = IOP_OPT_ENUM,
        .default_value = "normal",
        .choices = madvise_choices,
    },
    [OPT_POPULATE] = {
        .struct_size = sizeof(iop_option_desc),
        .name = "populate",
        .help = "map with MAP_POPULATE: fault in every page when the file is opened, so "
                "the run measures copies without first-touch page faults",
        .type = IOP_OPT_BOOL,
        .default_value = "0",
    },
    [OPT_PREFAULT] = {
        .struct_size = sizeof(iop_option_desc),
        .name = "prefault",
        .help = "when the file is opened, read one byte of every page of the mapping that is "
                "already in the page cache, so the run measures copies through the mapping, not "
                "the first touch of each cached page (pages not in memory still fault in the run)",
        .type = IOP_OPT_BOOL,
        .default_value = "1",
    },
};

/* ------------------------------------------------------------------------ */
/* Instance                                                                  */
/* ------------------------------------------------------------------------ */

/* One file handle.  `base` maps `map_len` bytes of the host's descriptor;
 * IO is allowed on [0, limit) with limit <= map_len.  map_len == 0 (an
 * empty file) means no mapping at all: base is NULL and every IO transfers
 * 0.  The record of a free handle is all zero (`open` 0).  The descriptor
 * belongs to the host: the engine never closes it, and does not need it
 * after mmap() (the mapping holds its own reference to the file).  32
 * bytes, so a record never straddles a cache line. */
struct mmap_file {
  unsigned char *base;
  uint64_t map_len;
  uint64_t limit;
  uint32_t open;
  uint32_t writable;
};

/* An accepted IO waiting for reap() to do it, resolved by submit(): what
 * its completion will say and, for a copy, the addresses to copy between.
 * The addresses stay valid until reap() does the copy: the IO's buffer is
 * the host's until the IO is reaped, and a mapping is unmapped only by
 * close_file(), which the host never calls with an IO on the file in
 * flight (engine.h).
 *
 *   kind QUEUED_COPY   memcpy(dst, src, res); res > 0
 *   kind QUEUED_MSYNC  msync(dst, res, MS_SYNC) of the whole mapping, whose
 *                      result becomes res (0 or -errno)
 *   kind QUEUED_DONE   nothing to do: res is the result already (an error,
 *                      or a transfer of 0 bytes) */
enum { QUEUED_COPY = 0, QUEUED_MSYNC, QUEUED_DONE };
struct queued_io {
  uint64_t user_data;
  unsigned char *dst;
  const unsigned char *src;
  int64_t res;
  uint32_t kind;
};

/* Handles whose records live inside the instance; a job with more files
 * per thread moves them all to an array of their own. */
#define MMAP_INLINE_FILES 4

/* One instance per worker thread; nothing here is shared.  One allocation
 * holds everything submit() and reap() touch: the counters, the records of
 * the first MMAP_INLINE_FILES handles and the queue, so an IO reads and
 * writes no engine memory outside it.
 *
 * files points to num_files records, handle h at files[h]: inline_files
 * until open_file() needs more, then an array of the engine's own that
 * only open_file() grows (control plane), so submit() and reap() read it
 * without allocating.
 *
 * Queue depth 1 (queue_depth == 1): submit() does the IO at once and keeps
 * its completion in done_user_data/done_res, done_ready 1 until reap()
 * hands it out; `queue` is not used.
 *
 * Deeper: accepted IOs wait in `queue`, a ring of ring_mask + 1 slots
 * (queue_depth rounded up to a power of two; a slot is `counter &
 * ring_mask`).  `head` and `tail` are free-running: slots [head, tail) hold
 * accepted IOs not yet done, in submission order, and tail - head <=
 * queue_depth always. */
struct iop_engine {
  /* Read on every IO. */
  struct mmap_file *files;
  uint32_t num_files;
  uint32_t queue_depth;
  uint32_t head;
  uint32_t tail;
  uint32_t ring_mask;
  uint32_t done_ready;
  uint64_t done_user_data;
  int64_t done_res;
  struct mmap_file inline_files[MMAP_INLINE_FILES];
  /* Options, read at open_file(). */
  int advice;           /* MADV_* for every mapping */
  int64_t advice_index; /* its index in madvise_choices, for messages */
  int populate;         /* MAP_POPULATE for every mapping */
  int prefault;         /* touch every cached page of every mapping at open */
  struct queued_io queue[]; /* ring_mask + 1 slots (none at queue depth 1) */
};

static const iop_engine_desc mmap_desc;

static void unmap_file(const struct mmap_file *f) {
  if (f->base != NULL) munmap(f->base, (size_t)f->map_len);
}

/* The host closes its files before destroy(); unmapping whatever is left
 * keeps a host that forgot from leaking address space. */
static void mmap_destroy(iop_engine *e) {
  if (e == NULL) return;
  for (uint32_t h = 0; h < e->num_files; h++) {
    if (e->files[h].open) unmap_file(&e->files[h]);
  }
  if (e->files != e->inline_files) free(e->files);
  free(e);
}

static int32_t mmap_create(const iop_engine_config *config, iop_engine **out, iop_error *err) {
  int32_t rc = iop_check_config_size(config, out, err);
  if (rc != 0) return rc;
  if (config->flags & IOP_CONFIG_DIRECT) {
    iop_set_error(err, "mmap cannot do O_DIRECT; drop --direct");
    return -EINVAL;
  }
  rc = iop_check_config_options(config, &mmap_desc, err);
  if (rc != 0) return rc;
  if (config->queue_depth < 1 || config->queue_depth > MMAP_MAX_QUEUE_DEPTH) {
    iop_set_error(err, "queue depth %u is outside 1..%u",
                  (unsigned)config->queue_depth, MMAP_MAX_QUEUE_DEPTH);
    return -EINVAL;
  }
  int64_t choice = config->options[OPT_MADVISE].i;
  if (choice < 0 || (uint64_t)choice >= NUM_MADVISE_CHOICES) {
    iop_set_error(err, "madvise choice %lld is out of range", (long long)choice);
    return -EINVAL;
  }

  uint32_t ring_size = 0;
  if (config->queue_depth > 1) {
    ring_size = 1;
    while (ring_size < config->queue_depth) ring_size <<= 1;
  }

  iop_engine *e = calloc(1, sizeof *e + (size_t)ring_size * sizeof e->queue[0]);
  if (e == NULL) {
    iop_set_error(err, "out of memory for a ring of %u IOs", (unsigned)ring_size);
    return -ENOMEM;
  }
  e->files = e->inline_files;
  e->num_files = MMAP_INLINE_FILES;
  e->ring_mask = ring_size > 0 ? ring_size - 1 : 0;
  e->queue_depth = config->queue_depth;
  e->advice = madvise_advice[choice];
  e->advice_index = choice;
  e->populate = config->options[OPT_POPULATE].i != 0;
  e->prefault = config->options[OPT_PREFAULT].i != 0;
  *out = e;
  return 0;
}

/* For open_file(): the lowest handle that is not open, growing the records
 * (twice as many, moved out of the instance the first time) when all are;
 * or -ENOMEM with *err filled. */
static int32_t lowest_free_handle(iop_engine *e, const char *path, iop_error *err) {
  for (uint32_t h = 0; h < e->num_files; h++) {
    if (!e->files[h].open) return (int32_t)h;
  }
  const uint32_t old_n = e->num_files;
  if (old_n > (uint32_t)INT32_MAX / 2) {
    iop_set_error(err, "%s: out of memory for %u file handles", path, (unsigned)old_n * 2);
    return -ENOMEM;
  }
  const uint32_t n = old_n * 2;
  struct mmap_file *grown = calloc(n, sizeof *grown);
  if (grown == NULL) {
    iop_set_error(err, "%s: out of memory for %u file handles", path, (unsigned)n);
    return -ENOMEM;
  }
  memcpy(grown, e->files, old_n * sizeof *grown);
  if (e->files != e->inline_files) free(e->files);
  e->files = grown;
  e->num_files = n;
  return (int32_t)old_n;
}

/* The size of what fd refers to: st_size for a regular file, the device
 * size for a block device.  Returns 0 or -errno with *err filled. */
static int32_t target_size(int fd, const char *path, uint64_t *size, iop_error *err) {
  struct stat st;
  if (fstat(fd, &st) != 0) {
    int saved = errno;
    iop_set_error(err, "%s: fstat of fd %d failed: %s", path, fd, strerror(saved));
    return -saved;
  }
  if (S_ISREG(st.st_mode)) {
    *size = (uint64_t)st.st_size;
    return 0;
  }
  if (S_ISBLK(st.st_mode)) {
    if (ioctl(fd, BLKGETSIZE64, size) != 0) {
      int saved = errno;
      iop_set_error(err, "%s: BLKGETSIZE64 failed: %s", path, strerror(saved));
      return -saved;
    }
    return 0;
  }
  iop_set_error(err, "%s: the mmap engine maps regular files and block devices only", path);
  return -EINVAL;
}

/* Reads one byte of every page of [base, base + len) that is in the page
 * cache (mincore), a chunk of pages at a time, so that the run's first copy
 * from each of them finds it mapped: the page fault (and, under a
 * hypervisor with shadow page tables, the hypervisor's own fault, several
 * microseconds each) happens here, before the measured window.  Pages that
 * are not in memory are left alone: touching them would read the file, and
 * their faults are real IO the run should see.  Reads only, so a writable
 * mapping is not dirtied.  Returns 0 or -errno. */
#define PREFAULT_CHUNK_PAGES 4096u
static int32_t prefault_cached_pages(const unsigned char *base, uint64_t len) {
  const uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);
  unsigned char resident[PREFAULT_CHUNK_PAGES];
  volatile unsigned char sink = 0;
  for (uint64_t at = 0; at < len; at += page * PREFAULT_CHUNK_PAGES) {
    uint64_t bytes = len - at < page * PREFAULT_CHUNK_PAGES ? len - at : page * PREFAULT_CHUNK_PAGES;
    if (mincore((void *)(base + at), (size_t)bytes, resident) != 0) return -errno;
    const uint64_t pages = (bytes + page - 1) / page;
    for (uint64_t i = 0; i < pages; i++) {
      if (resident[i] & 1) sink += base[at + i * page];
    }
  }
  (void)sink;
  return 0;
}

/* Maps the host's descriptor.  Handles are the lowest free index. */
static int32_t mmap_open_file(iop_engine *e, const iop_file_desc *file, iop_error *err) {
  if (file == NULL || file->struct_size < sizeof(iop_file_desc)) {
    iop_set_error(err, "open_file: missing iop_file_desc or struct_size too small");
    return -EINVAL;
  }
  const char *path = file->path != NULL ? file->path : "(no path)";
  if (file->fd < 0) {
    iop_set_error(err, "%s: the mmap engine needs a descriptor opened by the host", path);
    return -EBADF;
  }
  if (file->flags & IOP_FILE_DIRECT) {
    iop_set_error(err, "%s: mmap cannot do O_DIRECT; drop --direct", path);
    return -EINVAL;
  }

  uint64_t size = 0;
  int32_t rc = target_size(file->fd, path, &size, err);
  if (rc != 0) return rc;

  struct mmap_file f;
  memset(&f, 0, sizeof f);
  f.writable = (file->flags & IOP_FILE_WRITE) != 0;
  f.map_len = file->size != 0 ? file->size : size;
  f.limit = size < f.map_len ? size : f.map_len;
  if ((uint64_t)(size_t)f.map_len != f.map_len) {
    iop_set_error(err, "%s: %llu bytes do not fit in the address space", path,
                  (unsigned long long)f.map_len);
    return -EFBIG;
  }

  if (f.map_len > 0) {
    int prot = PROT_READ | (f.writable ? PROT_WRITE : 0);
    int flags = MAP_SHARED | (e->populate ? MAP_POPULATE : 0);
    void *p = mmap(NULL, (size_t)f.map_len, prot, flags, file->fd, 0);
    if (p == MAP_FAILED) {
      int saved = errno;
      iop_set_error(err, "%s: mmap of %llu bytes (%s) failed: %s%s", path,
                    (unsigned long long)f.map_len, f.writable ? "read-write" : "read-only",
                    strerror(saved),
                    saved == EACCES ? " (the descriptor must be open for reading, and for "
                                      "writing too when the job writes)"
                                    : "");
      return -saved;
    }
    f.base = p;
    if (e->advice != MADV_NORMAL && madvise(p, (size_t)f.map_len, e->advice) != 0) {
      int saved = errno;
      munmap(p, (size_t)f.map_len);
      iop_set_error(err, "%s: madvise=%s refused by the kernel: %s", path,
                    madvise_choices[e->advice_index], strerror(saved));
      return -saved;
    }
    if (e->prefault) {
      rc = prefault_cached_pages(f.base, f.limit);
      if (rc != 0) {
        munmap(p, (size_t)f.map_len);
        iop_set_error(err, "%s: mincore of the mapping failed: %s", path, strerror(-rc));
        return rc;
      }
    }
  }

  int32_t h = lowest_free_handle(e, path, err);
  if (h < 0) {
    unmap_file(&f);
    return h;
  }
  f.open = 1;
  e->files[h] = f;
  return h;
}

/* Unmaps the file; the descriptor stays open, it is the host's to close.
 * munmap() does not write dirty pages back by itself, but they stay in the
 * page cache and reach the file as usual: nothing written is lost. */
static int32_t mmap_close_file(iop_engine *e, int32_t handle, iop_error *err) {
  if (handle < 0 || (uint32_t)handle >= e->num_files || !e->files[handle].open) {
    iop_set_error(err, "close_file: %d is not an open handle", (int)handle);
    return -EBADF;
  }
  unmap_file(&e->files[handle]);
  memset(&e->files[handle], 0, sizeof e->files[handle]);
  return 0;
}

/* ------------------------------------------------------------------------ */
/* Data plane                                                                */
/* ------------------------------------------------------------------------ */

/* Bytes of an IO of `len` at `offset` that lie before f->limit. */
static inline uint64_t clamp_len(const struct mmap_file *f, uint64_t offset, uint32_t len) {
  if (offset >= f->limit) return 0;
  uint64_t left = f->limit - offset;
  return left < len ? left : len;
}

/* The open file behind handle h, or NULL: one compare and one load of the
 * record itself (a negative h is a large unsigned one). */
static inline const struct mmap_file *file_of(const iop_engine *e, int32_t h) {
  const struct mmap_file *f = &e->files[(uint32_t)h < e->num_files ? (uint32_t)h : 0];
  return (uint32_t)h < e->num_files && f->open ? f : NULL;
}

/* Starts fetching the cache line at p into the cache (for writing when
 * `write`).  In asm because the compiler may delete a loop of nothing but
 * __builtin_prefetch as having no effect; a prefetch never faults. */
static inline void prefetch_line(const unsigned char *p, int write) {
#if defined(__x86_64__) || defined(__i386__)
  if (write) {
    __asm__ volatile("prefetchw %0" : : "m"(*p));
  } else {
    __asm__ volatile("prefetcht0 %0" : : "m"(*p));
  }
#elif defined(__aarch64__)
  if (write) {
    __asm__ volatile("prfm pstl1keep, [%0]" : : "r"(p));
  } else {
    __asm__ volatile("prfm pldl1keep, [%0]" : : "r"(p));
  }
#else
  (void)p;
  (void)write;
#endif
}

/* Asks the CPU to start fetching the `n` mapped bytes at p an IO will copy
 * (for a write, to own them), one line per page, so the page walk and the
 * first miss happen while the IOs queued ahead of it are copied. */
static inline void prefetch_mapped(const unsigned char *p, uint64_t n, int write) {
  if (n > MMAP_PREFETCH_MAX) n = MMAP_PREFETCH_MAX;
  for (uint64_t at = 0; at < n; at += MMAP_PREFETCH_STRIDE) prefetch_line(p + at, write);
}

/* Resolves `io` into *q: the file, the bounds and the op are checked here,
 * once, so what does the IO (do_resolved()) only copies.  A bad IO still
 * completes with its error in its place in the order.  `prefetch`: start
 * fetching the mapped bytes (when the IO waits in the queue). */
static inline void resolve(const iop_engine *e, const iop_io *io, struct queued_io *q,
                           int prefetch) {
  q->user_data = io->user_data;
  const struct mmap_file *f = file_of(e, io->file);
  if (f == NULL) {
    q->kind = QUEUED_DONE;
    q->res = -EBADF;
    return;
  }
  uint64_t n;
  switch (io->op) {
    case IOP_OP_READ:
      n = clamp_len(f, io->offset, io->len);
      q->kind = n > 0 ? QUEUED_COPY : QUEUED_DONE;
      q->res = (int64_t)n;
      if (n > 0) {
        q->src = f->base + io->offset;
        q->dst = io->buf;
        if (prefetch) prefetch_mapped(q->src, n, 0);
      }
      return;
    case IOP_OP_WRITE:
      if (!f->writable) { /* as write(2) on a read-only descriptor */
        q->kind = QUEUED_DONE;
        q->res = -EBADF;
        return;
      }
      n = clamp_len(f, io->offset, io->len);
      q->kind = n > 0 ? QUEUED_COPY : QUEUED_DONE;
      q->res = (int64_t)n;
      if (n > 0) {
        q->src = io->buf;
        q->dst = f->base + io->offset;
        if (prefetch) prefetch_mapped(q->dst, n, 1);
      }
      return;
    case IOP_OP_FSYNC:
    case IOP_OP_FDATASYNC:
      /* msync(MS_SYNC) writes the mapping's dirty pages and waits; Linux
       * implements it as a data sync of the range, so fsync and fdatasync are
       * the same here.  An empty file has no mapping and nothing to write. */
      q->kind = f->base != NULL ? QUEUED_MSYNC : QUEUED_DONE;
      q->dst = f->base;
      q->res = f->base != NULL ? (int64_t)f->map_len : 0;
      return;
    case IOP_OP_TRIM:
      q->kind = QUEUED_DONE;
      q->res = -EOPNOTSUPP;
      return;
    default:
      q->kind = QUEUED_DONE;
      q->res = -EINVAL;
      return;
  }
}

/* Does a resolved IO; returns its completion's res. */
static inline int64_t do_resolved(const struct queued_io *q) {
  if (q->kind == QUEUED_COPY) {
    memcpy(q->dst, q->src, (size_t)q->res);
  } else if (q->kind == QUEUED_MSYNC) {
    return msync(q->dst, (size_t)q->res, MS_SYNC) == 0 ? 0 : -errno;
  }
  return q->res;
}

/* Queue depth 1, any IO but a read or write on an open handle that allows
 * it: resolved and done now, its completion kept for reap(). */
__attribute__((noinline)) static int32_t submit_now_other(iop_engine *e, const iop_io *io) {
  struct queued_io q;
  resolve(e, io, &q, 0);
  e->done_res = do_resolved(&q);
  e->done_user_data = q.user_data;
  e->done_ready = 1;
  return 1;
}

/* Deeper queues: queues the IOs, resolved, and starts fetching their data;
 * reap() does them. */
__attribute__((noinline)) static int32_t submit_queued(iop_engine *e, iop_io *const *ios,
                                                       uint32_t n) {
  uint32_t room = e->queue_depth - (e->tail - e->head);
  if (n > room) n = room;
  for (uint32_t i = 0; i < n; i++) resolve(e, ios[i], &e->queue[e->tail++ & e->ring_mask], 1);
  return (int32_t)n;
}

/* Queue depth 1: does the IO now, as a synchronous engine does, and keeps
 * its completion for reap(); accepts nothing while the last one's is still
 * there.  A read or a write (the common IO) is done here with the
 * completion written first, so that the copy is the last thing and nothing
 * needs keeping across it.  Deeper: see submit_queued(). */
static int32_t mmap_submit(iop_engine *e, iop_io *const *ios, uint32_t n, uint32_t flags) {
  if (flags & ~IOP_SUBMIT_KNOWN_FLAGS) return -EINVAL;
  if (e->queue_depth != 1) return submit_queued(e, ios, n);
  if (n == 0 || e->done_ready) return 0;
  const iop_io *io = ios[0];
  const struct mmap_file *f = file_of(e, io->file);
  if (f == NULL || io->op > IOP_OP_WRITE || (io->op == IOP_OP_WRITE && !f->writable))
    return submit_now_other(e, io);
  const uint64_t len = clamp_len(f, io->offset, io->len);
  e->done_user_data = io->user_data;
  e->done_res = (int64_t)len;
  e->done_ready = 1;
  if (len > 0) {
    unsigned char *mapped = f->base + io->offset;
    if (io->op == IOP_OP_READ)
      memcpy(io->buf, mapped, (size_t)len);
    else
      memcpy(mapped, io->buf, (size_t)len);
  }
  return 1;
}

/* Deeper queues: does the oldest queued IOs: one, or min_wait when the
 * host waits for more (never more than max or than are queued), and
 * returns right after the last copy so the host's clock read ends each IO
 * at its own copy. */
__attribute__((noinline)) static int32_t reap_queued(iop_engine *e, iop_cqe *out, uint32_t max,
                                                     uint32_t min_wait) {
  uint32_t queued = e->tail - e->head;
  uint32_t n = min_wait > 1 ? min_wait : 1;
  if (n > max) n = max;
  if (n > queued) n = queued;
  for (uint32_t i = 0; i < n; i++) {
    const struct queued_io *io = &e->queue[e->head++ & e->ring_mask];
    const int64_t res = do_resolved(io);
    out[i].user_data = io->user_data;
    out[i].res = res;
    out[i].aux = 0;
    out[i].flags = 0;
  }
  return (int32_t)n;
}

/* Queue depth 1: hands out the completion of the IO submit() did.  Deeper:
 * see reap_queued().  Nothing here waits on anything but the copies, so
 * timeout_ns does not apply. */
static int32_t mmap_reap(iop_engine *e, iop_cqe *out, uint32_t max, uint32_t min_wait,
                         uint64_t timeout_ns) {
  (void)timeout_ns;
  if (e->queue_depth != 1) return reap_queued(e, out, max, min_wait);
  if (!e->done_ready || max == 0) return 0;
  e->done_ready = 0;
  out[0].user_data = e->done_user_data;
  out[0].res = e->done_res;
  out[0].aux = 0;
  out[0].flags = 0;
  return 1;
}

/* ------------------------------------------------------------------------ */
/* Descriptor and entry                                                      */
/* ------------------------------------------------------------------------ */

static const iop_engine_desc mmap_desc = {
    .struct_size = sizeof(iop_engine_desc),
    .abi_major = IOP_ABI_MAJOR,
    .abi_minor = IOP_ABI_MINOR,
    .min_host_abi_minor = 0,
    .reserved0 = 0,
    .reserved1 = 0,
    .name = MMAP_ENGINE_NAME,
    .version = "2.2.0",
    .description = "memcpy to and from a shared mapping of each file; queued IOs are done in order, "
                   "the next one's data prefetched",
    .caps = IOP_CAP_MEMORY_MAPPED | IOP_CAP_FSYNC | IOP_CAP_FDATASYNC,
    .max_queue_depth = MMAP_MAX_QUEUE_DEPTH,
    .min_buf_align = 0,
    .io_priv_size = 0,
    .num_options = NUM_OPTIONS,
    .options = mmap_options,
    .create = mmap_create,
    .destroy = mmap_destroy,
    .open_file = mmap_open_file,
    .close_file = mmap_close_file,
    .register_buffers = NULL,
    .submit = mmap_submit,
    .reap = mmap_reap,
};

IOP_EXPORT int32_t iopulse_engine_entry(const iop_host_info *host, const iop_engine_desc **out) {
  if (out == NULL) return -EINVAL;
  int32_t rc = iop_check_host(host);
  if (rc != 0) return rc;
  *out = &mmap_desc;
  return 0;
}
