/* SPDX-License-Identifier: MIT
 * SPDX-FileCopyrightText: 2026 The IOPulse authors */
// engine_session.h -- one instance of the engine under test, driven the way
// the host drives it, with the data-plane contract checked on every call.
//
// Every submit() and reap() goes through here and fails the check when the
// engine breaks a rule of engine.h: accepting more IOs than offered or than
// the queue depth leaves room for, a negative submit() for a full queue,
// reaping more than `max`, a completion whose user_data is not an IO in
// flight (never submitted, or already completed: each accepted IO completes
// exactly once), a reap() that returns an error, or a completion whose
// flags, aux or reserved member break the rules (an aux kind the op does
// not define, unknown flag bits, IOP_CQE_ERROR_TEXT without error_text()
// giving a text for it).
//
// IOs come from a pool of slots owned by the session (iop_io plus
// io_priv_size bytes of 64-byte aligned scratch, stable for the session's
// life, as the host provides).  Every IO gets a fresh 64-bit user_data with
// its high bits set, so an engine that truncates it is caught.
#ifndef IOPULSE_CONFORMANCE_ENGINE_SESSION_H
#define IOPULSE_CONFORMANCE_ENGINE_SESSION_H

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "check.h"

namespace iopcheck {

struct Completion {
  iop_io* io;         // valid until the next prepare()
  int64_t res;
  uint64_t aux;
  uint32_t flags;     // IOP_CQE_*
  std::string text;   // error_text() of a completion with IOP_CQE_ERROR_TEXT
};

class EngineSession {
 public:
  // Creates an instance with `queue_depth` (and IOP_CONFIG_DIRECT on
  // --direct) and a pool of `pool_size` IO slots (default: queue_depth).
  // Fails the check when create() fails.
  EngineSession(const Target& t, uint32_t queue_depth, uint32_t pool_size = 0);
  // Reaps what is still in flight, closes the files still open and destroys
  // the instance.  An instance whose IOs never complete is not destroyed
  // (the contract forbids it); the check has failed by then anyway.
  ~EngineSession();
  EngineSession(const EngineSession&) = delete;
  EngineSession& operator=(const EngineSession&) = delete;

  const Target& target() const { return t_; }
  const iop_engine_desc& desc() const { return *t_.desc; }
  iop_engine* engine() const { return engine_; }
  uint32_t queue_depth() const { return queue_depth_; }
  uint32_t in_flight() const { return static_cast<uint32_t>(in_flight_.size()); }

  // Opens `path` as the host would: the checker opens its own descriptor
  // with `oflags` (plus O_DIRECT and IOP_FILE_DIRECT on --direct) unless the
  // engine is diskless or opens files by path, then calls open_file() with
  // `file_flags` and `size`.  Returns the handle; fails the check when
  // open_file() fails.
  int32_t open(const std::string& path, int oflags, uint32_t file_flags, uint64_t size);
  // The same, but returns open_file()'s negative result and its message
  // instead of failing (the checker's descriptor is closed again then).
  int32_t try_open(const std::string& path, int oflags, uint32_t file_flags, uint64_t size,
                   std::string* message);
  // Opens directory `path` for metadata ops (IOP_FILE_DIRECTORY; the
  // checker's descriptor has O_DIRECTORY) and returns the handle; fails the
  // check when open_file() fails.
  int32_t open_dir(const std::string& path);
  // close_file() must succeed; then the checker closes its descriptor.
  void close(int32_t handle);

  // Takes a free slot and fills it for one IO.  buf_index -1: unregistered.
  iop_io* prepare(uint8_t op, int32_t handle, uint64_t offset, void* buf, uint32_t len,
                  int32_t buf_index = -1);
  // Takes a free slot and fills it for metadata op `op` on directory handle
  // `dir`: path (and path2/dir2 for a rename), mode, IOP_META_* flags, and
  // for CREATE/READ_FILE/WRITE_FILE the data buffer.  The arguments live in
  // the slot until the IO is reaped.
  iop_io* prepare_meta(uint8_t op, int32_t dir, const std::string& path,
                       const std::string& path2 = "", int32_t dir2 = -1, uint32_t mode = 0,
                       uint32_t meta_flags = 0, void* buf = nullptr, uint32_t len = 0);
  // Returns a prepared IO that was never accepted to the pool.
  void release(iop_io* io);

  // submit() with the contract checked; returns what the engine returned
  // (a negative value is returned, not failed: some checks expect one).
  int32_t submit(iop_io* const* ios, uint32_t n, uint32_t flags = 0);
  // reap() with the contract checked; *elapsed_ns gets the call's duration.
  std::vector<Completion> reap(uint32_t max, uint32_t min_wait, uint64_t timeout_ns,
                               uint64_t* elapsed_ns = nullptr);
  // Runs all `ios` (prepared, in this order), keeping up to the queue depth
  // in flight and submitting in batches as the host does; calls done() for
  // each completion and returns each IO's res in the order of `ios`.
  // Fails the check when they do not all complete within 30 s.
  std::vector<int64_t> run(const std::vector<iop_io*>& ios,
                           const std::function<void(const Completion&)>& done = {});
  // One IO, start to finish.
  int64_t run_one(uint8_t op, int32_t handle, uint64_t offset, void* buf, uint32_t len,
                  int32_t buf_index = -1);
  // One prepared IO, start to finish; returns its completion.
  Completion run_io(iop_io* io);
  // Reaps until nothing is in flight, or fails the check after timeout_ns.
  void drain(uint64_t timeout_ns);

 private:
  enum class SlotState { kFree, kPrepared, kInFlight };
  struct Slot {
    iop_io io;
    SlotState state;
    iop_meta_args meta;       // a metadata op's arguments
    std::string path, path2;  // what meta points at
  };
  struct OpenFile {
    int32_t handle;
    int fd;
  };

  Slot* slot_of(iop_io* io);
  // Checks one completion of `io` (see the top of the file) and fills the
  // text of IOP_CQE_ERROR_TEXT; "" or the broken rule.
  std::string check_completion(const iop_io& io, const iop_cqe& c, std::string* text);

  const Target& t_;
  iop_engine* engine_ = nullptr;
  uint32_t queue_depth_;
  std::vector<Slot> slots_;
  void* priv_ = nullptr;  // pool_size * priv_stride bytes, 64-byte aligned
  uint64_t next_user_data_ = 0;
  std::unordered_map<uint64_t, Slot*> in_flight_;
  std::unordered_set<uint64_t> completed_;
  size_t unmatched_ = 0;  // completions whose user_data matched no IO in flight
  std::vector<OpenFile> files_;
  std::vector<iop_cqe> cqes_;
};

uint64_t monotonic_ns();

// A file the checks do IO on, open through a session.
struct DataFile {
  std::string path;
  int32_t handle = -1;
  uint64_t size = 0;
};

// A file of `blocks` blocks of the run's block size, opened read-write
// through `s`: for an engine that does file IO a new file holding the
// pattern of `seed`; for a diskless one only a name.
DataFile open_pattern_file(EngineSession& s, const char* stem, uint64_t blocks, uint64_t seed);

}  // namespace iopcheck

#endif  // IOPULSE_CONFORMANCE_ENGINE_SESSION_H
