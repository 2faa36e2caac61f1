/* SPDX-License-Identifier: MIT
 * SPDX-FileCopyrightText: 2026 The IOPulse authors */
/*
 * io_uring -- asynchronous IO through an io_uring instance (liburing).
 *
 * One ring per engine instance, sized to the queue depth (twice that with
 * sqpoll, see sq_entries()).  submit() turns
 * each accepted IO into one SQE (READ/WRITE, READ_FIXED/WRITE_FIXED with
 * fixed-buffers, FSYNC) whose user_data is the IO's user_data, and hands the
 * whole batch to the kernel with one io_uring_submit(), i.e. one
 * io_uring_enter() per batch (none at all with sqpoll while the kernel
 * thread is awake).  reap() copies every CQE already posted into the host's
 * array and advances the CQ once; only when fewer than min_wait are there
 * does it enter the kernel to wait, with the timeout passed directly
 * (IORING_FEAT_EXT_ARG), so no timeout SQE is ever queued.  The per-IO path
 * allocates nothing, takes no lock and makes no system call; io.priv is not
 * used.
 *
 * The ring is created with the most useful setup flags the kernel accepts,
 * tried in turn and dropped on EINVAL:
 *   SUBMIT_ALL | SINGLE_ISSUER | DEFER_TASKRUN | TASKRUN_FLAG
 *       (6.1: completion work runs only when this thread enters the kernel,
 *       which fits one instance per thread; the kernel says in the SQ
 *       ring's flags when such work is queued, IORING_SQ_TASKRUN)
 *   SUBMIT_ALL | SINGLE_ISSUER | DEFER_TASKRUN
 *   SUBMIT_ALL | COOP_TASKRUN                   (5.19)
 *   none
 * With sqpoll the kernel thread is the issuer, so only SUBMIT_ALL is tried.
 *
 * Reaping.  With DEFER_TASKRUN (and with iopoll but no sqpoll) completions
 * appear only when this thread enters the kernel with GETEVENTS: submit()
 * always asks for events in the same enter, and liburing's wait functions
 * do.  A reap() that does not wait (timeout 0, as the completion fd's reader
 * calls it) enters only when completions may be held back:
 *   - with TASKRUN_FLAG, while IORING_SQ_TASKRUN (or CQ_OVERFLOW) is set or
 *     SQEs are left unsubmitted, a few times at most; should work still be
 *     queued then, it signals the completion fd itself.  The kernel sets
 *     IORING_SQ_TASKRUN when it queues completion work on an empty list
 *     (the moment it signals the completion fd) and when a run leaves work
 *     behind (it runs at most 20 items per enter), and clears it as a run
 *     starts, so a reap that returns with the flag clear leaves nothing that
 *     the completion fd will not announce (engine.h, completion_fd()).  A
 *     submit's enter has usually run the work already: then the reap reads
 *     the CQ ring and makes no system call, as fio's does;
 *   - without TASKRUN_FLAG (it cannot tell), and with iopoll (only polling
 *     finds completions), once, whenever it returns fewer than asked for.
 * The instance report says which rule is in effect ("nonwaiting-reap").
 *
 * IOs the engine refuses before the kernel sees them (a bad file handle, an
 * unknown or unsupported op) still count as accepted and complete with
 * -EBADF / -EINVAL / -EOPNOTSUPP from the next reap(), like any other IO.
 *
 * Per IO: IOP_IO_DSYNC, IOP_IO_NOWAIT and IOP_IO_HIPRI become the SQE's
 * rw_flags (RWF_*), a priority its ioprio, so the kernel applies or refuses
 * them.  HIPRI exists only on an iopoll ring (the kernel refuses RWF_HIPRI
 * elsewhere), where every IO is polled anyway.
 *
 * Trim: a regular file's range is punched out (IORING_OP_FALLOCATE with
 * PUNCH_HOLE | KEEP_SIZE, as the sync engine does with fallocate(2)); a block
 * device's range is discarded with the block layer's io_uring command
 * (BLOCK_URING_CMD_DISCARD, Linux 6.12; older kernels fail the IO with their
 * error).
 *
 * What an instance really does depends on its options, so report() narrows
 * the descriptor's capabilities: POLLED and HIPRI only with iopoll; FSYNC,
 * FDATASYNC and TRIM not with iopoll (an iopoll ring takes only polled
 * reads and writes); the completion fd not with iopoll without sqpoll
 * (completions appear only when this thread polls); REGISTERED_BUFFERS and
 * FIXED_FILES only when asked for.  Its settings say which setup flags the
 * kernel accepted, the SQ size, and what else is in effect.
 *
 * Completion fd: an eventfd registered with the ring
 * (io_uring_register_eventfd), which the kernel signals as completions are
 * posted (with DEFER_TASKRUN, as completion work is queued for this thread);
 * the engine signals it itself for IOs it refuses.  With the completion-fd
 * option 0 the engine offers none, and the host waits in reap(): one
 * io_uring_enter(GETEVENTS, min_complete) until min_wait completions are
 * posted.  With DEFER_TASKRUN such a wait runs only as much completion work
 * as it waits for, and the completions of the same group are posted by the
 * next enter (a submit's), as in fio's io_uring engine; on the eventfd the
 * host's reap runs all the queued work at once (docs/fio-compatibility.md,
 * "io_uring: where each tool's latency ends").  control() drops a file's
 * page cache (IOP_CTL_DROP_CACHE).
 *
 * Metadata ops (uring_metadata.c has the table of how each maps to io_uring
 * requests) run on directory handles, asynchronously: each op's requests go
 * in as one linked chain that posts one CQE, and an op that needs more (the
 * rest of a short read, a close after a failed write) goes on from reap().
 * They leave the read/write path at the op check submit() already made, and
 * reap() takes its metadata path only while metadata ops are in flight (one
 * test per reap() call), so a job without them runs exactly the code it ran
 * before.  Set-up happens at the first directory handle: an op record per
 * IO of the queue depth, each with a direct descriptor slot in the ring's
 * registered file table (after the handles with fixed-files).  The SQ holds
 * at least URING_META_MAX_CHAIN entries so that a chain always fits; a batch
 * of chains larger than the SQ is handed to the kernel as the SQ fills, a
 * chain never split.  LIST is done inside submit() (no getdents request in
 * io_uring).  error_text() names the step of a failed metadata op.
 */
#define _GNU_SOURCE

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include <liburing.h>

#include "iopulse/engine.h"
#include "iopulse/engine_helpers.h"
#include "uring_metadata.h"

#define URING_ENGINE_NAME "io_uring"
#define URING_MAX_QUEUE_DEPTH 4096u
#define URING_MIN_FILE_SLOTS 8

/* The block layer's io_uring discard command (<linux/blkdev.h>, Linux
 * 6.12); defined here because older kernel headers lack it. */
#ifndef BLOCK_URING_CMD_DISCARD
#define BLOCK_URING_CMD_DISCARD _IO(0x12, 0)
#endif

/* The host's log, kept from the entry call: written there, before any
 * instance exists, and only read afterwards. */
static void (*host_log)(void *log_ctx, int32_t level, const char *engine, const char *message);
static void *host_log_ctx;

/* Set once the ring's setup has been logged: every instance of a process
 * gets the same flags (atomic: instances are created on different threads). */
static bool logged_setup;

/* ------------------------------------------------------------------------ */
/* Options                                                                   */
/* ------------------------------------------------------------------------ */

enum {
  OPT_FIXED_BUFFERS = 0,
  OPT_FIXED_FILES,
  OPT_SQPOLL,
  OPT_SQPOLL_CPU,
  OPT_SQPOLL_IDLE_MS,
  OPT_IOPOLL,
  OPT_COMPLETION_FD,
  NUM_OPTIONS
};

