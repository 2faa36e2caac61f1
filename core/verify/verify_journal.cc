// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "verify/verify_journal.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

#include <fmt/format.h>
#include <xxhash.h>

#include "job/usage_error.h"

namespace iopulse {
namespace {

static_assert(std::endian::native == std::endian::little, "the journal is written in host order: little-endian hosts");

constexpr char kMagic[8] = {'I', 'O', 'P', 'J', 'R', 'N', 'L', '1'};
constexpr uint32_t kVersion = 1;
constexpr size_t kDescriptionAt = 56;
constexpr size_t kChecksumAt = VerifyJournal::kPageSize - 8;
static_assert(VerifyJournal::kEntriesPerPage * 8 == kChecksumAt);

uint64_t load64(const unsigned char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}
uint32_t load32(const unsigned char* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}
void store64(unsigned char* p, uint64_t v) { std::memcpy(p, &v, 8); }
void store32(unsigned char* p, uint32_t v) { std::memcpy(p, &v, 4); }

std::system_error io_error(int err, const std::string& what) {
  return std::system_error(err, std::generic_category(), what);
}

void write_all(int fd, const unsigned char* p, size_t n, uint64_t at, const std::string& path) {
  while (n > 0) {
    const ssize_t w = pwrite(fd, p, n, static_cast<off_t>(at));
    if (w < 0) {
      if (errno == EINTR) continue;
      throw io_error(errno, fmt::format("writing the verify journal '{}'", path));
    }
    p += w;
    n -= static_cast<size_t>(w);
    at += static_cast<uint64_t>(w);
  }
}

}  // namespace

std::string JournalIdentity::text() const {
  std::string t = fmt::format("iopulse verify journal v1\nseed {}\nblock {}\n", seed, block_size);
  if (!content.empty()) t += fmt::format("content {}\n", content);
  for (const File& f : files) t += fmt::format("file {} {}\n", f.size, f.path);
  return t;
}

std::unique_ptr<VerifyJournal> VerifyJournal::load(const std::string& path, JournalIdentity identity,
                                                   Access access) {
  std::unique_ptr<VerifyJournal> j(new VerifyJournal());
  j->path_ = path;
  for (JournalIdentity::File& f : identity.files) {
    f.path = std::filesystem::weakly_canonical(std::filesystem::absolute(f.path)).string();
  }
  j->identity_ = std::move(identity);
  j->identity_text_ = j->identity_.text();
  j->key_ = XXH3_64bits(j->identity_text_.data(), j->identity_text_.size());
  uint64_t units = 0;
  for (const JournalIdentity::File& f : j->identity_.files) {
    j->file_base_.push_back(units);
    units += f.size / j->identity_.block_size;
  }
  j->units_ = units;
  j->pages_ = (units + kEntriesPerPage - 1) / kEntriesPerPage;
  j->entries_.assign(j->pages_ * kEntriesPerPage, 0);

  const std::string label = fmt::format("--verify-journal: '{}'", path);
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT && access == Access::kWrite) {
      // begin_epoch() creates PATH.tmp beside it and renames it.
      const std::filesystem::path dir = std::filesystem::absolute(path).parent_path();
      struct stat ds {};
      int why = 0;
      if (stat(dir.c_str(), &ds) != 0) {
        why = errno;
      } else if (!S_ISDIR(ds.st_mode)) {
        why = ENOTDIR;
      } else if (::access(dir.c_str(), W_OK | X_OK) != 0) {
        why = errno;
      }
      if (why != 0) {
        throw UsageError(fmt::format("{} cannot be created in '{}': {}; accepted: a path in an existing, writable "
                                     "directory", label, dir.string(), std::strerror(why)));
      }
      if (::access((path + ".tmp").c_str(), F_OK) == 0) {
        throw UsageError(fmt::format("{}: '{}.tmp' exists (a journal being created when a run stopped); accepted: "
                                     "remove it to start a new journal", label, path));
      }
      return j;
    }
    if (errno == ENOENT) {
      throw UsageError(fmt::format("{} does not exist; a job that only reads needs the journal an earlier --verify "
                                   "run wrote", label));
    }
    throw UsageError(fmt::format("{}: {}", label, std::strerror(errno)));
  }
  struct Closer {
    int fd;
    ~Closer() { close(fd); }
  } closer{fd};
  struct stat st {};
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    throw UsageError(fmt::format("{} is not a regular file", label));
  }
  if (access == Access::kWrite && ::access(path.c_str(), W_OK) != 0) {
    throw UsageError(fmt::format("{} cannot be written ({}) and the job writes verified blocks; accepted: a writable "
                                 "journal", label, std::strerror(errno)));
  }
  std::vector<unsigned char> page(kPageSize);
  auto read_page = [&](uint64_t index) {
    size_t done = 0;
    while (done < kPageSize) {
      const ssize_t r = pread(fd, page.data() + done, kPageSize - done, static_cast<off_t>(index * kPageSize + done));
      if (r < 0 && errno == EINTR) continue;
      if (r < 0) throw UsageError(fmt::format("{}: reading page {}: {}", label, index, std::strerror(errno)));
      if (r == 0) return false;
      done += static_cast<size_t>(r);
    }
    return true;
  };
  if (!read_page(0)) {
    throw UsageError(fmt::format("{} is truncated: {} bytes, less than its {}-byte header", label, st.st_size,
                                 kPageSize));
  }
  if (std::memcmp(page.data(), kMagic, sizeof kMagic) != 0) {
    throw UsageError(fmt::format("{} is not an IOPulse verify journal (no \"IOPJRNL1\" header)", label));
  }
  if (const uint32_t v = load32(page.data() + 8); v != kVersion || load32(page.data() + 12) != kPageSize) {
    throw UsageError(fmt::format("{}: journal version {} with {}-byte pages; accepted: version {} with {}-byte pages",
                                 label, v, load32(page.data() + 12), kVersion, kPageSize));
  }
  if (XXH3_64bits(page.data(), kChecksumAt) != load64(page.data() + kChecksumAt)) {
    throw UsageError(fmt::format("{} is corrupt: the header checksum does not match", label));
  }
  const uint64_t seed = load64(page.data() + 24);
  const uint32_t block = load32(page.data() + 32);
  if (seed != j->identity_.seed) {
    throw UsageError(fmt::format("{} belongs to a job with --seed {}; this job has --seed {}", label, seed,
                                 j->identity_.seed));
  }
  if (block != j->identity_.block_size) {
    throw UsageError(fmt::format("{} belongs to a job with --block-size {}; this job has --block-size {}", label,
                                 block, j->identity_.block_size));
  }
  if (load64(page.data() + 16) != j->key_ || load64(page.data() + 40) != j->units_) {
    const char* desc = reinterpret_cast<const char*>(page.data() + kDescriptionAt);
    std::string files(desc, strnlen(desc, kChecksumAt - kDescriptionAt));
    std::replace(files.begin(), files.end(), '\n', ';');
    throw UsageError(fmt::format("{} belongs to another dataset ({}); this job's is ({})", label, files,
                                 [&] {
                                   std::string t = j->identity_text_;
                                   std::replace(t.begin(), t.end(), '\n', ';');
                                   return t;
                                 }()));
  }
  const uint64_t want = kPageSize * (1 + j->pages_);
  if (static_cast<uint64_t>(st.st_size) != want) {
    throw UsageError(fmt::format("{} is {}: {} bytes where its header implies {}", label,
                                 static_cast<uint64_t>(st.st_size) < want ? "truncated" : "corrupt (too long)",
                                 st.st_size, want));
  }
  j->epoch_ = static_cast<uint32_t>(load64(page.data() + 48));
  for (uint64_t p = 0; p < j->pages_; ++p) {
    if (!read_page(p + 1)) throw UsageError(fmt::format("{} is truncated at page {}", label, p + 1));
    if (XXH3_64bits_withSeed(page.data(), kChecksumAt, j->key_ ^ (p + 1)) != load64(page.data() + kChecksumAt)) {
      throw UsageError(fmt::format("{} is corrupt: the checksum of page {} (units {} to {}) does not match", label,
                                   p + 1, p * kEntriesPerPage, std::min(j->units_, (p + 1) * kEntriesPerPage) - 1));
    }
    std::memcpy(&j->entries_[p * kEntriesPerPage], page.data(), kChecksumAt);
  }
  j->existed_ = true;
  return j;
}

