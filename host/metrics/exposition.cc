#include "host/metrics/exposition.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace section::metrics {

std::string escape_label_value(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::string escape_help(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::string format_value(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  if (value == std::floor(value) && std::fabs(value) < 1e15) {
    char integer[32];
    std::snprintf(integer, sizeof integer, "%.0f", value);
    return integer;
  }
  char text[32];
  for (int precision = 1; precision <= 17; ++precision) {
    std::snprintf(text, sizeof text, "%.*g", precision, value);
    if (std::strtod(text, nullptr) == value) break;
  }
  return text;
}

void Exposition::family(std::string_view name, std::string_view type, std::string_view help) {
  text_.append("# HELP ").append(name).append(" ").append(escape_help(help)).append("\n");
  text_.append("# TYPE ").append(name).append(" ").append(type).append("\n");
}

void Exposition::line(std::string_view name, const Labels& labels, const std::string& value) {
  text_.append(name);
  if (!labels.empty()) {
    text_ += '{';
    for (std::size_t i = 0; i < labels.size(); ++i) {
      if (i > 0) text_ += ',';
      text_.append(labels[i].first).append("=\"").append(escape_label_value(labels[i].second)).append("\"");
    }
    text_ += '}';
  }
  text_.append(" ").append(value).append("\n");
}

void Exposition::sample(std::string_view name, const Labels& labels, double value) { line(name, labels, format_value(value)); }

void Exposition::histogram(std::string_view name, const Labels& labels, const std::vector<double>& bounds,
                           const std::vector<std::uint64_t>& counts, double sum) {
  const std::string base(name);
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i <= bounds.size() && i < counts.size(); ++i) {
    cumulative += counts[i];
    Labels with_le = labels;
    with_le.emplace_back("le", i < bounds.size() ? format_value(bounds[i]) : "+Inf");
    line(base + "_bucket", with_le, std::to_string(cumulative));
  }
  line(base + "_sum", labels, format_value(sum));
  line(base + "_count", labels, std::to_string(cumulative));
}

}  // namespace section::metrics
