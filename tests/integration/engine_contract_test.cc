// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// The host against engines that break the contract: the broken engines of
// the conformance suite (tests/conformance/broken_engine.c), each of which
// iopulse-engine-check fails.  For every one the host survives: it refuses
// the engine, or stops the run with a message naming the engine and what it
// did, results written; or, where the defect cannot reach the host (it
// never offers more than queue_depth IOs, never reaps with nothing in
// flight), runs to the end.
#include <chrono>
#include <csignal>
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "json_support.h"
#include "run_support.h"

namespace iopulse::test {
namespace {

std::string broken(const std::string& name) {
  return std::string(IOPULSE_BROKEN_ENGINE_DIR) + "/iopulse_broken_" + name + ".so";
}

struct Case {
  const char* engine;      // the broken_<engine>.so
  int exit_code;
  const char* message;     // on stderr ("" none expected)
  const char* stop_reason;  // in the JSON result ("" when the engine is refused before a run)
  const char* queue_depth = "4";  // 1 runs the loop of a plain job at depth 1
};

class BrokenEngine : public ::testing::TestWithParam<Case> {};

TEST_P(BrokenEngine, HostSurvivesWithAClearMessage) {
  const Case& c = GetParam();
  ScratchDir dir;
  const std::string json = dir.file("out.json");
  const auto start = std::chrono::steady_clock::now();
  const RunOutcome r = run_iopulse({dir.file("x"), "--engine", broken(c.engine), "--file-size", "1M",
                                    "--duration", "1s", "--queue-depth", c.queue_depth, "--stop-timeout", "1s",
                                    "--json-output", json, "-q"});
  const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(r.exit_code, c.exit_code) << r.err;
  EXPECT_LT(took, 30.0);
  if (c.message[0] != '\0') {
    EXPECT_NE(r.err.find(c.message), std::string::npos) << r.err;
  } else {
    EXPECT_EQ(r.err, "");
  }
  if (c.stop_reason[0] == '\0') {
    EXPECT_FALSE(std::filesystem::exists(json)) << "refused before anything was written";
    return;
  }
  const auto j = read_json(json);
  EXPECT_EQ(j["stop_reason"], c.stop_reason);
  if (std::string(c.stop_reason) == "duration") {
    EXPECT_GT(j["read"]["ops"].get<uint64_t>(), 1000u);
    EXPECT_EQ(j["read"]["errors"].get<uint64_t>(), 0u);
  } else {
    EXPECT_NE(j["errors"].dump().find(c.message), std::string::npos) << j["errors"].dump();
  }
}

INSTANTIATE_TEST_SUITE_P(
    EngineContract, BrokenEngine,
    ::testing::Values(
        Case{"user_data", 1, "engine broken broke the engine contract: reap() returned a completion", "error"},
        Case{"submit_extra", 1,
             "engine broken broke the engine contract: submit() of 4 IOs returned 5, more than it was given",
             "error"},
        Case{"reap_extra", 1,
             "engine broken broke the engine contract: reap(max=4) returned 5 completions, more than asked",
             "error"},
        Case{"duplicate", 1, "which is not in flight (completed twice, or never submitted)", "error"},
        Case{"stuck", 1, "engine broken: worker 0 did not return from the engine", "incomplete"},
        Case{"huge_align", 2, "min_buf_align 2147483648 is more than 2 MiB", ""},
        Case{"unknown_required", 2, "requires capability bits 0x8000000000000000", ""},
        // The host waits on the completion fd, checking every 0.1 s: a few
        // checks in a row that find completions the fd never announced
        // stop the run.
        Case{"silent_completion_fd", 1,
             "engine broken: its completion fd did not become readable although completions were ready to reap",
             "error"},
        // The IO pool comes from alloc_buffer(): the worker's setup fails
        // with the engine's text, before the window; the results say so.
        Case{"alloc_fails", 1,
             "engine broken: alloc_buffer of 16384 bytes failed: no device memory left (on purpose) (Cannot "
             "allocate memory)",
             "error"},
        // Defects the host never meets: it offers at most queue_depth IOs,
        // never reaps with nothing in flight, checks no data without
        // --verify, reads no aux of a read, and has no use for an extra
        // exported symbol; a leak costs 4 KiB per instance.
        Case{"over_accept", 0, "", "duration"}, Case{"crash", 0, "", "duration"},
        Case{"leak", 0, "", "duration"}, Case{"exports", 0, "", "duration"},
        Case{"half_store", 0, "", "duration"}, Case{"aux", 0, "", "duration"}),
    [](const ::testing::TestParamInfo<Case>& info) { return std::string(info.param.engine); });

// The same defects met by the loop of a plain job at queue depth 1, which
// has its own submit and reap (Worker::run_plain_qd1).  A duplicate
// completion is left out: at depth 1 it names the one slot, which is in
// flight again by then (the ledger tells IOs apart by slot); so is a silent
// completion fd: at depth 1 the worker waits in reap(), not on the fd.
INSTANTIATE_TEST_SUITE_P(
    EngineContractQd1, BrokenEngine,
    ::testing::Values(
        Case{"user_data", 1, "engine broken broke the engine contract: reap() returned a completion", "error", "1"},
        Case{"submit_extra", 1,
             "engine broken broke the engine contract: submit() of 1 IOs returned 2, more than it was given",
             "error", "1"},
        Case{"reap_extra", 1,
             "engine broken broke the engine contract: reap(max=1) returned 2 completions, more than asked",
             "error", "1"},
        Case{"stuck", 1, "engine broken: worker 0 did not return from the engine", "incomplete", "1"},
        Case{"over_accept", 0, "", "duration", "1"}, Case{"crash", 0, "", "duration", "1"},
        Case{"aux", 0, "", "duration", "1"}),
    [](const ::testing::TestParamInfo<Case>& info) { return std::string(info.param.engine); });

// The first Ctrl-C ends a run whose engine never returns: after
// --stop-timeout the run is reported as incomplete, results written.
TEST(EngineContract, InterruptEndsARunStuckInTheEngine) {
  ScratchDir dir;
  const std::string json = dir.file("out.json");
  const auto start = std::chrono::steady_clock::now();
  const RunOutcome r = run_iopulse_and_signal_when(
      {dir.file("x"), "--engine", broken("stuck"), "--file-size", "1M", "--duration", "1h", "--stop-timeout",
       "1s", "--json-output", json, "-q"},
      [&] { return std::chrono::steady_clock::now() - start > std::chrono::milliseconds(500); }, SIGINT);
  const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(r.exit_code, 130) << r.err;
  EXPECT_LT(took, 10.0);
  EXPECT_NE(r.err.find("did not return from the engine"), std::string::npos) << r.err;
  const auto j = read_json(json);
  EXPECT_EQ(j["stop_reason"], "incomplete");
  EXPECT_EQ(j["interrupted"], true);
}

// The same interrupt delivered twice (timeout(1) signals the process and
// then its group, a terminal's Ctrl-C reaches the whole group; here 0.1 s
// apart, so the first has been handled when the second comes) stops the
// run once, with its results; another one a second or more after
// the first kills a run that is stuck, without waiting for --stop-timeout.
TEST(EngineContract, ARepeatedInterruptStopsOnceAndALaterOneKills) {
  ScratchDir dir;
  const std::string json = dir.file("twice.json");
  // (A run stuck in its engine, so that it is still stopping when the
  // second signal comes, for --stop-timeout.)
  const std::string twice = std::string("\"") + IOPULSE_BINARY + "\" " + dir.file("x") + " --engine " +
                            broken("stuck") + " --file-size 1M --duration 1h --stop-timeout 2s --json-output " +
                            json + " -q & p=$!; sleep 0.5; kill -INT $p; sleep 0.1; kill -INT $p; wait $p";
  RunOutcome r = run_command({"/bin/sh", "-c", twice});
  EXPECT_EQ(r.exit_code, 130) << r.err;
  ASSERT_TRUE(std::filesystem::exists(json)) << "the second signal killed the run: " << r.err;
  EXPECT_EQ(read_json(json)["interrupted"], true);

  const std::string stuck_json = dir.file("stuck.json");
  const std::string later = std::string("\"") + IOPULSE_BINARY + "\" " + dir.file("y") + " --engine " +
                            broken("stuck") + " --file-size 1M --duration 1h --stop-timeout 60s --json-output " +
                            stuck_json + " -q & p=$!; sleep 0.5; kill -INT $p; sleep 1.5; kill -INT $p; wait $p";
  const auto start = std::chrono::steady_clock::now();
  r = run_command({"/bin/sh", "-c", later});
  const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(r.exit_code, 130) << r.err;  // (sh's status of a child the signal killed)
  EXPECT_LT(took, 20.0) << "the run waited for its --stop-timeout";
  EXPECT_FALSE(std::filesystem::exists(stuck_json)) << "the later signal did not end the process at once";
}

}  // namespace
}  // namespace iopulse::test
