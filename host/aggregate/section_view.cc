#include "host/aggregate/section_view.h"

#include "host/aggregate/programme_tables.h"
#include "host/aggregate/reconciliation.h"
#include "host/aggregate/resource_tables.h"
#include "host/aggregate/table_languages.h"

#include <google/protobuf/util/time_util.h>

namespace section::aggregate {
namespace {

// The source of a table: the section file's table_sources, else the first printed figure of the
// table, else what the data says.
std::string source_of(const SectionInput& input, const section::v1::Table& table) {
  const auto& sources = input.section->table_sources;
  if (auto found = sources.find(table.id()); found != sources.end()) return found->second;
  for (const auto& figure : input.section->figures) {
    if (figure.ref.table == table.id() && figure.quote.empty()) return figure.where;
  }
  return table.source();
}

std::string first_source(const google::protobuf::RepeatedPtrField<section::v1::Deliverable>& deliverables) {
  return deliverables.empty() ? "" : deliverables[0].provenance().source();
}

const char* kind_word(section::v1::ValueKind kind) { return kind == section::v1::PLANNED ? "planned" : "actual"; }

// "Reported through section-host: …" for every value of `component` that a team reported, so
// that a reader of the table sees which figures are not the plugin's and who gave them.
enum class Figures { kMeasures, kCompliance, kDeliverables };

std::vector<std::string> reported_notes(const section::v1::Component& component, Figures figures) {
  std::vector<std::string> notes;
  auto note = [&](const std::string& what, int year, section::v1::ValueKind kind, const std::string& by,
                  const google::protobuf::Timestamp& at) {
    notes.push_back("Reported through section-host: " + what + ", " + std::to_string(year) + " " + kind_word(kind) + ", by " +
                    by + " at " + google::protobuf::util::TimeUtil::ToString(at) + ".");
  };
  auto measure_notes = [&](const google::protobuf::RepeatedPtrField<section::v1::PerformanceMeasure>& measures) {
    for (const auto& measure : measures) {
      for (const auto& value : measure.values()) {
        if (!value.reported_by().empty()) note("'" + measure.title() + "'", value.year(), value.kind(), value.reported_by(), value.reported_at());
      }
    }
  };
  if (figures == Figures::kMeasures) {
    for (const auto& result : component.results()) measure_notes(result.measures());
    return notes;
  }
  if (figures == Figures::kCompliance) {
    measure_notes(component.compliance());
    return notes;
  }
  for (const auto& deliverable : component.deliverables()) {
    for (const auto& count : deliverable.counts()) {
      const std::string label = deliverable.title().empty() ? deliverable.subcategory() : deliverable.title();
      if (!count.reported_by().empty()) note("'" + label + "'", count.year(), count.kind(), count.reported_by(), count.reported_at());
    }
  }
  return notes;
}

// Every table but the reconciliation, in the order of the index: the section's resource
// tables, then each component's, the deliverables, the measures and the variances.
std::vector<section::v1::Table> build_tables(const SectionInput& input) {
  std::vector<section::v1::Table> tables;
  tables.push_back(financial_by_object(input));
  tables.push_back(post_changes(input));
  tables.push_back(posts_by_grade(input));
  tables.push_back(financial_by_component_rb(input));
  tables.push_back(financial_by_component_xb(input));
  tables.push_back(posts_by_component_rb(input));
  tables.push_back(posts_by_component_xb(input));
  tables.push_back(evolution(input));
  for (const auto& component : input.components) tables.push_back(component_evolution(input, component));
  tables.push_back(compliance_table(input));
  for (const auto& component : input.components) {
    if (component.compliance_size() > 0) tables.back().set_source(component.compliance(0).provenance().source());
    for (const auto& note : reported_notes(component, Figures::kCompliance)) tables.back().add_notes(note);
  }
  tables.push_back(deliverables_table("deliverables",
                                      "Cross-cutting deliverables of the section, by category and subcategory",
                                      input.section->text.deliverables()));
  tables.back().set_source(first_source(input.section->text.deliverables()));
  for (const auto& component : input.components) {
    tables.push_back(deliverables_table("deliverables/" + component.id(),
                                        component_label(component) + ": deliverables by category and subcategory",
                                        component.deliverables()));
    tables.back().set_source(first_source(component.deliverables()));
    for (const auto& note : reported_notes(component, Figures::kDeliverables)) tables.back().add_notes(note);
  }
  for (const auto& component : input.components) {
    tables.push_back(measures_table(component));
    for (const auto& note : reported_notes(component, Figures::kMeasures)) tables.back().add_notes(note);
  }
  tables.push_back(variances_table(input));
  return tables;
}

// The section file's notes under `table` in their other languages ("notes[i]": the i-th note).
void add_note_languages(const SectionInput& input, section::v1::Table& table) {
  auto found = input.section->table_note_languages.find(table.id());
  if (found == input.section->table_note_languages.end()) return;
  const int first = table.notes_size() - static_cast<int>(found->second.size());
  for (std::size_t i = 0; i < found->second.size(); ++i) {
    if (found->second[i].origin() == section::v1::TEXT_ORIGIN_UNSPECIFIED) continue;
    const std::string field = "notes[" + std::to_string(first + static_cast<int>(i)) + "]";
    section::v1::TextForms& forms = language::entry(table.mutable_languages(), field);
    forms = found->second[i];
    forms.set_field(field);
  }
}

// What every table carries besides its rows: its source, version and notes.
void finish_table(const SectionInput& input, const std::vector<std::string>& notes, section::v1::Table& table) {
  table.set_source(source_of(input, table));
  table.set_version(input.version);
  if (auto found = input.section->table_notes.find(table.id()); found != input.section->table_notes.end()) {
    for (const auto& note : found->second) table.add_notes(note);
    add_note_languages(input, table);
  }
  bool illustrative = false;
  for (const auto& row : table.rows()) illustrative = illustrative || row.illustrative();
  if (illustrative) {
    table.add_notes("Rows marked illustrative add up allocations that the fascicle does not print by component.");
  }
  for (const auto& note : notes) table.add_notes(note);
}

void index_and_keep(SectionView& view, section::v1::Table&& table) {
  section::v1::TableInfo* info = &view.table_index.emplace_back();
  info->set_id(table.id());
  info->set_title(table.title());
  copy_forms(table.languages(), "title", info->mutable_languages(), "title");
  info->set_source(table.source());
  view.tables.emplace(table.id(), std::move(table));
}

}  // namespace

SectionView build_view(SectionInput input) {
  order_components(input.components);
  SectionView view;
  view.version = input.version;
  std::vector<section::v1::Table> tables = build_tables(input);
  const std::vector<std::string> notes = input.availability_notes();
  for (auto& table : tables) finish_table(input, notes, table);
  for (auto& table : tables) add_table_languages(input, table);
  for (auto& table : tables) index_and_keep(view, std::move(table));

  // Reconciliation reads the finished tables, notes and all, and comes last in the index.
  Reconciliation reconciliation = reconcile(input, view.tables);
  reconciliation.table.set_version(input.version);
  reconciliation.table.set_source(source_of(input, reconciliation.table));
  add_table_languages(input, reconciliation.table);
  for (const auto& note : notes) reconciliation.table.add_notes(note);
  view.reconciliation_differences = reconciliation.differences;
  index_and_keep(view, std::move(reconciliation.table));

  view.section = input.section->text;
  view.section.set_version(input.version);
  for (auto& component : input.components) *view.section.add_components() = std::move(component);
  for (const auto& status : input.statuses) *view.section.add_component_status() = status;
  return view;
}

}  // namespace section::aggregate
