// The host's structural checks of what a plugin publishes, whatever the plugin checked itself:
// identity, ids, years, units, the columns each funding source may use, vocabulary, and no
// figure given twice. Domain rules (percentages, cumulative series) are the plugins' own.
#pragma once

#include <set>
#include <string>
#include <vector>

#include <absl/status/status.h>
#include <absl/status/statusor.h>
#include "section/v1/model.pb.h"

namespace section::aggregate {

// What validate_component checks. kWhole: everything, for what a plugin publishes.
// kReportedValues: for a published component with reported values laid in (reports/figures.h),
// only what a reported value can break: the measures (of results and compliance) and the
// deliverables, with their values and counts. The rest, the languages of the texts included,
// passed when the component was published, and a report changes nothing else (it takes the
// printed forms of the value it replaces away and adds none).
enum class Scope { kWhole, kReportedValues };

// Every problem found, one per line ("field: reason"), or ok.
absl::Status validate_component(const section::v1::Component& component, const std::string& plugin_id, int budget_year,
                                Scope scope = Scope::kWhole);

// Checks components against each other: one executive direction, unique subprogramme numbers.
absl::Status validate_together(const std::vector<section::v1::Component>& components);
// The same without copies, for the registry, which checks each new component against many.
absl::Status validate_together(const std::vector<const section::v1::Component*>& components);

// The same check one component at a time, each against those added before it: start-up checks
// its components in configuration order in O(n log n), where validate_together for each would
// take O(n² log n) (a tenth of a second with 1,000 components).
class TogetherCheck {
 public:
  // Ok and remembered when `component` fits with those added before; else why not, and it is
  // not remembered.
  absl::Status add(const section::v1::Component& component);

 private:
  friend absl::Status validate_together(const std::vector<const section::v1::Component*>& components);
  // Why `component` does not fit with those remembered; empty when it fits.
  std::vector<std::string> reasons(const section::v1::Component& component) const;
  void remember(const section::v1::Component& component);

  std::set<int> subprogrammes_;
  bool executive_ = false;
};

}  // namespace section::aggregate
