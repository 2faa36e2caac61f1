/* SPDX-License-Identifier: MIT
 * SPDX-FileCopyrightText: 2026 The IOPulse authors */
/*
 * The io_uring engine's metadata operations, asynchronous through the ring.
 *
 * How each op maps to io_uring (dirfd is the directory handle's descriptor;
 * "direct" is the op record's own slot in the ring's registered file table,
 * a direct descriptor that never enters the process's descriptor table):
 *
 *   MKDIR       IORING_OP_MKDIRAT (dirfd, path, mode)
 *   RMDIR       IORING_OP_UNLINKAT (dirfd, path, AT_REMOVEDIR)
 *   UNLINK      IORING_OP_UNLINKAT (dirfd, path, 0)
 *   RENAME      IORING_OP_RENAMEAT (dirfd, path, dir2's fd, path2,
 *               RENAME_NOREPLACE with IOP_META_NOREPLACE)
 *   STAT        IORING_OP_STATX (dirfd, path, 0, STATX_BASIC_STATS) into the
 *               op record's statx buffer; aux = stx_size
 *   OPEN_CLOSE  OPENAT(O_RDONLY -> direct) => CLOSE(direct)
 *   CREATE      OPENAT(O_CREAT|O_WRONLY[|O_EXCL], mode -> direct)
 *               [=> WRITE(direct, len bytes at offset)] [=> FSYNC(direct)]
 *               => CLOSE(direct)
 *   READ_FILE   OPENAT(O_RDONLY -> direct) => READ(direct) => CLOSE(direct)
 *   WRITE_FILE  OPENAT(O_WRONLY[|O_TRUNC] -> direct) => WRITE(direct)
 *               [=> FSYNC(direct)] => CLOSE(direct)
 *   LIST        synchronous, inside submit(): openat(2), getdents64(2) until
 *               the end, close(2); io_uring has no getdents request (Linux
 *               6.x mainline)
 *
 * "=>" is IOSQE_IO_LINK: the requests of an op go to the kernel as one chain
 * in one submission, and each runs when the one before it succeeded.  Every
 * request of a chain but the last carries IOSQE_CQE_SKIP_SUCCESS, so a chain
 * posts exactly one CQE: its last request's when all succeeded, else the
 * CQE of the request that failed (or, for a read or write, moved fewer bytes
 * than asked), whose failure cancels the rest of the chain without CQEs
 * (the kernel's REQ_F_SKIP_LINK_CQES).  The step number in the CQE's
 * user_data says which request posted it, so the requests before it
 * succeeded.
 *
 * Where a link cannot express what the sync engine does, the op continues
 * from reap() as a small state machine, one chain at a time: a short read or
 * write goes on with the rest (read-file of more bytes than the file holds
 * reads again, gets 0 and stops, as the sync engine's loop does); a failed
 * write or fsync, whose failure cancelled the close, gets a CLOSE of its own.
 * So the file an op opened is always closed before the op completes, and an
 * op that succeeds at once is one submission and one CQE.
 *
 * res, aux and the error text are the sync engine's (engine.h's table): a
 * failure is -errno of the step that failed, and error_text() names the op,
 * the path and the step ("create 'd/f': write of 5000 bytes at offset 0: No
 * space left on device"; the single-request ops name their io_uring request:
 * mkdirat, unlinkat, renameat, statx).
 *
 * Kernel requirements, probed at create(): each request's opcode
 * (io_uring_get_probe_ring), and for the chains IORING_FEAT_LINKED_FILE (a
 * linked request finds the file a request before it opened) and
 * IORING_FEAT_CQE_SKIP (Linux 5.17, which also has direct descriptors,
 * 5.15).  An op whose requests the kernel lacks is not declared.
 */
#define _GNU_SOURCE

#include "uring_metadata.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define DIRENT_BUF_SIZE (32 * 1024)

/* The requests of a chain.  A CQE's user_data is the op record's address
 * plus its step (records are 8-byte aligned, steps below 8). */
