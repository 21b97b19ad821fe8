// Renders a table for people and programs. Pure functions, tested without a server.
//   text  laid out like the fascicle: thousands of dollars with one decimal, negatives in
//         parentheses, "—" for zero or none
//   json  the contract for clients (docs/architecture.md, "Tables"): dollars, posts and counts as integers,
//         percentages with one decimal, null where a value does not exist
//   csv   one line per row, raw values as in JSON
//   md    a Markdown table with the text layout's values
#pragma once

#include <string>
#include <vector>

#include "cli/json.h"
#include "section/v1/table.pb.h"

namespace section::cli {

enum class Format { kText, kJson, kCsv, kMarkdown };

// "text", "json", "csv", "md" → Format; false for anything else.
bool parse_format(const std::string& word, Format* format);

std::string render(const section::v1::Table& table, Format format);

// A cell as the fascicle prints it in a row of `unit`.
std::string cell_text(const section::v1::Cell& cell, section::v1::Unit unit);
// The JSON form: {"id", "title", "source", "unit", "version", "columns": [{"key", "label"}],
// "rows": [{"key", "label", "level", "unit", "illustrative", "label_transcribed", "cells": {...}}],
// "notes": [...]}, a cell for every column in the columns' order. `render` prints it.
Json table_json(const section::v1::Table& table);
// A CSV field, quoted when it holds a comma, a quote or a line break.
std::string csv_field(const std::string& text);
// "usd", "posts", "percent", "days", "count", "text" or "" for unspecified.
std::string unit_word(section::v1::Unit unit);
// The unit line under a table's title, e.g. "Thousands of United States dollars"; may be empty.
std::string unit_caption(const section::v1::Table& table);

// The mark after a heading, title or row label that the fascicle does not print (a row's
// label_transcribed, a text's or measure's provenance.title_transcribed), and its legend.
inline constexpr const char* kTranscribedMark = "†";
inline constexpr const char* kTranscribedLegend =
    "† marks a heading or title that the fascicle does not print: the transcriber's words.";
// " †" when `transcribed`, else nothing: what follows the words it marks.
std::string transcribed_suffix(bool transcribed);

// Columns of display width: two for an East Asian wide or fullwidth character (Chinese), one
// for any other UTF-8 character, so that Chinese tables line up in a terminal.
std::size_t display_width(const std::string& text);
// Greedy word wrap to `width` columns; a word of wide characters may break after any of them.
std::vector<std::string> wrap(const std::string& text, std::size_t width);

}  // namespace section::cli
