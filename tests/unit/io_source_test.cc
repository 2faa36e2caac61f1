// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// The IO source driven in-process, without an engine: the IOs it prepares
// are checked against a map of the target's bytes (every byte of a complete
// pass exactly once, nothing past the end), against the budgets and the
// sync period the options ask for, and against the documented equality of
// the plain path's IOs and the general path's.
#include "run/io_source.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "job/job_options.h"
#include "job_spec_of.h"
#include "run/worker_plan.h"

namespace iopulse {
namespace {

JobSpec source_job(const JobOptionTexts& options) { return job_spec_of("/tmp/iopulse-io-source", options); }

// One worker's source over its assignment, with its regions "opened": the
// engine handle of a region is its file's index, so an IO names its file.
struct SourceUnderTest {
  SourceUnderTest(const JobSpec& spec, const TargetLayout& layout, uint32_t worker)
      : plan(WorkerPlan::of(spec, place(worker))), source(plan, layout.workers[worker]) {
    uint64_t first_unit = 0;
    for (const WorkerRegion& wr : layout.workers[worker].regions) {
      OpenRegion r{};
      r.file = &layout.files[wr.file_index];
      r.offset = wr.offset;
      r.bytes = wr.blocks * plan.unit;
      r.first_unit = first_unit;
      r.handle = static_cast<int32_t>(wr.file_index);
      first_unit += wr.blocks;
      regions.push_back(r);
    }
    source.set_regions(regions);
    const uint32_t max_io = std::max(plan.read_sizes.max_size(), plan.write_sizes.max_size());
    buffer.resize(max_io);
    source.prepare_data(plan, worker, max_io, /*queue_depth=*/1);
    slot = IoSlot{};
    slot.buf = buffer.data();
    slot.io.buf = slot.buf;
  }
  static WorkerPlace place(uint32_t worker) {
    WorkerPlace p;
    p.index = worker;
    p.global_index = worker;
    return p;
  }

