// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "cli/per_io_log_capture.h"

#include <stdexcept>
#include <utility>

#include <fmt/format.h>

#include "report/fio_log_files.h"
#include "trace/iolog_reader.h"

namespace iopulse {

PerIoLogCapture::PerIoLogCapture(FioLogFiles& logs, std::string iolog, const std::string& dir)
    : logs_(logs), iolog_(std::move(iolog)), dir_(dir.empty() ? "." : dir) {
  if (iolog_.empty()) next_ = std::make_unique<UnnamedFile>(dir_);
}

IoCaptureTarget PerIoLogCapture::begin_phase() {
  if (!iolog_.empty()) return {iolog_, -1, ""};
  current_ = next_ ? std::move(next_) : std::make_unique<UnnamedFile>(dir_);
  return {"", current_->duplicate(), fmt::format("the per-IO capture of the fio-format logs (in '{}')", dir_)};
}

void PerIoLogCapture::end_phase(uint32_t first_worker, uint64_t job_ns) {
  if (iolog_.empty() && !current_) return;
  const std::string name = iolog_.empty() ? fmt::format("the per-IO capture in '{}'", dir_) : fmt::format("'{}'", iolog_);
  try {
    std::unique_ptr<IoLogReader> capture = iolog_.empty() ? std::make_unique<IoLogReader>(current_->duplicate(), name)
                                                          : std::make_unique<IoLogReader>(iolog_);
    logs_.add_capture(*capture, first_worker, job_ns);
  } catch (const std::exception& e) {
    current_.reset();
    throw std::runtime_error(fmt::format("the per-IO fio-format logs from {}: {}", name, e.what()));
  }
  current_.reset();
}

}  // namespace iopulse
