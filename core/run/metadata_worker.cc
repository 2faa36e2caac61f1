// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "run/metadata_worker.h"

#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <system_error>
#include <utility>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "run/interrupt.h"
#include "run/monotonic_clock.h"

namespace iopulse {
namespace {

uint8_t op_of(OpKind kind) { return info(kind).op; }

}  // namespace

MetadataWorker::MetadataWorker(const WorkerSetup& setup, MetadataPlan plan)
    : setup_(setup),
      plan_(std::move(plan)),
      md_(plan_.metadata),
      phase_(plan_.phase),
      dir_items_(info(phase_).dir_items),
      subject_(plan_.subject),
      ns_(md_, subject_, plan_.workers, dir_items_),
      owner_(plan_.record_owner),
      remaining_ops_(plan_.ops),
      rng_(plan_.rng_seed) {
  if (md_.file_bytes > 0) file_data_.emplace(plan_.data_seed, static_cast<uint32_t>(md_.file_bytes));
}

MetadataWorker::~MetadataWorker() {
  teardown();
  std::free(slots_);
  std::free(buffers_);
  std::free(priv_);
}

const std::array<LatencyHistogram, kNumOpKinds>& MetadataWorker::intended_latency() const {
  static const std::array<LatencyHistogram, kNumOpKinds> kNone{};
  return kNone;
}

void MetadataWorker::run() {
  // A descriptor table of its own, as the data Worker; once per thread: a
  // crew thread runs several phases (run/phase_crew.h), and the kernel's
  // io_uring workers of a thread keep the table they were created with.
  static thread_local bool own_table = false;
  if (!own_table) own_table = unshare(CLONE_FILES) == 0;
  try {
    if (plan_.cpu >= 0) {
      cpu_set_t set;
      CPU_ZERO(&set);
      CPU_SET(plan_.cpu, &set);
      const int rc = pthread_setaffinity_np(pthread_self(), sizeof set, &set);
      if (rc != 0) throw std::system_error(rc, std::generic_category(), "pinning a metadata worker");
    }
    setup();
  } catch (...) {
    setup_error_ = std::current_exception();
    setup_.barrier->abort();
    teardown();
    setup_.time_series->finish(setup_.index);
    finished_.store(true, std::memory_order_release);
    setup_.signals->wake_coordinator();
    return;
  }
  const uint64_t start_ns = setup_.barrier->arrive_and_wait();
  if (start_ns == 0 && claimed_) {
    // Another worker's (or rank's) set-up failed: nothing was created, so
    // this worker's claim goes back to what the record said.
    teardown();
    try {
      own_.store(plan_.target, md_.shared_dir, subject_);
    } catch (...) {
    }
  }
  const ResourceUsage usage_at_start = ResourceUsage::thread_now();
  if (start_ns != 0) {
    try {
      loop(start_ns);
    } catch (...) {
      run_error_ = std::current_exception();
      setup_.signals->io_failed.store(true, std::memory_order_relaxed);
      setup_.signals->request_stop();
    }
  }
  cpu_ = sched_getcpu();
  usage_ = ResourceUsage::between(usage_at_start, ResourceUsage::thread_now());
  // The engine and the directory are closed first, so the record still gets
  // a descriptor when the phase ended on EMFILE.
  teardown();
  if (start_ns != 0) {
    try {
      store_record();
    } catch (...) {
      if (!run_error_) run_error_ = std::current_exception();
      setup_.signals->io_failed.store(true, std::memory_order_relaxed);
    }
  }
  // With a last interval closed, collect_intervals() finishes the worker's
  // time series when it hands that interval over.
  if (!last_closed_) setup_.time_series->finish(setup_.index);
  finished_.store(true, std::memory_order_release);
  setup_.signals->wake_coordinator();
}

void MetadataWorker::collect_intervals() {
  if (!finished() || !last_closed_ || last_handed_over_.exchange(true)) return;
  hand_over_interval(last_index_, /*last=*/true);
  setup_.time_series->finish(setup_.index);
}

void MetadataWorker::hand_over_interval(uint64_t index, bool last) {
  WorkerInterval closed;
  closed.last = last;
  closed.worker = setup_.index;
  closed.index = index;
  closed.ops = interval_;
  closed.inflight_sum = inflight_sum_;
  closed.reap_calls = reap_calls_;
  cumulative_.merge(interval_);
  interval_.clear();
  inflight_sum_ = reap_calls_ = 0;
  setup_.time_series->deliver(std::move(closed));
}

void MetadataWorker::setup() {
  const std::string& target = plan_.target;

  // What exists: the records (checked against the job before the run).
  // The subject's record: this worker's own but with --md-stride.
  const uint32_t me = subject_;
  own_ = MetadataRecord::read(target, md_.shared_dir, me).value_or(MetadataRecord{ns_.shape(), 0, 0, 0});
  if (!own_.unconfirmed.empty()) adopt_claim();
  if (own_.renaming_end > own_.renaming_begin) restore_renamed();
  if (owner_ == me) {
    dirs_ = own_.dirs;
  } else if (std::optional<MetadataRecord> tree = MetadataRecord::read(target, md_.shared_dir, owner_)) {
    // (The owner adopts a claim of the tree in its own set-up, from the
    // same names.)
    if (tree->unconfirmed == "dirs") tree->settle_claim(target, ns_);
    dirs_ = tree->dirs;
  }
  plan_steps();
  // A phase that creates claims what it may create before creating it.
  claimed_ = true;
  if (phase_ == MetaPhase::kTreeCreate && ns_.owns_tree()) {
    MetadataRecord claim = own_;
    claim.dirs = ns_.num_dirs();
    claim.unconfirmed = "dirs";
    claim.unconfirmed_depth = setup_.queue_depth;
    claim.store(target, md_.shared_dir, me);
  } else if (phase_ == MetaPhase::kFileCreate && !steps_.empty()) {
    MetadataRecord claim = own_;
    claim.files_begin = 0;
    claim.files_end = steps_.back().item + 1;
    claim.unconfirmed = "files";
    claim.unconfirmed_depth = setup_.queue_depth;
    claim.store(target, md_.shared_dir, me);
  } else if (phase_ == MetaPhase::kDirCreate && !steps_.empty()) {
    MetadataRecord claim = own_;
    claim.item_dirs_begin = 0;
    claim.item_dirs_end = steps_.back().item + 1;
    claim.unconfirmed = "item_dirs";
    claim.unconfirmed_depth = setup_.queue_depth;
    claim.store(target, md_.shared_dir, me);
  } else if ((phase_ == MetaPhase::kRename || phase_ == MetaPhase::kDirRename) && !steps_.empty()) {
    // (A kill between a rename away and its rename back leaves the entry
    // under its other name: the claim lets the next phase give it back.)
    // (With what an earlier one left that could not be given back, which
    // must be of the same kind: the record holds one range.)
    if (own_.renaming_end > own_.renaming_begin && own_.renaming_item_dirs != dir_items_) {
      claimed_ = false;
      throw std::runtime_error(fmt::format(
          "{}: {} of worker {} still stand under the name an earlier rename phase gave them; give them their names "
          "back (or remove the tree) before renaming {}", target, own_.renaming_item_dirs ? "item directories" : "files",
          me, dir_items_ ? "item directories" : "files"));
    }
    MetadataRecord claim = own_;
    claim.renaming_begin = steps_.front().item;
    claim.renaming_end = steps_.back().item + 1;
    if (own_.renaming_end > own_.renaming_begin) {
      claim.renaming_begin = std::min(claim.renaming_begin, own_.renaming_begin);
      claim.renaming_end = std::max(claim.renaming_end, own_.renaming_end);
    }
    claim.renaming_item_dirs = dir_items_;
    claim.store(target, md_.shared_dir, me);
    // When the phase began, on the file system's own clock (the one its
    // entries' birth times come from, a server's for a network file
    // system): the claim's modification time.  (Kept from an earlier claim
    // whose range this one takes over.)
    if (own_.renaming_end <= own_.renaming_begin) {
      struct statx written{};
      const std::string record = MetadataRecord::path(target, md_.shared_dir, me);
      claim.renaming_since_ns =
          statx(AT_FDCWD, record.c_str(), 0, STATX_MTIME, &written) == 0 && (written.stx_mask & STATX_MTIME) != 0
              ? static_cast<uint64_t>(written.stx_mtime.tv_sec) * 1'000'000'000u + written.stx_mtime.tv_nsec
              : 0;
      if (claim.renaming_since_ns != 0) claim.store(target, md_.shared_dir, me);
    }
    own_.renaming_since_ns = claim.renaming_since_ns;  // (for the record after the phase)
  } else {
    claimed_ = false;
  }
  try {
    open_engine_and_pool();
  } catch (...) {
    // Nothing was created (no descriptor left for the engine or the
    // target, say): the record goes back to what it was, so no claim of
    // what never existed is left.  The set-up's own error is the one told.
    if (claimed_) {
      teardown();
      try {
        own_.store(target, md_.shared_dir, me);
      } catch (...) {
      }
    }
    throw;
  }
}

void MetadataWorker::open_engine_and_pool() {
  const std::string& target = plan_.target;
  const iop_engine_desc& desc = *setup_.engine;
  const uint32_t qd = setup_.queue_depth;

  iop_engine_config config{};
  config.struct_size = sizeof config;
  config.queue_depth = qd;
  config.worker_index = setup_.layout_index;
  config.num_workers = plan_.host_workers;
  config.num_options = setup_.num_engine_options;
  config.options = setup_.engine_options;
  engine_ = std::make_unique<EngineInstance>(desc, config);
  const uint64_t caps = (desc.caps & IOP_CAP_REPORT) != 0 ? engine_->report().caps : desc.caps;
  if ((caps & IOP_CAP_COMPLETION_FD) != 0) {
    completion_wait_ = std::make_unique<CompletionWait>(engine_->completion_fd(), setup_.signals->stop_fd());
  }
  ledger_ = std::make_unique<CompletionLedger>(desc.name, qd);

  const bool host_opens = (desc.required_caps & IOP_REQ_OPENS_BY_PATH) == 0;
  if (host_opens) {
    dir_fd_ = open(target.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir_fd_ < 0) throw std::system_error(errno, std::generic_category(), fmt::format("opening '{}'", target));
  }
  iop_file_desc fdesc{};
  fdesc.struct_size = sizeof fdesc;
  fdesc.flags = IOP_FILE_DIRECTORY | IOP_FILE_READ | IOP_FILE_WRITE;
  fdesc.path = target.c_str();
  fdesc.fd = dir_fd_;
  dir_handle_ = engine_->open_file(fdesc);

  // The pool: one buffer per slot, large enough for a whole file.
  const uint64_t bytes = std::max(md_.file_bytes, md_.read_bytes);
  const size_t align = std::max<size_t>(4096, desc.min_buf_align);
  buf_stride_ = bytes == 0 ? 0 : (bytes + align - 1) / align * align;
  const size_t priv_stride = (desc.io_priv_size + 63) / 64 * 64;
  slots_ = static_cast<Slot*>(std::aligned_alloc(64, (sizeof(Slot) * qd + 63) / 64 * 64));
  if (slots_ == nullptr) throw std::bad_alloc();
  if (buf_stride_ > 0) {
    buffers_ = static_cast<unsigned char*>(std::aligned_alloc(align, buf_stride_ * qd));
    if (buffers_ == nullptr) throw std::bad_alloc();
  }
  if (priv_stride > 0) {
    priv_ = std::aligned_alloc(64, priv_stride * qd);
    if (priv_ == nullptr) throw std::bad_alloc();
    std::memset(priv_, 0, priv_stride * qd);
  }
  free_.resize(qd);
  batch_.resize(qd);
  // Guard entries past qd: an engine writing a few completions too many
  // writes there, and the ledger stops the run.
  cqes_.resize(qd + CompletionLedger::kGuardCompletions);
  for (uint32_t i = 0; i < qd; ++i) {
    Slot& slot = slots_[i];
    std::memset(&slot, 0, sizeof slot);
    slot.io.user_data = i;
    slot.io.file = dir_handle_;
    slot.io.buf_index = -1;
    slot.io.priv = priv_stride > 0 ? static_cast<unsigned char*>(priv_) + i * priv_stride : nullptr;
    slot.io.meta = &slot.meta;
    slot.meta.struct_size = sizeof slot.meta;
    slot.meta.dir2 = -1;
    free_[i] = qd - 1 - i;
  }
}

void MetadataWorker::add_dependency(uint64_t earlier, uint64_t later) {
  // Called in increasing `earlier` order only for the CSR build below.
  deps_.push_back(later);
  ++blockers_[later];
  (void)earlier;
}

void MetadataWorker::plan_steps() {
  // The items that exist: files, or item directories for the dir-* phases.
  const uint64_t files_begin = dir_items_ ? own_.item_dirs_begin : own_.files_begin;
  const uint64_t files_end = std::min<uint64_t>(dir_items_ ? own_.item_dirs_end : own_.files_end, ns_.num_files());
  // (earlier, later) pairs, turned into the CSR lists at the end.
  std::vector<std::pair<uint64_t, uint64_t>> edges;
  switch (phase_) {
    case MetaPhase::kTreeCreate: {
      if (!ns_.owns_tree()) break;
      for (uint32_t d = 0; d < ns_.num_dirs(); ++d) {
        steps_.push_back({IOP_OP_MKDIR, false, d, 0});
        if (ns_.parent(d) != MetadataNamespace::kNoParent) edges.emplace_back(ns_.parent(d), d);
      }
      break;
    }
    case MetaPhase::kTreeRemove: {
      if (!ns_.owns_tree()) break;
      // Deepest first: step s removes directory dirs_ - 1 - s.
      for (uint32_t s = 0; s < dirs_; ++s) steps_.push_back({IOP_OP_RMDIR, false, dirs_ - 1 - s, 0});
      for (uint32_t d = 0; d < dirs_; ++d) {
        for (uint32_t k = 0; k < ns_.num_children(d); ++k) {
          const uint32_t c = ns_.first_child(d) + k;
          if (c < dirs_) edges.emplace_back(dirs_ - 1 - c, dirs_ - 1 - d);
        }
      }
      break;
    }
    case MetaPhase::kList:
      for (uint32_t d = 0; d < dirs_; ++d) steps_.push_back({IOP_OP_LIST, false, d, 0});
      break;
    case MetaPhase::kFileCreate:
    case MetaPhase::kDirCreate: {
      const uint8_t op = phase_ == MetaPhase::kDirCreate ? IOP_OP_MKDIR : IOP_OP_CREATE;
      for (uint64_t f = 0; f < ns_.num_files() && ns_.dir_of_file(f) < dirs_; ++f) steps_.push_back({op, false, f, 0});
      break;
    }
    case MetaPhase::kRename:
    case MetaPhase::kDirRename: {
      // In chunks of a queue depth of files: every rename away, then every
      // rename back, so a chunk's renames are in flight together.
      const uint64_t chunk = setup_.queue_depth;
      for (uint64_t first = files_begin; first < files_end; first += chunk) {
        const uint64_t last = std::min(files_end, first + chunk);
        const uint64_t away = steps_.size();
        for (uint64_t f = first; f < last; ++f) steps_.push_back({IOP_OP_RENAME, false, f, 0});
        for (uint64_t f = first; f < last; ++f) {
          steps_.push_back({IOP_OP_RENAME, true, f, away + (f - first)});
          edges.emplace_back(away + (f - first), steps_.size() - 1);
        }
      }
      break;
    }
    case MetaPhase::kMix: {
      uint32_t total = 0;
      for (const MetaMixEntry& e : md_.mix) {
        total += e.weight;
        mix_.emplace_back(total, op_of(e.kind));
      }
      mix_total_ = total;
      files_base_ = files_begin;
      const bool files_drawn =
          std::any_of(md_.mix.begin(), md_.mix.end(), [](const MetaMixEntry& e) { return op_of(e.kind) != IOP_OP_LIST; });
      if (files_drawn && files_end <= files_begin) {
        // Every name it would draw is one IOPulse has no record of making
        // (the creation before it made none): none may be touched.
        throw std::runtime_error(fmt::format("mix in '{}': no file of the record to work on (the files created "
                                             "before it are none)", plan_.target));
      }
      const uint64_t n = std::max<uint64_t>(1, files_end - files_begin);
      files_.emplace(plan_.file_pattern, n, 0, plan_.distribution, plan_.job_seed);
      // Without another stop, one op per file.
      if (plan_.mix_one_op_per_file) remaining_ops_ = files_end - files_begin;
      break;
    }
    default: {
      const uint8_t op = op_of(info(phase_).kind);
      for (uint64_t f = files_begin; f < files_end; ++f) steps_.push_back({op, false, f, 0});
      break;
    }
  }
  blockers_.assign(steps_.size(), 0);
  issued_.assign(steps_.size(), 0);
  dep_begin_.assign(steps_.size() + 1, 0);
  std::sort(edges.begin(), edges.end());
  for (const auto& [earlier, later] : edges) ++dep_begin_[earlier + 1];
  for (size_t i = 1; i < dep_begin_.size(); ++i) dep_begin_[i] += dep_begin_[i - 1];
  deps_.reserve(edges.size());
  for (const auto& [earlier, later] : edges) add_dependency(earlier, later);
}

void MetadataWorker::fill(Slot& slot, uint8_t op, uint64_t item, bool rename_back) {
  iop_io& io = slot.io;
  iop_meta_args& m = slot.meta;
  io.op = op;
  io.offset = 0;
  io.len = 0;
  io.buf = nullptr;
  m.flags = 0;
  m.path2 = nullptr;
  m.mode = 0;
  switch (op) {
    case IOP_OP_MKDIR:
      m.path = dir_items_ ? ns_.item_dir(item) : ns_.dir(static_cast<uint32_t>(item));
      m.mode = 0755;
      break;
    case IOP_OP_RMDIR:
      m.path = dir_items_ ? ns_.item_dir(item) : ns_.dir(static_cast<uint32_t>(item));
      break;
    case IOP_OP_LIST:
      m.path = ns_.dir(static_cast<uint32_t>(item));
      break;
    case IOP_OP_RENAME: {
      const char* name = dir_items_ ? ns_.item_dir(item) : ns_.file(item);
      const char* other = dir_items_ ? ns_.renamed_item_dir(item) : ns_.renamed(item);
      m.path = rename_back ? other : name;
      m.path2 = rename_back ? name : other;
      // Never over an entry that has the new name (someone else's).
      if (!md_.rename_replace) m.flags |= IOP_META_NOREPLACE;
      break;
    }
    case IOP_OP_CREATE:
    case IOP_OP_WRITE_FILE:
      m.path = ns_.file(item);
      if (op == IOP_OP_CREATE) {
        m.mode = 0644;
        // The phase makes new files; never one that is there already.
        if (phase_ == MetaPhase::kFileCreate) m.flags |= IOP_META_EXCL;
      }
      if (md_.fsync) m.flags |= IOP_META_FSYNC;
      if (md_.file_bytes > 0) {
        // Fresh seeded bytes for every file written.
        io.buf = buffers_ + io.user_data * buf_stride_;
        file_data_->fill(io.buf, static_cast<uint32_t>(md_.file_bytes));
        io.len = static_cast<uint32_t>(md_.file_bytes);
      }
      break;
    case IOP_OP_READ_FILE:
      m.path = ns_.file(item);
      if (buf_stride_ > 0) {
        io.buf = buffers_ + io.user_data * buf_stride_;
        io.len = static_cast<uint32_t>(md_.read_bytes != 0 ? md_.read_bytes : md_.file_bytes);
      }
      break;
    default:  // STAT, OPEN_CLOSE, UNLINK
      m.path = dir_items_ ? ns_.item_dir(item) : ns_.file(item);
      break;
  }
}

bool MetadataWorker::next(Slot& slot, bool stopping) {
  if (phase_ == MetaPhase::kMix) {
    if (stopping || remaining_ops_ == 0 || mix_total_ == 0) return false;
    const uint32_t draw = static_cast<uint32_t>(rng_.below(mix_total_));
    uint8_t op = mix_.back().second;
    for (const auto& [upto, o] : mix_) {
      if (draw < upto) {
        op = o;
        break;
      }
    }
    const uint64_t item = op == IOP_OP_LIST ? rng_.below(std::max<uint32_t>(1, dirs_)) : files_base_ + files_->next_block(rng_);
    fill(slot, op, item, false);
    slot.step = kDrawn;
    --remaining_ops_;
    return true;
  }
  const bool ending = stopping || remaining_ops_ == 0;
  if (ending) {
    // Issued steps stay a prefix (the records count on it), except that
    // the renames back of renames away that were issued still go, so no
    // file is left under its other name; other renames are skipped.
    if (phase_ != MetaPhase::kRename && phase_ != MetaPhase::kDirRename) return false;
    while (cursor_ < steps_.size() &&
           (!steps_[cursor_].rename_back || issued_[steps_[cursor_].pair] == 0 || issued_[steps_[cursor_].pair] == 3)) {
      ++cursor_;
    }
  } else {
    while (cursor_ < steps_.size() && steps_[cursor_].rename_back && issued_[steps_[cursor_].pair] == 3) ++cursor_;
  }
  if (cursor_ >= steps_.size()) return false;
  const Step& s = steps_[cursor_];
  if (blockers_[cursor_] != 0) return false;
  fill(slot, s.op, s.item, s.rename_back);
  issued_[cursor_] = 1;
  slot.step = cursor_++;
  if (!ending) --remaining_ops_;
  return true;
}

void MetadataWorker::complete(Slot& slot, const iop_cqe& cqe, uint64_t now) {
  const iop_io& io = slot.io;
  const bool ok = io.op == IOP_OP_READ_FILE ? cqe.res >= 0 : cqe.res == static_cast<int64_t>(io.len);
  if (ok) [[likely]] {
    OpStats& st = interval_.of(io.op);
    ++st.ops;
    st.bytes += static_cast<uint64_t>(cqe.res);
    st.latency.record(now - slot.submit_ns);
    if (slot.step != kDrawn) {
      if (slot.step + 1 > max_done_) max_done_ = slot.step + 1;
      issued_[slot.step] = 2;
    }
  } else {
    record_failure(slot, cqe);
    if (slot.step != kDrawn) {
      // What a failed step means for the record: a removal that found its
      // entry gone leaves nothing to remove (done, though counted as the
      // error it is); a create that found its name taken (EEXIST) met an
      // entry IOPulse did not make, which the record must never claim.
      if (cqe.res == -ENOENT && removes()) issued_[slot.step] = 2;
      // A rename away that failed left the entry where it was: its rename
      // back is skipped (next()), not issued to fail as well.
      if (renames() && !steps_[slot.step].rename_back) issued_[slot.step] = 3;
      if (cqe.res == -EEXIST && creates()) {
        // Nothing more is created among someone else's entries (with
        // --continue-on-error too): what is created after this would be
        // beyond what the record can say.
        if (slot.step < first_taken_) first_taken_ = slot.step;
        remaining_ops_ = 0;
      }
    }
  }
  if (slot.step != kDrawn) {
    // Whatever the outcome, what waited for this step may go (a failure
    // stops the phase unless --continue-on-error; then it fails on its own),
    // but not into a directory IOPulse found already there (EEXIST): what
    // waits for it stays, and the phase ends there.
    if (!ok && cqe.res == -EEXIST && creates()) return;
    for (uint64_t i = dep_begin_[slot.step]; i < dep_begin_[slot.step + 1]; ++i) --blockers_[deps_[i]];
  }
}

void MetadataWorker::record_failure(const Slot& slot, const iop_cqe& cqe) {
  ++interval_.of(slot.io.op).errors;
  if (first_error_ == 0) first_error_ = cqe.res < 0 ? static_cast<int>(-cqe.res) : EIO;
  if (error_messages_.size() < kMaxErrorMessages) {
    const char* what = to_string(op_kind_of(slot.io.op));
    std::string text;
    if ((cqe.flags & IOP_CQE_ERROR_TEXT) != 0) text = engine_->error_text(cqe.user_data);
    if (text.empty()) {
      text = cqe.res < 0 ? std::strerror(static_cast<int>(-cqe.res))
                         : fmt::format("moved {} of {} bytes", cqe.res, slot.io.len);
    }
    // (NFS and CephFS refuse RENAME_NOREPLACE with EINVAL.)
    if (slot.io.op == IOP_OP_RENAME && cqe.res == -EINVAL && (slot.meta.flags & IOP_META_NOREPLACE) != 0) {
      text += " (a file system without RENAME_NOREPLACE? --md-rename-replace renames over the new name)";
    }
    error_messages_.push_back(fmt::format("{} of '{}/{}'{}: {}", what, plan_.target, slot.meta.path,
                                          slot.meta.path2 != nullptr ? fmt::format(" to '{}'", slot.meta.path2) : "",
                                          text));
  }
  if (!plan_.continue_on_error) {
    setup_.signals->io_failed.store(true, std::memory_order_relaxed);
    setup_.signals->request_stop();
  }
}

void MetadataWorker::loop(uint64_t start_ns) {
  RunSignals& signals = *setup_.signals;
  const uint64_t deadline = plan_.duration_ns != 0 ? start_ns + plan_.duration_ns : UINT64_MAX;
  const uint32_t qd = setup_.queue_depth;
  EngineInstance& engine = *engine_;
  CompletionLedger& ledger = *ledger_;
  uint32_t nfree = qd, pending = 0, inflight = 0;
  // A stop asked for before the release (an interrupt during setup, a
  // phase given up before it started) issues nothing.  The worker watches
  // interrupts itself: on a crew (run/phase_crew.h) its phase may run while
  // the coordinator still reports the one before and watches no phase.
  if (interrupt_signal() != 0 && !signals.stop.load(std::memory_order_relaxed)) signals.request_interrupt_stop();
  bool stopping = signals.stop.load(std::memory_order_relaxed);
  uint64_t now = start_ns;
  start_ns_ = start_ns;
  next_interval_ns_ = start_ns + setup_.stats_interval_ns;

  for (;;) {
    // Refill: every op that may start now, then one submit for the batch.
    while (nfree > 0) {
      Slot& slot = slots_[free_[nfree - 1]];
      if (!next(slot, stopping)) break;
      --nfree;
      batch_[pending++] = &slot.io;
    }
    if (pending > 0) {
      const uint64_t t = monotonic_now_ns();
      for (uint32_t i = 0; i < pending; ++i) slots_[batch_[i]->user_data].submit_ns = t;
      const int32_t accepted = engine.submit(batch_.data(), pending);
      if (accepted < 0) {
        throw std::system_error(-accepted, std::generic_category(),
                                fmt::format("engine {}: submit failed", setup_.engine->name));
      }
      ledger.accepted(batch_.data(), pending, accepted);
      if (accepted == 0 && inflight == 0) {
        throw std::runtime_error(fmt::format("engine {}: submit accepted no IO while none was in flight",
                                             setup_.engine->name));
      }
      inflight += static_cast<uint32_t>(accepted);
      pending -= static_cast<uint32_t>(accepted);
      for (uint32_t i = 0; i < pending; ++i) batch_[i] = batch_[i + static_cast<uint32_t>(accepted)];
    }
    if (inflight == 0) {
      // Nothing in flight and nothing may start: the phase is done (a step
      // only ever waits for one that was issued before it).
      if (pending == 0) break;
      continue;
    }
    int32_t got;
    if (completion_wait_ == nullptr) {
      got = engine.reap(cqes_.data(), qd, 1, kReapTimeoutNs);
    } else {
      // The fd wait also ends at the deadline, and a stop wakes it at once
      // (a draining worker waits for its ops only).
      uint64_t timeout = CompletionWait::kCheckPeriodNs;
      if (!stopping) timeout = std::min(timeout, deadline > now ? deadline - now : 0);
      got = completion_wait_->reap(engine, cqes_.data(), qd, timeout, !stopping);
    }
    if (got < 0) {
      if (got == -EINTR) continue;
      throw std::system_error(-got, std::generic_category(), fmt::format("engine {}: reap failed", setup_.engine->name));
    }
    now = monotonic_now_ns();
    ledger.reaped(cqes_.data(), qd, got);  // before any completion is used
    if (now >= next_interval_ns_) [[unlikely]] roll_interval(now);
    inflight_sum_ += inflight;
    ++reap_calls_;
    for (int32_t i = 0; i < got; ++i) {
      const uint32_t index = static_cast<uint32_t>(cqes_[i].user_data);
      complete(slots_[index], cqes_[i], now);
      free_[nfree++] = index;
    }
    inflight -= static_cast<uint32_t>(got);
    if (setup_.publish_progress) [[unlikely]] publish_progress();
    if (!stopping && (now >= deadline || signals.stop.load(std::memory_order_relaxed) || interrupt_signal() != 0)) {
      if (interrupt_signal() != 0 && !signals.stop.load(std::memory_order_relaxed)) signals.request_interrupt_stop();
      stopping = true;
      // Prepared ops not yet accepted go back to the pool; a rename back
      // among them must still go (next() offers it again).
      for (uint32_t i = 0; i < pending; ++i) {
        const Slot& slot = slots_[batch_[i]->user_data];
        if (slot.step != kDrawn) {
          issued_[slot.step] = 0;
          cursor_ = std::min(cursor_, slot.step);
        }
        free_[nfree++] = static_cast<uint32_t>(batch_[i]->user_data);
      }
      pending = 0;
    }
  }
  finish_ns_ = now;
  roll_interval(now, /*last=*/true);
  if (setup_.publish_progress) publish_progress();
}

void MetadataWorker::roll_interval(uint64_t now, bool last) {
  if (last) {
    // Handed over by collect_intervals(), off this thread (see there).
    last_closed_ = true;
    last_index_ = interval_index_;
    return;
  }
  hand_over_interval(interval_index_, /*last=*/false);
  interval_index_ = (now - start_ns_) / setup_.stats_interval_ns;
  next_interval_ns_ = start_ns_ + (interval_index_ + 1) * setup_.stats_interval_ns;
}

// Once per reap in a multi-host run: counters only (merging the kinds'
// latency histograms here cost more than the operations themselves).
void MetadataWorker::publish_progress() {
  uint64_t ops = 0, bytes = 0;
  for (size_t i = kFirstMetaKind; i < kNumOpKinds; ++i) {
    ops += cumulative_.kinds[i].ops + interval_.kinds[i].ops;
    bytes += cumulative_.kinds[i].bytes + interval_.kinds[i].bytes;
  }
  progress_ops_.store(ops, std::memory_order_relaxed);
  progress_bytes_.store(bytes, std::memory_order_relaxed);
}

bool MetadataWorker::creates() const {
  return phase_ == MetaPhase::kTreeCreate || phase_ == MetaPhase::kFileCreate || phase_ == MetaPhase::kDirCreate;
}

bool MetadataWorker::renames() const { return phase_ == MetaPhase::kRename || phase_ == MetaPhase::kDirRename; }

bool MetadataWorker::removes() const {
  return phase_ == MetaPhase::kTreeRemove || phase_ == MetaPhase::kFileRemove || phase_ == MetaPhase::kDirRemove;
}

uint64_t MetadataWorker::leading_done() const {
  uint64_t n = 0;
  while (n < steps_.size() && issued_[n] == 2) ++n;
  return n;
}

void MetadataWorker::remove_past_taken() {
  // Deepest (latest) first: a directory goes after what was made in it.
  for (uint64_t i = steps_.size(); i-- > first_taken_ + 1;) {
    if (issued_[i] != 2) continue;
    const Step& s = steps_[i];
    const bool dir = s.op == IOP_OP_MKDIR;
    const char* rel = s.op == IOP_OP_CREATE ? ns_.file(s.item)
                      : dir_items_          ? ns_.item_dir(s.item)
                                            : ns_.dir(static_cast<uint32_t>(s.item));
    const std::string path = plan_.target + "/" + rel;
    if ((dir ? rmdir(path.c_str()) : unlink(path.c_str())) != 0 && error_messages_.size() < kMaxErrorMessages) {
      error_messages_.push_back(fmt::format("removing '{}', made after a name found taken (outside the record): {}",
                                            path, std::strerror(errno)));
    }
  }
}

void MetadataWorker::store_record() {
  const std::string& target = plan_.target;
  const uint32_t me = subject_;
  // What was made after a name found taken is outside what the record can
  // say: it goes now, so nothing IOPulse made is left unrecorded.
  if (creates() && first_taken_ != UINT64_MAX) remove_past_taken();
  MetadataRecord r = own_;
  r.shape = ns_.shape();
  switch (phase_) {
    case MetaPhase::kTreeCreate:
      if (!ns_.owns_tree()) return;
      r.dirs = static_cast<uint32_t>(created());  // steps are directories in order
      break;
    case MetaPhase::kTreeRemove:
      if (!ns_.owns_tree()) return;
      r.dirs = dirs_ - static_cast<uint32_t>(leading_done());  // the deepest ones first
      break;
    case MetaPhase::kFileCreate:
      r.files_begin = 0;
      r.files_end = created() == 0 ? 0 : steps_[created() - 1].item + 1;
      break;
    case MetaPhase::kFileRemove:
      if (const uint64_t done = leading_done(); done != 0) r.files_begin = steps_[done - 1].item + 1;
      break;
    case MetaPhase::kDirCreate:
      r.item_dirs_begin = 0;
      r.item_dirs_end = created() == 0 ? 0 : steps_[created() - 1].item + 1;
      break;
    case MetaPhase::kDirRemove:
      if (const uint64_t done = leading_done(); done != 0) r.item_dirs_begin = steps_[done - 1].item + 1;
      break;
    case MetaPhase::kRename:
    case MetaPhase::kDirRename: {
      // The entries whose rename away was issued and did not fail (it may
      // have happened when the loop stopped on an engine's failure) and
      // whose rename back did not succeed may stand under their other
      // name, and so may what an earlier phase left that could not be
      // given back.
      uint64_t first = UINT64_MAX, last = 0;
      if (own_.renaming_end > own_.renaming_begin) {
        first = own_.renaming_begin;
        last = own_.renaming_end;
      }
      for (size_t i = 0; i < steps_.size(); ++i) {
        const Step& s = steps_[i];
        if (s.rename_back && (issued_[s.pair] == 1 || issued_[s.pair] == 2) && issued_[i] != 2) {
          first = std::min(first, s.item);
          last = std::max(last, s.item + 1);
        }
      }
      r.renaming_begin = first == UINT64_MAX ? 0 : first;
      r.renaming_end = last;
      r.renaming_item_dirs = dir_items_;
      break;
    }
    default:
      return;
  }
  r.store(target, md_.shared_dir, me);
}

void MetadataWorker::adopt_claim() {
  const std::string kind = own_.unconfirmed;
  if (!md_.adopt_claims) {  // (the job's check refused it already)
    throw std::runtime_error(fmt::format("{}: the claim of a creation that never finished; --md-adopt-claims",
                                         MetadataRecord::path(plan_.target, md_.shared_dir, subject_)));
  }
  std::optional<MetadataNamespace> with_item_dirs;
  const MetadataNamespace* ns = &ns_;
  if (kind == "item_dirs" && !dir_items_) ns = &with_item_dirs.emplace(md_, subject_, plan_.workers, true);
  // The size of the range of the claim's kind.
  const auto range = [&kind](const MetadataRecord& r) -> uint64_t {
    return kind == "dirs" ? r.dirs : kind == "files" ? r.files_end - r.files_begin : r.item_dirs_end - r.item_dirs_begin;
  };
  const uint64_t claimed = range(own_);
  const uint64_t found = own_.settle_claim(plan_.target, *ns);
  const uint64_t kept = range(own_);
  spdlog::warn("{}: adopted the claim of a creation that never finished: {} of the {} {} it claimed exist and are "
               "taken as IOPulse's (--md-adopt-claims){}",
               MetadataRecord::path(plan_.target, md_.shared_dir, subject_), found, claimed,
               kind == "dirs" ? "directories" : kind == "files" ? "files" : "item directories",
               kept > found ? fmt::format("; {} names among them are missing (creates in flight when it ended)",
                                          kept - found)
                            : "");
  own_.store(plan_.target, md_.shared_dir, subject_);
}

void MetadataWorker::restore_renamed() {
  const bool item_dirs = own_.renaming_item_dirs;
  // (This phase's namespace has the item directories' paths only when it
  // works on them.)
  std::optional<MetadataNamespace> with_item_dirs;
  const MetadataNamespace* ns = &ns_;
  if (item_dirs && !dir_items_) ns = &with_item_dirs.emplace(md_, subject_, plan_.workers, true);
  const std::string& target = plan_.target;
  uint64_t restored = 0, left = 0, foreign = 0;
  const uint64_t end = std::min(own_.renaming_end, ns->num_files());
  for (uint64_t i = own_.renaming_begin; i < end; ++i) {
    const std::string name = target + "/" + (item_dirs ? ns->item_dir(i) : ns->file(i));
    const std::string other = target + "/" + (item_dirs ? ns->renamed_item_dir(i) : ns->renamed(i));
    // Only an entry of the kind renamed and, where the file system tells
    // the birth time, born before the rename phase began can be IOPulse's.
    struct statx stx{};
    if (statx(AT_FDCWD, other.c_str(), AT_SYMLINK_NOFOLLOW, STATX_TYPE | STATX_BTIME, &stx) != 0) {
      if (errno != ENOENT) ++left;  // (cannot tell: the range stays recorded)
      continue;
    }
    const uint64_t born = static_cast<uint64_t>(stx.stx_btime.tv_sec) * 1'000'000'000u + stx.stx_btime.tv_nsec;
    if ((item_dirs ? !S_ISDIR(stx.stx_mode) : !S_ISREG(stx.stx_mode)) ||
        ((stx.stx_mask & STATX_BTIME) != 0 && own_.renaming_since_ns != 0 && born > own_.renaming_since_ns)) {
      ++foreign;
      continue;
    }
    // Never over an entry that has the name (someone else's): without
    // RENAME_NOREPLACE (NFS), only when nothing has it a moment before.
    int rc = renameat2(AT_FDCWD, other.c_str(), AT_FDCWD, name.c_str(), RENAME_NOREPLACE);
    if (rc != 0 && errno == EINVAL) {
      struct stat st{};
      if (lstat(name.c_str(), &st) == 0) {
        errno = EEXIST;
      } else if (errno == ENOENT) {
        rc = rename(other.c_str(), name.c_str());
      }
    }
    // ENOENT: not left under the other name.  EEXIST: the entry has its
    // name, so what has the other one is not IOPulse's (never touched).
    if (rc == 0) {
      ++restored;
    } else if (errno != ENOENT && errno != EEXIST) {
      ++left;  // (a permission, say): the range stays recorded
    }
  }
  if (restored > 0) {
    spdlog::warn("{}: gave {} {} back the name an earlier rename phase had taken from them", target, restored,
                 item_dirs ? "item directories" : "files");
  }
  if (foreign > 0) {
    spdlog::warn("{}: left {} entries under the name an earlier rename phase gives alone: made after it began, or "
                 "not of the kind it renames, so not IOPulse's", target, foreign);
  }
  if (left == 0) {
    own_.renaming_begin = own_.renaming_end = 0;
    own_.renaming_item_dirs = false;
    own_.renaming_since_ns = 0;
    own_.store(target, md_.shared_dir, subject_);
  } else {
    spdlog::warn("{}: {} {} could not be given back the name an earlier rename phase had taken from them", target,
                 left, item_dirs ? "item directories" : "files");
  }
}

void MetadataWorker::teardown() {
  engine_.reset();
  if (dir_fd_ >= 0) close(dir_fd_);
  dir_fd_ = -1;
}

}  // namespace iopulse
