// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// MpiModule: finds and loads iopulse_mpi.so, the module that holds the MPI
// process group (cluster/mpi_process_group.h).  The host binary links no
// MPI library, so a machine that runs alone needs none installed; the module
// (Debian package iopulse-mpi) is loaded only when a launcher started the
// process (launched_by_mpi()).
//
// Where the module is looked for, first existing path wins:
//   1. $IOPULSE_MPI_MODULE, when set (and then nothing else);
//   2. the build tree's module, when the executable runs from the build tree;
//   3. <directory of the executable>/IOPULSE_MPI_MODULE_FROM_BINDIR, so an
//      install moved to another prefix finds its own module;
//   4. the compiled-in install path, IOPULSE_INSTALL_MPI_MODULE
//      (${libdir}/iopulse/iopulse_mpi.so).
// The module is never unloaded: the group it creates lives until exit.
#ifndef IOPULSE_CLUSTER_MPI_MODULE_H_
#define IOPULSE_CLUSTER_MPI_MODULE_H_

#include <memory>
#include <string>
#include <vector>

#include "cluster/process_group.h"

namespace iopulse {

// The paths searched, in order.
std::vector<std::string> mpi_module_candidates();
// The first candidate that exists, or "" when the module is not installed.
std::string find_mpi_module();

// Loads the module at `path` and joins MPI_COMM_WORLD through it.  Throws
// std::runtime_error naming the path and the reason when the module cannot
// be loaded or MPI does not start.
std::unique_ptr<ProcessGroup> load_mpi_process_group(const std::string& path, int& argc, char**& argv,
                                                     const std::string& host);

}  // namespace iopulse

#endif  // IOPULSE_CLUSTER_MPI_MODULE_H_
