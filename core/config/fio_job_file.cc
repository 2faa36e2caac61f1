// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "config/fio_job_file.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <tuple>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <toml++/toml.h>

#include "config/fio_ini_reader.h"
#include "config/fio_job_settings.h"
#include "job/block_size_mix.h"
#include "job/path_list.h"
#include "job/quantity_parser.h"
#include "job/usage_error.h"
#include "job/workload_spec.h"

namespace iopulse {
namespace {

// Settings one IOPulse run has once, with what a fio file must do about it.
// (Each job may name its own files: a phase or group of its own files,
// job/phased_job.h.)
constexpr const char* kOneEngine =
    "IOPulse runs every job of a file with one engine; accepted: the same ioengine in every job";
constexpr const char* kOneLogShape =
    "IOPulse writes the fio-format logs of every job in one shape; accepted: the same log_avg_msec (and "
    "ss_interval), log_offset, log_prio and log_unix_epoch in every job that writes logs (e.g. in [global])";
constexpr const char* kOnePercentileList =
    "IOPulse's fio-format results list one set of percentiles for every job; accepted: the same percentile_list "
    "in every job (e.g. in [global])";
constexpr const char* kOneErrorPolicy =
    "IOPulse's --continue-on-error holds for the whole run; accepted: the same continue_on_error in every job "
    "(e.g. in [global])";
constexpr const char* kOneUnifiedRw =
    "IOPulse's fio-format results report the directions of every job alike; accepted: the same "
    "unified_rw_reporting in every job (e.g. in [global])";
const std::map<std::string, const char*, std::less<>> kRunWide = {
    {"engine", kOneEngine},           {"stats-interval", kOneLogShape}, {"log-per-io", kOneLogShape},
    {"log-offset", kOneLogShape},     {"log-prio", kOneLogShape},       {"log-unix-epoch", kOneLogShape},       {"fio-percentiles", kOnePercentileList},
    {"fio-unified-rw", kOneUnifiedRw},    {"continue-on-error", kOneErrorPolicy}};

// Whether a job's translation writes a fio-format log.
bool writes_logs(const std::vector<JobFileEntry>& entries) {
  return std::any_of(entries.begin(), entries.end(), [](const JobFileEntry& e) {
    return e.key == "write-bw-log" || e.key == "write-iops-log" || e.key == "write-lat-log";
  });
}

// One fio job translated.
struct TranslatedJob {
  std::string name;
  std::string label;  // "job.fio:12: job 'name'"
  std::vector<JobFileEntry> entries;
  bool barrier = false;       // stonewall: starts a new phase
  // wait_for: the job waited for.  A new phase when every job running is
  // that one; otherwise the job joins the phase and waits (wait-for).
  std::string wait_for;
  std::string wait_for_label;
  bool group_reporting = false;
  bool new_group = false;     // new_group: starts a reporting group
  uint64_t ramp_ns = 0;       // ramp_time (a time-based job's)
  std::string ramp_label;
  std::string ramp_seed;      // the ramp's seed ("random" or a number): not the measured phase's
  // verify with do_verify=1 on a job that only writes: a read-back phase
  // follows the job's.  Empty: none.
  std::string read_back_label;
  // The priority the read-back's reads carry: the job's own (prio,
  // prioclass), as fio's cmdprio leaves the reads of a job that only writes
  // alone; empty: none.
  std::string read_back_priority, read_back_priority_label;
  // With a read-back: how many times the job writes its files and reads
  // them back (fio's loops), each time a phase of its own.
  uint32_t read_back_loops = 1;
  // fio's randrepeat: each loop starts its random sequence again (1, the
  // default), or goes on with it (0: here each loop takes a seed of its own).
  bool loops_repeat_offsets = true;
  std::string start_delay_label;  // startdelay, if given
  std::string exitall_label;      // exitall=1, if given
  std::string exit_what = "group";
  std::string exit_what_label;
  bool clones = false;            // numjobs above 1
  std::vector<std::string> paths;  // the job's files
  std::string cpus_split_label;    // cpus_allowed_policy=split, if given
  std::string unlink_label;        // unlink=1, if given
};

// The most loops of a job with a read-back pass: two phases each.
constexpr uint32_t kMostReadBackLoops = 100;

class Translator {
 public:
  Translator(const std::string& path, const FioTranslationContext& context) : path_(path), context_(context) {}

  JobFile translate(const FioIniFile& ini) {
    problems_ = ini.problems;
    // The options of each [global] section so far, each with the kb_base
    // it is read with (read_with_kb_base()).
    std::vector<FioIniOption> global;
    uint32_t global_kb_base = 1024;
    std::vector<TranslatedJob> jobs;
    for (const FioIniSection& section : ini.sections) {
      if (section.name == "global") {
        read_with_kb_base(section.options, global_kb_base, global);
        for (const FioIniOption& o : section.options) global_labels_.insert(label(o));
        continue;
      }
      std::vector<FioIniOption> options = global;
      uint32_t kb_base = global_kb_base;
      read_with_kb_base(section.options, kb_base, options);
      jobs.push_back(translate_job(section, options));
    }
    if (jobs.empty() && ini.problems.empty()) {
      problems_.push_back(fmt::format("{}: no job section; accepted: [global] and one or more [job-name] sections",
                                      path_));
    }
    if (problems_.empty()) check_run_wide(jobs);
    if (!problems_.empty()) throw_problems();
    JobFile file = assemble(jobs);
    file.notes = notes_;
    return file;
  }

 private:
  std::string label(const FioIniOption& o) const { return fmt::format("{}:{}: {}", path_, o.line, o.key); }

  // A file's name as sized_files_ keeps it: absolute (from the working
  // directory, where fio opens it) and without "." or doubled '/', so the
  // names two jobs give one file ("d//f", "/cwd/d/f") meet.
  static std::string file_key(const std::string& path) {
    std::error_code ec;
    const std::filesystem::path absolute = std::filesystem::absolute(path, ec);
    return ec ? path : absolute.lexically_normal().string();
  }

  // One problem is one line (naming the file); several are a list.
  [[noreturn]] void throw_problems() const {
    if (problems_.size() == 1) {
      const std::string& only = problems_.front();
      throw UsageError(only.starts_with(path_ + ":") ? only : fmt::format("{}: {}", path_, only));
    }
    std::string message = fmt::format("{}: {} problems with this fio job file:", path_, problems_.size());
    for (const std::string& p : problems_) message += "\n  " + p;
    throw UsageError(message);
  }

  void problem(const std::string& p) {
    if (std::find(problems_.begin(), problems_.end(), p) == problems_.end()) problems_.push_back(p);
  }
  // fio's io_submit_mode=offload hands each IO to a pool of threads that
  // submit it, so that a rate limit issues IOs when they are due whatever
  // the device's completions (fio's HOWTO: against coordinated omission).
  // IOPulse's rate limits are that open-loop schedule already, and an
  // asynchronous engine's worker submits each IO when it is due within the
  // queue depth: a note, for libaio (and null).  fio's offload also lets a
  // synchronous engine hold several IOs in flight (one per pool thread);
  // IOPulse's synchronous engines hold one per worker: refused there.  fio
  // refuses io_uring with offload (FIO_NO_OFFLOAD), and so does IOPulse.
  void submit_mode(const FioJobSettings& s) {
    if (!s.submit_offload || !s.submit_offload->value) return;
    const std::string engine = s.engine ? s.engine->value : "psync (fio's default)";
    if (engine == "io_uring") {
      problem(fmt::format("{}: not accepted with ioengine io_uring, as in fio (\"io_uring: can't be used with "
                          "offloaded submit\"); accepted: inline, or offload with libaio",
                          s.submit_offload->label));
      return;
    }
    if (!s.engine || engine == "sync" || engine == "mmap") {
      problem(fmt::format("{}: not supported by IOPulse with ioengine {}: fio's pool of submitting threads keeps "
                          "several IOs of a synchronous engine in flight, IOPulse's worker one; accepted: inline, "
                          "or offload with libaio",
                          s.submit_offload->label, engine == "sync" ? "psync/sync/pvsync/pvsync2" : engine));
      return;
    }
    if (s.rate_iops || s.rate_bw) {
      note(fmt::format("{}: IOPulse's worker submits each IO when it is due whatever the completions (an open-loop "
                       "rate schedule, within the queue depth), which is what offload gives; its JSON carries the "
                       "latency from each IO's intended start beside the service latency",
                       s.submit_offload->label));
    } else {
      note(fmt::format("{}: without a rate limit offload changes only which thread submits; IOPulse's worker "
                       "submits its own IOs", s.submit_offload->label));
    }
  }

  // fio's io_uring engine options: IOPulse's io_uring engine's own (fio's
  // SQ_AFF CPU only with its polling thread, as fio sets it up).  fio
  // knows them only for a job whose ioengine is io_uring, and so do these.
  template <class Add>
  void io_uring_options(const FioJobSettings& s, const Add& add) {
    const bool uring = s.engine && s.engine->value == "io_uring";
    for (const auto& [name, setting] : s.io_uring_options) {
      if (!uring) {
        problem(fmt::format("{}: an option of fio's io_uring engine, and the job's ioengine is {}", setting.label,
                            s.engine ? s.engine->value : "psync (fio's default)"));
        continue;
      }
      const auto sqpoll = s.io_uring_options.find("sqpoll");
      const bool polled = sqpoll != s.io_uring_options.end() && sqpoll->second.value == "true";
      if (name == "sqpoll-cpu" && !polled) {
        note(fmt::format("{}: no effect without sqthread_poll, as in fio", setting.label));
        continue;
      }
      // fio registers the files whenever its polling thread runs
      // (fio_ioring_init), registerfiles=0 or not.
      if (name == "fixed-files" && polled) continue;
      add("io_uring." + name, setting.value, setting.label);
      if (name == "sqpoll" && polled) add("io_uring.fixed-files", "true", setting.label);
    }
    if (s.uring_nonvectored && !uring) {
      problem(fmt::format("{}: an option of fio's io_uring engine, and the job's ioengine is {}",
                          s.uring_nonvectored->label, s.engine ? s.engine->value : "psync (fio's default)"));
    }
  }

  // Appends a section's options to `out`, each to be read with the
  // kb_base in effect: the section's own when it gives one (fio reads a
  // section's kb_base before its other options), else `kb_base`, which it
  // then becomes for the sections that inherit from this one.
  static void read_with_kb_base(const std::vector<FioIniOption>& section, uint32_t& kb_base,
                                std::vector<FioIniOption>& out) {
    for (const FioIniOption& o : section) {
      if (o.key == "kb_base" && (o.value == "1000" || o.value == "1024")) kb_base = o.value == "1000" ? 1000 : 1024;
    }
    for (FioIniOption o : section) {
      o.kb_base = kb_base;
      out.push_back(std::move(o));
    }
  }

  void note(const std::string& n) {
    if (std::find(notes_.begin(), notes_.end(), n) == notes_.end()) notes_.push_back(n);
  }

