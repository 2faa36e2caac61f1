/* SPDX-License-Identifier: MIT
 * SPDX-FileCopyrightText: 2026 The IOPulse authors */
/*
 * example_ram -- an IOPulse engine that keeps every file in memory.
 *
 * A small but complete engine, built out of tree from the installed SDK
 * only (see CMakeLists.txt and Makefile next to this file).  Each file the
 * host opens becomes a buffer of iop_file_desc.size bytes, allocated and
 * filled with the `fill` byte when the file is opened; reads and writes are
 * memcpy to and from that buffer, trim refills the range, fsync and
 * fdatasync have nothing to do.  Nothing touches the disk, so the engine
 * requires IOP_REQ_DISKLESS and the host neither creates nor opens the
 * target files; it keeps what is written, so it declares
 * IOP_CAP_STORES_DATA and iopulse-engine-check checks the data it returns.
 * Every worker has its own instance and therefore its own copy of each file.
 *
 * The IO happens inside submit(), as in any synchronous engine; the
 * completions wait in a ring until the next reap() hands them to the host.
 * The per-IO path allocates nothing, takes no lock and makes no system call.
 *
 * It also offers a completion fd (IOP_CAP_COMPLETION_FD), to show the
 * contract: an eventfd that becomes readable when completions wait.  Only
 * once the host has asked for it does submit() signal it, once per call
 * that completed IOs; an engine that never gets asked pays nothing.
 */
#define _GNU_SOURCE

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <iopulse/engine.h>
#include <iopulse/engine_helpers.h>

#define RAM_MAX_QUEUE_DEPTH 4096u

/* ------------------------------------------------------------------------ */
/* Options                                                                   */
/* ------------------------------------------------------------------------ */

enum { OPT_FILL = 0, NUM_OPTIONS };

static const iop_option_desc ram_options[NUM_OPTIONS] = {
    [OPT_FILL] = {
        .struct_size = sizeof(iop_option_desc),
        .name = "fill",
        .help = "byte value every file holds when it is opened (and after a trim)",
        .type = IOP_OPT_INT,
        .default_value = "0",
        .min_value = 0,
        .max_value = 255,
    },
};

/* ------------------------------------------------------------------------ */
/* Instance                                                                  */
/* ------------------------------------------------------------------------ */

/* One open file: its bytes (the record of a free handle is all zero). */
struct ram_file {
  unsigned char *data;
  uint64_t size;
};

/* One instance per worker thread; nothing here is shared.
 *
 * Every IO is done inside submit(); its completion waits in `done` until
 * reap() hands it out.  files holds a struct ram_file per handle.
 * event_fd is the completion fd once the host asked for it, else -1. */
struct iop_engine {
  iop_completion_ring done;
  int fill;
  int event_fd;
  iop_file_table files;
};

static const iop_engine_desc ram_desc;

static void ram_destroy(iop_engine *e) {
  if (e == NULL) return;
  for (int32_t h = 0; h < e->files.num_slots; h++) {
    struct ram_file *f = iop_file_table_slot(&e->files, h);
    free(f->data);
  }
  iop_file_table_destroy(&e->files);
  iop_completion_ring_destroy(&e->done);
  if (e->event_fd >= 0) close(e->event_fd);
  free(e);
}

static int32_t ram_create(const iop_engine_config *config, iop_engine **out, iop_error *err) {
  int32_t rc = iop_check_config(config, out, &ram_desc, err);
  if (rc != 0) return rc;

  iop_engine *e = calloc(1, sizeof *e);
  if (e != NULL) {
    e->event_fd = -1;
    iop_file_table_init(&e->files, sizeof(struct ram_file), NULL);
  }
  if (e == NULL || iop_completion_ring_init(&e->done, config->queue_depth) != 0) {
    ram_destroy(e);
    iop_set_error(err, "out of memory for a ring of %u IOs", (unsigned)config->queue_depth);
    return -ENOMEM;
  }
  e->fill = (int)config->options[OPT_FILL].i;
  *out = e;
  return 0;
}

/* Allocates the file's bytes now and writes every page, so the measured
 * window never pays for page faults.  The handle is the lowest free index. */
static int32_t ram_open_file(iop_engine *e, const iop_file_desc *file, iop_error *err) {
  if (file->size == 0 || file->size > (uint64_t)SIZE_MAX) {
    iop_set_error(err, "%s: cannot keep %llu bytes in memory", file->path,
                  (unsigned long long)file->size);
    return -EINVAL;
  }
  int32_t h = iop_file_table_lowest_free(&e->files, 4, NULL, err);
  if (h < 0) return h;
  unsigned char *data = malloc((size_t)file->size);
  if (data == NULL) {
    iop_set_error(err, "%s: out of memory for %llu bytes", file->path,
                  (unsigned long long)file->size);
    return -ENOMEM;
  }
  memset(data, e->fill, (size_t)file->size);
  struct ram_file *f = iop_file_table_slot(&e->files, h);
  f->data = data;
  f->size = file->size;
  iop_file_table_mark_open(&e->files, h);
  return h;
}

