#include "job/job_options.h"

#include <fmt/format.h>

#include "cli/quantity_parser.h"
#include "job/usage_error.h"

namespace iopulse {
namespace {

constexpr uint64_t kMaxThreads = 4096;
constexpr uint64_t kMaxQueueDepth = 65536;
constexpr uint64_t kMaxBlockSize = 1ULL << 30;

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

#define APPLY [](JobSpecBuilder & job, const std::string& text, const std::string& label)

const std::vector<JobOption> kOptions = {
    // Target.
    {"target", "PATH", "the file or block device to do IO on",
     APPLY {
       if (text.empty()) throw UsageError(fmt::format("{}: '' is not a path", label));
       job.spec().target_path = text;
     }},
    {"file-size", "SIZE", "bytes of each target file to use (e.g. 256M, 1G); required when the file does not exist",
     APPLY { job.spec().file_size = positive_size(text, label); }},
    {"file-distribution", "MODE", "shared (one file for all workers) or per-worker (<path>.<n> each)",
     APPLY {
       if (text == "shared") job.spec().file_distribution = FileDistribution::kShared;
       else if (text == "per-worker") job.spec().file_distribution = FileDistribution::kPerWorker;
       else throw UsageError(fmt::format("{}: '{}' is not accepted; accepted: shared, per-worker", label, text));
     }},
    {"direct", "", "open files with O_DIRECT (bypass the page cache)",
     APPLY { job.spec().direct = flag_value(text, label); }},

    // Workload.
    {"block-size", "SIZE", "bytes per IO (default 4k; k/m/g suffixes are binary)",
     APPLY {
       const uint64_t bs = parse_size(label, text);
       if (bs == 0 || bs > kMaxBlockSize) {
         throw UsageError(fmt::format("{}: '{}' is not accepted; accepted: 1 byte to 1G", label, text));
       }
       job.spec().block_size = static_cast<uint32_t>(bs);
     }},
    {"threads", "N", "worker threads (default 1)",
     APPLY { job.spec().threads = static_cast<uint32_t>(parse_count(label, text, 1, kMaxThreads)); }},
    {"queue-depth", "N", "IOs in flight per worker (default 1)",
     APPLY { job.spec().queue_depth = static_cast<uint32_t>(parse_count(label, text, 1, kMaxQueueDepth)); }},
    {"read-percent", "P", "share of reads, 0-100 (default 100)",
     APPLY { job.spec().read_percent = percent(text, label); }},
    {"write-percent", "P", "share of writes, 0-100; read + write must be 100",
     APPLY { job.spec().read_percent = 100 - percent(text, label); }},
    {"random", "", "uniform random offsets (sequential otherwise)",
     APPLY { job.spec().random = flag_value(text, label); }},
    {"buffer-pattern", "BYTE", "fill write buffers with this byte (0-255 or 0x00-0xff) instead of random data",
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
     }},

    // Stop conditions.
    {"duration", "TIME", "run for this long (e.g. 500ms, 5s, 2m, 1h)",
     APPLY { job.spec().duration_ns = parse_duration_ns(label, text); }},
    {"total-bytes", "SIZE", "stop after this many bytes in total (a multiple of the block size)",
     APPLY { job.spec().total_bytes = positive_size(text, label); }},

    // Engine.
    {"engine", "NAME|PATH", "IO engine: a name from --list-engines or a path to a .so (default sync)",
     APPLY {
       if (text.empty()) throw UsageError(fmt::format("{}: '' is not an engine; see iopulse --list-engines", label));
       job.spec().engine = text;
     }},
    {"plugin-dir", "DIR", "also look for engine plugins in this directory (repeatable)",
     APPLY { job.spec().plugin_dirs.push_back(text); }},