static const iop_option_desc uring_options[NUM_OPTIONS] = {
    [OPT_FIXED_BUFFERS] = {
        .struct_size = sizeof(iop_option_desc),
        .name = "fixed-buffers",
        .help = "register the IO buffers with the kernel and use READ_FIXED/WRITE_FIXED "
                "(saves the page pinning per IO)",
        .type = IOP_OPT_BOOL,
        .default_value = "0",
    },
    [OPT_FIXED_FILES] = {
        .struct_size = sizeof(iop_option_desc),
        .name = "fixed-files",
        .help = "register the file descriptors with the ring (IOSQE_FIXED_FILE; saves the "
                "file lookup per IO)",
        .type = IOP_OPT_BOOL,
        .default_value = "0",
    },
    [OPT_SQPOLL] = {
        .struct_size = sizeof(iop_option_desc),
        .name = "sqpoll",
        .help = "a kernel thread polls the submission queue, so submitting needs no "
                "system call (IORING_SETUP_SQPOLL; burns a CPU while busy)",
        .type = IOP_OPT_BOOL,
        .default_value = "0",
    },
    [OPT_SQPOLL_CPU] = {
        .struct_size = sizeof(iop_option_desc),
        .name = "sqpoll-cpu",
        .help = "with sqpoll: pin the kernel polling thread to this CPU (-1: not pinned)",
        .type = IOP_OPT_INT,
        .default_value = "-1",
        .min_value = -1,
        .max_value = 65535,
    },
    [OPT_SQPOLL_IDLE_MS] = {
        .struct_size = sizeof(iop_option_desc),
        .name = "sqpoll-idle-ms",
        .help = "with sqpoll: milliseconds without work before the polling thread sleeps",
        .type = IOP_OPT_INT,
        .default_value = "1000",
        .min_value = 0,
        .max_value = 3600000,
    },
    [OPT_IOPOLL] = {
        .struct_size = sizeof(iop_option_desc),
        .name = "iopoll",
        .help = "busy-poll the device for completions instead of waiting for interrupts "
                "(IORING_SETUP_IOPOLL; needs --direct and a device with poll queues)",
        .type = IOP_OPT_BOOL,
        .default_value = "0",
    },
    [OPT_COMPLETION_FD] = {
        .struct_size = sizeof(iop_option_desc),
        .name = "completion-fd",
        .help = "offer the completion eventfd, on which the host waits at queue depth 2 or more "
                "and then reaps every completion that arrived (1); 0: the host waits inside "
                "io_uring_enter for one completion, as fio does (with DEFER_TASKRUN the kernel then "
                "runs only that one's completion work), and sees a stop within 100 ms; data IO at "
                "queue depth 1 is waited for inside io_uring_enter either way",
        .type = IOP_OPT_BOOL,
        .default_value = "1",
    },
};

/* ------------------------------------------------------------------------ */
/* Instance                                                                  */
/* ------------------------------------------------------------------------ */

/* One instance per worker thread; nothing here is shared.
 *
 * in_flight counts IOs accepted by submit() and not yet returned by reap(),
 * whether they went to the kernel or were refused on the spot; submit()
 * keeps it <= queue_depth <= SQ entries, so the CQ (twice the SQ) can never
 * overflow.  refused[] holds the completions of refused IOs (capacity
 * queue_depth, num_refused used, oldest first); reap() hands them out first.
 *
 * files holds a struct uring_file per file handle (fd -1 for a free
 * handle).  With fixed-files the fds are the ring's registered file table
 * (handle == fixed index), kept in step by open_file()/close_file(); it only
 * grows in open_file(), so submit() reads it without allocating.
 *
 * event_fd is the completion fd once the host asked for it, else -1.
 * settings[] and the text buffers they point to are the instance report,
 * written in create().
 *
 * num_buffers is how many buffers register_buffers() registered (0 when
 * fixed-buffers is off); an IO uses READ_FIXED/WRITE_FIXED only when its
 * buf_index is below it. */
struct iop_engine {
  struct io_uring ring;
  bool ring_ready;
  unsigned setup_flags;  /* IORING_SETUP_* the ring was created with (or,
                            when that failed, last tried with) */
  uint32_t sq_thread_cpu; /* with SQ_AFF: the CPU of the sqpoll thread */
  bool reap_must_enter;  /* DEFER_TASKRUN, or IOPOLL without SQPOLL:
                            completions appear only when this thread enters
                            with GETEVENTS */
  bool sees_taskrun;     /* DEFER_TASKRUN with TASKRUN_FLAG (no IOPOLL
                            polled by this thread): IORING_SQ_TASKRUN says
                            when completion work is queued */
  bool iopoll;           /* the ring has IORING_SETUP_IOPOLL */
  bool poll_for_completions; /* IOPOLL without SQPOLL: this thread polls */
  bool offers_completion_fd; /* the completion-fd option, and not polling */
  bool fixed_buffers;
  bool fixed_files;
  uint32_t queue_depth;
  uint32_t in_flight;

  iop_cqe *refused;
  uint32_t num_refused;

  iop_file_table files;
  bool files_registered;

  uint32_t num_buffers;

  int event_fd;
  uint64_t caps; /* what this instance really does (see the top) */
  iop_setting settings[10];
  uint32_t num_settings;
  char setup_text[160];
  char sq_text[16];
  char sqpoll_text[48];
  char meta_async_text[128];
  char meta_sync_text[32];

  /* Metadata ops (uring_metadata.h): meta.caps from the probe at create(),
   * the rest set up at the first directory handle. */
  struct uring_meta meta;
};

/* One file handle: the host's descriptor, how an SQE names it, and whether it
 * is a block device
 * (trim discards instead of punching a hole). */
struct uring_file {
  int fd;
  int sqe_fd;        /* what an SQE names: the handle with fixed-files
                        (the registered table's index), else fd */
  uint8_t sqe_flags; /* IOSQE_FIXED_FILE with fixed-files, else 0 */
  bool block_device;
};

/* The record of a free file handle. */
static const struct uring_file no_file = {-1, -1, 0, false};

static const iop_engine_desc uring_desc;

/* The record of file handle h (in range). */
static inline struct uring_file *file_of(const iop_engine *e, int32_t h) {
  return (struct uring_file *)e->files.slots + h;
}

static void log_line(int32_t level, const char *message) {
  if (host_log != NULL) host_log(host_log_ctx, level, URING_ENGINE_NAME, message);
}

/* /proc/sys/kernel/io_uring_disabled: 0 allowed, 1 only for the
 * io_uring_group and CAP_SYS_ADMIN, 2 nobody; -1 when the kernel has no such
 * switch (before 6.6) or it cannot be read. */
static int io_uring_disabled_sysctl(void) {
  FILE *f = fopen("/proc/sys/kernel/io_uring_disabled", "re");
  if (f == NULL) return -1;
  int v = -1;
  if (fscanf(f, "%d", &v) != 1) v = -1;
  fclose(f);
  return v;
}

static void describe_flags(unsigned flags, char *out, size_t len) {
  static const struct { unsigned flag; const char *name; } names[] = {
      {IORING_SETUP_IOPOLL, "IOPOLL"},
      {IORING_SETUP_SQPOLL, "SQPOLL"},
      {IORING_SETUP_SQ_AFF, "SQ_AFF"},
      {IORING_SETUP_SUBMIT_ALL, "SUBMIT_ALL"},
      {IORING_SETUP_COOP_TASKRUN, "COOP_TASKRUN"},
      {IORING_SETUP_SINGLE_ISSUER, "SINGLE_ISSUER"},
      {IORING_SETUP_DEFER_TASKRUN, "DEFER_TASKRUN"},
      {IORING_SETUP_TASKRUN_FLAG, "TASKRUN_FLAG"},
  };
  size_t used = 0;
  out[0] = '\0';
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    if ((flags & names[i].flag) == 0) continue;
    int w = snprintf(out + used, len - used, "%s%s", used ? "|" : "", names[i].name);
    if (w < 0 || (size_t)w >= len - used) break;
    used += (size_t)w;
  }
  if (used == 0) snprintf(out, len, "none");
}

