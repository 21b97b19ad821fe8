#include "host/query/queries.h"

#include <algorithm>

#include "host/core/echo.h"
#include "section/sdk/language.h"

namespace section::query {
namespace {

// Checks a component filter: empty or a serving component; NOT_FOUND names the known ones,
// FAILED_PRECONDITION says why a configured component is not serving: a state that retrying
// does not change (UNAVAILABLE would invite clients to retry).
absl::Status check_component(const section::v1::Section& section, const std::string& id, bool allow_section) {
  if (id.empty() || (allow_section && id == kSectionComponent)) return absl::OkStatus();
  for (const auto& status : section.component_status()) {
    if (status.id() != id) continue;
    // A stale component is served from its last good snapshot, filtered queries included.
    if (status.state() == section::v1::SERVING || status.state() == section::v1::STALE) return absl::OkStatus();
    const std::string state = status.state() == section::v1::DISABLED ? "disabled" : "unavailable";
    return absl::FailedPreconditionError("component " + echo(id) + " is " + state + ": " + status.reason());
  }
  std::string known;
  for (const auto& status : section.component_status()) known += (known.empty() ? "" : ", ") + status.id();
  if (allow_section) known += (known.empty() ? "" : ", ") + std::string(kSectionComponent);
  return absl::NotFoundError("no component " + echo(id) + " (known: " + known + ")");
}

absl::Status check_year(int year) {
  if (year == 0 || (year >= 1945 && year <= 2100)) return absl::OkStatus();
  return absl::InvalidArgumentError("year " + std::to_string(year) + " is not a year (0 for every year)");
}

// Keeps only the values of `year`; false when none is left.
bool keep_year(section::v1::PerformanceMeasure& measure, int year) {
  if (year == 0) return true;
  auto* values = measure.mutable_values();
  values->erase(std::remove_if(values->begin(), values->end(), [&](const auto& v) { return v.year() != year; }), values->end());
  return !values->empty();
}

bool keep_year(section::v1::Deliverable& deliverable, int year) {
  if (year == 0) return true;
  auto* counts = deliverable.mutable_counts();
  counts->erase(std::remove_if(counts->begin(), counts->end(), [&](const auto& c) { return c.year() != year; }), counts->end());
  // A deliverable described without counts concerns every year.
  return !deliverable.quantified() || !counts->empty();
}

// The list queries over any range of components (the view's messages, or a published view's
// components parsed), so that both answer alike.
template <typename Components>
absl::StatusOr<section::v1::ListMeasuresResponse> measures_of(const section::v1::Section& section, std::uint64_t version,
                                                      const Components& components,
                                                      const section::v1::ListMeasuresRequest& request) {
  if (absl::Status valid = check_component(section, request.component(), false); !valid.ok()) return valid;
  if (absl::Status valid = check_year(request.year()); !valid.ok()) return valid;
  section::v1::ListMeasuresResponse response;
  response.set_version(version);
  for (const auto& component : components) {
    if (!request.component().empty() && component.id() != request.component()) continue;
    for (const auto& result : component.results()) {
      for (const auto& measure : result.measures()) {
        section::v1::MeasureEntry entry;
        entry.set_component(component.id());
        entry.set_result_id(result.id());
        entry.set_result_title(result.title());
        if (section::v1::TextForms forms; result_title_forms(result, &forms)) *entry.add_languages() = std::move(forms);
        *entry.mutable_measure() = measure;
        if (keep_year(*entry.mutable_measure(), request.year())) *response.add_measures() = std::move(entry);
      }
    }
    for (const auto& measure : component.compliance()) {
      section::v1::MeasureEntry entry;
      entry.set_component(component.id());
      *entry.mutable_measure() = measure;
      if (keep_year(*entry.mutable_measure(), request.year())) *response.add_measures() = std::move(entry);
    }
  }
  return response;
}

template <typename Components>
absl::StatusOr<section::v1::ListDeliverablesResponse> deliverables_of(const section::v1::Section& section, std::uint64_t version,
                                                              const Components& components,
                                                              const section::v1::ListDeliverablesRequest& request) {
  if (absl::Status valid = check_component(section, request.component(), true); !valid.ok()) return valid;
  if (absl::Status valid = check_year(request.year()); !valid.ok()) return valid;
  section::v1::ListDeliverablesResponse response;
  response.set_version(version);
  auto add = [&](const std::string& component, const section::v1::Deliverable& deliverable) {
    section::v1::DeliverableEntry entry;
    entry.set_component(component);
    *entry.mutable_deliverable() = deliverable;
    if (keep_year(*entry.mutable_deliverable(), request.year())) *response.add_deliverables() = std::move(entry);
  };
  if (request.component().empty() || request.component() == kSectionComponent) {
    for (const auto& deliverable : section.deliverables()) add(kSectionComponent, deliverable);
  }
  for (const auto& component : components) {
    if (!request.component().empty() && component.id() != request.component()) continue;
    for (const auto& deliverable : component.deliverables()) add(component.id(), deliverable);
  }
  return response;
}

// Only the components a filter asks for are parsed: all of them without one.
std::vector<section::v1::Component> parsed_for(const PublishedView& view, const std::string& component) {
  return component == kSectionComponent ? std::vector<section::v1::Component>() : view.parse_components(component);
}

template <typename View>
section::v1::ListTablesResponse tables_of(const View& view) {
  section::v1::ListTablesResponse response;
  for (const auto& info : view.table_index) *response.add_tables() = info;
  response.set_version(view.version);
  return response;
}

template <typename View>
section::v1::WatchEvent event_of(const View& view) {
  section::v1::WatchEvent event;
  event.set_version(view.version);
  *event.mutable_published_at() = view.published_at;
  event.set_reason(view.reason);
  for (const auto& status : view.section.component_status()) *event.add_components() = status;
  return event;
}

}  // namespace

bool result_title_forms(const section::v1::Result& result, section::v1::TextForms* forms) {
  const auto* found = language::find(result.languages(), "title");
  if (found == nullptr) return false;
  *forms = *found;
  forms->set_field("result_title");
  return true;
}

absl::Status missing_table(const std::string& id, std::size_t served) {
  if (id.empty()) return absl::InvalidArgumentError("no table id given; ListTables lists them");
  return absl::NotFoundError("no table " + echo(id) + "; ListTables lists the " + std::to_string(served) + " tables served");
}

absl::StatusOr<section::v1::Table> get_table(const aggregate::SectionView& view, const section::v1::GetTableRequest& request) {
  const auto found = view.tables.find(request.id());
  if (found != view.tables.end()) return found->second;
  return missing_table(request.id(), view.tables.size());
}

section::v1::ListTablesResponse list_tables(const aggregate::SectionView& view) { return tables_of(view); }
section::v1::ListTablesResponse list_tables(const PublishedView& view) { return tables_of(view); }

absl::StatusOr<section::v1::ListMeasuresResponse> list_measures(const aggregate::SectionView& view,
                                                        const section::v1::ListMeasuresRequest& request) {
  return measures_of(view.section, view.version, view.section.components(), request);
}

absl::StatusOr<section::v1::ListMeasuresResponse> list_measures(const PublishedView& view,
                                                        const section::v1::ListMeasuresRequest& request) {
  return measures_of(view.section, view.version, parsed_for(view, request.component()), request);
}

absl::StatusOr<section::v1::ListDeliverablesResponse> list_deliverables(const aggregate::SectionView& view,
                                                                const section::v1::ListDeliverablesRequest& request) {
  return deliverables_of(view.section, view.version, view.section.components(), request);
}

absl::StatusOr<section::v1::ListDeliverablesResponse> list_deliverables(const PublishedView& view,
                                                                const section::v1::ListDeliverablesRequest& request) {
  return deliverables_of(view.section, view.version, parsed_for(view, request.component()), request);
}

section::v1::WatchEvent watch_event(const aggregate::SectionView& view) { return event_of(view); }
section::v1::WatchEvent watch_event(const PublishedView& view) { return event_of(view); }

}  // namespace section::query