enum step { STEP_SINGLE = 0, STEP_OPEN = 1, STEP_XFER = 2, STEP_FSYNC = 3, STEP_CLOSE = 4 };

/* One metadata op in flight.  Owned by the instance; `io` is the host's and
 * stays valid (and unchanged) until the op is reaped. */
struct uring_meta_op {
  struct statx stx;     /* STAT: the kernel writes it */
  const iop_io *io;
  int dirfd;            /* the directory handle's descriptor */
  int dir2fd;           /* RENAME: dir2's descriptor */
  int64_t res;          /* 0, or -errno of the step that failed */
  uint64_t aux;         /* STAT: size; LIST: entries */
  uint32_t aux_kind;    /* IOP_CQE_AUX_* */
  uint32_t done;        /* bytes moved so far */
  uint32_t asked;       /* bytes the transfer in the kernel asks for */
  uint8_t chain[URING_META_MAX_CHAIN]; /* steps of the chain in the kernel */
  uint8_t chain_len;
  bool opened;          /* the open step has run */
  bool file_open;       /* the direct descriptor holds the op's file */
  bool synced;          /* the fsync step succeeded */
  bool eof;             /* a transfer moved 0 bytes */
  bool in_kernel;       /* a chain is in the kernel */
  char why[IOP_ERROR_MESSAGE_MAX]; /* error text; "" when none */
};

/* ------------------------------------------------------------------------ */
/* Ops and their names                                                      */
/* ------------------------------------------------------------------------ */

static const struct {
  uint8_t op;
  uint64_t cap;
  const char *name;
} meta_ops[] = {
    {IOP_OP_MKDIR, IOP_CAP_META_MKDIR, "mkdir"},
    {IOP_OP_RMDIR, IOP_CAP_META_RMDIR, "rmdir"},
    {IOP_OP_CREATE, IOP_CAP_META_CREATE, "create"},
    {IOP_OP_OPEN_CLOSE, IOP_CAP_META_OPEN_CLOSE, "open-close"},
    {IOP_OP_STAT, IOP_CAP_META_STAT, "stat"},
    {IOP_OP_READ_FILE, IOP_CAP_META_READ_FILE, "read-file"},
    {IOP_OP_WRITE_FILE, IOP_CAP_META_WRITE_FILE, "write-file"},
    {IOP_OP_RENAME, IOP_CAP_META_RENAME, "rename"},
    {IOP_OP_UNLINK, IOP_CAP_META_UNLINK, "unlink"},
    {IOP_OP_LIST, IOP_CAP_META_LIST, "list"},
};
#define NUM_META_OPS (sizeof meta_ops / sizeof meta_ops[0])

/* The ops that open a file (and so need a direct descriptor). */
#define FILE_OP_CAPS \
  (IOP_CAP_META_CREATE | IOP_CAP_META_OPEN_CLOSE | IOP_CAP_META_READ_FILE | IOP_CAP_META_WRITE_FILE)

/* Op codes are dense from IOP_OP_MKDIR in the table's order. */
static const char *op_name(uint8_t op) { return meta_ops[op - IOP_OP_MKDIR].name; }
static uint64_t op_cap(uint8_t op) { return meta_ops[op - IOP_OP_MKDIR].cap; }

static bool opens_file(uint8_t op) {
  return op == IOP_OP_CREATE || op == IOP_OP_OPEN_CLOSE || op == IOP_OP_READ_FILE ||
         op == IOP_OP_WRITE_FILE;
}

static bool transfers(uint8_t op) {
  return op == IOP_OP_CREATE || op == IOP_OP_READ_FILE || op == IOP_OP_WRITE_FILE;
}

static bool writes(uint8_t op) { return op == IOP_OP_CREATE || op == IOP_OP_WRITE_FILE; }

