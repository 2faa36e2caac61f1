// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "cluster/mpi_module.h"

#include <dlfcn.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <system_error>

#include "cluster/mpi_process_group.h"
#include "iopulse/version.h"

namespace iopulse {
namespace {

namespace fs = std::filesystem;

fs::path executable() {
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  return ec ? fs::path() : exe;
}

bool under(const fs::path& tree, const fs::path& path) {
  if (tree.empty() || path.empty()) return false;
  return std::mismatch(tree.begin(), tree.end(), path.begin(), path.end()).first == tree.end();
}

}  // namespace

std::vector<std::string> mpi_module_candidates() {
  if (const char* env = std::getenv("IOPULSE_MPI_MODULE"); env != nullptr && *env != '\0') return {env};
  std::vector<std::string> paths;
  const fs::path exe = executable();
  std::error_code ec;
  if (under(fs::weakly_canonical(IOPULSE_BUILD_TREE_DIR, ec), exe)) paths.push_back(IOPULSE_BUILD_TREE_MPI_MODULE);
  const fs::path relative = IOPULSE_MPI_MODULE_FROM_BINDIR;
  if (exe.is_absolute() && !relative.empty() && relative.is_relative()) {
    paths.push_back((exe.parent_path() / relative).lexically_normal().string());
  }
  if (std::find(paths.begin(), paths.end(), IOPULSE_INSTALL_MPI_MODULE) == paths.end()) {
    paths.push_back(IOPULSE_INSTALL_MPI_MODULE);
  }
  return paths;
}

std::string find_mpi_module() {
  for (const std::string& path : mpi_module_candidates()) {
    std::error_code ec;
    if (fs::is_regular_file(path, ec)) return path;
  }
  return {};
}

std::unique_ptr<ProcessGroup> load_mpi_process_group(const std::string& path, int& argc, char**& argv,
                                                     const std::string& host) {
  // RTLD_GLOBAL: Open MPI loads components of its own that expect libmpi's
  // symbols to be global.
  void* module = dlopen(path.c_str(), RTLD_NOW | RTLD_GLOBAL);
  if (module == nullptr) {
    const char* why = dlerror();
    throw std::runtime_error("cannot load the MPI module " + path + ": " + (why != nullptr ? why : "unknown error"));
  }
  const auto join = reinterpret_cast<iopulse_mpi_join_fn>(dlsym(module, "iopulse_mpi_join"));
  if (join == nullptr) throw std::runtime_error("the MPI module " + path + " has no iopulse_mpi_join entry");
  char error[512] = {};
  ProcessGroup* group = nullptr;
  if (join(IOPULSE_VERSION, &argc, &argv, host.c_str(), &group, error, sizeof error) != 0 || group == nullptr) {
    throw std::runtime_error(std::string(error[0] != '\0' ? error : "MPI did not start") + " (" + path + ")");
  }
  return std::unique_ptr<ProcessGroup>(group);
}

}  // namespace iopulse
