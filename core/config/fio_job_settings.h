// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// FioJobSettings: one fio job's options, parsed with fio's meanings (sizes in
// binary units, runtime in seconds, thinktime in microseconds, ...), before
// they become IOPulse settings (config/fio_job_file.h).  The table of fio
// options lives in fio_job_settings.cc, one row per option; an option not in
// it is refused.
#ifndef IOPULSE_CONFIG_FIO_JOB_SETTINGS_H_
#define IOPULSE_CONFIG_FIO_JOB_SETTINGS_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "config/fio_ini_reader.h"

namespace iopulse {

// A value and where it was given ("job.fio:7: bs").
template <class T>
struct FioSetting {
  T value{};
  std::string label;
};

struct FioJobSettings {
  std::string name;                                  // name=, else the section's name
  std::optional<FioSetting<bool>> random;            // from rw
  std::optional<FioSetting<bool>> unlink;            // remove the job's files when it is done
  std::optional<FioSetting<int64_t>> sequential_skip;  // rw's offset modifier on a sequential kind ("read:8k")
  std::optional<FioSetting<uint32_t>> read_percent;  // from rw: 100, 0 or 50
  std::optional<FioSetting<uint32_t>> rwmixread;     // rwmixread / 100 - rwmixwrite
  std::optional<FioSetting<bool>> trim;              // rw=trim or randtrim: trims only
  std::optional<FioSetting<bool>> trim_write;        // rw=trimwrite or randtrimwrite: each trim, then its write
  std::optional<FioSetting<std::string>> read_sizes, write_sizes;  // IOPulse mix text
  std::optional<FioSetting<std::string>> trim_sizes;  // bs's third value (else the write value)
  std::optional<FioSetting<uint64_t>> blockalign;     // ba: the one alignment of every direction
  std::optional<FioSetting<uint32_t>> iodepth, iodepth_batch;
  // iodepth_low, iodepth_batch_complete_min (iodepth_batch_complete) and
  // _max: accepted where they ask for what IOPulse does (fio_job_file.cc).
  std::optional<FioSetting<uint32_t>> iodepth_low, batch_complete_min, batch_complete_max;
  std::optional<FioSetting<std::string>> engine;     // an IOPulse engine name
  std::optional<FioSetting<bool>> direct;
  std::optional<FioSetting<uint64_t>> size, filesize, io_size;
  std::optional<FioSetting<uint64_t>> offset, offset_increment;  // offset (fileoffset), offset_increment
  std::optional<FioSetting<std::vector<std::string>>> filenames;
  std::optional<FioSetting<std::string>> directory;
  std::optional<FioSetting<std::string>> filename_format;  // how files without a filename are named
  std::optional<FioSetting<uint32_t>> nrfiles, numjobs, loops;
  std::optional<FioSetting<uint64_t>> number_ios;
  std::optional<FioSetting<uint64_t>> runtime_ns;
  std::optional<FioSetting<uint64_t>> ramp_ns;  // ramp_time
  std::optional<FioSetting<std::pair<uint64_t, uint64_t>>> start_delay_ns;  // startdelay: MIN[-MAX]
  std::optional<FioSetting<bool>> time_based;
  std::optional<FioSetting<uint64_t>> rate_bw, rate_iops;
  // The directions rate and rate_iops hold (bit 0 reads, 1 writes, 2 trims):
  // every one for a single value, those given for "r,w[,t]".
  uint32_t rate_directions = 7;
  std::optional<FioSetting<uint64_t>> rate_min_bw, rate_min_iops;  // ratemin, rate_iops_min
  // file_service_type: "random", "roundrobin" or "sequential", and the IOs
  // before the next file (its ":N"; 1 without).
  std::optional<FioSetting<std::pair<std::string, uint64_t>>> file_service;
  std::optional<FioSetting<bool>> rate_poisson;  // rate_process=poisson
  std::optional<FioSetting<uint64_t>> thinktime_ns, thinktime_spin_ns;
  std::optional<FioSetting<uint32_t>> thinktime_blocks;
  // random_distribution: IOPulse settings (key, text) it stands for.
  std::optional<FioSetting<std::vector<std::pair<std::string, std::string>>>> distribution;
  std::optional<FioSetting<uint64_t>> randseed;
  std::optional<FioSetting<bool>> randrepeat;  // 0: a seed drawn for each run (unless randseed)
  std::optional<FioSetting<bool>> norandommap;
  std::optional<FioSetting<uint32_t>> fsync, fdatasync;
  std::optional<FioSetting<bool>> end_fsync;
  // IO priorities: the job's (prioclass, prio) and fio's per-command one
  // (cmdprio_percentage, cmdprio_class, cmdprio).
  std::optional<FioSetting<uint32_t>> prio, prioclass, cmdprio_percentage, cmdprio_class, cmdprio;
  std::optional<FioSetting<bool>> verify, do_verify;
  std::optional<FioSetting<std::string>> cpus_allowed;
  std::optional<FioSetting<bool>> allow_mounted_write, preallocate;
  std::optional<FioSetting<uint32_t>> buffer_pattern;
  // Data reduction: buffer_compress_percentage, buffer_compress_chunk
  // (fio's default 512; 0: the block), dedupe_percentage.
  std::optional<FioSetting<uint32_t>> compress_percent, dedupe_percent;
  std::optional<FioSetting<uint64_t>> compress_chunk;
  std::optional<FioSetting<bool>> stonewall, new_group, group_reporting;
  // exitall (fio's flag is the whole run's once any job sets it) and
  // exit_what: "group" (fio's default) or "stonewall".
  std::optional<FioSetting<bool>> exitall;
  std::optional<FioSetting<std::string>> percentile_list;  // as given: IOPulse's --fio-percentiles checks it
  std::optional<FioSetting<std::string>> unified_rw;        // none, mixed or both
  std::optional<FioSetting<bool>> invalidate;                // fio's default: 1
  std::optional<FioSetting<bool>> gtod_reduce;               // IOPulse times every IO anyway (a note)
  // Options of fio's own text output or its client/server mode, which
  // change nothing IOPulse writes (significant_figures, unit_base,
  // unique_filename=0): a note each.
  std::vector<FioSetting<std::string>> fio_output_only;
  // disable_clat, disable_lat: latencies fio leaves out, IOPulse keeps (a
  // note); the first given.
  std::optional<FioSetting<std::string>> latency_left_out;
  std::optional<FioSetting<bool>> write_dsync;               // sync=dsync: each write as with O_DSYNC
  std::optional<FioSetting<bool>> submit_offload;            // io_submit_mode: offload (true) or inline
  std::optional<FioSetting<bool>> cpus_split;                // cpus_allowed_policy=split
  std::optional<FioSetting<bool>> continue_on_error;         // all (1) or none (0)
  std::optional<FioSetting<std::string>> fadvise_hint;       // "0", "1", random, sequential, noreuse
  std::optional<FioSetting<std::string>> exit_what;
  std::optional<FioSetting<std::string>> wait_for;
  // write_bw_log, write_iops_log, write_lat_log: the prefix (the job's name
  // when given alone); log_avg_msec in milliseconds (0: an entry per IO);
  // log_offset, log_prio: the logs' optional columns; log_unix_epoch or
  // log_alternate_epoch (either, as fio 3.33 reads them), on the clock
  // log_alternate_epoch_clock_id (fio's default 0, CLOCK_REALTIME): their
  // times as Unix time.
  std::optional<FioSetting<std::string>> bw_log, iops_log, lat_log;
  std::optional<FioSetting<uint64_t>> log_avg_msec;
  std::optional<FioSetting<bool>> log_offset, log_prio, log_unix_epoch, log_alternate_epoch;
  std::optional<FioSetting<uint32_t>> log_epoch_clock;
  // ss (IOPulse's --steady-state text), ss_dur, ss_ramp (ns).
  std::optional<FioSetting<std::string>> steady_state;
  std::optional<FioSetting<uint64_t>> ss_dur_ns, ss_ramp_ns;
  std::optional<FioSetting<uint64_t>> ss_interval_ns;  // the steady-state sampling period: the stats interval
  // fio's io_uring engine options as IOPulse's io_uring engine options:
  // fixedbufs -> fixed-buffers, registerfiles -> fixed-files, sqthread_poll
  // -> sqpoll, sqthread_poll_cpu -> sqpoll-cpu, hipri -> iopoll (values
  // "true"/"false", the CPU's number), keyed by IOPulse's name.
  std::map<std::string, FioSetting<std::string>> io_uring_options;
  // nonvectored, where it asks for what IOPulse's io_uring engine does (its
  // reads and writes are IORING_OP_READ/WRITE): an io_uring option too.
  std::optional<FioSetting<std::string>> uring_nonvectored;
};

// Applies one option to `settings`; `label` is "job.fio:7: bs".  Returns the
// problem ("job.fio:7: bs: ...; accepted: ...") when fio's option is unknown,
// its value malformed or IOPulse cannot honour it, else nullopt.
std::optional<std::string> apply_fio_option(FioJobSettings& settings, const FioIniOption& option,
                                            const std::string& label);

// Every fio option name the table accepts, for the docs test.
std::vector<std::string> supported_fio_options();

// Text of a duration for an IOPulse option: "90s", "250ms", "10us", "7ns".
std::string duration_text(uint64_t ns);

}  // namespace iopulse

#endif  // IOPULSE_CONFIG_FIO_JOB_SETTINGS_H_