uint64_t uring_meta_probe(struct io_uring *ring) {
  uint64_t caps = IOP_CAP_META_LIST;
  struct io_uring_probe *p = io_uring_get_probe_ring(ring);
  if (p == NULL) return caps; /* before Linux 5.6: no probe, none of the requests either */
#define HAS(op) (io_uring_opcode_supported(p, (op)) != 0)
  if (HAS(IORING_OP_MKDIRAT)) caps |= IOP_CAP_META_MKDIR;
  if (HAS(IORING_OP_UNLINKAT)) caps |= IOP_CAP_META_RMDIR | IOP_CAP_META_UNLINK;
  /* (RENAMEAT takes renameat2's flags, RENAME_NOREPLACE among them.) */
  if (HAS(IORING_OP_RENAMEAT)) caps |= IOP_CAP_META_RENAME | IOP_CAP_META_RENAME_NOREPLACE;
  if (HAS(IORING_OP_STATX)) caps |= IOP_CAP_META_STAT;
  const unsigned chain_features = IORING_FEAT_LINKED_FILE | IORING_FEAT_CQE_SKIP;
  if ((ring->features & chain_features) == chain_features && HAS(IORING_OP_OPENAT) &&
      HAS(IORING_OP_CLOSE)) {
    caps |= IOP_CAP_META_OPEN_CLOSE;
    if (HAS(IORING_OP_READ)) caps |= IOP_CAP_META_READ_FILE;
    if (HAS(IORING_OP_WRITE) && HAS(IORING_OP_FSYNC))
      caps |= IOP_CAP_META_CREATE | IOP_CAP_META_WRITE_FILE;
  }
#undef HAS
  io_uring_free_probe(p);
  return caps;
}

static void join_names(uint64_t caps, char *out, size_t len) {
  size_t used = 0;
  out[0] = '\0';
  for (size_t i = 0; i < NUM_META_OPS; i++) {
    if ((caps & meta_ops[i].cap) == 0) continue;
    int w = snprintf(out + used, len - used, "%s%s", used ? "," : "", meta_ops[i].name);
    if (w < 0 || (size_t)w >= len - used) break;
    used += (size_t)w;
  }
  if (used == 0) snprintf(out, len, "none");
}

void uring_meta_describe(uint64_t caps, char *async_text, size_t async_len, char *sync_text,
                         size_t sync_len) {
  join_names(caps & ~IOP_CAP_META_LIST, async_text, async_len);
  join_names(caps & IOP_CAP_META_LIST, sync_text, sync_len);
}

/* ------------------------------------------------------------------------ */
/* Set-up                                                                    */
/* ------------------------------------------------------------------------ */

int uring_meta_init(struct uring_meta *m, struct io_uring *ring, uint64_t caps, bool sqpoll,
                    uint32_t capacity) {
  m->ring = ring;
  m->caps = caps;
  m->sqpoll = sqpoll;
  m->ops = calloc(capacity, sizeof *m->ops);
  m->free_ids = calloc(capacity, sizeof *m->free_ids);
  m->ready = calloc(capacity, sizeof *m->ready);
  m->parked = calloc(capacity, sizeof *m->parked);
  m->reaped = calloc(capacity, sizeof *m->reaped);
  m->dirent_buf = malloc(DIRENT_BUF_SIZE);
  if (m->ops == NULL || m->free_ids == NULL || m->ready == NULL || m->parked == NULL ||
      m->reaped == NULL || m->dirent_buf == NULL) {
    uring_meta_destroy(m);
    return -ENOMEM;
  }
  /* Pop order 0, 1, 2, ...: the lowest record first. */
  for (uint32_t i = 0; i < capacity; i++) m->free_ids[i] = capacity - 1 - i;
  m->num_free = capacity;
  m->capacity = capacity;
  m->tag_base = (uint64_t)(uintptr_t)m->ops;
  m->tag_span = (uint64_t)capacity * sizeof *m->ops;
  return 0;
}