/* Explains why io_uring_queue_init_params() failed with `rc`. */
static void set_setup_error(iop_error *err, int rc, const struct iop_engine *e,
                            uint32_t entries) {
  if (rc == -ENOSYS || rc == -EPERM) {
    int disabled = io_uring_disabled_sysctl();
    char sysctl[64] = "";
    if (disabled >= 0) snprintf(sysctl, sizeof sysctl, "kernel.io_uring_disabled=%d; ", disabled);
    iop_set_error(err,
                  "io_uring is not available: io_uring_setup failed (%s); %scheck "
                  "`sysctl kernel.io_uring_disabled` (0 allows it) and, in a container, whether "
                  "a seccomp profile blocks io_uring_setup%s",
                  strerror(-rc), sysctl,
                  rc == -EPERM && (e->setup_flags & IORING_SETUP_SQPOLL)
                      ? "; before Linux 5.11 sqpoll also needs CAP_SYS_ADMIN"
                      : "");
    return;
  }
  if (rc == -EINVAL && (e->setup_flags & IORING_SETUP_SQ_AFF)) {
    iop_set_error(err,
                  "io_uring_setup with sqpoll pinned to CPU %u failed (%s): is sqpoll-cpu an "
                  "online CPU this process may use?",
                  (unsigned)e->sq_thread_cpu, strerror(-rc));
    return;
  }
  if (rc == -ENOMEM) {
    iop_set_error(err,
                  "io_uring_setup of %u entries failed (%s): the ring's memory is locked memory; "
                  "check `ulimit -l` or use a smaller --queue-depth",
                  (unsigned)entries, strerror(-rc));
    return;
  }
  iop_set_error(err, "io_uring_setup of %u entries%s%s failed (%s)", (unsigned)entries,
                e->setup_flags & IORING_SETUP_SQPOLL ? " with sqpoll" : "",
                e->setup_flags & IORING_SETUP_IOPOLL ? " with iopoll" : "", strerror(-rc));
}

static void uring_destroy(iop_engine *e) {
  if (e == NULL) return;
  if (e->ring_ready) io_uring_queue_exit(&e->ring); /* drops registrations too */
  uring_meta_destroy(&e->meta);
  if (e->event_fd >= 0) close(e->event_fd);
  free(e->refused);
  iop_file_table_destroy(&e->files);
  free(e);
}

/* SQ entries for a ring of `queue_depth` (the kernel rounds up to a power
 * of two; the CQ gets twice as many), and at least the longest chain of
 * requests of one metadata op, so that one always fits.  The sqpoll thread
 * commits the SQ head only after it has issued its whole batch, so
 * completions of that batch can be reaped while their SQEs still occupy the
 * ring: then up to queue_depth consumed-but-uncommitted SQEs sit beside the
 * IOs the host wants to start now.  Twice the queue depth leaves room for
 * both. */
static unsigned sq_entries(uint32_t queue_depth, bool sqpoll) {
  const unsigned depth = queue_depth > URING_META_MAX_CHAIN ? queue_depth : URING_META_MAX_CHAIN;
  return sqpoll ? 2 * depth : depth;
}

/* Creates the ring, trying the modern setup flags in turn (see the top of
 * the file).  `base` holds the flags the options demand. */
static int create_ring(iop_engine *e, const iop_engine_config *config, unsigned base) {
  static const unsigned modern[] = {
      IORING_SETUP_SUBMIT_ALL | IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN |
          IORING_SETUP_TASKRUN_FLAG,
      IORING_SETUP_SUBMIT_ALL | IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN,
      IORING_SETUP_SUBMIT_ALL | IORING_SETUP_COOP_TASKRUN,
      0,
  };
  static const unsigned with_sqpoll[] = {IORING_SETUP_SUBMIT_ALL, 0};
  const bool sqpoll = (base & IORING_SETUP_SQPOLL) != 0;
  const unsigned *ladder = sqpoll ? with_sqpoll : modern;
  const size_t steps = sqpoll ? sizeof with_sqpoll / sizeof with_sqpoll[0]
                              : sizeof modern / sizeof modern[0];
  int rc = -EINVAL;
  for (size_t i = 0; i < steps; i++) {
    struct io_uring_params p;
    memset(&p, 0, sizeof p);
    p.flags = base | ladder[i];
    if (sqpoll) {
      p.sq_thread_idle = (uint32_t)config->options[OPT_SQPOLL_IDLE_MS].i;
      if (config->options[OPT_SQPOLL_CPU].i >= 0)
        p.sq_thread_cpu = e->sq_thread_cpu = (uint32_t)config->options[OPT_SQPOLL_CPU].i;
    }
    e->setup_flags = p.flags;
    rc = io_uring_queue_init_params(sq_entries(config->queue_depth, sqpoll), &e->ring, &p);
    if (rc == 0) {
      e->ring_ready = true;
      return 0;
    }
    if (rc != -EINVAL) return rc;
  }
  return rc;
}

/* Fills the instance report (settings and capabilities) once the ring is
 * set up; see the top of the file for what depends on what. */
static void describe_instance(iop_engine *e, bool sqpoll, bool ring_fd_registered) {
  describe_flags(e->setup_flags, e->setup_text, sizeof e->setup_text);
  snprintf(e->sq_text, sizeof e->sq_text, "%u", e->ring.sq.ring_entries);
  uint32_t n = 0;
  e->settings[n++] = (iop_setting){"setup-flags", e->setup_text};
  e->settings[n++] = (iop_setting){"sq-entries", e->sq_text};
  if (sqpoll) {
    if (e->setup_flags & IORING_SETUP_SQ_AFF)
      snprintf(e->sqpoll_text, sizeof e->sqpoll_text, "on, cpu %u", (unsigned)e->sq_thread_cpu);
    else
      snprintf(e->sqpoll_text, sizeof e->sqpoll_text, "on");
    e->settings[n++] = (iop_setting){"sqpoll", e->sqpoll_text};
  }
  if (e->fixed_files) e->settings[n++] = (iop_setting){"fixed-files", "on"};
  if (e->fixed_buffers) e->settings[n++] = (iop_setting){"fixed-buffers", "on"};
  e->settings[n++] =
      (iop_setting){"ring-fd", ring_fd_registered ? "registered" : "not registered"};
  /* When a reap() that does not wait enters the kernel (see the top). */
  e->settings[n++] = (iop_setting){
      "nonwaiting-reap", e->poll_for_completions ? "polls the device"
                         : e->sees_taskrun       ? "enters while the kernel flags work (IORING_SQ_TASKRUN)"
                         : e->reap_must_enter    ? "enters when it returns fewer than asked"
                                                 : "reads the CQ ring only"};
  /* Where the host waits for completions (see the completion-fd option). */
  e->settings[n++] = (iop_setting){
      "completion-wait", e->poll_for_completions  ? "polls the device in reap()"
                         : e->offers_completion_fd ? "on the completion eventfd, then reaps all (data IO at queue "
                                                     "depth 1: in io_uring_enter(min_complete) in reap())"
                                                   : "in io_uring_enter(min_complete) in reap()"};
  if (e->meta.caps != 0) {
    uring_meta_describe(e->meta.caps, e->meta_async_text, sizeof e->meta_async_text,
                        e->meta_sync_text, sizeof e->meta_sync_text);
    e->settings[n++] = (iop_setting){"meta-async", e->meta_async_text};
    e->settings[n++] = (iop_setting){"meta-sync", e->meta_sync_text};
  }
  e->num_settings = n;

  uint64_t caps = uring_desc.caps;
  caps &= ~(IOP_CAP_META_ALL | IOP_CAP_META_RENAME_NOREPLACE) | e->meta.caps;
  if (!e->iopoll) caps &= ~(IOP_CAP_POLLED | IOP_CAP_IO_HIPRI);
  if (e->iopoll) caps &= ~(IOP_CAP_FSYNC | IOP_CAP_FDATASYNC | IOP_CAP_TRIM);
  if (!e->offers_completion_fd) caps &= ~IOP_CAP_COMPLETION_FD;
  if (!e->fixed_buffers) caps &= ~IOP_CAP_REGISTERED_BUFFERS;
  if (!e->fixed_files) caps &= ~IOP_CAP_FIXED_FILES;
  e->caps = caps;
}

