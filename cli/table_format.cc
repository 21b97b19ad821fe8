#include "cli/table_format.h"

#include <algorithm>
#include <cstdlib>
#include <sstream>

#include "host/core/money.h"
#include "section/sdk/vocabulary.h"

namespace section::cli {
namespace {

constexpr std::size_t kLongText = 40;    // longer texts go under their row in the text layout
constexpr std::size_t kWrapWidth = 100;
constexpr std::size_t kMaxHeaderWidth = 14;

const section::v1::Cell* find_cell(const section::v1::Row& row, const std::string& key) {
  const auto found = row.cells().find(key);
  return found == row.cells().end() ? nullptr : &found->second;
}

bool is_long(const section::v1::Cell* cell) {
  return cell != nullptr && cell->value_case() == section::v1::Cell::kText && display_width(cell->text()) > kLongText;
}

// Columns that hold nothing but long texts; the text layout prints them under each row instead
// of in the grid. A long text in a column that also holds short values is printed under its row
// and marked "…" in the grid.
std::vector<bool> text_only_columns(const section::v1::Table& table) {
  std::vector<bool> out;
  for (const auto& column : table.columns()) {
    bool any_long = false;
    bool any_short = false;
    for (const auto& row : table.rows()) {
      const auto* cell = find_cell(row, column.key());
      if (cell == nullptr) continue;
      (is_long(cell) ? any_long : any_short) = true;
    }
    out.push_back(any_long && !any_short);
  }
  return out;
}

bool any_unit(const section::v1::Table& table, section::v1::Unit unit) {
  return std::any_of(table.rows().begin(), table.rows().end(), [unit](const auto& row) { return row.unit() == unit; });
}

bool any_money(const section::v1::Table& table) { return any_unit(table, section::v1::UNIT_USD); }

std::string pad_left(const std::string& text, std::size_t width) {
  const std::size_t w = display_width(text);
  return w >= width ? text : std::string(width - w, ' ') + text;
}

std::string pad_right(const std::string& text, std::size_t width) {
  const std::size_t w = display_width(text);
  return w >= width ? text : text + std::string(width - w, ' ');
}

bool any_transcribed(const section::v1::Table& table) {
  return std::any_of(table.rows().begin(), table.rows().end(), [](const auto& row) { return row.label_transcribed(); });
}

// The label as every layout shows it, with the mark of words the fascicle does not print.
std::string marked_label(const section::v1::Row& row) { return row.label() + transcribed_suffix(row.label_transcribed()); }

std::string heading(const section::v1::Table& table) {
  std::string out = table.source().empty() ? table.title() : table.source() + " — " + table.title();
  return out;
}

namespace {

// The sizes of a text table: its grid columns (text-only columns go below their row), every
// grid cell's text, and the widths and wrapped headings of the columns.
struct TextGrid {
  std::vector<int> columns;
  std::vector<std::vector<std::string>> texts;  // per row, per grid column
  std::size_t label_width = 0;
  std::vector<std::size_t> widths;
  std::vector<std::vector<std::string>> headers;
  std::size_t header_lines = 0;

