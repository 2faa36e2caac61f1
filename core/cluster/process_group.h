// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// ProcessGroup: the iopulse processes that run one job together.  Without a
// launcher there is one (this process, rank 0); started by mpirun or srun in
// a build with MPI, one per rank of MPI_COMM_WORLD.  The job's control plane
// goes through it: collectives while setting up and at the end, and small
// non-blocking messages while the run goes on.  Only the thread that created
// it calls it; workers never do, but for the RankGate (run/rank_gate.h) that
// it may offer, which is a channel of its own.
#ifndef IOPULSE_CLUSTER_PROCESS_GROUP_H_
#define IOPULSE_CLUSTER_PROCESS_GROUP_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "run/rank_gate.h"

namespace iopulse {

class ProcessGroup {
 public:
  virtual ~ProcessGroup() = default;

  virtual uint32_t rank() const = 0;
  virtual uint32_t size() const = 0;
  // This process's host name.
  virtual const std::string& host() const = 0;
  // "MPI" or "single process".
  virtual const char* transport() const = 0;

  // The collectives below (but barrier()) wait without spinning where the
  // transport allows: the coordinator of a metadata job calls them while
  // the crew's workers run the next phase (run/phase_crew.h).
  // Collective: every process passes `mine`; every process gets all of
  // them, indexed by rank.
  virtual std::vector<std::string> all_gather(const std::string& mine) = 0;
  // Collective: rank 0 receives every process's bytes, indexed by rank; the
  // others get an empty vector.
  virtual std::vector<std::string> gather_to_root(const std::string& mine) = 0;
  // Collective: every process gets rank 0's `value`.
  virtual std::string broadcast(const std::string& value) = 0;
  virtual void barrier() = 0;

  // A message that arrived from another process.
  struct Message {
    uint32_t from = 0;
    int tag = 0;
    std::string bytes;
  };
  // Non-blocking send; the bytes are copied and the send completes in the
  // background (poll() and the destructor finish it).
  virtual void send(uint32_t to, int tag, std::string bytes) = 0;
  // The next message that has arrived, if any; never blocks.
  virtual std::optional<Message> poll() = 0;

  // The gate the crews of a multi-rank metadata job meet at between phases
  // (run/rank_gate.h), owned by the group; null when there is none: a group
  // of one, or an MPI library that does not allow calls from a second
  // thread (below MPI_THREAD_MULTIPLE on any rank).  The same on every rank.
  virtual RankGate* rank_gate() { return nullptr; }

  // Ends every process of the job at once with `exit_code` (after the
  // caller printed why).  Used when the processes can no longer agree.
  [[noreturn]] virtual void abort(int exit_code) = 0;
};

// Joins the job's process group: MPI when this build has it and a launcher
// (mpirun, mpiexec, srun) started the process, else a group of one.
// Throws std::runtime_error when MPI is needed and fails to start.
std::unique_ptr<ProcessGroup> join_process_group(int& argc, char**& argv);

// True when the environment says an MPI launcher started this process.
bool launched_by_mpi();

}  // namespace iopulse

#endif  // IOPULSE_CLUSTER_PROCESS_GROUP_H_
