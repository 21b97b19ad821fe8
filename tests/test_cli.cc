// section-ctl against a running host: what a person or a script sees.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>

#include <catch2/catch.hpp>
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <nlohmann/json.hpp>

#include "test_env.h"

using namespace section;

namespace {

test::RunResult ctl(const test::Host& host, std::vector<std::string> args) {
  std::vector<std::string> argv = {test::ctl_binary().string(), "--host", host.address()};
  argv.insert(argv.end(), args.begin(), args.end());
  return test::run(argv);
}

// An export's JSON; fails the test when it does not parse.
google::protobuf::Struct parse_json(const std::string& text) {
  google::protobuf::Struct parsed;
  const auto status = google::protobuf::util::JsonStringToMessage(text, &parsed);
  INFO(status.ToString());
  REQUIRE(status.ok());
  return parsed;
}

const google::protobuf::Value& field(const google::protobuf::Value& value, const std::string& name) {
  return value.struct_value().fields().at(name);
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++n;
  return n;
}

std::size_t lines(const std::string& text) { return count(text, "\n"); }

// The keys of a JSON object, in order.
std::vector<std::string> keys(const nlohmann::ordered_json& object) {
  std::vector<std::string> out;
  for (const auto& item : object.items()) out.push_back(item.key());
  return out;
}

// section-ctl without a host: its help and usage errors.
test::RunResult offline(std::vector<std::string> args) {
  args.insert(args.begin(), test::ctl_binary().string());
  return test::run(args);
}

// Every part of a JSON export is of its one version.
void check_one_version(const google::protobuf::Struct& json) {
  const auto version = static_cast<std::uint64_t>(json.fields().at("version").number_value());
  CHECK(version >= 1);
  CHECK(json.fields().at("status").struct_value().fields().at("version").string_value() == std::to_string(version));
  CHECK(json.fields().at("section").struct_value().fields().at("version").string_value() == std::to_string(version));
  for (const auto& table : json.fields().at("tables").list_value().values()) {
    CHECK(field(table, "version").number_value() == static_cast<double>(version));
  }
}

}  // namespace

TEST_CASE("section-ctl shows tables in every format", "[cli]") {
  test::Host host(test::default_config_text());
  REQUIRE(host.ok());

  const auto json = ctl(host, {"table", "financial-by-component-rb", "--format", "json"});
  CHECK(json.status == 0);
  const auto table = nlohmann::ordered_json::parse(json.out);
  CHECK(keys(table) == std::vector<std::string>{"id", "title", "source", "unit", "version", "columns", "rows", "notes"});
  const auto& rows = table["rows"];
  const auto support = std::find_if(rows.begin(), rows.end(), [](const auto& row) { return row["key"] == "support"; });
  REQUIRE(support != rows.end());
  CHECK(keys(*support) == std::vector<std::string>{"key", "label", "level", "unit", "illustrative", "label_transcribed", "cells"});
  const auto& cells = (*support)["cells"];
  CHECK(keys(cells) == std::vector<std::string>{"expenditure", "appropriation", "technical_adjustments", "new_mandates",
                                                "other_changes", "total_change", "percentage", "estimate"});
  CHECK(cells["expenditure"] == 9364000);
  CHECK(cells["appropriation"] == 10459600);
  CHECK(cells["estimate"].is_number_integer());
  CHECK(cells["estimate"] == 10425500);
  CHECK(cells["percentage"] == -0.3);

  const auto text = ctl(host, {"table", "financial-by-object"});
  CHECK(text.status == 0);
  CHECK_THAT(text.out, Catch::StartsWith("Table 29F.12 — Overall: evolution of financial resources by object of expenditure"));
  CHECK_THAT(text.out, Catch::Contains("(Thousands of United States dollars)"));
  CHECK_THAT(text.out, Catch::Contains("(66.2)") && Catch::Contains("19 762.9"));

  const auto csv = ctl(host, {"table", "posts-by-grade", "--format", "csv"});
  CHECK_THAT(csv.out, Catch::Contains("gs_ol,GS (OL),0,posts,57,0,0,0,0,57"));

  const auto md = ctl(host, {"table", "reconciliation", "--format", "md"});
  CHECK_THAT(md.out, Catch::Contains("| para 29F.101 (d): under supplies and materials ($23,000) |"));

  const auto tables = ctl(host, {"tables"});
  CHECK_THAT(tables.out, Catch::Contains("component-evolution/support") && Catch::Contains("Table 29F.22"));
  CHECK(host.stop() == 0);
}

