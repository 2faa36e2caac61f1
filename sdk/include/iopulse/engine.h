/* SPDX-License-Identifier: MIT
 * SPDX-FileCopyrightText: 2026 The IOPulse authors */
/*
 * iopulse/engine.h -- the IOPulse IO engine ABI.
 *
 * Licence: an engine built against these SDK headers may carry any licence,
 * open or proprietary, and be distributed on its own.  The MIT terms (see
 * LICENSE) apply to the headers themselves: keep their notice when you
 * redistribute the headers.
 *
 * An IO engine is a shared object that exports exactly one symbol,
 * iopulse_engine_entry().  The host calls it once after loading the library,
 * passing a description of itself; the engine returns a pointer to a static,
 * immutable iop_engine_desc that describes the engine (name, version,
 * capabilities, typed options) and holds its functions.
 *
 * This header is C99 and is the whole contract: an engine needs nothing else
 * from IOPulse, never calls a host symbol, and can be built out of tree.
 *
 * Versioning
 *   IOP_ABI_MAJOR changes only when an existing member or function changes
 *   meaning or layout; host and engine must agree on it exactly.
 *   IOP_ABI_MINOR grows when members are appended to the end of a struct that
 *   carries struct_size.  An older engine's descriptor is shorter: the host
 *   copies min(desc->struct_size, sizeof(iop_engine_desc)) bytes into a
 *   zeroed descriptor, so members the engine does not know read as zero/NULL.
 *   A newer engine may refuse an older host through min_host_abi_minor.
 *   The first members of iop_engine_desc up to and including `name` are the
 *   frozen prefix: they keep their layout in every ABI major, so any host can
 *   read them and explain a mismatch.
 *
 * Threads
 *   The descriptor and the entry function may be used from any thread.
 *   An iop_engine instance belongs to the thread that created it: create,
 *   open_file, close_file, register_buffers, submit, reap and destroy of one
 *   instance are all called on that thread.  Different instances run
 *   concurrently on different threads, so engine globals must be immutable
 *   or synchronised by the engine.
 *   Each of those threads has a descriptor table of its own (the host calls
 *   unshare(CLONE_FILES) on it, as if it were a process): the descriptor in
 *   iop_file_desc.fd, and any the instance opens, are valid on that thread
 *   and on threads it starts afterwards, not on threads that existed before
 *   (a pool started in iopulse_engine_entry, shared helper threads such as
 *   glibc's POSIX AIO).  An instance that needs helper threads starts its
 *   own, from create() or later.
 *
 * Errors
 *   Control-plane functions (create, open_file, close_file, register_buffers)
 *   return a negative errno value on failure and write a one-line,
 *   NUL-terminated reason into the caller's iop_error.  Data-plane functions
 *   (submit, reap) return a negative errno only; the failure of an individual
 *   IO is reported in its completion's `res`.  No function allocates memory
 *   that the host must free, and no C++ exception may cross this boundary.
 *
 * Data plane
 *   The host owns every iop_io, its buffer and its per-IO scratch (`priv`).
 *   submit() hands the engine an array of IO pointers and returns how many of
 *   them, a prefix of the array, it accepted.  Each accepted IO completes
 *   exactly once: reap() copies the IO's user_data and result into an array
 *   of iop_cqe owned by the host.  Until an IO has been reaped the engine may
 *   use the iop_io, its buffer and its priv; after it has been reaped it must
 *   not touch them again.  The host never has more than
 *   iop_engine_config.queue_depth IOs in flight on one instance.
 *   A synchronous engine performs the IO inside submit() and reports its
 *   result from the next reap(), so the host has one code path for all.
 */
#ifndef IOPULSE_ENGINE_H
#define IOPULSE_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ABI version this header describes. */
#define IOP_ABI_MAJOR 1
#define IOP_ABI_MINOR 0

/* The one symbol an engine exports. */
#define IOP_ENTRY_SYMBOL "iopulse_engine_entry"

/* Marks the entry function visible when the engine builds with
 * -fvisibility=hidden (recommended: export nothing else). */
#define IOP_EXPORT __attribute__((visibility("default")))

