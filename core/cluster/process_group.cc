// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "cluster/process_group.h"

#include <unistd.h>

#include <cstdlib>
#include <stdexcept>

#include "cluster/mpi_module.h"

namespace iopulse {
namespace {

std::string this_host() {
  char name[256] = {};
  if (gethostname(name, sizeof name - 1) != 0) return "unknown";
  return name;
}

// One process: every collective is the identity.
class SingleProcessGroup final : public ProcessGroup {
 public:
  SingleProcessGroup() : host_(this_host()) {}
  uint32_t rank() const override { return 0; }
  uint32_t size() const override { return 1; }
  const std::string& host() const override { return host_; }
  const char* transport() const override { return "single process"; }
  std::vector<std::string> all_gather(const std::string& mine) override { return {mine}; }
  std::vector<std::string> gather_to_root(const std::string& mine) override { return {mine}; }
  std::string broadcast(const std::string& value) override { return value; }
  void barrier() override {}
  void send(uint32_t to, int, std::string) override {
    throw std::logic_error("send to process " + std::to_string(to) + " in a group of one");
  }
  std::optional<Message> poll() override { return std::nullopt; }
  [[noreturn]] void abort(int exit_code) override { std::_Exit(exit_code); }

 private:
  std::string host_;
};

}  // namespace

bool launched_by_mpi() {
  // Open MPI's mpirun, PMIx launchers (Open MPI, srun --mpi=pmix), PMI-1/2
  // launchers (MPICH's hydra, srun --mpi=pmi2).
  for (const char* v : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_SIZE", "PMI_RANK"}) {
    if (std::getenv(v) != nullptr) return true;
  }
  return false;
}

std::unique_ptr<ProcessGroup> join_process_group(int& argc, char**& argv) {
  if (!launched_by_mpi()) return std::make_unique<SingleProcessGroup>();
  const std::string module = find_mpi_module();
  if (!module.empty()) return load_mpi_process_group(module, argc, argv, this_host());
  // Several uncoordinated copies would each run the whole job on their own.
  for (const char* v : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE"}) {
    const char* n = std::getenv(v);
    if (n != nullptr && std::atoi(n) > 1) {
      std::string looked;
      for (const std::string& path : mpi_module_candidates()) looked += (looked.empty() ? "" : ", ") + path;
      throw std::runtime_error(std::string("started by an MPI launcher with ") + n +
                               " processes, but the MPI module is not installed (looked for " + looked +
                               "); install the iopulse-mpi package, or build with cmake -DIOPULSE_WITH_MPI=ON");
    }
  }
  return std::make_unique<SingleProcessGroup>();
}

}  // namespace iopulse
