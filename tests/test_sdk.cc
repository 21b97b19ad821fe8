// The SDK: strict YAML, the component data reader and the domain checks.
#include <catch2/catch.hpp>

#include "section/sdk/sdk.h"
#include "section/sdk/yaml.h"
#include "test_env.h"

using namespace section;

namespace {

std::string error_of(const std::string& yaml) {
  try {
    sdk::read_component_string(yaml, "data.yaml");
  } catch (const sdk::DataError& e) {
    return e.what();
  }
  return "";
}

const char* kMinimal =
    "component: {id: x, kind: subprogramme, subprogramme: 5, title: X, budget_year: 2022}\n"
    "objective: {text: To test.}\n";

}  // namespace

TEST_CASE("strict YAML refuses duplicate keys, which YAML parsers accept", "[sdk][yaml]") {
  const yaml::Value root = yaml::load_string("a: 1\nb: 2\na: 3\n", "f.yaml");
  try {
    root.map({"a", "b"});
    FAIL("no error");
  } catch (const yaml::Error& e) {
    CHECK(e.line() == 3);
    CHECK_THAT(e.what(), Catch::Contains("f.yaml:3:1") && Catch::Contains("duplicate key 'a'") &&
                             Catch::Contains("first given at line 1"));
  }
}

TEST_CASE("strict YAML names unknown keys, the file, line and the keys it expects", "[sdk][yaml]") {
  const yaml::Value root = yaml::load_string("listen: x\nlisten_port: 4\n", "host.yaml");
  try {
    root.map({"listen", "plugins"});
    FAIL("no error");
  } catch (const yaml::Error& e) {
    CHECK(e.line() == 2);
    CHECK_THAT(e.what(), Catch::StartsWith("host.yaml:2:1: listen_port: unknown key 'listen_port'") &&
                             Catch::Contains("expected one of: listen, plugins"));
  }
}

TEST_CASE("strict YAML reports syntax errors with their position", "[sdk][yaml]") {
  try {
    yaml::load_string("a: [1, 2\nb: 3\n", "broken.yaml");
    FAIL("no error");
  } catch (const yaml::Error& e) {
    // yaml-cpp finds the list unclosed where the next line's ':' follows "2\nb".
    CHECK(e.line() == 2);
    CHECK(e.column() == 2);
    CHECK_THAT(e.what(), Catch::StartsWith("broken.yaml:2:2: invalid YAML: end of sequence flow not found") &&
                             Catch::Contains("the list opened at line 1, column 4 is not closed"));
  }
  CHECK_THROWS_WITH(yaml::load_string("", "empty.yaml"), Catch::Contains("empty"));
  CHECK_THROWS_WITH(yaml::load_file("/nonexistent/x.yaml"), Catch::Contains("cannot read"));
}

TEST_CASE("strict YAML checks types and ranges", "[sdk][yaml]") {
  const yaml::Value root = yaml::load_string("n: 12x\nm: 70000\nb: yes\nl: [1]\n", "t.yaml");
  const yaml::Map map = root.map({"n", "m", "b", "l"});
  CHECK_THROWS_WITH(map.required("n").integer(0, 10), Catch::StartsWith("t.yaml:1:4: n: expected a whole number"));
  CHECK_THROWS_WITH(map.required("m").integer(0, 65535), Catch::StartsWith("t.yaml:2:4: m: 70000 is out of range"));
  CHECK_THROWS_WITH(map.required("b").boolean(), Catch::StartsWith("t.yaml:3:4: b: expected true or false"));
  CHECK_THROWS_WITH(map.required("l").str(), Catch::StartsWith("t.yaml:4:4: l: expected a value, found a list"));
  CHECK_THROWS_WITH(map.required("missing"), Catch::Contains("missing key 'missing'"));
}

