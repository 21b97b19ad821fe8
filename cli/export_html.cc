// The HTML export: one page laid out like the fascicle, with inline CSS and SVG charts.
#include <optional>
#include <sstream>

#include "cli/export_charts.h"
#include "cli/section_export.h"
#include "cli/svg_chart.h"
#include "cli/table_format.h"
#include "section/sdk/vocabulary.h"

namespace section::cli {
namespace {

using svg::escape;

constexpr const char* kStyle = R"(
body { font-family: "Times New Roman", Times, serif; color: #111; max-width: 62em; margin: 2em auto; padding: 0 1.5em; line-height: 1.35; }
header.cover, header.cover p { text-align: center; }
header.cover { border-bottom: 2px solid #000; padding-bottom: 1em; }
header.cover .budget { font-size: 1.1em; font-style: italic; }
header.cover h1 { font-size: 2em; margin: .3em 0; }
header.cover .meta { font-size: .85em; color: #555; }
h2 { font-size: 1.4em; border-bottom: 1px solid #888; margin-top: 2.2em; }
h3 { font-size: 1.15em; margin-top: 1.6em; }
h4 { font-size: 1em; margin: 1.2em 0 .4em; }
p { text-align: justify; }
.para { color: #666; font-size: .8em; margin-right: .6em; white-space: nowrap; }
.transcribed { color: #666; font-weight: normal; font-style: normal; }
nav.contents { font-size: .9em; }
nav.contents .columns { display: grid; grid-template-columns: 1fr 1fr; column-gap: 2em; align-items: start; }
nav.contents .columns h3 { margin-top: 0; }
nav.contents ul { margin: 0; padding-left: 1.2em; }
table.fascicle { border-collapse: collapse; width: 100%; font-size: .82em; margin: 1.2em 0 .3em; }
table.fascicle caption { text-align: left; caption-side: top; padding-bottom: .4em; }
table.fascicle caption .source { font-weight: bold; display: block; }
table.fascicle caption .unit { display: block; font-style: italic; }
table.fascicle thead th { border-top: 1.5px solid #000; border-bottom: 1px solid #000; font-weight: normal; font-style: italic; text-align: right; vertical-align: bottom; padding: .2em .4em; }
table.fascicle th, table.fascicle td { padding: .15em .4em; vertical-align: top; }
table.fascicle tbody th { text-align: left; font-weight: normal; }
table.fascicle td.num { text-align: right; white-space: nowrap; }
table.fascicle td.text, table.fascicle thead th.text { text-align: left; }
table.fascicle tbody th { min-width: 14em; }
table.fascicle tr.level-1 > * { font-weight: bold; border-top: 1px solid #000; }
table.fascicle tr.level-2 > * { font-weight: bold; border-top: 1px solid #000; border-bottom: 3px double #000; }
table.fascicle tr.heading th { font-weight: bold; padding-top: .6em; }
table.fascicle tbody tr:last-child > * { border-bottom: 1.5px solid #000; }
p.note { font-size: .8em; margin: .2em 0; }
.measure { margin: .8em 0 1.4em; page-break-inside: avoid; }
.measure h5 { font-size: .95em; margin: .4em 0; font-style: italic; }
table.values { border-collapse: collapse; font-size: .8em; width: 100%; margin-top: .3em; }
table.values th { border-bottom: 1px solid #000; font-weight: normal; font-style: italic; text-align: left; }
table.values td, table.values th { padding: .15em .4em; vertical-align: top; }
.no-figures { font-style: italic; color: #555; font-size: .9em; }
svg.chart { display: block; max-width: 100%; height: auto; font-family: "Times New Roman", Times, serif; }
.not-served { border-left: 3px solid #b00; padding-left: .6em; }
figure { margin: 1em 0; }
figcaption { font-size: .85em; font-style: italic; }
footer { margin-top: 3em; border-top: 1px solid #888; font-size: .8em; color: #555; }
)";

// Counts the charts that the browser laid out with a size; the rendering test reads the mark.
constexpr const char* kRenderCheck = R"(<script>
(function () {
  var charts = document.querySelectorAll('svg.chart'), sized = 0;
  for (var i = 0; i < charts.length; i++) {
    var outer = charts[i].getBoundingClientRect(), inner = charts[i].getBBox();
    if (outer.width > 0 && outer.height > 0 && inner.width > 0 && inner.height > 0) sized++;
  }
  document.body.dataset.rendered = (sized === charts.length ? 'ok ' : 'failed ' + sized + ' of ') + charts.length;
})();
</script>
)";

std::string anchor(const std::string& prefix, const std::string& id) { return escape(prefix + id); }

// The mark after words the fascicle does not print, explained where the pointer rests on it.
std::string transcribed_mark(bool transcribed) {
  if (!transcribed) return {};
  return std::string(" <span class=\"transcribed\" title=\"Not printed in the fascicle: the transcriber's words\">") +
         kTranscribedMark + "</span>";
}

std::string paragraphs(const section::v1::Text& text, const char* heading_tag) {
  if (text.text().empty() && text.heading().empty()) return {};
  std::string out;
  if (!text.heading().empty()) {
    out += "<" + std::string(heading_tag) + ">" + escape(text.heading()) + transcribed_mark(text.provenance().title_transcribed()) +
           "</" + heading_tag + ">\n";
  }
  if (!text.text().empty()) {
    out += "<p>";
    if (!text.provenance().source().empty()) out += "<span class=\"para\">" + escape(text.provenance().source()) + "</span>";
    out += escape(text.text()) + "</p>\n";
  }
  return out;
}

std::string labelled(const std::string& label, const section::v1::Text& text) {
  if (text.text().empty()) return {};
  std::string out = "<p><b>" + escape(label) + ".</b> ";
  if (!text.provenance().source().empty()) out += "<span class=\"para\">" + escape(text.provenance().source()) + "</span>";
  return out + escape(text.text()) + "</p>\n";
}

// A column of words, such as an explanation: its heading is set flush left like its cells.
bool text_column(const section::v1::Table& table, const std::string& key) {
  bool any = false;
  for (const auto& row : table.rows()) {
    const auto found = row.cells().find(key);
    if (found == row.cells().end()) continue;
    if (found->second.value_case() != section::v1::Cell::kText) return false;
    any = true;
  }
  return any;
}

std::string table_html(const section::v1::Table& table) {
  std::ostringstream out;
  out << "<section class=\"table\" id=\"" << anchor("table-", table.id()) << "\">\n<table class=\"fascicle\">\n<caption>";
  if (!table.source().empty()) out << "<span class=\"source\">" << escape(table.source()) << "</span>";
  out << "<span class=\"title\">" << escape(table.title()) << "</span>";
  if (const std::string unit = unit_caption(table); !unit.empty()) out << "<span class=\"unit\">(" << escape(unit) << ")</span>";
  out << "</caption>\n<thead><tr><th scope=\"col\"></th>";
  for (const auto& column : table.columns()) {
    out << "<th scope=\"col\"" << (text_column(table, column.key()) ? " class=\"text\"" : "") << ">" << escape(column.label()) << "</th>";
  }
  out << "</tr></thead>\n<tbody>\n";
  bool illustrative = false;
  bool transcribed = false;
  for (const auto& row : table.rows()) {
    transcribed = transcribed || row.label_transcribed();
    if (row.cells().empty()) {  // a heading row: a category or a result
      out << "<tr class=\"heading\"><th scope=\"rowgroup\" colspan=\"" << table.columns_size() + 1 << "\">" << escape(row.label())
          << "</th></tr>\n";
      continue;
    }
    illustrative = illustrative || row.illustrative();
    out << "<tr class=\"level-" << row.level() << "\"><th scope=\"row\">" << escape(row.label())
        << transcribed_mark(row.label_transcribed()) << (row.illustrative() ? " *" : "") << "</th>";
    for (const auto& column : table.columns()) {
      const auto found = row.cells().find(column.key());
      if (found == row.cells().end()) {
        out << "<td class=\"num\">—</td>";
        continue;
      }
      const bool text = found->second.value_case() == section::v1::Cell::kText;
      out << "<td class=\"" << (text ? "text" : "num") << "\">" << escape(cell_text(found->second, row.unit())) << "</td>";
    }
    out << "</tr>\n";
  }
  out << "</tbody>\n</table>\n";
  for (const auto& note : table.notes()) out << "<p class=\"note\">Note: " << escape(note) << "</p>\n";
  if (illustrative) {
    out << "<p class=\"note\">* Includes an illustrative allocation: the fascicle prints this figure for the section only.</p>\n";
  }
  if (transcribed) out << "<p class=\"note\">" << escape(kTranscribedLegend) << "</p>\n";
  out << "</section>\n";
  return out.str();
}

std::string measure_html(const section::v1::MeasureEntry& entry) {
  const auto& m = entry.measure();
  std::ostringstream out;
  out << "<div class=\"measure\" id=\"" << anchor("measure-", entry.component() + "-" + m.id()) << "\">\n<h5>"
      << escape(m.title()) << transcribed_mark(m.provenance().title_transcribed()) << "</h5>\n";
  if (const auto chart = measure_chart(m)) {
    out << svg::render(*chart);
  } else {
    out << "<p class=\"no-figures\">"
        << (m.values().empty() ? "No figures: the fascicle gives no values for this measure."
                               : "No figures: this measure is stated in words.")
        << "</p>\n";
  }
  if (!m.values().empty()) {
    out << "<table class=\"values\"><thead><tr>";
    for (const auto& v : m.values()) out << "<th>" << v.year() << " (" << vocabulary::value_kind_word(v.kind()) << ")</th>";
    out << "</tr></thead><tbody><tr>";
    for (const auto& v : m.values()) out << "<td>" << escape(measure_value_text(v, m.unit())) << "</td>";
    out << "</tr></tbody></table>\n";
  }
  out << "</div>\n";
  return out.str();
}

std::string tables_html(const std::vector<const section::v1::Table*>& tables) {
  std::string out;
  for (const auto* table : tables) out += table_html(*table);
  return out;
}

std::string mandates_html(const google::protobuf::RepeatedPtrField<section::v1::Mandate>& mandates) {
  if (mandates.empty()) return {};
  std::string out = "<ul class=\"mandates\">\n";
  for (const auto& m : mandates) {
    out += "<li>" + escape(m.body()) + " resolution " + escape(m.symbol()) + ": " + escape(m.title()) + "</li>\n";
  }
  return out + "</ul>\n";
}

std::string component_html(const SectionExport& data, const section::v1::Component& c,
                           const std::vector<const section::v1::Table*>& tables, std::vector<bool>& used) {
  std::ostringstream out;
  out << "<section class=\"component\" id=\"" << anchor("component-", c.id()) << "\">\n<h2>" << escape(component_heading(c))
      << "</h2>\n";
  out << paragraphs(c.description(), "h3");
  out << labelled("Objective", c.objective());
  for (int i = 0; i < c.strategy_size(); ++i) {
    out << (i == 0 ? labelled("Strategy and external factors", c.strategy(i)) : paragraphs(c.strategy(i), "h4"));
  }
  if (!c.expected_outcomes().empty()) {
    out << "<p><b>Expected outcomes.</b></p>\n<ul>\n";
    for (const auto& text : c.expected_outcomes()) out << "<li>" << escape(text.text()) << "</li>\n";
    out << "</ul>\n";
  }
  for (const auto& text : c.programme_performance()) out << paragraphs(text, "h4");
  for (const auto& group : measure_groups(data, c, used)) {
    out << "<h3>" << escape(group.title) << "</h3>\n";
    if (group.result != nullptr) {
      if (!group.result->carried_from().empty()) {
        out << "<p class=\"note\">Carried over from " << escape(group.result->carried_from()) << ".</p>\n";
      }
      out << labelled("Programme performance", group.result->programme_performance())
          << labelled("Lessons learned and planned change", group.result->lessons_learned())
          << labelled("Proposed programme plan", group.result->proposed_plan());
    }
    for (const auto* entry : group.measures) out << measure_html(*entry);
  }
  out << tables_html(tables);
  for (const auto& text : c.resource_notes()) out << labelled("Resources", text);
  if (!c.mandates().empty()) out << "<h4>Legislative mandates</h4>\n" << mandates_html(c.mandates());
  out << "</section>\n";
  return out.str();
}

std::string contents_html(const SectionExport& data) {
  std::ostringstream out;
  // Two columns of a grid, each with its heading: they start at the same height, which CSS
  // columns over the headings and lists did not do.
  out << "<nav class=\"contents\" aria-label=\"Contents\">\n<h2>Contents</h2>\n<div class=\"columns\">\n<div>\n<h3>Parts</h3>\n"
         "<ul>\n<li><a href=\"#overall\">Overall resources</a></li>\n";
  for (const auto& c : data.section.components()) {
    out << "<li><a href=\"#" << anchor("component-", c.id()) << "\">" << escape(component_heading(c)) << "</a></li>\n";
  }
  out << "<li><a href=\"#closing\">Deliverables, variances and reconciliation</a></li>\n</ul>\n</div>\n<div>\n<h3>Tables</h3>\n<ul>\n";
  for (const auto& table : data.tables) {
    out << "<li><a href=\"#" << anchor("table-", table.id()) << "\">"
        << escape(table.source().empty() ? table.title() : table.source() + ": " + table.title()) << "</a></li>\n";
  }
  out << "</ul>\n</div>\n</div>\n</nav>\n";
  return out.str();
}

}  // namespace

std::string export_html(const SectionExport& data) {
  const auto& info = data.section.info();
  const std::string heading = "Section " + info.number() + ": " + info.title();
  std::ostringstream out;
  out << "<!DOCTYPE html>\n<html lang=\"" << escape(data.language) << "\">\n<head>\n<meta charset=\"utf-8\">\n"
      << "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
         "script-src 'unsafe-inline'\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>"
      << escape(heading + (info.budget().empty() ? "" : " — " + info.budget())) << "</title>\n<style>" << kStyle
      << "</style>\n</head>\n<body>\n<header class=\"cover\">\n<p class=\"budget\">" << escape(info.budget()) << "</p>\n";
  if (!info.part().empty()) out << "<p class=\"part\">" << escape(info.part()) << "</p>\n";
  out << "<h1>" << escape(heading) << "</h1>\n";
  if (!info.programme().empty()) out << "<p class=\"programme\">" << escape(info.programme()) << "</p>\n";
  out << "<p class=\"meta\">Exported from section-host " << escape(data.status.host_version()) << ", section version "
      << data.section.version() << ". Money in thousands of United States dollars unless stated.</p>\n";
  if (any_transcribed(data)) out << "<p class=\"meta\">" << escape(kTranscribedLegend) << "</p>\n";
  out << "</header>\n";
  out << contents_html(data);

  if (!data.section.orientation().empty()) out << "<section id=\"orientation\">\n<h2>Orientation</h2>\n";
  for (const auto& text : data.section.orientation()) out << paragraphs(text, "h3");
  if (!data.section.orientation().empty()) out << "</section>\n";
  if (!data.section.programme_performance().empty()) out << "<section id=\"performance\">\n<h2>Programme performance</h2>\n";
  for (const auto& text : data.section.programme_performance()) out << paragraphs(text, "h3");
  for (const auto& text : data.section.evaluation()) out << paragraphs(text, "h3");
  if (!data.section.programme_performance().empty()) out << "</section>\n";

  const TablePlacement placement = place_tables(data);
  out << "<section id=\"overall\">\n<h2>Overall resources</h2>\n";
  if (const auto chart = resources_chart(data)) {
    out << "<figure class=\"resources\">\n" << svg::render(*chart) << "<figcaption class=\"note\">" << escape(chart->title)
        << "</figcaption>\n</figure>\n";
  }
  out << tables_html(placement.overall) << "</section>\n";

  std::vector<bool> used;
  for (int i = 0; i < data.section.components_size(); ++i) {
    out << component_html(data, data.section.components(i), placement.components[i], used);
  }
  std::string strays;
  for (int i = 0; i < data.measures.measures_size(); ++i) {
    if (static_cast<std::size_t>(i) >= used.size() || !used[i]) strays += measure_html(data.measures.measures(i));
  }
  if (!strays.empty()) out << "<section id=\"other-measures\">\n<h2>Other performance measures</h2>\n" << strays << "</section>\n";

  out << "<section id=\"closing\">\n<h2>Deliverables, variances and reconciliation</h2>\n";
  for (const auto& status : data.section.component_status()) {
    if (status.state() == section::v1::SERVING) continue;
    out << "<p class=\"not-served\">Component " << escape(status.id()) << " is not served: " << escape(status.reason()) << "</p>\n";
  }
  for (const auto* table : placement.closing) {
    if (table->id() == "reconciliation") {
      const int differences = data.status.reconciliation_differences();
      out << "<p>Reconciliation: " << differences << " printed figure" << (differences == 1 ? "" : "s") << " differ"
          << (differences == 1 ? "s" : "") << " from the figures computed from the components.</p>\n";
    }
    out << table_html(*table);
  }
  if (!data.section.mandates().empty()) out << "<h3>Legislative mandates</h3>\n" << mandates_html(data.section.mandates());
  out << "</section>\n<footer>" << escape(info.source()) << "</footer>\n" << kRenderCheck << "</body>\n</html>\n";
  return out.str();
}

}  // namespace section::cli
