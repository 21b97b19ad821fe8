// Executive direction and management (Section 29F, component A).
#include <section/sdk/sdk.h>

namespace {

class ExecutiveDirectionPlugin final : public section::sdk::DataPlugin {
 public:
  using DataPlugin::DataPlugin;

 protected:
  void check(const section::v1::Component& component, section::sdk::Findings& findings) const override {
    section::sdk::checks::common(component, findings);
    // Table 29F.18 states compliance as rates: every indicator is a percentage.
    for (const auto& indicator : component.compliance()) {
      if (indicator.unit() != section::v1::UNIT_PERCENT) {
        findings.add("compliance[" + indicator.id() + "]", "a compliance indicator is a rate in percent");
      }
    }
  }
};

}  // namespace

SECTION_PLUGIN(ExecutiveDirectionPlugin)
