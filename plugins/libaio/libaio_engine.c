/* SPDX-License-Identifier: MIT
 * SPDX-FileCopyrightText: 2026 The IOPulse authors */
/*
 * libaio -- Linux kernel AIO (io_setup/io_submit/io_getevents) on the
 * descriptors the host opened.
 *
 * The engine makes the system calls itself (syscall(SYS_io_submit, ...) with
 * the kernel's <linux/aio_abi.h>), so it builds on every architecture and
 * does not link the LGPL libaio library.  Each IO's struct iocb lives in the
 * per-IO scratch the host reserves (iop_io.priv, io_priv_size ==
 * sizeof(struct iocb)), and its aio_data is the IO's user_data, so a
 * completion maps back to its IO without any lookup.  submit() hands the
 * whole batch to one io_submit(); reap() collects as many completions as are
 * there (up to `max`) with one io_getevents(), waiting for min_wait of them
 * at most timeout_ns.  The per-IO path allocates nothing and takes no lock.
 *
 * Kernel AIO is only asynchronous for O_DIRECT: on a buffered descriptor
 * io_submit() does the IO before it returns, so the queue depth is not
 * really held (the first such create() warns through the host's log, and
 * the instance's report leaves IOP_CAP_ASYNC out).
 *
 * Per IO: IOP_IO_DSYNC and IOP_IO_NOWAIT become RWF_DSYNC / RWF_NOWAIT in
 * aio_rw_flags, and a priority goes in aio_reqprio with IOCB_FLAG_IOPRIO,
 * so the kernel applies (or refuses) both.  RWF_HIPRI is not offered:
 * kernel AIO drops it (nobody polls for an AIO).  With the completion fd
 * (completion_fd()), every iocb carries IOCB_FLAG_RESFD and the kernel
 * signals the eventfd as each IO completes.  control() drops a file's
 * page cache (IOP_CTL_DROP_CACHE).
 *
 * Kernel AIO has no discard: a trim is done inside submit(), in the batch's
 * order (the IOs before it go to the kernel first), as fio's libaio engine
 * does its trims, by punching a hole in a regular file (fallocate
 * PUNCH_HOLE | KEEP_SIZE, as the sync engine; fio trims only block devices)
 * or discarding the range of a block device (ioctl BLKDISCARD).
 * It completes from the next reap() with 0 or -errno, so its latency (from
 * the host's submit to that reap) holds the whole call.
 *
 * IOs the engine or the kernel refuses at submission (a bad file handle, an
 * unknown or unsupported op, io_submit failing for that one iocb, e.g.
 * EBADF on a descriptor not open for reading) still count as accepted and
 * complete with res = -errno from the next reap(), like any other IO.
 */
#define _GNU_SOURCE

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include <linux/aio_abi.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>

#include "iopulse/engine.h"
#include "iopulse/engine_helpers.h"

#define AIO_ENGINE_NAME "libaio"
#define AIO_MAX_QUEUE_DEPTH 4096u
#define AIO_MIN_FILE_SLOTS 8

/* The host's log, kept from the entry call: written there, before any
 * instance exists, and only read afterwards. */
static void (*host_log)(void *log_ctx, int32_t level, const char *engine, const char *message);
static void *host_log_ctx;

/* Set once the buffered-AIO warning has been logged (atomic: instances are
 * created on different threads). */
static bool warned_buffered;

/* ------------------------------------------------------------------------ */
/* Options                                                                   */
/* ------------------------------------------------------------------------ */

/* The engine has no options.  The table is kept (empty) so there is one
 * obvious place to add them. */
#define NUM_OPTIONS 0u
static const iop_option_desc *const aio_options = NULL;

/* ------------------------------------------------------------------------ */
/* System calls                                                              */
/* ------------------------------------------------------------------------ */

