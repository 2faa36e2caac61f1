// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "plugin/engine_registry.h"

#include <algorithm>
#include <stdexcept>
#include <system_error>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "plugin/name_list.h"
#include "plugin/plugin_error.h"
#include "plugin/shared_object_check.h"

namespace iopulse {

namespace {

namespace fs = std::filesystem;

// The running program: `configured`, else /proc/self/exe; empty if unknown.
fs::path executable_path(const std::string& configured) {
  if (!configured.empty()) return configured;
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  return ec ? fs::path() : exe;
}

// True when the running executable lives under the build tree, so plugins
// built next to it are the ones that match it.
bool running_from_build_tree(const fs::path& exe) {
  if (exe.empty()) return false;
  std::error_code ec;
  const fs::path tree = fs::weakly_canonical(IOPULSE_BUILD_TREE_DIR, ec);
  if (ec || tree.empty()) return false;
  return std::mismatch(tree.begin(), tree.end(), exe.begin(), exe.end()).first == tree.end();
}

// The plugin directory of the install the executable belongs to, wherever
// that install was put; empty when it cannot be known.
// IOPULSE_PLUGIN_DIR_FROM_BINDIR is the relative path from the installed
// executable's directory to the installed plugin directory, or "" when the
// plugin directory is not under the install prefix.
std::string plugin_dir_beside(const fs::path& exe) {
  const fs::path relative = IOPULSE_PLUGIN_DIR_FROM_BINDIR;
  if (!exe.is_absolute() || relative.empty() || relative.is_absolute()) return {};
  return (exe.parent_path() / relative).lexically_normal().string();
}

bool ends_with_so(std::string_view s) { return s.size() >= 3 && s.substr(s.size() - 3) == ".so"; }

}  // namespace

EngineRegistry::EngineRegistry(PluginSearch search) : search_(std::move(search)) {
  const auto add = [this](const std::string& dir) {
    if (dir.empty()) return;
    // "d", "d/" and "d/./" are one directory.
    const auto normal = [](const std::string& d) {
      std::string n = fs::path(d).lexically_normal().string();
      while (n.size() > 1 && n.back() == '/') n.pop_back();
      return n;
    };
    const auto same = [&](const std::string& d) { return normal(d) == normal(dir); };
    if (std::none_of(dirs_.begin(), dirs_.end(), same)) dirs_.push_back(dir);
  };
  for (const auto& dir : search_.plugin_dirs) add(dir);
  std::string_view rest = search_.env_path;
  while (!rest.empty()) {
    const size_t colon = rest.find(':');
    add(std::string(rest.substr(0, colon)));
    if (colon == std::string_view::npos) break;
    rest.remove_prefix(colon + 1);
  }
  const fs::path exe = executable_path(search_.executable);
  const bool from_build_tree = running_from_build_tree(exe);
  if (search_.include_install_dir) {
    if (!from_build_tree) add(plugin_dir_beside(exe));
    add(IOPULSE_INSTALL_PLUGIN_DIR);
  }
  if (search_.include_build_tree && from_build_tree) add(IOPULSE_BUILD_TREE_PLUGIN_DIR);
}

EngineRegistry::~EngineRegistry() = default;

const EngineLibrary& EngineRegistry::add_explicit(const fs::path& path) {
  return load(path, /*explicit_path=*/true);
}

void check_plugin_dirs(const std::vector<std::string>& plugin_dirs) {
  for (const auto& dir : plugin_dirs) {
    std::error_code ec;
    const char* problem = dir.empty()                  ? "is not a directory"
                          : !fs::exists(dir, ec)       ? "does not exist"
                          : !fs::is_directory(dir, ec) ? "is not a directory"
                                                       : nullptr;
    if (problem != nullptr) {
      throw PluginError(fmt::format("--plugin-dir: '{}' {}; accepted: a directory of engine plugins", dir, problem));
    }
  }
}

void EngineRegistry::scan() {
  if (scanned_) return;
  check_plugin_dirs(search_.plugin_dirs);
  for (const auto& dir : dirs_) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) continue;  // absent: nothing installed there
    std::vector<fs::path> files;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
      std::error_code status_ec;
      if (ends_with_so(it->path().filename().string()) && it->is_regular_file(status_ec)) {
        files.push_back(it->path());
      }
    }
    if (ec) {
      warn("plugin directory " + dir + ": cannot read: " + ec.message());
      unreadable_.push_back(dir + ": " + ec.message());
      continue;
    }
    std::sort(files.begin(), files.end(),
              [](const fs::path& a, const fs::path& b) { return a.filename() < b.filename(); });
    candidates_.insert(candidates_.end(), files.begin(), files.end());
  }
  tried_.assign(candidates_.size(), false);
  scanned_ = true;
}

