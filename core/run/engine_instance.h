// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// EngineInstance: one instance of a loaded engine, owned by one worker and
// used only on the thread that created it (docs/design.md, "Thread model").
// Wraps the control-plane calls so their failures become exceptions with the
// engine's own message; the data plane (submit/reap) is called directly
// through the cached function pointers, one indirect call per batch.
#ifndef IOPULSE_RUN_ENGINE_INSTANCE_H_
#define IOPULSE_RUN_ENGINE_INSTANCE_H_

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "iopulse/engine.h"
#include "job/usage_error.h"
#include "plugin/instance_report.h"

namespace iopulse {

// The engine refused to create an instance (bad option combination, missing
// kernel feature, ...).  Reported like a usage error: exit code 2.
class EngineCreateError : public UsageError {
 public:
  using UsageError::UsageError;
};

// A call into an engine instance failed (opening a file, allocating or
// registering buffers, ...): the text says which engine, which call and
// why; error() is the errno the engine returned.
class EngineCallError : public std::runtime_error {
 public:
  EngineCallError(const std::string& text, int error) : std::runtime_error(text), error_(error) {}
  int error() const { return error_; }

 private:
  int error_;
};

class EngineInstance {
 public:
  // Creates an instance of the engine `desc` (named `name`).  Throws
  // EngineCreateError with the engine's message when create() fails.
  EngineInstance(const iop_engine_desc& desc, const iop_engine_config& config);
  ~EngineInstance();
  EngineInstance(const EngineInstance&) = delete;
  EngineInstance& operator=(const EngineInstance&) = delete;

  // Opens a file; throws std::runtime_error with the engine's message.
  int32_t open_file(const iop_file_desc& file);
  // Closes every handle opened through open_file(), in reverse order.
  void close_all_files();
  // Registers IO buffers when the engine supports it (no-op otherwise).
  // Returns true when the engine took them.
  bool register_buffers(const std::vector<iop_buffer>& buffers);
  // What this instance really does (engine.h, report()); throws PluginError.
  InstanceReport report() const { return read_instance_report(desc_, engine_); }

  // The instance's completion fd (engine.h, completion_fd()): owned by the
  // instance.  Call only when its capabilities have IOP_CAP_COMPLETION_FD,
  // at most once, before the first submit(); throws std::runtime_error
  // with the engine's message.
  int completion_fd();

  // IO memory from the engine (engine.h, alloc_buffer()), at least `len`
  // bytes.  Call only when the instance has IOP_CAP_ENGINE_BUFFERS.  The
  // instance frees every buffer it handed out, once each, before it is
  // destroyed.  Throws std::runtime_error with the engine's message.
  iop_buffer alloc_buffer(uint64_t len);

  // The engine's explanation of a failed completion of the latest reap()
  // (one whose flags have IOP_CQE_ERROR_TEXT), or "" when it has none.
  std::string error_text(uint64_t user_data) const;

  // The engine's name, as its descriptor gives it.
  const char* name() const { return desc_.name; }

  int32_t submit(iop_io* const* ios, uint32_t n) { return submit_(engine_, ios, n, 0); }
  int32_t reap(iop_cqe* out, uint32_t max, uint32_t min_wait, uint64_t timeout_ns) {
    return reap_(engine_, out, max, min_wait, timeout_ns);
  }

 private:
  const iop_engine_desc& desc_;
  iop_engine* engine_ = nullptr;
  decltype(iop_engine_desc::submit) submit_;
  decltype(iop_engine_desc::reap) reap_;
  std::vector<int32_t> open_handles_;
  std::vector<iop_buffer> engine_buffers_;  // from alloc_buffer(), not yet freed
};

}  // namespace iopulse

#endif  // IOPULSE_RUN_ENGINE_INSTANCE_H_