/* Compile-time layout checks that work in C99 and C++. */
#ifdef __cplusplus
#define IOP_STATIC_ASSERT(cond, tag) static_assert(cond, #tag)
#else
#define IOP_STATIC_ASSERT(cond, tag) typedef char iop_static_assert_##tag[(cond) ? 1 : -1]
#endif

/* ------------------------------------------------------------------------ */
/* Errors                                                                    */
/* ------------------------------------------------------------------------ */

#define IOP_ERROR_MESSAGE_MAX 256

/* A fixed buffer the caller provides for a one-line failure reason.  The
 * callee writes a NUL-terminated message of at most IOP_ERROR_MESSAGE_MAX-1
 * bytes; nothing is allocated and nothing is owned. */
typedef struct iop_error {
  char message[IOP_ERROR_MESSAGE_MAX];
} iop_error;

/* ------------------------------------------------------------------------ */
/* The host                                                                  */
/* ------------------------------------------------------------------------ */

/* Severity of a message sent through iop_host_info.log. */
enum iop_log_level {
  IOP_LOG_DEBUG = 0,
  IOP_LOG_INFO = 1,
  IOP_LOG_WARN = 2,
  IOP_LOG_ERROR = 3
};

/* What the host tells the engine about itself.  Passed to the entry
 * function; the pointer and everything it points to stay valid until the
 * process exits, so an engine may keep it. */
typedef struct iop_host_info {
  uint32_t struct_size;      /* sizeof(iop_host_info) as the host knows it */
  uint16_t abi_major;        /* the host's IOP_ABI_MAJOR */
  uint16_t abi_minor;        /* the host's IOP_ABI_MINOR */
  const char *host_version;  /* e.g. "0.1.0" */
  /* Sends one line to the host's log.  `engine` is the engine name,
   * `message` a NUL-terminated line without a trailing newline.  Safe to
   * call from any thread; never call it on the per-IO path. */
  void (*log)(void *log_ctx, int32_t level, const char *engine, const char *message);
  void *log_ctx;             /* passed back as the first argument of log */
} iop_host_info;

/* ------------------------------------------------------------------------ */
/* Capabilities                                                              */
/* ------------------------------------------------------------------------ */

/* IOs complete after submit() returns (the engine is asynchronous). */
#define IOP_CAP_ASYNC              (UINT64_C(1) << 0)
/* One submit() of n IOs costs about one system call, not n. */
#define IOP_CAP_BATCH_SUBMIT       (UINT64_C(1) << 1)
/* register_buffers() is implemented and makes IO on those buffers cheaper. */
#define IOP_CAP_REGISTERED_BUFFERS (UINT64_C(1) << 2)
/* Files can be registered with the kernel (fixed files). */
#define IOP_CAP_FIXED_FILES        (UINT64_C(1) << 3)
/* Completions are found by polling the device, not by interrupts. */
#define IOP_CAP_POLLED             (UINT64_C(1) << 4)
/* IOP_OP_FSYNC is supported. */
#define IOP_CAP_FSYNC              (UINT64_C(1) << 5)
/* IOP_OP_FDATASYNC is supported. */
#define IOP_CAP_FDATASYNC          (UINT64_C(1) << 6)
/* IOP_OP_TRIM is supported. */
#define IOP_CAP_TRIM               (UINT64_C(1) << 7)
/* The engine opens files itself from iop_file_desc.path; the host passes
 * fd = -1 and does not open the file. */
#define IOP_CAP_OPENS_BY_PATH      (UINT64_C(1) << 8)
/* IO is done by copying to or from a memory mapping of the file. */
#define IOP_CAP_MEMORY_MAPPED      (UINT64_C(1) << 9)
/* O_DIRECT (IOP_FILE_DIRECT) is supported. */
#define IOP_CAP_DIRECT             (UINT64_C(1) << 10)
/* The engine does no storage IO at all (e.g. the null engine): the host
 * neither creates nor opens target files and passes fd = -1. */
#define IOP_CAP_DISKLESS           (UINT64_C(1) << 11)

/* Every capability bit ABI 1.0 defines. */
#define IOP_CAP_KNOWN_V1           ((UINT64_C(1) << 12) - 1)

/* ------------------------------------------------------------------------ */
/* Typed options                                                             */
/* ------------------------------------------------------------------------ */