void uring_meta_destroy(struct uring_meta *m) {
  free(m->ops);
  free(m->free_ids);
  free(m->ready);
  free(m->parked);
  free(m->reaped);
  free(m->dirent_buf);
  struct io_uring *ring = m->ring;
  const uint64_t caps = m->caps;
  memset(m, 0, sizeof *m);
  m->ring = ring;
  m->caps = caps;
}

uint32_t uring_meta_direct_slots(const struct uring_meta *m) {
  return (m->caps & FILE_OP_CAPS) != 0 ? m->capacity : 0;
}

/* ------------------------------------------------------------------------ */
/* Results and their texts                                                   */
/* ------------------------------------------------------------------------ */

/* Records that the op failed with `err` at `step` (printf-style): res is
 * -err and the text says "<op> '<path>': <step>: <strerror>". */
#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static void fail(struct uring_meta_op *o, int err, const char *step, ...) {
  char what[128];
  va_list ap;
  va_start(ap, step);
  vsnprintf(what, sizeof what, step, ap);
  va_end(ap);
  snprintf(o->why, sizeof o->why, "%s '%s': %s: %s", op_name(o->io->op), o->io->meta->path, what,
           strerror(err));
  o->res = -err;
}

/* Refuses the op before anything ran: res -err, text `why` as given. */
#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static void refuse_meta(struct uring_meta_op *o, int err, const char *why, ...) {
  va_list ap;
  va_start(ap, why);
  vsnprintf(o->why, sizeof o->why, why, ap);
  va_end(ap);
  o->res = -err;
}

/* Writes the op's completion into *out and moves it to the reaped list. */
static void finish(struct uring_meta *m, uint32_t id, iop_cqe *out) {
  const struct uring_meta_op *o = &m->ops[id];
  out->user_data = o->io->user_data;
  if (o->res < 0) {
    out->res = o->res;
    out->aux = 0;
    out->flags = o->why[0] != '\0' ? IOP_CQE_ERROR_TEXT : 0u;
  } else {
    out->res = transfers(o->io->op) ? (int64_t)o->done : 0;
    out->aux = o->aux;
    out->flags = o->aux_kind;
  }
  out->reserved = 0;
  m->reaped[m->num_reaped++] = id;
  m->in_flight--;
}

void uring_meta_release_reaped(struct uring_meta *m) {
  for (uint32_t k = 0; k < m->num_reaped; k++) m->free_ids[m->num_free++] = m->reaped[k];
  m->num_reaped = 0;
}

int32_t uring_meta_error_text(const struct uring_meta *m, uint64_t user_data, iop_error *out) {
  for (uint32_t k = 0; k < m->num_reaped; k++) {
    const struct uring_meta_op *o = &m->ops[m->reaped[k]];
    if (o->io->user_data != user_data || o->res >= 0 || o->why[0] == '\0') continue;
    snprintf(out->message, sizeof out->message, "%s", o->why);
    return 0;
  }
  return -ENOENT;
}

/* ------------------------------------------------------------------------ */
/* Chains                                                                    */
/* ------------------------------------------------------------------------ */

/* The steps the op still has to do, in order, into steps[]; returns how
 * many (0: the op is done).  A failure skips everything but the close. */
static uint32_t plan(const struct uring_meta_op *o, uint8_t steps[URING_META_MAX_CHAIN]) {
  const iop_io *io = o->io;
  if (!opens_file(io->op)) {
    if (o->opened) return 0; /* its one request ran */
    steps[0] = STEP_SINGLE;
    return 1;
  }
  uint32_t n = 0;
  if (!o->opened) {
    steps[n++] = STEP_OPEN;
  } else if (!o->file_open) {
    return 0;
  }
  if (o->res == 0 && transfers(io->op) && o->done < io->len && !o->eof) steps[n++] = STEP_XFER;
  if (o->res == 0 && writes(io->op) && (io->meta->flags & IOP_META_FSYNC) != 0 && !o->synced)
    steps[n++] = STEP_FSYNC;
  steps[n++] = STEP_CLOSE;
  return n;
}

