/* SPDX-License-Identifier: MIT
 * SPDX-FileCopyrightText: 2026 The IOPulse authors */
/*
 * iopulse/engine.h -- the IOPulse IO engine ABI, major 2.
 *
 * Licence: an engine built against these SDK headers may carry any licence,
 * open or proprietary, and be distributed on its own.  The MIT terms (see
 * LICENSE) apply to the headers themselves: keep their notice when you
 * redistribute the headers.
 *
 * An IO engine is a shared object that exports exactly one symbol,
 * iopulse_engine_entry().  The host calls it after loading the library,
 * passing a description of itself; the engine returns a pointer to a static,
 * immutable iop_engine_desc that describes the engine (name, version,
 * capabilities, typed options) and holds its functions.
 *
 * This header is C99 and is the whole contract: an engine needs nothing else
 * from IOPulse, never calls a host symbol, and can be built out of tree.
 * Every member and function is documented where it is declared.
 *
 * ------------------------------------------------------------------------
 * Versioning
 * ------------------------------------------------------------------------
 *   IOP_ABI_MAJOR changes only when an existing member or function changes
 *   meaning or layout.  Host and engine must agree on it exactly: a host
 *   refuses an engine of another major with one line naming both versions
 *   and what to rebuild against.
 *
 *   IOP_ABI_MINOR grows when something is added without changing what is
 *   there: members appended to the end of a struct that carries
 *   struct_size, new capability bits, new op codes, new control() ops, new
 *   meanings for reserved members (see "Extending" below).
 *
 *   The descriptor: an older engine's descriptor is shorter; the host copies
 *   min(desc->struct_size, sizeof(iop_engine_desc)) bytes into a zeroed
 *   descriptor, so members the engine does not know read as zero/NULL.  A
 *   newer engine may refuse an older host through min_host_abi_minor.  The
 *   members of iop_engine_desc up to and including `name` are the frozen
 *   prefix, and the members of iop_host_info up to and including `log_ctx`
 *   are frozen too: they keep their layout in every ABI major, so any host
 *   can read any engine's prefix and explain a mismatch.
 *
 *   The entry function must not refuse a host of another ABI major: it
 *   returns its descriptor and lets the host compare the majors (only the
 *   host can tell the user which versions met).  It may refuse to work in
 *   this process for other reasons (a missing kernel feature, say).  A host
 *   whose entry call fails with -EPROTO may call the entry again with an
 *   iop_host_info that states an earlier major, only to read the frozen
 *   prefix for its message (ABI 1 engines refused other majors in the entry).
 *
 * ------------------------------------------------------------------------
 * Extending (how ABI 2.x grows without a break)
 * ------------------------------------------------------------------------
 *   Capabilities come in two sets, as ext4's compat and incompat features:
 *     caps (IOP_CAP_*)           informational: what the engine can do.  A
 *                                host ignores bits it does not know; it
 *                                simply does not use that ability.
 *     required_caps (IOP_REQ_*)  the engine changes what the host must do
 *                                (e.g. not open the target files).  A host
 *                                refuses an engine with a required bit it
 *                                does not know, naming the bit.
 *   A capability of an optional function is set exactly when the function
 *   is present (the host checks both ways).
 *
 *   A reserved member is 0.  It gains meaning only in a later minor and
 *   only together with a capability bit the engine declares:
 *     host -> engine members (in iop_io, iop_engine_config, iop_file_desc,
 *       iop_meta_args): the host writes a non-zero value only for an engine
 *       that declares the bit; for any other engine it stays 0, so an engine
 *       of an earlier minor sees exactly what it always saw.
 *     engine -> host members (in iop_cqe, iop_instance_report): the host
 *       reads the member only when the engine declares the bit; an engine
 *       leaves members it does not know 0.
 *   New op codes, IO flags, CQE aux kinds and control() ops follow the same
 *   rule: each comes with the capability that lets the host use it.
 *
 * ------------------------------------------------------------------------
 * Threads
 * ------------------------------------------------------------------------
 *   The descriptor and the entry function may be used from any thread.
 *   An iop_engine instance belongs to the thread that created it: every
 *   function that takes an iop_engine is called on that thread.  Different
 *   instances run concurrently on different threads, so engine globals must
 *   be immutable or synchronised by the engine.
 *   Each of those threads has a descriptor table of its own (the host calls
 *   unshare(CLONE_FILES) on it, as if it were a process): the descriptor in
 *   iop_file_desc.fd, and any the instance opens, are valid on that thread
 *   and on threads it starts afterwards, not on threads that existed before
 *   (a pool started in iopulse_engine_entry, shared helper threads such as
 *   glibc's POSIX AIO).  An instance that needs helper threads starts its
 *   own, from create() or later.
 *
 * ------------------------------------------------------------------------
 * Errors
 * ------------------------------------------------------------------------
 *   Control-plane functions (create, open_file, close_file,
 *   register_buffers, completion_fd, alloc_buffer, control, report) return
 *   a negative errno value on failure and write a one-line, NUL-terminated
 *   reason into the caller's iop_error.  Data-plane functions (submit, reap)
 *   return a negative errno only; the failure of an individual IO is
 *   reported in its completion's `res`, with an optional one-line text
 *   through error_text().  No function allocates memory that the host must
 *   free, and no C++ exception may cross this boundary.
 *
 * ------------------------------------------------------------------------
 * Data plane and lifetimes
 * ------------------------------------------------------------------------
 *   The host owns every iop_io, its buffer, its per-IO scratch (`priv`) and
 *   its metadata arguments (`meta`).  submit() hands the engine an array of
 *   IO pointers and returns how many of them, a prefix of the array, it
 *   accepted.  Each accepted IO completes exactly once: reap() writes an
 *   iop_cqe with the IO's user_data into an array owned by the host.
 *
 *   - The `ios` pointer array is valid only during the submit() call; keep
 *     the iop_io pointers, not the array.
 *   - An accepted iop_io, its buffer, its priv and its meta arguments (and
 *     the strings they point to) stay valid and unchanged until the IO has
 *     been reaped: the host never changes an in-flight iop_io.  After it
 *     has been reaped the engine must not touch any of them again.
 *   - An IO that submit() did not accept is the host's again at once.
 *   - The host never has more than iop_engine_config.queue_depth IOs in
 *     flight on one instance.
 *   - A synchronous engine performs the IO inside submit() and reports its
 *     result from the next reap(), so the host has one code path for all.
 *   - The out array of reap() is valid only during the call.
 *   - Strings the engine returns (descriptor, option table, report,
 *     error_text) are the engine's: the descriptor's for the life of the
 *     process, a report's until destroy(), error_text's are copied out.
 *
 * ------------------------------------------------------------------------
 * Vectored IO
 * ------------------------------------------------------------------------
 *   ABI 2 has none, on purpose.  A load generator's IO is one buffer per IO
 *   (the block size); a vector would cost every engine a second path in
 *   submit() (preadv, READV, IOCB_CMD_PREADV) and the host an iovec array per
 *   slot, for workloads nobody has asked IOPulse to measure.  It can come in
 *   a minor without a break: new op codes IOP_OP_READV/WRITEV behind a
 *   capability, with `buf` pointing to the iovec array and `len` its count.
 */
