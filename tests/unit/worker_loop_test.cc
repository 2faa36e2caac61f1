// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// The worker loop driven in-process against a scripted engine, in the
// manner of LevelDB's fake Env: the engine below is an iop_engine_desc
// defined in this file (no shared object), completes each IO with what the
// test's script says, hands completions back a few per reap() when asked,
// and records every IO it was given.  The tests compare the host's results
// with that record (the engine is the independent observer): exact op
// budgets, a complete pass touching every byte once, errors and short
// transfers counted and named, syncs after every N writes, nothing left in
// flight when the engine is destroyed, seeds that repeat; and the IO
// observers (run/io_observer.h) against the same record: a heatmap counts
// exactly the IOs the engine saw, and the loop with observers issues the
// same IOs as the plain loop; verification checks the bytes the engine's
// memory hands back.
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "iopulse/engine.h"
#include "job/job_options.h"
#include "run/job_runner.h"
#include "stats/run_result.h"
#include "target/target_layout.h"
#include "trace/iolog_reader.h"

namespace iopulse {
namespace {

// One IO as the engine saw it.
struct SeenIo {
  int instance;
  uint8_t op;
  uint64_t offset;
  uint32_t len;
};

// What the engine does and what it saw, shared by every instance of a run
// (one per worker).  The test sets the script before the run and reads the
// record after it.
struct ScriptedEngine {
  // The result of the n-th IO (0-based, in submission order across the
  // instances) given the IO; default: success (len, or 0 for syncs).
  std::function<int64_t(uint64_t n, const iop_io& io)> result;
  uint32_t reap_at_most = UINT32_MAX;  // completions handed back per reap()
  uint32_t accept_at_most = UINT32_MAX;  // IOs accepted per submit() call
  bool explains_errors = false;        // failed completions carry IOP_CQE_ERROR_TEXT
  // A memory device: writes store their bytes by offset (a write that
  // fails too: the device took its bytes, then reported the error), reads
  // copy them back (zeros where nothing was written).  Kept across reset();
  // the fixture clears it before each test.
  bool memory = false;
  std::map<uint64_t, std::vector<unsigned char>> stored;

  std::mutex mu;
  std::vector<SeenIo> seen;
  std::vector<uint32_t> submit_batches;  // n of every submit() call
  // Every submit() and reap() call in order: reap: the IOs in flight when
  // it was entered and how many it handed back; submit: n.
  struct Call {
    bool reap;
    uint32_t n;
    uint32_t in_flight;
    uint64_t submitted;  // IOs seen before the call
  };
  std::vector<Call> calls;
  uint32_t most_in_flight = 0;           // over every instance
  uint64_t duplicate_user_data = 0;      // submitted while still in flight
  uint64_t left_in_flight = 0;           // at destroy(), over every instance
  int instances = 0;

  void reset() {
    std::lock_guard lock(mu);
    result = nullptr;
    reap_at_most = UINT32_MAX;
    accept_at_most = UINT32_MAX;
    explains_errors = false;
    seen.clear();
    submit_batches.clear();
    calls.clear();
    most_in_flight = 0;
    duplicate_user_data = 0;
    left_in_flight = 0;
    instances = 0;
  }
};

ScriptedEngine g_engine;

}  // namespace
}  // namespace iopulse

struct iop_engine {
  int instance;
  std::vector<iop_cqe> done;  // completed, not yet reaped, in order
  std::set<uint64_t> in_flight;
};