/* Makes room for `need` SQEs: hands what is queued to the kernel (with
 * sqpoll, waits for its thread to take it).  True when there is room. */
static bool make_room(struct uring_meta *m, unsigned need) {
  if (io_uring_sq_space_left(m->ring) >= need) return true;
  (void)io_uring_submit(m->ring);
  while (m->sqpoll && io_uring_sq_space_left(m->ring) < need) {
    if (io_uring_sqring_wait(m->ring) < 0) break;
  }
  return io_uring_sq_space_left(m->ring) >= need;
}

/* Fills `sqe` for `step` of op record `id`. */
static void prep_step(struct uring_meta *m, uint32_t id, uint8_t step, struct io_uring_sqe *sqe) {
  struct uring_meta_op *o = &m->ops[id];
  const iop_io *io = o->io;
  const iop_meta_args *a = io->meta;
  const unsigned direct = m->direct_base + id;
  switch (step) {
    case STEP_SINGLE:
      switch (io->op) {
        case IOP_OP_MKDIR: io_uring_prep_mkdirat(sqe, o->dirfd, a->path, (mode_t)a->mode); break;
        case IOP_OP_RMDIR: io_uring_prep_unlinkat(sqe, o->dirfd, a->path, AT_REMOVEDIR); break;
        case IOP_OP_UNLINK: io_uring_prep_unlinkat(sqe, o->dirfd, a->path, 0); break;
        case IOP_OP_RENAME:
          io_uring_prep_renameat(sqe, o->dirfd, a->path, o->dir2fd, a->path2,
                                 (a->flags & IOP_META_NOREPLACE) ? RENAME_NOREPLACE : 0);
          break;
        default: /* IOP_OP_STAT */
          io_uring_prep_statx(sqe, o->dirfd, a->path, 0, STATX_BASIC_STATS, &o->stx);
          break;
      }
      break;
    case STEP_OPEN: {
      int flags = O_RDONLY;
      mode_t mode = 0;
      if (io->op == IOP_OP_CREATE) {
        flags = O_CREAT | O_WRONLY | ((a->flags & IOP_META_EXCL) ? O_EXCL : 0);
        mode = (mode_t)a->mode;
      } else if (io->op == IOP_OP_WRITE_FILE) {
        flags = O_WRONLY | ((a->flags & IOP_META_TRUNC) ? O_TRUNC : 0);
      }
      /* A direct descriptor is never in the process's table: no O_CLOEXEC
       * (the kernel refuses it there). */
      io_uring_prep_openat_direct(sqe, o->dirfd, a->path, flags, mode, direct);
      break;
    }
    case STEP_XFER:
      o->asked = io->len - o->done;
      if (writes(io->op))
        io_uring_prep_write(sqe, (int)direct, (const char *)io->buf + o->done, o->asked,
                            io->offset + o->done);
      else
        io_uring_prep_read(sqe, (int)direct, (char *)io->buf + o->done, o->asked,
                           io->offset + o->done);
      sqe->flags |= IOSQE_FIXED_FILE;
      break;
    case STEP_FSYNC:
      io_uring_prep_fsync(sqe, (int)direct, 0);
      sqe->flags |= IOSQE_FIXED_FILE;
      break;
    default: /* STEP_CLOSE */
      io_uring_prep_close_direct(sqe, direct);
      break;
  }
  io_uring_sqe_set_data64(sqe, (uint64_t)(uintptr_t)o + step);
}