static int32_t ram_close_file(iop_engine *e, int32_t handle, iop_error *err) {
  int32_t rc = iop_file_table_check(&e->files, handle, err);
  if (rc != 0) return rc;
  struct ram_file *f = iop_file_table_slot(&e->files, handle);
  free(f->data);
  iop_file_table_release(&e->files, handle);
  return 0;
}

/* ------------------------------------------------------------------------ */
/* Data plane                                                                */
/* ------------------------------------------------------------------------ */

/* Does one IO and returns its result: bytes moved (short at the end of the
 * file), 0 for fsync/fdatasync/trim, or -errno. */
static int64_t ram_do_io(iop_engine *e, const iop_io *io) {
  if (!iop_file_table_is_open(&e->files, io->file)) return -EBADF;
  const struct ram_file *f = iop_file_table_slot(&e->files, io->file);
  uint64_t len = 0;
  if (io->offset < f->size) {
    len = f->size - io->offset;
    if (len > io->len) len = io->len;
  }
  switch (io->op) {
    case IOP_OP_READ:
      memcpy(io->buf, f->data + io->offset, (size_t)len);
      return (int64_t)len;
    case IOP_OP_WRITE:
      if (len == 0 && io->len > 0) return -ENOSPC; /* the file cannot grow */
      memcpy(f->data + io->offset, io->buf, (size_t)len);
      return (int64_t)len;
    case IOP_OP_TRIM:
      memset(f->data + io->offset, e->fill, (size_t)len);
      return 0;
    case IOP_OP_FSYNC:
    case IOP_OP_FDATASYNC:
      return 0; /* memory is as durable as it gets */
    default:
      return -EINVAL;
  }
}

static int32_t ram_submit(iop_engine *e, iop_io *const *ios, uint32_t n, uint32_t flags) {
  if (flags & ~IOP_SUBMIT_KNOWN_FLAGS) return -EINVAL;
  uint32_t room = iop_completion_ring_room(&e->done);
  if (n > room) n = room;
  for (uint32_t i = 0; i < n; i++) {
    iop_cqe *cqe = iop_completion_ring_push(&e->done);
    cqe->user_data = ios[i]->user_data;
    cqe->res = ram_do_io(e, ios[i]);
  }
  /* Completions wait: wake a host that waits on the completion fd. */
  if (e->event_fd >= 0 && n > 0) (void)eventfd_write(e->event_fd, 1);
  return (int32_t)n;
}

/* The completion fd: an eventfd, signalled by submit() from now on. */
static int32_t ram_completion_fd(iop_engine *e, iop_error *err) {
  if (e->event_fd >= 0) return e->event_fd;
  e->event_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (e->event_fd < 0) {
    int saved = errno;
    iop_set_error(err, "eventfd failed: %s", strerror(saved));
    return -saved;
  }
  return e->event_fd;
}

/* Every submitted IO is already complete, so reap() never waits. */
static int32_t ram_reap(iop_engine *e, iop_cqe *out, uint32_t max, uint32_t min_wait,
                        uint64_t timeout_ns) {
  (void)min_wait;
  (void)timeout_ns;
  return (int32_t)iop_completion_ring_take(&e->done, out, iop_completion_ring_waiting(&e->done), max);
}

/* ------------------------------------------------------------------------ */
/* Descriptor and entry                                                      */
/* ------------------------------------------------------------------------ */

static const iop_engine_desc ram_desc = {
    .struct_size = sizeof(iop_engine_desc),
    .abi_major = IOP_ABI_MAJOR,
    .abi_minor = IOP_ABI_MINOR,
    .min_host_abi_minor = 0,
    .name = "example_ram",
    .version = "2.0.0",
    .description = "example out-of-tree engine: each file is a buffer in memory (SDK example)",
    .caps = IOP_CAP_BATCH_SUBMIT | IOP_CAP_FSYNC | IOP_CAP_FDATASYNC | IOP_CAP_TRIM |
            IOP_CAP_STORES_DATA | IOP_CAP_COMPLETION_FD,
    .required_caps = IOP_REQ_DISKLESS,
    .max_queue_depth = RAM_MAX_QUEUE_DEPTH,
    .min_buf_align = 0,
    .io_priv_size = 0,
    .num_options = NUM_OPTIONS,
    .options = ram_options,
    .create = ram_create,
    .destroy = ram_destroy,
    .open_file = ram_open_file,
    .close_file = ram_close_file,
    .register_buffers = NULL,
    .submit = ram_submit,
    .reap = ram_reap,
    .completion_fd = ram_completion_fd,
};

IOP_EXPORT int32_t iopulse_engine_entry(const iop_host_info *host, const iop_engine_desc **out) {
  if (out == NULL) return -EINVAL;
  int32_t rc = iop_check_host(host);
  if (rc != 0) return rc;
  *out = &ram_desc;
  return 0;
}
