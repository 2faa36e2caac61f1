// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "report/html_report.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <functional>
#include <iterator>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>

#include <fmt/format.h>

#include "iopulse/version.h"
#include "report/html_text.h"
#include "report/result_document.h"
#include "report/svg_chart.h"
#include "report/units.h"
#include "stats/resource_usage.h"

namespace iopulse {
namespace {

using nlohmann::json;
using Out = std::back_insert_iterator<std::string>;

constexpr ResultOp kDataOps[] = {ResultOp::kRead, ResultOp::kWrite};
constexpr double kNsPerSecond = 1e9;

// ------------------------------------------------------------------ colors

// One hue per result: a strong shade for reads, a lighter one for writes.
struct ResultColors {
  const char* read;
  const char* write;
};
constexpr ResultColors kPalette[] = {
    {"#1f5fa8", "#5e9ddb"},  // blue
    {"#e8590c", "#f59f57"},  // orange
    {"#2b8a3e", "#7cc68a"},  // green
    {"#7048e8", "#b19cf5"},  // violet
    {"#c2255c", "#ef8fb1"},  // raspberry
    {"#0b7285", "#5fbccb"},  // teal
};

// ------------------------------------------------------------------ model

struct Run {
  std::string label;
  ResultDocument doc;
  size_t index = 0;
  size_t count = 1;  // results in the report

  std::string color(ResultOp op) const {
    if (count == 1) return op == ResultOp::kWrite ? kPalette[1].read : kPalette[0].read;
    const ResultColors& c = kPalette[index % std::size(kPalette)];
    return op == ResultOp::kWrite ? c.write : c.read;
  }
  std::string swatch_color() const { return color(ResultOp::kRead); }
  bool has_timeseries() const { return !doc.timeseries.empty(); }
};

// Metadata kinds' colors, none of them a data kind's (kPalette): a result
// of several kinds draws each in its own; several results interleave them.
constexpr const char* kMetadataPalette[] = {"#364fc7", "#d9480f", "#5c940d", "#862e9c", "#a61e4d",
                                            "#1098ad", "#e67700", "#495057", "#9c36b5", "#087f5b"};

// One op kind a chart draws: a data kind, or a metadata kind by its name
// in the results ("create", "stat", ...).
struct ChartOp {
  ResultOp data = ResultOp::kRead;
  std::string meta;  // empty: `data`
  size_t meta_index = 0;  // its place among the run's metadata kinds (its color)