  WorkerPlan plan;
  IoSource source;
  std::vector<OpenRegion> regions;
  std::vector<unsigned char> buffer;
  IoSlot slot;
};

TEST(IoSource, ACompletePassWithASizeMixCoversEveryByteOnceAndNothingPastTheEnd) {
  // 4 KiB and 64 KiB IOs in random order over a 1 MiB + 12 KiB file (not a
  // multiple of the larger size), shared by 3 workers.
  const JobSpec spec = source_job({{"random", ""},
                            {"block-size", "4k:70,64k:30"},
                            {"file-size", "1036k"},
                            {"threads", "3"},
                            {"read-percent", "50"}});
  const TargetLayout layout = TargetLayout::plan(spec, /*diskless=*/true);
  const uint64_t file_bytes = layout.files.at(0).size;
  ASSERT_EQ(file_bytes, 1036u * 1024);
  std::vector<int> touched(file_bytes, 0);
  uint64_t ios = 0;
  std::map<uint32_t, uint64_t> sizes;
  for (uint32_t w = 0; w < 3; ++w) {
    SourceUnderTest t(spec, layout, w);
    for (;;) {
      const IoSource::Next next = t.source.next(t.slot);
      if (next == IoSource::Next::kBudgetSpent) break;
      ASSERT_EQ(next, IoSource::Next::kReady);
      const iop_io& io = t.slot.io;
      ASSERT_LE(io.offset + io.len, file_bytes) << "past the end";
      ASSERT_EQ(io.offset % 4096, 0u);
      for (uint64_t b = io.offset; b < io.offset + io.len; ++b) ++touched[b];
      ++sizes[io.len];
      ++ios;
    }
  }
  for (uint64_t b = 0; b < file_bytes; b += 4096) ASSERT_EQ(touched[b], 1) << "byte " << b;
  for (uint64_t b = 0; b < file_bytes; ++b) ASSERT_EQ(touched[b], 1) << "byte " << b;
  EXPECT_EQ(ios, layout.total_ops);
  EXPECT_GT(sizes[4096], 0u);
  EXPECT_GT(sizes[65536], 0u);
}

TEST(IoSource, TheBudgetsEndTheWorkExactly) {
  // 1000 IOs over one worker; then 1 MiB + 4 KiB of bytes with a mix whose
  // last IO must be shortened to fit.
  {
    const JobSpec spec = source_job({{"random", ""}, {"file-size", "8M"}, {"total-ops", "1000"}});
    const TargetLayout layout = TargetLayout::plan(spec, true);
    SourceUnderTest t(spec, layout, 0);
    uint64_t n = 0;
    while (t.source.next(t.slot) == IoSource::Next::kReady) ++n;
    EXPECT_EQ(n, 1000u);
  }
  {
    const JobSpec spec =
        source_job({{"random", ""}, {"file-size", "8M"}, {"block-size", "4k:50,64k:50"}, {"total-bytes", "1028k"}});
    const TargetLayout layout = TargetLayout::plan(spec, true);
    SourceUnderTest t(spec, layout, 0);
    uint64_t bytes = 0;
    while (t.source.next(t.slot) == IoSource::Next::kReady) {
      EXPECT_EQ(t.slot.io.len % 4096, 0u);
      bytes += t.slot.io.len;
    }
    EXPECT_EQ(bytes, 1028u * 1024);
  }
}

TEST(IoSource, ASyncFollowsEveryNWritesToTheFileOfTheLastWrite) {
  const JobSpec spec = source_job({{"read-percent", "0"}, {"file-size", "1M"}, {"fsync-every", "4"}, {"total-ops", "40"}});
  const TargetLayout layout = TargetLayout::plan(spec, true);
  SourceUnderTest t(spec, layout, 0);
  std::vector<uint8_t> ops;
  while (t.source.next(t.slot) == IoSource::Next::kReady) {
    ops.push_back(t.slot.io.op);
    if (t.slot.io.op == IOP_OP_FSYNC) {
      EXPECT_EQ(t.slot.io.len, 0u);
      EXPECT_EQ(t.slot.io.file, 0);
    }
  }
  // 40 writes (the budget counts reads and writes) and a sync after every
  // 4th, the last one's included.
  ASSERT_EQ(ops.size(), 50u);
  for (size_t i = 0; i < ops.size(); ++i) EXPECT_EQ(ops[i], i % 5 == 4 ? IOP_OP_FSYNC : IOP_OP_WRITE) << i;
}

TEST(IoSource, SequentialIosFollowEachOtherAndWrapAtTheEnd) {
  const JobSpec spec = source_job({{"file-size", "64k"}, {"total-ops", "40"}});
  const TargetLayout layout = TargetLayout::plan(spec, true);
  SourceUnderTest t(spec, layout, 0);
  for (uint64_t i = 0; i < 40; ++i) {
    ASSERT_EQ(t.source.next(t.slot), IoSource::Next::kReady);
    EXPECT_EQ(t.slot.io.offset, (i % 16) * 4096) << i;
    EXPECT_EQ(t.slot.io.len, 4096u);
  }
  EXPECT_EQ(t.source.next(t.slot), IoSource::Next::kBudgetSpent);
}

// The blocks (4 KiB) a source addresses, in order, "r3" / "w0" per IO.
std::vector<std::string> walk_of(const JobOptionTexts& options, uint32_t ios) {
  const JobSpec spec = source_job(options);
  const TargetLayout layout = TargetLayout::plan(spec, true);
  SourceUnderTest t(spec, layout, 0);
  EXPECT_FALSE(t.source.plain_shape());  // (the plain loop has one cursor and no skip)
  std::vector<std::string> walk;
  for (uint32_t i = 0; i < ios; ++i) {
    EXPECT_EQ(t.source.next(t.slot), IoSource::Next::kReady) << i;
    walk.push_back((t.slot.io.op == IOP_OP_READ ? "r" : "w") + std::to_string(t.slot.io.offset / 4096));
  }
  return walk;
}

// --sequential-skip: the next IO starts SIZE after the last one's end;
// forward past the end it wraps to the start, backwards before the start
// to the end less SIZE (fio's rw=read:8k and rw=read:-8k, whose offsets a
// test in tests/integration sees under strace).  An IO that ends at the
// end starts the walk again at the first block.
TEST(IoSource, ASequentialSkipLeavesHolesOrGoesBackwards) {
  using W = std::vector<std::string>;
  EXPECT_EQ(walk_of({{"file-size", "64k"}, {"total-ops", "100"}, {"sequential-skip", "8k"}}, 8),
            (W{"r0", "r3", "r6", "r9", "r12", "r15", "r0", "r3"}));
  EXPECT_EQ(walk_of({{"file-size", "64k"}, {"total-ops", "100"}, {"sequential-skip", "4k"}}, 10),
            (W{"r0", "r2", "r4", "r6", "r8", "r10", "r12", "r14", "r0", "r2"}));
  EXPECT_EQ(walk_of({{"file-size", "64k"}, {"total-ops", "100"}, {"sequential-skip", "-8k"}}, 18),
            (W{"r0", "r14", "r13", "r12", "r11", "r10", "r9", "r8", "r7", "r6", "r5", "r4", "r3", "r2", "r1", "r0",
               "r14", "r13"}));
  // 8 KiB IOs stepping back 8 KiB: the same block again, as in fio.
  EXPECT_EQ(walk_of({{"file-size", "64k"}, {"total-ops", "100"}, {"block-size", "8k"}, {"sequential-skip", "-8k"}}, 4),
            (W{"r0", "r0", "r0", "r0"}));
}

// --sequential-cursor per-op: reads and writes each go on from their own
// last IO and wrap at the end on their own (fio's rw=rw, a time_based one
// included).
TEST(IoSource, PerOpCursorsWalkAndWrapEachOpApart) {
  const std::vector<std::string> walk =
      walk_of({{"file-size", "32k"}, {"total-ops", "400"}, {"read-percent", "80"}, {"sequential-cursor", "per-op"}},
              400);
  uint64_t next[2] = {0, 0};  // the block each op's next IO must address
  uint64_t count[2] = {0, 0};
  for (size_t i = 0; i < walk.size(); ++i) {
    const int op = walk[i][0] == 'w';
    const uint64_t block = std::stoull(walk[i].substr(1));
    ASSERT_EQ(block, next[op]) << i << " " << walk[i];
    next[op] = (block + 1) % 8;
    ++count[op];
  }
  EXPECT_GT(count[1], 40u);  // the writes too go round the file several times
}

TEST(IoSource, ThePlainPathIssuesTheSameIosAsTheGeneralOne) {
  for (const char* pattern : {"random", "sequential"}) {
    JobSpec spec = pattern == std::string("random")
                       ? source_job({{"random", ""}, {"file-size", "64M"}, {"read-percent", "70"}, {"total-ops", "5000"}})
                       : source_job({{"file-size", "64k"}, {"read-percent", "70"}, {"total-ops", "5000"}});
    const TargetLayout layout = TargetLayout::plan(spec, true);
    SourceUnderTest general(spec, layout, 0);
    SourceUnderTest plain(spec, layout, 0);
    ASSERT_TRUE(plain.source.plain_shape()) << pattern;
    plain.source.enter_plain();
    std::vector<std::tuple<uint8_t, uint64_t, uint32_t, std::vector<unsigned char>>> a, b;
    while (general.source.next(general.slot) == IoSource::Next::kReady) {
      const iop_io& io = general.slot.io;
      a.emplace_back(io.op, io.offset, io.len, std::vector<unsigned char>(general.buffer.begin(), general.buffer.begin() + 64));
    }
    while (plain.source.next_plain(plain.slot) == IoSource::Next::kReady) {
      const iop_io& io = plain.slot.io;
      b.emplace_back(io.op, io.offset, io.len, std::vector<unsigned char>(plain.buffer.begin(), plain.buffer.begin() + 64));
    }
    EXPECT_EQ(a.size(), 5000u) << pattern;
    EXPECT_TRUE(a == b) << pattern;
  }
}

TEST(IoSource, FreshDataInEveryWrite) {
  const JobSpec spec = source_job({{"random", ""}, {"file-size", "64M"}, {"read-percent", "0"}, {"total-ops", "2000"}});
  const TargetLayout layout = TargetLayout::plan(spec, true);
  SourceUnderTest t(spec, layout, 0);
  std::map<std::string, int> contents;
  while (t.source.next(t.slot) == IoSource::Next::kReady) {
    ++contents[std::string(t.buffer.begin(), t.buffer.begin() + t.slot.io.len)];
  }
  EXPECT_EQ(contents.size(), 2000u);  // no two writes carried the same bytes
}

TEST(IoSource, ATrimmedRangeIsWrittenBackAfterItsTrimCompleted) {
  const JobSpec spec = source_job({{"random", ""},
                            {"file-size", "64M"},
                            {"read-percent", "0"},
                            {"trim-percent", "100"},
                            {"trim-write", ""},
                            {"total-ops", "3"}});
  const TargetLayout layout = TargetLayout::plan(spec, true);
  SourceUnderTest t(spec, layout, 0);
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(t.source.next(t.slot), IoSource::Next::kReady);
    ASSERT_EQ(t.slot.io.op, IOP_OP_TRIM);
    EXPECT_EQ(t.slot.io.buf, nullptr);
    const uint64_t trimmed = t.slot.io.offset;
    // The budget is spent, but the trim's write is still to come.
    if (i == 2) {
      EXPECT_EQ(t.source.next(t.slot), IoSource::Next::kBlocked);
    }
    t.source.trim_completed(t.slot, /*write_back=*/true);
    ASSERT_EQ(t.source.next(t.slot), IoSource::Next::kReady);
    EXPECT_EQ(t.slot.io.op, IOP_OP_WRITE);
    EXPECT_EQ(t.slot.io.offset, trimmed);
    EXPECT_NE(t.slot.io.buf, nullptr);
  }
  EXPECT_EQ(t.source.next(t.slot), IoSource::Next::kBudgetSpent);
}

}  // namespace
}  // namespace iopulse
