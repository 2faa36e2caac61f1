// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// Instances and files coming and going: create/destroy at several queue
// depths, open/close with distinct handles, and both repeated many times
// without leaking memory, descriptors or mappings.

#include <dirent.h>
#include <fcntl.h>
#include <malloc.h>

#include <cstdio>
#include <cstring>
#include <set>

#include "check.h"
#include "engine_session.h"
#include "work_files.h"

namespace iopcheck {
namespace {

constexpr uint32_t kHostMaxQueueDepth = 65536;  // iopulse --queue-depth accepts up to this
constexpr uint32_t kWarmupCycles = 20;          // lazy one-time setup settles first

long rss_kb() {
  FILE* f = std::fopen("/proc/self/status", "re");
  if (f == nullptr) return -1;
  char line[256];
  long kb = -1;
  while (std::fgets(line, sizeof line, f) != nullptr) {
    if (std::sscanf(line, "VmRSS: %ld kB", &kb) == 1) break;
  }
  std::fclose(f);
  return kb;
}

long count_fds() {
  DIR* d = opendir("/proc/self/fd");
  if (d == nullptr) return -1;
  long n = 0;
  while (const dirent* e = readdir(d)) {
    if (e->d_name[0] != '.') ++n;
  }
  closedir(d);
  return n - 1;  // the directory stream's own descriptor
}

long count_maps() {
  FILE* f = std::fopen("/proc/self/maps", "re");
  if (f == nullptr) return -1;
  long n = 0;
  for (int c; (c = std::fgetc(f)) != EOF;) {
    if (c == '\n') ++n;
  }
  std::fclose(f);
  return n;
}

}  // namespace

Resources measure_resources() {
  Resources r;
  r.rss_kb = rss_kb();
  r.fds = count_fds();
  r.maps = count_maps();
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
  const struct mallinfo2 mi = mallinfo2();
  r.heap = static_cast<long long>(mi.uordblks + mi.hblkhd);
#endif
  return r;
}

namespace {

// What grew past its tolerance between two measurements; empty when nothing did.
std::string resource_growth(const Resources& before, const Resources& after) {
  std::string grown;
  const auto add = [&](const std::string& s) { grown += (grown.empty() ? "" : ", ") + s; };
  if (before.fds >= 0 && after.fds - before.fds > 2) {
    add(strf("open descriptors %ld -> %ld", before.fds, after.fds));
  }
  if (before.maps >= 0 && after.maps - before.maps > 8) {
    add(strf("memory mappings %ld -> %ld", before.maps, after.maps));
  }
  if (before.heap >= 0 && after.heap - before.heap > 32 * 1024) {
    add(strf("heap in use %lld -> %lld bytes", before.heap, after.heap));
  }
  if (before.rss_kb >= 0 && after.rss_kb - before.rss_kb > 4 * 1024) {
    add(strf("VmRSS %ld -> %ld kB", before.rss_kb, after.rss_kb));
  }
  return grown;
}

}  // namespace

void expect_no_leak(uint32_t cycles, const char* what, const std::function<void(uint32_t)>& cycle) {
  const Resources start = measure_resources();
  for (uint32_t i = 0; i < cycles; ++i) cycle(i);
  const Resources middle = measure_resources();
  const std::string first = resource_growth(start, middle);
  if (first.empty()) return;
  for (uint32_t i = 0; i < cycles; ++i) cycle(i);
  const std::string second = resource_growth(middle, measure_resources());
  if (!second.empty()) {
    fail(strf("after %u %s cycles: %s; and in %u more: %s", cycles, what, first.c_str(), cycles,
              second.c_str()));
  }
}

namespace {

// The file the lifecycle checks open: real for engines that do file IO,
// only a name for diskless ones.
std::string lifecycle_file(const Target& t, uint64_t size) {
  return t.does_file_io() ? create_pattern_file(t, "lifecycle", size, 1) : unique_path(t, "diskless");
}

void create_destroy(const Target& t) {
  std::set<uint32_t> depths = {1, t.deep_queue_depth,
                               std::min(t.desc->max_queue_depth, kHostMaxQueueDepth)};
  for (uint32_t qd : depths) {
    EngineSession s(t, qd);
  }
}

void open_close(const Target& t) {
  const uint64_t size = 16 * uint64_t{t.block_size};
  const std::string a = lifecycle_file(t, size);
  const std::string b = lifecycle_file(t, size);
  AlignedBuffer buf(t.block_size, t.buffer_align);
  EngineSession s(t, 1);
  const uint32_t rw = IOP_FILE_READ | IOP_FILE_WRITE;
  const int32_t ha = s.open(a, O_RDWR, rw, size);
  const int32_t hb = s.open(b, O_RDWR, rw, size);
  if (t.does_file_io() && ha == hb) {
    fail(strf("two files open at once got the same handle %d", ha));
  }
  // Closing one leaves the other usable, and its handle can come back.
  s.close(ha);
  int64_t res = s.run_one(IOP_OP_READ, hb, t.block_size, buf.data(), t.block_size);
  if (res != t.block_size) {
    fail(strf("a read on the second file after closing the first completed with %s",
              errno_text(res).c_str()));
  }
  const int32_t ha2 = s.open(a, O_RDWR, rw, size);
  res = s.run_one(IOP_OP_READ, ha2, 0, buf.data(), t.block_size);
  if (res != t.block_size) {
    fail(strf("a read on a reopened file completed with %s", errno_text(res).c_str()));
  }
  if (t.does_file_io() && find_mismatch(buf.data(), t.block_size, 0, 1) >= 0) {
    fail("a read on a reopened file returned the wrong data");
  }
  s.close(ha2);
  s.close(hb);
}

void leak_create_destroy(const Target& t) {
  const uint32_t qd = t.deep_queue_depth;
  for (uint32_t i = 0; i < kWarmupCycles; ++i) EngineSession s(t, qd);
  expect_no_leak(t.leak_iterations, "create/destroy", [&](uint32_t) { EngineSession s(t, qd); });
}

void leak_open_close(const Target& t) {
  const uint64_t size = 16 * uint64_t{t.block_size};
  const std::string path = lifecycle_file(t, size);
  AlignedBuffer buf(t.block_size, t.buffer_align);
  EngineSession s(t, 1);
  const auto cycle = [&](uint32_t i) {
    const int32_t h = s.open(path, O_RDWR, IOP_FILE_READ | IOP_FILE_WRITE, size);
    if (i % 100 == 0) {  // now and then touch the file through the handle
      const int64_t res = s.run_one(IOP_OP_READ, h, 0, buf.data(), t.block_size);
      if (res != t.block_size) fail(strf("a read completed with %s", errno_text(res).c_str()));
    }
    s.close(h);
  };
  for (uint32_t i = 0; i < kWarmupCycles; ++i) cycle(i);
  expect_no_leak(t.leak_iterations, "open_file/close_file", cycle);
}

}  // namespace

const std::vector<CheckDef>& lifecycle_checks() {
  static const std::vector<CheckDef> kChecks = {
      {"create_destroy", create_destroy},
      {"open_close", open_close},
      {"leak_create_destroy", leak_create_destroy},
      {"leak_open_close", leak_open_close},
  };
  return kChecks;
}

}  // namespace iopcheck
