// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// shared_object_defect on the engines built here: an intact copy passes,
// copies cut short at every page boundary before the end of the last
// loadable segment are refused, and files that are not ELF are left to
// dlopen() (which refuses them safely).
#include "plugin/shared_object_check.h"

#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

namespace iopulse {
namespace {

namespace fs = std::filesystem;

TEST(SharedObjectCheck, TruncatedCopiesAreRefusedIntactOnesPass) {
  const fs::path plugin = fs::path(IOPULSE_BUILD_TREE_PLUGIN_DIR) / "iopulse_sync.so";
  ASSERT_TRUE(fs::exists(plugin));
  EXPECT_EQ(shared_object_defect(plugin), "");
  char tmpl[] = "/tmp/iopulse-elf-test-XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  const fs::path copy = fs::path(tmpl) / "cut.so";
  size_t refused = 0;
  for (uintmax_t size = 64; size < 12 * 4096; size += 4096) {
    fs::copy_file(plugin, copy, fs::copy_options::overwrite_existing);
    fs::resize_file(copy, size);
    const std::string defect = shared_object_defect(copy);
    refused += defect.starts_with("truncated: ") ? 1 : 0;
  }
  EXPECT_GE(refused, 3u) << "cut copies were not recognised";
  std::ofstream(copy, std::ios::trunc) << "not an ELF file";
  EXPECT_EQ(shared_object_defect(copy), "");
  EXPECT_EQ(shared_object_defect(fs::path(tmpl) / "missing.so"), "");
  fs::remove_all(tmpl);
}

}  // namespace
}  // namespace iopulse
