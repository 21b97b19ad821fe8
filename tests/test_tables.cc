// Every table against the figures the source prints, written out here independently of the
// section file: money to the dollar, posts and counts exactly, percentages in tenths.
#include <algorithm>
#include <set>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "cli/table_format.h"
#include "host/aggregate/programme_tables.h"
#include "section_fixture.h"

using namespace section;
using test::integer;
using test::tenths;

namespace {

struct MoneyRow {
  const char* row;
  std::int64_t expenditure, appropriation, change;
  std::optional<std::int64_t> percentage;
  std::int64_t estimate;
};

void check_regular(const aggregate::SectionView& view, const std::string& table, const MoneyRow& m) {
  INFO(table << " / " << m.row);
  CHECK(integer(view, table, m.row, "expenditure") == m.expenditure);
  CHECK(integer(view, table, m.row, "appropriation") == m.appropriation);
  CHECK(integer(view, table, m.row, "technical_adjustments") == 0);
  CHECK(integer(view, table, m.row, "new_mandates") == 0);
  CHECK(integer(view, table, m.row, "other_changes") == m.change);
  CHECK(integer(view, table, m.row, "total_change") == m.change);
  CHECK(tenths(view, table, m.row, "percentage") == m.percentage);
  CHECK(integer(view, table, m.row, "estimate") == m.estimate);
}

bool mentions(const std::string& key, const std::string& id) {
  return key == id || key.rfind(id + ".", 0) == 0 || key.find("." + id + ".") != std::string::npos ||
         (key.size() > id.size() && key.compare(key.size() - id.size() - 1, id.size() + 1, "." + id) == 0);
}

}  // namespace

TEST_CASE("Table 29F.12: financial resources by object of expenditure", "[tables]") {
  const auto view = test::view_of();
  const std::string t = "financial-by-object";
  check_regular(view, t, {"posts", 9645200, 10519500, 0, 0, 10519500});
  check_regular(view, t, {"other_staff_costs", 588500, 733000, 0, 0, 733000});
  check_regular(view, t, {"hospitality", 0, 200, 0, 0, 200});
  check_regular(view, t, {"consultants", 500, 7500, 0, 0, 7500});
  check_regular(view, t, {"travel_of_staff", 2500, 26300, -17400, -662, 8900});
  check_regular(view, t, {"contractual_services", 920600, 900700, -7400, -8, 893300});
  check_regular(view, t, {"general_operating_expenses", 715500, 989200, -1000, -1, 988200});
  check_regular(view, t, {"supplies_and_materials", 13300, 74000, -44800, -605, 29200});
  check_regular(view, t, {"furniture_and_equipment", 500400, 268800, 0, 0, 268800});
  check_regular(view, t, {"grants_and_contributions", 5893900, 6314300, 0, 0, 6314300});
  check_regular(view, t, {"total", 18280400, 19833500, -70600, -4, 19762900});
  CHECK(test::table(view, t).rows_size() == 11);
  CHECK(test::table(view, t).source() == "Table 29F.12");
}

TEST_CASE("Table 29F.13: posts and post changes", "[tables]") {
  const auto view = test::view_of();
  CHECK(integer(view, "post-changes", "approved", "number") == 83);
  CHECK(integer(view, "post-changes", "changes", "number") == 0);
  CHECK(integer(view, "post-changes", "proposed", "number") == 83);
  const auto* approved = test::find_row(test::table(view, "post-changes"), "approved");
  REQUIRE(approved != nullptr);
  CHECK(approved->cells().at("details").text() == "1 D-2, 1 D-1, 4 P-5, 5 P-4, 6 P-3, 3 P-2/1, 6 GS (PL), 57 GS (OL)");
}

TEST_CASE("Table 29F.14: posts by category and grade", "[tables]") {
  const auto view = test::view_of();
  const std::pair<const char*, std::int64_t> expected[] = {
      {"d2", 1}, {"d1", 1}, {"p5", 4}, {"p4", 5}, {"p3", 6}, {"p2_1", 3}, {"professional_and_higher", 20},
      {"gs_pl", 6}, {"gs_ol", 57}, {"general_service_and_related", 63}, {"total", 83}};
  for (const auto& [row, posts] : expected) {
    INFO(row);
    CHECK(integer(view, "posts-by-grade", row, "approved") == posts);
    CHECK(integer(view, "posts-by-grade", row, "total_change") == 0);
    CHECK(integer(view, "posts-by-grade", row, "proposed") == posts);
  }
}

