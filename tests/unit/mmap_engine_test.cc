// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// Tests of the mmap engine through its C ABI: the built iopulse_mmap.so is
// dlopen()ed directly, without the host's loader, and driven the way the
// host drives it (the test opens each file and hands the descriptor over),
// on real files under /tmp.

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "iopulse/engine.h"
#include "engine_test_support.h"

namespace {

using iopulse::test::EngineUnderTest;
using iopulse::test::engine_config;
using iopulse::test::TempFile;

using iopulse::test::mmap_plugin;

enum { kOptMadvise = 0, kOptPopulate = 1, kOptPrefault = 2, kNumOptions = 3 };
const char* const kMadviseChoices[] = {"normal",   "sequential", "random",    "willneed",
                                       "dontneed", "hugepage",   "nohugepage"};

// A byte pattern unique to the file offset, so misplaced data is caught.
std::vector<char> pattern(size_t len, uint64_t offset, uint64_t seed = 0) {
  std::vector<char> out(len);
  iopulse::test::fill_pattern(out.data(), len, offset, seed);
  return out;
}

iop_engine_config config_for(const iop_option_value* options, uint32_t queue_depth = 1,
                             uint32_t flags = 0) {
  return engine_config(queue_depth, flags, options, kNumOptions);
}

// Lines of /proc/self/maps that map `path`.
int mappings_of(const std::string& path) {
  std::ifstream maps("/proc/self/maps");
  int n = 0;
  for (std::string line; std::getline(maps, line);) {
    if (line.size() >= path.size() && line.compare(line.size() - path.size(), path.size(), path) == 0) n++;
  }
  return n;
}

// One mmap engine instance (queue depth 1) with the given options; files
// are opened by the test as the host would and handed over by descriptor.
class MmapEngineFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(mmap_plugin().error, "");
    eng_.run_one_style = {0xabcdef0000000001ull, /*count_up=*/true, IOP_TIMEOUT_INFINITE};
    create(0, false);
  }

  void TearDown() override { eng_.release(/*expect_clean_close=*/true); }

  void create(int64_t madvise_choice, bool populate, bool prefault = true) {
    eng_.release(/*expect_clean_close=*/true);
    options_[kOptMadvise] = {madvise_choice, kMadviseChoices[madvise_choice]};
    options_[kOptPopulate] = {populate ? 1 : 0, nullptr};
    options_[kOptPrefault] = {prefault ? 1 : 0, nullptr};
    ASSERT_EQ(eng_.create(config_for(options_)), 0) << eng_.err.message;
  }

  // Opens `path` with `flags` like the host does and hands it over; returns
  // open_file()'s result (the handle, or -errno with *message filled).
  int32_t open(const std::string& path, int flags, uint32_t file_flags, uint64_t size = 0,
               std::string* message = nullptr) {
    int32_t h = eng_.open(path, flags, file_flags, size);
    if (message != nullptr) *message = eng_.err.message;
    return h;
  }

  int32_t open_rw(const std::string& path, uint64_t size = 0) {
    int32_t h = open(path, O_RDWR, IOP_FILE_READ | IOP_FILE_WRITE, size);
    EXPECT_GE(h, 0);
    return h;
  }

  void close_handle(int32_t h) { EXPECT_EQ(eng_.close_handle(h), 0) << eng_.err.message; }

  // Submits one IO, reaps its completion and returns res.
  int64_t run(uint8_t op, int32_t file, uint64_t offset, void* buf, uint32_t len) {
    return eng_.run_one(op, file, offset, buf, len);
  }

  EngineUnderTest eng_{mmap_plugin().desc};
  // For the tests that call the engine directly.
  const iop_engine_desc*& desc_ = eng_.desc;
  iop_engine*& engine_ = eng_.instance;
  std::vector<int>& fds_ = eng_.fds;
  iop_option_value options_[kNumOptions] = {};
};

