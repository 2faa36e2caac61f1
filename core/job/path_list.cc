// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "job/path_list.h"

namespace iopulse {

std::vector<std::string> split_path_list(std::string_view text) {
  std::vector<std::string> paths(1);
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size() && text[i + 1] == ':') {
      paths.back() += ':';
      ++i;
    } else if (text[i] == ':') {
      paths.emplace_back();
    } else {
      paths.back() += text[i];
    }
  }
  return paths;
}

std::string join_path_list(const std::vector<std::string>& paths) {
  std::string text;
  for (const std::string& p : paths) {
    if (!text.empty()) text += ':';
    for (const char c : p) {
      if (c == ':') text += '\\';
      text += c;
    }
  }
  return text;
}

}  // namespace iopulse
