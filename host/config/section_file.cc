#include "host/config/section_file.h"

#include <algorithm>

#include "section/sdk/data_reader.h"
#include "section/sdk/language.h"
#include "section/sdk/yaml.h"

namespace section::config {
namespace {

using section::yaml::Map;
using section::yaml::Value;

// A text written as a plain string or by language (docs/component-data.md); its other forms go to `forms`.
std::string text_with_forms(const Value& value, section::v1::TextForms& forms) {
  section::language::Forms languages;
  std::string english = section::language::read_text(value, &languages, "text");
  if (const auto* found = section::language::find(languages, "text")) forms = *found;
  return english;
}

CellRef cell_ref(const Value& value) {
  const std::vector<Value> parts = value.list();
  if (parts.size() != 3) value.fail("expected [table, row, column]");
  return CellRef{parts[0].str(), parts[1].str(), parts[2].str()};
}

printed::Notation notation(const Value& value) {
  auto parsed = printed::notation_from_word(value.str());
  if (!parsed.ok()) value.fail(std::string(parsed.status().message()));
  return *parsed;
}

// Checks now, at start-up, that the figure can be read, so that a typo in the section file is
// an error with its line rather than a reconciliation difference.
void check_readable(const PrintedFigure& figure, const Value& value) {
  auto parsed = printed::parse(figure.printed, figure.notation);
  if (!parsed.ok()) value.fail(std::string(parsed.status().message()));
}

// A printed table: its columns, and for each row the values in column order ("~" where the
// fascicle prints nothing in that cell).
void read_printed_table(const Value& value, std::vector<PrintedFigure>& figures) {
  const Map map = value.map({"table", "source", "notation", "column_notations", "columns", "rows"});
  const std::string table = map.required("table").str();
  const std::string source = map.required("source").str();
  const printed::Notation base = notation(map.required("notation"));
  std::vector<std::string> columns;
  for (const Value& column : map.required("columns").list()) columns.push_back(column.str());
  // Percentages are always percentages; other columns may differ from the table's notation.
  std::map<std::string, printed::Notation> by_column;
  for (const auto& column : columns) {
    if (column == "percentage") by_column[column] = printed::Notation::kPercent;
  }
  if (auto overrides = map.optional("column_notations")) {
    for (const auto& [column, word] : overrides->open_map().entries()) {
      if (std::find(columns.begin(), columns.end(), column) == columns.end()) word.fail("'" + column + "' is not one of the columns");
      by_column[column] = notation(word);
    }
  }
  for (const auto& [row, cells] : map.required("rows").open_map().entries()) {
    const std::vector<Value> values = cells.list();
    if (values.size() != columns.size()) {
      cells.fail(std::to_string(values.size()) + " values for " + std::to_string(columns.size()) + " columns");
    }
    for (std::size_t i = 0; i < values.size(); ++i) {
      if (values[i].is_null()) continue;  // not printed
      PrintedFigure figure;
      figure.where = source;
      figure.printed = values[i].str();
      const auto special = by_column.find(columns[i]);
      figure.notation = special != by_column.end() ? special->second : base;
      figure.ref = CellRef{table, row, columns[i]};
      figure.line = values[i].line();
      check_readable(figure, values[i]);
      figures.push_back(std::move(figure));
    }
  }
}

PrintedFigure read_narrative(const Value& value) {
  const Map map = value.map({"where", "quote", "printed", "notation", "sense", "ref", "share_of"});
  PrintedFigure figure;
  figure.where = map.required("where").str();
  if (auto quote = map.optional("quote")) figure.quote = text_with_forms(*quote, figure.quote_languages);
  figure.printed = map.required("printed").str();
  figure.notation = notation(map.required("notation"));
  if (auto sense = map.optional("sense")) figure.decrease = sense->choice({"decrease", "increase"}) == "decrease";
  figure.ref = cell_ref(map.required("ref"));
  if (auto share = map.optional("share_of")) {
    figure.share_of = cell_ref(*share);
    if (figure.notation != printed::Notation::kPercent) share->fail("a share is printed as a percentage (notation: percent)");
  }
  figure.line = value.line();
  check_readable(figure, map.required("printed"));
  return figure;
}

SectionFile read(const Value& root, const std::filesystem::path& file) {
  const Map map = root.map({"section", "orientation", "programme_performance", "deliverables", "evaluation",
                            "mandates", "table_notes", "table_sources", "printed"});
  SectionFile out;
  out.path = file;
  const Map head = map.required("section").map(
      {"number", "title", "part", "programme", "budget", "budget_year", "source", "source_language", "components"});
  out.info.set_number(head.required("number").str());
  auto* languages = out.info.mutable_languages();
  out.info.set_title(section::language::read_text(head.required("title"), languages, "title"));
  if (auto v = head.optional("part")) out.info.set_part(section::language::read_text(*v, languages, "part"));
  if (auto v = head.optional("programme")) out.info.set_programme(section::language::read_text(*v, languages, "programme"));
  if (auto v = head.optional("budget")) out.info.set_budget(section::language::read_text(*v, languages, "budget"));
  out.info.set_budget_year(static_cast<int>(head.required("budget_year").integer(1945, 2100)));
  if (auto v = head.optional("source")) out.info.set_source(v->str());
  if (auto v = head.optional("source_language")) {
    if (!section::language::well_formed(v->str())) v->fail("'" + v->str() + "' is not a well-formed BCP 47 language tag (\"zh\", \"fr\")");
    out.info.set_source_language(v->str());
  }
  for (const Value& id : head.required("components").list()) {
    for (const auto& seen : out.components) {
      if (seen == id.str()) id.fail("component '" + seen + "' is listed twice");
    }
    out.components.push_back(id.str());
  }
  *out.text.mutable_info() = out.info;
  namespace read = section::sdk::read;
  if (auto v = map.optional("orientation")) for (auto& t : read::texts(*v)) *out.text.add_orientation() = t;
  if (auto v = map.optional("programme_performance")) for (auto& t : read::texts(*v)) *out.text.add_programme_performance() = t;
  if (auto v = map.optional("evaluation")) for (auto& t : read::texts(*v)) *out.text.add_evaluation() = t;
  if (auto v = map.optional("deliverables")) for (const Value& d : v->list()) *out.text.add_deliverables() = read::deliverable(d);
  if (auto v = map.optional("mandates")) for (const Value& m : v->list()) *out.text.add_mandates() = read::mandate(m);
  if (auto v = map.optional("table_notes")) {
    for (const auto& [table, notes] : v->open_map().entries()) {
      for (const Value& note : notes.list()) {
        section::v1::TextForms forms;
        out.table_notes[table].push_back(text_with_forms(note, forms));
        out.table_note_languages[table].push_back(std::move(forms));
      }
    }
  }
  if (auto v = map.optional("table_sources")) {
    for (const auto& [table, source] : v->open_map().entries()) out.table_sources[table] = source.str();
  }
  if (auto printed = map.optional("printed")) {
    const Map block = printed->map({"tables", "narrative"});
    if (auto tables = block.optional("tables")) {
      for (const Value& table : tables->list()) read_printed_table(table, out.figures);
    }
    if (auto narrative = block.optional("narrative")) {
      for (const Value& item : narrative->list()) out.figures.push_back(read_narrative(item));
    }
  }
  return out;
}

}  // namespace

absl::StatusOr<SectionFile> load_section_file(const std::filesystem::path& file) {
  try {
    return read(section::yaml::load_file(file.string()), file);
  } catch (const section::yaml::Error& e) {
    return absl::InvalidArgumentError(e.what());
  }
}

}  // namespace section::config