static int32_t uring_create(const iop_engine_config *config, iop_engine **out, iop_error *err) {
  int32_t rc = iop_check_config(config, out, &uring_desc, err);
  if (rc != 0) return rc;
  const iop_option_value *opt = config->options;
  const bool sqpoll = opt[OPT_SQPOLL].i != 0;
  const bool iopoll = opt[OPT_IOPOLL].i != 0;
  if (!sqpoll && (opt[OPT_SQPOLL_CPU].i != -1 || opt[OPT_SQPOLL_IDLE_MS].i != 1000)) {
    iop_set_error(err, "%s needs sqpoll=true: it sets up the submission queue's polling thread",
                  opt[OPT_SQPOLL_CPU].i != -1 ? "sqpoll-cpu" : "sqpoll-idle-ms");
    return -EINVAL;
  }
  if (iopoll && (config->flags & IOP_CONFIG_DIRECT) == 0) {
    iop_set_error(err,
                  "iopoll needs --direct (O_DIRECT): polled completions exist only for "
                  "direct IO");
    return -EINVAL;
  }

  iop_engine *e = calloc(1, sizeof *e);
  if (e == NULL) goto oom;
  e->event_fd = -1;
  iop_file_table_init(&e->files, sizeof(struct uring_file), &no_file);
  e->refused = calloc(config->queue_depth, sizeof *e->refused);
  if (e->refused == NULL) goto oom;
  e->queue_depth = config->queue_depth;
  e->fixed_buffers = opt[OPT_FIXED_BUFFERS].i != 0;
  e->fixed_files = opt[OPT_FIXED_FILES].i != 0;

  unsigned base = 0;
  if (iopoll) base |= IORING_SETUP_IOPOLL;
  if (sqpoll) base |= IORING_SETUP_SQPOLL;
  if (sqpoll && opt[OPT_SQPOLL_CPU].i >= 0) base |= IORING_SETUP_SQ_AFF;
  rc = create_ring(e, config, base);
  if (rc < 0) {
    set_setup_error(err, rc, e, config->queue_depth);
    uring_destroy(e);
    return rc;
  }
  if ((e->ring.features & IORING_FEAT_EXT_ARG) == 0) {
    iop_set_error(err,
                  "the kernel's io_uring lacks IORING_FEAT_EXT_ARG (Linux 5.11), which this "
                  "engine needs for reap timeouts");
    uring_destroy(e);
    return -ENOTSUP;
  }
  e->iopoll = iopoll;
  e->poll_for_completions = iopoll && !sqpoll;
  e->offers_completion_fd = opt[OPT_COMPLETION_FD].i != 0 && !e->poll_for_completions;
  e->reap_must_enter =
      (e->setup_flags & IORING_SETUP_DEFER_TASKRUN) != 0 || e->poll_for_completions;
  e->sees_taskrun = !e->poll_for_completions &&
                    (e->setup_flags & IORING_SETUP_DEFER_TASKRUN) != 0 &&
                    (e->setup_flags & IORING_SETUP_TASKRUN_FLAG) != 0;
  /* Lets io_uring_enter() skip the ring's fd lookup; optional (5.18). */
  const bool ring_fd_registered = io_uring_register_ring_fd(&e->ring) == 1;
  /* An iopoll ring takes only polled reads and writes. */
  e->meta.ring = &e->ring;
  e->meta.caps = iopoll ? 0 : uring_meta_probe(&e->ring);
  e->meta.sqpoll = sqpoll;
  describe_instance(e, sqpoll, ring_fd_registered);

  if (!__atomic_exchange_n(&logged_setup, true, __ATOMIC_RELAXED)) {
    char line[256];
    snprintf(line, sizeof line, "ring of %u SQEs, setup flags %s", e->ring.sq.ring_entries,
             e->setup_text);
    log_line(IOP_LOG_DEBUG, line);
  }
  *out = e;
  return 0;

oom:
  uring_destroy(e);
  iop_set_error(err, "out of memory for an engine instance");
  return -ENOMEM;
}

/* ------------------------------------------------------------------------ */
/* Files and buffers                                                         */
/* ------------------------------------------------------------------------ */

/* (Re-)registers the ring's file table, sized for what uses it: with
 * fixed-files the handles' descriptors at [0, num_slots) (handle == index),
 * then, once metadata ops are set up, one empty slot per op record for its
 * direct descriptor (meta.direct_base on).  Called when the handle table
 * grew and when metadata ops are set up; the direct slots move, so no
 * metadata op may be in flight. */
static int register_file_table(iop_engine *e, iop_error *err) {
  const uint32_t handles = e->fixed_files ? (uint32_t)e->files.num_slots : 0;
  const uint32_t direct = uring_meta_direct_slots(&e->meta);
  const uint32_t slots = handles + direct;
  if (e->files_registered) {
    if (e->meta.in_flight > 0) {
      iop_set_error(err,
                    "the ring's file table cannot grow while metadata ops are in flight "
                    "(open every handle before the IO starts)");
      return -EBUSY;
    }
    int rc = io_uring_unregister_files(&e->ring);
    if (rc < 0) {
      iop_set_error(err, "io_uring_unregister_files failed (%s)", strerror(-rc));
      return rc;
    }
    e->files_registered = false;
  }
  if (slots == 0) return 0;
  /* Free slots are -1: the kernel keeps them as empty (sparse) entries. */
  int *fds = calloc(slots, sizeof *fds);
  if (fds == NULL) {
    iop_set_error(err, "out of memory for %u file slots", (unsigned)slots);
    return -ENOMEM;
  }
  for (uint32_t k = 0; k < slots; k++) fds[k] = k < handles ? file_of(e, (int32_t)k)->fd : -1;
  int rc = io_uring_register_files(&e->ring, fds, slots);
  free(fds);
  if (rc < 0) {
    iop_set_error(err, "io_uring_register_files of %u slots (%u for direct descriptors) failed (%s)%s",
                  (unsigned)slots, (unsigned)direct, strerror(-rc),
                  rc == -EMFILE ? "; raise `ulimit -n`" : "");
    return rc;
  }
  e->meta.direct_base = handles;
  e->files_registered = true;
  return 0;
}

/* Sets up metadata ops at the first directory handle: the op records and
 * the direct descriptor slots in the ring's file table. */
static int setup_metadata(iop_engine *e, const char *path, iop_error *err) {
  int rc = uring_meta_init(&e->meta, &e->ring, e->meta.caps, e->meta.sqpoll, e->queue_depth);
  if (rc < 0) {
    iop_set_error(err, "%s: out of memory for %u metadata op records", path,
                  (unsigned)e->queue_depth);
    return rc;
  }
  rc = register_file_table(e, err);
  if (rc < 0) uring_meta_destroy(&e->meta);
  return rc;
}

/* With iopoll every read and write would fail with EOPNOTSUPP on a block
 * device without poll queues; say so once, at open.  Looks at the queue of
 * the device holding the file (or of the block device itself; a partition's
 * queue is its disk's).  Returns true when polling is known to be off, and
 * the device's sysfs file in `where`. */
static bool device_cannot_poll(int fd, char *where, size_t len) {
  struct stat st;
  if (fstat(fd, &st) != 0) return false;
  const dev_t dev = S_ISBLK(st.st_mode) ? st.st_rdev : st.st_dev;
  const char *const layouts[] = {"/sys/dev/block/%u:%u/queue/io_poll",
                                 "/sys/dev/block/%u:%u/../queue/io_poll"};
  for (size_t i = 0; i < sizeof layouts / sizeof layouts[0]; i++) {
    snprintf(where, len, layouts[i], major(dev), minor(dev));
    FILE *f = fopen(where, "re");
    if (f == NULL) continue;
    int v = -1;
    if (fscanf(f, "%d", &v) != 1) v = -1;
    fclose(f);
    return v == 0;
  }
  return false; /* unknown (not a block device's file system?): let IO tell */
}