void EngineRegistry::try_candidate(size_t index) {
  if (tried_[index]) return;
  tried_[index] = true;
  try {
    load(candidates_[index], /*explicit_path=*/false);
  } catch (const PluginError& e) {
    broken_.push_back({candidates_[index], e.what()});
    warn(std::string(e.what()) + "; skipped");
  }
}

void EngineRegistry::discover() {
  if (discovered_) return;
  scan();
  for (size_t i = 0; i < candidates_.size(); ++i) try_candidate(i);
  discovered_ = true;
}

const EngineLibrary* EngineRegistry::find(std::string_view name) const {
  for (const EngineLibrary* lib : engines_) {
    if (lib->name() == name) return lib;
  }
  return nullptr;
}

const EngineLibrary* EngineRegistry::lookup(std::string_view name) {
  scan();
  if (const EngineLibrary* lib = find(name)) return lib;
  // iopulse_<name>.so holds engine <name>; a file named for another engine
  // is not opened for this one.
  const std::string own = "iopulse_" + std::string(name) + ".so";
  const auto named_for_another = [&](const fs::path& p) {
    const std::string file = p.filename().string();
    return file.starts_with("iopulse_") && file != own;
  };
  for (size_t i = 0; i < candidates_.size() && find(name) == nullptr; ++i) {
    if (!named_for_another(candidates_[i])) try_candidate(i);
  }
  if (find(name) != nullptr) {
    // Same-named files further on: a duplicate is still reported.
    for (size_t i = 0; i < candidates_.size(); ++i) {
      if (candidates_[i].filename() == own) try_candidate(i);
    }
    return find(name);
  }
  discover();  // a plugin whose file is named for another engine
  return find(name);
}

const EngineLibrary& EngineRegistry::require(std::string_view name_or_path) {
  if (name_or_path.find('/') != std::string_view::npos || ends_with_so(name_or_path)) {
    return add_explicit(fs::path(name_or_path));
  }
  if (const EngineLibrary* lib = lookup(name_or_path)) return *lib;
  std::vector<std::string> names;
  for (const EngineLibrary* lib : engines_) names.emplace_back(lib->name());
  std::vector<std::string> broken;
  for (const BrokenPlugin& b : broken_) broken.push_back(b.path.string());
  if (!unreadable_.empty()) {
    throw std::runtime_error("engine '" + std::string(name_or_path) +
                             "' not found, and a plugin directory that may hold it could not be read: " +
                             name_list(unreadable_));
  }
  std::string package(name_or_path);
  std::replace(package.begin(), package.end(), '_', '-');
  throw PluginError("unknown engine '" + std::string(name_or_path) + "'; engines found: " + name_list(names) +
                    (broken.empty() ? std::string() : "; plugins that failed to load: " + name_list(broken)) +
                    "; directories searched: " + name_list(dirs_) + " (install the iopulse-engine-" + package +
                    " package or use --plugin-dir)");
}

const EngineLibrary& EngineRegistry::load(const fs::path& path, bool explicit_path) {
  std::error_code ec;
  const fs::path resolved = fs::canonical(path, ec);
  if (!ec) {
    for (const auto& lib : loaded_) {
      if (lib->path() == resolved) return *lib;
    }
  }
  // dlopen() maps a truncated object and crashes on the first page past
  // its end: refuse such a file first.
  if (const std::string defect = shared_object_defect(path); !defect.empty()) {
    throw PluginError("plugin " + path.string() + ": " + defect);
  }
  loaded_.push_back(EngineLibrary::load(path));
  const EngineLibrary* added = loaded_.back().get();

  const auto bound = std::find_if(engines_.begin(), engines_.end(), [&](const EngineLibrary* l) {
    return l->name() == added->name();
  });
  const auto explicit_end = engines_.begin() + static_cast<ptrdiff_t>(num_explicit_bound_);
  if (bound == engines_.end()) {
    engines_.insert(explicit_path ? explicit_end : engines_.end(), added);
    if (explicit_path) ++num_explicit_bound_;
    return *added;
  }
  const EngineLibrary* kept = *bound;
  const EngineLibrary* ignored = added;
  if (explicit_path && bound >= explicit_end) {
    // An explicit path outranks every directory, even when it comes later.
    std::swap(kept, ignored);
    engines_.erase(bound);
    engines_.insert(engines_.begin() + static_cast<ptrdiff_t>(num_explicit_bound_), added);
    ++num_explicit_bound_;
  }
  warn("duplicate engine '" + std::string(added->name()) + "': using " + kept->path().string() +
       ", ignoring " + ignored->path().string());
  return *added;
}

void EngineRegistry::warn(std::string text) {
  spdlog::warn("{}", text);
  warnings_.push_back(std::move(text));
}

}  // namespace iopulse
