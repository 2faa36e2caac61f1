// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "check.h"

#include <cstdarg>
#include <cstdio>
#include <cstring>

namespace iopcheck {

std::string strf(const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char small[512];
  const int n = std::vsnprintf(small, sizeof small, fmt, ap);
  va_end(ap);
  if (n < 0) return "";
  if (static_cast<size_t>(n) < sizeof small) return std::string(small, static_cast<size_t>(n));
  std::string out(static_cast<size_t>(n), '\0');
  va_start(ap, fmt);
  std::vsnprintf(out.data(), out.size() + 1, fmt, ap);
  va_end(ap);
  return out;
}

std::string errno_text(int64_t negative_errno) {
  if (negative_errno >= 0) return strf("%lld", static_cast<long long>(negative_errno));
  return strf("%lld (%s)", static_cast<long long>(negative_errno),
              std::strerror(static_cast<int>(-negative_errno)));
}

}  // namespace iopcheck