/* Each returns the kernel's result, or -1 with errno set. */
static long sys_io_setup(unsigned nr_events, aio_context_t *ctx) {
  return syscall(SYS_io_setup, nr_events, ctx);
}
static long sys_io_destroy(aio_context_t ctx) { return syscall(SYS_io_destroy, ctx); }
static long sys_io_submit(aio_context_t ctx, long n, struct iocb **iocbs) {
  return syscall(SYS_io_submit, ctx, n, iocbs);
}
static long sys_io_getevents(aio_context_t ctx, long min_nr, long nr, struct io_event *events,
                             struct timespec *timeout) {
  return syscall(SYS_io_getevents, ctx, min_nr, nr, events, timeout);
}

/* ------------------------------------------------------------------------ */
/* Instance                                                                  */
/* ------------------------------------------------------------------------ */

/* One instance per worker thread; nothing here is shared.
 *
 * in_flight counts IOs accepted by submit() and not yet returned by reap():
 * those in the kernel plus num_refused.  submit() keeps it <= queue_depth,
 * the number of events the AIO context was set up for, so the kernel always
 * has room for every completion.
 *
 * batch[] (queue_depth entries) is the iocb pointer array handed to
 * io_submit(); events[] (queue_depth entries) receives io_getevents()
 * results.  refused[] (queue_depth entries, num_refused used, oldest first)
 * holds completions of IOs finished without the kernel (refused at
 * submission, or trims done there); reap() returns them first.
 *
 * files holds an aio_file (the host's descriptor, fd -1 for a free handle)
 * per file handle; it grows only in open_file(), so submit() reads it
 * without allocating. */
struct iop_engine {
  aio_context_t ctx;
  bool ctx_ready;
  bool direct;           /* IOP_CONFIG_DIRECT: the kernel really queues IOs */
  uint32_t queue_depth;
  uint32_t in_flight;
  int event_fd;          /* the completion fd once asked for, else -1 */

  struct iocb **batch;
  struct io_event *events;
  iop_cqe *refused;
  uint32_t num_refused;

  iop_file_table files;
};

/* What the engine keeps of an open file. */
struct aio_file {
  int fd;             /* the host's descriptor; -1 for a free handle */
  bool block_device;  /* a trim discards (BLKDISCARD) instead of punching a hole */
};

/* The record of a free file handle. */
static const struct aio_file no_file = {-1, false};

/* The instance report's settings: one, whether io_submit queues the IO. */
static const iop_setting setting_queued[] = {{"io_submit", "queues (O_DIRECT)"}};
static const iop_setting setting_inline[] = {{"io_submit", "does the IO (buffered)"}};

static const iop_engine_desc aio_desc;

static void log_line(int32_t level, const char *message) {
  if (host_log != NULL) host_log(host_log_ctx, level, AIO_ENGINE_NAME, message);
}

/* Reads one number from a /proc file, or returns -1. */
static long long read_proc_number(const char *path) {
  FILE *f = fopen(path, "re");
  if (f == NULL) return -1;
  long long v = -1;
  if (fscanf(f, "%lld", &v) != 1) v = -1;
  fclose(f);
  return v;
}

/* Explains why io_setup(entries) failed with errno `e`. */
static void set_setup_error(iop_error *err, int e, uint32_t entries) {
  if (e == EAGAIN) {
    iop_set_error(err,
                  "io_setup(%u) failed (%s): the system-wide AIO event limit is reached "
                  "(fs.aio-max-nr=%lld, fs.aio-nr=%lld in use); raise it with "
                  "`sysctl -w fs.aio-max-nr=<n>` or use a smaller --queue-depth or fewer threads",
                  (unsigned)entries, strerror(e), read_proc_number("/proc/sys/fs/aio-max-nr"),
                  read_proc_number("/proc/sys/fs/aio-nr"));
  } else if (e == ENOSYS || e == EPERM) {
    iop_set_error(err,
                  "kernel AIO is not available: io_setup failed (%s); the kernel may lack "
                  "CONFIG_AIO, or a seccomp profile (e.g. in a container) blocks io_setup",
                  strerror(e));
  } else {
    iop_set_error(err, "io_setup(%u) failed (%s)", (unsigned)entries, strerror(e));
  }
}

