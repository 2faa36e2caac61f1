// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "trace/blktrace_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <system_error>

#include <fmt/format.h>

#include "trace/trace_source.h"

namespace iopulse {

BlktraceFile::BlktraceFile(std::string path) : path_(std::move(path)), buf_(new unsigned char[kChunkBytes]) {
  fd_ = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) throw std::system_error(errno, std::generic_category(), fmt::format("'{}'", path_));
}

BlktraceFile::~BlktraceFile() {
  if (fd_ >= 0) ::close(fd_);
}

std::string BlktraceFile::position() const { return fmt::format("'{}' byte {}", path_, record_offset_); }

void BlktraceFile::fail(const std::string& what) const { throw TraceError(fmt::format("{}: {}", position(), what)); }

size_t BlktraceFile::fill(size_t want) {
  if (used_ - pos_ >= want) return used_ - pos_;
  std::memmove(buf_.get(), buf_.get() + pos_, used_ - pos_);
  buf_offset_ += pos_;
  used_ -= pos_;
  pos_ = 0;
  while (used_ < want) {
    const ssize_t n = ::read(fd_, buf_.get() + used_, kChunkBytes - used_);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw std::system_error(errno, std::generic_category(), fmt::format("reading '{}'", path_));
    }
    if (n == 0) break;
    used_ += static_cast<size_t>(n);
  }
  return used_;
}

bool BlktraceFile::next(BlkEvent* e) {
  record_offset_ = buf_offset_ + pos_;
  const size_t have = fill(kBlkRecordBytes);
  if (have == 0) return false;
  if (have < kBlkRecordBytes) {
    fail(fmt::format("truncated: {} bytes where a {}-byte blk_io_trace record starts", have, kBlkRecordBytes));
  }
  uint32_t raw;
  std::memcpy(&raw, buf_.get() + pos_, sizeof raw);
  if (first_) {
    if (!is_blk_magic(raw, &swapped_)) fail(fmt::format("magic {:#010x} is not blktrace's ({:#010x})", raw, kBlkMagic));
    first_ = false;
  }
  *e = decode_blk_event(buf_.get() + pos_, swapped_);
  if ((e->magic & 0xffffff00u) != kBlkMagic) {
    fail(fmt::format("bad magic {:#010x} (not a blk_io_trace record, or the byte order changed)", e->magic));
  }
  if ((e->magic & 0xffu) != kBlkVersion) {
    fail(fmt::format("blktrace version {}; accepted: version {}", e->magic & 0xffu, kBlkVersion));
  }
  pos_ += kBlkRecordBytes;
  // Skip the payload, which may be longer than what is buffered.
  size_t left = e->pdu_len;
  while (left > 0) {
    const size_t avail = fill(1);
    if (avail == 0) {
      fail(fmt::format("its {}-byte payload runs past the end of the file ({} bytes missing)", e->pdu_len, left));
    }
    const size_t take = std::min(left, avail);
    pos_ += take;
    left -= take;
  }
  return true;
}

}  // namespace iopulse
