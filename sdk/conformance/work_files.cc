// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "work_files.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace iopcheck {
namespace {

uint64_t mix(uint64_t x) {  // splitmix64's finaliser
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ull;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebull;
  x ^= x >> 31;
  return x;
}

unsigned char pattern_byte(uint64_t offset, uint64_t seed) {
  const uint64_t word = mix((offset >> 3) * 0x9e3779b97f4a7c15ull ^ mix(seed + 1));
  return static_cast<unsigned char>(word >> ((offset & 7) * 8));
}

}  // namespace

void fill_pattern(void* buf, size_t len, uint64_t offset, uint64_t seed) {
  auto* p = static_cast<unsigned char*>(buf);
  for (size_t i = 0; i < len; ++i) p[i] = pattern_byte(offset + i, seed);
}

int64_t find_mismatch(const void* buf, size_t len, uint64_t offset, uint64_t seed) {
  const auto* p = static_cast<const unsigned char*>(buf);
  for (size_t i = 0; i < len; ++i) {
    if (p[i] != pattern_byte(offset + i, seed)) return static_cast<int64_t>(i);
  }
  return -1;
}

std::string unique_path(const Target& t, const char* stem) {
  static unsigned counter = 0;
  return strf("%s/%s.%d.%u", t.work_dir.c_str(), stem, static_cast<int>(getpid()), ++counter);
}

std::string create_pattern_file(const Target& t, const char* stem, uint64_t size, uint64_t seed) {
  const std::string path = unique_path(t, stem);
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) fail(strf("checker: creating %s: %s", path.c_str(), std::strerror(errno)));
  std::vector<char> chunk(1 << 16);
  for (uint64_t off = 0; off < size;) {
    const size_t n = static_cast<size_t>(std::min<uint64_t>(chunk.size(), size - off));
    fill_pattern(chunk.data(), n, off, seed);
    const ssize_t w = pwrite(fd, chunk.data(), n, static_cast<off_t>(off));
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) {
      const int e = errno;
      close(fd);
      fail(strf("checker: writing %s: %s", path.c_str(), std::strerror(e)));
    }
    off += static_cast<uint64_t>(w);
  }
  close(fd);
  return path;
}

void expect_file_pattern(const std::string& path, uint64_t offset, uint64_t len, uint64_t seed,
                         const char* what) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) fail(strf("checker: opening %s: %s", path.c_str(), std::strerror(errno)));
  std::vector<char> buf(static_cast<size_t>(len));
  size_t done = 0;
  while (done < len) {
    const ssize_t r = pread(fd, buf.data() + done, len - done, static_cast<off_t>(offset + done));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    done += static_cast<size_t>(r);
  }
  close(fd);
  if (done < len) {
    fail(strf("%s: the file holds only %zu of the %llu bytes at offset %llu", what, done,
              static_cast<unsigned long long>(len), static_cast<unsigned long long>(offset)));
  }
  const int64_t bad = find_mismatch(buf.data(), buf.size(), offset, seed);
  if (bad >= 0) {
    fail(strf("%s: the file differs from what was written at offset %llu (read back with "
              "pread, outside the engine)",
              what, static_cast<unsigned long long>(offset + static_cast<uint64_t>(bad))));
  }
}

void AlignedBuffer::Free::operator()(char* p) const { std::free(p); }

AlignedBuffer::AlignedBuffer(size_t size, size_t align) : size_(size) {
  const size_t rounded = (size + align - 1) / align * align;
  data_.reset(static_cast<char*>(std::aligned_alloc(align, rounded == 0 ? align : rounded)));
  if (!data_) fail(strf("checker: out of memory for a %zu-byte buffer", size));
  std::memset(data_.get(), 0, rounded == 0 ? align : rounded);
}

uint64_t resident_pages(const std::string& path, uint64_t offset, uint64_t len) {
  const long page = sysconf(_SC_PAGESIZE);
  const uint64_t first = offset / static_cast<uint64_t>(page) * static_cast<uint64_t>(page);
  const uint64_t span = offset + len - first;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) fail(strf("checker: opening %s: %s", path.c_str(), std::strerror(errno)));
  void* p = ::mmap(nullptr, span, PROT_READ, MAP_SHARED, fd, static_cast<off_t>(first));
  ::close(fd);
  if (p == MAP_FAILED) fail(strf("checker: mmap of %s: %s", path.c_str(), std::strerror(errno)));
  std::vector<unsigned char> vec((span + static_cast<uint64_t>(page) - 1) / static_cast<uint64_t>(page));
  const int rc = ::mincore(p, span, vec.data());
  const int err = errno;
  ::munmap(p, span);
  if (rc != 0) fail(strf("checker: mincore of %s: %s", path.c_str(), std::strerror(err)));
  uint64_t n = 0;
  for (unsigned char v : vec) n += v & 1u;
  return n;
}

void drop_page_cache(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) fail(strf("checker: opening %s: %s", path.c_str(), std::strerror(errno)));
  struct stat st {};
  const bool sized = ::fstat(fd, &st) == 0;
  ::fdatasync(fd);
  uint64_t left = 0;
  for (int attempt = 0; attempt < 100; ++attempt) {
    const int rc = ::posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
    if (rc != 0) {
      ::close(fd);
      fail(strf("checker: posix_fadvise(DONTNEED) on %s: %s", path.c_str(), std::strerror(rc)));
    }
    left = (!sized || st.st_size == 0) ? 0 : resident_pages(path, 0, static_cast<uint64_t>(st.st_size));
    if (left == 0) break;
    ::usleep(10'000);
  }
  ::close(fd);
  if (left != 0) {
    fail(strf("checker: %llu pages of %s stayed in the page cache after 100 POSIX_FADV_DONTNEED",
              static_cast<unsigned long long>(left), path.c_str()));
  }
}

}  // namespace iopcheck
