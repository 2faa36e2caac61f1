// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// BlktraceReader: a blktrace capture as a trace (docs/replay.md, "Replaying
// a blktrace capture"): the per-CPU files of one capture (NAME.blktrace.N)
// merged by time, as blkparse merges them, or one file (blkparse -d).
//
// What it takes, as fio's read_iolog takes it from blktrace: queue events
// (__BLK_TA_QUEUE), i.e. the IOs as submitted, before merging and
// splitting.  A discard is a trim; a flush (BLK_TC_FLUSH) is an fsync,
// followed by its write when it carries data; a FUA write is the write
// followed by an fdatasync; any other queued read or write of some bytes
// is that read or write, at sector * 512.  Everything else is left out:
// the other events (merges, issues, completions, plugs, remaps...), notify
// records (BLK_TN_*), queued events of 0 bytes without a flush.
//
// Times are ns since the first IO taken.  Each recorded device (dev_t) is
// one trace file, named "device MAJ:MIN", numbered in the order it first
// appears; each CPU (or, by_pid, each process) is one recorded worker,
// numbered the same way.  Both
// lists grow while the trace is read.
//
// Memory: one BlktraceFile chunk per file, the device and CPU lists.
#ifndef IOPULSE_TRACE_BLKTRACE_READER_H_
#define IOPULSE_TRACE_BLKTRACE_READER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "trace/blktrace_file.h"
#include "trace/trace_source.h"

namespace iopulse {

class BlktraceReader final : public TraceSource {
 public:
  // Opens every file of `paths` (one capture).  `by_pid`: a recorded worker
  // per process (the pid field) instead of per CPU.  Throws
  // std::system_error.
  explicit BlktraceReader(const std::vector<std::string>& paths, bool by_pid = false);
  ~BlktraceReader() override;

  size_t read(TraceRecord* out, size_t n) override;
  std::string position() const override;
  std::string format() const override;
  const std::vector<std::string>& files() const override { return device_names_; }
  uint32_t workers() const override { return static_cast<uint32_t>(cpus_.size()); }

 private:
  struct Input {
    std::unique_ptr<BlktraceFile> file;
    BlkEvent head;        // its next record, when !done
    bool done = false;
  };
  // Moves `in` to its next record.
  void advance(Input& in);
  // Turns a record into up to 3 records at pending_ (fsync, data, fdatasync).
  void convert(const BlkEvent& e);
  uint32_t device_index(uint32_t device);
  uint32_t cpu_index(uint32_t cpu);

  std::vector<Input> inputs_;
  const BlktraceFile* last_ = nullptr;   // where the last record came from
  uint64_t last_offset_ = 0;
  TraceRecord pending_[3];
  size_t pending_pos_ = 0, pending_count_ = 0;
  bool have_start_ = false;
  uint64_t start_ns_ = 0;
  bool by_pid_ = false;
  std::vector<uint32_t> devices_, cpus_;  // raw values (CPUs or pids), by index
  std::vector<std::string> device_names_;
};

// The files of the capture `path` names: `path` itself when it is a file,
// else PATH.blktrace.N (the per-CPU files blktrace -o PATH writes), in CPU
// order; empty when there are neither.
std::vector<std::string> blktrace_capture_files(const std::string& path);

}  // namespace iopulse

#endif  // IOPULSE_TRACE_BLKTRACE_READER_H_
