#include "host/aggregate/reconciliation.h"

#include <algorithm>

#include "host/aggregate/table_builder.h"
#include "host/aggregate/table_languages.h"
#include "host/core/money.h"

namespace section::aggregate {
namespace {

using config::CellRef;
using config::PrintedFigure;
using printed::Figure;
using printed::Notation;

struct Found {
  const section::v1::Table* table = nullptr;
  const section::v1::Row* row = nullptr;
  const section::v1::Cell* cell = nullptr;  // null: the cell holds no value
  std::string column_label;
  const section::v1::Column* column = nullptr;
  std::string problem;                      // why the cell cannot be found
};

Found find(const std::map<std::string, section::v1::Table>& tables, const CellRef& ref) {
  Found found;
  const auto table = tables.find(ref.table);
  if (table == tables.end()) {
    found.problem = "no table '" + ref.table + "'";
    return found;
  }
  found.table = &table->second;
  for (const auto& row : table->second.rows()) {
    if (row.key() == ref.row) found.row = &row;
  }
  bool has_column = false;
  for (const auto& column : table->second.columns()) {
    if (column.key() == ref.column) {
      has_column = true;
      found.column_label = column.label();
      found.column = &column;
    }
  }
  if (found.row == nullptr) found.problem = "table '" + ref.table + "' has no row '" + ref.row + "'";
  if (!has_column) found.problem = "table '" + ref.table + "' has no column '" + ref.column + "'";
  if (!found.problem.empty()) return found;
  const auto cell = found.row->cells().find(ref.column);
  if (cell != found.row->cells().end()) found.cell = &cell->second;
  return found;
}

// The component a figure concerns, or "" when it concerns the section as a whole.
std::string concerned_component(const CellRef& ref, const std::vector<std::string>& components) {
  for (const auto& id : components) {
    const std::string slash = "/" + id;
    if (ref.table.size() > slash.size() && ref.table.compare(ref.table.size() - slash.size(), slash.size(), slash) == 0) return id;
    if (ref.row == id || ref.row.rfind(id + ".", 0) == 0 || ref.row.find("." + id + ".") != std::string::npos ||
        (ref.row.size() > id.size() + 1 && ref.row.compare(ref.row.size() - id.size() - 1, id.size() + 1, "." + id) == 0)) {
      return id;
    }
  }
  return "";
}

bool serving(const SectionInput& input, const std::string& id) {
  return std::any_of(input.components.begin(), input.components.end(), [&](const auto& c) { return c.id() == id; });
}

// The computed value in the figure's unit: dollars, a count, tenths of a per cent or text.
struct Computed {
  bool exists = false;
  std::int64_t number = 0;
  std::string text;
};

Computed computed_value(const Found& found, Notation notation) {
  Computed out;
  if (found.cell == nullptr) return out;
  out.exists = true;
  switch (found.cell->value_case()) {
    case section::v1::Cell::kInteger:
      out.number = found.cell->integer();
      if (notation == Notation::kPercent) out.number *= 10;
      break;
    case section::v1::Cell::kDecimal: {
      // Rescale to tenths for percentages, or to whole units otherwise. Validation keeps the
      // scale small; anything larger is no comparable value.
      const auto& d = found.cell->decimal();
      if (d.scale() > 18) {
        out.exists = false;
        break;
      }
      const std::uint32_t target = notation == Notation::kPercent ? 1 : 0;
      std::int64_t units = d.units();
      for (std::uint32_t s = d.scale(); s < target; ++s) units *= 10;
      std::int64_t divisor = 1;
      for (std::uint32_t s = target; s < d.scale(); ++s) divisor *= 10;
      out.number = money::divide_rounded(units, divisor);
      break;
    }
    case section::v1::Cell::kText: out.text = found.cell->text(); break;
    default: out.exists = false; break;
  }
  return out;
}

std::string squeeze(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c != ' ') out += c;
  }
  return out;
}

section::v1::Unit unit_of(Notation notation) {
  switch (notation) {
    case Notation::kThousands:
    case Notation::kDollars: return section::v1::UNIT_USD;
    case Notation::kWhole: return section::v1::UNIT_COUNT;
    case Notation::kPercent: return section::v1::UNIT_PERCENT;
    case Notation::kText: return section::v1::UNIT_TEXT;
  }
  return section::v1::UNIT_UNSPECIFIED;
}

section::v1::Cell value_cell(Notation notation, std::int64_t value) {
  return notation == Notation::kPercent ? decimal_cell(value, 1) : integer_cell(value);
}

// What the components give for `figure` (found at `found`): a share of another cell, or the cell
// itself. An empty problem unless the other cell does not exist.
Computed compute(const PrintedFigure& figure, const Found& found, const std::map<std::string, section::v1::Table>& tables,
                 std::string* problem) {
  if (!figure.share_of) return computed_value(found, figure.notation);
  Computed computed;
  const Found whole = find(tables, *figure.share_of);
  if (!whole.problem.empty()) {
    *problem = whole.problem;
    return computed;
  }
  const Computed part_value = computed_value(found, Notation::kDollars);
  const Computed whole_value = computed_value(whole, Notation::kDollars);
  if (part_value.exists && whole_value.exists) {
    if (auto share = money::percentage_tenths(part_value.number, whole_value.number)) {
      computed.exists = true;
      computed.number = *share;
    }
  }
  return computed;
}

