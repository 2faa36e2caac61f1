// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "run/io_pool.h"

#include <cstdlib>
#include <cstring>
#include <new>

namespace iopulse {
namespace {

void* aligned_zeroed(size_t alignment, size_t bytes) {
  const size_t rounded = (bytes + alignment - 1) / alignment * alignment;
  void* p = std::aligned_alloc(alignment, rounded == 0 ? alignment : rounded);
  if (p == nullptr) throw std::bad_alloc();
  std::memset(p, 0, rounded == 0 ? alignment : rounded);
  return p;
}

}  // namespace

IoPool::IoPool(uint32_t depth, size_t buf_bytes, size_t align, size_t priv_size, void* engine_buffers)
    : depth_(depth), stride_(buf_stride(buf_bytes, align)), own_buffers_(engine_buffers == nullptr) {
  const size_t priv_stride = (priv_size + 63) / 64 * 64;
  try {
    slots_ = static_cast<IoSlot*>(aligned_zeroed(64, sizeof(IoSlot) * depth));
    if (own_buffers_) {
      buffers_ = static_cast<unsigned char*>(aligned_zeroed(align, stride_ * depth));
    } else {
      buffers_ = static_cast<unsigned char*>(engine_buffers);
      std::memset(buffers_, 0, stride_ * depth);
    }
    if (priv_stride > 0) priv_ = aligned_zeroed(64, priv_stride * depth);
  } catch (...) {
    std::free(slots_);
    if (own_buffers_) std::free(buffers_);
    throw;
  }
  free_.resize(depth);
  batch_.resize(depth);
  cqes_.resize(depth + CompletionLedger::kGuardCompletions);
  for (uint32_t i = 0; i < depth; ++i) {
    IoSlot& slot = slots_[i];
    slot.io.user_data = i;
    slot.io.buf = buffers_ + i * stride_;
    slot.io.buf_index = -1;
    slot.io.priv = priv_stride > 0 ? static_cast<unsigned char*>(priv_) + i * priv_stride : nullptr;
    slot.buf = slot.io.buf;
    slot.block = IoSlot::kNoBlock;
    free_[i] = depth - 1 - i;  // slot 0 on top
  }
}

IoPool::~IoPool() {
  std::free(slots_);
  if (own_buffers_) std::free(buffers_);  // the engine's go back with the instance
  std::free(priv_);
}

std::vector<iop_buffer> IoPool::buffer_list() const {
  std::vector<iop_buffer> list(depth_);
  for (uint32_t i = 0; i < depth_; ++i) list[i] = {buffers_ + i * stride_, stride_};
  return list;
}

void IoPool::set_registered(bool registered) {
  for (uint32_t i = 0; i < depth_; ++i) slots_[i].io.buf_index = registered ? static_cast<int32_t>(i) : -1;
}

}  // namespace iopulse