VerifyJournal::~VerifyJournal() {
  if (fd_ >= 0) close(fd_);
}

uint64_t VerifyJournal::recorded_units() const {
  return static_cast<uint64_t>(std::count_if(entries_.begin(), entries_.end(), [](uint64_t g) { return g != 0; }));
}

void VerifyJournal::encode_header(unsigned char* page) const {
  std::memset(page, 0, kPageSize);
  std::memcpy(page, kMagic, sizeof kMagic);
  store32(page + 8, kVersion);
  store32(page + 12, kPageSize);
  store64(page + 16, key_);
  store64(page + 24, identity_.seed);
  store32(page + 32, identity_.block_size);
  store32(page + 36, static_cast<uint32_t>(identity_.files.size()));
  store64(page + 40, units_);
  store64(page + 48, epoch_);
  std::memcpy(page + kDescriptionAt, identity_text_.data(),
              std::min(identity_text_.size(), kChecksumAt - kDescriptionAt - 1));
  store64(page + kChecksumAt, XXH3_64bits(page, kChecksumAt));
}

void VerifyJournal::encode_page(uint64_t page, unsigned char* out) {
  std::memcpy(out, &entries_[page * kEntriesPerPage], kChecksumAt);
  store64(out + kChecksumAt, XXH3_64bits_withSeed(out, kChecksumAt, key_ ^ (page + 1)));
}