// Whether the computed figure is the printed one, rounded as the fascicle prints it.
bool agrees(const Figure& printed_figure, const Computed& computed) {
  if (printed_figure.kind == Figure::Kind::kDash) {
    return !computed.exists || (computed.text.empty() && computed.number == 0) || computed.text == "—";
  }
  if (printed_figure.kind == Figure::Kind::kText) return computed.exists && squeeze(computed.text) == squeeze(printed_figure.text);
  return computed.exists && computed.text.empty() && money::round_to(computed.number, printed_figure.precision) == printed_figure.value;
}

// "Where" in the other languages: the quote as printed (para 29F.101 (d) in the source's
// Chinese) where the file gives it, else the row's and the column's labels.
void add_where_languages(const PrintedFigure& figure, const Found& found, section::v1::Row& row) {
  language::Forms where;
  if (!figure.quote.empty()) {
    if (figure.quote_languages.text().empty()) return;
    section::v1::TextForms& forms = language::entry(&where, "where");
    forms = figure.quote_languages;
    forms.set_field("where");
  } else {
    const auto* row_forms = language::find(found.row->languages(), "label");
    const auto* column_forms = language::find(found.column->languages(), "label");
    if (row_forms == nullptr || column_forms == nullptr) return;
    section::v1::TextForms& forms = language::entry(&where, "where");
    forms.set_origin(section::v1::TEXT_ORIGIN_AS_PRINTED);
    for (const auto& label : row_forms->text()) {
      if (const std::string* column = language::text_in(*column_forms, label.language())) {
        language::set_text(forms, label.language(), label.text() + ", " + *column);
      }
    }
  }
  copy_forms(where, "where", row.mutable_languages(), "label", figure.where + ": ");
  copy_forms(where, "where", row.mutable_languages(), cell_field("where"), figure.where + ": ");
}

// One row of the reconciliation table: where, as printed, printed, computed and the difference.
void add_difference(TableBuilder& table, int number, const PrintedFigure& figure, const Found& found,
                    const Figure& printed_figure, const Computed& computed) {
  const std::string where = figure.where + ": " + (figure.quote.empty() ? found.row->label() + ", " + found.column_label : figure.quote);
  section::v1::Row& row = table.row(std::to_string(number), where, 0, unit_of(figure.notation));
  set_cell(row, "where", text_cell(where));
  add_where_languages(figure, found, row);
  set_cell(row, "printed_as", text_cell(figure.printed + (figure.decrease ? " (a decrease)" : "")));
  if (printed_figure.kind == Figure::Kind::kText) {
    set_cell(row, "printed", text_cell(printed_figure.text));
    set_cell(row, "computed", text_cell(computed.text));
    return;
  }
  set_cell(row, "printed", value_cell(figure.notation, printed_figure.value));
  if (!computed.exists) return;
  if (!computed.text.empty()) {
    set_cell(row, "computed", text_cell(computed.text));
    return;
  }
  set_cell(row, "computed", value_cell(figure.notation, computed.number));
  set_cell(row, "difference", value_cell(figure.notation, computed.number - printed_figure.value));
}

}  // namespace

Reconciliation reconcile(const SectionInput& input, const std::map<std::string, section::v1::Table>& tables) {
  Reconciliation out;
  TableBuilder table("reconciliation", "Reconciliation of printed and computed figures", "",
                     "As printed: dollars, posts, counts or per cent");
  table.column("where", "Where")
      .column("printed_as", "As printed")
      .column("printed", "Printed")
      .column("computed", "Computed")
      .column("difference", "Difference (computed − printed)");
  const bool as_printed = input.composition_as_printed();
  std::vector<std::string> unresolved;
  int number = 0;
  for (const PrintedFigure& figure : input.section->figures) {
    // Section-wide figures hold only for the printed composition; a component's own figures
    // hold whenever that component serves.
    const std::string component = concerned_component(figure.ref, input.section->components);
    if (component.empty() ? !as_printed : !serving(input, component)) {
      ++out.not_compared;
      continue;
    }
    const Found found = find(tables, figure.ref);
    if (!found.problem.empty()) {
      unresolved.push_back(input.section->path.filename().string() + ":" + std::to_string(figure.line) + ": " + found.problem);
      continue;
    }
    auto parsed = printed::parse(figure.printed, figure.notation);
    if (!parsed.ok()) continue;  // refused when the section file was read
    Figure printed_figure = *parsed;
    if (figure.decrease) printed_figure.value = -printed_figure.value;

    std::string problem;
    const Computed computed = compute(figure, found, tables, &problem);
    if (!problem.empty()) {
      unresolved.push_back(input.section->path.filename().string() + ":" + std::to_string(figure.line) + ": " + problem);
      continue;
    }
    ++out.compared;
    if (agrees(printed_figure, computed)) continue;
    ++out.differences;
    add_difference(table, ++number, figure, found, printed_figure, computed);
  }
  table.note(std::to_string(out.compared) + " printed figures compared, " + std::to_string(out.differences) +
             " differ from the figures computed from the components.");
  if (out.not_compared > 0) {
    table.note(std::to_string(out.not_compared) +
               " printed figures were not compared because the components they cover are not all serving.");
  }
  for (const auto& problem : unresolved) table.note("Section file refers to a cell that does not exist: " + problem);
  out.table = std::move(table).build();
  return out;
}

}  // namespace section::aggregate