namespace iopulse {
namespace {

int32_t scripted_create(const iop_engine_config*, iop_engine** out, iop_error*) {
  std::lock_guard lock(g_engine.mu);
  *out = new iop_engine{g_engine.instances++, {}, {}};
  return 0;
}

void scripted_destroy(iop_engine* e) {
  {
    std::lock_guard lock(g_engine.mu);
    g_engine.left_in_flight += e->in_flight.size();
  }
  delete e;
}

int32_t scripted_open_file(iop_engine*, const iop_file_desc*, iop_error*) { return 0; }
int32_t scripted_close_file(iop_engine*, int32_t, iop_error*) { return 0; }

int32_t scripted_submit(iop_engine* e, iop_io* const* ios, uint32_t n, uint32_t flags) {
  if (flags != 0) return -EINVAL;
  std::lock_guard lock(g_engine.mu);
  g_engine.submit_batches.push_back(n);
  n = std::min(n, g_engine.accept_at_most);
  g_engine.calls.push_back({false, n, static_cast<uint32_t>(e->in_flight.size()), g_engine.seen.size()});
  for (uint32_t i = 0; i < n; ++i) {
    const iop_io& io = *ios[i];
    const uint64_t index = g_engine.seen.size();
    g_engine.seen.push_back({e->instance, io.op, io.offset, io.len});
    if (!e->in_flight.insert(io.user_data).second) ++g_engine.duplicate_user_data;
    if (g_engine.memory && io.op == IOP_OP_WRITE) {
      const auto* bytes = static_cast<const unsigned char*>(io.buf);
      g_engine.stored[io.offset].assign(bytes, bytes + io.len);
    } else if (g_engine.memory && io.op == IOP_OP_READ) {
      const auto it = g_engine.stored.find(io.offset);
      auto* bytes = static_cast<unsigned char*>(io.buf);
      if (it != g_engine.stored.end() && it->second.size() == io.len) {
        std::memcpy(bytes, it->second.data(), io.len);
      } else {
        std::memset(bytes, 0, io.len);
      }
    }
    int64_t res = io.op == IOP_OP_READ || io.op == IOP_OP_WRITE ? io.len : 0;
    if (g_engine.result) res = g_engine.result(index, io);
    const uint32_t cqe_flags = res < 0 && g_engine.explains_errors ? IOP_CQE_ERROR_TEXT : 0;
    e->done.push_back({io.user_data, res, 0, cqe_flags, 0});
  }
  g_engine.most_in_flight = std::max<uint32_t>(g_engine.most_in_flight, static_cast<uint32_t>(e->in_flight.size()));
  return static_cast<int32_t>(n);
}

int32_t scripted_reap(iop_engine* e, iop_cqe* out, uint32_t max, uint32_t, uint64_t) {
  std::lock_guard lock(g_engine.mu);
  uint32_t n = std::min<uint32_t>({max, static_cast<uint32_t>(e->done.size()), g_engine.reap_at_most});
  g_engine.calls.push_back({true, n, static_cast<uint32_t>(e->in_flight.size()), g_engine.seen.size()});
  for (uint32_t i = 0; i < n; ++i) {
    out[i] = e->done[i];
    e->in_flight.erase(out[i].user_data);
  }
  e->done.erase(e->done.begin(), e->done.begin() + n);
  return static_cast<int32_t>(n);
}

int32_t scripted_error_text(iop_engine*, uint64_t user_data, iop_error* out) {
  std::snprintf(out->message, sizeof out->message, "scripted step 3 of IO %llu failed",
                static_cast<unsigned long long>(user_data));
  return 0;
}

const iop_engine_desc kScriptedDesc = [] {
  iop_engine_desc d{};
  d.struct_size = sizeof d;
  d.abi_major = IOP_ABI_MAJOR;
  d.abi_minor = IOP_ABI_MINOR;
  d.name = "scripted";
  d.version = "1";
  d.description = "the worker loop tests' engine";
  d.caps = IOP_CAP_BATCH_SUBMIT | IOP_CAP_FSYNC | IOP_CAP_FDATASYNC | IOP_CAP_ERROR_TEXT;
  d.required_caps = IOP_REQ_DISKLESS;
  d.max_queue_depth = 1024;
  d.create = scripted_create;
  d.destroy = scripted_destroy;
  d.open_file = scripted_open_file;
  d.close_file = scripted_close_file;
  d.submit = scripted_submit;
  d.reap = scripted_reap;
  d.error_text = scripted_error_text;
  return d;
}();

class WorkerLoop : public ::testing::Test {
 protected:
  void SetUp() override {
    g_engine.reset();
    g_engine.memory = false;
    g_engine.stored.clear();
  }

