// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "cli/report_command.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <boost/program_options.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/result_file_check.h"
#include "job/usage_error.h"
#include "output/output_plan.h"
#include "output/result_file.h"
#include "report/fio_result_import.h"
#include "report/html_report.h"
#include "report/json_report.h"

namespace po = boost::program_options;

namespace iopulse {
namespace {

using nlohmann::json;

// Every failure of the command: one line, exit code 2.
class ReportError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The parser's options; "results" is the positional list of input files.
po::options_description report_options() {
  po::options_description d("Options");
  d.add_options()
      ("help,h", "show this help and exit")
      ("output,o", po::value<std::string>()->value_name("OUT.html"), "write the HTML page to this file (required)")
      ("title", po::value<std::string>()->value_name("TEXT"), "heading of the page (default \"IOPulse report\")")
      ("label", po::value<std::vector<std::string>>()->composing()->value_name("NAME"),
       "name of the next result in tables and legends (repeatable, in order; default: the "
       "file name)")
      ("results", po::value<std::vector<std::string>>(), "result files written with --json-output, or fio's JSON output");
  return d;
}

// report_options() without the positional list.
po::options_description visible_report_options() {
  const po::options_description all = report_options();
  po::options_description visible("Options");
  for (const auto& option : all.options()) {
    if (option->long_name() != "results") visible.add(option);
  }
  return visible;
}

std::string usage() {
  std::ostringstream out;
  out << "Usage: iopulse report RESULTS.json [MORE.json ...] -o OUT.html [--title TEXT]\n\n"
         "Writes one self-contained HTML page (no network access needed to view it) with the\n"
         "summary, charts of IOPS, bandwidth and latency over time, the latency distribution,\n"
         "the access heatmap and the configuration of each result file. Several files are\n"
         "compared side by side; fio's JSON output (json or json+) can stand beside them.\n\n"
      << visible_report_options()
      << "\nExample:\n"
         "  iopulse report uring.json sync.json --label io_uring --label sync -o compare.html\n";
  return out.str();
}

std::string errno_text(int error) { return std::strerror(error); }

std::string read_whole_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw ReportError(fmt::format("cannot read '{}': {}", path, errno_text(errno)));
  // A file or a pipe (a result written by another command); a device (a
  // slip of the shell: /dev/zero never ends) is refused before any read.
  struct stat st {};
  if (::fstat(fd, &st) == 0 && (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode))) {
    ::close(fd);
    throw ReportError(fmt::format("cannot read '{}': a device; accepted: a result file (JSON) or a pipe", path));
  }
  std::string text;
  char buffer[1 << 16];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int error = errno;
      ::close(fd);
      throw ReportError(fmt::format("cannot read '{}': {}", path, errno_text(error)));
    }
    if (n == 0) break;
    text.append(buffer, static_cast<size_t>(n));
  }
  ::close(fd);
  return text;
}

// The nlohmann message without its "[json.exception.parse_error.101] " tag.
std::string parse_message(const json::parse_error& e) {
  std::string_view what = e.what();
  if (const size_t tag_end = what.find("] "); what.starts_with("[json.exception") &&
                                                tag_end != std::string_view::npos) {
    what.remove_prefix(tag_end + 2);
  }
  return std::string(what);
}

json read_result(const std::string& path) {
  const std::string text = read_whole_file(path);
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::parse_error& e) {
    throw ReportError(fmt::format("'{}' is not JSON: {}", path, parse_message(e)));
  }
  if (is_fio_result(doc)) {
    try {
      return import_fio_result(doc);
    } catch (const std::invalid_argument& e) {
      throw ReportError(fmt::format("'{}' is fio's JSON output but cannot be read: {}", path, e.what()));
    }
  }
  if (!doc.is_object() || !doc.contains("schema_version") ||
      !doc["schema_version"].is_number_integer()) {
    throw ReportError(fmt::format(
        "'{}' is neither an IOPulse result file (no schema_version; write one with "
        "iopulse --json-output) nor fio's JSON output (fio --output-format=json)",
        path));
  }
  if (const std::string defect = result_file_defect(doc); !defect.empty()) {
    throw ReportError(fmt::format("'{}' is not a valid IOPulse result file: {}", path, defect));
  }
  const int64_t version = doc["schema_version"].get<int64_t>();
  if (version != kJsonSchemaVersion) {
    std::cerr << fmt::format(
        "iopulse: warning: '{}' has schema_version {}; this iopulse reads version {}, so parts "
        "of it may be missing from the report\n",
        path, version, kJsonSchemaVersion);
  }
  return doc;
}