namespace {

// The error a text gets from the strict reader, or "" when it loads.
std::string yaml_error_of(const std::string& text) {
  try {
    yaml::load_string(text, "doc.yaml");
  } catch (const yaml::Error& e) {
    return e.what();
  }
  return "";
}

std::string repeated(const std::string& piece, int times) {
  std::string out;
  for (int i = 0; i < times; ++i) out += piece;
  return out;
}

// A block mapping nested `levels` deep, one key per line, each indented one more space.
std::string block_mapping(int levels) {
  std::string out;
  for (int i = 0; i < levels - 1; ++i) out += std::string(i, ' ') + "k:\n";
  return out + std::string(levels - 1, ' ') + "k: v\n";
}

}  // namespace

TEST_CASE("strict YAML refuses flow collections nested deeper than the limit", "[sdk][yaml]") {
  // 64 levels load; the 65th '[' is refused where it is written.
  CHECK(yaml_error_of(repeated("[", 64) + repeated("]", 64)).empty());
  CHECK_THAT(yaml_error_of(repeated("[", 65) + repeated("]", 65)),
             Catch::StartsWith("doc.yaml:1:65: ") && Catch::Contains("nests deeper than 64 levels"));
  // Refused at the 65th level, without reading the rest. yaml-cpp reads each unclosed '[' as a
  // list and a mapping that the list may turn out to key: two levels each.
  CHECK_THAT(yaml_error_of(std::string(100000, '[')), Catch::Contains("doc.yaml:1:33: the document nests deeper"));
  CHECK_THAT(yaml_error_of("a:\n  b: " + repeated("{c: ", 70) + "1" + repeated("}", 70) + "\n"),
             Catch::StartsWith("doc.yaml:2:") && Catch::Contains("nests deeper than 64 levels"));
  // A collection that ':' turns into a key nests one level deeper, inside the new mapping.
  CHECK(yaml_error_of(repeated("[", 63) + repeated("]", 63) + ": x\n").empty());
  CHECK_THAT(yaml_error_of(repeated("[", 64) + repeated("]", 64) + ": x\n"),
             Catch::StartsWith("doc.yaml:1:64: ") && Catch::Contains("nests deeper"));
  CHECK_THAT(yaml_error_of("[" + repeated("[", 63) + repeated("]", 63) + ": x]\n"),
             Catch::StartsWith("doc.yaml:1:64: ") && Catch::Contains("nests deeper"));
}

TEST_CASE("strict YAML refuses block mappings nested deeper than the limit", "[sdk][yaml]") {
  CHECK(yaml_error_of(block_mapping(64)).empty());
  CHECK_THAT(yaml_error_of(block_mapping(65)), Catch::StartsWith("doc.yaml:65:65: ") && Catch::Contains("nests deeper"));
  CHECK_THAT(yaml_error_of(block_mapping(1000)), Catch::StartsWith("doc.yaml:65:65: "));
}

TEST_CASE("strict YAML counts each dash of a compact sequence as a level", "[sdk][yaml]") {
  CHECK(yaml_error_of(repeated("- ", 64) + "x\n").empty());
  CHECK_THAT(yaml_error_of(repeated("- ", 65) + "x\n"), Catch::StartsWith("doc.yaml:1:129: ") && Catch::Contains("nests deeper"));
  CHECK_THAT(yaml_error_of("list:\n" + repeated("- ", 5000) + "x\n"), Catch::StartsWith("doc.yaml:2:127: "));
  // A key-value pair inside a flow sequence is a mapping of its own; so is each bare ':' of a run.
  CHECK_THAT(yaml_error_of("[" + repeated(": ", 70) + "x]\n"), Catch::StartsWith("doc.yaml:1:") && Catch::Contains("nests deeper"));
  CHECK_THAT(yaml_error_of(repeated("[a: ", 40) + "b" + repeated("]", 40) + "\n"), Catch::Contains("nests deeper"));
}

