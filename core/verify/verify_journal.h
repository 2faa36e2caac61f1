// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// VerifyJournal: the durable record (--verify-journal FILE) of the latest
// generation of every block of a verified dataset that is known to be on
// stable storage, so a later run -- --verify-only after a crash, or the next
// --verify run or phase on the same data -- knows what must be there.
//
// The data is addressed in units of the job's block size over the job's
// files laid end to end (file i's unit u is journal unit file_base(i) + u).
// For each unit the journal holds one 64-bit generation: the newest write of
// that block that a completed fsync/fdatasync (or the end of a run) made
// durable; 0 when no journaled run wrote it durably (the block is as
// prepared, or anything valid).  A block read back must carry that
// generation or a newer one (a later write that may or may not have reached
// the storage); an older one is a lost write.
//
// Generations are (epoch << 32) | count: every run (or phase) that writes
// takes the next epoch from the journal, so its writes are newer than every
// write of earlier runs, and a count restarting at 1 cannot repeat an older
// write.
//
// File format, version 1 (little-endian; pages of 4096 bytes):
//
//   page 0, the header
//     offset size  field
//          0    8  magic           "IOPJRNL1"
//          8    4  version         1
//         12    4  page_size       4096
//         16    8  job_key         XXH3_64bits of the identity (below)
//         24    8  seed            the job's --seed
//         32    4  block_size      the job's --block-size (the unit)
//         36    4  files           number of files
//         40    8  units           journal units (entries)
//         48    8  epoch           the newest epoch a run has taken
//         56 4032  description     the identity as text, NUL-padded
//       4088    8  header_checksum XXH3_64bits(bytes [0, 4088))
//   pages 1 .. ceil(units / 511): 511 entries of 8 bytes (unit
//     511 * (page - 1) + i at byte 8 * i; past `units`: 0), then at byte
//     4088 the page checksum XXH3_64bits_withSeed(bytes [0, 4088),
//     job_key ^ page).
//
// The identity is "iopulse verify journal v1\nseed <n>\nblock <n>\n", with
// compressible or deduplicated data a line "content <settings>" (the
// blocks' bytes depend on them, so a dataset filled with other settings is
// another dataset), and a line "file <size> <absolute path>" per file.  The file is exactly
// 4096 * (1 + pages) bytes; anything else is truncated or foreign.
//
// Thread safety: load() and the control calls (begin_epoch, description)
// from one thread; synced() from any thread while no record() runs on the
// same page; record() and write_page() from several workers at once (each
// page is guarded by one of a few stripe locks, taken at sync points only,
// never per IO).
#ifndef IOPULSE_VERIFY_VERIFY_JOURNAL_H_
#define IOPULSE_VERIFY_VERIFY_JOURNAL_H_

#include <array>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace iopulse {

// Which dataset a journal belongs to.
struct JournalIdentity {
  struct File {
    std::string path;  // made absolute by load()
    uint64_t size = 0;
  };
  uint64_t seed = 0;
  uint32_t block_size = 4096;
  // --compress-percent/--dedupe-percent settings ("" for unique data, the
  // default): e.g. "compress 50 dedupe 30 unit 4096 working-set 100".
  std::string content;
  std::vector<File> files;

  std::string text() const;  // the identity text (see above)
};

// One unit's new durable generation.
struct JournalEntry {
  uint64_t unit;
  uint64_t generation;
};

class VerifyJournal {
 public:
  static constexpr uint32_t kPageSize = 4096;
  static constexpr uint32_t kEntriesPerPage = 511;

  enum class Access {
    kRead,   // --verify-only or a read-only --verify job: the journal must exist
    kWrite,  // a --verify job that writes: created when missing
  };

  // Reads and checks the journal at `path` for the dataset `identity`
  // without changing anything.  Throws UsageError (one line naming
  // --verify-journal, the path and the reason) when the file is not a
  // journal, has another version, is truncated or corrupt (a checksum
  // fails), belongs to another seed, block size or set of files, or is
  // missing for kRead.  A missing file with kWrite gives an empty journal
  // that begin_epoch() creates.
  static std::unique_ptr<VerifyJournal> load(const std::string& path, JournalIdentity identity, Access access);

  ~VerifyJournal();
  VerifyJournal(const VerifyJournal&) = delete;
  VerifyJournal& operator=(const VerifyJournal&) = delete;

  const std::string& path() const { return path_; }
  bool existed() const { return existed_; }
  uint64_t units() const { return units_; }
  uint64_t epoch() const { return epoch_; }
  // The first journal unit of file `file_index`.
  uint64_t file_base(uint32_t file_index) const { return file_base_[file_index]; }
  // Units with a durable generation (entries that are not 0).
  uint64_t recorded_units() const;

  // The newest generation of `unit` known to be durable (0: none).
  uint64_t synced(uint64_t unit) const { return entries_[unit]; }

  // For a run (or phase) that writes: creates the file when missing, takes
  // the next epoch and makes the header durable before the first write of
  // the run.  Returns the epoch.  Throws std::system_error on IO errors.
  uint32_t begin_epoch();

  // Sets the entries (each unit's generation only grows) and marks their
  // pages dirty in `dirty` (a bitmap of pages() bits, caller-owned, one per
  // worker).  Thread-safe.
  void record(const JournalEntry* entries, size_t n, std::vector<uint64_t>& dirty);
  // Writes every page marked in `dirty` (and clears the marks), then makes
  // the file durable (fdatasync).  Thread-safe; `page_buf` is a caller-owned
  // buffer of kPageSize bytes.  Throws std::system_error on IO errors.
  void write_dirty(std::vector<uint64_t>& dirty, unsigned char* page_buf);

  // Pages of entries (the size of a dirty bitmap, in bits).
  uint64_t pages() const { return pages_; }

 private:
  VerifyJournal() = default;
  void encode_header(unsigned char* page) const;
  void encode_page(uint64_t page, unsigned char* out);
  std::mutex& stripe(uint64_t page) { return stripes_[page % stripes_.size()]; }

  std::string path_;
  JournalIdentity identity_;
  std::string identity_text_;
  uint64_t key_ = 0;
  uint64_t units_ = 0;
  uint64_t pages_ = 0;
  uint32_t epoch_ = 0;
  bool existed_ = false;
  int fd_ = -1;
  std::vector<uint64_t> file_base_;
  std::vector<uint64_t> entries_;  // pages_ * kEntriesPerPage, zero past units_
  std::array<std::mutex, 64> stripes_;
};

}  // namespace iopulse

#endif  // IOPULSE_VERIFY_VERIFY_JOURNAL_H_