/* Takes the host's descriptor; never opens or closes one itself.  Handles
 * are the lowest free slot, so they stay small. */
static int32_t uring_open_file(iop_engine *e, const iop_file_desc *file, iop_error *err) {
  if (file == NULL || file->struct_size < sizeof(iop_file_desc)) {
    iop_set_error(err, "open_file: missing iop_file_desc or struct_size too small");
    return -EINVAL;
  }
  const char *path = file->path != NULL ? file->path : "(no path)";
  if (file->fd < 0) {
    iop_set_error(err, "%s: the io_uring engine needs a descriptor opened by the host", path);
    return -EBADF;
  }
  struct stat st;
  if (fstat(file->fd, &st) != 0) {
    int saved = errno;
    iop_set_error(err, "%s: fstat of fd %d failed: %s", path, file->fd, strerror(saved));
    return -saved;
  }
  const bool directory = (file->flags & IOP_FILE_DIRECTORY) != 0;
  if (directory != S_ISDIR(st.st_mode)) {
    iop_set_error(err, directory ? "%s: IOP_FILE_DIRECTORY but not a directory"
                                 : "%s: a directory, opened without IOP_FILE_DIRECTORY",
                  path);
    return directory ? -ENOTDIR : -EISDIR;
  }
  if (directory && e->meta.caps != 0 && e->meta.capacity == 0) {
    int rc = setup_metadata(e, path, err);
    if (rc < 0) return rc;
  }
  char sysfs[96];
  if (!directory && e->iopoll && device_cannot_poll(file->fd, sysfs, sizeof sysfs)) {
    iop_set_error(err,
                  "%s: iopoll needs a device with poll queues, and %s is 0 (for NVMe, load "
                  "the driver with poll_queues=N); run without iopoll",
                  path, sysfs);
    return -EOPNOTSUPP;
  }
  const int32_t slots = e->files.num_slots;
  int32_t h = iop_file_table_lowest_free(&e->files, URING_MIN_FILE_SLOTS, NULL, err);
  if (h < 0) return h;
  if (e->files.num_slots != slots && e->fixed_files) {
    int rc = register_file_table(e, err);
    if (rc < 0) return rc;
  }
  if (e->fixed_files) {
    int fd = file->fd;
    int rc = io_uring_register_files_update(&e->ring, (unsigned)h, &fd, 1);
    if (rc < 0) {
      iop_set_error(err, "%s: io_uring_register_files_update failed (%s)", path, strerror(-rc));
      return rc;
    }
  }
  file_of(e, h)->fd = file->fd;
  file_of(e, h)->sqe_fd = e->fixed_files ? h : file->fd;
  file_of(e, h)->sqe_flags = e->fixed_files ? IOSQE_FIXED_FILE : 0;
  file_of(e, h)->block_device = S_ISBLK(st.st_mode);
  iop_file_table_mark_open(&e->files, h);
  return h;
}

/* Frees the handle (and its fixed-file slot); the descriptor stays open, it
 * is the host's to close. */
static int32_t uring_close_file(iop_engine *e, int32_t handle, iop_error *err) {
  int32_t rc = iop_file_table_check(&e->files, handle, err);
  if (rc != 0) return rc;
  if (e->fixed_files) {
    int none = -1;
    rc = io_uring_register_files_update(&e->ring, (unsigned)handle, &none, 1);
    if (rc < 0) {
      iop_set_error(err, "close_file: io_uring_register_files_update failed (%s)", strerror(-rc));
      return rc;
    }
  }
  iop_file_table_release(&e->files, handle);
  return 0;
}

/* With fixed-buffers: registers the host's buffers (index i of bufs is the
 * buf_index the host puts in its IOs).  Without it: nothing to do, and IOs
 * use plain READ/WRITE whatever their buf_index. */
static int32_t uring_register_buffers(iop_engine *e, const iop_buffer *bufs, uint32_t n,
                                      iop_error *err) {
  if (!e->fixed_buffers) return 0;
  if (n == 0) return 0;
  if (bufs == NULL) {
    iop_set_error(err, "register_buffers: %u buffers but no array", (unsigned)n);
    return -EINVAL;
  }
  if (e->num_buffers > 0) {
    int rc = io_uring_unregister_buffers(&e->ring);
    if (rc < 0) {
      iop_set_error(err, "io_uring_unregister_buffers failed (%s)", strerror(-rc));
      return rc;
    }
    e->num_buffers = 0;
  }
  struct iovec *iov = calloc(n, sizeof *iov);
  if (iov == NULL) {
    iop_set_error(err, "out of memory for %u buffer descriptions", (unsigned)n);
    return -ENOMEM;
  }
  uint64_t total = 0;
  for (uint32_t i = 0; i < n; i++) {
    iov[i].iov_base = bufs[i].base;
    iov[i].iov_len = (size_t)bufs[i].len;
    total += bufs[i].len;
  }
  int rc = io_uring_register_buffers(&e->ring, iov, n);
  free(iov);
  if (rc < 0) {
    iop_set_error(err, "io_uring_register_buffers of %u buffers (%llu bytes) failed (%s)%s",
                  (unsigned)n, (unsigned long long)total, strerror(-rc),
                  rc == -ENOMEM ? "; registered buffers are locked memory: check `ulimit -l`"
                  : rc == -EOVERFLOW || rc == -EINVAL ? "; a buffer may be larger than 1 GiB"
                                                      : "");
    return rc;
  }
  e->num_buffers = n;
  return 0;
}

/* ------------------------------------------------------------------------ */
/* Data plane                                                                */
/* ------------------------------------------------------------------------ */

/* Completes `io` without the kernel: reap() returns res next time. */
static void refuse(iop_engine *e, const iop_io *io, int64_t res) {
  iop_cqe *c = &e->refused[e->num_refused++];
  c->user_data = io->user_data;
  c->res = res;
  c->aux = 0;
  c->flags = 0;
}

/* RWF_* for the per-IO flags the host set (only those the instance
 * declares). */
static inline int rw_flags_of(const iop_io *io) {
  return ((io->flags & IOP_IO_DSYNC) ? RWF_DSYNC : 0) |
         ((io->flags & IOP_IO_NOWAIT) ? RWF_NOWAIT : 0) |
         ((io->flags & IOP_IO_HIPRI) ? RWF_HIPRI : 0);
}

/* Trim of `io`: punch a hole in a regular file, discard on a block
 * device (see the top of the file). */
static void prep_trim(struct io_uring_sqe *sqe, int fd, bool block_device, const iop_io *io) {
  if (block_device) {
    io_uring_prep_rw(IORING_OP_URING_CMD, sqe, fd, NULL, 0, 0);
    sqe->cmd_op = BLOCK_URING_CMD_DISCARD;
    sqe->addr = io->offset;
    sqe->addr3 = io->len;
  } else {
    io_uring_prep_fallocate(sqe, fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
                            (off_t)io->offset, (off_t)io->len);
  }
}

/* The SQE of an FSYNC, FDATASYNC or TRIM on open file `f`; off the
 * read/write path. */
__attribute__((noinline)) static void prep_sync_or_trim(struct io_uring_sqe *sqe, const iop_io *io,
                                                        const struct uring_file *f) {
  switch (io->op) {
    case IOP_OP_FSYNC:
      io_uring_prep_fsync(sqe, f->sqe_fd, 0);
      break;
    case IOP_OP_FDATASYNC:
      io_uring_prep_fsync(sqe, f->sqe_fd, IORING_FSYNC_DATASYNC);
      break;
    default:
      prep_trim(sqe, f->sqe_fd, f->block_device, io);
      break;
  }
  sqe->flags |= f->sqe_flags;
  io_uring_sqe_set_data64(sqe, io->user_data);
}