TEST_CASE("strict YAML refuses an alias bomb, any alias and any anchor, with their position", "[sdk][yaml]") {
  const std::string bomb =
      "a: &a [x, x, x, x, x, x, x, x, x]\n"
      "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
      "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
      "d: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n";
  CHECK_THAT(yaml_error_of(bomb), Catch::StartsWith("doc.yaml:1:4: ") && Catch::Contains("anchors (&) and aliases (*) are not supported"));
  CHECK_THAT(yaml_error_of("a: 1\nb: *a\n"), Catch::StartsWith("doc.yaml:2:4: ") && Catch::Contains("aliases (*) are not supported"));
  CHECK_THAT(yaml_error_of("a:\n  - &first {b: 1}\n"), Catch::StartsWith("doc.yaml:2:5: ") && Catch::Contains("anchors (&)"));
  CHECK_THAT(yaml_error_of("a: !!str 1\n"), Catch::StartsWith("doc.yaml:1:4: ") && Catch::Contains("tags (!) are not supported"));
}

TEST_CASE("strict YAML refuses a second document, and any text after the first", "[sdk][yaml]") {
  // A first line indented more than the rest ends the document at the first line indented less.
  CHECK_THAT(yaml_error_of("  listen: x\nplugins: [a]\n"),
             Catch::StartsWith("doc.yaml:2:1: ") && Catch::Contains("text after the end of the document: a file holds one"));
  CHECK_THAT(yaml_error_of("- a\nb: 1\n"), Catch::StartsWith("doc.yaml:2:1: text after the end of the document"));
  CHECK_THAT(yaml_error_of("a: 1\n---\nb: 2\n"), Catch::StartsWith("doc.yaml:2:1: ") && Catch::Contains("a second YAML document"));
  CHECK_THAT(yaml_error_of("\"a\"\n- b\n"), Catch::StartsWith("doc.yaml:2:1: ") && Catch::Contains("a file holds one YAML document"));
  CHECK_THAT(yaml_error_of("[a]\n---\nb\n"), Catch::StartsWith("doc.yaml:2:1: ") && Catch::Contains("a second YAML document"));
  CHECK(yaml_error_of("---\na: 1\n...\n").empty());
  CHECK(yaml_error_of("[a]: 1\n\"b\": 2\n").empty());
  CHECK(yaml_error_of("a\n- b\n").empty());  // one plain scalar over two lines: "a - b"
  // A '%' line in the document, and a stray ',' after it.
  CHECK_THAT(yaml_error_of("text: 50\n%of the budget\n"), Catch::StartsWith("doc.yaml:2:") && Catch::Contains("directive"));
  CHECK_THAT(yaml_error_of("[a]\n, b\n"), Catch::StartsWith("doc.yaml:2:1: ") && Catch::Contains("a file holds one YAML document"));
  CHECK(yaml_error_of("%YAML 1.2\n---\na: 1\n").empty());
  // yaml-cpp drops a directive after the document without a word; we refuse it, and only it.
  CHECK_THAT(yaml_error_of("a: 1\n...\n%YAML 1.2\n"), Catch::StartsWith("doc.yaml:3:1: a directive"));
  CHECK(yaml_error_of("a: \"x\n%y\"\n").empty());
  CHECK(yaml_error_of("a: |\n  50\n  %of it\n").empty());
}

TEST_CASE("strict YAML refuses malformed UTF-8 with its line and column in characters", "[sdk][yaml]") {
  // A stray continuation byte, a truncated sequence, an overlong '/', a UTF-16 surrogate, a code
  // point past U+10FFFF, and Latin-1 text that was never converted.
  CHECK_THAT(yaml_error_of("a: 1\nb: x\x80y\n"), Catch::StartsWith("doc.yaml:2:5: not UTF-8 text: byte 0x80"));
  CHECK_THAT(yaml_error_of("a: \xE2\x82"), Catch::StartsWith("doc.yaml:1:4: not UTF-8 text: byte 0xE2"));
  CHECK_THAT(yaml_error_of("a: \xC0\xAF\n"), Catch::StartsWith("doc.yaml:1:4: not UTF-8 text: byte 0xC0"));
  CHECK_THAT(yaml_error_of("a: \xED\xA0\x80\n"), Catch::StartsWith("doc.yaml:1:4: not UTF-8 text"));
  CHECK_THAT(yaml_error_of("a: \xF4\x90\x80\x80\n"), Catch::StartsWith("doc.yaml:1:4: not UTF-8 text"));
  CHECK_THAT(yaml_error_of("title: Caf\xE9 Wien\n"), Catch::StartsWith("doc.yaml:1:11: not UTF-8 text: byte 0xE9"));
  // Columns count characters: two Chinese characters and an 'é' before the bad byte are three.
  CHECK_THAT(yaml_error_of("t: \xE8\xA1\x8C\xE6\x94\xBF\xC3\xA9\xFF\n"), Catch::StartsWith("doc.yaml:1:7: not UTF-8"));
  // UTF-32 without a byte order mark: zero bytes before the first character.
  CHECK_THAT(yaml_error_of(std::string("\0\0\0a\0\0\0:", 8)), Catch::Contains("UTF-16 or UTF-32"));
}

