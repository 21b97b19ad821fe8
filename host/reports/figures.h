// Reported figures (proto/section/v1/report_service.proto), as pure functions: checking the
// shape of a report, finding a figure in a component, and laying reported values over what a
// plugin published. No I/O and no gRPC; the store and the report desk do those.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <absl/status/status.h>

#include "section/v1/model.pb.h"
#include "section/v1/report_service.pb.h"

namespace section::reports {

// A report is refused with an absl::Status whose code is the one the client sees:
// kInvalidArgument (the report itself is wrong), kNotFound (no such component or figure),
// kFailedPrecondition (the host cannot take it now: no storage, read-only, component not served),
// kAlreadyExists (the idempotency key was used for another report), kResourceExhausted (the
// database or the disk is full), kUnavailable (the plugin cannot check it now; try again).

// One key per figure: "component|measure|id|year|kind" (or deliverable).
std::string figure_key(const section::v1::FigureRef& figure);
// "hr measure 'a.1' 2021 actual", for messages and the log.
std::string describe(const section::v1::FigureRef& figure);
// "85", "85 · text", "12", "none".
std::string describe(const section::v1::FigureValue& value);

// Checks what a report must be whatever the component: a component, one figure, a year, ACTUAL
// or PLANNED, a value of the right shape, a comment and an idempotency key within bounds.
absl::Status check_shape(const section::v1::ReportValueRequest& request);

// The figure's value in `component` (present false when it has none for that year and kind),
// or why it cannot be reported: no such measure or deliverable, a value of the wrong kind for
// its unit, an unquantified deliverable.
absl::Status current_value(const section::v1::Component& component, const section::v1::FigureRef& figure,
                                     const section::v1::FigureValue* proposed, section::v1::FigureValue* value);

// Sets the change's new value in `component`, marked as reported (by, at). False when the
// component has no such figure any more.
bool apply(section::v1::Component& component, const section::v1::FigureChange& change);

// The latest change of every figure that has been reported: what the host lays over the
// plugins' figures. Kept by component, each component's figures shared between copies until
// one of them changes: a report copies its own component's figures, not every report's, and
// the figures of a component keep their identity (`of`) for as long as none of them changes.
class ReportedFigures {
 public:
  // One component's figures, by figure_key.
  using Figures = std::map<std::string, section::v1::FigureChange>;

  // Keeps the change of the highest sequence per figure, whatever order changes arrive in
  // (other hosts' changes may arrive after this host's later ones).
  void add(const section::v1::FigureChange& change) { add_all({&change}); }
  // The same for many, each component's figures copied once.
  void add_all(const std::vector<const section::v1::FigureChange*>& changes);
  bool empty() const { return by_component_.empty(); }
  std::size_t size() const;
  // Component `id`'s figures, null when it has none: the same pointer in every copy until one
  // of them changes, so that what was built from them can be kept.
  std::shared_ptr<const Figures> of(const std::string& id) const;
  // Component ids ordered as figure_key orders their figures: the id followed by '|' (so "hr-ops"
  // comes before "hr"), the order in which reports that cannot be applied are noted.
  struct ComponentOrder {
    bool operator()(const std::string& a, const std::string& b) const;
  };
  using ByComponent = std::map<std::string, std::shared_ptr<const Figures>, ComponentOrder>;
  // Every component's figures, by component id.
  const ByComponent& by_component() const { return by_component_; }

  // Lays component `id`'s reported values over `component` (null when it is not served); each
  // report it cannot apply (the plugin renamed or dropped the figure, or the component is not
  // served) is listed in `unapplied`. True when a value was laid over `component`.
  bool apply_to(const std::string& id, section::v1::Component* component, std::vector<std::string>* unapplied) const;
  // The same for several components: those of `components` and, as unapplied, the reports of
  // components not among them.
  void apply_to(std::vector<section::v1::Component>& components, std::vector<std::string>* unapplied) const;
  // The same for one component, for checking a new report against everything reported before.
  void apply_to(section::v1::Component& component) const { apply_to(component.id(), &component, nullptr); }

 private:
  ByComponent by_component_;
};

}  // namespace section::reports
