// Subprogramme 3: support services.
#include <section/sdk/sdk.h>

namespace {

class SupportServicesPlugin final : public section::sdk::DataPlugin {
 public:
  using DataPlugin::DataPlugin;

 protected:
  void check(const section::v1::Component& component, section::sdk::Findings& findings) const override {
    namespace checks = section::sdk::checks;
    checks::percentages_within_bounds(component, findings);
    checks::quantities_non_negative(component, findings);
    checks::deliverable_counts_non_negative(component, findings);
    checks::grades_add_up_to_categories(component, findings);
    // Delivering equipment takes at least a day (Figure 29F.VIII).
    checks::durations_at_least_one_day(component, findings);
  }
};

}  // namespace

SECTION_PLUGIN(SupportServicesPlugin)
