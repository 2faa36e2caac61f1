// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "trace/fio_iolog_reader.h"

#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <string_view>
#include <system_error>

#include <fmt/format.h>

namespace iopulse {
namespace {

// The fields of a line separated by blanks (at most 6 are looked at).
size_t split(std::string_view line, std::string_view* fields, size_t max) {
  size_t n = 0, pos = 0;
  while (pos < line.size()) {
    while (pos < line.size() && (line[pos] == ' ' || line[pos] == '\t' || line[pos] == '\r')) ++pos;
    if (pos >= line.size()) break;
    size_t end = pos;
    while (end < line.size() && line[end] != ' ' && line[end] != '\t' && line[end] != '\r') ++end;
    if (n == max) return max + 1;
    fields[n++] = line.substr(pos, end - pos);
    pos = end;
  }
  return n;
}

bool number(std::string_view text, uint64_t* out) {
  const auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && p == text.data() + text.size();
}

}  // namespace

FioIologReader::FioIologReader(const std::string& path) : path_(path) {
  file_ = std::fopen(path.c_str(), "re");
  if (file_ == nullptr) throw std::system_error(errno, std::generic_category(), fmt::format("'{}'", path));
  // The first line is read up to a bound: a file that does not start with
  // the header line (a disk image of zeros) is refused after its first
  // bytes rather than read whole in search of a line end.
  char head[32] = {};
  line_no_ = 1;
  std::string_view first = std::fgets(head, sizeof head, file_) != nullptr ? std::string_view(head) : std::string_view();
  while (!first.empty() && (first.back() == '\n' || first.back() == '\r')) first.remove_suffix(1);
  if (first == "fio version 2 iolog") {
    version_ = 2;
  } else if (first == "fio version 3 iolog") {
    version_ = 3;
  } else {
    std::fclose(file_);
    std::free(line_);
    file_ = nullptr;
    line_ = nullptr;
    throw TraceError("not a trace IOPulse reads: the first line is neither 'fio version 2 iolog' nor 'fio version 3 "
                     "iolog', and the file starts with neither IOPulse's IOPIOLOG magic nor blktrace's");
  }
}

FioIologReader::~FioIologReader() {
  if (file_ != nullptr) std::fclose(file_);
  std::free(line_);
}

void FioIologReader::fail(const std::string& what) const { throw TraceError(fmt::format("line {}: {}", line_no_, what)); }

bool FioIologReader::parse_line(TraceRecord* out) {
  std::string_view line(line_);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  std::string_view f[6];
  const size_t nf = split(line, f, 6);
  if (nf == 0) return false;
  size_t i = 0;
  uint64_t usec = 0;
  if (version_ == 3) {
    if (!number(f[0], &usec)) fail(fmt::format("'{}' is not a timestamp in microseconds", f[0]));
    i = 1;
  }
  if (nf < i + 2) fail(fmt::format("'{}': expected FILE ACTION [OFFSET LENGTH]", line));
  const std::string_view name = f[i], action = f[i + 1];
  const size_t args = nf - i - 2;
  if (action == "add" || action == "open" || action == "close") {
    if (args != 0) fail(fmt::format("'{}': {} takes no offset or length", line, action));
    if (action == "add") {
      bool known = false;
      for (const std::string& s : files_) known |= s == name;
      if (!known) files_.emplace_back(name);
    }
    return false;
  }
  if (action == "wait") {
    if (version_ == 3) fail("'wait' is not part of version 3 (its timestamps say when)");
    uint64_t offset = 0;
    if (args != 2 || !number(f[i + 2], &offset)) fail(fmt::format("'{}': expected FILE wait USEC 0", line));
    wait_ns_ += offset * 1000;
    return false;
  }
  uint8_t op;
  if (action == "read") op = IOP_OP_READ;
  else if (action == "write") op = IOP_OP_WRITE;
  else if (action == "sync") op = IOP_OP_FSYNC;
  else if (action == "datasync") op = IOP_OP_FDATASYNC;
  else if (action == "trim") op = IOP_OP_TRIM;
  else fail(fmt::format("unknown action '{}'; accepted: add, open, close, read, write, sync, datasync, trim{}", action,
                        version_ == 2 ? ", wait" : ""));
  uint64_t offset = 0, len = 0;
  if (args != 2 || !number(f[i + 2], &offset) || !number(f[i + 3], &len)) {
    fail(fmt::format("'{}': expected FILE {} OFFSET LENGTH (bytes)", line, action));
  }
  if (len > UINT32_MAX) fail(fmt::format("length {} is above {} bytes", len, UINT32_MAX));
  uint32_t index = UINT32_MAX;
  for (size_t k = 0; k < files_.size(); ++k) {
    if (files_[k] == name) index = static_cast<uint32_t>(k);
  }
  if (index == UINT32_MAX) fail(fmt::format("file '{}' was never added ('{} add' comes first)", name, name));
  out->time_ns = version_ == 3 ? usec * 1000 : wait_ns_;
  out->offset = offset;
  out->len = op == IOP_OP_FSYNC || op == IOP_OP_FDATASYNC ? 0 : static_cast<uint32_t>(len);
  if (out->len == 0 && (op == IOP_OP_READ || op == IOP_OP_WRITE || op == IOP_OP_TRIM)) {
    fail(fmt::format("a {} of 0 bytes", action));
  }
  if (op == IOP_OP_FSYNC || op == IOP_OP_FDATASYNC) out->offset = 0;
  out->file = index;
  out->worker = 0;
  out->op = op;
  return true;
}

size_t FioIologReader::read(TraceRecord* out, size_t n) {
  size_t got = 0;
  while (got < n) {
    errno = 0;
    const ssize_t len = getline(&line_, &line_cap_, file_);
    if (len < 0) {
      if (errno != 0 && std::ferror(file_)) {
        throw std::system_error(errno, std::generic_category(), fmt::format("reading '{}' after line {}", path_,
                                                                            line_no_));
      }
      break;
    }
    ++line_no_;
    if (parse_line(&out[got])) ++got;
  }
  return got;
}

std::string FioIologReader::position() const { return fmt::format("line {}", line_no_); }

std::string FioIologReader::format() const { return fmt::format("fio iolog v{}", version_); }

}  // namespace iopulse