uint32_t VerifyJournal::begin_epoch() {
  std::vector<unsigned char> buf(kPageSize);
  if (fd_ < 0) {
    if (!existed_) {
      // A new journal: every page written (with its checksum) and synced
      // before the name appears, so no reader ever sees a partial one.
      const std::string tmp = path_ + ".tmp";
      const int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
      if (fd < 0) throw io_error(errno, fmt::format("creating the verify journal '{}'", tmp));
      try {
        encode_header(buf.data());
        write_all(fd, buf.data(), kPageSize, 0, tmp);
        std::vector<unsigned char> chunk;
        constexpr uint64_t kPagesPerChunk = 256;
        for (uint64_t p = 0; p < pages_; p += kPagesPerChunk) {
          const uint64_t n = std::min(kPagesPerChunk, pages_ - p);
          chunk.resize(n * kPageSize);
          for (uint64_t i = 0; i < n; ++i) encode_page(p + i, chunk.data() + i * kPageSize);
          write_all(fd, chunk.data(), chunk.size(), (1 + p) * kPageSize, tmp);
        }
        if (fdatasync(fd) != 0) throw io_error(errno, fmt::format("syncing the verify journal '{}'", tmp));
      } catch (...) {
        close(fd);
        unlink(tmp.c_str());
        throw;
      }
      close(fd);
      if (rename(tmp.c_str(), path_.c_str()) != 0) {
        const int err = errno;
        unlink(tmp.c_str());
        throw io_error(err, fmt::format("creating the verify journal '{}'", path_));
      }
      const std::string dir = std::filesystem::absolute(path_).parent_path().string();
      if (const int dfd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dfd >= 0) {
        fsync(dfd);
        close(dfd);
      }
      existed_ = true;
    }
    fd_ = open(path_.c_str(), O_RDWR | O_CLOEXEC);
    if (fd_ < 0) throw io_error(errno, fmt::format("opening the verify journal '{}'", path_));
  }
  ++epoch_;
  encode_header(buf.data());
  write_all(fd_, buf.data(), kPageSize, 0, path_);
  if (fdatasync(fd_) != 0) throw io_error(errno, fmt::format("syncing the verify journal '{}'", path_));
  return epoch_;
}

void VerifyJournal::record(const JournalEntry* entries, size_t n, std::vector<uint64_t>& dirty) {
  for (size_t i = 0; i < n; ++i) {
    const uint64_t unit = entries[i].unit;
    const uint64_t page = unit / kEntriesPerPage;
    std::lock_guard<std::mutex> lock(stripe(page));
    entries_[unit] = std::max(entries_[unit], entries[i].generation);
    dirty[page / 64] |= uint64_t{1} << (page % 64);
  }
}

void VerifyJournal::write_dirty(std::vector<uint64_t>& dirty, unsigned char* page_buf) {
  bool any = false;
  for (size_t w = 0; w < dirty.size(); ++w) {
    while (dirty[w] != 0) {
      const uint64_t page = w * 64 + static_cast<uint64_t>(std::countr_zero(dirty[w]));
      dirty[w] &= dirty[w] - 1;
      {
        std::lock_guard<std::mutex> lock(stripe(page));
        encode_page(page, page_buf);
      }
      write_all(fd_, page_buf, kPageSize, (1 + page) * kPageSize, path_);
      any = true;
    }
  }
  if (any && fdatasync(fd_) != 0) throw io_error(errno, fmt::format("syncing the verify journal '{}'", path_));
}

}  // namespace iopulse
