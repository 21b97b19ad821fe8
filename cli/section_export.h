// `section-ctl export`: the whole section, every table, measure and deliverable, rendered as CSV
// files, Markdown, JSON or one self-contained HTML page. Pure functions of what the host served
// for one version; commands.cc fetches it and export_files.h writes it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "section/v1/section_service.pb.h"
#include "section/v1/table.pb.h"

namespace section::cli {

// Everything one export shows, as the host served it.
struct SectionExport {
  section::v1::HostStatus status;
  section::v1::Section section;
  section::v1::ListTablesResponse index;
  std::vector<section::v1::Table> tables;  // in the order of `index`
  section::v1::ListMeasuresResponse measures;
  section::v1::ListDeliverablesResponse deliverables;
  // The language the host answered in (its content-language): the HTML page's lang.
  std::string language = "en";
};

enum class ExportFormat { kCsv, kMarkdown, kJson, kHtml };
inline constexpr const char* kExportFormats = "csv, md, json or html";

// "csv", "md", "json", "html" → ExportFormat; false for anything else.
bool parse_export_format(const std::string& word, ExportFormat* format);

// The lowest and highest section version among the parts; equal when the export is of one version.
struct VersionRange {
  std::uint64_t low = 0;
  std::uint64_t high = 0;
  bool consistent() const { return low == high; }
};
VersionRange version_range(const SectionExport& data);

// A measure's value as people read it: "47 days", "90% — 90 per cent of …", "[reported by …]".
std::string measure_value_text(const section::v1::MeasureValue& value, section::v1::Unit unit);

// One file of the CSV export; `name` is relative to the export directory.
struct CsvFile {
  std::string name;
  std::string text;
};
// index.csv (what each file holds), measures.csv and deliverables.csv (one line per value or
// count), and tables/<id>.csv for every table, with "/" in an id written as ".".
std::vector<CsvFile> export_csv(const SectionExport& data);
inline constexpr const char* kCsvIndexHeader = "file,content,id,source,title,version";

std::string export_markdown(const SectionExport& data);
std::string export_json(const SectionExport& data);
// One page with inline CSS and SVG, laid out like the fascicle. It loads nothing; its one
// script only records, once the page is laid out, whether every chart has a size
// (body data-rendered="ok N"), for the rendering test.
std::string export_html(const SectionExport& data);

// Where each table goes in the Markdown and HTML layouts, which follow the fascicle: the
// overall tables first, each component's tables with the component, then the cross-cutting
// deliverables, the variances, the reconciliation and any other table. Every table once.
struct TablePlacement {
  std::vector<const section::v1::Table*> overall;
  std::vector<std::vector<const section::v1::Table*>> components;  // parallel to section.components
  std::vector<const section::v1::Table*> closing;
};
TablePlacement place_tables(const SectionExport& data);

// A performance measure and the result it belongs to, from ListMeasures.
struct MeasureGroup {
  const section::v1::Result* result = nullptr;  // null for compliance indicators and strays
  std::string title;                            // "Result 1: …", "Highlighted result: …", "Compliance"
  std::vector<const section::v1::MeasureEntry*> measures;
};
// A component's results in their order, each with its measures, then its compliance
// indicators. `used` marks the entries placed, so that strays are still shown.
std::vector<MeasureGroup> measure_groups(const SectionExport& data, const section::v1::Component& component,
                                         std::vector<bool>& used);

// "Executive direction and management", "Subprogramme 1: Programme planning, finance and budget".
std::string component_heading(const section::v1::Component& component);

// Whether any heading or measure title of the export is the transcriber's words (marked
// kTranscribedMark), so that the layouts say what the mark means.
bool any_transcribed(const SectionExport& data);

}  // namespace section::cli