TEST_CASE("section-ctl overview, status, measures, deliverables and watch", "[cli]") {
  test::Host host(test::default_config_text());
  REQUIRE(host.ok());
  const auto overview = ctl(host, {"overview"});
  CHECK(overview.status == 0);
  CHECK_THAT(overview.out, Catch::StartsWith("Section 29F: Administration, Vienna"));
  CHECK_THAT(overview.out, Catch::Contains("Regular budget 2022 (before recosting): $19,762,900"));
  CHECK_THAT(overview.out, Catch::Contains("Reconciliation: 2 printed figures differ"));

  const auto status = ctl(host, {"status"});
  CHECK_THAT(status.out, Catch::Contains("support   serving  Support services"));
  // The host's status as proto3 JSON with the .proto field names, in the layout of every JSON section-ctl prints.
  const auto status_json = ctl(host, {"status", "--format", "json"});
  CHECK_THAT(status_json.out, Catch::StartsWith("{\n  \"host_version\": ") && Catch::Contains("\n  \"reconciliation_differences\": 2,\n"));
  CHECK(nlohmann::ordered_json::parse(status_json.out)["version"] == "1");  // int64 as a string
  const auto first_event = nlohmann::ordered_json::parse(ctl(host, {"watch", "--count", "1", "--format", "json"}).out);
  CHECK(first_event["version"] == "1");

  const auto measures = ctl(host, {"measures", "finance", "--year", "2020"});
  CHECK(measures.status == 0);
  CHECK_THAT(measures.out, Catch::Contains("2020 actual: 47 days") && Catch::Contains("2020 target: 35 days"));
  CHECK_THAT(measures.out, !Catch::Contains("2022"));

  // A title the fascicle does not print (Table 29F.2 prints only "performance measure") is marked.
  const auto finance = ctl(host, {"measures", "finance"});
  CHECK_THAT(finance.out, Catch::Contains("    Tracking of client service requests †\n") &&
                              Catch::Contains("    Number of days to approve project revisions\n"));
  CHECK_THAT(finance.out, Catch::EndsWith("\n\n† marks a heading or title that the fascicle does not print: the transcriber's words.\n"));
  CHECK_THAT(ctl(host, {"measures", "edm"}).out, !Catch::Contains("†"));
  const auto table = ctl(host, {"table", "measures/finance"});
  CHECK_THAT(table.out, Catch::Contains("Tracking of client service requests †") &&
                            Catch::EndsWith("† marks a heading or title that the fascicle does not print: the transcriber's words.\n"));
  CHECK_THAT(ctl(host, {"table", "measures/finance", "--format", "json"}).out, Catch::Contains("\"label_transcribed\": true"));
  CHECK_THAT(ctl(host, {"measures", "finance", "--format", "json"}).out, Catch::Contains("\"title_transcribed\": true"));

  const auto deliverables = ctl(host, {"deliverables", "section"});
  CHECK_THAT(deliverables.out, Catch::Contains("Meetings of the Fifth Committee"));

  const auto watch = ctl(host, {"watch", "--count", "1"});
  CHECK(watch.status == 0);
  CHECK_THAT(watch.out, Catch::StartsWith("version 1 at ") && Catch::Contains("start-up (5 of 5 components serving)"));

  CHECK(ctl(host, {"wait", "--timeout", "5"}).status == 0);
  CHECK(host.stop() == 0);
}

TEST_CASE("section-ctl reports refusals and usage errors clearly", "[cli]") {
  test::Host host(test::default_config_text());
  REQUIRE(host.ok());
  const auto unknown = ctl(host, {"table", "nope"});
  CHECK(unknown.status == 1);
  CHECK_THAT(unknown.err, Catch::Contains("section-ctl: NOT_FOUND: no table 'nope'"));
  CHECK(ctl(host, {"measures", "treasury"}).status == 1);
  CHECK(ctl(host, {"table"}).status == 2);
  CHECK(ctl(host, {"table", "x", "--format", "xml"}).status == 2);
  CHECK(ctl(host, {"fly"}).status == 2);
  CHECK(ctl(host, {"measures", "--year", "soon"}).status == 2);
  CHECK(host.stop() == 0);

  // Nobody listening: a clear message, not a hang.
  const auto nobody = test::run({test::ctl_binary().string(), "--host", "127.0.0.1:1", "--timeout", "2", "status"});
  CHECK(nobody.status == 1);
  CHECK_THAT(nobody.err, Catch::Contains("UNAVAILABLE") || Catch::Contains("DEADLINE_EXCEEDED"));
  CHECK_THAT(nobody.err, Catch::Contains("is section-host running there?"));
}