TEST_CASE("strict YAML reports positions in characters, and shows the offending line of a syntax error", "[sdk][yaml]") {
  // The tag is the fifth character of its line, and its tenth byte.
  CHECK_THAT(yaml_error_of("行政: !x 1\n"), Catch::StartsWith("doc.yaml:1:5: tags (!)"));
  const yaml::Map twice = yaml::load_string("a: 1\n行政: 1\nb: {行政: 1, 行政: 2}\n", "doc.yaml").open_map();
  CHECK_THROWS_WITH(twice.required("b").open_map(), Catch::StartsWith("doc.yaml:3:12: b.行政: duplicate key '行政'"));
  const std::string error = yaml_error_of("plugins:\n  - {id: hr, library: hr.so\n  - {id: ict}\n");
  // yaml-cpp says only that the end was not found: the message says where the mapping began,
  // and shows the line with a caret under the column.
  CHECK_THAT(error, Catch::StartsWith("doc.yaml:3:") && Catch::Contains("invalid YAML: end of map flow not found") &&
                        Catch::Contains("the mapping opened at line 2, column 5 is not closed"));
  CHECK_THAT(error, Catch::Contains("\n      - {id: ict}\n    "));
  const std::size_t caret_line = error.rfind('\n');
  REQUIRE(caret_line != std::string::npos);
  const std::string caret = error.substr(caret_line + 1);
  const auto column = std::stoi(error.substr(error.find(":3:") + 3));
  CHECK(caret == std::string(4 + static_cast<std::size_t>(column) - 1, ' ') + "^");
}

TEST_CASE("strict YAML refuses a document over the size limit, control characters, a lone carriage return and UTF-16", "[sdk][yaml]") {
  const std::string big = "a: " + std::string(yaml::kMaxFileBytes, 'x') + "\n";
  CHECK_THAT(yaml_error_of(big), Catch::Contains("larger than the 1024 KiB a file may have"));
  test::TempDir dir;
  CHECK_THROWS_WITH(yaml::load_file(dir.write("big.yaml", big).string()), Catch::Contains("larger than"));
  CHECK(yaml_error_of("a: " + std::string(yaml::kMaxFileBytes - 10, 'x') + "\n").empty());
  CHECK_THAT(yaml_error_of(std::string("a: 1\nb: 2\x04\n", 11)), Catch::StartsWith("doc.yaml:2:5: control character 0x04"));
  CHECK_THAT(yaml_error_of(std::string("a: \0", 4)), Catch::StartsWith("doc.yaml:1:4: control character 0x00"));
  CHECK_THAT(yaml_error_of("a: 1\rb: 2\n"), Catch::StartsWith("doc.yaml:1:5: a carriage return"));
  CHECK_THAT(yaml_error_of(std::string("\xFF\xFE" "a\0:\0", 6)), Catch::StartsWith("doc.yaml:1:1: the file is UTF-16 or UTF-32"));
  CHECK_THROWS_WITH(yaml::load_file(dir.path().string()), Catch::Contains("is a directory"));
}