/* Starts a metadata op, or refuses an op no engine has: the ops after TRIM,
 * kept off the read/write path.  Returns false when the op's chain found no
 * room in the SQ (not accepted). */
__attribute__((noinline)) static bool submit_other(iop_engine *e, const iop_io *io,
                                                   const struct uring_file *f) {
  if (io->op > IOP_OP_LIST) {
    refuse(e, io, -EINVAL);
    return true;
  }
  if (e->meta.capacity == 0) {
    /* Never set up: no metadata op on this ring, or no directory handle. */
    refuse(e, io, e->meta.caps == 0 ? -EOPNOTSUPP : -ENOTDIR);
    return true;
  }
  int dir2fd = f->fd;
  if (io->op == IOP_OP_RENAME && io->meta != NULL && io->meta->dir2 >= 0)
    dir2fd = iop_file_table_is_open(&e->files, io->meta->dir2) ? file_of(e, io->meta->dir2)->fd : -1;
  return uring_meta_start(&e->meta, io, f->fd, dir2fd) == URING_META_ACCEPTED;
}

static int32_t uring_submit(iop_engine *e, iop_io *const *ios, uint32_t n, uint32_t flags) {
  if (flags & ~IOP_SUBMIT_KNOWN_FLAGS) return -EINVAL;
  /* The texts of the last reap's metadata completions expire now. */
  if (e->meta.num_reaped > 0) uring_meta_release_reaped(&e->meta);

  /* Accept what fits both the queue depth and the free SQEs (with sqpoll the
   * kernel thread may not have released the last batch's SQEs yet; see
   * sq_entries()).  Should none be free, wait for the thread once rather
   * than accept nothing while nothing may be in flight. */
  const uint32_t room = e->queue_depth - e->in_flight;
  unsigned sq_free = io_uring_sq_space_left(&e->ring);
  if (sq_free == 0 && room > 0 && n > 0 && (e->setup_flags & IORING_SETUP_SQPOLL)) {
    (void)io_uring_sqring_wait(&e->ring);
    sq_free = io_uring_sq_space_left(&e->ring);
  }
  if (n > room) n = room;
  const uint32_t n_room = n;
  if (n > sq_free) n = sq_free;

  const uint32_t refused_before = e->num_refused;
  const uint32_t ready_before = e->meta.num_ready;
  /* A free handle's record has fd -1 (no_file), so the record alone says
   * whether a handle is open; a negative handle is a large unsigned one. */
  const struct uring_file *files = e->files.slots;
  const uint32_t num_files = (uint32_t)e->files.num_slots;
  const uint32_t num_buffers = e->num_buffers;
  /* The SQ's tail is kept here and stored once at the end (and around a
   * metadata op, which takes SQEs through liburing): every SQE store may
   * alias memory, so what the loop needs lives in locals. */
  struct io_uring_sq *sq = &e->ring.sq;
  struct io_uring_sqe *const sqes = sq->sqes;
  const unsigned sq_mask = sq->ring_mask;
  unsigned sqe_tail = sq->sqe_tail;
  uint32_t queued = 0;
  for (uint32_t i = 0; i < n; i++) {
    const iop_io *io = ios[i];
    const uint32_t h = (uint32_t)io->file;
    if (h >= num_files || files[h].fd < 0) {
      refuse(e, io, -EBADF);
      continue;
    }
    const struct uring_file *f = &files[h];
    if (io->op > IOP_OP_TRIM) { /* READ, WRITE, FSYNC, FDATASYNC, TRIM are 0..4 */
      sq->sqe_tail = sqe_tail;
      const bool started = submit_other(e, io, f);
      sqe_tail = sq->sqe_tail;
      if (!started) {
        n = i;
        break;
      }
      queued++;
      /* A metadata chain took up to URING_META_MAX_CHAIN SQEs (or a flush
       * freed them all): every IO after it takes one. */
      const uint32_t limit = i + 1 + io_uring_sq_space_left(&e->ring);
      n = n_room < limit ? n_room : limit;
      continue;
    }
    /* At most sq_free SQEs are taken, and the ring has no SQE128: the next
     * one is the slot at sqe_tail (as io_uring_get_sqe() finds it, without
     * its load of the kernel's head per SQE). */
    struct io_uring_sqe *sqe = &sqes[sqe_tail++ & sq_mask];
    if (io->op <= IOP_OP_WRITE) {
      /* The whole SQE in one store, every field the kernel reads and not
       * set here zero, as io_uring_prep_read/write(_fixed) leave it. */
      const bool fixed_buf = (uint32_t)io->buf_index < num_buffers; /* -1: none */
      static const uint8_t rw_opcode[2][2] = {
          [IOP_OP_READ] = {IORING_OP_READ, IORING_OP_READ_FIXED},
          [IOP_OP_WRITE] = {IORING_OP_WRITE, IORING_OP_WRITE_FIXED},
      };
      *sqe = (struct io_uring_sqe){
          .opcode = rw_opcode[io->op][fixed_buf],
          .flags = f->sqe_flags,
          .ioprio = io->ioprio,
          .fd = f->sqe_fd,
          .off = io->offset,
          .addr = (uint64_t)(uintptr_t)io->buf,
          .len = io->len,
          .rw_flags = io->flags != 0 ? rw_flags_of(io) : 0,
          .user_data = io->user_data,
          .buf_index = fixed_buf ? (uint16_t)io->buf_index : 0,
      };
      queued++;
      continue;
    }
    prep_sync_or_trim(sqe, io, f);
    queued++;
  }
  sq->sqe_tail = sqe_tail;

  if (queued > 0) {
    /* One io_uring_enter for the batch (none with sqpoll while the thread
     * is awake).  SQEs the kernel did not take now (it ran short of memory,
     * or a signal came) stay in the SQ and go with the next enter: every
     * reap that waits enters with them.  They are accepted all the same.
     *
     * With DEFER_TASKRUN or IOPOLL the same enter also asks for events
     * (GETEVENTS, without waiting): it posts completions that sit as
     * deferred work or on the device.  Otherwise, while every reap() finds
     * at least min_wait completions of IOs done inline (page-cache hits)
     * and so never enters, IOs that went asynchronous (cache misses, pipes)
     * would never complete. */
    int rc = e->reap_must_enter ? io_uring_submit_and_get_events(&e->ring)
                                : io_uring_submit(&e->ring);
    if (rc < 0 && rc != -EAGAIN && rc != -EBUSY && rc != -EINTR) {
      /* The ring itself is broken (e.g. -EEXIST: called from another
       * thread, -EOWNERDEAD: the sqpoll thread died); the host stops. */
      e->num_refused = refused_before;
      return rc;
    }
  }
  /* Refused IOs (and metadata ops done inside submit) are ready at once:
   * say so on the completion fd. */
  if (e->event_fd >= 0 && (e->num_refused > refused_before || e->meta.num_ready > ready_before))
    (void)eventfd_write(e->event_fd, 1);
  e->in_flight += n;
  return (int32_t)n;
}

/* Copies up to `max` posted CQEs into `out` and releases them to the kernel
 * with one CQ head update. */
static uint32_t copy_cqes(iop_engine *e, iop_cqe *out, uint32_t max) {
  /* The CQ head is this thread's alone; the tail is read once (acquire:
   * the CQEs before it are written), not once per CQE as
   * io_uring_for_each_cqe() does.  The ring has no CQE32. */
  struct io_uring_cq *cq = &e->ring.cq;
  const unsigned head = *cq->khead;
  uint32_t n = io_uring_smp_load_acquire(cq->ktail) - head;
  if (n > max) n = max;
  const unsigned mask = cq->ring_mask;
  for (uint32_t i = 0; i < n; i++) {
    const struct io_uring_cqe *cqe = &cq->cqes[(head + i) & mask];
    out[i].user_data = cqe->user_data;
    out[i].res = cqe->res;
    out[i].aux = 0;
    out[i].flags = 0;
  }
  if (n > 0) io_uring_smp_store_release(cq->khead, head + n);
  return n;
}

