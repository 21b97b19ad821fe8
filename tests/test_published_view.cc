// What the host keeps of a version (host/query/published_view.h): the same answers as the built
// view, from serialized bytes, with each unchanged component shared rather than copied.
#include <catch2/catch.hpp>
#include <google/protobuf/util/message_differencer.h>

#include "host/query/published_view.h"
#include "host/query/queries.h"
#include "section_fixture.h"

using namespace section;
using google::protobuf::util::MessageDifferencer;

namespace {

// The same answer: the same bytes, or refused with the same code and words.
template <typename T>
void check_same(const absl::StatusOr<T>& built, const absl::StatusOr<T>& kept) {
  REQUIRE(built.ok() == kept.ok());
  if (!built.ok()) {
    CHECK(built.status() == kept.status());  // the same code and words
    return;
  }
  CHECK(built->SerializeAsString() == kept->SerializeAsString());
}

}  // namespace

TEST_CASE("a published view serves the built view's section, tables and lists, serialized", "[query][published]") {
  const aggregate::SectionView built = test::view_of();
  const query::PublishedView published = query::serialize_view(built, {});

  // GetSection's bytes, put together from the parts, are the built section's own.
  CHECK(query::section_bytes(published) == built.section.SerializeAsString());
  CHECK(published.section.components_size() == 0);  // kept once, in `components`
  REQUIRE(published.components.size() == static_cast<std::size_t>(built.section.components_size()));
  for (std::size_t i = 0; i < published.components.size(); ++i) {
    CHECK(MessageDifferencer::Equals(published.components[i]->parse(), built.section.components(static_cast<int>(i))));
  }

  REQUIRE(published.tables.size() == built.tables.size());
  for (const auto& [id, table] : built.tables) CHECK(MessageDifferencer::Equals(published.table(id), table));
  CHECK(query::list_tables(published).SerializeAsString() == query::list_tables(built).SerializeAsString());
  CHECK(query::watch_event(published).SerializeAsString() == query::watch_event(built).SerializeAsString());
  CHECK(published.all_measures() == query::list_measures(built, {})->SerializeAsString());
  CHECK(published.all_deliverables() ==
        query::list_deliverables(built, {})->SerializeAsString());
  CHECK(published.reconciliation_differences == built.reconciliation_differences);
  CHECK(published.table("no-such-table").id().empty());
}

TEST_CASE("a published view shares the stored components it is given and serializes the others", "[query][published]") {
  const query::StoredPtr hr = query::StoredComponent::of(test::component("hr"));
  // The header is what checks across components read, and nothing more.
  CHECK(hr->header.id() == "hr");
  CHECK(hr->header.subprogramme() == 2);
  CHECK(hr->header.kind() == v1::SUBPROGRAMME);
  CHECK_FALSE(hr->header.title().empty());
  CHECK(hr->header.results_size() == 0);
  CHECK(hr->header.deliverables_size() == 0);
  CHECK(hr->bytes == test::component("hr").SerializeAsString());

  const aggregate::SectionView built = test::view_of();
  const query::PublishedView published = query::serialize_view(built, {{"hr", hr}});
  for (std::size_t i = 0; i < published.components.size(); ++i) {
    const auto& component = published.components[i];
    if (component->header.id() == "hr") {
      CHECK(component == hr);  // the same bytes, not a copy
    } else {
      CHECK(component->bytes == built.section.components(static_cast<int>(i)).SerializeAsString());
    }
  }
  CHECK(query::section_bytes(published) == built.section.SerializeAsString());
}

TEST_CASE("filtered lists of a published view answer as the built view's, refusals included", "[query][published]") {
  for (const auto& serving : {test::all_components(), std::vector<std::string>{"edm", "hr"}}) {
    const aggregate::SectionView built = test::view_of(serving);
    const query::PublishedView published = query::serialize_view(built, {});
    for (const char* component : {"", "edm", "hr", "ict", "section", "planet"}) {
      for (int year : {0, 2020, 2021, 2022, 1800}) {
        INFO("component '" << component << "', year " << year << ", " << serving.size() << " serving");
        v1::ListMeasuresRequest measures;
        measures.set_component(component);
        measures.set_year(year);
        check_same(query::list_measures(built, measures), query::list_measures(published, measures));
        v1::ListDeliverablesRequest deliverables;
        deliverables.set_component(component);
        deliverables.set_year(year);
        check_same(query::list_deliverables(built, deliverables), query::list_deliverables(published, deliverables));
      }
    }
  }
}
