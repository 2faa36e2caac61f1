// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// The HTML report (report/html_report.h), its charts (report/svg_chart.h)
// and `iopulse report` (cli/report_command.h), on the sample result files in
// tests/fixtures/results/.
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/report_command.h"
#include "report/html_report.h"
#include "report/html_text.h"
#include "report/result_document.h"
#include "report/svg_chart.h"
#include "report/units.h"

namespace iopulse {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

fs::path fixture_dir() {
  return fs::path(IOPULSE_SOURCE_DIR) / "tests" / "fixtures" / "results";
}

std::string fixture_path(const std::string& name) { return (fixture_dir() / name).string(); }

json fixture(const std::string& name) {
  std::ifstream in(fixture_path(name));
  EXPECT_TRUE(in.good()) << "cannot open fixture " << name;
  return json::parse(in);
}

size_t count(const std::string& haystack, const std::string& needle) {
  size_t n = 0;
  for (size_t pos = haystack.find(needle); pos != std::string::npos;
       pos = haystack.find(needle, pos + needle.size())) {
    ++n;
  }
  return n;
}

// The <svg> element with id `id`, or "" when the page has none.
std::string svg_by_id(const std::string& page, const std::string& id) {
  const size_t start = page.find("<svg class=\"chart\" id=\"" + id + "\"");
  if (start == std::string::npos) return "";
  const size_t end = page.find("</svg>", start);
  return page.substr(start, end - start + 6);
}

// The <section id="NAME"> ... </section> of the page.
std::string section(const std::string& page, const std::string& name) {
  const size_t start = page.find("<section id=\"" + name + "\">");
  if (start == std::string::npos) return "";
  return page.substr(start, page.find("</section>", start) - start);
}

// The latency text the report uses: units.h with a micro sign.
std::string latency_text(double ns) {
  std::string text = format_latency_ns(ns);
  if (text.ends_with(" us")) text.replace(text.size() - 2, 2, "\xC2\xB5s");
  return text;
}

std::string compare_page() {
  return render_html_report({fixture("io_uring_randrw.json"), fixture("sync_randrw.json")},
                            {"io_uring", "sync"});
}

// ---------------------------------------------------------------- the page

TEST(HtmlReport, IsOneSelfContainedDocument) {
  const std::string page = compare_page();
  EXPECT_TRUE(page.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
  EXPECT_TRUE(page.ends_with("</html>\n"));
  EXPECT_EQ(count(page, "<html"), 1u);
  EXPECT_EQ(count(page, "</html>"), 1u);
  EXPECT_EQ(page.find("http://"), std::string::npos);
  EXPECT_EQ(page.find("https://"), std::string::npos);
  EXPECT_EQ(page.find("xmlns"), std::string::npos);  // inline SVG in HTML5 needs none
  EXPECT_EQ(page.find(" src="), std::string::npos);
  EXPECT_EQ(page.find(" href="), std::string::npos);
  EXPECT_EQ(page.find("@import"), std::string::npos);
  // The only url() references are the charts' own clip paths.
  EXPECT_EQ(count(page, "url("), count(page, "url(#"));
  EXPECT_EQ(count(page, "<script>"), 1u);  // the tooltip, nothing else
}

TEST(HtmlReport, HeaderNamesVersionDateAndEngines) {
  const std::string page = compare_page();
  const std::string head = page.substr(0, page.find("</header>"));
  EXPECT_NE(head.find("IOPulse 0.1.0"), std::string::npos);
  EXPECT_NE(head.find("2024-05-14T09:21:07Z"), std::string::npos);
  EXPECT_NE(head.find("io_uring 1.0.0"), std::string::npos);
  EXPECT_NE(head.find("sync 1.0.0"), std::string::npos);
  EXPECT_NE(head.find("<title>IOPulse report</title>"), std::string::npos);

  HtmlReportOptions options;
  options.title = "NVMe <lab> run";
  const std::string titled = render_html_report({fixture("io_uring_randrw.json")}, {}, options);
  EXPECT_NE(titled.find("<title>NVMe &lt;lab&gt; run</title>"), std::string::npos);
  EXPECT_NE(titled.find("<h1>NVMe &lt;lab&gt; run</h1>"), std::string::npos);
}

TEST(HtmlReport, OneSvgPerChart) {
  const std::string page = compare_page();
  for (const char* id : {"chart-iops", "chart-bandwidth", "chart-latency-read",
                         "chart-latency-write", "chart-histogram"}) {
    EXPECT_EQ(count(page, std::string("id=\"") + id + "\""), 1u) << id;
  }
  EXPECT_EQ(count(page, "<svg"), 5u);
  EXPECT_EQ(count(page, "</svg>"), 5u);

  const std::string heat = render_html_report({fixture("io_uring_zipf_heatmap.json")}, {});
  EXPECT_EQ(count(heat, "<svg"), 6u);
  EXPECT_FALSE(svg_by_id(heat, "chart-heatmap-0").empty());
}

TEST(HtmlReport, SeriesCountIsResultsTimesOps) {
  const std::string page = compare_page();
  // 2 results x (read, write)
  EXPECT_EQ(count(svg_by_id(page, "chart-iops"), "class=\"series\""), 4u);
  EXPECT_EQ(count(svg_by_id(page, "chart-bandwidth"), "class=\"series\""), 4u);
  EXPECT_EQ(count(svg_by_id(page, "chart-histogram"), "class=\"series\""), 4u);
  // 2 results x (p50, p99, p99.9) per op kind
  EXPECT_EQ(count(svg_by_id(page, "chart-latency-read"), "class=\"series\""), 6u);
  EXPECT_EQ(count(svg_by_id(page, "chart-latency-write"), "class=\"series\""), 6u);
  for (const char* label : {"io_uring read", "io_uring write", "sync read", "sync write"}) {
    EXPECT_NE(svg_by_id(page, "chart-iops").find(std::string("data-series=\"") + label + "\""),
              std::string::npos)
        << label;
  }

  // Three results: three more series in each; a read-only result adds one.
  const std::string three = render_html_report(
      {fixture("io_uring_randrw.json"), fixture("sync_randrw.json"),
       fixture("io_uring_zipf_heatmap.json")},
      {});
  EXPECT_EQ(count(svg_by_id(three, "chart-iops"), "class=\"series\""), 6u);
  EXPECT_EQ(count(svg_by_id(three, "chart-latency-read"), "class=\"series\""), 9u);
  const std::string with_read_only = render_html_report(
      {fixture("io_uring_randrw.json"), fixture("sync_seqread_no_timeseries.json")}, {});
  EXPECT_EQ(count(svg_by_id(with_read_only, "chart-histogram"), "class=\"series\""), 3u);
}

TEST(HtmlReport, EverySeriesIsDrawn) {
  const std::string page = compare_page();
  for (const char* id : {"chart-iops", "chart-latency-read", "chart-histogram"}) {
    const std::string svg = svg_by_id(page, id);
    for (size_t pos = svg.find("class=\"series\""); pos != std::string::npos;
         pos = svg.find("class=\"series\"", pos + 1)) {
      const size_t d = svg.find(" d=\"", pos);
      ASSERT_NE(d, std::string::npos);
      EXPECT_EQ(svg[d + 4], 'M') << id << ": a series with an empty path";
    }
  }
  // 30 intervals: 29 segments in every line of the IOPS chart.
  const std::string iops = svg_by_id(page, "chart-iops");
  const size_t first = iops.find("class=\"series\"");
  const std::string path = iops.substr(first, iops.find("/>", first) - first);
  EXPECT_EQ(count(path, "L"), 29u);
}

TEST(HtmlReport, EscapesEveryTextFromTheFile) {
  json evil = fixture("io_uring_randrw.json");
  evil["engine"]["name"] = "<script>alert(1)</script>";
  evil["engine"]["version"] = "\"><img src=x onerror=alert(2)>";
  evil["config"]["target"] = "</td><script>alert(3)</script>";
  evil["config"]["<b>key</b>"] = "x";
  evil["errors"] = {"<iframe>"};
  evil["started_at"] = "<style>*{display:none}</style>";
  const std::string page = render_html_report({evil}, {"<i>label</i>"});
  EXPECT_EQ(page.find("<script>alert"), std::string::npos);
  EXPECT_EQ(page.find("<img"), std::string::npos);
  EXPECT_EQ(page.find("<iframe"), std::string::npos);
  EXPECT_EQ(page.find("<b>key"), std::string::npos);
  EXPECT_EQ(page.find("<i>label"), std::string::npos);
  EXPECT_EQ(page.find("<style>*"), std::string::npos);
  EXPECT_NE(page.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(page.find("&quot;&gt;&lt;img src=x"), std::string::npos);
  EXPECT_NE(page.find("&lt;i&gt;label&lt;/i&gt;"), std::string::npos);
  EXPECT_EQ(count(page, "<script>"), 1u);
}

TEST(HtmlReport, SummaryNumbersMatchTheJson) {
  const json uring = fixture("io_uring_randrw.json");
  const json sync = fixture("sync_randrw.json");
  const std::string summary = section(compare_page(), "summary");
  ASSERT_FALSE(summary.empty());
  for (const json* doc : {&uring, &sync}) {
    for (const char* op : {"read", "write", "total"}) {
      const json& o = (*doc)[op];
      SCOPED_TRACE(std::string((*doc)["engine"]["name"]) + " " + op);
      EXPECT_NE(summary.find(">" + format_grouped(o["ops"].get<uint64_t>()) + "<"), std::string::npos);
      EXPECT_NE(summary.find(">" + format_iops(o["iops"].get<double>())), std::string::npos);
      EXPECT_NE(summary.find(fmt::format("title=\"{:.2f} IOs/s\"", o["iops"].get<double>())),
                std::string::npos);
      EXPECT_NE(summary.find(">" + format_bandwidth(o["bw_bytes_per_sec"].get<double>())),
                std::string::npos);
      const json& lat = o["latency_ns"];
      EXPECT_NE(summary.find(">" + latency_text(lat["min"].get<double>())), std::string::npos);
      EXPECT_NE(summary.find(">" + latency_text(lat["mean"].get<double>())), std::string::npos);
      EXPECT_NE(summary.find(">" + latency_text(lat["max"].get<double>())), std::string::npos);
      for (const char* p : {"50", "99", "99.9", "99.99"}) {
        const double v = lat["percentiles"][p].get<double>();
        EXPECT_NE(summary.find(">" + latency_text(v)), std::string::npos) << "p" << p;
        EXPECT_NE(summary.find(std::to_string(static_cast<uint64_t>(v)) + " ns"), std::string::npos)
            << "p" << p;
      }
    }
  }
  // The second result shows its change against the first: reads at 43.9k
  // against 126k IOPS is 65% fewer.
  EXPECT_NE(summary.find("class=\"delta worse\">\xE2\x88\x92" "65%"), std::string::npos);
}

TEST(HtmlReport, ResultWithoutTimeSeriesGetsANoteInsteadOfCharts) {
  const std::string page = render_html_report({fixture("sync_seqread_no_timeseries.json")}, {});
  EXPECT_NE(page.find("No time series in this result"), std::string::npos);
  EXPECT_TRUE(svg_by_id(page, "chart-iops").empty());
  EXPECT_TRUE(svg_by_id(page, "chart-latency-read").empty());
  EXPECT_EQ(count(page, "<svg"), 1u);  // the latency distribution still works
  EXPECT_EQ(count(svg_by_id(page, "chart-histogram"), "class=\"series\""), 1u);
  // Old files have cpu only: the resource table derives what it can.
  const std::string resources = section(page, "resources");
  EXPECT_NE(resources.find("3.37 s"), std::string::npos);
  EXPECT_EQ(resources.find("context switches"), std::string::npos);

  // Next to a result with a time series, only the old one is missing.
  const std::string mixed = render_html_report(
      {fixture("io_uring_randrw.json"), fixture("sync_seqread_no_timeseries.json")}, {"new", "old"});
  EXPECT_EQ(count(svg_by_id(mixed, "chart-iops"), "class=\"series\""), 2u);
  EXPECT_NE(mixed.find("No time series in: old."), std::string::npos);
}

// A window too short for a share of a core (stats/resource_usage.h) shows
// none, whether the file says so (null) or, being older, gives only the
// CPU times: the row is left out when no result has a share.
TEST(HtmlReport, AWindowUnder100MsShowsNoCpuUtilisation) {
  const auto resources = [](const json& doc) { return section(render_html_report({doc}, {}), "resources"); };
  json doc = fixture("io_uring_randrw.json");
  EXPECT_NE(resources(doc).find("CPU utilisation (100% = one core)</td><td title=\"170.4\">"), std::string::npos)
      << resources(doc);
  doc["window_ns"] = 70000;
  doc["resources"]["cpu_util_percent"] = nullptr;
  EXPECT_EQ(resources(doc).find("CPU utilisation"), std::string::npos) << resources(doc);
  doc.erase("resources");
  doc["cpu"] = {{"user_s", 0.001}, {"system_s", 0.002}};
  EXPECT_NE(resources(doc).find("CPU user"), std::string::npos) << resources(doc);
  EXPECT_EQ(resources(doc).find("CPU utilisation"), std::string::npos) << resources(doc);
}

TEST(HtmlReport, HeatmapShowsReadsAndWritesPerRegion) {
  const json doc = fixture("io_uring_zipf_heatmap.json");
  const std::string page = render_html_report({doc}, {"zipf"});
  const std::string svg = svg_by_id(page, "chart-heatmap-0");
  EXPECT_EQ(count(svg, "class=\"series\""), 2u);
  EXPECT_EQ(count(svg, "data-tip="), 100u);  // one hover band per region
  const std::vector<uint64_t> reads = doc["heatmap"]["reads"];
  EXPECT_NE(svg.find("reads: " + format_grouped(reads[0])), std::string::npos);
  EXPECT_NE(page.find("<b>83%</b> of the blocks touched"), std::string::npos);
  EXPECT_NE(page.find("<b>61%</b> of the IOs in the hottest 20%"), std::string::npos);
  // No heatmap in the file: no heatmap chart.
  EXPECT_EQ(compare_page().find("chart-heatmap"), std::string::npos);
}

TEST(HtmlReport, ConfigDifferencesAreHighlighted) {
  const std::string config = section(compare_page(), "config");
  auto row_of = [&config](const std::string& key) {
    const size_t at = config.find("<td>" + key);
    if (at == std::string::npos) return std::string();
    const size_t start = config.rfind("<tr", at);
    return config.substr(start, config.find("</tr>", at) - start);
  };
  EXPECT_NE(row_of("engine<").find("class=\"diff\""), std::string::npos);
  EXPECT_NE(row_of("queue_depth_used").find("class=\"diff\""), std::string::npos);
  EXPECT_NE(row_of("engine_options.sqpoll").find("class=\"diff\""), std::string::npos);
  EXPECT_EQ(row_of("block_size").find("class=\"diff\""), std::string::npos);
  EXPECT_NE(row_of("block_size").find("4096 (4.00 KiB)"), std::string::npos);
  EXPECT_NE(row_of("duration_ns").find("(30.00 s)"), std::string::npos);
  EXPECT_EQ(count(config, "class=\"diff\""), 4u);  // engine, 2 engine options, queue_depth_used
}

TEST(HtmlReport, LabelsDefaultToEnginesAndAreMadeUnique) {
  const json uring = fixture("io_uring_randrw.json");
  const json sync = fixture("sync_randrw.json");
  const std::string by_engine = render_html_report({uring, sync}, {});
  EXPECT_NE(by_engine.find("data-series=\"io_uring read\""), std::string::npos);
  EXPECT_NE(by_engine.find("data-series=\"sync read\""), std::string::npos);
  const std::string same_engine = render_html_report({uring, uring}, {});
  EXPECT_NE(same_engine.find("data-series=\"run 1 read\""), std::string::npos);
  EXPECT_NE(same_engine.find("data-series=\"run 2 read\""), std::string::npos);
  const std::string same_label = render_html_report({uring, sync}, {"a", "a"});
  EXPECT_NE(same_label.find("data-series=\"a (2) read\""), std::string::npos);

  EXPECT_THROW(render_html_report({}, {}), std::invalid_argument);
  EXPECT_THROW(render_html_report({uring, sync}, {"only one"}), std::invalid_argument);
}

TEST(HtmlReport, ToleratesMissingAndMistypedMembers) {
  const std::vector<json> odd = {
      json::parse(R"({"schema_version": 1})"),
      json::parse(R"({"schema_version": 1, "read": "x", "timeseries": [1, "two", null],
                      "heatmap": {"buckets": "many"}, "config": [1, 2], "engine": 5})"),
      json::parse(R"({"schema_version": 1,
                      "read": {"ops": -3, "latency_ns": {"histogram": [[1, 0, 5], ["a"]]}},
                      "timeseries": [{"index": 0, "start_ns": 5, "end_ns": 1}]})"),
      json::parse(R"([1, 2])"),
  };
  for (const json& doc : odd) {
    std::string page;
    EXPECT_NO_THROW(page = render_html_report({doc}, {})) << doc.dump();
    EXPECT_TRUE(page.ends_with("</html>\n"));
  }
  // A histogram of one bucket and a single interval still draw.
  json tiny = fixture("sync_seqread_no_timeseries.json");
  tiny["read"]["latency_ns"]["histogram"] = {{1000, 1008, 3}};
  tiny["timeseries"] = {fixture("io_uring_randrw.json")["timeseries"][0]};
  const std::string page = render_html_report({tiny}, {});
  EXPECT_EQ(count(svg_by_id(page, "chart-histogram"), "class=\"series\""), 1u);
  EXPECT_FALSE(svg_by_id(page, "chart-iops").empty());
}

// ---------------------------------------------------------------- reading results

TEST(ResultDocument, ReadsTheExtendedMembers) {
  const ResultDocument doc = read_result_document(fixture("io_uring_zipf_heatmap.json"));
  EXPECT_EQ(doc.schema_version, 1);
  EXPECT_EQ(doc.engine_name, "io_uring");
  EXPECT_EQ(doc.stats_interval_ns, 1'000'000'000u);
  ASSERT_EQ(doc.timeseries.size(), 20u);
  uint64_t ops = 0;
  for (const ResultInterval& iv : doc.timeseries) ops += iv.read.ops;
  EXPECT_EQ(ops, doc.read.ops);
  EXPECT_TRUE(doc.timeseries[3].read.latency.percentile("99.9").has_value());
  EXPECT_TRUE(doc.read.latency.percentile("99.99").has_value());
  ASSERT_TRUE(doc.heatmap.has_value());
  EXPECT_EQ(doc.heatmap->reads.size(), 100u);
  EXPECT_DOUBLE_EQ(doc.heatmap->coverage.value_or(0), 0.83);
  EXPECT_TRUE(doc.resources.ctx_switches_voluntary.has_value());
  uint64_t hist = 0;
  for (const HistogramBucket& b : doc.read.latency.histogram) hist += b.count;
  EXPECT_EQ(hist, doc.read.ops);

  EXPECT_FALSE(read_result_document(json{{"iopulse_version", "0.1.0"}}).schema_version.has_value());
}

// ---------------------------------------------------------------- chart pieces

TEST(SvgChart, LinearAxesUseNiceSteps) {
  ChartAxis iops;
  iops.format = AxisFormat::kIops;
  AxisLayout y = layout_axis(iops, 0, 137'000, 4, true);
  EXPECT_EQ(y.lo, 0);
  EXPECT_EQ(y.hi, 150'000);
  std::vector<std::string> labels;
  for (const AxisTick& t : y.ticks) labels.push_back(t.label);
  EXPECT_EQ(labels, (std::vector<std::string>{"0", "50k", "100k", "150k"}));

  ChartAxis time;
  time.format = AxisFormat::kSeconds;
  time.min = 0;
  time.max = 30.0004;
  const AxisLayout x = layout_axis(time, 0, 30, 7, false);
  EXPECT_EQ(x.hi, 30.0004);  // a time axis ends where the data ends
  ASSERT_EQ(x.ticks.size(), 7u);
  EXPECT_EQ(x.ticks[1].label, "5");
  EXPECT_EQ(x.ticks.back().label, "30");

  ChartAxis bytes;
  bytes.format = AxisFormat::kBytes;
  const AxisLayout b = layout_axis(bytes, 0, 8.0 * (1 << 30), 16, true);
  EXPECT_EQ(b.ticks[1].label, "0.5 GiB");  // one unit along the axis
  EXPECT_EQ(b.ticks.back().label, "8 GiB");
}

TEST(SvgChart, LogAxesUseDecades) {
  ChartAxis latency;
  latency.format = AxisFormat::kLatency;
  latency.scale = AxisScale::kLog;
  const AxisLayout y = layout_axis(latency, 20'000, 11'000'000, 6, true);
  EXPECT_EQ(y.lo, 10'000);
  EXPECT_EQ(y.hi, 100'000'000);
  std::vector<std::string> labels;
  for (const AxisTick& t : y.ticks) {
    if (!t.label.empty()) labels.push_back(t.label);
  }
  EXPECT_EQ(labels, (std::vector<std::string>{"10 \xC2\xB5s", "100 \xC2\xB5s", "1 ms", "10 ms", "100 ms"}));
  // A short range also labels 2 and 5.
  const AxisLayout narrow = layout_axis(latency, 25'000, 60'000, 8, true);
  EXPECT_EQ(narrow.ticks[1].label, "20 \xC2\xB5s");
  EXPECT_EQ(narrow.ticks[4].label, "50 \xC2\xB5s");
}

TEST(SvgChart, FormatsTickValuesWithUnits) {
  EXPECT_EQ(format_axis_value(AxisFormat::kLatency, 1e6), "1 ms");
  EXPECT_EQ(format_axis_value(AxisFormat::kLatency, 500'000), "500 \xC2\xB5s");
  EXPECT_EQ(format_axis_value(AxisFormat::kBandwidth, 400.0 * 1024 * 1024), "400 MiB/s");
  EXPECT_EQ(format_axis_value(AxisFormat::kIops, 2.5e6), "2.5M");
  EXPECT_EQ(format_axis_value(AxisFormat::kPercent, 0.001), "0.001%");
  EXPECT_EQ(format_axis_value(AxisFormat::kPercent, 10), "10%");
  EXPECT_EQ(format_axis_value(AxisFormat::kBytes, 0), "0");
}

TEST(SvgChart, DrawsSeriesLegendAndHoverBands) {
  ChartAxis x;
  ChartAxis y;
  y.title = "IOPS";
  SvgChart chart(ChartKind::kLines, x, y);
  chart.add_series({"a <read>", "#1f5fa8", LineDash::kSolid, {{0, 1}, {1, 2}, {2, std::nan("")}, {3, 4}}, {}, false});
  chart.add_series({"b", "#e8590c", LineDash::kDashed, {{0, 2}, {3, 1}}, {}, false});
  chart.add_hover(0, 1, "first\nsecond");
  const std::string svg = chart.to_svg("t1", "test chart");
  EXPECT_TRUE(svg.starts_with("<svg class=\"chart\" id=\"t1\""));
  EXPECT_EQ(count(svg, "class=\"series\""), 2u);
  EXPECT_NE(svg.find("data-series=\"a &lt;read&gt;\""), std::string::npos);
  EXPECT_NE(svg.find(">a &lt;read&gt;</text>"), std::string::npos);  // legend
  EXPECT_NE(svg.find("stroke-dasharray"), std::string::npos);
  EXPECT_NE(svg.find("data-tip=\"first\nsecond\""), std::string::npos);
  EXPECT_NE(svg.find("clip-path=\"url(#t1-plot)\""), std::string::npos);
  // The NaN breaks the first line into two pieces.
  const size_t first = svg.find("class=\"series\"");
  const std::string path = svg.substr(first, svg.find("/>", first) - first);
  EXPECT_EQ(count(path, "M"), 2u);
}

TEST(HtmlText, EscapesAndFormats) {
  EXPECT_EQ(html_escape("<a href='x'>&\"</a>"), "&lt;a href=&#39;x&#39;&gt;&amp;&quot;&lt;/a&gt;");
  EXPECT_EQ(html_escape(std::string("a\x01" "b", 3)), "a\xEF\xBF\xBD" "b");
  EXPECT_EQ(trim_decimal_zeros("1.00 ms"), "1 ms");
  EXPECT_EQ(trim_decimal_zeros("2.50 GiB/s"), "2.5 GiB/s");
  EXPECT_EQ(trim_decimal_zeros("120k"), "120k");
  EXPECT_EQ(trim_decimal_zeros("100"), "100");
  EXPECT_EQ(format_grouped(0), "0");
  EXPECT_EQ(format_grouped(999), "999");
  EXPECT_EQ(format_grouped(5'383'308), "5,383,308");
}

// ---------------------------------------------------------------- iopulse report

class ReportCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("iopulse-html-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ignored;
    fs::permissions(dir_, fs::perms::owner_all, fs::perm_options::add, ignored);
    fs::remove_all(dir_, ignored);
  }

  struct Outcome {
    int code;
    std::string out;
    std::string err;
  };
  Outcome run(std::vector<std::string> args) {
    args.insert(args.begin(), "report");
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::testing::internal::CaptureStdout();
    ::testing::internal::CaptureStderr();
    const int code = run_report_command(static_cast<int>(args.size()), argv.data());
    std::string out = ::testing::internal::GetCapturedStdout();
    std::string err = ::testing::internal::GetCapturedStderr();
    return {code, out, err};
  }
  std::string file(const std::string& name) const { return (dir_ / name).string(); }
  void write(const std::string& name, const std::string& text) const {
    std::ofstream(dir_ / name) << text;
  }

  fs::path dir_;
};

TEST_F(ReportCommand, WritesTheComparisonAndPrintsItsPath) {
  const std::string out = file("report.html");
  const Outcome r = run({fixture_path("io_uring_randrw.json"), fixture_path("sync_randrw.json"),
                         "-o", out, "--title", "engines"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, out + "\n");
  EXPECT_EQ(r.err, "");
  EXPECT_FALSE(fs::exists(out + ".tmp"));
  std::ifstream in(out);
  std::stringstream page;
  page << in.rdbuf();
  EXPECT_NE(page.str().find("<h1>engines</h1>"), std::string::npos);
  // Labels are the file names.
  EXPECT_NE(page.str().find("data-series=\"io_uring_randrw read\""), std::string::npos);
  EXPECT_NE(page.str().find("data-series=\"sync_randrw read\""), std::string::npos);
}

TEST_F(ReportCommand, LabelsNameTheResultsInOrder) {
  const Outcome r = run({fixture_path("io_uring_randrw.json"), fixture_path("sync_randrw.json"),
                         "--label", "fast", "--label", "slow", "-o", file("r.html")});
  ASSERT_EQ(r.code, 0) << r.err;
  std::ifstream in(file("r.html"));
  std::stringstream page;
  page << in.rdbuf();
  EXPECT_NE(page.str().find("data-series=\"fast read\""), std::string::npos);
  EXPECT_NE(page.str().find("data-series=\"slow write\""), std::string::npos);
}

TEST_F(ReportCommand, HelpPrintsUsage) {
  const Outcome r = run({"--help"});
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("Usage: iopulse report RESULTS.json"), std::string::npos);
}

TEST_F(ReportCommand, EveryProblemIsOneLineAndExitCode2) {
  write("not.json", "this is { not json");
  write("other.json", "{\"name\": \"something else\"}");
  write("list.json", "[1, 2, 3]");
  const std::string good = fixture_path("sync_randrw.json");
  struct Case {
    std::vector<std::string> args;
    std::string expect;
  };
  const std::vector<Case> cases = {
      {{file("missing.json"), "-o", file("o.html")}, "cannot read '" + file("missing.json") + "': No such file or directory"},
      {{file("not.json"), "-o", file("o.html")}, "'" + file("not.json") + "' is not JSON: parse error at line 1"},
      {{file("other.json"), "-o", file("o.html")}, "is neither an IOPulse result file (no schema_version"},
      {{file("list.json"), "-o", file("o.html")}, "is neither an IOPulse result file"},
      {{dir_.string(), "-o", file("o.html")}, "cannot read '" + dir_.string() + "': Is a directory"},
      {{"/dev/zero", "-o", file("o.html")}, "cannot read '/dev/zero': a device; accepted: a result file (JSON)"},
      {{good}, "missing -o OUT.html"},
      {{"-o", file("o.html")}, "missing RESULTS.json"},
      {{good, "-o", file("no/such/dir/o.html")}, "cannot write '" + file("no/such/dir/o.html") + "'"},
      {{good, "-o", good}, "is one of the result files"},
      {{good, "--label", "a", "--label", "b", "-o", file("o.html")}, "--label: 2 label(s) for 1 result file(s)"},
      {{good, "-o", file("o.html"), "--colour", "red"}, "unrecognised option '--colour'"},
  };
  for (const Case& c : cases) {
    const Outcome r = run(c.args);
    SCOPED_TRACE(c.args.front());
    EXPECT_EQ(r.code, 2);
    EXPECT_TRUE(r.err.starts_with("iopulse: error: ")) << r.err;
    EXPECT_NE(r.err.find(c.expect), std::string::npos) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_EQ(r.out, "");
  }
  EXPECT_FALSE(fs::exists(file("o.html")));
  EXPECT_FALSE(fs::exists(file("o.html.tmp")));
}

TEST_F(ReportCommand, UnwritableOutputLeavesNothingBehind) {
  if (::geteuid() == 0) {
    // root writes anywhere; a path below a regular file fails for everyone.
    write("plain", "x");
    const Outcome r = run({fixture_path("sync_randrw.json"), "-o", file("plain/o.html")});
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find("Not a directory"), std::string::npos) << r.err;
    return;
  }
  fs::create_directories(dir_ / "ro");
  fs::permissions(dir_ / "ro", fs::perms::owner_read | fs::perms::owner_exec);
  const Outcome r = run({fixture_path("sync_randrw.json"), "-o", file("ro/o.html")});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("Permission denied"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir_ / "ro" / "o.html.tmp"));
}

}  // namespace
}  // namespace iopulse
