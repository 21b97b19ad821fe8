// The section file (docs/configuration.md): the section's own text, its cross-cutting
// deliverables and mandates, and every figure the fascicle prints at section level — totals,
// subtotals, percentages and narrative amounts — kept exactly as printed (docs/architecture.md, decision 6).
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "host/core/printed.h"
#include <absl/status/status.h>
#include <absl/status/statusor.h>
#include "section/v1/section_service.pb.h"

namespace section::config {

// A cell of a computed table: table id, row key, column key.
struct CellRef {
  std::string table;
  std::string row;
  std::string column;
};

// One figure as the fascicle prints it, and the computed cell it must equal.
struct PrintedFigure {
  std::string where;     // "Table 29F.12" or "para 29F.100"
  std::string quote;     // the words around a narrative figure, in English
  // The quote's other languages (its form as printed, in the source's Chinese), when given.
  section::v1::TextForms quote_languages;
  std::string printed;   // exactly as printed
  printed::Notation notation = printed::Notation::kThousands;
  bool decrease = false; // the text says "a decrease of": the figure is negative
  CellRef ref;
  // When set, the figure is a percentage: ref as a share of this cell.
  std::optional<CellRef> share_of;
  int line = 0;          // in the section file
};

struct SectionFile {
  std::filesystem::path path;
  section::v1::SectionInfo info;
  // The components the printed totals cover, in order.
  std::vector<std::string> components;
  // The section's own text, deliverables and mandates (the components are filled in later).
  section::v1::Section text;
  // Notes that the fascicle prints under a table, by table id.
  std::map<std::string, std::vector<std::string>> table_notes;
  // Each of those notes' other languages, in the same order (empty forms for a plain string).
  std::map<std::string, std::vector<section::v1::TextForms>> table_note_languages;
  // The table or paragraph of the source each table corresponds to, by table id.
  std::map<std::string, std::string> table_sources;
  std::vector<PrintedFigure> figures;
};

// Reads and checks a section file; errors name the file, line and reason.
absl::StatusOr<SectionFile> load_section_file(const std::filesystem::path& file);

}  // namespace section::config