TEST(MmapEngine, DescriptorIsComplete) {
  ASSERT_EQ(mmap_plugin().error, "");
  const iop_engine_desc* d = mmap_plugin().desc;
  iopulse::test::expect_descriptor_basics(d, "mmap", "2.2.0");
  EXPECT_EQ(d->caps, IOP_CAP_MEMORY_MAPPED | IOP_CAP_FSYNC | IOP_CAP_FDATASYNC);
  EXPECT_EQ(d->caps & IOP_CAP_DIRECT, 0u) << "a copy through the page cache is never O_DIRECT";
  EXPECT_EQ(d->max_queue_depth, 4096u);
  EXPECT_EQ(d->io_priv_size, 0u);
  EXPECT_EQ(d->register_buffers, nullptr);
  ASSERT_EQ(d->num_options, static_cast<uint32_t>(kNumOptions));
  EXPECT_STREQ(d->options[kOptMadvise].name, "madvise");
  EXPECT_EQ(d->options[kOptMadvise].type, static_cast<uint32_t>(IOP_OPT_ENUM));
  EXPECT_STREQ(d->options[kOptMadvise].default_value, "normal");
  size_t k = 0;
  for (const char* const* c = d->options[kOptMadvise].choices; *c != nullptr; ++c, ++k) {
    ASSERT_LT(k, std::size(kMadviseChoices));
    EXPECT_STREQ(*c, kMadviseChoices[k]);
  }
  EXPECT_EQ(k, std::size(kMadviseChoices));
  EXPECT_STREQ(d->options[kOptPopulate].name, "populate");
  EXPECT_EQ(d->options[kOptPopulate].type, static_cast<uint32_t>(IOP_OPT_BOOL));
  EXPECT_STREQ(d->options[kOptPrefault].name, "prefault");
  EXPECT_EQ(d->options[kOptPrefault].type, static_cast<uint32_t>(IOP_OPT_BOOL));
  EXPECT_STREQ(d->options[kOptPrefault].default_value, "1");
}

TEST(MmapEngine, CreateRefusesDirectWithAClearMessage) {
  ASSERT_EQ(mmap_plugin().error, "");
  const iop_engine_desc* d = mmap_plugin().desc;
  iop_option_value options[kNumOptions] = {{0, "normal"}, {0, nullptr}, {1, nullptr}};
  iop_engine_config config = config_for(options, 1, IOP_CONFIG_DIRECT);
  iop_engine* e = nullptr;
  iop_error err{};
  EXPECT_EQ(d->create(&config, &e, &err), -EINVAL);
  EXPECT_STREQ(err.message, "mmap cannot do O_DIRECT; drop --direct");
  EXPECT_EQ(e, nullptr);
}

TEST(MmapEngine, CreateRejectsABadConfig) {
  ASSERT_EQ(mmap_plugin().error, "");
  const iop_engine_desc* d = mmap_plugin().desc;
  iop_option_value options[kNumOptions] = {{0, "normal"}, {0, nullptr}, {1, nullptr}};
  iop_engine* e = nullptr;

  iop_engine_config config = config_for(options, 4097);
  iop_error err{};
  EXPECT_EQ(d->create(&config, &e, &err), -EINVAL);
  EXPECT_STREQ(err.message, "queue depth 4097 is outside 1..4096");

  config = config_for(options);
  config.num_options = 1;
  err = iop_error{};
  EXPECT_EQ(d->create(&config, &e, &err), -EINVAL);
  EXPECT_NE(err.message[0], '\0');

  iop_option_value bad[kNumOptions] = {{99, "nonsense"}, {0, nullptr}};
  config = config_for(bad);
  err = iop_error{};
  EXPECT_EQ(d->create(&config, &e, &err), -EINVAL);
  EXPECT_NE(err.message[0], '\0');
  EXPECT_EQ(e, nullptr);
}

TEST_F(MmapEngineFixture, WritesUniqueBlocksAndReadsThemBack) {
  constexpr size_t kSize = 1 << 20;
  TempFile tmp(std::vector<char>(kSize, 0));
  ASSERT_FALSE(tmp.path().empty());
  int32_t h = open_rw(tmp.path(), kSize);
  ASSERT_GE(h, 0);

  constexpr uint32_t kBlock = 8192;
  const uint64_t offsets[] = {0, 3 * kBlock, 500000, 12345, kSize - kBlock};
  for (uint64_t off : offsets) {
    std::vector<char> data = pattern(kBlock, off);
    ASSERT_EQ(run(IOP_OP_WRITE, h, off, data.data(), kBlock), kBlock) << off;
  }
  for (uint64_t off : offsets) {
    std::vector<char> want = pattern(kBlock, off), back(kBlock, 0);
    ASSERT_EQ(run(IOP_OP_READ, h, off, back.data(), kBlock), kBlock) << off;
    EXPECT_EQ(back, want) << "block at " << off;
    // The shared mapping is the page cache: pread sees the writes at once.
    std::fill(back.begin(), back.end(), 0);
    ASSERT_EQ(pread(fds_.back(), back.data(), kBlock, static_cast<off_t>(off)), kBlock);
    EXPECT_EQ(back, want) << "block at " << off;
  }
}

