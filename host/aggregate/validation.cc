#include "host/aggregate/validation.h"

#include <set>
#include <tuple>

#include "host/aggregate/language_check.h"
#include "section/sdk/vocabulary.h"

namespace section::aggregate {
namespace {

using section::v1::ResourceColumn;

class Problems {
 public:
  void add(const std::string& field, const std::string& reason) {
    if (lines_.size() < kMax) lines_.push_back(field + ": " + reason);
    ++count_;
  }
  absl::Status status(const std::string& heading) const {
    if (count_ == 0) return absl::OkStatus();
    std::string text = heading;
    for (const auto& line : lines_) text += "\n  " + line;
    if (count_ > kMax) text += "\n  … and " + std::to_string(count_ - kMax) + " more";
    return absl::InvalidArgumentError(text);
  }

 private:
  static constexpr std::size_t kMax = 20;
  std::vector<std::string> lines_;
  std::size_t count_ = 0;
};

bool regular_money_column(ResourceColumn c) {
  return c == section::v1::EXPENDITURE || c == section::v1::APPROPRIATION || c == section::v1::TECHNICAL_ADJUSTMENTS ||
         c == section::v1::NEW_MANDATES || c == section::v1::OTHER_CHANGES;
}

bool extra_money_column(ResourceColumn c) {
  return c == section::v1::EXPENDITURE || c == section::v1::CURRENT_ESTIMATE || c == section::v1::CHANGE;
}

std::string column_name(ResourceColumn c) {
  return section::v1::ResourceColumn_IsValid(c) ? section::v1::ResourceColumn_Name(c) : "column " + std::to_string(c);
}

// Bounds that keep every sum, product and percentage of the figures inside int64.
constexpr std::uint32_t kMaxScale = 6;
constexpr std::int64_t kMaxUnits = 1'000'000'000'000'000;
constexpr std::int64_t kMaxCount = 1'000'000'000;

void check_year(Problems& problems, const std::string& field, int year, int budget_year) {
  if (year < budget_year - 10 || year > budget_year + 5) {
    problems.add(field, "year " + std::to_string(year) + " is outside " + std::to_string(budget_year - 10) + "–" +
                            std::to_string(budget_year + 5));
  }
}

void check_measures(Problems& problems, const std::string& prefix,
                    const google::protobuf::RepeatedPtrField<section::v1::PerformanceMeasure>& measures, int budget_year) {
  std::set<std::string> ids;
  for (const auto& measure : measures) {
    const std::string field = prefix + "[" + measure.id() + "]";
    if (measure.id().empty()) problems.add(prefix, "a measure has no id");
    if (!ids.insert(measure.id()).second) problems.add(field, "the id is used twice");
    if (measure.title().empty()) problems.add(field, "no title");
    if (measure.unit() == section::v1::UNIT_UNSPECIFIED || measure.unit() == section::v1::UNIT_USD ||
        !section::v1::Unit_IsValid(measure.unit())) {
      problems.add(field, "the unit must be days, percent, count or text");
    }
    std::set<std::pair<int, int>> seen;
    for (const auto& value : measure.values()) {
      const std::string value_field = field + ".values[" + std::to_string(value.year()) + "]";
      check_year(problems, value_field, value.year(), budget_year);
      if (value.kind() < section::v1::PLANNED || value.kind() > section::v1::INTERIM) {
        problems.add(value_field, "no kind (planned, actual, target or interim)");
      }
      if (value.has_number() && (value.number().scale() > kMaxScale || value.number().units() > kMaxUnits ||
                                 value.number().units() < -kMaxUnits)) {
        problems.add(value_field, "the number is out of range (at most 15 digits, 6 of them decimals)");
      }
      if (!seen.insert({value.year(), value.kind()}).second) problems.add(value_field, "two values of the same kind for one year");
      if (!value.has_number() && value.text().empty()) problems.add(value_field, "neither a number nor a text");
      if (value.has_number() && measure.unit() == section::v1::UNIT_TEXT) problems.add(value_field, "a number in a text measure");
    }
  }
}

// A heading marked as the transcriber's words needs a heading to mark.
void check_text(Problems& problems, const std::string& field, const section::v1::Text& text) {
  if (text.provenance().title_transcribed() && text.heading().empty()) {
    problems.add(field, "marked title_transcribed but has no heading");
  }
}

void check_texts(Problems& problems, const std::string& field, const google::protobuf::RepeatedPtrField<section::v1::Text>& texts) {
  for (int i = 0; i < texts.size(); ++i) check_text(problems, field + "[" + std::to_string(i) + "]", texts[i]);
}

void check_texts(Problems& problems, const section::v1::Component& c) {
  check_text(problems, "description", c.description());
  check_text(problems, "objective", c.objective());
  check_texts(problems, "strategy", c.strategy());
  check_texts(problems, "expected_outcomes", c.expected_outcomes());
  check_texts(problems, "programme_performance", c.programme_performance());
  check_texts(problems, "resource_notes", c.resource_notes());
  for (const auto& result : c.results()) {
    const std::string field = "results[" + result.id() + "].";
    check_text(problems, field + "programme_performance", result.programme_performance());
    check_text(problems, field + "proposed_plan", result.proposed_plan());
    check_text(problems, field + "lessons_learned", result.lessons_learned());
  }
}

// Who the component is: its id, kind, number, year and objective.
void check_identity(Problems& problems, const section::v1::Component& c, const std::string& plugin_id, int budget_year) {
  if (c.id() != plugin_id) problems.add("id", "'" + c.id() + "' is not the plugin id '" + plugin_id + "'");
  if (c.title().empty()) problems.add("title", "no title");
  if (c.kind() == section::v1::COMPONENT_KIND_UNSPECIFIED || !section::v1::ComponentKind_IsValid(c.kind())) {
    problems.add("kind", "no kind");
  }
  if (c.kind() == section::v1::SUBPROGRAMME && c.subprogramme() <= 0) problems.add("subprogramme", "a subprogramme needs a number from 1");
  if (c.kind() != section::v1::SUBPROGRAMME && c.subprogramme() != 0) problems.add("subprogramme", "only a subprogramme has a number");
  if (c.budget_year() != budget_year) {
    problems.add("budget_year", std::to_string(c.budget_year()) + " is not the section's " + std::to_string(budget_year));
  }
  // Executive direction and management may have no objective; a subprogramme always has one.
  if (c.kind() == section::v1::SUBPROGRAMME && c.objective().text().empty()) {
    problems.add("objective", "a subprogramme needs an objective");
  }
  if (c.kind() != section::v1::SUBPROGRAMME && c.has_objective() && c.objective().text().empty()) {
    problems.add("objective", "an objective without its text");
  }
}

void check_results(Problems& problems, const section::v1::Component& c, int budget_year) {
  std::set<std::string> result_ids;
  for (const auto& result : c.results()) {
    const std::string field = "results[" + result.id() + "]";
    if (result.id().empty()) problems.add("results", "a result has no id");
    if (!result_ids.insert(result.id()).second) problems.add(field, "the id is used twice");
    if (result.title().empty()) problems.add(field, "no title");
    check_measures(problems, field + ".measures", result.measures(), budget_year);
  }
  check_measures(problems, "compliance", c.compliance(), budget_year);
}

void check_deliverables(Problems& problems, const section::v1::Component& c, int budget_year) {
  std::set<std::string> deliverable_ids;
  for (const auto& d : c.deliverables()) {
    const std::string field = "deliverables[" + d.id() + "]";
    if (d.id().empty()) problems.add("deliverables", "a deliverable has no id");
    if (!deliverable_ids.insert(d.id()).second) problems.add(field, "the id is used twice");
    if (d.category().size() != 1 || d.category()[0] < 'A' || d.category()[0] > 'E') problems.add(field, "the category must be A–E");
    if (d.subcategory().empty()) problems.add(field, "no subcategory");
    if (d.quantified() != (d.counts_size() > 0)) problems.add(field, "quantified deliverables, and only they, have counts");
    std::set<std::pair<int, int>> seen;
    for (const auto& count : d.counts()) {
      check_year(problems, field, count.year(), budget_year);
      if (count.kind() != section::v1::PLANNED && count.kind() != section::v1::ACTUAL) problems.add(field, "counts are planned or actual");
      if (count.count() > kMaxCount || count.count() < -kMaxCount) problems.add(field, "a count is out of range");
      if (!seen.insert({count.year(), count.kind()}).second) problems.add(field, "two counts of the same kind for one year");
    }
  }
}

// Money facts: a known funding source, column and object; each once; within range.
void check_money(Problems& problems, const section::v1::Component& c) {
  std::set<std::tuple<int, int, std::string>> money_seen;
  for (const auto& fact : c.money()) {
    const bool regular = fact.funding() == section::v1::REGULAR_BUDGET;
    const std::string field = std::string("money[") + (regular ? "regular_budget" : "extrabudgetary") + "." +
                              column_name(fact.column()) + (fact.object().empty() ? "" : "." + fact.object()) + "]";
    if (fact.funding() == section::v1::FUNDING_SOURCE_UNSPECIFIED || !section::v1::FundingSource_IsValid(fact.funding())) {
      problems.add(field, "no funding source");
    }
    if (regular && !regular_money_column(fact.column())) problems.add(field, "not a regular budget money column");
    if (!regular && !extra_money_column(fact.column())) problems.add(field, "not an extrabudgetary money column");
    if (regular && vocabulary::find_object(fact.object()) == nullptr) problems.add(field, "regular budget money needs an object of expenditure");
    if (!fact.object().empty() && vocabulary::find_object(fact.object()) == nullptr) problems.add(field, "unknown object of expenditure");
    if (!money_seen.insert({fact.funding(), fact.column(), fact.object()}).second) problems.add(field, "given twice");
    if (fact.amount_usd() > 1'000'000'000'000 || fact.amount_usd() < -1'000'000'000'000) problems.add(field, "out of range");
    const bool base = fact.column() == section::v1::EXPENDITURE || fact.column() == section::v1::APPROPRIATION ||
                      fact.column() == section::v1::CURRENT_ESTIMATE;
    if (base && fact.amount_usd() < 0) problems.add(field, "a base amount cannot be negative");
  }
}

// Post facts: a column of their funding source, a known grade or category; each once.
void check_posts(Problems& problems, const section::v1::Component& c) {
  std::set<std::tuple<int, int, std::string, std::string>> posts_seen;
  for (const auto& fact : c.posts()) {
    const bool regular = fact.funding() == section::v1::REGULAR_BUDGET;
    const std::string field = std::string("posts[") + (regular ? "regular_budget" : "extrabudgetary") + "." +
                              column_name(fact.column()) + "." + (fact.grade().empty() ? fact.category() : fact.grade()) + "]";
    if (fact.funding() == section::v1::FUNDING_SOURCE_UNSPECIFIED || !section::v1::FundingSource_IsValid(fact.funding())) {
      problems.add(field, "no funding source");
    }
    const auto column = fact.column();
    const bool column_ok =
        regular ? (column == section::v1::APPROPRIATION || column == section::v1::TECHNICAL_ADJUSTMENTS ||
                   column == section::v1::NEW_MANDATES || column == section::v1::OTHER_CHANGES)
                : (column == section::v1::CURRENT_ESTIMATE || column == section::v1::CHANGE ||
                   (column == section::v1::ESTIMATE && !fact.grade().empty()));
    if (!column_ok) problems.add(field, "not a posts column of this funding source");
    if (!fact.grade().empty() && vocabulary::find_grade(fact.grade()) == nullptr) problems.add(field, "unknown grade");
    if (!fact.category().empty() && vocabulary::find_category(fact.category()) == nullptr) problems.add(field, "unknown category");
    if (!fact.grade().empty() && !fact.category().empty()) problems.add(field, "a grade or a category, not both");
    if (!posts_seen.insert({fact.funding(), fact.column(), fact.grade(), fact.category()}).second) problems.add(field, "given twice");
    const bool base = column == section::v1::APPROPRIATION || column == section::v1::CURRENT_ESTIMATE || column == section::v1::ESTIMATE;
    if (base && fact.count() < 0) problems.add(field, "a number of posts cannot be negative");
    if (fact.count() > kMaxCount || fact.count() < -kMaxCount) problems.add(field, "a number of posts is out of range");
  }
}

void check_explanations(Problems& problems, const section::v1::Component& c) {
  for (const auto& e : c.explanations()) {
    const std::string field = "explanations[" + column_name(e.factor()) + (e.object().empty() ? "" : "." + e.object()) + "]";
    const bool regular = e.funding() == section::v1::REGULAR_BUDGET;
    const bool factor_ok = regular ? (e.factor() == section::v1::TECHNICAL_ADJUSTMENTS || e.factor() == section::v1::NEW_MANDATES ||
                                      e.factor() == section::v1::OTHER_CHANGES)
                                   : e.factor() == section::v1::CHANGE;
    if (!factor_ok) problems.add(field, "not a factor of change for this funding source");
    if (!e.object().empty() && vocabulary::find_object(e.object()) == nullptr) problems.add(field, "unknown object of expenditure");
    if (e.reason().empty()) problems.add(field, "no reason");
  }
}

}  // namespace

absl::Status validate_component(const section::v1::Component& c, const std::string& plugin_id, int budget_year, Scope scope) {
  Problems problems;
  if (scope == Scope::kWhole) {
    check_identity(problems, c, plugin_id, budget_year);
    check_texts(problems, c);
  }
  check_results(problems, c, budget_year);
  check_deliverables(problems, c, budget_year);
  if (scope == Scope::kWhole) {
    check_money(problems, c);
    check_posts(problems, c);
    check_explanations(problems, c);
    for (const auto& [field, reason] : language_problems(c)) problems.add(field, reason);
  }
  return problems.status("component '" + plugin_id + "' is invalid:");
}

absl::Status validate_together(const std::vector<section::v1::Component>& components) {
  std::vector<const section::v1::Component*> pointers;
  for (const auto& component : components) pointers.push_back(&component);
  return validate_together(pointers);
}

absl::Status validate_together(const std::vector<const section::v1::Component*>& components) {
  Problems problems;
  TogetherCheck together;
  for (const section::v1::Component* component : components) {
    for (const std::string& reason : together.reasons(*component)) problems.add(component->id(), reason);
    together.remember(*component);
  }
  return problems.status("the components do not fit together:");
}

absl::Status TogetherCheck::add(const section::v1::Component& component) {
  Problems problems;
  for (const std::string& reason : reasons(component)) problems.add(component.id(), reason);
  absl::Status fits = problems.status("the components do not fit together:");
  if (fits.ok()) remember(component);
  return fits;
}

std::vector<std::string> TogetherCheck::reasons(const section::v1::Component& c) const {
  std::vector<std::string> out;
  if (c.kind() == section::v1::EXECUTIVE_DIRECTION_AND_MANAGEMENT && executive_) {
    out.push_back("a second executive direction and management component");
  }
  if (c.kind() == section::v1::SUBPROGRAMME && subprogrammes_.count(c.subprogramme()) > 0) {
    out.push_back("subprogramme " + std::to_string(c.subprogramme()) + " is already published by another component");
  }
  return out;
}

void TogetherCheck::remember(const section::v1::Component& c) {
  executive_ = executive_ || c.kind() == section::v1::EXECUTIVE_DIRECTION_AND_MANAGEMENT;
  if (c.kind() == section::v1::SUBPROGRAMME) subprogrammes_.insert(c.subprogramme());
}

}  // namespace section::aggregate
