// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// IoLogReader: reads an IOPulse iolog (trace/iolog_format.h) in chunks of
// kChunkBytes; every record is checked (op, file, worker) as it is read.
#ifndef IOPULSE_TRACE_IOLOG_READER_H_
#define IOPULSE_TRACE_IOLOG_READER_H_

#include <memory>
#include <string>
#include <vector>

#include "trace/iolog_format.h"
#include "trace/trace_source.h"

namespace iopulse {

class IoLogReader final : public TraceSource {
 public:
  static constexpr size_t kChunkBytes = 1 << 20;

  // Opens `path` and reads its header.  Throws TraceError or
  // std::system_error.
  explicit IoLogReader(const std::string& path);
  // Reads the iolog in `fd` (the reader owns it and closes it) from its
  // start; `name` names it in messages.
  IoLogReader(int fd, std::string name);
  ~IoLogReader() override;

  size_t read(TraceRecord* out, size_t n) override;
  // Reads the next records whole, completion fields included.
  size_t read_raw(IoLogRecord* out, size_t n);
  std::string position() const override;
  std::string format() const override;
  const std::vector<std::string>& files() const override { return paths_; }
  uint32_t workers() const override { return header_.workers; }
  const IoLogHeader& header() const { return header_; }

 private:
  // Reads the header from fd_ and moves to the first record; closes fd_
  // and throws on failure.
  void open_records();
  // Refills the chunk; false at the end of the file.
  bool refill();

  std::string path_;
  int fd_ = -1;
  IoLogHeader header_;
  std::vector<std::string> paths_;
  std::unique_ptr<char[]> chunk_;
  size_t chunk_used_ = 0, chunk_pos_ = 0;
  uint64_t records_read_ = 0;  // handed out so far
  bool eof_ = false;
};

}  // namespace iopulse

#endif  // IOPULSE_TRACE_IOLOG_READER_H_
