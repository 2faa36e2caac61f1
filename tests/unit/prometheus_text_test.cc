// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "report/prometheus_text.h"
#include "stats/op_stats.h"
#include "stats/op_stats_set.h"

namespace iopulse {
namespace {

// ---------------------------------------------------------------------------
// A strict reader of the text exposition format 0.0.4, enough to check what
// render_prometheus_text() writes.  Every violation is a test failure naming
// the line.

struct Sample {
  std::string name;
  std::map<std::string, std::string> labels;  // unescaped values
  double value = 0;
};

struct Family {
  std::string name, help, type;
  std::vector<Sample> samples;
};

bool is_metric_name(std::string_view s) {
  if (s.empty()) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
    if (!alpha && !(i > 0 && c >= '0' && c <= '9')) return false;
  }
  return true;
}

bool is_label_name(std::string_view s) {
  return is_metric_name(s) && s.find(':') == std::string_view::npos && !s.starts_with("__");
}

bool parse_value(std::string_view s, double* out) {
  if (s == "NaN") { *out = std::numeric_limits<double>::quiet_NaN(); return true; }
  if (s == "+Inf") { *out = std::numeric_limits<double>::infinity(); return true; }
  if (s == "-Inf") { *out = -std::numeric_limits<double>::infinity(); return true; }
  if (s.empty()) return false;
  const auto res = std::from_chars(s.data(), s.data() + s.size(), *out);
  return res.ec == std::errc() && res.ptr == s.data() + s.size();
}

// Does sample `name` belong to the family `family` of type `type`?
bool belongs(const std::string& name, const std::string& family, const std::string& type) {
  if (name == family) return true;
  if (type == "summary" || type == "histogram") {
    if (name == family + "_sum" || name == family + "_count") return true;
  }
  return type == "histogram" && name == family + "_bucket";
}

std::vector<Family> parse_exposition(const std::string& text) {
  std::vector<Family> families;
  std::set<std::string> family_names;
  std::set<std::string> series;
  if (!text.empty() && text.back() != '\n') ADD_FAILURE() << "the text does not end in a newline";

  std::istringstream in(text);
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    const std::string at = "line " + std::to_string(n) + " '" + line + "': ";
    if (line.empty()) {
      ADD_FAILURE() << at << "empty line";
      continue;
    }
    if (line.starts_with("# HELP ") || line.starts_with("# TYPE ")) {
      const std::string rest = line.substr(7);
      const size_t space = rest.find(' ');
      const std::string name = rest.substr(0, space);
      const std::string arg = space == std::string::npos ? "" : rest.substr(space + 1);
      if (!is_metric_name(name)) ADD_FAILURE() << at << "bad family name";
      if (line.starts_with("# HELP ")) {
        if (!family_names.insert(name).second) ADD_FAILURE() << at << "family seen before";
        for (size_t i = 0; i < arg.size(); ++i) {
          if (arg[i] == '\\' && (i + 1 == arg.size() || (arg[i + 1] != '\\' && arg[i + 1] != 'n'))) {
            ADD_FAILURE() << at << "bad escape in HELP";
          }
          if (arg[i] == '\\') ++i;
        }
        if (arg.empty()) ADD_FAILURE() << at << "empty HELP";
        families.push_back(Family{name, arg, "", {}});
      } else {
        if (families.empty() || families.back().name != name || !families.back().type.empty() ||
            !families.back().samples.empty()) {
          ADD_FAILURE() << at << "TYPE not right after its family's HELP";
          continue;
        }
        static const std::set<std::string> kTypes = {"counter", "gauge", "summary", "histogram",
                                                     "untyped"};
        if (!kTypes.count(arg)) ADD_FAILURE() << at << "unknown type";
        families.back().type = arg;
      }
      continue;
    }
    if (line[0] == '#') continue;  // a comment

    // name{label="value",...} value [timestamp]
    Sample s;
    size_t i = 0;
    while (i < line.size() && line[i] != '{' && line[i] != ' ') ++i;
    s.name = line.substr(0, i);
    if (!is_metric_name(s.name)) ADD_FAILURE() << at << "bad metric name";
    if (i < line.size() && line[i] == '{') {
      ++i;
      while (i < line.size() && line[i] != '}') {
        const size_t eq = line.find('=', i);
        if (eq == std::string::npos || eq + 1 >= line.size() || line[eq + 1] != '"') {
          ADD_FAILURE() << at << "bad label";
          break;
        }
        const std::string label = line.substr(i, eq - i);
        if (!is_label_name(label)) ADD_FAILURE() << at << "bad label name '" << label << "'";
        std::string value;
        size_t j = eq + 2;
        bool closed = false;
        for (; j < line.size(); ++j) {
          if (line[j] == '\\') {
            if (j + 1 < line.size() && line[j + 1] == '\\') value += '\\';
            else if (j + 1 < line.size() && line[j + 1] == '"') value += '"';
            else if (j + 1 < line.size() && line[j + 1] == 'n') value += '\n';
            else ADD_FAILURE() << at << "bad escape in a label value";
            ++j;
          } else if (line[j] == '"') {
            closed = true;
            break;
          } else {
            value += line[j];
          }
        }
        if (!closed) {
          ADD_FAILURE() << at << "unterminated label value";
          break;
        }
        if (!s.labels.emplace(label, value).second) ADD_FAILURE() << at << "label twice";
        i = j + 1;
        if (i < line.size() && line[i] == ',') ++i;
      }
      if (i >= line.size() || line[i] != '}') {
        ADD_FAILURE() << at << "no closing brace";
        continue;
      }
      ++i;
    }
    if (i >= line.size() || line[i] != ' ') {
      ADD_FAILURE() << at << "no space before the value";
      continue;
    }
    std::string value_text = line.substr(i + 1);
    const size_t space = value_text.find(' ');
    if (space != std::string::npos) {  // a timestamp: an integer
      const std::string ts = value_text.substr(space + 1);
      int64_t t = 0;
      const auto r = std::from_chars(ts.data(), ts.data() + ts.size(), t);
      if (r.ec != std::errc() || r.ptr != ts.data() + ts.size()) ADD_FAILURE() << at << "bad timestamp";
      value_text.resize(space);
    }
    if (!parse_value(value_text, &s.value)) ADD_FAILURE() << at << "bad value";

    if (families.empty() || families.back().type.empty() ||
        !belongs(s.name, families.back().name, families.back().type)) {
      ADD_FAILURE() << at << "sample outside its family's block (HELP and TYPE must come first)";
      continue;
    }
    Family& f = families.back();
    if (f.type == "counter" && !(s.value >= 0)) ADD_FAILURE() << at << "negative or NaN counter";
    if (f.type == "summary") {
      const bool quantile = s.labels.count("quantile") != 0;
      if (s.name == f.name && !quantile) ADD_FAILURE() << at << "summary sample without quantile";
      if (s.name != f.name && quantile) ADD_FAILURE() << at << "quantile on _sum or _count";
      if (quantile) {
        double q = -1;
        if (!parse_value(s.labels["quantile"], &q) || !(q >= 0 && q <= 1)) {
          ADD_FAILURE() << at << "quantile not in [0, 1]";
        }
      }
    }
    std::string key = s.name;
    for (const auto& [k, v] : s.labels) key += "|" + k + "=" + v;
    if (!series.insert(key).second) ADD_FAILURE() << at << "duplicate series";
    f.samples.push_back(std::move(s));
  }
  for (const Family& f : families) {
    if (f.type.empty()) ADD_FAILURE() << "family " << f.name << " has no TYPE";
  }
  return families;
}

