// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "run/engine_instance.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

#include <fmt/format.h>

namespace iopulse {
namespace {

std::string describe(const iop_engine_desc& desc, const char* what, int32_t rc,
                     const iop_error& err) {
  const std::string reason = err.message[0] != '\0' ? std::string(err.message) : "no message";
  return fmt::format("engine {}: {} failed: {} ({})", desc.name, what, reason,
                     std::strerror(rc < 0 ? -rc : rc));
}

}  // namespace

EngineInstance::EngineInstance(const iop_engine_desc& desc, const iop_engine_config& config)
    : desc_(desc), submit_(desc.submit), reap_(desc.reap) {
  iop_error err{};
  const int32_t rc = desc.create(&config, &engine_, &err);
  if (rc != 0 || engine_ == nullptr) {
    err.message[sizeof err.message - 1] = '\0';
    throw EngineCreateError(describe(desc, "create", rc != 0 ? rc : -EINVAL, err));
  }
}

EngineInstance::~EngineInstance() {
  close_all_files();
  // engine.h, destroy(): every engine buffer is freed first, exactly the
  // iop_buffer alloc_buffer() filled.
  for (auto it = engine_buffers_.rbegin(); it != engine_buffers_.rend(); ++it) desc_.free_buffer(engine_, &*it);
  engine_buffers_.clear();
  desc_.destroy(engine_);
}

int EngineInstance::completion_fd() {
  iop_error err{};
  const int32_t fd = desc_.completion_fd(engine_, &err);
  if (fd < 0) {
    err.message[sizeof err.message - 1] = '\0';
    throw EngineCallError(describe(desc_, "completion_fd", fd, err), -fd);
  }
  return fd;
}

iop_buffer EngineInstance::alloc_buffer(uint64_t len) {
  iop_error err{};
  iop_buffer buf{nullptr, 0};
  engine_buffers_.reserve(engine_buffers_.size() + 1);  // so a buffer handed out is always recorded
  const int32_t rc = desc_.alloc_buffer(engine_, len, &buf, &err);
  if (rc != 0) {
    err.message[sizeof err.message - 1] = '\0';
    throw EngineCallError(describe(desc_, fmt::format("alloc_buffer of {} bytes", len).c_str(), rc, err),
                          rc < 0 ? -rc : rc);
  }
  if (buf.base != nullptr) engine_buffers_.push_back(buf);
  const uint64_t align = std::max<uint64_t>(4096, desc_.min_buf_align);
  if (buf.base == nullptr || buf.len < len || reinterpret_cast<uintptr_t>(buf.base) % align != 0) {
    throw std::runtime_error(fmt::format(
        "engine {}: alloc_buffer of {} bytes returned {} bytes at {}, which is not {} bytes aligned to {} "
        "(engine.h, alloc_buffer())",
        desc_.name, len, buf.len, fmt::ptr(buf.base), len, align));
  }
  return buf;
}

int32_t EngineInstance::open_file(const iop_file_desc& file) {
  iop_error err{};
  const int32_t handle = desc_.open_file(engine_, &file, &err);
  if (handle < 0) {
    err.message[sizeof err.message - 1] = '\0';
    throw EngineCallError(describe(desc_, fmt::format("opening '{}'", file.path).c_str(), handle, err), -handle);
  }
  open_handles_.push_back(handle);
  return handle;
}

void EngineInstance::close_all_files() {
  for (auto it = open_handles_.rbegin(); it != open_handles_.rend(); ++it) {
    iop_error err{};
    desc_.close_file(engine_, *it, &err);
  }
  open_handles_.clear();
}

std::string EngineInstance::error_text(uint64_t user_data) const {
  if ((desc_.caps & IOP_CAP_ERROR_TEXT) == 0 || desc_.error_text == nullptr) return "";
  iop_error out{};
  if (desc_.error_text(engine_, user_data, &out) != 0) return "";
  out.message[sizeof out.message - 1] = '\0';
  return out.message;
}

bool EngineInstance::register_buffers(const std::vector<iop_buffer>& buffers) {
  if ((desc_.caps & IOP_CAP_REGISTERED_BUFFERS) == 0 || desc_.register_buffers == nullptr) return false;
  iop_error err{};
  const int32_t rc = desc_.register_buffers(engine_, buffers.data(),
                                            static_cast<uint32_t>(buffers.size()), &err);
  if (rc != 0) {
    err.message[sizeof err.message - 1] = '\0';
    throw EngineCallError(describe(desc_, "register_buffers", rc, err), rc < 0 ? -rc : rc);
  }
  return true;
}

}  // namespace iopulse
