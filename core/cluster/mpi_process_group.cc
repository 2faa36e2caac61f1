// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "cluster/mpi_process_group.h"

#include <mpi.h>

#include <time.h>

#include <cstdio>
#include <cstring>
#include <list>
#include <memory>
#include <numeric>
#include <stdexcept>
#include <string>

#include "iopulse/version.h"

namespace iopulse {
namespace {

// Application messages use tags below this; none is reserved by MPI.
constexpr int kMaxTag = 32767;

// The crews' gate: an allreduce on a communicator of its own, so a worker
// thread's calls never match the coordinator's collectives on
// MPI_COMM_WORLD.  A failure here cannot be reported to the other ranks
// (they wait in the same call), so it ends the job.
class MpiRankGate final : public RankGate {
 public:
  explicit MpiRankGate(MPI_Comm comm) : comm_(comm) {}
  ~MpiRankGate() override { MPI_Comm_free(&comm_); }

  bool all(bool mine) override {
    int v = mine ? 1 : 0;
    const int rc = MPI_Allreduce(MPI_IN_PLACE, &v, 1, MPI_INT, MPI_LAND, comm_);
    if (rc != MPI_SUCCESS) {
      char text[MPI_MAX_ERROR_STRING] = {};
      int len = 0;
      MPI_Error_string(rc, text, &len);
      std::fprintf(stderr, "iopulse: the ranks' gate between metadata phases failed: %s\n", text);
      MPI_Abort(MPI_COMM_WORLD, 1);
    }
    return v != 0;
  }

 private:
  MPI_Comm comm_;
};

class MpiProcessGroup final : public ProcessGroup {
 public:
  MpiProcessGroup(std::string host, int thread_level) : host_(std::move(host)) {
    int r = 0, n = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &r);
    MPI_Comm_size(MPI_COMM_WORLD, &n);
    rank_ = static_cast<uint32_t>(r);
    size_ = static_cast<uint32_t>(n);
    // Errors come back as return codes the group turns into exceptions,
    // rather than MPI's default of aborting the job without a word.
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    // The gate needs every rank's library to take calls from two threads.
    int lowest = thread_level;
    if (MPI_Allreduce(&thread_level, &lowest, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD) == MPI_SUCCESS &&
        lowest >= MPI_THREAD_MULTIPLE) {
      MPI_Comm comm = MPI_COMM_NULL;
      if (MPI_Comm_dup(MPI_COMM_WORLD, &comm) == MPI_SUCCESS) gate_ = std::make_unique<MpiRankGate>(comm);
    }
  }

  ~MpiProcessGroup() override {
    // Sends still in flight belong to a receiver that may have stopped
    // listening; they are released, never waited for.
    for (Pending& p : pending_) MPI_Request_free(&p.request);
    gate_.reset();
    MPI_Finalize();
  }

  uint32_t rank() const override { return rank_; }
  uint32_t size() const override { return size_; }
  const std::string& host() const override { return host_; }
  const char* transport() const override { return "MPI"; }
  RankGate* rank_gate() override { return gate_.get(); }

  // The collectives that exchange bytes are started non-blocking and waited
  // for patiently (below); barrier() is the start line and stays blocking.
  std::vector<std::string> all_gather(const std::string& mine) override {
    int len = static_cast<int>(mine.size());
    std::vector<int> lens(size_);
    MPI_Request r = MPI_REQUEST_NULL;
    check(MPI_Iallgather(&len, 1, MPI_INT, lens.data(), 1, MPI_INT, MPI_COMM_WORLD, &r), "MPI_Iallgather");
    wait_patiently(r, "MPI_Iallgather");
    std::vector<int> displs(size_);
    std::exclusive_scan(lens.begin(), lens.end(), displs.begin(), 0);
    std::string all(static_cast<size_t>(displs.back() + lens.back()), '\0');
    check(MPI_Iallgatherv(mine.data(), len, MPI_BYTE, all.data(), lens.data(), displs.data(), MPI_BYTE,
                          MPI_COMM_WORLD, &r),
          "MPI_Iallgatherv");
    wait_patiently(r, "MPI_Iallgatherv");
    return split(all, lens, displs);
  }

  std::vector<std::string> gather_to_root(const std::string& mine) override {
    int len = static_cast<int>(mine.size());
    std::vector<int> lens(rank_ == 0 ? size_ : 0);
    MPI_Request r = MPI_REQUEST_NULL;
    check(MPI_Igather(&len, 1, MPI_INT, lens.data(), 1, MPI_INT, 0, MPI_COMM_WORLD, &r), "MPI_Igather");
    wait_patiently(r, "MPI_Igather");
    std::vector<int> displs(lens.size());
    std::string all;
    if (rank_ == 0) {
      std::exclusive_scan(lens.begin(), lens.end(), displs.begin(), 0);
      all.resize(static_cast<size_t>(displs.back() + lens.back()));
    }
    check(MPI_Igatherv(mine.data(), len, MPI_BYTE, all.data(), lens.data(), displs.data(), MPI_BYTE, 0,
                       MPI_COMM_WORLD, &r),
          "MPI_Igatherv");
    wait_patiently(r, "MPI_Igatherv");
    return rank_ == 0 ? split(all, lens, displs) : std::vector<std::string>{};
  }

