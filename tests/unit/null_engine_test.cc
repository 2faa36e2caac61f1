// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// Tests of the null engine through its C ABI: the built iopulse_null.so is
// dlopen()ed directly, without the host's loader, and driven the way the
// host drives it.

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "iopulse/engine.h"
#include "engine_test_support.h"

namespace {

using iopulse::test::EngineUnderTest;
using iopulse::test::engine_config;
using iopulse::test::host_info;
using iopulse::test::monotonic_ns;

using iopulse::test::null_plugin;

// One engine instance with one (diskless) file open.
class NullEngineFixture : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_EQ(null_plugin().error, ""); }

  void TearDown() override {
    if (eng_.instance == nullptr) return;
    // The contract: every IO reaped before destroy.
    iop_cqe cqe[64];
    while (in_flight_ > 0) {
      int32_t n = eng_.reap(cqe, 64, 1, IOP_TIMEOUT_INFINITE);
      ASSERT_GT(n, 0);
      in_flight_ -= static_cast<uint32_t>(n);
    }
    eng_.release(/*expect_clean_close=*/true);
  }

  void create(uint32_t queue_depth, int64_t delay_us = 0) {
    iop_option_value opts[1] = {{delay_us, nullptr}};
    ASSERT_EQ(eng_.create(engine_config(queue_depth, 0, opts, 1)), 0) << eng_.err.message;
    file_ = eng_.adopt(-1, "null-target", IOP_FILE_READ | IOP_FILE_WRITE, 1 << 30);
    ASSERT_GE(file_, 0) << eng_.err.message;
  }

  iop_io make_io(uint64_t user_data, uint8_t op, uint32_t len) {
    iop_io io{};
    io.user_data = user_data;
    io.offset = user_data * 4096;
    io.buf = op == IOP_OP_READ || op == IOP_OP_WRITE ? buf_ : nullptr;
    io.len = len;
    io.file = file_;
    io.op = op;
    io.buf_index = -1;
    return io;
  }

  int32_t submit(std::vector<iop_io>& ios, uint32_t flags = 0) {
    int32_t n = eng_.submit_all(ios, flags);
    if (n > 0) in_flight_ += static_cast<uint32_t>(n);
    return n;
  }

  int32_t reap(iop_cqe* out, uint32_t max, uint32_t min_wait, uint64_t timeout_ns) {
    int32_t n = eng_.reap(out, max, min_wait, timeout_ns);
    if (n > 0) in_flight_ -= static_cast<uint32_t>(n);
    return n;
  }

  EngineUnderTest eng_{null_plugin().desc};
  const iop_engine_desc*& desc_ = eng_.desc;  // for the tests that call the engine directly
  iop_engine*& engine_ = eng_.instance;
  int32_t file_ = -1;
  uint32_t in_flight_ = 0;
  alignas(4096) char buf_[4096];
};

TEST(NullEngine, DescriptorIsComplete) {
  ASSERT_EQ(null_plugin().error, "");
  const iop_engine_desc* d = null_plugin().desc;
  iopulse::test::expect_descriptor_basics(d, "null", "2.0.0");
  EXPECT_EQ(d->caps, IOP_CAP_ASYNC | IOP_CAP_BATCH_SUBMIT | IOP_CAP_FSYNC | IOP_CAP_FDATASYNC |
                         IOP_CAP_TRIM | IOP_CAP_DIRECT | IOP_CAP_REPORT);
  EXPECT_EQ(d->required_caps, IOP_REQ_DISKLESS);
  EXPECT_EQ(d->max_queue_depth, 65536u);
  EXPECT_EQ(d->min_buf_align, 0u);
  EXPECT_EQ(d->io_priv_size, 0u);
  EXPECT_EQ(d->register_buffers, nullptr);
}

