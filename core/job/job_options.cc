// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "job/job_options.h"

#include <fcntl.h>
#include <numa.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <functional>
#include <memory>
#include <string>
#include <tuple>
#include <string_view>
#include <unordered_set>

#include <fmt/format.h>

#include "job/io_priority.h"
#include "job/path_list.h"
#include "job/quantity_parser.h"
#include "job/shaping_settings.h"
#include "job/usage_error.h"

namespace iopulse {
namespace {

constexpr uint64_t kMaxThreads = 4096;
constexpr uint64_t kMaxQueueDepth = 65536;

// A flag is set by its presence on the command line ("") or by a boolean in
// a job file ("true"/"false").
bool flag_value(const std::string& text, const std::string& label) {
  if (text.empty() || text == "true" || text == "1") return true;
  if (text == "false" || text == "0") return false;
  throw UsageError(fmt::format("{}: '{}' is not accepted; accepted: true or false", label, text));
}

std::string file_name(const std::string& text, const std::string& label) {
  if (text.empty()) throw UsageError(fmt::format("{}: '' is not a file name", label));
  return text;
}

uint64_t positive_size(const std::string& text, const std::string& label) {
  const uint64_t v = parse_size(label, text);
  if (v == 0) throw UsageError(fmt::format("{}: '0' is not accepted; accepted: a size above 0", label));
  return v;
}

uint32_t percent(const std::string& text, const std::string& label) {
  return static_cast<uint32_t>(parse_count(label, text, 0, 100));
}

// The job pauses between IOs: its think settings are part of its echo.
bool thinks(const JobSpec& s) { return s.think_time_ns != 0 || s.think_adaptive_percent != 0; }

using enum OptionTopic;

#define APPLY [](JobSpecBuilder & job, const std::string& text, [[maybe_unused]] const std::string& label)
#define ECHO [](const JobSpec& s, nlohmann::json& j)

const std::vector<JobOption> kOptions = {
    // Target.
    {"target", kTarget, "PATH", "the file or block device to do IO on",
     APPLY {
       if (text.empty()) throw UsageError(fmt::format("{}: '' is not a path", label));
       job.spec().target_path = text;
     },
     {.scope = OptionScope::kFiles, .replaces = "target", .echo = ECHO {
       j["target"] = s.target_path;
     }}},
    {"file-list", kTarget, "PATH:PATH...",
     "the target is these files or block devices, ':'-separated ('\\:' is a ':' in a name, as in fio's filename), "
     "addressed end to end",
     APPLY {
       std::vector<std::string> paths = split_path_list(text);
       std::unordered_set<std::string_view> seen;
       for (const std::string& path : paths) {
         if (path.empty()) {
           throw UsageError(fmt::format("{}: '{}' is not accepted; accepted: paths separated by ':'", label, text));
         }
         if (!seen.insert(path).second) {
           throw UsageError(fmt::format("{}: '{}' is listed twice; accepted: each file once", label, path));
         }
       }
       job.spec().target_path = paths.front();
       job.spec().file_list = std::move(paths);
     },
     {.scope = OptionScope::kFiles, .refused_by = OptionRefusal(kMetadataJobs | kReplayJobs), .replaces = "target",
      .excludes = "target|num-files|total-files|layout-manifest|export-layout-manifest|file-prefix", .echo = ECHO {
       if (!s.file_list.empty()) j["file_list"] = s.file_list;
     }}},
    {"file-size", kTarget, "SIZE", "bytes of each target file to use (e.g. 256M, 1G); required when the file does not exist",
     APPLY { job.spec().file_size = positive_size(text, label); },
     {.scope = OptionScope::kFiles, .refused_by = kMetadataJobs, .echo = ECHO {
       j["file_size"] = s.file_size;
     }}},
    {"offset", kRange, "SIZE",
     "IO starts SIZE bytes into each target file (fio's offset): the job addresses --file-size bytes from there "
     "(default: to the file's end), and a file it creates is made SIZE + --file-size long",
     APPLY { job.spec().offset = parse_size(label, text); },
     {.scope = OptionScope::kFiles, .refused_by = OptionRefusal(kMetadataJobs | kReplayJobs),
      .excludes = "layout-manifest", .echo = ECHO {
       if (s.offset != 0) j["offset"] = s.offset;
     }}},
    {"offset-increment", kRange, "SIZE",
     "worker w starts w x SIZE further into each file than --offset (fio's offset_increment): each worker its own "
     "range, a complete pass over each",
     APPLY { job.spec().offset_increment = positive_size(text, label); },
     {.scope = OptionScope::kFiles, .refused_by = OptionRefusal(kMetadataJobs | kReplayJobs),
      .excludes = "layout-manifest", .echo = ECHO {
       if (s.offset_increment != 0) j["offset_increment"] = s.offset_increment;
     }}},
    {"file-distribution", kCluster, "shared|partitioned|per-worker",
     "all workers address the whole file, each its own slice, or each its own file <path>.<n> (with --file-list: "
     "worker w the w-th run of consecutive listed files)",
     APPLY {
       if (text == "shared") job.spec().file_distribution = FileDistribution::kShared;
       else if (text == "partitioned") job.spec().file_distribution = FileDistribution::kPartitioned;
       else if (text == "per-worker") job.spec().file_distribution = FileDistribution::kPerWorker;
       else throw UsageError(fmt::format("{}: '{}' is not accepted; accepted: shared, partitioned, per-worker", label, text));
     },
     {.scope = OptionScope::kFiles, .refused_by = OptionRefusal(kMetadataJobs | kReplayJobs), .default_value = "shared", .echo = ECHO {
       j["file_distribution"] = to_string(s.file_distribution);
     }}},
    {"preallocate", kPreparation, "", "allocate files with fallocate before filling them with data",
     APPLY { job.spec().preallocate = flag_value(text, label); },
     {.scope = OptionScope::kFiles, .refused_by = kMetadataJobs, .per_host = true, .echo = ECHO {
       if (s.preallocate) j["preallocate"] = true;
     }}},
    {"force-recreate", kPreparation, "", "refill the files even when an earlier run prepared matching data",
     APPLY { job.spec().force_recreate = flag_value(text, label); },
     {.scope = OptionScope::kFiles, .refused_by = kMetadataJobs, .per_host = true, .echo = ECHO {
       if (s.force_recreate) j["force_recreate"] = true;
     }}},
    {"remove-files", kPreparation, "",
     "after the run, remove the files this run created (fio's unlink); a file that existed before it, a device or "
     "anything put in a created file's place meanwhile is left",
     APPLY { job.spec().remove_created_files = flag_value(text, label); },
     {.scope = OptionScope::kFiles, .refused_by = kMetadataJobs, .per_host = true, .echo = ECHO {
       if (s.remove_created_files) j["remove_files"] = true;
     }}},
    {"num-files", kTarget, "N", "TARGET is a directory of N files, <prefix>.<i>, each --file-size bytes",
     APPLY { job.spec().num_files = static_cast<uint32_t>(parse_count(label, text, 1, 10'000'000)); },
     {.refused_by = kMetadataJobs, .excludes = "total-files|layout-manifest", .echo = ECHO {
       if (s.num_files != 0) j["num_files"] = s.num_files;
     }}},
    {"total-files", kTarget, "N", "TARGET is a directory tree holding N files (see --dir-depth, --dir-width)",
     APPLY { job.spec().total_files = static_cast<uint32_t>(parse_count(label, text, 1, 10'000'000)); },
     {.refused_by = kMetadataJobs, .excludes = "layout-manifest", .echo = ECHO {
       if (s.total_files != 0) j["total_files"] = s.total_files;
     }}},
    {"dir-depth", kTarget, "N", "levels of directories in the tree",
     APPLY { job.spec().dir_depth = static_cast<uint32_t>(parse_count(label, text, 1, 16)); },
     {.refused_by = kMetadataJobs, .default_value = "1", .echo = ECHO {
       if (s.total_files != 0) j["dir_depth"] = s.dir_depth;
     }}},
    {"dir-width", kTarget, "N", "directories in each directory of the tree",
     APPLY { job.spec().dir_width = static_cast<uint32_t>(parse_count(label, text, 1, 100000)); },
     {.refused_by = kMetadataJobs, .default_value = "1", .echo = ECHO {
       if (s.total_files != 0) j["dir_width"] = s.dir_width;
     }}},
    {"file-prefix", kTarget, "NAME", "file names in a file set: NAME.<index>",
     APPLY {
       if (text.empty() || text.find('/') != std::string::npos) {
         throw UsageError(fmt::format("{}: '{}' is not accepted; accepted: a file name without '/'", label, text));
       }
       job.spec().file_prefix = text;
     },
     {.refused_by = kMetadataJobs, .default_value = "file", .echo = ECHO {
       if (s.num_files != 0 || s.total_files != 0) j["file_prefix"] = s.file_prefix;
     }}},
    {"layout-manifest", kTarget, "FILE",
     "use the files listed in FILE, one 'SIZE PATH' per line (PATH inside TARGET: relative to it, or absolute)",
     APPLY { job.spec().layout_manifest = file_name(text, label); },
     {.refused_by = kMetadataJobs, .echo = ECHO {
       if (!s.layout_manifest.empty()) j["layout_manifest"] = s.layout_manifest;
     }}},
    {"export-layout-manifest", kTarget, "FILE", "write the planned files to FILE in the --layout-manifest format",
     APPLY { job.spec().export_layout_manifest = file_name(text, label); },
     {.refused_by = kMetadataJobs, .per_host = true, .echo = ECHO {
       if (!s.export_layout_manifest.empty()) j["export_layout_manifest"] = s.export_layout_manifest;
     }}},
    {"allow-device-writes", kTarget, "", "allow writes to a block device (they destroy its contents)",
     APPLY { job.spec().allow_device_writes = flag_value(text, label); },
     {.scope = OptionScope::kFiles, .per_host = true, .echo = ECHO {
       if (s.allow_device_writes) j["allow_device_writes"] = true;
     }}},
    {"allow-mounted-writes", kTarget, "",
     "with --allow-device-writes, also write to a block device that is mounted or held (destroys the file system)",
     APPLY { job.spec().allow_mounted_writes = flag_value(text, label); },
     {.scope = OptionScope::kFiles, .per_host = true, .echo = ECHO {
       if (s.allow_mounted_writes) j["allow_mounted_writes"] = true;
     }}},
    {"direct", kWorkload, "", "open files with O_DIRECT (bypass the page cache)",
     APPLY { job.spec().direct = flag_value(text, label); },
     {.refused_by = kMetadataJobs, .echo = ECHO {
       j["direct"] = s.direct;
     }}},

    // Workload.
    {"block-size", kWorkload, "SIZE[:W,...]|MIN-MAX",
     "bytes per IO (binary k/m/g), a weighted mix such as 4k:70,64k:30, or a range such as 4k-64k (multiples of "
     "MIN, drawn as fio's bsrange)",
     APPLY { job.set_sizes(JobSpecBuilder::SizeScope::kBoth, BlockSizeMix::parse(label, text)); },
     {.refused_by = OptionRefusal(kMetadataJobs | kReplayJobs), .default_value = "4k", .echo = ECHO {
       j["block_size"] = s.block_size;
     }}},
    {"read-block-size", kWorkload, "SIZE[:W,...]|MIN-MAX",
     "bytes per read, a weighted mix or a range (overrides --block-size for reads)",
     APPLY { job.set_sizes(JobSpecBuilder::SizeScope::kRead, BlockSizeMix::parse(label, text)); },
     {.refused_by = OptionRefusal(kMetadataJobs | kReplayJobs), .echo = ECHO {
       j["read_block_size"] = s.read_sizes.to_string();
     }}},
    {"write-block-size", kWorkload, "SIZE[:W,...]|MIN-MAX",
     "bytes per write, a weighted mix or a range (overrides --block-size for writes)",
     APPLY { job.set_sizes(JobSpecBuilder::SizeScope::kWrite, BlockSizeMix::parse(label, text)); },
     {.refused_by = OptionRefusal(kMetadataJobs | kReplayJobs), .echo = ECHO {
       j["write_block_size"] = s.write_sizes.to_string();
     }}},
    {"file-order", kRange, "ORDER",
     "how a sequential job goes through several files: sequential (each to its end before the next, the "
     "default), or roundrobin[:N] (N IOs, default 1, of each in turn: fio's default file_service_type)",
     APPLY {
       if (text == "sequential") {
         job.spec().file_roundrobin = 0;
       } else if (text == "roundrobin") {
         job.spec().file_roundrobin = 1;
       } else if (text.starts_with("roundrobin:")) {
         job.spec().file_roundrobin = static_cast<uint32_t>(parse_count(label, text.substr(11), 1, 1'000'000));
       } else {
         throw UsageError(fmt::format("{}: '{}' is not accepted; accepted: sequential, roundrobin, roundrobin:N",
                                      label, text));
       }
     },
     {.refused_by = OptionRefusal(kMetadataJobs | kReplayJobs), .default_value = "sequential", .echo = ECHO {
       if (s.file_roundrobin != 0) j["file_order"] = fmt::format("roundrobin:{}", s.file_roundrobin);
     }}},
    {"sequential-skip", kRange, "SIZE",
     "a sequential job's next IO starts SIZE bytes after the end of its last (fio's rw=read:SIZE); -SIZE goes "
     "backwards (rw=read:-SIZE); past the range's end an IO wraps to its start, before its start to its end less "
     "SIZE; with a stop condition",
     APPLY {
       const bool back = text.starts_with("-");
       const uint64_t bytes = parse_size(label, back ? text.substr(1) : text);
       if (bytes > (uint64_t{1} << 62)) {
         throw UsageError(fmt::format("{}: '{}' is not accepted; accepted: a size up to 4e (2^62 bytes), or its "
                                      "negative", label, text));
       }
       job.spec().sequential_skip = back ? -static_cast<int64_t>(bytes) : static_cast<int64_t>(bytes);
     },
     {.refused_by = OptionRefusal(kMetadataJobs | kReplayJobs), .default_value = "0", .echo = ECHO {
       if (s.sequential_skip != 0) j["sequential_skip"] = s.sequential_skip;
     }}},
    {"sequential-cursor", kRange, "shared|per-op",
     "a sequential job that mixes ops: one position for all of them (shared, the default), or one per op kind, "
     "each read, write or trim going on where the last of its kind ended and wrapping at the range's end on its own "
     "(per-op: fio's rw=rw); with a stop condition",
     APPLY {
       if (text != "shared" && text != "per-op") {
         throw UsageError(fmt::format("{}: '{}' is not accepted; accepted: shared, per-op", label, text));
       }
       job.spec().sequential_per_op = text == "per-op";
     },
     {.refused_by = OptionRefusal(kMetadataJobs | kReplayJobs), .default_value = "shared", .echo = ECHO {
       if (s.sequential_per_op) j["sequential_cursor"] = "per-op";
     }}},
    {"block-align", kAccess, "SIZE",
     "random offsets are multiples of SIZE (fio's blockalign; default: the smallest block size); with a stop "
     "condition, not with verification",
     APPLY {
       const uint64_t align = positive_size(text, label);
       if (align > (1u << 30)) {
         throw UsageError(fmt::format("{}: '{}' is not accepted; accepted: a size from 1 to 1g", label, text));
       }
       job.spec().block_align = static_cast<uint32_t>(align);
     },
     {.refused_by = OptionRefusal(kMetadataJobs | kReplayJobs), .echo = ECHO {
       if (s.block_align != 0) j["block_align"] = s.block_align;
     }}},
    {"threads", kCluster, "N", "worker threads",
     APPLY { job.spec().threads = static_cast<uint32_t>(parse_count(label, text, 1, kMaxThreads)); },
     {.default_value = "1", .echo = ECHO {
       j["threads"] = s.threads;
     }}},
    {"queue-depth", kWorkload, "N", "IOs in flight per worker",
     APPLY { job.spec().queue_depth = static_cast<uint32_t>(parse_count(label, text, 1, kMaxQueueDepth)); },
     {.default_value = "1", .echo = ECHO {
       j["queue_depth"] = s.queue_depth;
     }}},
    {"submit-batch", kWorkload, "N|auto",
     "IOs handed to the engine per submit call at most (auto: 1 with --direct, so each IO "
     "reaches the device as soon as it is ready; otherwise every IO ready at once, one call)",
     APPLY {
       if (text == "auto") {
         job.spec().submit_batch = 0;
         return;
       }
       uint64_t n = 0;
       try {
         n = parse_count(label, text, 1, kMaxQueueDepth);
       } catch (const UsageError&) {
         throw UsageError(fmt::format("{}: '{}' is not accepted; accepted: auto or a whole number from 1 to {}",
                                      label, text, kMaxQueueDepth));
       }
       job.spec().submit_batch = static_cast<uint32_t>(n);
     },
     {.refused_by = kMetadataJobs, .default_value = "auto", .echo = ECHO {
       if (s.submit_batch == 0) j["submit_batch"] = "auto";
       else j["submit_batch"] = s.submit_batch;
     }}},
    {"read-percent", kWorkload, "P", "share of reads, 0-100",
     APPLY { job.spec().read_percent = percent(text, label); },
     {.refused_by = OptionRefusal(kMetadataJobs | kReplayJobs), .replaces = "op mix", .default_value = "100", .echo = ECHO {
       j["read_percent"] = s.read_percent;
     }}},
    {"write-percent", kWorkload, "P", "share of writes, 0-100; read + write (+ trim) must be 100",
     APPLY { job.spec().read_percent = 100 - percent(text, label); },
     {.refused_by = OptionRefusal(kMetadataJobs | kReplayJobs), .replaces = "op mix", .echo = ECHO {
       j["write_percent"] = s.write_percent();
     }}},
    {"trim-percent", kWorkload, "P",
     "share of trims (discards: a hole punched in a file, BLKDISCARD on a device), 0-100; "
     "read + trim <= 100 and writes are the rest (without --read-percent, reads are the rest); a trim "
     "takes a write's offset and size",
     APPLY { job.spec().trim_percent = percent(text, label); },
     {.refused_by = kMetadataJobs, .default_value = "0", .echo = ECHO {
       if (s.trim_percent != 0) j["trim_percent"] = s.trim_percent;
     }}},
    {"trim-write", kWorkload, "",
     "every trim is followed by a write of the same range, issued once the trim completed (fio's "
     "rw=trimwrite); needs --trim-percent; --total-ops and --total-bytes count the trims, not these writes",
     APPLY { job.spec().trim_write = flag_value(text, label); },
     {.refused_by = OptionRefusal(kMetadataJobs | kReplayJobs), .echo = ECHO {
       if (s.trim_write) j["trim_write"] = true;
     }}},
    {"random", kAccess, "", "random offsets, uniform unless --distribution says otherwise (sequential otherwise)",
     APPLY { job.spec().random = flag_value(text, label); },
     {.refused_by = kReplayJobs, .echo = ECHO {
       j["random"] = s.random;
     }}},
    {"distribution", kAccess, "uniform|zipf|pareto|gaussian|zoned", "random access distribution",
     APPLY { job.spec().distribution.kind = parse_distribution_kind(label, text); },
     {.refused_by = kReplayJobs, .default_value = "uniform", .echo = ECHO {
       if (s.random) j["distribution"] = s.distribution.to_string();
     }}},
    {"zipf-theta", kAccess, "T", "zipf skew, 0 < T <= 10 (default 1.2); rank k gets k^-T of the accesses",
     APPLY { job.spec().distribution.zipf_theta = parse_distribution_value("--zipf-theta", text); },
     {.refused_by = kReplayJobs, .echoed_by = "distribution"}},
    {"pareto-h", kAccess, "H", "pareto hot fraction, 0 < H < 1 (default 0.2: 20% of blocks get 80% of IO)",
     APPLY { job.spec().distribution.pareto_h = parse_distribution_value("--pareto-h", text); },
     {.refused_by = kReplayJobs, .echoed_by = "distribution"}},
    {"gaussian-stddev", kAccess, "S", "gaussian standard deviation as a fraction of the target, 0 < S <= 1",
     APPLY { job.spec().distribution.gaussian_stddev = parse_distribution_value("--gaussian-stddev", text); },
     {.refused_by = kReplayJobs, .echoed_by = "distribution"}},
    {"gaussian-center", kAccess, "C", "gaussian center as a fraction of the target, 0 <= C <= 1 (default 0.5)",
     APPLY { job.spec().distribution.gaussian_center = parse_distribution_value("--gaussian-center", text); },
     {.refused_by = kReplayJobs, .echoed_by = "distribution"}},
    {"zones", kAccess, "A/S:A/S...",
     "zoned: A % of the accesses to the next S % of the target, zone after zone, e.g. 50/5:30/15:20/80",
     APPLY { job.spec().distribution.zones = ZoneSplit::parse(label, text); },
     {.refused_by = kReplayJobs, .echoed_by = "distribution"}},
    {"hot-spot-scatter", kAccess, "", "spread the hot blocks of zipf/pareto/gaussian over the target instead of offset 0",
     APPLY { job.spec().distribution.hot_spot_scatter = flag_value(text, label); },
     {.refused_by = kReplayJobs, .echoed_by = "distribution"}},
    {"seed", kAccess, "N|random",
     "seed of every random generator; the same seed repeats the same offsets, ops and data. random: one drawn "
     "when the run starts (each phase its own), shown in the results (fio's randrepeat=0)",
     APPLY {
       job.spec().seed_random = text == "random";
       if (job.spec().seed_random) return;
       try {
         job.spec().seed = parse_count(label, text, 0, UINT64_MAX);
       } catch (const UsageError&) {
         throw UsageError(fmt::format("{}: '{}' is not accepted; accepted: a whole number from 0 to {}, or random",
                                      label, text, UINT64_MAX));
       }
     },
     {.echo = ECHO {
       j["seed"] = s.seed;
       if (s.seed_random) j["seed_drawn"] = true;
     }}},
    {"replay", kReplay, "FILE",
     "issue the IOs of a trace instead of generating them: an IOPulse iolog (--write-iolog), a fio iolog "
     "(version 2 or 3) or a blktrace capture (NAME for NAME.blktrace.N, or one file); see docs/replay.md",
     APPLY { job.spec().replay = file_name(text, label); },
     {.refused_by = kMetadataJobs, .echo = ECHO {
       if (!s.replay.empty()) j["replay"] = s.replay;
     }}},
    {"replay-speed", kReplay, "X|max",
     "replay timing: 1 as recorded, X times as fast (0.5 half as fast), max as fast as possible",
     APPLY {
       if (text == "max") {
         job.spec().replay_speed = 0;
         return;
       }
       char* end = nullptr;
       const double v = std::strtod(text.c_str(), &end);
       if (text.empty() || end != text.c_str() + text.size() || !(v >= 0.001 && v <= 1000000)) {
         throw UsageError(fmt::format("{}: '{}' is not accepted; accepted: a factor from 0.001 to 1000000, or max",
                                      label, text));
       }
       job.spec().replay_speed = v;
     },
     {.default_value = "1", .echo = ECHO {
       if (!s.replay.empty()) j["replay_speed"] = s.replay_speed;
     }}},
    {"replay-workers", kReplay, "recorded|pid|threads",
     "one worker per recorded worker (a blktrace capture's CPUs), per process of a blktrace capture (pid), "
     "or the trace's IOs dealt round-robin to --threads workers",
     APPLY {
       job.spec().replay_spread = text == "threads";
       job.spec().replay_by_pid = text == "pid";
       if (text != "recorded" && text != "pid" && text != "threads") {
         throw UsageError(fmt::format("{}: '{}' is not accepted; accepted: recorded, pid, threads", label, text));
       }
     },
     {.default_value = "recorded", .echo = ECHO {
       if (!s.replay.empty()) j["replay_workers"] = s.replay_spread ? "threads" : s.replay_by_pid ? "pid" : "recorded";
     }}},
    {"replay-redirect", kReplay, "TARGET",
     "send every IO of the trace to TARGET, whatever file it names (fio's replay_redirect); TARGET is the job's target",
     APPLY {
       if (text.empty()) throw UsageError(fmt::format("{}: '' is not a path", label));
       job.spec().replay_redirect = text;
     },
     {.echo = ECHO {
       if (!s.replay_redirect.empty()) j["replay_redirect"] = s.replay_redirect;
     }}},
    {"replay-scale", kReplay, "N|fit",
     "divide the trace's offsets by N (fio's replay_scale), or fit: shrink each file's recorded span onto the target",
     APPLY { job.spec().replay_scale = text == "fit" ? 0 : parse_count(label, text, 1, uint64_t{1} << 40); },
     {.echo = ECHO {
       if (s.replay.empty()) return;
       if (s.replay_scale == 0) j["replay_scale"] = "fit";
       else j["replay_scale"] = s.replay_scale;
     }}},
    {"replay-align", kReplay, "SIZE",
     "round the replayed offsets down to a multiple of SIZE (fio's replay_align; e.g. 4k with --direct)",
     APPLY { job.spec().replay_align = positive_size(text, label); },
     {.echo = ECHO {
       if (s.replay_align != 0) j["replay_align"] = s.replay_align;
     }}},
    {"fsync-every", kWorkload, "N", "issue an fsync after every N writes",
     APPLY { job.spec().fsync_every = static_cast<uint32_t>(parse_count(label, text, 1, UINT32_MAX)); },
     {.refused_by = OptionRefusal(kMetadataJobs | kReplayJobs), .replaces = "syncs", .excludes = "fdatasync-every",
      .echo = ECHO {
       if (s.fsync_every != 0) j["fsync_every"] = s.fsync_every;
     }}},
    {"end-fsync", kStop, "",
     "when a worker's IO ends, fsync each file it wrote, inside the measured window (fio's end_fsync); not after "
     "an error or an interrupt",
     APPLY { job.spec().end_fsync = flag_value(text, label); },
     {.refused_by = OptionRefusal(kMetadataJobs | kReplayJobs), .echo = ECHO {
       if (s.end_fsync) j["end_fsync"] = true;
     }}},
    {"fdatasync-every", kWorkload, "N", "issue an fdatasync after every N writes",
     APPLY { job.spec().fdatasync_every = static_cast<uint32_t>(parse_count(label, text, 1, UINT32_MAX)); },
     {.refused_by = OptionRefusal(kMetadataJobs | kReplayJobs), .replaces = "syncs", .echo = ECHO {
       if (s.fdatasync_every != 0) j["fdatasync_every"] = s.fdatasync_every;
     }}},
    {"io-priority", kPriority, "CLASS[:LEVEL]",
     "IO priority of reads and writes, as ioprio_set(2)/ionice: rt, be or idle, level 0 (highest) to 7 (default none)",
     APPLY { job.spec().io_priority = parse_io_priority(label, text); },
     {.refused_by = kMetadataJobs, .echo = ECHO {
       if (s.io_priority != 0) j["io_priority"] = io_priority_text(s.io_priority);
     }}},
    {"io-priority-percent", kPriority, "P",
     "share of reads and writes that carry --io-priority, 0-100 (the others carry none, or --io-priority-others)",
     APPLY { job.spec().io_priority_percent = percent(text, label); },
     {.refused_by = kMetadataJobs, .default_value = "100", .echo = ECHO {
       if (s.io_priority != 0) j["io_priority_percent"] = s.io_priority_percent;
     }}},
    {"io-priority-others", kPriority, "CLASS[:LEVEL]",
     "IO priority of the reads and writes that do not carry --io-priority (below 100 --io-priority-percent; "
     "default none), as fio's job priority beside cmdprio_percentage",
     APPLY { job.spec().io_priority_others = parse_io_priority(label, text); },
     {.refused_by = kMetadataJobs, .echo = ECHO {
       if (s.io_priority_others != 0) j["io_priority_others"] = io_priority_text(s.io_priority_others);
     }}},
    {"io-flags", kPriority, "LIST", "per-IO flags: fua, dsync (writes only), hipri, nowait, comma-separated",
     APPLY { job.spec().io_flags = parse_io_flags(label, text); },
     {.refused_by = kMetadataJobs, .echo = ECHO {
       if (s.io_flags != 0) j["io_flags"] = io_flags_text(s.io_flags);
     }}},
    {"think-time", kPacing, "TIME", "pause this long after every --think-every IOs (e.g. 100us, 2ms)",
     APPLY { job.spec().think_time_ns = parse_duration_ns(label, text); },
     {.refused_by = OptionRefusal(kMetadataJobs | kReplayJobs), .echo = ECHO {
       if (thinks(s)) j["think_time_ns"] = s.think_time_ns;
     }}},
    {"stop-timeout", kStop, "TIME", "after a stop, wait this long for the engine to finish the IOs in flight, then "
                                    "report the run as incomplete",
     APPLY {
       job.spec().stop_timeout_ns = parse_duration_ns(label, text);
       if (job.spec().stop_timeout_ns == 0) {
         throw UsageError(fmt::format("{}: '{}' is not accepted; accepted: a time above 0, e.g. 30s", label, text));
       }
     },
     {.default_value = "10s", .per_host = true, .echo = ECHO {
       j["stop_timeout_ns"] = s.stop_timeout_ns;
     }}},
    {"think-mode", kPacing, "sleep|spin", "how to pause",
     APPLY {
       if (text == "sleep") job.spec().think_mode = ThinkMode::kSleep;
       else if (text == "spin") job.spec().think_mode = ThinkMode::kSpin;
       else throw UsageError(fmt::format("{}: '{}' is not accepted; accepted: sleep, spin", label, text));
     },
     {.default_value = "sleep", .echo = ECHO {
       if (thinks(s)) j["think_mode"] = s.think_mode == ThinkMode::kSleep ? "sleep" : "spin";
     }}},
    {"think-every", kPacing, "N", "pause after every N completed IOs",
     APPLY { job.spec().think_every = static_cast<uint32_t>(parse_count(label, text, 1, UINT32_MAX)); },
     {.default_value = "1", .echo = ECHO {
       if (thinks(s)) j["think_every"] = s.think_every;
     }}},
    {"think-adaptive-percent", kPacing, "P", "add P% of the last IO's latency to each pause",
     APPLY { job.spec().think_adaptive_percent = static_cast<uint32_t>(parse_count(label, text, 1, 10000)); },
     {.refused_by = OptionRefusal(kMetadataJobs | kReplayJobs), .echo = ECHO {
       if (thinks(s)) j["think_adaptive_percent"] = s.think_adaptive_percent;
     }}},
    {"start-delay", kPacing, "TIME[-TIME]",
     "each worker waits this long after the job starts before its first IO, its duration counting from then; "
     "a range: a time drawn for each worker from it (fio's startdelay)",
     APPLY {
       // 0 (with or without a unit) is no delay.
       const auto time = [&](const std::string& t) -> uint64_t {
         const size_t zeros = std::min(t.find_first_not_of('0'), t.size());
         const std::string unit = t.substr(zeros);
         if (zeros > 0 && (unit.empty() || unit == "ns" || unit == "us" || unit == "ms" || unit == "s" ||
                           unit == "m" || unit == "h")) {
           return 0;
         }
         return parse_duration_ns(label, t);
       };
       const size_t dash = text.find('-');
       const uint64_t low = time(text.substr(0, dash));
       const uint64_t high = dash == std::string::npos ? low : time(text.substr(dash + 1));
       if (high < low) {
         throw UsageError(fmt::format("{}: '{}' is not accepted; accepted: a time, or MIN-MAX with MIN <= MAX", label,
                                      text));
       }
       job.spec().start_delay_ns = low;
       job.spec().start_delay_max_ns = high;
     },
     {.refused_by = kMetadataJobs, .echo = ECHO {
       if (s.start_delay_max_ns != 0) {
         j["start_delay_ns"] = s.start_delay_ns;
         if (s.start_delay_max_ns != s.start_delay_ns) j["start_delay_max_ns"] = s.start_delay_max_ns;
       }
     }}},
    {"wait-for", kPacing, "GROUP",
     "a job file's group: start the IO once every worker of GROUP, an earlier group of the same phase, has ended "
     "(fio's wait_for)",
     APPLY {
       if (text.empty()) throw UsageError(fmt::format("{}: '' is not accepted; accepted: the name of a group", label));
       job.spec().wait_for = text;
     },
     {.refused_by = kMetadataJobs, .echo = ECHO {
       if (!s.wait_for.empty()) j["wait_for"] = s.wait_for;
     }}},
    {"ends-phase", kStop, "",
     "once any worker of this group (or job) has done its work, every worker of the phase stops (fio's exitall)",
     APPLY { job.spec().ends_phase = flag_value(text, label); },
     {.refused_by = kMetadataJobs, .echo = ECHO {
       if (s.ends_phase) j["ends_phase"] = true;
     }}},
    {"rate-iops", kPacing, "N", "limit the job to N IOs per second (open loop; see --rate-per-worker)",
     APPLY { job.spec().rate_iops = parse_count(label, text, 1, UINT64_MAX); },
     {.refused_by = OptionRefusal(kMetadataJobs | kReplayJobs), .echo = ECHO {
       if (s.rate_iops != 0) j["rate_iops"] = s.rate_iops;
     }}},
    {"rate-bw", kPacing, "SIZE", "limit the job to SIZE bytes per second (e.g. 100M)",
     APPLY { job.spec().rate_bw = positive_size(text, label); },
     {.refused_by = OptionRefusal(kMetadataJobs | kReplayJobs), .echo = ECHO {
       if (s.rate_bw != 0) j["rate_bw"] = s.rate_bw;
     }}},
    {"rate-min-bw", kPacing, "SIZE",
     "end the run with an error when a worker's reads, writes or trims fall below SIZE bytes per second, checked "
     "at every stats interval from 2 s into its IO (fio's ratemin)",
     APPLY { job.spec().rate_min_bw = positive_size(text, label); },
     {.refused_by = OptionRefusal(kMetadataJobs | kReplayJobs), .excludes = "rate-min-iops", .echo = ECHO {
       if (s.rate_min_bw != 0) j["rate_min_bw"] = s.rate_min_bw;
     }}},
    {"rate-min-iops", kPacing, "N",
     "the same for N IOs per second (fio's rate_iops_min)",
     APPLY { job.spec().rate_min_iops = parse_count(label, text, 1, UINT64_MAX); },
     {.refused_by = OptionRefusal(kMetadataJobs | kReplayJobs), .echo = ECHO {
       if (s.rate_min_iops != 0) j["rate_min_iops"] = s.rate_min_iops;
     }}},
    {"rate-process", kPacing, "linear|poisson",
     "how the IOs of a rate limit arrive: linear, evenly spaced (default), or poisson, exponentially distributed "
     "gaps at the same mean rate, as independent clients' requests arrive (fio's rate_process)",
     APPLY {
       if (text != "linear" && text != "poisson") {
         throw UsageError(fmt::format("{}: '{}' is not a rate process; accepted: linear, poisson", label, text));
       }
       job.spec().rate_poisson = text == "poisson";
     },
     {.refused_by = OptionRefusal(kMetadataJobs | kReplayJobs), .echo = ECHO {
       if (s.rate_iops != 0 || s.rate_bw != 0) j["rate_process"] = s.rate_poisson ? "poisson" : "linear";
     }}},
    {"rate-per-worker", kPacing, "", "apply --rate-iops/--rate-bw to each worker instead of the whole job",
     APPLY { job.spec().rate_per_worker = flag_value(text, label); },
     {.refused_by = kReplayJobs, .echo = ECHO {
       if (s.rate_iops != 0 || s.rate_bw != 0) j["rate_per_worker"] = s.rate_per_worker;
     }}},
    {"fadvise", kWorkload, "HINT[,HINT...]",
     "posix_fadvise each worker's region with these hints, in order, when it opens its files: normal, sequential, "
     "random, willneed, dontneed, noreuse (e.g. dontneed,random: fio's default invalidate and fadvise_hint)",
     APPLY {
       static const std::pair<const char*, int> kHints[] = {
           {"normal", POSIX_FADV_NORMAL},     {"sequential", POSIX_FADV_SEQUENTIAL}, {"random", POSIX_FADV_RANDOM},
           {"willneed", POSIX_FADV_WILLNEED}, {"dontneed", POSIX_FADV_DONTNEED},     {"noreuse", POSIX_FADV_NOREUSE}};
       std::vector<int> hints;
       for (size_t at = 0; at <= text.size();) {
         const size_t comma = std::min(text.find(',', at), text.size());
         const std::string_view hint = std::string_view(text).substr(at, comma - at);
         const auto it = std::find_if(std::begin(kHints), std::end(kHints),
                                      [&](const auto& h) { return hint == h.first; });
         if (it == std::end(kHints)) {
           throw UsageError(fmt::format("{}: '{}' is not accepted; accepted: normal, sequential, random, willneed, "
                                        "dontneed, noreuse, or several separated by ','", label, text));
         }
         hints.push_back(it->second);
         at = comma + 1;
       }
       job.spec().fadvise = std::move(hints);
       job.spec().fadvise_name = text;
     },
     {.refused_by = kMetadataJobs, .echo = ECHO {
       if (!s.fadvise_name.empty()) j["fadvise"] = s.fadvise_name;
     }}},
    {"fadvise-each-pass", kAccess, "",
     "give the --fadvise hints again each time a worker has done its range's size in IO, as fio drops the page "
     "cache again when a time-based job wraps around its file",
     APPLY { job.spec().fadvise_each_pass = flag_value(text, label); },
     {.refused_by = OptionRefusal(kMetadataJobs | kReplayJobs), .echo = ECHO {
       if (s.fadvise_each_pass) j["fadvise_each_pass"] = true;
     }}},
    {"lock-mode", kWorkload, "range|full|none",
     "hold an OFD lock on each IO's range or the whole file (shared when the job only reads) until it completes",
     APPLY {
       if (text == "range") job.spec().lock_mode = LockMode::kRange;
       else if (text == "full") job.spec().lock_mode = LockMode::kFull;
       else if (text == "none") job.spec().lock_mode = LockMode::kNone;
       else throw UsageError(fmt::format("{}: '{}' is not accepted; accepted: range, full, none", label, text));
     },
     {.refused_by = OptionRefusal(kMetadataJobs | kReplayJobs), .default_value = "none", .echo = ECHO {
       if (s.lock_mode != LockMode::kNone) j["lock_mode"] = s.lock_mode == LockMode::kRange ? "range" : "full";
     }}},
    {"cpu-cores", kCluster, "LIST", "pin workers round-robin to these CPUs, e.g. 0-3,8",
     APPLY { job.spec().cpu_cores = parse_id_list(label, text, sysconf(_SC_NPROCESSORS_CONF), "CPU"); },
     {.echo = ECHO {
       if (!s.cpu_cores.empty()) j["cpu_cores"] = s.cpu_cores;
     }}},
    {"numa-zones", kCluster, "LIST", "bind each worker's memory (its IO buffers) to these NUMA nodes, round-robin, e.g. 0,1",
     APPLY {
       if (numa_available() < 0) throw UsageError(fmt::format("{}: NUMA is not available on this machine", label));
       job.spec().numa_zones = parse_id_list(label, text, numa_max_node() + 1, "NUMA node");
       // numa_get_mems_allowed() allocates a new mask on every call.
       std::unique_ptr<bitmask, void (*)(bitmask*)> allowed(numa_get_mems_allowed(), numa_bitmask_free);
       for (uint32_t node : job.spec().numa_zones) {
         if (numa_bitmask_isbitset(allowed.get(), node) == 0) {
           throw UsageError(fmt::format("{}: node {} has no memory this process may use", label, node));
         }
       }
     },
     {.echo = ECHO {
       if (!s.numa_zones.empty()) j["numa_zones"] = s.numa_zones;
     }}},
    {"verify", kVerification, "", "write verifiable blocks (header + checksum) and check every block read",
     APPLY { job.spec().verify = flag_value(text, label); },
     {.refused_by = OptionRefusal(kMetadataJobs | kReplayJobs), .replaces = "verification", .excludes = "verify-only",
      .echo = ECHO {
       if (s.verify) j["verify"] = true;
     }}},
    {"verify-only", kVerification, "", "read back and check a dataset an earlier --verify run wrote with the same --seed",
     APPLY { job.spec().verify_only = flag_value(text, label); },
     {.refused_by = OptionRefusal(kMetadataJobs | kReplayJobs), .replaces = "verification", .echo = ECHO {
       if (s.verify_only) j["verify_only"] = true;
     }}},
    {"verify-journal", kVerification, "FILE",
     "durable record of the latest synced generation of every block (with --verify: kept at each fsync/fdatasync "
     "and at the end; with --verify-only: what must be there)",
     APPLY { job.spec().verify_journal = file_name(text, label); },
     {.scope = OptionScope::kJournal, .refused_by = kReplayJobs, .echo = ECHO {
       if (!s.verify_journal.empty()) j["verify_journal"] = s.verify_journal;
     }}},
    {"buffer-pattern", kVerification, "BYTE", "fill write buffers with this byte (0-255 or 0x00-0xff) instead of random data",
     APPLY {
       uint64_t value = 256;
       try {
         size_t used = 0;
         value = std::stoull(text, &used, 0);
         if (used != text.size()) value = 256;
       } catch (const std::exception&) {
       }
       if (value > 255) {
         throw UsageError(fmt::format("{}: '{}' is not accepted; accepted: a byte, 0-255 or 0x00-0xff", label, text));
       }
       job.spec().buffer_fill = BufferFill::kPattern;
       job.spec().buffer_pattern = static_cast<uint8_t>(value);
     },
     {.refused_by = kMetadataJobs, .echo = ECHO {
       j["buffer_fill"] = s.buffer_fill == BufferFill::kRandom ? "random" : "pattern";
       if (s.buffer_fill == BufferFill::kPattern) j["buffer_pattern"] = s.buffer_pattern;
     }}},
    {"compress-percent", kVerification, "P",
     "share of every written chunk that compresses away (zeros after random bytes, fio's "
     "buffer_compress_percentage); 0-100",
     APPLY { job.spec().compress_percent = percent(text, label); },
     {.refused_by = kMetadataJobs, .default_value = "0", .echo = ECHO {
       j["compress_percent"] = s.compress_percent;
     }}},
    {"dedupe-percent", kVerification, "P",
     "share of written chunks that repeat a chunk of a seeded working set (fio's dedupe_percentage); 0-100",
     APPLY { job.spec().dedupe_percent = percent(text, label); },
     {.refused_by = kMetadataJobs, .default_value = "0", .echo = ECHO {
       j["dedupe_percent"] = s.dedupe_percent;
     }}},
    {"dedupe-unit", kVerification, "SIZE", "chunk size for --compress-percent and --dedupe-percent (default: the block size)",
     APPLY {
       const uint64_t v = positive_size(text, label);
       if (v % 8 != 0 || v > (uint64_t{1} << 30)) {
         throw UsageError(fmt::format("{}: '{}' is not accepted; accepted: a multiple of 8 bytes up to 1G", label,
                                      text));
       }
       job.spec().dedupe_unit = static_cast<uint32_t>(v);
     },
     {.refused_by = kMetadataJobs, .echo = ECHO {
       if (s.dedupe_percent != 0) j["dedupe_unit"] = s.dedupe_unit != 0 ? s.dedupe_unit : s.block_size;
       else if (s.compress_percent != 0 && s.dedupe_unit != 0) j["dedupe_unit"] = s.dedupe_unit;
     }}},
    {"dedupe-working-set", kVerification, "P",
     "duplicate chunks repeat the chunks of a working set this share of the job's data (fio's "
     "dedupe_working_set_percentage); 1-100",
     APPLY { job.spec().dedupe_working_set_percent = static_cast<uint32_t>(parse_count(label, text, 1, 100)); },
     {.refused_by = kMetadataJobs, .default_value = "1", .echo = ECHO {
       if (s.dedupe_percent != 0) j["dedupe_working_set_percent"] = s.dedupe_working_set_percent;
     }}},

    // Stop conditions.
    {"duration", kStop, "TIME", "run for this long (e.g. 500ms, 5s, 2m, 1h)",
     APPLY { job.spec().duration_ns = parse_duration_ns(label, text); },
     {.replaces = "stop", .echo = ECHO {
       if (s.duration_ns != 0) j["duration_ns"] = s.duration_ns;
     }}},
    {"steady-state", kStop, "METRIC:LIMIT",
     "stop once the job is steady: iops, bw, iops_slope or bw_slope within LIMIT (e.g. iops:10%)",
     APPLY {
       const SteadyStateSpec parsed = SteadyStateSpec::parse(text, label);
       SteadyStateSpec& s = job.spec().steady_state;
       s.metric = parsed.metric;
       s.limit = parsed.limit;
       s.percent = parsed.percent;
     },
     {.echo = ECHO {
       if (s.steady_state.active()) j["steady_state"] = s.steady_state.text();
     }}},
    {"steady-state-duration", kStop, "TIME", "the rolling window --steady-state judges (e.g. 30s)",
     APPLY { job.spec().steady_state.duration_ns = parse_duration_ns(label, text); },
     {.echo = ECHO {
       if (s.steady_state.active()) j["steady_state_duration_ns"] = s.steady_state.duration_ns;
     }}},
    {"steady-state-ramp", kStop, "TIME", "time before --steady-state takes samples (without it: none)",
     APPLY { job.spec().steady_state.ramp_ns = parse_duration_ns(label, text); },
     {.echo = ECHO {
       if (s.steady_state.active()) j["steady_state_ramp_ns"] = s.steady_state.ramp_ns;
     }}},
    {"total-bytes", kStop, "SIZE", "stop after this many bytes in total (a multiple of the block size)",
     APPLY { job.spec().total_bytes = positive_size(text, label); },
     {.refused_by = OptionRefusal(kMetadataJobs | kReplayJobs), .replaces = "stop", .echo = ECHO {
       if (s.total_bytes != 0) j["total_bytes"] = s.total_bytes;
     }}},
    {"total-ops", kStop, "N", "stop after this many IOs in total",
     APPLY { job.spec().total_ops = parse_count(label, text, 1, UINT64_MAX); },
     {.replaces = "stop", .echo = ECHO {
       if (s.total_ops != 0) j["total_ops"] = s.total_ops;
     }}},
    {"run-until-complete", kStop, "", "address every block of the working set exactly once (the default stop)",
     APPLY { job.spec().run_until_complete = flag_value(text, label); },
     {.refused_by = OptionRefusal(kMetadataJobs | kReplayJobs), .replaces = "stop",
      .excludes = "duration|total-bytes|total-ops", .echo = ECHO {
       if (s.run_until_complete) j["run_until_complete"] = true;
     }}},

    // Metadata workloads (docs/metadata.md).
    {"md-phases", kMetadata, "LIST",
     "run metadata phases instead of data IO, each measured on its own: tree-create, file-create, stat, open, "
     "read, write, list, rename, file-remove, tree-remove, mix, and on the items as directories dir-create, dir-stat, "
     "dir-rename, dir-remove (e.g. tree-create,file-create,stat,file-remove,tree-remove)",
     APPLY { job.spec().metadata.phases = MetadataSpec::parse_phases(label, text); },
     {.refused_by = kReplayJobs, .echo = ECHO {
       if (s.metadata.active()) j["metadata"] = s.metadata.to_json();
     }}},
    {"md-items", kMetadata, "N", "files (and item directories) per directory of each worker's tree (mdtest -I)",
     APPLY { job.spec().metadata.items = static_cast<uint32_t>(parse_count(label, text, 0, 10'000'000)); },
     {.echoed_by = "md-phases"}},
    {"md-depth", kMetadata, "N", "levels of directories in each tree, the top one included (mdtest -z N-1)",
     APPLY { job.spec().metadata.depth = static_cast<uint32_t>(parse_count(label, text, 0, 32)); },
     {.default_value = "1", .echoed_by = "md-phases"}},
    {"md-branching", kMetadata, "N", "subdirectories of each directory above the deepest level (mdtest -b)",
     APPLY { job.spec().metadata.branching = static_cast<uint32_t>(parse_count(label, text, 1, 100000)); },
     {.default_value = "1", .echoed_by = "md-phases"}},
    {"md-shared-dir", kMetadata, "", "one tree under TARGET for every worker and rank (mdtest without -u); default: one tree each",
     APPLY { job.spec().metadata.shared_dir = flag_value(text, label); },
     {.echoed_by = "md-phases"}},
    {"md-leaf-only", kMetadata, "", "files only in the deepest level of the tree (mdtest -L)",
     APPLY { job.spec().metadata.leaf_only = flag_value(text, label); },
     {.echoed_by = "md-phases"}},
    {"md-file-size", kMetadata, "SIZE", "bytes file-create and write put in each file (mdtest -w)",
     APPLY { job.spec().metadata.file_bytes = parse_size(label, text); },
     {.default_value = "0", .echoed_by = "md-phases"}},
    {"md-read-size", kMetadata, "SIZE", "bytes the read phase reads of each file (default: --md-file-size; mdtest -e)",
     APPLY { job.spec().metadata.read_bytes = parse_size(label, text); },
     {.echoed_by = "md-phases"}},
    {"md-mix", kMetadata, "OP:W,...", "the ops of the mix phase and their weights, e.g. stat:70,read_file:20,create:10",
     APPLY { job.spec().metadata.mix = MetadataSpec::parse_mix(label, text); },
     {.echoed_by = "md-phases"}},
    {"md-fsync", kMetadata, "", "fsync each file before closing it in file-create and write",
     APPLY { job.spec().metadata.fsync = flag_value(text, label); },
     {.echoed_by = "md-phases"}},
    {"md-stride", kMetadata, "N",
     "stat, read and remove another worker's items (mdtest -N): worker w works on those of worker "
     "(w + k*N) % workers, k = 1 for stat, 2 for read, 3 for file-remove; 0: its own",
     APPLY { job.spec().metadata.stride = static_cast<uint32_t>(parse_count(label, text, 0, 1'000'000)); },
     {.default_value = "0", .echoed_by = "md-phases"}},
    {"md-allow-nonempty", kMetadata, "", "let tree-create work in a TARGET that already holds other entries",
     APPLY { job.spec().metadata.allow_nonempty = flag_value(text, label); },
     {.echoed_by = "md-phases"}},
    {"md-adopt-claims", kMetadata, "",
     "take the entries a creation phase that never finished (killed) claimed and that exist as IOPulse's; without "
     "it such a record is refused, since which of its names that run created is unknown",
     APPLY { job.spec().metadata.adopt_claims = flag_value(text, label); },
     {.echoed_by = "md-phases"}},
    {"md-rename-replace", kMetadata, "",
     "rename and dir-rename rename over an entry that already has the new name (for file systems without "
     "RENAME_NOREPLACE, such as NFS and CephFS); by default such a rename fails with EEXIST",
     APPLY { job.spec().metadata.rename_replace = flag_value(text, label); },
     {.echoed_by = "md-phases"}},

    // Engine.
    {"engine", kEngines, "NAME|PATH", "IO engine: a name from --list-engines or a path to a .so",
     APPLY {
       if (text.empty()) throw UsageError(fmt::format("{}: '' is not an engine; see iopulse --list-engines", label));
       job.spec().engine = text;
     },
     {.scope = OptionScope::kEngine, .default_value = "sync", .echo = ECHO {
       j["engine"] = s.engine;
       nlohmann::json options = nlohmann::json::object();
       for (const auto& [name, value] : s.engine_options) options[name] = value;
       j["engine_options"] = options;
     }}},
    {"plugin-dir", kEngines, "DIR", "also look for engine plugins in this directory (repeatable)",
     APPLY { job.spec().plugin_dirs.push_back(text); },
     {.scope = OptionScope::kEngine, .per_host = true, .echo = ECHO {
       if (!s.plugin_dirs.empty()) j["plugin_dirs"] = s.plugin_dirs;
     }}},

    // Behaviour and output.
    {"continue-on-error", kVerification, "", "count IO errors and keep going instead of stopping at the first",
     APPLY { job.spec().continue_on_error = flag_value(text, label); },
     {.scope = OptionScope::kErrors, .echo = ECHO {
       j["continue_on_error"] = s.continue_on_error;
     }}},
    {"write-iolog", kReplay, "FILE",
     "record every IO of the run (time, worker, op, file, offset, length, latency, result) in FILE, IOPulse's binary "
     "iolog (docs/replay.md; print or convert it with iopulse iolog FILE)",
     APPLY { job.spec().write_iolog = file_name(text, label); },
     {.refused_by = kMetadataJobs, .echo = ECHO {
       if (!s.write_iolog.empty()) j["write_iolog"] = s.write_iolog;
     }}},
    {"json-output", kOutputs, "FILE", "write the results as JSON to this file (- for standard output)",
     APPLY { job.spec().json_output = file_name(text, label); },
     {.scope = OptionScope::kOutputs}},
    {"fio-percentiles", kOutputs, "P:P...",
     "the latency percentiles of the fio-format results (fio's percentile_list): up to 20, each above 0 and at "
     "most 100 (default: fio's 17, 1 to 99.99)",
     APPLY {
       std::vector<double> list;
       for (size_t at = 0; at <= text.size();) {
         const size_t colon = std::min(text.find(':', at), text.size());
         double p = 0;
         const char* first = text.data() + at;
         const char* last = text.data() + colon;
         const auto [ptr, ec] = std::from_chars(first, last, p, std::chars_format::fixed);
         if (first == last || ec != std::errc() || ptr != last || !(p > 0 && p <= 100)) {
           throw UsageError(fmt::format("{}: '{}' is not accepted; accepted: percentiles above 0 and at most 100 "
                                        "separated by ':', e.g. 50:99:99.9:99.99", label, text));
         }
         list.push_back(p);
         at = colon + 1;
       }
       if (list.size() > 20) {
         throw UsageError(fmt::format("{}: {} percentiles; accepted: at most 20, as fio", label, list.size()));
       }
       std::sort(list.begin(), list.end());
       list.erase(std::unique(list.begin(), list.end()), list.end());
       job.spec().fio_percentiles = std::move(list);
     },
     {.scope = OptionScope::kOutputs, .echo = ECHO {
       if (!s.fio_percentiles.empty()) j["fio_percentiles"] = s.fio_percentiles;
     }}},
    {"fio-unified-rw", kOutputs, "none|mixed|both",
     "the fio-format results' directions: each apart, merged into one \"mixed\" object, or both (fio's "
     "unified_rw_reporting)",
     APPLY {
       if (text != "none" && text != "mixed" && text != "both") {
         throw UsageError(fmt::format("{}: '{}' is not accepted; accepted: none, mixed, both", label, text));
       }
       job.spec().fio_unified_rw = text;
     },
     {.scope = OptionScope::kOutputs, .default_value = "none"}},
    {"stats-interval", kTimeSeries, "TIME", "length of one time-series interval",
     APPLY {
       const uint64_t ns = parse_duration_ns(label, text);
       if (ns < 10'000'000) throw UsageError(fmt::format("{}: '{}' is too short; accepted: 10ms or more", label, text));
       job.spec().stats_interval_ns = ns;
     },
     {.scope = OptionScope::kOutputs, .default_value = "1s", .echo = ECHO {
       j["stats_interval_ns"] = s.stats_interval_ns;
     }}},
    {"timeseries-output", kTimeSeries, "FILE", "stream the time series to this JSON Lines file (- for standard output)",
     APPLY { job.spec().timeseries_output = file_name(text, label); },
     {.scope = OptionScope::kOutputs}},
    {"csv-output", kTimeSeries, "FILE", "stream the time series to this CSV file (- for standard output)",
     APPLY { job.spec().csv_output = file_name(text, label); },
     {.scope = OptionScope::kOutputs}},
    {"write-bw-log", kTimeSeries, "PREFIX", "write fio-format bandwidth logs PREFIX_bw.N.log (one per worker)",
     APPLY { job.spec().fio_bw_log = file_name(text, label); },
     {.echo = ECHO {
       if (!s.fio_bw_log.empty()) j["write_bw_log"] = s.fio_bw_log;
     }}},
    {"write-iops-log", kTimeSeries, "PREFIX", "write fio-format IOPS logs PREFIX_iops.N.log (one per worker)",
     APPLY { job.spec().fio_iops_log = file_name(text, label); },
     {.echo = ECHO {
       if (!s.fio_iops_log.empty()) j["write_iops_log"] = s.fio_iops_log;
     }}},
    {"write-lat-log", kTimeSeries, "PREFIX", "write fio-format latency logs PREFIX_lat.N.log, _clat, _slat (one per worker)",
     APPLY { job.spec().fio_lat_log = file_name(text, label); },
     {.echo = ECHO {
       if (!s.fio_lat_log.empty()) j["write_lat_log"] = s.fio_lat_log;
     }}},
    {"log-per-io", kTimeSeries, "",
     "the fio-format logs get a line per IO, as fio's without log_avg_msec (made after the run from a per-IO "
     "capture), instead of a line per stats interval",
     APPLY { job.spec().fio_log_per_io = flag_value(text, label); },
     {.scope = OptionScope::kOutputs, .refused_by = kMetadataJobs}},
    {"log-offset", kTimeSeries, "", "the fio-format logs carry each IO's offset (fio's log_offset)",
     APPLY { job.spec().fio_log_offset = flag_value(text, label); },
     {.scope = OptionScope::kOutputs}},
    {"log-prio", kTimeSeries, "", "the fio-format logs' last column is each IO's priority value (fio's log_prio)",
     APPLY { job.spec().fio_log_prio = flag_value(text, label); },
     {.scope = OptionScope::kOutputs}},
    {"log-unix-epoch", kTimeSeries, "",
     "the fio-format logs' times are Unix time in milliseconds (the wall clock when the worker's phase began plus "
     "the time since), not milliseconds since that start (fio's log_unix_epoch)",
     APPLY { job.spec().fio_log_unix_epoch = flag_value(text, label); },
     {.scope = OptionScope::kOutputs}},
    {"timeseries-per-worker", kTimeSeries, "", "also record one time series per worker",
     APPLY { job.spec().timeseries_per_worker = flag_value(text, label); },
     {.scope = OptionScope::kOutputs}},
    {"heatmap", kOutputs, "", "count accesses per region of the target; report coverage and rewrites",
     APPLY { job.spec().heatmap = flag_value(text, label); },
     {.scope = OptionScope::kOutputs, .refused_by = kMetadataJobs, .echo = ECHO {
       if (s.heatmap) j["heatmap_buckets"] = s.heatmap_buckets;
     }}},
    {"heatmap-buckets", kOutputs, "N", "regions of the heatmap (default 100)",
     APPLY {
       job.spec().heatmap = true;
       job.spec().heatmap_buckets = static_cast<uint32_t>(parse_count(label, text, 1, 100000));
     },
     {.scope = OptionScope::kOutputs, .echoed_by = "heatmap"}},
    {"prometheus-port", kOutputs, "PORT", "serve live metrics at http://BIND:PORT/metrics",
     APPLY { job.spec().prometheus_port = static_cast<uint16_t>(parse_count(label, text, 1, 65535)); },
     {.scope = OptionScope::kOutputs}},
    {"prometheus-bind", kOutputs, "ADDRESS", "address the metrics server binds to",
     APPLY {
       if (text.empty()) throw UsageError(fmt::format("{}: '' is not an address", label));
       job.spec().prometheus_bind = text;
     },
     {.scope = OptionScope::kOutputs, .default_value = "127.0.0.1"}},
    {"job-name", kOutputs, "NAME", "name of the run in the results and the metrics (job_name label)",
     APPLY {
       if (text.empty() || text.find_first_of("\n\r") != std::string::npos) {
         throw UsageError(fmt::format("{}: an empty name or one with a line break; accepted: one line of text", label));
       }
       job.spec().job_name = text;
     },
     {.scope = OptionScope::kOutputs, .echo = ECHO {
       if (!s.job_name.empty()) j["job_name"] = s.job_name;
     }}},
    {"quiet", kOutputs, "", "no live progress line",
     APPLY { job.spec().quiet = flag_value(text, label); },
     {.scope = OptionScope::kOutputs}},
};

#undef APPLY
#undef ECHO

// Combinations that cannot run, checked once every option is known.
// `label` names an option as the user gave it ("--verify", or the job
// file's "job.fio:7: verify").
void check_combinations(const JobSpec& spec, const std::function<std::string(std::string_view)>& label) {
  const bool mixed = !spec.read_sizes.single() || !spec.write_sizes.single() ||
                     spec.read_sizes.min_size() != spec.write_sizes.min_size();
  for (const auto& [name, bytes] : {std::pair<const char*, uint64_t>{"offset", spec.offset},
                                     std::pair<const char*, uint64_t>{"offset-increment", spec.offset_increment}}) {
    // Every IO's offset is the range's start plus a whole number of units.
    if (bytes % spec.offset_unit() == 0) continue;
    throw UsageError(fmt::format("{}: {} is not a multiple of the {} {} (every offset is); accepted: a multiple of {}",
                                 label(name), bytes, spec.block_align != 0 ? "alignment" : "block size",
                                 spec.offset_unit(), spec.offset_unit()));
  }
  if (spec.file_roundrobin != 0 && !spec.random) {
    // One unit per IO, so each file's next IO starts where its last ended.
    // (A random job's: shaping_settings.h.)
    const std::string opt = label("file-order");
    const auto one_size = [&](const BlockSizeMix& m) { return m.single() && m.min_size() == spec.block_size; };
    if ((spec.read_percent > 0 && !one_size(spec.read_sizes)) ||
        (spec.read_percent < 100 && !one_size(spec.write_sizes)) || spec.block_align != 0) {
      throw UsageError(fmt::format("{}: roundrobin needs one IO size for the job; accepted: one --block-size", opt));
    }
  }
  if (spec.remove_created_files && spec.verify_only) {
    throw UsageError(fmt::format("{}: a {} run creates no file; accepted: --remove-files with a run that makes its "
                                 "files", label("remove-files"), label("verify-only")));
  }
  // (In a random job, or per-op with one kind of op: shaping_settings.h.)
  if (spec.sequential_skip != 0 || spec.sequential_per_op) {
    const std::string opt = label(spec.sequential_skip != 0 ? "sequential-skip" : "sequential-cursor");
    if (spec.file_roundrobin != 0) {
      throw UsageError(fmt::format("{}: not with {} (which takes the files in turn at one position); accepted: "
                                   "--file-order sequential", opt, label("file-order")));
    }
    if (spec.run_until_complete || (spec.duration_ns == 0 && spec.total_bytes == 0 && spec.total_ops == 0)) {
      throw UsageError(fmt::format("{}: a complete pass addresses every block once, in one order; accepted: {} "
                                   "with --duration, --total-ops or --total-bytes",
                                   opt, spec.sequential_skip != 0 ? "--sequential-skip" : "--sequential-cursor"));
    }
  }
  if (spec.sequential_skip != 0) {
    const std::string opt = label("sequential-skip");
    const uint64_t bytes = spec.sequential_skip < 0 ? 0 - static_cast<uint64_t>(spec.sequential_skip)
                                                    : static_cast<uint64_t>(spec.sequential_skip);
    if (bytes % spec.offset_unit() != 0) {
      throw UsageError(fmt::format("{}: {} is not a multiple of the block size {} (every offset is); accepted: a "
                                   "multiple of {}", opt, spec.sequential_skip, spec.offset_unit(),
                                   spec.offset_unit()));
    }
    if (spec.verify || spec.verify_only) {
      throw UsageError(fmt::format("{}: not supported with {}; accepted: one of them", opt,
                                   label(spec.verify ? "verify" : "verify-only")));
    }
  }
  if (spec.offset_increment != 0 && spec.file_distribution == FileDistribution::kPartitioned) {
    throw UsageError(fmt::format("{}: gives each worker its own range, and {} splits the files among the workers "
                                 "already; accepted: one of them", label("offset-increment"),
                                 label("file-distribution")));
  }
  if (spec.seed_random && (spec.verify || spec.verify_only)) {
    throw UsageError(fmt::format("{}: a seed drawn for each run cannot be combined with {} (the checked blocks "
                                 "carry the seed of their writes, which a later check must be given); accepted: a "
                                 "fixed seed (--seed N; fio's randseed)",
                                 label("seed"), label(spec.verify ? "verify" : "verify-only")));
  }
  if (spec.trim_percent != 0 && (spec.verify || spec.verify_only)) {
    throw UsageError(fmt::format(
        "{} {}: cannot be combined with {} (a trimmed range reads back as zeros or as its old data, "
        "as the device chooses, so no block header can be checked there); accepted: --trim-percent 0 with "
        "verification", label("trim-percent"), spec.trim_percent, label(spec.verify ? "verify" : "verify-only")));
  }
  if (spec.run_until_complete && mixed) {
    throw UsageError(fmt::format("{}: needs one block size (every block exactly once); accepted: a single --block-size",
                                 label("run-until-complete")));
  }
  // A least rate above the worker's share of the rate limit could never be
  // kept (fio: "minimum rate exceeds rate").
  for (const auto& [least, limit, least_name, limit_name] :
       {std::tuple{spec.rate_min_bw, spec.rate_bw, "rate-min-bw", "rate-bw"},
        std::tuple{spec.rate_min_iops, spec.rate_iops, "rate-min-iops", "rate-iops"}}) {
    if (least == 0 || limit == 0) continue;
    const uint64_t share = spec.rate_per_worker ? limit : limit / spec.threads;
    if (least > share) {
      throw UsageError(fmt::format("{} {}: above {} {}{}, which a worker can never keep; accepted: at most {}",
                                   label(least_name), least, label(limit_name), limit,
                                   spec.rate_per_worker ? "" : fmt::format(" shared by {} workers", spec.threads),
                                   share));
    }
  }
  if (spec.block_align != 0) {
    // Blocks of the alignment, IOs of other sizes: only a budget of time,
    // IOs or bytes says when such a job ends, and no block has one header.
    // (A sequential job's: shaping_settings.h.)
    const std::string opt = label("block-align");
    if (spec.run_until_complete || (spec.duration_ns == 0 && spec.total_bytes == 0 && spec.total_ops == 0)) {
      throw UsageError(fmt::format("{}: a complete pass covers every block of the job's block size once, which "
                                   "offsets on another boundary cannot (fio turns its random map off); accepted: "
                                   "--block-align with --duration, --total-ops or --total-bytes", opt));
    }
    if (spec.verify || spec.verify_only) {
      throw UsageError(fmt::format("{}: cannot be combined with {} (a verified block is one IO of the block "
                                   "size at a multiple of it); accepted: no --block-align with verification",
                                   opt, label(spec.verify ? "verify" : "verify-only")));
    }
  }
  if (spec.verify || spec.verify_only) {
    const std::string opt = label(spec.verify ? "verify" : "verify-only");
    if (mixed) {
      throw UsageError(fmt::format(
          "{}: a block size mix writes overlapping blocks (a block is checked against the header its last write "
          "left, so a larger write over two blocks or a smaller one inside another leaves no header to check); "
          "accepted: one --block-size for reads and writes", opt));
    }
    if (spec.block_size < 64) {
      throw UsageError(fmt::format("{}: block size {} is smaller than 64 bytes, the verified block header; "
                                   "accepted: --block-size of at least 64", opt, spec.block_size));
    }
    if (spec.buffer_fill == BufferFill::kPattern) {
      throw UsageError(fmt::format("{}: --buffer-pattern cannot be used; verified blocks carry their own data", opt));
    }
    if (spec.dedupe_unit != 0 && spec.dedupe_unit != spec.block_size) {
      throw UsageError(fmt::format("{}: --dedupe-unit {} cannot be used; a verified block is one chunk; accepted: "
                                   "no --dedupe-unit, or --dedupe-unit {} (the block size)", opt, spec.dedupe_unit,
                                   spec.block_size));
    }
  }
  if ((spec.compress_percent != 0 || spec.dedupe_percent != 0) && spec.buffer_fill == BufferFill::kPattern) {
    throw UsageError(fmt::format("{}: one repeated byte has no {}; choose one", label("buffer-pattern"),
                                 spec.compress_percent != 0 ? "--compress-percent" : "--dedupe-percent"));
  }
  if (!spec.verify_journal.empty() && !spec.verify && !spec.verify_only) {
    throw UsageError(fmt::format("{}: '{}' needs --verify or --verify-only", label("verify-journal"),
                                 spec.verify_journal));
  }
  if (spec.verify_only && spec.read_percent != 100) {
    throw UsageError(fmt::format("{}: reads only; --write-percent {} writes; accepted: 100% reads",
                                 label("verify-only"), 100 - spec.read_percent));
  }
}

// What a metadata job (--md-phases) needs and what it cannot combine with.
void check_metadata(const JobSpecBuilder& job, const JobSpec& spec) {
  const MetadataSpec& md = spec.metadata;
  if (!md.active()) {
    for (const JobOption& o : job_options()) {
      if (o.name.starts_with("md-") && job.given(o.name)) {
        throw UsageError(fmt::format("{}: shapes a metadata workload; give --md-phases too", job.label_of(o.name)));
      }
    }
    return;
  }
  for (const JobOption& o : job_options()) {
    if ((o.rules.refused_by & kMetadataJobs) != 0 && job.given(o.name)) {
      throw UsageError(fmt::format("{}: a data-IO option; a metadata job (--md-phases) does not use it",
                                   job.label_of(o.name)));
    }
  }
  bool files = false, mix = false;
  for (MetaPhase p : md.phases) {
    files |= p != MetaPhase::kTreeCreate && p != MetaPhase::kTreeRemove && p != MetaPhase::kList;
    mix |= p == MetaPhase::kMix;
  }
  if (md.depth == 0) {
    throw UsageError(md.items > 0
                         ? fmt::format("{} 0: leaves no directory for the {} files per directory of {}; accepted: "
                                       "a depth of 1 or more",
                                       job.label_of("md-depth"), md.items, job.label_of("md-items"))
                         : fmt::format("{} 0: leaves no directory; accepted: a depth of 1 or more",
                                       job.label_of("md-depth")));
  }
  if (files && md.items == 0) {
    throw UsageError(fmt::format("--md-phases: phases on files or item directories need items; give --md-items 1 or more"));
  }
  if (mix && md.mix.empty()) throw UsageError("--md-phases mix: give the ops of the mix with --md-mix");
  if (!mix && !md.mix.empty()) {
    throw UsageError(fmt::format("{}: shapes the mix phase; add mix to --md-phases", job.label_of("md-mix")));
  }
  // --random (and with it --distribution) chooses the mix phase's files and
  // nothing else of a metadata job.  (The tree's shape, --md-file-size, --md-fsync,
  // --md-stride and the like, is accepted in every run of a sequence, as
  // mdtest takes -w, -y and -N in each invocation; the phases that do not
  // use them ignore them.)
  if (spec.random && !mix) {
    throw UsageError(fmt::format("{}: chooses the files of the mix phase; add mix to --md-phases",
                                 job.label_of("random")));
  }
  // Directories of one tree: 1 + b + b^2 + ... + b^(depth-1), bounded.
  uint64_t dirs = 0, level = 1;
  for (uint32_t l = 0; l < md.depth; ++l) {
    dirs += level;
    if (dirs > 10'000'000) {
      throw UsageError(fmt::format("--md-depth {} with --md-branching {}: more than 10,000,000 directories per tree; "
                                   "accepted: a smaller tree", md.depth, md.branching));
    }
    level *= md.branching;
  }
  const uint64_t leaves = md.leaf_only ? level / md.branching : dirs;
  if (leaves * md.items * (md.shared_dir ? spec.threads : 1) > 100'000'000) {
    throw UsageError(fmt::format("--md-items {}: more than 100,000,000 files per tree; accepted: a smaller tree",
                                 md.items));
  }
  if (md.file_bytes > (uint64_t{1} << 30) || md.read_bytes > (uint64_t{1} << 30)) {
    throw UsageError("--md-file-size/--md-read-size: at most 1G per file");
  }
}

// What a replay (--replay) needs and what it cannot combine with: the
// trace says what, where and when, so the options that would say it too are
// refused rather than silently ignored.
void check_replay(const JobSpecBuilder& job, JobSpec& spec) {
  if (spec.replay.empty()) return;  // (its settings without one: shaping_settings.h)
  for (const JobOption& o : job_options()) {
    if ((o.rules.refused_by & kReplayJobs) != 0 && job.given(o.name)) {
      throw UsageError(fmt::format("{}: the trace of --replay says what each IO does, where and when; drop {}",
                                   job.label_of(o.name), job.label_of(o.name)));
    }
  }
  if (job.given("threads") && !spec.replay_spread) {
    throw UsageError(fmt::format("{}: a replay runs one worker per recorded worker; give --replay-workers threads "
                                 "to deal the trace's IOs to --threads workers", job.label_of("threads")));
  }
  if (!spec.replay_redirect.empty()) {
    if (job.given("target") && spec.target_path != spec.replay_redirect) {
      throw UsageError(fmt::format("{} '{}': the replay goes to one target and TARGET is '{}'; give one of them",
                                   job.label_of("replay-redirect"), spec.replay_redirect, spec.target_path));
    }
    spec.target_path = spec.replay_redirect;
  }
}

}  // namespace

std::string_view topic_name(OptionTopic topic) {
  switch (topic) {
    case kGeneral: return "general";
    case kTarget: return "target";
    case kWorkload: return "workload";
    case kPriority: return "priority";
    case kMetadata: return "metadata";
    case kAccess: return "access";
    case kRange: return "range";
    case kPreparation: return "preparation";
    case kStop: return "stop";
    case kPacing: return "pacing";
    case kVerification: return "verification";
    case kOutputs: return "outputs";
    case kTimeSeries: return "timeseries";
    case kEngines: return "engines";
    case kCluster: return "cluster";
    case kReplay: return "replay";
  }
  return "general";
}

std::string_view topic_title(OptionTopic topic) {
  switch (topic) {
    case kGeneral: return "General";
    case kTarget: return "Target: files, file sets, directory trees, block devices";
    case kWorkload: return "Workload: IO sizes, op mix, queue depth, syncs";
    case kPriority: return "IO priorities and per-IO flags";
    case kMetadata: return "Metadata workloads: create, stat, remove many files (docs/metadata.md)";
    case kAccess: return "Access pattern: where the IOs go";
    case kRange: return "Ranges and sequential order: where each worker's IO lies, how a sequential job walks it";
    case kPreparation: return "Preparation: how files are made ready before the run, and removed after it";
    case kStop: return "Stop: when the run ends (default: every block once)";
    case kPacing: return "Pacing: a start delay, think time and rate limits";
    case kVerification: return "Data and verification: what writes carry, how reads are checked, errors";
    case kOutputs: return "Outputs: results, heatmap, live view, metrics";
    case kTimeSeries: return "Time series: intervals, streamed files, fio-format logs";
    case kEngines: return "Engines";
    case kCluster: return "Workers and cluster: threads, CPUs, division of the target";
    case kReplay: return "Capture and replay: record every IO, or issue a trace's IOs (docs/replay.md)";
  }
  return "General";
}

void JobSpecBuilder::check_log_shape(bool logs) const {
  for (const char* shape : {"log-per-io", "log-offset", "log-prio", "log-unix-epoch"}) {
    if (given(shape) && !logs) {
      throw UsageError(fmt::format("{}: shapes the fio-format logs; give --write-bw-log, --write-iops-log or "
                                   "--write-lat-log too", label_of(shape)));
    }
  }
}

std::string_view scope_reason(OptionScope scope) {
  switch (scope) {
    case OptionScope::kPhase: return "";
    case OptionScope::kFiles: return "";
    case OptionScope::kEngine: return "every phase uses the same engine (its options may change per phase)";
    case OptionScope::kErrors: return "the error policy and the exit code cover the whole run";
    case OptionScope::kOutputs: return "the outputs cover the whole run, every phase in them";
    case OptionScope::kJournal: return "one journal records the whole run's writes, phase after phase";
  }
  return "";
}

const std::vector<JobOption>& job_options() { return kOptions; }

std::vector<std::string_view> table_list_words(std::string_view list) {
  std::vector<std::string_view> words;
  while (!list.empty()) {
    const size_t bar = list.find('|');
    if (bar != 0) words.push_back(list.substr(0, bar));
    list = bar == std::string_view::npos ? std::string_view() : list.substr(bar + 1);
  }
  return words;
}

const JobOption* find_job_option(std::string_view name) {
  for (const JobOption& o : kOptions) {
    if (o.name == name) return &o;
  }
  return nullptr;
}

nlohmann::json job_config(const JobSpec& spec) {
  nlohmann::json config = nlohmann::json::object();
  for (const JobOption& o : kOptions) {
    if (o.rules.echo != nullptr) o.rules.echo(spec, config);
  }
  return config;
}

nlohmann::json job_identity(const JobSpec& spec) {
  nlohmann::json config = nlohmann::json::object();
  for (const JobOption& o : kOptions) {
    if (o.rules.echo != nullptr && !o.rules.per_host) o.rules.echo(spec, config);
  }
  return config;
}

void JobSpecBuilder::apply(std::string_view name, const std::string& text, const std::string& label) {
  const JobOption* option = find_job_option(name);
  if (option == nullptr) throw UsageError(fmt::format("{}: unknown option; see iopulse --help", label));
  option->apply(*this, text, label);
  // Both shares may be given; remember each to check they describe one mix.
  if (name == "read-percent") read_percent_ = spec_.read_percent;
  if (name == "write-percent") write_percent_ = 100 - spec_.read_percent;
  given_.insert(std::string(name));
  if (inheriting_) {
    inherited_.insert(std::string(name));
  } else {
    inherited_.erase(std::string(name));
  }
  const bool flag_off = option->value_name.empty() && !flag_value(text, label);
  if (flag_off) {
    in_effect_.erase(std::string(name));
  } else {
    in_effect_.insert(std::string(name));
  }
  spec_.origins.add(std::string(name), label);
}

void JobSpecBuilder::set_sizes(SizeScope scope, const BlockSizeMix& mix) {
  (scope == SizeScope::kBoth ? both_sizes_ : scope == SizeScope::kRead ? read_sizes_ : write_sizes_) = mix;
}

void JobSpecBuilder::add_engine_option(const std::string& option, const std::string& text) {
  spec_.engine_options.emplace_back(option, text);
}

std::vector<std::pair<std::string, std::string>> JobSpecBuilder::inherited_settings() const {
  std::vector<std::pair<std::string, std::string>> settings;
  for (const std::string& name : inherited_) settings.emplace_back(label_of(name), name);
  return settings;
}

void JobSpecBuilder::check_shaping_settings(const JobSpec& spec) const {
  // A metadata job and a replay refuse the data-IO settings they do not use
  // (check_metadata, check_replay), inherited or not: those are left to them.
  const uint8_t refusing = spec.metadata.active() ? kMetadataJobs : !spec.replay.empty() ? kReplayJobs : 0;
  for (const ShapingSetting& row : shaping_settings()) {
    if (!row.unused(spec, *this)) continue;
    const std::string message = fmt::format("{}: {}", label_of(row.option), row.why(spec));
    if (inherited_.count(row.option) == 0) throw UsageError(message);
    const JobOption* option = find_job_option(row.option);
    if (option != nullptr && (option->rules.refused_by & refusing) != 0) continue;
    idle_.push_back({label_of(row.option), row.option, message});
  }
}

JobSpec JobSpecBuilder::build() const {
  idle_.clear();
  JobSpec spec = spec_;
  if (spec.target_path.empty() && !spec.replay_redirect.empty()) spec.target_path = spec.replay_redirect;
  if (spec.target_path.empty()) {
    throw UsageError("missing TARGET: give the file or block device to do IO on (see iopulse --help)");
  }
  // The op mix: reads, trims and writes add up to 100.  Shares not given
  // are derived: writes are the rest of --read-percent and --trim-percent,
  // reads the rest of --write-percent and --trim-percent, and with neither
  // given reads are the rest of the trims.
  const uint32_t trims = spec.trim_percent;
  const std::string trim_part =
      trims != 0 ? fmt::format(" and {} {}", label_of("trim-percent"), trims) : std::string();
  if (read_percent_ && write_percent_) {
    if (*read_percent_ + *write_percent_ + trims != 100) {
      throw UsageError(fmt::format("{} {} and {} {}{} add up to {}; accepted: shares that sum to 100",
                                   label_of("read-percent"), *read_percent_, label_of("write-percent"),
                                   *write_percent_, trim_part, *read_percent_ + *write_percent_ + trims));
    }
    spec.read_percent = *read_percent_;
  } else if (write_percent_) {
    if (*write_percent_ + trims > 100) {
      throw UsageError(fmt::format("{} {}{} add up to {}; accepted: write + trim at most 100 (reads are the rest)",
                                   label_of("write-percent"), *write_percent_, trim_part, *write_percent_ + trims));
    }
    spec.read_percent = 100 - *write_percent_ - trims;
  } else if (read_percent_) {
    if (*read_percent_ + trims > 100) {
      throw UsageError(fmt::format("{} {}{} add up to {}; accepted: read + trim at most 100 (writes are the rest)",
                                   label_of("read-percent"), *read_percent_, trim_part, *read_percent_ + trims));
    }
  } else {
    spec.read_percent = 100 - trims;
  }
  const BlockSizeMix both = both_sizes_.value_or(BlockSizeMix(4096));
  spec.read_sizes = read_sizes_.value_or(both);
  spec.write_sizes = write_sizes_.value_or(both);
  // The offset unit: the smallest size the job issues.
  const bool reads = spec.read_percent > 0, writes = spec.read_percent < 100;
  spec.block_size = std::min(reads ? spec.read_sizes.min_size() : UINT32_MAX,
                             writes ? spec.write_sizes.min_size() : UINT32_MAX);
  // The values, then what excludes what, then what shapes nothing here,
  // then what the rest needs.
  spec.distribution.check_values();
  // Options the table says exclude each other.
  for (const JobOption& o : kOptions) {
    if (o.rules.excludes.empty() || !in_effect(o.name)) continue;
    for (const std::string_view other : table_list_words(o.rules.excludes)) {
      if (in_effect(other)) throw UsageError(fmt::format("{} and {}: choose one", label_of(o.name), label_of(other)));
    }
  }
  check_shaping_settings(spec);
  spec.distribution.validate();
  check_combinations(spec, [this](std::string_view name) { return label_of(name); });
  for (const char* tree : {"dir-depth", "dir-width"}) {
    if (given(tree) && !given("total-files")) {
      throw UsageError(fmt::format("{}: shapes the tree of --total-files; give --total-files too", label_of(tree)));
    }
  }
  if (given("layout-manifest") && given("file-size")) {
    throw UsageError(fmt::format("{}: the manifest gives every file's size; drop {}", label_of("layout-manifest"),
                                 label_of("file-size")));
  }
  if (given("file-prefix") && spec.num_files == 0 && spec.total_files == 0 && !spec.metadata.active()) {
    throw UsageError(fmt::format("{}: names the files of --num-files or --total-files; give one of them too",
                                 label_of("file-prefix")));
  }
  // (Without --io-priority, or at 100 %: shaping_settings.h.)
  if (given("io-priority-others")) {
    const std::string others = label_of("io-priority-others");
    if (spec.io_priority_others == spec.io_priority) {
      throw UsageError(fmt::format("{} {}: the same as --io-priority, so every IO carries it; accepted: another "
                                   "priority (or --io-priority-percent 100)", others,
                                   io_priority_text(spec.io_priority_others)));
    }
  }
  if (given("allow-mounted-writes") && !given("allow-device-writes")) {
    throw UsageError(fmt::format("{}: a second opt-in on top of --allow-device-writes; give both",
                                 label_of("allow-mounted-writes")));
  }
  check_replay(*this, spec);
  check_metadata(*this, spec);
  if (spec.steady_state.active() && spec.steady_state.duration_ns < 2 * spec.stats_interval_ns) {
    throw UsageError(fmt::format("{}: '{}' judges {}; accepted: --steady-state-duration of at least two stats "
                                 "intervals ({} ms or more)",
                                 label_of("steady-state"), spec.steady_state.text(),
                                 spec.steady_state.duration_ns == 0 ? "no window: give --steady-state-duration"
                                                                     : "fewer than two intervals",
                                 2 * spec.stats_interval_ns / 1'000'000));
  }
  if (given("prometheus-bind") && !given("prometheus-port")) {
    throw UsageError(fmt::format("{}: needs --prometheus-port", label_of("prometheus-bind")));
  }
  return spec;
}

}  // namespace iopulse