const Family* find_family(const std::vector<Family>& families, const std::string& name) {
  for (const Family& f : families) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

// ---------------------------------------------------------------------------

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

MetricsSnapshot::OpMetrics reads() {
  MetricsSnapshot::OpMetrics m;
  m.ops = 1000;
  m.bytes = 4'096'000;
  m.errors = 0;
  m.latency_count = 1000;
  m.latency_sum_seconds = 0.25;
  m.iops = 400;
  m.bandwidth_bytes_per_second = 1'638'400;
  m.latency_quantile_seconds = {0.0001, 0.00025, 0.001, 0.0025, 0.005};
  // Cumulative: none below 1 us (bound 3), 600 below 128 us (bound 10), all
  // below 8.192 ms (bound 16).
  for (size_t i = 0; i < m.latency_buckets.size(); ++i) m.latency_buckets[i] = i < 3 ? 0 : i < 10 ? 600 : i < 16 ? 900 : 1000;
  return m;
}

MetricsSnapshot::OpMetrics writes() {
  MetricsSnapshot::OpMetrics m;
  m.ops = 10;
  m.bytes = 40'960;
  m.errors = 2;
  m.latency_count = 10;
  m.latency_sum_seconds = 0.05;
  m.iops = 0;
  m.bandwidth_bytes_per_second = 0;
  m.latency_quantile_seconds = {kNaN, kNaN, kNaN, kNaN, kNaN};  // none in the last interval
  return m;
}

// The `le` labels of the histogram, as Prometheus documents them: seconds.
const char* const kLe[] = {"0.000000125", "0.00000025", "0.0000005", "0.000001", "0.000002", "0.000004", "0.000008", "0.000016", "0.000032", "0.000064", "0.000128", "0.000256", "0.000512", "0.001024", "0.002048", "0.004096", "0.008192", "0.016384", "0.032768", "0.065536", "0.131072", "0.262144", "0.524288", "1.048576", "2.097152", "4.194304", "8.388608", "16.777216", "33.554432", "67.108864"};

MetricsSnapshot job_only() {
  MetricsSnapshot s;
  s.info = {"1.2.3", "io_uring", "2.1.0", "2.0", "nightly \"db\" run"};
  s.elapsed_ns = 2'500'000'000;
  s.running = true;
  s.job[OpKind::kRead] = reads();
  s.job[OpKind::kWrite] = writes();
  return s;
}

MetricsSnapshot with_workers() {
  MetricsSnapshot s = job_only();
  MetricsSnapshot::OpMetrics sync;
  sync.ops = 3;
  sync.latency_count = 3;
  sync.latency_sum_seconds = 0.003;
  sync.iops = 1.5;
  sync.latency_quantile_seconds = {0.001, 0.001, 0.001, 0.001, 0.001};
  s.job[OpKind::kSync] = sync;
  for (int w = 0; w < 2; ++w) {
    MetricsSnapshot::Worker worker;
    worker.id = std::to_string(w);
    worker.ops[OpKind::kRead] = reads();
    worker.ops[OpKind::kRead]->ops = 500 + w;
    worker.ops[OpKind::kWrite] = writes();
    worker.ops[OpKind::kSync] = sync;
    s.workers.push_back(worker);
  }
  return s;
}

// The reader itself must reject what Prometheus would not take.
TEST(PrometheusTextTest, ReaderRejectsMalformedText) {
  EXPECT_NONFATAL_FAILURE(parse_exposition("m 1\n"), "sample outside its family's block");
  EXPECT_NONFATAL_FAILURE(parse_exposition("# HELP m h\n# TYPE m gauge\n# TYPE m gauge\n"),
                          "TYPE not right after");
  EXPECT_NONFATAL_FAILURE(parse_exposition("# HELP m h\n# TYPE m gauge\nm 1\nm 2\n"),
                          "duplicate series");
  EXPECT_NONFATAL_FAILURE(
      parse_exposition("# HELP m h\n# TYPE m gauge\n# HELP n h\n# TYPE n gauge\nm 1\n"),
      "sample outside its family's block");
  EXPECT_NONFATAL_FAILURE(parse_exposition("# HELP m h\n# TYPE m gauge\nm{a=\"\\x\"} 1\n"),
                          "bad escape in a label value");
  EXPECT_NONFATAL_FAILURE(parse_exposition("# HELP m h\n# TYPE m gauge\nm one\n"), "bad value");
  EXPECT_NONFATAL_FAILURE(parse_exposition("# HELP m h\n# TYPE m gauge\nm 1"), "newline");
  EXPECT_NONFATAL_FAILURE(parse_exposition("# HELP m h\n# TYPE m summary\nm 1\n"),
                          "summary sample without quantile");
  EXPECT_NONFATAL_FAILURE(parse_exposition("# HELP m_total h\n# TYPE m_total counter\nm_total -1\n"),
                          "negative or NaN counter");
  EXPECT_NONFATAL_FAILURE(parse_exposition("# HELP m h\n# TYPE m gauge\nm{2a=\"x\"} 1\n"),
                          "bad label name");
}

TEST(PrometheusTextTest, RendersTheJobExactly) {
  std::string histogram =
      "# HELP iopulse_latency_seconds IO latency from submission to completion since the measured window "
      "opened; buckets add across hosts.\n"
      "# TYPE iopulse_latency_seconds histogram\n";
  for (size_t i = 0; i < std::size(kLe); ++i) {
    const int reads = i < 3 ? 0 : i < 10 ? 600 : i < 16 ? 900 : 1000;
    histogram += "iopulse_latency_seconds_bucket{op=\"read\",le=\"" + std::string(kLe[i]) + "\"} " +
                 std::to_string(reads) + "\n";
  }
  histogram +=
      "iopulse_latency_seconds_bucket{op=\"read\",le=\"+Inf\"} 1000\n"
      "iopulse_latency_seconds_sum{op=\"read\"} 0.25\n"
      "iopulse_latency_seconds_count{op=\"read\"} 1000\n";
  for (const char* le : kLe) histogram += "iopulse_latency_seconds_bucket{op=\"write\",le=\"" + std::string(le) + "\"} 0\n";
  histogram +=
      "iopulse_latency_seconds_bucket{op=\"write\",le=\"+Inf\"} 10\n"
      "iopulse_latency_seconds_sum{op=\"write\"} 0.05\n"
      "iopulse_latency_seconds_count{op=\"write\"} 10\n";
  const std::string expected =
      "# HELP iopulse_run_info What is running: IOPulse and engine versions, the job name; always 1.\n"
      "# TYPE iopulse_run_info gauge\n"
      "iopulse_run_info{version=\"1.2.3\",engine=\"io_uring\",engine_version=\"2.1.0\",engine_abi=\"2.0\","
      "job_name=\"nightly \\\"db\\\" run\"} 1\n"
      "# HELP iopulse_running 1 while the measured window is open, 0 before and after.\n"
      "# TYPE iopulse_running gauge\n"
      "iopulse_running 1\n"
      "# HELP iopulse_elapsed_seconds Time since the measured window opened.\n"
      "# TYPE iopulse_elapsed_seconds gauge\n"
      "iopulse_elapsed_seconds 2.5\n"
      "# HELP iopulse_ops_total IOs completed successfully since the measured window opened.\n"
      "# TYPE iopulse_ops_total counter\n"
      "iopulse_ops_total{op=\"read\"} 1000\n"
      "iopulse_ops_total{op=\"write\"} 10\n"
      "# HELP iopulse_bytes_total Bytes moved by successful IOs since the measured window opened.\n"
      "# TYPE iopulse_bytes_total counter\n"
      "iopulse_bytes_total{op=\"read\"} 4096000\n"
      "iopulse_bytes_total{op=\"write\"} 40960\n"
      "# HELP iopulse_errors_total IOs that failed since the measured window opened.\n"
      "# TYPE iopulse_errors_total counter\n"
      "iopulse_errors_total{op=\"read\"} 0\n"
      "iopulse_errors_total{op=\"write\"} 2\n"
      "# HELP iopulse_iops Successful IOs per second over the last stats interval.\n"
      "# TYPE iopulse_iops gauge\n"
      "iopulse_iops{op=\"read\"} 400\n"
      "iopulse_iops{op=\"write\"} 0\n"
      "# HELP iopulse_bandwidth_bytes_per_second Bytes per second moved by successful IOs over "
      "the last stats interval.\n"
      "# TYPE iopulse_bandwidth_bytes_per_second gauge\n"
      "iopulse_bandwidth_bytes_per_second{op=\"read\"} 1638400\n"
      "iopulse_bandwidth_bytes_per_second{op=\"write\"} 0\n" +
      histogram +
      "# HELP iopulse_interval_latency_seconds IO latency from submission to completion; quantiles over "
      "the last stats interval, sum and count since the measured window opened.\n"
      "# TYPE iopulse_interval_latency_seconds summary\n"
      "iopulse_interval_latency_seconds{op=\"read\",quantile=\"0.5\"} 0.0001\n"
      "iopulse_interval_latency_seconds{op=\"read\",quantile=\"0.9\"} 0.00025\n"
      "iopulse_interval_latency_seconds{op=\"read\",quantile=\"0.99\"} 0.001\n"
      "iopulse_interval_latency_seconds{op=\"read\",quantile=\"0.999\"} 0.0025\n"
      "iopulse_interval_latency_seconds{op=\"read\",quantile=\"0.9999\"} 0.005\n"
      "iopulse_interval_latency_seconds_sum{op=\"read\"} 0.25\n"
      "iopulse_interval_latency_seconds_count{op=\"read\"} 1000\n"
      "iopulse_interval_latency_seconds{op=\"write\",quantile=\"0.5\"} NaN\n"
      "iopulse_interval_latency_seconds{op=\"write\",quantile=\"0.9\"} NaN\n"
      "iopulse_interval_latency_seconds{op=\"write\",quantile=\"0.99\"} NaN\n"
      "iopulse_interval_latency_seconds{op=\"write\",quantile=\"0.999\"} NaN\n"
      "iopulse_interval_latency_seconds{op=\"write\",quantile=\"0.9999\"} NaN\n"
      "iopulse_interval_latency_seconds_sum{op=\"write\"} 0.05\n"
      "iopulse_interval_latency_seconds_count{op=\"write\"} 10\n";
  EXPECT_EQ(render_prometheus_text(job_only()), expected);
  parse_exposition(expected);
}

TEST(PrometheusTextTest, EmptySnapshotIsWellFormed) {
  const std::string text = render_prometheus_text(MetricsSnapshot{});
  const auto families = parse_exposition(text);
  EXPECT_NE(text.find("\niopulse_running 0\n"), std::string::npos);
  EXPECT_NE(text.find("\niopulse_elapsed_seconds 0\n"), std::string::npos);
  EXPECT_NE(text.find("\niopulse_ops_total{op=\"read\"} 0\n"), std::string::npos);
  EXPECT_EQ(find_family(families, "iopulse_worker_ops_total"), nullptr);  // no workers yet
}

TEST(PrometheusTextTest, PerWorkerFamiliesCarryWorkerAndOpLabels) {
  const std::string text = render_prometheus_text(with_workers());
  for (const char* line : {
           "iopulse_ops_total{op=\"sync\"} 3",
           "iopulse_iops{op=\"sync\"} 1.5",
           "iopulse_worker_ops_total{op=\"read\",worker=\"0\"} 500",
           "iopulse_worker_ops_total{op=\"write\",worker=\"0\"} 10",
           "iopulse_worker_ops_total{op=\"sync\",worker=\"0\"} 3",
           "iopulse_worker_ops_total{op=\"read\",worker=\"1\"} 501",
           "iopulse_worker_bytes_total{op=\"read\",worker=\"1\"} 4096000",
           "iopulse_worker_errors_total{op=\"write\",worker=\"1\"} 2",
           "iopulse_worker_iops{op=\"read\",worker=\"0\"} 400",
           "iopulse_worker_bandwidth_bytes_per_second{op=\"read\",worker=\"0\"} 1638400",
           "iopulse_worker_interval_latency_seconds{op=\"read\",worker=\"1\",quantile=\"0.99\"} 0.001",
           "iopulse_worker_interval_latency_seconds_sum{op=\"sync\",worker=\"1\"} 0.003",
           "iopulse_worker_interval_latency_seconds_count{op=\"read\",worker=\"0\"} 1000",
           "# TYPE iopulse_worker_interval_latency_seconds summary",
           "# HELP iopulse_worker_ops_total IOs completed successfully since the measured window "
           "opened, per worker.",
       }) {
    EXPECT_NE(text.find(std::string("\n") + line + "\n"), std::string::npos) << line;
  }
}

TEST(PrometheusTextTest, EveryLineIsWellFormedAndEveryFamilyIsDeclared) {
  const auto families = parse_exposition(render_prometheus_text(with_workers()));
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"iopulse_run_info", "gauge"},
      {"iopulse_running", "gauge"},
      {"iopulse_elapsed_seconds", "gauge"},
      {"iopulse_ops_total", "counter"},
      {"iopulse_bytes_total", "counter"},
      {"iopulse_errors_total", "counter"},
      {"iopulse_iops", "gauge"},
      {"iopulse_bandwidth_bytes_per_second", "gauge"},
      {"iopulse_latency_seconds", "histogram"},
      {"iopulse_interval_latency_seconds", "summary"},
      {"iopulse_worker_ops_total", "counter"},
      {"iopulse_worker_bytes_total", "counter"},
      {"iopulse_worker_errors_total", "counter"},
      {"iopulse_worker_iops", "gauge"},
      {"iopulse_worker_bandwidth_bytes_per_second", "gauge"},
      {"iopulse_worker_interval_latency_seconds", "summary"},
  };
  ASSERT_EQ(families.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(families[i].name, expected[i].first);
    EXPECT_EQ(families[i].type, expected[i].second);
    if (families[i].type == "counter") {
      EXPECT_TRUE(families[i].name.ends_with("_total"));
    }
  }
  // 3 ops for the job; 3 ops x 2 workers per worker family; a summary has
  // 5 quantiles + sum + count per series.
  EXPECT_EQ(find_family(families, "iopulse_ops_total")->samples.size(), 3u);
  EXPECT_EQ(find_family(families, "iopulse_worker_ops_total")->samples.size(), 6u);
  EXPECT_EQ(find_family(families, "iopulse_interval_latency_seconds")->samples.size(), 3u * 7);
  EXPECT_EQ(find_family(families, "iopulse_worker_interval_latency_seconds")->samples.size(), 6u * 7);
  // A histogram has 30 bounds + Inf + sum + count per op.
  EXPECT_EQ(find_family(families, "iopulse_latency_seconds")->samples.size(), 3u * 33);
  for (const Family& f : families) {
    for (const Sample& s : f.samples) {
      if (f.name.starts_with("iopulse_worker_")) {
        EXPECT_TRUE(s.labels.count("worker")) << s.name;
      } else {
        EXPECT_FALSE(s.labels.count("worker")) << s.name;
      }
      if (f.name != "iopulse_running" && f.name != "iopulse_elapsed_seconds" && f.name != "iopulse_run_info") {
        EXPECT_TRUE(s.labels.count("op")) << s.name;
      }
    }
  }
  // sum() over the per-worker family is the work of those workers only:
  // the job total is not one of its series.
  double worker_reads = 0;
  for (const Sample& s : find_family(families, "iopulse_worker_ops_total")->samples) {
    if (s.labels.at("op") == "read") worker_reads += s.value;
  }
  EXPECT_EQ(worker_reads, 1001);
}

