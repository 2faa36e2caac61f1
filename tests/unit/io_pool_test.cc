// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// The IO pool's layout, checked by address arithmetic: every slot's buffer
// is aligned, its own and zeroed; scratch areas do not overlap; the free
// stack holds every slot once; memory the engine provided is used and left
// to the engine (the sanitizer build would see a double free).
#include "run/io_pool.h"

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <set>

#include <gtest/gtest.h>

namespace iopulse {
namespace {

bool pool_bytes_zero(const void* p, size_t n) {
  const auto* b = static_cast<const unsigned char*>(p);
  for (size_t i = 0; i < n; ++i) {
    if (b[i] != 0) return false;
  }
  return true;
}

TEST(IoPool, EverySlotHasItsOwnAlignedZeroedBufferAndScratch) {
  constexpr uint32_t kDepth = 5;
  IoPool pool(kDepth, /*buf_bytes=*/6000, /*align=*/4096, /*priv_size=*/40);
  EXPECT_EQ(pool.depth(), kDepth);
  EXPECT_EQ(pool.stride(), 8192u);  // 6000 rounded up to the alignment
  EXPECT_EQ(reinterpret_cast<uintptr_t>(pool.slots()) % 64, 0u);
  std::set<uintptr_t> scratch;
  for (uint32_t i = 0; i < kDepth; ++i) {
    IoSlot& slot = pool.slots()[i];
    EXPECT_EQ(slot.io.user_data, i);
    EXPECT_EQ(&IoSlot::of(&slot.io), &slot);
    const auto buf = reinterpret_cast<uintptr_t>(slot.io.buf);
    EXPECT_EQ(buf % 4096, 0u) << i;
    EXPECT_EQ(slot.buf, slot.io.buf);
    EXPECT_EQ(buf - reinterpret_cast<uintptr_t>(pool.buffers()), i * pool.stride()) << i;
    EXPECT_TRUE(pool_bytes_zero(slot.io.buf, pool.stride())) << i;
    EXPECT_EQ(slot.io.buf_index, -1);
    EXPECT_EQ(slot.block, IoSlot::kNoBlock);
    ASSERT_NE(slot.io.priv, nullptr);
    EXPECT_TRUE(pool_bytes_zero(slot.io.priv, 40)) << i;
    scratch.insert(reinterpret_cast<uintptr_t>(slot.io.priv));
  }
  // Scratch areas 64 bytes apart at least: none overlaps the next.
  ASSERT_EQ(scratch.size(), kDepth);
  for (auto it = scratch.begin(); std::next(it) != scratch.end(); ++it) EXPECT_GE(*std::next(it) - *it, 64u);
  // Writing one buffer whole leaves its neighbours as they were.
  std::memset(pool.slots()[2].io.buf, 0xab, pool.stride());
  EXPECT_TRUE(pool_bytes_zero(pool.slots()[1].io.buf, pool.stride()));
  EXPECT_TRUE(pool_bytes_zero(pool.slots()[3].io.buf, pool.stride()));
}

TEST(IoPool, TheFreeStackHoldsEverySlotOnceWithSlotZeroOnTop) {
  IoPool pool(7, 4096, 4096, 0);
  std::set<uint32_t> seen(pool.free_stack(), pool.free_stack() + 7);
  EXPECT_EQ(seen.size(), 7u);
  EXPECT_EQ(*seen.rbegin(), 6u);
  EXPECT_EQ(pool.free_stack()[6], 0u);  // the top: taken first
  EXPECT_EQ(pool.slots()[0].io.priv, nullptr);  // no scratch asked for
}

TEST(IoPool, BufferListAndRegistrationMatchTheSlots) {
  IoPool pool(3, 4096, 8192, 0);
  const std::vector<iop_buffer> list = pool.buffer_list();
  ASSERT_EQ(list.size(), 3u);
  for (uint32_t i = 0; i < 3; ++i) {
    EXPECT_EQ(list[i].base, pool.slots()[i].io.buf);
    EXPECT_EQ(list[i].len, 8192u);
  }
  pool.set_registered(true);
  for (uint32_t i = 0; i < 3; ++i) EXPECT_EQ(pool.slots()[i].io.buf_index, static_cast<int32_t>(i));
  pool.set_registered(false);
  for (uint32_t i = 0; i < 3; ++i) EXPECT_EQ(pool.slots()[i].io.buf_index, -1);
}

TEST(IoPool, EngineMemoryIsUsedZeroedAndLeftToTheEngine) {
  const size_t stride = IoPool::buf_stride(4096, 4096);
  auto* engine_memory = static_cast<unsigned char*>(std::aligned_alloc(4096, 4 * stride));
  std::memset(engine_memory, 0x5a, 4 * stride);
  {
    IoPool pool(4, 4096, 4096, 0, engine_memory);
    EXPECT_EQ(pool.buffers(), engine_memory);
    for (uint32_t i = 0; i < 4; ++i) EXPECT_EQ(pool.slots()[i].io.buf, engine_memory + i * stride);
    EXPECT_TRUE(pool_bytes_zero(engine_memory, 4 * stride));
  }
  std::free(engine_memory);  // still the engine's: the pool did not free it
}

}  // namespace
}  // namespace iopulse
