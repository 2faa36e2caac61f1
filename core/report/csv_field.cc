// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "report/csv_field.h"

#include <csv.h>

namespace iopulse {

std::string csv_field(std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(text);
  // csv_write() returns the size the quoted field needs; with a buffer of
  // at least that size it writes all of it.  At most 2 + 2 * size.
  std::string out(2 + 2 * text.size(), '\0');
  out.resize(csv_write(out.data(), out.size(), text.data(), text.size()));
  return out;
}

}  // namespace iopulse
