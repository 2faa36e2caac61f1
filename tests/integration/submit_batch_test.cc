// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// --submit-batch: how many IOs the host hands an engine per submit() call.
// The batch_probe fixture fails every IO of a call larger than its
// max-batch option, so the error counts show the calls the engine received.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "json_support.h"
#include "run_support.h"

namespace iopulse::test {
namespace {

const std::string kProbeDir = std::string(IOPULSE_FIXTURE_PLUGIN_DIR) + "/batch_probe";

// 200 reads at queue depth 8 through batch_probe with max-batch `max_batch`,
// plus `extra` options, counting failed IOs and going on (exit code 0);
// returns the JSON document.
nlohmann::json run_probe(const ScratchDir& dir, int max_batch, const std::vector<std::string>& extra) {
  const std::string json = dir.file("out.json");
  std::vector<std::string> args = {dir.file("x"), "--plugin-dir", kProbeDir, "--engine", "batch_probe",
                                   "--batch_probe.max-batch=" + std::to_string(max_batch),
                                   "--file-size", "1M", "--queue-depth", "8", "--total-bytes", "800k",
                                   "--continue-on-error", "--json-output", json, "-q"};
  args.insert(args.end(), extra.begin(), extra.end());
  const RunOutcome r = run_iopulse(args);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return read_json(json);
}

TEST(SubmitBatch, OneIoPerCallWhenAskedFor) {
  ScratchDir dir;
  const auto j = run_probe(dir, 1, {"--submit-batch", "1"});
  EXPECT_EQ(j["read"]["ops"].get<uint64_t>(), 200u);
  EXPECT_EQ(j["read"]["errors"].get<uint64_t>(), 0u);
  EXPECT_EQ(j["config"]["submit_batch"], 1);
}

TEST(SubmitBatch, AutoHandsOverEveryReadyIoAtOnceWithoutDirect) {
  ScratchDir dir;
  // The first call carries all 8 IOs of the empty queue: they fail.
  const auto j = run_probe(dir, 1, {});
  EXPECT_GE(j["read"]["errors"].get<uint64_t>(), 8u);
  EXPECT_EQ(j["config"]["submit_batch"], "auto");
}

TEST(SubmitBatch, AutoIsOneIoPerCallWithDirect) {
  ScratchDir dir;
  const auto j = run_probe(dir, 1, {"--direct"});
  EXPECT_EQ(j["read"]["ops"].get<uint64_t>(), 200u);
  EXPECT_EQ(j["read"]["errors"].get<uint64_t>(), 0u);
}

TEST(SubmitBatch, CallsNeverCarryMoreThanTheLimit) {
  ScratchDir dir;
  const auto fits = run_probe(dir, 3, {"--submit-batch", "3"});
  EXPECT_EQ(fits["read"]["ops"].get<uint64_t>(), 200u);
  EXPECT_EQ(fits["read"]["errors"].get<uint64_t>(), 0u);
  // 8 IOs ready at the start go out as 3 + 3 + 2: with a limit of 2 the
  // first two calls fail.
  const auto over = run_probe(dir, 2, {"--submit-batch", "3"});
  EXPECT_GE(over["read"]["errors"].get<uint64_t>(), 6u);
}

TEST(SubmitBatch, BadValuesAreRefusedWithExitCode2) {
  ScratchDir dir;
  for (const std::string bad : {"0", "none", "65537", "-1"}) {
    const RunOutcome r = run_iopulse({dir.file("x"), "--engine", "null", "--file-size", "1M",
                                      "--submit-batch", bad});
    EXPECT_EQ(r.exit_code, 2) << bad;
    EXPECT_NE(r.err.find("--submit-batch: '" + bad +
                         "' is not accepted; accepted: auto or a whole number from 1 to 65536"),
              std::string::npos)
        << r.err;
  }
}

}  // namespace
}  // namespace iopulse::test