// With --io-priority the reads and writes come again by priority: three
// families after the job's, every sample labelled op and priority, each
// group's histogram its own.
TEST(PrometheusTextTest, PriorityFamiliesSplitReadsAndWritesByPriority) {
  MetricsSnapshot s = job_only();
  MetricsSnapshot::OpMetrics prio_reads = reads(), other_reads = reads(), prio_writes = writes(),
                             other_writes = writes();
  prio_reads.ops = prio_reads.latency_count = 300;
  other_reads.ops = other_reads.latency_count = 700;
  prio_writes.ops = prio_writes.latency_count = 4;
  other_writes.ops = other_writes.latency_count = 6;
  prio_reads.latency_buckets.fill(0);
  prio_reads.latency_buckets.back() = 300;
  s.priorities = {{"rt:3", prio_reads, prio_writes}, {"none", other_reads, other_writes}};
  const auto families = parse_exposition(render_prometheus_text(s));
  ASSERT_EQ(families.size(), 13u);
  EXPECT_EQ(families[10].name, "iopulse_priority_ops_total");
  EXPECT_EQ(families[10].type, "counter");
  EXPECT_EQ(families[11].name, "iopulse_priority_bytes_total");
  EXPECT_EQ(families[11].type, "counter");
  EXPECT_EQ(families[12].name, "iopulse_priority_latency_seconds");
  EXPECT_EQ(families[12].type, "histogram");
  std::map<std::string, double> ops;
  for (const Sample& x : families[10].samples) ops[x.labels.at("op") + " " + x.labels.at("priority")] = x.value;
  EXPECT_EQ(ops, (std::map<std::string, double>{
                     {"read rt:3", 300}, {"read none", 700}, {"write rt:3", 4}, {"write none", 6}}));
  // 30 bounds + Inf + sum + count for each of four series.
  EXPECT_EQ(families[12].samples.size(), 4u * 33);
  const std::string text = render_prometheus_text(s);
  EXPECT_NE(text.find("\niopulse_priority_latency_seconds_bucket{op=\"read\",priority=\"rt:3\",le=\"67.108864\"} 300\n"),
            std::string::npos);
  EXPECT_NE(text.find("\niopulse_priority_latency_seconds_count{op=\"write\",priority=\"none\"} 6\n"),
            std::string::npos);
  // Without --io-priority: none of them.
  EXPECT_EQ(render_prometheus_text(job_only()).find("iopulse_priority_"), std::string::npos);
}