  TranslatedJob translate_job(const FioIniSection& section, const std::vector<FioIniOption>& options) {
    FioJobSettings s;
    s.name = section.name;
    for (const FioIniOption& o : options) {
      if (std::optional<std::string> p = apply_fio_option(s, o, label(o))) problem(*p);
    }
    TranslatedJob job;
    job.name = s.name;
    job.label = fmt::format("{}:{}: job '{}'", path_, section.line, section.name);
    job.barrier = s.stonewall && s.stonewall->value;
    job.group_reporting = s.group_reporting && s.group_reporting->value;
    job.new_group = s.new_group && s.new_group->value;
    if (s.exitall) job.exitall_label = s.exitall->label;
    if (s.exit_what) {
      job.exit_what = s.exit_what->value;
      job.exit_what_label = s.exit_what->label;
    }
    job.clones = s.numjobs && s.numjobs->value > 1;
    if (s.wait_for) {
      job.wait_for = s.wait_for->value;
      job.wait_for_label = s.wait_for->label;
    }
    auto add = [&job](std::string key, std::string text, const std::string& label) {
      job.entries.push_back({std::move(key), std::move(text), label});
    };
    const uint32_t numjobs = s.numjobs ? s.numjobs->value : 1;
    const uint32_t nrfiles = s.nrfiles ? s.nrfiles->value : 1;
    // fio's names for a job's files without a filename: filename_format,
    // by default $jobname.$jobnum.$filenum, for each clone and file.  Names
    // the clones share (no $jobnum) are the job's filename list.
    // The names come from the section's name (name= names the job only).
    // One exception, fio's: a job of one file whose section is named after
    // something other than a regular file (looked up as given, in the
    // working directory) works on that, every clone on it: a block or
    // character device here; a link, a FIFO or a socket is refused (fio
    // may replace it with a file).
    std::vector<std::string> generated;
    std::error_code special_ec;
    const auto special = std::filesystem::symlink_status(section.name, special_ec).type();
    const bool named_after = !s.filenames && nrfiles == 1 && !special_ec &&
                             special != std::filesystem::file_type::not_found &&
                             special != std::filesystem::file_type::regular;
    if (named_after && (special == std::filesystem::file_type::block ||
                        special == std::filesystem::file_type::character)) {
      s.filenames = FioSetting<std::vector<std::string>>{{section.name}, job.label};
    } else if (named_after) {
      problem(fmt::format("{}: not supported by IOPulse: a job without filename named after '{}', which is no "
                          "regular file or device (fio would work on it, or replace it with a file); accepted: "
                          "filename=", job.label, section.name));
    } else if (!s.filenames) {
      for (uint32_t c = 0; c < numjobs; ++c) {
        for (uint32_t f = 0; f < nrfiles; ++f) generated.push_back(fio_file_name(section.name, s, c, f));
      }
      const bool shared = s.filename_format && numjobs > 1 &&
                          std::equal(generated.begin(), generated.begin() + nrfiles, generated.end() - nrfiles);
      std::set<std::string> distinct(generated.begin(), shared ? generated.begin() + nrfiles : generated.end());
      if (distinct.size() != (shared ? nrfiles : generated.size())) {
        problem(fmt::format("{}: not supported by IOPulse: '{}' names two of the job's files alike (fio would use "
                            "one file twice); accepted: a format with $filenum, and $jobnum for clones of their own "
                            "files", s.filename_format->label, s.filename_format->value));
      } else if (shared) {
        // (fio gives a clone only the names no one has yet: these are the
        // first clone's, and the others do nothing.)
        problem(fmt::format("{}: not supported by IOPulse with numjobs: '{}' gives every clone the first clone's "
                            "names, and fio's other clones then have no file and do no IO; accepted: $jobnum in the "
                            "format, or numjobs=1", s.filename_format->label, s.filename_format->value));
      }
    }

    // The files.
    const std::string dir = s.directory ? s.directory->value : "";
    const auto in_dir = [&dir](const std::string& name) {
      return dir.empty() ? name : dir + "/" + name;  // as fio: an absolute name too
    };
    bool per_worker = false;
    if (s.filenames) {
      const std::vector<std::string>& names = s.filenames->value;
      if (names.size() == 1) {
        add("target", in_dir(names.front()), s.filenames->label);
        if (s.nrfiles && nrfiles != 1) {
          problem(fmt::format("{}: with one filename IOPulse uses that one file; accepted: nrfiles=1 or a "
                              "filename list", s.nrfiles->label));
        }
      } else {
        file_list(names, in_dir, s.filenames->label, add);
      }
    } else {
      // fio's own names: <dir>/<job>.<clone>.<file>, each clone its own
      // nrfiles files (IOPulse's per-worker list: worker w takes the w-th
      // run of nrfiles files).
      const std::string where =
          s.filename_format ? s.filename_format->label : s.directory ? s.directory->label : job.label;
      const std::vector<std::string>& names = generated;
      if (numjobs > 1) {
        per_worker = true;
        std::vector<std::string> paths;
        for (const std::string& name : names) paths.push_back(in_dir(name));
        add("file-list", join_path_list(paths), where);
        add("file-distribution", "per-worker", s.numjobs->label);
      } else if (nrfiles > 1) {
        file_list(names, in_dir, where, add);
      } else {
        add("target", in_dir(names.front()), where);
      }
    }
    const uint32_t files = s.filenames ? static_cast<uint32_t>(s.filenames->value.size()) : nrfiles;
    if (s.filenames) {
      for (const std::string& name : s.filenames->value) job.paths.push_back(in_dir(name));
    } else {
      for (const std::string& name : generated) job.paths.push_back(in_dir(name));
    }
    // unlink: IOPulse's --remove-files removes what the run created, never
    // a file or device that was there before it (fio removes those too).
    if (s.unlink && s.unlink->value) {
      // (fio removes regular files only: a device stays, in both.)
      for (const std::string& path : job.paths) {
        std::error_code ec;
        if (!std::filesystem::is_regular_file(path, ec)) continue;
        problem(fmt::format("{}: not supported by IOPulse for '{}', which exists: IOPulse removes only the files a "
                            "run creates (fio would remove it); accepted: unlink on files the job creates",
                            s.unlink->label, path));
        break;
      }
      job.unlink_label = s.unlink->label;
      add("remove-files", "true", s.unlink->label);
    }
    // fio's offset and offset_increment: clone j addresses each file from
    // offset + j * offset_increment, size bytes of it (or up to filesize, or
    // to the file's end): IOPulse's --offset and --offset-increment, its
    // --file-size the length of each range.
    const uint64_t offset = s.offset ? s.offset->value : 0;
    const uint64_t increment = s.offset_increment && numjobs > 1 ? s.offset_increment->value : 0;
    if (s.offset && offset != 0) add("offset", std::to_string(offset), s.offset->label);
    if (increment != 0) add("offset-increment", std::to_string(increment), s.offset_increment->label);
    // Clones' ranges that run to the end of the file (or up to filesize)
    // differ in length, which IOPulse's one --file-size cannot say.
    const auto ranges_of_one_length = [&](const std::string& why_label, const char* what) {
      if (increment == 0) return true;
      problem(fmt::format("{}: not supported by IOPulse with {} (fio's clones then address ranges of different "
                          "lengths, each up to {}; IOPulse's are of one length); accepted: size", s.offset_increment->label,
                          why_label, what));
      return false;
    };
    uint64_t file_size = 0;
    const std::string* size_label = nullptr;  // where the job's size comes from
    if (s.filesize) {
      // fio's filesize is the file's size; the range ends there.
      size_label = &s.filesize->label;
      if (offset != 0 && s.filesize->value <= offset) {
        problem(fmt::format("{}: {} leaves nothing after offset {} ({}); accepted: a filesize beyond the offset",
                            s.filesize->label, s.filesize->value, offset, s.offset->label));
      } else if (ranges_of_one_length(s.filesize->label, "filesize")) {
        file_size = s.filesize->value - offset;
        add("file-size", std::to_string(file_size), s.filesize->label);
      }
    } else if (s.size) {
      file_size = s.size->value / files;
      size_label = &s.size->label;
      add("file-size", std::to_string(file_size), s.size->label);
    }
    // A job that names its files without a size takes fio's: each file's
    // size when the job starts, which is the size an earlier job of the file
    // gave it (that job makes it, or extends it), or the size it has now if
    // larger, or that of an existing file or device.  IOPulse's target takes
    // an existing file's size by itself; the translation needs it only to
    // count the job's IO (below).  A missing file without a size is refused,
    // as fio refuses it.
    std::vector<uint64_t> existing_sizes;  // per file, when every file's size is known
    bool size_refused = false;             // (said once, below)
    // (fio's own names too: a job without filename takes the size of the
    // files of those names, or is refused as fio refuses it.)
    const std::string& files_label = s.filenames    ? s.filenames->label
                                     : s.filename_format ? s.filename_format->label
                                     : s.directory  ? s.directory->label
                                                    : job.label;
    {
      const std::vector<std::string>& paths = job.paths;
      if (size_label) {
        // (Made as long as the furthest clone's range reaches.)
        const uint64_t end = file_size + offset + increment * (numjobs - 1);
        for (const std::string& path : paths) sized_files_.emplace(file_key(path), end);
      } else {
        std::string missing;
        bool made_earlier = false;
        bool missing_is_empty = false;  // (an empty file has no size to take, as in fio)
        for (const std::string& path : paths) {
          const std::optional<uint64_t> now = context_.existing_size ? context_.existing_size(path) : std::nullopt;
          const auto earlier = sized_files_.find(file_key(path));
          if (earlier != sized_files_.end()) {
            made_earlier = true;
            existing_sizes.push_back(std::max(earlier->second, now.value_or(0)));
          } else if (now && *now != 0) {
            existing_sizes.push_back(*now);
          } else if (missing.empty()) {
            missing = path;
            missing_is_empty = now.has_value();
          }
        }
        const bool one_size = std::adjacent_find(existing_sizes.begin(), existing_sizes.end(),
                                                 std::not_equal_to<>()) == existing_sizes.end();
        if (!missing.empty()) {
          problem(fmt::format("{}: no size or filesize, and '{}' is {} (fio needs a size too); accepted: size or "
                              "filesize, or an existing target", files_label, missing,
                              missing_is_empty ? "empty" : "no existing file or device to take the size of"));
          existing_sizes.clear();
          size_refused = true;
        } else if (made_earlier && !one_size) {
          problem(fmt::format("{}: not supported by IOPulse: files of different sizes when an earlier job of this "
                              "file makes one of them (IOPulse gives the files a job makes one size); accepted: size "
                              "or filesize", files_label));
          existing_sizes.clear();
          size_refused = true;
        } else if (made_earlier && offset != 0 && existing_sizes.front() <= offset) {
          problem(fmt::format("{}: {} is not before the end of '{}' ({} bytes, as an earlier job makes it)",
                              s.offset->label, offset, paths.front(), existing_sizes.front()));
          existing_sizes.clear();
          size_refused = true;
        } else if (made_earlier && !ranges_of_one_length(files_label, "the end of the file")) {
          existing_sizes.clear();
          size_refused = true;
        } else if (made_earlier) {
          // One size for the files, as the job that makes them gives it,
          // less what comes before the offset.
          file_size = existing_sizes.front() - offset;
          add("file-size", std::to_string(file_size), files_label);
        }
      }
    }
    const bool existing = !existing_sizes.empty();
    // The engine and how IO is issued.
    if (s.engine) {
      const std::string& e = s.engine->value;
      static const std::set<std::string, std::less<>> kMapped = {"sync", "io_uring", "libaio", "mmap", "null"};
      if (kMapped.count(e) == 0 && !(context_.engine_exists && context_.engine_exists(e))) {
        problem(fmt::format("{}: '{}' is neither one of fio's engines IOPulse maps (psync, sync, pvsync, pvsync2, "
                            "io_uring, libaio, mmap, null) nor an IOPulse engine plugin; see iopulse --list-engines",
                            s.engine->label, e));
      }
      add("engine", e, s.engine->label);
    }
    io_uring_options(s, add);
    submit_mode(s);
    if (s.direct && s.direct->value) add("direct", "true", s.direct->label);
    // fio's invalidate and fadvise_hint (both 1 by default): a job drops
    // the cached pages of its range of each file (posix_fadvise DONTNEED)
    // when it opens it, so its reads start from the device, then advises
    // the kernel of its pattern (RANDOM for a random job, which turns
    // readahead off, else SEQUENTIAL), as IOPulse's --fadvise does when each
    // worker opens its files.  fio's null engine does IO on no file, and
    // neither.  (Kept with each job, not hoisted into the global settings:
    // a ramp's measured phase does neither again.)
    if (!(s.engine && s.engine->value == "null")) {
      std::vector<std::string> hints;
      const bool drops = !s.invalidate || s.invalidate->value;
      if (drops) hints.emplace_back("dontneed");
      const std::string hint = s.fadvise_hint ? s.fadvise_hint->value : "1";
      if (hint == "1") hints.emplace_back(s.random && s.random->value ? "random" : "sequential");
      else if (hint != "0") hints.push_back(hint);
      const std::string where = s.fadvise_hint ? s.fadvise_hint->label
                                : s.invalidate ? s.invalidate->label
                                               : fmt::format("{} (fio's defaults invalidate=1, fadvise_hint=1)", job.label);
      if (!hints.empty()) add("fadvise", fmt::format("{}", fmt::join(hints, ",")), where);
      // fio does both again when it starts its range over by opening the
      // files again: at each loop, and when io_size exceeds the files'
      // size.  A buffered time-based job drops the cache (only) when it
      // wraps: a sequential one at its files' end, a random one once its
      // random map is full (never without one).  IOPulse gives its hints
      // again after each pass's worth of IO.
      const bool buffered = !(s.direct && s.direct->value);
      const bool random_job = s.random && s.random->value;
      const bool mapped = !random_job || (!(s.norandommap && s.norandommap->value) &&
                                          (!s.distribution || s.distribution->value.empty() ||
                                           s.distribution->value.front().second == "uniform"));
      uint64_t range_bytes = file_size * files;
      if (file_size == 0) {
        for (const uint64_t size : existing_sizes) range_bytes += size > offset ? size - offset : 0;
      }
      const bool reopens = (s.loops && s.loops->value > 1) ||
                           (s.io_size && range_bytes != 0 && s.io_size->value > range_bytes);
      const bool time_wraps = s.time_based && s.time_based->value && mapped && buffered && drops;
      if (!hints.empty() && (reopens || time_wraps)) add("fadvise-each-pass", "true", where);
      // fio's mmap engine advises its mapping too (posix_madvise, by the
      // job's pattern whatever hint is named): IOPulse's mmap.madvise.
      if (hint != "0" && s.engine && s.engine->value == "mmap") {
        add("mmap.madvise", s.random && s.random->value ? "random" : "sequential", where);
      }
    }
    if (s.iodepth) add("queue-depth", std::to_string(s.iodepth->value), s.iodepth->label);
    if (s.iodepth_batch) add("submit-batch", std::to_string(s.iodepth_batch->value), s.iodepth_batch->label);
    check_reaping(s);
    if (numjobs > 1) add("threads", std::to_string(numjobs), s.numjobs->label);
    if (s.cpus_allowed && !s.cpus_split) add("cpu-cores", s.cpus_allowed->value, s.cpus_allowed->label);
    if (s.percentile_list) add("fio-percentiles", s.percentile_list->value, s.percentile_list->label);
    if (s.continue_on_error && s.continue_on_error->value) {
      add("continue-on-error", "true", s.continue_on_error->label);
    }
    // gtod_reduce=1 spares fio's clock: it stops timing IOs, and its results
    // have no latencies.  IOPulse times every IO whatever (its clock's cost
    // is in docs/performance.md), and its results have them.
    for (const FioSetting<std::string>& o : s.fio_output_only) {
      note(fmt::format("{}: no effect on IOPulse's outputs: {}", o.label,
                       o.value == "unique_filename" ? "it changes file names only in fio's client/server mode"
                                                    : "it shapes fio's own text output, not its JSON"));
    }
    if (s.gtod_reduce && s.gtod_reduce->value) {
      note(fmt::format("{}: IOPulse times every IO anyway; its results carry the latencies fio leaves out with it",
                       s.gtod_reduce->label));
    }
    if (s.latency_left_out) {
      note(fmt::format("{}: IOPulse times every IO anyway; its fio-format results carry {}_ns, which fio leaves "
                       "empty with it", s.latency_left_out->label, s.latency_left_out->value));
    }
    // sync=dsync: fio opens the files O_DSYNC, IOPulse flags each write
    // RWF_DSYNC (the same on the device; an engine without the flag is
    // refused by name).
    {
      const uint32_t reads = read_share(s);
      const bool writes = s.trim && s.trim->value ? s.trim_write && s.trim_write->value : reads < 100;
      if (s.write_dsync && writes) add("io-flags", "dsync", s.write_dsync->label);
      if (s.write_dsync && !writes) note(fmt::format("{}: no effect on a job that does not write, as in fio",
                                                      s.write_dsync->label));
    }
    // cpus_allowed_policy=split: fio gives its thread n the n-th CPU of the
    // set (wrapping), numbering the threads of every job of the file;
    // IOPulse pins a job's worker w to its w-th, so a file of one job
    // section is the same.
    // (fio's set is its CPUs in ascending order, each once: IOPulse's list
    // is given so.)
    if (s.cpus_split) {
      job.cpus_split_label = s.cpus_split->label;
      if (!s.cpus_allowed) note(fmt::format("{}: no effect without cpus_allowed, as in fio", s.cpus_split->label));
    }
    if (s.cpus_split && s.cpus_allowed) {
      if (const std::optional<std::string> set = cpu_set_text(s.cpus_allowed->value)) {
        add("cpu-cores", *set, s.cpus_allowed->label);
      } else {
        problem(fmt::format("{}: not supported by IOPulse with {}: '{}' is not a list of CPUs and ranges (N, N-M); "
                            "accepted: such a list", s.cpus_allowed->label, s.cpus_split->label,
                            s.cpus_allowed->value));
      }
    }
    if (s.unified_rw && s.unified_rw->value != "none") add("fio-unified-rw", s.unified_rw->value, s.unified_rw->label);
    if (s.allow_mounted_write && s.allow_mounted_write->value) {
      add("allow-mounted-writes", "true", s.allow_mounted_write->label);
    }
    if (s.preallocate && s.preallocate->value) add("preallocate", "true", s.preallocate->label);

    // fio-format logs: averaged over log_avg_msec (the stats interval), or an
    // entry per IO without it, as fio writes them (docs/fio-compatibility.md).
    if (s.bw_log) add("write-bw-log", s.bw_log->value, s.bw_log->label);
    if (s.iops_log) add("write-iops-log", s.iops_log->value, s.iops_log->label);
    if (s.lat_log) add("write-lat-log", s.lat_log->value, s.lat_log->label);
    const FioSetting<std::string>* log = s.bw_log ? &*s.bw_log : s.iops_log ? &*s.iops_log : s.lat_log ? &*s.lat_log : nullptr;
    // IOPulse takes a steady-state sample per stats interval: fio's
    // ss_interval (one for every job, as fio demands) is the stats interval,
    // which log_avg_msec also sets.  fio's own limits: at least 1 s, and
    // ss_dur a multiple of it above it.
    // (log_avg_msec without a log averages nothing, in fio as here.)
    const bool averaged_logs = log != nullptr && s.log_avg_msec && s.log_avg_msec->value != 0;
    const bool ss_interval = s.ss_interval_ns.has_value();
    if (ss_interval && s.ss_interval_ns->value < 1'000'000'000) {
      problem(fmt::format("{}: '{}' is not accepted; accepted: at least 1s (as fio)", s.ss_interval_ns->label,
                          duration_text(s.ss_interval_ns->value)));
    }
    if (s.ss_dur_ns && s.ss_dur_ns->value != 0) {
      const uint64_t interval = ss_interval ? s.ss_interval_ns->value : 1'000'000'000;  // above 0
      if (s.ss_dur_ns->value % interval != 0 || s.ss_dur_ns->value <= interval) {
        problem(fmt::format("{}: '{}' is not accepted; accepted: a multiple of ss_interval ({}) above it (as fio)",
                            s.ss_dur_ns->label, duration_text(s.ss_dur_ns->value), duration_text(interval)));
      }
    }
    if (ss_interval && averaged_logs && s.ss_interval_ns->value != s.log_avg_msec->value * 1'000'000) {
      problem(fmt::format("{}: not supported by IOPulse: a steady-state sampling period ({}) other than "
                          "log_avg_msec's ({} ms) of {} (IOPulse takes a steady-state sample per stats interval, "
                          "which both set); accepted: the same period in both",
                          s.ss_interval_ns->label, duration_text(s.ss_interval_ns->value), s.log_avg_msec->value,
                          s.log_avg_msec->label));
    } else if (ss_interval && !averaged_logs) {
      add("stats-interval", duration_text(s.ss_interval_ns->value), s.ss_interval_ns->label);
    } else if (s.steady_state && !averaged_logs) {
      // fio's default ss_interval, so another job's interval cannot become
      // this job's sampling period unseen.
      add("stats-interval", duration_text(1'000'000'000), s.steady_state->label);
    }
    if (averaged_logs) {
      add("stats-interval", duration_text(s.log_avg_msec->value * 1'000'000), s.log_avg_msec->label);
    } else if (log != nullptr) {
      add("log-per-io", "true", s.log_avg_msec ? s.log_avg_msec->label : log->label);
    }
    if (log != nullptr && s.log_offset && s.log_offset->value) add("log-offset", "true", s.log_offset->label);
    if (log != nullptr && s.log_prio && s.log_prio->value) add("log-prio", "true", s.log_prio->label);
    {
      const auto& epoch = s.log_unix_epoch && s.log_unix_epoch->value ? s.log_unix_epoch : s.log_alternate_epoch;
      if (log != nullptr && epoch && epoch->value) {
        if (s.log_epoch_clock && s.log_epoch_clock->value != 0) {
          problem(fmt::format("{}: not supported by IOPulse: another clock's epoch for the logs' times; accepted: 0 "
                              "(CLOCK_REALTIME, Unix time)", s.log_epoch_clock->label));
        }
        add("log-unix-epoch", "true", epoch->label);
      }
    }
    // Steady state: fio's ss, ss_dur and ss_ramp are IOPulse's (same criteria).
    if (s.steady_state) add("steady-state", s.steady_state->value, s.steady_state->label);
    if (s.ss_dur_ns) add("steady-state-duration", duration_text(s.ss_dur_ns->value), s.ss_dur_ns->label);
    if (s.ss_ramp_ns) add("steady-state-ramp", duration_text(s.ss_ramp_ns->value), s.ss_ramp_ns->label);

    // The workload.
    const bool random = s.random && s.random->value;
    // fio's file_service_type: how a job of several files goes from one to
    // the next.  IOPulse's own ways: a random offset falls anywhere in all
    // the files (fio's random choice of file, for files of one size), a
    // sequential job walks them one after another (fio's sequential);
    // roundrobin, fio's default, is taken as IOPulse's way
    // (docs/fio-compatibility.md, filename).
    if (s.file_service) {
      const auto& [kind, ios] = s.file_service->value;
      // (Sizes not known at all have their own refusal.)
      const bool sizes_differ =
          file_size == 0 && existing &&
          std::adjacent_find(existing_sizes.begin(), existing_sizes.end(), std::not_equal_to<>()) != existing_sizes.end();
      const bool uniform = !s.distribution || s.distribution->value.empty() ||
                           s.distribution->value.front().second == "uniform";
      const uint32_t reads = read_share(s);
      const uint32_t clones = s.numjobs ? s.numjobs->value : 1;
      std::string why;  // what IOPulse does otherwise
      if (files <= 1) {
        note(fmt::format("{}: no effect on a job of one file, as in fio", s.file_service->label));
      } else if (kind == "sequential") {
        why = random ? "sequential with random IO (IOPulse spreads a random job's IOs over all its files at once)"
              : reads != 0 && reads != 100
                  ? "sequential with reads and writes (fio keeps a position for each in each file)"
              : clones > 1 && s.filenames
                  ? "sequential with numjobs on one list (fio's clones each start at the first file, IOPulse's "
                    "workers at different places)"
                  : "";
      } else if (kind == "random") {
        why = !random      ? "random with sequential IO"
              : ios != 1   ? "several IOs per file chosen"
              : sizes_differ ? "files of different sizes"
              : !uniform   ? "random with a non-uniform random_distribution (fio draws it inside each file chosen, "
                             "IOPulse over all the files end to end)"
                           : "";
        if (!why.empty() && why.find('(') == std::string::npos) {
          why += " (IOPulse's random offsets fall anywhere in all the files: fio's random choice of file, one IO at "
                 "a time, over files of one size with uniform offsets)";
        }
      }
      if (!why.empty()) {
        problem(fmt::format("{}: not supported by IOPulse: {}; accepted: sequential for a sequential job of one "
                            "worker or numbered files, random for uniform random IO over files of one size, or "
                            "roundrobin", s.file_service->label, why));
      }
    }
    {
      // fio's roundrobin (its default file_service_type): a sequential job
      // of several files takes N IOs of each in turn, IOPulse's --file-order
      // roundrobin:N.  Where IOPulse cannot (IO sizes that vary, files of
      // different sizes, reads and writes mixed) it walks the files one
      // after another (docs/fio-compatibility.md, file_service_type).
      const bool roundrobin = !s.file_service || s.file_service->value.first == "roundrobin";
      const uint32_t reads = read_share(s);
      const bool one_file_size =
          file_size != 0 || (existing && std::adjacent_find(existing_sizes.begin(), existing_sizes.end(),
                                                            std::not_equal_to<>()) == existing_sizes.end());
      if (!random && files > 1 && roundrobin && (reads == 0 || reads == 100) && one_io_size(s) && !realigned(s) &&
          one_file_size) {
        const uint64_t n = s.file_service ? std::max<uint64_t>(1, s.file_service->value.second) : 1;
        add("file-order", n == 1 ? std::string("roundrobin") : fmt::format("roundrobin:{}", n),
            s.file_service ? s.file_service->label
                           : fmt::format("{} (fio's default file_service_type=roundrobin)", job.label));
      }
    }
    uint32_t read_percent = s.read_percent ? s.read_percent->value : 100;
    std::string mix_label = s.read_percent ? s.read_percent->label : job.label;
    if (s.rwmixread && read_percent != 0 && read_percent != 100) {
      read_percent = s.rwmixread->value;
      mix_label = s.rwmixread->label;
    }
    // fio's rates hold for each direction: a job of reads and writes with a
    // rate for both does that many reads and that many writes a second
    // (rate_ddir takes whichever direction is due, whatever rwmixread says,
    // as long as the device keeps up), so IOPulse's rate is their sum and
    // its read share their ratio.  A rate for one direction only leaves the
    // other unlimited, which IOPulse cannot do beside it.
    uint64_t rate_scale = 1;  // IOPulse's rate = fio's x this
    const bool rated = s.rate_bw || s.rate_iops;
    const bool trims = s.trim && s.trim->value;
    const std::string rate_label = rated ? (s.rate_bw ? s.rate_bw : s.rate_iops)->label : std::string();
    const uint32_t rate_dirs = s.rate_directions;
    if (rated && trims && s.trim_write && s.trim_write->value) {
      // trimwrite: fio paces the writes; each trim goes just before its
      // write, unpaced.  IOPulse paces its trims and writes alike.
      if ((rate_dirs & 2u) != 0) {
        rate_scale = 2;
        note(fmt::format("{}: holds the writes of trimwrite, each trim going just before its write, as fio does: "
                         "IOPulse, which paces trims and writes alike, runs the job at twice the rate", rate_label));
      } else {
        rate_scale = 0;
        note(fmt::format("{}: no effect: trimwrite's rate is its writes', and none is given, as in fio", rate_label));
      }
    } else if (rated && !trims && read_percent != 0 && read_percent != 100) {
      if ((rate_dirs & 3u) == 0) {
        rate_scale = 0;  // (a rate for trims only: the job does none)
        note(fmt::format("{}: no effect: the job does no trims, as in fio", rate_label));
      } else if ((rate_dirs & 3u) != 3u) {
        problem(fmt::format("{}: not supported by IOPulse: a rate for {} only in a job that reads and writes (fio "
                            "runs the other direction unlimited); accepted: one rate for both", rate_label,
                            (rate_dirs & 1u) != 0 ? "reads" : "writes"));
      } else if (s.rate_bw && !one_io_size(s)) {
        problem(fmt::format("{}: not supported by IOPulse: a bandwidth rate for reads and writes of different sizes "
                            "(fio holds each direction to it, which IOPulse's one rate and read share cannot say for "
                            "sizes that differ); accepted: rate_iops, or one block size", rate_label));
      } else if (s.thinktime_ns && s.thinktime_ns->value != 0) {
        problem(fmt::format("{}: not supported by IOPulse with thinktime in a job that reads and writes (fio keeps "
                            "each direction on the rate only while the job can keep up, and follows rwmixread when "
                            "the think time holds it under); accepted: a rate without thinktime", rate_label));
      } else {
        rate_scale = 2;
        read_percent = 50;
        mix_label = rate_label;
        note(fmt::format("{}: holds reads and writes each, as fio does while the device keeps up (its rate_ddir "
                         "takes whichever direction is due, whatever the mix): IOPulse runs the job at twice the "
                         "rate, half reads", rate_label));
      }
    } else if (rated && (rate_dirs & (trims ? 4u : read_percent == 100 ? 1u : 2u)) == 0) {
      rate_scale = 0;  // (a rate for the direction the job does not do: no limit, as in fio)
      note(fmt::format("{}: no effect: the job does no {}, as in fio", rate_label,
                       trims ? "reads or writes" : read_percent == 100 ? "writes" : "reads"));
    }
    add("read-percent", std::to_string(read_percent), mix_label);
    // rw=trim and randtrim: trims only, of bs's trim size, the job's one
    // block size (it reads and writes nothing).  A job without trims has no
    // use for the trim size, in fio as here.
    // rw=trimwrite and randtrimwrite: each trim is followed by a write of
    // the range it discarded (fio's order).  fio writes with the write size
    // and walks its writes apart from its trims when that differs from the
    // trim size; IOPulse writes exactly what it trimmed, so the two sizes
    // must agree.
    const bool trim_write = trims && s.trim_write && s.trim_write->value;
    // end_fsync: fio syncs only the files of a job that writes.
    if (s.end_fsync && s.end_fsync->value && ((!trims && read_percent != 100) || trim_write)) {
      add("end-fsync", "true", s.end_fsync->label);
    }
    if (trims) add("trim-percent", "100", s.trim->label);
    if (trim_write) {
      add("trim-write", "true", s.trim_write->label);
      if (s.trim_sizes && s.write_sizes && s.trim_sizes->value != s.write_sizes->value) {
        problem(fmt::format("{}: not supported by IOPulse: rw=trimwrite with a write size ({}) other than the trim "
                            "size ({}) (IOPulse writes exactly the range it trimmed); accepted: equal write and "
                            "trim sizes in bs",
                            s.trim_sizes->label, s.write_sizes->value, s.trim_sizes->value));
      }
    }
    if (random) add("random", "true", s.random->label);
    // fio's sequential order: holed IO (rw=read:8k, backwards with a
    // negative value), and reads and writes each at their own position.
    // Where fio's order is its own, refused.
    if (s.sequential_skip) {
      const std::string& l = s.sequential_skip->label;
      const uint32_t loops = s.loops ? s.loops->value : 1;
      // fio wraps holed IO at the file's end and ends it at the range's: the
      // two must be one (the whole file, from its start).
      uint64_t file_end = file_size;  // what the job makes, or 0
      for (const std::string& path : job.paths) {
        if (const auto now = context_.existing_size ? context_.existing_size(path) : std::nullopt) {
          file_end = std::max(file_end, *now);
        }
        if (const auto earlier = sized_files_.find(file_key(path)); earlier != sized_files_.end()) {
          file_end = std::max(file_end, earlier->second);
        }
      }
      const bool part = (s.filesize && s.size && s.size->value < s.filesize->value) ||
                        (file_size != 0 && file_end > file_size);
      std::string why;
      if (files > 1) why = "with several files (fio keeps a position in each file)";
      else if (!one_io_size(s)) why = "with several IO sizes (fio ends the job where an IO ends at the file's end, "
                                      "which the sizes drawn decide)";
      else if (loops > 1) why = "with loops";
      else if (numjobs > 1 && !per_worker && increment == 0) {
        why = "with clones on one file (fio's each start at its start, IOPulse's workers at different places)";
      } else if (offset != 0 || increment != 0) {
        why = "with an offset (fio wraps holed IO at the file's end, not at its range's)";
      } else if (part) {
        why = "on part of a file (fio ends holed IO at the range's end, and wraps it only at the file's end)";
      }
      // Reads and writes each walk the file with holes; when one walk ends,
      // fio ends the job or starts both again, as the mix decides, unless it
      // starts each again on its own (time_based, io_size above size, at
      // an IO that ends at the file's end).
      const uint64_t range = file_size != 0 ? file_size : file_end;
      const HoledWalk walk = holed_walk(smallest_block_size(s), s.sequential_skip->value, range);
      const bool apart = walk.exactly && ((s.time_based && s.time_based->value) ||
                                          (s.io_size && s.io_size->value > range));
      if (why.empty() && mixes_reads_and_writes(s) && walk.ends && !apart) {
        why = "for reads and writes whose walk of the file ends (fio then ends the job, or starts both again, when "
              "either gets there, which the mix decides); accepted: a modifier whose IOs wrap at the file's end";
      }
      if (!why.empty()) problem(fmt::format("{}: not supported by IOPulse: an offset modifier {}", l, why));
      add("sequential-skip", std::to_string(s.sequential_skip->value), l);
    }
    // fio's sequential reads and writes each go on from their own last IO,
    // wrapping on their own (time_based, io_size above size); over several
    // files IOPulse walks them one after another with one position
    // (docs/fio-compatibility.md, rw).
    if (!random && !trims && read_percent != 0 && read_percent != 100 && files == 1) {
      if (s.loops && s.loops->value > 1) {
        problem(fmt::format("{}: not supported by IOPulse for a sequential job of reads and writes (fio starts both "
                            "again at the file's start at each loop, IOPulse's go on from where each is)",
                            s.loops->label));
      }
      add("sequential-cursor", "per-op", s.read_percent ? s.read_percent->label : mix_label);
    }
    if (trims && s.trim_sizes) {
      add("block-size", s.trim_sizes->value, s.trim_sizes->label);
    } else if (s.read_sizes && s.write_sizes && s.read_sizes->value == s.write_sizes->value) {
      add("block-size", s.read_sizes->value, s.read_sizes->label);
    } else {
      if (s.read_sizes) add("read-block-size", s.read_sizes->value, s.read_sizes->label);
      if (s.write_sizes) add("write-block-size", s.write_sizes->value, s.write_sizes->label);
    }
    // fio's blockalign other than its default (each direction's smallest
    // block size): random offsets on that boundary, and no random map (fio
    // turns it off and says so); a sequential job ignores it, in fio as
    // here.  (IOPulse's default boundary is the job's smallest size.)
    if (realigned(s) && random) {
      if (s.blockalign->value != smallest_block_size(s)) {
        add("block-align", std::to_string(s.blockalign->value), s.blockalign->label);
      }
      if (!s.norandommap || !s.norandommap->value) {
        note(fmt::format("{}: turns the random map off, as in fio (\"Any use of blockalign= turns off randommap\"): "
                         "blocks may repeat and the job ends on its size in bytes", s.blockalign->label));
      }
    } else if (realigned(s)) {
      note(fmt::format("{}: no effect on a sequential job, as in fio", s.blockalign->label));
    }
    if (s.distribution) {
      for (const auto& [key, text] : s.distribution->value) add(key, text, s.distribution->label);
      const bool zoned = std::any_of(s.distribution->value.begin(), s.distribution->value.end(),
                                     [](const auto& kv) { return kv.first == "zones"; });
      if (zoned && files > 1) {
        problem(fmt::format("{}: not supported by IOPulse with several files: IOPulse's zones lie across a "
                            "worker's files end to end, fio's in each file; accepted: zoned with one file",
                            s.distribution->label));
      }
    }
    // randseed wins over randrepeat, as in fio; randrepeat=0 without it: a
    // seed drawn for each run and job.
    const bool drawn_seed = !s.randseed && s.randrepeat && !s.randrepeat->value;
    if (s.randseed) add("seed", std::to_string(s.randseed->value), s.randseed->label);
    job.loops_repeat_offsets = !s.randrepeat || s.randrepeat->value;
    if (drawn_seed) add("seed", "random", s.randrepeat->label);
    if (s.fsync) add("fsync-every", std::to_string(s.fsync->value), s.fsync->label);
    if (s.fdatasync) add("fdatasync-every", std::to_string(s.fdatasync->value), s.fdatasync->label);
    // IO priorities: fio's per-command priority (cmdprio_percentage % of
    // the IOs at cmdprio_class:cmdprio, default the highest, rt:0; the others
    // at the job's priority, none by default) or the job's own
    // (prioclass:prio, every IO).
    static constexpr const char* kClass[] = {"", "rt", "be", "idle"};
    const auto prio_text = [](uint32_t cls, uint32_t level) {
      return cls == 3 ? std::string("idle") : fmt::format("{}:{}", kClass[cls], level);
    };
    // fio's job priority (prio, prioclass): its class defaults to best
    // effort, its level to 0; class 0 is best effort too (fio's
    // ioprio_value(): "If no class is set, assume BE").
    const bool job_priority = s.prio || s.prioclass;
    const std::string job_prio =
        prio_text(s.prioclass && s.prioclass->value != 0 ? s.prioclass->value : 2, s.prio ? s.prio->value : 0);
    const std::string job_priority_label = s.prioclass ? s.prioclass->label : s.prio ? s.prio->label : "";
    if (s.cmdprio_percentage && s.cmdprio_percentage->value != 0) {
      const std::string cmdprio =
          prio_text(s.cmdprio_class ? s.cmdprio_class->value : 1, s.cmdprio ? s.cmdprio->value : 0);
      add("io-priority", cmdprio, s.cmdprio_percentage->label);
      // With the job's priority the same, every IO carries the one
      // priority, whatever the share.
      if (!job_priority || job_prio != cmdprio) {
        add("io-priority-percent", std::to_string(s.cmdprio_percentage->value), s.cmdprio_percentage->label);
        if (job_priority && s.cmdprio_percentage->value != 100) add("io-priority-others", job_prio, job_priority_label);
      }
    } else if (job_priority) {
      add("io-priority", job_prio, job_priority_label);
    }
    if (job_priority) {
      job.read_back_priority = job_prio;
      job.read_back_priority_label = job_priority_label;
    }
    if (s.buffer_pattern) add("buffer-pattern", std::to_string(s.buffer_pattern->value), s.buffer_pattern->label);
    add_data_reduction(s, add);
    // fio's rates and think times hold for each clone.
    if (s.rate_bw && rate_scale != 0) add("rate-bw", std::to_string(s.rate_bw->value * rate_scale), s.rate_bw->label);
    if (s.rate_iops && rate_scale != 0) {
      add("rate-iops", std::to_string(s.rate_iops->value * rate_scale), s.rate_iops->label);
    }
    if ((s.rate_bw || s.rate_iops) && rate_scale != 0) {
      add("rate-per-worker", "true", (s.rate_bw ? s.rate_bw : s.rate_iops)->label);
    }
    // fio's least rates hold for each clone (fio refuses both kinds at once).
    if (s.rate_min_bw && s.rate_min_iops) {
      problem(fmt::format("{}: not accepted with {}, as in fio (\"rate and rate_iops are mutually exclusive\"); "
                          "accepted: one of ratemin and rate_iops_min", s.rate_min_iops->label, s.rate_min_bw->label));
    }
    if (s.rate_min_bw) add("rate-min-bw", std::to_string(s.rate_min_bw->value), s.rate_min_bw->label);
    if (s.rate_min_iops) add("rate-min-iops", std::to_string(s.rate_min_iops->value), s.rate_min_iops->label);
    // fio applies the process only to a rate; without one it has no effect.
    if (s.rate_poisson && s.rate_poisson->value && (s.rate_bw || s.rate_iops) && rate_scale != 0) {
      add("rate-process", "poisson", s.rate_poisson->label);
    }
    if (s.thinktime_ns) {
      add("think-time", duration_text(s.thinktime_ns->value), s.thinktime_ns->label);
      if (s.thinktime_spin_ns && s.thinktime_spin_ns->value != 0) {
        if (s.thinktime_spin_ns->value != s.thinktime_ns->value) {
          problem(fmt::format("{}: not supported by IOPulse: spinning for part of the think time; accepted: "
                              "0 (sleep) or the whole thinktime (spin)", s.thinktime_spin_ns->label));
        }
        add("think-mode", "spin", s.thinktime_spin_ns->label);
      }
      if (s.thinktime_blocks) add("think-every", std::to_string(s.thinktime_blocks->value), s.thinktime_blocks->label);
    }
    if (s.verify && s.verify->value) {
      add("verify", "true", s.verify->label);
    }
    // fio's read-back pass (do_verify=1, its default, on a job that only
    // writes): a phase of its own after the job's, for a job that writes
    // every block once (below).
    bool read_back = s.verify && s.verify->value && read_percent == 0 && (!s.do_verify || s.do_verify->value);
    const auto no_read_back = [&](std::string_view why) {
      problem(fmt::format("{}: not supported by IOPulse: the read-back pass after a write-only job (do_verify=1, "
                          "fio's default) {}; accepted: a job that writes its size once per loop (no time_based, "
                          "io_size, number_ios, norandommap or non-uniform random_distribution), or do_verify=0, "
                          "then a read job with verify (or iopulse --verify-only) to check the blocks", s.verify->label, why));
    };

    if (s.start_delay_ns) {
      const auto [low, high] = s.start_delay_ns->value;
      add("start-delay", low == high ? duration_text(low) : duration_text(low) + "-" + duration_text(high),
          s.start_delay_ns->label);
      if (s.ramp_ns) {
        problem(fmt::format("{}: not supported by IOPulse with ramp_time (IOPulse's ramp is a phase of its own, and "
                            "the delay would come before it and again before the measured phase); accepted: "
                            "startdelay without ramp_time", s.start_delay_ns->label));
      }
      if (s.bw_log || s.iops_log || s.lat_log) {
        problem(fmt::format("{}: not supported by IOPulse with fio-format logs (write_bw_log, write_iops_log, "
                            "write_lat_log): IOPulse's log times count from the phase's start, fio's from the "
                            "job's; accepted: startdelay without these logs", s.start_delay_ns->label));
      }
      job.start_delay_label = s.start_delay_ns->label;
    }

    // The stop condition.
    if (s.time_based && s.time_based->value) {
      if (!s.runtime_ns) {
        problem(fmt::format("{}: time_based needs runtime; accepted: time_based with runtime=TIME",
                            s.time_based->label));
      } else {
        add("duration", duration_text(s.runtime_ns->value), s.runtime_ns->label);
      }
      // (fio's documentation stops the job at number_ios; fio 3.33 itself
      // runs a time-based job for its whole runtime: docs/fio-compatibility.md.)
      if (s.number_ios) add("total-ops", std::to_string(s.number_ios->value * numjobs), s.number_ios->label);
      if (read_back) {
        // fio's writes use the whole runtime and its read-back pass never
        // starts; it says so at start ("verification read phase will never
        // start because write phase uses all of runtime") and writes its
        // verifiable blocks all along, as the job's verify does here.
        note(fmt::format("{}: the read-back pass (do_verify=1) never starts: the writes use all of the runtime "
                         "(time_based), as in fio", s.verify->label));
        read_back = false;
      }
      if (s.ramp_ns) {
        if (s.number_ios) {
          problem(fmt::format("{}: not supported by IOPulse with number_ios (IOPulse's ramp is a phase of its own, "
                              "which would count the IOs apart); accepted: ramp_time with time_based and runtime",
                              s.ramp_ns->label));
        }
        if (s.bw_log || s.iops_log || s.lat_log) {
          problem(fmt::format("{}: not supported by IOPulse with fio-format logs (write_bw_log, write_iops_log, "
                              "write_lat_log): IOPulse's logs would hold the ramp's samples, fio's leave them out; "
                              "accepted: ramp_time without these logs", s.ramp_ns->label));
        }
        if (!random) {
          problem(fmt::format("{}: not supported by IOPulse with a sequential job: IOPulse's ramp is a phase of its "
                              "own, after which the job starts again at its first offset and would measure the "
                              "blocks the ramp just did (fio carries on); accepted: ramp_time with random jobs",
                              s.ramp_ns->label));
        }
        job.ramp_ns = s.ramp_ns->value;
        job.ramp_label = s.ramp_ns->label;
        // Another seed than the job's: the measured phase must not repeat
        // the ramp's offsets (fio's ramp goes on with its one sequence).
        // (A drawn seed differs per phase by itself.)
        job.ramp_seed = drawn_seed ? "random"
                                   : std::to_string((s.randseed ? s.randseed->value : WorkloadSpec{}.seed) ^
                                                    0x72616d70'5f736565ULL);
      }
      return job;
    }
    if (s.ramp_ns) {
      problem(fmt::format("{}: not supported by IOPulse for a job bounded by its size (IOPulse's ramp is a phase of "
                          "its own, which would do IO of the job's amount apart); accepted: ramp_time with "
                          "time_based and runtime", s.ramp_ns->label));
    }
    const uint32_t loops = s.loops ? s.loops->value : 1;
    const bool norandommap = s.norandommap && s.norandommap->value;
    uint64_t pass = file_size * files;
    // fio's random map bounds a random job (each block once) unless
    // norandommap, or offsets drawn from a distribution other than uniform
    // (zipf, pareto, normal, zoned: fio sets norandommap for them; blocks
    // repeat, as the distribution says).
    const bool non_uniform = s.distribution && !s.distribution->value.empty() &&
                             s.distribution->value.front().second != "uniform";
    const bool bounded = !random || (!norandommap && !non_uniform && !realigned(s));
    if (existing) {
      // fio's job ends when it has done the files' size: in whole blocks
      // where its random map (or the end of a file, sequentially) bounds it,
      // one block over where nothing does.
      const uint64_t block = std::max<uint64_t>(1, smallest_block_size(s));
      pass = 0;
      // (Clone 0's range of each file: from the offset to the end.)
      for (const uint64_t size : existing_sizes) {
        const uint64_t bytes = size > offset ? size - offset : 0;
        pass += bounded ? bytes / block * block : bytes;
      }
      if (!bounded) pass = (pass + block - 1) / block * block;
    }
    // With filesize (the files' size), size is still the job's amount of
    // IO when it is less: fio caps its io at it.
    const uint64_t job_size = s.filesize && s.size && s.size->value < pass ? s.size->value : pass;
    uint64_t amount = (s.io_size ? s.io_size->value : job_size) * loops;
    // fio's holed IO ends the job where its walk of the file ends (below):
    // the walk's bytes are then the job's amount.  With io_size fio starts
    // another walk, as IOPulse goes on.  (One IO size, one whole file here:
    // the others are refused.)
    if (s.sequential_skip && !s.io_size) {
      const HoledWalk walk = holed_walk(smallest_block_size(s), s.sequential_skip->value, pass);
      if (walk.ends) amount = std::min(amount, walk.ios * smallest_block_size(s));
    }
    // (With offset_increment each clone has its own range of the files.)
    const bool own_files = numjobs == 1 || per_worker || increment != 0;
    // IOPulse's complete pass addresses every block once, so it takes one size.
    const bool one_size = (!s.read_sizes || s.read_sizes->value.find_first_of(",-") == std::string::npos) &&
                          (!s.write_sizes || s.write_sizes->value.find_first_of(",-") == std::string::npos);
    if (s.number_ios) add("total-ops", std::to_string(s.number_ios->value * loops * numjobs), s.number_ios->label);
    const bool complete = amount == pass && own_files && one_size && bounded && !s.runtime_ns && !s.number_ios &&
                          !own_sequential_order(s);
    // Each loop a complete pass (fio's loops with its read-back pass after
    // each: a phase per loop, each followed by its read-back).
    const bool complete_loops =
        loops > 1 && !s.io_size && own_files && one_size && bounded && !s.runtime_ns && !s.number_ios &&
        !own_sequential_order(s);
    if (read_back) {
      // IOPulse's check reads every block of the files; fio's the blocks
      // the job wrote, which are all of them once in a complete pass.
      if (s.steady_state) {
        // (fio ends the job once steady state is attained, before its
        // read-back; IOPulse's read-back would check blocks never written.)
        no_read_back("of a job with steadystate (fio skips the read-back when steady state ends the job)");
      } else if (complete_loops && loops > kMostReadBackLoops) {
        no_read_back(fmt::format("of more than {} loops (each loop is a phase of its own, with its results)",
                                 kMostReadBackLoops));
      } else if ((complete && loops == 1 && !s.io_size) || complete_loops) {
        job.read_back_label = s.verify->label;
        job.read_back_loops = loops;
      } else {
        no_read_back("of a job that does not write each block once per loop");
      }
    }
    if (complete || (read_back && complete_loops)) {
      // (IOPulse's pass of an existing target is its whole size by itself;
      // a read-back demands the generation of a pass that says so.)
      if (pass != 0 && (!existing || read_back)) {
        add("run-until-complete", "true", size_label ? *size_label : s.verify->label);
      }
    } else if (amount != 0) {
      const std::string& l = s.io_size ? s.io_size->label : s.loops ? s.loops->label
                             : job_size != pass ? s.size->label
                             : size_label ? *size_label : s.filenames->label;
      // (IOPulse splits one budget evenly among the workers; fio's clones
      // each do their own range's length, which differ here.)
      if (!(existing && !size_label && !s.io_size) || ranges_of_one_length(l, "the end of the file")) {
        add("total-bytes", std::to_string(amount * numjobs), l);
      }
    } else if (!s.runtime_ns && !s.number_ios && !size_refused) {
      problem(fmt::format("{}: no size, filesize, io_size, runtime or number_ios: IOPulse cannot tell how much "
                          "IO to do; accepted: one of them", job.label));
    }
    if (s.runtime_ns) add("duration", duration_text(s.runtime_ns->value), s.runtime_ns->label);
    return job;
  }

  // The smallest block size of the directions the job does (fio's bs
  // defaults to 4k); 0 when a size does not parse (its own refusal says why).
  static uint64_t smallest_block_size(const FioJobSettings& s) {
    const std::vector<uint64_t> each = smallest_block_sizes(s);
    return each.empty() ? 0 : *std::min_element(each.begin(), each.end());
  }

  // A sequential job that does not address each block once in one order:
  // holed IO, or reads and writes each going on from their own position
  // (fio's rw=rw).  IOPulse's complete pass cannot say it: such a job is
  // bounded by its bytes.
  // How fio's holed IO of `bs`-byte IOs, each `skip` bytes after the last
  // one's end, walks a file of `range` bytes from its start: the IOs of one
  // walk, and whether the walk ends (an IO ends at the file's end, or the
  // next would not fit before it) or wraps to the start for ever (the next
  // would start at or past the end).  Backwards IO never ends.
  struct HoledWalk {
    uint64_t ios = 0;
    bool ends = false;
    bool exactly = false;  // its last IO ends at the file's end
  };
  static HoledWalk holed_walk(uint64_t bs, int64_t skip, uint64_t range) {
    HoledWalk w;
    const int64_t stride = static_cast<int64_t>(bs) + skip;
    if (bs == 0 || stride <= 0 || range < bs) return w;
    const uint64_t steps = (range - bs) / static_cast<uint64_t>(stride);
    w.ios = steps + 1;
    w.exactly = steps * static_cast<uint64_t>(stride) + bs == range;
    w.ends = w.exactly || (steps + 1) * static_cast<uint64_t>(stride) < range;
    return w;
  }

  // fio's make_filename(): filename_format with $jobname, $jobnum and
  // $filenum replaced (any case), or its default.
  // "3,0-1,1" -> "0,1,3": a CPU list as the set fio makes of it; nullopt
  // when it is not a list of numbers and ranges.  (Whether the CPUs exist
  // is the spec's check.)
  static std::optional<std::string> cpu_set_text(const std::string& list) {
    try {
      const std::vector<uint32_t> cpus = parse_id_list("cpus_allowed", list, 1L << 20, "CPU");
      const std::set<uint32_t> set(cpus.begin(), cpus.end());
      return fmt::format("{}", fmt::join(set, ","));
    } catch (const UsageError&) {
      return std::nullopt;
    }
  }

  // `job` is the section's name, which fio's names use (not name=).
  static std::string fio_file_name(const std::string& job, const FioJobSettings& s, uint32_t clone, uint32_t file) {
    if (!s.filename_format || s.filename_format->value.empty()) return fmt::format("{}.{}.{}", job, clone, file);
    std::string name = s.filename_format->value;
    for (const auto& [keyword, value] : {std::pair<std::string, std::string>{"$jobname", job},
                                         {"$jobnum", std::to_string(clone)},
                                         {"$filenum", std::to_string(file)}}) {
      for (size_t at = 0;;) {
        std::string lowered = name;
        std::transform(lowered.begin(), lowered.end(), lowered.begin(),
                       [](unsigned char c) { return std::tolower(c); });
        at = lowered.find(keyword, at);
        if (at == std::string::npos) break;
        name.replace(at, keyword.size(), value);
        at += value.size();
      }
    }
    return name;
  }

  static bool own_sequential_order(const FioJobSettings& s) {
    if (s.random && s.random->value) return false;
    return s.sequential_skip || mixes_reads_and_writes(s);
  }

  // The job's percentage of reads: rw's, or rwmixread's for a kind that
  // mixes (fio ignores rwmixread otherwise).
  static uint32_t read_share(const FioJobSettings& s) {
    const uint32_t reads = s.read_percent ? s.read_percent->value : 100;
    return s.rwmixread && reads != 0 && reads != 100 ? s.rwmixread->value : reads;
  }

  static bool mixes_reads_and_writes(const FioJobSettings& s) {
    if (s.trim && s.trim->value) return false;
    const uint32_t read_percent = read_share(s);
    return read_percent != 0 && read_percent != 100;
  }

  // The IO size text (an IOPulse mix) of each direction the job does: the
  // trim size of a trim job (and the write size of trimwrite), else the
  // read and the write size of the directions its mix has.
  static std::vector<std::string> size_texts(const FioJobSettings& s) {
    const bool trims = s.trim && s.trim->value;
    const uint32_t read_percent = read_share(s);
    std::vector<std::string> used;
    if (trims) {
      used.push_back(s.trim_sizes ? s.trim_sizes->value : s.write_sizes ? s.write_sizes->value : "4096");
      if (s.trim_write && s.trim_write->value) used.push_back(s.write_sizes ? s.write_sizes->value : "4096");
    } else {
      if (read_percent > 0) used.push_back(s.read_sizes ? s.read_sizes->value : "4096");
      if (read_percent < 100) used.push_back(s.write_sizes ? s.write_sizes->value : "4096");
    }
    return used;
  }

  // The smallest block size of each direction the job does (fio's default
  // blockalign of that direction); empty when a size does not parse.
  static std::vector<uint64_t> smallest_block_sizes(const FioJobSettings& s) {
    std::vector<uint64_t> each;
    for (const std::string& text : size_texts(s)) {
      try {
        each.push_back(BlockSizeMix::parse("bs", text).min_size());
      } catch (const UsageError&) {
        return {};
      }
    }
    return each;
  }

  // Whether every IO of the job is of one size (one bs, no bssplit or
  // bsrange, for each direction it does, the same for all).
  static bool one_io_size(const FioJobSettings& s) {
    std::set<uint32_t> sizes;
    for (const std::string& text : size_texts(s)) {
      try {
        const BlockSizeMix mix = BlockSizeMix::parse("bs", text);
        if (!mix.single()) return false;
        sizes.insert(mix.min_size());
      } catch (const UsageError&) {
        return false;
      }
    }
    return sizes.size() == 1;
  }

  // Whether fio's blockalign moves some direction's offsets off its default
  // boundary (its smallest block size), which turns fio's random map off.
  static bool realigned(const FioJobSettings& s) {
    if (!s.blockalign) return false;
    const std::vector<uint64_t> each = smallest_block_sizes(s);
    return std::any_of(each.begin(), each.end(), [&](uint64_t size) { return size != s.blockalign->value; });
  }

  // filename=a:b:c: IOPulse's file set <dir>/<prefix>.<i>, i = 0..n-1, when
  // the names are those; else IOPulse's file list.
  template <class InDir, class Add>
  void file_list(const std::vector<std::string>& names, const InDir& in_dir, const std::string& label, Add& add) {
    const std::string first = in_dir(names.front());
    const size_t slash = first.rfind('/');
    const std::string dir = slash == std::string::npos ? "." : first.substr(0, slash);
    const std::string file = slash == std::string::npos ? first : first.substr(slash + 1);
    const std::string prefix = file.size() > 2 && file.ends_with(".0") ? file.substr(0, file.size() - 2) : "";
    // (IOPulse's set pads its numbers to one width: fio's unpadded names
    // are its names up to ten files.)
    bool fits = !prefix.empty() && prefix.find('/') == std::string::npos && names.size() <= 10;
    for (size_t i = 0; fits && i < names.size(); ++i) {
      fits = in_dir(names[i]) == fmt::format("{}/{}.{}", dir, prefix, i) ||
             (slash == std::string::npos && in_dir(names[i]) == fmt::format("{}.{}", prefix, i));
    }
    if (!fits) {
      // Any other files (block devices among them): IOPulse's file list.
      std::vector<std::string> paths;
      for (const std::string& name : names) paths.push_back(in_dir(name));
      add("file-list", join_path_list(paths), label);
      return;
    }
    add("target", dir, label);
    add("num-files", std::to_string(names.size()), label);
    add("file-prefix", prefix, label);
  }

  // buffer_compress_percentage and dedupe_percentage: IOPulse's
  // fio's reaping options, where they ask for what IOPulse's loop does: it
  // refills every slot a reap freed before it waits again (iodepth_low =
  // iodepth, fio's default; 0 and values above iodepth are fio's default
  // too), and waits only when nothing has completed, for one IO
  // (iodepth_batch_complete_min=1, fio's default).  It takes every
  // completion that is ready; fio takes iodepth_batch_complete_max per call
  // (by default 1) and leaves the others in the kernel's ring for its next
  // call: the same IOs, so any value is accepted and the difference in
  // when a latency ends is in docs/fio-compatibility.md.
  void check_reaping(const FioJobSettings& s) {
    const uint32_t depth = s.iodepth ? s.iodepth->value : 1;
    if (s.iodepth_low && s.iodepth_low->value != 0 && s.iodepth_low->value < depth) {
      problem(fmt::format("{}: not supported by IOPulse: refilling the queue only once it has drained to {} IOs "
                          "(IOPulse refills every slot as it frees, as iodepth_low=iodepth); accepted: 0 or at least "
                          "iodepth ({})",
                          s.iodepth_low->label, s.iodepth_low->value, depth));
    }
    if (s.batch_complete_min && s.batch_complete_min->value != 1) {
      problem(fmt::format("{}: not supported by IOPulse: {} (IOPulse waits for one completion when none is ready, "
                          "as fio's default 1); accepted: 1",
                          s.batch_complete_min->label,
                          s.batch_complete_min->value == 0
                              ? std::string("never waiting for a completion (fio then polls)")
                              : fmt::format("waiting for {} completions at once", s.batch_complete_min->value)));
    }
  }

  // compress-percent and dedupe-percent, whose chunk (dedupe-unit) is fio's
  // buffer_compress_chunk when compressing (fio's default 512 bytes; 0: the
  // block) and the block when only deduplicating (fio dedupes whole
  // buffers).  IOPulse has one chunk for both, so compressing by a chunk
  // smaller than the block while deduplicating is refused.
  template <typename Add>
  void add_data_reduction(const FioJobSettings& s, Add& add) {
    const bool compress = s.compress_percent && s.compress_percent->value != 0;
    const bool dedupe = s.dedupe_percent && s.dedupe_percent->value != 0;
    if (compress) add("compress-percent", std::to_string(s.compress_percent->value), s.compress_percent->label);
    if (dedupe) add("dedupe-percent", std::to_string(s.dedupe_percent->value), s.dedupe_percent->label);
    if (!compress) return;
    const uint64_t chunk = s.compress_chunk ? s.compress_chunk->value : 512;
    if (chunk == 0) return;
    const std::string& label = s.compress_chunk ? s.compress_chunk->label : s.compress_percent->label;
    if (dedupe) {
      problem(fmt::format("{}: not supported by IOPulse: compressing by {}-byte chunks while deduplicating whole "
                          "blocks (IOPulse has one chunk for both); accepted: buffer_compress_chunk=0 (the block) "
                          "with dedupe_percentage", label, chunk));
      return;
    }
    add("dedupe-unit", std::to_string(chunk), label);
  }

  // fio's ramp_time before `phase` (time-based random jobs only): the same
  // workload for the ramp time, as a phase of its own that the fio-format
  // outputs leave out.  Its groups stop at the ramp time alone, draw from
  // another seed and neither judge steady state, fsync at the end nor check
  // a least rate (fio's ramp skips its ratemin check).
  template <class Unique>
  static JobFilePhase ramp_of(const JobFilePhase& phase, const TranslatedJob& first, const Unique& unique) {
    JobFilePhase ramp = phase;
    ramp.ramp = true;
    ramp.name = unique(phase.name + "-ramp");
    ramp.label = first.ramp_label;
    const JobFileEntry duration{"duration", duration_text(first.ramp_ns), first.ramp_label};
    const JobFileEntry seed{"seed", first.ramp_seed, first.ramp_label};
    const auto stop_at_ramp = [&](std::vector<JobFileEntry>& entries) {
      std::erase_if(entries, [](const JobFileEntry& e) {
        return e.key == "duration" || e.key == "seed" || e.key == "end-fsync" || e.key.starts_with("steady-state") ||
               e.key.starts_with("rate-min-");
      });
      entries.push_back(duration);
      entries.push_back(seed);
    };
    if (ramp.groups.empty()) stop_at_ramp(ramp.entries);
    for (JobFileGroup& g : ramp.groups) {
      g.name = unique(g.name + "-ramp");
      stop_at_ramp(g.entries);
    }
    return ramp;
  }

  // fio's read-back pass after `phase` (one job that writes each block of its
  // files once, with verify and do_verify=1): a phase that checks every
  // block (--verify-only, one sequential pass) with the job's engine, queue
  // depth, block size, seed and data settings, without what shapes or paces
  // its writes; its reads carry the job's own priority (prio, prioclass) or
  // none, not cmdprio_percentage's.  The fio-format outputs count its reads
  // as the job's.
  template <class Unique>
  static JobFilePhase read_back_of(const JobFilePhase& phase, const TranslatedJob& job, const Unique& unique) {
    static const std::set<std::string, std::less<>> kWriteOnly = {
        "verify", "read-percent", "write-percent", "trim-percent", "trim-write", "random", "distribution",
        "zipf-theta", "pareto-h", "gaussian-stddev", "gaussian-center", "zones", "hot-spot-scatter", "fsync-every",
        "fdatasync-every", "end-fsync", "start-delay", "rate-iops", "rate-bw", "rate-per-worker", "rate-process",
        "rate-min-bw", "rate-min-iops",
        "think-time", "think-every", "think-mode", "think-adaptive-percent", "duration", "total-ops",
        "total-bytes", "run-until-complete", "read-block-size", "io-priority", "io-priority-percent",
        "io-priority-others", "file-order", "fadvise-each-pass",
        "io-flags"};  // (sync=dsync: the writes')
    JobFilePhase check;
    check.read_back = true;
    check.name = unique(phase.name + "-verify");
    check.label = job.read_back_label;
    for (const JobFileEntry& e : phase.entries) {
      if (kWriteOnly.count(e.key) != 0 || e.key.starts_with("steady-state")) continue;
      // The blocks are read back at the size they were written.
      check.entries.push_back(e.key == "write-block-size" ? JobFileEntry{"block-size", e.text, e.label} : e);
    }
    if (!job.read_back_priority.empty()) {
      check.entries.push_back({"io-priority", job.read_back_priority, job.read_back_priority_label});
    }
    check.entries.push_back({"verify-only", "true", job.read_back_label});
    check.entries.push_back({"run-until-complete", "true", job.read_back_label});
    // (The job's --fadvise stays: fio opens the files again for its
    // check, which drops their cached pages and advises the job's pattern
    // as the job's own open did, or neither with invalidate=0 and
    // fadvise_hint=0.  Its files are read back one after another, as
    // fio's check walks them.)
    return check;
  }

  // An IOPulse run has one engine and one shape of logs.  A job that writes
  // no log has no say in their shape, and the stats interval is only set by
  // the jobs that set one (it is the run's reporting interval to the rest).
  void check_run_wide(const std::vector<TranslatedJob>& jobs) {
    for (const TranslatedJob& job : jobs) {
      if (job.cpus_split_label.empty() || jobs.size() == 1) continue;
      problem(fmt::format("{}: not supported by IOPulse in a file of several jobs (fio numbers the CPUs of the set "
                          "across every job's threads, IOPulse within each job); accepted: split in a file of one "
                          "job section, or shared", job.cpus_split_label));
      break;
    }
    // A job after an unlink job on its files would find them gone in fio
    // (and make them again), and leave them; IOPulse removes the files after
    // the run.  The same end when that job removes them too.
    for (size_t i = 0; i < jobs.size(); ++i) {
      if (jobs[i].unlink_label.empty()) continue;
      // (Paths as the kernel resolves them: two spellings are one file.)
      const auto resolved = [](const std::string& p) {
        std::error_code ec;
        const std::filesystem::path r = std::filesystem::weakly_canonical(std::filesystem::absolute(p, ec), ec);
        return ec ? p : r.string();
      };
      std::set<std::string> removed;
      for (const std::string& p : jobs[i].paths) removed.insert(resolved(p));
      for (size_t j = i + 1; j < jobs.size(); ++j) {
        if (!jobs[j].unlink_label.empty()) continue;
        const auto shared = std::find_if(jobs[j].paths.begin(), jobs[j].paths.end(),
                                         [&](const std::string& p) { return removed.count(resolved(p)) != 0; });
        if (shared == jobs[j].paths.end()) continue;
        problem(fmt::format("{}: not supported by IOPulse with {}, a later job on '{}' (fio removes the file when "
                            "this job is done, IOPulse after the run); accepted: unlink on every job of its files from this one on",
                            jobs[i].unlink_label, jobs[j].label, *shared));
        break;
      }
    }
    std::map<std::string, std::pair<std::string, std::string>> first;  // key -> (text, job label)
    for (const TranslatedJob& job : jobs) {
      for (const JobFileEntry& e : job.entries) {
        if (kRunWide.count(e.key) != 0) first.emplace(e.key, std::make_pair(e.text, job.label));
      }
    }
    for (const TranslatedJob& job : jobs) {
      std::map<std::string, const JobFileEntry*> mine;
      for (const JobFileEntry& e : job.entries) {
        if (kRunWide.count(e.key) != 0) mine[e.key] = &e;
      }
      for (const auto& [key, value] : first) {
        const auto it = mine.find(key);
        // (Every job has an engine and a percentile list, fio's default if
        // none is given; only a job that writes logs has their shape.)
        const bool every_job =
            key == "engine" || key == "fio-percentiles" || key == "fio-unified-rw" || key == "continue-on-error";
        if (it == mine.end() && (key == "stats-interval" || (!every_job && !writes_logs(job.entries)))) continue;
        const std::string text = it == mine.end() ? "(not set)" : it->second->text;
        if (text == value.first) continue;
        problem(fmt::format("{}: {} '{}' differs from '{}' of {}: {}", it == mine.end() ? job.label : it->second->label,
                            key, text, value.first, value.second, kRunWide.find(key)->second));
      }
    }
  }

  // A phase's setting of these replaces the whole group of the global
  // settings (docs/job-files.md, "Precedence"): a phase with its own
  // duration loses a global total-bytes.  So a group's settings become
  // global only together, when every job has the same ones from the same
  // lines; otherwise each job keeps its whole group.
  static bool whole_group_everywhere(const std::vector<TranslatedJob>& jobs, const std::string& key) {
    static const std::vector<std::set<std::string, std::less<>>> kReplacingGroups = {
        {"duration", "total-bytes", "total-ops", "run-until-complete"},
        {"read-percent", "write-percent"},
        {"fsync-every", "fdatasync-every"},
        {"verify", "verify-only"},
        {"block-size", "read-block-size", "write-block-size"}};
    for (const auto& group : kReplacingGroups) {
      if (group.count(key) == 0) continue;
      const auto of = [&group](const TranslatedJob& j) {
        std::vector<std::tuple<std::string, std::string, std::string>> mine;
        for (const JobFileEntry& x : j.entries) {
          if (group.count(x.key) != 0) mine.emplace_back(x.key, x.text, x.label);
        }
        std::sort(mine.begin(), mine.end());
        return mine;
      };
      const auto first = of(jobs.front());
      return std::all_of(jobs.begin(), jobs.end(), [&](const TranslatedJob& j) { return of(j) == first; });
    }
    return true;
  }

  // Phases of groups; run-wide settings and settings every job has from the
  // same line become global settings.
  JobFile assemble(std::vector<TranslatedJob>& jobs) {
    JobFile file;
    file.path = path_;
    file.group_reporting = std::any_of(jobs.begin(), jobs.end(), [](const TranslatedJob& j) { return j.group_reporting; });
    // Settings shared by every job from the same line (a [global] section).
    // With a ramp, what only the measured phase may do (steady state, the
    // end fsync, a least rate) stays with the jobs, for ramp_of() to leave
    // out.
    const bool ramps = std::any_of(jobs.begin(), jobs.end(), [](const TranslatedJob& j) { return j.ramp_ns != 0; });
    // With a read-back pass, the workload stays with the jobs, for
    // read_back_of() to replace.
    const bool read_backs =
        std::any_of(jobs.begin(), jobs.end(), [](const TranslatedJob& j) { return !j.read_back_label.empty(); });
    for (const JobFileEntry& e : jobs.front().entries) {
      if (ramps && (e.key.starts_with("steady-state") || e.key == "end-fsync" || e.key.starts_with("rate-min-"))) {
        continue;
      }
      if (e.key == "fadvise" || e.key == "fadvise-each-pass") continue;  // (fio's invalidate: see translate_job)
      if (read_backs && kRunWide.count(e.key) == 0) continue;
      const bool everywhere = std::all_of(jobs.begin(), jobs.end(), [&e](const TranslatedJob& j) {
        return std::any_of(j.entries.begin(), j.entries.end(), [&e](const JobFileEntry& x) {
          return x.key == e.key && x.text == e.text && x.label == e.label;
        });
      });
      if ((everywhere && whole_group_everywhere(jobs, e.key)) || kRunWide.count(e.key) != 0) file.global.push_back(e);
    }
    // The run-wide settings the first job leaves out, from whichever job
    // gives them (a job that writes logs after one that does not).
    for (const TranslatedJob& j : jobs) {
      for (const JobFileEntry& e : j.entries) {
        if (kRunWide.count(e.key) == 0) continue;
        if (std::none_of(file.global.begin(), file.global.end(), [&e](const JobFileEntry& g) { return g.key == e.key; })) {
          file.global.push_back(e);
        }
      }
    }
    for (TranslatedJob& j : jobs) {
      std::erase_if(j.entries, [&file](const JobFileEntry& x) {
        return kRunWide.count(x.key) != 0 ||
               std::any_of(file.global.begin(), file.global.end(),
                           [&x](const JobFileEntry& g) { return g.key == x.key && g.label == x.label; });
      });
      // What a job keeps from a [global] section (another job replaces it)
      // is inherited, as fio's global options are: where it has no effect
      // (a random_distribution in a sequential job) it is left out, as fio
      // ignores it, rather than refused as the job's own.
      for (JobFileEntry& x : j.entries) x.inherited = global_labels_.count(x.label) != 0;
    }
    // Jobs between barriers run together.
    std::vector<std::vector<TranslatedJob*>> phases;
    std::map<const TranslatedJob*, const TranslatedJob*> waits;  // waiter -> waitee, in one phase
    std::set<const TranslatedJob*> waited_by_next;  // jobs a job of the next phase waits for (wait_for)
    for (TranslatedJob& j : jobs) {
      bool barrier = j.barrier;
      if (!j.wait_for.empty() && !barrier && !phases.empty()) {
        const std::vector<TranslatedJob*>& running = phases.back();
        const auto waitee = std::find_if(running.rbegin(), running.rend(),
                                         [&j](const TranslatedJob* o) { return o->name == j.wait_for; });
        if (waitee == running.rend()) {
          // fio needs the job defined before; one of an earlier phase has ended.
          const auto before = jobs.begin() + (&j - jobs.data());
          if (std::none_of(jobs.begin(), before, [&j](const TranslatedJob& o) { return o.name == j.wait_for; })) {
            problem(fmt::format("{}: '{}' is not a job before '{}'; accepted: the name of an earlier job",
                                j.wait_for_label, j.wait_for, j.name));
          }
        } else if (std::all_of(running.begin(), running.end(),
                               [&j](const TranslatedJob* o) { return o->name == j.wait_for; })) {
          barrier = true;  // it waits for every job running: the next phase
          waited_by_next.insert(running.begin(), running.end());
        } else {
          waits[&j] = *waitee;
        }
      }
      if (phases.empty() || barrier) phases.emplace_back();
      phases.back().push_back(&j);
    }
    // A read-back pass follows its job's phase: the job runs alone in it.
    for (const std::vector<TranslatedJob*>& members : phases) {
      if (members.size() == 1) continue;
      for (const TranslatedJob* j : members) {
        if (j->read_back_label.empty()) continue;
        problem(fmt::format("{}: not supported by IOPulse: the read-back pass after a write-only job (do_verify=1, "
                            "fio's default) of a job that runs beside others (IOPulse checks the blocks in a phase "
                            "after the job's); accepted: the job alone between two stonewalls, or do_verify=0",
                            j->read_back_label));
      }
    }
    // fio counts startdelay from the start of the whole run, IOPulse from
    // the job's phase: the same only in the first.
    for (size_t p = 1; p < phases.size(); ++p) {
      for (const TranslatedJob* j : phases[p]) {
        if (j->start_delay_label.empty()) continue;
        problem(fmt::format("{}: not supported by IOPulse after a stonewall: fio counts the delay from the start of "
                            "the run, IOPulse from the start of the job's phase; accepted: startdelay in the jobs "
                            "before the first stonewall", j->start_delay_label));
      }
    }
    // IOPulse's ramp is a phase of its own: a job cannot wait there.
    for (const auto& [waiter, waitee] : waits) {
      if (waiter->ramp_ns != 0 || waitee->ramp_ns != 0) {
        problem(fmt::format("{}: not supported by IOPulse with ramp_time (the ramp is a phase of its own); accepted: "
                            "wait_for without ramp_time, or stonewall", waiter->wait_for_label));
      }
    }
    // exitall: once any job sets it (fio's flag is the run's), each job or
    // clone that ends ends others: those of its reporting group
    // (exit_what=group) or every one running (stonewall).  IOPulse's
    // --ends-phase stops the job's whole phase once one of its workers ends.
    const auto exitall = std::find_if(jobs.begin(), jobs.end(),
                                      [](const TranslatedJob& j) { return !j.exitall_label.empty(); });
    for (const std::vector<TranslatedJob*>& members : exitall == jobs.end() ? decltype(phases){} : phases) {
      const bool one_group = std::none_of(members.begin() + 1, members.end(),
                                          [](const TranslatedJob* j) { return j->new_group; });
      const bool waiting = std::any_of(members.begin(), members.end(), [&waits](const TranslatedJob* j) {
        return waits.count(j) != 0 || !j->start_delay_label.empty();
      });
      for (TranslatedJob* j : members) {
        const std::string& what = j->exit_what_label.empty() ? exitall->exitall_label : j->exit_what_label;
        if (j->exit_what == "all") {
          problem(fmt::format("{}: not supported by IOPulse: exit_what=all with exitall (fio then ends every job of the "
                              "run, those after a stonewall too; IOPulse ends the jobs of one phase); accepted: group "
                              "or stonewall", what));
        } else if (j->exit_what == "group" && waited_by_next.count(j) != 0) {
          problem(fmt::format("{}: not supported by IOPulse with a later job that waits for this one (wait_for): fio "
                              "ends the waiting job before it starts (it is in the same reporting group), IOPulse runs "
                              "it in a phase of its own; accepted: stonewall instead of wait_for, or "
                              "exit_what=stonewall", what));
        } else if (j->exit_what == "group" && !one_group) {
          problem(fmt::format("{}: not supported by IOPulse for jobs of several reporting groups between two "
                              "stonewalls (new_group): fio ends the jobs of the ending job's group (exit_what=group), "
                              "IOPulse every job of the phase; accepted: one reporting group there, or "
                              "exit_what=stonewall", what));
        } else if (j->exit_what == "stonewall" && waiting) {
          problem(fmt::format("{}: not supported by IOPulse with wait_for or startdelay between two stonewalls: fio "
                              "ends only the jobs already running (exit_what=stonewall), IOPulse also those still "
                              "waiting; accepted: exit_what=group", what));
        } else if (!j->read_back_label.empty() && j->clones) {
          problem(fmt::format("{}: not supported by IOPulse with numjobs and a read-back pass (do_verify=1): fio's "
                              "first clone ends the others after its own check, IOPulse would stop them before its "
                              "read-back phase; accepted: do_verify=0, or numjobs=1", exitall->exitall_label));
        } else {
          j->entries.push_back({"ends-phase", "true", exitall->exitall_label});
        }
      }
    }
    // A phase's ramp runs its jobs together, so they ramp alike.
    for (const std::vector<TranslatedJob*>& members : phases) {
      for (const TranslatedJob* j : members) {
        if (j->ramp_ns == members.front()->ramp_ns) continue;
        const auto ramp_text = [](uint64_t ns) { return ns == 0 ? std::string("no ramp_time") : "ramp_time " + duration_text(ns); };
        problem(fmt::format("{}: not supported by IOPulse: {} beside '{}' with {} (IOPulse ramps the jobs that run "
                            "together as one phase); accepted: the same ramp_time in every job between two "
                            "stonewalls", j->ramp_label.empty() ? j->label : j->ramp_label, ramp_text(j->ramp_ns),
                            members.front()->name, ramp_text(members.front()->ramp_ns)));
        break;
      }
    }
    if (!problems_.empty()) throw_problems();
    std::set<std::string> names;
    const auto unique = [&names](const std::string& name) {
      std::string n = name;
      for (int i = 2; !names.insert(n).second; ++i) n = fmt::format("{}-{}", name, i);
      return n;
    };
    // The name of a phase the file has no job for (a read-back, a loop):
    // never a job's own, whichever comes first.
    std::set<std::string> job_names;
    for (const std::vector<TranslatedJob*>& members : phases) {
      for (const TranslatedJob* j : members) job_names.insert(j->name);
    }
    const auto derived = [&names, &job_names](const std::string& name) {
      std::string n = name;
      for (int i = 2; job_names.count(n) != 0 || !names.insert(n).second; ++i) n = fmt::format("{}-{}", name, i);
      return n;
    };
    // fio's reporting groups: a job with new_group or stonewall starts one
    // unless the group before has no job yet; so does every phase here
    // (wait_for too, which does not in fio: IOPulse reports phases apart).
    // A ramp phase has none.
    uint32_t groupid = 0;
    for (size_t p = 0; p < phases.size(); ++p) {
      if (phases[p].front()->ramp_ns != 0) file.reporting_groups.emplace_back();
      std::vector<uint32_t>& ids = file.reporting_groups.emplace_back();
      for (const TranslatedJob* j : phases[p]) {
        if (p > 0 && ids.empty()) ++groupid;
        else if (j->new_group && !ids.empty()) ++groupid;
        ids.push_back(groupid);
      }
      if (!phases[p].front()->read_back_label.empty()) {
        // (The read-back, and each further loop and its read-back.)
        for (uint32_t k = 0; k < 2 * phases[p].front()->read_back_loops - 1; ++k) file.reporting_groups.emplace_back();
      }
    }
    for (size_t p = 0; p < phases.size(); ++p) {
      JobFilePhase phase;
      const std::vector<TranslatedJob*>& members = phases[p];
      if (members.size() == 1) {
        phase.name = unique(members.front()->name);
        phase.entries = members.front()->entries;
        phase.label = members.front()->label;
      } else {
        phase.name = derived(fmt::format("phase-{}", p + 1));
        phase.label = fmt::format("{}: phase '{}'", members.front()->label, phase.name);
        std::map<const TranslatedJob*, std::string> group_of;
        for (TranslatedJob* j : members) {
          group_of[j] = unique(j->name);
          phase.groups.push_back({group_of[j], j->entries, j->label});
          const auto w = waits.find(j);
          if (w != waits.end()) phase.groups.back().entries.push_back({"wait-for", group_of[w->second], j->wait_for_label});
        }
      }
      if (members.front()->ramp_ns != 0) {
        file.phases.push_back(ramp_of(phase, *members.front(), derived));
        // fio drops the cached pages when the job opens its files: before
        // its ramp, not again when the ramp ends.  (Its drops at each wrap
        // go on in fio; IOPulse's measured phase then gives no hints.)
        const auto keep_cache = [](std::vector<JobFileEntry>& entries) {
          std::erase_if(entries,
                        [](const JobFileEntry& e) { return e.key == "fadvise" || e.key == "fadvise-each-pass"; });
        };
        keep_cache(phase.entries);
        for (JobFileGroup& g : phase.groups) keep_cache(g.entries);
      }
      if (members.front()->read_back_label.empty()) {
        file.phases.push_back(std::move(phase));
        continue;
      }
      // The job's loops, each its pass and its read-back (named apart from
      // every job of the file, and started at once: fio delays the job's
      // start only).
      const JobFilePhase first_pass = phase;
      for (uint32_t k = 0; k < members.front()->read_back_loops; ++k) {
        JobFilePhase pass = first_pass;
        if (k != 0) {
          pass.name = derived(first_pass.name);
          pass.repeat = true;
          std::erase_if(pass.entries, [](const JobFileEntry& e) { return e.key == "start-delay"; });
          if (!members.front()->loops_repeat_offsets) {
            // (randrepeat=0 with randseed: fio's loops go on with one random
            // sequence, so no two loops write in one order; nor here.)
            for (JobFileEntry& e : pass.entries) {
              if (e.key == "seed" && e.text != "random") {
                e.text = std::to_string(std::stoull(e.text) ^ (0x9e3779b97f4a7c15ULL * k));
              }
            }
          }
        }
        JobFilePhase read_back = read_back_of(pass, *members.front(), derived);
        file.phases.push_back(std::move(pass));
        file.phases.push_back(std::move(read_back));
      }
    }
    // One phase is a plain run, as a TOML file without [[phase]].
    if (file.phases.size() == 1 && file.phases.front().groups.empty()) {
      file.job_name = file.phases.front().name;
      file.phases.front().name.clear();
      file.phases.front().label.clear();
    }
    return file;
  }

  const std::string& path_;
  const FioTranslationContext& context_;
  std::vector<std::string> problems_;
  std::vector<std::string> notes_;  // JobFile::notes
  std::set<std::string> global_labels_;  // label() of every option of a [global] section
  // The files earlier jobs named (as given, after `directory`), with the
  // size each gave them: the size of a later job's that gives none.
  std::map<std::string, uint64_t> sized_files_;  // by file_key()
};

}  // namespace

bool is_fio_job_file(const std::string& path, std::string_view text) {
  if (path.ends_with(".fio")) return true;
  if (!has_fio_ini_shape(text)) return false;
  try {
    (void)toml::parse(text, path);
    return false;
  } catch (const toml::parse_error&) {
    return true;
  }
}

JobFile translate_fio_job_file(std::string_view text, const std::string& path, const FioTranslationContext& context) {
  return Translator(path, context).translate(read_fio_ini(text, path, context.getenv));
}

bool names_fio_job_file(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > (1 << 20)) return false;
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream text;
  text << in.rdbuf();
  // By its contents: a target that happens to end in ".fio" (its data, or
  // empty) stays a target.  Text in a file named *.fio is a job file, one
  // with a mistake too, so its mistakes are reported rather than the file
  // being run on (and grown or overwritten) as a target.
  const std::string contents = text.str();
  if (path.ends_with(".fio") && !contents.empty() && contents.find('\0') == std::string::npos) return true;
  return has_fio_ini_shape(contents) && is_fio_job_file(path, contents);
}

}  // namespace iopulse