static void aio_destroy(iop_engine *e) {
  if (e == NULL) return;
  if (e->ctx_ready) sys_io_destroy(e->ctx); /* cancels or waits for what is left */
  if (e->event_fd >= 0) close(e->event_fd);
  free(e->batch);
  free(e->events);
  free(e->refused);
  iop_file_table_destroy(&e->files);
  free(e);
}

static int32_t aio_create(const iop_engine_config *config, iop_engine **out, iop_error *err) {
  int32_t rc = iop_check_config(config, out, &aio_desc, err);
  if (rc != 0) return rc;
  const uint32_t qd = config->queue_depth;

  iop_engine *e = calloc(1, sizeof *e);
  if (e == NULL) goto oom;
  iop_file_table_init(&e->files, sizeof(struct aio_file), &no_file);
  e->event_fd = -1;
  e->direct = (config->flags & IOP_CONFIG_DIRECT) != 0;
  e->queue_depth = qd;
  e->batch = calloc(qd, sizeof *e->batch);
  e->events = calloc(qd, sizeof *e->events);
  e->refused = calloc(qd, sizeof *e->refused);
  if (e->batch == NULL || e->events == NULL || e->refused == NULL) goto oom;

  if (sys_io_setup(qd, &e->ctx) != 0) {
    int saved = errno;
    set_setup_error(err, saved, qd);
    aio_destroy(e);
    return -saved;
  }
  e->ctx_ready = true;

  /* Once per process: the host may create a probe instance before its
   * workers, and every worker would say the same. */
  if ((config->flags & IOP_CONFIG_DIRECT) == 0 &&
      !__atomic_exchange_n(&warned_buffered, true, __ATOMIC_RELAXED)) {
    log_line(IOP_LOG_WARN,
             "without --direct, Linux performs kernel AIO synchronously inside io_submit: "
             "the queue depth is not really held (use --direct, or the io_uring engine)");
  }
  *out = e;
  return 0;

oom:
  aio_destroy(e);
  iop_set_error(err, "out of memory for an engine instance of queue depth %u", (unsigned)qd);
  return -ENOMEM;
}

/* ------------------------------------------------------------------------ */
/* Files                                                                     */
/* ------------------------------------------------------------------------ */

/* Takes the host's descriptor; never opens or closes one itself.  Handles
 * are the lowest free slot, so they stay small. */
static int32_t aio_open_file(iop_engine *e, const iop_file_desc *file, iop_error *err) {
  if (file == NULL || file->struct_size < sizeof(iop_file_desc)) {
    iop_set_error(err, "open_file: missing iop_file_desc or struct_size too small");
    return -EINVAL;
  }
  const char *path = file->path != NULL ? file->path : "(no path)";
  if (file->fd < 0) {
    iop_set_error(err, "%s: the libaio engine needs a descriptor opened by the host", path);
    return -EBADF;
  }
  struct stat st;
  if (fstat(file->fd, &st) != 0) {
    int saved = errno;
    iop_set_error(err, "%s: fstat failed: %s", path, strerror(saved));
    return -saved;
  }
  int32_t h = iop_file_table_lowest_free(&e->files, AIO_MIN_FILE_SLOTS, path, err);
  if (h < 0) return h;
  struct aio_file *f = iop_file_table_slot(&e->files, h);
  f->fd = file->fd;
  f->block_device = S_ISBLK(st.st_mode);
  iop_file_table_mark_open(&e->files, h);
  return h;
}

/* Frees the handle; the descriptor stays open, it is the host's to close. */
static int32_t aio_close_file(iop_engine *e, int32_t handle, iop_error *err) {
  int32_t rc = iop_file_table_check(&e->files, handle, err);
  if (rc == 0) iop_file_table_release(&e->files, handle);
  return rc;
}

/* ------------------------------------------------------------------------ */
/* Completion fd, control, report                                            */
/* ------------------------------------------------------------------------ */

/* An eventfd the kernel signals with each completion (IOCB_FLAG_RESFD on
 * every iocb from now on); the engine signals it for IOs it refuses. */
