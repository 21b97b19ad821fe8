// section-ctl's renderings of a table.
#include <algorithm>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "cli/status_format.h"
#include "cli/table_format.h"

using namespace section;

namespace {

v1::Table sample() {
  v1::Table table;
  table.set_id("sample");
  table.set_title("A sample");
  table.set_source("Table 0.1");
  table.set_unit("United States dollars");
  table.set_version(7);
  auto* c1 = table.add_columns();
  c1->set_key("amount");
  c1->set_label("2022 estimate");
  auto* c2 = table.add_columns();
  c2->set_key("percentage");
  c2->set_label("Percentage");
  auto* c3 = table.add_columns();
  c3->set_key("note");
  c3->set_label("Note");
  auto* row = table.add_rows();
  row->set_key("travel");
  row->set_label("Travel, \"staff\"");
  row->set_unit(v1::UNIT_USD);
  (*row->mutable_cells())["amount"].set_integer(-17400);
  (*row->mutable_cells())["percentage"].mutable_decimal()->set_units(-662);
  (*row->mutable_cells())["percentage"].mutable_decimal()->set_scale(1);
  (*row->mutable_cells())["note"].set_text("a, b");
  auto* total = table.add_rows();
  total->set_key("total");
  total->set_label("Total");
  total->set_level(2);
  total->set_unit(v1::UNIT_USD);
  (*total->mutable_cells())["amount"].set_integer(19762900);
  table.add_notes("A note.");
  return table;
}

// The keys of a JSON object, in order.
std::vector<std::string> keys(const nlohmann::ordered_json& object) {
  std::vector<std::string> out;
  for (const auto& item : object.items()) out.push_back(item.key());
  return out;
}

}  // namespace

TEST_CASE("text is laid out like the fascicle", "[format]") {
  const std::string text = cli::render(sample(), cli::Format::kText);
  CHECK_THAT(text, Catch::StartsWith("Table 0.1 — A sample\n(Thousands of United States dollars)\n"));
  CHECK_THAT(text, Catch::Contains("(17.4)"));
  CHECK_THAT(text, Catch::Contains("(66.2)"));
  CHECK_THAT(text, Catch::Contains("19 762.9"));
  CHECK_THAT(text, Catch::Contains("Note: A note."));
  // The total has no percentage and no note: shown as "—".
  CHECK_THAT(text, Catch::Contains("Total                 19 762.9           —       —"));
  // Amounts that are not whole hundreds keep their dollars.
  v1::Table exact = sample();
  (*exact.mutable_rows(1)->mutable_cells())["amount"].set_integer(417549);
  CHECK_THAT(cli::render(exact, cli::Format::kText), Catch::Contains("417.549"));
}

TEST_CASE("JSON keeps dollars, tenths and null, keys in the contract's order", "[format][json]") {
  const std::string text = cli::render(sample(), cli::Format::kJson);
  const auto json = nlohmann::ordered_json::parse(text);
  CHECK(keys(json) == std::vector<std::string>{"id", "title", "source", "unit", "version", "columns", "rows", "notes"});
  CHECK(json["version"] == 7);
  CHECK(json["columns"][1] == nlohmann::ordered_json{{"key", "percentage"}, {"label", "Percentage"}});
  const auto& travel = json["rows"][0];
  CHECK(keys(travel) == std::vector<std::string>{"key", "label", "level", "unit", "illustrative", "label_transcribed", "cells"});
  CHECK(travel["label"] == "Travel, \"staff\"");
  CHECK(travel["level"] == 0);
  CHECK(travel["unit"] == "usd");
  CHECK(travel["illustrative"] == false);
  // A cell for every column, in the columns' order; dollars are integers, never floats.
  CHECK(keys(travel["cells"]) == std::vector<std::string>{"amount", "percentage", "note"});
  CHECK(travel["cells"]["amount"].is_number_integer());
  CHECK(travel["cells"]["amount"] == -17400);
  CHECK(travel["cells"]["note"] == "a, b");
  const auto& total = json["rows"][1];
  CHECK(total["cells"] == nlohmann::ordered_json{{"amount", 19762900}, {"percentage", nullptr}, {"note", nullptr}});
  CHECK(json["notes"] == nlohmann::ordered_json{"A note."});
  // A percentage is printed with the digits of its Decimal, not a float's: -66.2, 1.0.
  CHECK_THAT(text, Catch::Contains("\"percentage\": -66.2,"));
  v1::Table whole = sample();
  (*whole.mutable_rows(0)->mutable_cells())["percentage"].mutable_decimal()->set_units(10);
  CHECK_THAT(cli::render(whole, cli::Format::kJson), Catch::Contains("\"percentage\": 1.0,"));
  // One layout: indented by two spaces, a line break at the end.
  CHECK_THAT(text, Catch::StartsWith("{\n  \"id\": \"sample\",\n  \"title\": \"A sample\",\n") && Catch::EndsWith("]\n}\n"));
}

