#include "section/sdk/vocabulary.h"

namespace section::vocabulary {

const std::vector<Term>& objects_of_expenditure() {
  static const std::vector<Term> terms = {
      {"posts", "Posts"},
      {"other_staff_costs", "Other staff costs"},
      {"hospitality", "Hospitality"},
      {"consultants", "Consultants"},
      {"travel_of_staff", "Travel of staff"},
      {"contractual_services", "Contractual services"},
      {"general_operating_expenses", "General operating expenses"},
      {"supplies_and_materials", "Supplies and materials"},
      {"furniture_and_equipment", "Furniture and equipment"},
      {"grants_and_contributions", "Grants and contributions"},
  };
  return terms;
}

const std::vector<Grade>& grades() {
  static const std::vector<Grade> list = {
      {"d2", "D-2", kProfessional},        {"d1", "D-1", kProfessional},
      {"p5", "P-5", kProfessional},        {"p4", "P-4", kProfessional},
      {"p3", "P-3", kProfessional},        {"p2_1", "P-2/1", kProfessional},
      {"gs_pl", "GS (PL)", kGeneralService}, {"gs_ol", "GS (OL)", kGeneralService},
  };
  return list;
}

const std::vector<Term>& categories() {
  static const std::vector<Term> list = {
      {kProfessional, "Professional and higher"},
      {kGeneralService, "General Service and related"},
  };
  return list;
}

std::string_view value_kind_word(section::v1::ValueKind kind) {
  switch (kind) {
    case section::v1::PLANNED: return "planned";
    case section::v1::ACTUAL: return "actual";
    case section::v1::TARGET: return "target";
    case section::v1::INTERIM: return "interim";
    default: return "unspecified";
  }
}

std::string decimal_text(const section::v1::Decimal& value) {
  const bool negative = value.units() < 0;
  // Through unsigned arithmetic, so that the most negative value has a magnitude too.
  const std::uint64_t magnitude =
      negative ? static_cast<std::uint64_t>(-(value.units() + 1)) + 1 : static_cast<std::uint64_t>(value.units());
  std::string digits = std::to_string(magnitude);
  if (value.scale() > 0) {
    while (digits.size() <= value.scale()) digits.insert(0, "0");
    digits.insert(digits.size() - value.scale(), ".");
  }
  return (negative ? "-" : "") + digits;
}

template <typename List>
static const typename List::value_type* find_in(const List& list, std::string_view key) {
  for (const auto& item : list) {
    if (item.key == key) return &item;
  }
  return nullptr;
}

const Term* find_object(std::string_view key) { return find_in(objects_of_expenditure(), key); }
const Grade* find_grade(std::string_view key) { return find_in(grades(), key); }
const Term* find_category(std::string_view key) { return find_in(categories(), key); }

}  // namespace section::vocabulary
