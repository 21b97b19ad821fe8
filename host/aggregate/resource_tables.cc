#include "host/aggregate/resource_tables.h"

#include "host/aggregate/resources.h"
#include "host/aggregate/table_builder.h"
#include "host/core/money.h"
#include "section/sdk/vocabulary.h"

namespace section::aggregate {
namespace {

using section::v1::Row;
using section::v1::Table;

constexpr const char* kMoneyUnit = "United States dollars (the fascicle prints thousands)";
constexpr const char* kPostsUnit = "Number of posts";

void regular_money_columns(TableBuilder& table, const Years& years) {
  table.column("expenditure", years.expenditure())
      .column("appropriation", years.appropriation())
      .column("technical_adjustments", "Technical adjustments")
      .column("new_mandates", "New/expanded mandates")
      .column("other_changes", "Other")
      .column("total_change", "Total change")
      .column("percentage", "Percentage")
      .column("estimate", years.estimate());
}

void regular_money_cells(Row& row, const RegularMoney& money) {
  set_cell(row, "expenditure", integer_cell(money.expenditure));
  set_cell(row, "appropriation", integer_cell(money.appropriation));
  set_cell(row, "technical_adjustments", integer_cell(money.technical_adjustments));
  set_cell(row, "new_mandates", integer_cell(money.new_mandates));
  set_cell(row, "other_changes", integer_cell(money.other_changes));
  set_cell(row, "total_change", integer_cell(money.total_change()));
  set_cell(row, "percentage", percentage_cell(money::percentage_tenths(money.total_change(), money.appropriation)));
  set_cell(row, "estimate", integer_cell(money.estimate()));
}

void extra_money_columns(TableBuilder& table, const Years& years) {
  table.column("expenditure", years.expenditure())
      .column("current_estimate", years.current_estimate())
      .column("change", "Change")
      .column("percentage", "Percentage")
      .column("estimate", years.extra_estimate());
}

void extra_money_cells(Row& row, const ExtraMoney& money) {
  set_cell(row, "expenditure", integer_cell(money.expenditure));
  set_cell(row, "current_estimate", integer_cell(money.current_estimate));
  set_cell(row, "change", integer_cell(money.change));
  set_cell(row, "percentage", percentage_cell(money::percentage_tenths(money.change, money.current_estimate)));
  set_cell(row, "estimate", integer_cell(money.estimate()));
}

void regular_posts_columns(TableBuilder& table, const Years& years) {
  table.column("approved", years.approved())
      .column("technical_adjustments", "Technical adjustments")
      .column("new_mandates", "New/expanded mandates")
      .column("other_changes", "Other")
      .column("total_change", "Total change")
      .column("proposed", years.proposed());
}

void regular_posts_cells(Row& row, const RegularPosts& posts) {
  set_cell(row, "approved", integer_cell(posts.approved));
  set_cell(row, "technical_adjustments", integer_cell(posts.technical_adjustments));
  set_cell(row, "new_mandates", integer_cell(posts.new_mandates));
  set_cell(row, "other_changes", integer_cell(posts.other_changes));
  set_cell(row, "total_change", integer_cell(posts.total_change()));
  set_cell(row, "proposed", integer_cell(posts.proposed()));
}

// Posts in the money columns of Tables 29F.17 and 29F.19–23: no expenditure, no percentage.
void posts_in_money_columns(Row& row, const RegularPosts& posts) {
  set_cell(row, "appropriation", integer_cell(posts.approved));
  set_cell(row, "technical_adjustments", integer_cell(posts.technical_adjustments));
  set_cell(row, "new_mandates", integer_cell(posts.new_mandates));
  set_cell(row, "other_changes", integer_cell(posts.other_changes));
  set_cell(row, "total_change", integer_cell(posts.total_change()));
  set_cell(row, "estimate", integer_cell(posts.proposed()));
}

// Fills `rows` by component and adds the programme-of-work and section subtotals; `Sum` adds up
// what `of` returns for a component, and `cells` writes it into a row.
template <typename Sum, typename Of, typename Cells>
Sum component_rows(TableBuilder& table, const SectionInput& input, section::v1::Unit unit, Of of, Cells cells) {
  Sum programme_of_work;
  Sum subtotal;
  bool any_subprogramme = false;
  for (const auto& component : input.components) {
    const Sum sum = of(component);
    cells(table.row(component.id(), component_label(component), 0, unit), sum);
    subtotal += sum;
    if (component.kind() == section::v1::SUBPROGRAMME) {
      programme_of_work += sum;
      any_subprogramme = true;
    }
  }
  if (any_subprogramme) cells(table.row("programme_of_work", "Subtotal, B. Programme of work", 1, unit), programme_of_work);
  return subtotal;
}

}  // namespace

std::string grade_breakdown(const std::vector<std::pair<std::string, std::int64_t>>& counts) {
  std::string text;
  for (const auto& [label, count] : counts) {
    if (count == 0) continue;
    if (!text.empty()) text += ", ";
    text += std::to_string(count) + " " + label;
  }
  return text.empty() ? "—" : text;
}

Table financial_by_object(const SectionInput& input) {
  const Years years{input.budget_year()};
  TableBuilder table("financial-by-object", "Overall: evolution of financial resources by object of expenditure",
                     "", kMoneyUnit);
  regular_money_columns(table, years);
  const bool illustrative_split = !input.composition_as_printed();
  RegularMoney total;
  for (const auto& object : vocabulary::objects_of_expenditure()) {
    RegularMoney sum;
    bool illustrative = false;
    for (const auto& component : input.components) {
      sum += regular_money(component, object.key);
      illustrative = illustrative || money_is_illustrative(component, object.key);
    }
    Row& row = table.row(std::string(object.key), std::string(object.label), 0, section::v1::UNIT_USD);
    row.set_illustrative(illustrative_split && illustrative);
    regular_money_cells(row, sum);
    total += sum;
  }
  regular_money_cells(table.row("total", "Total", 2, section::v1::UNIT_USD), total);
  return std::move(table).build();
}

Table post_changes(const SectionInput& input) {
  const Years years{input.budget_year()};
  TableBuilder table("post-changes", "Overall: proposed posts and post changes for " + std::to_string(years.budget),
                     "", kPostsUnit);
  table.column("number", "Number").column("details", "Details");
  std::vector<std::pair<std::string, std::int64_t>> approved, changes, proposed;
  RegularPosts total;
  for (const auto& grade : vocabulary::grades()) {
    RegularPosts sum;
    for (const auto& component : input.components) sum += regular_posts_of_grade(component, grade.key);
    approved.emplace_back(std::string(grade.label), sum.approved);
    changes.emplace_back(std::string(grade.label), sum.total_change());
    proposed.emplace_back(std::string(grade.label), sum.proposed());
  }
  for (const auto& component : input.components) total += regular_posts(component);
  auto add = [&](const std::string& key, const std::string& label, std::int64_t number,
                 const std::vector<std::pair<std::string, std::int64_t>>& by_grade) {
    Row& row = table.row(key, label, key == "changes" ? 0 : 1, section::v1::UNIT_POSTS);
    set_cell(row, "number", integer_cell(number));
    set_cell(row, "details", text_cell(grade_breakdown(by_grade)));
  };
  add("approved", "Approved for " + std::to_string(years.budget - 1), total.approved, approved);
  add("changes", "Post changes", total.total_change(), changes);
  add("proposed", "Proposed for " + std::to_string(years.budget), total.proposed(), proposed);
  return std::move(table).build();
}

Table posts_by_grade(const SectionInput& input) {
  const Years years{input.budget_year()};
  TableBuilder table("posts-by-grade", "Overall: proposed posts by category and grade", "", kPostsUnit);
  regular_posts_columns(table, years);
  const bool illustrative_split = !input.composition_as_printed();
  RegularPosts total;
  for (const auto& category : vocabulary::categories()) {
    RegularPosts subtotal;
    for (const auto& grade : vocabulary::grades()) {
      if (grade.category != category.key) continue;
      RegularPosts sum;
      bool illustrative = false;
      for (const auto& component : input.components) {
        sum += regular_posts_of_grade(component, grade.key);
        illustrative = illustrative || grades_are_illustrative(component);
      }
      Row& row = table.row(std::string(grade.key), std::string(grade.label), 0, section::v1::UNIT_POSTS);
      row.set_illustrative(illustrative_split && illustrative);
      regular_posts_cells(row, sum);
    }
    for (const auto& component : input.components) subtotal += regular_posts(component, category.key);
    regular_posts_cells(table.row(std::string(category.key), "Subtotal, " + std::string(category.label), 1,
                                  section::v1::UNIT_POSTS),
                        subtotal);
    total += subtotal;
  }
  regular_posts_cells(table.row("total", "Total", 2, section::v1::UNIT_POSTS), total);
  return std::move(table).build();
}

Table financial_by_component_rb(const SectionInput& input) {
  TableBuilder table("financial-by-component-rb",
                     "Overall: evolution of financial resources by source of funding and component — (1) Regular budget",
                     "", kMoneyUnit);
  regular_money_columns(table, Years{input.budget_year()});
  const RegularMoney subtotal = component_rows<RegularMoney>(
      table, input, section::v1::UNIT_USD, [](const auto& c) { return regular_money(c); }, regular_money_cells);
  regular_money_cells(table.row("subtotal", "Subtotal, 1 (regular budget)", 1, section::v1::UNIT_USD), subtotal);
  return std::move(table).build();
}

Table financial_by_component_xb(const SectionInput& input) {
  TableBuilder table("financial-by-component-xb",
                     "Overall: evolution of financial resources by source of funding and component — (2) Extrabudgetary",
                     "", kMoneyUnit);
  extra_money_columns(table, Years{input.budget_year()});
  const ExtraMoney subtotal = component_rows<ExtraMoney>(
      table, input, section::v1::UNIT_USD, [](const auto& c) { return extra_money(c); }, extra_money_cells);
  extra_money_cells(table.row("subtotal", "Subtotal, 2 (extrabudgetary)", 1, section::v1::UNIT_USD), subtotal);
  // The total of both sources: the regular budget's appropriation stands beside the
  // extrabudgetary current estimate, and its total change beside the extrabudgetary change.
  ExtraMoney total = subtotal;
  for (const auto& component : input.components) {
    const RegularMoney regular = regular_money(component);
    total += ExtraMoney{regular.expenditure, regular.appropriation, regular.total_change()};
  }
  extra_money_cells(table.row("total", "Total (1 + 2)", 2, section::v1::UNIT_USD), total);
  return std::move(table).build();
}

Table posts_by_component_rb(const SectionInput& input) {
  TableBuilder table("posts-by-component-rb",
                     "Overall: proposed posts for " + std::to_string(input.budget_year()) +
                         " by source of funding and component — (1) Regular budget",
                     "", kPostsUnit);
  regular_posts_columns(table, Years{input.budget_year()});
  const RegularPosts subtotal = component_rows<RegularPosts>(
      table, input, section::v1::UNIT_POSTS, [](const auto& c) { return regular_posts(c); }, regular_posts_cells);
  regular_posts_cells(table.row("subtotal", "Subtotal, 1 (regular budget)", 1, section::v1::UNIT_POSTS), subtotal);
  return std::move(table).build();
}

Table posts_by_component_xb(const SectionInput& input) {
  const Years years{input.budget_year()};
  TableBuilder table("posts-by-component-xb",
                     "Overall: proposed posts for " + std::to_string(years.budget) +
                         " by source of funding and component — (2) Extrabudgetary",
                     "", kPostsUnit);
  table.column("current_estimate", years.current_estimate()).column("estimate", years.extra_estimate());
  auto cells = [](Row& row, const ExtraPosts& posts) {
    set_cell(row, "current_estimate", integer_cell(posts.current_estimate));
    set_cell(row, "estimate", integer_cell(posts.estimate()));
  };
  const ExtraPosts subtotal = component_rows<ExtraPosts>(
      table, input, section::v1::UNIT_POSTS, [](const auto& c) { return extra_posts(c); }, cells);
  cells(table.row("subtotal", "Subtotal, 2 (extrabudgetary)", 1, section::v1::UNIT_POSTS), subtotal);
  ExtraPosts total = subtotal;
  for (const auto& component : input.components) {
    const RegularPosts regular = regular_posts(component);
    total += ExtraPosts{regular.approved, regular.total_change()};
  }
  cells(table.row("total", "Total (1 + 2)", 2, section::v1::UNIT_POSTS), total);
  return std::move(table).build();
}

namespace {

// Tables 29F.17 and 29F.19–23: money by main category of expenditure, then posts by category.
Table evolution_of(const SectionInput& input, const std::vector<const section::v1::Component*>& components,
                   std::string id, std::string title) {
  TableBuilder table(std::move(id), std::move(title), "", "United States dollars / number of posts");
  regular_money_columns(table, Years{input.budget_year()});
  RegularMoney post, non_post;
  RegularPosts professional, general_service;
  for (const auto* component : components) {
    post += regular_money(*component, vocabulary::kPostsObject);
    non_post += regular_non_post_money(*component);
    professional += regular_posts(*component, vocabulary::kProfessional);
    general_service += regular_posts(*component, vocabulary::kGeneralService);
  }
  RegularMoney total = post;
  total += non_post;
  regular_money_cells(table.row("post", "Post", 0, section::v1::UNIT_USD), post);
  regular_money_cells(table.row("non_post", "Non-post", 0, section::v1::UNIT_USD), non_post);
  regular_money_cells(table.row("total", "Total", 2, section::v1::UNIT_USD), total);
  RegularPosts all = professional;
  all += general_service;
  posts_in_money_columns(table.row(std::string(vocabulary::kProfessional), "Professional and higher", 0,
                                   section::v1::UNIT_POSTS),
                         professional);
  posts_in_money_columns(table.row(std::string(vocabulary::kGeneralService), "General Service and related", 0,
                                   section::v1::UNIT_POSTS),
                         general_service);
  posts_in_money_columns(table.row("total_posts", "Total posts", 2, section::v1::UNIT_POSTS), all);
  return std::move(table).build();
}

}  // namespace

Table evolution(const SectionInput& input) {
  std::vector<const section::v1::Component*> all;
  for (const auto& component : input.components) all.push_back(&component);
  return evolution_of(input, all, "evolution", "Overall: evolution of financial and post resources");
}

Table component_evolution(const SectionInput& input, const section::v1::Component& component) {
  return evolution_of(input, {&component}, "component-evolution/" + component.id(),
                      component_label(component) + ": evolution of financial and post resources");
}

}  // namespace section::aggregate
