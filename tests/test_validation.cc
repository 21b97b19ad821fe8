// The host's validation of what a plugin publishes.
#include <catch2/catch.hpp>

#include "host/aggregate/validation.h"
#include "section/sdk/language.h"
#include "section_fixture.h"

using namespace section;

namespace {

std::string problems(const v1::Component& component, const std::string& plugin_id = "finance") {
  const absl::Status status = aggregate::validate_component(component, plugin_id, 2022);
  return status.ok() ? "" : std::string(status.message());
}

}  // namespace

TEST_CASE("the five Section 29F components are valid and fit together", "[validation]") {
  std::vector<v1::Component> components;
  for (const auto& id : test::all_components()) {
    components.push_back(test::component(id));
    CHECK(problems(components.back(), id) == "");
  }
  CHECK(aggregate::validate_together(components).ok());
}

TEST_CASE("a component must be the plugin's and the section's", "[validation]") {
  v1::Component c = test::component("finance");
  CHECK_THAT(problems(c, "fin"), Catch::Contains("id: 'finance' is not the plugin id 'fin'"));
  c.set_budget_year(2023);
  CHECK_THAT(problems(c), Catch::Contains("budget_year: 2023 is not the section's 2022"));
  c = test::component("finance");
  c.set_subprogramme(0);
  CHECK_THAT(problems(c), Catch::Contains("a subprogramme needs a number"));
  c = test::component("edm");
  c.set_subprogramme(3);
  CHECK_THAT(problems(c, "edm"), Catch::Contains("only a subprogramme has a number"));
}

TEST_CASE("a subprogramme needs an objective, executive direction and management may have none", "[validation]") {
  v1::Component edm = test::component("edm");
  CHECK_FALSE(edm.has_objective());  // Section 29F gives it none (para 29F.104 is its description)
  CHECK(problems(edm, "edm") == "");
  edm.mutable_objective()->set_text("To lead.");
  CHECK(problems(edm, "edm") == "");
  edm.mutable_objective()->clear_text();
  CHECK_THAT(problems(edm, "edm"), Catch::Contains("objective: an objective without its text"));
  v1::Component finance = test::component("finance");
  finance.clear_objective();
  CHECK_THAT(problems(finance), Catch::Contains("objective: a subprogramme needs an objective"));
}

TEST_CASE("a heading marked as the transcriber's words has a heading", "[validation]") {
  v1::Component c = test::component("finance");
  c.mutable_strategy(0)->mutable_provenance()->set_title_transcribed(true);
  CHECK_THAT(problems(c), Catch::Contains("strategy[0]: marked title_transcribed but has no heading"));
  c.mutable_strategy(0)->set_heading("Strategy");
  CHECK(problems(c) == "");
}

TEST_CASE("ids, years and kinds of measures are checked", "[validation]") {
  v1::Component c = test::component("finance");
  *c.add_results() = c.results(0);
  CHECK_THAT(problems(c), Catch::Contains("results[enhanced_client_services]: the id is used twice"));
  c = test::component("finance");
  c.mutable_results(1)->mutable_measures(0)->mutable_values(0)->set_year(1990);
  CHECK_THAT(problems(c), Catch::Contains("year 1990 is outside 2012–2027"));
  c = test::component("finance");
  c.mutable_results(1)->mutable_measures(0)->mutable_values(0)->set_kind(v1::VALUE_KIND_UNSPECIFIED);
  CHECK_THAT(problems(c), Catch::Contains("no kind"));
  c = test::component("finance");
  *c.mutable_results(1)->mutable_measures(0)->add_values() = c.results(1).measures(0).values(0);
  CHECK_THAT(problems(c), Catch::Contains("two values of the same kind for one year"));
}

