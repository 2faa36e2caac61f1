// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "run/verify_observer.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <optional>
#include <system_error>

#include <fmt/format.h>

#include "verify/block_format.h"

namespace iopulse {

// The errno a block that failed verification reports, as fio's verify does
// ("Invalid or incomplete multibyte or wide character").
constexpr int kVerifyFailureErrno = EILSEQ;

VerifyObserver::VerifyObserver(const VerifyContext& context, uint32_t queue_depth, bool verify, bool writes,
                               uint64_t region_blocks, uint32_t epoch, uint32_t sync_every)
    : context_(context), inflight_(std::make_unique<InflightBlocks>(queue_depth)) {
  if (verify && writes) {
    generations_ = std::make_unique<GenerationTable>(region_blocks, epoch);
    if (context_.journal != nullptr) {
      recorder_ = std::make_unique<JournalRecorder>(*context_.journal, 2 * (size_t{sync_every} + queue_depth));
    }
  }
}

bool VerifyObserver::completed(IoSlot& slot, const IoCompletion& c) {
  bool checked = false;
  if (slot.block != kNoBlock) {
    if (c.ok) {
      if (slot.io.op == IOP_OP_READ) {
        check_read(slot);
        checked = true;
      }
      if (generations_ && slot.io.op == IOP_OP_WRITE) generations_->commit(slot.block, slot.generation);
    } else if (generations_ && slot.io.op == IOP_OP_WRITE) {
      // What the failed write left in the block is unknown.
      generations_->forget(slot.block);
    }
    inflight_->erase(slot.block);
  }
  if (c.ok && recorder_ && slot.io.op != IOP_OP_READ) [[unlikely]] journal_completion(slot);
  return checked;
}

void VerifyObserver::abandoned(const IoSlot& slot) {
  if (slot.block != kNoBlock) inflight_->erase(slot.block);
}

void VerifyObserver::check_read(const IoSlot& slot) {
  if (const std::optional<uint64_t> k = context_.dedupe.working_set_block(slot.io.offset)) {
    // Every write of this block writes working-set block k: its bytes are
    // known whatever generation last reached it.
    const VerifyResult r = check_working_set_block(slot.io.buf, slot.io.len, context_.job_seed, *k);
    if (!r.ok) {
      ++failures_;
      context_.errors.failed([&] { return describe(r, context_.regions[slot.region].file->path, slot.io.offset); },
                             kVerifyFailureErrno);
    }
    return;
  }
  // The generation this read must find: the last write's when this run
  // wrote the block (and the region is small enough to track); otherwise at
  // least the one the verify journal holds as durable, or any.
  std::optional<uint64_t> expected;
  if (generations_) expected = generations_->expected(slot.block);
  uint64_t durable = 0;
  if (!expected && context_.journal != nullptr) {
    const OpenRegion& region = context_.regions[slot.region];
    durable = context_.journal->synced(region.journal_base + slot.block - region.first_unit);
  }
  if (!expected) durable = std::max(durable, context_.min_generation);
  const VerifyResult r =
      check_block(slot.io.buf, slot.io.len, slot.io.offset, context_.job_seed, expected, durable);
  if (!r.ok) {
    ++failures_;
    context_.errors.failed([&] { return describe(r, context_.regions[slot.region].file->path, slot.io.offset); },
                             kVerifyFailureErrno);
  }
}

void VerifyObserver::journal_completion(const IoSlot& slot) {
  if (slot.io.op == IOP_OP_WRITE) {
    if (slot.block == kNoBlock) return;
    const OpenRegion& region = context_.regions[slot.region];
    recorder_->completed(region.journal_base + slot.block - region.first_unit, slot.generation);
  } else if (slot.io.op == IOP_OP_FSYNC || slot.io.op == IOP_OP_FDATASYNC) {
    recorder_->synced(slot.generation);
  }
}

void VerifyObserver::loop_ended() {
  if (!recorder_) return;
  const uint64_t position = recorder_->sync_position();
  for (const OpenRegion& r : context_.regions) {
    int fd = r.fd;
    const bool own = fd < 0;
    if (own) fd = open(r.file->path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0 || fsync(fd) != 0) {
      const int err = errno;
      if (own && fd >= 0) close(fd);
      throw std::system_error(err, std::generic_category(),
                              fmt::format("syncing '{}' at the end of the run (--verify-journal)", r.file->path));
    }
    if (own) close(fd);
  }
  recorder_->synced(position);
}

}  // namespace iopulse
