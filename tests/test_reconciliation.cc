// The reconciliation: every printed figure against the computed one. The fascicle has exactly
// two arithmetic errors; they are listed, and nothing else is.
#include <catch2/catch.hpp>

#include "host/aggregate/reconciliation.h"
#include "section_fixture.h"

using namespace section;

namespace {

std::string text_cell(const v1::Row& row, const std::string& column) { return row.cells().at(column).text(); }

// A copy of the Section 29F file with one printed figure replaced.
config::SectionFile with_figure(const std::string& where, const std::string& table, const std::string& row,
                                const std::string& column, const std::string& printed) {
  config::SectionFile copy = test::section_file();
  bool replaced = false;
  for (auto& figure : copy.figures) {
    if (figure.where == where && figure.ref.table == table && figure.ref.row == row && figure.ref.column == column) {
      figure.printed = printed;
      replaced = true;
    }
  }
  REQUIRE(replaced);
  return copy;
}

std::vector<v1::Component> all_components() {
  std::vector<v1::Component> components;
  for (const auto& id : test::all_components()) components.push_back(test::component(id));
  return components;
}

}  // namespace

TEST_CASE("the fascicle's two arithmetic errors, and nothing else", "[reconciliation]") {
  const auto view = test::view_of();
  const v1::Table& table = test::table(view, "reconciliation");
  REQUIRE(view.reconciliation_differences == 2);
  REQUIRE(table.rows_size() == 2);

  // Table 29F.15 (1) prints the section's 2020 expenditure (18 280.4) as the programme of
  // work's subtotal; subprogrammes 1–4 add up to 17 900.5.
  const v1::Row& subtotal = table.rows(0);
  CHECK(text_cell(subtotal, "where") == "Table 29F.15 (1): Subtotal, B. Programme of work, 2020 expenditure");
  CHECK(text_cell(subtotal, "printed_as") == "18 280.4");
  CHECK(subtotal.cells().at("printed").integer() == 18280400);
  CHECK(subtotal.cells().at("computed").integer() == 17900500);
  CHECK(subtotal.cells().at("difference").integer() == -379900);
  CHECK(subtotal.unit() == v1::UNIT_USD);

  // Para 29F.101 (d) explains subprogramme 3's decrease of $34,100 as $23,000 under supplies and
  // materials and $13,100 under travel, which add up to $36,100; Table 29F.12's supplies and
  // materials ((44.8) = 0.8 + 23.0 + x) and the total both give $21,000.
  const v1::Row& supplies = table.rows(1);
  CHECK(text_cell(supplies, "where") == "para 29F.101 (d): under supplies and materials ($23,000)");
  CHECK(supplies.cells().at("printed").integer() == -23000);
  CHECK(supplies.cells().at("computed").integer() == -21000);
  CHECK(supplies.cells().at("difference").integer() == 2000);
}

TEST_CASE("every printed figure is compared when the section is as printed", "[reconciliation]") {
  std::map<std::string, v1::Table> tables = test::view_of().tables;
  aggregate::SectionInput input;
  input.section = &test::section_file();
  input.components = all_components();
  aggregate::order_components(input.components);
  const aggregate::Reconciliation result = aggregate::reconcile(input, tables);
  CHECK(result.compared == static_cast<int>(test::section_file().figures.size()));
  CHECK(result.not_compared == 0);
  CHECK(result.differences == 2);
  for (const auto& note : result.table.notes()) CHECK_THAT(note, !Catch::Contains("does not exist"));
}

TEST_CASE("a printed figure that differs is listed with where, printed, computed and difference", "[reconciliation]") {
  const config::SectionFile changed = with_figure("Table 29F.12", "financial-by-object", "travel_of_staff", "estimate", "9.9");
  const auto view = test::view_of_components(all_components(), changed);
  CHECK(view.reconciliation_differences == 3);
  bool found = false;
  for (const auto& row : test::table(view, "reconciliation").rows()) {
    if (text_cell(row, "where") != "Table 29F.12: Travel of staff, 2022 estimate (before recosting)") continue;
    found = true;
    CHECK(row.cells().at("printed").integer() == 9900);
    CHECK(row.cells().at("computed").integer() == 8900);
    CHECK(row.cells().at("difference").integer() == -1000);
  }
  CHECK(found);
}

