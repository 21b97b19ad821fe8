#include "host/aggregate/resources.h"

#include "section/sdk/vocabulary.h"

namespace section::aggregate {
namespace {

using section::v1::ResourceColumn;

template <typename Counts>
void add_regular(Counts& counts, ResourceColumn column, std::int64_t amount) {
  switch (column) {
    case section::v1::APPROPRIATION:
      if constexpr (std::is_same_v<Counts, RegularMoney>) counts.appropriation += amount;
      else counts.approved += amount;
      break;
    case section::v1::TECHNICAL_ADJUSTMENTS: counts.technical_adjustments += amount; break;
    case section::v1::NEW_MANDATES: counts.new_mandates += amount; break;
    case section::v1::OTHER_CHANGES: counts.other_changes += amount; break;
    case section::v1::EXPENDITURE:
      if constexpr (std::is_same_v<Counts, RegularMoney>) counts.expenditure += amount;
      break;
    default: break;  // columns of the other funding source; validation refuses them
  }
}

std::string_view category_of(const section::v1::PostFact& fact) {
  if (fact.grade().empty()) return fact.category();
  const auto* grade = vocabulary::find_grade(fact.grade());
  return grade != nullptr ? grade->category : std::string_view();
}

}  // namespace

RegularMoney& RegularMoney::operator+=(const RegularMoney& o) {
  expenditure += o.expenditure;
  appropriation += o.appropriation;
  technical_adjustments += o.technical_adjustments;
  new_mandates += o.new_mandates;
  other_changes += o.other_changes;
  return *this;
}

ExtraMoney& ExtraMoney::operator+=(const ExtraMoney& o) {
  expenditure += o.expenditure;
  current_estimate += o.current_estimate;
  change += o.change;
  return *this;
}

RegularPosts& RegularPosts::operator+=(const RegularPosts& o) {
  approved += o.approved;
  technical_adjustments += o.technical_adjustments;
  new_mandates += o.new_mandates;
  other_changes += o.other_changes;
  return *this;
}

ExtraPosts& ExtraPosts::operator+=(const ExtraPosts& o) {
  current_estimate += o.current_estimate;
  change += o.change;
  return *this;
}

RegularMoney regular_money(const section::v1::Component& component, std::string_view object) {
  RegularMoney sum;
  for (const auto& fact : component.money()) {
    if (fact.funding() != section::v1::REGULAR_BUDGET) continue;
    if (!object.empty() && fact.object() != object) continue;
    add_regular(sum, fact.column(), fact.amount_usd());
  }
  return sum;
}

RegularMoney regular_non_post_money(const section::v1::Component& component) {
  RegularMoney sum;
  for (const auto& fact : component.money()) {
    if (fact.funding() != section::v1::REGULAR_BUDGET || fact.object() == vocabulary::kPostsObject) continue;
    add_regular(sum, fact.column(), fact.amount_usd());
  }
  return sum;
}

ExtraMoney extra_money(const section::v1::Component& component) {
  ExtraMoney sum;
  for (const auto& fact : component.money()) {
    if (fact.funding() != section::v1::EXTRABUDGETARY) continue;
    if (fact.column() == section::v1::EXPENDITURE) sum.expenditure += fact.amount_usd();
    if (fact.column() == section::v1::CURRENT_ESTIMATE) sum.current_estimate += fact.amount_usd();
    if (fact.column() == section::v1::CHANGE) sum.change += fact.amount_usd();
  }
  return sum;
}

RegularPosts regular_posts(const section::v1::Component& component, std::string_view category) {
  // Which columns are given by category; the others count their grades.
  bool by_category[9] = {};
  for (const auto& fact : component.posts()) {
    if (fact.funding() == section::v1::REGULAR_BUDGET && fact.grade().empty() && fact.column() < 9) {
      by_category[fact.column()] = true;
    }
  }
  RegularPosts sum;
  for (const auto& fact : component.posts()) {
    if (fact.funding() != section::v1::REGULAR_BUDGET || fact.column() >= 9) continue;
    if (fact.grade().empty() != by_category[fact.column()]) continue;
    if (!category.empty() && category_of(fact) != category) continue;
    add_regular(sum, fact.column(), fact.count());
  }
  return sum;
}

RegularPosts regular_posts_of_grade(const section::v1::Component& component, std::string_view grade) {
  RegularPosts sum;
  for (const auto& fact : component.posts()) {
    if (fact.funding() == section::v1::REGULAR_BUDGET && fact.grade() == grade) add_regular(sum, fact.column(), fact.count());
  }
  return sum;
}

ExtraPosts extra_posts(const section::v1::Component& component) {
  ExtraPosts sum;
  for (const auto& fact : component.posts()) {
    if (fact.funding() != section::v1::EXTRABUDGETARY || !fact.grade().empty()) continue;
    if (fact.column() == section::v1::CURRENT_ESTIMATE) sum.current_estimate += fact.count();
    if (fact.column() == section::v1::CHANGE) sum.change += fact.count();
  }
  return sum;
}

bool money_is_illustrative(const section::v1::Component& component, std::string_view object) {
  for (const auto& fact : component.money()) {
    if (fact.funding() == section::v1::REGULAR_BUDGET && (object.empty() || fact.object() == object) &&
        fact.provenance().illustrative()) {
      return true;
    }
  }
  return false;
}

bool grades_are_illustrative(const section::v1::Component& component) {
  for (const auto& fact : component.posts()) {
    if (!fact.grade().empty() && fact.provenance().illustrative()) return true;
  }
  return false;
}

}  // namespace section::aggregate
