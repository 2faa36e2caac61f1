#include "run/worker.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <system_error>

#include <fmt/format.h>

#include "run/monotonic_clock.h"

namespace iopulse {
namespace {

constexpr uint64_t kReapTimeoutNs = 100'000'000;      // bounds how late a stop is seen
constexpr size_t kMaxErrorMessages = 8;
constexpr uint64_t kDefaultSeed = 0x10b5e5eedULL;

void* aligned_block(size_t alignment, size_t bytes) {
  const size_t rounded = (bytes + alignment - 1) / alignment * alignment;
  void* p = std::aligned_alloc(alignment, rounded == 0 ? alignment : rounded);
  if (p == nullptr) throw std::bad_alloc();
  return p;
}

const char* op_name(uint8_t op) {
  switch (op) {
    case IOP_OP_READ: return "read";
    case IOP_OP_WRITE: return "write";
    case IOP_OP_FSYNC: return "fsync";
    case IOP_OP_FDATASYNC: return "fdatasync";
    case IOP_OP_TRIM: return "trim";
  }
  return "io";
}

}  // namespace

Worker::Worker(const WorkerSetup& setup)
    : setup_(setup),
      file_(setup.layout->files[setup.layout->workers[setup.index].file_index]),
      assignment_(setup.layout->workers[setup.index]),
      rng_(kDefaultSeed + 0x9e3779b97f4a7c15ULL * (setup.index + 1)),
      offsets_(setup.spec->random ? OffsetGenerator::Pattern::kUniform
                                  : OffsetGenerator::Pattern::kSequential,
               assignment_.region_blocks, assignment_.first_block),
      op_mix_(setup.spec->read_percent) {}

Worker::~Worker() {
  teardown();
  std::free(slots_);
  std::free(buffers_);
  std::free(priv_);
}

void Worker::run() {
  try {
    setup();
  } catch (...) {
    setup_error_ = std::current_exception();
    setup_.barrier->abort();
    teardown();
    setup_.time_series->finish(setup_.index);
    finished_.store(true, std::memory_order_release);
    return;
  }
  const uint64_t start_ns = setup_.barrier->arrive_and_wait();
  if (start_ns != 0) {
    try {
      loop(start_ns);
    } catch (...) {
      run_error_ = std::current_exception();
      setup_.signals->io_failed.store(true, std::memory_order_relaxed);
      setup_.signals->stop.store(true, std::memory_order_relaxed);
    }
  }
  teardown();
  setup_.time_series->finish(setup_.index);
  finished_.store(true, std::memory_order_release);
}

void Worker::setup() {
  const JobSpec& spec = *setup_.spec;
  const iop_engine_desc& desc = *setup_.engine;
  const uint32_t qd = setup_.queue_depth;

  iop_engine_config config{};
  config.struct_size = sizeof config;
  config.queue_depth = qd;
  config.flags = spec.direct ? IOP_CONFIG_DIRECT : 0;
  config.worker_index = setup_.index;
  config.num_workers = spec.threads;
  config.num_options = setup_.num_engine_options;
  config.options = setup_.engine_options;
  engine_ = std::make_unique<EngineInstance>(desc, config);

  // The host opens the file unless the engine does (or does no IO at all).
  const bool writes = spec.read_percent < 100;
  uint32_t file_flags = IOP_FILE_READ | (writes ? IOP_FILE_WRITE : 0) | (spec.direct ? IOP_FILE_DIRECT : 0);
  if ((desc.caps & (IOP_CAP_OPENS_BY_PATH | IOP_CAP_DISKLESS)) == 0) {
    const int oflags = (writes ? O_RDWR : O_RDONLY) | O_CLOEXEC | (spec.direct ? O_DIRECT : 0);
    fd_ = open(file_.path.c_str(), oflags);
    if (fd_ < 0) {
      const int err = errno;
      throw std::system_error(err, std::generic_category(),
                              fmt::format("opening '{}'{}", file_.path,
                                          spec.direct && err == EINVAL
                                              ? " with O_DIRECT (the filesystem may not support it)"
                                              : ""));
    }
  }
  iop_file_desc fdesc{};
  fdesc.struct_size = sizeof fdesc;
  fdesc.flags = file_flags;
  fdesc.path = file_.path.c_str();
  fdesc.fd = fd_;
  fdesc.size = file_.size;
  const int32_t handle = engine_->open_file(fdesc);
  if (spec.heatmap) {
    heatmap_ = std::make_unique<AccessHeatmap>(setup_.working_set_bytes, spec.block_size, spec.heatmap_buckets);
  }

  // The IO pool: queue_depth slots, each with its own buffer and scratch.
  const size_t align = std::max<size_t>(4096, desc.min_buf_align);
  const size_t buf_stride = (spec.block_size + align - 1) / align * align;
  const size_t priv_stride = (desc.io_priv_size + 63) / 64 * 64;
  slots_ = static_cast<IoSlot*>(aligned_block(64, sizeof(IoSlot) * qd));
  buffers_ = aligned_block(align, buf_stride * qd);
  if (priv_stride > 0) {
    priv_ = aligned_block(64, priv_stride * qd);
    std::memset(priv_, 0, priv_stride * qd);
  }
  auto* buf_base = static_cast<unsigned char*>(buffers_);
  if (spec.buffer_fill == BufferFill::kPattern) {
    std::memset(buf_base, spec.buffer_pattern, buf_stride * qd);
  } else {
    RandomSource data_rng(rng_.next());
    auto* words = reinterpret_cast<uint64_t*>(buf_base);
    for (size_t i = 0; i < buf_stride * qd / sizeof(uint64_t); ++i) words[i] = data_rng.next();
  }
  std::vector<iop_buffer> registered(qd);
  for (uint32_t i = 0; i < qd; ++i) registered[i] = {buf_base + i * buf_stride, buf_stride};
  const bool use_registered = engine_->register_buffers(registered);

  free_.resize(qd);
  batch_.resize(qd);
  cqes_.resize(qd);
  for (uint32_t i = 0; i < qd; ++i) {
    IoSlot& slot = slots_[i];
    std::memset(&slot, 0, sizeof slot);
    slot.io.user_data = i;
    slot.io.buf = buf_base + i * buf_stride;
    slot.io.len = spec.block_size;
    slot.io.file = handle;
    slot.io.buf_index = use_registered ? static_cast<int32_t>(i) : -1;
    slot.io.priv = priv_stride > 0 ? static_cast<unsigned char*>(priv_) + i * priv_stride : nullptr;
    free_[i] = qd - 1 - i;
  }
}

void Worker::loop(uint64_t start_ns) {
  const JobSpec& spec = *setup_.spec;
  RunSignals& signals = *setup_.signals;
  const uint64_t deadline = spec.duration_ns != 0 ? start_ns + spec.duration_ns : UINT64_MAX;
  const uint64_t block_size = spec.block_size;
  const uint64_t region_offset = assignment_.region_offset;
  const uint32_t qd = setup_.queue_depth;

  uint64_t remaining = assignment_.op_limit != 0 ? assignment_.op_limit : UINT64_MAX;
  uint32_t nfree = qd;
  uint32_t pending = 0;   // prepared IOs at batch_[0, pending) not yet accepted
  uint32_t inflight = 0;
  bool submitting = true;
  uint64_t now = start_ns;
  start_ns_ = start_ns;
  next_interval_ns_ = start_ns + setup_.stats_interval_ns;
  const uint64_t heatmap_base = setup_.working_set_offset;

  for (;;) {
    if (submitting) {
      // Refill every free slot, then submit the whole batch in one call.
      while (nfree > 0 && remaining > 0) {
        IoSlot& slot = slots_[free_[--nfree]];
        slot.io.op = op_mix_.next(rng_);
        slot.io.offset = region_offset + offsets_.next_block(rng_) * block_size;
        batch_[pending++] = &slot.io;
        --remaining;
      }
      if (pending > 0) {
        const uint64_t t = monotonic_now_ns();
        for (uint32_t i = 0; i < pending; ++i) slots_[batch_[i]->user_data].submit_ns = t;
        const int32_t accepted = engine_->submit(batch_.data(), pending);
        if (accepted < 0) {
          throw std::runtime_error(fmt::format("engine {}: submit failed: {}", setup_.engine->name,
                                               std::strerror(-accepted)));
        }
        if (accepted == 0 && inflight == 0) {
          throw std::runtime_error(fmt::format(
              "engine {}: submit accepted no IO while none was in flight", setup_.engine->name));
        }
        inflight += static_cast<uint32_t>(accepted);
        pending -= static_cast<uint32_t>(accepted);
        for (uint32_t i = 0; i < pending; ++i) batch_[i] = batch_[i + accepted];
      }
    }
    if (inflight == 0 && pending == 0) break;  // the op limit is reached

    const int32_t got = engine_->reap(cqes_.data(), qd, inflight > 0 ? 1 : 0, kReapTimeoutNs);
    if (got < 0) {
      if (got == -EINTR) continue;
      throw std::runtime_error(fmt::format("engine {}: reap failed: {}", setup_.engine->name,
                                           std::strerror(-got)));
    }
    now = monotonic_now_ns();
    if (now >= next_interval_ns_) [[unlikely]] roll_interval(now);
    inflight_sum_ += inflight;
    ++reap_calls_;
    for (int32_t i = 0; i < got; ++i) {
      const iop_cqe& cqe = cqes_[i];
      const uint32_t index = static_cast<uint32_t>(cqe.user_data);
      const IoSlot& slot = slots_[index];
      if (cqe.res == static_cast<int64_t>(slot.io.len)) [[likely]] {
        OpStats& st = interval_.of(slot.io.op);
        ++st.ops;
        st.bytes += slot.io.len;
        st.latency.record(now - slot.submit_ns);
        if (heatmap_) heatmap_->record(heatmap_base + slot.io.offset, slot.io.len, slot.io.op == IOP_OP_WRITE);
      } else {
        record_failure(slot, cqe.res);
      }
      free_[nfree++] = index;
    }
    inflight -= static_cast<uint32_t>(got);

    if (submitting && (now >= deadline || signals.stop.load(std::memory_order_relaxed) ||
                       (remaining == 0 && pending == 0))) {
      // Stop issuing; IOs prepared but never accepted go back to the pool.
      submitting = false;
      nfree += pending;
      pending = 0;
    }
    if (!submitting && inflight == 0) break;
  }
  finish_ns_ = now;
  roll_interval(now, /*last=*/true);
}

void Worker::roll_interval(uint64_t now, bool last) {
  WorkerInterval closed;
  closed.last = last;
  closed.worker = setup_.index;
  closed.index = interval_index_;
  closed.ops = interval_;
  closed.inflight_sum = inflight_sum_;
  closed.reap_calls = reap_calls_;
  cumulative_.merge(interval_);
  interval_.clear();
  inflight_sum_ = reap_calls_ = 0;
  setup_.time_series->deliver(std::move(closed));
  interval_index_ = (now - start_ns_) / setup_.stats_interval_ns;
  next_interval_ns_ = start_ns_ + (interval_index_ + 1) * setup_.stats_interval_ns;
}

void Worker::record_failure(const IoSlot& slot, int64_t res) {
  OpStats& st = interval_.of(slot.io.op);
  ++st.errors;
  if (error_messages_.size() < kMaxErrorMessages) {
    error_messages_.push_back(
        res < 0 ? fmt::format("{} of {} bytes at offset {} in '{}': {}", op_name(slot.io.op),
                              slot.io.len, slot.io.offset, file_.path,
                              std::strerror(static_cast<int>(-res)))
                : fmt::format("{} of {} bytes at offset {} in '{}': short transfer of {} bytes",
                              op_name(slot.io.op), slot.io.len, slot.io.offset, file_.path, res));
  }
  if (!setup_.spec->continue_on_error) {
    setup_.signals->io_failed.store(true, std::memory_order_relaxed);
    setup_.signals->stop.store(true, std::memory_order_relaxed);
  }
}

void Worker::teardown() {
  engine_.reset();  // closes the engine's handles, then destroys the instance
  if (fd_ >= 0) {
    close(fd_);
    fd_ = -1;
  }
}

}  // namespace iopulse
