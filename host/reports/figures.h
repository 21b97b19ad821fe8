// Reported figures (proto/section/v1/report_service.proto), as pure functions: checking the
// shape of a report, finding a figure in a component, and laying reported values over what a
// plugin published. No I/O and no gRPC; the store and the report desk do those.
#pragma once

#include <map>
#include <optional>
#include <set>
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
// plugins' figures.
class ReportedFigures {
 public:
  // Keeps the change of the highest sequence per figure, whatever order changes arrive in
  // (other hosts' changes may arrive after this host's later ones).
  void add(const section::v1::FigureChange& change) {
    section::v1::FigureChange& latest = latest_[figure_key(change.figure())];
    if (latest.sequence() <= change.sequence()) latest = change;
  }
  bool empty() const { return latest_.empty(); }
  std::size_t size() const { return latest_.size(); }
  // The ids of the components that have reported figures.
  std::set<std::string> components() const;

  // Lays every reported value over the components; each report whose figure no component has
  // (the plugin renamed or dropped it, or the component is not served) is listed in `unapplied`,
  // and the id of each component that a report changed goes into `changed`.
  void apply_to(std::vector<section::v1::Component>& components, std::vector<std::string>* unapplied,
                std::set<std::string>* changed = nullptr) const;
  // The same for one component, for checking a new report against everything reported before.
  void apply_to(section::v1::Component& component) const;

 private:
  std::map<std::string, section::v1::FigureChange> latest_;
};

}  // namespace section::reports