/* copy_cqes() while metadata ops are in flight: a CQE of one of their
 * chains either continues the op (no completion yet) or finishes it; the
 * others are the host's IOs, copied as they are. */
static uint32_t copy_cqes_with_metadata(iop_engine *e, iop_cqe *out, uint32_t max) {
  struct io_uring_cqe *cqe;
  unsigned head;
  uint32_t n = 0;
  uint32_t seen = 0;
  io_uring_for_each_cqe(&e->ring, head, cqe) {
    if (n == max) break;
    seen++;
    if (uring_meta_owns(&e->meta, cqe->user_data)) {
      const enum uring_meta_completed c =
          uring_meta_complete(&e->meta, cqe->user_data, cqe->res, &out[n]);
      if (c == URING_META_FINISHED) n++;
      if (c != URING_META_NOT_MINE) continue;
    }
    out[n].user_data = cqe->user_data;
    out[n].res = cqe->res;
    out[n].aux = 0;
    out[n].flags = 0;
    n++;
  }
  if (seen > 0) io_uring_cq_advance(&e->ring, seen);
  return n;
}

/* Hands out refused IOs first (up to max); returns how many. */
static uint32_t take_refused(iop_engine *e, iop_cqe *out, uint32_t max) {
  if (e->num_refused == 0) return 0;
  const uint32_t got = e->num_refused < max ? e->num_refused : max;
  memcpy(out, e->refused, got * sizeof *out);
  e->num_refused -= got;
  memmove(e->refused, e->refused + got, e->num_refused * sizeof *e->refused);
  return got;
}

/* Returns reap()'s result `got` (a count, or -errno), and counts the
 * completions as no longer in flight. */
static int32_t finish_reap(iop_engine *e, int32_t got) {
  if (got > 0) e->in_flight -= (uint32_t)got;
  return got;
}

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* With IOPOLL (and no sqpoll thread) completions are found only by this
 * thread polling the device inside io_uring_enter, and the kernel ignores
 * the wait timeout there; it also returns at once while an IO sits in the
 * kernel's worker pool.  So poll in a loop, each round one enter, until
 * min_wait completions are in `out` or the timeout has passed.  Returns
 * the new `got`, or -errno when nothing was reaped and entering failed. */
static int32_t poll_completions(iop_engine *e, iop_cqe *out, uint32_t got, uint32_t max,
                                uint32_t min_wait, uint64_t timeout_ns) {
  const uint64_t deadline =
      timeout_ns == IOP_TIMEOUT_INFINITE ? UINT64_MAX : now_ns() + timeout_ns;
  for (;;) {
    int rc = io_uring_submit_and_wait(&e->ring, min_wait - got);
    got += copy_cqes(e, out + got, max - got);
    if (got >= min_wait) return (int32_t)got;
    if (rc < 0 && rc != -EAGAIN && rc != -EBUSY) return got > 0 ? (int32_t)got : rc;
    if (now_ns() >= deadline) return (int32_t)got;
  }
}

/* Enters this many times at most in one reap() that does not wait. */
#define URING_MAX_NONWAITING_ENTERS 4u

/* With sees_taskrun: whether completions may be held back until this thread
 * enters the kernel: completion work is queued (IORING_SQ_TASKRUN), CQEs
 * wait for room (IORING_SQ_CQ_OVERFLOW; cannot happen while in_flight <=
 * the SQ size, checked all the same), or SQEs a submit left behind wait to
 * be submitted.  A load of the SQ ring's flags (and of its head); no system
 * call. */
static inline bool kernel_holds_completions(const iop_engine *e) {
  const unsigned kflags = __atomic_load_n(e->ring.sq.kflags, __ATOMIC_ACQUIRE);
  return (kflags & (IORING_SQ_TASKRUN | IORING_SQ_CQ_OVERFLOW)) != 0 ||
         io_uring_sq_ready(&e->ring) > 0;
}

/* One enter that runs this thread's completion work (and polls, with
 * iopoll) without waiting; SQEs left behind go with it. */
static inline int enter_for_completions(iop_engine *e) {
  return io_uring_sq_ready(&e->ring) > 0 ? io_uring_submit_and_get_events(&e->ring)
                                         : io_uring_get_events(&e->ring);
}

/* The part of a reap() that does not wait, on a ring whose completions
 * appear only when this thread enters (reap_must_enter), once the CQEs
 * already posted are in `out[0, got)`: enters for more by the rule at the
 * top of the file, copying what each enter posts (through the metadata
 * path when `with_metadata`).  Returns the new `got`, or -errno when
 * nothing was reaped and entering failed. */
static inline int32_t reap_without_waiting(iop_engine *e, iop_cqe *out, uint32_t got,
                                           uint32_t max, bool with_metadata) {
  const uint32_t rounds = e->sees_taskrun ? URING_MAX_NONWAITING_ENTERS : 1u;
  for (uint32_t round = 0; round < rounds && got < max && e->in_flight > got; round++) {
    if (e->sees_taskrun && !kernel_holds_completions(e)) return (int32_t)got;
    int rc = enter_for_completions(e);
    got += with_metadata ? copy_cqes_with_metadata(e, out + got, max - got)
                         : copy_cqes(e, out + got, max - got);
    if (rc < 0) {
      if (got == 0 && rc != -EAGAIN && rc != -EBUSY && rc != -EINTR) return rc;
      break;
    }
  }
  /* Work still queued behind what was reaped (a stream of completions kept
   * the kernel busy, or entering failed): the completion fd may stay silent
   * for it, so signal it here. */
  if (e->sees_taskrun && got < max && e->in_flight > got && e->event_fd >= 0 &&
      kernel_holds_completions(e))
    (void)eventfd_write(e->event_fd, 1);
  return (int32_t)got;
}

/* reap() while metadata ops are in flight (or the texts of the last reap's
 * are held).  A metadata op may need several chains, each one CQE, before
 * it completes, so this waits again until min_wait IOs have completed or
 * the time is up; the chains that ops continue with are submitted by the
 * same enter, or at the end. */
__attribute__((noinline)) static int32_t reap_with_metadata(iop_engine *e, iop_cqe *out,
                                                          uint32_t max, uint32_t min_wait,
                                                          uint64_t timeout_ns) {
  struct uring_meta *m = &e->meta;
  uring_meta_release_reaped(m);
  uint32_t got = take_refused(e, out, max);
  got += uring_meta_take_ready(m, out + got, max - got);
  (void)uring_meta_unpark(m);
  got += copy_cqes_with_metadata(e, out + got, max - got);

  if (got < min_wait && timeout_ns != 0) {
    const uint64_t deadline =
        timeout_ns == IOP_TIMEOUT_INFINITE ? UINT64_MAX : now_ns() + timeout_ns;
    while (got < min_wait) {
      struct __kernel_timespec ts;
      struct __kernel_timespec *tsp = NULL;
      if (deadline != UINT64_MAX) {
        const uint64_t now = now_ns();
        if (now >= deadline) break;
        ts.tv_sec = (long long)((deadline - now) / 1000000000u);
        ts.tv_nsec = (long long)((deadline - now) % 1000000000u);
        tsp = &ts;
      }
      /* Every IO not yet complete has one CQE to come (a metadata op one per
       * chain), except parked ops: then wait for one at a time. */
      const unsigned wait_nr = m->num_parked > 0 ? 1u : min_wait - got;
      struct io_uring_cqe *first;
      int rc = io_uring_submit_and_wait_timeout(&e->ring, &first, wait_nr, tsp, NULL);
      (void)uring_meta_unpark(m);
      got += copy_cqes_with_metadata(e, out + got, max - got);
      if (rc < 0 && rc != -ETIME && rc != -EAGAIN && rc != -EBUSY && rc != -EINTR) {
        if (got == 0) return rc;
        break;
      }
    }
  } else if (got < max && e->in_flight > got && e->reap_must_enter && (got == 0 || timeout_ns == 0)) {
    /* As in uring_reap(). */
    const int32_t rc = reap_without_waiting(e, out, got, max, true);
    if (rc < 0) return rc;
    got = (uint32_t)rc;
  }
  /* Chains queued while reaping go to the kernel now. */
  if (io_uring_sq_ready(&e->ring) > 0) (void)io_uring_submit(&e->ring);
  /* An op whose next chain found no room waits for the next reap(): make
   * sure the host calls it. */
  if (m->num_parked > 0 && e->event_fd >= 0) (void)eventfd_write(e->event_fd, 1);
  return finish_reap(e, (int32_t)got);
}