  std::string name() const { return meta.empty() ? std::string(result_op_name(data)) : meta; }
  // Its whole-window counters in `doc`.
  const OpSummary& of(const ResultDocument& doc) const {
    if (meta.empty()) return doc.op(data);
    for (const auto& [kind, op] : doc.metadata) {
      if (kind == meta) return op;
    }
    static const OpSummary kNone;
    return kNone;
  }
  // Its counters in one interval (none in it: zero).
  const OpSummary& of(const ResultInterval& iv) const {
    if (meta.empty()) return iv.op(data);
    static const OpSummary kNone;
    const OpSummary* op = iv.metadata_op(meta);
    return op != nullptr ? *op : kNone;
  }
  std::string color(const Run& run) const {
    if (meta.empty()) return run.color(data);
    return kMetadataPalette[(meta_index * run.count + run.index) % std::size(kMetadataPalette)];
  }
  // For an element id: the name's letters, digits, '_' and '-' only (a
  // result file's metadata keys are not trusted).
  std::string id() const {
    std::string out = name();
    for (char& c : out) {
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-') c = '-';
    }
    return out;
  }
};

// The kinds of `run` that had operations: reads and writes, then its
// metadata kinds in the results' order.
std::vector<ChartOp> chart_ops(const Run& run) {
  std::vector<ChartOp> out;
  for (const ResultOp kind : kDataOps) {
    if (run.doc.op(kind).active()) out.push_back({kind, "", 0});
  }
  for (size_t i = 0; i < run.doc.metadata.size(); ++i) {
    if (run.doc.metadata[i].second.active()) out.push_back({ResultOp::kRead, run.doc.metadata[i].first, i});
  }
  return out;
}

std::vector<std::string> unique_labels(const std::vector<ResultDocument>& docs,
                                       const std::vector<std::string>& given) {
  std::vector<std::string> labels = given;
  if (labels.empty()) {
    std::map<std::string, int> engines;
    for (const ResultDocument& d : docs) ++engines[d.engine_name];
    for (size_t i = 0; i < docs.size(); ++i) {
      const std::string& engine = docs[i].engine_name;
      labels.push_back(!engine.empty() && engines[engine] == 1 ? engine
                                                               : fmt::format("run {}", i + 1));
    }
  }
  std::map<std::string, int> seen;
  for (std::string& label : labels) {
    if (label.empty()) label = "run";
    const int n = ++seen[label];
    if (n > 1) label += fmt::format(" ({})", n);
  }
  return labels;
}

// ------------------------------------------------------------------ text

std::string latency_text(double ns) {
  std::string text = format_latency_ns(ns);
  if (text.ends_with(" us")) text.replace(text.size() - 2, 2, "\xC2\xB5s");
  return text;
}

std::string percent_text(double value) {
  return trim_decimal_zeros(fmt::format("{:.{}f}", value, std::abs(value) < 10 ? 1 : 0)) + "%";
}

std::string seconds_text(double ns) {
  return trim_decimal_zeros(fmt::format("{:.3f}", ns / kNsPerSecond)) + " s";
}

std::string join(const std::vector<std::string>& parts, std::string_view separator) {
  std::string out;
  for (const std::string& p : parts) {
    if (!out.empty()) out += separator;
    out += p;
  }
  return out;
}

std::string engine_text(const ResultDocument& doc) {
  std::string text = doc.engine_name.empty() ? std::string("unknown engine") : doc.engine_name;
  if (!doc.engine_version.empty()) text += " " + doc.engine_version;
  return text;
}

// A table cell: `shown` (already HTML) with the exact value as tooltip.
std::string cell(const std::string& shown_html, const std::string& exact = "",
                 const std::string& extra_class = "") {
  std::string out = "<td";
  if (!extra_class.empty()) out += " class=\"" + extra_class + "\"";
  if (!exact.empty()) out += " title=\"" + html_escape(exact) + "\"";
  return out + ">" + shown_html + "</td>";
}

// The change of `value` against `base`, coloured by whether it is better.
std::string delta_html(double value, double base, bool higher_is_better) {
  if (!(base > 0) || !std::isfinite(value)) return "";
  const double pct = (value - base) / base * 100;
  std::string cls = "delta";
  if (std::abs(pct) >= 1) cls += (pct > 0) == higher_is_better ? " better" : " worse";
  std::string number = fmt::format("{:.{}f}", std::abs(pct), std::abs(pct) < 10 ? 1 : 0);
  const std::string sign = pct > 0 ? "+" : (pct < 0 ? "\xE2\x88\x92" : "\xC2\xB1");
  return fmt::format("<span class=\"{}\">{}{}%</span>", cls, sign, trim_decimal_zeros(number));
}

// ------------------------------------------------------------------ page parts

constexpr std::string_view kStyle = R"css(
:root{--fg:#1f2933;--muted:#6b7280;--line:#e4e7eb;--bg:#f5f6f8;--head:#14213d}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,"Liberation Sans","DejaVu Sans",sans-serif}
header{background:var(--head);color:#fff;padding:18px 0 16px}
header .inner,main{max-width:1200px;margin:0 auto;padding:0 24px}
header h1{margin:0;font-size:21px;font-weight:600;letter-spacing:.01em}
header .meta{margin-top:4px;color:#c3cde0;font-size:13px}
header .meta span+span:before{content:"\00b7";margin:0 8px;color:#7d8aa6}
main{padding-top:8px;padding-bottom:40px}
section{margin-top:22px}
h2{font-size:15px;margin:0 0 8px;font-weight:600;color:#27303d}
.card{background:#fff;border:1px solid var(--line);border-radius:8px;padding:12px 14px}
.tablecard{padding:4px 0;overflow-x:auto}
.grid{display:grid;grid-template-columns:repeat(2,minmax(0,1fr));gap:14px}
.grid .wide{grid-column:1/-1}
figure{margin:0}
figcaption{display:flex;align-items:baseline;gap:10px;margin:0 0 4px}
figcaption h3{margin:0;font-size:14px;font-weight:600}
figcaption .sub{color:var(--muted);font-size:12px}
.facts{margin:6px 0 0;color:#4b5563;font-size:12.5px}
.facts b{color:var(--fg);font-weight:600}
svg.chart{display:block;width:100%;height:auto}
svg .axis-title{fill:#6b7280}
svg .hover rect{fill:transparent}
svg .hover rect:hover{fill:rgba(20,33,61,.07)}
table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums}
th,td{padding:5px 14px;border-bottom:1px solid #eef0f3;text-align:right;white-space:nowrap}
th:first-child,td:first-child{text-align:left;color:#4b5563}
thead th{font-weight:600;border-bottom:2px solid #d5dae1;color:var(--fg)}
tbody tr:last-child td{border-bottom:0}
th.group-start,td.group-start{border-left:1px solid #e4e7eb}
tr.ops th{text-transform:uppercase;font-size:11.5px;letter-spacing:.06em;color:#59616d;text-align:center}
tr.ops:last-child th{text-align:right}
tr.ops:not(:last-child) th{border-bottom:1px solid #e4e7eb;padding-bottom:2px}
tr.group td{background:#f6f7f9;font-weight:600;font-size:11.5px;letter-spacing:.06em;text-transform:uppercase;color:#59616d;padding-top:7px}
td.text{text-align:left;white-space:normal;word-break:break-word}
.delta{display:inline-block;min-width:4.2em;font-size:11.5px;margin-left:6px;color:var(--muted)}
.better{color:#2b8a3e}.worse{color:#c92a2a}
tr.diff td{background:#fff7dc}
tr.diff td:first-child{color:var(--fg);font-weight:600}
.hint{font-weight:400;color:#9aa1ab;margin-left:4px}
.swatch{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:7px}
.badge{display:inline-block;font-size:11px;font-weight:600;padding:1px 7px;border-radius:9px;background:#e9ecef;color:#495057}
.badge.bad{background:#ffe3e3;color:#c92a2a}
.badge.ok{background:#e6f4ea;color:#2b8a3e}
.note{color:#59616d;background:#fff;border:1px dashed #cdd3db;border-radius:8px;padding:14px 16px;margin:0}
.legend-note{color:var(--muted);font-size:12px;margin:6px 2px 0}
footer{color:#8a919c;font-size:12px;margin-top:28px}
#tip{position:fixed;display:none;pointer-events:none;background:#111827;color:#f9fafb;font-size:12px;line-height:1.5;padding:6px 9px;border-radius:5px;white-space:pre;z-index:10;box-shadow:0 2px 8px rgba(0,0,0,.25)}
@media (max-width:900px){.grid{grid-template-columns:minmax(0,1fr)}}
)css";

// Shows the data-tip of whatever the pointer is over, next to the pointer.
constexpr std::string_view kScript = R"js(
(function(){var t=document.getElementById("tip");
document.addEventListener("mouseover",function(e){var b=e.target.closest?e.target.closest("[data-tip]"):null;
if(!b){t.style.display="none";return;}t.textContent=b.getAttribute("data-tip");t.style.display="block";});
document.addEventListener("mousemove",function(e){if(t.style.display!=="block")return;
var x=e.clientX+14,y=e.clientY+14;if(x+t.offsetWidth>innerWidth-8)x=e.clientX-14-t.offsetWidth;
if(y+t.offsetHeight>innerHeight-8)y=e.clientY-14-t.offsetHeight;t.style.left=x+"px";t.style.top=y+"px";});})();
)js";

std::string label_cell_html(const Run& run) {
  return fmt::format("<span class=\"swatch\" style=\"background:{}\"></span>{}", run.swatch_color(),
                     html_escape(run.label));
}

void table_head(Out out, const std::vector<Run>& runs, std::string_view first = "") {
  fmt::format_to(out, "<thead><tr><th>{}</th>", first);
  for (const Run& run : runs) fmt::format_to(out, "<th>{}</th>", label_cell_html(run));
  out = fmt::format_to(out, "</tr></thead>");
}

void header(Out out, const std::vector<Run>& runs, const std::string& title) {
  std::vector<std::string> versions;
  std::vector<std::string> engines;
  std::vector<std::string> dates;
  auto add = [](std::vector<std::string>& list, const std::string& v) {
    if (!v.empty() && std::find(list.begin(), list.end(), v) == list.end()) list.push_back(v);
  };
  bool interrupted = false;
  for (const Run& run : runs) {
    add(versions, run.doc.iopulse_version);
    add(engines, engine_text(run.doc));
    add(dates, run.doc.started_at);
    interrupted = interrupted || run.doc.interrupted;
  }
  fmt::format_to(out, "<header><div class=\"inner\"><h1>{}</h1><div class=\"meta\">",
                 html_escape(title));
  fmt::format_to(out, "<span>IOPulse {}</span>",
                 versions.empty() ? std::string("(version unknown)") : html_escape(join(versions, ", ")));
  if (!dates.empty()) fmt::format_to(out, "<span>{}</span>", html_escape(join(dates, ", ")));
  fmt::format_to(out, "<span>{} {}</span>", engines.size() == 1 ? "engine" : "engines",
                 html_escape(join(engines, " vs ")));
  if (runs.size() > 1) fmt::format_to(out, "<span>{} results compared</span>", runs.size());
  if (interrupted) out = fmt::format_to(out, "<span>interrupted run(s)</span>");
  out = fmt::format_to(out, "</div></div></header>");
}

void runs_section(Out out, const std::vector<Run>& runs) {
  out = fmt::format_to(out, "<section id=\"runs\"><h2>Runs</h2><div class=\"card tablecard\"><table>");
  table_head(out, runs);
  out = fmt::format_to(out, "<tbody>");
  auto row = [&](std::string_view name, const std::function<std::string(const Run&)>& value) {
    fmt::format_to(out, "<tr><td>{}</td>", name);
    for (const Run& run : runs) out = fmt::format_to(out, "{}", value(run));
    out = fmt::format_to(out, "</tr>");
  };
  row("tool", [](const Run& r) {
    if (!r.doc.tool.empty()) return cell(html_escape(r.doc.tool));
    return cell(html_escape(r.doc.iopulse_version.empty() ? "IOPulse" : "IOPulse " + r.doc.iopulse_version));
  });
  row("engine", [](const Run& r) {
    std::string text = engine_text(r.doc);
    if (!r.doc.engine_abi.empty()) text += ", ABI " + r.doc.engine_abi;
    return cell(html_escape(text), r.doc.engine_path);
  });
  row("started", [](const Run& r) {
    return cell(r.doc.started_at.empty() ? "&ndash;" : html_escape(r.doc.started_at));
  });
  row("measured window", [](const Run& r) {
    return cell(html_escape(format_duration_ns(r.doc.window_ns)),
                fmt::format("{} ns", r.doc.window_ns));
  });
  row("stopped by", [](const Run& r) {
    if (r.doc.interrupted) return cell("<span class=\"badge bad\">interrupted</span>");
    return cell(r.doc.stop_reason.empty() ? "&ndash;" : html_escape(r.doc.stop_reason));
  });
  row("IO errors", [](const Run& r) {
    const uint64_t errors = r.doc.total.errors;
    if (errors == 0 && r.doc.errors.empty()) return cell("<span class=\"badge ok\">none</span>");
    return cell(fmt::format("<span class=\"badge bad\">{}</span>", format_grouped(errors)),
                join(r.doc.errors, "\n"));
  });
  row("time series", [](const Run& r) {
    if (!r.has_timeseries()) return cell("none");
    const uint64_t interval = r.doc.stats_interval_ns.value_or(
        r.doc.timeseries.front().end_ns - r.doc.timeseries.front().start_ns);
    return cell(fmt::format("{} intervals of {}{}", r.doc.timeseries.size(),
                            html_escape(trim_decimal_zeros(format_duration_ns(interval))),
                            r.doc.timeseries_truncated ? " (truncated)" : ""));
  });
  if (std::any_of(runs.begin(), runs.end(), [](const Run& r) { return r.doc.preparation_ns.has_value(); })) {
    row("file preparation", [](const Run& r) {
      if (!r.doc.preparation_ns) return cell("&ndash;");
      if (r.doc.preparation_bytes.value_or(0) == 0) return cell("none needed");
      return cell(html_escape(fmt::format("wrote {} in {} (not measured)",
                                          format_bytes(*r.doc.preparation_bytes),
                                          format_duration_ns(*r.doc.preparation_ns))));
    });
  }
  out = fmt::format_to(out, "</tbody></table></div>");
  bool any_errors = false;
  for (const Run& run : runs) any_errors = any_errors || !run.doc.errors.empty();
  if (any_errors) {
    out = fmt::format_to(out, "<div class=\"card\" style=\"margin-top:10px\"><b>Error messages</b><ul>");
    for (const Run& run : runs) {
      for (const std::string& e : run.doc.errors) {
        fmt::format_to(out, "<li>{}: {}</li>", html_escape(run.label), html_escape(e));
      }
    }
    out = fmt::format_to(out, "</ul></div>");
  }
  out = fmt::format_to(out, "</section>");
}

// ------------------------------------------------------------------ summary

struct Metric {
  const char* name;
  bool higher_is_better;
  std::function<std::optional<double>(const OpSummary&)> value;
  std::function<std::string(double)> shown;
  std::function<std::string(double)> exact;
};

std::vector<Metric> summary_metrics() {
  auto lat = [](const char* key) {
    return [key = std::string(key)](const OpSummary& op) -> std::optional<double> {
      if (op.ops == 0) return std::nullopt;
      return op.latency.percentile(key);
    };
  };
  auto lat_shown = [](double v) { return html_escape(latency_text(v)); };
  auto lat_exact = [](double v) { return fmt::format("{:.0f} ns", v); };
  std::vector<Metric> m = {
      {"IOPS", true, [](const OpSummary& op) { return std::optional<double>(op.iops); },
       [](double v) { return html_escape(format_iops(v)); },
       [](double v) { return fmt::format("{:.2f} IOs/s", v); }},
      {"bandwidth", true,
       [](const OpSummary& op) { return std::optional<double>(op.bw_bytes_per_sec); },
       [](double v) { return html_escape(format_bandwidth(v)); },
       [](double v) { return fmt::format("{:.0f} bytes/s", v); }},
      {"IOs", true, [](const OpSummary& op) { return std::optional<double>(op.ops); },
       [](double v) { return format_grouped(static_cast<uint64_t>(v)); }, nullptr},
      {"bytes", true, [](const OpSummary& op) { return std::optional<double>(op.bytes); },
       [](double v) { return html_escape(format_bytes(static_cast<uint64_t>(v))); },
       [](double v) { return fmt::format("{:.0f} bytes", v); }},
      {"errors", false, [](const OpSummary& op) { return std::optional<double>(op.errors); },
       [](double v) { return format_grouped(static_cast<uint64_t>(v)); }, nullptr},
      {"latency min", false,
       [](const OpSummary& op) { return op.ops ? std::optional<double>(op.latency.min_ns) : std::nullopt; },
       lat_shown, lat_exact},
      {"latency mean", false,
       [](const OpSummary& op) { return op.ops ? std::optional<double>(op.latency.mean_ns) : std::nullopt; },
       lat_shown, [](double v) { return fmt::format("{:.1f} ns", v); }},
      {"p50", false, lat("50"), lat_shown, lat_exact},
      {"p90", false, lat("90"), lat_shown, lat_exact},
      {"p99", false, lat("99"), lat_shown, lat_exact},
      {"p99.9", false, lat("99.9"), lat_shown, lat_exact},
      {"p99.99", false, lat("99.99"), lat_shown, lat_exact},
      {"latency max", false,
       [](const OpSummary& op) { return op.ops ? std::optional<double>(op.latency.max_ns) : std::nullopt; },
       lat_shown, lat_exact},
      {"stddev", false,
       [](const OpSummary& op) { return op.ops ? op.latency.stddev_ns : std::nullopt; }, lat_shown,
       [](double v) { return fmt::format("{:.1f} ns", v); }},
  };
  return m;
}

std::string metric_cell(const Metric& metric, const Run& run, ResultOp kind, const Run& first,
                        bool group_start) {
  const std::string cls = group_start ? "group-start" : "";
  if (kind == ResultOp::kTrim && std::string_view(metric.name) == "bandwidth") {
    // A trim moves no data: its bytes (the bytes discarded) have their own row.
    return cell("&ndash;", "trims move no data; their bytes row is the bytes discarded", cls);
  }
  const std::optional<double> v = metric.value(run.doc.op(kind));
  if (!v) return cell("&ndash;", "", cls);
  std::string shown = metric.shown(*v);
  if (run.index > 0) {
    if (const std::optional<double> base = metric.value(first.doc.op(kind))) {
      shown += delta_html(*v, *base, metric.higher_is_better);
    }
  }
  return cell(shown, metric.exact ? metric.exact(*v) : "", cls);
}

// One row per metric.  Op kinds sit side by side as column groups (each
// with a column per result) when that stays narrow, else one below the
// other.
void summary_section(Out out, const std::vector<Run>& runs) {
  bool any_read = false, any_write = false, any_sync = false, any_trim = false, any_mixed = false;
  for (const Run& run : runs) {
    any_read = any_read || run.doc.read.active();
    any_write = any_write || run.doc.write.active();
    any_sync = any_sync || run.doc.sync.active();
    any_trim = any_trim || run.doc.trim.active();
    any_mixed = any_mixed || (run.doc.read.active() && run.doc.write.active());
  }
  std::vector<ResultOp> kinds;
  if (any_read) kinds.push_back(ResultOp::kRead);
  if (any_write) kinds.push_back(ResultOp::kWrite);
  if (any_sync) kinds.push_back(ResultOp::kSync);
  if (any_trim) kinds.push_back(ResultOp::kTrim);
  if (any_mixed || kinds.empty()) kinds.push_back(ResultOp::kTotal);
  const std::vector<Metric> metrics = summary_metrics();
  const Run& first = runs.front();

  out = fmt::format_to(out, "<section id=\"summary\"><h2>Summary</h2><div class=\"card tablecard\"><table>");
  if (kinds.size() * runs.size() <= 6) {
    out = fmt::format_to(out, "<thead><tr class=\"ops\"><th></th>");
    for (const ResultOp kind : kinds) {
      fmt::format_to(out, "<th class=\"group-start\" colspan=\"{}\">{}</th>", runs.size(),
                     result_op_name(kind));
    }
    out = fmt::format_to(out, "</tr>");
    if (runs.size() > 1) {
      out = fmt::format_to(out, "<tr><th></th>");
      for (size_t k = 0; k < kinds.size(); ++k) {
        for (const Run& run : runs) {
          fmt::format_to(out, "<th{}>{}</th>", run.index == 0 ? " class=\"group-start\"" : "",
                         label_cell_html(run));
        }
      }
      out = fmt::format_to(out, "</tr>");
    }
    out = fmt::format_to(out, "</thead><tbody>");
    for (const Metric& metric : metrics) {
      fmt::format_to(out, "<tr><td>{}</td>", metric.name);
      for (const ResultOp kind : kinds) {
        for (const Run& run : runs) {
          out = fmt::format_to(out, "{}", metric_cell(metric, run, kind, first, run.index == 0));
        }
      }
      out = fmt::format_to(out, "</tr>");
    }
  } else {
    table_head(out, runs);
    out = fmt::format_to(out, "<tbody>");
    for (const ResultOp kind : kinds) {
      fmt::format_to(out, "<tr class=\"group\"><td colspan=\"{}\">{}</td></tr>", runs.size() + 1,
                     result_op_name(kind));
      for (const Metric& metric : metrics) {
        fmt::format_to(out, "<tr><td>{}</td>", metric.name);
        for (const Run& run : runs) {
          out = fmt::format_to(out, "{}", metric_cell(metric, run, kind, first, false));
        }
        out = fmt::format_to(out, "</tr>");
      }
    }
  }
  out = fmt::format_to(out, "</tbody></table></div>");
  if (runs.size() > 1) {
    fmt::format_to(out,
                   "<p class=\"legend-note\">Percentages compare each result with the first "
                   "({}); green is better, red is worse. Hover a value for its exact number.</p>",
                   html_escape(first.label));
  }
  out = fmt::format_to(out, "</section>");
}

// ------------------------------------------------------------------ charts

struct Figure {
  std::string id;
  std::string title;
  std::string subtitle;  // plain text
  std::string body;      // HTML: the svg or a note
  std::string facts;     // HTML below the chart
  bool wide = false;
};

void emit_figure(Out out, const Figure& f) {
  fmt::format_to(out, "<figure class=\"card{}\" id=\"fig-{}\"><figcaption><h3>{}</h3>",
                 f.wide ? " wide" : "", f.id, html_escape(f.title));
  if (!f.subtitle.empty()) fmt::format_to(out, "<span class=\"sub\">{}</span>", html_escape(f.subtitle));
  fmt::format_to(out, "</figcaption>{}", f.body);
  if (!f.facts.empty()) fmt::format_to(out, "<p class=\"facts\">{}</p>", f.facts);
  out = fmt::format_to(out, "</figure>");
}

std::string note_html(const std::string& text) {
  return "<p class=\"note\">" + html_escape(text) + "</p>";
}

// "io_uring" or "io_uring, sync" for the runs without a time series.
std::string labels_without_timeseries(const std::vector<Run>& runs) {
  std::vector<std::string> names;
  for (const Run& run : runs) {
    if (!run.has_timeseries()) names.push_back(run.label);
  }
  return join(names, ", ");
}

std::string interval_subtitle(const std::vector<Run>& runs) {
  std::set<uint64_t> lengths;
  for (const Run& run : runs) {
    if (!run.has_timeseries()) continue;
    const ResultInterval& first = run.doc.timeseries.front();
    lengths.insert(run.doc.stats_interval_ns.value_or(first.end_ns - first.start_ns));
  }
  if (lengths.size() == 1 && *lengths.begin() > 0) {
    return "per " + trim_decimal_zeros(format_duration_ns(*lengths.begin())) + " interval";
  }
  return "per interval";
}

double interval_mid_s(const ResultInterval& i) {
  return (static_cast<double>(i.start_ns) + static_cast<double>(i.end_ns)) / 2 / kNsPerSecond;
}

// A series over time: one value per interval.
struct TimeSeries {
  const Run* run;
  std::string label;
  ChartSeries series;
  std::function<std::optional<double>(const ResultInterval&)> value;
  std::function<std::string(double)> text;
};

// Adds hover bands along the intervals of the finest time series; each
// lists every series' value at that moment.
void add_time_hovers(SvgChart& chart, const std::vector<TimeSeries>& all) {
  const Run* finest = nullptr;
  for (const TimeSeries& s : all) {
    if (finest == nullptr || s.run->doc.timeseries.size() > finest->doc.timeseries.size()) finest = s.run;
  }
  if (finest == nullptr) return;
  const std::vector<ResultInterval>& grid = finest->doc.timeseries;
  const size_t stride = std::max<size_t>(1, grid.size() / 400);  // keep the page small
  for (size_t i = 0; i < grid.size(); i += stride) {
    const ResultInterval& band = grid[i];
    const ResultInterval& band_end = grid[std::min(grid.size() - 1, i + stride - 1)];
    const uint64_t mid = band.start_ns + (band.end_ns - band.start_ns) / 2;
    std::string text = fmt::format("{} \xE2\x80\x93 {}", seconds_text(static_cast<double>(band.start_ns)),
                                   seconds_text(static_cast<double>(band.end_ns)));
    for (const TimeSeries& s : all) {
      // Intervals are in time order: the last one starting at or before mid.
      const std::vector<ResultInterval>& ts = s.run->doc.timeseries;
      auto it = std::partition_point(ts.begin(), ts.end(),
                                     [mid](const ResultInterval& iv) { return iv.start_ns <= mid; });
      if (it == ts.begin()) continue;
      --it;
      if (mid >= it->end_ns) continue;
      const std::optional<double> v = s.value(*it);
      if (v) text += fmt::format("\n{}: {}", s.label, s.text(*v));
    }
    chart.add_hover(static_cast<double>(band.start_ns) / kNsPerSecond,
                    static_cast<double>(band_end.end_ns) / kNsPerSecond, text);
  }
}

// The end of the longest time series (or of its window, if later), in s.
double longest_window_s(const std::vector<Run>& runs) {
  double longest = 0;
  for (const Run& run : runs) {
    if (!run.has_timeseries()) continue;
    longest = std::max({longest, static_cast<double>(run.doc.window_ns),
                        static_cast<double>(run.doc.timeseries.back().end_ns)});
  }
  return longest / kNsPerSecond;
}

ChartAxis axis(std::string title, AxisFormat format, AxisScale scale) {
  ChartAxis a;
  a.title = std::move(title);
  a.format = format;
  a.scale = scale;
  return a;
}

ChartAxis time_axis(const std::vector<Run>& runs) {
  ChartAxis x = axis("elapsed time (s)", AxisFormat::kSeconds, AxisScale::kLinear);
  x.min = 0;
  const double end = longest_window_s(runs);
  if (end > 0) x.max = end;
  return x;
}

// IOPS or bandwidth over time, one line per result and op kind.
Figure rate_figure(const std::vector<Run>& runs, bool bandwidth) {
  Figure f;
  f.id = bandwidth ? "bandwidth" : "iops";
  f.title = bandwidth ? "Bandwidth over time" : "IOPS over time";
  f.subtitle = interval_subtitle(runs);
  SvgChart chart(ChartKind::kLines, time_axis(runs),
                 axis(bandwidth ? "bandwidth" : "IOPS",
                      bandwidth ? AxisFormat::kBandwidth : AxisFormat::kIops, AxisScale::kLinear));
  std::vector<TimeSeries> all;
  for (const Run& run : runs) {
    if (!run.has_timeseries()) continue;
    for (const ChartOp& kind : chart_ops(run)) {
      // Metadata kinds that move no data have no bandwidth to draw.
      if (bandwidth && !kind.meta.empty() && kind.of(run.doc).bytes == 0) continue;
      TimeSeries s;
      s.run = &run;
      s.label = run.label + " " + kind.name();
      s.series.label = s.label;
      s.series.color = kind.color(run);
      s.value = [kind, bandwidth](const ResultInterval& iv) -> std::optional<double> {
        const OpSummary& op = kind.of(iv);
        return bandwidth ? op.bw_bytes_per_sec : op.iops;
      };
      s.text = bandwidth ? [](double v) { return format_bandwidth(v); }
                         : [](double v) { return format_iops(v) + " IOPS"; };
      for (const ResultInterval& iv : run.doc.timeseries) {
        s.series.points.push_back({interval_mid_s(iv), *s.value(iv)});
      }
      all.push_back(std::move(s));
    }
  }
  const bool any_timeseries =
      std::any_of(runs.begin(), runs.end(), [](const Run& run) { return run.has_timeseries(); });
  if (all.empty() && any_timeseries) {
    f.body = note_html(bandwidth ? "No read, write or metadata operation of these results moved data."
                                 : "No read, write or metadata operation in these results (syncs and trims "
                                   "are in the summary).");
    return f;
  }
  if (all.empty()) {
    f.body = note_html("No time series in these results: IOPulse writes per-interval statistics "
                       "(\"timeseries\") from version 0.2 on; rerun to see " +
                       std::string(bandwidth ? "bandwidth" : "IOPS") + " over time.");
    return f;
  }
  for (const TimeSeries& s : all) chart.add_series(s.series);
  add_time_hovers(chart, all);
  f.body = chart.to_svg("chart-" + f.id, f.title);
  if (const std::string missing = labels_without_timeseries(runs); !missing.empty()) {
    f.facts = "No time series in: " + html_escape(missing) + ".";
  }
  return f;
}

struct PercentileLine {
  const char* key;
  const char* name;
  LineDash dash;
};
constexpr PercentileLine kOverTime[] = {
    {"50", "p50", LineDash::kSolid}, {"99", "p99", LineDash::kDashed}, {"99.9", "p99.9", LineDash::kDotted}};

Figure latency_time_figure(const std::vector<Run>& runs, const std::string& name) {
  Figure f;
  f.id = "latency-" + ChartOp{ResultOp::kRead, name, 0}.id();
  f.title = name + " latency over time";
  f.title[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(f.title[0])));
  f.subtitle = "p50 solid, p99 dashed, p99.9 dotted; " + interval_subtitle(runs);
  SvgChart chart(ChartKind::kLines, time_axis(runs),
                 axis("latency", AxisFormat::kLatency, AxisScale::kLog));
  std::vector<TimeSeries> all;
  for (const Run& run : runs) {
    if (!run.has_timeseries()) continue;
    const std::vector<ChartOp> ops = chart_ops(run);
    const auto found = std::find_if(ops.begin(), ops.end(), [&name](const ChartOp& o) { return o.name() == name; });
    if (found == ops.end()) continue;
    const ChartOp kind = *found;
    for (const PercentileLine& p : kOverTime) {
      TimeSeries s;
      s.run = &run;
      s.label = run.label + " " + p.name;
      s.series.label = s.label;
      s.series.legend_new_row = p.dash == LineDash::kSolid;  // one legend row per result
      s.series.color = kind.color(run);
      s.series.dash = p.dash;
      s.value = [kind, key = std::string(p.key)](const ResultInterval& iv) -> std::optional<double> {
        const OpSummary& op = kind.of(iv);
        if (op.ops == 0) return std::nullopt;
        return op.latency.percentile(key);
      };
      s.text = [](double v) { return latency_text(v); };
      for (const ResultInterval& iv : run.doc.timeseries) {
        const std::optional<double> v = s.value(iv);
        s.series.points.push_back({interval_mid_s(iv), v.value_or(std::nan(""))});
      }
      all.push_back(std::move(s));
    }
  }
  for (const TimeSeries& s : all) chart.add_series(s.series);
  add_time_hovers(chart, all);
  f.body = chart.to_svg("chart-" + f.id, f.title);
  if (const std::string missing = labels_without_timeseries(runs); !missing.empty()) {
    f.facts = "No time series in: " + html_escape(missing) + ".";
  }
  return f;
}

// The latency histogram of every result and op kind on common log-spaced
// bins (`per_octave` per power of two: 8, or 16 when all the data spans
// less than three octaves), each bucket of the file spread over the bins it
// overlaps in proportion to the overlap, so bins of equal width on the log
// axis are comparable.  The file's buckets are 1/64 octave wide or less.
std::map<int, double> rebin(const std::vector<HistogramBucket>& buckets, double per_octave) {
  std::map<int, double> bins;
  for (const HistogramBucket& b : buckets) {
    const double lo = std::max(b.lower_ns, 0.5);
    const double hi = std::max(b.upper_ns, lo * 1.0001);
    const int first = static_cast<int>(std::floor(std::log2(lo) * per_octave));
    const int last = static_cast<int>(std::floor(std::log2(hi) * per_octave - 1e-9));
    for (int k = first; k <= last; ++k) {
      const double e0 = std::exp2(k / per_octave);
      const double e1 = std::exp2((k + 1) / per_octave);
      const double overlap = std::min(hi, e1) - std::max(lo, e0);
      if (overlap > 0) bins[k] += static_cast<double>(b.count) * overlap / (hi - lo);
    }
  }
  return bins;
}

Figure histogram_figure(const std::vector<Run>& runs) {
  Figure f;
  f.id = "histogram";
  f.title = "Latency distribution";
  double lowest = std::numeric_limits<double>::infinity();
  double highest = 0;
  for (const Run& run : runs) {
    for (const ChartOp& kind : chart_ops(run)) {
      const std::vector<HistogramBucket>& h = kind.of(run.doc).latency.histogram;
      if (h.empty()) continue;
      lowest = std::min(lowest, std::max(h.front().lower_ns, 0.5));
      highest = std::max(highest, h.back().upper_ns);
    }
  }
  const double per_octave = highest > 0 && std::log2(highest / lowest) < 3 ? 16 : 8;
  f.subtitle = fmt::format("share of IOs per 1/{:.0f} octave of latency, whole window; both axes "
                           "logarithmic", per_octave);
  f.wide = true;
  ChartAxis y = axis("share of IOs", AxisFormat::kPercent, AxisScale::kLog);
  SvgChart chart(ChartKind::kSteps, axis("latency", AxisFormat::kLatency, AxisScale::kLog), y);
  struct Binned {
    std::string label;
    double ops;
    std::map<int, double> bins;
  };
  std::vector<Binned> binned;
  std::vector<ChartSeries> series;
  double floor_pct = 100;
  for (const Run& run : runs) {
    for (const ChartOp& kind : chart_ops(run)) {
      const OpSummary& op = kind.of(run.doc);
      if (op.latency.histogram.empty()) continue;
      double n = 0;
      for (const HistogramBucket& b : op.latency.histogram) n += static_cast<double>(b.count);
      Binned bn{run.label + " " + kind.name(), n, rebin(op.latency.histogram, per_octave)};
      ChartSeries s;
      s.label = bn.label;
      s.color = kind.color(run);
      for (const auto& [k, count] : bn.bins) {
        s.bins.push_back({std::exp2(k / per_octave), std::exp2((k + 1) / per_octave),
                          count / n * 100});
      }
      floor_pct = std::min(floor_pct, 50.0 / n);  // half an IO of the largest run
      series.push_back(std::move(s));
      binned.push_back(std::move(bn));
    }
  }
  if (series.empty()) {
    f.body = note_html("These results carry no latency histogram.");
    return f;
  }
  y.min = std::pow(10.0, std::floor(std::log10(floor_pct)));
  chart = SvgChart(ChartKind::kSteps, axis("latency", AxisFormat::kLatency, AxisScale::kLog), y);
  chart.set_size(1140, 330);
  for (ChartSeries& s : series) chart.add_series(std::move(s));
  std::set<int> keys;
  for (const Binned& b : binned) {
    for (const auto& entry : b.bins) keys.insert(entry.first);
  }
  for (const int k : keys) {
    const double e0 = std::exp2(k / per_octave);
    const double e1 = std::exp2((k + 1) / per_octave);
    std::string text = latency_text(e0) + " \xE2\x80\x93 " + latency_text(e1);
    for (const Binned& b : binned) {
      const auto it = b.bins.find(k);
      const double count = it == b.bins.end() ? 0 : it->second;
      text += fmt::format("\n{}: {} ({} IOs)", b.label,
                          trim_decimal_zeros(fmt::format("{:.4f}", count / b.ops * 100)) + "%",
                          format_iops(count));
    }
    chart.add_hover(e0, e1, text);
  }
  f.body = chart.to_svg("chart-histogram", f.title);
  return f;
}

Figure heatmap_figure(const Run& run) {
  const ResultHeatmap& heat = *run.doc.heatmap;
  Figure f;
  f.id = fmt::format("heatmap-{}", run.index);
  f.title = "Access heatmap \xE2\x80\x94 " + run.label;
  f.subtitle = fmt::format("IOs per region: {} regions", heat.buckets);
  if (heat.bytes_per_bucket > 0) f.subtitle += " of " + format_bytes(heat.bytes_per_bucket);
  f.wide = true;
  const bool offsets = heat.bytes_per_bucket > 0;
  const double width = offsets ? static_cast<double>(heat.bytes_per_bucket) : 1.0;
  ChartAxis x = axis(offsets ? "offset in the target" : "region",
                     offsets ? AxisFormat::kBytes : AxisFormat::kNumber, AxisScale::kLinear);
  x.min = 0;
  x.max = width * static_cast<double>(heat.buckets);
  SvgChart chart(ChartKind::kStackedBars, x, axis("IOs", AxisFormat::kCount, AxisScale::kLinear));
  chart.set_size(1140, 280);
  ChartSeries reads{run.label + " reads", run.color(ResultOp::kRead), LineDash::kSolid, {}, {}, false};
  ChartSeries writes{run.label + " writes", run.color(ResultOp::kWrite), LineDash::kSolid, {}, {}, false};
  for (uint64_t i = 0; i < heat.buckets; ++i) {
    const double x0 = width * static_cast<double>(i);
    reads.bins.push_back({x0, x0 + width, static_cast<double>(heat.reads[i])});
    writes.bins.push_back({x0, x0 + width, static_cast<double>(heat.writes[i])});
    std::string where = offsets ? format_bytes(static_cast<uint64_t>(x0)) + " \xE2\x80\x93 " +
                                      format_bytes(static_cast<uint64_t>(x0 + width))
                                : fmt::format("region {}", i);
    chart.add_hover(x0, x0 + width,
                    fmt::format("{}\nreads: {}\nwrites: {}", where, format_grouped(heat.reads[i]),
                                format_grouped(heat.writes[i])));
  }
  chart.add_series(std::move(reads));
  chart.add_series(std::move(writes));
  f.body = chart.to_svg("chart-" + f.id, f.title);
  std::vector<std::string> facts;
  // Rounded down: 100% only when every block was touched.
  if (heat.coverage) {
    facts.push_back(fmt::format("<b>{}</b> of the blocks touched", percent_text(std::floor(*heat.coverage * 1000) / 10)));
  }
  if (heat.top20_share) facts.push_back(fmt::format("<b>{}</b> of the IOs in the hottest 20% of the regions", percent_text(*heat.top20_share * 100)));
  if (heat.rewrite_share) facts.push_back(fmt::format("<b>{}</b> of the writes went to a block written before", percent_text(*heat.rewrite_share * 100)));
  f.facts = join(facts, " &middot; ");
  return f;
}

void charts_section(Out out, const std::vector<Run>& runs) {
  out = fmt::format_to(out, "<section id=\"charts\"><h2>Charts</h2>");
  bool any_timeseries = false;
  for (const Run& run : runs) any_timeseries = any_timeseries || run.has_timeseries();
  out = fmt::format_to(out, "<div class=\"grid\">");
  if (any_timeseries) {
    emit_figure(out, rate_figure(runs, false));
    emit_figure(out, rate_figure(runs, true));
    // A latency chart per kind that some result with a time series had.
    std::vector<std::string> names;
    for (const Run& run : runs) {
      if (!run.has_timeseries()) continue;
      for (const ChartOp& kind : chart_ops(run)) {
        if (std::find(names.begin(), names.end(), kind.name()) == names.end()) names.push_back(kind.name());
      }
    }
    for (const std::string& name : names) emit_figure(out, latency_time_figure(runs, name));
  } else {
    Figure f;
    f.id = "over-time";
    f.title = "Over time";
    f.wide = true;
    f.body = note_html(
        "No time series in " + std::string(runs.size() == 1 ? "this result" : "these results") +
        ": the file has no \"timeseries\" (written by an IOPulse without per-interval "
        "statistics), so IOPS, bandwidth and latency over time cannot be drawn. The summary and "
        "the latency distribution below cover the whole window.");
    emit_figure(out, f);
  }
  emit_figure(out, histogram_figure(runs));
  for (const Run& run : runs) {
    if (run.doc.heatmap) emit_figure(out, heatmap_figure(run));
  }
  out = fmt::format_to(out, "</div></section>");
}

// ------------------------------------------------------------------ resources

void resources_section(Out out, const std::vector<Run>& runs) {
  struct Row {
    const char* name;
    bool higher_is_better;
    bool compare;  // show the change against the first result
    std::function<std::optional<double>(const Run&)> value;
    std::function<std::string(double)> shown;
  };
  auto cpu_total = [](const Run& r) -> std::optional<double> {
    const ResultResources& u = r.doc.resources;
    if (!u.cpu_user_s && !u.cpu_system_s) return std::nullopt;
    return u.cpu_user_s.value_or(0) + u.cpu_system_s.value_or(0);
  };
  auto seconds = [](double v) { return trim_decimal_zeros(fmt::format("{:.2f}", v)) + " s"; };
  auto grouped = [](double v) { return format_grouped(static_cast<uint64_t>(std::llround(v))); };
  const std::vector<Row> rows = {
      {"CPU user", false, true, [](const Run& r) { return r.doc.resources.cpu_user_s; }, seconds},
      {"CPU system", false, true, [](const Run& r) { return r.doc.resources.cpu_system_s; }, seconds},
      {"CPU utilisation (100% = one core)", false, true,
       [cpu_total](const Run& r) -> std::optional<double> {
         if (r.doc.resources.cpu_util_percent) return r.doc.resources.cpu_util_percent;
         // Older files give only the times; a window too short for a share
         // has none (stats/resource_usage.h).
         const std::optional<double> cpu = cpu_total(r);
         if (!cpu || r.doc.window_ns < ResourceUsage::kShortestWindowForShareNs) return std::nullopt;
         return *cpu / (static_cast<double>(r.doc.window_ns) / kNsPerSecond) * 100;
       },
       [](double v) { return percent_text(v); }},
      {"CPU time per IO", false, true,
       [cpu_total](const Run& r) -> std::optional<double> {
         const std::optional<double> cpu = cpu_total(r);
         if (!cpu || r.doc.total.ops == 0) return std::nullopt;
         return *cpu * kNsPerSecond / static_cast<double>(r.doc.total.ops);
       },
       [](double v) { return latency_text(v); }},
      {"context switches, voluntary", false, true,
       [](const Run& r) { return r.doc.resources.ctx_switches_voluntary; }, grouped},
      {"context switches, involuntary", false, true,
       [](const Run& r) { return r.doc.resources.ctx_switches_involuntary; }, grouped},
      {"max resident memory", false, true, [](const Run& r) { return r.doc.resources.max_rss_bytes; },
       [](double v) { return format_bytes(static_cast<uint64_t>(v)); }},
      {"mean queue depth", true, false,
       [](const Run& r) -> std::optional<double> {
         double weighted = 0, time = 0;
         for (const ResultInterval& iv : r.doc.timeseries) {
           if (!iv.qd_mean) continue;
           const double t = static_cast<double>(iv.end_ns - iv.start_ns);
           weighted += *iv.qd_mean * t;
           time += t;
         }
         if (time <= 0) return std::nullopt;
         return weighted / time;
       },
       [](double v) { return fmt::format("{:.1f}", v); }},
  };
  std::string body;
  Out b(body);
  for (const Row& row : rows) {
    if (std::none_of(runs.begin(), runs.end(), [&row](const Run& r) { return row.value(r).has_value(); })) {
      continue;
    }
    fmt::format_to(b, "<tr><td>{}</td>", row.name);
    const std::optional<double> base = row.value(runs.front());
    for (const Run& run : runs) {
      const std::optional<double> v = row.value(run);
      if (!v) {
        b = fmt::format_to(b, "<td>&ndash;</td>");
        continue;
      }
      std::string shown = html_escape(row.shown(*v));
      if (run.index > 0 && base && row.compare) {
        shown += delta_html(*v, *base, row.higher_is_better);
      }
      b = fmt::format_to(b, "{}", cell(shown, fmt::format("{}", *v)));
    }
    b = fmt::format_to(b, "</tr>");
  }
  if (body.empty()) return;
  out = fmt::format_to(out, "<section id=\"resources\"><h2>Resources</h2><div class=\"card tablecard\"><table>");
  table_head(out, runs);
  fmt::format_to(out, "<tbody>{}</tbody></table></div></section>", body);
}

// A table of named op summaries (rows per figure, a column per result):
// `lists(run)` gives the run's named summaries, in order.
using NamedOps = std::vector<std::pair<std::string, OpSummary>>;
void named_ops_section(Out out, const std::vector<Run>& runs, std::string_view id, std::string_view title,
                       std::vector<const NamedOps*> (*lists)(const Run&)) {
  std::vector<std::string> kinds;
  for (const Run& run : runs) {
    for (const NamedOps* list : lists(run)) {
      for (const auto& [name, op] : *list) {
        if (std::find(kinds.begin(), kinds.end(), name) == kinds.end()) kinds.push_back(name);
      }
    }
  }
  if (kinds.empty()) return;
  out = fmt::format_to(out, "<section id=\"{}\"><h2>{}</h2><div class=\"card tablecard\"><table>", id, title);
  table_head(out, runs);
  out = fmt::format_to(out, "<tbody>");
  const auto find = [lists](const Run& run, const std::string& kind) -> const OpSummary* {
    for (const NamedOps* list : lists(run)) {
      for (const auto& [name, op] : *list) {
        if (name == kind) return &op;
      }
    }
    return nullptr;
  };
  const auto latency = [](const OpSummary& op, const char* key) {
    const std::optional<double> v = op.latency.percentile(key);
    return v ? format_latency_ns(*v) : std::string("-");
  };
  for (const std::string& kind : kinds) {
    fmt::format_to(out, "<tr class=\"group\"><td colspan=\"{}\">{}</td></tr>", runs.size() + 1, html_escape(kind));
    for (const char* row : {"ops/s", "ops", "errors", "p50", "p99", "p99.9", "max"}) {
      fmt::format_to(out, "<tr><td>{}</td>", row);
      for (const Run& run : runs) {
        const OpSummary* op = find(run, kind);
        std::string cell = "-";
        if (op != nullptr) {
          const std::string r = row;
          cell = r == "ops/s"    ? format_iops(op->iops)
                 : r == "ops"    ? std::to_string(op->ops)
                 : r == "errors" ? std::to_string(op->errors)
                 : r == "max"    ? format_latency_ns(op->latency.max_ns)
                                 : latency(*op, row + 1);  // "p50" is stored as "50"
        }
        fmt::format_to(out, "<td>{}</td>", html_escape(cell));
      }
      out = fmt::format_to(out, "</tr>");
    }
  }
  out = fmt::format_to(out, "</tbody></table></div></section>");
}

// One row group per metadata op kind: the run's kinds, then each phase's
// ("dir-create: mkdir") when it ran phases.
void metadata_section(Out out, const std::vector<Run>& runs) {
  named_ops_section(out, runs, "metadata", "Metadata operations", [](const Run& run) {
    return std::vector<const NamedOps*>{&run.doc.metadata, &run.doc.phase_metadata};
  });
}

// With --io-priority: the reads and writes by the priority they carried.
void priority_section(Out out, const std::vector<Run>& runs) {
  named_ops_section(out, runs, "priority", "Reads and writes by IO priority",
                    [](const Run& run) { return std::vector<const NamedOps*>{&run.doc.priority_groups}; });
}

// ------------------------------------------------------------------ config

// Flattens nested objects into dotted keys ("engine_options.sqpoll").
// An empty object adds no row.
void flatten(const json& value, const std::string& prefix, std::map<std::string, const json*>& out) {
  if (value.is_object()) {
    for (const auto& [key, member] : value.items()) {
      flatten(member, prefix.empty() ? key : prefix + "." + key, out);
    }
    return;
  }
  if (!prefix.empty()) out[prefix] = &value;
}

std::string config_value_text(const std::string& key, const json& value) {
  if (value.is_string()) return value.get<std::string>();
  std::string text = value.dump(-1, ' ', false, json::error_handler_t::replace);
  if (value.is_number_unsigned() || (value.is_number_integer() && value.get<int64_t>() >= 0)) {
    const uint64_t n = value.get<uint64_t>();
    if (key.ends_with("_ns") && n > 0) {
      text += " (" + format_duration_ns(n) + ")";
    } else if ((key.find("size") != std::string::npos || key.find("bytes") != std::string::npos) &&
               n >= 1024) {
      text += " (" + format_bytes(n) + ")";
    }
  }
  return text;
}

void config_section(Out out, const std::vector<Run>& runs) {
  std::vector<std::map<std::string, const json*>> flat(runs.size());
  std::set<std::string> keys;
  for (size_t i = 0; i < runs.size(); ++i) {
    flatten(runs[i].doc.config, "", flat[i]);
    for (const auto& entry : flat[i]) keys.insert(entry.first);
  }
  out = fmt::format_to(out, "<section id=\"config\"><h2>Configuration</h2>");
  if (keys.empty()) {
    out = fmt::format_to(out, "{}</section>", note_html("The results carry no configuration."));
    return;
  }
  out = fmt::format_to(out, "<div class=\"card tablecard\"><table>");
  table_head(out, runs, "option");
  out = fmt::format_to(out, "<tbody>");
  size_t differing = 0;
  for (const std::string& key : keys) {
    std::vector<std::optional<std::string>> values;
    for (size_t i = 0; i < runs.size(); ++i) {
      const auto it = flat[i].find(key);
      values.push_back(it == flat[i].end() ? std::nullopt
                                           : std::optional(config_value_text(key, *it->second)));
    }
    const bool differs =
        runs.size() > 1 && std::any_of(values.begin(), values.end(),
                                       [&values](const auto& v) { return v != values.front(); });
    differing += differs;
    fmt::format_to(out, "<tr{}><td>{}{}</td>", differs ? " class=\"diff\"" : "", html_escape(key),
                   differs ? "<span class=\"hint\">\xE2\x89\xA0</span>" : "");
    for (const auto& v : values) {
      out = fmt::format_to(out, "{}", cell(v ? html_escape(*v) : "&ndash;", "", "text"));
    }
    out = fmt::format_to(out, "</tr>");
  }
  out = fmt::format_to(out, "</tbody></table></div>");
  if (runs.size() > 1) {
    fmt::format_to(out, "<p class=\"legend-note\">{}</p>",
                   differing == 0 ? std::string("All results ran the same configuration.")
                                  : fmt::format("{} highlighted option{} differ between the results.",
                                                differing, differing == 1 ? "" : "s"));
  }
  out = fmt::format_to(out, "</section>");
}

}  // namespace

std::string render_html_report(const std::vector<json>& results, const std::vector<std::string>& labels,
                               const HtmlReportOptions& options) {
  if (results.empty()) throw std::invalid_argument("render_html_report: no results given");
  if (!labels.empty() && labels.size() != results.size()) {
    throw std::invalid_argument(fmt::format("render_html_report: {} labels for {} results",
                                            labels.size(), results.size()));
  }
  std::vector<ResultDocument> docs;
  for (const json& r : results) docs.push_back(read_result_document(r));
  const std::vector<std::string> names = unique_labels(docs, labels);
  std::vector<Run> runs;
  for (size_t i = 0; i < docs.size(); ++i) {
    runs.push_back(Run{names[i], std::move(docs[i]), i, results.size()});
  }
  const std::string title = options.title.empty() ? std::string("IOPulse report") : options.title;

  std::string page;
  Out out(page);
  fmt::format_to(out,
                 "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                 "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                 "<meta name=\"generator\" content=\"iopulse report {}\">\n"
                 "<title>{}</title>\n<style>{}</style>\n</head>\n<body>\n",
                 IOPULSE_VERSION, html_escape(title), kStyle);
  header(out, runs, title);
  out = fmt::format_to(out, "<main>\n");
  runs_section(out, runs);
  out = fmt::format_to(out, "\n");
  summary_section(out, runs);
  out = fmt::format_to(out, "\n");
  metadata_section(out, runs);
  out = fmt::format_to(out, "\n");
  priority_section(out, runs);
  out = fmt::format_to(out, "\n");
  charts_section(out, runs);
  out = fmt::format_to(out, "\n");
  resources_section(out, runs);
  out = fmt::format_to(out, "\n");
  config_section(out, runs);
  fmt::format_to(out,
                 "\n<footer>Generated by iopulse report {} from {} result file{}. Times are relative "
                 "to the start of each measured window; rates are per interval.</footer>\n</main>\n"
                 "<div id=\"tip\"></div>\n<script>{}</script>\n</body>\n</html>\n",
                 IOPULSE_VERSION, runs.size(), runs.size() == 1 ? "" : "s", kScript);
  return page;
}

}  // namespace iopulse