TEST_F(MmapEngineFixture, ReadsAFileWrittenIndependently) {
  constexpr size_t kSize = 256 * 1024;
  std::vector<char> content = pattern(kSize, 0, 5);
  TempFile tmp(content);
  ASSERT_FALSE(tmp.path().empty());
  int32_t h = open(tmp.path(), O_RDONLY, IOP_FILE_READ, kSize);
  ASSERT_GE(h, 0);
  std::vector<char> buf(65536);
  for (uint64_t off : {uint64_t{0}, uint64_t{4096}, uint64_t{100000}, uint64_t{kSize - 65536}}) {
    ASSERT_EQ(run(IOP_OP_READ, h, off, buf.data(), 65536), 65536) << off;
    EXPECT_EQ(std::memcmp(buf.data(), content.data() + off, 65536), 0) << off;
  }
}

// Handles beyond the first few (whose records live in the instance): each
// reads its own file, read-only ones refuse writes, and a closed handle is
// reused lowest first, also after the records have moved.
TEST_F(MmapEngineFixture, ManyHandlesEachReadTheirOwnFile) {
  constexpr size_t kSize = 8192;
  constexpr int kFiles = 11;
  std::vector<std::unique_ptr<TempFile>> files;
  std::vector<int32_t> handles;
  for (int i = 0; i < kFiles; ++i) {
    files.push_back(std::make_unique<TempFile>(pattern(kSize, 0, static_cast<unsigned>(i + 1))));
    ASSERT_FALSE(files.back()->path().empty());
    const bool writable = i % 2 == 0;
    handles.push_back(writable ? open_rw(files.back()->path())
                               : open(files.back()->path(), O_RDONLY, IOP_FILE_READ));
    ASSERT_EQ(handles.back(), i) << "handles are the lowest free index";
  }
  std::vector<char> buf(4096);
  for (int i = 0; i < kFiles; ++i) {
    const std::vector<char> want = pattern(kSize, 0, static_cast<unsigned>(i + 1));
    ASSERT_EQ(run(IOP_OP_READ, handles[i], 4096, buf.data(), 4096), 4096) << i;
    EXPECT_EQ(std::memcmp(buf.data(), want.data() + 4096, 4096), 0) << "handle " << i;
    EXPECT_EQ(run(IOP_OP_WRITE, handles[i], 0, buf.data(), 4096), i % 2 == 0 ? 4096 : -EBADF) << i;
  }
  close_handle(handles[2]);
  close_handle(handles[9]);
  EXPECT_EQ(run(IOP_OP_READ, handles[2], 0, buf.data(), 4096), -EBADF);
  EXPECT_EQ(run(IOP_OP_READ, handles[9], 0, buf.data(), 4096), -EBADF);
  EXPECT_EQ(run(IOP_OP_READ, -1, 0, buf.data(), 4096), -EBADF);
  EXPECT_EQ(run(IOP_OP_READ, 1 << 20, 0, buf.data(), 4096), -EBADF);
  iop_error err{};
  EXPECT_EQ(desc_->close_file(engine_, handles[9], &err), -EBADF);
  EXPECT_STREQ(err.message, "close_file: 9 is not an open handle");
  EXPECT_EQ(open(files[9]->path(), O_RDONLY, IOP_FILE_READ), 2);
  EXPECT_EQ(open(files[2]->path(), O_RDONLY, IOP_FILE_READ), 9);
  const std::vector<char> want9 = pattern(kSize, 0, 10);
  ASSERT_EQ(run(IOP_OP_READ, 2, 0, buf.data(), 4096), 4096);
  EXPECT_EQ(std::memcmp(buf.data(), want9.data(), 4096), 0) << "handle 2 now maps the tenth file";
}

