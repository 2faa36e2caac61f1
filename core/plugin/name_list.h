// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// name_list(): how engine messages list names (engines found, directories
// searched, capabilities): joined by ", ", or "none" for an empty list.
#ifndef IOPULSE_PLUGIN_NAME_LIST_H_
#define IOPULSE_PLUGIN_NAME_LIST_H_

#include <string>
#include <vector>

namespace iopulse {

inline std::string name_list(const std::vector<std::string>& names) {
  if (names.empty()) return "none";
  std::string text;
  for (const std::string& name : names) {
    if (!text.empty()) text += ", ";
    text += name;
  }
  return text;
}

}  // namespace iopulse

#endif  // IOPULSE_PLUGIN_NAME_LIST_H_