TEST(PrometheusTextTest, EscapesLabelValues) {
  EXPECT_EQ(escape_prometheus_label_value("plain-0"), "plain-0");
  EXPECT_EQ(escape_prometheus_label_value("a\\b\"c\nd"), "a\\\\b\\\"c\\nd");

  MetricsSnapshot s;
  s.workers.push_back({"host \"a\"\\0\n", {}});
  const std::string text = render_prometheus_text(s);
  EXPECT_NE(text.find("iopulse_worker_ops_total{op=\"read\",worker=\"host \\\"a\\\"\\\\0\\n\"} 0\n"),
            std::string::npos)
      << text;
  const auto families = parse_exposition(text);
  const Family* f = find_family(families, "iopulse_worker_ops_total");
  ASSERT_NE(f, nullptr);
  ASSERT_FALSE(f->samples.empty());
  EXPECT_EQ(f->samples[0].labels.at("worker"), "host \"a\"\\0\n");  // reads back unchanged
}

TEST(PrometheusTextTest, RejectsDuplicateOrEmptyWorkerIds) {
  MetricsSnapshot s;
  s.workers.push_back({"0", {}});
  s.workers.push_back({"0", {}});
  EXPECT_THROW(render_prometheus_text(s), std::invalid_argument);
  s.workers[1].id = "";
  EXPECT_THROW(render_prometheus_text(s), std::invalid_argument);
  s.workers[1].id = "1";
  EXPECT_NO_THROW(render_prometheus_text(s));
}

