// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "cli/option_suggestion.h"

#include <algorithm>
#include <utility>

#include <fmt/format.h>

namespace iopulse {
namespace {

// fio's command-line options and the IOPulse option that does the same job
// (docs/fio-compatibility.md has the differences).
constexpr std::pair<std::string_view, std::string_view> kFioNames[] = {
    {"bs", "block-size"},
    {"blocksize", "block-size"},
    {"bssplit", "block-size"},
    {"iodepth", "queue-depth"},
    {"numjobs", "threads"},
    {"size", "file-size"},
    {"filesize", "file-size"},
    {"filename", "target"},
    {"directory", "target"},
    {"nrfiles", "num-files"},
    {"runtime", "duration"},
    {"time_based", "duration"},
    {"ioengine", "engine"},
    {"rw", "read-percent"},
    {"readwrite", "read-percent"},
    {"rwmixread", "read-percent"},
    {"rwmixwrite", "write-percent"},
    {"random_distribution", "distribution"},
    {"randseed", "seed"},
    {"io_size", "total-bytes"},
    {"number_ios", "total-ops"},
    {"rate", "rate-bw"},
    {"rate_iops", "rate-iops"},
    {"thinktime", "think-time"},
    {"thinktime_blocks", "think-every"},
    {"fsync", "fsync-every"},
    {"fdatasync", "fdatasync-every"},
    {"cpus_allowed", "cpu-cores"},
    {"iodepth_batch", "submit-batch"},
    {"iodepth_batch_submit", "submit-batch"},
    {"buffered", "direct"},
    {"allow_mounted_write", "allow-mounted-writes"},
    {"output", "json-output"},
    {"status-interval", "stats-interval"},
    {"fallocate", "preallocate"},
    {"buffer_pattern", "buffer-pattern"},
    {"do_verify", "verify"},
    {"name", "job-name"},
    {"ss", "steady-state"},
    {"steadystate", "steady-state"},
    {"ss_dur", "steady-state-duration"},
    {"steadystate_duration", "steady-state-duration"},
    {"ss_ramp", "steady-state-ramp"},
    {"steadystate_ramp_time", "steady-state-ramp"},
    {"percentile_list", "fio-percentiles"},
    {"unified_rw_reporting", "fio-unified-rw"},
    {"randrepeat", "seed"},
    {"log_avg_msec", "stats-interval"},
    {"unlink", "remove-files"},
    {"prio", "io-priority"},
    {"prioclass", "io-priority"},
    {"cmdprio_percentage", "io-priority-percent"},
    {"cmdprio_class", "io-priority"},
    {"cmdprio", "io-priority"},
    {"bsrange", "block-size"},
    {"blocksize_range", "block-size"},
    {"zero_buffers", "buffer-pattern"},
    {"buffer_compress_percentage", "compress-percent"},
    {"buffer_compress_chunk", "dedupe-unit"},
    {"dedupe_percentage", "dedupe-percent"},
    {"fadvise_hint", "fadvise"},
    {"invalidate", "fadvise"},
    {"ratemin", "rate-min-bw"},
    {"rate_min", "rate-min-bw"},
    {"rate_iops_min", "rate-min-iops"},
    {"file_service_type", "file-order"},
    {"startdelay", "start-delay"},
    {"blockalign", "block-align"},
    {"ba", "block-align"},
    {"thinktime_spin", "think-mode"},
    {"offset_increment", "offset-increment"},
    {"end_fsync", "end-fsync"},
    {"continue_on_error", "continue-on-error"},
};

// Levenshtein distance.
size_t distance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::string with_underscores(std::string_view s) {
  std::string out(s);
  std::replace(out.begin(), out.end(), '-', '_');
  return out;
}

}  // namespace

std::string suggest_option(std::string_view unknown, const std::vector<std::string>& known) {
  const std::string fio_name = with_underscores(unknown);
  for (const auto& [fio, ours] : kFioNames) {
    if (fio_name == with_underscores(fio) &&
        std::find(known.begin(), known.end(), std::string(ours)) != known.end()) {
      return fmt::format("did you mean --{} (fio's {})?", ours, fio);
    }
  }
  // "block_size" for "block-size" is distance 0 after the same rewriting.
  std::string best;
  size_t best_distance = SIZE_MAX;
  for (const std::string& name : known) {
    const size_t d = distance(fio_name, with_underscores(name));
    if (d < best_distance) {
      best_distance = d;
      best = name;
    }
  }
  const size_t allowed = std::max<size_t>(2, unknown.size() / 3);
  if (best.empty() || best_distance > allowed) return "";
  return fmt::format("did you mean --{}?", best);
}

}  // namespace iopulse
