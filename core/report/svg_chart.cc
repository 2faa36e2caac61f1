// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "report/svg_chart.h"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <limits>

#include <fmt/format.h>

#include "report/html_text.h"
#include "report/units.h"

namespace iopulse {
namespace {

constexpr double kTickFont = 11;
constexpr double kLegendFont = 11.5;
constexpr double kLegendRow = 18;
constexpr double kPad = 8;
constexpr double kTitleBand = 16;  // room for a rotated or bottom axis title
constexpr double kEps = 1e-9;

using Out = std::back_insert_iterator<std::string>;

bool is_log(const ChartAxis& axis) { return axis.scale == AxisScale::kLog; }

// The step of 1, 2 or 5 x 10^k nearest above `raw`.
double nice_step(double raw) {
  if (!(raw > 0) || !std::isfinite(raw)) return 1;
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  const double f = raw / magnitude;
  double nice = 10;
  if (f <= 1 + kEps) {
    nice = 1;
  } else if (f <= 2 + kEps) {
    nice = 2;
  } else if (f <= 5 + kEps) {
    nice = 5;
  }
  return nice * magnitude;
}

bool binary_format(AxisFormat format) {
  return format == AxisFormat::kBandwidth || format == AxisFormat::kBytes;
}

std::string fixed_trimmed(double value) {
  return trim_decimal_zeros(fmt::format("{:.6f}", value));
}

// A byte-format tick in a fixed binary unit, so one axis never mixes
// "512 MiB" and "1.5 GiB".
std::string format_in_unit(AxisFormat format, double value, double unit) {
  if (value == 0) return "0";
  constexpr const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  size_t power = 0;
  for (double u = unit; u >= 1024 && power + 1 < std::size(kUnits); u /= 1024) ++power;
  return trim_decimal_zeros(fmt::format("{:.2f}", value / unit)) + " " + kUnits[power] +
         (format == AxisFormat::kBandwidth ? "/s" : "");
}

AxisLayout linear_layout(const ChartAxis& axis, double lo, double hi, int max_labels,
                         bool extend) {
  AxisLayout layout;
  if (!(hi > lo)) hi = lo + (lo == 0 ? 1 : std::abs(lo) * 0.1);
  max_labels = std::max(max_labels, 2);
  // Byte formats step in whole KiB, MiB, ... so labels read "512 MiB/s".
  double unit = 1;
  if (binary_format(axis.format)) {
    const double biggest = std::max(std::abs(lo), std::abs(hi));
    while (biggest / unit >= 1024 && unit < 1e18) unit *= 1024;
  }
  double step = nice_step((hi - lo) / unit / max_labels) * unit;
  if (extend) {
    if (!axis.min) lo = std::floor(lo / step + kEps) * step;
    if (!axis.max) hi = std::ceil(hi / step - kEps) * step;
  }
  layout.lo = lo;
  layout.hi = hi;
  const double first = std::ceil(lo / step - kEps) * step;
  for (int i = 0; i <= 200; ++i) {
    const double v = first + i * step;
    if (v > hi + step * kEps) break;
    const double value = std::abs(v) < step * kEps ? 0 : v;
    layout.ticks.push_back({value, unit > 1 ? format_in_unit(axis.format, value, unit)
                                            : format_axis_value(axis.format, value)});
  }
  return layout;
}

AxisLayout log_layout(const ChartAxis& axis, double lo, double hi, int max_labels) {
  AxisLayout layout;
  if (!(lo > 0)) lo = hi > 0 ? hi / 10 : 1;
  if (!(hi > lo)) hi = lo * 10;
  int lo_dec = static_cast<int>(std::floor(std::log10(lo) + kEps));
  int hi_dec = static_cast<int>(std::ceil(std::log10(hi) - kEps));
  if (hi_dec <= lo_dec) hi_dec = lo_dec + 1;
  layout.lo = axis.min.value_or(std::pow(10.0, lo_dec));
  layout.hi = axis.max.value_or(std::pow(10.0, hi_dec));
  const int decades = hi_dec - lo_dec;
  const int every = std::max(1, (decades + std::max(max_labels, 1) - 1) / std::max(max_labels, 1));
  const bool label_2_5 = decades <= 2 && max_labels >= 3 * decades + 1;
  for (int d = lo_dec; d <= hi_dec; ++d) {
    const double decade = std::pow(10.0, d);
    for (int m = 1; m <= 9; ++m) {
      const double value = decade * m;
      if (value < layout.lo * (1 - kEps) || value > layout.hi * (1 + kEps)) continue;
      if (m != 1 && decades > 6) continue;
      const bool labelled =
          (m == 1 && (d - lo_dec) % every == 0) || (label_2_5 && (m == 2 || m == 5));
      layout.ticks.push_back({value, labelled ? format_axis_value(axis.format, value) : ""});
    }
  }
  return layout;
}

double max_label_width(const AxisLayout& layout) {
  double width = 0;
  for (const AxisTick& tick : layout.ticks) {
    width = std::max(width, estimate_text_width(tick.label, kTickFont));
  }
  return width;
}

// Maps data values to pixels along one axis.
struct Scale {
  double lo;
  double hi;
  double px0;  // pixel of lo
  double px1;  // pixel of hi
  bool log;