/* Queues the op's next chain in the SQ.  False when there is no room. */
static bool queue_chain(struct uring_meta *m, uint32_t id) {
  struct uring_meta_op *o = &m->ops[id];
  uint8_t steps[URING_META_MAX_CHAIN];
  const uint32_t n = plan(o, steps);
  if (!make_room(m, n)) return false;
  for (uint32_t k = 0; k < n; k++) {
    /* Cannot be NULL: make_room() found n free entries. */
    struct io_uring_sqe *sqe = io_uring_get_sqe(m->ring);
    prep_step(m, id, steps[k], sqe);
    if (k + 1 < n) sqe->flags |= IOSQE_IO_LINK | IOSQE_CQE_SKIP_SUCCESS;
    o->chain[k] = steps[k];
  }
  o->chain_len = (uint8_t)n;
  o->in_kernel = true;
  return true;
}

/* ------------------------------------------------------------------------ */
/* LIST (synchronous)                                                        */
/* ------------------------------------------------------------------------ */

/* The entries of directory `path` without "." and "..": openat, getdents64
 * into the instance's buffer until the end, close (as the sync engine). */
static void list_now(struct uring_meta *m, struct uring_meta_op *o) {
  const char *path = o->io->meta->path;
  int fd;
  do {
    fd = openat(o->dirfd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) {
    fail(o, errno, "open");
    return;
  }
  uint64_t count = 0;
  for (;;) {
    const long n = syscall(SYS_getdents64, fd, m->dirent_buf, DIRENT_BUF_SIZE);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      fail(o, errno, "getdents64");
      close(fd);
      return;
    }
    for (long at = 0; at < n;) {
      /* struct linux_dirent64: ino (8), off (8), reclen (2), type (1), name. */
      unsigned short reclen;
      memcpy(&reclen, m->dirent_buf + at + 16, sizeof reclen);
      const char *name = m->dirent_buf + at + 19;
      const bool dots = name[0] == '.' && (name[1] == '\0' || (name[1] == '.' && name[2] == '\0'));
      if (!dots) count++;
      at += reclen;
    }
  }
  close(fd);
  o->aux = count;
  o->aux_kind = IOP_CQE_AUX_COUNT;
}

/* ------------------------------------------------------------------------ */
/* Starting and completing ops                                              */
/* ------------------------------------------------------------------------ */

static void push_ready(struct uring_meta *m, uint32_t id) {
  m->ready[(m->ready_head + m->num_ready) % m->capacity] = id;
  m->num_ready++;
}

enum uring_meta_started uring_meta_start(struct uring_meta *m, const iop_io *io, int dirfd,
                                         int dir2fd) {
  if (m->num_free == 0) return URING_META_NO_ROOM; /* more in flight than the queue depth */
  const uint32_t id = m->free_ids[--m->num_free];
  struct uring_meta_op *o = &m->ops[id];
  o->io = io;
  o->dirfd = dirfd;
  o->dir2fd = dir2fd;
  o->res = 0;
  o->aux = 0;
  o->aux_kind = IOP_CQE_AUX_NONE;
  o->done = 0;
  o->asked = 0;
  o->chain_len = 0;
  o->opened = o->file_open = o->synced = o->eof = o->in_kernel = false;
  o->why[0] = '\0';

  const iop_meta_args *a = io->meta;
  if (a == NULL || a->path == NULL) {
    refuse_meta(o, EINVAL, "metadata op %u without meta->path", (unsigned)io->op);
  } else if ((m->caps & op_cap(io->op)) == 0) {
    refuse_meta(o, EOPNOTSUPP, "%s '%s': this kernel's io_uring lacks the requests for it",
           op_name(io->op), a->path);
  } else if (io->op == IOP_OP_RENAME && a->path2 == NULL) {
    refuse_meta(o, EINVAL, "rename '%s': meta->path2 is NULL", a->path);
  } else if (io->op == IOP_OP_RENAME && dir2fd < 0) {
    refuse_meta(o, EBADF, "rename: dir2 %d is not an open handle", (int)a->dir2);
  } else if (io->op == IOP_OP_LIST) {
    list_now(m, o);
  } else {
    if (!queue_chain(m, id)) {
      m->free_ids[m->num_free++] = id;
      return URING_META_NO_ROOM;
    }
    m->in_flight++;
    return URING_META_ACCEPTED;
  }
  push_ready(m, id);
  m->in_flight++;
  return URING_META_ACCEPTED;
}