static int32_t uring_reap(iop_engine *e, iop_cqe *out, uint32_t max, uint32_t min_wait,
                          uint64_t timeout_ns) {
  /* Waiting for more than may be returned, or than will ever complete,
   * cannot succeed: wait for what can. */
  if (min_wait > max) min_wait = max;
  if (min_wait > e->in_flight) min_wait = e->in_flight;
  if ((e->meta.in_flight | e->meta.num_reaped) != 0)
    return reap_with_metadata(e, out, max, min_wait, timeout_ns);

  uint32_t got = take_refused(e, out, max);
  got += copy_cqes(e, out + got, max - got);

  if (got < min_wait && timeout_ns != 0 && e->poll_for_completions) {
    return finish_reap(e, poll_completions(e, out, got, max, min_wait, timeout_ns));
  } else if (got < min_wait && timeout_ns != 0) {
    /* Enter once: submits any SQE left behind, runs deferred completion
     * work and sleeps until min_wait are posted or the timeout passes. */
    struct __kernel_timespec ts;
    struct __kernel_timespec *tsp = NULL;
    if (timeout_ns != IOP_TIMEOUT_INFINITE) {
      ts.tv_sec = (long long)(timeout_ns / 1000000000u);
      ts.tv_nsec = (long long)(timeout_ns % 1000000000u);
      tsp = &ts;
    }
    struct io_uring_cqe *first;
    int rc = io_uring_submit_and_wait_timeout(&e->ring, &first, min_wait - got, tsp, NULL);
    got += copy_cqes(e, out + got, max - got);
    if (rc < 0 && got == 0 && rc != -ETIME && rc != -EAGAIN && rc != -EBUSY) return rc;
  } else if (got < max && e->in_flight > got && e->reap_must_enter && (got == 0 || timeout_ns == 0)) {
    /* Not waiting, but completions may sit as deferred work (DEFER_TASKRUN)
     * or on the device (IOPOLL) until this thread enters the kernel.  A
     * reap with timeout 0 (the completion fd's reader) must not return
     * fewer than `max` while work the kernel will not signal again is
     * queued (it signals the eventfd only when work is queued on an empty
     * list): the rule at the top of the file. */
    const int32_t rc = reap_without_waiting(e, out, got, max, false);
    if (rc < 0) return rc;
    got = (uint32_t)rc;
  }
  return finish_reap(e, (int32_t)got);
}

/* ------------------------------------------------------------------------ */
/* Completion fd, control, report                                            */
/* ------------------------------------------------------------------------ */

static int32_t uring_completion_fd(iop_engine *e, iop_error *err) {
  if (e->event_fd >= 0) return e->event_fd;
  if (e->poll_for_completions) {
    iop_set_error(err,
                  "no completion fd with iopoll and without sqpoll: completions appear only "
                  "when this thread polls the device");
    return -ENOTSUP;
  }
  if (!e->offers_completion_fd) {
    iop_set_error(err, "no completion fd: the completion-fd option is 0 (the host waits in reap())");
    return -ENOTSUP;
  }
  int fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (fd < 0) {
    int saved = errno;
    iop_set_error(err, "eventfd failed: %s", strerror(saved));
    return -saved;
  }
  int rc = io_uring_register_eventfd(&e->ring, fd);
  if (rc < 0) {
    close(fd);
    iop_set_error(err, "io_uring_register_eventfd failed: %s", strerror(-rc));
    return rc;
  }
  e->event_fd = fd;
  return fd;
}

/* IOP_CTL_DROP_CACHE: writes the file's dirty pages back, then drops its
 * page cache, so the next reads go to the device. */
static int32_t uring_control(iop_engine *e, uint32_t op, void *arg, iop_error *err) {
  if (op != IOP_CTL_DROP_CACHE) return -ENOTSUP;
  const int32_t *handle = arg;
  if (handle == NULL || !iop_file_table_is_open(&e->files, *handle)) {
    iop_set_error(err, "drop-cache: not an open file handle");
    return -EBADF;
  }
  const int fd = file_of(e, *handle)->fd;
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

/* The text of a failed metadata op the latest reap() handed out. */
static int32_t uring_error_text(iop_engine *e, uint64_t user_data, iop_error *out) {
  if (out == NULL) return -EINVAL;
  return uring_meta_error_text(&e->meta, user_data, out);
}

static int32_t uring_report(iop_engine *e, iop_instance_report *out, iop_error *err) {
  (void)err;
  out->caps = e->caps;
  out->settings = e->settings;
  out->num_settings = e->num_settings;
  return 0;
}

/* ------------------------------------------------------------------------ */
/* Descriptor and entry                                                      */
/* ------------------------------------------------------------------------ */

static const iop_engine_desc uring_desc = {
    .struct_size = sizeof(iop_engine_desc),
    .abi_major = IOP_ABI_MAJOR,
    .abi_minor = IOP_ABI_MINOR,
    .min_host_abi_minor = 0,
    .reserved0 = 0,
    .reserved1 = 0,
    .name = URING_ENGINE_NAME,
    .version = "2.2.0",
    .description = "Linux io_uring (liburing): batched submission, fixed buffers and files, "
                   "sqpoll, iopoll, asynchronous metadata ops",
    .caps = IOP_CAP_ASYNC | IOP_CAP_BATCH_SUBMIT | IOP_CAP_REGISTERED_BUFFERS |
            IOP_CAP_FIXED_FILES | IOP_CAP_POLLED | IOP_CAP_FSYNC | IOP_CAP_FDATASYNC |
            IOP_CAP_TRIM | IOP_CAP_DIRECT | IOP_CAP_IO_DSYNC | IOP_CAP_IO_HIPRI |
            IOP_CAP_IO_NOWAIT | IOP_CAP_IOPRIO | IOP_CAP_COMPLETION_FD | IOP_CAP_CONTROL |
            IOP_CAP_ERROR_TEXT | IOP_CAP_REPORT | IOP_CAP_META_ALL | IOP_CAP_META_RENAME_NOREPLACE,
    .required_caps = 0,
    .max_queue_depth = URING_MAX_QUEUE_DEPTH,
    .min_buf_align = 0,
    .io_priv_size = 0,
    .num_options = NUM_OPTIONS,
    .options = uring_options,
    .create = uring_create,
    .destroy = uring_destroy,
    .open_file = uring_open_file,
    .close_file = uring_close_file,
    .register_buffers = uring_register_buffers,
    .submit = uring_submit,
    .reap = uring_reap,
    .completion_fd = uring_completion_fd,
    .alloc_buffer = NULL,
    .free_buffer = NULL,
    .control = uring_control,
    .error_text = uring_error_text,
    .report = uring_report,
};

IOP_EXPORT int32_t iopulse_engine_entry(const iop_host_info *host, const iop_engine_desc **out) {
  if (out == NULL) return -EINVAL;
  int32_t rc = iop_check_host(host);
  if (rc != 0) return rc;
  host_log = host->log;
  host_log_ctx = host->log_ctx;
  *out = &uring_desc;
  return 0;
}
