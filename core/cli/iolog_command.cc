// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "cli/iolog_command.h"

#include <cstdio>
#include <iostream>
#include <string>
#include <system_error>
#include <vector>

#include <boost/program_options.hpp>
#include <fmt/format.h>

#include "job/io_priority.h"
#include "job/usage_error.h"
#include "report/csv_field.h"
#include "trace/iolog_reader.h"

namespace po = boost::program_options;

namespace iopulse {
namespace {

constexpr const char* kIologUsage =
    "Usage: iopulse iolog FILE [--format text|csv|fio] [--worker N]\n\n"
    "Prints an IOPulse iolog written with --write-iolog (docs/replay.md):\n"
    "  text  a summary, then one line per IO (the default)\n"
    "  csv   one row per IO: issue_ns,worker,op,file,path,offset,length,latency_ns,result\n"
    "  fio   a fio iolog version 3 of one worker's IOs (--worker N), for fio's read_iolog\n"
    "        or iopulse --replay\n";

// fio's names for the ops (fio's HOWTO, "Trace file format v2").
const char* fio_action(uint8_t op) {
  switch (op) {
    case IOP_OP_READ: return "read";
    case IOP_OP_WRITE: return "write";
    case IOP_OP_FSYNC: return "sync";
    case IOP_OP_FDATASYNC: return "datasync";
    default: return "trim";
  }
}

std::string result_text(const IoLogRecord& r) {
  if (r.latency_ns == kIoLogNoCompletion) return "never completed";
  if (r.result < 0) return fmt::format("error: {}", std::generic_category().message(static_cast<int>(-r.result)));
  return fmt::format("{}", r.result);
}

}  // namespace

int run_iolog_command(int argc, char** argv) {
  try {
    po::options_description options("Options");
    options.add_options()("help,h", "show this help")("format", po::value<std::string>()->default_value("text"),
                                                       "text, csv or fio")(
        "worker", po::value<uint32_t>(), "the worker whose IOs --format fio prints")(
        "file", po::value<std::vector<std::string>>(), "the iolog");
    po::positional_options_description positional;
    positional.add("file", -1);
    po::variables_map vm;
    try {
      po::store(po::command_line_parser(argc, argv).options(options).positional(positional).run(), vm);
      po::notify(vm);
    } catch (const po::error& e) {
      throw UsageError(fmt::format("iolog: {}", e.what()));
    }
    if (vm.count("help") != 0) {
      std::cout << kIologUsage;
      return 0;
    }
    const std::vector<std::string> files =
        vm.count("file") != 0 ? vm["file"].as<std::vector<std::string>>() : std::vector<std::string>{};
    if (files.size() != 1) throw UsageError("iolog: give exactly one iolog file; see iopulse iolog --help");
    const std::string format = vm["format"].as<std::string>();
    if (format != "text" && format != "csv" && format != "fio") {
      throw UsageError(fmt::format("iolog --format: '{}' is not accepted; accepted: text, csv, fio", format));
    }
    std::unique_ptr<IoLogReader> reader;
    try {
      reader = std::make_unique<IoLogReader>(files.front());
    } catch (const TraceError& e) {
      throw UsageError(fmt::format("iolog '{}': {}", files.front(), e.what()));
    } catch (const std::system_error& e) {
      throw UsageError(fmt::format("iolog {}: {}", e.what(), "cannot be read"));
    }
    const IoLogHeader& h = reader->header();
    int64_t only_worker = -1;
    if (vm.count("worker") != 0) {
      only_worker = vm["worker"].as<uint32_t>();
      if (only_worker >= h.workers) {
        throw UsageError(fmt::format("iolog --worker: {} is not accepted; accepted: 0 to {} (the iolog's workers)",
                                     only_worker, h.workers - 1));
      }
    }
    if (format == "fio" && only_worker < 0) {
      if (h.workers > 1) {
        throw UsageError(fmt::format("iolog --format fio: a fio iolog is one job and this iolog has {} workers; "
                                     "give --worker N (0 to {}), one file per worker", h.workers, h.workers - 1));
      }
      only_worker = 0;
    }
    std::string out;
    const auto emit = [&](bool force) {
      if (out.size() >= (1 << 16) || force) {
        std::fwrite(out.data(), 1, out.size(), stdout);
        out.clear();
      }
    };
    if (format == "text") {
      out += fmt::format("{}, {} worker(s), {} file(s), started at {} ns (Unix time)\n", reader->format(),
                         h.workers, h.files.size(), h.start_unix_ns);
      for (size_t i = 0; i < h.files.size(); ++i) {
        out += fmt::format("file {}: {} ({} bytes)\n", i, h.files[i].path, h.files[i].size);
      }
      out += fmt::format("{:>14} {:>6} {:<9} {:>4} {:>14} {:>10} {:>12} {:<8} {}\n", "issue_us", "worker", "op", "file",
                         "offset", "length", "latency_us", "ioprio", "result");
    } else if (format == "csv") {
      out += "issue_ns,worker,op,file,path,offset,length,latency_ns,result,ioprio\n";
    } else {
      out += "fio version 3 iolog\n";
      for (const IoLogFile& f : h.files) out += fmt::format("0 {} add\n0 {} open\n", f.path, f.path);
    }
    std::vector<IoLogRecord> records(4096);
    uint64_t last_us = 0;
    try {
      for (;;) {
        const size_t n = reader->read_raw(records.data(), records.size());
        if (n == 0) break;
        for (size_t i = 0; i < n; ++i) {
          const IoLogRecord& r = records[i];
          if (only_worker >= 0 && r.worker != only_worker) continue;
          const std::string& path = h.files[r.file].path;
          if (format == "text") {
            // The priority as --io-priority names it ("-": none).
            out += fmt::format("{:>14.3f} {:>6} {:<9} {:>4} {:>14} {:>10} {:>12} {:<8} {}\n", r.issue_ns / 1e3, r.worker,
                               trace_op_name(r.op), r.file, r.offset, r.len,
                               r.latency_ns == kIoLogNoCompletion ? std::string("-")
                                                                  : fmt::format("{:.3f}", r.latency_ns / 1e3),
                               r.ioprio == 0 ? std::string("-") : io_priority_text(r.ioprio), result_text(r));
          } else if (format == "csv") {
            out += fmt::format("{},{},{},{},{},{},{},{},{},{}\n", r.issue_ns, r.worker, trace_op_name(r.op), r.file,
                               csv_field(path), r.offset, r.len,
                               r.latency_ns == kIoLogNoCompletion ? std::string() : std::to_string(r.latency_ns),
                               r.latency_ns == kIoLogNoCompletion ? std::string() : std::to_string(r.result),
                               io_priority_text(r.ioprio));
          } else {
            last_us = r.issue_ns / 1000;
            if (r.op == IOP_OP_FSYNC || r.op == IOP_OP_FDATASYNC) {
              out += fmt::format("{} {} {}\n", last_us, path, fio_action(r.op));
            } else {
              out += fmt::format("{} {} {} {} {}\n", last_us, path, fio_action(r.op), r.offset, r.len);
            }
          }
          emit(false);
        }
      }
    } catch (const TraceError& e) {
      emit(true);
      std::fflush(stdout);
      throw UsageError(fmt::format("iolog '{}': {}", files.front(), e.what()));
    }
    if (format == "fio") {
      for (const IoLogFile& f : h.files) out += fmt::format("{} {} close\n", last_us, f.path);
    }
    emit(true);
    std::fflush(stdout);
    return 0;
  } catch (const UsageError& e) {
    std::cerr << "iopulse: error: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "iopulse: error: " << e.what() << "\n";
    return 2;
  }
}

}  // namespace iopulse
