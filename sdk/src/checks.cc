// Domain checks that plugins compose into their own check().
#include <map>

#include "section/sdk/sdk.h"
#include "section/sdk/vocabulary.h"

namespace section::sdk::checks {
namespace {

using section::v1::Component;
using section::v1::PerformanceMeasure;

// Compares a decimal with a whole number without floating point.
int compare(const section::v1::Decimal& value, std::int64_t whole) {
  std::int64_t scaled = whole;
  for (std::uint32_t i = 0; i < value.scale(); ++i) scaled *= 10;
  return value.units() < scaled ? -1 : (value.units() > scaled ? 1 : 0);
}

int compare(const section::v1::Decimal& a, const section::v1::Decimal& b) {
  std::int64_t x = a.units();
  std::int64_t y = b.units();
  for (std::uint32_t i = a.scale(); i < b.scale(); ++i) x *= 10;
  for (std::uint32_t i = b.scale(); i < a.scale(); ++i) y *= 10;
  return x < y ? -1 : (x > y ? 1 : 0);
}

std::string value_field(const std::string& measure_field, const section::v1::MeasureValue& value) {
  return measure_field + ".values[" + std::to_string(value.year()) + " " + std::string(vocabulary::value_kind_word(value.kind())) + "]";
}

// Calls fn(field, measure) for every measure of the component, results and compliance alike.
template <typename Fn>
void for_each_measure(const Component& component, Fn&& fn) {
  for (const auto& result : component.results()) {
    for (const auto& measure : result.measures()) {
      fn("results[" + result.id() + "].measures[" + measure.id() + "]", measure);
    }
  }
  for (const auto& measure : component.compliance()) fn("compliance[" + measure.id() + "]", measure);
}

}  // namespace

void percentages_within_bounds(const Component& component, Findings& findings) {
  for_each_measure(component, [&](const std::string& field, const PerformanceMeasure& measure) {
    if (measure.unit() != section::v1::UNIT_PERCENT) return;
    for (const auto& value : measure.values()) {
      if (!value.has_number()) continue;
      if (compare(value.number(), 0) < 0 || compare(value.number(), 100) > 0) {
        findings.add(value_field(field, value), vocabulary::decimal_text(value.number()) + " % is outside 0–100");
      }
    }
  });
}

void cumulative_series_never_decrease(const Component& component, Findings& findings) {
  for_each_measure(component, [&](const std::string& field, const PerformanceMeasure& measure) {
    if (!measure.cumulative()) return;
    // Within each kind, by year.
    std::map<std::pair<int, int>, const section::v1::MeasureValue*> by_kind_year;
    for (const auto& value : measure.values()) {
      if (value.has_number()) by_kind_year[{value.kind(), value.year()}] = &value;
    }
    const section::v1::MeasureValue* previous = nullptr;
    for (const auto& [key, value] : by_kind_year) {
      if (previous != nullptr && previous->kind() == value->kind() && compare(value->number(), previous->number()) < 0) {
        findings.add(value_field(field, *value), "a cumulative series decreases: " + vocabulary::decimal_text(value->number()) + " after " +
                                                     vocabulary::decimal_text(previous->number()) + " in " + std::to_string(previous->year()));
      }
      previous = value;
    }
    // Along actuals, then the plans for the years after the last actual.
    std::map<int, const section::v1::MeasureValue*> series;
    for (const auto& value : measure.values()) {
      if (value.has_number() && value.kind() == section::v1::ACTUAL) series[value.year()] = &value;
    }
    const int last_actual = series.empty() ? 0 : series.rbegin()->first;
    for (const auto& value : measure.values()) {
      if (value.has_number() && value.kind() == section::v1::PLANNED && value.year() > last_actual) {
        series[value.year()] = &value;
      }
    }
    previous = nullptr;
    for (const auto& [year, value] : series) {
      if (previous != nullptr && previous->kind() != value->kind() && compare(value->number(), previous->number()) < 0) {
        findings.add(value_field(field, *value), "a cumulative series decreases: planned " + vocabulary::decimal_text(value->number()) +
                                                     " is below the " + std::to_string(previous->year()) +
                                                     " actual " + vocabulary::decimal_text(previous->number()));
      }
      previous = value;
    }
  });
}

void grades_add_up_to_categories(const Component& component, Findings& findings) {
  struct Counts {
    std::map<std::string, std::int64_t> by_category;
    std::int64_t total = 0;
    bool any = false;
  };
  using Key = std::pair<int, int>;  // funding, column
  std::map<Key, Counts> grades;     // posts given by grade
  std::map<Key, Counts> categories; // posts given by category
  std::map<Key, Counts> plain;      // posts given only in total
  for (const auto& fact : component.posts()) {
    const Key key{fact.funding(), fact.column()};
    Counts* counts = &plain[key];
    std::string category = fact.category();
    if (!fact.grade().empty()) {
      const auto* grade = vocabulary::find_grade(fact.grade());
      category = grade != nullptr ? std::string(grade->category) : "";
      counts = &grades[key];
    } else if (!category.empty()) {
      counts = &categories[key];
    }
    counts->by_category[category] += fact.count();
    counts->total += fact.count();
    counts->any = true;
  }
  // What a grade breakdown in `key` must add up to. A breakdown for the budget year (ESTIMATE)
  // is checked against the base plus every change.
  auto expected = [](const std::map<Key, Counts>& given, const Key& key) {
    Counts sum;
    for (const auto& [other, counts] : given) {
      const bool same = key.second == section::v1::ESTIMATE ? other.first == key.first && other.second != section::v1::ESTIMATE
                                                            : other == key;
      if (!same) continue;
      for (const auto& [category, count] : counts.by_category) sum.by_category[category] += count;
      sum.total += counts.total;
      sum.any = sum.any || counts.any;
    }
    return sum;
  };
  for (const auto& [key, by_grade] : grades) {
    const std::string where = std::string("posts.") +
                              (key.first == section::v1::REGULAR_BUDGET ? "regular_budget" : "extrabudgetary") + "." +
                              section::v1::ResourceColumn_Name(static_cast<section::v1::ResourceColumn>(key.second));
    const Counts by_category = expected(categories, key);
    if (by_category.any) {
      for (const auto& term : vocabulary::categories()) {
        const std::string category(term.key);
        const auto g = by_grade.by_category.find(category);
        const auto c = by_category.by_category.find(category);
        const std::int64_t from_grades = g == by_grade.by_category.end() ? 0 : g->second;
        const std::int64_t from_category = c == by_category.by_category.end() ? 0 : c->second;
        if (from_grades != from_category) {
          findings.add(where + "." + category, "posts by grade add up to " + std::to_string(from_grades) +
                                                   ", but the category has " + std::to_string(from_category));
        }
      }
      continue;
    }
    const Counts total = expected(plain, key);
    if (total.any && total.total != by_grade.total) {
      findings.add(where, "posts by grade add up to " + std::to_string(by_grade.total) + ", but the total is " +
                              std::to_string(total.total));
    }
  }
}

void deliverable_counts_non_negative(const Component& component, Findings& findings) {
  for (const auto& deliverable : component.deliverables()) {
    for (const auto& count : deliverable.counts()) {
      if (count.count() < 0) {
        findings.add("deliverables[" + deliverable.id() + "].counts." + std::string(vocabulary::value_kind_word(count.kind())) + "_" +
                         std::to_string(count.year()),
                     std::to_string(count.count()) + " is negative");
      }
    }
  }
}

void quantities_non_negative(const Component& component, Findings& findings) {
  for_each_measure(component, [&](const std::string& field, const PerformanceMeasure& measure) {
    if (measure.unit() != section::v1::UNIT_DAYS && measure.unit() != section::v1::UNIT_COUNT) return;
    for (const auto& value : measure.values()) {
      if (value.has_number() && compare(value.number(), 0) < 0) {
        findings.add(value_field(field, value), vocabulary::decimal_text(value.number()) + " is negative");
      }
    }
  });
}

void durations_at_least_one_day(const Component& component, Findings& findings) {
  for_each_measure(component, [&](const std::string& field, const PerformanceMeasure& measure) {
    if (measure.unit() != section::v1::UNIT_DAYS) return;
    for (const auto& value : measure.values()) {
      if (value.has_number() && compare(value.number(), 1) < 0) {
        findings.add(value_field(field, value), vocabulary::decimal_text(value.number()) + " days is less than one day");
      }
    }
  });
}

void common(const Component& component, Findings& findings) {
  percentages_within_bounds(component, findings);
  grades_add_up_to_categories(component, findings);
  deliverable_counts_non_negative(component, findings);
  quantities_non_negative(component, findings);
}

}  // namespace section::sdk::checks
