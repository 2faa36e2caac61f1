// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// Unit tests for iopulse/engine_helpers.h, compiled as C++ (the C99 build of
// the header is checked by tests/unit/sdk_header_c99_test.c).

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <string>

#include <gtest/gtest.h>

#include "iopulse/engine.h"
#include "iopulse/engine_helpers.h"

namespace {

iop_engine_desc Desc(uint32_t num_options, uint32_t max_queue_depth) {
  iop_engine_desc d;
  std::memset(&d, 0, sizeof d);
  d.num_options = num_options;
  d.max_queue_depth = max_queue_depth;
  return d;
}

iop_engine_config Config(uint32_t queue_depth, uint32_t num_options,
                         const iop_option_value *options) {
  iop_engine_config c;
  std::memset(&c, 0, sizeof c);
  c.struct_size = sizeof c;
  c.queue_depth = queue_depth;
  c.num_options = num_options;
  c.options = options;
  return c;
}

TEST(EngineHelpers, SetErrorTruncatesAndIgnoresNull) {
  iop_error err;
  iop_set_error(&err, "%s=%d", "depth", 7);
  EXPECT_STREQ(err.message, "depth=7");
  iop_set_error(&err, "%s", std::string(1000, 'x').c_str());
  EXPECT_EQ(std::strlen(err.message), IOP_ERROR_MESSAGE_MAX - 1u);
  iop_set_error(nullptr, "nothing");
}

// A host of any major gets the descriptor (the host compares majors); only
// a missing host info is refused.
TEST(EngineHelpers, CheckHost) {
  iop_host_info host;
  std::memset(&host, 0, sizeof host);
  host.abi_major = IOP_ABI_MAJOR;
  EXPECT_EQ(iop_check_host(&host), 0);
  host.abi_major = IOP_ABI_MAJOR + 1;
  EXPECT_EQ(iop_check_host(&host), 0);
  EXPECT_EQ(iop_check_host(nullptr), -EINVAL);
}

TEST(EngineHelpers, CheckConfigMessages) {
  const iop_engine_desc desc = Desc(1, 16);
  iop_option_value value{0, nullptr};
  iop_engine *engine = nullptr;
  iop_error err;

  iop_engine_config config = Config(16, 1, &value);
  EXPECT_EQ(iop_check_config(&config, &engine, &desc, &err), 0);

  EXPECT_EQ(iop_check_config(nullptr, &engine, &desc, &err), -EINVAL);
  EXPECT_STREQ(err.message, "create() needs a config and an output pointer");
  EXPECT_EQ(iop_check_config(&config, nullptr, &desc, &err), -EINVAL);
  EXPECT_STREQ(err.message, "create() needs a config and an output pointer");

  config.struct_size = 8;
  EXPECT_EQ(iop_check_config(&config, &engine, &desc, &err), -EINVAL);
  EXPECT_STREQ(err.message, "iop_engine_config.struct_size 8 is smaller than ABI 2.0's 64");

  config = Config(16, 2, &value);
  EXPECT_EQ(iop_check_config(&config, &engine, &desc, &err), -EINVAL);
  EXPECT_STREQ(err.message, "expected 1 option values, got 2");
  config = Config(16, 1, nullptr);
  EXPECT_EQ(iop_check_config(&config, &engine, &desc, &err), -EINVAL);
  EXPECT_STREQ(err.message, "expected 1 option values, got 1");

  config = Config(17, 1, &value);
  EXPECT_EQ(iop_check_config(&config, &engine, &desc, &err), -EINVAL);
  EXPECT_STREQ(err.message, "queue depth 17 is outside 1..16");
  config = Config(0, 1, &value);
  EXPECT_EQ(iop_check_config(&config, &engine, &desc, &err), -EINVAL);
  EXPECT_STREQ(err.message, "queue depth 0 is outside 1..16");

  // No options: no array needed.
  const iop_engine_desc none = Desc(0, 4);
  config = Config(4, 0, nullptr);
  EXPECT_EQ(iop_check_config(&config, &engine, &none, &err), 0);
}

TEST(EngineHelpers, FileTableHandsOutLowestFreeHandle) {
  static const int kNoFd = -1;
  iop_file_table t;
  iop_file_table_init(&t, sizeof(int), &kNoFd);
  iop_error err;

  for (int32_t i = 0; i < 5; i++) {
    int32_t h = iop_file_table_lowest_free(&t, 2, nullptr, &err);
    ASSERT_EQ(h, i) << err.message;
    *static_cast<int *>(iop_file_table_slot(&t, h)) = 100 + i;
    iop_file_table_mark_open(&t, h);
  }
  EXPECT_EQ(t.num_slots, 8);  // 2, 4, 8
  EXPECT_EQ(*static_cast<int *>(iop_file_table_slot(&t, 5)), -1);
  EXPECT_TRUE(iop_file_table_is_open(&t, 4));
  EXPECT_FALSE(iop_file_table_is_open(&t, 5));
  EXPECT_FALSE(iop_file_table_is_open(&t, -1));
  EXPECT_FALSE(iop_file_table_is_open(&t, 8));

  EXPECT_EQ(iop_file_table_check(&t, 1, &err), 0);
  iop_file_table_release(&t, 1);
  EXPECT_EQ(*static_cast<int *>(iop_file_table_slot(&t, 1)), -1);
  EXPECT_EQ(iop_file_table_check(&t, 1, &err), -EBADF);
  EXPECT_STREQ(err.message, "close_file: 1 is not an open handle");
  EXPECT_EQ(iop_file_table_check(&t, 99, &err), -EBADF);
  EXPECT_STREQ(err.message, "close_file: 99 is not an open handle");
  EXPECT_EQ(iop_file_table_lowest_free(&t, 2, nullptr, &err), 1);

  iop_file_table_destroy(&t);
  EXPECT_EQ(t.num_slots, 0);
  EXPECT_EQ(t.slots, nullptr);
}

TEST(EngineHelpers, FileTableWithoutRecords) {
  iop_file_table t;
  iop_file_table_init(&t, 0, nullptr);
  iop_error err;
  int32_t h = iop_file_table_lowest_free(&t, 8, "/x", &err);
  ASSERT_EQ(h, 0) << err.message;
  iop_file_table_mark_open(&t, h);
  EXPECT_EQ(t.num_slots, 8);
  EXPECT_EQ(t.slots, nullptr);
  EXPECT_TRUE(iop_file_table_is_open(&t, 0));
  iop_file_table_release(&t, 0);
  EXPECT_FALSE(iop_file_table_is_open(&t, 0));
  iop_file_table_destroy(&t);
}

TEST(EngineHelpers, CompletionRingKeepsOrderAcrossTheWrap) {
  iop_completion_ring r;
  ASSERT_EQ(iop_completion_ring_init(&r, 3), 0);
  EXPECT_EQ(r.mask, 3u) << "3 rounds up to 4 entries";
  EXPECT_EQ(iop_completion_ring_room(&r), 3u);
  uint64_t next_in = 0;
  uint64_t next_out = 0;
  auto push = [&](uint32_t n) {
    for (uint32_t i = 0; i < n; ++i) {
      ASSERT_GT(iop_completion_ring_room(&r), 0u);
      iop_cqe* c = iop_completion_ring_push(&r);
      c->user_data = next_in;
      c->res = static_cast<int64_t>(next_in) * 10;
      ++next_in;
    }
  };
  iop_cqe out[4];
  // Ten rounds of fill and partial drain: the counters pass the ring's end
  // many times, and what comes out is always the oldest, in order.
  for (int round = 0; round < 10; ++round) {
    push(iop_completion_ring_room(&r));
    EXPECT_EQ(iop_completion_ring_room(&r), 0u);
    EXPECT_EQ(iop_completion_ring_waiting(&r), 3u);
    const uint32_t got = iop_completion_ring_take(&r, out, iop_completion_ring_waiting(&r), 2);
    ASSERT_EQ(got, 2u) << "max caps what is handed out";
    for (uint32_t i = 0; i < got; ++i) {
      EXPECT_EQ(out[i].user_data, next_out);
      EXPECT_EQ(out[i].res, static_cast<int64_t>(next_out) * 10);
      ++next_out;
    }
    EXPECT_EQ(iop_completion_ring_room(&r), 2u);
  }
  // ready caps it too: only the first of the one waiting may go.
  EXPECT_EQ(iop_completion_ring_take(&r, out, 0, 4), 0u);
  EXPECT_EQ(iop_completion_ring_take(&r, out, 1, 4), 1u);
  EXPECT_EQ(out[0].user_data, next_out);
  EXPECT_EQ(iop_completion_ring_waiting(&r), 0u);
  iop_completion_ring_destroy(&r);
  EXPECT_EQ(r.cqes, nullptr);
  iop_completion_ring_destroy(&r);  // twice is harmless

  EXPECT_EQ(iop_completion_ring_init(&r, 0), -EINVAL);
  EXPECT_EQ(iop_completion_ring_init(&r, 0x80000001u), -EINVAL) << "would not round up to a power of two";
  EXPECT_EQ(r.cqes, nullptr);
  iop_completion_ring_destroy(&r);
}

}  // namespace
