#include "host/aggregate/programme_tables.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "host/aggregate/resources.h"
#include "host/aggregate/table_builder.h"
#include "host/aggregate/table_languages.h"
#include "host/core/money.h"
#include "section/sdk/vocabulary.h"

namespace section::aggregate {
namespace {

using section::v1::Row;
using section::v1::Table;

// Year columns in the fascicle's order: by year, and within a year what was planned (and the
// targets and interim indicators set beside it) before what actually happened.
struct YearColumn {
  int year;
  section::v1::ValueKind kind;
  bool operator<(const YearColumn& other) const {
    return std::make_pair(year, rank(kind)) < std::make_pair(other.year, rank(other.kind));
  }
  static int rank(section::v1::ValueKind kind) {
    switch (kind) {
      case section::v1::PLANNED: return 0;
      case section::v1::TARGET: return 1;
      case section::v1::INTERIM: return 2;
      case section::v1::ACTUAL: return 3;
      default: return 9;  // validation refuses other kinds
    }
  }
  std::string key() const { return std::string(vocabulary::value_kind_word(kind)) + "_" + std::to_string(year); }
  std::string label() const { return std::to_string(year) + " (" + std::string(vocabulary::value_kind_word(kind)) + ")"; }
};

section::v1::Unit integer_unit(section::v1::Unit unit) {
  return unit == section::v1::UNIT_TEXT ? section::v1::UNIT_UNSPECIFIED : unit;
}

// A measure value as a cell: the fascicle's words when it prints words, else the number.
section::v1::Cell measure_cell(const section::v1::MeasureValue& value) {
  if (!value.text().empty()) return text_cell(value.text());
  if (!value.has_number()) return section::v1::Cell();
  if (value.number().scale() == 0) return integer_cell(value.number().units());
  return decimal_cell(value.number().units(), value.number().scale());
}

void measure_rows(TableBuilder& table, const std::string& key_prefix,
                  const google::protobuf::RepeatedPtrField<section::v1::PerformanceMeasure>& measures) {
  for (const auto& measure : measures) {
    Row& row = table.row(key_prefix + measure.id(), measure.title(), 0, integer_unit(measure.unit()));
    row.set_label_transcribed(measure.provenance().title_transcribed());
    copy_forms(measure.languages(), "title", row.mutable_languages(), "label");
    for (const auto& value : measure.values()) {
      const std::string key = YearColumn{value.year(), value.kind()}.key();
      set_cell(row, key, measure_cell(value));
      copy_forms(value.languages(), "text", row.mutable_languages(), cell_field(key));
    }
  }
}

template <typename Measures>
void year_columns(TableBuilder& table, const Measures& all_measures) {
  std::set<YearColumn> columns;
  for (const auto* measures : all_measures) {
    for (const auto& measure : *measures) {
      for (const auto& value : measure.values()) columns.insert({value.year(), value.kind()});
    }
  }
  for (const auto& column : columns) table.column(column.key(), column.label());
}

std::string lower_words(const std::string& text) {
  std::string out = text;
  if (!out.empty()) out[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(out[0])));
  return out;
}

}  // namespace

std::string list_letter(std::size_t index) {
  std::string letters;
  for (std::size_t n = index + 1; n > 0; n = (n - 1) / 26) letters.insert(letters.begin(), static_cast<char>('a' + (n - 1) % 26));
  return letters;
}

std::string subcategory_key(const section::v1::Deliverable& deliverable) {
  std::string words = deliverable.subcategory().substr(0, deliverable.subcategory().find('('));
  std::string key;
  for (unsigned char c : words) {
    if (std::isalnum(c)) {
      key += static_cast<char>(std::tolower(c));
    } else if (!key.empty() && key.back() != '_') {
      key += '_';
    }
  }
  while (!key.empty() && key.back() == '_') key.pop_back();
  return deliverable.category() + "." + key;
}

