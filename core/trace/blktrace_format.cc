// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "trace/blktrace_format.h"

#include <cstring>

namespace iopulse {
namespace {

template <typename T>
T field(const unsigned char* p, size_t at, bool swapped) {
  T v;
  std::memcpy(&v, p + at, sizeof v);
  if (!swapped) return v;
  if constexpr (sizeof(T) == 2) return static_cast<T>(__builtin_bswap16(v));
  if constexpr (sizeof(T) == 4) return static_cast<T>(__builtin_bswap32(v));
  return static_cast<T>(__builtin_bswap64(v));
}

}  // namespace

bool is_blk_magic(uint32_t magic, bool* swapped) {
  if ((magic & 0xffffff00u) == kBlkMagic) {
    *swapped = false;
    return true;
  }
  if ((__builtin_bswap32(magic) & 0xffffff00u) == kBlkMagic) {
    *swapped = true;
    return true;
  }
  return false;
}

BlkEvent decode_blk_event(const unsigned char* p, bool swapped) {
  BlkEvent e;
  e.magic = field<uint32_t>(p, 0, swapped);
  e.sequence = field<uint32_t>(p, 4, swapped);
  e.time_ns = field<uint64_t>(p, 8, swapped);
  e.sector = field<uint64_t>(p, 16, swapped);
  e.bytes = field<uint32_t>(p, 24, swapped);
  e.action = field<uint32_t>(p, 28, swapped);
  e.pid = field<uint32_t>(p, 32, swapped);
  e.device = field<uint32_t>(p, 36, swapped);
  e.cpu = field<uint32_t>(p, 40, swapped);
  e.error = field<uint16_t>(p, 44, swapped);
  e.pdu_len = field<uint16_t>(p, 46, swapped);
  return e;
}

}  // namespace iopulse