TEST_CASE("section-ctl export writes the whole section in every format", "[cli][export]") {
  test::Host host(test::default_config_text());
  REQUIRE(host.ok());
  test::TempDir dir;

  // JSON: every table that `tables` lists, and every measure and deliverable.
  const auto json = ctl(host, {"export", "--format", "json"});
  REQUIRE(json.status == 0);
  const auto parsed = parse_json(json.out);
  check_one_version(parsed);
  std::vector<std::string> ids;
  for (const auto& table : parsed.fields().at("tables").list_value().values()) ids.push_back(field(table, "id").string_value());
  const auto listed = ctl(host, {"tables"});
  CHECK(ids.size() == lines(listed.out));
  for (const auto& id : ids) CHECK_THAT(listed.out, Catch::Contains("\n" + id + " ") || Catch::StartsWith(id + " "));
  CHECK(ids.size() == 27);
  const auto& measures = parsed.fields().at("measures").list_value().values();
  CHECK(measures.size() == parse_json(ctl(host, {"measures", "--format", "json"}).out).fields().at("measures").list_value().values_size());
  CHECK(parsed.fields().at("deliverables").list_value().values_size() > 0);

  // CSV: one file per table, with the measures, the deliverables and an index.
  const auto csv_dir = dir.path() / "csv";
  const auto csv = ctl(host, {"export", "--format", "csv", "--output", csv_dir.string()});
  REQUIRE(csv.status == 0);
  CHECK(csv.out.empty());
  std::size_t table_files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(csv_dir / "tables")) table_files += entry.path().extension() == ".csv";
  CHECK(table_files == ids.size());
  const std::string index = test::read_file(csv_dir / "index.csv");
  CHECK(lines(index) == ids.size() + 3);
  for (const auto& id : ids) CHECK_THAT(index, Catch::Contains(",table," + id + ","));
  CHECK_THAT(test::read_file(csv_dir / "measures.csv"), Catch::Contains("finance,") && Catch::Contains(",2020,actual,47,"));
  CHECK_THAT(test::read_file(csv_dir / "deliverables.csv"), Catch::Contains("Meetings of the Fifth Committee"));
  CHECK_THAT(test::read_file(csv_dir / "tables" / "posts-by-grade.csv"), Catch::Contains("gs_ol,GS (OL),0,posts,57,0,0,0,0,57"));
  // Again into the same directory: an earlier export is replaced.
  CHECK(ctl(host, {"export", "--format", "csv", "--output", csv_dir.string()}).status == 0);

  // Markdown: every table's title.
  const auto md = ctl(host, {"export", "--format", "md"});
  REQUIRE(md.status == 0);
  CHECK_THAT(md.out, Catch::StartsWith("# Section 29F: Administration, Vienna"));
  for (const auto& table : parsed.fields().at("tables").list_value().values()) {
    CHECK_THAT(md.out, Catch::Contains(field(table, "title").string_value()));
  }

  // HTML: a chart for each measure with figures, and one of resources by component.
  const auto page = dir.path() / "section.html";
  const auto html_file = ctl(host, {"export", "--format", "html", "--output", page.string()});
  REQUIRE(html_file.status == 0);
  const std::string html = test::read_file(page);
  std::size_t with_figures = 0;
  for (const auto& entry : measures) {
    bool figures = false;
    const auto& measure = field(entry, "measure").struct_value().fields();
    if (measure.count("values") == 0) continue;  // proto JSON leaves out an empty list
    for (const auto& value : measure.at("values").list_value().values()) {
      figures = figures || value.struct_value().fields().count("number") > 0;
    }
    with_figures += figures;
  }
  CHECK(with_figures >= 10);
  CHECK(count(html, "<svg class=\"chart\"") == with_figures + 1);
  CHECK(count(html, "<section class=\"table\"") == ids.size());
  CHECK_THAT(html, Catch::Contains("<h1>Section 29F: Administration, Vienna</h1>"));
  // The same page on standard output: the export does not depend on where it goes.
  CHECK(ctl(host, {"export", "--format", "html"}).out == html);
  CHECK(host.stop() == 0);
}

