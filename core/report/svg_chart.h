// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// SvgChart: one chart as an inline <svg> element for an HTML5 page (no
// xmlns, no scripts, no external references).  It draws axes with ticks at
// nice values labelled in the units of report/units.h, light grid lines, a
// legend that wraps above the plot, and any number of series:
//
//   kLines        polylines through (x, y) points; a NaN y (or y <= 0 on a
//                 log axis) breaks the line
//   kSteps        histogram outlines over bins [x0, x1), lightly filled
//   kStackedBars  bars over bins, series stacked in the order added; every
//                 series must use the same bins
//
// Either axis can be logarithmic (decades, with 2 and 5 labelled when the
// range is short).  Optional hover bands [x0, x1) carry a text the page
// shows as a tooltip (attribute data-tip); the chart itself needs no script.
//
// Each series is one <path class="series" data-series="LABEL">, so a
// reader (or a test) can count them.  Every text is HTML-escaped; colors
// are taken as given and must be trusted CSS colors.
#ifndef IOPULSE_REPORT_SVG_CHART_H_
#define IOPULSE_REPORT_SVG_CHART_H_

#include <optional>
#include <string>
#include <vector>

namespace iopulse {

enum class AxisScale { kLinear, kLog };

// How tick values are printed (all through report/units.h, trailing zeros
// dropped: "200k", "512 MiB/s", "1 ms").
enum class AxisFormat {
  kNumber,     // plain: "0.5", "12", "1500"
  kCount,      // decimal suffixes: "950", "12k", "1.5M"
  kIops,       // as kCount
  kBandwidth,  // bytes per second: "512 MiB/s"
  kBytes,      // "4 GiB"
  kLatency,    // nanoseconds in, "850 ns", "12 µs", "1 ms" out
  kSeconds,    // seconds in, "0", "10", "2.5" out (put the unit in the title)
  kPercent,    // percent in: "0.01%", "5%", "100%"
};

struct ChartAxis {
  std::string title;
  AxisFormat format = AxisFormat::kNumber;
  AxisScale scale = AxisScale::kLinear;
  std::optional<double> min;  // fixed ends of the axis; otherwise from the data
  std::optional<double> max;
};

enum class ChartKind { kLines, kSteps, kStackedBars };
enum class LineDash { kSolid, kDashed, kDotted };

struct ChartPoint {
  double x;
  double y;
};

struct ChartBin {
  double x0;  // inclusive
  double x1;  // exclusive, > x0
  double y;
};

struct ChartSeries {
  std::string label;  // legend text; empty: not in the legend
  std::string color;  // CSS color, e.g. "#1f5fa8"
  LineDash dash = LineDash::kSolid;
  std::vector<ChartPoint> points;  // kLines
  std::vector<ChartBin> bins;      // kSteps, kStackedBars
  bool legend_new_row = false;     // start a new legend row with this series
};

struct AxisTick {
  double value;
  std::string label;  // empty for an unlabelled (minor) grid line
};

// An axis fitted to data: the range shown and its ticks.
struct AxisLayout {
  double lo = 0;
  double hi = 1;
  std::vector<AxisTick> ticks;
};

// Fits `axis` to data spanning [data_lo, data_hi] with at most about
// `max_labels` labelled ticks.  Linear axes step by 1, 2 or 5 x 10^k
// (of KiB, MiB, ... for byte formats); with `extend` the range grows to the
// next tick outward (a y axis), otherwise it stays at the data (a time
// axis).  Log axes always extend to whole decades.  Fixed axis.min/max win.
AxisLayout layout_axis(const ChartAxis& axis, double data_lo, double data_hi, int max_labels,
                       bool extend);

// The tick label of `value` in `format` ("0" for zero in every format).
std::string format_axis_value(AxisFormat format, double value);

// Approximate width in pixels of `text` in the report's sans-serif font at
// `font_px`, erring wide, for layout without a browser.
double estimate_text_width(const std::string& text, double font_px);

class SvgChart {
 public:
  SvgChart(ChartKind kind, ChartAxis x, ChartAxis y);

  void add_series(ChartSeries series);
  // A band [x0, x1) across the plot height that shows `text` on hover.
  void add_hover(double x0, double x1, std::string text);
  // Size of the drawing in SVG units (it scales to the page width).
  void set_size(int width, int height);

  size_t series_count() const { return series_.size(); }
  bool empty() const;  // no series has a point or bin

  // The <svg> element.  `id` prefixes the element ids the chart defines
  // (its clip path) and must be unique within the page; `title` becomes
  // the accessible name.
  std::string to_svg(const std::string& id, const std::string& title) const;

 private:
  struct Hover {
    double x0;
    double x1;
    std::string text;
  };

  ChartKind kind_;
  ChartAxis x_axis_;
  ChartAxis y_axis_;
  std::vector<ChartSeries> series_;
  std::vector<Hover> hovers_;
  int width_ = 560;
  int height_ = 300;
};

}  // namespace iopulse

#endif  // IOPULSE_REPORT_SVG_CHART_H_
