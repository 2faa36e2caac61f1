// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "trace/iolog_writer.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>
#include <utility>

#include <fmt/format.h>

namespace iopulse {
namespace {

// Writes all of [data, data + bytes); returns 0 or an errno.
int write_all(int fd, const char* data, size_t bytes) {
  while (bytes > 0) {
    const ssize_t n = ::write(fd, data, bytes);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    data += n;
    bytes -= static_cast<size_t>(n);
  }
  return 0;
}

}  // namespace

IoLogWriter::IoLogWriter(const std::string& path, const IoLogHeader& header)
    : label_(fmt::format("--write-iolog '{}'", path)), header_(header) {
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd_ < 0) throw std::system_error(errno, std::generic_category(), label_);
  start();
}

IoLogWriter::IoLogWriter(int fd, std::string label, const IoLogHeader& header)
    : label_(std::move(label)), fd_(fd), header_(header) {
  start();
}

void IoLogWriter::start() {
  // (lseek fails on a pipe, FIFO or socket; pwrite on an O_APPEND file
  // would append.)
  const int fl = ::fcntl(fd_, F_GETFL);
  seekable_ = ::lseek(fd_, 0, SEEK_CUR) == 0 && fl >= 0 && (fl & O_APPEND) == 0;
  if (seekable_) {
    const std::string bytes = header_.encode();
    if (const int err = write_all(fd_, bytes.data(), bytes.size()); err != 0) {
      ::close(fd_);
      fd_ = -1;
      throw std::system_error(err, std::generic_category(), label_);
    }
    header_written_ = true;
  }
  thread_ = std::thread([this] { run(); });
}

void IoLogWriter::set_start_unix_ns(uint64_t unix_ns) {
  std::unique_lock lock(mutex_);
  header_.start_unix_ns = unix_ns;
  start_known_ = true;
  if (header_written_ && seekable_) {
    // The field's place in the header (iolog_format.h): after the magic and
    // six 32-bit fields.
    unsigned char field[8];
    for (int i = 0; i < 8; ++i) field[i] = static_cast<unsigned char>(unix_ns >> (8 * i));
    for (size_t done = 0; done < sizeof field;) {
      const ssize_t n = ::pwrite(fd_, field + done, sizeof field - done,
                                 static_cast<off_t>(kIoLogStartFieldOffset + done));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        if (error_.empty()) error_ = fmt::format("{}: {}", label_, n < 0 ? std::strerror(errno) : "short write");
        break;
      }
      done += static_cast<size_t>(n);
    }
    return;
  }
  lock.unlock();
  queued_.notify_one();
}

IoLogWriter::~IoLogWriter() { (void)finish(); }

void IoLogWriter::submit(IoLogBuffer* buffer) {
  buffer->returned.store(false, std::memory_order_relaxed);
  {
    std::lock_guard lock(mutex_);
    queue_.push_back(buffer);
  }
  queued_.notify_one();
}

void IoLogWriter::wait_returned(const IoLogBuffer* buffer) {
  std::unique_lock lock(mutex_);
  returned_.wait(lock, [&] { return buffer->returned.load(std::memory_order_acquire); });
}

void IoLogWriter::run() {
  std::unique_lock lock(mutex_);
  if (!header_written_) {
    // A pipe: the header goes first, with the window's start when it is
    // known before the first record (JobRunner tells it before the
    // release), else the header's own time.
    queued_.wait(lock, [&] { return start_known_ || stopping_ || !queue_.empty(); });
    const std::string bytes = header_.encode();
    header_written_ = true;
    lock.unlock();
    const int err = write_all(fd_, bytes.data(), bytes.size());
    lock.lock();
    if (err != 0 && error_.empty()) error_ = fmt::format("{}: {}", label_, std::strerror(err));
  }
  for (;;) {
    queued_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping with nothing left
    IoLogBuffer* buffer = queue_.front();
    queue_.pop_front();
    const bool failed = !error_.empty();
    lock.unlock();
    int err = 0;
    if (!failed) {
      err = write_all(fd_, reinterpret_cast<const char*>(buffer->records.get()),
                      size_t{buffer->count} * sizeof(IoLogRecord));
    }
    lock.lock();
    if (err != 0 && error_.empty()) error_ = fmt::format("{}: {}", label_, std::strerror(err));
    buffer->returned.store(true, std::memory_order_release);
    returned_.notify_all();
  }
}

std::string IoLogWriter::finish() {
  {
    std::lock_guard lock(mutex_);
    if (finished_) return error_;
    finished_ = true;
    stopping_ = true;
  }
  queued_.notify_one();
  if (thread_.joinable()) thread_.join();
  if (fd_ >= 0) {
    if (::close(fd_) != 0 && error_.empty()) {
      error_ = fmt::format("{}: {}", label_, std::strerror(errno));
    }
    fd_ = -1;
  }
  return error_;
}

}  // namespace iopulse