TEST_CASE("strict YAML reads a file that begins with a byte order mark, and refuses one further on", "[sdk][yaml]") {
  // Editors on Windows save UTF-8 with a byte order mark; the mark is not part of the first line.
  const yaml::Value value = yaml::load_string("\xEF\xBB\xBF" "a: 1\nb: 2\n", "doc.yaml");
  CHECK(value.open_map().entries().size() == 2);
  // Found by the fuzz target: a mark at the start of a later line, as when two files are joined.
  CHECK_THAT(yaml_error_of("\xEF\xBB\xBF" "a: 1\n\xEF\xBB\xBF" "b: 2\n"),
             Catch::StartsWith("doc.yaml:2:1: a byte order mark (U+FEFF) inside the file"));
  CHECK_THAT(yaml_error_of("a: x\xEF\xBB\xBFy\n"), Catch::StartsWith("doc.yaml:1:5: a byte order mark"));
}

TEST_CASE("strict YAML still loads brackets, '#', '&', '*' and '!' inside quotes, comments and block scalars", "[sdk][yaml]") {
  const std::string text =
      "\xEF\xBB\xBF# a comment with [[[[ {{{{ *x &y !z\n"
      "double: \"[[[[ {{{{ # not a comment *x &y !z \\\" \\u00e9\"\n"
      "single: '[[[[ it''s # *x &y !z'\n"
      "plain: a [b] c* &d e! # a comment [[[[\n"
      "continued: the first line\n"
      "  *stars* and [brackets continue\n"
      "  &more !text here\n"
      "folded: >-\n"
      "  [[[[ {{{{ *x &y !z\n"
      "  # not a comment\n"
      "\n"
      "  - - - - - - - -\n"
      "literal: |\n"
      "  [ first\n"
      "    ] more indented\n"
      "flow: [\"]\", ']', \"{\", {a: \"}\"}, [b: c]]\r\n"
      "list:\r\n"
      "- x\r\n";
  const yaml::Map map = yaml::load_string(text, "ok.yaml").map(
      {"double", "single", "plain", "continued", "folded", "literal", "flow", "list"});
  CHECK(map.required("double").str() == "[[[[ {{{{ # not a comment *x &y !z \" \xC3\xA9");
  CHECK(map.required("single").str() == "[[[[ it's # *x &y !z");
  CHECK(map.required("plain").str() == "a [b] c* &d e!");
  CHECK(map.required("continued").str() == "the first line *stars* and [brackets continue &more !text here");
  CHECK(map.required("folded").str() == "[[[[ {{{{ *x &y !z # not a comment\n- - - - - - - -");
  CHECK(map.required("literal").str() == "[ first\n  ] more indented\n");
  CHECK(map.required("flow").list().size() == 5);
  CHECK(map.required("list").list().size() == 1);
}

TEST_CASE("every Section 29F file passes the strict reader's checks", "[sdk][yaml]") {
  for (const char* file : {"configs/section-29f.yaml", "configs/section-29f.section.yaml", "plugins/edm/component.yaml",
                           "plugins/finance/component.yaml", "plugins/hr/component.yaml", "plugins/support/component.yaml",
                           "plugins/ict/component.yaml", "examples/template-plugin/component.yaml"}) {
    INFO(file);
    CHECK_NOTHROW(yaml::load_file((test::source_dir() / file).string()));
  }
}

TEST_CASE("a component data file reads into the model", "[sdk][reader]") {
  const v1::Component c = sdk::read_component_file(test::source_dir() / "plugins/finance/component.yaml");
  CHECK(c.id() == "finance");
  CHECK(c.kind() == v1::SUBPROGRAMME);
  CHECK(c.subprogramme() == 1);
  CHECK(c.budget_year() == 2022);
  CHECK(c.results_size() == 4);
  CHECK(c.deliverables_size() == 4);
  CHECK(c.mandates_size() == 6);
  // Posts money, as printed in Table 29F.20, in whole dollars.
  bool found = false;
  for (const auto& fact : c.money()) {
    if (fact.object() == "posts" && fact.column() == v1::APPROPRIATION) {
      CHECK(fact.amount_usd() == 2356900);
      CHECK_FALSE(fact.provenance().illustrative());
      found = true;
    }
    if (fact.object() == "consultants") CHECK(fact.provenance().illustrative());
  }
  CHECK(found);
}

