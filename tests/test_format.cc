// section-ctl's renderings of a table.
#include <algorithm>

#include <catch2/catch.hpp>

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

TEST_CASE("JSON keeps dollars, tenths and null", "[format][json]") {
  const std::string json = cli::render(sample(), cli::Format::kJson);
  CHECK_THAT(json, Catch::Contains("\"version\": 7"));
  CHECK_THAT(json, Catch::Contains("{\"key\": \"travel\", \"label\": \"Travel, \\\"staff\\\"\", \"level\": 0, \"unit\": \"usd\", "
                                   "\"illustrative\": false, \"label_transcribed\": false, \"cells\": {\"amount\": -17400, "
                                   "\"percentage\": -66.2, \"note\": \"a, b\"}}"));
  CHECK_THAT(json, Catch::Contains("\"cells\": {\"amount\": 19762900, \"percentage\": null, \"note\": null}"));
  CHECK_THAT(json, Catch::Contains("\"notes\": [\n    \"A note.\"\n  ]"));
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

  const std::string json = cli::render(table, cli::Format::kJson);
  CHECK_THAT(json, Catch::Contains("\"label\": \"Travel, \\\"staff\\\"\", \"level\": 0, \"unit\": \"usd\", \"illustrative\": false, "
                                   "\"label_transcribed\": true"));
  CHECK_THAT(json, Catch::Contains("\"label\": \"Total\", \"level\": 2, \"unit\": \"usd\", \"illustrative\": false, "
                                   "\"label_transcribed\": false"));

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
  CHECK(cli::json_string("a\"b\\c\n\x01") == "\"a\\\"b\\\\c\\n\\u0001\"");
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