/* Type of an engine option.  The host parses and validates the user's text
 * and hands the engine a typed iop_option_value. */
enum iop_option_type {
  IOP_OPT_BOOL = 1,   /* 0/1, true/false, yes/no, on/off; value.i is 0 or 1 */
  IOP_OPT_INT = 2,    /* decimal integer in [min_value, max_value]; value.i */
  IOP_OPT_SIZE = 3,   /* bytes with optional k/m/g/t suffix (powers of 1024),
                         in [min_value, max_value]; value.i */
  IOP_OPT_STRING = 4, /* any text; value.s */
  IOP_OPT_ENUM = 5    /* one of `choices`; value.i is its index, value.s its name */
};

/* One option an engine accepts.  On the command line it is written
 * --<engine>.<name>=<value> (or --<engine>.<name> <value>; a bare
 * --<engine>.<name> sets a BOOL to 1). */
typedef struct iop_option_desc {
  const char *name;           /* [a-z0-9][a-z0-9-]*, unique within the engine */
  const char *help;           /* one line for `iopulse --engine-help` */
  uint32_t type;              /* enum iop_option_type */
  uint32_t reserved0;         /* must be 0 */
  const char *default_value;  /* the default as a user would type it; must
                                 parse as `type`; NULL means "0" (numbers,
                                 bool), "" (string) or the first choice */
  int64_t min_value;          /* INT/SIZE: smallest accepted value */
  int64_t max_value;          /* INT/SIZE: largest accepted value; when
                                 min_value == max_value == 0 the range is
                                 [INT64_MIN, INT64_MAX] for INT and
                                 [0, INT64_MAX] for SIZE */
  const char *const *choices; /* ENUM: NULL-terminated list of names */
  uint64_t reserved[2];       /* must be 0 */
} iop_option_desc;

/* A parsed option value.  For BOOL, INT, SIZE and ENUM `i` holds the value
 * (the choice index for ENUM); for STRING and ENUM `s` points at the text.
 * `s` stays valid until the instance is destroyed. */
typedef struct iop_option_value {
  int64_t i;
  const char *s;
} iop_option_value;

/* ------------------------------------------------------------------------ */
/* Instances, files and buffers                                              */
/* ------------------------------------------------------------------------ */

/* An engine instance.  Its layout is private to the engine. */
typedef struct iop_engine iop_engine;

/* iop_engine_config.flags */
#define IOP_CONFIG_DIRECT (1u << 0) /* the job uses O_DIRECT on its files */

/* How the host wants an instance set up.  Passed to create(); the engine
 * copies what it needs, the struct is not valid after create() returns
 * except for the option strings (see iop_option_value). */
typedef struct iop_engine_config {
  uint32_t struct_size;     /* sizeof(iop_engine_config) as the host knows it */
  uint32_t queue_depth;     /* most IOs in flight at once, 1..max_queue_depth */
  uint32_t flags;           /* IOP_CONFIG_* */
  uint32_t worker_index;    /* 0-based index of the worker that owns it */
  uint32_t num_workers;     /* workers in the job */
  uint32_t num_options;     /* == the descriptor's num_options */
  const iop_option_value *options; /* one per option descriptor, same order,
                                      defaults already applied */
  uint64_t reserved[4];     /* 0 */
} iop_engine_config;

/* iop_file_desc.flags */
#define IOP_FILE_READ   (1u << 0) /* the job reads the file */
#define IOP_FILE_WRITE  (1u << 1) /* the job writes the file */
#define IOP_FILE_DIRECT (1u << 2) /* opened with O_DIRECT */

/* A file the host wants to do IO on. */
typedef struct iop_file_desc {
  uint32_t struct_size;  /* sizeof(iop_file_desc) as the host knows it */
  uint32_t flags;        /* IOP_FILE_* */
  const char *path;      /* NUL-terminated, valid during open_file() only */
  int32_t fd;            /* descriptor the host opened (owned by the host,
                            open until after close_file()), or -1 when the
                            engine has IOP_CAP_OPENS_BY_PATH or
                            IOP_CAP_DISKLESS */
  uint32_t reserved0;    /* 0 */
  uint64_t size;         /* bytes of the file the host will address */
  uint64_t reserved[4];  /* 0 */
} iop_file_desc;

