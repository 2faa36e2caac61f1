// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// Code quoted in docs/writing-an-engine.md cannot rot: a block marked
//   <!-- quoted: <path> -->
// must be lines of <path> (a file the build compiles), in the same order,
// leading and trailing blanks aside; a line "..." stands for lines left out.
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace iopulse {
namespace {

std::string trim(const std::string& s) {
  const size_t b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

std::vector<std::string> lines_of(const std::string& path) {
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << "cannot read " << path;
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

TEST(EngineDocs, QuotedCodeIsCompiled) {
  const std::string root = IOPULSE_SOURCE_DIR;
  const std::vector<std::string> doc = lines_of(root + "/docs/writing-an-engine.md");
  const std::string marker = "<!-- quoted: ";
  int blocks = 0;
  for (size_t i = 0; i < doc.size(); ++i) {
    if (doc[i].rfind(marker, 0) != 0) continue;
    const std::string path = doc[i].substr(marker.size(), doc[i].find(" -->") - marker.size());
    const std::vector<std::string> source = lines_of(root + "/" + path);
    ASSERT_LT(i + 1, doc.size());
    ASSERT_EQ(doc[i + 1].rfind("```", 0), 0u) << "line " << i + 2 << ": a code block follows the marker";
    ++blocks;
    size_t at = 0;       // next source line to look at
    bool gap = true;     // the first line may be anywhere
    for (size_t k = i + 2; k < doc.size() && doc[k].rfind("```", 0) != 0; ++k) {
      const std::string want = trim(doc[k]);
      if (want == "...") {
        gap = true;
        continue;
      }
      size_t found = at;
      while (found < source.size() && trim(source[found]) != want && gap) ++found;
      ASSERT_TRUE(found < source.size() && trim(source[found]) == want)
          << "docs/writing-an-engine.md line " << k + 1 << " is not the next line of " << path << ": " << want;
      at = found + 1;
      gap = false;
    }
  }
  EXPECT_GE(blocks, 4);
}

}  // namespace
}  // namespace iopulse
