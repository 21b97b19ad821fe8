// The SDK: strict YAML, the component data reader and the domain checks.
#include <catch2/catch.hpp>

#include "section/sdk/sdk.h"
#include "section/sdk/yaml.h"
#include "test_env.h"

using namespace section;

namespace {

std::string error_of(const std::string& yaml) {
  try {
    sdk::read_component_string(yaml, "data.yaml");
  } catch (const sdk::DataError& e) {
    return e.what();
  }
  return "";
}

const char* kMinimal =
    "component: {id: x, kind: subprogramme, subprogramme: 5, title: X, budget_year: 2022}\n"
    "objective: {text: To test.}\n";

}  // namespace

TEST_CASE("strict YAML refuses duplicate keys that yaml-cpp accepts", "[sdk][yaml]") {
  const yaml::Value root = yaml::load_string("a: 1\nb: 2\na: 3\n", "f.yaml");
  try {
    root.map({"a", "b"});
    FAIL("no error");
  } catch (const yaml::Error& e) {
    CHECK(e.line() == 3);
    CHECK_THAT(e.what(), Catch::Contains("f.yaml:3:1") && Catch::Contains("duplicate key 'a'") &&
                             Catch::Contains("first given at line 1"));
  }
}

TEST_CASE("strict YAML names unknown keys, the file, line and the keys it expects", "[sdk][yaml]") {
  const yaml::Value root = yaml::load_string("listen: x\nlisten_port: 4\n", "host.yaml");
  try {
    root.map({"listen", "plugins"});
    FAIL("no error");
  } catch (const yaml::Error& e) {
    CHECK(e.line() == 2);
    CHECK_THAT(e.what(), Catch::Contains("unknown key 'listen_port'") && Catch::Contains("expected one of: listen, plugins"));
  }
}

TEST_CASE("strict YAML reports syntax errors with their position", "[sdk][yaml]") {
  try {
    yaml::load_string("a: [1, 2\nb: 3\n", "broken.yaml");
    FAIL("no error");
  } catch (const yaml::Error& e) {
    CHECK(e.line() > 0);
    CHECK_THAT(e.what(), Catch::StartsWith("broken.yaml:") && Catch::Contains("invalid YAML"));
  }
  CHECK_THROWS_WITH(yaml::load_string("", "empty.yaml"), Catch::Contains("empty"));
  CHECK_THROWS_WITH(yaml::load_file("/nonexistent/x.yaml"), Catch::Contains("cannot read"));
}

TEST_CASE("strict YAML checks types and ranges", "[sdk][yaml]") {
  const yaml::Value root = yaml::load_string("n: 12x\nm: 70000\nb: yes\nl: [1]\n", "t.yaml");
  const yaml::Map map = root.map({"n", "m", "b", "l"});
  CHECK_THROWS_WITH(map.required("n").integer(0, 10), Catch::Contains("expected a whole number"));
  CHECK_THROWS_WITH(map.required("m").integer(0, 65535), Catch::Contains("out of range"));
  CHECK_THROWS_WITH(map.required("b").boolean(), Catch::Contains("expected true or false"));
  CHECK_THROWS_WITH(map.required("l").str(), Catch::Contains("expected a value, found a list"));
  CHECK_THROWS_WITH(map.required("missing"), Catch::Contains("missing key 'missing'"));
}

TEST_CASE("a component data file reads into the model", "[sdk][reader]") {
  const v1::Component c = sdk::read_component_file(test::source_dir() / "plugins/finance/component.yaml");
  CHECK(c.id() == "finance");
  CHECK(c.kind() == v1::SUBPROGRAMME);
  CHECK(c.subprogramme() == 1);
  CHECK(c.budget_year() == 2022);
  CHECK(c.results_size() == 4);
  CHECK(c.deliverables_size() == 4);
  CHECK(c.mandates_size() == 6);
  // Posts money, as printed in Table 29F.20, in whole dollars.
  bool found = false;
  for (const auto& fact : c.money()) {
    if (fact.object() == "posts" && fact.column() == v1::APPROPRIATION) {
      CHECK(fact.amount_usd() == 2356900);
      CHECK_FALSE(fact.provenance().illustrative());
      found = true;
    }
    if (fact.object() == "consultants") CHECK(fact.provenance().illustrative());
  }
  CHECK(found);
}

