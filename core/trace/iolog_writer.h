// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// IoLogWriter: the thread that writes an iolog (--write-iolog) while the
// run goes on.  Workers fill buffers of records (IoLogRecorder) and hand a
// full one over with submit(); the writer thread writes it and returns it
// (IoLogBuffer::returned).  Nothing of the writing happens on a worker's
// thread, so none of it is counted as IO latency.
//
// Thread safety: submit() and wait_returned() from any worker thread;
// finish() once, from the thread that created the writer, after the
// workers stopped.
#ifndef IOPULSE_TRACE_IOLOG_WRITER_H_
#define IOPULSE_TRACE_IOLOG_WRITER_H_

#include <atomic>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "trace/iolog_format.h"

namespace iopulse {

// A worker's buffer of records.  Owned by the worker's IoLogRecorder; the
// writer reads records[0, count) between submit() and the release store
// of `returned`.
struct IoLogBuffer {
  std::unique_ptr<IoLogRecord[]> records;
  uint32_t capacity = 0;
  uint32_t count = 0;        // records reserved
  uint32_t pending = 0;      // reserved records whose IO has not completed
  std::atomic<bool> returned{true};  // false while the writer holds it
};

class IoLogWriter {
 public:
  // Creates (or truncates) `path`, writes the header and starts the
  // thread.  Throws std::system_error naming the path (a header that cannot
  // be written fails here, before the run).  The header's start time is
  // set later (set_start_unix_ns).
  IoLogWriter(const std::string& path, const IoLogHeader& header);
  // Writes to `fd` (an open, empty file; the writer owns it and closes it)
  // instead; `label` names it in messages ("--write-iolog 'x'").
  IoLogWriter(int fd, std::string label, const IoLogHeader& header);
  ~IoLogWriter();
  IoLogWriter(const IoLogWriter&) = delete;
  IoLogWriter& operator=(const IoLogWriter&) = delete;

  // The wall-clock time the window opened (the records' issue_ns count from
  // it): the header says it.  In a file the header's field is rewritten in
  // place at each call (pwrite), so a later, closer value wins; a pipe
  // (which cannot be rewritten) gets its header when the first call or the
  // first record comes, whichever is first.
  void set_start_unix_ns(uint64_t unix_ns);
  // Queues `buffer` (count records) for writing; `returned` goes false now
  // and true once it is written.
  void submit(IoLogBuffer* buffer);
  // Blocks until the writer returned `buffer`.
  void wait_returned(const IoLogBuffer* buffer);
  // Writes what is queued, stops the thread, closes the file.  Returns the
  // first write error ("" when none), e.g. "--write-iolog 'x': No space left
  // on device"; after an error the rest is discarded.
  std::string finish();

 private:
  // Writes the header now when the file can be rewritten in place, else
  // leaves it to the thread; starts the thread.
  void start();
  void run();

  std::string label_;
  int fd_ = -1;
  IoLogHeader header_;          // under mutex_ until written
  bool header_written_ = false;  // under mutex_
  bool seekable_ = false;        // the header is rewritten in place
  bool start_known_ = false;     // under mutex_
  std::mutex mutex_;
  std::condition_variable queued_;    // the writer waits for work
  std::condition_variable returned_;  // workers wait for a buffer
  std::deque<IoLogBuffer*> queue_;
  bool stopping_ = false;
  bool finished_ = false;
  std::string error_;
  std::thread thread_;
};

}  // namespace iopulse

#endif  // IOPULSE_TRACE_IOLOG_WRITER_H_