TEST_CASE("the component reader refuses bad data with file, line and field", "[sdk][reader]") {
  CHECK(error_of(kMinimal).empty());
  CHECK_THAT(error_of(std::string(kMinimal) + "colour: blue\n"),
             Catch::Contains("data.yaml:3:1") && Catch::Contains("unknown key 'colour'"));
  CHECK_THAT(error_of("component: {id: x, kind: team, title: X, budget_year: 2022}\nobjective: {text: t}\n"),
             Catch::Contains("component.kind") && Catch::Contains("not one of"));
  CHECK_THAT(error_of(std::string(kMinimal) + "resources:\n  regular_budget:\n    objects:\n      travel: {appropriation: 10}\n"),
             Catch::Contains("data.yaml:6") && Catch::Contains("'travel' is not an object of expenditure"));
  CHECK_THAT(error_of(std::string(kMinimal) + "resources:\n  regular_budget:\n    objects:\n      posts: {appropriation: 10.5}\n"),
             Catch::Contains("expected a whole number"));
  CHECK_THAT(error_of(std::string(kMinimal) + "posts:\n  regular_budget:\n    categories: {approved: {professional_and_higher: 1}}\n"
                                              "    grades: {approved: {p9: 1}}\n"),
             Catch::Contains("'p9' is not a grade"));
  CHECK_THAT(error_of(std::string(kMinimal) + "results:\n  - id: r\n    title: R\n    measures:\n"
                                              "      - {id: m, title: M, unit: percent, values: [{year: 2022, kind: hoped}]}\n"),
             Catch::Contains("'hoped' is not one of"));
  CHECK_THAT(error_of(std::string(kMinimal) + "deliverables:\n  - {id: d, category: A, category_title: T, subcategory: S, "
                                              "counts: {planned_20x2: 1}}\n"),
             Catch::Contains("does not end in a year"));
  CHECK_THAT(error_of("component: {id: x, kind: executive_direction_and_management, subprogramme: 2, title: X, budget_year: 2022}\n"
                      "objective: {text: t}\n"),
             Catch::Contains("only a subprogramme has a subprogramme number"));
}

TEST_CASE("the reader takes an objective as required for a subprogramme only", "[sdk][reader]") {
  const std::string edm_head = "component: {id: x, kind: executive_direction_and_management, title: X, budget_year: 2022}\n";
  const v1::Component edm = sdk::read_component_string(edm_head + "description: {text: Led by a director., source: para 1}\n", "e.yaml");
  CHECK_FALSE(edm.has_objective());
  CHECK(edm.description().text() == "Led by a director.");
  CHECK(edm.description().provenance().source() == "para 1");
  CHECK(sdk::read_component_string(edm_head + "objective: {text: To lead.}\n", "e.yaml").objective().text() == "To lead.");
  CHECK_THAT(error_of("component: {id: x, kind: subprogramme, subprogramme: 5, title: X, budget_year: 2022}\n"),
             Catch::Contains("missing key 'objective': every subprogramme has one"));
  // The SDK's checks take a component without an objective like any other.
  sdk::Findings findings;
  sdk::checks::common(edm, findings);
  CHECK(findings.size() == 0);
}

