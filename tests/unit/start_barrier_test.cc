// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// StartBarrier driven in-process by real threads: the window's start is a
// worker's clock after the release (never the coordinator's before it), the
// same for every worker, and never later than any worker's own next clock read.
#include "run/start_barrier.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "run/monotonic_clock.h"

namespace iopulse {
namespace {

struct Seen {
  uint64_t start = 0;  // what arrive_and_wait() returned
  uint64_t after = 0;  // the worker's own clock right after it returned
};

TEST(StartBarrier, EveryWorkerGetsOneStartTakenAfterTheRelease) {
  constexpr uint32_t kWorkers = 4;
  StartBarrier barrier(kWorkers);
  std::vector<Seen> seen(kWorkers);
  std::vector<std::thread> threads;
  for (uint32_t i = 0; i < kWorkers; ++i) {
    threads.emplace_back([&, i] {
      seen[i].start = barrier.arrive_and_wait();
      seen[i].after = monotonic_now_ns();
    });
  }
  ASSERT_TRUE(barrier.wait_until_all_arrived());
  EXPECT_EQ(barrier.start_ns(), 0u) << "no worker has seen a release yet";
  const uint64_t before_release = monotonic_now_ns();
  barrier.release();
  for (auto& t : threads) t.join();
  const uint64_t start = seen[0].start;
  EXPECT_GT(start, before_release) << "the start is a worker's clock after the release";
  for (const Seen& s : seen) {
    EXPECT_EQ(s.start, start) << "one clock origin for every worker";
    EXPECT_LE(s.start, s.after) << "no worker starts before the window it reports";
  }
  EXPECT_EQ(barrier.start_ns(), start);
}

TEST(StartBarrier, AnAbortReleasesEveryoneWithoutAStart) {
  StartBarrier barrier(2);
  uint64_t got = 1;
  std::thread waiting([&] { got = barrier.arrive_and_wait(); });
  std::thread failing([&] { barrier.abort(); });
  EXPECT_FALSE(barrier.wait_until_all_arrived());
  failing.join();
  waiting.join();
  EXPECT_EQ(got, 0u) << "an aborted run tells the worker not to issue IO";
  EXPECT_EQ(barrier.start_ns(), 0u);
}

// A barrier that releases itself with an agreement (the ranks' gate of a
// multi-rank crew, run/rank_gate.h): the last worker to arrive asks it once,
// saying this process is ready, and every worker runs only when it answers
// yes; a "no" (another process not ready) lets everyone go without a start.
TEST(StartBarrier, ASelfReleasingBarrierRunsOnlyWhatTheAgreementAllows) {
  for (const bool others_ready : {true, false}) {
    StartBarrier barrier(3);
    std::atomic<int> asked{0};
    std::atomic<bool> asked_ready{false};
    bool released = false;
    barrier.release_itself([&] { released = true; },
                           [&](bool ready) {
                             ++asked;
                             asked_ready = ready;
                             return ready && others_ready;
                           });
    std::vector<uint64_t> got(3, 1);
    std::vector<std::thread> threads;
    for (int i = 0; i < 3; ++i) threads.emplace_back([&, i] { got[i] = barrier.arrive_and_wait(); });
    EXPECT_EQ(barrier.wait_until_all_arrived(), others_ready);
    for (auto& t : threads) t.join();
    EXPECT_EQ(asked.load(), 1) << "one question per barrier, by the last worker";
    EXPECT_TRUE(asked_ready.load());
    EXPECT_EQ(released, others_ready);
    for (uint64_t g : got) EXPECT_EQ(g != 0, others_ready);
  }
}

// A worker whose setup failed still settles the agreement (this process is
// not ready), so the other processes, which wait in it, learn so.
TEST(StartBarrier, AnAbortAtASelfReleasingBarrierStillAnswersTheAgreement) {
  StartBarrier barrier(2);
  std::atomic<int> asked{0};
  std::atomic<bool> asked_ready{true};
  barrier.release_itself([] {},
                         [&](bool ready) {
                           ++asked;
                           asked_ready = ready;
                           return ready;
                         });
  uint64_t got = 1;
  std::thread waiting([&] { got = barrier.arrive_and_wait(); });
  std::thread failing([&] { barrier.abort(); });
  EXPECT_FALSE(barrier.wait_until_all_arrived());
  failing.join();
  waiting.join();
  EXPECT_EQ(got, 0u);
  EXPECT_EQ(asked.load(), 1);
  EXPECT_FALSE(asked_ready.load());
}

}  // namespace
}  // namespace iopulse