#ifndef IOPULSE_ENGINE_H
#define IOPULSE_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ABI version this header describes. */
#define IOP_ABI_MAJOR 2
#define IOP_ABI_MINOR 1

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
 * process exits, so an engine may keep it.  Frozen: this layout is the same
 * in every ABI major. */
typedef struct iop_host_info {
  uint32_t struct_size;      /* sizeof(iop_host_info) as the host knows it */
  uint16_t abi_major;        /* the host's IOP_ABI_MAJOR */
  uint16_t abi_minor;        /* the host's IOP_ABI_MINOR */
  const char *host_version;  /* e.g. "0.1.0" */
  /* Sends one line to the host's log.  `engine` is the engine name,
   * `message` a NUL-terminated line without a trailing newline.  Safe to
   * call from any thread; never call it on the per-IO path.  May be NULL. */
  void (*log)(void *log_ctx, int32_t level, const char *engine, const char *message);
  void *log_ctx;             /* passed back as the first argument of log */
} iop_host_info;

/* ------------------------------------------------------------------------ */
/* Capabilities (informational: iop_engine_desc.caps)                        */
/* ------------------------------------------------------------------------ */
/* A host ignores a bit here that it does not know.  iop_instance_report.caps
 * narrows them for one instance (an ability that depends on the options). */

/* IOs complete after submit() returns (the engine is asynchronous). */
#define IOP_CAP_ASYNC              (UINT64_C(1) << 0)
/* One submit() of n IOs costs about one system call, not n. */
#define IOP_CAP_BATCH_SUBMIT       (UINT64_C(1) << 1)
/* register_buffers() is present and makes IO on those buffers cheaper. */
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
/* IO is done by copying to or from a memory mapping of the file. */
#define IOP_CAP_MEMORY_MAPPED      (UINT64_C(1) << 8)
/* O_DIRECT (IOP_CONFIG_DIRECT, IOP_FILE_DIRECT) is supported. */
#define IOP_CAP_DIRECT             (UINT64_C(1) << 9)
/* The engine keeps the data written to it without a file (with
 * IOP_REQ_DISKLESS): a read returns what the last write put at those bytes,
 * as a file would.  A checker then checks the data, not only the counts. */