// 10000 bytes: two full pages and a partial third.  The whole size is
// mapped; IO stops at end of file instead of touching a page past it.
TEST_F(MmapEngineFixture, FileSizeNotAPageMultiple) {
  constexpr size_t kSize = 10000;
  std::vector<char> content = pattern(kSize, 0, 9);
  TempFile tmp(content);
  ASSERT_FALSE(tmp.path().empty());
  int32_t h = open_rw(tmp.path(), kSize);
  ASSERT_GE(h, 0);

  std::vector<char> buf(8192, 0);
  // A read that straddles end of file returns the bytes before it.
  EXPECT_EQ(run(IOP_OP_READ, h, 8192, buf.data(), 8192), kSize - 8192);
  EXPECT_EQ(std::memcmp(buf.data(), content.data() + 8192, kSize - 8192), 0);
  EXPECT_EQ(buf[kSize - 8192], 0) << "bytes past end of file were written";
  // Reads at or wholly past end of file return 0 (not SIGBUS), even in the
  // page after the file's last one.
  EXPECT_EQ(run(IOP_OP_READ, h, kSize, buf.data(), 4096), 0);
  EXPECT_EQ(run(IOP_OP_READ, h, 12288, buf.data(), 4096), 0);
  EXPECT_EQ(run(IOP_OP_READ, h, uint64_t{1} << 40, buf.data(), 4096), 0);

  // A write that straddles end of file is short and never extends the file.
  std::vector<char> data = pattern(4096, 9000, 10);
  EXPECT_EQ(run(IOP_OP_WRITE, h, 9000, data.data(), 4096), kSize - 9000);
  EXPECT_EQ(run(IOP_OP_WRITE, h, kSize, data.data(), 4096), 0);
  struct stat st;
  ASSERT_EQ(fstat(fds_.back(), &st), 0);
  EXPECT_EQ(st.st_size, static_cast<off_t>(kSize));
  std::vector<char> back(kSize - 9000);
  ASSERT_EQ(pread(fds_.back(), back.data(), back.size(), 9000), static_cast<ssize_t>(back.size()));
  EXPECT_EQ(std::memcmp(back.data(), data.data(), back.size()), 0);
}

// The host says it will address more than the file holds (or passes 0):
// IO is clamped to the file's size seen at open_file.
TEST_F(MmapEngineFixture, IoIsClampedToTheFileSizeSeenAtOpen) {
  constexpr size_t kSize = 6000;
  TempFile tmp(pattern(kSize, 0, 3));
  ASSERT_FALSE(tmp.path().empty());
  std::vector<char> buf(4096, 0);

  int32_t h = open_rw(tmp.path(), 1 << 20);
  ASSERT_GE(h, 0);
  EXPECT_EQ(run(IOP_OP_READ, h, 4096, buf.data(), 4096), kSize - 4096);
  EXPECT_EQ(run(IOP_OP_READ, h, 65536, buf.data(), 4096), 0);
  close_handle(h);

  h = open_rw(tmp.path(), 0);  // 0: the file's own size
  ASSERT_GE(h, 0);
  EXPECT_EQ(run(IOP_OP_READ, h, 4096, buf.data(), 4096), kSize - 4096);

  // And a host that addresses less than the file gets no more than that.
  int32_t small = open_rw(tmp.path(), 4096);
  ASSERT_GE(small, 0);
  EXPECT_EQ(run(IOP_OP_READ, small, 2048, buf.data(), 4096), 2048);
}

TEST_F(MmapEngineFixture, AnEmptyFileOpensAndEveryIoTransfersNothing) {
  TempFile tmp;
  ASSERT_FALSE(tmp.path().empty());
  int32_t h = open_rw(tmp.path(), 0);
  ASSERT_GE(h, 0);
  std::vector<char> buf(4096, 'e');
  EXPECT_EQ(run(IOP_OP_READ, h, 0, buf.data(), 4096), 0);
  EXPECT_EQ(run(IOP_OP_WRITE, h, 0, buf.data(), 4096), 0);
  EXPECT_EQ(run(IOP_OP_FSYNC, h, 0, nullptr, 0), 0);
}