TEST_CASE("the reader marks headings and titles the source does not print", "[sdk][reader]") {
  const v1::Component c = sdk::read_component_string(
      std::string(kMinimal) +
          "strategy:\n  - {heading: Ours, heading_transcribed: true, text: T.}\n  - {heading: Printed, text: U.}\n"
          "results:\n  - id: r\n    title: R\n    measures:\n"
          "      - {id: m, title: Ours too, title_transcribed: true, unit: text, values: []}\n"
          "      - {id: n, title: Printed too, unit: text, values: []}\n",
      "d.yaml");
  CHECK(c.strategy(0).provenance().title_transcribed());
  CHECK_FALSE(c.strategy(1).provenance().title_transcribed());
  CHECK(c.results(0).measures(0).provenance().title_transcribed());
  CHECK_FALSE(c.results(0).measures(1).provenance().title_transcribed());
  CHECK_THAT(error_of(std::string(kMinimal) + "strategy:\n  - {heading_transcribed: true, text: T.}\n"),
             Catch::Contains("strategy[0].heading_transcribed") && Catch::Contains("marks a heading, and this text has none"));
  CHECK_THAT(error_of(std::string(kMinimal) + "deliverables:\n  - {id: d, category: A, category_title: T, subcategory: S, "
                                              "description: D, title_transcribed: true}\n"),
             Catch::Contains("unknown key 'title_transcribed'"));
}

TEST_CASE("percentages must lie within 0-100", "[sdk][checks]") {
  v1::Component c = sdk::read_component_string(std::string(kMinimal) +
                                                "results:\n  - id: r\n    title: R\n    measures:\n"
                                                "      - {id: m, title: M, unit: percent, values: [{year: 2022, kind: planned, value: 101}, "
                                                "{year: 2021, kind: planned, value: 100}, {year: 2020, kind: actual, value: -1}]}\n",
                                                "d.yaml");
  sdk::Findings findings;
  sdk::checks::percentages_within_bounds(c, findings);
  CHECK(findings.size() == 2);
  CHECK_THAT(findings.to_string(), Catch::Contains("results[r].measures[m].values[2022 planned]: 101 % is outside 0–100"));
}

TEST_CASE("a cumulative series never decreases", "[sdk][checks]") {
  const std::string measures =
      "results:\n  - id: r\n    title: R\n    measures:\n"
      "      - {id: m, title: M, unit: count, cumulative: true, values: [{year: 2020, kind: actual, value: 23}, "
      "{year: 2021, kind: planned, value: %1}, {year: 2022, kind: planned, value: %2}]}\n";
  auto findings_for = [&](const std::string& a, const std::string& b) {
    std::string text = measures;
    text.replace(text.find("%1"), 2, a);
    text.replace(text.find("%2"), 2, b);
    sdk::Findings findings;
    sdk::checks::cumulative_series_never_decrease(sdk::read_component_string(kMinimal + text, "d.yaml"), findings);
    return findings;
  };
  CHECK(findings_for("25", "30").empty());
  CHECK(findings_for("30", "25").size() == 1);              // planned 2022 below planned 2021
  CHECK_THAT(findings_for("20", "30").to_string(), Catch::Contains("below the 2020 actual 23"));
}

TEST_CASE("posts by grade add up to the posts by category", "[sdk][checks]") {
  const std::string head = std::string(kMinimal) + "posts:\n  regular_budget:\n    categories: {approved: {professional_and_higher: 3, general_service_and_related: 2}}\n";
  auto findings_for = [&](const std::string& grades) {
    sdk::Findings findings;
    sdk::checks::grades_add_up_to_categories(sdk::read_component_string(head + grades, "d.yaml"), findings);
    return findings;
  };
  CHECK(findings_for("    grades: {approved: {p4: 2, p3: 1, gs_ol: 2}}\n").empty());
  const auto wrong = findings_for("    grades: {approved: {p4: 2, gs_ol: 3}}\n");
  CHECK(wrong.size() == 2);
  CHECK_THAT(wrong.to_string(), Catch::Contains("professional_and_higher: posts by grade add up to 2, but the category has 3"));
  // Extrabudgetary: grades for the budget year against the current estimate plus the change.
  const std::string extra = std::string(kMinimal) + "posts:\n  extrabudgetary:\n    current_estimate: 4\n    change: 1\n";
  sdk::Findings ok, bad;
  sdk::checks::grades_add_up_to_categories(sdk::read_component_string(extra + "    grades: {estimate: {p3: 2, gs_ol: 3}}\n", "d"), ok);
  sdk::checks::grades_add_up_to_categories(sdk::read_component_string(extra + "    grades: {estimate: {p3: 2}}\n", "d"), bad);
  CHECK(ok.empty());
  CHECK_THAT(bad.to_string(), Catch::Contains("add up to 2, but the total is 5"));
}

