#include "host/query/queries.h"

#include <algorithm>

namespace section::query {
namespace {

constexpr const char* kSectionComponent = "section";

// Checks a component filter: empty or a serving component; NOT_FOUND names the known ones,
// FAILED_PRECONDITION says why a configured component is not serving: a state that retrying
// does not change (UNAVAILABLE would invite clients to retry).
std::optional<QueryError> check_component(const aggregate::SectionView& view, const std::string& id, bool allow_section) {
  if (id.empty() || (allow_section && id == kSectionComponent)) return std::nullopt;
  for (const auto& status : view.section.component_status()) {
    if (status.id() != id) continue;
    // A stale component is served from its last good snapshot, filtered queries included.
    if (status.state() == section::v1::SERVING || status.state() == section::v1::STALE) return std::nullopt;
    const std::string state = status.state() == section::v1::DISABLED ? "disabled" : "unavailable";
    return QueryError{QueryError::Code::kFailedPrecondition, "component '" + id + "' is " + state + ": " + status.reason()};
  }
  std::string known;
  for (const auto& status : view.section.component_status()) known += (known.empty() ? "" : ", ") + status.id();
  if (allow_section) known += (known.empty() ? "" : ", ") + std::string(kSectionComponent);
  return QueryError{QueryError::Code::kNotFound, "no component '" + id + "' (known: " + known + ")"};
}

std::optional<QueryError> check_year(int year) {
  if (year == 0 || (year >= 1945 && year <= 2100)) return std::nullopt;
  return QueryError{QueryError::Code::kInvalidArgument, "year " + std::to_string(year) + " is not a year (0 for every year)"};
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

}  // namespace

Answer<section::v1::Table> get_table(const aggregate::SectionView& view, const section::v1::GetTableRequest& request) {
  const auto found = view.tables.find(request.id());
  if (found != view.tables.end()) return found->second;
  if (request.id().empty()) return QueryError{QueryError::Code::kInvalidArgument, "no table id given; ListTables lists them"};
  return QueryError{QueryError::Code::kNotFound, "no table '" + request.id() + "'; ListTables lists the " +
                                                     std::to_string(view.tables.size()) + " tables served"};
}

section::v1::ListTablesResponse list_tables(const aggregate::SectionView& view) {
  section::v1::ListTablesResponse response;
  for (const auto& info : view.table_index) *response.add_tables() = info;
  response.set_version(view.version);
  return response;
}

Answer<section::v1::ListMeasuresResponse> list_measures(const aggregate::SectionView& view,
                                                        const section::v1::ListMeasuresRequest& request) {
  if (auto error = check_component(view, request.component(), false)) return *error;
  if (auto error = check_year(request.year())) return *error;
  section::v1::ListMeasuresResponse response;
  response.set_version(view.version);
  for (const auto& component : view.section.components()) {
    if (!request.component().empty() && component.id() != request.component()) continue;
    for (const auto& result : component.results()) {
      for (const auto& measure : result.measures()) {
        section::v1::MeasureEntry entry;
        entry.set_component(component.id());
        entry.set_result_id(result.id());
        entry.set_result_title(result.title());
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

Answer<section::v1::ListDeliverablesResponse> list_deliverables(const aggregate::SectionView& view,
                                                                const section::v1::ListDeliverablesRequest& request) {
  if (auto error = check_component(view, request.component(), true)) return *error;
  if (auto error = check_year(request.year())) return *error;
  section::v1::ListDeliverablesResponse response;
  response.set_version(view.version);
  auto add = [&](const std::string& component, const section::v1::Deliverable& deliverable) {
    section::v1::DeliverableEntry entry;
    entry.set_component(component);
    *entry.mutable_deliverable() = deliverable;
    if (keep_year(*entry.mutable_deliverable(), request.year())) *response.add_deliverables() = std::move(entry);
  };
  if (request.component().empty() || request.component() == kSectionComponent) {
    for (const auto& deliverable : view.section.deliverables()) add(kSectionComponent, deliverable);
  }
  for (const auto& component : view.section.components()) {
    if (!request.component().empty() && component.id() != request.component()) continue;
    for (const auto& deliverable : component.deliverables()) add(component.id(), deliverable);
  }
  return response;
}

section::v1::WatchEvent watch_event(const aggregate::SectionView& view) {
  section::v1::WatchEvent event;
  event.set_version(view.version);
  *event.mutable_published_at() = view.published_at;
  event.set_reason(view.reason);
  for (const auto& status : view.section.component_status()) *event.add_components() = status;
  return event;
}

}  // namespace section::query
