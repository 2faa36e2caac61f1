// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// EngineRegistry: the engines this process can use, found and loaded in the
// documented search order, each name bound to one EngineLibrary.
//
// Search order (first library with a given engine name wins):
//   1. explicit paths (add_explicit(), i.e. `--engine /path/x.so`)
//   2. PluginSearch::plugin_dirs (--plugin-dir, repeatable), in order
//   3. PluginSearch::env_path entries (IOPULSE_PLUGIN_PATH, colon-separated;
//      empty entries are ignored, they never mean the current directory)
//   4. the install directory beside the running executable:
//      <directory of the executable>/IOPULSE_PLUGIN_DIR_FROM_BINDIR (by
//      default <exe dir>/../lib/iopulse/plugins), so an install moved to
//      another prefix (`cmake --install --prefix`, a package built with a
//      different prefix) finds the engines installed with it.  Not searched
//      when the executable lives under the build tree.  Unless the install
//      was moved this is the same directory as 5 and is listed once.
//   5. the compiled-in install directory (IOPULSE_INSTALL_PLUGIN_DIR)
//   6. the build tree's plugin directory (IOPULSE_BUILD_TREE_PLUGIN_DIR), only
//      when the running executable lives under IOPULSE_BUILD_TREE_DIR
// The current directory is never searched implicitly.  In a directory every
// regular file whose name ends in ".so" is a candidate, taken in name order.
// A directory that does not exist is skipped, except a --plugin-dir, which
// must exist.  The same file reached twice (by path or through another
// directory) is loaded once.  A second library with a name already bound is
// kept loaded but unused, and a warning naming both paths is logged and
// remembered in warnings().
//
// Only what is needed is loaded.  Looking up engine NAME walks the
// candidates in search order and loads each one that may hold it, until NAME
// is bound: a file named iopulse_<other>.so is taken to hold engine <other>
// and is skipped, any other file is loaded.  Files named iopulse_NAME.so in
// later directories are loaded too, so a duplicate is still reported.  Only
// when that finds nothing, and for discover() (--list-engines), is every
// candidate loaded.  A candidate that fails to load (not a shared object, a
// truncated one, a bad descriptor, ...) does not stop the search: it is
// remembered in broken() with the reason, and a warning is logged.  Only a
// plugin given by path (--engine /path/x.so) is an error when it fails.
// Before any candidate is opened its ELF headers are checked against its
// size, so a truncated file is refused instead of crashing the loader.
//
// Ownership: the registry owns every EngineLibrary it loaded and never
// unloads one while it exists; keep it for the life of the process.
// Pointers and references it returns stay valid as long as it does.
// Not thread-safe: discover and look up engines on one thread, before
// workers start.
#ifndef IOPULSE_PLUGIN_ENGINE_REGISTRY_H_
#define IOPULSE_PLUGIN_ENGINE_REGISTRY_H_

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "plugin/engine_library.h"

namespace iopulse {

// Where to look for engine plugins besides explicit paths.
struct PluginSearch {
  std::vector<std::string> plugin_dirs;  // --plugin-dir, repeatable, in order
  std::string env_path;                  // IOPULSE_PLUGIN_PATH value, colon-separated
  bool include_install_dir = true;       // 4 and 5 above
  bool include_build_tree = true;        // IOPULSE_BUILD_TREE_PLUGIN_DIR, see above
  std::string executable;                // the running program for 4 and 6;
                                         // empty: /proc/self/exe
};

// Each --plugin-dir names an existing directory (an empty name does not).
// Throws PluginError, one line: "--plugin-dir: '/x' does not exist;
// accepted: a directory of engine plugins".
void check_plugin_dirs(const std::vector<std::string>& plugin_dirs);

class EngineRegistry {
 public:
  // Computes the directory list; loads nothing yet.
  explicit EngineRegistry(PluginSearch search);
  ~EngineRegistry();
  EngineRegistry(const EngineRegistry&) = delete;
  EngineRegistry& operator=(const EngineRegistry&) = delete;

  // Loads the plugin at `path` now, ahead of every directory, and returns
  // it (the library loaded from that file, even when its name was already
  // bound).  Returns the existing library when that file is already loaded.
  // Throws PluginError.
  const EngineLibrary& add_explicit(const std::filesystem::path& path);

  // Loads every candidate in the search directories; those that fail go to
  // broken().  Throws PluginError for a --plugin-dir that does not exist.
  // Does nothing when called again.
  void discover();

  // The engine bound to `name` among the libraries loaded so far, or nullptr.
  const EngineLibrary* find(std::string_view name) const;

  // The engine bound to `name`, loading candidates as described above, or
  // nullptr when no candidate holds it.  Throws PluginError for a
  // --plugin-dir that does not exist.
  const EngineLibrary* lookup(std::string_view name);

  // A string containing '/' or ending in ".so" is a path: loaded with
  // add_explicit().  Anything else is an engine name, found with lookup().
  // Throws PluginError, for an unknown name one line listing the engines
  // found, the plugins that failed to load and the directories searched.
  const EngineLibrary& require(std::string_view name_or_path);

  // The engines bound to a name, in search order.
  const std::vector<const EngineLibrary*>& engines() const { return engines_; }
  // The directories in search order (whether or not they exist).
  const std::vector<std::string>& searched_dirs() const { return dirs_; }
  // The warnings logged so far (duplicate names, unreadable directories,
  // plugins that failed to load).
  const std::vector<std::string>& warnings() const { return warnings_; }

  // A candidate that could not be loaded, and why (the PluginError text).
  struct BrokenPlugin {
    std::filesystem::path path;
    std::string reason;
  };
  // Those tried so far, in the order they were tried.
  const std::vector<BrokenPlugin>& broken() const { return broken_; }

 private:
  // Loads `path` unless that file is loaded already; binds its name if free.
  // Throws PluginError.
  const EngineLibrary& load(const std::filesystem::path& path, bool explicit_path);
  // load() for a candidate found in a directory: a failure goes to broken_.
  void try_candidate(size_t index);
  // Lists the candidates of every directory once (loads nothing).
  void scan();
  void warn(std::string text);

  PluginSearch search_;
  std::vector<std::string> dirs_;                        // search order
  std::vector<std::unique_ptr<EngineLibrary>> loaded_;   // every library, load order
  std::vector<const EngineLibrary*> engines_;            // bound ones, search order
  size_t num_explicit_bound_ = 0;  // engines_[0..n) came from explicit paths
  std::vector<std::string> warnings_;
  std::vector<std::filesystem::path> candidates_;        // search order
  std::vector<bool> tried_;                              // per candidate
  std::vector<BrokenPlugin> broken_;
  // "<dir>: <error text>" for each plugin directory scan() could not read:
  // an engine not found may be there (require() then fails as an error of
  // the system, not of the input).
  std::vector<std::string> unreadable_;
  bool scanned_ = false;
  bool discovered_ = false;
};

}  // namespace iopulse

#endif  // IOPULSE_PLUGIN_ENGINE_REGISTRY_H_
