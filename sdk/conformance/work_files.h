/* SPDX-License-Identifier: MIT
 * SPDX-FileCopyrightText: 2026 The IOPulse authors */
// work_files.h -- the files and buffers the checks do IO with.
//
// Every file lives in the run's private work directory under a name unique
// to the process that made it.  Contents follow a pattern: the byte at file
// offset o for generation `seed` is a function of both, so data written to
// the wrong place, or left over from an earlier generation, never passes for
// the right data.
#ifndef IOPULSE_CONFORMANCE_WORK_FILES_H
#define IOPULSE_CONFORMANCE_WORK_FILES_H

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "check.h"

namespace iopcheck {

// Fills buf with the pattern of `seed` for the bytes at [offset, offset+len).
void fill_pattern(void* buf, size_t len, uint64_t offset, uint64_t seed);

// Index of the first byte of buf that differs from the pattern, or -1.
int64_t find_mismatch(const void* buf, size_t len, uint64_t offset, uint64_t seed);

// A path in the work directory no other file of this run uses.
std::string unique_path(const Target& t, const char* stem);

// Creates a new file of `size` bytes filled with the pattern of `seed`
// (written through an ordinary buffered descriptor) and returns its path.
// Fails the check when it cannot.
std::string create_pattern_file(const Target& t, const char* stem, uint64_t size, uint64_t seed);

// Reads [offset, offset+len) of `path` through a buffered descriptor of the
// checker's own and fails the check with `what` when it is not the pattern
// of `seed`.
void expect_file_pattern(const std::string& path, uint64_t offset, uint64_t len, uint64_t seed,
                         const char* what);

// Pages of [offset, offset+len) of `path` in the page cache, as mincore(2)
// on a mapping of the checker's own sees them; fails the check when the
// file cannot be mapped.
uint64_t resident_pages(const std::string& path, uint64_t offset, uint64_t len);

// Drops the page cache of `path` through a descriptor of the checker's own
// (fdatasync, then posix_fadvise POSIX_FADV_DONTNEED), again until mincore(2)
// sees none of the file's pages: one DONTNEED can leave a page another task
// still held (up to 100 tries, 10 ms apart; then the check fails).
void drop_page_cache(const std::string& path);

// A heap block aligned for any IO of the run (O_DIRECT included).
class AlignedBuffer {
 public:
  AlignedBuffer(size_t size, size_t align);
  char* data() const { return data_.get(); }
  size_t size() const { return size_; }

 private:
  struct Free {
    void operator()(char* p) const;
  };
  std::unique_ptr<char, Free> data_;
  size_t size_;
};

}  // namespace iopcheck

#endif  // IOPULSE_CONFORMANCE_WORK_FILES_H
