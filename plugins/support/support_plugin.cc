// Subprogramme 3: support services.
#include <section/sdk/sdk.h>

namespace {

class SupportServicesPlugin final : public section::sdk::DataPlugin {
 public:
  using DataPlugin::DataPlugin;

 protected:
  void check(const section::v1::Component& component, section::sdk::Findings& findings) const override {
    section::sdk::checks::common(component, findings);
    // Delivering equipment takes at least a day (Figure 29F.VIII).
    section::sdk::checks::durations_at_least_one_day(component, findings);
  }
};

}  // namespace

SECTION_PLUGIN(SupportServicesPlugin)
