// Bar charts as inline SVG, for the HTML export. The geometry is computed apart from the markup
// so that tests check it as numbers. Values are doubles because they only place bars: every
// figure printed on a chart is a text the caller formats exactly (money never goes through here
// as text).
#pragma once

#include <string>
#include <vector>

namespace section::cli::svg {

struct Series {
  std::string name;   // in the legend
  std::string color;  // a CSS colour, written as the bars' fill so the SVG stands alone
};

struct Value {
  std::size_t category = 0;  // index into BarChart::categories
  std::size_t series = 0;    // index into BarChart::series
  double value = 0;
  std::string label;         // printed at the end of the bar
};

struct BarChart {
  std::string title;       // the SVG's <title> and aria-label
  std::string value_axis;  // the value axis label, with the unit
  std::vector<std::string> categories;  // years (vertical bars) or components (horizontal bars)
  std::vector<Series> series;
  std::vector<Value> values;
  bool horizontal = false;
};

// A value axis that includes zero, with ticks at multiples of `step`.
struct Scale {
  double low = 0;
  double high = 1;
  double step = 1;
};
Scale nice_scale(double low, double high);

struct Box {
  double x = 0;
  double y = 0;
  double width = 0;
  double height = 0;
};

struct Tick {
  double value = 0;
  double position = 0;  // y for vertical bars, x for horizontal ones
};

struct Geometry {
  double width = 0;
  double height = 0;
  Box plot;
  Scale scale;
  double zero = 0;         // the position of value 0 on the value axis
  std::vector<Box> bars;   // one per BarChart::values, in the same order
  std::vector<Tick> ticks;
};

Geometry layout(const BarChart& chart);

// <svg class="chart" role="img" aria-label=…><title>…</title>…</svg>
std::string render(const BarChart& chart);

// A tick label: whole numbers grouped by thousands with a space, as the fascicle does; as many
// decimals as `step` needs otherwise.
std::string tick_text(double value, double step);

// Text for HTML and SVG: & < > " ' escaped.
std::string escape(const std::string& text);

}  // namespace section::cli::svg