TEST_F(MmapEngineFixture, ReadOnlyFilesAreMappedReadOnly) {
  TempFile tmp(pattern(8192, 0, 4));
  ASSERT_FALSE(tmp.path().empty());
  int32_t h = open(tmp.path(), O_RDONLY, IOP_FILE_READ, 8192);
  ASSERT_GE(h, 0);
  std::vector<char> buf(4096, 'w');
  EXPECT_EQ(run(IOP_OP_WRITE, h, 0, buf.data(), 4096), -EBADF);
  EXPECT_EQ(run(IOP_OP_READ, h, 0, buf.data(), 4096), 4096);
  EXPECT_EQ(buf, pattern(4096, 0, 4));
}

TEST_F(MmapEngineFixture, AWriteOnlyDescriptorIsRefusedAtOpen) {
  TempFile tmp(pattern(8192, 0));
  ASSERT_FALSE(tmp.path().empty());
  std::string message;
  EXPECT_EQ(open(tmp.path(), O_WRONLY, IOP_FILE_WRITE, 8192, &message), -EACCES);
  EXPECT_NE(message.find(tmp.path()), std::string::npos) << message;
  EXPECT_NE(message.find("reading"), std::string::npos) << message;
}

TEST_F(MmapEngineFixture, OpenFileRefusesDirectAndMissingDescriptors) {
  TempFile tmp(pattern(8192, 0));
  ASSERT_FALSE(tmp.path().empty());
  std::string message;
  EXPECT_EQ(open(tmp.path(), O_RDWR, IOP_FILE_READ | IOP_FILE_DIRECT, 8192, &message), -EINVAL);
  EXPECT_NE(message.find("O_DIRECT"), std::string::npos) << message;

  iop_file_desc file{};
  file.struct_size = sizeof file;
  file.path = "/nonexistent";
  file.fd = -1;
  iop_error err{};
  EXPECT_EQ(desc_->open_file(engine_, &file, &err), -EBADF);
  EXPECT_NE(std::string(err.message).find("/nonexistent"), std::string::npos) << err.message;
}

TEST_F(MmapEngineFixture, EveryMadviseChoiceAndPopulateAreAccepted) {
  constexpr size_t kSize = 64 * 1024;
  std::vector<char> content = pattern(kSize, 0, 6);
  TempFile tmp(content);
  ASSERT_FALSE(tmp.path().empty());
  for (int64_t choice = 0; choice < static_cast<int64_t>(std::size(kMadviseChoices)); ++choice) {
    for (bool populate : {false, true}) {
      SCOPED_TRACE(std::string("madvise=") + kMadviseChoices[choice] +
                   (populate ? " populate=1" : " populate=0"));
      create(choice, populate);
      std::string message;
      int32_t h = open(tmp.path(), O_RDWR, IOP_FILE_READ | IOP_FILE_WRITE, kSize, &message);
      if (h < 0) {
        // Only the transparent-hugepage advice depends on the kernel; a
        // refusal must say which advice and why.
        EXPECT_TRUE(choice == 5 || choice == 6) << message;
        EXPECT_NE(message.find(kMadviseChoices[choice]), std::string::npos) << message;
        continue;
      }
      std::vector<char> buf(4096);
      EXPECT_EQ(run(IOP_OP_READ, h, 8192, buf.data(), 4096), 4096);
      EXPECT_EQ(std::memcmp(buf.data(), content.data() + 8192, 4096), 0);
    }
  }
}

// Resident (mapped) kilobytes of this process's mapping of `path`, from
// /proc/self/smaps: the kernel's count of the mapping's pages in the page
// tables.  -1 when there is no such mapping.
long mapped_kib(const std::string& path) {
  std::ifstream smaps("/proc/self/smaps");
  bool in_mapping = false;
  for (std::string line; std::getline(smaps, line);) {
    const bool header = line.find('-') < line.find(' ') && line.find(':') > line.find(' ');
    if (header) {
      in_mapping = line.size() >= path.size() && line.compare(line.size() - path.size(), path.size(), path) == 0;
    } else if (in_mapping && line.rfind("Rss:", 0) == 0) {
      return std::stol(line.substr(4));
    }
  }
  return -1;
}

