// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// UnnamedFile: holds data while it lives, leaves no name in its directory,
// and refuses a directory that does not exist.
#include "output/unnamed_file.h"

#include <unistd.h>

#include <filesystem>
#include <string>
#include <system_error>

#include <gtest/gtest.h>

namespace iopulse {
namespace {

TEST(UnnamedFileTest, HoldsDataAndLeavesNoName) {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / ("unnamed-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  {
    UnnamedFile f(dir.string());
    EXPECT_TRUE(std::filesystem::is_empty(dir));
    const int w = f.duplicate();
    ASSERT_EQ(::write(w, "hello", 5), 5);
    ::close(w);
    const int r = f.duplicate();
    char buf[8] = {};
    EXPECT_EQ(::pread(r, buf, sizeof buf, 0), 5);
    EXPECT_EQ(std::string(buf), "hello");
    ::close(r);
    EXPECT_TRUE(std::filesystem::is_empty(dir));
  }
  EXPECT_TRUE(std::filesystem::is_empty(dir));
  EXPECT_THROW(UnnamedFile((dir / "missing").string()), std::system_error);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace iopulse
