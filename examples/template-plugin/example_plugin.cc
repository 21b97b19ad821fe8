// TEMPLATE: a section-host plugin is its data file (component.yaml) plus the checks that are
// really its own. Copy this folder, rename `example` everywhere, and replace the data and the
// check below with your component's.
#include <section/sdk/sdk.h>

namespace {

class ExamplePlugin final : public section::sdk::DataPlugin {
 public:
  using DataPlugin::DataPlugin;

 protected:
  void check(const section::v1::Component& component, section::sdk::Findings& findings) const override {
    // The checks that hold for any component: percentages within 0-100, posts by grade adding
    // up, no negative counts or quantities.
    section::sdk::checks::common(component, findings);

    // This team's own rule: every performance measure plans a figure for the budget year, so
    // that the fascicle's performance table has no empty 2022 column for this subprogramme.
    for (const auto& result : component.results()) {
      for (const auto& measure : result.measures()) {
        bool planned = false;
        for (const auto& value : measure.values()) {
          planned = planned || (value.year() == component.budget_year() && value.kind() == section::v1::PLANNED);
        }
        if (!planned) {
          findings.add("results[" + result.id() + "].measures[" + measure.id() + "]",
                       "plans no value for " + std::to_string(component.budget_year()));
        }
      }
    }
  }
};

}  // namespace

SECTION_PLUGIN(ExamplePlugin)
