// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "stats/resource_usage.h"

#include <algorithm>

#include <sys/resource.h>

namespace iopulse {

namespace {

ResourceUsage usage_of(int who) {
  rusage ru{};
  getrusage(who, &ru);
  ResourceUsage r;
  r.user_s = static_cast<double>(ru.ru_utime.tv_sec) + static_cast<double>(ru.ru_utime.tv_usec) / 1e6;
  r.system_s = static_cast<double>(ru.ru_stime.tv_sec) + static_cast<double>(ru.ru_stime.tv_usec) / 1e6;
  r.voluntary_switches = static_cast<uint64_t>(ru.ru_nvcsw);
  r.involuntary_switches = static_cast<uint64_t>(ru.ru_nivcsw);
  r.max_rss_bytes = static_cast<uint64_t>(ru.ru_maxrss) * 1024;  // Linux reports KiB
  return r;
}

}  // namespace

ResourceUsage ResourceUsage::now() { return usage_of(RUSAGE_SELF); }

ResourceUsage ResourceUsage::thread_now() { return usage_of(RUSAGE_THREAD); }

ResourceUsage ResourceUsage::between(const ResourceUsage& before, const ResourceUsage& after) {
  ResourceUsage d;
  d.user_s = after.user_s - before.user_s;
  d.system_s = after.system_s - before.system_s;
  d.voluntary_switches = after.voluntary_switches - before.voluntary_switches;
  d.involuntary_switches = after.involuntary_switches - before.involuntary_switches;
  d.max_rss_bytes = after.max_rss_bytes;
  return d;
}

std::optional<double> ResourceUsage::busy_cores(uint64_t window_ns) const {
  if (window_ns == 0 || window_ns < kShortestWindowForShareNs) return std::nullopt;
  return (user_s + system_s) * 1e9 / static_cast<double>(window_ns);
}

void ResourceUsage::add(const ResourceUsage& other) {
  user_s += other.user_s;
  system_s += other.system_s;
  voluntary_switches += other.voluntary_switches;
  involuntary_switches += other.involuntary_switches;
  max_rss_bytes = std::max(max_rss_bytes, other.max_rss_bytes);
}

}  // namespace iopulse
