// Subprogramme 4: information and communications technology operations.
#include <section/sdk/sdk.h>

namespace {

class IctOperationsPlugin final : public section::sdk::DataPlugin {
 public:
  using DataPlugin::DataPlugin;

 protected:
  void check(const section::v1::Component& component, section::sdk::Findings& findings) const override {
    namespace checks = section::sdk::checks;
    checks::percentages_within_bounds(component, findings);
    // Cloud services in use and offices on the network approach only accumulate
    // (Figures 29F.IX and 29F.X).
    checks::cumulative_series_never_decrease(component, findings);
    checks::quantities_non_negative(component, findings);
    checks::deliverable_counts_non_negative(component, findings);
    checks::grades_add_up_to_categories(component, findings);
  }
};

}  // namespace

SECTION_PLUGIN(IctOperationsPlugin)