  std::size_t total_width() const {
    std::size_t total = label_width;
    for (std::size_t w : widths) total += 2 + w;
    return total;
  }
};

TextGrid measure(const section::v1::Table& table) {
  TextGrid grid;
  const std::vector<bool> below = text_only_columns(table);
  for (int i = 0; i < table.columns_size(); ++i) {
    if (!below[i]) grid.columns.push_back(i);
  }
  // Cell texts first, to size the columns.
  for (const auto& row : table.rows()) {
    grid.label_width = std::max(grid.label_width, display_width(marked_label(row)));
    std::vector<std::string> line;
    for (int i : grid.columns) {
      const auto* cell = find_cell(row, table.columns(i).key());
      line.push_back(cell == nullptr ? "—" : is_long(cell) ? "…" : cell_text(*cell, row.unit()));
    }
    grid.texts.push_back(std::move(line));
  }
  grid.label_width = std::min<std::size_t>(std::max<std::size_t>(grid.label_width, 10), 60);
  for (std::size_t g = 0; g < grid.columns.size(); ++g) {
    std::size_t width = 6;
    for (const auto& line : grid.texts) width = std::max(width, display_width(line[g]));
    const std::vector<std::string> words = wrap(table.columns(grid.columns[g]).label(), std::max(width, kMaxHeaderWidth));
    for (const auto& word : words) width = std::max(width, display_width(word));
    grid.widths.push_back(width);
    grid.headers.push_back(words);
    grid.header_lines = std::max(grid.header_lines, words.size());
  }
  return grid;
}

void write_headers(std::ostream& out, const TextGrid& grid) {
  for (std::size_t l = 0; l < grid.header_lines; ++l) {
    out << std::string(grid.label_width, ' ');
    for (std::size_t g = 0; g < grid.columns.size(); ++g) {
      // Headers sit on the bottom lines, like the fascicle's.
      const std::size_t offset = grid.header_lines - grid.headers[g].size();
      out << "  " << pad_left(l >= offset ? grid.headers[g][l - offset] : "", grid.widths[g]);
    }
    out << "\n";
  }
  out << std::string(grid.total_width(), '-') << "\n";
}

void write_row(std::ostream& out, const section::v1::Table& table, const TextGrid& grid, int r) {
  const auto& row = table.rows(r);
  if (row.level() == 2) out << std::string(grid.total_width(), '-') << "\n";
  std::vector<std::string> label_lines = wrap(marked_label(row) + (row.illustrative() ? " *" : ""), grid.label_width);
  if (label_lines.empty()) label_lines.push_back("");
  for (std::size_t l = 0; l < label_lines.size(); ++l) {
    out << pad_right(label_lines[l], grid.label_width);
    // A row without any value is a heading (a category, a result): its label alone.
    if (l + 1 == label_lines.size() && !row.cells().empty()) {
      for (std::size_t g = 0; g < grid.columns.size(); ++g) out << "  " << pad_left(grid.texts[r][g], grid.widths[g]);
    }
    out << "\n";
  }
  // Long texts go below their row, with their column's heading.
  for (int i = 0; i < table.columns_size(); ++i) {
    const auto* cell = find_cell(row, table.columns(i).key());
    if (!is_long(cell) || cell->text() == row.label()) continue;
    const std::vector<std::string> lines = wrap(table.columns(i).label() + ": " + cell_text(*cell, row.unit()), kWrapWidth);
    for (const auto& line : lines) out << "    " << line << "\n";
  }
}

void write_notes(std::ostream& out, const section::v1::Table& table) {
  const bool transcribed = any_transcribed(table);
  if (table.notes_size() > 0 || transcribed) out << "\n";
  for (const auto& note : table.notes()) {
    const std::vector<std::string> lines = wrap(note, kWrapWidth);
    for (std::size_t l = 0; l < lines.size(); ++l) out << (l == 0 ? "Note: " : "      ") << lines[l] << "\n";
  }
  if (transcribed) out << kTranscribedLegend << "\n";
}

}  // namespace

std::string render_text(const section::v1::Table& table) {
  std::ostringstream out;
  out << heading(table) << "\n";
  if (const std::string caption = unit_caption(table); !caption.empty()) out << "(" << caption << ")\n";
  out << "\n";
  const TextGrid grid = measure(table);
  write_headers(out, grid);
  for (int r = 0; r < table.rows_size(); ++r) write_row(out, table, grid, r);
  write_notes(out, table);
  return out.str();
}

// A cell as a JSON value: 379900, -66.2, "text" or null. A decimal is the number its digits
// say (the nearest double, printed back as the shortest text that reads as it).
Json cell_json(const section::v1::Cell* cell) {
  if (cell == nullptr) return nullptr;
  switch (cell->value_case()) {
    case section::v1::Cell::kInteger: return cell->integer();
    case section::v1::Cell::kDecimal: return std::strtod(vocabulary::decimal_text(cell->decimal()).c_str(), nullptr);
    case section::v1::Cell::kText: return cell->text();
    default: return nullptr;
  }
}

Json row_json(const section::v1::Table& table, const section::v1::Row& row) {
  Json cells = Json::object();
  for (const auto& column : table.columns()) cells[column.key()] = cell_json(find_cell(row, column.key()));
  return {{"key", row.key()},
          {"label", row.label()},
          {"level", row.level()},
          {"unit", unit_word(row.unit())},
          {"illustrative", row.illustrative()},
          {"label_transcribed", row.label_transcribed()},
          {"cells", std::move(cells)}};
}

std::string render_csv(const section::v1::Table& table) {
  std::ostringstream out;
  out << "row,label,level,unit";
  for (const auto& column : table.columns()) out << "," << csv_field(column.key());
  out << "\n";
  for (const auto& row : table.rows()) {
    out << csv_field(row.key()) << "," << csv_field(row.label()) << "," << row.level() << "," << unit_word(row.unit());
    for (const auto& column : table.columns()) {
      out << ",";
      const auto* cell = find_cell(row, column.key());
      if (cell == nullptr) continue;
      switch (cell->value_case()) {
        case section::v1::Cell::kInteger: out << cell->integer(); break;
        case section::v1::Cell::kDecimal: out << vocabulary::decimal_text(cell->decimal()); break;
        case section::v1::Cell::kText: out << csv_field(cell->text()); break;
        default: break;
      }
    }
    out << "\n";
  }
  return out.str();
}

std::string md_escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '|') out += '\\';
    out += c == '\n' ? ' ' : c;
  }
  return out;
}

