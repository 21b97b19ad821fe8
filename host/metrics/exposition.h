// The Prometheus text exposition format (version 0.0.4), written by hand: the host needs no
// client library for a few dozen families. Pure: a family's HELP and TYPE lines, then its
// samples, label values escaped; a histogram as cumulative _bucket lines up to le="+Inf",
// then _sum and _count.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace section::metrics {

using Labels = std::vector<std::pair<std::string, std::string>>;

// A label value as the format wants it: backslash, double quote and line feed escaped.
std::string escape_label_value(std::string_view value);
// A HELP text: backslash and line feed escaped.
std::string escape_help(std::string_view text);
// A sample value: integers without a decimal point, +Inf, -Inf, NaN, else the shortest text
// that reads back as the same double.
std::string format_value(double value);

class Exposition {
 public:
  // Starts a family; `type` is "counter", "gauge" or "histogram". Every sample of the family
  // follows before the next family starts.
  void family(std::string_view name, std::string_view type, std::string_view help);
  void sample(std::string_view name, const Labels& labels, double value);
  // One histogram series: `counts` has one entry per bound and a last one for +Inf, each the
  // number of observations in that bucket alone (not cumulative); `sum` in the unit observed.
  void histogram(std::string_view name, const Labels& labels, const std::vector<double>& bounds,
                 const std::vector<std::uint64_t>& counts, double sum);

  const std::string& text() const { return text_; }

 private:
  void line(std::string_view name, const Labels& labels, const std::string& value);

  std::string text_;
};

}  // namespace section::metrics