int run(int argc, char** argv) {
  std::vector<std::string> args;
  for (int i = 1; i < argc; ++i) args.emplace_back(argv[i]);
  po::positional_options_description positional;
  positional.add("results", -1);
  po::variables_map vm;
  try {
    constexpr int kStyle =
        po::command_line_style::default_style & ~po::command_line_style::allow_guessing;
    po::store(po::command_line_parser(args)
                  .options(report_options())
                  .positional(positional)
                  .style(kStyle)
                  .run(),
              vm);
    po::notify(vm);
  } catch (const po::error& e) {
    throw ReportError(fmt::format("report: {}; see iopulse report --help", e.what()));
  }
  if (vm.count("help") != 0) {
    std::cout << usage();
    return 0;
  }
  if (vm.count("results") == 0) {
    throw ReportError("report: missing RESULTS.json: give one or more files written with "
                      "--json-output (see iopulse report --help)");
  }
  if (vm.count("output") == 0 || vm["output"].as<std::string>().empty()) {
    throw ReportError("report: missing -o OUT.html: the file to write the page to");
  }
  const auto paths = vm["results"].as<std::vector<std::string>>();
  const std::string output = vm["output"].as<std::string>();
  std::vector<std::string> labels;
  if (vm.count("label") != 0) {
    labels = vm["label"].as<std::vector<std::string>>();
    if (labels.size() != paths.size()) {
      throw ReportError(fmt::format("--label: {} label(s) for {} result file(s); give one per file, "
                                    "in order", labels.size(), paths.size()));
    }
  } else {
    for (const std::string& path : paths) labels.push_back(std::filesystem::path(path).stem().string());
  }
  // The page's path is checked before any result file is read.
  std::vector<CommandInput> inputs;
  for (const std::string& path : paths) inputs.push_back({"one of the result files", path});
  try {
    OutputPlan::check({{"-o", output}}, inputs);
  } catch (const UsageError& e) {
    throw ReportError(fmt::format("report: {}", e.what()));
  }

  std::vector<json> results;
  for (const std::string& path : paths) results.push_back(read_result(path));
  HtmlReportOptions options;
  if (vm.count("title") != 0) options.title = vm["title"].as<std::string>();
  write_result_file("-o", output, render_html_report(results, labels, options), "the HTML report");
  if (output != "-") std::cout << output << "\n";
  return 0;
}

}  // namespace

int run_report_command(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const ReportError& e) {
    std::cerr << "iopulse: error: " << e.what() << "\n";
  } catch (const std::exception& e) {
    std::cerr << "iopulse: error: report: " << e.what() << "\n";
  }
  return 2;
}

std::vector<ReportOption> report_command_options() {
  std::vector<ReportOption> list;
  const po::options_description visible = visible_report_options();  // outlives the loop
  for (const auto& option : visible.options()) {
    ReportOption o;
    o.name = option->long_name();
    const std::string shown = option->format_name();  // "-o [ --output ]" or "--title"
    if (shown.size() > 1 && shown[0] == '-' && shown[1] != '-') o.short_name = shown[1];
    if (option->semantic()->max_tokens() > 0) o.value_name = option->semantic()->name();
    o.help = option->description();
    list.push_back(std::move(o));
  }
  return list;
}

}  // namespace iopulse