  double operator()(double v) const {
    double t;
    if (log) {
      t = (std::log10(std::max(v, lo * 1e-3)) - std::log10(lo)) / (std::log10(hi) - std::log10(lo));
    } else {
      t = (v - lo) / (hi - lo);
    }
    t = std::clamp(t, -0.05, 1.05);  // keep paths finite; the clip path cuts the rest
    return px0 + t * (px1 - px0);
  }
};

const char* dash_array(LineDash dash) {
  switch (dash) {
    case LineDash::kSolid: return "";
    case LineDash::kDashed: return " stroke-dasharray=\"7 4\"";
    case LineDash::kDotted: return " stroke-dasharray=\"1.5 3\"";
  }
  return "";
}

void emit_text(Out out, double x, double y, const char* anchor, const std::string& text,
               const char* extra = "") {
  fmt::format_to(out, "<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"{}\"{}>{}</text>", x, y,
                 anchor, extra, html_escape(text));
}

}  // namespace

std::string format_axis_value(AxisFormat format, double value) {
  if (value == 0) return "0";
  switch (format) {
    case AxisFormat::kNumber:
    case AxisFormat::kSeconds:
      return fixed_trimmed(value);
    case AxisFormat::kCount:
    case AxisFormat::kIops:
      return trim_decimal_zeros(format_iops(value));
    case AxisFormat::kBandwidth:
      return trim_decimal_zeros(format_bandwidth(value));
    case AxisFormat::kBytes:
      return trim_decimal_zeros(format_bytes(static_cast<uint64_t>(std::llround(value))));
    case AxisFormat::kLatency: {
      std::string text = trim_decimal_zeros(format_latency_ns(value));
      if (text.ends_with(" us")) text.replace(text.size() - 2, 2, "\xC2\xB5s");
      return text;
    }
    case AxisFormat::kPercent:
      return fixed_trimmed(value) + "%";
  }
  return fixed_trimmed(value);
}

double estimate_text_width(const std::string& text, double font_px) {
  // Per-character widths in em, rounded up from DejaVu Sans (the widest
  // common default sans-serif), so layouts never collide in narrower fonts.
  double em = 0;
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c & 0xC0) == 0x80) continue;  // UTF-8 continuation byte
    if (c == ' ' || c == '.' || c == ',' || c == ':' || c == 'i' || c == 'l' || c == '|' ||
        c == '\'' || c == 'j' || c == 'I') {
      em += 0.33;
    } else if (c == 'm' || c == 'w' || c == 'M' || c == 'W' || c == '%') {
      em += 0.95;
    } else if (c >= 'A' && c <= 'Z') {
      em += 0.72;
    } else {
      em += 0.63;
    }
  }
  return em * font_px;
}

AxisLayout layout_axis(const ChartAxis& axis, double data_lo, double data_hi, int max_labels,
                       bool extend) {
  double lo = axis.min.value_or(data_lo);
  double hi = axis.max.value_or(data_hi);
  if (!std::isfinite(lo) || !std::isfinite(hi)) {
    lo = is_log(axis) ? 1 : 0;
    hi = is_log(axis) ? 10 : 1;
  }
  if (is_log(axis)) return log_layout(axis, lo, hi, max_labels);
  return linear_layout(axis, lo, hi, max_labels, extend);
}

SvgChart::SvgChart(ChartKind kind, ChartAxis x, ChartAxis y)
    : kind_(kind), x_axis_(std::move(x)), y_axis_(std::move(y)) {}

void SvgChart::add_series(ChartSeries series) { series_.push_back(std::move(series)); }