/* A range of host memory used for IO buffers. */
typedef struct iop_buffer {
  void *base;
  uint64_t len;
} iop_buffer;

/* ------------------------------------------------------------------------ */
/* IOs and completions                                                       */
/* ------------------------------------------------------------------------ */

/* Operation of an iop_io. */
enum iop_op {
  IOP_OP_READ = 0,      /* read `len` bytes at `offset` into `buf` */
  IOP_OP_WRITE = 1,     /* write `len` bytes from `buf` at `offset` */
  IOP_OP_FSYNC = 2,     /* fsync the file; offset, buf, len are 0 */
  IOP_OP_FDATASYNC = 3, /* fdatasync the file; offset, buf, len are 0 */
  IOP_OP_TRIM = 4       /* discard `len` bytes at `offset`; buf is NULL */
};

/* One IO.  Owned by the host; filled by the host before submit(). */
typedef struct iop_io {
  uint64_t user_data; /* opaque to the engine; copied into the completion */
  uint64_t offset;    /* byte offset in the file */
  void *buf;          /* data buffer, aligned to at least min_buf_align */
  uint32_t len;       /* bytes to transfer */
  int32_t file;       /* handle returned by open_file() */
  uint8_t op;         /* enum iop_op */
  uint8_t reserved0;  /* 0 */
  uint16_t reserved1; /* 0 */
  int32_t buf_index;  /* index (into the last register_buffers() call) of
                         the buffer that contains buf, or -1 */
  void *priv;         /* io_priv_size bytes of engine scratch, 64-byte
                         aligned, stable for the life of the instance;
                         NULL when io_priv_size is 0 */
  uint64_t reserved[2]; /* 0 */
} iop_io;

/* One completion, written by reap() into the host's array. */
typedef struct iop_cqe {
  uint64_t user_data; /* the IO's user_data */
  int64_t res;        /* bytes transferred (may be short, e.g. at end of
                         file), 0 for fsync/fdatasync/trim, or -errno */
} iop_cqe;

/* submit() flags.  ABI 1.0 defines none; an engine must return -EINVAL when
 * any bit outside IOP_SUBMIT_KNOWN_FLAGS is set. */
#define IOP_SUBMIT_KNOWN_FLAGS 0u

/* reap() timeout meaning "wait as long as it takes". */
#define IOP_TIMEOUT_INFINITE UINT64_MAX

/* ------------------------------------------------------------------------ */
/* The engine descriptor                                                     */
/* ------------------------------------------------------------------------ */

/* Everything the host knows about an engine.  Returned by the entry
 * function; static and immutable for the life of the process. */
