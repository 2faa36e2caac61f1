// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// VerifyJournal and JournalRecorder in-process: the file format read back
// with plain reads (an observer independent of the loader), durability only
// at sync points, and every kind of bad journal refused as a usage error.
#include "verify/verify_journal.h"

#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <xxhash.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "job/usage_error.h"
#include "verify/block_format.h"
#include "verify/journal_recorder.h"

namespace iopulse {
namespace {

class VerifyJournalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/iopulse-journal-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    path_ = dir_ + "/journal";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  JournalIdentity identity(uint64_t seed = 7) const {
    JournalIdentity id;
    id.seed = seed;
    id.block_size = 4096;
    // 600 + 300 units: two files, two pages of entries.
    id.files = {{dir_ + "/a", 600 * 4096}, {dir_ + "/b", 300 * 4096 + 100}};
    return id;
  }

  std::vector<unsigned char> bytes() const {
    std::ifstream in(path_, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }
  void put_bytes(const std::vector<unsigned char>& b) const {
    std::ofstream out(path_, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
  }
  static uint64_t le64(const unsigned char* p) {
    uint64_t v = 0;
    for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
    return v;
  }
  std::string load_error(const JournalIdentity& id, VerifyJournal::Access access = VerifyJournal::Access::kRead) {
    try {
      VerifyJournal::load(path_, id, access);
    } catch (const UsageError& e) {
      return e.what();
    }
    return "";
  }

  std::string dir_, path_;
};

TEST_F(VerifyJournalTest, MissingJournalIsCreatedOnlyForWriters) {
  EXPECT_NE(load_error(identity()).find("does not exist"), std::string::npos);
  auto j = VerifyJournal::load(path_, identity(), VerifyJournal::Access::kWrite);
  EXPECT_FALSE(j->existed());
  EXPECT_FALSE(std::filesystem::exists(path_));  // nothing touched until begin_epoch()
  EXPECT_EQ(j->units(), 900u);
  EXPECT_EQ(j->file_base(1), 600u);
  EXPECT_EQ(j->pages(), 2u);
  EXPECT_EQ(j->begin_epoch(), 1u);
  EXPECT_EQ(std::filesystem::file_size(path_), 3u * 4096);
  EXPECT_FALSE(std::filesystem::exists(path_ + ".tmp"));
}

TEST_F(VerifyJournalTest, OnlySyncedWritesBecomeDurable) {
  auto j = VerifyJournal::load(path_, identity(), VerifyJournal::Access::kWrite);
  j->begin_epoch();
  JournalRecorder rec(*j, 8);
  rec.completed(5, 11);
  const uint64_t covered = rec.sync_position();  // a sync submitted now covers unit 5 only
  rec.completed(700, 12);
  EXPECT_EQ(j->synced(5), 0u);
  rec.synced(covered);
  EXPECT_EQ(j->synced(5), 11u);
  EXPECT_EQ(j->synced(700), 0u);
  // On disk, read without the loader: page 1 entry 5 and its checksum.
  std::vector<unsigned char> b = bytes();
  const uint64_t key = le64(b.data() + 16);
  EXPECT_EQ(le64(b.data() + 4096 + 8 * 5), 11u);
  EXPECT_EQ(le64(b.data() + 4096 + 4088), XXH3_64bits_withSeed(b.data() + 4096, 4088, key ^ 1));
  EXPECT_EQ(le64(b.data() + 2 * 4096 + 8 * (700 - 511)), 0u);
  rec.synced(rec.sync_position());
  EXPECT_EQ(le64(bytes().data() + 2 * 4096 + 8 * (700 - 511)), 12u);
  rec.synced(covered);  // an older sync completing late changes nothing
  EXPECT_EQ(j->synced(700), 12u);

  auto again = VerifyJournal::load(path_, identity(), VerifyJournal::Access::kRead);
  EXPECT_TRUE(again->existed());
  EXPECT_EQ(again->epoch(), 1u);
  EXPECT_EQ(again->synced(5), 11u);
  EXPECT_EQ(again->synced(700), 12u);
  EXPECT_EQ(again->recorded_units(), 2u);
}

TEST_F(VerifyJournalTest, EachRunTakesTheNextEpoch) {
  VerifyJournal::load(path_, identity(), VerifyJournal::Access::kWrite)->begin_epoch();
  auto j = VerifyJournal::load(path_, identity(), VerifyJournal::Access::kWrite);
  EXPECT_EQ(j->epoch(), 1u);
  EXPECT_EQ(j->begin_epoch(), 2u);
  EXPECT_EQ(j->begin_epoch(), 3u);
  EXPECT_EQ(VerifyJournal::load(path_, identity(), VerifyJournal::Access::kRead)->epoch(), 3u);
}

TEST_F(VerifyJournalTest, BadJournalsAreUsageErrorsAndStayUntouched) {
  VerifyJournal::load(path_, identity(), VerifyJournal::Access::kWrite)->begin_epoch();
  const std::vector<unsigned char> good = bytes();

  EXPECT_NE(load_error(identity(8)).find("belongs to a job with --seed 7; this job has --seed 8"), std::string::npos);
  JournalIdentity other = identity();
  other.files[1].size += 4096;
  EXPECT_NE(load_error(other).find("belongs to another dataset"), std::string::npos);
  other = identity();
  other.block_size = 8192;
  EXPECT_NE(load_error(other).find("--block-size 4096"), std::string::npos);
  EXPECT_EQ(bytes(), good);

  std::vector<unsigned char> b = good;
  b[4096 + 100] ^= 1;
  put_bytes(b);
  EXPECT_NE(load_error(identity()).find("is corrupt: the checksum of page 1 (units 0 to 510)"), std::string::npos);
  b = good;
  b[60] ^= 1;
  put_bytes(b);
  EXPECT_NE(load_error(identity()).find("the header checksum does not match"), std::string::npos);
  b = good;
  b.resize(2 * 4096 + 10);
  put_bytes(b);
  EXPECT_NE(load_error(identity()).find("is truncated: 8202 bytes where its header implies 12288"),
            std::string::npos);
  put_bytes({});
  EXPECT_NE(load_error(identity(), VerifyJournal::Access::kWrite).find("is truncated"), std::string::npos);
  put_bytes(std::vector<unsigned char>(5000, 'x'));
  EXPECT_NE(load_error(identity()).find("is not an IOPulse verify journal"), std::string::npos);
  b = good;
  b[8] = 2;
  put_bytes(b);
  EXPECT_NE(load_error(identity()).find("journal version 2"), std::string::npos);
}

TEST(VerifyBlockFormatJournalTest, OlderThanDurableIsALostWrite) {
  std::vector<unsigned char> b(4096);
  const uint64_t gen = (uint64_t{2} << 32) | 5;
  fill_block(b.data(), 4096, 8192, 42, gen);
  EXPECT_TRUE(check_block(b.data(), 4096, 8192, 42, std::nullopt, gen).ok);
  EXPECT_TRUE(check_block(b.data(), 4096, 8192, 42, std::nullopt, gen - 1).ok);  // a newer write landed
  const VerifyResult r = check_block(b.data(), 4096, 8192, 42, std::nullopt, (uint64_t{3} << 32) | 1);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.failure, VerifyFailure::kLostWrite);
  EXPECT_EQ(describe(r, "/x", 8192),
            "verify failed: '/x' offset 8192: lost write: generation 8589934597 in header is older than generation "
            "12884901889, the oldest the check accepts (durable by the verify journal, or written by an earlier phase "
            "that wrote every block); header: offset 8192, seed 42, generation 8589934597");
  // An exact expectation wins over the minimum.
  EXPECT_TRUE(check_block(b.data(), 4096, 8192, 42, gen, UINT64_MAX).ok);
}

}  // namespace
}  // namespace iopulse
