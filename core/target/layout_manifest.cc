// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "target/layout_manifest.h"

#include <cerrno>
#include <filesystem>
#include <map>
#include <fstream>
#include <system_error>

#include <fmt/format.h>

#include "job/quantity_parser.h"
#include "job/usage_error.h"
#include "output/result_file.h"
#include "target/target_layout.h"

namespace iopulse {

namespace {

// `p` made absolute (against the working directory) and lexically normal.
std::filesystem::path absolute_normal(const std::filesystem::path& p) {
  std::error_code ec;
  const std::filesystem::path a = std::filesystem::absolute(p, ec);
  return (ec ? p : a).lexically_normal();
}

// `file` relative to `dir` when it lies inside it, else empty (both
// absolute and normal).
std::filesystem::path inside(const std::filesystem::path& file, const std::filesystem::path& dir) {
  const std::filesystem::path rel = file.lexically_relative(dir);
  if (rel.empty() || rel == "." || *rel.begin() == "..") return {};
  return rel;
}

}  // namespace

std::vector<std::pair<std::string, uint64_t>> read_layout_manifest(const std::string& path,
                                                                    const std::string& target) {
  const std::filesystem::path target_dir = absolute_normal(target);
  std::ifstream in(path);
  if (!in) {
    throw UsageError(fmt::format("--layout-manifest: cannot read '{}': {}", path, std::generic_category().message(errno)));
  }
  std::vector<std::pair<std::string, uint64_t>> files;
  std::map<std::string, size_t> seen;  // normal path -> line
  std::string line;
  for (size_t number = 1; std::getline(in, line); ++number) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const size_t start = line.find_first_not_of(" \t");
    if (start == std::string::npos || line[start] == '#') continue;
    const size_t gap = line.find_first_of(" \t", start);
    const size_t name = gap == std::string::npos ? std::string::npos : line.find_first_not_of(" \t", gap);
    const std::string where = fmt::format("{}:{}", path, number);
    if (name == std::string::npos) {
      throw UsageError(fmt::format("{}: '{}' is not an entry; accepted: SIZE PATH, e.g. 64M data/file one.bin",
                                   where, line));
    }
    const uint64_t size = parse_size(where, line.substr(start, gap - start));
    if (size == 0) throw UsageError(fmt::format("{}: a file of 0 bytes cannot be addressed", where));
    const std::string file = line.substr(name);
    // Every file lies inside the target directory: a relative path without
    // "..", or an absolute one inside the target (as an export of a single
    // file names it); each file once (a/./b and a//b are a/b).
    std::filesystem::path rel(file);
    if (rel.is_absolute()) {
      const std::filesystem::path within = inside(rel.lexically_normal(), target_dir);
      if (within.empty()) {
        throw UsageError(fmt::format("{}: '{}' is outside the target directory '{}'; accepted: a path inside it, "
                                     "relative to it or absolute", where, file, target_dir.string()));
      }
      rel = within;
    }
    for (const auto& part : rel) {
      if (part == "..") {
        throw UsageError(fmt::format("{}: '{}' leads out of the target directory ('..'); accepted: a path inside "
                                     "it", where, file));
      }
    }
    const std::string normal = rel.lexically_normal().string();
    if (normal.empty() || normal == "." || normal.back() == '/') {
      throw UsageError(fmt::format("{}: '{}' names a directory; accepted: a file path", where, file));
    }
    if (auto [it, inserted] = seen.emplace(normal, number); !inserted) {
      throw UsageError(fmt::format("{}: '{}' is listed twice (also at line {}); accepted: each file once", where,
                                   file, it->second));
    }
    files.emplace_back(normal, size);
  }
  if (files.empty()) throw UsageError(fmt::format("--layout-manifest: '{}' lists no files", path));
  return files;
}

void write_layout_manifest(const std::string& path, const TargetLayout& layout, const std::string& target) {
  std::string text = "# IOPulse layout manifest: SIZE PATH (PATH relative to the target directory)\n";
  const std::filesystem::path target_dir = absolute_normal(target);
  for (const PlannedFile& f : layout.files) {
    // Inside the target: relative to it, so the layout can be made again
    // under another directory.  Otherwise (a single file, per-worker files
    // beside it): absolute, which a manifest read into a directory holding
    // them accepts.
    const std::filesystem::path file = absolute_normal(f.path);
    const std::filesystem::path within = inside(file, target_dir);
    text += fmt::format("{} {}\n", f.size, within.empty() ? file.string() : within.string());
  }
  write_result_file("--export-layout-manifest", path, text, "the layout manifest");
}

}  // namespace iopulse