Table deliverables_table(std::string id, std::string title,
                         const google::protobuf::RepeatedPtrField<section::v1::Deliverable>& deliverables) {
  TableBuilder table(std::move(id), std::move(title), "", "Number of deliverables");
  std::set<YearColumn> columns;
  bool any_description = false;
  for (const auto& deliverable : deliverables) {
    for (const auto& count : deliverable.counts()) columns.insert({count.year(), count.kind()});
    any_description = any_description || !deliverable.description().empty();
  }
  for (const auto& column : columns) table.column(column.key(), column.label());
  if (any_description) table.column("description", "Description");

  // Categories in letter order; subcategories and items in the order the data gives them.
  std::vector<const section::v1::Deliverable*> ordered;
  for (const auto& deliverable : deliverables) ordered.push_back(&deliverable);
  std::stable_sort(ordered.begin(), ordered.end(),
                   [](const auto* a, const auto* b) { return a->category() < b->category(); });
  std::string category;
  std::set<std::string> subcategories_done;
  for (const auto* deliverable : ordered) {
    if (deliverable->category() != category) {
      category = deliverable->category();
      Row& heading = table.row(category, category + ". " + deliverable->category_title(), 0, section::v1::UNIT_UNSPECIFIED);
      copy_forms(deliverable->languages(), "category_title", heading.mutable_languages(), "label", category + ". ");
    }
    const std::string sub_key = subcategory_key(*deliverable);
    if (!deliverable->title().empty() && subcategories_done.insert(sub_key).second) {
      // A subcategory with items: its row sums the items' counts, as the fascicle prints it.
      Row& sub = table.row(sub_key, deliverable->subcategory(), 1, section::v1::UNIT_COUNT);
      copy_forms(deliverable->languages(), "subcategory", sub.mutable_languages(), "label");
      std::map<std::string, std::int64_t> sums;
      for (const auto* item : ordered) {
        if (subcategory_key(*item) != sub_key || item->title().empty()) continue;
        for (const auto& count : item->counts()) sums[YearColumn{count.year(), count.kind()}.key()] += count.count();
      }
      for (const auto& [key, sum] : sums) set_cell(sub, key, integer_cell(sum));
    }
    const std::string label = deliverable->title().empty() ? deliverable->subcategory() : deliverable->title();
    Row& row = table.row(deliverable->id(), label, 0, section::v1::UNIT_COUNT);
    copy_forms(deliverable->languages(), deliverable->title().empty() ? "subcategory" : "title", row.mutable_languages(), "label");
    copy_forms(deliverable->languages(), "description", row.mutable_languages(), cell_field("description"));
    for (const auto& count : deliverable->counts()) {
      set_cell(row, YearColumn{count.year(), count.kind()}.key(), integer_cell(count.count()));
    }
    if (!deliverable->description().empty()) set_cell(row, "description", text_cell(deliverable->description()));
  }
  return std::move(table).build();
}

Table measures_table(const section::v1::Component& component) {
  TableBuilder table("measures/" + component.id(), component_label(component) + ": performance measures", "",
                     "As stated for each measure");
  std::vector<const google::protobuf::RepeatedPtrField<section::v1::PerformanceMeasure>*> all;
  for (const auto& result : component.results()) all.push_back(&result.measures());
  year_columns(table, all);
  int number = 0;
  for (const auto& result : component.results()) {
    const std::string label =
        result.highlighted() ? "Highlighted result: " + result.title() : "Result " + std::to_string(++number) + ": " + result.title();
    Row& row = table.row(result.id(), label, 0, section::v1::UNIT_UNSPECIFIED);
    // "成果 1：…", as the Chinese edition heads its results.
    copy_forms(result.languages(), "title", row.mutable_languages(), "label",
               result.highlighted() ? "" : "成果 " + std::to_string(number) + "：");
    measure_rows(table, result.id() + ".", result.measures());
  }
  return std::move(table).build();
}

Table compliance_table(const SectionInput& input) {
  TableBuilder table("compliance", "Compliance rate", "", "Percentage");
  std::vector<const google::protobuf::RepeatedPtrField<section::v1::PerformanceMeasure>*> all;
  for (const auto& component : input.components) all.push_back(&component.compliance());
  year_columns(table, all);
  for (const auto& component : input.components) {
    // Keys stay the indicator ids unless two components give indicators.
    const bool prefix = std::count_if(input.components.begin(), input.components.end(),
                                      [](const auto& c) { return c.compliance_size() > 0; }) > 1;
    measure_rows(table, prefix ? component.id() + "." : "", component.compliance());
  }
  return std::move(table).build();
}

