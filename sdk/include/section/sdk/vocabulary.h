// The fixed vocabulary of the fascicle's resource tables: objects of expenditure, grades and
// categories of posts, with their keys (docs/architecture.md, "Tables") and labels, in the fascicle's order.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "section/v1/model.pb.h"

namespace section::vocabulary {

// `zh`: the label as the fascicle's own tables print it (Tables 29F.12 to 29F.17), verbatim.
struct Term {
  std::string_view key;
  std::string_view label;
  std::string_view zh = {};
};

struct Grade {
  std::string_view key;
  std::string_view label;
  std::string_view category;
  std::string_view zh = {};
};

// A word of the resource tables that is not an object, grade or category: a column heading, a
// row label or a table title, by key ("column.<key>", "row.<key>", "title.<table id>"), with its
// Chinese as Tables 29F.12 to 29F.19 print it. "{year}", "{year-1}" and "{year-2}" stand for the
// budget year and the two before it; "{component}" for a component's label.
struct TableWord {
  std::string_view key;
  std::string_view zh;
};
const std::vector<TableWord>& table_words();
// The Chinese of `key` with the years of `budget_year` put in; empty when the key has none.
std::string table_word_zh(std::string_view key, int budget_year);

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
const TableWord* find_table_word(std::string_view key);

}  // namespace section::vocabulary
