// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "target/metadata_record.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <system_error>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "job/usage_error.h"
#include "workload/metadata_namespace.h"

namespace iopulse {
namespace {

constexpr const char* kFormat = "iopulse-metadata-record-1";

[[noreturn]] void fail_errno(int err, const std::string& what) {
  throw std::system_error(err, std::generic_category(), what);
}

}  // namespace

std::string MetadataRecord::path(const std::string& target, bool shared, uint32_t worker) {
  return fmt::format("{}/.iopulse-md{}.{}", target, shared ? "-shared" : "", worker);
}

std::optional<MetadataRecord> MetadataRecord::read(const std::string& target, bool shared, uint32_t worker) {
  const std::string p = path(target, shared, worker);
  std::ifstream in(p);
  if (!in) {
    if (errno == ENOENT) return std::nullopt;
    throw std::runtime_error(fmt::format("cannot read '{}': {}", p, std::strerror(errno)));
  }
  std::stringstream text;
  text << in.rdbuf();
  try {
    const nlohmann::json j = nlohmann::json::parse(text.str());
    if (j.at("format") != kFormat) throw std::runtime_error("unknown format");
    MetadataRecord r;
    r.shape = j.at("shape").get<std::string>();
    r.dirs = j.at("dirs").get<uint32_t>();
    r.files_begin = j.at("files_begin").get<uint64_t>();
    r.files_end = j.at("files_end").get<uint64_t>();
    r.item_dirs_begin = j.value("item_dirs_begin", uint64_t{0});
    r.item_dirs_end = j.value("item_dirs_end", uint64_t{0});
    r.renaming_begin = j.value("renaming_begin", uint64_t{0});
    r.renaming_end = j.value("renaming_end", uint64_t{0});
    r.renaming_item_dirs = j.value("renaming_item_dirs", false);
    r.renaming_since_ns = j.value("renaming_since_ns", uint64_t{0});
    r.unconfirmed = j.value("unconfirmed", std::string());
    r.unconfirmed_depth = std::max<uint32_t>(1, j.value("unconfirmed_depth", uint32_t{1}));
    if (!r.unconfirmed.empty() && r.unconfirmed != "dirs" && r.unconfirmed != "files" &&
        r.unconfirmed != "item_dirs") {
      throw std::runtime_error("unknown unconfirmed range '" + r.unconfirmed + "'");
    }
    return r;
  } catch (const std::exception& e) {
    throw std::runtime_error(fmt::format("'{}' is not a metadata record of IOPulse's ({})", p, e.what()));
  }
}

uint64_t MetadataRecord::settle_claim(const std::string& target, const MetadataNamespace& ns) {
  const auto exists = [&target](const char* name) {
    struct stat st{};
    return lstat((target + "/" + name).c_str(), &st) == 0 || errno != ENOENT;
  };
  const uint64_t depth = std::max<uint32_t>(1, unconfirmed_depth);
  uint64_t found = 0;
  // The new end of [begin, end): after the last name that exists before
  // `depth` missing ones in a row.
  const auto settle = [&](uint64_t begin, uint64_t end, const auto& name) {
    uint64_t last = begin, missing = 0;
    for (uint64_t i = begin; i < end && missing < depth; ++i) {
      if (exists(name(i))) {
        last = i + 1;
        missing = 0;
        ++found;
      } else {
        ++missing;
      }
    }
    return last;
  };
  if (unconfirmed == "dirs") {
    dirs = static_cast<uint32_t>(settle(0, std::min(dirs, ns.num_dirs()), [&ns](uint64_t i) {
      return ns.dir(static_cast<uint32_t>(i));
    }));
  } else if (unconfirmed == "files") {
    files_end = settle(files_begin, std::min(files_end, ns.num_files()), [&ns](uint64_t i) { return ns.file(i); });
  } else if (unconfirmed == "item_dirs") {
    item_dirs_end =
        settle(item_dirs_begin, std::min(item_dirs_end, ns.num_files()), [&ns](uint64_t i) { return ns.item_dir(i); });
  }
  unconfirmed.clear();
  unconfirmed_depth = 1;
  return found;
}

void MetadataRecord::store(const std::string& target, bool shared, uint32_t worker) const {
  const std::string p = path(target, shared, worker);
  if (empty()) {
    if (unlink(p.c_str()) != 0 && errno != ENOENT) fail_errno(errno, fmt::format("removing '{}'", p));
    return;
  }
  nlohmann::json j = {
      {"format", kFormat}, {"shape", shape}, {"dirs", dirs}, {"files_begin", files_begin}, {"files_end", files_end}};
  if (item_dirs_end > item_dirs_begin) {
    j["item_dirs_begin"] = item_dirs_begin;
    j["item_dirs_end"] = item_dirs_end;
  }
  if (renaming_end > renaming_begin) {
    j["renaming_begin"] = renaming_begin;
    j["renaming_end"] = renaming_end;
    j["renaming_item_dirs"] = renaming_item_dirs;
    if (renaming_since_ns != 0) j["renaming_since_ns"] = renaming_since_ns;
  }
  if (!unconfirmed.empty()) {
    j["unconfirmed"] = unconfirmed;
    j["unconfirmed_depth"] = unconfirmed_depth;
  }
  const std::string text = j.dump() + "\n";
  // Whole, then renamed over the record: a reader (another worker of a
  // shared tree reads the owner's record) never sees half of it.  A full
  // file system (the phase may have ended on ENOSPC) may have no inode for
  // the temporary file; the record is then rewritten in place, into its own
  // blocks.  A torn record fails to parse, and a later job then refuses to
  // remove anything: the safe side.
  const auto write_all = [&text](const std::string& path) {
    const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return errno;
    const ssize_t n = write(fd, text.data(), text.size());
    int err = n < 0 ? errno : (static_cast<size_t>(n) != text.size() ? EIO : 0);
    if (close(fd) != 0 && err == 0) err = errno;
    return err;
  };
  const std::string tmp = p + ".tmp";
  int err = write_all(tmp);
  if (err == 0) {
    if (rename(tmp.c_str(), p.c_str()) != 0) fail_errno(errno, fmt::format("renaming '{}' to '{}'", tmp, p));
    return;
  }
  unlink(tmp.c_str());
  err = write_all(p);
  if (err != 0) fail_errno(err, fmt::format("writing '{}'", p));
}

void check_metadata_target(const std::string& target, const MetadataSpec& spec,
                           const std::vector<MetadataPhasePlan>& phases, uint32_t first_worker, uint32_t threads,
                           uint32_t workers) {
  struct stat st{};
  if (stat(target.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    throw UsageError(fmt::format("{}: not a directory; a metadata job (--md-phases) works in an existing directory",
                                 target));
  }
  bool creates_tree = false;
  for (const MetadataPhasePlan& p : phases) creates_tree |= p.phase == MetaPhase::kTreeCreate;
  if (creates_tree && !spec.allow_nonempty) {
    std::error_code ec;
    std::filesystem::directory_iterator it(target, ec);
    if (ec) throw UsageError(fmt::format("{}: cannot list it: {}", target, ec.message()));
    if (it != std::filesystem::directory_iterator()) {
      throw UsageError(fmt::format("{}: not empty (it holds '{}'); tree-create works in an empty directory; "
                                   "--md-allow-nonempty lets it create beside other entries",
                                   target, it->path().filename().string()));
    }
  }
  const std::string shape = MetadataNamespace::shape_of(spec, workers);
  for (uint32_t w = first_worker; w < first_worker + threads; ++w) {
    const uint32_t owner = spec.shared_dir ? 0 : w;
    std::optional<MetadataRecord> own, tree;
    try {
      own = MetadataRecord::read(target, spec.shared_dir, w);
      tree = owner == w ? own : MetadataRecord::read(target, spec.shared_dir, owner);
    } catch (const std::exception& e) {
      throw UsageError(e.what());
    }
    for (const auto* r : {&own, &tree}) {
      if (*r && !(*r)->unconfirmed.empty() && !spec.adopt_claims) {
        throw UsageError(fmt::format(
            "{}: the claim of a creation that never finished (the run was killed, or left a worker stuck in its engine): it names every {} that run would "
            "have made, and which it made is unknown; --md-adopt-claims takes those that exist as IOPulse's",
            MetadataRecord::path(target, spec.shared_dir, r == &own ? w : owner),
            (*r)->unconfirmed == "dirs" ? "directory of the tree" : (*r)->unconfirmed == "files" ? "file" : "item directory"));
      }
      if (*r && (*r)->shape != shape) {
        throw UsageError(fmt::format("{}: records a tree of another shape ({}); this job's is {}; refusing to touch it",
                                     MetadataRecord::path(target, spec.shared_dir, r == &own ? w : owner), (*r)->shape, shape));
      }
    }
    bool have_tree = tree && tree->dirs > 0;
    bool have_files = own && own->files_end > own->files_begin;
    bool have_item_dirs = own && own->item_dirs_end > own->item_dirs_begin;
    const std::string record = MetadataRecord::path(target, spec.shared_dir, owner);
    for (const MetadataPhasePlan& p : phases) {
      const char* name = info(p.phase).name;
      // "stat", or "easy-stat (stat)" for a phase named otherwise.
      const std::string who = p.name == name ? p.name : fmt::format("{} ({})", p.name, name);
      switch (p.phase) {
        case MetaPhase::kTreeCreate:
          if (have_tree) {
            throw UsageError(fmt::format("{}: '{}' records a tree IOPulse created there already; "
                                         "remove it (file-remove,tree-remove) or use another directory",
                                         who, record));
          }
          have_tree = true;
          break;
        case MetaPhase::kTreeRemove:
          if (!have_tree) {
            throw UsageError(fmt::format("{} refused: {} holds no record ('{}') of a tree IOPulse "
                                         "created; IOPulse removes only what it created",
                                         who, target, record));
          }
          if (have_files && !spec.shared_dir) {
            throw UsageError(fmt::format("{}: the files of worker {} are still there; run file-remove "
                                         "first", who, w));
          }
          if (have_item_dirs && !spec.shared_dir) {
            throw UsageError(fmt::format("{}: the item directories of worker {} are still there; run dir-remove "
                                         "first", who, w));
          }
          have_tree = false;
          break;
        case MetaPhase::kDirCreate:
          if (!have_tree) {
            throw UsageError(fmt::format("{}: {} holds no tree IOPulse created (no '{}'); run "
                                         "tree-create first", who, target, record));
          }
          if (have_item_dirs) {
            throw UsageError(fmt::format("{}: '{}' records item directories of this job there already; remove "
                                         "them first (dir-remove)", who, MetadataRecord::path(target, spec.shared_dir, w)));
          }
          have_item_dirs = true;
          break;
        case MetaPhase::kDirStat:
        case MetaPhase::kDirRename:
        case MetaPhase::kDirRemove:
          if (!have_tree || !have_item_dirs) {
            const bool removes = p.phase == MetaPhase::kDirRemove;
            throw UsageError(fmt::format(
                "{}{}: {} holds no record ('{}') of item directories IOPulse created for worker {}{}", who,
                removes ? " refused" : "", target, MetadataRecord::path(target, spec.shared_dir, w), w,
                removes ? "; IOPulse removes only what it created" : "; run dir-create first"));
          }
          if (p.phase == MetaPhase::kDirRemove) have_item_dirs = false;
          break;
        case MetaPhase::kFileCreate:
          if (!have_tree) {
            throw UsageError(fmt::format("{}: {} holds no tree IOPulse created (no '{}'); run "
                                         "tree-create first", who, target, record));
          }
          if (have_files) {
            throw UsageError(fmt::format("{}: '{}' records files of this job there already; remove "
                                         "them first (file-remove)", who, MetadataRecord::path(target, spec.shared_dir, w)));
          }
          have_files = true;
          break;
        case MetaPhase::kList:
          if (!have_tree) {
            throw UsageError(fmt::format("{}: {} holds no tree IOPulse created (no '{}')", who, target,
                                         record));
          }
          break;
        case MetaPhase::kFileRemove:
        default:
          if (!have_tree || !have_files) {
            throw UsageError(fmt::format(
                "{}{}: {} holds no record ('{}') of files IOPulse created for worker {}{}", who,
                p.phase == MetaPhase::kFileRemove ? " refused" : "", target, MetadataRecord::path(target, spec.shared_dir, w), w,
                p.phase == MetaPhase::kFileRemove ? "; IOPulse removes only what it created" : "; run file-create first"));
          }
          if (p.phase == MetaPhase::kFileRemove) have_files = false;
          break;
      }
    }
  }
}

}  // namespace iopulse