#define IOP_CAP_STORES_DATA        (UINT64_C(1) << 10)
/* Per-IO flags (iop_io.flags), one bit each: */
#define IOP_CAP_IO_FUA             (UINT64_C(1) << 11) /* IOP_IO_FUA */
#define IOP_CAP_IO_DSYNC           (UINT64_C(1) << 12) /* IOP_IO_DSYNC */
#define IOP_CAP_IO_HIPRI           (UINT64_C(1) << 13) /* IOP_IO_HIPRI */
#define IOP_CAP_IO_NOWAIT          (UINT64_C(1) << 14) /* IOP_IO_NOWAIT */
/* iop_io.ioprio is applied to reads and writes. */
#define IOP_CAP_IOPRIO             (UINT64_C(1) << 15)
/* Optional functions, one bit each; set exactly when the function is: */
#define IOP_CAP_COMPLETION_FD      (UINT64_C(1) << 16) /* completion_fd() */
#define IOP_CAP_ENGINE_BUFFERS     (UINT64_C(1) << 17) /* alloc_buffer(), free_buffer() */
#define IOP_CAP_CONTROL            (UINT64_C(1) << 18) /* control() */
#define IOP_CAP_ERROR_TEXT         (UINT64_C(1) << 19) /* error_text() */
#define IOP_CAP_REPORT             (UINT64_C(1) << 20) /* report() */
/* Bits 21..31: reserved for later minors. */
/* Metadata operations (see "Metadata operations" below), one bit per op: */
#define IOP_CAP_META_MKDIR         (UINT64_C(1) << 32) /* IOP_OP_MKDIR */
#define IOP_CAP_META_RMDIR         (UINT64_C(1) << 33) /* IOP_OP_RMDIR */
#define IOP_CAP_META_CREATE        (UINT64_C(1) << 34) /* IOP_OP_CREATE */
#define IOP_CAP_META_OPEN_CLOSE    (UINT64_C(1) << 35) /* IOP_OP_OPEN_CLOSE */
#define IOP_CAP_META_STAT          (UINT64_C(1) << 36) /* IOP_OP_STAT */
#define IOP_CAP_META_READ_FILE     (UINT64_C(1) << 37) /* IOP_OP_READ_FILE */
#define IOP_CAP_META_WRITE_FILE    (UINT64_C(1) << 38) /* IOP_OP_WRITE_FILE */
#define IOP_CAP_META_RENAME        (UINT64_C(1) << 39) /* IOP_OP_RENAME */
#define IOP_CAP_META_UNLINK        (UINT64_C(1) << 40) /* IOP_OP_UNLINK */
#define IOP_CAP_META_LIST          (UINT64_C(1) << 41) /* IOP_OP_LIST */
/* ABI 2.1: IOP_OP_RENAME honours IOP_META_NOREPLACE. */
#define IOP_CAP_META_RENAME_NOREPLACE (UINT64_C(1) << 42)
/* Bits 43..63: reserved for later minors. */

/* Every metadata capability. */
#define IOP_CAP_META_ALL           (((UINT64_C(1) << 10) - 1) << 32)
/* The per-IO flag capabilities. */
#define IOP_CAP_IO_FLAGS_ALL       (IOP_CAP_IO_FUA | IOP_CAP_IO_DSYNC | IOP_CAP_IO_HIPRI | \
                                    IOP_CAP_IO_NOWAIT)
/* Every informational capability ABI 2.0 defines. */
#define IOP_CAP_KNOWN_2_0          (((UINT64_C(1) << 21) - 1) | IOP_CAP_META_ALL)
/* Every informational capability ABI 2.1 defines. */
#define IOP_CAP_KNOWN_2_1          (IOP_CAP_KNOWN_2_0 | IOP_CAP_META_RENAME_NOREPLACE)

/* ------------------------------------------------------------------------ */
/* Required capabilities (iop_engine_desc.required_caps)                     */
/* ------------------------------------------------------------------------ */
/* Each changes what the host must do.  A host refuses an engine with a bit
 * here that it does not know. */

/* The engine does no storage IO on the target (e.g. the null engine): the
 * host neither creates, prepares nor opens target files, and passes
 * iop_file_desc.fd = -1. */
#define IOP_REQ_DISKLESS           (UINT64_C(1) << 0)
/* The engine opens files itself from iop_file_desc.path: the host creates
 * and prepares them but does not open them, and passes fd = -1. */
#define IOP_REQ_OPENS_BY_PATH      (UINT64_C(1) << 1)

/* Every required capability ABI 2.0 defines. */
#define IOP_REQ_KNOWN_2_0          ((UINT64_C(1) << 2) - 1)

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
 * --<engine>.<name> sets a BOOL to 1).
 *
 * The option table is an array of these.  Every entry carries its size, so
 * a later minor can append members: the host steps through the table by the
 * first entry's struct_size (all entries of a table must have the same) and
 * reads each entry zero-extended to the size it knows. */