TEST(PrometheusTextTest, ValuesUseReadableShortestText) {
  MetricsSnapshot s;
  s.elapsed_ns = 1;  // 1 ns
  s.job[OpKind::kRead]->bandwidth_bytes_per_second = 1e6;
  s.job[OpKind::kRead]->iops = 1.0 / 3;
  s.job[OpKind::kRead]->latency_sum_seconds = 1e20;
  s.job[OpKind::kRead]->latency_quantile_seconds = {0.000015, 1e-9, 123.456, 0, kNaN};
  s.job[OpKind::kWrite]->ops = std::numeric_limits<uint64_t>::max();
  const std::string text = render_prometheus_text(s);
  for (const char* line : {
           "iopulse_elapsed_seconds 0.000000001",
           "iopulse_bandwidth_bytes_per_second{op=\"read\"} 1000000",
           "iopulse_iops{op=\"read\"} 0.3333333333333333",
           "iopulse_latency_seconds_sum{op=\"read\"} 1e+20",
           "iopulse_interval_latency_seconds{op=\"read\",quantile=\"0.5\"} 0.000015",
           "iopulse_interval_latency_seconds{op=\"read\",quantile=\"0.9\"} 0.000000001",
           "iopulse_interval_latency_seconds{op=\"read\",quantile=\"0.99\"} 123.456",
           "iopulse_interval_latency_seconds{op=\"read\",quantile=\"0.999\"} 0",
           "iopulse_interval_latency_seconds{op=\"read\",quantile=\"0.9999\"} NaN",
           "iopulse_ops_total{op=\"write\"} 18446744073709551615",
       }) {
    EXPECT_NE(text.find(std::string("\n") + line + "\n"), std::string::npos) << line;
  }
  parse_exposition(text);
}

