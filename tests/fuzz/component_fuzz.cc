// The component data reader (sdk: read_component_string) and what the host does with what a
// plugin publishes: the SDK's domain checks, the host's validation of one component and of the
// components together, and the section built with it in place of the real component of that
// id (or beside the five), built as build_view builds it and as the registry builds it from the
// components' shares, which must serve the same. A refusal (sdk::DataError, an invalid Status) is the normal outcome.
#include <google/protobuf/util/message_differencer.h>

#include "fuzz_support.h"
#include "host/aggregate/validation.h"
#include "host/query/queries.h"
#include "host/query/shared_view.h"
#include "section/sdk/sdk.h"
#include "section_data.h"

namespace {

using section::fuzz::bug;

void run_checks(const section::v1::Component& component) {
  section::sdk::Findings findings;
  section::sdk::checks::percentages_within_bounds(component, findings);
  section::sdk::checks::cumulative_series_never_decrease(component, findings);
  section::sdk::checks::grades_add_up_to_categories(component, findings);
  section::sdk::checks::deliverable_counts_non_negative(component, findings);
  section::sdk::checks::quantities_non_negative(component, findings);
  section::sdk::checks::durations_at_least_one_day(component, findings);
  (void)findings.to_string();
}

// The registry's path, from the components' shares, serves every table and list as build_view's.
void check_shared_path(const section::aggregate::SectionView& view) {
  section::query::SharedInput input;
  input.section = &section::fuzz::section_file();
  input.statuses.assign(view.section.component_status().begin(), view.section.component_status().end());
  for (const auto& component : view.section.components()) {
    input.components.push_back({section::query::StoredComponent::of(component), section::query::build_share(*input.section, component)});
  }
  input.version = view.version;
  input.published_at = view.published_at;
  const section::query::PublishedView shared = section::query::build_shared_view(std::move(input));
  const section::query::PublishedView full = section::query::serialize_view(view, {});
  if (section::query::list_tables(shared).SerializeAsString() != section::query::list_tables(full).SerializeAsString()) {
    bug("the shared path lists other tables");
  }
  for (const auto& [id, span] : full.tables) {
    section::v1::Table expected;
    expected.ParseFromString(full.table_bytes(span));
    if (!google::protobuf::util::MessageDifferencer::Equals(shared.table(id), expected)) bug("the shared path serves another table " + id);
  }
  section::v1::ListMeasuresResponse measures[2];
  measures[0].ParseFromString(shared.all_measures());
  measures[1].ParseFromString(full.all_measures());
  section::v1::ListDeliverablesResponse deliverables[2];
  deliverables[0].ParseFromString(shared.all_deliverables());
  deliverables[1].ParseFromString(full.all_deliverables());
  if (!google::protobuf::util::MessageDifferencer::Equals(measures[0], measures[1]) ||
      !google::protobuf::util::MessageDifferencer::Equals(deliverables[0], deliverables[1])) {
    bug("the shared path serves other lists");
  }
}

void serve(const section::v1::Component& component) {
  const int budget_year = section::fuzz::section_file().info.budget_year();
  if (!section::aggregate::validate_component(component, component.id(), budget_year).ok()) return;
  std::vector<section::v1::Component> serving = {component};
  for (const auto& real : section::fuzz::components()) {
    if (real.id() != component.id()) serving.push_back(real);
  }
  if (!section::aggregate::validate_together(serving).ok()) return;
  const auto view = section::fuzz::view_of(std::move(serving));
  if (view.tables.size() != view.table_index.size()) bug("the table index does not match the tables");
  check_shared_path(view);
  // The queries a client makes of the new component.
  section::v1::ListMeasuresRequest measures;
  measures.set_component(component.id());
  (void)section::query::list_measures(view, measures);
  section::v1::ListDeliverablesRequest deliverables;
  deliverables.set_component(component.id());
  (void)section::query::list_deliverables(view, deliverables);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  section::v1::Component component;
  try {
    component = section::sdk::read_component_string(section::fuzz::as_text(data, size), "component.yaml");
  } catch (const section::sdk::DataError&) {
    return 0;
  }
  run_checks(component);
  serve(component);
  return 0;
}
