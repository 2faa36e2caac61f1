/* SPDX-License-Identifier: MIT
 * SPDX-FileCopyrightText: 2026 The IOPulse authors */
// check.h -- what every conformance check of iopulse-engine-check sees: the
// engine under test, the run's settings, and the way a check reports.
//
// A check is a function that returns normally to pass, throws CheckFailed
// (through fail()) to fail and CheckSkipped (through skip()) when it does not
// apply to this engine or run.  Each check runs in its own child process
// (see CheckRunner), so it may leak, crash or hang without taking the other
// checks with it; it starts from the state of the parent after loading, with
// no instance created.
//
// The checker ships with the SDK: it uses iopulse/engine.h, the C++ standard
// library and dlopen only, never IOPulse's core.
#ifndef IOPULSE_CONFORMANCE_CHECK_H
#define IOPULSE_CONFORMANCE_CHECK_H

#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "iopulse/engine.h"

namespace iopcheck {

// One millisecond in the nanoseconds the checks time with.
inline constexpr uint64_t kMs = 1'000'000;

class CheckFailed : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class CheckSkipped : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// printf into a std::string.
#if defined(__GNUC__)
__attribute__((format(printf, 1, 2)))
#endif
std::string strf(const char* fmt, ...);

[[noreturn]] inline void fail(const std::string& reason) { throw CheckFailed(reason); }
[[noreturn]] inline void skip(const std::string& reason) { throw CheckSkipped(reason); }

// The text of a negative errno value, e.g. "-22 (Invalid argument)".
std::string errno_text(int64_t negative_errno);

// The engine under test and how this run exercises it.  Filled by main()
// once the descriptor has passed the structural checks; read-only after.
struct Target {
  std::string plugin_path;
  const iop_engine_desc* desc = nullptr;   // zero-extended copy, see EnginePlugin
  std::vector<iop_option_value> options;   // one per option descriptor, defaults applied
  std::string work_dir;                    // private directory the checks create files in
  bool direct = false;                     // --direct: O_DIRECT files, IOP_CONFIG_DIRECT
  uint32_t block_size = 4096;              // bytes per data IO
  uint32_t buffer_align = 4096;            // alignment of every IO buffer
  uint32_t deep_queue_depth = 1;           // min(max_queue_depth, 64) unless --queue-depth
  uint32_t leak_iterations = 1000;         // cycles of the leak checks
  uint64_t instance_caps = 0;              // what an instance of this run reports (report()),
                                           // the descriptor's caps without report()

  // The descriptor declares `cap` (informational).
  bool has(uint64_t cap) const { return (desc->caps & cap) != 0; }
  // An instance of this configuration has `cap`: the host relies on these.
  bool instance_has(uint64_t cap) const { return (instance_caps & cap) != 0; }
  bool requires_cap(uint64_t req) const { return (desc->required_caps & req) != 0; }
  bool diskless() const { return requires_cap(IOP_REQ_DISKLESS); }
  bool opens_by_path() const { return requires_cap(IOP_REQ_OPENS_BY_PATH); }
  // The engine really reads and writes the checker's files.
  bool does_file_io() const { return !diskless(); }
  // A diskless engine that keeps what is written (IOP_CAP_STORES_DATA).
  bool stores_data() const { return diskless() && has(IOP_CAP_STORES_DATA); }
  // Data written through the engine can be read back through it: the checks
  // compare the data, not only the counts.
  bool keeps_data() const { return does_file_io() || stores_data(); }
  // The checker opens the descriptor the engine works on, as the host does.
  bool host_opens_files() const { return !diskless() && !opens_by_path(); }
};

// What the process holds, to compare before and after many cycles.
struct Resources {
  long rss_kb = -1;     // VmRSS
  long fds = -1;        // entries of /proc/self/fd
  long maps = -1;       // lines of /proc/self/maps
  long long heap = -1;  // bytes in use by malloc (glibc), -1 when unknown
};
Resources measure_resources();
// Runs cycle(0) .. cycle(cycles - 1) and fails the check when the process
// grew past a tolerance that a leak of one descriptor, one mapping, 32 bytes
// of heap or 4 KiB of resident memory per cycle would exceed, in that window
// and again in a second window of as many cycles (run only when the first
// grew). A leak grows in every window; a one-time growth does not repeat (an
// allocator mapping one more region, a sanitizer's per-thread bookkeeping
// settling: under AddressSanitizer a threaded engine's 1000 create/destroy
// cycles once grew /proc/self/maps by 9 lines).
void expect_no_leak(uint32_t cycles, const char* what, const std::function<void(uint32_t)>& cycle);

using CheckFn = void (*)(const Target&);

struct CheckDef {
  const char* name;
  CheckFn fn;
};

// The checks that need an engine instance, in the order they run; defined in
// lifecycle_checks.cc, io_checks.cc, feature_checks.cc (per-IO flags and
// priorities, the optional functions) and meta_checks.cc (metadata ops).
const std::vector<CheckDef>& lifecycle_checks();
const std::vector<CheckDef>& io_checks();
const std::vector<CheckDef>& feature_checks();
const std::vector<CheckDef>& meta_checks();

}  // namespace iopcheck

#endif  // IOPULSE_CONFORMANCE_CHECK_H
