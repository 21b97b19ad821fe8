// Subprogramme 1: programme planning, finance and budget.
#include <section/sdk/sdk.h>

namespace {

class FinancePlugin final : public section::sdk::DataPlugin {
 public:
  using DataPlugin::DataPlugin;

 protected:
  void check(const section::v1::Component& component, section::sdk::Findings& findings) const override {
    namespace checks = section::sdk::checks;
    checks::percentages_within_bounds(component, findings);
    checks::quantities_non_negative(component, findings);
    checks::deliverable_counts_non_negative(component, findings);
    checks::grades_add_up_to_categories(component, findings);
    // An approval takes at least a day: a duration of zero days is a transcription error.
    checks::durations_at_least_one_day(component, findings);
  }
};

}  // namespace

SECTION_PLUGIN(FinancePlugin)
