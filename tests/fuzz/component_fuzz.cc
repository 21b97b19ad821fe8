// The component data reader (sdk: read_component_string) and what the host does with what a
// plugin publishes: the SDK's domain checks, the host's validation of one component and of the
// components together, and the section built with it in place of the real component of that
// id (or beside the five). A refusal (sdk::DataError, an invalid Status) is the normal outcome.
#include "fuzz_support.h"
#include "host/aggregate/validation.h"
#include "host/query/queries.h"
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
