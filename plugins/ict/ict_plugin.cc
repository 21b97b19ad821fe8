// Subprogramme 4: information and communications technology operations.
#include <section/sdk/sdk.h>

namespace {

class IctOperationsPlugin final : public section::sdk::DataPlugin {
 public:
  using DataPlugin::DataPlugin;

 protected:
  void check(const section::v1::Component& component, section::sdk::Findings& findings) const override {
    section::sdk::checks::common(component, findings);
    // Cloud services in use and offices on the network approach only accumulate (Figures 29F.IX, 29F.X).
    section::sdk::checks::cumulative_series_never_decrease(component, findings);
  }
};

}  // namespace

SECTION_PLUGIN(IctOperationsPlugin)