namespace {

// A factor of change of the regular budget, as Table 29F.12 and para 29F.101 give them.
struct Factor {
  section::v1::ResourceColumn column;
  const char* key;
  const char* label;
  std::int64_t RegularMoney::*field;
};

// The component's own reason for its change under `factor` in `object`, or "".
std::string regular_reason(const section::v1::Component& component, const Factor& factor, std::string_view object) {
  std::string reason;
  for (const auto& explanation : component.explanations()) {
    if (explanation.funding() == section::v1::REGULAR_BUDGET && explanation.factor() == factor.column &&
        explanation.object() == object) {
      reason = explanation.reason();
    }
  }
  return reason;
}

// One component's change under `factor`: its row, lettered as the fascicle letters them, then
// each object's change with its reason, in the fascicle's order of objects.
void explain_component(TableBuilder& table, const Factor& factor, const section::v1::Component& component,
                       std::int64_t change, std::size_t* listed) {
  std::string parts;
  int object_rows = 0;
  for (const auto& object : vocabulary::objects_of_expenditure()) {
    const std::int64_t amount = regular_money(component, object.key).*factor.field;
    if (amount == 0) continue;
    const std::string reason = regular_reason(component, factor, object.key);
    parts += (parts.empty() ? "" : "; ") + lower_words(std::string(object.label)) + " (" +
             money::dollars_in_words(std::llabs(amount)) + ")" + (reason.empty() ? "" : ", " + reason);
    ++object_rows;
    Row& object_row = table.row(std::string(factor.key) + "." + component.id() + "." + std::string(object.key),
                                std::string(object.label), 0, section::v1::UNIT_USD);
    set_cell(object_row, "change", integer_cell(amount));
    set_cell(object_row, "explanation", text_cell(reason));
  }
  const std::string text = "(" + list_letter((*listed)++) + ") " + component.title() + ". " +
                           (change < 0 ? "The decrease of " : "The increase of ") +
                           money::dollars_in_words(std::llabs(change)) + " reflects " +
                           (change < 0 ? "reduced" : "increased") + " requirements under " + parts + ".";
  // The component's row goes before its objects' rows.
  Row component_row;
  component_row.set_key(std::string(factor.key) + "." + component.id());
  component_row.set_label(component_label(component));
  component_row.set_level(1);
  component_row.set_unit(section::v1::UNIT_USD);
  set_cell(component_row, "change", integer_cell(change));
  set_cell(component_row, "explanation", text_cell(text));
  auto* rows = table.table().mutable_rows();
  rows->Add(std::move(component_row));
  std::rotate(rows->begin() + (rows->size() - 1 - object_rows), rows->end() - 1, rows->end());
}

}  // namespace

Table variances_table(const SectionInput& input) {
  TableBuilder table("variances", "Explanation of variances by factor and component (regular budget)", "",
                     "United States dollars");
  table.column("change", "Change").column("explanation", "Explanation");
  const Factor factors[] = {
      {section::v1::TECHNICAL_ADJUSTMENTS, "technical_adjustments", "Technical adjustments", &RegularMoney::technical_adjustments},
      {section::v1::NEW_MANDATES, "new_mandates", "New and expanded mandates", &RegularMoney::new_mandates},
      {section::v1::OTHER_CHANGES, "other_changes", "Other changes", &RegularMoney::other_changes},
  };
  std::size_t listed = 0;  // components explained so far, across the factors
  for (const Factor& factor : factors) {
    std::int64_t factor_total = 0;
    for (const auto& component : input.components) factor_total += regular_money(component).*factor.field;
    if (factor_total == 0) continue;
    Row& total_row = table.row(factor.key, factor.label, 2, section::v1::UNIT_USD);
    set_cell(total_row, "change", integer_cell(factor_total));
    set_cell(total_row, "explanation",
             text_cell(std::string(factor_total < 0 ? "A decrease of " : "An increase of ") +
                       money::dollars_in_words(std::llabs(factor_total)) + ", as follows."));
    for (const auto& component : input.components) {
      const std::int64_t change = regular_money(component).*factor.field;
      if (change != 0) explain_component(table, factor, component, change, &listed);
    }
  }
  return std::move(table).build();
}

}  // namespace section::aggregate
