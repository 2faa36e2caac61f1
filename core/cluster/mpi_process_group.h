// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// MpiProcessGroup: a ProcessGroup over MPI_COMM_WORLD.  Compiled only when
// IOPULSE_WITH_MPI is on; everything else sees it as a ProcessGroup.
#ifndef IOPULSE_CLUSTER_MPI_PROCESS_GROUP_H_
#define IOPULSE_CLUSTER_MPI_PROCESS_GROUP_H_

#include <memory>
#include <string>

#include "cluster/process_group.h"

namespace iopulse {

#ifdef IOPULSE_WITH_MPI
// Initializes MPI (MPI_THREAD_FUNNELED); the group finalizes it when
// destroyed.  Throws std::runtime_error when MPI does not start.
std::unique_ptr<ProcessGroup> make_mpi_process_group(int& argc, char**& argv, std::string host);
#endif

}  // namespace iopulse

#endif  // IOPULSE_CLUSTER_MPI_PROCESS_GROUP_H_