std::string render_markdown(const section::v1::Table& table) {
  std::ostringstream out;
  out << "### " << md_escape(heading(table)) << "\n\n";
  if (const std::string caption = unit_caption(table); !caption.empty()) out << "*" << md_escape(caption) << "*\n\n";
  out << "| |";
  for (const auto& column : table.columns()) out << " " << md_escape(column.label()) << " |";
  out << "\n|---|";
  for (int i = 0; i < table.columns_size(); ++i) out << (table.columns(i).key() == "description" || table.columns(i).key() == "explanation" ? "---|" : "---:|");
  out << "\n";
  for (const auto& row : table.rows()) {
    const std::string label = md_escape(marked_label(row)) + (row.illustrative() ? " \\*" : "");
    out << "| " << (row.level() > 0 ? "**" + label + "**" : label) << " |";
    for (const auto& column : table.columns()) {
      const auto* cell = find_cell(row, column.key());
      out << " " << (cell == nullptr ? "—" : md_escape(cell_text(*cell, row.unit()))) << " |";
    }
    out << "\n";
  }
  if (table.notes_size() > 0) out << "\n";
  for (const auto& note : table.notes()) out << "- " << md_escape(note) << "\n";
  if (any_transcribed(table)) out << "\n" << md_escape(kTranscribedLegend) << "\n";
  return out.str();
}

}  // namespace

std::string unit_caption(const section::v1::Table& table) {
  // A table answered in another language than English has its unit in that language.
  for (const auto& forms : table.languages()) {
    if (forms.field() != "unit") continue;
    for (const auto& text : forms.text()) {
      if (text.language() == "en") return table.unit();
    }
  }
  if (any_money(table)) {
    return std::string("Thousands of United States dollars") + (any_unit(table, section::v1::UNIT_POSTS) ? " / number of posts" : "");
  }
  return table.unit();
}

std::string unit_word(section::v1::Unit unit) {
  switch (unit) {
    case section::v1::UNIT_USD: return "usd";
    case section::v1::UNIT_POSTS: return "posts";
    case section::v1::UNIT_PERCENT: return "percent";
    case section::v1::UNIT_DAYS: return "days";
    case section::v1::UNIT_COUNT: return "count";
    case section::v1::UNIT_TEXT: return "text";
    default: return "";
  }
}

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\n\r") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

bool parse_format(const std::string& word, Format* format) {
  if (word == "text") *format = Format::kText;
  else if (word == "json") *format = Format::kJson;
  else if (word == "csv") *format = Format::kCsv;
  else if (word == "md" || word == "markdown") *format = Format::kMarkdown;
  else return false;
  return true;
}

Json table_json(const section::v1::Table& table) {
  Json columns = Json::array();
  for (const auto& column : table.columns()) columns.push_back({{"key", column.key()}, {"label", column.label()}});
  Json rows = Json::array();
  for (const auto& row : table.rows()) rows.push_back(row_json(table, row));
  Json notes = Json::array();
  for (const auto& note : table.notes()) notes.push_back(note);
  return {{"id", table.id()},       {"title", table.title()},  {"source", table.source()},
          {"unit", table.unit()},   {"version", table.version()}, {"columns", std::move(columns)},
          {"rows", std::move(rows)}, {"notes", std::move(notes)}};
}

std::string render(const section::v1::Table& table, Format format) {
  switch (format) {
    case Format::kText: return render_text(table);
    case Format::kJson: return print(table_json(table));
    case Format::kCsv: return render_csv(table);
    case Format::kMarkdown: return render_markdown(table);
  }
  return {};
}