TEST_CASE("Table 29F.15 (1): regular budget by component", "[tables]") {
  const auto view = test::view_of();
  const std::string t = "financial-by-component-rb";
  check_regular(view, t, {"edm", 379900, 421800, -4300, -10, 417500});
  check_regular(view, t, {"finance", 2094900, 2490100, -6400, -3, 2483700});
  check_regular(view, t, {"hr", 3108600, 3189100, -2800, -1, 3186300});
  check_regular(view, t, {"support", 9364000, 10459600, -34100, -3, 10425500});
  check_regular(view, t, {"ict", 3333000, 3272900, -23000, -7, 3249900});
  // The fascicle prints 18 280.4 for the programme of work's 2020 expenditure: that is the
  // section's subtotal again. The components add up to 17 900.5 (see the reconciliation).
  check_regular(view, t, {"programme_of_work", 17900500, 19411700, -66300, -3, 19345400});
  check_regular(view, t, {"subtotal", 18280400, 19833500, -70600, -4, 19762900});
}

TEST_CASE("Table 29F.15 (2): extrabudgetary resources by component, and the total", "[tables]") {
  const auto view = test::view_of();
  struct Row {
    const char* row;
    std::int64_t expenditure, current, change, percentage, estimate;
  };
  const Row rows[] = {
      {"edm", 4556600, 3824000, 369900, 97, 4193900},
      {"finance", 3173300, 3945700, 905800, 230, 4851500},
      {"hr", 2791700, 2974100, 0, 0, 2974100},
      {"support", 1839700, 2629100, 106800, 41, 2735900},
      {"ict", 4329400, 4947300, 275900, 56, 5223200},
      {"programme_of_work", 12134100, 14496200, 1288500, 89, 15784700},
      {"subtotal", 16690700, 18320200, 1658400, 91, 19978600},
      {"total", 34971100, 38153700, 1587800, 42, 39741500},
  };
  for (const auto& r : rows) {
    INFO(r.row);
    CHECK(integer(view, "financial-by-component-xb", r.row, "expenditure") == r.expenditure);
    CHECK(integer(view, "financial-by-component-xb", r.row, "current_estimate") == r.current);
    CHECK(integer(view, "financial-by-component-xb", r.row, "change") == r.change);
    CHECK(tenths(view, "financial-by-component-xb", r.row, "percentage") == r.percentage);
    CHECK(integer(view, "financial-by-component-xb", r.row, "estimate") == r.estimate);
  }
}

TEST_CASE("Table 29F.16: posts by component", "[tables]") {
  const auto view = test::view_of();
  const std::pair<const char*, std::int64_t> regular[] = {{"edm", 2}, {"finance", 17}, {"hr", 18}, {"support", 29},
                                                          {"ict", 17}, {"programme_of_work", 81}, {"subtotal", 83}};
  for (const auto& [row, posts] : regular) {
    INFO(row);
    CHECK(integer(view, "posts-by-component-rb", row, "approved") == posts);
    CHECK(integer(view, "posts-by-component-rb", row, "proposed") == posts);
  }
  const std::pair<const char*, std::int64_t> extra[] = {{"edm", 15}, {"finance", 36}, {"hr", 20}, {"support", 10},
                                                        {"ict", 3}, {"programme_of_work", 69}, {"subtotal", 84}, {"total", 167}};
  for (const auto& [row, posts] : extra) {
    INFO(row);
    CHECK(integer(view, "posts-by-component-xb", row, "current_estimate") == posts);
    CHECK(integer(view, "posts-by-component-xb", row, "estimate") == posts);
  }
}

TEST_CASE("Table 29F.17: evolution of financial and post resources", "[tables]") {
  const auto view = test::view_of();
  check_regular(view, "evolution", {"post", 9645200, 10519500, 0, 0, 10519500});
  check_regular(view, "evolution", {"non_post", 8635200, 9314000, -70600, -8, 9243400});
  check_regular(view, "evolution", {"total", 18280400, 19833500, -70600, -4, 19762900});
  CHECK(integer(view, "evolution", "professional_and_higher", "appropriation") == 20);
  CHECK(integer(view, "evolution", "general_service_and_related", "estimate") == 63);
  CHECK(integer(view, "evolution", "total_posts", "estimate") == 83);
  CHECK_FALSE(tenths(view, "evolution", "total_posts", "percentage").has_value());
  const auto* posts = test::find_row(test::table(view, "evolution"), "total_posts");
  REQUIRE(posts != nullptr);
  CHECK(posts->cells().count("expenditure") == 0);  // null: posts have no expenditure column
}