TEST_CASE("deliverable counts and quantities are never negative and durations at least a day", "[sdk][checks]") {
  v1::Component c = sdk::read_component_string(
      std::string(kMinimal) +
          "deliverables:\n  - {id: d, category: A, category_title: T, subcategory: S, title: I, counts: {planned_2022: -1, actual_2020: 0}}\n"
          "results:\n  - id: r\n    title: R\n    measures:\n"
          "      - {id: days, title: D, unit: days, values: [{year: 2022, kind: planned, value: 0}]}\n"
          "      - {id: n, title: N, unit: count, values: [{year: 2022, kind: planned, value: -3}]}\n",
      "d.yaml");
  sdk::Findings deliverables, quantities, durations;
  sdk::checks::deliverable_counts_non_negative(c, deliverables);
  sdk::checks::quantities_non_negative(c, quantities);
  sdk::checks::durations_at_least_one_day(c, durations);
  CHECK(deliverables.size() == 1);
  CHECK_THAT(deliverables.to_string(), Catch::Contains("deliverables[d].counts.planned_2022: -1 is negative"));
  CHECK(quantities.size() == 1);
  CHECK(durations.size() == 1);
}

TEST_CASE("a plugin's settings are checked and its data found beside the library", "[sdk][context]") {
  v1::PluginStartRequest request;
  request.set_plugin_id("hr");
  request.set_library_path("/opt/plugins/hr/hr.so");
  request.set_config_dir("/etc/section");
  (*request.mutable_settings())["data"] = "alt.yaml";
  sdk::Context context(request, nullptr);
  CHECK(context.data_path("data", "component.yaml") == "/etc/section/alt.yaml");
  CHECK_NOTHROW(context.require_known_settings({"data"}));
  CHECK_THROWS_AS(context.require_known_settings({}), sdk::InvalidSettings);
  request.clear_settings();
  sdk::Context plain(request, nullptr);
  CHECK(plain.data_path("data", "component.yaml") == "/opt/plugins/hr/component.yaml");
  context.log(SECTION_LOG_INFO, "no host: nothing happens");
  context.request_republish();
}

TEST_CASE("every Section 29F data file passes its reader", "[sdk][reader]") {
  for (const char* id : {"edm", "finance", "hr", "support", "ict"}) {
    INFO(id);
    const v1::Component c = sdk::read_component_file(test::source_dir() / "plugins" / id / "component.yaml");
    CHECK(c.id() == id);
    sdk::Findings findings;
    sdk::checks::percentages_within_bounds(c, findings);
    sdk::checks::cumulative_series_never_decrease(c, findings);
    sdk::checks::grades_add_up_to_categories(c, findings);
    sdk::checks::deliverable_counts_non_negative(c, findings);
    sdk::checks::quantities_non_negative(c, findings);
    CHECK(findings.to_string() == "");
  }
}

TEST_CASE("strict YAML finds a duplicate among many keys, and looks keys up by binary search", "[sdk][yaml]") {
  std::string text;
  for (int i = 0; i < 40000; ++i) text += "k" + std::to_string(i) + ": " + std::to_string(i) + "\n";
  const yaml::Map map = yaml::load_string(text, "many.yaml").open_map();
  CHECK(map.required("k0").integer(0, 100000) == 0);
  CHECK(map.required("k39999").integer(0, 100000) == 39999);
  CHECK_FALSE(map.has("k40000"));
  CHECK(map.entries().size() == 40000);
  CHECK(map.entries()[12345].first == "k12345");  // document order, not key order
  // Two keys given twice: the error names the first one given again, and where it was first.
  const std::string twice = text + "k7: again\nk3: again\n";
  CHECK_THROWS_WITH(yaml::load_string(twice, "many.yaml").open_map(),
                    Catch::StartsWith("many.yaml:40001:1: k7: duplicate key 'k7' (first given at line 8)"));
}