TEST_CASE("numbers and enum values from a plugin are bounded", "[validation]") {
  v1::Component c = test::component("finance");
  c.mutable_results(1)->mutable_measures(0)->mutable_values(0)->mutable_number()->set_scale(64);
  CHECK_THAT(problems(c), Catch::Contains("the number is out of range"));
  c = test::component("finance");
  c.mutable_results(1)->mutable_measures(0)->mutable_values(0)->mutable_number()->set_units(INT64_MIN);
  CHECK_THAT(problems(c), Catch::Contains("the number is out of range"));
  c = test::component("finance");
  c.mutable_results(1)->mutable_measures(0)->mutable_values(0)->set_kind(static_cast<v1::ValueKind>(7));
  CHECK_THAT(problems(c), Catch::Contains("no kind"));
  c = test::component("finance");
  c.mutable_results(1)->mutable_measures(0)->set_unit(static_cast<v1::Unit>(42));
  CHECK_THAT(problems(c), Catch::Contains("the unit must be"));
  c = test::component("finance");
  c.mutable_money(0)->set_funding(static_cast<v1::FundingSource>(9));
  CHECK_THAT(problems(c), Catch::Contains("no funding source"));
  c = test::component("finance");
  c.mutable_posts(0)->set_count(INT64_MAX);
  CHECK_THAT(problems(c), Catch::Contains("a number of posts is out of range"));
  c = test::component("finance");
  c.mutable_deliverables(0)->mutable_counts(0)->set_count(-5'000'000'000);
  CHECK_THAT(problems(c), Catch::Contains("a count is out of range"));
}

TEST_CASE("money and posts use the columns of their funding source, once each", "[validation]") {
  v1::Component c = test::component("finance");
  v1::MoneyFact* fact = c.add_money();
  fact->set_funding(v1::EXTRABUDGETARY);
  fact->set_column(v1::APPROPRIATION);
  fact->set_amount_usd(1);
  CHECK_THAT(problems(c), Catch::Contains("not an extrabudgetary money column"));

  c = test::component("finance");
  *c.add_money() = c.money(0);
  CHECK_THAT(problems(c), Catch::Contains("given twice"));

  c = test::component("finance");
  fact = c.add_money();
  fact->set_funding(v1::REGULAR_BUDGET);
  fact->set_column(v1::APPROPRIATION);
  fact->set_object("yachts");
  CHECK_THAT(problems(c), Catch::Contains("regular budget money needs an object of expenditure"));

  c = test::component("finance");
  fact = c.add_money();
  fact->set_funding(v1::REGULAR_BUDGET);
  fact->set_column(v1::EXPENDITURE);
  fact->set_object("hospitality");
  fact->set_amount_usd(-5);
  CHECK_THAT(problems(c), Catch::Contains("a base amount cannot be negative"));

  c = test::component("finance");
  v1::PostFact* post = c.add_posts();
  post->set_funding(v1::REGULAR_BUDGET);
  post->set_column(v1::ESTIMATE);
  post->set_grade("p4");
  post->set_count(1);
  CHECK_THAT(problems(c), Catch::Contains("not a posts column of this funding source"));

  c = test::component("finance");
  post = c.add_posts();
  post->set_funding(v1::REGULAR_BUDGET);
  post->set_column(v1::APPROPRIATION);
  post->set_grade("p4");
  post->set_category("professional_and_higher");
  CHECK_THAT(problems(c), Catch::Contains("a grade or a category, not both"));
}

TEST_CASE("deliverables are checked", "[validation]") {
  v1::Component c = test::component("finance");
  c.mutable_deliverables(0)->set_category("F");
  CHECK_THAT(problems(c), Catch::Contains("the category must be A–E"));
  c = test::component("finance");
  c.mutable_deliverables(0)->mutable_counts(0)->set_kind(v1::TARGET);
  CHECK_THAT(problems(c), Catch::Contains("counts are planned or actual"));
  c = test::component("finance");
  c.mutable_deliverables(3)->set_quantified(true);
  CHECK_THAT(problems(c), Catch::Contains("quantified deliverables, and only they, have counts"));
}

// A published component with reported values laid in: only what a value can break is checked
// again, the rest having passed when it was published.
TEST_CASE("a component with reported values is checked for its measures and deliverables only", "[validation][reports]") {
  const auto reported = [](const v1::Component& component) {
    const absl::Status status = aggregate::validate_component(component, "finance", 2022, aggregate::Scope::kReportedValues);
    return status.ok() ? "" : std::string(status.message());
  };
  v1::Component c = test::component("finance");
  CHECK(reported(c).empty());
  *c.mutable_results(1)->mutable_measures(0)->add_values() = c.results(1).measures(0).values(0);
  CHECK_THAT(reported(c), Catch::Contains("two values of the same kind for one year"));
  c = test::component("finance");
  c.mutable_results(1)->mutable_measures(0)->mutable_values(0)->mutable_number()->set_units(INT64_MIN);
  CHECK_THAT(reported(c), Catch::Contains("the number is out of range"));
  c = test::component("finance");
  c.mutable_deliverables(0)->mutable_counts(0)->set_count(-5'000'000'000);
  CHECK_THAT(reported(c), Catch::Contains("a count is out of range"));
  c = test::component("edm");
  REQUIRE(c.compliance_size() > 0);
  REQUIRE(c.compliance(0).values_size() > 0);
  c.mutable_compliance(0)->mutable_values(0)->set_year(1990);
  const absl::Status compliance = aggregate::validate_component(c, "edm", 2022, aggregate::Scope::kReportedValues);
  CHECK_THAT(std::string(compliance.message()), Catch::Contains("compliance[") && Catch::Contains("year 1990"));

  // What a report cannot change is not looked at again.
  c = test::component("finance");
  c.mutable_money(0)->set_funding(static_cast<v1::FundingSource>(9));
  c.set_title("");
  CHECK(reported(c).empty());
  CHECK_THAT(problems(c), Catch::Contains("no funding source") && Catch::Contains("title: no title"));
}

TEST_CASE("many problems are listed, up to a limit", "[validation]") {
  v1::Component c = test::component("finance");
  for (auto& fact : *c.mutable_money()) fact.set_funding(v1::FUNDING_SOURCE_UNSPECIFIED);
  const std::string text = problems(c);
  CHECK_THAT(text, Catch::StartsWith("component 'finance' is invalid:"));
  CHECK_THAT(text, Catch::Contains("… and"));
}

TEST_CASE("components must fit together", "[validation]") {
  v1::Component hr = test::component("hr");
  v1::Component other = test::component("support");
  other.set_id("support2");
  other.set_subprogramme(2);
  CHECK_THAT(std::string(aggregate::validate_together({hr, other}).message()), Catch::Contains("subprogramme 2 is already published"));
  v1::Component edm = test::component("edm");
  v1::Component edm2 = edm;
  edm2.set_id("edm2");
  CHECK_THAT(std::string(aggregate::validate_together({edm, edm2}).message()),
             Catch::Contains("a second executive direction and management component"));
}

TEST_CASE("components checked one at a time must fit with those before them", "[validation]") {
  aggregate::TogetherCheck together;
  v1::Component edm = test::component("edm");
  v1::Component edm2 = edm;
  edm2.set_id("edm2");
  v1::Component hr = test::component("hr");
  v1::Component support2 = test::component("support");
  support2.set_id("support2");
  support2.set_subprogramme(2);
  v1::Component support = test::component("support");
  CHECK(together.add(edm).ok());
  CHECK(together.add(hr).ok());
  CHECK_THAT(std::string(together.add(support2).message()),
             Catch::Contains("support2: subprogramme 2 is already published by another component"));
  CHECK_THAT(std::string(together.add(edm2).message()), Catch::Contains("edm2: a second executive direction and management component"));
  // What did not fit is not remembered: subprogramme 3 is still free, and the same again fits.
  CHECK(together.add(support).ok());
  CHECK_FALSE(together.add(support).ok());
}

TEST_CASE("the languages a plugin publishes are checked: fields, tags, duplicates, count", "[validation][language]") {
  v1::Component c = test::component("finance");
  REQUIRE(c.results_size() > 0);
  auto* result = c.mutable_results(0);
  auto add = [](v1::Result* r, const std::string& field, const std::string& tag, const std::string& text) {
    auto* forms = r->add_languages();
    forms->set_field(field);
    auto* form = forms->add_text();
    form->set_language(tag);
    form->set_text(text);
    return forms;
  };
  const std::string at = "results[0].languages[" + std::to_string(result->languages_size()) + "]";

  SECTION("a field that is no text field of the message") {
    add(result, "highlighted", "fr", "x");
    CHECK_THAT(problems(c), Catch::Contains(at + ".field: 'highlighted' is no text field of Result"));
  }
  SECTION("not checked again for a published component with a reported value laid in") {
    add(result, "highlighted", "fr", "x");
    const absl::Status status = aggregate::validate_component(c, "finance", 2022, aggregate::Scope::kReportedValues);
    INFO(status.message());
    CHECK(status.ok());
    CHECK_FALSE(aggregate::validate_component(c, "finance", 2022).ok());
  }
  SECTION("a field that does not exist") {
    add(result, "nonsense", "fr", "x");
    CHECK_THAT(problems(c), Catch::Contains(at + ".field: 'nonsense' is no text field of Result"));
  }
  SECTION("a field given twice") {
    add(result, "title", "fr", "x");
    add(result, "title", "es", "y");
    CHECK_THAT(problems(c), Catch::Contains("'title' has an entry already: one entry per field"));
  }
  SECTION("a malformed tag, and a long one shown by its length") {
    add(result, "title", "zh_CN", "x");
    CHECK_THAT(problems(c), Catch::Contains(at + ".text[0].language: 'zh_CN' is not a well-formed BCP 47 language tag"));
    v1::Component d = test::component("finance");
    add(d.mutable_results(0), "title", "zh-" + std::string(70, 'a'), "x");
    CHECK_THAT(problems(d), Catch::Contains("a tag of 73 bytes is not a well-formed BCP 47 language tag"));
  }
  SECTION("a tag given twice for one field, in any case, and an empty text") {
    auto* forms = add(result, "title", "zh-Hant", "x");
    auto* again = forms->add_text();
    again->set_language("zh-hant");
    again->set_text("");
    const std::string message = problems(c);
    CHECK_THAT(message, Catch::Contains(at + ".text[1].language: 'zh-hant' is given twice for 'title'"));
    CHECK_THAT(message, Catch::Contains(at + ".text[1].text: empty: leave the language out instead"));
  }
  SECTION("an element of a field that is no list") {
    add(result, "title[0]", "fr", "x");
    CHECK_THAT(problems(c), Catch::Contains(at + ".field: 'title[0]' is no text of Result"));
  }
  SECTION("more than 16 languages in one component") {
    auto* forms = add(result, "title", "x-l0", "x");
    for (int i = 1; i <= 16; ++i) {
      auto* form = forms->add_text();
      form->set_language("x-l" + std::to_string(i));
      form->set_text("x");
    }
    CHECK_THAT(problems(c), Catch::Contains("languages: 18 languages besides English; at most 16"));
  }
  SECTION("sixteen besides English are fine, whatever the case of their tags") {
    // zh and 15 more on the result's title.
    v1::TextForms& forms = language::entry(result->mutable_languages(), "title");
    for (int i = 0; i < 15; ++i) language::set_text(forms, (i % 2 ? "X-L" : "x-l") + std::to_string(i), "x");
    // The same language on another message's text: counted once.
    auto* note = c.add_resource_notes();
    note->set_text("t");
    auto* again = note->add_languages();
    again->set_field("text");
    again->add_text()->set_language("X-L0");
    again->mutable_text(0)->set_text("x");
    CHECK(problems(c) == "");
  }
}
