// The plugin test kit loads a plugin exactly as the host does, so it must say what the host says:
// the five real plugins serve, and every fixture is refused at the step the host refuses it.
#include <catch2/catch.hpp>

#include <chrono>
#include <thread>

#include "section/testkit/plugin_test_kit.h"
#include "test_env.h"

namespace tk = section::testkit;
using section::test::fixture;
using section::test::plugin_dir;

namespace {

std::filesystem::path real_plugin(const std::string& name) { return plugin_dir() / name / (name + ".so"); }

}  // namespace

TEST_CASE("the test kit serves each Section 29F plugin as the host does", "[testkit]") {
  for (const std::string id : {"edm", "finance", "hr", "support", "ict"}) {
    const tk::Run run = tk::load(real_plugin(id), {id});
    INFO(id << ": " << run.error());
    CHECK(run.ok());
    CHECK(run.component().id() == id);
  }
}

TEST_CASE("the test kit names the step at which the host would refuse a plugin", "[testkit]") {
  SECTION("a missing library") {
    const auto run = tk::load("/nonexistent/x.so", {"x"});
    CHECK(run.refused_at() == tk::Stage::kLibrary);
    CHECK_THAT(run.error(), Catch::Contains("/nonexistent/x.so"));
  }
  SECTION("a library that is not a plugin") {
    CHECK(tk::load(fixture("not_a_plugin"), {"x"}).refused_at() == tk::Stage::kLibrary);
  }
  SECTION("a plugin of another ABI version") {
    const auto run = tk::load(fixture("other_abi_plugin"), {"x"});
    CHECK(run.refused_at() == tk::Stage::kLibrary);
    CHECK_THAT(run.error(), Catch::Contains("ABI"));
  }
  SECTION("a setting the plugin does not know") {
    const auto run = tk::load(real_plugin("hr"), {"hr", {{"colour", "red"}}});
    CHECK(run.refused_at() == tk::Stage::kSettings);
    CHECK_THAT(run.error(), Catch::Contains("colour"));
  }
  SECTION("data the plugin's checks refuse") {
    const std::string data = tk::read_text(plugin_dir() / "hr" / "component.yaml");
    const auto run = tk::load_with_data(real_plugin("hr"), {"hr"}, tk::edit(data, "budget_year: 2022", "budget_year: 2021"));
    CHECK(run.refused_at() == tk::Stage::kData);
    CHECK_THAT(run.error(), Catch::Contains("component.budget_year"));
  }
  SECTION("a component the host's validation refuses") {
    const auto run = tk::load(fixture("invalid_component_plugin"), {"invalid"});
    CHECK(run.refused_at() == tk::Stage::kComponent);
    CHECK_THAT(run.error(), Catch::Contains("1950"));
    CHECK_THROWS_WITH(run.component(), Catch::Contains("1950"));
  }
  SECTION("a plugin that throws a std::exception or anything else") {
    const auto std_run = tk::load(fixture("throwing_plugin"), {"thrower", {{"throw", "std"}}});
    CHECK(std_run.refused_at() == tk::Stage::kFailed);
    CHECK_THAT(std_run.error(), Catch::Contains("the fixture failed on purpose"));
    const auto other_run = tk::load(fixture("throwing_plugin"), {"thrower", {{"fail_in", "publish"}, {"throw", "other"}}});
    CHECK(other_run.refused_at() == tk::Stage::kFailed);
  }
}

TEST_CASE("the test kit records republish requests and publishes again on demand", "[testkit]") {
  tk::Run run = tk::load(fixture("republishing_plugin"), {"republisher", {{"interval_ms", "1"}, {"count", "2"}}});
  REQUIRE(run.ok());
  for (int i = 0; i < 500 && run.republish_requests() < 2; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  CHECK(run.republish_requests() == 2);
  CHECK(run.republish());
  CHECK(run.ok());
}

TEST_CASE("a data plugin hands its component over, then reads its file again when asked once more", "[testkit][sdk]") {
  // The host keeps what a plugin publishes, so DataPlugin keeps no copy once it has published.
  section::test::TempDir dir;
  const std::string original = tk::read_text(section::test::source_dir() / "plugins/hr/component.yaml");
  const auto data = dir.write("hr.yaml", original);
  tk::Run run = tk::load(real_plugin("hr"), {"hr", {{"data", data.string()}, {"watch_ms", "0"}}});
  REQUIRE(run.ok());
  const std::string title = run.component().title();
  REQUIRE(run.republish());
  CHECK(run.component().title() == title);  // the same file, read again
  // The title's first occurrence, written as a plain string or by language ({en: …}).
  dir.write("hr.yaml", tk::edit(original, ": " + title + "\n", ": Human resources, renamed\n"));
  REQUIRE(run.republish());
  CHECK(run.component().title() == "Human resources, renamed");
  dir.write("hr.yaml", "id: hr\n");
  CHECK_FALSE(run.republish());
  CHECK_THAT(run.error(), Catch::Contains(data.string()));
}

TEST_CASE("edit refuses text that is not there, so a test never checks unchanged data", "[testkit]") {
  CHECK(tk::edit("a: 1\n", "a: 1", "a: 2") == "a: 2\n");
  CHECK_THROWS_AS(tk::edit("a: 1\n", "b: 1", "b: 2"), std::invalid_argument);
  CHECK_THROWS_WITH(tk::read_text("/nonexistent/component.yaml"), Catch::Contains("/nonexistent/component.yaml"));
}