TEST_CASE("the component reader refuses bad data with file, line and field", "[sdk][reader]") {
  CHECK(error_of(kMinimal).empty());
  CHECK_THAT(error_of(std::string(kMinimal) + "colour: blue\n"),
             Catch::Contains("data.yaml:3:1") && Catch::Contains("unknown key 'colour'"));
  CHECK_THAT(error_of("component: {id: x, kind: team, title: X, budget_year: 2022}\nobjective: {text: t}\n"),
             Catch::Contains("component.kind") && Catch::Contains("not one of"));
  CHECK_THAT(error_of(std::string(kMinimal) + "resources:\n  regular_budget:\n    objects:\n      travel: {appropriation: 10}\n"),
             Catch::Contains("data.yaml:6") && Catch::Contains("'travel' is not an object of expenditure"));
  CHECK_THAT(error_of(std::string(kMinimal) + "resources:\n  regular_budget:\n    objects:\n      posts: {appropriation: 10.5}\n"),
             Catch::Contains("expected a whole number"));
  CHECK_THAT(error_of(std::string(kMinimal) + "posts:\n  regular_budget:\n    categories: {approved: {professional_and_higher: 1}}\n"
                                              "    grades: {approved: {p9: 1}}\n"),
             Catch::Contains("'p9' is not a grade"));
  CHECK_THAT(error_of(std::string(kMinimal) + "results:\n  - id: r\n    title: R\n    measures:\n"
                                              "      - {id: m, title: M, unit: percent, values: [{year: 2022, kind: hoped}]}\n"),
             Catch::Contains("'hoped' is not one of"));
  CHECK_THAT(error_of(std::string(kMinimal) + "deliverables:\n  - {id: d, category: A, category_title: T, subcategory: S, "
                                              "counts: {planned_20x2: 1}}\n"),
             Catch::Contains("does not end in a year"));
  CHECK_THAT(error_of("component: {id: x, kind: executive_direction_and_management, subprogramme: 2, title: X, budget_year: 2022}\n"
                      "objective: {text: t}\n"),
             Catch::Contains("only a subprogramme has a subprogramme number"));
}

TEST_CASE("percentages must lie within 0-100", "[sdk][checks]") {
  v1::Component c = sdk::read_component_string(std::string(kMinimal) +
                                                "results:\n  - id: r\n    title: R\n    measures:\n"
                                                "      - {id: m, title: M, unit: percent, values: [{year: 2022, kind: planned, value: 101}, "
                                                "{year: 2021, kind: planned, value: 100}, {year: 2020, kind: actual, value: -1}]}\n",
                                                "d.yaml");
  sdk::Findings findings;
  sdk::checks::percentages_within_bounds(c, findings);
  CHECK(findings.size() == 2);
  CHECK_THAT(findings.to_string(), Catch::Contains("results[r].measures[m].values[2022 planned]: 101 % is outside 0–100"));
}

TEST_CASE("a cumulative series never decreases", "[sdk][checks]") {
  const std::string measures =
      "results:\n  - id: r\n    title: R\n    measures:\n"
      "      - {id: m, title: M, unit: count, cumulative: true, values: [{year: 2020, kind: actual, value: 23}, "
      "{year: 2021, kind: planned, value: %1}, {year: 2022, kind: planned, value: %2}]}\n";
  auto findings_for = [&](const std::string& a, const std::string& b) {
    std::string text = measures;
    text.replace(text.find("%1"), 2, a);
    text.replace(text.find("%2"), 2, b);
    sdk::Findings findings;
    sdk::checks::cumulative_series_never_decrease(sdk::read_component_string(kMinimal + text, "d.yaml"), findings);
    return findings;
  };
  CHECK(findings_for("25", "30").empty());
  CHECK(findings_for("30", "25").size() == 1);              // planned 2022 below planned 2021
  CHECK_THAT(findings_for("20", "30").to_string(), Catch::Contains("below the 2020 actual 23"));
}