// Pages of `path` in the page cache, seen through a mapping of the test's own.
size_t cached_pages(const std::string& path, size_t size) {
  int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0) return 0;
  void* p = mmap(nullptr, size, PROT_READ, MAP_SHARED, fd, 0);
  close(fd);
  if (p == MAP_FAILED) return 0;
  const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  std::vector<unsigned char> resident((size + page - 1) / page);
  size_t n = 0;
  if (mincore(p, size, resident.data()) == 0) {
    for (unsigned char r : resident) n += r & 1;
  }
  munmap(p, size);
  return n;
}

// prefault (the default) maps every cached page when the file is opened,
// and only those: the kernel's own count of the mapping's resident pages
// equals the file's pages in the page cache.  Without it, opening maps
// nothing and the first copy from a page is what maps it.
TEST_F(MmapEngineFixture, PrefaultMapsTheCachedPagesBeforeTheRun) {
  constexpr size_t kSize = 1 << 20;
  std::vector<char> content = pattern(kSize, 0, 11);
  TempFile tmp(content);
  ASSERT_FALSE(tmp.path().empty());
  const long page_kib = sysconf(_SC_PAGESIZE) / 1024;
  {
    // The second half leaves the page cache (written back first, so it can).
    int fd = ::open(tmp.path().c_str(), O_RDWR);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(fsync(fd), 0);
    ASSERT_EQ(posix_fadvise(fd, kSize / 2, kSize / 2, POSIX_FADV_DONTNEED), 0);
    close(fd);
  }
  const size_t cached = cached_pages(tmp.path(), kSize);
  ASSERT_GT(cached, 0u);

  create(0, false, /*prefault=*/true);
  int32_t h = open(tmp.path(), O_RDONLY, IOP_FILE_READ, kSize);
  ASSERT_GE(h, 0) << eng_.err.message;
  EXPECT_EQ(mapped_kib(tmp.path()), static_cast<long>(cached) * page_kib);
  std::vector<char> buf(4096);
  EXPECT_EQ(run(IOP_OP_READ, h, kSize - 8192, buf.data(), 4096), 4096);
  EXPECT_EQ(std::memcmp(buf.data(), content.data() + kSize - 8192, 4096), 0);
  close_handle(h);

  create(0, false, /*prefault=*/false);
  h = open(tmp.path(), O_RDONLY, IOP_FILE_READ, kSize);
  ASSERT_GE(h, 0) << eng_.err.message;
  EXPECT_EQ(mapped_kib(tmp.path()), 0);
  EXPECT_EQ(run(IOP_OP_READ, h, 0, buf.data(), 4096), 4096);
  EXPECT_GT(mapped_kib(tmp.path()), 0);
  close_handle(h);
}

TEST_F(MmapEngineFixture, FsyncAndFdatasyncAreMsyncAndTrimIsUnsupported) {
  constexpr size_t kSize = 64 * 1024;
  TempFile tmp(std::vector<char>(kSize, 0));
  ASSERT_FALSE(tmp.path().empty());
  int32_t h = open_rw(tmp.path(), kSize);
  ASSERT_GE(h, 0);
  std::vector<char> data = pattern(4096, 4096, 8);
  ASSERT_EQ(run(IOP_OP_WRITE, h, 4096, data.data(), 4096), 4096);
  EXPECT_EQ(run(IOP_OP_FSYNC, h, 0, nullptr, 0), 0);
  ASSERT_EQ(run(IOP_OP_WRITE, h, 8192, data.data(), 4096), 4096);
  EXPECT_EQ(run(IOP_OP_FDATASYNC, h, 0, nullptr, 0), 0);
  EXPECT_EQ(run(IOP_OP_TRIM, h, 0, nullptr, 4096), -EOPNOTSUPP);
  EXPECT_EQ(run(99, h, 0, data.data(), 4096), -EINVAL);
  EXPECT_EQ(run(IOP_OP_READ, h + 100, 0, data.data(), 4096), -EBADF);
}

