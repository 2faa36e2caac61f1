/* SPDX-License-Identifier: MIT
 * SPDX-FileCopyrightText: 2026 The IOPulse authors */
/*
 * Compile-only check that iopulse/engine.h and iopulse/engine_helpers.h are
 * strict ISO C99.
 *
 * Built as the object library iopulse_sdk_c99_check (plugins/null/
 * CMakeLists.txt) with -std=c99 -Wall -Wextra -pedantic -Werror, as part of
 * the normal build.  It includes the headers and uses each type and helper
 * the way a C engine would, so a C++-ism, a GNU extension or a warning in a
 * header fails the build.  Nothing here runs.
 */
#include "iopulse/engine.h"
#include "iopulse/engine_helpers.h"

#include <errno.h>

static const char *const check_choices[] = {"a", "b", NULL};

static const iop_option_desc check_options[] = {
    {sizeof(iop_option_desc), IOP_OPT_BOOL, "flag", "a bool", "0", 0, 0, NULL, {0, 0}},
    {sizeof(iop_option_desc), IOP_OPT_INT, "count", "an int", "1", 1, 64, NULL, {0, 0}},
    {sizeof(iop_option_desc), IOP_OPT_ENUM, "mode", "an enum", NULL, 0, 0, check_choices, {0, 0}},
};

static const iop_engine_desc check_desc;

IOP_STATIC_ASSERT(IOP_OP_COUNT_2_0 == IOP_OP_LIST + 1, op_count);
IOP_STATIC_ASSERT(IOP_IOPRIO_VALUE(IOP_IOPRIO_CLASS_BE, 4) == ((2 << 13) | 4), ioprio_value);

static int32_t check_create(const iop_engine_config *config, iop_engine **out, iop_error *err) {
  int32_t rc = iop_check_config(config, out, &check_desc, err);
  if (rc == 0) rc = iop_check_config_size(config, out, err);
  if (rc == 0) rc = iop_check_config_options(config, &check_desc, err);
  if (rc == 0) rc = iop_check_config_queue_depth(config, &check_desc, err);
  if (rc == 0) iop_set_error(err, "%s", "not implemented");
  return rc != 0 ? rc : -ENOSYS;
}

static void check_destroy(iop_engine *engine) { (void)engine; }

/* A file table of descriptors, as an engine would keep in its instance. */
static const int check_no_fd = -1;

static int32_t check_open_file(iop_engine *engine, const iop_file_desc *file, iop_error *err) {
  iop_file_table files;
  int32_t h;
  (void)engine;
  iop_file_table_init(&files, sizeof(int), &check_no_fd);
  h = iop_file_table_lowest_free(&files, 4, file->path, err);
  if (h >= 0) {
    *(int *)iop_file_table_slot(&files, h) = file->fd;
    iop_file_table_mark_open(&files, h);
    if (iop_file_table_is_open(&files, h) && iop_file_table_check(&files, h, err) == 0)
      iop_file_table_release(&files, h);
  }
  iop_file_table_destroy(&files);
  return (file->flags & (IOP_FILE_DIRECT | IOP_FILE_DIRECTORY)) ? 1 : h;
}

static int32_t check_close_file(iop_engine *engine, int32_t handle, iop_error *err) {
  (void)engine;
  (void)handle;
  (void)err;
  return 0;
}

static int32_t check_submit(iop_engine *engine, iop_io *const *ios, uint32_t n, uint32_t flags) {
  (void)engine;
  if (flags & ~IOP_SUBMIT_KNOWN_FLAGS) return -EINVAL;
  if (n > 0 && ios[0]->op == IOP_OP_RENAME && ios[0]->meta != NULL &&
      (ios[0]->meta->flags & ~IOP_META_KNOWN_2_0) == 0 && ios[0]->meta->path2 != NULL)
    return 1;
  if (n > 0 && (ios[0]->flags & ~IOP_IO_KNOWN_2_0) == 0 &&
      IOP_IOPRIO_CLASS(ios[0]->ioprio) <= IOP_IOPRIO_CLASS_IDLE)
    return (n > 0 && ios[0]->op == IOP_OP_READ) ? 1 : 0;
  return 0;
}

