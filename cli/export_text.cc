// The CSV, JSON and Markdown exports. Tables use the same renderings as `section-ctl table`.
#include <map>
#include <set>
#include <sstream>

#include "cli/json.h"
#include "cli/section_export.h"
#include "cli/table_format.h"
#include "section/sdk/vocabulary.h"

namespace section::cli {
namespace {

// ---- CSV ----

// Table ids are paths such as "component-evolution/edm"; files stay flat in tables/.
std::string table_file_name(const std::string& id, std::set<std::string>& taken) {
  std::string stem;
  for (char c : id) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    stem += c == '/' ? '.' : plain ? c : '_';
  }
  if (stem.empty()) stem = "table";
  std::string name = "tables/" + stem + ".csv";
  for (int n = 2; !taken.insert(name).second; ++n) name = "tables/" + stem + "-" + std::to_string(n) + ".csv";
  return name;
}

std::string csv_line(std::initializer_list<std::string> fields) {
  std::string line;
  bool first = true;
  for (const auto& field : fields) {
    line += (first ? "" : ",") + csv_field(field);
    first = false;
  }
  return line + "\n";
}

std::string bool_word(bool value) { return value ? "true" : "false"; }

std::string measures_csv(const SectionExport& data) {
  std::string out =
      "component,result_id,result_title,measure_id,measure_title,unit,cumulative,year,kind,number,text,reported_by,source,"
      "illustrative,title_transcribed\n";
  for (const auto& entry : data.measures.measures()) {
    const auto& m = entry.measure();
    auto line = [&](const section::v1::MeasureValue* v) {
      const std::string source = v != nullptr && !v->provenance().source().empty() ? v->provenance().source() : m.provenance().source();
      out += csv_line({entry.component(), entry.result_id(), entry.result_title(), m.id(), m.title(), unit_word(m.unit()),
                       bool_word(m.cumulative()), v ? std::to_string(v->year()) : "",
                       v ? std::string(vocabulary::value_kind_word(v->kind())) : "",
                       v && v->has_number() ? vocabulary::decimal_text(v->number()) : "", v ? v->text() : "",
                       v ? v->reported_by() : "", source, bool_word(v != nullptr && v->provenance().illustrative()),
                       bool_word(m.provenance().title_transcribed())});
    };
    if (m.values().empty()) line(nullptr);  // a measure without values still has its line
    for (const auto& value : m.values()) line(&value);
  }
  return out;
}

std::string deliverables_csv(const SectionExport& data) {
  std::string out =
      "component,deliverable_id,category,category_title,subcategory,title,quantified,year,kind,count,reported_by,description,"
      "source,illustrative\n";
  for (const auto& entry : data.deliverables.deliverables()) {
    const auto& d = entry.deliverable();
    auto line = [&](const section::v1::DeliverableCount* c) {
      const std::string source = c != nullptr && !c->provenance().source().empty() ? c->provenance().source() : d.provenance().source();
      out += csv_line({entry.component(), d.id(), d.category(), d.category_title(), d.subcategory(), d.title(),
                       bool_word(d.quantified()), c ? std::to_string(c->year()) : "",
                       c ? std::string(vocabulary::value_kind_word(c->kind())) : "", c ? std::to_string(c->count()) : "",
                       c ? c->reported_by() : "", d.description(), source,
                       bool_word(c != nullptr ? c->provenance().illustrative() : d.provenance().illustrative())});
    };
    if (d.counts().empty()) line(nullptr);
    for (const auto& count : d.counts()) line(&count);
  }
  return out;
}

// ---- Markdown ----

// Narrative text: characters that Markdown would read as markup are escaped.
std::string md_text(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (std::string_view("\\`*_[]<>|#").find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

// A text's heading as shown, with the mark of a heading the fascicle does not print.
std::string md_heading(const section::v1::Text& text) {
  return md_text(text.heading()) + transcribed_suffix(text.provenance().title_transcribed());
}

void md_paragraph(std::ostream& out, const section::v1::Text& text, const std::string& level) {
  if (!text.heading().empty()) out << level << " " << md_heading(text) << "\n\n";
  out << md_text(text.text());
  if (!text.provenance().source().empty()) out << " *(" << md_text(text.provenance().source()) << ")*";
  out << "\n\n";
}

void md_texts(std::ostream& out, const google::protobuf::RepeatedPtrField<section::v1::Text>& texts, const std::string& level) {
  for (const auto& text : texts) md_paragraph(out, text, level);
}

void md_text_block(std::ostream& out, const std::string& label, const section::v1::Text& text) {
  if (text.text().empty()) return;
  out << "**" << (label.empty() ? md_heading(text) : md_text(label)) << ".** " << md_text(text.text());
  if (!text.provenance().source().empty()) out << " *(" << md_text(text.provenance().source()) << ")*";
  out << "\n\n";
}

void md_measure(std::ostream& out, const section::v1::MeasureEntry& entry) {
  const auto& m = entry.measure();
  out << "#### " << md_text(m.title()) << transcribed_suffix(m.provenance().title_transcribed()) << "\n\n";
  if (m.values().empty()) out << "*No figures are given for this measure.*\n\n";
  for (const auto& v : m.values()) {
    out << "- " << v.year() << " " << vocabulary::value_kind_word(v.kind()) << ": " << md_text(measure_value_text(v, m.unit())) << "\n";
  }
  if (!m.values().empty()) out << "\n";
}

void md_mandates(std::ostream& out, const google::protobuf::RepeatedPtrField<section::v1::Mandate>& mandates) {
  for (const auto& m : mandates) out << "- " << md_text(m.body() + " " + m.symbol() + ": " + m.title()) << "\n";
  if (!mandates.empty()) out << "\n";
}

}  // namespace

std::vector<CsvFile> export_csv(const SectionExport& data) {
  const std::string version = std::to_string(data.section.version());
  std::vector<CsvFile> files;
  std::string index = std::string(kCsvIndexHeader) + "\n";
  index += csv_line({"measures.csv", "measures", "", "", "Performance measures, one line per value", version});
  index += csv_line({"deliverables.csv", "deliverables", "", "", "Deliverables, one line per count", version});
  files.push_back({"measures.csv", measures_csv(data)});
  files.push_back({"deliverables.csv", deliverables_csv(data)});
  std::set<std::string> taken;
  for (const auto& table : data.tables) {
    const std::string name = table_file_name(table.id(), taken);
    index += csv_line({name, "table", table.id(), table.source(), table.title(), std::to_string(table.version())});
    files.push_back({name, render(table, Format::kCsv)});
  }
  files.insert(files.begin(), {"index.csv", index});
  return files;
}

std::string export_json(const SectionExport& data) {
  Json tables = Json::array();
  for (const auto& table : data.tables) tables.push_back(table_json(table));
  Json measures = Json::array();
  for (const auto& measure : data.measures.measures()) measures.push_back(message_json(measure));
  Json deliverables = Json::array();
  for (const auto& deliverable : data.deliverables.deliverables()) deliverables.push_back(message_json(deliverable));
  const Json json = {{"version", data.section.version()},     {"status", message_json(data.status)},
                     {"section", message_json(data.section)}, {"tables", std::move(tables)},
                     {"measures", std::move(measures)},       {"deliverables", std::move(deliverables)}};
  return print(json);
}

namespace {

// One component's part of the Markdown export: its texts, measures by result, tables, mandates.
void md_component(std::ostream& out, const SectionExport& data, int i, const std::vector<const section::v1::Table*>& tables,
                  std::vector<bool>& used) {
  const auto& c = data.section.components(i);
  out << "## " << md_text(component_heading(c)) << "\n\n";
  if (!c.description().text().empty()) md_paragraph(out, c.description(), "###");
  md_text_block(out, "Objective", c.objective());
  for (const auto& text : c.strategy()) md_text_block(out, "Strategy", text);
  for (const auto& text : c.expected_outcomes()) md_text_block(out, "Expected outcome", text);
  for (const auto& text : c.programme_performance()) md_text_block(out, text.heading(), text);
  for (const auto& group : measure_groups(data, c, used)) {
    out << "### " << md_text(group.title) << "\n\n";
    if (group.result != nullptr) {
      md_text_block(out, "Programme performance", group.result->programme_performance());
      md_text_block(out, "Lessons learned", group.result->lessons_learned());
      md_text_block(out, "Proposed programme plan", group.result->proposed_plan());
    }
    for (const auto* entry : group.measures) md_measure(out, *entry);
  }
  for (const auto* table : tables) out << render(*table, Format::kMarkdown) << "\n";
  for (const auto& text : c.resource_notes()) md_text_block(out, "Resources", text);
  if (!c.mandates().empty()) out << "### Mandates\n\n";
  md_mandates(out, c.mandates());
}

// Measures no component's results claimed, and the components not served.
void md_leftovers(std::ostream& out, const SectionExport& data, const std::vector<bool>& used) {
  bool strays = false;
  for (int i = 0; i < data.measures.measures_size(); ++i) {
    if (used.size() > static_cast<std::size_t>(i) && used[i]) continue;
    if (!strays) out << "## Other performance measures\n\n";
    strays = true;
    md_measure(out, data.measures.measures(i));
  }
  for (const auto& status : data.section.component_status()) {
    if (status.state() == section::v1::SERVING) continue;
    out << "> Component " << md_text(status.id()) << " is not served: " << md_text(status.reason()) << "\n\n";
  }
}

}  // namespace

std::string export_markdown(const SectionExport& data) {
  std::ostringstream out;
  const auto& info = data.section.info();
  out << "# Section " << md_text(info.number()) << ": " << md_text(info.title()) << "\n\n*" << md_text(info.budget()) << "*";
  for (const auto* line : {&info.part(), &info.programme()}) {
    if (!line->empty()) out << " — " << md_text(*line);
  }
  out << "\n\nExported from section-host " << md_text(data.status.host_version()) << ", section version "
      << data.section.version() << ".\n\n";
  if (any_transcribed(data)) out << md_text(kTranscribedLegend) << "\n\n";
  const TablePlacement placement = place_tables(data);
  auto tables = [&](const std::vector<const section::v1::Table*>& list) {
    for (const auto* table : list) out << render(*table, Format::kMarkdown) << "\n";
  };

  if (!data.section.orientation().empty()) out << "## Orientation\n\n";
  md_texts(out, data.section.orientation(), "###");
  if (!data.section.programme_performance().empty()) out << "## Programme performance\n\n";
  md_texts(out, data.section.programme_performance(), "###");
  if (!data.section.evaluation().empty()) out << "## Evaluation\n\n";
  md_texts(out, data.section.evaluation(), "###");
  out << "## Overall resources\n\n";
  tables(placement.overall);

  std::vector<bool> used;
  for (int i = 0; i < data.section.components_size(); ++i) md_component(out, data, i, placement.components[i], used);
  md_leftovers(out, data, used);
  out << "## Deliverables, variances and reconciliation\n\n";
  tables(placement.closing);
  if (!data.section.mandates().empty()) out << "## Legislative mandates\n\n";
  md_mandates(out, data.section.mandates());
  return out.str();
}

}  // namespace section::cli