static int32_t aio_completion_fd(iop_engine *e, iop_error *err) {
  if (e->event_fd >= 0) return e->event_fd;
  int fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (fd < 0) {
    int saved = errno;
    iop_set_error(err, "eventfd failed: %s", strerror(saved));
    return -saved;
  }
  e->event_fd = fd;
  return fd;
}

/* IOP_CTL_DROP_CACHE: writes the file's dirty pages back, then drops its
 * page cache, so the next reads go to the device. */
static int32_t aio_control(iop_engine *e, uint32_t op, void *arg, iop_error *err) {
  if (op != IOP_CTL_DROP_CACHE) return -ENOTSUP;
  const int32_t *handle = arg;
  if (handle == NULL || !iop_file_table_is_open(&e->files, *handle)) {
    iop_set_error(err, "drop-cache: not an open file handle");
    return -EBADF;
  }
  const int fd = ((const struct aio_file *)iop_file_table_slot(&e->files, *handle))->fd;
  if (fdatasync(fd) != 0 && errno != EINVAL) {
    int saved = errno;
    iop_set_error(err, "drop-cache: fdatasync failed: %s", strerror(saved));
    return -saved;
  }
  int rc = posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
  if (rc != 0) {
    iop_set_error(err, "drop-cache: posix_fadvise(DONTNEED) failed: %s", strerror(rc));
    return -rc;
  }
  return 0;
}

/* Without O_DIRECT io_submit does the IO itself: not asynchronous. */
static int32_t aio_report(iop_engine *e, iop_instance_report *out, iop_error *err) {
  (void)err;
  out->caps = aio_desc.caps;
  if (!e->direct) out->caps &= ~IOP_CAP_ASYNC;
  out->settings = e->direct ? setting_queued : setting_inline;
  out->num_settings = 1;
  return 0;
}

/* ------------------------------------------------------------------------ */
/* Data plane                                                                */
/* ------------------------------------------------------------------------ */

/* Completes an IO without the kernel: reap() returns res next time. */
static void finish_here(iop_engine *e, uint64_t user_data, int64_t res) {
  iop_cqe *c = &e->refused[e->num_refused++];
  c->user_data = user_data;
  c->res = res;
  c->aux = 0;
  c->flags = 0;
}

/* A trim of io's range on open file `f`, done now: 0 or -errno. */
static int64_t trim(const struct aio_file *f, const iop_io *io) {
  if (f->block_device) {
    uint64_t range[2] = {io->offset, io->len};
    return ioctl(f->fd, BLKDISCARD, range) == 0 ? 0 : -errno;
  }
  for (;;) {
    if (fallocate(f->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, (off_t)io->offset, (off_t)io->len) == 0)
      return 0;
    if (errno != EINTR) return -errno;
  }
}

/* What prepare() says of an IO that is not for the kernel: a trim (done
 * by the caller, in order), or an error (a -errno, below 0). */
#define AIO_NOT_FOR_KERNEL_TRIM 1

/* Fills io's iocb (in io->priv) for the kernel; returns 0, the -errno the
 * IO completes with when it cannot go to the kernel, or
 * AIO_NOT_FOR_KERNEL_TRIM for a trim on an open file. */
