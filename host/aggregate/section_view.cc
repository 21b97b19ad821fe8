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
std::string source_of(const config::SectionFile& section, const section::v1::Table& table) {
  const auto& sources = section.table_sources;
  if (auto found = sources.find(table.id()); found != sources.end()) return found->second;
  for (const auto& figure : section.figures) {
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

// The section file's notes under `table` in their other languages ("notes[i]": the i-th note).
void add_note_languages(const config::SectionFile& section, section::v1::Table& table) {
  auto found = section.table_note_languages.find(table.id());
  if (found == section.table_note_languages.end()) return;
  const int first = table.notes_size() - static_cast<int>(found->second.size());
  for (std::size_t i = 0; i < found->second.size(); ++i) {
    if (found->second[i].origin() == section::v1::TEXT_ORIGIN_UNSPECIFIED) continue;
    const std::string field = "notes[" + std::to_string(first + static_cast<int>(i)) + "]";
    section::v1::TextForms& forms = language::entry(table.mutable_languages(), field);
    forms = found->second[i];
    forms.set_field(field);
  }
}

// What a table carries besides its rows that is the same in every version: its source, the
// section file's notes for it (with their other languages) and the illustrative note.
void finish_fixed(const config::SectionFile& section, section::v1::Table& table) {
  table.set_source(source_of(section, table));
  if (auto found = section.table_notes.find(table.id()); found != section.table_notes.end()) {
    for (const auto& note : found->second) table.add_notes(note);
    add_note_languages(section, table);
  }
  bool illustrative = false;
  for (const auto& row : table.rows()) illustrative = illustrative || row.illustrative();
  if (illustrative) {
    table.add_notes("Rows marked illustrative add up allocations that the fascicle does not print by component.");
  }
}

void index_and_keep(SectionView& view, section::v1::Table&& table) {
  view.table_index.push_back(info_of(table));
  view.tables.emplace(table.id(), std::move(table));
}

}  // namespace

section::v1::TableInfo info_of(const section::v1::Table& table) {
  section::v1::TableInfo info;
  info.set_id(table.id());
  info.set_title(table.title());
  copy_forms(table.languages(), "title", info.mutable_languages(), "title");
  info.set_source(table.source());
  return info;
}

std::vector<section::v1::Table> component_tables(const config::SectionFile& section, const section::v1::Component& component) {
  SectionInput input;  // component_evolution() reads only the section file's budget year
  input.section = &section;
  std::vector<section::v1::Table> tables;
  tables.push_back(component_evolution(input, component));
  tables.push_back(deliverables_table("deliverables/" + component.id(),
                                      component_label(component) + ": deliverables by category and subcategory",
                                      component.deliverables()));
  tables.back().set_source(first_source(component.deliverables()));
  for (const auto& note : reported_notes(component, Figures::kDeliverables)) tables.back().add_notes(note);
  tables.push_back(measures_table(component));
  for (const auto& note : reported_notes(component, Figures::kMeasures)) tables.back().add_notes(note);
  for (auto& table : tables) {
    finish_fixed(section, table);
    add_table_languages(section, component, table);
  }
  return tables;
}

std::vector<section::v1::Table> section_tables(const SectionInput& input) {
  std::vector<section::v1::Table> tables;
  tables.push_back(financial_by_object(input));
  tables.push_back(post_changes(input));
  tables.push_back(posts_by_grade(input));
  tables.push_back(financial_by_component_rb(input));
  tables.push_back(financial_by_component_xb(input));
  tables.push_back(posts_by_component_rb(input));
  tables.push_back(posts_by_component_xb(input));
  tables.push_back(evolution(input));
  tables.push_back(compliance_table(input));
  for (const auto& component : input.components) {
    if (component.compliance_size() > 0) tables.back().set_source(component.compliance(0).provenance().source());
    for (const auto& note : reported_notes(component, Figures::kCompliance)) tables.back().add_notes(note);
  }
  tables.push_back(deliverables_table("deliverables",
                                      "Cross-cutting deliverables of the section, by category and subcategory",
                                      input.section->text.deliverables()));
  tables.back().set_source(first_source(input.section->text.deliverables()));
  tables.push_back(variances_table(input));
  for (auto& table : tables) {
    finish_fixed(*input.section, table);
    add_table_languages(input, table);
  }
  return tables;
}

section::v1::Component digest_of(const section::v1::Component& component) {
  section::v1::Component digest;
  digest.set_id(component.id());
  digest.set_kind(component.kind());
  digest.set_subprogramme(component.subprogramme());
  digest.set_title(component.title());
  digest.set_budget_year(component.budget_year());
  *digest.mutable_money() = component.money();
  *digest.mutable_posts() = component.posts();
  *digest.mutable_explanations() = component.explanations();
  *digest.mutable_compliance() = component.compliance();
  *digest.mutable_languages() = component.languages();  // the title's other languages, for the labels
  return digest;
}

// The order of the index: the section's resource tables, each component's evolution, the
// compliance and the section's deliverables, each component's deliverables, each component's
// measures, the variances.
std::vector<TablePlace> index_order(std::size_t components) {
  std::vector<TablePlace> order;
  const auto section_table = [&](int index) { order.push_back(TablePlace{index, 0, 0}); };
  const auto own_tables = [&](std::size_t own) {
    for (std::size_t c = 0; c < components; ++c) order.push_back(TablePlace{-1, c, own});
  };
  for (int i = 0; i < static_cast<int>(kSectionTablesBeforeComponents); ++i) section_table(i);
  own_tables(0);
  section_table(8);
  section_table(9);
  own_tables(1);
  own_tables(2);
  section_table(10);
  return order;
}

void finish_for_version(std::uint64_t version, const std::vector<std::string>& notes, section::v1::Table& table) {
  table.set_version(version);
  for (const auto& note : notes) table.add_notes(note);
}

Reconciliation reconcile_for_any_version(const SectionInput& input, const std::map<std::string, section::v1::Table>& tables) {
  Reconciliation reconciliation = reconcile(input, tables);
  reconciliation.table.set_source(source_of(*input.section, reconciliation.table));
  add_table_languages(input, reconciliation.table);
  return reconciliation;
}

Reconciliation reconcile_finished(const SectionInput& input, const std::map<std::string, section::v1::Table>& tables,
                                  const std::vector<std::string>& notes) {
  Reconciliation reconciliation = reconcile_for_any_version(input, tables);
  finish_for_version(input.version, notes, reconciliation.table);
  return reconciliation;
}

SectionView build_view(SectionInput input) {
  order_components(input.components);
  SectionView view;
  view.version = input.version;
  const std::vector<std::string> notes = input.availability_notes();
  std::vector<section::v1::Table> section = section_tables(input);
  std::vector<std::vector<section::v1::Table>> own;
  for (const auto& component : input.components) own.push_back(component_tables(*input.section, component));
  for (const TablePlace& place : index_order(input.components.size())) {
    section::v1::Table& table = place.section_table >= 0 ? section[static_cast<std::size_t>(place.section_table)]
                                                         : own[place.component][place.own];
    finish_for_version(input.version, notes, table);
    index_and_keep(view, std::move(table));
  }
  // Reconciliation reads the finished tables, notes and all, and comes last in the index.
  Reconciliation reconciliation = reconcile_finished(input, view.tables, notes);
  view.reconciliation_differences = reconciliation.differences;
  index_and_keep(view, std::move(reconciliation.table));

  view.section = input.section->text;
  view.section.set_version(input.version);
  for (auto& component : input.components) *view.section.add_components() = std::move(component);
  for (const auto& status : input.statuses) *view.section.add_component_status() = status;
  return view;
}

}  // namespace section::aggregate