typedef struct iop_engine_desc {
  /* ---- frozen prefix (identical in every ABI major) ---- */
  uint32_t struct_size;        /* sizeof(iop_engine_desc) the engine built with */
  uint16_t abi_major;          /* IOP_ABI_MAJOR the engine built with */
  uint16_t abi_minor;          /* IOP_ABI_MINOR the engine built with */
  uint16_t min_host_abi_minor; /* oldest host minor the engine works with */
  uint16_t reserved0;          /* 0 */
  uint32_t reserved1;          /* 0 */
  const char *name;            /* [a-z0-9_]+, unique among loaded engines */

  /* ---- ABI 1.0 ---- */
  const char *version;         /* the engine's own version, e.g. "1.2.0" */
  const char *description;     /* one line for --list-engines */
  uint64_t caps;               /* IOP_CAP_* */
  uint32_t max_queue_depth;    /* most IOs in flight per instance, >= 1 */
  uint32_t min_buf_align;      /* buffer alignment the engine needs, a power
                                  of two; 0 means none (the host still
                                  aligns to the page for O_DIRECT) */
  uint32_t io_priv_size;       /* bytes of per-IO scratch (iop_io.priv) */
  uint32_t num_options;        /* entries in `options` */
  const iop_option_desc *options;

  /* Creates an instance on the calling thread.  On success stores it in
   * *out and returns 0; on failure returns -errno and fills *err.
   * Required. */
  int32_t (*create)(const iop_engine_config *config, iop_engine **out, iop_error *err);

  /* Destroys an instance; all its IOs have been reaped and all its files
   * closed.  Required. */
  void (*destroy)(iop_engine *engine);

  /* Opens a file for IO and returns a small non-negative handle used in
   * iop_io.file, or -errno with *err filled.  Required. */
  int32_t (*open_file)(iop_engine *engine, const iop_file_desc *file, iop_error *err);

  /* Releases a handle; no IO on it is in flight.  Returns 0 or -errno with
   * *err filled.  Required. */
  int32_t (*close_file)(iop_engine *engine, int32_t handle, iop_error *err);

  /* Registers the buffers the host will use for all IO, once, before the
   * first submit().  Optional (NULL unless IOP_CAP_REGISTERED_BUFFERS).
   * Returns 0 or -errno with *err filled. */
  int32_t (*register_buffers)(iop_engine *engine, const iop_buffer *bufs, uint32_t n,
                              iop_error *err);

  /* Starts `n` IOs.  Returns how many were accepted (0..n, always the
   * first ones), or -errno when none could be and the reason is an error
   * rather than a full queue (-EINVAL for unknown flags).  Accepted IOs
   * complete through reap().  Required. */
  int32_t (*submit)(iop_engine *engine, iop_io *const *ios, uint32_t n, uint32_t flags);

  /* Writes up to `max` completions into `out` and returns how many.  Waits
   * until at least `min_wait` IOs have completed (min_wait is never more
   * than the IOs in flight) or until `timeout_ns` nanoseconds passed,
   * whichever comes first; 0 never waits, IOP_TIMEOUT_INFINITE waits for
   * min_wait.  Returns -errno on failure of the engine itself.  Required. */
  int32_t (*reap)(iop_engine *engine, iop_cqe *out, uint32_t max, uint32_t min_wait,
                  uint64_t timeout_ns);
} iop_engine_desc;

/* The entry function every engine exports under IOP_ENTRY_SYMBOL.  Called
 * once per process by the host, before any other function.  Stores the
 * engine's static descriptor in *out and returns 0, or returns -errno (the
 * engine may explain through host->log) when it cannot work in this
 * process. */
typedef int32_t (*iop_engine_entry_fn)(const iop_host_info *host, const iop_engine_desc **out);

IOP_EXPORT int32_t iopulse_engine_entry(const iop_host_info *host, const iop_engine_desc **out);

/* ------------------------------------------------------------------------ */
/* Layout checks (LP64)                                                      */
/* ------------------------------------------------------------------------ */

IOP_STATIC_ASSERT(sizeof(void *) == 8, lp64_only);
IOP_STATIC_ASSERT(offsetof(iop_engine_desc, struct_size) == 0, prefix_struct_size);
IOP_STATIC_ASSERT(offsetof(iop_engine_desc, abi_major) == 4, prefix_abi_major);
IOP_STATIC_ASSERT(offsetof(iop_engine_desc, abi_minor) == 6, prefix_abi_minor);
IOP_STATIC_ASSERT(offsetof(iop_engine_desc, min_host_abi_minor) == 8, prefix_min_host);
IOP_STATIC_ASSERT(offsetof(iop_engine_desc, name) == 16, prefix_name);
IOP_STATIC_ASSERT(sizeof(iop_engine_desc) == 128, engine_desc_size);
IOP_STATIC_ASSERT(sizeof(iop_io) == 64, io_size);
IOP_STATIC_ASSERT(offsetof(iop_io, op) == 32, io_op_offset);
IOP_STATIC_ASSERT(offsetof(iop_io, priv) == 40, io_priv_offset);
IOP_STATIC_ASSERT(sizeof(iop_cqe) == 16, cqe_size);
IOP_STATIC_ASSERT(sizeof(iop_option_desc) == 72, option_desc_size);
IOP_STATIC_ASSERT(sizeof(iop_option_value) == 16, option_value_size);
IOP_STATIC_ASSERT(sizeof(iop_engine_config) == 64, engine_config_size);
IOP_STATIC_ASSERT(sizeof(iop_file_desc) == 64, file_desc_size);
IOP_STATIC_ASSERT(sizeof(iop_host_info) == 32, host_info_size);
IOP_STATIC_ASSERT(sizeof(iop_error) == IOP_ERROR_MESSAGE_MAX, error_size);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* IOPULSE_ENGINE_H */
