// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// The HTML report: one or more result files (docs/json-output.md) as a
// single self-contained HTML5 page: inline CSS, inline SVG charts drawn
// here (report/svg_chart.h), a few lines of script for hover tooltips, and
// no reference to anything outside the file, so it opens offline and can
// be mailed or archived as is.
//
// The page holds, for every result side by side: a run table (engine,
// window, stop reason), the summary (IOPS, bandwidth, errors, latency
// percentiles per op kind; later results show their change against the
// first), charts of IOPS, bandwidth and latency percentiles over time (from
// `timeseries`), the latency distribution (from the `histogram` of each op
// kind), the access heatmap (from `heatmap`), process resources and the
// effective configuration with the rows that differ highlighted.  Every
// member is optional: what a file lacks is left out or replaced by a note.
// Every text taken from a file is HTML-escaped.
#ifndef IOPULSE_REPORT_HTML_REPORT_H_
#define IOPULSE_REPORT_HTML_REPORT_H_

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace iopulse {

struct HtmlReportOptions {
  // Heading and <title> of the page; empty: "IOPulse report".
  std::string title;
};

// Renders `results` (parsed result documents) as one HTML page.  labels[i]
// names results[i] in tables and legends (e.g. its file name); when
// `labels` is empty each result is named after its engine, or "run N".
// Equal labels are made unique.  Throws std::invalid_argument when
// `results` is empty or `labels` is neither empty nor as long as `results`.
std::string render_html_report(const std::vector<nlohmann::json>& results,
                               const std::vector<std::string>& labels,
                               const HtmlReportOptions& options = {});

}  // namespace iopulse

#endif  // IOPULSE_REPORT_HTML_REPORT_H_