TEST_CASE("Tables 29F.19–29F.23: each component's evolution", "[tables]") {
  const auto view = test::view_of();
  struct Expected {
    const char* id;
    MoneyRow post, non_post, total;
    std::int64_t professional, general_service;
  };
  const Expected components[] = {
      {"edm", {"post", 350300, 378600, 0, 0, 378600}, {"non_post", 29600, 43200, -4300, -100, 38900},
       {"total", 379900, 421800, -4300, -10, 417500}, 1, 1},
      {"finance", {"post", 2009700, 2356900, 0, 0, 2356900}, {"non_post", 85200, 133200, -6400, -48, 126800},
       {"total", 2094900, 2490100, -6400, -3, 2483700}, 7, 10},
      {"hr", {"post", 2198300, 2381900, 0, 0, 2381900}, {"non_post", 910300, 807200, -2800, -3, 804400},
       {"total", 3108600, 3189100, -2800, -1, 3186300}, 4, 14},
      {"support", {"post", 2897400, 3309400, 0, 0, 3309400}, {"non_post", 6466600, 7150200, -34100, -5, 7116100},
       {"total", 9364000, 10459600, -34100, -3, 10425500}, 3, 26},
      {"ict", {"post", 2189500, 2092700, 0, 0, 2092700}, {"non_post", 1143500, 1180200, -23000, -19, 1157200},
       {"total", 3333000, 3272900, -23000, -7, 3249900}, 5, 12},
  };
  for (const auto& c : components) {
    const std::string t = std::string("component-evolution/") + c.id;
    check_regular(view, t, c.post);
    check_regular(view, t, c.non_post);
    check_regular(view, t, c.total);
    CHECK(integer(view, t, "professional_and_higher", "estimate") == c.professional);
    CHECK(integer(view, t, "general_service_and_related", "estimate") == c.general_service);
    CHECK(integer(view, t, "total_posts", "estimate") == c.professional + c.general_service);
  }
}

TEST_CASE("Table 29F.18: compliance rates", "[tables]") {
  const auto view = test::view_of();
  CHECK(integer(view, "compliance", "timely_submission_of_documentation", "actual_2019") == 100);
  CHECK(integer(view, "compliance", "timely_submission_of_documentation", "planned_2022") == 100);
  CHECK(integer(view, "compliance", "advance_ticket_purchase", "actual_2019") == 79);
  CHECK(integer(view, "compliance", "advance_ticket_purchase", "planned_2021") == 100);
  const auto* tickets = test::find_row(test::table(view, "compliance"), "advance_ticket_purchase");
  REQUIRE(tickets != nullptr);
  CHECK(tickets->cells().at("actual_2020").text() == "—");
}

TEST_CASE("Tables 29F.1 and 29F.3: deliverables by category and subcategory", "[tables]") {
  const auto view = test::view_of();
  for (const char* column : {"planned_2020", "actual_2020", "planned_2021", "planned_2022"}) {
    INFO(column);
    CHECK(integer(view, "deliverables", "A.substantive_services_for_meetings", column) == 3);
    CHECK(integer(view, "deliverables", "fifth_committee_meetings", column) == 1);
    CHECK(integer(view, "deliverables/finance", "A.parliamentary_documentation", column) == 2);
  }
  CHECK(integer(view, "deliverables/finance", "unodc_consolidated_budget", "planned_2021") == 1);
  CHECK(integer(view, "deliverables/finance", "unodc_consolidated_budget", "planned_2022") == 0);
  CHECK(integer(view, "deliverables/finance", "unodc_biennial_performance_report", "actual_2020") == 1);
  const auto& columns = test::table(view, "deliverables/finance").columns();
  REQUIRE(columns.size() == 5);
  CHECK(columns[0].key() == "planned_2020");  // the fascicle's order: planned, then actual
  CHECK(columns[1].key() == "actual_2020");
  CHECK(columns[4].key() == "description");
}