    // Behaviour and output.
    {"continue-on-error", "", "count IO errors and keep going instead of stopping at the first",
     APPLY { job.spec().continue_on_error = flag_value(text, label); }},
    {"json-output", "FILE", "write the results as JSON to this file",
     APPLY { job.spec().json_output = file_name(text, label); }},
    {"stats-interval", "TIME", "length of one time-series interval (default 1s)",
     APPLY {
       const uint64_t ns = parse_duration_ns(label, text);
       if (ns < 10'000'000) throw UsageError(fmt::format("{}: '{}' is too short; accepted: 10ms or more", label, text));
       job.spec().stats_interval_ns = ns;
     }},
    {"timeseries-output", "FILE", "stream the time series to this JSON Lines file",
     APPLY { job.spec().timeseries_output = file_name(text, label); }},
    {"csv-output", "FILE", "stream the time series to this CSV file",
     APPLY { job.spec().csv_output = file_name(text, label); }},
    {"timeseries-per-worker", "", "also record one time series per worker",
     APPLY { job.spec().timeseries_per_worker = flag_value(text, label); }},
    {"heatmap", "", "count accesses per region of the target; report coverage and rewrites",
     APPLY { job.spec().heatmap = flag_value(text, label); }},
    {"heatmap-buckets", "N", "regions of the heatmap (default 100)",
     APPLY {
       job.spec().heatmap = true;
       job.spec().heatmap_buckets = static_cast<uint32_t>(parse_count(label, text, 1, 100000));
     }},
    {"prometheus-port", "PORT", "serve live metrics at http://BIND:PORT/metrics",
     APPLY { job.spec().prometheus_port = static_cast<uint16_t>(parse_count(label, text, 1, 65535)); }},
    {"prometheus-bind", "ADDRESS", "address the metrics server binds to (default 127.0.0.1)",
     APPLY {
       if (text.empty()) throw UsageError(fmt::format("{}: '' is not an address", label));
       job.spec().prometheus_bind = text;
     }},
    {"quiet", "", "no live progress line",
     APPLY { job.spec().quiet = flag_value(text, label); }},
};

#undef APPLY

}  // namespace

const std::vector<JobOption>& job_options() { return kOptions; }

const JobOption* find_job_option(std::string_view name) {
  for (const JobOption& o : kOptions) {
    if (o.name == name) return &o;
  }
  return nullptr;
}

void JobSpecBuilder::apply(std::string_view name, const std::string& text, const std::string& label) {
  const JobOption* option = find_job_option(name);
  if (option == nullptr) throw UsageError(fmt::format("{}: unknown option; see iopulse --help", label));
  option->apply(*this, text, label);
  // Both shares may be given; remember each to check they describe one mix.
  if (name == "read-percent") read_percent_ = spec_.read_percent;
  if (name == "write-percent") write_percent_ = 100 - spec_.read_percent;
  given_.insert(std::string(name));
  labels_.emplace_back(std::string(name), label);
}

void JobSpecBuilder::add_engine_option(const std::string& option, const std::string& text) {
  spec_.engine_options.emplace_back(option, text);
}

std::string JobSpecBuilder::label_of(std::string_view name) const {
  for (auto it = labels_.rbegin(); it != labels_.rend(); ++it) {
    if (it->first == name) return it->second;
  }
  return fmt::format("--{}", name);
}

JobSpec JobSpecBuilder::build() const {
  JobSpec spec = spec_;
  if (spec.target_path.empty()) {
    throw UsageError("missing TARGET: give the file or block device to do IO on (see iopulse --help)");
  }
  if (read_percent_ && write_percent_) {
    if (*read_percent_ + *write_percent_ != 100) {
      throw UsageError(fmt::format(
          "{} {} and {} {} add up to {}; accepted: shares that sum to 100", label_of("read-percent"),
          *read_percent_, label_of("write-percent"), *write_percent_, *read_percent_ + *write_percent_));
    }
    spec.read_percent = *read_percent_;
  }
  if (given("prometheus-bind") && !given("prometheus-port")) {
    throw UsageError(fmt::format("{}: needs --prometheus-port", label_of("prometheus-bind")));
  }
  return spec;
}

}  // namespace iopulse