TEST_CASE("printed figures match at the precision they are printed with", "[reconciliation]") {
  // 417.5 thousand is any amount from 417 450 up to (not including) 417 550.
  std::vector<v1::Component> components = all_components();
  auto add_to_edm = [&](std::int64_t dollars) {
    std::vector<v1::Component> copy = components;
    for (auto& c : copy) {
      if (c.id() != "edm") continue;
      for (auto& fact : *c.mutable_money()) {
        if (fact.object() == "contractual_services" && fact.column() == v1::APPROPRIATION) {
          fact.set_amount_usd(fact.amount_usd() + dollars);
        }
      }
    }
    return test::view_of_components(copy);
  };
  // $49 more hides in every table, printed to $100; the paragraphs print their amounts to the
  // dollar, so paras 29F.100 ($19,762,900) and 29F.107 ($417,500) no longer hold.
  const auto within = add_to_edm(49);
  CHECK(within.reconciliation_differences == 4);
  for (const auto& row : test::table(within, "reconciliation").rows()) {
    const std::string where = text_cell(row, "where");
    CHECK((where.rfind("para 29F.10", 0) == 0 || where.rfind("Table 29F.15 (1)", 0) == 0));
    if (where.rfind("para 29F.107", 0) == 0) CHECK(row.cells().at("difference").integer() == 49);
  }
  // $50 more rounds up, and the printed tables that cover it differ too.
  CHECK(add_to_edm(50).reconciliation_differences > 4);
}

TEST_CASE("a printed dash matches zero or none, and nothing else", "[reconciliation]") {
  const config::SectionFile dash = with_figure("Table 29F.12", "financial-by-object", "hospitality", "estimate", "—");
  CHECK(test::view_of_components(all_components(), dash).reconciliation_differences == 3);
  const config::SectionFile zero = with_figure("Table 29F.12", "financial-by-object", "posts", "percentage", "—");
  CHECK(test::view_of_components(all_components(), zero).reconciliation_differences == 2);
}

TEST_CASE("printed words are compared as words", "[reconciliation]") {
  const config::SectionFile changed =
      with_figure("Table 29F.13", "post-changes", "approved", "details", "1 D-2, 2 D-1, 4 P-5, 5 P-4, 6 P-3, 3 P-2/1, 6 GS(PL), 57 GS(OL)");
  CHECK(test::view_of_components(all_components(), changed).reconciliation_differences == 3);
}

TEST_CASE("with a component missing, section totals are not compared but its peers' figures are", "[reconciliation]") {
  const auto view = test::view_of({"edm", "finance", "support", "ict"});
  // The programme-of-work subtotal is a section figure: not compared. Para 29F.101 (d) concerns
  // support services, which still serves: still listed.
  const v1::Table& table = test::table(view, "reconciliation");
  REQUIRE(view.reconciliation_differences == 1);
  CHECK_THAT(text_cell(table.rows(0), "where"), Catch::StartsWith("para 29F.101 (d)"));
  bool noted = false;
  for (const auto& note : table.notes()) noted = noted || note.find("were not compared") != std::string::npos;
  CHECK(noted);
}

TEST_CASE("a section file naming a cell that does not exist says so", "[reconciliation]") {
  config::SectionFile copy = test::section_file();
  config::PrintedFigure figure;
  figure.where = "para 0";
  figure.printed = "1";
  figure.notation = printed::Notation::kDollars;
  figure.ref = {"financial-by-object", "travel", "estimate"};
  figure.line = 999;
  copy.figures.push_back(figure);
  const auto view = test::view_of_components(all_components(), copy);
  bool noted = false;
  for (const auto& note : test::table(view, "reconciliation").notes()) {
    noted = noted || note.find("section-29f.section.yaml:999: table 'financial-by-object' has no row 'travel'") != std::string::npos;
  }
  CHECK(noted);
}