TEST_CASE("Performance measures, by result and year", "[tables]") {
  const auto view = test::view_of();
  CHECK(integer(view, "measures/finance", "voluntary_contributions.days_to_approve_project_revisions", "target_2020") == 35);
  CHECK(integer(view, "measures/finance", "voluntary_contributions.days_to_approve_project_revisions", "actual_2020") == 47);
  CHECK(integer(view, "measures/finance", "voluntary_contributions.days_for_financial_approval_of_revisions", "actual_2018") == 29);
  CHECK(integer(view, "measures/finance", "resource_ownership.field_office_budget_implementation_rate", "actual_2020") == 94);
  CHECK(integer(view, "measures/finance", "grant_closure.final_financial_reports_issued_in_year_due", "planned_2022") == 60);
  CHECK(integer(view, "measures/hr", "geographical_diversity.candidates_from_underrepresented_countries", "actual_2020") == 52);
  CHECK(integer(view, "measures/support", "equipment_delivery.days_to_deliver_equipment", "actual_2020") == 35);
  CHECK(integer(view, "measures/ict", "videoconferencing_adoption.vienna_staff_using_desktop_videoconferencing", "actual_2019") == 48);
  const auto* header = test::find_row(test::table(view, "measures/finance"), "grant_closure");
  REQUIRE(header != nullptr);
  CHECK(header->label() == "Result 3: Timely closure and reporting of grants");
}

TEST_CASE("a measure title the fascicle does not print is marked on its row, and only there", "[tables][transcribed]") {
  const auto view = test::view_of();
  std::set<std::string> marked;
  for (const auto& [id, table] : view.tables) {
    for (const auto& row : table.rows()) {
      if (row.label_transcribed()) marked.insert(id + " " + row.key());
    }
  }
  // Tables 29F.2, 29F.4, 29F.6, 29F.7, 29F.9 and 29F.10 print no title; para 29F.24 states a
  // figure under none.
  CHECK(marked == std::set<std::string>{
                      "measures/finance enhanced_client_services.client_request_tracking",
                      "measures/finance voluntary_contributions.days_for_financial_approval_of_revisions",
                      "measures/hr optimized_performance.performance_feedback",
                      "measures/support mail_pouch_tracking.mail_pouch_tracking_system",
                      "measures/support business_continuity.business_continuity_preparedness",
                      "measures/ict new_ways_of_working.simultaneous_interpretation_for_meetings",
                      "measures/ict videoconferencing_adoption.vienna_staff_using_desktop_videoconferencing",
                  });
}

TEST_CASE("Para 29F.101: the explanation of changes is built from the data", "[tables]") {
  const auto view = test::view_of();
  CHECK(integer(view, "variances", "other_changes", "change") == -70600);
  CHECK(integer(view, "variances", "other_changes.edm", "change") == -4300);
  CHECK(integer(view, "variances", "other_changes.hr.general_operating_expenses", "change") == -1000);
  CHECK(integer(view, "variances", "other_changes.support.travel_of_staff", "change") == -13100);
  CHECK(integer(view, "variances", "other_changes.support.supplies_and_materials", "change") == -21000);
  const auto* edm = test::find_row(test::table(view, "variances"), "other_changes.edm");
  REQUIRE(edm != nullptr);
  CHECK(edm->cells().at("explanation").text() ==
        "(a) Executive direction and management. The decrease of $4,300 reflects reduced requirements under travel "
        "of staff ($4,300), owing to the increased use of videoconferencing, except where in-person presence is "
        "deemed necessary.");
}

TEST_CASE("a disabled component leaves every table and total", "[tables][disabled]") {
  const auto view = test::view_of({"edm", "finance", "support", "ict"});
  for (const auto& [id, table] : view.tables) {
    INFO(id);
    CHECK(id.find("/hr") == std::string::npos);
    for (const auto& row : table.rows()) {
      INFO(row.key());
      CHECK_FALSE(mentions(row.key(), "hr"));
    }
    bool noted = false;
    for (const auto& note : table.notes()) noted = noted || note.find("'hr' is disabled") != std::string::npos;
    CHECK(noted);
  }
  CHECK(integer(view, "financial-by-component-rb", "subtotal", "estimate") == 19762900 - 3186300);
  CHECK(integer(view, "financial-by-object", "total", "estimate") == 19762900 - 3186300);
  CHECK(integer(view, "financial-by-component-xb", "total", "estimate") == 39741500 - 3186300 - 2974100);
  CHECK(integer(view, "posts-by-grade", "total", "approved") == 83 - 18);
  CHECK(integer(view, "posts-by-component-xb", "total", "estimate") == 167 - 18 - 20);
  CHECK(integer(view, "variances", "other_changes", "change") == -70600 + 2800);
  CHECK(integer(view, "evolution", "total_posts", "estimate") == 65);
  // The by-object split is now a sum of illustrative allocations, and says so.
  const auto* travel = test::find_row(test::table(view, "financial-by-object"), "travel_of_staff");
  REQUIRE(travel != nullptr);
  CHECK(travel->illustrative());
  CHECK(view.section.components_size() == 4);
}