TEST(NullEngine, OptionTableIsWellFormed) {
  ASSERT_EQ(null_plugin().error, "");
  const iop_engine_desc* d = null_plugin().desc;
  ASSERT_EQ(d->num_options, 1u);
  ASSERT_NE(d->options, nullptr);
  std::set<std::string> names;
  for (uint32_t i = 0; i < d->num_options; i++) {
    const iop_option_desc& o = d->options[i];
    ASSERT_NE(o.name, nullptr);
    std::string name = o.name;
    ASSERT_FALSE(name.empty());
    EXPECT_TRUE((name[0] >= 'a' && name[0] <= 'z') || (name[0] >= '0' && name[0] <= '9')) << name;
    for (char c : name)
      EXPECT_TRUE((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-') << name;
    EXPECT_TRUE(names.insert(name).second) << "duplicate option " << name;
    ASSERT_NE(o.help, nullptr);
    EXPECT_GT(std::strlen(o.help), 0u) << name;
    EXPECT_GE(o.type, static_cast<uint32_t>(IOP_OPT_BOOL)) << name;
    EXPECT_LE(o.type, static_cast<uint32_t>(IOP_OPT_ENUM)) << name;
    EXPECT_EQ(o.struct_size, sizeof(iop_option_desc)) << name;
    EXPECT_EQ(o.reserved[0], 0u) << name;
    EXPECT_EQ(o.reserved[1], 0u) << name;
    EXPECT_LE(o.min_value, o.max_value) << name;
    if (o.type != IOP_OPT_ENUM) {
      EXPECT_EQ(o.choices, nullptr) << name;
    }
  }
  const iop_option_desc& delay = d->options[0];
  EXPECT_STREQ(delay.name, "delay-us");
  EXPECT_EQ(delay.type, static_cast<uint32_t>(IOP_OPT_INT));
  ASSERT_NE(delay.default_value, nullptr);
  EXPECT_STREQ(delay.default_value, "0");
  EXPECT_EQ(delay.min_value, 0);
  EXPECT_EQ(delay.max_value, 10000000);
}

// The entry returns its descriptor to a host of any major: the host, which
// can name both versions, decides (engine.h, Versioning).
TEST(NullEngine, EntryAnswersAHostOfAnotherMajor) {
  ASSERT_EQ(null_plugin().error, "");
  iop_host_info host = host_info(IOP_ABI_MAJOR + 1);
  const iop_engine_desc* d = nullptr;
  EXPECT_EQ(null_plugin().entry(&host, &d), 0);
  EXPECT_EQ(d, null_plugin().desc);
  EXPECT_EQ(null_plugin().entry(nullptr, &d), -EINVAL);
}

TEST(NullEngine, CreateRejectsABadConfig) {
  ASSERT_EQ(null_plugin().error, "");
  const iop_engine_desc* d = null_plugin().desc;
  iop_option_value opts[1] = {{0, nullptr}};
  iop_engine_config config{};
  config.struct_size = sizeof config;
  config.queue_depth = 8;
  config.num_options = 1;
  config.options = opts;

  iop_engine* e = nullptr;
  iop_error err{};
  config.struct_size = 16;
  EXPECT_EQ(d->create(&config, &e, &err), -EINVAL);
  EXPECT_NE(err.message[0], '\0');

  config.struct_size = sizeof config;
  config.num_options = 2;
  err = iop_error{};
  EXPECT_EQ(d->create(&config, &e, &err), -EINVAL);
  EXPECT_NE(err.message[0], '\0');

  config.num_options = 1;
  opts[0].i = 10000001;
  err = iop_error{};
  EXPECT_EQ(d->create(&config, &e, &err), -EINVAL);
  EXPECT_NE(std::string(err.message).find("delay-us"), std::string::npos) << err.message;
  EXPECT_EQ(e, nullptr);
}

TEST_F(NullEngineFixture, CompletesEveryIoWithItsUserDataAndResult) {
  create(64);
  std::vector<iop_io> ios = {
      make_io(1, IOP_OP_READ, 4096),   make_io(2, IOP_OP_WRITE, 512),
      make_io(3, IOP_OP_FSYNC, 0),     make_io(4, IOP_OP_FDATASYNC, 0),
      make_io(5, IOP_OP_TRIM, 1 << 20), make_io(6, 77, 4096),
      make_io(7, IOP_OP_READ, 0),
  };
  ASSERT_EQ(submit(ios), 7);

  std::map<uint64_t, int64_t> res;
  iop_cqe cqe[16];
  int32_t n = reap(cqe, 16, 7, 0);
  ASSERT_EQ(n, 7);
  for (int32_t i = 0; i < n; i++) res[cqe[i].user_data] = cqe[i].res;
  EXPECT_EQ(res, (std::map<uint64_t, int64_t>{
                     {1, 4096}, {2, 512}, {3, 0}, {4, 0}, {5, 0}, {6, -EINVAL}, {7, 0}}));
  EXPECT_EQ(reap(cqe, 16, 0, 0), 0);
}

// Without a delay every IO is complete when submit() returns: the instance
// does not claim to be asynchronous.  With one it is, and says which.
TEST_F(NullEngineFixture, ReportSaysWhetherIosCompleteAfterSubmit) {
  create(4);
  iopulse::test::ReportView r = iopulse::test::report_of(eng_);
  ASSERT_EQ(r.rc, 0);
  EXPECT_EQ(r.caps, desc_->caps & ~IOP_CAP_ASYNC);
  EXPECT_EQ(r.settings["delay"], "none");
  eng_.release(true);
  create(4, 250);
  r = iopulse::test::report_of(eng_);
  EXPECT_EQ(r.caps, desc_->caps);
  EXPECT_EQ(r.settings["delay"], "250 us");
}

// Completions carry no aux value and no flags.
TEST_F(NullEngineFixture, CompletionsHaveNoAuxValue) {
  create(4);
  std::vector<iop_io> ios = {make_io(1, IOP_OP_READ, 4096), make_io(2, IOP_OP_FSYNC, 0)};
  ASSERT_EQ(submit(ios), 2);
  iop_cqe cqe[2];
  std::memset(cqe, 0xff, sizeof cqe);
  ASSERT_EQ(reap(cqe, 2, 2, IOP_TIMEOUT_INFINITE), 2);
  for (const iop_cqe& c : cqe) {
    EXPECT_EQ(c.aux, 0u);
    EXPECT_EQ(c.flags, 0u);
    EXPECT_EQ(c.reserved, 0u);
  }
}

TEST_F(NullEngineFixture, ReapReturnsAtMostMaxInSubmissionOrder) {
  create(16);
  std::vector<iop_io> ios;
  for (uint64_t i = 0; i < 10; i++) ios.push_back(make_io(100 + i, IOP_OP_WRITE, 4096));
  ASSERT_EQ(submit(ios), 10);
  iop_cqe cqe[4];
  uint64_t next = 100;
  for (int32_t want : {4, 4, 2, 0}) {
    ASSERT_EQ(reap(cqe, 4, 0, 0), want);
    for (int32_t i = 0; i < want; i++) EXPECT_EQ(cqe[i].user_data, next++);
  }
}

TEST_F(NullEngineFixture, SubmitAcceptsOnlyWhatTheQueueDepthAllows) {
  create(4);
  std::vector<iop_io> ios;
  for (uint64_t i = 0; i < 6; i++) ios.push_back(make_io(i, IOP_OP_READ, 4096));
  EXPECT_EQ(submit(ios), 4);
  std::vector<iop_io> more = {make_io(9, IOP_OP_READ, 4096)};
  EXPECT_EQ(submit(more), 0);
  iop_cqe cqe[1];
  ASSERT_EQ(reap(cqe, 1, 1, IOP_TIMEOUT_INFINITE), 1);
  EXPECT_EQ(cqe[0].user_data, 0u);
  EXPECT_EQ(submit(more), 1);
}

TEST_F(NullEngineFixture, UnknownSubmitFlagsAreRejected) {
  create(4);
  std::vector<iop_io> ios = {make_io(1, IOP_OP_READ, 4096)};
  EXPECT_EQ(submit(ios, 1u << 0), -EINVAL);
  EXPECT_EQ(submit(ios, 1u << 31), -EINVAL);
  iop_cqe cqe[1];
  EXPECT_EQ(reap(cqe, 1, 0, 0), 0);
}

TEST_F(NullEngineFixture, IoOnAnUnknownHandleCompletesWithEbadf) {
  create(4);
  std::vector<iop_io> ios = {make_io(1, IOP_OP_READ, 4096), make_io(2, IOP_OP_READ, 4096)};
  ios[0].file = 1000;
  ios[1].file = -1;
  ASSERT_EQ(submit(ios), 2);
  iop_cqe cqe[2];
  ASSERT_EQ(reap(cqe, 2, 2, 0), 2);
  EXPECT_EQ(cqe[0].res, -EBADF);
  EXPECT_EQ(cqe[1].res, -EBADF);
}

TEST_F(NullEngineFixture, OpenFileAcceptsNoDescriptorAndReusesHandles) {
  create(1);
  EXPECT_EQ(file_, 0);
  iop_file_desc file{};
  file.struct_size = sizeof file;
  file.path = "another";
  file.fd = -1;
  iop_error err{};
  std::vector<int32_t> handles;
  for (int i = 0; i < 20; i++) {
    int32_t h = desc_->open_file(engine_, &file, &err);
    ASSERT_GE(h, 0) << err.message;
    handles.push_back(h);
  }
  EXPECT_EQ(handles.front(), 1);
  EXPECT_EQ(handles.back(), 20);
  ASSERT_EQ(desc_->close_file(engine_, 5, &err), 0) << err.message;
  EXPECT_EQ(desc_->close_file(engine_, 5, &err), -EBADF);
  EXPECT_NE(err.message[0], '\0');
  EXPECT_EQ(desc_->open_file(engine_, &file, &err), 5);
  for (int32_t h : handles) EXPECT_EQ(desc_->close_file(engine_, h, &err), 0) << err.message;
}

TEST_F(NullEngineFixture, DelayHoldsEachIoBackForDelayUs) {
  constexpr uint64_t kDelayNs = 2000 * 1000;
  create(8, 2000);
  std::vector<iop_io> ios = {make_io(1, IOP_OP_READ, 4096), make_io(2, IOP_OP_WRITE, 4096)};
  uint64_t t0 = monotonic_ns();
  ASSERT_EQ(submit(ios), 2);

  // Not waiting, before the deadline: nothing is ready.  (Checked only when
  // the call really returned before the deadline; a stalled machine may not.)
  iop_cqe cqe[2];
  int32_t early = reap(cqe, 2, 1, 0);
  uint64_t t1 = monotonic_ns();
  ASSERT_GE(early, 0);
  if (t1 - t0 < kDelayNs) {
    EXPECT_EQ(early, 0);
  }

  // Waiting for one: returns no earlier than the delay after submit().
  int32_t got = early;
  if (got == 0) got = reap(cqe, 2, 1, IOP_TIMEOUT_INFINITE);
  uint64_t t2 = monotonic_ns();
  ASSERT_GE(got, 1);
  EXPECT_GE(t2 - t0, kDelayNs);
  EXPECT_EQ(cqe[0].user_data, 1u);
  EXPECT_EQ(cqe[0].res, 4096);
}

TEST_F(NullEngineFixture, ReapTimeoutBoundsTheWait) {
  constexpr uint64_t kTimeoutNs = 5 * 1000 * 1000;
  create(4, 300 * 1000);  // 300 ms
  std::vector<iop_io> ios = {make_io(1, IOP_OP_READ, 4096)};
  uint64_t t0 = monotonic_ns();
  ASSERT_EQ(submit(ios), 1);
  iop_cqe cqe[1];
  int32_t n = reap(cqe, 1, 1, kTimeoutNs);
  uint64_t t1 = monotonic_ns();
  if (t1 - t0 < 300u * 1000 * 1000) {
    EXPECT_EQ(n, 0);
    EXPECT_GE(t1 - t0, kTimeoutNs);
  }
  // TearDown reaps the IO once it is due.
}

TEST_F(NullEngineFixture, MinWaitIsMetWithDeadlinesInSubmissionOrder) {
  create(8, 1000);
  std::vector<iop_io> first = {make_io(1, IOP_OP_READ, 1), make_io(2, IOP_OP_READ, 2)};
  uint64_t t0 = monotonic_ns();
  ASSERT_EQ(submit(first), 2);
  std::vector<iop_io> second = {make_io(3, IOP_OP_READ, 3)};
  ASSERT_EQ(submit(second), 1);
  iop_cqe cqe[8];
  std::vector<uint64_t> order;
  while (order.size() < 3) {
    int32_t n = reap(cqe, 8, 3 - static_cast<uint32_t>(order.size()), IOP_TIMEOUT_INFINITE);
    ASSERT_GT(n, 0);
    for (int32_t i = 0; i < n; i++) order.push_back(cqe[i].user_data);
  }
  EXPECT_GE(monotonic_ns() - t0, 1000u * 1000);
  EXPECT_EQ(order, (std::vector<uint64_t>{1, 2, 3}));
}

}  // namespace