TEST_CASE("CSV quotes what needs quoting", "[format][csv]") {
  const std::string csv = cli::render(sample(), cli::Format::kCsv);
  CHECK(csv ==
        "row,label,level,unit,amount,percentage,note\n"
        "travel,\"Travel, \"\"staff\"\"\",0,usd,-17400,-66.2,\"a, b\"\n"
        "total,Total,2,usd,19762900,,\n");
}

TEST_CASE("Markdown is a table with the fascicle's values", "[format][md]") {
  const std::string md = cli::render(sample(), cli::Format::kMarkdown);
  CHECK_THAT(md, Catch::StartsWith("### Table 0.1 — A sample\n\n*Thousands of United States dollars*\n\n"));
  CHECK_THAT(md, Catch::Contains("| **Total** | 19 762.9 | — | — |"));
  CHECK_THAT(md, Catch::Contains("- A note."));
}

TEST_CASE("a label the fascicle does not print is marked, with a legend under the table", "[format][transcribed]") {
  v1::Table table = sample();
  const std::string plain_text = cli::render(table, cli::Format::kText);
  const std::string plain_md = cli::render(table, cli::Format::kMarkdown);
  CHECK(plain_text.find("†") == std::string::npos);
  CHECK(plain_md.find("†") == std::string::npos);

  table.mutable_rows(0)->set_label_transcribed(true);
  const std::string text = cli::render(table, cli::Format::kText);
  CHECK_THAT(text, Catch::Contains("Travel, \"staff\" †  "));
  CHECK_THAT(text, Catch::EndsWith("Note: A note.\n" + std::string(cli::kTranscribedLegend) + "\n"));
  CHECK_THAT(text, !Catch::Contains("Total †"));
  // Nothing else moves but the label column, which widens to hold the mark.
  CHECK(std::count(text.begin(), text.end(), '\n') == std::count(plain_text.begin(), plain_text.end(), '\n') + 1);

  const std::string md = cli::render(table, cli::Format::kMarkdown);
  CHECK_THAT(md, Catch::Contains("| Travel, \"staff\" † |"));
  CHECK_THAT(md, Catch::EndsWith("- A note.\n\n" + std::string(cli::kTranscribedLegend) + "\n"));

  const auto json = nlohmann::ordered_json::parse(cli::render(table, cli::Format::kJson));
  CHECK(json["rows"][0]["label"] == "Travel, \"staff\"");  // the mark is the flag's, not the label's
  CHECK(json["rows"][0]["label_transcribed"] == true);
  CHECK(json["rows"][1]["label_transcribed"] == false);

  // Without notes, the legend still stands apart from the rows.
  table.clear_notes();
  CHECK_THAT(cli::render(table, cli::Format::kText), Catch::EndsWith("\n\n" + std::string(cli::kTranscribedLegend) + "\n"));
}

TEST_CASE("formats are named", "[format]") {
  cli::Format format;
  CHECK(cli::parse_format("md", &format));
  CHECK(format == cli::Format::kMarkdown);
  CHECK_FALSE(cli::parse_format("xml", &format));
}

TEST_CASE("JSON strings are escaped and text is wrapped by display width", "[format]") {
  v1::Table odd = sample();
  odd.set_title("a\"b\\c\n\x01 — ü");
  const std::string text = cli::render(odd, cli::Format::kJson);
  CHECK_THAT(text, Catch::Contains("\"title\": \"a\\\"b\\\\c\\n\\u0001 — ü\","));
  CHECK(nlohmann::ordered_json::parse(text)["title"] == odd.title());
  CHECK(cli::display_width("— 29F") == 5);
  CHECK(cli::wrap("one two three four", 9) == std::vector<std::string>{"one two", "three", "four"});
}

TEST_CASE("section-ctl status lines up ids of any length, and indents the notes to the state column", "[format][cli]") {
  section::v1::HostStatus status;
  auto* short_id = status.add_components();
  short_id->set_id("ict");
  short_id->set_state(section::v1::SERVING);
  short_id->set_title("ICT");
  auto* long_id = status.add_components();
  long_id->set_id("records_and_archives");
  long_id->set_state(section::v1::FAILED);
  long_id->set_reason("did not start");
  const std::string lines = cli::status_lines(status.components());
  // Both states start in the same column, past the longest id.
  CHECK_THAT(lines, Catch::Contains("  ict                   serving  ICT\n"));
  CHECK_THAT(lines, Catch::Contains("  records_and_archives  FAILED\n"));
  CHECK_THAT(lines, Catch::Contains("\n" + std::string(24, ' ') + "did not start\n"));
  CHECK_THAT(cli::overview_lines(status.components()), Catch::Contains("  records_and_archives  FAILED  did not start\n"));
  // Short ids keep the column they always had.
  status.mutable_components()->RemoveLast();
  CHECK(cli::status_lines(status.components()) == "  ict       serving  ICT\n");
}