  // Runs a job given as options (without "--") against the scripted engine;
  // with `capture`, every IO is recorded there (--write-iolog).
  RunResult run(const std::vector<std::pair<std::string, std::string>>& options, const std::string& capture = "") {
    JobSpecBuilder builder;
    builder.apply("target", "/scripted/target", "--target");
    builder.apply("engine", "scripted", "--engine");
    for (const auto& [name, value] : options) builder.apply(name, value, "--" + name);
    spec_ = builder.build();
    layout_ = TargetLayout::plan(spec_, /*diskless=*/true);
    EngineBinding binding;
    binding.desc = &kScriptedDesc;
    binding.queue_depth = spec_.queue_depth;
    JobRunner runner(spec_, layout_, binding);
    RunResult result;
    IoCaptureTarget target;
    target.path = capture;
    target.label = capture;
    runner.run(result, {}, {}, target);
    return result;
  }

  // Every IO handed to the engine was reaped and nothing was in flight twice.
  void expect_clean_engine(uint32_t queue_depth) {
    EXPECT_EQ(g_engine.left_in_flight, 0u) << "IOs still in flight when the engine was destroyed";
    EXPECT_EQ(g_engine.duplicate_user_data, 0u) << "a user_data submitted while in flight";
    EXPECT_LE(g_engine.most_in_flight, queue_depth);
  }

  uint64_t seen(uint8_t op) const {
    return static_cast<uint64_t>(std::count_if(g_engine.seen.begin(), g_engine.seen.end(),
                                               [op](const SeenIo& s) { return s.op == op; }));
  }

