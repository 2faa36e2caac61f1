// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// OutputDestination, OutputPlan and the writers (core/output) on a scratch
// directory: what each kind of path becomes, which combinations are
// refused, and what is on disk after a write (lstat, the bytes, no
// leftovers).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <system_error>

#include <gtest/gtest.h>

#include "job/usage_error.h"
#include "output/output_destination.h"
#include "output/output_plan.h"
#include "output/result_file.h"

namespace iopulse {
namespace {

namespace fs = std::filesystem;
using Kind = OutputDestination::Kind;

class OutputTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/iopulse-output-test-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string file(const std::string& name) const { return dir_ + "/" + name; }
  static std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
  }
  static std::string refusal(const std::string& path) {
    try {
      OutputDestination::resolve("--json-output", path);
    } catch (const OutputPathError& e) {
      return e.what();
    }
    return "";
  }

  std::string dir_;
};

TEST_F(OutputTest, EachKindOfPathHasItsDestination) {
  EXPECT_EQ(OutputDestination::resolve("--json-output", "-").kind, Kind::kStdout);
  EXPECT_EQ(OutputDestination::resolve("--json-output", file("new.json")).kind, Kind::kReplace);
  std::ofstream(file("old.json")) << "x";
  EXPECT_EQ(OutputDestination::resolve("--json-output", file("old.json")).kind, Kind::kReplace);
  fs::create_symlink(file("old.json"), file("link.json"));
  const OutputDestination linked = OutputDestination::resolve("--json-output", file("link.json"));
  EXPECT_EQ(linked.kind, Kind::kReplace);
  EXPECT_EQ(linked.write_path, fs::canonical(file("old.json")).string());
  ASSERT_EQ(mkfifo(file("fifo").c_str(), 0600), 0);
  EXPECT_EQ(OutputDestination::resolve("--json-output", file("fifo")).kind, Kind::kInPlace);
  EXPECT_EQ(OutputDestination::resolve("--json-output", "/dev/null").kind, Kind::kInPlace);
  ASSERT_EQ(link(file("old.json").c_str(), file("hard.json").c_str()), 0);
  EXPECT_EQ(OutputDestination::resolve("--json-output", file("hard.json")).kind, Kind::kInPlace);
}

TEST_F(OutputTest, UnusablePathsAreRefusedWithTheReason) {
  std::ofstream(file("plain")) << "x";
  fs::create_symlink(file("missing"), file("dangling"));
  EXPECT_NE(refusal(file("no/dir/r.json")).find("directory '" + file("no/dir") + "' does not exist"),
            std::string::npos);
  EXPECT_NE(refusal(file("plain/r.json")).find("Not a directory"), std::string::npos);
  EXPECT_NE(refusal(dir_).find("is a directory"), std::string::npos);
  // A link to a file that does not exist yet: created where it points.
  EXPECT_EQ(refusal(file("dangling")), "");
  EXPECT_EQ(OutputDestination::resolve("--json-output", file("dangling")).write_path, file("missing"));
  EXPECT_NE(refusal("").find("'' is not a file name"), std::string::npos);
  EXPECT_EQ(refusal(file("fine.json")), "");
}

TEST_F(OutputTest, PlanRefusesSharedFilesAndInputs) {
  std::ofstream(file("target")) << "data";
  const auto message = [](const std::vector<RequestedOutput>& outs, const std::vector<CommandInput>& ins) {
    try {
      OutputPlan::check(outs, ins);
    } catch (const UsageError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_NE(message({{"--json-output", file("a")}, {"--csv-output", dir_ + "/./a"}}, {})
                .find("--csv-output: '" + dir_ + "/./a' is also where --json-output goes"),
            std::string::npos);
  EXPECT_NE(message({{"--json-output", "-"}, {"--csv-output", "-"}}, {}).find("standard output"), std::string::npos);
  EXPECT_NE(message({{"--json-output", file("target")}}, {{"the target", file("target")}}).find("would destroy it"),
            std::string::npos);
  // A planned file that does not exist yet is compared by path.
  EXPECT_NE(message({{"--csv-output", file("sub/../p.1")}}, {{"a file of the job", file("p.1")}}).find("p.1"),
            std::string::npos);
  // Several outputs may go to one character device.
  EXPECT_EQ(message({{"--json-output", "/dev/null"}, {"--csv-output", "/dev/null"}}, {}), "");
  const OutputPlan plan = OutputPlan::check({{"--json-output", "-"}, {"--csv-output", ""}}, {});
  EXPECT_TRUE(plan.uses_stdout());
  EXPECT_EQ(plan.destinations().size(), 1u);
}

TEST_F(OutputTest, ReplacingKeepsTheModeAndLeavesNothingBehind) {
  std::ofstream(file("r.json")) << "old";
  ASSERT_EQ(chmod(file("r.json").c_str(), 0600), 0);
  write_result_file("--json-output", file("r.json"), "{\"new\": 1}\n", "JSON results");
  EXPECT_EQ(slurp(file("r.json")), "{\"new\": 1}\n");
  struct stat st;
  ASSERT_EQ(stat(file("r.json").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  size_t entries = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir_)) ++entries;
  EXPECT_EQ(entries, 1u);
}

TEST_F(OutputTest, APathThatBecameUnusableIsAnIoErrorAtWriteTime) {
  try {
    write_result_file("--json-output", file("gone/r.json"), "{}", "JSON results");
    FAIL() << "no error";
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), std::errc::no_such_file_or_directory);
  }
}

TEST_F(OutputTest, AStreamTruncatesARegularFileInPlace) {
  std::ofstream(file("ts.csv")) << "a much longer old content";
  struct stat old;
  ASSERT_EQ(stat(file("ts.csv").c_str(), &old), 0);
  std::FILE* f = open_output_stream("--csv-output", file("ts.csv"), "CSV time series");
  ASSERT_NE(f, nullptr);
  std::fputs("row\n", f);
  std::fclose(f);
  EXPECT_EQ(slurp(file("ts.csv")), "row\n");
  struct stat st;
  ASSERT_EQ(stat(file("ts.csv").c_str(), &st), 0);
  EXPECT_EQ(st.st_ino, old.st_ino);
}

}  // namespace
}  // namespace iopulse
