// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// Block devices, on a loop device over a scratch image: size and logical
// block size come from the device; nothing is ever created, truncated or
// filled; writes need --allow-device-writes and stay inside the range asked.
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "filesystem_support.h"
#include "json_support.h"
#include "run_support.h"

namespace iopulse::test {
namespace {

TEST(BlockDevice, ReadsTheDeviceAndWritesOnlyWithConsent) {
  ScratchDir dir;
  LoopDevice loop(dir.file("image"), "8M");
  if (!loop.ok()) GTEST_SKIP() << "no loop device here: " << loop.why();
  const std::string dev = loop.device();

  // Read-only: the size comes from the device; nothing is written to it.
  const std::string json = dir.file("out.json");
  RunOutcome r = run_iopulse({dev, "--random", "--direct", "--total-ops", "500", "--json-output", json, "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = read_json(json);
  EXPECT_EQ(j["config"]["file_size"], 8u << 20);
  EXPECT_EQ(j["read"]["ops"], 500);
  EXPECT_EQ(j["preparation"]["bytes_written"], 0);
  std::string image = read_file(dir.file("image"));
  EXPECT_EQ(image.find_first_not_of('\0'), std::string::npos) << "a read job changed the device";

  // Writes are refused without the opt-in, before anything happens.
  r = run_iopulse({dev, "--write-percent", "100", "--total-ops", "1", "-q"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("add --allow-device-writes"), std::string::npos) << r.err;

  // O_DIRECT alignment comes from the device's logical block size.
  r = run_iopulse({dev, "--direct", "--block-size", "1000", "--total-ops", "1", "-q"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("logical block size 512"), std::string::npos) << r.err;

  // With consent: exactly the first 64 KiB, nothing else.
  r = run_iopulse({dev, "--allow-device-writes", "--write-percent", "100", "--direct", "--block-size", "16k",
                   "--total-bytes", "64k", "--buffer-pattern", "0x77", "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  image = read_file(dir.file("image"));
  ASSERT_EQ(image.size(), 8u << 20);
  EXPECT_EQ(image.substr(0, 65536).find_first_not_of('\x77'), std::string::npos);
  EXPECT_EQ(image.substr(65536).find_first_not_of('\0'), std::string::npos) << "data outside the range was touched";
}

// A complete pass with a size mix over the first 1 MiB of a device that
// holds 8 MiB of 0xAA bytes: every 4 KiB block of the region is written,
// nothing after it is.
TEST(BlockDevice, SizeMixStaysInsideTheRegionGiven) {
  ScratchDir dir;
  {
    std::ofstream out(dir.file("image"), std::ios::binary);
    const std::string fill(1 << 20, '\xAA');
    for (int i = 0; i < 8; ++i) out << fill;
  }
  LoopDevice loop(dir.file("image"), "8M");
  if (!loop.ok()) GTEST_SKIP() << "no loop device here: " << loop.why();
  const RunOutcome r = run_iopulse({loop.device(), "--allow-device-writes", "--write-percent", "100", "--random",
                                    "--block-size", "4k:70,64k:30", "--file-size", "1M", "--direct",
                                    "--queue-depth", "4", "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string image = read_file(dir.file("image"));
  ASSERT_EQ(image.size(), 8u << 20);
  EXPECT_EQ(image.find_first_not_of('\xAA', 1 << 20), std::string::npos) << "data past the region was written";
  for (size_t off = 0; off < (1u << 20); off += 4096) {
    EXPECT_NE(image.substr(off, 4096).find_first_not_of('\xAA'), std::string::npos) << "block at " << off << " not written";
  }
}

}  // namespace
}  // namespace iopulse::test