static int32_t check_reap(iop_engine *engine, iop_cqe *out, uint32_t max, uint32_t min_wait,
                          uint64_t timeout_ns) {
  iop_completion_ring done;
  uint32_t n = 0;
  (void)engine;
  (void)min_wait;
  if (max == 0 || timeout_ns == IOP_TIMEOUT_INFINITE) return 0;
  if (iop_completion_ring_init(&done, max) == 0 && iop_completion_ring_room(&done) > 0) {
    iop_cqe *cqe = iop_completion_ring_push(&done);
    cqe->user_data = 0;
    cqe->res = 0;
    cqe->aux = 7;
    cqe->flags = IOP_CQE_AUX_COUNT | IOP_CQE_ERROR_TEXT;
    n = iop_completion_ring_take(&done, out, iop_completion_ring_waiting(&done), max);
  }
  iop_completion_ring_destroy(&done);
  return (int32_t)n;
}

static int32_t check_completion_fd(iop_engine *engine, iop_error *err) {
  (void)engine;
  iop_set_error(err, "no fd");
  return -ENOTSUP;
}

static int32_t check_alloc_buffer(iop_engine *engine, uint64_t len, iop_buffer *out,
                                  iop_error *err) {
  (void)engine;
  (void)err;
  out->base = NULL;
  out->len = len;
  return -ENOMEM;
}

static void check_free_buffer(iop_engine *engine, const iop_buffer *buf) {
  (void)engine;
  (void)buf;
}

static int32_t check_control(iop_engine *engine, uint32_t op, void *arg, iop_error *err) {
  (void)engine;
  (void)arg;
  (void)err;
  return op == IOP_CTL_DROP_CACHE || op >= IOP_CTL_ENGINE_BASE ? -ENOTSUP : -ENOTSUP;
}

static int32_t check_error_text(iop_engine *engine, uint64_t user_data, iop_error *out) {
  (void)engine;
  (void)user_data;
  iop_set_error(out, "%s", "none");
  return -ENOENT;
}

static const iop_setting check_settings[] = {{"mode", "checked"}};

static int32_t check_report(iop_engine *engine, iop_instance_report *out, iop_error *err) {
  (void)engine;
  (void)err;
  out->caps = IOP_CAP_FSYNC;
  out->settings = check_settings;
  out->num_settings = 1;
  return 0;
}

static const iop_engine_desc check_desc = {
    sizeof(iop_engine_desc),
    IOP_ABI_MAJOR,
    IOP_ABI_MINOR,
    0,
    0,
    0,
    "c99_check",
    "0.0.0",
    "compile-only check of engine.h",
    IOP_CAP_FSYNC | IOP_CAP_KNOWN_2_0 | IOP_CAP_META_ALL | IOP_CAP_IO_FLAGS_ALL,
    IOP_REQ_KNOWN_2_0,
    1,
    0,
    0,
    sizeof check_options / sizeof check_options[0],
    check_options,
    check_create,
    check_destroy,
    check_open_file,
    check_close_file,
    NULL,
    check_submit,
    check_reap,
    check_completion_fd,
    check_alloc_buffer,
    check_free_buffer,
    check_control,
    check_error_text,
    check_report,
};

/* Not exported from any library (this is an object file that nothing links);
 * it only proves the declaration in the header and a definition agree. */
int32_t iopulse_engine_entry(const iop_host_info *host, const iop_engine_desc **out) {
  iop_engine_entry_fn self = iopulse_engine_entry;
  (void)self;
  int32_t rc = iop_check_host(host);
  if (rc != 0) return rc;
  *out = &check_desc;
  return 0;
}
