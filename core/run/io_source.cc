// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "run/io_source.h"

#include <fcntl.h>

#include <algorithm>

namespace iopulse {

IoSource::IoSource(const WorkerPlan& plan, const WorkerAssignment& assignment)
    : assignment_(assignment),
      random_(plan.random),
      rng_(plan.rng_seed),
      // The hot-spot permutation is keyed by the job's seed alone, so every
      // worker sees the same hot blocks.
      offsets_(plan.random ? OffsetGenerator::Pattern::kRandom : OffsetGenerator::Pattern::kSequential,
               assignment.region_blocks, assignment.first_block, plan.distribution, plan.job_seed),
      op_mix_(plan.read_percent, plan.trim_percent),
      priority_mix_(plan.io_priority, plan.io_priority_percent, plan.io_priority_others),
      read_sizes_(plan.read_sizes),
      write_sizes_(plan.write_sizes),
      unit_(plan.unit),
      seq_cursor_(assignment.first_block),
      per_op_cursor_(plan.sequential_per_op && !plan.random),
      op_cursor_{assignment.first_block, assignment.first_block, assignment.first_block},
      skip_units_(plan.random ? 0 : plan.sequential_skip / static_cast<int64_t>(plan.unit)),
      rr_plan_(plan.file_roundrobin),
      remaining_ops_(assignment.op_limit != 0 ? assignment.op_limit : UINT64_MAX),
      remaining_bytes_(assignment.byte_limit != 0 ? assignment.byte_limit : UINT64_MAX),
      trim_write_(plan.trim_write),
      sync_op_(plan.sync_op),
      sync_every_(plan.sync_every),
      compress_percent_(plan.compress_percent),
      job_seed_(plan.job_seed) {
  // One permutation for the whole region, keyed by the job's seed: workers
  // sharing a file walk disjoint rank ranges of the same permutation.
  if (assignment.tiled) {
    std::vector<uint64_t> units;
    for (const WorkerRegion& r : assignment.regions) units.push_back(r.blocks);
    tiling_ = std::make_unique<PassTiling>(plan.read_percent > 0 ? plan.read_sizes : plan.write_sizes, units,
                                           plan.job_seed, "--block-size", /*count_ios=*/false);
    if (plan.random) permutation_.emplace(tiling_->slots(), plan.job_seed);
  } else if (assignment.complete_pass && plan.random) {
    permutation_.emplace(assignment.region_blocks, plan.job_seed);
  }
  if (plan.fadvise_each_pass && !plan.fadvise.empty()) {
    readvise_hints_ = plan.fadvise;
    readvise_bytes_ = assignment.region_blocks * plan.unit;
  }
  split_priority_ = plan.io_priority != 0;
  trims_ = plan.trim_percent != 0;
  io_flags_[0] = plan.read_flags;
  io_flags_[1] = plan.write_flags;
}

void IoSource::readvise() {
  bytes_since_advice_ = 0;
  for (uint32_t r = 0; r < region_count_; ++r) {
    const OpenRegion& region = regions_[r];
    if (region.fd < 0 || region.file->device == PlannedFile::Device::kMemory) continue;
    for (const int advice : readvise_hints_) {
      (void)posix_fadvise(region.fd, static_cast<off_t>(region.offset), static_cast<off_t>(region.bytes), advice);
    }
  }
}

void IoSource::set_regions(const std::vector<OpenRegion>& regions) {
  regions_ = regions.data();
  region_count_ = static_cast<uint32_t>(regions.size());
  uniform_units_ = 0;
  for (size_t i = 0; i < regions.size(); ++i) {
    const uint64_t units = regions[i].bytes / unit_;
    uniform_units_ = i == 0 || uniform_units_ == units ? units : 0;
  }
  // (The layout gives a roundrobin job's regions one size.)
  rr_chunk_ = region_count_ > 1 && uniform_units_ != 0 ? rr_plan_ : 0;
  // (Hints need the host's descriptors: an engine that opens its files, or
  // does no IO, gets none, and the plain loop stays open to it.)
  if (std::none_of(regions.begin(), regions.end(), [](const OpenRegion& r) { return r.fd >= 0; })) {
    readvise_bytes_ = UINT64_MAX;
  }
}

void IoSource::prepare_data(const WorkerPlan& plan, uint32_t global_index, uint32_t max_io, uint32_t queue_depth) {
  if (plan.fresh_data) write_data_ = std::make_unique<WriteData>(plan.data_seed, max_io);
  if (!plan.verify && plan.writes && !plan.content.plain()) {
    content_ = std::make_unique<BlockContent>(plan.content, global_index, max_io);
  }
  if (plan.verify || plan.verify_only) verified_dedupe_ = DedupeLayout(plan.content, plan.unit);
  if (trim_write_) trimmed_.resize(queue_depth);
}

void IoSource::set_replay(std::unique_ptr<TraceCursor> replay, std::vector<uint32_t> file_region, Pacer* pacer) {
  replay_ = std::move(replay);
  replay_regions_ = std::move(file_region);
  pacer_ = pacer;
}

bool IoSource::plain_shape() const {
  return !replay_ && readvise_bytes_ == UINT64_MAX && skip_units_ == 0 && !per_op_cursor_ && !split_priority_ && io_flags_[1] == 0 && !trims_ &&
         !trim_write_ && sync_every_ == 0 && !content_ && verification_.inflight_blocks == nullptr && region_count_ == 1 &&
         regions_[0].first_unit == 0 && regions_[0].bytes == assignment_.region_blocks * unit_ &&
         !assignment_.complete_pass && read_sizes_.single() && read_sizes_.max_size() == unit_ &&
         write_sizes_.single() && write_sizes_.max_size() == unit_ &&
         (remaining_bytes_ == UINT64_MAX || remaining_bytes_ % unit_ == 0);
}

void IoSource::enter_plain() {
  // Every IO moves one unit, so both budgets are one count of IOs.
  if (remaining_bytes_ != UINT64_MAX) remaining_ops_ = std::min(remaining_ops_, remaining_bytes_ / unit_);
  if (random_ && offsets_.distribution().kind() == DistributionKind::kUniform) {
    plain_uniform_blocks_ = offsets_.distribution().blocks();
  }
}

bool IoSource::spent() {
  if (replay_ || (sync_every_ != 0 && writes_since_sync_ >= sync_every_)) return false;
  if (trimmed_count_ > 0 || trims_outstanding_ > 0) return false;
  if (remaining_ops_ == 0 || remaining_bytes_ == 0) return true;
  // A tiled pass: skipping the empty slots left commits nothing.
  uint64_t unit;
  uint32_t units;
  return tiling_ && !next_piece(&unit, &units);
}

void IoSource::trim_completed(const IoSlot& slot, bool write_back) {
  --trims_outstanding_;
  if (write_back) {
    const uint32_t tail = (trimmed_head_ + trimmed_count_) % static_cast<uint32_t>(trimmed_.size());
    trimmed_[tail] = {slot.block, slot.region, slot.io.len};
    ++trimmed_count_;
  }
}

IoSource::Next IoSource::next_trimmed_write(IoSlot& slot) {
  const TrimmedRange range = trimmed_[trimmed_head_];
  trimmed_head_ = trimmed_head_ + 1 == trimmed_.size() ? 0 : trimmed_head_ + 1;
  --trimmed_count_;
  const OpenRegion& region = regions_[range.region];
  iop_io& io = slot.io;
  io.op = IOP_OP_WRITE;
  io.len = range.len;
  io.buf = slot.buf;
  io.offset = region.offset + (range.block - region.first_unit) * unit_;
  io.flags = io_flags_[1];
  if (split_priority_) io.ioprio = priority_mix_.next(rng_);
  io.file = region.handle;
  slot.block = range.block;
  slot.region = range.region;
  fill_write(slot, range.block, range.len);
  return Next::kReady;
}

IoSource::Next IoSource::next_replay(IoSlot& slot) {
  if (remaining_ops_ == 0) return Next::kBudgetSpent;
  const TraceRecord* r = replay_->front();
  if (r == nullptr) return Next::kBudgetSpent;
  iop_io& io = slot.io;
  io.op = r->op;
  io.len = r->len;
  io.offset = r->offset;
  io.buf = io.op == IOP_OP_TRIM ? nullptr : slot.buf;  // a trim carries no buffer (engine.h)
  slot.region = replay_regions_[r->file];
  io.file = regions_[slot.region].handle;
  const bool data = io.op == IOP_OP_READ || io.op == IOP_OP_WRITE;
  io.flags = data ? io_flags_[io.op == IOP_OP_WRITE] : 0;
  io.ioprio = data && split_priority_ ? priority_mix_.next(rng_) : 0;
  slot.block = kNoBlock;
  replay_->pop();
  --remaining_ops_;
  if (io.op == IOP_OP_WRITE) {
    if (content_) {
      content_->fill(io.buf, io.len);
    } else if (write_data_ != nullptr) {
      write_data_->fill(io.buf, io.len);
    }
  }
  if (pacer_ != nullptr && pacer_->scheduled()) {
    const TraceRecord* next = replay_->front();
    if (next != nullptr) pacer_->next_trace_time(next->time_ns);
  }
  return Next::kReady;
}

}  // namespace iopulse
