// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "target/layout_manifest.h"

#include <cerrno>
#include <fstream>
#include <system_error>

#include <fmt/format.h>

#include "job/quantity_parser.h"
#include "job/usage_error.h"
#include "target/target_layout.h"

namespace iopulse {

std::vector<std::pair<std::string, uint64_t>> read_layout_manifest(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    throw UsageError(fmt::format("--layout-manifest: cannot read '{}': {}", path, std::generic_category().message(errno)));
  }
  std::vector<std::pair<std::string, uint64_t>> files;
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
    files.emplace_back(line.substr(name), size);
  }
  if (files.empty()) throw UsageError(fmt::format("--layout-manifest: '{}' lists no files", path));
  return files;
}

void write_layout_manifest(const std::string& path, const TargetLayout& layout, const std::string& target) {
  std::ofstream out(path, std::ios::trunc);
  if (!out) {
    throw std::system_error(errno, std::generic_category(), fmt::format("cannot write layout manifest '{}'", path));
  }
  out << "# IOPulse layout manifest: SIZE PATH (PATH relative to the target directory)\n";
  const std::string prefix = target + "/";
  for (const PlannedFile& f : layout.files) {
    const std::string shown = f.path.starts_with(prefix) ? f.path.substr(prefix.size()) : f.path;
    out << f.size << ' ' << shown << '\n';
  }
  if (!out.flush()) {
    throw std::system_error(errno, std::generic_category(), fmt::format("cannot write layout manifest '{}'", path));
  }
}

}  // namespace iopulse
