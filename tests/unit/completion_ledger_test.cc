// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// CompletionLedger against the wrong answers an engine can give: more
// accepted than offered, more reaped than asked, a user_data outside the
// pool, a completion of an IO not in flight (twice, or never submitted).
#include "run/completion_ledger.h"

#include <array>
#include <string>

#include <gtest/gtest.h>

namespace iopulse {
namespace {

class CompletionLedgerTest : public ::testing::Test {
 protected:
  static constexpr uint32_t kSlots = 4;
  CompletionLedgerTest() : ledger_("fake", kSlots) {
    for (uint32_t i = 0; i < kSlots; ++i) {
      ios_[i].user_data = i;
      batch_[i] = &ios_[i];
    }
  }
  static iop_cqe completion(uint64_t user_data) {
    iop_cqe c{};
    c.user_data = user_data;
    return c;
  }
  // The message of the EngineContractError `f` throws ("" when none).
  template <typename F>
  static std::string error_of(F f) {
    try {
      f();
    } catch (const EngineContractError& e) {
      return e.what();
    }
    return "";
  }

  CompletionLedger ledger_;
  std::array<iop_io, kSlots> ios_{};
  std::array<iop_io*, kSlots> batch_{};
};

TEST_F(CompletionLedgerTest, AcceptsAPrefixAndItsCompletionsInAnyOrder) {
  ledger_.accepted(batch_.data(), 4, 3);
  EXPECT_EQ(ledger_.in_flight(), 3u);
  const std::array<iop_cqe, 2> first{completion(2), completion(0)};
  ledger_.reaped(first.data(), 4, 2);
  EXPECT_EQ(ledger_.in_flight(), 1u);
  ledger_.accepted(batch_.data() + 3, 1, 1);
  ledger_.accepted(batch_.data(), 1, 1);  // slot 0 again, after its completion
  const std::array<iop_cqe, 3> rest{completion(3), completion(1), completion(0)};
  ledger_.reaped(rest.data(), 4, 3);
  EXPECT_EQ(ledger_.in_flight(), 0u);
  ledger_.reaped(rest.data(), 4, 0);  // an idle reap
}

TEST_F(CompletionLedgerTest, SubmitReturningMoreThanGivenNamesTheEngine) {
  const std::string e = error_of([&] { ledger_.accepted(batch_.data(), 2, 3); });
  EXPECT_NE(e.find("engine fake broke the engine contract: submit() of 2 IOs returned 3, more than it was given"),
            std::string::npos)
      << e;
  EXPECT_EQ(ledger_.in_flight(), 0u);
}

TEST_F(CompletionLedgerTest, ReapReturningMoreThanAskedIsRefusedBeforeAnyIsRead) {
  ledger_.accepted(batch_.data(), 4, 4);
  const std::array<iop_cqe, 4> c{completion(0), completion(1), completion(2), completion(3)};
  const std::string e = error_of([&] { ledger_.reaped(c.data(), 2, 3); });
  EXPECT_NE(e.find("engine fake broke the engine contract: reap(max=2) returned 3 completions, more than asked"),
            std::string::npos)
      << e;
  EXPECT_EQ(ledger_.in_flight(), 4u) << "nothing of a refused answer is used";
}

TEST_F(CompletionLedgerTest, UserDataOutsideThePoolIsRefused) {
  ledger_.accepted(batch_.data(), 1, 1);
  const std::array<iop_cqe, 1> c{completion(kSlots)};
  const std::string e = error_of([&] { ledger_.reaped(c.data(), 4, 1); });
  EXPECT_NE(e.find("user_data 0x4, which names no IO the host submitted (user_data 0 to 3)"), std::string::npos)
      << e;
  const std::array<iop_cqe, 1> huge{completion(0xdeadbeefcafeULL)};
  EXPECT_NE(error_of([&] { ledger_.reaped(huge.data(), 4, 1); }).find("0xdeadbeefcafe"), std::string::npos);
}

TEST_F(CompletionLedgerTest, DuplicateCompletionInOneBatchIsRefused) {
  ledger_.accepted(batch_.data(), 2, 2);
  const std::array<iop_cqe, 2> c{completion(1), completion(1)};
  const std::string e = error_of([&] { ledger_.reaped(c.data(), 4, 2); });
  EXPECT_NE(e.find("a completion for IO 1, which is not in flight (completed twice, or never submitted)"),
            std::string::npos)
      << e;
}

TEST_F(CompletionLedgerTest, DuplicateCompletionInALaterBatchIsRefused) {
  ledger_.accepted(batch_.data(), 2, 2);
  const std::array<iop_cqe, 1> c{completion(0)};
  ledger_.reaped(c.data(), 4, 1);
  EXPECT_NE(error_of([&] { ledger_.reaped(c.data(), 4, 1); }).find("IO 0, which is not in flight"),
            std::string::npos);
}

TEST_F(CompletionLedgerTest, CompletionOfAnIoNeverSubmittedIsRefused) {
  ledger_.accepted(batch_.data(), 1, 1);
  const std::array<iop_cqe, 1> c{completion(2)};
  EXPECT_NE(error_of([&] { ledger_.reaped(c.data(), 4, 1); }).find("IO 2, which is not in flight"),
            std::string::npos);
}

// The per-IO form the data worker uses: the same answers refused, one IO
// at a time, with the in-flight marks kept by the caller (here an array;
// the worker uses each slot's submit time) as the ledger says: set before
// submit(), cleared for what submit() did not accept and for each
// completion checked.
TEST_F(CompletionLedgerTest, PerIoFormRefusesWhatTheBatchFormRefuses) {
  std::array<uint64_t, kSlots> marks{};
  const uint64_t slots = ledger_.slots();
  EXPECT_EQ(slots, kSlots);
  // A completion as the worker takes it: slot, then mark, then clear.
  const auto complete = [&](uint64_t user_data) {
    ledger_.check_slot(user_data, slots);
    ledger_.check_in_flight(user_data, marks[user_data]);
    marks[user_data] = 0;
  };
  for (uint64_t slot = 0; slot < 3; ++slot) marks[slot] = 1000 + slot;  // offered: submit times
  EXPECT_NE(error_of([&] { ledger_.check_accepted(3, 4); }).find("submit() of 3 IOs returned 4"), std::string::npos);
  ledger_.check_accepted(3, 2);
  marks[2] = 0;  // offered, not accepted: the host holds it again
  EXPECT_NE(error_of([&] { ledger_.check_reaped(4, 5); }).find("reap(max=4) returned 5 completions"),
            std::string::npos);
  ledger_.check_reaped(4, 2);
  complete(1);
  complete(0);
  EXPECT_NE(error_of([&] { complete(0); }).find("IO 0, which is not in flight"), std::string::npos)
      << "a second completion of the same IO";
  EXPECT_NE(error_of([&] { complete(2); }).find("IO 2, which is not in flight"), std::string::npos)
      << "an IO submit() did not accept cannot complete";
  EXPECT_NE(error_of([&] { complete(3); }).find("IO 3, which is not in flight"), std::string::npos)
      << "an IO never offered cannot complete";
  EXPECT_NE(error_of([&] { complete(kSlots); }).find("names no IO the host submitted"), std::string::npos);
  EXPECT_NE(error_of([&] { complete(UINT64_MAX); }).find("names no IO the host submitted"), std::string::npos);
  marks[0] = 2000;  // completed: may go out again, and complete again
  complete(0);
}

}  // namespace
}  // namespace iopulse
