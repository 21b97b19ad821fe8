// The fixed vocabulary of the fascicle's resource tables: objects of expenditure, grades and
// categories of posts, with their keys (docs/architecture.md, "Tables") and labels, in the fascicle's order.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "section/v1/model.pb.h"

namespace section::vocabulary {

struct Term {
  std::string_view key;
  std::string_view label;
};

struct Grade {
  std::string_view key;
  std::string_view label;
  std::string_view category;
};

inline constexpr std::string_view kProfessional = "professional_and_higher";
inline constexpr std::string_view kGeneralService = "general_service_and_related";
inline constexpr std::string_view kPostsObject = "posts";

const std::vector<Term>& objects_of_expenditure();
const std::vector<Grade>& grades();
const std::vector<Term>& categories();

// "planned", "actual", "target", "interim": the words of data files, column keys and labels.
std::string_view value_kind_word(section::v1::ValueKind kind);

// A decimal as plain text: {-662, 1} → "-66.2", {5, 2} → "0.05".
std::string decimal_text(const section::v1::Decimal& value);

// nullptr when the key is not in the vocabulary.
const Term* find_object(std::string_view key);
const Grade* find_grade(std::string_view key);
const Term* find_category(std::string_view key);

}  // namespace section::vocabulary
