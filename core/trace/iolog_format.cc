// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "trace/iolog_format.h"

#include <cstring>
#include <stdexcept>

#include <fmt/format.h>

namespace iopulse {
namespace {

// Fixed part: magic, version, header_bytes, record_bytes, workers, files,
// reserved, start_unix_ns.
constexpr size_t kFixedBytes = 8 + 4 * 6 + 8;
constexpr uint32_t kMaxHeaderBytes = 64u << 20;

void put32(std::string& out, uint32_t v) { out.append(reinterpret_cast<const char*>(&v), 4); }
void put64(std::string& out, uint64_t v) { out.append(reinterpret_cast<const char*>(&v), 8); }

class Cursor {
 public:
  explicit Cursor(const std::string& bytes) : bytes_(bytes) {}
  uint32_t u32() { return take<uint32_t>(); }
  uint64_t u64() { return take<uint64_t>(); }
  std::string text(size_t n) {
    need(n);
    std::string s = bytes_.substr(pos_, n);
    pos_ += n;
    return s;
  }
  void skip(size_t n) {
    need(n);
    pos_ += n;
  }
  size_t pos() const { return pos_; }

 private:
  template <typename T>
  T take() {
    need(sizeof(T));
    T v;
    std::memcpy(&v, bytes_.data() + pos_, sizeof v);
    pos_ += sizeof v;
    return v;
  }
  void need(size_t n) const {
    if (pos_ + n > bytes_.size()) throw std::runtime_error("truncated header");
  }
  const std::string& bytes_;
  size_t pos_ = 0;
};

}  // namespace

std::string IoLogHeader::encode() const {
  std::string files_part;
  for (const IoLogFile& f : files) {
    put64(files_part, f.size);
    put32(files_part, static_cast<uint32_t>(f.path.size()));
    files_part += f.path;
    files_part.append((8 - files_part.size() % 8) % 8, '\0');
  }
  std::string out(kIoLogMagic, sizeof kIoLogMagic);
  put32(out, version);
  put32(out, static_cast<uint32_t>(kFixedBytes + files_part.size()));
  put32(out, record_bytes);
  put32(out, workers);
  put32(out, static_cast<uint32_t>(files.size()));
  put32(out, 0);
  put64(out, start_unix_ns);
  return out + files_part;
}

uint32_t IoLogHeader::needed_bytes(const std::string& prefix) {
  if (prefix.size() < 16 || std::memcmp(prefix.data(), kIoLogMagic, sizeof kIoLogMagic) != 0) {
    throw std::runtime_error("not an IOPulse iolog (no IOPIOLOG magic)");
  }
  uint32_t bytes;
  std::memcpy(&bytes, prefix.data() + 12, 4);
  if (bytes < kFixedBytes || bytes > kMaxHeaderBytes) {
    throw std::runtime_error(fmt::format("corrupt header: header_bytes {} is outside [{}, {}]", bytes, kFixedBytes,
                                         kMaxHeaderBytes));
  }
  return bytes;
}

IoLogHeader IoLogHeader::decode(const std::string& bytes) {
  const uint32_t total = needed_bytes(bytes);
  if (bytes.size() < total) throw std::runtime_error("truncated header");
  Cursor c(bytes);
  c.skip(sizeof kIoLogMagic);
  IoLogHeader h;
  h.version = c.u32();
  if (h.version == 0 || h.version > kIoLogVersion) {
    throw std::runtime_error(fmt::format("version {} is not one this IOPulse reads (1 to {})", h.version,
                                         kIoLogVersion));
  }
  h.header_bytes = c.u32();
  h.record_bytes = c.u32();
  if (h.record_bytes < sizeof(IoLogRecord) || h.record_bytes > 4096) {
    throw std::runtime_error(fmt::format("corrupt header: record_bytes {} (at least {})", h.record_bytes,
                                         sizeof(IoLogRecord)));
  }
  h.workers = c.u32();
  const uint32_t nfiles = c.u32();
  c.u32();
  h.start_unix_ns = c.u64();
  if (h.workers == 0) throw std::runtime_error("corrupt header: 0 workers");
  if (nfiles == 0 || nfiles > (total - kFixedBytes) / 16) {
    throw std::runtime_error(fmt::format("corrupt header: {} files", nfiles));
  }
  for (uint32_t i = 0; i < nfiles; ++i) {
    IoLogFile f;
    f.size = c.u64();
    const uint32_t len = c.u32();
    if (len > total) throw std::runtime_error(fmt::format("corrupt header: file {} has a path of {} bytes", i, len));
    f.path = c.text(len);
    c.skip((8 - (12 + len) % 8) % 8);
    h.files.push_back(std::move(f));
  }
  if (c.pos() != total) {
    throw std::runtime_error(fmt::format("corrupt header: the file table ends at byte {}, header_bytes says {}",
                                         c.pos(), total));
  }
  return h;
}

}  // namespace iopulse
