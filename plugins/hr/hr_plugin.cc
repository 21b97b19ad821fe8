// Subprogramme 2: human resources management.
#include <section/sdk/sdk.h>

namespace {

class HumanResourcesPlugin final : public section::sdk::DataPlugin {
 public:
  using DataPlugin::DataPlugin;

 protected:
  void check(const section::v1::Component& component, section::sdk::Findings& findings) const override {
    section::sdk::checks::common(component, findings);
    // The share of staff who completed the mandatory training is cumulative (Figure 29F.VI).
    section::sdk::checks::cumulative_series_never_decrease(component, findings);
  }
};

}  // namespace

SECTION_PLUGIN(HumanResourcesPlugin)