TEST_F(MmapEngineFixture, SubmitRefusesUnknownFlagsAndStopsWhenTheRingIsFull) {
  TempFile tmp(std::vector<char>(8192, 0));
  ASSERT_FALSE(tmp.path().empty());
  int32_t h = open_rw(tmp.path(), 8192);
  ASSERT_GE(h, 0);
  std::vector<char> buf(4096, 'w');
  iop_io io[2] = {};
  for (int i = 0; i < 2; i++) {
    io[i].user_data = 10 + static_cast<uint64_t>(i);
    io[i].offset = static_cast<uint64_t>(i) * 4096;
    io[i].buf = buf.data();
    io[i].len = 4096;
    io[i].file = h;
    io[i].op = IOP_OP_WRITE;
    io[i].buf_index = -1;
  }
  iop_io* ios[2] = {&io[0], &io[1]};
  EXPECT_EQ(desc_->submit(engine_, ios, 2, 1u << 31), -EINVAL);
  iop_cqe cqe[2];
  EXPECT_EQ(desc_->reap(engine_, cqe, 2, 0, 0), 0) << "nothing queued, nothing done";

  ASSERT_EQ(desc_->submit(engine_, ios, 2, 0), 1);
  ASSERT_EQ(desc_->submit(engine_, ios + 1, 1, 0), 0);
  ASSERT_EQ(desc_->reap(engine_, cqe, 2, 1, IOP_TIMEOUT_INFINITE), 1);
  EXPECT_EQ(cqe[0].user_data, 10u);
  EXPECT_EQ(cqe[0].res, 4096);
  ASSERT_EQ(desc_->submit(engine_, ios + 1, 1, 0), 1);
  ASSERT_EQ(desc_->reap(engine_, cqe, 2, 1, IOP_TIMEOUT_INFINITE), 1);
  EXPECT_EQ(cqe[0].user_data, 11u);
}

TEST_F(MmapEngineFixture, CloseFileUnmapsAndLeavesTheHostsDescriptorOpen) {
  TempFile tmp(std::vector<char>(8192, 0));
  ASSERT_FALSE(tmp.path().empty());
  int32_t h = open_rw(tmp.path(), 8192);
  ASSERT_GE(h, 0);
  EXPECT_EQ(mappings_of(tmp.path()), 1);
  close_handle(h);
  EXPECT_EQ(mappings_of(tmp.path()), 0);
  EXPECT_NE(fcntl(fds_.back(), F_GETFD), -1) << "the engine closed the host's descriptor";
  iop_error err{};
  EXPECT_EQ(desc_->close_file(engine_, h, &err), -EBADF);
  EXPECT_NE(err.message[0], '\0');
}

}  // namespace

namespace {

// An instance of queue depth 8 on a 64 KiB file of known content: the
// queue's order, one IO per reap() and min_wait.
class MmapEngineQueue : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(mmap_plugin().error, "");
    ASSERT_EQ(eng_.create(config_for(options_, 8)), 0) << eng_.err.message;
    content_ = pattern(kFileBytes, 0);
    file_ = std::make_unique<TempFile>(content_);
    ASSERT_FALSE(file_->path().empty());
    handle_ = eng_.open(file_->path(), O_RDWR, IOP_FILE_READ | IOP_FILE_WRITE, kFileBytes);
    ASSERT_GE(handle_, 0) << eng_.err.message;
    bufs_.assign(8 * 4096, 0);
    for (uint32_t i = 0; i < 8; ++i) {
      io_[i] = iop_io{};
      io_[i].user_data = 100 + i;
      io_[i].buf = bufs_.data() + i * 4096;
      io_[i].len = 4096;
      io_[i].file = handle_;
      io_[i].buf_index = -1;
      ptrs_[i] = &io_[i];
    }
  }
  void TearDown() override { eng_.release(/*expect_clean_close=*/true); }

  static constexpr size_t kFileBytes = 64 * 1024;
  iop_option_value options_[kNumOptions] = {{0, "normal"}, {0, nullptr}};
  EngineUnderTest eng_{mmap_plugin().desc};
  std::vector<char> content_;
  std::unique_ptr<TempFile> file_;
  int32_t handle_ = -1;
  std::vector<char> bufs_;
  iop_io io_[8];
  iop_io* ptrs_[8];
};