static int prepare(const iop_engine *e, const iop_io *io) {
  if (!iop_file_table_is_open(&e->files, io->file)) return -EBADF;
  const int fd = ((const struct aio_file *)iop_file_table_slot(&e->files, io->file))->fd;
  uint16_t opcode;
  switch (io->op) {
    case IOP_OP_READ: opcode = IOCB_CMD_PREAD; break;
    case IOP_OP_WRITE: opcode = IOCB_CMD_PWRITE; break;
    case IOP_OP_FSYNC: opcode = IOCB_CMD_FSYNC; break;
    case IOP_OP_FDATASYNC: opcode = IOCB_CMD_FDSYNC; break;
    case IOP_OP_TRIM: return AIO_NOT_FOR_KERNEL_TRIM;
    default: return -EINVAL;
  }
  const bool transfer = opcode == IOCB_CMD_PREAD || opcode == IOCB_CMD_PWRITE;
  struct iocb *cb = io->priv;
  /* Every member is written, so nothing left from the previous use of this
   * scratch survives; fsync must have buf, nbytes and offset 0.  The host
   * sets flags and a priority only on reads and writes (the capabilities
   * say so), so they pass straight through. */
  *cb = (struct iocb){
      .aio_data = io->user_data,
      .aio_rw_flags = (int)(((io->flags & IOP_IO_DSYNC) ? RWF_DSYNC : 0) |
                            ((io->flags & IOP_IO_NOWAIT) ? RWF_NOWAIT : 0)),
      .aio_lio_opcode = opcode,
      .aio_reqprio = (int16_t)io->ioprio,
      .aio_fildes = (uint32_t)fd,
      .aio_buf = transfer ? (uint64_t)(uintptr_t)io->buf : 0,
      .aio_nbytes = transfer ? io->len : 0,
      .aio_offset = transfer ? (int64_t)io->offset : 0,
      .aio_flags = (io->ioprio != 0 ? IOCB_FLAG_IOPRIO : 0) |
                   (e->event_fd >= 0 ? IOCB_FLAG_RESFD : 0),
      .aio_resfd = e->event_fd >= 0 ? (uint32_t)e->event_fd : 0,
  };
  return 0;
}

/* Hands batch[0, n) to the kernel and returns how many of them are
 * accepted: submitted, or refused by io_submit with an error of their own
 * (then they complete with it).  Stops early only when the kernel is out of
 * resources (EAGAIN) or interrupted. */
static uint32_t submit_batch(iop_engine *e, uint32_t n) {
  uint32_t done = 0;
  while (done < n) {
    long r = sys_io_submit(e->ctx, (long)(n - done), e->batch + done);
    if (r > 0) {
      done += (uint32_t)r;
      continue;
    }
    int saved = r == 0 ? EAGAIN : errno;
    if (saved == EAGAIN || saved == EINTR) break;
    /* io_submit fails for the first iocb it could not start (EBADF: not
     * open for that direction, EINVAL: op unsupported on this file...):
     * that IO is finished, with this error. */
    finish_here(e, e->batch[done]->aio_data, -saved);
    done++;
  }
  return done;
}

static int32_t aio_submit(iop_engine *e, iop_io *const *ios, uint32_t n, uint32_t flags) {
  if (flags & ~IOP_SUBMIT_KNOWN_FLAGS) return -EINVAL;
  const uint32_t room = e->queue_depth - e->in_flight;
  if (n > room) n = room;
  const uint32_t refused_before = e->num_refused;

  /* Normally one io_submit for all n.  An IO refused before the kernel, or
   * a trim, splits the batch, because what is accepted must stay a prefix
   * and a trim comes after the IOs before it. */
  uint32_t accepted = 0;
  while (accepted < n) {
    uint32_t pending = 0;
    int rc = 0;
    while (accepted + pending < n) {
      iop_io *io = ios[accepted + pending];
      rc = prepare(e, io);
      if (rc != 0) break;
      e->batch[pending++] = io->priv;
    }
    if (pending > 0) {
      uint32_t done = submit_batch(e, pending);
      accepted += done;
      if (done < pending) break;
    }
    if (rc == AIO_NOT_FOR_KERNEL_TRIM) {
      const iop_io *io = ios[accepted];
      finish_here(e, io->user_data, trim(iop_file_table_slot(&e->files, io->file), io));
      accepted++;
    } else if (rc != 0) {
      finish_here(e, ios[accepted]->user_data, rc);
      accepted++;
    }
  }
  e->in_flight += accepted;
  /* Refused IOs are ready at once: say so on the completion fd. */
  if (e->event_fd >= 0 && e->num_refused > refused_before) (void)eventfd_write(e->event_fd, 1);
  /* Nothing accepted and nothing in flight: waiting would not help. */
  if (accepted == 0 && n > 0 && e->in_flight == 0) return -EAGAIN;
  return (int32_t)accepted;
}

