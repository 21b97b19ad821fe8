// Subprogramme 1: programme planning, finance and budget.
#include <section/sdk/sdk.h>

namespace {

class FinancePlugin final : public section::sdk::DataPlugin {
 public:
  using DataPlugin::DataPlugin;

 protected:
  void check(const section::v1::Component& component, section::sdk::Findings& findings) const override {
    section::sdk::checks::common(component, findings);
    // Approving a project revision takes at least a day (Figure 29F.I).
    section::sdk::checks::durations_at_least_one_day(component, findings);
  }
};

}  // namespace

SECTION_PLUGIN(FinancePlugin)