TEST_CASE("section-ctl export refuses bad formats and outputs clearly", "[cli][export]") {
  test::Host host(test::default_config_text());
  REQUIRE(host.ok());
  test::TempDir dir;
  const auto unknown = ctl(host, {"export", "--format", "xml"});
  CHECK(unknown.status == 2);
  CHECK_THAT(unknown.err, Catch::Contains("unknown export format 'xml': choose csv, md, json or html"));
  CHECK(ctl(host, {"export"}).status == 2);
  const auto no_dir = ctl(host, {"export", "--format", "csv"});
  CHECK(no_dir.status == 2);
  CHECK_THAT(no_dir.err, Catch::Contains("needs --output DIR"));
  CHECK(ctl(host, {"table", "evolution", "--output", (dir.path() / "x").string()}).status == 2);

  // A path below a plain file cannot be written, even by root.
  const auto file = dir.write("plain.txt", "keep");
  const auto below = ctl(host, {"export", "--format", "html", "--output", (file / "page.html").string()});
  CHECK(below.status == 1);
  CHECK_THAT(below.err, Catch::Contains("cannot write " + (file / "page.html").string()));
  const auto csv_below = ctl(host, {"export", "--format", "csv", "--output", (file / "csv").string()});
  CHECK(csv_below.status == 1);
  CHECK_THAT(csv_below.err, Catch::Contains((file / "csv").string()));

  // A directory of someone else's files is left alone.
  const auto mine = dir.path() / "mine";
  std::filesystem::create_directories(mine);
  std::ofstream(mine / "notes.txt") << "mine\n";
  const auto refused = ctl(host, {"export", "--format", "csv", "--output", mine.string()});
  CHECK(refused.status == 1);
  CHECK_THAT(refused.err, Catch::Contains("is not empty and holds no earlier export"));
  CHECK(test::read_file(mine / "notes.txt") == "mine\n");
  CHECK(host.stop() == 0);

  const auto nobody = test::run({test::ctl_binary().string(), "--host", "127.0.0.1:1", "--timeout", "2", "export", "--format", "json"});
  CHECK(nobody.status == 1);
  CHECK_THAT(nobody.err, Catch::Contains("is section-host running there?"));
}

TEST_CASE("section-ctl export never mixes versions while a plugin republishes", "[cli][export]") {
  // The counter republishes every few milliseconds: an export either gets one version whole, or
  // gives up with a clear message after its attempts. It never prints a mix.
  const std::string config = test::default_config_text() + "  - id: counter\n    library: " +
                             test::fixture("republishing_plugin").string() +
                             "\n    settings: {interval_ms: '2', count: '3000'}\n";
  test::Host host(config);
  REQUIRE(host.ok());
  int whole = 0;
  for (int i = 0; i < 3; ++i) {
    const auto json = ctl(host, {"export", "--format", "json"});
    if (json.status == 0) {
      check_one_version(parse_json(json.out));
      ++whole;
    } else {
      CHECK(json.status == 1);
      CHECK_THAT(json.err, Catch::Contains("the section changed while it was being exported") &&
                               Catch::Contains("3 times in a row; nothing was written"));
      CHECK(json.out.empty());
    }
  }
  INFO("exports of one version: " << whole << " of 3");
  CHECK(host.stop() == 0);
}

