#include "host/aggregate/table_languages.h"

#include <cctype>
#include <sstream>
#include <unordered_map>

#include "section/sdk/vocabulary.h"

namespace section::aggregate {
namespace {

bool starts_with(const std::string& text, const std::string& prefix) { return text.compare(0, prefix.size(), prefix) == 0; }

void put(language::Forms* languages, const std::string& field, const std::string& zh,
         section::v1::TextOrigin origin = section::v1::TEXT_ORIGIN_AS_PRINTED) {
  if (zh.empty()) return;
  section::v1::TextForms& forms = language::entry(languages, field);
  language::set_text(forms, kSourceLanguage, zh);
  forms.set_origin(origin);
}

// What a table's words are looked up in: the budget year, and the components it may name (all
// those served, or the one whose own table it is).
// By id, not by a scan of the components: a table by component has a row per component.
struct Names {
  int year = 0;
  std::unordered_map<std::string, const section::v1::Component*> components;
};

const section::v1::Component* component_of(const Names& names, const std::string& id) {
  const auto found = names.components.find(id);
  return found == names.components.end() ? nullptr : found->second;
}

// "A. 行政领导和管理", "1. 方案规划、财务和预算": component_label() in the component's Chinese.
std::string component_label_zh(const section::v1::Component& component) {
  const section::v1::TextForms* found = language::find(component.languages(), "title");
  const std::string* zh = found == nullptr ? nullptr : language::text_in(*found, kSourceLanguage);
  if (zh == nullptr) return {};
  const std::string label = component_label(component);
  return label.substr(0, label.size() - component.title().size()) + *zh;
}

bool extrabudgetary(const section::v1::Table& table) {
  return table.id() == "financial-by-component-xb" || table.id() == "posts-by-component-xb";
}

std::string title_zh(const Names& input, const section::v1::Table& table) {
  const int year = input.year;
  if (starts_with(table.id(), "component-evolution/")) {
    // Tables 29F.19 to 29F.23: "行政领导和管理：…", "次级方案 1：…".
    const auto* component = component_of(input, table.id().substr(std::string("component-evolution/").size()));
    if (component == nullptr) return {};
    std::string name;
    if (component->kind() == section::v1::SUBPROGRAMME) {
      name = vocabulary::table_word_zh("row.subprogramme", year) + " " + std::to_string(component->subprogramme());
    } else {
      const std::string label = component_label_zh(*component);
      if (label.empty()) return {};
      name = label.substr(label.find(". ") + 2);
    }
    std::string title = vocabulary::table_word_zh("title.component-evolution", year);
    return title.replace(title.find("{component}"), std::string("{component}").size(), name);
  }
  return vocabulary::table_word_zh("title." + table.id(), year);
}

std::string unit_zh(const section::v1::Table& table, int year) {
  bool money = false;
  bool posts = false;
  for (const auto& row : table.rows()) {
    money = money || row.unit() == section::v1::UNIT_USD;
    posts = posts || row.unit() == section::v1::UNIT_POSTS;
  }
  if (money) return vocabulary::table_word_zh(posts ? "unit.money_and_posts" : "unit.money", year);
  if (posts) return vocabulary::table_word_zh("unit.posts", year);
  return table.id() == "compliance" ? vocabulary::table_word_zh("unit.percent", year) : "";
}

// The source's tables of performance measures whose year columns read "(实际业绩)/(计划业绩)";
// the others print "(实际数)/(计划数)".
constexpr const char* kPerformanceHeadingTables[] = {"Table 29F.2", "Table 29F.4"};

// Whether `source` cites `table` ("Table 29F.2", not "Table 29F.20").
bool cites(const std::string& source, const std::string& table) {
  for (auto at = source.find(table); at != std::string::npos; at = source.find(table, at + 1)) {
    const auto end = at + table.size();
    if (end == source.size() || !std::isdigit(static_cast<unsigned char>(source[end]))) return true;
  }
  return false;
}

// Whether `table` is the measures of a component printed in one of kPerformanceHeadingTables.
bool performance_headings(const Names& input, const section::v1::Table& table) {
  if (!starts_with(table.id(), "measures/")) return false;
  const auto* component = component_of(input, table.id().substr(std::string("measures/").size()));
  if (component == nullptr) return false;
  for (const auto& result : component->results()) {
    for (const auto& measure : result.measures()) {
      for (const char* printed : kPerformanceHeadingTables) {
        if (cites(measure.provenance().source(), printed)) return true;
      }
    }
  }
  return false;
}

// "planned_2022" → "2022 年计划数" (deliverables, compliance) or "2022 年(计划数)" (measures; "(计划业绩)"
// where the source prints that); targets and interim figures have no heading of their own in the
// source's tables.
std::string year_column_zh(const Names& input, const section::v1::Table& table, const std::string& key, bool performance) {
  const auto underscore = key.find('_');
  if (underscore == std::string::npos) return {};
  const std::string kind = key.substr(0, underscore);
  if (kind != "planned" && kind != "actual") return {};
  std::string word = (starts_with(table.id(), "measures/") ? "column.measure_" : "column.") + kind;
  if (performance) word += "_performance";
  return key.substr(underscore + 1) + " " + vocabulary::table_word_zh(word, input.year);
}

// `performance`: performance_headings() of the table, found once for all its columns.
std::string column_zh(const Names& input, const section::v1::Table& table, const std::string& key, bool performance) {
  const int year = input.year;
  if (key == "estimate" && extrabudgetary(table)) return vocabulary::table_word_zh("column.extra_estimate", year);
  if (starts_with(table.id(), "compliance") || starts_with(table.id(), "measures/") || starts_with(table.id(), "deliverables")) {
    return year_column_zh(input, table, key, performance);
  }
  return vocabulary::table_word_zh("column." + key, year);
}

std::string row_zh(const Names& input, const section::v1::Table& table, const std::string& key) {
  const int year = input.year;
  if (const auto* object = vocabulary::find_object(key)) return std::string(object->zh);
  if (const auto* grade = vocabulary::find_grade(key)) return std::string(grade->zh);
  if (const auto* category = vocabulary::find_category(key)) {
    return table.id() == "posts-by-grade" ? vocabulary::table_word_zh("row.category_subtotal", year) : std::string(category->zh);
  }
  if (const auto* component = component_of(input, key)) return component_label_zh(*component);
  if (key == "subtotal") return vocabulary::table_word_zh(extrabudgetary(table) ? "row.subtotal_extra" : "row.subtotal_regular", year);
  if (key == "total_posts") return vocabulary::table_word_zh("row.total", year);
  return vocabulary::table_word_zh("row." + key, year);
}

// Table 29F.13's details as the Chinese edition prints them: "1 个 D-2, 1 个 D-1, …".
std::string grade_details_zh(const std::string& english, int year) {
  std::istringstream parts(english);
  std::string out;
  std::string part;
  while (std::getline(parts, part, ',')) {
    if (!part.empty() && part[0] == ' ') part.erase(0, 1);
    const auto space = part.find(' ');
    if (space == std::string::npos) return {};
    const std::string label = part.substr(space + 1);
    std::string zh;
    for (const auto& grade : vocabulary::grades()) {
      if (grade.label == label) zh = std::string(grade.zh);
    }
    if (zh.empty()) return {};
    out += (out.empty() ? "" : ", ") + part.substr(0, space) + " " + vocabulary::table_word_zh("row.grade_count", year) + " " + zh;
  }
  return out;
}

}  // namespace

void copy_forms(const language::Forms& from, const std::string& from_field, language::Forms* to, const std::string& to_field,
                const std::string& prefix, const std::string& suffix) {
  const section::v1::TextForms* found = language::find(from, from_field);
  if (found == nullptr) return;
  section::v1::TextForms forms = *found;
  forms.set_field(to_field);
  for (auto& text : *forms.mutable_text()) text.set_text(prefix + text.text() + suffix);
  if ((!prefix.empty() || !suffix.empty()) && forms.origin() == section::v1::TEXT_ORIGIN_AS_PRINTED) {
    forms.set_origin(section::v1::TEXT_ORIGIN_COMPOSED);
  }
  language::entry(to, to_field) = std::move(forms);
}

std::string cell_field(const std::string& column) { return "cells[" + column + "]"; }

namespace {

void add_languages(const Names& input, section::v1::Table& table) {
  const int year = input.year;
  // A title the host joins from printed parts ("… — (1) 经常预算", "次级方案 1：…") is composed.
  const std::string title = title_zh(input, table);
  const bool composed = starts_with(table.id(), "component-evolution/") || title.find(" — ") != std::string::npos;
  put(table.mutable_languages(), "title", title,
      composed ? section::v1::TEXT_ORIGIN_COMPOSED : section::v1::TEXT_ORIGIN_AS_PRINTED);
  put(table.mutable_languages(), "unit", unit_zh(table, year));
  const bool performance = performance_headings(input, table);
  for (auto& column : *table.mutable_columns()) {
    put(column.mutable_languages(), "label", column_zh(input, table, column.key(), performance));
  }
  for (auto& row : *table.mutable_rows()) {
    if (language::find(row.languages(), "label") == nullptr) put(row.mutable_languages(), "label", row_zh(input, table, row.key()));
    if (table.id() == "post-changes") {
      if (auto details = row.cells().find("details"); details != row.cells().end()) {
        put(row.mutable_languages(), cell_field("details"), grade_details_zh(details->second.text(), year));
      }
    }
  }
}

}  // namespace

void add_table_languages(const SectionInput& input, section::v1::Table& table) {
  Names names{input.budget_year(), {}};
  for (const auto& component : input.components) names.components.emplace(component.id(), &component);
  add_languages(names, table);
}

void add_table_languages(const config::SectionFile& section, const section::v1::Component& component, section::v1::Table& table) {
  add_languages(Names{section.info.budget_year(), {{component.id(), &component}}}, table);
}

}  // namespace section::aggregate
