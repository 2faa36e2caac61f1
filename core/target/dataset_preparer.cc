// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "target/dataset_preparer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <system_error>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "job/mix64.h"
#include "job/usage_error.h"
#include "verify/block_format.h"
#include "verify/dedupe_layout.h"
#include "workload/random_source.h"

namespace iopulse {
namespace {

namespace fs = std::filesystem;

constexpr size_t kFillChunk = 1 << 20;
constexpr const char* kMarkerAttr = "user.iopulse.dataset";

[[noreturn]] void throw_errno(int err, const std::string& what) {
  throw std::system_error(err, std::generic_category(), what);
}

// Thrown inside a fill thread when the preparation must stop (a signal, or
// another file failed); never leaves prepare().
struct StopFilling {};

// What every fill thread of one prepare() shares.
struct FillContext {
  const PreparationOptions& options;
  std::atomic<uint64_t>& progress;              // bytes written by all threads
  const DatasetPreparer::StopRequested& stop;   // may be empty
  std::atomic<bool>& failed;                    // another thread hit an error

  void check_stop() const {
    if (failed.load(std::memory_order_relaxed) || (stop && stop())) throw StopFilling{};
  }
};

// Writes all of [data, data + len) at `off`, or throws naming the path;
// adds what it wrote to `progress` as it goes (a short write before an
// error included: those bytes are on disk).
void write_at(int fd, const std::string& path, const void* data, size_t len, uint64_t off,
              std::atomic<uint64_t>& progress) {
  const auto* p = static_cast<const char*>(data);
  for (size_t done = 0; done < len;) {
    const ssize_t n = pwrite(fd, p + done, len - done, static_cast<off_t>(off + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      throw_errno(errno, fmt::format("writing '{}' at offset {} while preparing it", path, off + done));
    }
    done += static_cast<size_t>(n);
    progress.fetch_add(static_cast<uint64_t>(n), std::memory_order_relaxed);
  }
}

// Writes pseudo-random data over [begin, end) of fd.
// With a content (--compress-percent, --dedupe-percent) the data is that
// content's stream instead.
uint64_t fill_range(int fd, const std::string& path, uint64_t begin, uint64_t end, std::vector<uint64_t>& chunk,
                    RandomSource& rng, BlockContent* content, const FillContext& ctx) {
  uint64_t written = 0;
  for (uint64_t off = begin; off < end;) {
    ctx.check_stop();
    const size_t want = static_cast<size_t>(std::min<uint64_t>(kFillChunk, end - off));
    if (content != nullptr) {
      content->fill(chunk.data(), static_cast<uint32_t>(want));
    } else {
      for (uint64_t& word : chunk) word = rng.next();
    }
    write_at(fd, path, chunk.data(), want, off, ctx.progress);
    off += want;
    written += want;
  }
  return written;
}

// Writes verified blocks over [0, size): generation 0, or with
// --dedupe-percent the working-set block a block's place asks for.
uint64_t fill_verified(int fd, const PlannedFile& file, const FillContext& ctx) {
  const PreparationOptions& o = ctx.options;
  const DedupeLayout dedupe(o.content, o.block_size);
  const uint32_t zero_tail = zero_tail_for(o.block_size, o.content.compress_percent);
  const uint64_t per_chunk = std::max<uint64_t>(1, kFillChunk / o.block_size);
  std::vector<unsigned char> chunk(per_chunk * o.block_size);
  uint64_t written = 0;
  for (uint64_t off = 0; off < file.size;) {
    ctx.check_stop();
    const uint64_t blocks = std::min<uint64_t>(per_chunk, (file.size - off) / o.block_size);
    if (blocks == 0) break;  // a tail shorter than a block is never addressed
    for (uint64_t b = 0; b < blocks; ++b) {
      unsigned char* block = chunk.data() + b * o.block_size;
      const uint64_t at = off + b * o.block_size;
      if (const std::optional<uint64_t> k = dedupe.working_set_block(at)) {
        fill_working_set_block(block, o.block_size, o.seed, *k, zero_tail);
      } else {
        fill_block(block, o.block_size, at, o.seed, 0, zero_tail);
      }
    }
    const size_t want = static_cast<size_t>(blocks * o.block_size);
    write_at(fd, file.path, chunk.data(), want, off, ctx.progress);
    off += want;
    written += want;
  }
  return written;
}

// What the marker adds for data of a requested content: "" for ordinary
// data, else the content's settings (a file of another content is refilled).
std::string content_tag(const PreparationOptions& o, bool verified) {
  const ContentSpec& c = o.content;
  if (verified) {
    std::string tag = c.compress_percent != 0 ? fmt::format(" compress={}", c.compress_percent) : "";
    if (c.dedupe_percent != 0) tag += fmt::format(" dedupe={}/{}", c.dedupe_percent, c.working_set);
    return tag;
  }
  if (c.plain()) return "";
  return fmt::format(" content={}/{}/{}/{}/{}", c.compress_percent, c.dedupe_percent, c.unit, c.working_set, c.seed);
}

// The marker text: how [0, size) of the file was filled.
std::string marker_text(const PreparationOptions& o, uint64_t size) {
  return o.verified && !o.job_writes_unverified
             ? fmt::format("v1 verified seed={} block={} size={}{}", o.seed, o.block_size, size, content_tag(o, true))
             : fmt::format("v1 data size={}{}", size, content_tag(o, false));
}

std::string read_marker(int fd) {
  char buf[256];
  const ssize_t n = fgetxattr(fd, kMarkerAttr, buf, sizeof buf - 1);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
}

// Best effort: not every filesystem has extended attributes, and a file on
// a read-only mount or an immutable one cannot take one.
void set_marker(int fd, const std::string& text) { fsetxattr(fd, kMarkerAttr, text.data(), text.size(), 0); }

// Whether the marker says the file was filled as the job needs.
bool marker_fits(const std::string& marker, const PreparationOptions& o, uint64_t size) {
  if (marker.empty()) return false;
  unsigned long long seed = 0, block = 0, marked = 0;
  // The marker ends with the content tag the job needs (none for ordinary
  // data).
  const auto ends_with_tag = [&](bool verified) {
    const std::string tag = content_tag(o, verified);
    const size_t space = marker.find(' ', marker.find("size="));
    return (space == std::string::npos ? std::string() : marker.substr(space)) == tag;
  };
  if (std::sscanf(marker.c_str(), "v1 verified seed=%llu block=%llu size=%llu", &seed, &block, &marked) == 3) {
    return marked >= size &&
           (!o.verified ? o.content.plain() : seed == o.seed && block == o.block_size && ends_with_tag(true));
  }
  if (std::sscanf(marker.c_str(), "v1 data size=%llu", &marked) == 1) {
    return !o.verified && marked >= size && ends_with_tag(false);
  }
  return false;
}

bool marker_is_verified(const std::string& marker) { return marker.starts_with("v1 verified"); }

// Bytes of [0, size) of `fd` that hold no data: holes (SEEK_HOLE) and the
// part past the end of the file.
uint64_t unwritten_bytes(int fd, const std::string& path, uint64_t size) {
  uint64_t missing = 0;
  for (uint64_t pos = 0; pos < size;) {
    off_t hole = lseek(fd, static_cast<off_t>(pos), SEEK_HOLE);
    if (hole < 0) {
      if (errno != ENXIO) throw_errno(errno, fmt::format("seeking in '{}'", path));
      hole = static_cast<off_t>(pos);  // pos is at or past the end of the file
    }
    if (static_cast<uint64_t>(hole) >= size) break;
    const off_t data = lseek(fd, hole, SEEK_DATA);
    if (data < 0 && errno != ENXIO) throw_errno(errno, fmt::format("seeking in '{}'", path));
    const uint64_t hole_end = data < 0 ? size : std::min<uint64_t>(static_cast<uint64_t>(data), size);
    missing += hole_end - static_cast<uint64_t>(hole);
    pos = hole_end;
  }
  return missing;
}

// What an existing file holds, looked at read-only.
struct FileState {
  bool exists = false;
  std::string marker;
  uint64_t unwritten = 0;  // bytes of [0, size) without data
  bool fits = false;       // holds what the job needs: marker fits and no byte is missing
};

FileState look_at(const PlannedFile& file, const PreparationOptions& o) {
  FileState s;
  const int fd = open(file.path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) {
      s.unwritten = file.size;
      return s;
    }
    throw_errno(errno, fmt::format("opening '{}' to prepare it", file.path));
  }
  s.exists = true;
  try {
    s.marker = read_marker(fd);
    s.unwritten = unwritten_bytes(fd, file.path, file.size);
  } catch (...) {
    close(fd);
    throw;
  }
  close(fd);
  s.fits = !o.force_recreate && s.unwritten == 0 && marker_fits(s.marker, o, file.size);
  return s;
}

// Whether the file is written whole again: asked to be, or holding other
// data than the verified blocks or the content the job needs.
bool refills(const FileState& state, const PreparationOptions& o) {
  return o.force_recreate || ((o.verified || !o.content.plain()) && !state.fits);
}

// Whether prepare_file() writes data into the file: creates it, fills its
// holes or short end, or refills it.  (Setting the marker of a complete
// file writes no data.)
bool writes_data(const FileState& state, const PreparationOptions& o) {
  return !state.exists || state.unwritten != 0 || refills(state, o);
}

// Prepares one file.  A complete file is only opened read-only.
// `*created` is set when it creates the file.
void prepare_file(const PlannedFile& file, const FillContext& ctx, std::optional<CreatedFile>* created) {
  const PreparationOptions& o = ctx.options;
  const FileState state = look_at(file, o);
  if (!writes_data(state, o)) {
    // Nothing to write.  The marker follows what the job will do to the data.
    const bool stale = !state.fits || (o.job_writes_unverified && marker_is_verified(state.marker));
    if (stale) {
      const int fd = open(file.path.c_str(), O_RDONLY | O_CLOEXEC);
      if (fd >= 0) {
        set_marker(fd, marker_text(PreparationOptions{}, file.size));
        close(fd);
      }
    }
    return;
  }

  int fd = -1;
  if (!state.exists) {
    const fs::path parent = fs::path(file.path).parent_path();
    if (!parent.empty()) {
      std::error_code ec;
      fs::create_directories(parent, ec);
      if (ec) throw std::system_error(ec, fmt::format("creating directory '{}'", parent.string()));
    }
    fd = open(file.path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd >= 0) *created = CreatedFile::of(fd, file.path);
  } else {
    fd = open(file.path.c_str(), O_RDWR | O_CLOEXEC);
  }
  if (fd < 0) throw_errno(errno, fmt::format("opening '{}' to prepare it", file.path));

  try {
    // From here until the data is synced the file is not what any marker
    // says.
    if (fremovexattr(fd, kMarkerAttr) != 0 && errno != ENODATA && errno != ENOTSUP) {
      throw_errno(errno, fmt::format("removing the dataset marker of '{}'", file.path));
    }
    if (o.preallocate && fallocate(fd, 0, 0, static_cast<off_t>(file.size)) != 0 && errno != EOPNOTSUPP) {
      throw_errno(errno, fmt::format("preallocating '{}'", file.path));
    }
    std::vector<uint64_t> chunk(kFillChunk / sizeof(uint64_t));
    // Plain data: a stream per file and per seed (the job's --seed), as
    // the content below and the workers' writes are.
    RandomSource rng(mix64(std::hash<std::string>{}(file.path) ^ mix64(o.content.seed + kMix64Golden)));
    std::unique_ptr<BlockContent> content;
    if (!o.content.plain()) {
      content = std::make_unique<BlockContent>(o.content, std::hash<std::string>{}(file.path), kFillChunk);
    }
    if (o.verified) {
      fill_verified(fd, file, ctx);
    } else if (o.force_recreate || content) {
      fill_range(fd, file.path, 0, file.size, chunk, rng, content.get(), ctx);
    } else {
      // Walk the data/hole map of [0, size): SEEK_HOLE from a data offset
      // finds where the data ends; SEEK_DATA from a hole where it resumes.
      for (uint64_t pos = 0; pos < file.size;) {
        off_t hole = lseek(fd, static_cast<off_t>(pos), SEEK_HOLE);
        if (hole < 0) {
          if (errno != ENXIO) throw_errno(errno, fmt::format("seeking in '{}'", file.path));
          hole = static_cast<off_t>(pos);
        }
        if (static_cast<uint64_t>(hole) >= file.size) break;
        const off_t data = lseek(fd, hole, SEEK_DATA);
        if (data < 0 && errno != ENXIO) throw_errno(errno, fmt::format("seeking in '{}'", file.path));
        const uint64_t hole_end = data < 0 ? file.size : std::min<uint64_t>(static_cast<uint64_t>(data), file.size);
        fill_range(fd, file.path, static_cast<uint64_t>(hole), hole_end, chunk, rng, nullptr, ctx);
        pos = hole_end;
      }
    }
    if (fdatasync(fd) != 0) throw_errno(errno, fmt::format("syncing '{}' after preparing it", file.path));
    set_marker(fd, marker_text(o, file.size));
  } catch (...) {
    close(fd);
    throw;
  }
  if (close(fd) != 0) throw_errno(errno, fmt::format("closing '{}' after preparing it", file.path));
}

// The nearest existing directory of `path` (the file's own when it exists).
fs::path existing_ancestor(const fs::path& path) {
  std::error_code ec;
  fs::path p = fs::absolute(path, ec);
  while (!p.empty() && !fs::exists(p, ec)) {
    if (p == p.parent_path()) break;
    p = p.parent_path();
  }
  return p;
}

uint64_t saturating_add(uint64_t a, uint64_t b) { return a > UINT64_MAX - b ? UINT64_MAX : a + b; }

}  // namespace

void DatasetPreparer::check_not_backing_a_loop(
    const std::vector<std::pair<const TargetLayout*, PreparationOptions>>& sets, const LoopBackingFiles& loops) {
  for (const auto& [layout, options] : sets) {
    for (const PlannedFile& file : layout->files) {
      if (file.is_device()) continue;
      const std::string use = loops.use_of(file.path);
      if (use.empty()) continue;
      FileState state;
      try {
        state = look_at(file, options);
      } catch (const std::system_error& e) {
        throw UsageError(e.what());
      }
      if (!writes_data(state, options)) continue;
      throw UsageError(fmt::format("target '{}': {}, and preparing it ({}) would destroy what is there; add "
                                   "--allow-mounted-writes as well as --allow-device-writes to do it anyway",
                                   file.path, use,
                                   refills(state, options) ? "writing it whole with the job's data"
                                                           : "filling its holes or short end"));
    }
  }
}

uint64_t DatasetPreparer::check_space(const TargetLayout& layout) const {
  return check_space({{&layout, options_}});
}

uint64_t DatasetPreparer::check_space(const std::vector<std::pair<const TargetLayout*, PreparationOptions>>& sets) {
  struct FileSystemNeed {
    std::string where;   // a path on it, for the message
    uint64_t needed = 0;
    uint64_t available = 0;
    bool known = false;  // statvfs says how big the file system is
  };
  std::map<dev_t, FileSystemNeed> needs;
  uint64_t total = 0;
  for (const auto& [layout, options] : sets) {
  for (const PlannedFile& file : layout->files) {
    if (file.is_device() || !file.prepared_here) continue;
    FileState state;
    try {
      state = look_at(file, options);
    } catch (const std::system_error& e) {
      throw UsageError(e.what());
    }
    // Data already there is overwritten in place; only what is missing
    // takes space.
    const uint64_t missing = state.fits ? 0 : state.unwritten;
    total = saturating_add(total, missing);
    if (missing == 0) continue;
    const fs::path on = existing_ancestor(file.path);
    struct stat st;
    struct statvfs vfs;
    if (on.empty() || stat(on.c_str(), &st) != 0) continue;
    FileSystemNeed& need = needs[st.st_dev];
    if (need.where.empty()) {
      need.where = on.string();
      if (statvfs(on.c_str(), &vfs) == 0 && vfs.f_blocks != 0) {
        need.known = true;
        need.available = static_cast<uint64_t>(vfs.f_bavail) * vfs.f_frsize;
      }
    }
    need.needed = saturating_add(need.needed, missing);
  }
  }
  for (const auto& [dev, need] : needs) {
    if (need.known && need.needed > need.available) {
      throw UsageError(fmt::format(
          "--file-size: preparing the files needs {} bytes of data written on the file system holding '{}', "
          "which has {} bytes free; accepted: a smaller --file-size or fewer files, or more free space",
          need.needed, need.where, need.available));
    }
  }
  return total;
}

PreparationSummary DatasetPreparer::prepare(const TargetLayout& layout, const Progress& progress,
                                            const StopRequested& stop) const {
  const auto start = std::chrono::steady_clock::now();
  std::atomic<uint64_t> written{0};
  PreparationSummary summary;
  for (const PlannedFile& f : layout.files) {
    summary.bytes_planned += f.is_device() || !f.prepared_here ? 0 : f.size;
  }
  std::atomic<size_t> next{0};
  std::atomic<bool> failed{false};
  std::atomic<bool> stopped{false};
  std::mutex mu;  // guards summary
  const FillContext ctx{options_, written, stop, failed};

  auto work = [&] {
    for (size_t i = next.fetch_add(1); i < layout.files.size(); i = next.fetch_add(1)) {
      const PlannedFile& file = layout.files[i];
      if (file.is_device() || !file.prepared_here) continue;
      // (A file created and then left half-filled by a failure or a stop
      // is still one this run created.)
      std::optional<CreatedFile> created;
      const auto record_created = [&] {
        std::lock_guard<std::mutex> lock(mu);
        if (created) {
          ++summary.files_created;
          summary.created.push_back(*created);
        }
      };
      try {
        ctx.check_stop();
        prepare_file(file, ctx, &created);
        record_created();
      } catch (const StopFilling&) {
        record_created();
        if (!failed.load()) stopped.store(true);
        return;
      } catch (const std::exception& e) {
        record_created();
        std::lock_guard<std::mutex> lock(mu);
        if (summary.error.empty()) {
          summary.error = e.what();
          // (The preparer's failures are system_errors of errno values.)
          if (const auto* failure = dynamic_cast<const std::system_error*>(&e)) summary.error_code = failure->code().value();
        }
        failed.store(true);
        return;
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
      progress(written.load(std::memory_order_relaxed), summary.bytes_planned,
               static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(elapsed).count()));
    }
  }
  for (auto& t : threads) t.join();

  summary.bytes_written = written.load();
  summary.interrupted = stopped.load() && summary.error.empty();
  summary.elapsed_ns = static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - start).count());
  return summary;
}

}  // namespace iopulse
