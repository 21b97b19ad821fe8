#include "cli/svg_chart.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

namespace section::cli::svg {
namespace {

// Vertical bars: one group of bars per year.
constexpr double kVerticalWidth = 560;
constexpr double kVerticalHeight = 260;
// Horizontal bars: one row per component, its label above its bars.
constexpr double kHorizontalWidth = 760;
constexpr double kRowLabel = 18;
constexpr double kRowBar = 16;
constexpr double kRowGap = 10;

constexpr double kTop = 40;  // below the legend
constexpr double kGroupFill = 0.72;  // share of a year's slot that its bars take at most
constexpr double kMaxBarWidth = 40;

std::string number(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.2f", value);
  std::string text = buffer;
  while (text.back() == '0') text.pop_back();
  if (text.back() == '.') text.pop_back();
  return text == "-0" ? "0" : text;
}

double position(const Geometry& g, bool horizontal, double value) {
  const double share = (value - g.scale.low) / (g.scale.high - g.scale.low);
  return horizontal ? g.plot.x + share * g.plot.width : g.plot.y + (1 - share) * g.plot.height;
}

}  // namespace

Scale nice_scale(double low, double high) {
  low = std::min(low, 0.0);
  high = std::max(high, 0.0);
  if (!(high - low > 0)) high = low + 1;  // no values, or all zero
  const double raw = (high - low) / 5;
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  const double normal = raw / magnitude;
  const double step = magnitude * (normal <= 1 ? 1 : normal <= 2 ? 2 : normal <= 2.5 ? 2.5 : normal <= 5 ? 5 : 10);
  // The epsilon keeps a value that is a multiple of the step from gaining a step by rounding.
  return {std::floor(low / step + 1e-9) * step, std::ceil(high / step - 1e-9) * step, step};
}

Geometry layout(const BarChart& chart) {
  Geometry g;
  double low = 0;
  double high = 0;
  for (const auto& v : chart.values) {
    low = std::min(low, v.value);
    high = std::max(high, v.value);
  }
  g.scale = nice_scale(low, high);
  const std::size_t categories = std::max<std::size_t>(chart.categories.size(), 1);
  const std::size_t series = std::max<std::size_t>(chart.series.size(), 1);
  if (chart.horizontal) {
    const double row = kRowLabel + series * kRowBar + kRowGap;
    g.width = kHorizontalWidth;
    g.plot = {16, kTop, kHorizontalWidth - 16 - 96, row * categories};
    g.height = g.plot.y + g.plot.height + 44;
  } else {
    g.width = kVerticalWidth;
    g.height = kVerticalHeight;
    g.plot = {64, kTop, kVerticalWidth - 64 - 16, kVerticalHeight - kTop - 34};
  }
  g.zero = position(g, chart.horizontal, 0);
  const int steps = static_cast<int>(std::lround((g.scale.high - g.scale.low) / g.scale.step));
  for (int i = 0; i <= steps; ++i) {
    const double value = g.scale.low + i * g.scale.step;
    g.ticks.push_back({value, position(g, chart.horizontal, value)});
  }
  for (const auto& v : chart.values) {
    const double end = position(g, chart.horizontal, v.value);
    Box bar;
    if (chart.horizontal) {
      const double row = kRowLabel + series * kRowBar + kRowGap;
      bar.y = g.plot.y + v.category * row + kRowLabel + v.series * kRowBar;
      bar.height = kRowBar - 4;
      bar.x = std::min(end, g.zero);
      bar.width = std::abs(end - g.zero);
    } else {
      const double slot = g.plot.width / categories;
      const double width = std::min(slot * kGroupFill / series, kMaxBarWidth);
      bar.x = g.plot.x + v.category * slot + (slot - width * series) / 2 + v.series * width;
      bar.width = width;
      bar.y = std::min(end, g.zero);
      bar.height = std::abs(end - g.zero);
    }
    g.bars.push_back(bar);
  }
  return g;
}

namespace {

// Legend, left to right above the plot.
void write_legend(std::ostream& out, const BarChart& chart, const Geometry& g) {
  double x = g.plot.x;
  for (const auto& s : chart.series) {
    out << "<rect class=\"key\" x=\"" << number(x) << "\" y=\"10\" width=\"10\" height=\"10\" fill=\"" << escape(s.color)
        << "\"/><text x=\"" << number(x + 14) << "\" y=\"19\">" << escape(s.name) << "</text>\n";
    x += 14 + 6.5 * s.name.size() + 16;
  }
}

// Grid and tick labels.
void write_ticks(std::ostream& out, const BarChart& chart, const Geometry& g) {
  for (const auto& tick : g.ticks) {
    const std::string p = number(tick.position);
    if (chart.horizontal) {
      out << "<line x1=\"" << p << "\" y1=\"" << number(g.plot.y) << "\" x2=\"" << p << "\" y2=\""
          << number(g.plot.y + g.plot.height) << "\" stroke=\"#ddd\"/><text x=\"" << p << "\" y=\""
          << number(g.plot.y + g.plot.height + 14) << "\" text-anchor=\"middle\">" << tick_text(tick.value, g.scale.step)
          << "</text>\n";
    } else {
      out << "<line x1=\"" << number(g.plot.x) << "\" y1=\"" << p << "\" x2=\"" << number(g.plot.x + g.plot.width)
          << "\" y2=\"" << p << "\" stroke=\"#ddd\"/><text x=\"" << number(g.plot.x - 6) << "\" y=\"" << number(tick.position + 4)
          << "\" text-anchor=\"end\">" << tick_text(tick.value, g.scale.step) << "</text>\n";
    }
  }
}

// Category labels: years under their group, components above their row.
void write_categories(std::ostream& out, const BarChart& chart, const Geometry& g) {
  const std::size_t categories = std::max<std::size_t>(chart.categories.size(), 1);
  for (std::size_t c = 0; c < chart.categories.size(); ++c) {
    if (chart.horizontal) {
      const double row = g.plot.height / categories;
      out << "<text class=\"category\" x=\"" << number(g.plot.x) << "\" y=\"" << number(g.plot.y + c * row + 13)
          << "\" font-weight=\"bold\">" << escape(chart.categories[c]) << "</text>\n";
    } else {
      const double slot = g.plot.width / categories;
      out << "<text class=\"category\" x=\"" << number(g.plot.x + (c + 0.5) * slot) << "\" y=\""
          << number(g.plot.y + g.plot.height + 16) << "\" text-anchor=\"middle\">" << escape(chart.categories[c]) << "</text>\n";
    }
  }
}

// Bars, each with its figure at its end and a tooltip naming it.
void write_bars(std::ostream& out, const BarChart& chart, const Geometry& g) {
  for (std::size_t i = 0; i < chart.values.size(); ++i) {
    const Value& v = chart.values[i];
    const Box& b = g.bars[i];
    const std::string name = (v.series < chart.series.size() ? chart.series[v.series].name : "") + ", " +
                             (v.category < chart.categories.size() ? chart.categories[v.category] : "") + ": " + v.label;
    out << "<rect class=\"bar\" x=\"" << number(b.x) << "\" y=\"" << number(b.y) << "\" width=\"" << number(b.width)
        << "\" height=\"" << number(b.height) << "\" fill=\""
        << escape(v.series < chart.series.size() ? chart.series[v.series].color : "#888") << "\"><title>" << escape(name)
        << "</title></rect>\n";
    const bool negative = v.value < 0;
    if (chart.horizontal) {
      out << "<text class=\"figure\" x=\"" << number(negative ? b.x - 4 : b.x + b.width + 4) << "\" y=\""
          << number(b.y + b.height - 2) << "\" text-anchor=\"" << (negative ? "end" : "start") << "\">" << escape(v.label)
          << "</text>\n";
    } else {
      out << "<text class=\"figure\" x=\"" << number(b.x + b.width / 2) << "\" y=\""
          << number(negative ? b.y + b.height + 11 : b.y - 3) << "\" text-anchor=\"middle\" font-size=\"10\">"
          << escape(v.label) << "</text>\n";
    }
  }
}

// The zero line, over the bars' ends, and the value axis label.
void write_axis(std::ostream& out, const BarChart& chart, const Geometry& g) {
  if (chart.horizontal) {
    out << "<line class=\"zero\" x1=\"" << number(g.zero) << "\" y1=\"" << number(g.plot.y) << "\" x2=\"" << number(g.zero)
        << "\" y2=\"" << number(g.plot.y + g.plot.height) << "\" stroke=\"#333\"/>\n<text class=\"axis\" x=\""
        << number(g.plot.x + g.plot.width / 2) << "\" y=\"" << number(g.plot.y + g.plot.height + 34)
        << "\" text-anchor=\"middle\">" << escape(chart.value_axis) << "</text>\n";
  } else {
    const double middle = g.plot.y + g.plot.height / 2;
    out << "<line class=\"zero\" x1=\"" << number(g.plot.x) << "\" y1=\"" << number(g.zero) << "\" x2=\""
        << number(g.plot.x + g.plot.width) << "\" y2=\"" << number(g.zero) << "\" stroke=\"#333\"/>\n<text class=\"axis\" x=\"14\" y=\""
        << number(middle) << "\" text-anchor=\"middle\" transform=\"rotate(-90 14 " << number(middle) << ")\">"
        << escape(chart.value_axis) << "</text>\n";
  }
}

}  // namespace

std::string render(const BarChart& chart) {
  const Geometry g = layout(chart);
  std::ostringstream out;
  out << "<svg class=\"chart\" role=\"img\" aria-label=\"" << escape(chart.title) << "\" viewBox=\"0 0 " << number(g.width)
      << " " << number(g.height) << "\" width=\"" << number(g.width) << "\" height=\"" << number(g.height)
      << "\" font-size=\"11\">\n<title>" << escape(chart.title) << "</title>\n";
  write_legend(out, chart, g);
  write_ticks(out, chart, g);
  write_categories(out, chart, g);
  write_bars(out, chart, g);
  write_axis(out, chart, g);
  out << "</svg>\n";
  return out.str();
}

std::string tick_text(double value, double step) {
  int decimals = 0;
  while (decimals < 3 && std::abs(step * std::pow(10.0, decimals) - std::round(step * std::pow(10.0, decimals))) > 1e-6) ++decimals;
  char buffer[48];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, std::abs(value));
  std::string digits = buffer;
  const std::size_t point = std::min(digits.find('.'), digits.size());
  for (std::size_t i = point; i > 3; i -= 3) digits.insert(i - 3, " ");
  const bool negative = value < 0 && digits.find_first_not_of("0. ") != std::string::npos;
  return (negative ? "-" : "") + digits;
}

std::string escape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

}  // namespace section::cli::svg
