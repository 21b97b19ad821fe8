// TEMPLATE: tests of the example plugin with the plugin test kit, which loads the plugin exactly
// as section-host does: the ELF and ABI checks, the start request, the C boundary, and the
// host's validation of what the plugin publishes. SECTION_PLUGIN_UNDER_TEST and
// SECTION_PLUGIN_DATA come from section_add_plugin_test() in CMakeLists.txt.
#include <catch2/catch.hpp>
#include <section/testkit/plugin_test_kit.h>

namespace tk = section::testkit;

namespace {

const tk::Options kExample{"example"};

std::string data() { return tk::read_text(SECTION_PLUGIN_DATA); }

}  // namespace

TEST_CASE("the example plugin publishes its component as the host would serve it") {
  const tk::Run run = tk::load(SECTION_PLUGIN_UNDER_TEST, kExample);
  INFO(run.error());
  REQUIRE(run.ok());
  const auto& component = run.component();
  CHECK(component.id() == "example");
  CHECK(component.subprogramme() == 5);
  REQUIRE(component.results_size() == 1);
  REQUIRE(component.results(0).measures_size() == 1);
  CHECK(component.results(0).measures(0).values_size() == 3);
  CHECK(component.deliverables_size() == 2);
}

TEST_CASE("the example plugin refuses a percentage above 100") {
  const auto run = tk::load_with_data(SECTION_PLUGIN_UNDER_TEST, kExample,
                                      tk::edit(data(), "kind: planned, value: 70", "kind: planned, value: 170"));
  CHECK(run.refused_at() == tk::Stage::kData);
  CHECK_THAT(run.error(), Catch::Contains("share_of_records_kept_electronically") && Catch::Contains("100"));
}

TEST_CASE("the example plugin refuses a measure with no plan for the budget year") {
  const auto run = tk::load_with_data(SECTION_PLUGIN_UNDER_TEST, kExample,
                                      tk::edit(data(), "          - {year: 2022, kind: planned, value: 70, illustrative: true}\n", ""));
  CHECK(run.refused_at() == tk::Stage::kData);
  CHECK_THAT(run.error(), Catch::Contains("plans no value for 2022"));
}

TEST_CASE("the example plugin refuses data of another budget year") {
  tk::Options options = kExample;
  options.budget_year = 2023;
  const auto run = tk::load(SECTION_PLUGIN_UNDER_TEST, options);
  CHECK(run.refused_at() == tk::Stage::kData);
  CHECK_THAT(run.error(), Catch::Contains("the section is for 2023"));
}

TEST_CASE("the example plugin refuses data published under another plugin id") {
  tk::Options options = kExample;
  options.id = "records";
  const auto run = tk::load(SECTION_PLUGIN_UNDER_TEST, options);
  CHECK(run.refused_at() == tk::Stage::kData);
  CHECK_THAT(run.error(), Catch::Contains("does not match the plugin id 'records'"));
}

TEST_CASE("the example plugin refuses a setting it does not know") {
  tk::Options options = kExample;
  options.settings["colour"] = "blue";
  const auto run = tk::load(SECTION_PLUGIN_UNDER_TEST, options);
  CHECK(run.refused_at() == tk::Stage::kSettings);
  CHECK_THAT(run.error(), Catch::Contains("colour"));
}

TEST_CASE("the example plugin refuses malformed data, naming the file and line") {
  const auto run = tk::load_with_data(SECTION_PLUGIN_UNDER_TEST, kExample,
                                      tk::edit(data(), "  subprogramme: 5", "  subprogramme: five"));
  CHECK(run.refused_at() == tk::Stage::kData);
  CHECK_THAT(run.error(), Catch::Contains("component.yaml:") && Catch::Contains("subprogramme"));
}
