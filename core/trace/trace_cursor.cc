// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "trace/trace_cursor.h"

#include <fmt/format.h>

namespace iopulse {

TraceCursor::TraceCursor(const ReplayPlan& plan, uint32_t worker, std::vector<uint64_t> file_sizes)
    : plan_(plan), worker_(worker), file_sizes_(std::move(file_sizes)), source_(open_trace(plan.path, plan.by_pid)),
      raw_(kChunk), records_(kChunk) {}

const TraceRecord* TraceCursor::refill() {
  pos_ = count_ = 0;
  while (!done_ && count_ == 0) {
    size_t n = 0;
    try {
      n = source_->read(raw_.data(), raw_.size());
    } catch (const TraceError& e) {
      // The trace changed since the plan read it: the run stops here.
      throw TraceError(fmt::format("--replay '{}': {}", plan_.path, e.what()));
    }
    if (n == 0) {
      done_ = true;
      break;
    }
    for (size_t i = 0; i < n; ++i) {
      const TraceRecord& r = raw_[i];
      const bool mine = plan_.spread ? (seen_ + i) % plan_.workers == worker_ : r.worker == worker_;
      if (!mine) continue;
      TraceRecord& m = records_[count_++];
      m = r;
      m.file = plan_.mapping.file(r.file);
      m.offset = plan_.mapping.offset(r.offset, m.file);
      if (m.file >= file_sizes_.size() || m.offset + m.len > file_sizes_[m.file]) {
        throw TraceError(fmt::format("{}: its IO {} moved past the end of target file {} since the trace was "
                                     "checked", position(), seen_ + i + 1, m.file));
      }
    }
    seen_ += n;
  }
  return count_ > 0 ? &records_[0] : nullptr;
}

std::string TraceCursor::position() const { return fmt::format("--replay '{}' {}", plan_.path, source_->position()); }

}  // namespace iopulse
