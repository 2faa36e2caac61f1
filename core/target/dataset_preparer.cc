// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "target/dataset_preparer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <filesystem>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include <sys/xattr.h>

#include <cstdio>

#include "verify/block_format.h"
#include "workload/random_source.h"

namespace iopulse {
namespace {

constexpr size_t kFillChunk = 1 << 20;

[[noreturn]] void throw_errno(int err, const std::string& what) {
  throw std::system_error(err, std::generic_category(), what);
}

// Writes pseudo-random data over [begin, end) of fd.
// `progress` counts the bytes written by every fill thread of a prepare().
uint64_t fill_range(int fd, const std::string& path, uint64_t begin, uint64_t end,
                    std::vector<uint64_t>& chunk, RandomSource& rng, std::atomic<uint64_t>& progress) {
  uint64_t written = 0;
  for (uint64_t off = begin; off < end;) {
    for (uint64_t& word : chunk) word = rng.next();
    const size_t want = static_cast<size_t>(std::min<uint64_t>(kFillChunk, end - off));
    const auto* p = reinterpret_cast<const char*>(chunk.data());
    size_t done = 0;
    while (done < want) {
      const ssize_t n = pwrite(fd, p + done, want - done, static_cast<off_t>(off + done));
      if (n < 0) {
        if (errno == EINTR) continue;
        throw_errno(errno, fmt::format("writing '{}' at offset {} while preparing it", path, off + done));
      }
      done += static_cast<size_t>(n);
    }
    off += want;
    written += want;
    progress.fetch_add(want, std::memory_order_relaxed);
  }
  return written;
}

constexpr const char* kMarkerAttr = "user.iopulse.dataset";

// The marker text: how [0, size) of the file was filled.
std::string marker_text(const PreparationOptions& o, uint64_t size) {
  return o.verified ? fmt::format("v1 verified seed={} block={} size={}", o.seed, o.block_size, size)
                    : fmt::format("v1 data size={}", size);
}

std::string read_marker(int fd) {
  char buf[256];
  const ssize_t n = fgetxattr(fd, kMarkerAttr, buf, sizeof buf - 1);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
}

// Whether the marker says the file already holds what the job needs.
bool marker_fits(const std::string& marker, const PreparationOptions& o, uint64_t size) {
  if (marker.empty()) return false;
  uint64_t seed = 0, block = 0, marked = 0;
  if (std::sscanf(marker.c_str(), "v1 verified seed=%lu block=%lu size=%lu", &seed, &block, &marked) == 3) {
    return marked >= size && (!o.verified || (seed == o.seed && block == o.block_size));
  }
  if (std::sscanf(marker.c_str(), "v1 data size=%lu", &marked) == 1) return !o.verified && marked >= size;
  return false;
}

// Writes verified blocks over [0, size).
uint64_t fill_verified(int fd, const PlannedFile& file, const PreparationOptions& o,
                       std::atomic<uint64_t>& progress) {
  const uint64_t per_chunk = std::max<uint64_t>(1, kFillChunk / o.block_size);
  std::vector<unsigned char> chunk(per_chunk * o.block_size);
  uint64_t written = 0;
  for (uint64_t off = 0; off < file.size;) {
    const uint64_t blocks = std::min<uint64_t>(per_chunk, (file.size - off) / o.block_size);
    if (blocks == 0) break;  // a tail shorter than a block is never addressed
    for (uint64_t b = 0; b < blocks; ++b) {
      fill_block(chunk.data() + b * o.block_size, o.block_size, off + b * o.block_size, o.seed, 0);
    }
    const size_t want = static_cast<size_t>(blocks * o.block_size);
    for (size_t done = 0; done < want;) {
      const ssize_t n = pwrite(fd, chunk.data() + done, want - done, static_cast<off_t>(off + done));
      if (n < 0) {
        if (errno == EINTR) continue;
        throw_errno(errno, fmt::format("writing '{}' at offset {} while preparing it", file.path, off + done));
      }
      done += static_cast<size_t>(n);
    }
    off += want;
    written += want;
    progress.fetch_add(want, std::memory_order_relaxed);
  }
  return written;
}

// Fills every hole of [0, size) and returns the bytes written.
uint64_t prepare_file(const PlannedFile& file, const PreparationOptions& options, bool* created,
                      std::atomic<uint64_t>& progress) {
  namespace fs = std::filesystem;
  *created = false;
  const fs::path parent = fs::path(file.path).parent_path();
  if (!parent.empty()) {
    std::error_code ec;
    fs::create_directories(parent, ec);
    if (ec) throw std::system_error(ec, fmt::format("creating directory '{}'", parent.string()));
  }
  int fd = open(file.path.c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0 && errno == ENOENT) {
    fd = open(file.path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    *created = fd >= 0;
  }
  if (fd < 0) throw_errno(errno, fmt::format("opening '{}' to prepare it", file.path));

  std::vector<uint64_t> chunk(kFillChunk / sizeof(uint64_t));
  RandomSource rng(std::hash<std::string>{}(file.path) ^ 0x9e3779b97f4a7c15ULL);
  uint64_t written = 0;
  try {
    if (options.preallocate && fallocate(fd, 0, 0, static_cast<off_t>(file.size)) != 0 && errno != EOPNOTSUPP) {
      throw_errno(errno, fmt::format("preallocating '{}'", file.path));
    }
    const std::string marker = read_marker(fd);
    const bool fits = !options.force_recreate && marker_fits(marker, options, file.size);
    if (options.verified && !fits) {
      written = fill_verified(fd, file, options, progress);
      if (fdatasync(fd) != 0) throw_errno(errno, fmt::format("syncing '{}'", file.path));
      fsetxattr(fd, kMarkerAttr, marker_text(options, file.size).data(), marker_text(options, file.size).size(), 0);
      close(fd);
      return written;
    }
    if (options.force_recreate) written += fill_range(fd, file.path, 0, file.size, chunk, rng, progress);
    // Walk the data/hole map of [0, size): SEEK_HOLE from a data offset
    // finds where the data ends; SEEK_DATA from a hole where it resumes.
    uint64_t pos = 0;
    while (!options.force_recreate && !fits && pos < file.size) {
      off_t hole = lseek(fd, static_cast<off_t>(pos), SEEK_HOLE);
      if (hole < 0) {
        if (errno != ENXIO) throw_errno(errno, fmt::format("seeking in '{}'", file.path));
        hole = static_cast<off_t>(pos);  // pos is at or past the end of the file
      }
      if (static_cast<uint64_t>(hole) >= file.size) break;
      off_t data = lseek(fd, hole, SEEK_DATA);
      uint64_t hole_end = data < 0 ? file.size : std::min<uint64_t>(static_cast<uint64_t>(data), file.size);
      if (data < 0 && errno != ENXIO) throw_errno(errno, fmt::format("seeking in '{}'", file.path));
      written += fill_range(fd, file.path, static_cast<uint64_t>(hole), hole_end, chunk, rng, progress);
      pos = hole_end;
    }
    if (written > 0 && fdatasync(fd) != 0) throw_errno(errno, fmt::format("syncing '{}'", file.path));
    // The job's own unverified writes would make a verified marker a lie.
    if (options.job_writes_unverified || !fits) {
      const std::string text = marker_text(PreparationOptions{}, file.size);
      fsetxattr(fd, kMarkerAttr, text.data(), text.size(), 0);  // best effort: not every filesystem has xattrs
    }
  } catch (...) {
    close(fd);
    throw;
  }
  close(fd);
  return written;
}

}  // namespace

PreparationSummary DatasetPreparer::prepare(const TargetLayout& layout, const Progress& progress) const {
  const auto start = std::chrono::steady_clock::now();
  std::atomic<uint64_t> written{0};
  uint64_t at_most = 0;
  for (const PlannedFile& f : layout.files) at_most += f.block_device || !f.prepared_here ? 0 : f.size;
  PreparationSummary summary;
  std::atomic<size_t> next{0};
  std::mutex mu;  // guards summary and first_error
  std::exception_ptr first_error;

  auto work = [&] {
    for (size_t i = next.fetch_add(1); i < layout.files.size(); i = next.fetch_add(1)) {
      const PlannedFile& file = layout.files[i];
      if (file.block_device || !file.prepared_here) continue;
      try {
        bool created = false;
        const uint64_t bytes = prepare_file(file, options_, &created, written);
        std::lock_guard<std::mutex> lock(mu);
        summary.bytes_written += bytes;
        summary.files_created += created ? 1 : 0;
      } catch (...) {
        std::lock_guard<std::mutex> lock(mu);
        if (!first_error) first_error = std::current_exception();
      }
    }
  };
  const size_t nthreads = std::max<size_t>(1, std::min<size_t>(options_.parallelism, layout.files.size()));
  std::atomic<size_t> running{nthreads};
  std::vector<std::thread> threads;
  for (size_t t = 0; t < nthreads; ++t) {
    threads.emplace_back([&] {
      work();
      running.fetch_sub(1);
    });
  }
  auto last_report = std::chrono::steady_clock::duration::zero();
  while (running.load() != 0) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    const auto elapsed = std::chrono::steady_clock::now() - start;
    if (progress && elapsed - last_report >= std::chrono::milliseconds(250)) {
      last_report = elapsed;
      progress(written.load(std::memory_order_relaxed), at_most,
               static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(elapsed).count()));
    }
  }
  for (auto& t : threads) t.join();

  if (first_error) std::rethrow_exception(first_error);
  summary.elapsed_ns = static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - start)
          .count());
  return summary;
}

}  // namespace iopulse