TEST_F(MmapEngineQueue, ReapDoesTheOldestIoOnlyAndSubmitCopiesNothing) {
  // Reads of blocks 15, 3, 9, 0, queued in that order.
  const uint64_t blocks[4] = {15, 3, 9, 0};
  for (int i = 0; i < 4; ++i) {
    io_[i].op = IOP_OP_READ;
    io_[i].offset = blocks[i] * 4096;
  }
  ASSERT_EQ(eng_.desc->submit(eng_.instance, ptrs_, 4, 0), 4);
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(std::count(bufs_.begin() + i * 4096, bufs_.begin() + (i + 1) * 4096, 0), 4096)
        << "submit() only queues: buffer " << i << " is untouched";
  }
  iop_cqe cqe[8];
  for (int i = 0; i < 4; ++i) {
    ASSERT_EQ(eng_.desc->reap(eng_.instance, cqe, 8, 1, IOP_TIMEOUT_INFINITE), 1) << "one IO per call";
    EXPECT_EQ(cqe[0].user_data, 100u + i) << "in submission order";
    EXPECT_EQ(cqe[0].res, 4096);
    EXPECT_TRUE(std::equal(bufs_.begin() + i * 4096, bufs_.begin() + (i + 1) * 4096,
                           content_.begin() + static_cast<ptrdiff_t>(blocks[i] * 4096)))
        << "block " << blocks[i];
    for (int later = i + 1; later < 4; ++later) {
      EXPECT_EQ(std::count(bufs_.begin() + later * 4096, bufs_.begin() + (later + 1) * 4096, 0), 4096)
          << "IO " << later << " is not done before its turn";
    }
  }
  EXPECT_EQ(eng_.desc->reap(eng_.instance, cqe, 8, 1, 0), 0) << "the queue is empty";
}

TEST_F(MmapEngineQueue, MinWaitDoesThatManyAndMaxCapsIt) {
  for (int i = 0; i < 6; ++i) {
    io_[i].op = IOP_OP_READ;
    io_[i].offset = static_cast<uint64_t>(i) * 4096;
  }
  ASSERT_EQ(eng_.desc->submit(eng_.instance, ptrs_, 6, 0), 6);
  iop_cqe cqe[8];
  ASSERT_EQ(eng_.desc->reap(eng_.instance, cqe, 8, 3, IOP_TIMEOUT_INFINITE), 3);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(cqe[i].user_data, 100u + i);
  ASSERT_EQ(eng_.desc->reap(eng_.instance, cqe, 2, 3, IOP_TIMEOUT_INFINITE), 2) << "never more than max";
  EXPECT_EQ(cqe[0].user_data, 103u);
  EXPECT_EQ(cqe[1].user_data, 104u);
  ASSERT_EQ(eng_.desc->reap(eng_.instance, cqe, 8, 4, IOP_TIMEOUT_INFINITE), 1) << "never more than queued";
  EXPECT_EQ(cqe[0].user_data, 105u);
  EXPECT_TRUE(std::equal(bufs_.begin(), bufs_.begin() + 6 * 4096, content_.begin()));
}

TEST_F(MmapEngineQueue, AWriteThenAReadOfTheSameBlockAreDoneInOrder) {
  std::fill(bufs_.begin(), bufs_.begin() + 4096, 'W');
  io_[0].op = IOP_OP_WRITE;
  io_[0].offset = 5 * 4096;
  io_[1].op = IOP_OP_READ;
  io_[1].offset = 5 * 4096;
  io_[2].op = IOP_OP_TRIM;  // not supported: fails in its place
  io_[2].offset = 0;
  io_[3].op = IOP_OP_FSYNC;
  ASSERT_EQ(eng_.desc->submit(eng_.instance, ptrs_, 4, 0), 4);
  iop_cqe cqe[8];
  ASSERT_EQ(eng_.desc->reap(eng_.instance, cqe, 8, 4, IOP_TIMEOUT_INFINITE), 4);
  EXPECT_EQ(cqe[0].res, 4096);
  EXPECT_EQ(cqe[1].res, 4096);
  EXPECT_EQ(std::count(bufs_.begin() + 4096, bufs_.begin() + 8192, 'W'), 4096)
      << "the read ran after the write and found its data";
  EXPECT_EQ(cqe[2].user_data, 102u);
  EXPECT_EQ(cqe[2].res, -EOPNOTSUPP);
  EXPECT_EQ(cqe[3].res, 0);
  std::ifstream in(file_->path(), std::ios::binary);
  std::vector<char> on_disk(kFileBytes);
  in.read(on_disk.data(), static_cast<std::streamsize>(on_disk.size()));
  EXPECT_EQ(std::count(on_disk.begin() + 5 * 4096, on_disk.begin() + 6 * 4096, 'W'), 4096);
}

}  // namespace
