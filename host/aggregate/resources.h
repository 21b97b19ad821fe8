// Sums of a component's money and posts facts, by funding source and column. The budget year's
// figures are derived here (base plus changes), never stored.
#pragma once

#include <cstdint>
#include <string_view>

#include "section/v1/model.pb.h"

namespace section::aggregate {

struct RegularMoney {
  std::int64_t expenditure = 0;
  std::int64_t appropriation = 0;
  std::int64_t technical_adjustments = 0;
  std::int64_t new_mandates = 0;
  std::int64_t other_changes = 0;

  std::int64_t total_change() const { return technical_adjustments + new_mandates + other_changes; }
  std::int64_t estimate() const { return appropriation + total_change(); }
  RegularMoney& operator+=(const RegularMoney& other);
};

struct ExtraMoney {
  std::int64_t expenditure = 0;
  std::int64_t current_estimate = 0;
  std::int64_t change = 0;

  std::int64_t estimate() const { return current_estimate + change; }
  ExtraMoney& operator+=(const ExtraMoney& other);
};

struct RegularPosts {
  std::int64_t approved = 0;
  std::int64_t technical_adjustments = 0;
  std::int64_t new_mandates = 0;
  std::int64_t other_changes = 0;

  std::int64_t total_change() const { return technical_adjustments + new_mandates + other_changes; }
  std::int64_t proposed() const { return approved + total_change(); }
  RegularPosts& operator+=(const RegularPosts& other);
};

struct ExtraPosts {
  std::int64_t current_estimate = 0;
  std::int64_t change = 0;

  std::int64_t estimate() const { return current_estimate + change; }
  ExtraPosts& operator+=(const ExtraPosts& other);
};

// Regular budget money under one object of expenditure, or under all of them for "".
RegularMoney regular_money(const section::v1::Component& component, std::string_view object = {});
// Regular budget money under every object but posts.
RegularMoney regular_non_post_money(const section::v1::Component& component);
ExtraMoney extra_money(const section::v1::Component& component);

// Regular budget posts of one category, or of all for "". Counts by category are taken from the
// facts given by category; a column given only by grade counts its grades.
RegularPosts regular_posts(const section::v1::Component& component, std::string_view category = {});
RegularPosts regular_posts_of_grade(const section::v1::Component& component, std::string_view grade);
ExtraPosts extra_posts(const section::v1::Component& component);

// True when a regular budget money fact under `object` ("" any) is an illustrative allocation.
bool money_is_illustrative(const section::v1::Component& component, std::string_view object);
bool grades_are_illustrative(const section::v1::Component& component);

}  // namespace section::aggregate
