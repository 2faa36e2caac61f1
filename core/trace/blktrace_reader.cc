// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "trace/blktrace_reader.h"

#include <glob.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdlib>

#include <fmt/format.h>

namespace iopulse {

std::vector<std::string> blktrace_capture_files(const std::string& path) {
  struct stat st{};
  if (::stat(path.c_str(), &st) == 0) return {path};
  std::vector<std::pair<unsigned long, std::string>> found;
  glob_t g{};
  // The base name is matched literally: its own glob characters escaped.
  std::string pattern;
  for (const char c : path) {
    if (c == '*' || c == '?' || c == '[' || c == '\\') pattern += '\\';
    pattern += c;
  }
  pattern += ".blktrace.*";
  if (::glob(pattern.c_str(), 0, nullptr, &g) == 0) {
    const size_t prefix = path.size() + sizeof ".blktrace." - 1;
    for (size_t i = 0; i < g.gl_pathc; ++i) {
      const std::string p = g.gl_pathv[i];
      const std::string cpu = p.substr(prefix);
      if (cpu.empty() || cpu.find_first_not_of("0123456789") != std::string::npos) continue;
      found.emplace_back(std::strtoul(cpu.c_str(), nullptr, 10), p);
    }
  }
  ::globfree(&g);
  std::sort(found.begin(), found.end());
  std::vector<std::string> files;
  for (auto& f : found) files.push_back(std::move(f.second));
  return files;
}

BlktraceReader::BlktraceReader(const std::vector<std::string>& paths, bool by_pid) : by_pid_(by_pid) {
  inputs_.reserve(paths.size());
  for (const std::string& p : paths) {
    inputs_.push_back(Input{std::make_unique<BlktraceFile>(p), {}, false});
  }
  for (Input& in : inputs_) advance(in);
}

BlktraceReader::~BlktraceReader() = default;

void BlktraceReader::advance(Input& in) { in.done = !in.file->next(&in.head); }

uint32_t BlktraceReader::device_index(uint32_t device) {
  for (size_t i = 0; i < devices_.size(); ++i) {
    if (devices_[i] == device) return static_cast<uint32_t>(i);
  }
  devices_.push_back(device);
  device_names_.push_back(fmt::format("device {}:{}", blk_major(device), blk_minor(device)));
  return static_cast<uint32_t>(devices_.size() - 1);
}

uint32_t BlktraceReader::cpu_index(uint32_t cpu) {
  for (size_t i = 0; i < cpus_.size(); ++i) {
    if (cpus_[i] == cpu) return static_cast<uint32_t>(i);
  }
  cpus_.push_back(cpu);
  return static_cast<uint32_t>(cpus_.size() - 1);
}

void BlktraceReader::convert(const BlkEvent& e) {
  pending_pos_ = pending_count_ = 0;
  const uint32_t a = e.action;
  if ((a & blk_tc_act(kBlkTcNotify)) != 0 || (a & 0xffffu) != kBlkTaQueue) return;
  const bool discard = (a & blk_tc_act(kBlkTcDiscard)) != 0;
  const bool flush = (a & blk_tc_act(kBlkTcFlush)) != 0;
  const bool write = (a & blk_tc_act(kBlkTcWrite)) != 0;
  const bool fua = (a & blk_tc_act(kBlkTcFua)) != 0;
  if (e.bytes == 0 && !flush) return;
  if (!have_start_) {
    have_start_ = true;
    start_ns_ = e.time_ns;
  }
  TraceRecord r;
  r.time_ns = e.time_ns > start_ns_ ? e.time_ns - start_ns_ : 0;
  r.file = device_index(e.device);
  r.worker = cpu_index(by_pid_ ? e.pid : e.cpu);
  const auto push = [&](uint8_t op, uint64_t offset, uint32_t len) {
    TraceRecord& p = pending_[pending_count_++];
    p = r;
    p.op = op;
    p.offset = offset;
    p.len = len;
  };
  const uint64_t offset = e.sector * kBlkSectorBytes;
  if (discard) {
    if (e.bytes > 0) push(IOP_OP_TRIM, offset, e.bytes);
    return;
  }
  if (flush) push(IOP_OP_FSYNC, 0, 0);
  if (e.bytes > 0) push(write ? IOP_OP_WRITE : IOP_OP_READ, offset, e.bytes);
  if (fua && write && e.bytes > 0) push(IOP_OP_FDATASYNC, 0, 0);
}

size_t BlktraceReader::read(TraceRecord* out, size_t n) {
  size_t got = 0;
  while (got < n) {
    if (pending_pos_ < pending_count_) {
      out[got++] = pending_[pending_pos_++];
      continue;
    }
    // The earliest head of all the files (a few CPUs: a linear look).
    Input* first = nullptr;
    for (Input& in : inputs_) {
      if (!in.done && (first == nullptr || in.head.time_ns < first->head.time_ns)) first = &in;
    }
    if (first == nullptr) break;
    last_ = first->file.get();
    last_offset_ = first->file->offset();
    convert(first->head);
    advance(*first);
  }
  return got;
}

std::string BlktraceReader::position() const {
  if (last_ == nullptr) return "the start";
  return fmt::format("'{}' byte {}", last_->path(), last_offset_);
}

std::string BlktraceReader::format() const {
  return inputs_.size() == 1 ? std::string("blktrace") : fmt::format("blktrace, {} per-CPU files", inputs_.size());
}

}  // namespace iopulse
