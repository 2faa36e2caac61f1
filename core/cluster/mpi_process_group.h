// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// MpiProcessGroup: a ProcessGroup over MPI_COMM_WORLD.  It is built into a
// module of its own, iopulse_mpi.so (cluster/mpi_module.h loads it), so the
// host binary never links an MPI library; everything else sees it as a
// ProcessGroup.
//
// The module's one entry point.  Host and module come from the same build,
// so a ProcessGroup object may cross between them; `host_version` must equal
// the module's IOPULSE_VERSION and the module refuses any other.  On success
// *out owns a group that initialized MPI (MPI_THREAD_MULTIPLE asked for,
// MPI_THREAD_FUNNELED at least; its rank_gate() only with MULTIPLE on every
// rank) and finalizes it when deleted, and the return value is 0.  On failure it is -1 and
// `error` (of `error_size` bytes) holds one line saying why.
#ifndef IOPULSE_CLUSTER_MPI_PROCESS_GROUP_H_
#define IOPULSE_CLUSTER_MPI_PROCESS_GROUP_H_

#include <cstddef>

#include "cluster/process_group.h"

extern "C" {
typedef int (*iopulse_mpi_join_fn)(const char* host_version, int* argc, char*** argv, const char* host,
                                   iopulse::ProcessGroup** out, char* error, size_t error_size);
int iopulse_mpi_join(const char* host_version, int* argc, char*** argv, const char* host,
                     iopulse::ProcessGroup** out, char* error, size_t error_size);
}

#endif  // IOPULSE_CLUSTER_MPI_PROCESS_GROUP_H_