TEST_CASE("section-ctl --help lists every command, and each command's --help its options", "[cli][usage]") {
  const auto help = offline({"--help"});
  CHECK(help.status == 0);
  CHECK(help.err.empty());
  CHECK_THAT(help.out, Catch::StartsWith("The command-line client of section-host") &&
                           Catch::Contains("Usage: section-ctl [OPTIONS] COMMAND"));
  for (const char* command : {"overview", "tables", "table", "measures", "deliverables", "status", "watch", "wait", "reload",
                              "export", "report", "history", "token"}) {
    INFO(command);
    CHECK_THAT(help.out, Catch::Contains("\n  " + std::string(command) + " "));
  }
  for (const char* option : {"--host ADDR", "--timeout SECONDS", "--token TOKEN", "--token-file FILE", "--tls", "--ca FILE",
                             "--cert FILE", "--key FILE", "--server-name NAME", "SECTION_HOST", "SECTION_TOKEN"}) {
    INFO(option);
    CHECK_THAT(help.out, Catch::Contains(option));
  }
  CHECK(offline({"-h"}).out == help.out);

  const auto table = offline({"table", "--help"});
  CHECK(table.status == 0);
  CHECK_THAT(table.out, Catch::Contains("Usage: section-ctl table [OPTIONS] ID") && Catch::Contains("--format text|json|csv|md"));
  CHECK_THAT(offline({"export", "--help"}).out, Catch::Contains("--format csv|md|json|html REQUIRED") && Catch::Contains("--output PATH"));
  CHECK_THAT(offline({"status", "--help"}).out, Catch::Contains("--format text|json"));
  const auto report = offline({"report", "--help"});
  CHECK_THAT(report.out, Catch::Contains("Usage: section-ctl report [OPTIONS] COMPONENT") && Catch::Contains("--measure ID") &&
                             Catch::Contains("--deliverable ID") && Catch::Contains("Exactly 1 of the following options is required") &&
                             Catch::Contains("--year YEAR REQUIRED") && Catch::Contains("--idempotency-key KEY"));
  CHECK_THAT(offline({"token", "new", "--help"}).out,
             Catch::Contains("Usage: section-ctl token new [OPTIONS]") && Catch::Contains("--role reader|reporter|admin REQUIRED"));
  // --help after global options and before the command's own still describes the command.
  CHECK(offline({"--host", "127.0.0.1:1", "table", "--help"}).out == table.out);
}

TEST_CASE("section-ctl usage errors exit 2, name what is wrong and show the command's usage", "[cli][usage]") {
  const auto check = [](std::vector<std::string> args, const std::string& message, const std::string& usage) {
    const auto result = offline(args);
    INFO(result.err);
    CHECK(result.status == 2);
    CHECK(result.out.empty());
    CHECK_THAT(result.err, Catch::StartsWith("section-ctl: " + message + "\n\n") && Catch::Contains("Usage: " + usage));
  };
  check({}, "no command", "section-ctl [OPTIONS] COMMAND");
  check({"fly"}, "unknown command 'fly'", "section-ctl [OPTIONS] COMMAND");
  check({"--fly", "status"}, "'status' has no option '--fly'", "section-ctl status");
  check({"--verbose"}, "unknown option '--verbose'", "section-ctl [OPTIONS] COMMAND");
  check({"tables", "--measure", "m"}, "'tables' has no option '--measure'", "section-ctl tables");
  check({"--format", "json", "status"}, "'--format' is an option of 'status': put it after the command", "section-ctl status");
  check({"table"}, "ID is required", "section-ctl table [OPTIONS] ID");
  check({"table", "a", "b"}, "too many arguments for 'table': 'b'", "section-ctl table");
  check({"table", "a", "--format", "xml"}, "--format: unknown format 'xml': choose text, json, csv or md", "section-ctl table");
  check({"status", "--format", "csv"}, "--format: unknown format 'csv': choose text or json", "section-ctl status");
  check({"measures", "--year", "soon"}, "--year: must be a whole number, not 'soon'", "section-ctl measures");
  check({"--timeout", "0", "status"}, "--timeout: must be at least 1, not 0", "section-ctl status");
  check({"export"}, "--format is required", "section-ctl export");
  check({"report", "hr", "--year", "2021", "--value", "1"}, "Exactly 1 option from [--measure,--deliverable] is required",
        "section-ctl report");
  check({"history", "--kind", "target"}, "--kind: unknown kind 'target': choose actual or planned", "section-ctl history");
  check({"token"}, "'token' needs a command: token new", "section-ctl token");
  check({"token", "old"}, "'token' has no command 'old'", "section-ctl token");
  check({"token", "new", "--name", "ci"}, "--role is required", "section-ctl token new");
  check({"--cert", "c.pem", "status"}, "--cert requires --key", "section-ctl status");
  check({"--token", "a", "--token-file", "f", "status"}, "--token excludes --token-file", "section-ctl status");
  check({"--server-name", "x", "status"}, "--server-name applies to TLS (--tls, --ca or --cert)", "section-ctl status");
}