/* Applies the result `r` of step `step` to the op. */
static void apply(struct uring_meta_op *o, uint8_t step, int32_t r) {
  const iop_io *io = o->io;
  switch (step) {
    case STEP_SINGLE:
      o->opened = true; /* "its request ran" for plan() */
      if (r < 0) {
        switch (io->op) {
          case IOP_OP_MKDIR: fail(o, -r, "mkdirat"); break;
          case IOP_OP_RMDIR: fail(o, -r, "unlinkat(AT_REMOVEDIR)"); break;
          case IOP_OP_UNLINK: fail(o, -r, "unlinkat"); break;
          case IOP_OP_RENAME: fail(o, -r, "renameat to '%s'", io->meta->path2); break;
          default: fail(o, -r, "statx"); break;
        }
      } else if (io->op == IOP_OP_STAT) {
        o->aux = o->stx.stx_size;
        o->aux_kind = IOP_CQE_AUX_SIZE;
      }
      return;
    case STEP_OPEN:
      o->opened = true;
      if (r < 0) fail(o, -r, "open");
      else o->file_open = true;
      return;
    case STEP_XFER:
      if (r < 0) {
        fail(o, -r, "%s of %u bytes at offset %llu", writes(io->op) ? "write" : "read",
             (unsigned)io->len, (unsigned long long)io->offset);
      } else if (r == 0) {
        o->eof = true;
      } else {
        o->done += (uint32_t)r;
      }
      return;
    case STEP_FSYNC:
      if (r < 0) fail(o, -r, "fsync");
      else o->synced = true;
      return;
    default: /* STEP_CLOSE */
      o->file_open = false;
      if (r < 0 && o->res == 0) fail(o, -r, "close");
      return;
  }
}

/* What a step that succeeded returns: a transfer all it asked for. */
static int32_t success_of(const struct uring_meta_op *o, uint8_t step) {
  return step == STEP_XFER ? (int32_t)o->asked : 0;
}

enum uring_meta_completed uring_meta_complete(struct uring_meta *m, uint64_t user_data,
                                              int32_t res, iop_cqe *out) {
  const uint64_t offset = user_data - m->tag_base;
  const uint32_t id = (uint32_t)(offset / sizeof(struct uring_meta_op));
  const uint8_t step = (uint8_t)(offset % sizeof(struct uring_meta_op));
  struct uring_meta_op *o = &m->ops[id];
  uint32_t at = 0;
  while (at < o->chain_len && o->chain[at] != step) at++;
  if (!o->in_kernel || at == o->chain_len) return URING_META_NOT_MINE;
  o->in_kernel = false;
  /* The steps before `step` succeeded (their CQEs were skipped); `step`
   * ended the chain, and any after it were cancelled. */
  for (uint32_t k = 0; k < at; k++) apply(o, o->chain[k], success_of(o, o->chain[k]));
  apply(o, step, res);
  uint8_t next[URING_META_MAX_CHAIN];
  if (plan(o, next) > 0) {
    if (!queue_chain(m, id)) m->parked[m->num_parked++] = id;
    return URING_META_CONTINUES;
  }
  finish(m, id, out);
  return URING_META_FINISHED;
}

uint32_t uring_meta_take_ready(struct uring_meta *m, iop_cqe *out, uint32_t max) {
  uint32_t n = 0;
  while (n < max && m->num_ready > 0) {
    const uint32_t id = m->ready[m->ready_head];
    m->ready_head = (m->ready_head + 1) % m->capacity;
    m->num_ready--;
    finish(m, id, &out[n++]);
  }
  return n;
}

bool uring_meta_unpark(struct uring_meta *m) {
  while (m->num_parked > 0) {
    if (!queue_chain(m, m->parked[m->num_parked - 1])) break;
    m->num_parked--;
  }
  return m->num_parked > 0;
}
