#include "host/reports/figures.h"

#include <algorithm>
#include <cctype>
#include <utility>

#include "host/core/echo.h"
#include "section/sdk/vocabulary.h"

namespace section::reports {
namespace {

using section::v1::Component;
using section::v1::FigureRef;
using section::v1::FigureValue;

constexpr std::size_t kMaxText = 4000;
constexpr std::size_t kMaxKey = 128;

absl::Status invalid(std::string message) { return absl::InvalidArgumentError(std::move(message)); }

const char* kind_name(section::v1::ValueKind kind) { return kind == section::v1::PLANNED ? "planned" : "actual"; }

bool printable(const std::string& text) {
  return std::all_of(text.begin(), text.end(), [](unsigned char c) { return c >= 0x20 && c < 0x7f; });
}

// A measure of the component by id, among its results' measures and its compliance indicators.
const section::v1::PerformanceMeasure* find_measure(const Component& component, const std::string& id) {
  for (const auto& result : component.results()) {
    for (const auto& measure : result.measures()) {
      if (measure.id() == id) return &measure;
    }
  }
  for (const auto& measure : component.compliance()) {
    if (measure.id() == id) return &measure;
  }
  return nullptr;
}

const section::v1::Deliverable* find_deliverable(const Component& component, const std::string& id) {
  for (const auto& deliverable : component.deliverables()) {
    if (deliverable.id() == id) return &deliverable;
  }
  return nullptr;
}

// The same in a component being changed (the usual const/non-const pair, written once).
section::v1::PerformanceMeasure* find_measure(Component& component, const std::string& id) {
  return const_cast<section::v1::PerformanceMeasure*>(find_measure(std::as_const(component), id));
}

section::v1::Deliverable* find_deliverable(Component& component, const std::string& id) {
  return const_cast<section::v1::Deliverable*>(find_deliverable(std::as_const(component), id));
}

section::v1::Provenance reported_provenance(const section::v1::FigureChange& change) {
  section::v1::Provenance provenance;
  provenance.set_source("Reported through section-host");
  provenance.set_note(change.comment());
  return provenance;
}

}  // namespace

std::string figure_key(const FigureRef& figure) {
  const bool measure = figure.figure_case() == FigureRef::kMeasure;
  return figure.component() + "|" + (measure ? "measure|" + figure.measure() : "deliverable|" + figure.deliverable()) + "|" +
         std::to_string(figure.year()) + "|" + std::to_string(figure.kind());
}

std::string describe(const FigureRef& figure) {
  const bool measure = figure.figure_case() == FigureRef::kMeasure;
  return figure.component() + (measure ? " measure " + echo(figure.measure()) : " deliverable " + echo(figure.deliverable())) +
         " " + std::to_string(figure.year()) + " " + kind_name(figure.kind());
}

std::string describe(const FigureValue& value) {
  if (!value.present()) return "none";
  std::string text;
  if (value.has_number()) text = vocabulary::decimal_text(value.number());
  if (value.has_count()) text = std::to_string(value.count());
  if (!value.text().empty()) text += (text.empty() ? "" : " · ") + value.text();
  return text;
}

absl::Status check_shape(const section::v1::ReportValueRequest& request) {
  const FigureRef& figure = request.figure();
  if (figure.component().empty()) return invalid("figure.component: which component's figure is reported?");
  if (figure.figure_case() == FigureRef::FIGURE_NOT_SET) {
    return invalid("figure: name a measure (figure.measure) or a deliverable (figure.deliverable)");
  }
  const std::string& id = figure.figure_case() == FigureRef::kMeasure ? figure.measure() : figure.deliverable();
  if (id.empty() || id.size() > kMaxKey) return invalid("figure: the measure or deliverable id must be 1 to 128 characters");
  if (figure.year() <= 0) return invalid("figure.year: give the year the figure is for, e.g. 2021");
  if (figure.kind() != section::v1::ACTUAL && figure.kind() != section::v1::PLANNED) {
    return invalid("figure.kind: ACTUAL, or PLANNED for a revised plan; other kinds are the fascicle's own");
  }
  const FigureValue& value = request.value();
  if (figure.figure_case() == FigureRef::kMeasure) {
    if (value.has_count()) return invalid("value.count: a measure has a number and/or a text, not a count");
    if (!value.has_number() && value.text().empty()) return invalid("value: a measure's value needs a number or a text");
    if (value.has_number() && value.number().scale() > 6) return invalid("value.number: at most 6 decimals");
  } else {
    if (value.has_number() || !value.text().empty()) return invalid("value: a deliverable's value is a count (value.count)");
    if (!value.has_count()) return invalid("value.count: how many were delivered?");
  }
  if (value.text().size() > kMaxText) return invalid("value.text: at most 4000 bytes");
  if (request.comment().size() > kMaxText) return invalid("comment: at most 4000 bytes");
  // Neither store keeps a NUL (PostgreSQL's text cannot hold one): refused, never cut short.
  if (value.text().find('\0') != std::string::npos) return invalid("value.text: contains a NUL character (U+0000)");
  if (request.comment().find('\0') != std::string::npos) return invalid("comment: contains a NUL character (U+0000)");
  if (request.idempotency_key().empty() || request.idempotency_key().size() > kMaxKey || !printable(request.idempotency_key())) {
    return invalid("idempotency_key: 1 to 128 printable ASCII characters, unique per report (for example a UUID)");
  }
  return absl::OkStatus();
}

absl::Status current_value(const Component& component, const FigureRef& figure, const FigureValue* proposed,
                                     FigureValue* value) {
  *value = FigureValue();
  if (figure.figure_case() == FigureRef::kMeasure) {
    const auto* measure = find_measure(component, figure.measure());
    if (measure == nullptr) {
      return absl::NotFoundError("component '" + component.id() + "' has no performance measure " + echo(figure.measure()));
    }
    if (proposed != nullptr && proposed->has_number() && measure->unit() == section::v1::UNIT_TEXT) {
      return invalid("measure " + echo(figure.measure()) + " is narrative (unit text): report a text, not a number");
    }
    for (const auto& existing : measure->values()) {
      if (existing.year() != figure.year() || existing.kind() != figure.kind()) continue;
      value->set_present(true);
      if (existing.has_number()) *value->mutable_number() = existing.number();
      value->set_text(existing.text());
    }
    return absl::OkStatus();
  }
  const auto* deliverable = find_deliverable(component, figure.deliverable());
  if (deliverable == nullptr) {
    return absl::NotFoundError("component '" + component.id() + "' has no deliverable " + echo(figure.deliverable()));
  }
  if (!deliverable->quantified()) {
    return invalid("deliverable " + echo(figure.deliverable()) + " is described, not counted: it has no count to report");
  }
  for (const auto& count : deliverable->counts()) {
    if (count.year() != figure.year() || count.kind() != figure.kind()) continue;
    value->set_present(true);
    value->set_count(count.count());
  }
  return absl::OkStatus();
}

bool apply(Component& component, const section::v1::FigureChange& change) {
  const FigureRef& figure = change.figure();
  const FigureValue& value = change.new_value();
  if (figure.figure_case() == FigureRef::kMeasure) {
    auto* measure = find_measure(component, figure.measure());
    if (measure == nullptr) return false;
    section::v1::MeasureValue* target = nullptr;
    for (auto& existing : *measure->mutable_values()) {
      if (existing.year() == figure.year() && existing.kind() == figure.kind()) target = &existing;
    }
    if (target == nullptr) {
      target = measure->add_values();
      target->set_year(figure.year());
      target->set_kind(figure.kind());
    }
    if (value.has_number()) *target->mutable_number() = value.number();
    else target->clear_number();
    target->set_text(value.text());
    // The published value's other languages describe what it replaces: a reported value is
    // English only, or a Chinese client would read the old text beside the new figure.
    target->clear_languages();
    *target->mutable_provenance() = reported_provenance(change);
    target->set_reported_by(change.reported_by());
    *target->mutable_reported_at() = change.reported_at();
    return true;
  }
  auto* deliverable = find_deliverable(component, figure.deliverable());
  if (deliverable == nullptr || !deliverable->quantified()) return false;
  section::v1::DeliverableCount* target = nullptr;
  for (auto& existing : *deliverable->mutable_counts()) {
    if (existing.year() == figure.year() && existing.kind() == figure.kind()) target = &existing;
  }
  if (target == nullptr) {
    target = deliverable->add_counts();
    target->set_year(figure.year());
    target->set_kind(figure.kind());
  }
  target->set_count(value.count());
  *target->mutable_provenance() = reported_provenance(change);
  target->set_reported_by(change.reported_by());
  *target->mutable_reported_at() = change.reported_at();
  return true;
}

bool ReportedFigures::ComponentOrder::operator()(const std::string& a, const std::string& b) const {
  const std::size_t common = std::min(a.size(), b.size());
  if (const int order = a.compare(0, common, b, 0, common); order != 0) return order < 0;
  if (a.size() == b.size()) return false;
  // One is the other's prefix: the shorter one goes on with '|'.
  constexpr auto bar = static_cast<unsigned char>('|');
  return a.size() < b.size() ? bar < static_cast<unsigned char>(b[common]) : static_cast<unsigned char>(a[common]) < bar;
}

void ReportedFigures::add_all(const std::vector<const section::v1::FigureChange*>& changes) {
  // Each component touched gets a copy of its figures, made once, then changed in place.
  std::map<std::string, std::shared_ptr<Figures>> copies;
  for (const section::v1::FigureChange* change : changes) {
    const std::string& id = change->figure().component();
    std::shared_ptr<Figures>& copy = copies[id];
    if (!copy) {
      const auto found = by_component_.find(id);
      copy = found != by_component_.end() ? std::make_shared<Figures>(*found->second) : std::make_shared<Figures>();
    }
    section::v1::FigureChange& latest = (*copy)[figure_key(change->figure())];
    if (latest.sequence() <= change->sequence()) latest = *change;
  }
  for (auto& [id, copy] : copies) by_component_[id] = std::move(copy);
}

std::size_t ReportedFigures::size() const {
  std::size_t count = 0;
  for (const auto& [id, figures] : by_component_) count += figures->size();
  return count;
}

std::shared_ptr<const ReportedFigures::Figures> ReportedFigures::of(const std::string& id) const {
  const auto found = by_component_.find(id);
  return found != by_component_.end() ? found->second : nullptr;
}

bool ReportedFigures::apply_to(const std::string& id, Component* component, std::vector<std::string>* unapplied) const {
  const auto found = by_component_.find(id);
  if (found == by_component_.end()) return false;
  bool changed = false;
  for (const auto& [key, change] : *found->second) {
    const bool applied = component != nullptr && apply(*component, change);
    changed = changed || applied;
    if (!applied && unapplied != nullptr) {
      unapplied->push_back("The reported " + describe(change.figure()) + " (" + describe(change.new_value()) + ", by " +
                           change.reported_by() + ") is not served: the component is not served or no longer publishes that figure.");
    }
  }
  return changed;
}

void ReportedFigures::apply_to(std::vector<Component>& components, std::vector<std::string>* unapplied) const {
  for (const auto& [id, figures] : by_component_) {
    Component* served = nullptr;
    for (auto& component : components) {
      if (component.id() == id) served = &component;
    }
    apply_to(id, served, unapplied);
  }
}

}  // namespace section::reports