static int32_t aio_reap(iop_engine *e, iop_cqe *out, uint32_t max, uint32_t min_wait,
                        uint64_t timeout_ns) {
  /* Waiting for more than may be returned, or than will ever complete,
   * cannot succeed: wait for what can. */
  if (min_wait > max) min_wait = max;
  if (min_wait > e->in_flight) min_wait = e->in_flight;

  uint32_t got = 0;
  if (e->num_refused > 0) {
    got = e->num_refused < max ? e->num_refused : max;
    memcpy(out, e->refused, got * sizeof *out);
    e->num_refused -= got;
    memmove(e->refused, e->refused + got, e->num_refused * sizeof *e->refused);
  }
  e->in_flight -= got;

  /* IOs in the kernel now; no more than that many events can come. */
  const uint32_t in_kernel = e->in_flight - e->num_refused;
  uint32_t room = max - got;
  if (room > in_kernel) room = in_kernel;
  if (room == 0) return (int32_t)got;

  const uint32_t need = min_wait > got ? min_wait - got : 0;
  struct timespec ts = {0, 0};
  struct timespec *tsp = &ts;
  if (need > 0 && timeout_ns == IOP_TIMEOUT_INFINITE) {
    tsp = NULL;
  } else if (need > 0) {
    ts.tv_sec = (time_t)(timeout_ns / 1000000000u);
    ts.tv_nsec = (long)(timeout_ns % 1000000000u);
  }
  /* One system call collects everything that is ready, up to `room`. */
  long r = sys_io_getevents(e->ctx, (long)need, (long)room, e->events, tsp);
  if (r < 0) {
    int saved = errno;
    if (got > 0 || saved == EINTR) return got > 0 ? (int32_t)got : -EINTR;
    return -saved;
  }
  for (long i = 0; i < r; i++) {
    out[got + i].user_data = e->events[i].data;
    out[got + i].res = e->events[i].res;
    out[got + i].aux = 0;
    out[got + i].flags = 0;
  }
  e->in_flight -= (uint32_t)r;
  return (int32_t)(got + (uint32_t)r);
}

/* ------------------------------------------------------------------------ */
/* Descriptor and entry                                                      */
/* ------------------------------------------------------------------------ */

static const iop_engine_desc aio_desc = {
    .struct_size = sizeof(iop_engine_desc),
    .abi_major = IOP_ABI_MAJOR,
    .abi_minor = IOP_ABI_MINOR,
    .min_host_abi_minor = 0,
    .reserved0 = 0,
    .reserved1 = 0,
    .name = AIO_ENGINE_NAME,
    .version = "2.0.0",
    .description = "Linux kernel AIO (io_submit/io_getevents, no libaio library); "
                   "asynchronous only with --direct",
    .caps = IOP_CAP_ASYNC | IOP_CAP_BATCH_SUBMIT | IOP_CAP_FSYNC | IOP_CAP_FDATASYNC | IOP_CAP_TRIM |
            IOP_CAP_DIRECT | IOP_CAP_IO_DSYNC | IOP_CAP_IO_NOWAIT | IOP_CAP_IOPRIO |
            IOP_CAP_COMPLETION_FD | IOP_CAP_CONTROL | IOP_CAP_REPORT,
    .required_caps = 0,
    .max_queue_depth = AIO_MAX_QUEUE_DEPTH,
    .min_buf_align = 0,
    .io_priv_size = sizeof(struct iocb),
    .num_options = NUM_OPTIONS,
    .options = aio_options,
    .create = aio_create,
    .destroy = aio_destroy,
    .open_file = aio_open_file,
    .close_file = aio_close_file,
    .register_buffers = NULL,
    .submit = aio_submit,
    .reap = aio_reap,
    .completion_fd = aio_completion_fd,
    .alloc_buffer = NULL,
    .free_buffer = NULL,
    .control = aio_control,
    .error_text = NULL,
    .report = aio_report,
};

IOP_EXPORT int32_t iopulse_engine_entry(const iop_host_info *host, const iop_engine_desc **out) {
  if (out == NULL) return -EINVAL;
  int32_t rc = iop_check_host(host);
  if (rc != 0) return rc;
  host_log = host->log;
  host_log_ctx = host->log_ctx;
  *out = &aio_desc;
  return 0;
}
