#include "cli/section_export.h"

#include <algorithm>

#include "section/sdk/vocabulary.h"

namespace section::cli {
namespace {

// The fascicle's order within a component: results and measures, deliverables, resources.
int component_table_rank(const std::string& prefix) {
  if (prefix == "measures") return 0;
  if (prefix == "deliverables") return 1;
  if (prefix == "component-evolution") return 2;
  return 3;
}

bool is_closing(const std::string& id) { return id == "deliverables" || id == "variances" || id == "reconciliation"; }

bool any_transcribed(const google::protobuf::RepeatedPtrField<section::v1::Text>& texts) {
  return std::any_of(texts.begin(), texts.end(), [](const auto& t) { return t.provenance().title_transcribed(); });
}

bool any_transcribed(const section::v1::Component& c) {
  return c.description().provenance().title_transcribed() || c.objective().provenance().title_transcribed() ||
         any_transcribed(c.strategy()) || any_transcribed(c.expected_outcomes()) || any_transcribed(c.programme_performance()) ||
         any_transcribed(c.resource_notes());
}

}  // namespace

bool any_transcribed(const SectionExport& data) {
  const auto& s = data.section;
  const auto& measures = data.measures.measures();
  return any_transcribed(s.orientation()) || any_transcribed(s.programme_performance()) || any_transcribed(s.evaluation()) ||
         std::any_of(s.components().begin(), s.components().end(), [](const auto& c) { return any_transcribed(c); }) ||
         std::any_of(measures.begin(), measures.end(), [](const auto& m) { return m.measure().provenance().title_transcribed(); });
}

bool parse_export_format(const std::string& word, ExportFormat* format) {
  if (word == "csv") *format = ExportFormat::kCsv;
  else if (word == "md" || word == "markdown") *format = ExportFormat::kMarkdown;
  else if (word == "json") *format = ExportFormat::kJson;
  else if (word == "html") *format = ExportFormat::kHtml;
  else return false;
  return true;
}

VersionRange version_range(const SectionExport& data) {
  std::vector<std::uint64_t> versions = {data.status.version(), data.section.version(), data.index.version(),
                                         data.measures.version(), data.deliverables.version()};
  for (const auto& table : data.tables) versions.push_back(table.version());
  const auto [low, high] = std::minmax_element(versions.begin(), versions.end());
  return {*low, *high};
}

std::string measure_value_text(const section::v1::MeasureValue& value, section::v1::Unit unit) {
  std::string text;
  if (value.has_number()) {
    text = vocabulary::decimal_text(value.number()) +
           (unit == section::v1::UNIT_PERCENT ? "%" : unit == section::v1::UNIT_DAYS ? " days" : "");
  }
  if (!value.text().empty()) text += (text.empty() ? "" : " — ") + value.text();
  if (!value.reported_by().empty()) text += " [reported by " + value.reported_by() + "]";
  return text;
}

TablePlacement place_tables(const SectionExport& data) {
  TablePlacement placement;
  const auto& components = data.section.components();
  placement.components.resize(components.size());
  std::vector<std::vector<std::pair<int, const section::v1::Table*>>> ranked(components.size());
  for (const auto& table : data.tables) {
    const std::string& id = table.id();
    const std::size_t slash = id.find('/');
    if (slash == std::string::npos) {
      (is_closing(id) ? placement.closing : placement.overall).push_back(&table);
      continue;
    }
    const std::string owner = id.substr(slash + 1);
    const auto found = std::find_if(components.begin(), components.end(), [&](const auto& c) { return c.id() == owner; });
    if (found == components.end()) {
      placement.closing.push_back(&table);
    } else {
      ranked[found - components.begin()].emplace_back(component_table_rank(id.substr(0, slash)), &table);
    }
  }
  for (std::size_t i = 0; i < ranked.size(); ++i) {
    std::stable_sort(ranked[i].begin(), ranked[i].end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    for (const auto& entry : ranked[i]) placement.components[i].push_back(entry.second);
  }
  return placement;
}

std::vector<MeasureGroup> measure_groups(const SectionExport& data, const section::v1::Component& component,
                                         std::vector<bool>& used) {
  used.resize(data.measures.measures_size(), false);
  auto take = [&](MeasureGroup& group, auto&& wanted) {
    for (int i = 0; i < data.measures.measures_size(); ++i) {
      const auto& entry = data.measures.measures(i);
      if (used[i] || entry.component() != component.id() || !wanted(entry)) continue;
      used[i] = true;
      group.measures.push_back(&entry);
    }
  };
  std::vector<MeasureGroup> groups;
  int number = 0;
  for (const auto& result : component.results()) {
    MeasureGroup group;
    group.result = &result;
    group.title = result.highlighted() ? "Highlighted result: " + result.title()
                                       : "Result " + std::to_string(++number) + ": " + result.title();
    take(group, [&](const auto& entry) { return entry.result_id() == result.id(); });
    groups.push_back(std::move(group));
  }
  MeasureGroup compliance;
  compliance.title = "Compliance";
  take(compliance, [](const auto& entry) { return entry.result_id().empty(); });
  if (!compliance.measures.empty()) groups.push_back(std::move(compliance));
  MeasureGroup others;
  others.title = "Other performance measures";
  take(others, [](const auto&) { return true; });
  if (!others.measures.empty()) groups.push_back(std::move(others));
  return groups;
}

std::string component_heading(const section::v1::Component& component) {
  if (component.kind() == section::v1::SUBPROGRAMME && component.subprogramme() > 0) {
    return "Subprogramme " + std::to_string(component.subprogramme()) + ": " + component.title();
  }
  return component.title().empty() ? component.id() : component.title();
}

}  // namespace section::cli
