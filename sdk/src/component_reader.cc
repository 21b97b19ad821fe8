// Reads a component data file (docs/component-data.md) into section::v1::Component.
#include <algorithm>
#include <cctype>

#include "section/sdk/data_reader.h"
#include "section/sdk/language.h"
#include "section/sdk/sdk.h"
#include "section/sdk/vocabulary.h"

namespace section::sdk {
namespace read {
namespace {

using section::v1::ResourceColumn;
using section::yaml::Map;
using section::yaml::Value;

constexpr std::int64_t kMaxMoney = 1'000'000'000'000;  // a trillion dollars: beyond any section
constexpr std::int64_t kMaxCount = 1'000'000'000;

// The provenance keys that any block may carry beside its own.
#define SECTION_PROVENANCE_KEYS "source", "illustrative", "note"

section::v1::ValueKind value_kind(const std::string& word) {
  if (word == "planned") return section::v1::PLANNED;
  if (word == "actual") return section::v1::ACTUAL;
  if (word == "target") return section::v1::TARGET;
  return section::v1::INTERIM;
}

section::v1::Unit unit(const Value& value) {
  const std::string word = value.choice({"days", "percent", "count", "text"});
  if (word == "days") return section::v1::UNIT_DAYS;
  if (word == "percent") return section::v1::UNIT_PERCENT;
  if (word == "count") return section::v1::UNIT_COUNT;
  return section::v1::UNIT_TEXT;
}

int year(const Value& value) { return static_cast<int>(value.integer(1945, 2100)); }

// `origin: transcriber` in a heading's or title's map means what the older flag means, and sets it.
void mark_flag_from_origin(const language::Forms& languages, const std::string& field, section::v1::Provenance& provenance) {
  const section::v1::TextForms* found = language::find(languages, field);
  if (found != nullptr && found->origin() == section::v1::TEXT_ORIGIN_TRANSCRIBER) {
    provenance.set_title_transcribed(true);
  }
}

section::v1::MeasureValue measure_value(const Value& value) {
  const Map map = value.map({"year", "kind", "value", "text", SECTION_PROVENANCE_KEYS});
  section::v1::MeasureValue out;
  out.set_year(year(map.required("year")));
  out.set_kind(value_kind(map.required("kind").choice({"planned", "actual", "target", "interim"})));
  if (auto number = map.optional("value")) *out.mutable_number() = decimal(*number);
  if (auto text = map.optional("text")) out.set_text(language::read_text(*text, out.mutable_languages(), "text"));
  if (!out.has_number() && out.text().empty()) value.fail("a value needs 'value', 'text' or both");
  *out.mutable_provenance() = provenance(map);
  return out;
}

}  // namespace

section::v1::Provenance provenance(const Map& map) {
  section::v1::Provenance out;
  if (auto source = map.optional("source")) out.set_source(source->str());
  if (auto illustrative = map.optional("illustrative")) out.set_illustrative(illustrative->boolean());
  if (auto note = map.optional("note")) out.set_note(language::read_text(*note, out.mutable_languages(), "note"));
  return out;
}

section::v1::Decimal decimal(const Value& value) {
  const std::string word = value.str();
  section::v1::Decimal out;
  std::size_t i = 0;
  const bool negative = word[0] == '-';
  if (negative) ++i;
  bool any_digit = false;
  bool point = false;
  std::int64_t units = 0;
  std::uint32_t scale = 0;
  for (; i < word.size(); ++i) {
    const char c = word[i];
    if (c == '.' && !point) {
      point = true;
      continue;
    }
    if (!std::isdigit(static_cast<unsigned char>(c))) value.fail("expected a number, found '" + word + "'");
    if (units > (kMaxMoney - 9) / 10 || scale >= 6) value.fail("'" + word + "' has too many digits");
    units = units * 10 + (c - '0');
    any_digit = true;
    if (point) ++scale;
  }
  if (!any_digit) value.fail("expected a number, found '" + word + "'");
  out.set_units(negative ? -units : units);
  out.set_scale(scale);
  return out;
}

section::v1::Text text(const Value& value) {
  const Map map = value.map({"heading", "heading_transcribed", "text", SECTION_PROVENANCE_KEYS});
  section::v1::Text out;
  if (auto heading = map.optional("heading")) out.set_heading(language::read_text(*heading, out.mutable_languages(), "heading"));
  out.set_text(language::read_text(map.required("text"), out.mutable_languages(), "text"));
  *out.mutable_provenance() = provenance(map);
  if (auto transcribed = map.optional("heading_transcribed")) {
    if (out.heading().empty()) transcribed->fail("marks a heading, and this text has none");
    out.mutable_provenance()->set_title_transcribed(transcribed->boolean());
    if (transcribed->boolean()) language::mark_transcribed(*transcribed, out.mutable_languages(), "heading");
  }
  mark_flag_from_origin(out.languages(), "heading", *out.mutable_provenance());
  return out;
}

std::vector<section::v1::Text> texts(const Value& value) {
  std::vector<section::v1::Text> out;
  for (const Value& item : value.list()) out.push_back(text(item));
  return out;
}

section::v1::PerformanceMeasure measure(const Value& value) {
  const Map map =
      value.map({"id", "title", "title_transcribed", "unit", "cumulative", "values", SECTION_PROVENANCE_KEYS});
  section::v1::PerformanceMeasure out;
  out.set_id(map.required("id").str());
  out.set_title(language::read_text(map.required("title"), out.mutable_languages(), "title"));
  out.set_unit(unit(map.required("unit")));
  if (auto cumulative = map.optional("cumulative")) out.set_cumulative(cumulative->boolean());
  for (const Value& item : map.required("values").list()) *out.add_values() = measure_value(item);
  *out.mutable_provenance() = provenance(map);
  if (auto transcribed = map.optional("title_transcribed")) {
    out.mutable_provenance()->set_title_transcribed(transcribed->boolean());
    if (transcribed->boolean()) language::mark_transcribed(*transcribed, out.mutable_languages(), "title");
  }
  mark_flag_from_origin(out.languages(), "title", *out.mutable_provenance());
  return out;
}

section::v1::Deliverable deliverable(const Value& value) {
  const Map map = value.map({"id", "category", "category_title", "subcategory", "title", "counts", "description",
                             SECTION_PROVENANCE_KEYS});
  section::v1::Deliverable out;
  out.set_id(map.required("id").str());
  out.set_category(map.required("category").choice({"A", "B", "C", "D", "E"}));
  out.set_category_title(language::read_text(map.required("category_title"), out.mutable_languages(), "category_title"));
  out.set_subcategory(language::read_text(map.required("subcategory"), out.mutable_languages(), "subcategory"));
  if (auto title = map.optional("title")) out.set_title(language::read_text(*title, out.mutable_languages(), "title"));
  if (auto description = map.optional("description")) {
    out.set_description(language::read_text(*description, out.mutable_languages(), "description"));
  }
  *out.mutable_provenance() = provenance(map);
  if (auto counts = map.optional("counts")) {
    out.set_quantified(true);
    for (const auto& [key, count] : counts->open_map().entries()) {
      // Keys name the kind and the year: planned_2020, actual_2020, planned_2021 …
      const auto underscore = key.find('_');
      const std::string kind = key.substr(0, underscore);
      if (underscore == std::string::npos || (kind != "planned" && kind != "actual")) {
        count.fail("expected a key such as planned_2022 or actual_2020, found '" + key + "'");
      }
      const std::string year_word = key.substr(underscore + 1);
      const bool digits = year_word.size() == 4 &&
                          std::all_of(year_word.begin(), year_word.end(), [](unsigned char c) { return std::isdigit(c); });
      if (!digits) count.fail("'" + key + "' does not end in a year");
      section::v1::DeliverableCount* entry = out.add_counts();
      entry->set_kind(value_kind(kind));
      entry->set_year(std::stoi(year_word));
      entry->set_count(count.integer(-kMaxCount, kMaxCount));  // negative counts are a domain check's to refuse
    }
  }
  if (!out.quantified() && out.description().empty()) value.fail("a deliverable needs 'counts' or a 'description'");
  return out;
}

section::v1::Mandate mandate(const Value& value) {
  const Map map = value.map({"body", "symbol", "title", SECTION_PROVENANCE_KEYS});
  section::v1::Mandate out;
  out.set_body(language::read_text(map.required("body"), out.mutable_languages(), "body"));
  out.set_symbol(map.required("symbol").str());
  out.set_title(language::read_text(map.required("title"), out.mutable_languages(), "title"));
  *out.mutable_provenance() = provenance(map);
  return out;
}

}  // namespace read

namespace {

using section::v1::FundingSource;
using section::v1::ResourceColumn;
using section::yaml::Map;
using section::yaml::Value;

void add_money(section::v1::Component& component, FundingSource funding, ResourceColumn column,
               const std::string& object, const Value& amount, const section::v1::Provenance& provenance) {
  section::v1::MoneyFact* fact = component.add_money();
  fact->set_funding(funding);
  fact->set_column(column);
  fact->set_object(object);
  fact->set_amount_usd(amount.integer(-read::kMaxMoney, read::kMaxMoney));
  *fact->mutable_provenance() = provenance;
}

// {expenditure, appropriation, technical_adjustments, new_mandates, other_changes} or, for
// extrabudgetary money, {expenditure, current_estimate, change}; whole dollars.
void read_money_line(section::v1::Component& component, FundingSource funding, const std::string& object,
                     const Value& value, const section::v1::Provenance& inherited) {
  const bool regular = funding == section::v1::REGULAR_BUDGET;
  const Map map = regular ? value.map({"expenditure", "appropriation", "technical_adjustments", "new_mandates",
                                       "other_changes", SECTION_PROVENANCE_KEYS})
                          : value.map({"expenditure", "current_estimate", "change", SECTION_PROVENANCE_KEYS});
  section::v1::Provenance provenance = read::provenance(map);
  if (provenance.source().empty()) provenance.set_source(inherited.source());
  const std::pair<const char*, ResourceColumn> columns[] = {
      {"expenditure", section::v1::EXPENDITURE},
      {"appropriation", section::v1::APPROPRIATION},
      {"technical_adjustments", section::v1::TECHNICAL_ADJUSTMENTS},
      {"new_mandates", section::v1::NEW_MANDATES},
      {"other_changes", section::v1::OTHER_CHANGES},
      {"current_estimate", section::v1::CURRENT_ESTIMATE},
      {"change", section::v1::CHANGE},
  };
  for (const auto& [key, column] : columns) {
    if (auto amount = map.optional(key)) add_money(component, funding, column, object, *amount, provenance);
  }
}

void read_resources(section::v1::Component& component, const Value& value) {
  const Map map = value.map({"regular_budget", "extrabudgetary"});
  if (auto regular = map.optional("regular_budget")) {
    const Map block = regular->map({"objects", SECTION_PROVENANCE_KEYS});
    const section::v1::Provenance provenance = read::provenance(block);
    for (const auto& [object, line] : block.required("objects").open_map().entries()) {
      if (vocabulary::find_object(object) == nullptr) line.fail("'" + object + "' is not an object of expenditure");
      read_money_line(component, section::v1::REGULAR_BUDGET, object, line, provenance);
    }
  }
  if (auto extra = map.optional("extrabudgetary")) {
    const Map block = extra->map({"total", SECTION_PROVENANCE_KEYS});
    read_money_line(component, section::v1::EXTRABUDGETARY, "", block.required("total"), read::provenance(block));
  }
}

ResourceColumn post_column(const std::string& word) {
  if (word == "approved") return section::v1::APPROPRIATION;
  if (word == "technical_adjustments") return section::v1::TECHNICAL_ADJUSTMENTS;
  if (word == "new_mandates") return section::v1::NEW_MANDATES;
  if (word == "other_changes") return section::v1::OTHER_CHANGES;
  if (word == "current_estimate") return section::v1::CURRENT_ESTIMATE;
  if (word == "change") return section::v1::CHANGE;
  return section::v1::ESTIMATE;
}

void add_post(section::v1::Component& component, FundingSource funding, ResourceColumn column,
              const std::string& grade, const std::string& category, const Value& count,
              const section::v1::Provenance& provenance) {
  section::v1::PostFact* fact = component.add_posts();
  fact->set_funding(funding);
  fact->set_column(column);
  fact->set_grade(grade);
  fact->set_category(category);
  fact->set_count(count.integer(-read::kMaxCount, read::kMaxCount));
  *fact->mutable_provenance() = provenance;
}

// {column: {grade: count}}: posts of each grade, for one or more columns.
void read_grades(section::v1::Component& component, FundingSource funding, const Value& value,
                 std::initializer_list<const char*> columns, const section::v1::Provenance& inherited) {
  const Map map = funding == section::v1::REGULAR_BUDGET
                      ? value.map({"approved", "technical_adjustments", "new_mandates", "other_changes",
                                   SECTION_PROVENANCE_KEYS})
                      : value.map({"estimate", SECTION_PROVENANCE_KEYS});
  section::v1::Provenance provenance = read::provenance(map);
  if (provenance.source().empty()) provenance.set_source(inherited.source());
  for (const char* column : columns) {
    if (auto by_grade = map.optional(column)) {
      for (const auto& [grade, count] : by_grade->open_map().entries()) {
        if (vocabulary::find_grade(grade) == nullptr) count.fail("'" + grade + "' is not a grade");
        add_post(component, funding, post_column(column), grade, "", count, provenance);
      }
    }
  }
}

void read_posts(section::v1::Component& component, const Value& value) {
  const Map map = value.map({"regular_budget", "extrabudgetary"});
  if (auto regular = map.optional("regular_budget")) {
    const Map block = regular->map({"categories", "grades", SECTION_PROVENANCE_KEYS});
    const section::v1::Provenance provenance = read::provenance(block);
    const Map categories =
        block.required("categories").map({"approved", "technical_adjustments", "new_mandates", "other_changes"});
    for (const auto& [column, by_category] : categories.entries()) {
      for (const auto& [category, count] : by_category.open_map().entries()) {
        if (vocabulary::find_category(category) == nullptr) count.fail("'" + category + "' is not a category of posts");
        add_post(component, section::v1::REGULAR_BUDGET, post_column(column), "", category, count, provenance);
      }
    }
    if (auto grades = block.optional("grades")) {
      read_grades(component, section::v1::REGULAR_BUDGET, *grades,
                  {"approved", "technical_adjustments", "new_mandates", "other_changes"}, provenance);
    }
  }
  if (auto extra = map.optional("extrabudgetary")) {
    const Map block = extra->map({"current_estimate", "change", "grades", SECTION_PROVENANCE_KEYS});
    const section::v1::Provenance provenance = read::provenance(block);
    add_post(component, section::v1::EXTRABUDGETARY, section::v1::CURRENT_ESTIMATE, "", "",
             block.required("current_estimate"), provenance);
    if (auto change = block.optional("change")) {
      add_post(component, section::v1::EXTRABUDGETARY, section::v1::CHANGE, "", "", *change, provenance);
    }
    if (auto grades = block.optional("grades")) {
      read_grades(component, section::v1::EXTRABUDGETARY, *grades, {"estimate"}, provenance);
    }
  }
}

section::v1::ChangeExplanation explanation(const Value& value) {
  const Map map = value.map({"funding", "factor", "object", "reason", SECTION_PROVENANCE_KEYS});
  section::v1::ChangeExplanation out;
  const bool regular = map.required("funding").choice({"regular_budget", "extrabudgetary"}) == "regular_budget";
  out.set_funding(regular ? section::v1::REGULAR_BUDGET : section::v1::EXTRABUDGETARY);
  const Value factor = map.required("factor");
  const std::string word = regular ? factor.choice({"technical_adjustments", "new_mandates", "other_changes"})
                                   : factor.choice({"change"});
  out.set_factor(post_column(word));
  if (auto object = map.optional("object")) {
    if (vocabulary::find_object(object->str()) == nullptr) object->fail("'" + object->str() + "' is not an object of expenditure");
    out.set_object(object->str());
  }
  out.set_reason(language::read_text(map.required("reason"), out.mutable_languages(), "reason"));
  *out.mutable_provenance() = read::provenance(map);
  return out;
}

section::v1::Result result(const Value& value) {
  const Map map = value.map({"id", "title", "highlighted", "carried_from", "programme_performance",
                             "proposed_plan", "lessons_learned", "measures"});
  section::v1::Result out;
  if (auto highlighted = map.optional("highlighted")) out.set_highlighted(highlighted->boolean());
  out.set_id(map.required("id").str());
  out.set_title(language::read_text(map.required("title"), out.mutable_languages(), "title"));
  if (auto from = map.optional("carried_from")) out.set_carried_from(from->str());
  if (auto text = map.optional("programme_performance")) *out.mutable_programme_performance() = read::text(*text);
  if (auto text = map.optional("proposed_plan")) *out.mutable_proposed_plan() = read::text(*text);
  if (auto text = map.optional("lessons_learned")) *out.mutable_lessons_learned() = read::text(*text);
  if (auto measures = map.optional("measures")) {
    for (const Value& item : measures->list()) *out.add_measures() = read::measure(item);
  }
  return out;
}

section::v1::Component component(const Value& root) {
  const Map map = root.map({"component", "description", "objective", "strategy", "expected_outcomes",
                            "programme_performance", "results", "deliverables", "mandates", "resources", "posts",
                            "explanations", "compliance", "resource_notes"});
  section::v1::Component out;
  const Map head = map.required("component").map({"id", "kind", "subprogramme", "title", "budget_year"});
  out.set_id(head.required("id").str());
  const bool subprogramme =
      head.required("kind").choice({"executive_direction_and_management", "subprogramme"}) == "subprogramme";
  out.set_kind(subprogramme ? section::v1::SUBPROGRAMME : section::v1::EXECUTIVE_DIRECTION_AND_MANAGEMENT);
  if (subprogramme) {
    out.set_subprogramme(static_cast<int>(head.required("subprogramme").integer(1, 9999)));
  } else if (auto number = head.optional("subprogramme")) {
    number->fail("only a subprogramme has a subprogramme number");
  }
  out.set_title(language::read_text(head.required("title"), out.mutable_languages(), "title"));
  out.set_budget_year(read::year(head.required("budget_year")));
  if (auto v = map.optional("description")) *out.mutable_description() = read::text(*v);
  // Every subprogramme has an objective; executive direction and management may have none.
  if (auto v = map.optional("objective")) {
    *out.mutable_objective() = read::text(*v);
  } else if (subprogramme) {
    root.fail("missing key 'objective': every subprogramme has one");
  }
  if (auto v = map.optional("strategy")) for (auto& item : read::texts(*v)) *out.add_strategy() = item;
  if (auto v = map.optional("expected_outcomes")) for (auto& item : read::texts(*v)) *out.add_expected_outcomes() = item;
  if (auto v = map.optional("programme_performance")) for (auto& item : read::texts(*v)) *out.add_programme_performance() = item;
  if (auto v = map.optional("results")) for (const Value& item : v->list()) *out.add_results() = result(item);
  if (auto v = map.optional("deliverables")) for (const Value& item : v->list()) *out.add_deliverables() = read::deliverable(item);
  if (auto v = map.optional("mandates")) for (const Value& item : v->list()) *out.add_mandates() = read::mandate(item);
  if (auto v = map.optional("resources")) read_resources(out, *v);
  if (auto v = map.optional("posts")) read_posts(out, *v);
  if (auto v = map.optional("explanations")) for (const Value& item : v->list()) *out.add_explanations() = explanation(item);
  if (auto v = map.optional("compliance")) for (const Value& item : v->list()) *out.add_compliance() = read::measure(item);
  if (auto v = map.optional("resource_notes")) for (auto& item : read::texts(*v)) *out.add_resource_notes() = item;
  return out;
}

}  // namespace

section::v1::Component read_component_string(const std::string& yaml, const std::string& name) {
  try {
    return component(section::yaml::load_string(yaml, name));
  } catch (const section::yaml::Error& e) {
    throw DataError(e.what());
  }
}

section::v1::Component read_component_file(const std::filesystem::path& path) {
  try {
    return component(section::yaml::load_file(path.string()));
  } catch (const section::yaml::Error& e) {
    throw DataError(e.what());
  }
}

}  // namespace section::sdk
