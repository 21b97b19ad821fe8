#include "section/sdk/vocabulary.h"

#include <utility>

namespace section::vocabulary {

const std::vector<Term>& objects_of_expenditure() {
  static const std::vector<Term> terms = {
      // Table 29F.12's rows.
      {"posts", "Posts", "员额"},
      {"other_staff_costs", "Other staff costs", "其他工作人员费用"},
      {"hospitality", "Hospitality", "招待费"},
      {"consultants", "Consultants", "咨询人"},
      {"travel_of_staff", "Travel of staff", "工作人员差旅"},
      {"contractual_services", "Contractual services", "订约承办事务"},
      {"general_operating_expenses", "General operating expenses", "一般业务费用"},
      {"supplies_and_materials", "Supplies and materials", "用品和材料"},
      {"furniture_and_equipment", "Furniture and equipment", "家具和设备"},
      {"grants_and_contributions", "Grants and contributions", "赠款和捐助款"},
  };
  return terms;
}

const std::vector<Grade>& grades() {
  static const std::vector<Grade> list = {
      // Table 29F.14's rows (the Chinese edition prints "GS(PL)" without a space).
      {"d2", "D-2", kProfessional, "D-2"},           {"d1", "D-1", kProfessional, "D-1"},
      {"p5", "P-5", kProfessional, "P-5"},           {"p4", "P-4", kProfessional, "P-4"},
      {"p3", "P-3", kProfessional, "P-3"},           {"p2_1", "P-2/1", kProfessional, "P-2/1"},
      {"gs_pl", "GS (PL)", kGeneralService, "GS(PL)"}, {"gs_ol", "GS (OL)", kGeneralService, "GS(OL)"},
  };
  return list;
}

const std::vector<Term>& categories() {
  static const std::vector<Term> list = {
      // Tables 29F.14 and 29F.17.
      {kProfessional, "Professional and higher", "专业及以上职类"},
      {kGeneralService, "General Service and related", "一般事务及有关职类"},
  };
  return list;
}

const std::vector<TableWord>& table_words() {
  static const std::vector<TableWord> list = {
      // Column headings: Tables 29F.12 to 29F.17.
      {"column.expenditure", "{year-2} 年支出数"},
      {"column.appropriation", "{year-1} 年批款数"},
      {"column.technical_adjustments", "技术调整"},
      {"column.new_mandates", "新的/扩大的任务"},
      {"column.other_changes", "其他"},
      {"column.total_change", "共计"},
      {"column.percentage", "百分比"},
      {"column.estimate", "{year} 年估计数 (重计费用前)"},
      {"column.current_estimate", "{year-1} 年估计数"},
      {"column.change", "变动"},
      {"column.extra_estimate", "{year} 年估计数"},
      {"column.approved", "{year-1} 年核定数"},
      {"column.proposed", "{year} 年拟议数"},
      {"column.number", "数目"},
      // Year columns, after the year: deliverables (Table 29F.1) and compliance (29F.18);
      // performance measures (Tables 29F.4 and 29F.6).
      {"column.planned", "年计划数"},
      {"column.actual", "年实际数"},
      {"column.measure_planned", "年(计划数)"},
      {"column.measure_actual", "年(实际数)"},
      {"column.details", "详情"},
      // Row labels.
      {"row.total", "共计"},
      {"row.programme_of_work", "小计, (B)"},
      {"row.subtotal_regular", "小计, (1)"},
      {"row.subtotal_extra", "小计, (2)"},
      {"row.category_subtotal", "小计"},
      {"row.post", "员额"},
      {"row.non_post", "非员额"},
      {"row.approved", "{year-1} 年核定数"},
      {"row.changes", "员额变动"},
      {"row.proposed", "{year} 年拟议数"},
      {"row.grade_count", "个"},
      {"row.subprogramme", "次级方案"},  // "次级方案 1": in the titles of Tables 29F.20 to 29F.23  // "1 个 D-2": the count of a grade in Table 29F.13's details
      // Table titles and units.
      {"title.financial-by-object", "总表：按支出用途列示的财政资源演变情况"},
      {"title.post-changes", "总表：{year} 年拟议员额和员额变动"},
      {"title.posts-by-grade", "总表：按职类和职等列示的拟议员额"},
      {"title.financial-by-component-rb", "总表：按资金来源、构成部分、次级方案列示的财政资源演变情况 — (1) 经常预算"},
      {"title.financial-by-component-xb", "总表：按资金来源、构成部分、次级方案列示的财政资源演变情况 — (2) 预算外"},
      {"title.posts-by-component-rb", "总表：按资金来源、构成部分、次级方案列示的 {year} 年拟议员额 — (1) 经常预算"},
      {"title.posts-by-component-xb", "总表：按资金来源、构成部分、次级方案列示的 {year} 年拟议员额 — (2) 预算外"},
      {"title.evolution", "总表：财政资源和员额资源的演变情况"},
      {"title.component-evolution", "{component}：财政资源和员额资源的演变情况"},
      {"title.compliance", "合规率"},
      {"unit.money", "千美元"},
      {"unit.posts", "员额数目"},
      {"unit.money_and_posts", "千美元/员额数目"},
      {"unit.percent", "百分比"},
  };
  return list;
}

std::string table_word_zh(std::string_view key, int budget_year) {
  const TableWord* word = find_table_word(key);
  if (word == nullptr) return {};
  std::string out(word->zh);
  const std::pair<const char*, int> years[] = {{"{year-2}", budget_year - 2}, {"{year-1}", budget_year - 1}, {"{year}", budget_year}};
  for (const auto& [mark, year] : years) {
    for (auto at = out.find(mark); at != std::string::npos; at = out.find(mark)) out.replace(at, std::string_view(mark).size(), std::to_string(year));
  }
  return out;
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
const TableWord* find_table_word(std::string_view key) { return find_in(table_words(), key); }

}  // namespace section::vocabulary