typedef struct iop_option_desc {
  uint32_t struct_size;       /* sizeof(iop_option_desc) the engine built with */
  uint32_t type;              /* enum iop_option_type */
  const char *name;           /* [a-z0-9][a-z0-9-]*, unique within the engine */
  const char *help;           /* one line for `iopulse --engine-help` */
  const char *default_value;  /* the default as a user would type it; must
                                 parse as `type`; NULL means "0" (numbers,
                                 bool), "" (string) or the first choice */
  int64_t min_value;          /* INT/SIZE: smallest accepted value */
  int64_t max_value;          /* INT/SIZE: largest accepted value; when
                                 min_value == max_value == 0 the range is
                                 [INT64_MIN, INT64_MAX] for INT and
                                 [0, INT64_MAX] for SIZE */
  const char *const *choices; /* ENUM: NULL-terminated list of names */
  uint64_t reserved[2];       /* 0 */
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
 * copies what it needs: the struct is not valid after create() returns,
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
#define IOP_FILE_READ      (1u << 0) /* the job reads the file */
#define IOP_FILE_WRITE     (1u << 1) /* the job writes the file */
#define IOP_FILE_DIRECT    (1u << 2) /* opened with O_DIRECT */
/* A directory, opened for metadata operations relative to it (the host
 * opened fd with O_DIRECTORY; data ops on the handle fail).  Only for an
 * engine that declares a metadata capability. */
#define IOP_FILE_DIRECTORY (1u << 3)

/* A file (or directory) the host wants to do IO on. */
typedef struct iop_file_desc {
  uint32_t struct_size;  /* sizeof(iop_file_desc) as the host knows it */
  uint32_t flags;        /* IOP_FILE_* */
  const char *path;      /* NUL-terminated, valid during open_file() only */
  int32_t fd;            /* descriptor the host opened (owned by the host,
                            open until after close_file()), or -1 when the
                            engine has IOP_REQ_OPENS_BY_PATH or
                            IOP_REQ_DISKLESS */
  uint32_t reserved0;    /* 0 */
  uint64_t size;         /* bytes of the file the host will address (0 for
                            a directory) */
  uint64_t reserved[4];  /* 0 */
} iop_file_desc;

/* A range of memory used for IO buffers: host memory handed to
 * register_buffers(), or engine memory from alloc_buffer(). */
typedef struct iop_buffer {
  void *base;
  uint64_t len;
} iop_buffer;

/* ------------------------------------------------------------------------ */
/* IOs                                                                       */
/* ------------------------------------------------------------------------ */

/* Operation of an iop_io.  Codes are dense so a host can index by them. */
enum iop_op {
  /* Data operations on a file handle. */
  IOP_OP_READ = 0,       /* read `len` bytes at `offset` into `buf` */
  IOP_OP_WRITE = 1,      /* write `len` bytes from `buf` at `offset` */
  IOP_OP_FSYNC = 2,      /* fsync the file; offset, buf, len are 0 */
  IOP_OP_FDATASYNC = 3,  /* fdatasync the file; offset, buf, len are 0 */
  IOP_OP_TRIM = 4,       /* discard `len` bytes at `offset`; buf is NULL */
  /* Metadata operations on a directory handle (IOP_FILE_DIRECTORY); their
   * arguments are in *meta.  See "Metadata operations" below. */
  IOP_OP_MKDIR = 5,
  IOP_OP_RMDIR = 6,
  IOP_OP_CREATE = 7,
  IOP_OP_OPEN_CLOSE = 8,
  IOP_OP_STAT = 9,
  IOP_OP_READ_FILE = 10,
  IOP_OP_WRITE_FILE = 11,
  IOP_OP_RENAME = 12,
  IOP_OP_UNLINK = 13,
  IOP_OP_LIST = 14
};
/* One past the highest op code ABI 2.0 defines. */
#define IOP_OP_COUNT_2_0 15

/* iop_io.flags: per-IO flags for IOP_OP_READ and IOP_OP_WRITE.  The host
 * sets a bit only when the engine (its instance report, when it has one)
 * declares the capability named beside it, and 0 on every other op; an
 * engine need not test for bits it does not declare.  A flag the engine
 * or kernel cannot honour for this IO fails the IO (-EINVAL, -EOPNOTSUPP,
 * -EAGAIN for NOWAIT); it is never silently dropped. */
#define IOP_IO_FUA    (1u << 0) /* write: the data is on stable media when the
                                   IO completes, through the device's FUA
                                   (IOP_CAP_IO_FUA) */
#define IOP_IO_DSYNC  (1u << 1) /* write: as O_DSYNC for this IO, RWF_DSYNC
                                   (IOP_CAP_IO_DSYNC) */
#define IOP_IO_HIPRI  (1u << 2) /* complete by polling, RWF_HIPRI
                                   (IOP_CAP_IO_HIPRI) */
#define IOP_IO_NOWAIT (1u << 3) /* fail with -EAGAIN rather than block,
                                   RWF_NOWAIT (IOP_CAP_IO_NOWAIT) */
/* Every per-IO flag ABI 2.0 defines; bits 4..31 are reserved. */
#define IOP_IO_KNOWN_2_0 ((1u << 4) - 1)

/* iop_io.ioprio: an IO priority as ioprio_set(2) encodes it, class in the
 * top 3 bits and level (0 highest .. 7 lowest) in the low bits.  0 is "no
 * priority": the engine does what it does without one.  The host sets a
 * non-zero value only for an engine that declares IOP_CAP_IOPRIO, and only
 * on reads and writes.  An engine applies it to the IO (io_uring: sqe
 * ioprio; kernel AIO: IOCB_FLAG_IOPRIO; a synchronous engine: the thread's
 * ioprio_set(2) around the IO); a priority that cannot be applied (an
 * unknown class, the real-time class without privilege) fails the IO. */
#define IOP_IOPRIO_CLASS_SHIFT 13
#define IOP_IOPRIO_CLASS_NONE 0u
#define IOP_IOPRIO_CLASS_RT 1u   /* real-time (CAP_SYS_ADMIN or CAP_SYS_NICE) */
#define IOP_IOPRIO_CLASS_BE 2u   /* best effort */
#define IOP_IOPRIO_CLASS_IDLE 3u /* only when nothing else does IO */
#define IOP_IOPRIO_VALUE(cls, level) \
  ((uint16_t)(((unsigned)(cls) << IOP_IOPRIO_CLASS_SHIFT) | ((unsigned)(level) & 0x1fffu)))
#define IOP_IOPRIO_CLASS(prio) ((unsigned)(prio) >> IOP_IOPRIO_CLASS_SHIFT)
#define IOP_IOPRIO_LEVEL(prio) ((unsigned)(prio) & 0x1fffu)

/* iop_meta_args.flags */
#define IOP_META_EXCL  (1u << 0) /* IOP_OP_CREATE: fail with -EEXIST when the
                                    file exists (O_EXCL) */
#define IOP_META_FSYNC (1u << 1) /* IOP_OP_CREATE, IOP_OP_WRITE_FILE: fsync
                                    the file before closing it */
#define IOP_META_TRUNC (1u << 2) /* IOP_OP_WRITE_FILE: truncate the file when
                                    opening it (O_TRUNC) */
#define IOP_META_NOREPLACE (1u << 3) /* IOP_OP_RENAME (ABI 2.1): fail with
                                        -EEXIST when path2 exists, never
                                        replacing it (renameat2's
                                        RENAME_NOREPLACE); a file system
                                        without it fails the op with -EINVAL.
                                        The host sets it only for an engine
                                        that declares
                                        IOP_CAP_META_RENAME_NOREPLACE. */
/* Every metadata flag ABI 2.0 defines; bits 3..31 are reserved. */
#define IOP_META_KNOWN_2_0 ((1u << 3) - 1)
/* Every metadata flag ABI 2.1 defines; bits 4..31 are reserved. */
#define IOP_META_KNOWN_2_1 ((1u << 4) - 1)

/* The arguments of a metadata operation: what does not fit in an iop_io's
 * 64 bytes.  Owned by the host (one per IO slot), valid and unchanged until
 * the IO is reaped, like the iop_io itself. */
typedef struct iop_meta_args {
  uint32_t struct_size;  /* sizeof(iop_meta_args) as the host knows it */
  uint32_t flags;        /* IOP_META_* */
  const char *path;      /* NUL-terminated; relative to the directory handle
                            iop_io.file (an absolute path ignores it) */
  const char *path2;     /* IOP_OP_RENAME: the new name; else NULL */
  int32_t dir2;          /* IOP_OP_RENAME: directory handle path2 is relative
                            to, or -1 for iop_io.file's; else -1 */
  uint32_t mode;         /* IOP_OP_MKDIR, IOP_OP_CREATE: permission bits
                            (the process umask applies); else 0 */
  uint64_t reserved[4];  /* 0 */
} iop_meta_args;

/* One IO.  Owned by the host; filled by the host before submit(); never
 * changed by the host while it is in flight.  64 bytes, one cache line. */
typedef struct iop_io {
  uint64_t user_data; /* opaque to the engine; copied into the completion */
  uint64_t offset;    /* byte offset in the file */
  void *buf;          /* data buffer, aligned to at least min_buf_align;
                         NULL when the op moves no data */
  uint32_t len;       /* bytes to transfer */
  int32_t file;       /* handle returned by open_file() */
  uint8_t op;         /* enum iop_op */
  uint8_t reserved0;  /* 0 */
  uint16_t ioprio;    /* IOP_IOPRIO_VALUE(), 0 for none (IOP_CAP_IOPRIO) */
  int32_t buf_index;  /* index (into the last register_buffers() call) of
                         the buffer that contains buf, or -1 */
  void *priv;         /* io_priv_size bytes of engine scratch, 64-byte
                         aligned, stable for the life of the instance;
                         NULL when io_priv_size is 0 */
  uint32_t flags;     /* IOP_IO_* */
  uint32_t reserved1; /* 0 */
  const iop_meta_args *meta; /* metadata ops: their arguments; else NULL */
} iop_io;

/* ------------------------------------------------------------------------
 * Metadata operations
 * ------------------------------------------------------------------------
 *   Each takes a directory handle in iop_io.file (from open_file() with
 *   IOP_FILE_DIRECTORY) and a path relative to it in meta->path, as the
 *   *at() system calls do; offset, len and buf are 0/NULL unless the op says
 *   otherwise.  The engine declares each op it supports with its
 *   IOP_CAP_META_* bit; the host issues no other.  Success is res == len,
 *   as for data ops (so 0 for the ops that move no data):
 *
 *   op                res on success      aux (iop_cqe.flags says so)
 *   MKDIR             0                   -
 *   RMDIR             0                   -
 *   CREATE            len                 -    open(O_CREAT|O_WRONLY, mode)
 *                                              (O_EXCL with IOP_META_EXCL),
 *                                              write len bytes of buf at
 *                                              offset (none when len is 0),
 *                                              fsync with IOP_META_FSYNC,
 *                                              close
 *   OPEN_CLOSE        0                   -    open(O_RDONLY), close
 *   STAT              0                   IOP_CQE_AUX_SIZE: the file's size
 *   READ_FILE         bytes read          -    open(O_RDONLY), read len bytes
 *                                              at offset (fewer at end of
 *                                              file), close
 *   WRITE_FILE        len                 -    open(O_WRONLY) (O_TRUNC with
 *                                              IOP_META_TRUNC), write len
 *                                              bytes at offset, fsync with
 *                                              IOP_META_FSYNC, close
 *   RENAME            0                   -    path -> path2 (in dir2)
 *                                              (-EEXIST when path2 exists
 *                                              with IOP_META_NOREPLACE)
 *   UNLINK            0                   -
 *   LIST              0                   IOP_CQE_AUX_COUNT: the entries of
 *                                              directory path ("." for the
 *                                              handle itself), without "."
 *                                              and ".."
 *
 *   A failure is res = -errno of the step that failed (the engine may say
 *   which through error_text()).  A file the op opened is closed even when
 *   a later step fails.  An asynchronous engine may do the steps of one op
 *   as several kernel requests; the op completes once, after the last.
 */

/* ------------------------------------------------------------------------ */
/* Completions                                                               */
/* ------------------------------------------------------------------------ */

/* iop_cqe.flags.  The low 4 bits say what `aux` holds: */
#define IOP_CQE_AUX_MASK    0xfu
#define IOP_CQE_AUX_NONE    0u  /* aux is 0 */
#define IOP_CQE_AUX_SIZE    1u  /* bytes: a file's size (IOP_OP_STAT) */
#define IOP_CQE_AUX_COUNT   2u  /* a count (IOP_OP_LIST: directory entries) */
/* 3..15: reserved for later minors, each with the op or capability that
 * produces it (e.g. the offset a zone append wrote at, or a device
 * timestamp). */
/* error_text() has a message for this completion (IOP_CAP_ERROR_TEXT). */
#define IOP_CQE_ERROR_TEXT  (1u << 4)
/* Every completion flag ABI 2.0 defines; bits 5..31 are reserved. */
#define IOP_CQE_KNOWN_2_0   ((1u << 5) - 1)

/* One completion, written by reap() into the host's array. */
typedef struct iop_cqe {
  uint64_t user_data; /* the IO's user_data */
  int64_t res;        /* bytes transferred (may be short, e.g. at end of
                         file), 0 for ops that move no data, or -errno */
  uint64_t aux;       /* a second result whose meaning flags declare; 0 with
                         IOP_CQE_AUX_NONE */
  uint32_t flags;     /* IOP_CQE_* */
  uint32_t reserved;  /* 0 */
} iop_cqe;

/* submit() flags.  ABI 2.0 defines none; an engine must return -EINVAL when
 * any bit outside IOP_SUBMIT_KNOWN_FLAGS is set. */
#define IOP_SUBMIT_KNOWN_FLAGS 0u

/* reap() timeout meaning "wait as long as it takes". */
#define IOP_TIMEOUT_INFINITE UINT64_MAX

/* ------------------------------------------------------------------------ */
/* control() ops                                                             */
/* ------------------------------------------------------------------------ */
/* An engine answers -ENOTSUP (without a message) to an op it does not know
 * or does not do; the host treats that as "not available", never as an
 * error.  Ops below IOP_CTL_ENGINE_BASE are defined here; an engine defines
 * its own from IOP_CTL_ENGINE_BASE up (documented by the engine). */

/* Drop what is cached of one open file, so that its next reads come from
 * the device: the kernel's page cache of the file (posix_fadvise
 * POSIX_FADV_DONTNEED after writing dirty pages back) and any cache of the
 * engine's own.  arg: a const int32_t *, the file handle.  No IO may be in
 * flight on that handle.  Returns 0 or -errno. */
#define IOP_CTL_DROP_CACHE 1u
/* First op an engine may define for itself. */
#define IOP_CTL_ENGINE_BASE 0x10000u

/* ------------------------------------------------------------------------ */
/* Instance report                                                           */
/* ------------------------------------------------------------------------ */

/* One setting that took effect: a name and its value as text. */
typedef struct iop_setting {
  const char *name;   /* [a-z0-9][a-z0-9_-]* */
  const char *value;  /* one line */
} iop_setting;

/* What an instance really does, filled by report() after create(): the
 * settings that took effect (e.g. which io_uring setup flags the kernel
 * accepted, whether SQPOLL or registered files are in use) and the
 * capabilities this instance has.  The host zeroes it and sets struct_size;
 * the engine writes only members that fit in struct_size.  The host puts the
 * settings in its results. */
typedef struct iop_instance_report {
  uint32_t struct_size;        /* host: sizeof(iop_instance_report) it knows */
  uint32_t num_settings;       /* engine: entries in `settings` */
  const iop_setting *settings; /* engine: owned by the instance, valid until
                                  destroy() */
  uint64_t caps;               /* engine: IOP_CAP_* this instance has, a
                                  subset of the descriptor's caps (e.g.
                                  IOP_CAP_POLLED only when polling is on);
                                  the host relies on these, not the
                                  descriptor's, for this job */
  uint64_t reserved[5];        /* 0 */
} iop_instance_report;

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

  /* ---- ABI 2.0 ---- */
  const char *version;         /* the engine's own version, e.g. "1.2.0" */
  const char *description;     /* one line for --list-engines */
  uint64_t caps;               /* IOP_CAP_*: informational */
  uint64_t required_caps;      /* IOP_REQ_*: the host must honour each */
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

  /* Destroys an instance: all its IOs have been reaped, all its files
   * closed and all its engine buffers freed.  Required. */
  void (*destroy)(iop_engine *engine);

  /* Opens a file (or, with IOP_FILE_DIRECTORY, a directory) for IO and
   * returns a small non-negative handle used in iop_io.file, or -errno
   * with *err filled.  Required. */
  int32_t (*open_file)(iop_engine *engine, const iop_file_desc *file, iop_error *err);

  /* Releases a handle; no IO on it is in flight.  Returns 0 or -errno with
   * *err filled.  Required. */
  int32_t (*close_file)(iop_engine *engine, int32_t handle, iop_error *err);

  /* Registers the buffers the host will use for all IO, once, before the
   * first submit().  Optional: present exactly when
   * IOP_CAP_REGISTERED_BUFFERS.  Returns 0 or -errno with *err filled. */
  int32_t (*register_buffers)(iop_engine *engine, const iop_buffer *bufs, uint32_t n,
                              iop_error *err);

  /* Starts `n` IOs.  Returns how many were accepted (0..n, always the
   * first ones), or -errno when none could be and the reason is an error
   * rather than a full queue (-EINVAL for unknown flags).  Accepted IOs
   * complete through reap().  `ios` is valid only during the call.
   * Required. */
  int32_t (*submit)(iop_engine *engine, iop_io *const *ios, uint32_t n, uint32_t flags);

  /* Writes up to `max` completions into `out` and returns how many.  Waits
   * until at least `min_wait` IOs have completed (min_wait is never more
   * than the IOs in flight) or until `timeout_ns` nanoseconds passed,
   * whichever comes first; 0 never waits, IOP_TIMEOUT_INFINITE waits for
   * min_wait.  Every member of each iop_cqe is written (aux and flags 0
   * unless the op defines them).  Returns -errno on failure of the engine
   * itself.  Required. */
  int32_t (*reap)(iop_engine *engine, iop_cqe *out, uint32_t max, uint32_t min_wait,
                  uint64_t timeout_ns);

  /* ---- Optional functions: each NULL unless its capability is set. ---- */

  /* IOP_CAP_COMPLETION_FD.  Returns a descriptor (>= 0, owned by the
   * instance, open until destroy()) that lets the host wait for
   * completions together with its own events, or -errno with *err filled
   * (e.g. -ENOTSUP when this instance cannot signal, such as a polled
   * ring; then its report leaves the capability out).  Called at most once
   * per instance, before the first submit().
   *
   * The descriptor is an eventfd (EFD_NONBLOCK): it becomes readable after
   * a completion becomes ready to reap.  The host waits until it is
   * readable, reads it (draining the counter), then calls reap() with
   * timeout 0 until reap() returns fewer than `max` before it waits again.
   * Because the host drains before it reaps, a completion that becomes
   * ready after the drain makes the descriptor readable again: none is
   * missed.  Spurious wake-ups are allowed; a completion that is ready
   * while the descriptor never becomes readable is a broken engine.  The
   * host may wait in reap() instead (a data worker at queue depth 1
   * does), so reap()'s min_wait and timeout hold as always. */
  int32_t (*completion_fd)(iop_engine *engine, iop_error *err);

  /* IOP_CAP_ENGINE_BUFFERS.  Allocates memory for IO buffers from the
   * engine (huge pages, device memory, pinned memory...): at least `len`
   * bytes, readable and writable by the host's CPU, aligned to at least
   * max(min_buf_align, 4096).  Fills *out (out->len may be larger than
   * asked, e.g. rounded to huge pages) and returns 0, or -errno with *err
   * filled.  The memory may be used for IO on this instance only, and may be
   * passed to register_buffers().  Control plane: never on the per-IO path. */
  int32_t (*alloc_buffer)(iop_engine *engine, uint64_t len, iop_buffer *out, iop_error *err);

  /* IOP_CAP_ENGINE_BUFFERS.  Frees a buffer from alloc_buffer() (exactly
   * the iop_buffer it filled); no IO on it is in flight.  The host frees
   * every buffer before destroy(). */
  void (*free_buffer)(iop_engine *engine, const iop_buffer *buf);

  /* IOP_CAP_CONTROL.  Performs control op `op` (IOP_CTL_*, or one of the
   * engine's own from IOP_CTL_ENGINE_BASE) with its argument `arg` (as the
   * op defines).  Returns 0 (or an op-defined non-negative value),
   * -ENOTSUP for an op the engine does not know or does not do, or -errno
   * with *err filled.  Control plane: never on the per-IO path. */
  int32_t (*control)(iop_engine *engine, uint32_t op, void *arg, iop_error *err);

  /* IOP_CAP_ERROR_TEXT.  For a completion returned by the latest reap()
   * whose flags have IOP_CQE_ERROR_TEXT: writes a one-line explanation of
   * the failure (which step failed, what the kernel said) into *out and
   * returns 0.  Returns -ENOENT when there is none for `user_data`.  Only
   * valid until the next submit() or reap() on the instance. */
  int32_t (*error_text)(iop_engine *engine, uint64_t user_data, iop_error *out);

  /* IOP_CAP_REPORT.  Fills *out (see iop_instance_report) after create():
   * the settings that took effect and this instance's capabilities.
   * Returns 0 or -errno with *err filled. */
  int32_t (*report)(iop_engine *engine, iop_instance_report *out, iop_error *err);
} iop_engine_desc;

