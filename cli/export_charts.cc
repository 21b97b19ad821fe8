#include "cli/export_charts.h"

#include <algorithm>
#include <array>

#include "host/core/money.h"
#include "section/sdk/vocabulary.h"

namespace section::cli {
namespace {

struct KindStyle {
  section::v1::ValueKind kind;
  const char* name;
  const char* color;
};
constexpr std::array<KindStyle, 4> kKinds = {{{section::v1::PLANNED, "Planned", "#9db4cc"},
                                               {section::v1::ACTUAL, "Actual", "#1f4e79"},
                                               {section::v1::TARGET, "Target", "#d08a2e"},
                                               {section::v1::INTERIM, "Interim", "#6aa56a"}}};

std::string axis_label(section::v1::Unit unit) {
  switch (unit) {
    case section::v1::UNIT_PERCENT: return "Per cent";
    case section::v1::UNIT_DAYS: return "Days";
    case section::v1::UNIT_COUNT: return "Number";
    case section::v1::UNIT_USD: return "United States dollars";
    case section::v1::UNIT_POSTS: return "Posts";
    default: return "Value";
  }
}

double as_double(const section::v1::Decimal& d) {
  double value = static_cast<double>(d.units());
  for (std::uint32_t i = 0; i < d.scale(); ++i) value /= 10;
  return value;
}

const section::v1::Table* find_table(const SectionExport& data, const std::string& id) {
  for (const auto& table : data.tables) {
    if (table.id() == id) return &table;
  }
  return nullptr;
}

}  // namespace

std::optional<svg::BarChart> measure_chart(const section::v1::PerformanceMeasure& measure) {
  std::vector<int> years;
  std::vector<section::v1::ValueKind> kinds;
  for (const auto& v : measure.values()) {
    if (!v.has_number()) continue;
    years.push_back(v.year());
    kinds.push_back(v.kind());
  }
  if (years.empty()) return std::nullopt;
  std::sort(years.begin(), years.end());
  years.erase(std::unique(years.begin(), years.end()), years.end());
  svg::BarChart chart;
  std::vector<std::size_t> series_of(kKinds.size(), kKinds.size());
  std::string names;
  for (std::size_t k = 0; k < kKinds.size(); ++k) {
    if (std::find(kinds.begin(), kinds.end(), kKinds[k].kind) == kinds.end()) continue;
    series_of[k] = chart.series.size();
    chart.series.push_back({kKinds[k].name, kKinds[k].color});
    names += std::string(names.empty() ? "" : ", ") + kKinds[k].name;
  }
  for (int year : years) chart.categories.push_back(std::to_string(year));
  for (const auto& v : measure.values()) {
    if (!v.has_number()) continue;
    const auto k = std::find_if(kKinds.begin(), kKinds.end(), [&](const auto& s) { return s.kind == v.kind(); });
    if (k == kKinds.end()) continue;
    const auto year = std::find(years.begin(), years.end(), v.year()) - years.begin();
    chart.values.push_back({static_cast<std::size_t>(year), series_of[k - kKinds.begin()], as_double(v.number()),
                            vocabulary::decimal_text(v.number()) + (measure.unit() == section::v1::UNIT_PERCENT ? "%" : "")});
  }
  chart.title = measure.title() + " — " + names + " by year (" + axis_label(measure.unit()) + ")";
  chart.value_axis = axis_label(measure.unit());
  return chart;
}

std::optional<svg::BarChart> resources_chart(const SectionExport& data) {
  svg::BarChart chart;
  chart.horizontal = true;
  chart.series = {{"Regular budget", "#1f4e79"}, {"Extrabudgetary", "#9db4cc"}};
  const std::array<const section::v1::Table*, 2> sources = {find_table(data, "financial-by-component-rb"),
                                                            find_table(data, "financial-by-component-xb")};
  for (const auto& component : data.section.components()) {
    std::optional<std::size_t> category;
    for (std::size_t s = 0; s < sources.size(); ++s) {
      if (sources[s] == nullptr) continue;
      for (const auto& row : sources[s]->rows()) {
        const auto cell = row.cells().find("estimate");
        if (row.key() != component.id() || cell == row.cells().end() || cell->second.value_case() != section::v1::Cell::kInteger) continue;
        if (!category) {
          category = chart.categories.size();
          chart.categories.push_back(row.label());
        }
        const std::int64_t dollars = cell->second.integer();
        chart.values.push_back({*category, s, static_cast<double>(dollars) / 1000, money::thousands(dollars)});
      }
    }
  }
  if (chart.values.empty()) return std::nullopt;
  const std::string year = std::to_string(data.section.info().budget_year());
  chart.title = "Resources by component, " + year + " estimate: regular budget and extrabudgetary (thousands of United States dollars)";
  chart.value_axis = "Thousands of United States dollars, " + year + " estimate";
  return chart;
}

}  // namespace section::cli