TEST_CASE("with every component as printed, no figure is marked illustrative", "[tables]") {
  const auto view = test::view_of();
  for (const auto& [id, table] : view.tables) {
    for (const auto& row : table.rows()) CHECK_FALSE(row.illustrative());
  }
}

TEST_CASE("a table as JSON is the contract for clients", "[tables][json]") {
  const auto view = test::view_of();
  const auto json = nlohmann::ordered_json::parse(cli::render(test::table(view, "financial-by-component-rb"), cli::Format::kJson));
  CHECK(json["id"] == "financial-by-component-rb");
  const auto& edm = json["rows"].front();
  CHECK(edm["key"] == "edm");
  CHECK(edm["label"] == "A. Executive direction and management");
  CHECK(edm["level"] == 0);
  // Every column, in the columns' order; money in whole dollars, the percentage with its decimal.
  CHECK(edm["cells"].dump() ==
        "{\"expenditure\":379900,\"appropriation\":421800,\"technical_adjustments\":0,\"new_mandates\":0,"
        "\"other_changes\":-4300,\"total_change\":-4300,\"percentage\":-1.0,\"estimate\":417500}");
  const auto& subtotal = json["rows"].back();
  CHECK(subtotal["key"] == "subtotal");
  CHECK(subtotal["label"] == "Subtotal, 1 (regular budget)");
  CHECK(subtotal["level"] == 1);
  const auto evolution = nlohmann::ordered_json::parse(cli::render(test::table(view, "evolution"), cli::Format::kJson));
  const auto& rows = evolution["rows"];
  const auto posts = std::find_if(rows.begin(), rows.end(), [](const auto& row) { return row["key"] == "total_posts"; });
  REQUIRE(posts != rows.end());
  // No expenditure is printed for posts: the key is there, with null.
  CHECK((*posts)["cells"].contains("expenditure"));
  CHECK((*posts)["cells"]["expenditure"].is_null());
  CHECK((*posts)["cells"]["appropriation"] == 83);
}

TEST_CASE("the explanation of changes letters any number of components", "[tables][variances]") {
  CHECK(aggregate::list_letter(0) == "a");
  CHECK(aggregate::list_letter(25) == "z");
  CHECK(aggregate::list_letter(26) == "aa");
  CHECK(aggregate::list_letter(27) == "ab");
  CHECK(aggregate::list_letter(701) == "zz");
  CHECK(aggregate::list_letter(702) == "aaa");

  // 40 copies of edm, each with its own change: more than the 26 letters of one alphabet. The
  // letter used to be a char counted up past 'z', into bytes that are not UTF-8, which protobuf
  // then refused to parse on the client's side.
  std::vector<section::v1::Component> components;
  for (int i = 1; i <= 40; ++i) {
    section::v1::Component component = test::component("edm");
    component.set_id("c" + std::to_string(i));
    component.set_subprogramme(i);
    component.set_title("Component " + std::to_string(i));
    components.push_back(std::move(component));
  }
  const auto view = test::view_of_components(components);
  const auto* first = test::find_row(test::table(view, "variances"), "other_changes.c1");
  const auto* twenty_seventh = test::find_row(test::table(view, "variances"), "other_changes.c27");
  REQUIRE(first != nullptr);
  REQUIRE(twenty_seventh != nullptr);
  CHECK_THAT(first->cells().at("explanation").text(), Catch::StartsWith("(a) Component 1. "));
  CHECK_THAT(twenty_seventh->cells().at("explanation").text(), Catch::StartsWith("(aa) Component 27. "));
  for (const auto& [id, table] : view.tables) {
    INFO(id);
    section::v1::Table parsed;  // proto3 refuses to parse a string that is not UTF-8
    CHECK(parsed.ParseFromString(table.SerializeAsString()));
  }
}