  JobSpec spec_;
  TargetLayout layout_;
};

TEST_F(WorkerLoop, AnOpBudgetIsIssuedExactlyAcrossWorkers) {
  const RunResult r = run({{"file-size", "1M"}, {"threads", "3"}, {"queue-depth", "8"}, {"random", ""},
                           {"read-percent", "70"}, {"total-ops", "1001"}});
  EXPECT_EQ(g_engine.seen.size(), 1001u);
  EXPECT_EQ(r.read.ops, seen(IOP_OP_READ));
  EXPECT_EQ(r.write.ops, seen(IOP_OP_WRITE));
  EXPECT_EQ(r.read.ops + r.write.ops, 1001u);
  EXPECT_EQ(r.read.bytes, r.read.ops * 4096);
  EXPECT_EQ(g_engine.instances, 3);
  expect_clean_engine(8);
}

// The pause after an IO is for the IO that follows it: once the budget or
// the pass is done, none follows, and the window ends with the last IO
// rather than a think pause later.
TEST_F(WorkerLoop, NoThinkPauseFollowsTheLastIoOfABudgetOrAPass) {
  constexpr uint64_t kSecond = 1'000'000'000;
  RunResult r = run({{"file-size", "64k"}, {"think-time", "30s"}, {"total-ops", "1"}});
  EXPECT_EQ(g_engine.seen.size(), 1u);
  EXPECT_LT(r.window_ns, kSecond);
  // A pass tiled by one 64k IO or two of 32k: a pause comes after the last.
  r = run({{"file-size", "64k"}, {"think-time", "30s"}, {"think-every", "2"}, {"block-size", "32k:50,64k:50"},
           {"queue-depth", "2"}});
  EXPECT_EQ(r.read.bytes, 64u * 1024);
  EXPECT_LT(r.window_ns, kSecond);
  r = run({{"file-size", "64k"}, {"think-time", "30s"}, {"think-every", "2"}, {"total-bytes", "8k"},
           {"write-percent", "100"}});
  EXPECT_EQ(r.write.ops, 2u);
  EXPECT_LT(r.window_ns, kSecond);
  expect_clean_engine(2);
}

TEST_F(WorkerLoop, CompletionsHandedBackOneAtATimeStillAccountForEveryIo) {
  g_engine.reap_at_most = 1;
  const RunResult r = run({{"file-size", "1M"}, {"queue-depth", "16"}, {"random", ""}, {"total-ops", "500"}});
  EXPECT_EQ(g_engine.seen.size(), 500u);
  EXPECT_EQ(r.read.ops, 500u);
  EXPECT_EQ(r.read.latency.count(), 500u);
  expect_clean_engine(16);
}

// A reap that hands back several completions: the worker refills every
// slot it freed before it reaps again, so each reap while the budget lasts
// finds the queue at depth; with --submit-batch 1 one IO per call, with
// auto (no --direct) the freed slots in one call.
TEST_F(WorkerLoop, AfterAReapOfSeveralTheQueueIsRefilledToDepthBeforeTheNextReap) {
  for (const char* batch : {"1", "auto"}) {
    SCOPED_TRACE(std::string("--submit-batch ") + batch);
    g_engine.reset();
    g_engine.reap_at_most = 3;
    const RunResult r = run({{"file-size", "1M"}, {"queue-depth", "8"}, {"random", ""}, {"total-ops", "400"},
                             {"submit-batch", batch}});
    EXPECT_EQ(r.read.ops, 400u);
    uint32_t checked = 0;
    uint32_t last_reaped = 0;
    uint32_t submitted_since_reap = 0;
    uint32_t calls_since_reap = 0;
    const bool one_per_call = batch == std::string("1");
    for (const ScriptedEngine::Call& c : g_engine.calls) {
      if (!c.reap) {
        if (one_per_call) {
          EXPECT_EQ(c.n, 1u);
        }
        submitted_since_reap += c.n;
        ++calls_since_reap;
        continue;
      }
      if (c.submitted < 400) {
        // The budget lasts: every slot is taken again before this reap.
        EXPECT_EQ(c.in_flight, 8u) << "reap entered with a slot left empty";
        if (checked > 0) {
          EXPECT_EQ(submitted_since_reap, last_reaped) << "the freed slots were not all refilled";
          EXPECT_EQ(calls_since_reap, one_per_call ? last_reaped : 1u) << "submit() calls after one reap";
        }
        ++checked;
      }
      last_reaped = c.n;
      submitted_since_reap = 0;
      calls_since_reap = 0;
    }
    EXPECT_GT(checked, 100u);
    expect_clean_engine(8);
  }
}

// Without another stop a job makes one pass: every byte of the region once,
// with a mix of sizes too, never past the end.
TEST_F(WorkerLoop, ACompletePassWithASizeMixTouchesEveryByteOnce) {
  const uint64_t size = 4 << 20;
  const RunResult r = run({{"file-size", "4M"}, {"threads", "2"}, {"queue-depth", "8"}, {"random", ""},
                           {"block-size", "4k:50,16k:30,64k:20"}, {"read-percent", "50"}});
  std::vector<std::pair<uint64_t, uint64_t>> pieces;
  uint64_t bytes = 0;
  for (const SeenIo& s : g_engine.seen) {
    ASSERT_LE(s.offset + s.len, size) << "an IO past the end";
    pieces.emplace_back(s.offset, s.offset + s.len);
    bytes += s.len;
  }
  std::sort(pieces.begin(), pieces.end());
  uint64_t at = 0;
  for (const auto& [begin, end] : pieces) {
    ASSERT_EQ(begin, at) << (begin < at ? "bytes touched twice" : "bytes never touched");
    at = end;
  }
  EXPECT_EQ(at, size);
  EXPECT_EQ(bytes, size);
  EXPECT_EQ(r.read.bytes + r.write.bytes, size);
  std::set<uint32_t> sizes;
  for (const SeenIo& s : g_engine.seen) sizes.insert(s.len);
  EXPECT_EQ(sizes, (std::set<uint32_t>{4096, 16384, 65536}));
  expect_clean_engine(8);
}

TEST_F(WorkerLoop, EngineErrorsAreCountedWithTheirTextAndStopTheRun) {
  g_engine.result = [](uint64_t n, const iop_io& io) -> int64_t { return n == 40 ? -EIO : int64_t{io.len}; };
  const RunResult r = run({{"file-size", "1M"}, {"queue-depth", "4"}, {"total-ops", "200"}});
  EXPECT_EQ(r.read.errors, 1u);
  EXPECT_EQ(r.stop_reason, StopReason::kError);
  ASSERT_FALSE(r.error_messages.empty());
  EXPECT_NE(r.error_messages.front().find(std::strerror(EIO)), std::string::npos) << r.error_messages.front();
  // Stopped soon after the failure: what was in flight then, and no more.
  EXPECT_LE(g_engine.seen.size(), 40u + 1 + 4);
  EXPECT_EQ(r.read.ops, g_engine.seen.size() - 1);
  expect_clean_engine(4);
}

TEST_F(WorkerLoop, WithContinueOnErrorEveryFailureIsCountedAndTheRestSucceed) {
  g_engine.result = [](uint64_t n, const iop_io& io) -> int64_t {
    if (n % 7 == 3) return -EIO;
    if (n % 11 == 5) return io.len / 2;  // a short transfer
    return io.len;
  };
  const RunResult r = run({{"file-size", "1M"}, {"queue-depth", "8"}, {"random", ""}, {"total-ops", "700"},
                           {"continue-on-error", ""}});
  uint64_t failed = 0;
  for (uint64_t n = 0; n < 700; ++n) failed += n % 7 == 3 || n % 11 == 5;
  EXPECT_EQ(g_engine.seen.size(), 700u);
  EXPECT_EQ(r.read.errors, failed);
  EXPECT_EQ(r.read.ops, 700u - failed);
  EXPECT_EQ(r.read.bytes, (700u - failed) * 4096);
  bool short_named = false;
  for (const std::string& m : r.error_messages) short_named |= m.find("short transfer") != std::string::npos;
  EXPECT_TRUE(short_named);
  expect_clean_engine(8);
}

// A failure the engine explains is reported in the engine's words.
TEST_F(WorkerLoop, AFailureTheEngineExplainsIsReportedInItsWords) {
  g_engine.explains_errors = true;
  g_engine.result = [](uint64_t n, const iop_io& io) -> int64_t { return n == 10 ? -EIO : int64_t{io.len}; };
  const RunResult r = run({{"file-size", "1M"}, {"queue-depth", "1"}, {"total-ops", "50"}});
  ASSERT_EQ(r.error_messages.size(), 1u);
  EXPECT_NE(r.error_messages[0].find("in '/scripted/target': scripted step 3 of IO 0 failed"), std::string::npos)
      << r.error_messages[0];
}

// An engine that says it moved more bytes than asked is wrong, whatever
// the error policy: the run ends, naming the engine.
TEST_F(WorkerLoop, ACompletionOfMoreBytesThanAskedEndsTheRunNamingTheEngine) {
  g_engine.result = [](uint64_t n, const iop_io& io) -> int64_t { return n == 20 ? int64_t{io.len} + 512 : io.len; };
  const RunResult r = run({{"file-size", "1M"}, {"queue-depth", "4"}, {"total-ops", "200"}, {"continue-on-error", ""}});
  EXPECT_EQ(r.stop_reason, StopReason::kError);
  EXPECT_EQ(r.read.errors, 1u);
  ASSERT_EQ(r.error_messages.size(), 1u);
  EXPECT_NE(r.error_messages[0].find("engine 'scripted' completed it with 4608 bytes, more than the IO asked for"),
            std::string::npos)
      << r.error_messages[0];
  EXPECT_LE(g_engine.seen.size(), 20u + 1 + 4);
  expect_clean_engine(4);
}

TEST_F(WorkerLoop, AnFsyncFollowsEveryNWrites) {
  const RunResult r = run({{"file-size", "1M"}, {"queue-depth", "4"}, {"write-percent", "100"},
                           {"fsync-every", "5"}, {"total-ops", "100"}});
  uint64_t writes_since = 0, syncs = 0;
  for (const SeenIo& s : g_engine.seen) {
    if (s.op == IOP_OP_FSYNC) {
      EXPECT_EQ(writes_since, 5u) << "an fsync after " << writes_since << " writes";
      writes_since = 0;
      ++syncs;
    } else {
      ASSERT_EQ(s.op, IOP_OP_WRITE);
      ++writes_since;
    }
  }
  EXPECT_GT(syncs, 0u);
  EXPECT_EQ(r.sync.ops, syncs);
  EXPECT_EQ(r.write.ops, seen(IOP_OP_WRITE));
  expect_clean_engine(4);
}

TEST_F(WorkerLoop, TheSameSeedRepeatsTheOffsetsAndAnotherDoesNot) {
  auto offsets = [&](const std::string& seed) {
    g_engine.reset();
    run({{"file-size", "64M"}, {"queue-depth", "4"}, {"random", ""}, {"total-ops", "300"}, {"seed", seed}});
    std::vector<uint64_t> out;
    for (const SeenIo& s : g_engine.seen) out.push_back(s.offset);
    return out;
  };
  const std::vector<uint64_t> a = offsets("7"), b = offsets("7"), c = offsets("8");
  ASSERT_EQ(a.size(), 300u);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
}

// The heatmap observer counts, per bucket, exactly the reads and writes the
// engine was given; and listing it leaves the plain loop without changing
// a single IO: the same job without --heatmap (a plain job) issues the same
// ops at the same offsets.
TEST_F(WorkerLoop, AHeatmapCountsTheIosTheEngineSawAndTheLoopWithObserversIssuesThePlainLoopsIos) {
  const std::vector<std::pair<std::string, std::string>> job = {
      {"file-size", "1M"}, {"queue-depth", "8"}, {"random", ""}, {"read-percent", "70"},
      {"total-ops", "3000"}, {"seed", "11"}};
  std::vector<std::pair<std::string, std::string>> with_heatmap = job;
  with_heatmap.push_back({"heatmap", ""});
  with_heatmap.push_back({"heatmap-buckets", "16"});
  const RunResult r = run(with_heatmap);
  const std::vector<SeenIo> observed = g_engine.seen;
  ASSERT_EQ(observed.size(), 3000u);
  ASSERT_TRUE(r.heatmap.has_value());
  const AccessHeatmap& h = *r.heatmap;
  std::vector<uint64_t> reads(h.buckets()), writes(h.buckets());
  for (const SeenIo& io : observed) {
    (io.op == IOP_OP_WRITE ? writes : reads)[io.offset / h.bytes_per_bucket()] += 1;
  }
  EXPECT_EQ(h.reads(), reads);
  EXPECT_EQ(h.writes(), writes);
  EXPECT_GT(std::count_if(observed.begin(), observed.end(), [](const SeenIo& io) { return io.op == IOP_OP_WRITE; }),
            600);  // a 70/30 mix: writes were counted too

  g_engine.reset();
  run(job);
  ASSERT_EQ(g_engine.seen.size(), observed.size());
  for (size_t i = 0; i < observed.size(); ++i) {
    ASSERT_EQ(g_engine.seen[i].op, observed[i].op) << "IO " << i;
    ASSERT_EQ(g_engine.seen[i].offset, observed[i].offset) << "IO " << i;
  }
}

// Verification against the engine's memory: a --verify pass writes every
// block; --verify-only with the same seed reads them back and passes; one
// byte changed in the engine's memory is exactly one failure, named by its
// offset.
TEST_F(WorkerLoop, VerificationChecksTheBytesTheEngineHandsBackAndNamesTheDamagedBlock) {
  g_engine.memory = true;
  g_engine.stored.clear();
  const RunResult written = run({{"file-size", "256k"}, {"queue-depth", "4"}, {"write-percent", "100"},
                                 {"verify", ""}, {"seed", "5"}});
  EXPECT_EQ(written.write.ops, 64u);
  ASSERT_EQ(g_engine.stored.size(), 64u);

  g_engine.reset();
  const RunResult clean = run({{"file-size", "256k"}, {"queue-depth", "4"}, {"verify-only", ""}, {"seed", "5"}});
  EXPECT_EQ(clean.read.ops, 64u);
  EXPECT_EQ(clean.verify_failures, 0u);
  EXPECT_TRUE(clean.error_messages.empty()) << clean.error_messages.front();

  g_engine.reset();
  g_engine.stored[12288][100] ^= 0x01;
  const RunResult damaged = run({{"file-size", "256k"}, {"queue-depth", "4"}, {"verify-only", ""}, {"seed", "5"},
                                 {"continue-on-error", ""}});
  g_engine.memory = false;
  EXPECT_EQ(damaged.read.ops, 64u);
  EXPECT_EQ(damaged.verify_failures, 1u);
  ASSERT_EQ(damaged.error_messages.size(), 1u);
  EXPECT_NE(damaged.error_messages[0].find("offset 12288"), std::string::npos) << damaged.error_messages[0];
  expect_clean_engine(4);
}

// A write that fails leaves its block unknown (the device may have written
// any part of it): a read of the block afterwards accepts whatever complete
// block it finds.  Here the device took the failed write's bytes, so a
// worker still expecting the block's last successful generation would
// report a failure.
TEST_F(WorkerLoop, AFailedWriteLeavesItsBlockUnknownToVerification) {
  g_engine.memory = true;
  run({{"file-size", "256k"}, {"queue-depth", "4"}, {"write-percent", "100"}, {"verify", ""}, {"seed", "5"}});
  g_engine.reset();  // the memory stays: every block holds a verified block
  // The first write to a block this run already wrote fails.
  int64_t failed = -1;
  g_engine.result = [&failed](uint64_t n, const iop_io& io) -> int64_t {
    if (failed < 0 && io.op == IOP_OP_WRITE) {
      for (uint64_t i = 0; i < n; ++i) {
        if (g_engine.seen[i].op == IOP_OP_WRITE && g_engine.seen[i].offset == io.offset) {
          failed = static_cast<int64_t>(n);
          return -EIO;
        }
      }
    }
    return io.op == IOP_OP_READ || io.op == IOP_OP_WRITE ? int64_t{io.len} : 0;
  };
  const RunResult r = run({{"file-size", "256k"}, {"queue-depth", "4"}, {"random", ""}, {"read-percent", "50"},
                           {"total-ops", "2000"}, {"verify", ""}, {"seed", "5"}, {"continue-on-error", ""}});
  ASSERT_GE(failed, 0);
  EXPECT_EQ(r.write.errors, 1u);
  // The block was read after the failure, before anything wrote it again.
  const uint64_t offset = g_engine.seen[static_cast<size_t>(failed)].offset;
  uint64_t reads_after = 0;
  for (size_t i = static_cast<size_t>(failed) + 1; i < g_engine.seen.size(); ++i) {
    if (g_engine.seen[i].offset != offset) continue;
    if (g_engine.seen[i].op == IOP_OP_WRITE) break;
    ++reads_after;
  }
  EXPECT_GT(reads_after, 0u);
  EXPECT_EQ(r.verify_failures, 0u) << (r.error_messages.size() > 1 ? r.error_messages[1] : "");
  EXPECT_GT(r.read.ops, 800u);
  expect_clean_engine(4);
}

// The capture log (--write-iolog) holds exactly the IOs the engine was
// given, in order, each with its completion, when the engine accepts fewer
// IOs than offered and the run stops on time with IOs prepared but never
// accepted (their reserved records are taken back).
TEST_F(WorkerLoop, TheCaptureHoldsEveryIoTheEngineTookAndNoneItDidNot) {
  g_engine.accept_at_most = 3;
  char path[] = "/tmp/iopulse-worker-loop-XXXXXX";
  const int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  close(fd);
  const RunResult r = run({{"file-size", "1M"}, {"queue-depth", "8"}, {"random", ""}, {"read-percent", "70"},
                           {"duration", "100ms"}},
                          path);
  std::vector<IoLogRecord> records;
  {
    IoLogReader reader(path);
    IoLogRecord chunk[4096];
    for (size_t n; (n = reader.read_raw(chunk, 4096)) > 0;) records.insert(records.end(), chunk, chunk + n);
  }
  std::remove(path);
  ASSERT_GT(g_engine.seen.size(), 1000u);
  ASSERT_EQ(records.size(), g_engine.seen.size());
  for (size_t i = 0; i < records.size(); ++i) {
    ASSERT_EQ(records[i].offset, g_engine.seen[i].offset) << "record " << i;
    ASSERT_EQ(records[i].op, g_engine.seen[i].op) << "record " << i;
    ASSERT_NE(records[i].latency_ns, kIoLogNoCompletion) << "record " << i;
  }
  EXPECT_EQ(r.read.ops + r.write.ops, records.size());
  expect_clean_engine(8);
}

}  // namespace
}  // namespace iopulse
