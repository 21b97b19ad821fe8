// Subprogramme 2: human resources management.
#include <section/sdk/sdk.h>

namespace {

class HumanResourcesPlugin final : public section::sdk::DataPlugin {
 public:
  using DataPlugin::DataPlugin;

 protected:
  void check(const section::v1::Component& component, section::sdk::Findings& findings) const override {
    namespace checks = section::sdk::checks;
    checks::percentages_within_bounds(component, findings);
    // The share of staff who completed the mandatory training is cumulative (Figure 29F.VI).
    checks::cumulative_series_never_decrease(component, findings);
    checks::deliverable_counts_non_negative(component, findings);
    checks::grades_add_up_to_categories(component, findings);
  }
};

}  // namespace

SECTION_PLUGIN(HumanResourcesPlugin)