  std::string broadcast(const std::string& value) override {
    uint64_t len = value.size();
    MPI_Request r = MPI_REQUEST_NULL;
    check(MPI_Ibcast(&len, 1, MPI_UINT64_T, 0, MPI_COMM_WORLD, &r), "MPI_Ibcast");
    wait_patiently(r, "MPI_Ibcast");
    std::string out = rank_ == 0 ? value : std::string(len, '\0');
    check(MPI_Ibcast(out.data(), static_cast<int>(len), MPI_BYTE, 0, MPI_COMM_WORLD, &r), "MPI_Ibcast");
    wait_patiently(r, "MPI_Ibcast");
    return out;
  }

  void barrier() override { check(MPI_Barrier(MPI_COMM_WORLD), "MPI_Barrier"); }

  void send(uint32_t to, int tag, std::string bytes) override {
    if (tag < 0 || tag > kMaxTag) throw std::logic_error("MPI tag out of range");
    complete_sends();
    pending_.push_back({std::move(bytes), MPI_REQUEST_NULL});
    Pending& p = pending_.back();
    check(MPI_Isend(p.bytes.data(), static_cast<int>(p.bytes.size()), MPI_BYTE, static_cast<int>(to), tag,
                    MPI_COMM_WORLD, &p.request),
          "MPI_Isend");
  }

  std::optional<Message> poll() override {
    complete_sends();
    int flag = 0;
    MPI_Status status;
    check(MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &status), "MPI_Iprobe");
    if (flag == 0) return std::nullopt;
    int count = 0;
    MPI_Get_count(&status, MPI_BYTE, &count);
    Message m;
    m.from = static_cast<uint32_t>(status.MPI_SOURCE);
    m.tag = status.MPI_TAG;
    m.bytes.resize(static_cast<size_t>(count));
    check(MPI_Recv(m.bytes.data(), count, MPI_BYTE, status.MPI_SOURCE, status.MPI_TAG, MPI_COMM_WORLD,
                   MPI_STATUS_IGNORE),
          "MPI_Recv");
    return m;
  }

  [[noreturn]] void abort(int exit_code) override {
    MPI_Abort(MPI_COMM_WORLD, exit_code);
    std::_Exit(exit_code);
  }

 private:
  struct Pending {
    std::string bytes;
    MPI_Request request;
  };

  // Waits for a collective, sleeping between checks instead of spinning in
  // MPI as a blocking collective does: the rank that comes first (its
  // coordinator reporting a metadata phase, while the other rank's still
  // sleeps between its polls) leaves the CPU to the workers, which on a
  // crew already run the next phase.  Each check costs at most kPatienceNs
  // of latency; these collectives are the control plane's.
  static void wait_patiently(MPI_Request& r, const char* what) {
    constexpr long kPatienceNs = 1'000'000;
    for (;;) {
      int done = 0;
      check(MPI_Test(&r, &done, MPI_STATUS_IGNORE), what);
      if (done != 0) return;
      const timespec pause{0, kPatienceNs};
      nanosleep(&pause, nullptr);
    }
  }

  static void check(int rc, const char* what) {
    if (rc == MPI_SUCCESS) return;
    char text[MPI_MAX_ERROR_STRING] = {};
    int len = 0;
    MPI_Error_string(rc, text, &len);
    throw std::runtime_error(std::string(what) + " failed: " + text);
  }

  static std::vector<std::string> split(const std::string& all, const std::vector<int>& lens,
                                        const std::vector<int>& displs) {
    std::vector<std::string> out;
    out.reserve(lens.size());
    for (size_t i = 0; i < lens.size(); ++i) out.push_back(all.substr(displs[i], lens[i]));
    return out;
  }

  // Drops the sends that completed.
  void complete_sends() {
    for (auto it = pending_.begin(); it != pending_.end();) {
      int done = 0;
      MPI_Test(&it->request, &done, MPI_STATUS_IGNORE);
      it = done != 0 ? pending_.erase(it) : std::next(it);
    }
  }

  std::string host_;
  uint32_t rank_ = 0;
  uint32_t size_ = 1;
  std::list<Pending> pending_;  // a list: MPI holds pointers into the bytes
  std::unique_ptr<MpiRankGate> gate_;
};

ProcessGroup* make_mpi_process_group(int& argc, char**& argv, std::string host) {
  // FUNNELED is what the coordinator needs; MULTIPLE, when the library
  // gives it, lets the crews' gate (run/rank_gate.h) call from a worker.
  int provided = 0;
  if (MPI_Init_thread(&argc, &argv, MPI_THREAD_MULTIPLE, &provided) != MPI_SUCCESS) {
    throw std::runtime_error("MPI_Init_thread failed");
  }
  if (provided < MPI_THREAD_FUNNELED) {
    MPI_Finalize();
    throw std::runtime_error("the MPI library does not support MPI_THREAD_FUNNELED");
  }
  return new MpiProcessGroup(std::move(host), provided);
}

}  // namespace
}  // namespace iopulse

extern "C" __attribute__((visibility("default"))) int iopulse_mpi_join(
    const char* host_version, int* argc, char*** argv, const char* host, iopulse::ProcessGroup** out,
    char* error, size_t error_size) {
  *out = nullptr;
  if (std::strcmp(host_version, IOPULSE_VERSION) != 0) {
    std::snprintf(error, error_size, "the MPI module is from IOPulse %s, but this iopulse is %s; install the "
                  "same version of both", IOPULSE_VERSION, host_version);
    return -1;
  }
  try {
    *out = iopulse::make_mpi_process_group(*argc, *argv, host);
    return 0;
  } catch (const std::exception& e) {
    std::snprintf(error, error_size, "%s", e.what());
    return -1;
  }
}