std::string cell_text(const section::v1::Cell& cell, section::v1::Unit unit) {
  switch (cell.value_case()) {
    case section::v1::Cell::kInteger:
      return unit == section::v1::UNIT_USD ? money::thousands_exact(cell.integer()) : money::grouped(cell.integer());
    case section::v1::Cell::kDecimal: {
      const auto& d = cell.decimal();
      if (d.scale() == 1) return money::tenths(d.units());
      if (d.units() == 0) return "—";
      const std::string text = vocabulary::decimal_text(d);
      return d.units() < 0 ? "(" + text.substr(1) + ")" : text;
    }
    case section::v1::Cell::kText: return cell.text();
    default: return "—";
  }
}

std::string transcribed_suffix(bool transcribed) { return transcribed ? std::string(" ") + kTranscribedMark : ""; }

namespace {

// The UTF-8 character that starts at `text[at]`, and its length in bytes.
char32_t code_point(const std::string& text, std::size_t at, std::size_t* length) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(i < text.size() ? text[i] : 0); };
  const unsigned char first = byte(at);
  *length = first < 0x80 ? 1 : first < 0xE0 ? 2 : first < 0xF0 ? 3 : 4;
  if (*length == 1) return first;
  char32_t cp = first & (0x7F >> *length);
  for (std::size_t i = 1; i < *length; ++i) cp = (cp << 6) | (byte(at + i) & 0x3F);
  return cp;
}

// East Asian Wide (W) and Fullwidth (F) characters (Unicode's EastAsianWidth.txt, by block):
// Hangul Jamo, CJK radicals to the CJK compatibility block, ideographs, Yi, Hangul syllables,
// compatibility ideographs, vertical and compatibility forms, fullwidth forms, and the
// supplementary ideographic planes.
bool wide(char32_t cp) {
  return (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0x303E) || (cp >= 0x3041 && cp <= 0x33FF) ||
         (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0xA000 && cp <= 0xA4CF) ||
         (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0xFE10 && cp <= 0xFE19) ||
         (cp >= 0xFE30 && cp <= 0xFE6F) || (cp >= 0xFF00 && cp <= 0xFF60) || (cp >= 0xFFE0 && cp <= 0xFFE6) ||
         (cp >= 0x1F300 && cp <= 0x1F64F) || (cp >= 0x1F900 && cp <= 0x1F9FF) || (cp >= 0x20000 && cp <= 0x3FFFD);
}

bool any_wide(const std::string& text) {
  for (std::size_t at = 0, length = 0; at < text.size(); at += length) {
    if (wide(code_point(text, at, &length))) return true;
  }
  return false;
}

}  // namespace

std::size_t display_width(const std::string& text) {
  std::size_t width = 0;
  for (std::size_t at = 0, length = 0; at < text.size(); at += length) width += wide(code_point(text, at, &length)) ? 2 : 1;
  return width;
}

std::vector<std::string> wrap(const std::string& text, std::size_t width) {
  std::vector<std::string> lines;
  std::istringstream words(text);
  std::string word;
  std::string line;
  const auto add = [&](const std::string& piece, const char* separator) {
    if (!line.empty() && display_width(line) + std::string(separator).size() + display_width(piece) > width) {
      lines.push_back(line);
      line.clear();
    }
    line += (line.empty() ? "" : separator) + piece;
  };
  while (words >> word) {
    if (!any_wide(word)) {
      add(word, " ");
      continue;
    }
    // Chinese has no spaces between words: a line breaks after a slash, as the fascicle's
    // headings do ("新的/ 扩大的任务"), or else after any character.
    const char* separator = " ";
    for (std::size_t start = 0; start < word.size(); separator = "") {
      const std::size_t slash = word.find('/', start);
      const std::size_t end = slash == std::string::npos ? word.size() : slash + 1;
      const std::string part = word.substr(start, end - start);
      start = end;
      if (display_width(part) <= width) {
        add(part, separator);
        continue;
      }
      for (std::size_t at = 0, length = 0; at < part.size(); at += length, separator = "") {
        code_point(part, at, &length);
        add(part.substr(at, length), separator);
      }
    }
  }
  if (!line.empty()) lines.push_back(line);
  return lines;
}

}  // namespace section::cli