TEST(PrometheusTextTest, OpMetricsFromCumulativeAndIntervalStats) {
  OpStats cumulative;
  cumulative.ops = 3000;
  cumulative.bytes = 3000 * 4096;
  cumulative.errors = 4;
  for (int i = 0; i < 3000; ++i) cumulative.latency.record(100'000);  // 100 us
  OpStats interval;
  interval.ops = 1000;
  interval.bytes = 1000 * 4096;
  for (int i = 1; i <= 1000; ++i) interval.latency.record(static_cast<uint64_t>(i) * 1000);

  const auto m = MetricsSnapshot::OpMetrics::from(cumulative, interval, 0.5);
  EXPECT_EQ(m.ops, 3000u);
  EXPECT_EQ(m.bytes, 3000u * 4096);
  EXPECT_EQ(m.errors, 4u);
  EXPECT_EQ(m.latency_count, 3000u);
  EXPECT_DOUBLE_EQ(m.latency_sum_seconds, 0.3);
  EXPECT_DOUBLE_EQ(m.iops, 2000);
  EXPECT_DOUBLE_EQ(m.bandwidth_bytes_per_second, 2000.0 * 4096);
  // The interval's own percentiles (1 us .. 1 ms uniform), within the
  // histogram's 1%.
  EXPECT_NEAR(m.latency_quantile_seconds[0], 500e-6, 5e-6);
  EXPECT_NEAR(m.latency_quantile_seconds[1], 900e-6, 9e-6);
  EXPECT_NEAR(m.latency_quantile_seconds[2], 990e-6, 10e-6);
  EXPECT_EQ(m.latency_quantile_seconds[4], 1e-3);  // the top rank is max() exactly

  const auto idle = MetricsSnapshot::OpMetrics::from(cumulative, OpStats{}, 1.0);
  EXPECT_EQ(idle.iops, 0);
  for (double q : idle.latency_quantile_seconds) EXPECT_TRUE(std::isnan(q));
  const auto no_time = MetricsSnapshot::OpMetrics::from(cumulative, interval, 0);
  EXPECT_EQ(no_time.iops, 0);
  EXPECT_EQ(no_time.bandwidth_bytes_per_second, 0);
}

// Every bound starts a LatencyHistogram bucket, so the counts below it are
// exact, not estimated.
TEST(PrometheusTextTest, HistogramBoundsAreBucketBoundaries) {
  for (size_t i = 0; i < kLatencyBucketBounds.size(); ++i) {
    const uint64_t bound = kLatencyBucketBounds[i];
    EXPECT_EQ(LatencyHistogram::bucket_lower(LatencyHistogram::bucket_index(bound)), bound) << bound;
    EXPECT_EQ(bound, uint64_t{125} << i);
  }
  EXPECT_LT(kLatencyBucketBounds.back(), LatencyHistogram::kTrackableLimit);
}

TEST(PrometheusTextTest, HistogramCountsTheLatenciesBelowEachBound) {
  OpStats cumulative;
  // Just below, at and above three bounds (125 ns, 1 us, 1.024 ms), and one
  // beyond the last bound (only in +Inf).
  const uint64_t values[] = {124, 125, 126, 999, 1000, 1001, 1'023'999, 1'024'000, 1'024'001, 100'000'000'000};
  for (uint64_t v : values) cumulative.latency.record(v);
  cumulative.ops = std::size(values);
  const auto m = MetricsSnapshot::OpMetrics::from(cumulative, OpStats{}, 1.0);
  // Recount from the values themselves.
  for (size_t i = 0; i < kLatencyBucketBounds.size(); ++i) {
    uint64_t below = 0;
    for (uint64_t v : values) below += v < kLatencyBucketBounds[i];
    EXPECT_EQ(m.latency_buckets[i], below) << "le " << kLatencyBucketBounds[i];
  }
  EXPECT_EQ(m.latency_buckets[0], 1u);   // 124
  EXPECT_EQ(m.latency_buckets[3], 4u);   // < 1000: 124 125 126 999
  EXPECT_EQ(m.latency_count, std::size(values));
  // In the text: buckets never decrease and +Inf is the count.
  MetricsSnapshot s;
  s.job[OpKind::kRead] = m;
  const auto families = parse_exposition(render_prometheus_text(s));
  double last = 0;
  for (const Sample& sample : find_family(families, "iopulse_latency_seconds")->samples) {
    if (sample.name != "iopulse_latency_seconds_bucket" || sample.labels.at("op") != "read") continue;
    EXPECT_GE(sample.value, last);
    last = sample.value;
    if (sample.labels.at("le") == "+Inf") {
      EXPECT_EQ(sample.value, 10);
    }
  }
}

TEST(PrometheusTextTest, KindsAreExportedApartAndOnlyOnceTheyHappen) {
  OpStatsSet cumulative, interval;
  cumulative[OpKind::kRead].ops = 5;
  MetricsSnapshot s;
  s.job.set_from(cumulative, interval, 1.0);
  EXPECT_TRUE(s.job[OpKind::kRead].has_value());
  EXPECT_TRUE(s.job[OpKind::kWrite].has_value());  // zero, but there from the start
  EXPECT_FALSE(s.job[OpKind::kSync].has_value());
  std::string text = render_prometheus_text(s);
  EXPECT_EQ(text.find("op=\"sync\""), std::string::npos);
  cumulative[OpKind::kSync].ops = 2;
  s.job.set_from(cumulative, interval, 1.0);
  text = render_prometheus_text(s);
  EXPECT_NE(text.find("\niopulse_ops_total{op=\"sync\"} 2\n"), std::string::npos);
  // Syncs are not folded into the reads.
  EXPECT_NE(text.find("\niopulse_ops_total{op=\"read\"} 5\n"), std::string::npos);
}

}  // namespace
}  // namespace iopulse