TEST_CASE("posts by grade add up to the posts by category", "[sdk][checks]") {
  const std::string head = std::string(kMinimal) + "posts:\n  regular_budget:\n    categories: {approved: {professional_and_higher: 3, general_service_and_related: 2}}\n";
  auto findings_for = [&](const std::string& grades) {
    sdk::Findings findings;
    sdk::checks::grades_add_up_to_categories(sdk::read_component_string(head + grades, "d.yaml"), findings);
    return findings;
  };
  CHECK(findings_for("    grades: {approved: {p4: 2, p3: 1, gs_ol: 2}}\n").empty());
  const auto wrong = findings_for("    grades: {approved: {p4: 2, gs_ol: 3}}\n");
  CHECK(wrong.size() == 2);
  CHECK_THAT(wrong.to_string(), Catch::Contains("professional_and_higher: posts by grade add up to 2, but the category has 3"));
  // Extrabudgetary: grades for the budget year against the current estimate plus the change.
  const std::string extra = std::string(kMinimal) + "posts:\n  extrabudgetary:\n    current_estimate: 4\n    change: 1\n";
  sdk::Findings ok, bad;
  sdk::checks::grades_add_up_to_categories(sdk::read_component_string(extra + "    grades: {estimate: {p3: 2, gs_ol: 3}}\n", "d"), ok);
  sdk::checks::grades_add_up_to_categories(sdk::read_component_string(extra + "    grades: {estimate: {p3: 2}}\n", "d"), bad);
  CHECK(ok.empty());
  CHECK_THAT(bad.to_string(), Catch::Contains("add up to 2, but the total is 5"));
}

TEST_CASE("deliverable counts and quantities are never negative and durations at least a day", "[sdk][checks]") {
  v1::Component c = sdk::read_component_string(
      std::string(kMinimal) +
          "deliverables:\n  - {id: d, category: A, category_title: T, subcategory: S, title: I, counts: {planned_2022: -1, actual_2020: 0}}\n"
          "results:\n  - id: r\n    title: R\n    measures:\n"
          "      - {id: days, title: D, unit: days, values: [{year: 2022, kind: planned, value: 0}]}\n"
          "      - {id: n, title: N, unit: count, values: [{year: 2022, kind: planned, value: -3}]}\n",
      "d.yaml");
  sdk::Findings deliverables, quantities, durations;
  sdk::checks::deliverable_counts_non_negative(c, deliverables);
  sdk::checks::quantities_non_negative(c, quantities);
  sdk::checks::durations_at_least_one_day(c, durations);
  CHECK(deliverables.size() == 1);
  CHECK_THAT(deliverables.to_string(), Catch::Contains("deliverables[d].counts.planned_2022: -1 is negative"));
  CHECK(quantities.size() == 1);
  CHECK(durations.size() == 1);
}

TEST_CASE("a plugin's settings are checked and its data found beside the library", "[sdk][context]") {
  v1::PluginStartRequest request;
  request.set_plugin_id("hr");
  request.set_library_path("/opt/plugins/hr/hr.so");
  request.set_config_dir("/etc/section");
  (*request.mutable_settings())["data"] = "alt.yaml";
  sdk::Context context(request, nullptr);
  CHECK(context.data_path("data", "component.yaml") == "/etc/section/alt.yaml");
  CHECK_NOTHROW(context.require_known_settings({"data"}));
  CHECK_THROWS_AS(context.require_known_settings({}), sdk::InvalidSettings);
  request.clear_settings();
  sdk::Context plain(request, nullptr);
  CHECK(plain.data_path("data", "component.yaml") == "/opt/plugins/hr/component.yaml");
  context.log(SECTION_LOG_INFO, "no host: nothing happens");
  context.request_republish();
}

TEST_CASE("every Section 29F data file passes its reader", "[sdk][reader]") {
  for (const char* id : {"edm", "finance", "hr", "support", "ict"}) {
    INFO(id);
    const v1::Component c = sdk::read_component_file(test::source_dir() / "plugins" / id / "component.yaml");
    CHECK(c.id() == id);
    sdk::Findings findings;
    sdk::checks::percentages_within_bounds(c, findings);
    sdk::checks::cumulative_series_never_decrease(c, findings);
    sdk::checks::grades_add_up_to_categories(c, findings);
    sdk::checks::deliverable_counts_non_negative(c, findings);
    sdk::checks::quantities_non_negative(c, findings);
    CHECK(findings.to_string() == "");
  }
}
