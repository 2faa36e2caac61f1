// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "trace/iolog_reader.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>
#include <utility>

#include <fmt/format.h>

namespace iopulse {

IoLogReader::IoLogReader(const std::string& path) : path_(path), chunk_(new char[kChunkBytes]) {
  fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) throw std::system_error(errno, std::generic_category(), fmt::format("'{}'", path));
  open_records();
}

IoLogReader::IoLogReader(int fd, std::string name) : path_(std::move(name)), fd_(fd), chunk_(new char[kChunkBytes]) {
  open_records();
}

void IoLogReader::open_records() {
  const std::string& path = path_;
  (void)posix_fadvise(fd_, 0, 0, POSIX_FADV_SEQUENTIAL);
  // The header: its fixed part says how long the whole is.
  std::string head;
  size_t want = 16;
  while (head.size() < want) {
    char buf[4096];
    const ssize_t n = ::pread(fd_, buf, std::min(sizeof buf, want - head.size()), static_cast<off_t>(head.size()));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int err = errno;
      ::close(fd_);
      throw std::system_error(err, std::generic_category(), fmt::format("'{}'", path));
    }
    if (n == 0) break;
    head.append(buf, static_cast<size_t>(n));
    if (head.size() >= 16 && want == 16) {
      try {
        want = IoLogHeader::needed_bytes(head);
      } catch (const std::exception& e) {
        ::close(fd_);
        throw TraceError(e.what());
      }
    }
  }
  try {
    header_ = IoLogHeader::decode(head);
  } catch (const std::exception& e) {
    ::close(fd_);
    throw TraceError(e.what());
  }
  for (const IoLogFile& f : header_.files) paths_.push_back(f.path);
  if (::lseek(fd_, header_.header_bytes, SEEK_SET) < 0) {
    const int err = errno;
    ::close(fd_);
    throw std::system_error(err, std::generic_category(), fmt::format("'{}'", path));
  }
}

IoLogReader::~IoLogReader() {
  if (fd_ >= 0) ::close(fd_);
}

bool IoLogReader::refill() {
  // Keep the partial record at the end of the chunk.
  const size_t left = chunk_used_ - chunk_pos_;
  std::memmove(chunk_.get(), chunk_.get() + chunk_pos_, left);
  chunk_used_ = left;
  chunk_pos_ = 0;
  while (!eof_ && chunk_used_ < header_.record_bytes) {
    const ssize_t n = ::read(fd_, chunk_.get() + chunk_used_, kChunkBytes - chunk_used_);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw std::system_error(errno, std::generic_category(), fmt::format("reading '{}' after record {}", path_,
                                                                          records_read_));
    }
    if (n == 0) {
      eof_ = true;
      break;
    }
    chunk_used_ += static_cast<size_t>(n);
  }
  if (chunk_used_ >= header_.record_bytes) return true;
  if (chunk_used_ != 0) {
    throw TraceError(fmt::format("truncated after record {}: {} trailing bytes of a {}-byte record", records_read_,
                                 chunk_used_, header_.record_bytes));
  }
  return false;
}

size_t IoLogReader::read_raw(IoLogRecord* out, size_t n) {
  size_t got = 0;
  while (got < n) {
    if (chunk_used_ - chunk_pos_ < header_.record_bytes && !refill()) break;
    IoLogRecord& r = out[got];
    std::memcpy(&r, chunk_.get() + chunk_pos_, sizeof r);
    chunk_pos_ += header_.record_bytes;
    ++records_read_;
    if (!is_trace_op(r.op)) {
      throw TraceError(fmt::format("record {}: unknown op {}; accepted: 0-4 (read, write, fsync, fdatasync, trim)",
                                   records_read_, r.op));
    }
    if (r.file >= header_.files.size()) {
      throw TraceError(fmt::format("record {}: file {} is not in the header's {} file(s)", records_read_, r.file,
                                   header_.files.size()));
    }
    if (r.worker >= header_.workers) {
      throw TraceError(fmt::format("record {}: worker {} is not among the header's {} worker(s)", records_read_,
                                   r.worker, header_.workers));
    }
    ++got;
  }
  return got;
}

size_t IoLogReader::read(TraceRecord* out, size_t n) {
  IoLogRecord raw[64];
  size_t got = 0;
  while (got < n) {
    const size_t k = read_raw(raw, std::min<size_t>(64, n - got));
    for (size_t i = 0; i < k; ++i) {
      TraceRecord& t = out[got + i];
      t.time_ns = raw[i].issue_ns;
      t.offset = raw[i].offset;
      t.len = raw[i].len;
      t.file = raw[i].file;
      t.worker = raw[i].worker;
      t.op = raw[i].op;
    }
    got += k;
    if (k == 0) break;
  }
  return got;
}

std::string IoLogReader::position() const { return fmt::format("record {}", records_read_); }

std::string IoLogReader::format() const { return fmt::format("IOPulse iolog v{}", header_.version); }

}  // namespace iopulse
