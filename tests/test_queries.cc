// The client queries as pure functions: filters and errors.
#include <catch2/catch.hpp>

#include "host/core/echo.h"
#include "host/query/queries.h"
#include "section_fixture.h"

using namespace section;

namespace {

// A refusal, with its message as a string for Catch's matchers.
struct Refusal {
  absl::StatusCode code;
  std::string message;
};

template <typename T>
Refusal error_of(const absl::StatusOr<T>& answer) {
  REQUIRE_FALSE(answer.ok());
  return {answer.status().code(), std::string(answer.status().message())};
}

}  // namespace

TEST_CASE("GetTable finds every listed table and refuses unknown ids", "[query]") {
  const auto view = test::view_of();
  const auto list = query::list_tables(view);
  CHECK(list.tables_size() == static_cast<int>(view.tables.size()));
  for (const auto& info : list.tables()) {
    v1::GetTableRequest request;
    request.set_id(info.id());
    const auto answer = query::get_table(view, request);
    REQUIRE(answer.ok());
    CHECK((*answer).id() == info.id());
  }
  v1::GetTableRequest unknown;
  unknown.set_id("financial-by-planet");
  CHECK(error_of(query::get_table(view, unknown)).code == absl::StatusCode::kNotFound);
  CHECK_THAT(error_of(query::get_table(view, unknown)).message, Catch::Contains("no table 'financial-by-planet'"));
  CHECK(error_of(query::get_table(view, v1::GetTableRequest())).code == absl::StatusCode::kInvalidArgument);
}

TEST_CASE("the table ids of docs/architecture.md are all served", "[query]") {
  const auto view = test::view_of();
  for (const char* id : {"financial-by-object", "post-changes", "posts-by-grade", "financial-by-component-rb",
                         "financial-by-component-xb", "posts-by-component-rb", "posts-by-component-xb", "evolution",
                         "component-evolution/edm", "component-evolution/ict", "compliance", "deliverables",
                         "deliverables/finance", "measures/hr", "variances", "reconciliation"}) {
    INFO(id);
    CHECK(view.tables.count(id) == 1);
  }
}

TEST_CASE("ListMeasures filters by component and year", "[query]") {
  const auto view = test::view_of();
  v1::ListMeasuresRequest request;
  const auto all = *query::list_measures(view, request);
  request.set_component("finance");
  const auto finance = *query::list_measures(view, request);
  CHECK(finance.measures_size() == 5);
  CHECK(all.measures_size() > finance.measures_size());
  for (const auto& entry : finance.measures()) CHECK(entry.component() == "finance");
  request.set_year(2018);
  const auto in_2018 = *query::list_measures(view, request);
  REQUIRE(in_2018.measures_size() == 2);
  for (const auto& entry : in_2018.measures()) {
    for (const auto& value : entry.measure().values()) CHECK(value.year() == 2018);
  }
  request.set_component("edm");
  request.set_year(2019);
  const auto compliance = *query::list_measures(view, request);
  CHECK(compliance.measures_size() == 2);
  CHECK(compliance.measures(0).result_id().empty());
}

TEST_CASE("ListDeliverables filters by component and year, section included", "[query]") {
  const auto view = test::view_of();
  v1::ListDeliverablesRequest request;
  request.set_component("section");
  CHECK(query::list_deliverables(view, request)->deliverables_size() == 3);
  request.set_component("finance");
  request.set_year(2021);
  const auto finance = *query::list_deliverables(view, request);
  CHECK(finance.deliverables_size() == 4);  // three counted ones, and the administration described for every year
  for (const auto& entry : finance.deliverables()) {
    for (const auto& count : entry.deliverable().counts()) CHECK(count.year() == 2021);
  }
  request.set_year(2030);
  CHECK(query::list_deliverables(view, request)->deliverables_size() == 1);
}

TEST_CASE("queries about unknown or unavailable components and bad years are refused", "[query]") {
  const auto view = test::view_of({"edm", "finance", "support", "ict"});
  v1::ListMeasuresRequest request;
  request.set_component("treasury");
  CHECK(error_of(query::list_measures(view, request)).code == absl::StatusCode::kNotFound);
  CHECK_THAT(error_of(query::list_measures(view, request)).message, Catch::Contains("known: edm, finance, hr"));
  request.set_component("hr");
  CHECK(error_of(query::list_measures(view, request)).code == absl::StatusCode::kFailedPrecondition);
  CHECK_THAT(error_of(query::list_measures(view, request)).message, Catch::Contains("'hr' is disabled"));
  request.set_component("");
  request.set_year(-4);
  CHECK(error_of(query::list_measures(view, request)).code == absl::StatusCode::kInvalidArgument);
  v1::ListDeliverablesRequest deliverables;
  deliverables.set_year(99999);
  CHECK(error_of(query::list_deliverables(view, deliverables)).code == absl::StatusCode::kInvalidArgument);
}

TEST_CASE("a watch event carries the version and every component's status", "[query]") {
  auto view = test::view_of({"edm", "finance"});
  view.reason = "start-up";
  const v1::WatchEvent event = query::watch_event(view);
  CHECK(event.version() == 1);
  CHECK(event.reason() == "start-up");
  CHECK(event.components_size() == 5);
}

TEST_CASE("a refusal quotes at most the start of a client's id, cut at a character boundary", "[query]") {
  const auto view = test::view_of({"edm", "finance", "hr", "support", "ict"});
  v1::GetTableRequest request;
  request.set_id(std::string(9000, 'q'));
  const std::string message = error_of(query::get_table(view, request)).message;
  CHECK_THAT(message, Catch::StartsWith("no table '" + std::string(kMaxEchoed, 'q') + "…' (9000 bytes)"));
  // Two-byte characters: the cut never splits one.
  CHECK(echo(std::string(100, 'x') + "é") == "'" + std::string(64, 'x') + "…' (102 bytes)");
  CHECK(echo(std::string(63, 'x') + "éé") == "'" + std::string(63, 'x') + "…' (67 bytes)");
  CHECK(echo("finance") == "'finance'");
}
