// section-ctl against a running host: what a person or a script sees.
#include <catch2/catch.hpp>

#include "test_env.h"

using namespace section;

namespace {

test::RunResult ctl(const test::Host& host, std::vector<std::string> args) {
  std::vector<std::string> argv = {test::ctl_binary().string(), "--host", host.address()};
  argv.insert(argv.end(), args.begin(), args.end());
  return test::run(argv);
}

}  // namespace

TEST_CASE("section-ctl shows tables in every format", "[cli]") {
  test::Host host(test::default_config_text());
  REQUIRE(host.ok());

  const auto json = ctl(host, {"table", "financial-by-component-rb", "--format", "json"});
  CHECK(json.status == 0);
  CHECK_THAT(json.out, Catch::Contains("\"key\": \"support\"") &&
                           Catch::Contains("\"expenditure\": 9364000, \"appropriation\": 10459600") &&
                           Catch::Contains("\"percentage\": -0.3, \"estimate\": 10425500"));

  const auto text = ctl(host, {"table", "financial-by-object"});
  CHECK(text.status == 0);
  CHECK_THAT(text.out, Catch::StartsWith("Table 29F.12 — Overall: evolution of financial resources by object of expenditure"));
  CHECK_THAT(text.out, Catch::Contains("(Thousands of United States dollars)"));
  CHECK_THAT(text.out, Catch::Contains("(66.2)") && Catch::Contains("19 762.9"));

  const auto csv = ctl(host, {"table", "posts-by-grade", "--format", "csv"});
  CHECK_THAT(csv.out, Catch::Contains("gs_ol,GS (OL),0,posts,57,0,0,0,0,57"));

  const auto md = ctl(host, {"table", "reconciliation", "--format", "md"});
  CHECK_THAT(md.out, Catch::Contains("| para 29F.101 (d): under supplies and materials ($23,000) |"));

  const auto tables = ctl(host, {"tables"});
  CHECK_THAT(tables.out, Catch::Contains("component-evolution/support") && Catch::Contains("Table 29F.22"));
  CHECK(host.stop() == 0);
}

TEST_CASE("section-ctl overview, status, measures, deliverables and watch", "[cli]") {
  test::Host host(test::default_config_text());
  REQUIRE(host.ok());
  const auto overview = ctl(host, {"overview"});
  CHECK(overview.status == 0);
  CHECK_THAT(overview.out, Catch::StartsWith("Section 29F: Administration, Vienna"));
  CHECK_THAT(overview.out, Catch::Contains("Regular budget 2022 (before recosting): $19,762,900"));
  CHECK_THAT(overview.out, Catch::Contains("Reconciliation: 2 printed figures differ"));

  const auto status = ctl(host, {"status"});
  CHECK_THAT(status.out, Catch::Contains("support   serving  Support services"));
  CHECK_THAT(ctl(host, {"status", "--format", "json"}).out, Catch::Contains("\"reconciliation_differences\": 2"));

  const auto measures = ctl(host, {"measures", "finance", "--year", "2020"});
  CHECK(measures.status == 0);
  CHECK_THAT(measures.out, Catch::Contains("2020 actual: 47 days") && Catch::Contains("2020 target: 35 days"));
  CHECK_THAT(measures.out, !Catch::Contains("2022"));

  const auto deliverables = ctl(host, {"deliverables", "section"});
  CHECK_THAT(deliverables.out, Catch::Contains("Meetings of the Fifth Committee"));

  const auto watch = ctl(host, {"watch", "--count", "1"});
  CHECK(watch.status == 0);
  CHECK_THAT(watch.out, Catch::StartsWith("version 1 at ") && Catch::Contains("start-up (5 of 5 components serving)"));

  CHECK(ctl(host, {"wait", "--timeout", "5"}).status == 0);
  CHECK(host.stop() == 0);
}

TEST_CASE("section-ctl reports refusals and usage errors clearly", "[cli]") {
  test::Host host(test::default_config_text());
  REQUIRE(host.ok());
  const auto unknown = ctl(host, {"table", "nope"});
  CHECK(unknown.status == 1);
  CHECK_THAT(unknown.err, Catch::Contains("section-ctl: NOT_FOUND: no table 'nope'"));
  CHECK(ctl(host, {"measures", "treasury"}).status == 1);
  CHECK(ctl(host, {"table"}).status == 2);
  CHECK(ctl(host, {"table", "x", "--format", "xml"}).status == 2);
  CHECK(ctl(host, {"fly"}).status == 2);
  CHECK(ctl(host, {"measures", "--year", "soon"}).status == 2);
  CHECK(host.stop() == 0);

  // Nobody listening: a clear message, not a hang.
  const auto nobody = test::run({test::ctl_binary().string(), "--host", "127.0.0.1:1", "--timeout", "2", "status"});
  CHECK(nobody.status == 1);
  CHECK_THAT(nobody.err, Catch::Contains("UNAVAILABLE") || Catch::Contains("DEADLINE_EXCEEDED"));
  CHECK_THAT(nobody.err, Catch::Contains("is section-host running there?"));
}