/* The entry function every engine exports under IOP_ENTRY_SYMBOL.  Called
 * by the host before any other function, possibly more than once; returns
 * the same descriptor every time.  Stores the engine's static descriptor in
 * *out and returns 0, or returns -errno (the engine may explain through
 * host->log) when it cannot work in this process.  It does not refuse a
 * host of another ABI major (see Versioning). */
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
IOP_STATIC_ASSERT(offsetof(iop_engine_desc, caps) == 40, desc_caps);
IOP_STATIC_ASSERT(offsetof(iop_engine_desc, required_caps) == 48, desc_required_caps);
IOP_STATIC_ASSERT(offsetof(iop_engine_desc, create) == 80, desc_create);
IOP_STATIC_ASSERT(offsetof(iop_engine_desc, completion_fd) == 136, desc_completion_fd);
IOP_STATIC_ASSERT(sizeof(iop_engine_desc) == 184, engine_desc_size);
IOP_STATIC_ASSERT(sizeof(iop_io) == 64, io_size);
IOP_STATIC_ASSERT(offsetof(iop_io, op) == 32, io_op_offset);
IOP_STATIC_ASSERT(offsetof(iop_io, ioprio) == 34, io_ioprio_offset);
IOP_STATIC_ASSERT(offsetof(iop_io, priv) == 40, io_priv_offset);
IOP_STATIC_ASSERT(offsetof(iop_io, flags) == 48, io_flags_offset);
IOP_STATIC_ASSERT(offsetof(iop_io, meta) == 56, io_meta_offset);
IOP_STATIC_ASSERT(sizeof(iop_meta_args) == 64, meta_args_size);
IOP_STATIC_ASSERT(sizeof(iop_cqe) == 32, cqe_size);
IOP_STATIC_ASSERT(offsetof(iop_cqe, aux) == 16, cqe_aux_offset);
IOP_STATIC_ASSERT(sizeof(iop_option_desc) == 72, option_desc_size);
IOP_STATIC_ASSERT(sizeof(iop_option_value) == 16, option_value_size);
IOP_STATIC_ASSERT(sizeof(iop_engine_config) == 64, engine_config_size);
IOP_STATIC_ASSERT(sizeof(iop_file_desc) == 64, file_desc_size);
IOP_STATIC_ASSERT(sizeof(iop_host_info) == 32, host_info_size);
IOP_STATIC_ASSERT(sizeof(iop_instance_report) == 64, instance_report_size);
IOP_STATIC_ASSERT(sizeof(iop_setting) == 16, setting_size);
IOP_STATIC_ASSERT(sizeof(iop_error) == IOP_ERROR_MESSAGE_MAX, error_size);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* IOPULSE_ENGINE_H */