void SvgChart::add_hover(double x0, double x1, std::string text) {
  hovers_.push_back({x0, x1, std::move(text)});
}

void SvgChart::set_size(int width, int height) {
  width_ = std::max(width, 200);
  height_ = std::max(height, 120);
}

bool SvgChart::empty() const {
  return std::all_of(series_.begin(), series_.end(), [](const ChartSeries& s) {
    return s.points.empty() && s.bins.empty();
  });
}

std::string SvgChart::to_svg(const std::string& id, const std::string& title) const {
  const bool x_log = is_log(x_axis_);
  const bool y_log = is_log(y_axis_);
  auto usable_x = [x_log](double v) { return std::isfinite(v) && (!x_log || v > 0); };
  auto usable_y = [y_log](double v) { return std::isfinite(v) && (!y_log || v > 0); };

  // ---- data extent
  double x_lo = std::numeric_limits<double>::infinity();
  double x_hi = -x_lo;
  double y_lo = x_lo;
  double y_hi = -x_lo;
  auto see_x = [&](double v) {
    if (usable_x(v)) x_lo = std::min(x_lo, v), x_hi = std::max(x_hi, v);
  };
  auto see_y = [&](double v) {
    if (usable_y(v)) y_lo = std::min(y_lo, v), y_hi = std::max(y_hi, v);
  };
  std::vector<double> stack;  // running bar tops, by bin index
  for (const ChartSeries& s : series_) {
    for (const ChartPoint& p : s.points) {
      if (!std::isfinite(p.y)) continue;
      see_x(p.x);
      see_y(p.y);
    }
    if (kind_ == ChartKind::kStackedBars && stack.size() < s.bins.size()) stack.resize(s.bins.size());
    for (size_t i = 0; i < s.bins.size(); ++i) {
      const ChartBin& b = s.bins[i];
      see_x(b.x0);
      see_x(b.x1);
      if (kind_ == ChartKind::kStackedBars) {
        stack[i] += std::max(0.0, b.y);
        see_y(stack[i]);
      } else {
        see_y(b.y);
      }
    }
  }
  for (const Hover& h : hovers_) see_x(h.x0), see_x(h.x1);
  if (!y_log && y_lo > 0) y_lo = 0;  // rates and counts start at zero
  if (!(y_hi >= y_lo)) y_lo = y_hi = std::numeric_limits<double>::quiet_NaN();
  if (!(x_hi >= x_lo)) x_lo = x_hi = std::numeric_limits<double>::quiet_NaN();

  // ---- legend rows (wrap at the chart width)
  struct LegendEntry {
    const ChartSeries* series;
    double x;
    double row;
  };
  std::vector<LegendEntry> legend;
  double cursor = kPad;
  int rows = 0;
  for (const ChartSeries& s : series_) {
    if (s.label.empty()) continue;
    const double entry = 26 + estimate_text_width(s.label, kLegendFont) + 16;
    if (rows == 0 || (cursor + entry > width_ - kPad && cursor > kPad) ||
        (s.legend_new_row && cursor > kPad)) {
      ++rows;
      cursor = kPad;
    }
    legend.push_back({&s, cursor, static_cast<double>(rows - 1)});
    cursor += entry;
  }
  const double top = kPad + rows * kLegendRow + (rows > 0 ? 12 : 6);
  const double bottom =
      height_ - (kPad + 2 + kTickFont + 4 + (x_axis_.title.empty() ? 0 : kTitleBand));
  const double plot_h = std::max(bottom - top, 40.0);

  // ---- axes
  const int y_labels = std::max(2, static_cast<int>(plot_h / 42));
  const AxisLayout y = layout_axis(y_axis_, y_lo, y_hi, y_labels, /*extend=*/true);
  const double left =
      kPad + (y_axis_.title.empty() ? 0 : kTitleBand) + max_label_width(y) + 8;
  double right = width_ - kPad - 10;
  double plot_w = std::max(right - left, 60.0);
  AxisLayout x = layout_axis(x_axis_, x_lo, x_hi, 12, /*extend=*/false);
  const int x_labels =
      std::clamp(static_cast<int>(plot_w / (max_label_width(x) + 22)), 2, 10);
  x = layout_axis(x_axis_, x_lo, x_hi, x_labels, /*extend=*/false);
  // The last label is centred on its tick: keep it inside the drawing.
  if (!x.ticks.empty() && !x.ticks.back().label.empty() && x.ticks.back().value >= x.hi * (1 - kEps)) {
    right = std::min(right, width_ - 2 - estimate_text_width(x.ticks.back().label, kTickFont) / 2);
    plot_w = std::max(right - left, 60.0);
  }
  const Scale sx{x.lo, x.hi, left, left + plot_w, x_log};
  const Scale sy{y.lo, y.hi, top + plot_h, top, y_log};
  const double base_y = top + plot_h;

  std::string svg;
  Out out(svg);
  fmt::format_to(out,
                 "<svg class=\"chart\" id=\"{0}\" viewBox=\"0 0 {1} {2}\" role=\"img\" "
                 "aria-label=\"{3}\" font-size=\"{4}\" fill=\"#374151\">",
                 html_escape(id), width_, height_, html_escape(title), kTickFont);
  fmt::format_to(out,
                 "<defs><clipPath id=\"{}-plot\"><rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" "
                 "height=\"{:.1f}\"/></clipPath></defs>",
                 html_escape(id), left, top - 2, plot_w, plot_h + 4);

  // grid and tick labels
  out = fmt::format_to(out, "<g class=\"grid\">");
  for (const AxisTick& t : y.ticks) {
    const double py = sy(t.value);
    fmt::format_to(out, "<line x1=\"{:.1f}\" x2=\"{:.1f}\" y1=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"{}\"/>",
                   left, left + plot_w, py, py, t.label.empty() ? "#f1f3f5" : "#e3e6ea");
  }
  for (const AxisTick& t : x.ticks) {
    const double px = sx(t.value);
    fmt::format_to(out, "<line x1=\"{:.1f}\" x2=\"{:.1f}\" y1=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"{}\"/>",
                   px, px, top, base_y, t.label.empty() ? "#f4f5f7" : "#eceef1");
  }
  out = fmt::format_to(out, "</g><g class=\"ticks\" fill=\"#4b5563\">");
  for (const AxisTick& t : y.ticks) {
    if (t.label.empty()) continue;
    emit_text(out, left - 6, sy(t.value) + kTickFont * 0.35, "end", t.label);
  }
  for (const AxisTick& t : x.ticks) {
    if (t.label.empty()) continue;
    emit_text(out, sx(t.value), base_y + 4 + kTickFont, "middle", t.label);
  }
  out = fmt::format_to(out, "</g>");
  if (!y_axis_.title.empty()) {
    const double cx = kPad + 9;
    const double cy = top + plot_h / 2;
    emit_text(out, cx, cy, "middle", y_axis_.title,
              fmt::format(" transform=\"rotate(-90 {:.1f} {:.1f})\" class=\"axis-title\"", cx, cy)
                  .c_str());
  }
  if (!x_axis_.title.empty()) {
    emit_text(out, left + plot_w / 2, height_ - kPad - 1, "middle", x_axis_.title,
              " class=\"axis-title\"");
  }

  // series
  fmt::format_to(out, "<g clip-path=\"url(#{}-plot)\">", html_escape(id));
  std::vector<double> floor_of(stack.size(), 0.0);
  for (const ChartSeries& s : series_) {
    std::string d;
    Out path(d);
    if (kind_ == ChartKind::kLines) {
      bool pen_down = false;
      for (const ChartPoint& p : s.points) {
        if (!usable_x(p.x) || !usable_y(p.y)) {
          pen_down = false;
          continue;
        }
        fmt::format_to(path, "{}{:.1f} {:.1f}", pen_down ? "L" : "M", sx(p.x), sy(p.y));
        pen_down = true;
      }
      fmt::format_to(out,
                     "<path class=\"series\" data-series=\"{}\" d=\"{}\" fill=\"none\" "
                     "stroke=\"{}\" stroke-width=\"1.8\" stroke-linejoin=\"round\" "
                     "stroke-linecap=\"round\"{}/>",
                     html_escape(s.label), d, s.color, dash_array(s.dash));
    } else if (kind_ == ChartKind::kSteps) {
      double last_x1 = std::numeric_limits<double>::quiet_NaN();
      bool open = false;
      std::string area;
      Out fill(area);
      for (const ChartBin& b : s.bins) {
        if (!usable_x(b.x0) || !usable_x(b.x1)) continue;
        const double x0 = sx(b.x0);
        const double x1 = sx(b.x1);
        const double py = usable_y(b.y) ? sy(b.y) : base_y;
        if (!open || std::abs(b.x0 - last_x1) > std::abs(b.x0) * 1e-9) {
          if (open) fmt::format_to(path, "V{:.1f}", base_y);
          fmt::format_to(path, "M{:.1f} {:.1f}", x0, base_y);
          open = true;
        }
        fmt::format_to(path, "V{:.1f}H{:.1f}", py, x1);
        fmt::format_to(fill, "M{:.1f} {:.1f}V{:.1f}H{:.1f}V{:.1f}Z", x0, base_y, py, x1, base_y);
        last_x1 = b.x1;
      }
      if (open) fmt::format_to(path, "V{:.1f}", base_y);
      fmt::format_to(out, "<path class=\"area\" d=\"{}\" fill=\"{}\" fill-opacity=\"0.10\"/>", area,
                     s.color);
      fmt::format_to(out,
                     "<path class=\"series\" data-series=\"{}\" d=\"{}\" fill=\"none\" "
                     "stroke=\"{}\" stroke-width=\"1.6\" stroke-linejoin=\"round\"{}/>",
                     html_escape(s.label), d, s.color, dash_array(s.dash));
    } else {  // stacked bars
      for (size_t i = 0; i < s.bins.size() && i < floor_of.size(); ++i) {
        const ChartBin& b = s.bins[i];
        const double value = std::max(0.0, b.y);
        if (value <= 0 || !usable_x(b.x0) || !usable_x(b.x1)) continue;
        const double y0 = sy(floor_of[i]);
        const double y1 = sy(floor_of[i] + value);
        floor_of[i] += value;
        double x0 = sx(b.x0);
        double x1 = sx(b.x1);
        if (x1 - x0 > 3) x0 += 0.5, x1 -= 0.5;  // a hairline between bars
        fmt::format_to(path, "M{:.1f} {:.1f}H{:.1f}V{:.1f}H{:.1f}Z", x0, y0, x1, y1, x0);
      }
      fmt::format_to(out, "<path class=\"series\" data-series=\"{}\" d=\"{}\" fill=\"{}\"/>",
                     html_escape(s.label), d, s.color);
    }
  }
  out = fmt::format_to(out, "</g>");

  // axis lines
  fmt::format_to(out,
                 "<path d=\"M{0:.1f} {1:.1f}V{2:.1f}H{3:.1f}\" fill=\"none\" stroke=\"#9aa1ab\"/>",
                 left, top, base_y, left + plot_w);

  // hover bands (shown as a tooltip by the page; highlighted by CSS)
  if (!hovers_.empty()) {
    out = fmt::format_to(out, "<g class=\"hover\">");
    for (const Hover& h : hovers_) {
      if (!usable_x(h.x0) || !usable_x(h.x1)) continue;
      const double x0 = std::max(sx(h.x0), left);
      const double x1 = std::min(sx(h.x1), left + plot_w);
      if (x1 <= x0) continue;
      fmt::format_to(out,
                     "<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" "
                     "data-tip=\"{}\"/>",
                     x0, top, x1 - x0, plot_h, html_escape(h.text));
    }
    out = fmt::format_to(out, "</g>");
  }

  // legend
  if (!legend.empty()) {
    out = fmt::format_to(out, "<g class=\"legend\" font-size=\"{}\">", kLegendFont);
    for (const LegendEntry& e : legend) {
      const double cy = kPad + e.row * kLegendRow + kLegendRow / 2;
      if (kind_ == ChartKind::kLines) {
        fmt::format_to(out,
                       "<line x1=\"{:.1f}\" x2=\"{:.1f}\" y1=\"{:.1f}\" y2=\"{:.1f}\" "
                       "stroke=\"{}\" stroke-width=\"2.2\" stroke-linecap=\"round\"{}/>",
                       e.x, e.x + 20, cy, cy, e.series->color, dash_array(e.series->dash));
      } else {
        fmt::format_to(out,
                       "<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"14\" height=\"10\" rx=\"2\" "
                       "fill=\"{}\" fill-opacity=\"{}\" stroke=\"{}\"/>",
                       e.x + 3, cy - 5, e.series->color,
                       kind_ == ChartKind::kSteps ? "0.25" : "1", e.series->color);
      }
      emit_text(out, e.x + 26, cy + kLegendFont * 0.35, "start", e.series->label);
    }
    out = fmt::format_to(out, "</g>");
  }
  out = fmt::format_to(out, "</svg>");
  return svg;
}

}  // namespace iopulse
