// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// Layout manifests: a plain-text list of the files of a file set, one per
// line as "SIZE PATH".  SIZE accepts the usual suffixes (4k, 1G); PATH is the
// rest of the line, spaces included: relative to the target directory (no
// ".."), or absolute and inside it; each file once.  The manifest itself may
// be anywhere.  Empty lines and lines starting with '#' are ignored.
// --layout-manifest reads one; --export-layout-manifest writes the planned
// files in the same form, so a layout can be reproduced exactly elsewhere.
#ifndef IOPULSE_TARGET_LAYOUT_MANIFEST_H_
#define IOPULSE_TARGET_LAYOUT_MANIFEST_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace iopulse {

struct TargetLayout;

// (path relative to `target`, size) per file, in file order.  Throws
// UsageError naming the file and line of a malformed entry or of one outside
// `target`, or the file when it cannot be read.
std::vector<std::pair<std::string, uint64_t>> read_layout_manifest(const std::string& path,
                                                                    const std::string& target);

// Writes every file of `layout` as "SIZE PATH", PATH relative to `target`
// when it lies under it, else absolute; read_layout_manifest() with a
// target directory holding the files reads it back.  Throws
// std::system_error naming the path.
void write_layout_manifest(const std::string& path, const TargetLayout& layout, const std::string& target);

}  // namespace iopulse

#endif  // IOPULSE_TARGET_LAYOUT_MANIFEST_H_
