// `section-ctl export` without a server: the chart geometry, the four formats of Section 29F as
// the host computes it (the pure fixture), escaping and quoting, and writing to disk.
#include <algorithm>
#include <fstream>
#include <set>

#include <catch2/catch.hpp>
#include <google/protobuf/util/json_util.h>
#include <nlohmann/json.hpp>

#include "cli/export_charts.h"
#include "cli/export_files.h"
#include "cli/section_export.h"
#include "cli/svg_chart.h"
#include "cli/table_format.h"
#include "host/query/queries.h"
#include "section_fixture.h"
#include "test_env.h"

using namespace section;
namespace fs = std::filesystem;

namespace {

// What the host would serve for the fixture's view, without gRPC.
cli::SectionExport export_of(const aggregate::SectionView& view) {
  cli::SectionExport data;
  data.section = view.section;
  data.status.set_version(view.version);
  data.status.set_host_version("test");
  data.status.set_reconciliation_differences(view.reconciliation_differences);
  *data.status.mutable_section() = view.section.info();
  data.index = query::list_tables(view);
  for (const auto& info : data.index.tables()) {
    v1::GetTableRequest request;
    request.set_id(info.id());
    data.tables.push_back(*query::get_table(view, request));
  }
  data.measures = *query::list_measures(view, {});
  data.deliverables = *query::list_deliverables(view, {});
  return data;
}

const cli::SectionExport& section_29f() {
  static const cli::SectionExport data = export_of(test::view_of());
  return data;
}

bool has_number(const v1::PerformanceMeasure& measure) {
  return std::any_of(measure.values().begin(), measure.values().end(), [](const auto& v) { return v.has_number(); });
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++n;
  return n;
}

v1::MeasureValue* add_value(v1::PerformanceMeasure& m, int year, v1::ValueKind kind, std::int64_t units, std::uint32_t scale) {
  auto* v = m.add_values();
  v->set_year(year);
  v->set_kind(kind);
  v->mutable_number()->set_units(units);
  v->mutable_number()->set_scale(scale);
  return v;
}

// A small section whose texts hold markup, quotes, commas and line breaks.
cli::SectionExport hostile() {
  cli::SectionExport data;
  data.section.set_version(4);
  data.status.set_version(4);
  data.index.set_version(4);
  data.measures.set_version(4);
  data.deliverables.set_version(4);
  auto* info = data.section.mutable_info();
  info->set_number("9Z");
  info->set_title("<script>&\"Vienna\"</script>");
  info->set_budget("Budget for 2022");
  info->set_budget_year(2022);
  auto* c = data.section.add_components();
  c->set_id("ops");
  c->set_kind(v1::SUBPROGRAMME);
  c->set_subprogramme(1);
  c->set_title("Operations & <i>support</i>");
  auto* result = c->add_results();
  result->set_id("r1");
  result->set_title("Faster \"service\"");
  auto* entry = data.measures.add_measures();
  entry->set_component("ops");
  entry->set_result_id("r1");
  entry->set_result_title("Faster \"service\"");
  auto* m = entry->mutable_measure();
  m->set_id("days");
  m->set_title("Days, \"median\"\nto <deliver>");
  m->set_unit(v1::UNIT_DAYS);
  add_value(*m, 2020, v1::ACTUAL, 47, 0)->set_text("slow, then \"fast\"");
  add_value(*m, 2020, v1::TARGET, 35, 0);
  auto& table = data.tables.emplace_back();
  table.set_id("odd/ops");
  table.set_title("A <table> & \"more\"");
  table.set_version(4);
  auto* column = table.add_columns();
  column->set_key("note");
  column->set_label("Note");
  auto* row = table.add_rows();
  row->set_key("x");
  row->set_label("<b>bold</b>");
  (*row->mutable_cells())["note"].set_text("a, \"b\"\nc");
  auto* index_entry = data.index.add_tables();
  index_entry->set_id("odd/ops");
  index_entry->set_title(table.title());
  return data;
}

}  // namespace

TEST_CASE("a chart scale includes zero and steps by 1, 2, 2.5 or 5", "[export][chart]") {
  const auto percent = cli::svg::nice_scale(0, 100);
  CHECK(percent.low == 0);
  CHECK(percent.high == 100);
  CHECK(percent.step == 20);
  const auto mixed = cli::svg::nice_scale(-17.4, 35);
  CHECK(mixed.low == -20);
  CHECK(mixed.high == 40);
  const auto money = cli::svg::nice_scale(0, 10425.5);
  CHECK(money.step == 2500);
  CHECK(money.high == 12500);
  const auto none = cli::svg::nice_scale(0, 0);
  CHECK(none.low == 0);
  CHECK(none.high > 0);
  CHECK(cli::svg::tick_text(12500, 2500) == "12 500");
  CHECK(cli::svg::tick_text(-20, 20) == "-20");
  CHECK(cli::svg::tick_text(7.5, 2.5) == "7.5");
}

TEST_CASE("bar heights are proportional to the values and start at zero", "[export][chart]") {
  cli::svg::BarChart chart;
  chart.categories = {"2020", "2021"};
  chart.series = {{"Actual", "#000"}};
  chart.values = {{0, 0, 50, "50"}, {1, 0, 100, "100"}};
  const auto g = cli::svg::layout(chart);
  REQUIRE(g.bars.size() == 2);
  CHECK(g.bars[1].height == Approx(2 * g.bars[0].height));
  CHECK(g.bars[1].height == Approx(g.plot.height));  // 100 is the top of a 0–100 scale
  CHECK(g.bars[0].y + g.bars[0].height == Approx(g.zero));
  CHECK(g.zero == Approx(g.plot.y + g.plot.height));
  CHECK(g.bars[0].x < g.bars[1].x);
  CHECK(g.ticks.front().value == 0);
  CHECK(g.ticks.back().value == 100);
}

TEST_CASE("negative values hang below the zero line, or left of it", "[export][chart]") {
  cli::svg::BarChart chart;
  chart.categories = {"2020", "2021"};
  chart.series = {{"Planned", "#000"}, {"Actual", "#111"}};
  chart.values = {{0, 0, -20, "-20"}, {1, 1, 40, "40"}};
  auto g = cli::svg::layout(chart);
  CHECK(g.zero > g.plot.y);
  CHECK(g.zero < g.plot.y + g.plot.height);
  CHECK(g.bars[0].y == Approx(g.zero));
  CHECK(g.bars[1].y + g.bars[1].height == Approx(g.zero));
  CHECK(g.bars[1].height == Approx(2 * g.bars[0].height));

  chart.horizontal = true;
  g = cli::svg::layout(chart);
  CHECK(g.bars[0].x + g.bars[0].width == Approx(g.zero));
  CHECK(g.bars[1].x == Approx(g.zero));
  CHECK(g.bars[1].width == Approx(2 * g.bars[0].width));
  CHECK(g.bars[0].y < g.bars[1].y);  // one row per category, top down
}

TEST_CASE("a chart without values has no bars but still a title", "[export][chart]") {
  cli::svg::BarChart chart;
  chart.title = "Nothing <yet>";
  chart.series = {{"Actual", "#000"}};
  const auto g = cli::svg::layout(chart);
  CHECK(g.bars.empty());
  CHECK(g.scale.high > g.scale.low);
  const std::string svg = cli::svg::render(chart);
  CHECK(count(svg, "class=\"bar\"") == 0);
  CHECK_THAT(svg, Catch::Contains("aria-label=\"Nothing &lt;yet&gt;\"") && Catch::Contains("<title>Nothing &lt;yet&gt;</title>"));
}

TEST_CASE("a chart draws one bar per value with its figure and a legend", "[export][chart]") {
  cli::svg::BarChart chart;
  chart.title = "Days to deliver";
  chart.value_axis = "Days";
  chart.categories = {"2020"};
  chart.series = {{"Target", "#d08a2e"}, {"Actual", "#1f4e79"}};
  chart.values = {{0, 0, 30, "30"}, {0, 1, 35, "35"}};
  const std::string svg = cli::svg::render(chart);
  CHECK_THAT(svg, Catch::StartsWith("<svg class=\"chart\" role=\"img\" aria-label=\"Days to deliver\""));
  CHECK(count(svg, "<rect class=\"bar\"") == 2);
  CHECK(count(svg, "<rect class=\"key\"") == 2);
  CHECK_THAT(svg, Catch::Contains(">Target</text>") && Catch::Contains(">35</text>") && Catch::Contains(">Days</text>"));
  CHECK_THAT(svg, Catch::Contains("<title>Actual, 2020: 35</title>"));
}

TEST_CASE("a measure's chart has a bar per figure, by year and kind", "[export][chart]") {
  v1::PerformanceMeasure m;
  m.set_title("Staff using videoconferencing");
  m.set_unit(v1::UNIT_PERCENT);
  add_value(m, 2021, v1::PLANNED, 80, 0);
  add_value(m, 2019, v1::ACTUAL, 48, 0);
  add_value(m, 2019, v1::INTERIM, 25, 0);
  add_value(m, 2020, v1::TARGET, 625, 1);
  add_value(m, 2020, v1::ACTUAL, 90, 0);
  auto* words = m.add_values();  // a value in words only has no bar
  words->set_year(2018);
  words->set_kind(v1::ACTUAL);
  words->set_text("in-room service");
  const auto chart = cli::measure_chart(m);
  REQUIRE(chart);
  CHECK(chart->categories == std::vector<std::string>{"2019", "2020", "2021"});
  REQUIRE(chart->series.size() == 4);
  CHECK(chart->series[0].name == "Planned");
  CHECK(chart->series[1].name == "Actual");
  CHECK(chart->series[3].name == "Interim");
  REQUIRE(chart->values.size() == 5);
  CHECK(chart->values[0].category == 2);
  CHECK(chart->values[0].series == 0);
  CHECK(chart->values[3].value == Approx(62.5));
  CHECK(chart->values[3].label == "62.5%");
  CHECK(chart->value_axis == "Per cent");
  CHECK(chart->title == "Staff using videoconferencing — Planned, Actual, Target, Interim by year (Per cent)");

  v1::PerformanceMeasure in_words;
  *in_words.add_values() = *words;
  CHECK_FALSE(cli::measure_chart(in_words));
  CHECK_FALSE(cli::measure_chart(v1::PerformanceMeasure{}));
}

TEST_CASE("the resources chart shows each component's estimate from Table 29F.15", "[export][chart]") {
  const auto chart = cli::resources_chart(section_29f());
  REQUIRE(chart);
  CHECK(chart->horizontal);
  REQUIRE(chart->categories.size() == 5);
  CHECK(chart->categories[0] == "A. Executive direction and management");
  CHECK(chart->categories[3] == "3. Support services");
  REQUIRE(chart->values.size() == 10);
  CHECK(chart->values[6].category == 3);
  CHECK(chart->values[6].series == 0);
  CHECK(chart->values[6].label == "10 425.5");
  CHECK(chart->values[6].value == Approx(10425.5));
  CHECK_FALSE(cli::resources_chart(hostile()));
}

TEST_CASE("export formats are csv, md, json and html", "[export]") {
  cli::ExportFormat format;
  CHECK(cli::parse_export_format("html", &format));
  CHECK(format == cli::ExportFormat::kHtml);
  CHECK(cli::parse_export_format("md", &format));
  CHECK(format == cli::ExportFormat::kMarkdown);
  CHECK_FALSE(cli::parse_export_format("text", &format));
  CHECK_FALSE(cli::parse_export_format("xml", &format));
}

TEST_CASE("an export is of one version only when every part is", "[export]") {
  cli::SectionExport data = section_29f();
  CHECK(cli::version_range(data).consistent());
  CHECK(cli::version_range(data).low == 1);
  data.tables[3].set_version(2);
  const auto range = cli::version_range(data);
  CHECK_FALSE(range.consistent());
  CHECK(range.low == 1);
  CHECK(range.high == 2);
  data = section_29f();
  data.deliverables.set_version(0);
  CHECK_FALSE(cli::version_range(data).consistent());
}

TEST_CASE("every table is placed once, each component's with the component", "[export]") {
  const auto& data = section_29f();
  const auto placement = cli::place_tables(data);
  std::multiset<std::string> placed;
  for (const auto* t : placement.overall) placed.insert(t->id());
  for (const auto& list : placement.components) {
    for (const auto* t : list) placed.insert(t->id());
  }
  for (const auto* t : placement.closing) placed.insert(t->id());
  CHECK(placed.size() == data.tables.size());
  for (const auto& t : data.tables) CHECK(placed.count(t.id()) == 1);
  REQUIRE(placement.components.size() == 5);
  REQUIRE(placement.components[1].size() == 3);
  CHECK(placement.components[1][0]->id() == "measures/finance");
  CHECK(placement.components[1][1]->id() == "deliverables/finance");
  CHECK(placement.components[1][2]->id() == "component-evolution/finance");
  REQUIRE(placement.closing.size() == 3);
  CHECK(placement.closing[0]->id() == "deliverables");
  CHECK(placement.closing[2]->id() == "reconciliation");
  CHECK(placement.overall.front()->id() == "financial-by-object");
}

TEST_CASE("measures are grouped under their results, compliance last", "[export]") {
  const auto& data = section_29f();
  std::vector<bool> used;
  const auto hr = cli::measure_groups(data, data.section.components(2), used);
  REQUIRE(hr.size() == 4);
  CHECK_THAT(hr[0].title, Catch::StartsWith("Highlighted result: Greater geographical diversity of interns"));
  CHECK(hr[1].title == "Result 1: Improved programme delivery through optimized performance");
  CHECK(hr[3].measures.size() == 1);
  const auto edm = cli::measure_groups(data, data.section.components(0), used);
  REQUIRE_FALSE(edm.empty());
  CHECK(edm.back().title == "Compliance");
  CHECK(edm.back().measures.size() == 2);
}

TEST_CASE("the HTML export is one self-contained page with a chart per measure with figures", "[export][html]") {
  const auto& data = section_29f();
  const std::string html = cli::export_html(data);
  CHECK_THAT(html, Catch::StartsWith("<!DOCTYPE html>\n<html lang=\"en\">"));
  CHECK_THAT(html, Catch::EndsWith("</html>\n"));
  CHECK_THAT(html, Catch::Contains("<h1>Section 29F: Administration, Vienna</h1>"));
  CHECK_THAT(html, Catch::Contains("default-src 'none'"));
  // Nothing is loaded from anywhere.
  for (const char* external : {"<link", " src=", "url(", "@import", "http://", "https://"}) {
    INFO(external);
    CHECK(count(html, external) == 0);
  }
  std::size_t with_figures = 0;
  std::size_t without = 0;
  for (const auto& entry : data.measures.measures()) {
    has_number(entry.measure()) ? ++with_figures : ++without;
    const bool transcribed = entry.measure().provenance().title_transcribed();
    CHECK_THAT(html, Catch::Contains("<h5>" + cli::svg::escape(entry.measure().title()) +
                                     (transcribed ? " <span class=\"transcribed\"" : "</h5>")));
  }
  CHECK(with_figures >= 10);
  CHECK(count(html, "<svg class=\"chart\"") == with_figures + 1);  // and the resources by component
  CHECK(count(html, "<p class=\"no-figures\">") == without);
  CHECK(count(html, "font-size=\"11\">\n<title>") == with_figures + 1);  // each chart's title comes first
  for (const auto& table : data.tables) {
    CHECK_THAT(html, Catch::Contains("<section class=\"table\" id=\"table-" + table.id() + "\">"));
    CHECK_THAT(html, Catch::Contains("<a href=\"#table-" + table.id() + "\">"));
  }
  CHECK(count(html, "<section class=\"table\"") == data.tables.size());
  // Layout: overall resources, then the components in order, then the reconciliation.
  const auto overall = html.find("<section id=\"overall\">");
  const auto finance = html.find("<section class=\"component\" id=\"component-finance\">");
  const auto ict = html.find("<section class=\"component\" id=\"component-ict\">");
  const auto reconciliation = html.find("id=\"table-reconciliation\"");
  CHECK(overall < finance);
  CHECK(finance < ict);
  CHECK(ict < reconciliation);
  CHECK(reconciliation != std::string::npos);
  CHECK_THAT(html, Catch::Contains("<h2>Subprogramme 1: Programme planning, finance and budget</h2>"));
  CHECK_THAT(html, Catch::Contains("Reconciliation: 2 printed figures differ"));
  // Money as the fascicle prints it, in the resources chart and the tables.
  CHECK_THAT(html, Catch::Contains(">10 425.5</text>"));
  CHECK_THAT(html, Catch::Contains("<td class=\"num\">19 762.9</td>"));
  CHECK_THAT(html, Catch::Contains("aria-label=\"Number of days to deliver equipment — Actual, Target by year (Days)\""));
  CHECK(count(html, "<script>") == 1);  // the render check only
}

namespace {

// The part of a page or document from `from` to the next `to`.
std::string part_of(const std::string& text, const std::string& from, const std::string& to) {
  const auto start = text.find(from);
  REQUIRE(start != std::string::npos);
  return text.substr(start, text.find(to, start + from.size()) - start);
}

}  // namespace

TEST_CASE("headings and titles the fascicle does not print are marked in every export", "[export][transcribed]") {
  const auto& data = section_29f();
  const std::string legend = cli::kTranscribedLegend;
  REQUIRE(cli::any_transcribed(data));

  const std::string html = cli::export_html(data);
  const std::string mark = " <span class=\"transcribed\"";
  CHECK_THAT(html, Catch::Contains("<p class=\"meta\">" + cli::svg::escape(legend) + "</p>"));
  CHECK_THAT(html, Catch::Contains("<h5>Tracking of client service requests" + mark));                 // Table 29F.2
  CHECK_THAT(html, Catch::Contains("<h5>Number of days to approve project revisions</h5>"));           // Figure 29F.I
  CHECK_THAT(html, Catch::Contains("<h3>Entities served" + mark));                                     // para 29F.3
  CHECK_THAT(html, Catch::Contains("<h3>Mandates and background</h3>"));                               // printed
  CHECK_THAT(html, Catch::Contains("<th scope=\"row\">Tracking of client service requests" + mark));  // measures/finance
  const std::string finance_measures = part_of(html, "id=\"table-measures/finance\"", "</section>");
  CHECK_THAT(finance_measures, Catch::Contains("<p class=\"note\">" + cli::svg::escape(legend) + "</p>"));
  CHECK_THAT(part_of(html, "id=\"table-compliance\"", "</section>"), !Catch::Contains("transcribed"));

  const std::string md = cli::export_markdown(data);
  CHECK_THAT(md, Catch::Contains("section version 1.\n\n" + legend + "\n\n"));
  CHECK_THAT(md, Catch::Contains("#### Tracking of client service requests †\n"));
  CHECK_THAT(md, Catch::Contains("#### Number of days to approve project revisions\n"));
  CHECK_THAT(md, Catch::Contains("### Entities served †\n") && Catch::Contains("### Mandates and background\n"));
  CHECK_THAT(md, Catch::Contains("**Impact of COVID-19 on subprogramme delivery.**"));
  CHECK_THAT(md, Catch::Contains("| Tracking of client service requests † |"));

  const auto csv = cli::export_csv(data);
  CHECK_THAT(csv[1].text, Catch::Contains(",illustrative,title_transcribed\n"));
  CHECK_THAT(csv[1].text, Catch::Contains("finance,enhanced_client_services,Enhanced client services,client_request_tracking,") &&
                              Catch::Contains(",Table 29F.2,false,true\n"));
  CHECK_THAT(csv[1].text, Catch::Contains(",para 29F.24,false,false\n"));  // Figure 29F.I's 47 days

  CHECK_THAT(cli::export_json(data), Catch::Contains("\"title_transcribed\": true"));

  // An export without such words shows neither mark nor legend.
  const cli::SectionExport plain = hostile();
  REQUIRE_FALSE(cli::any_transcribed(plain));
  CHECK_THAT(cli::export_html(plain), !Catch::Contains("†") && !Catch::Contains("transcriber"));
  CHECK_THAT(cli::export_markdown(plain), !Catch::Contains("†") && !Catch::Contains("transcriber"));
}

TEST_CASE("executive direction and management shows its description and no objective", "[export]") {
  const auto& data = section_29f();
  const std::string html = part_of(cli::export_html(data), "id=\"component-edm\"", "<h3>");
  CHECK_THAT(html, Catch::Contains("<p><span class=\"para\">para 29F.104</span>Executive direction and management is the "
                                   "responsibility of the Director of the Division for"));
  CHECK_THAT(html, !Catch::Contains("Objective."));
  const std::string md = part_of(cli::export_markdown(data), "## Executive direction and management", "###");
  CHECK_THAT(md, Catch::Contains("Executive direction and management is the responsibility") &&
                     Catch::Contains("*(para 29F.104)*") && !Catch::Contains("**Objective.**"));
  const std::string finance = part_of(cli::export_markdown(data), "## Subprogramme 1:", "###");
  CHECK_THAT(finance, Catch::Contains("**Objective.** The objective, to which this subprogramme contributes"));
}

TEST_CASE("the HTML export escapes every text", "[export][html]") {
  const std::string html = cli::export_html(hostile());
  CHECK(count(html, "<script") == 1);
  CHECK_THAT(html, Catch::Contains("<h1>Section 9Z: &lt;script&gt;&amp;&quot;Vienna&quot;&lt;/script&gt;</h1>"));
  CHECK_THAT(html, Catch::Contains("<h2>Subprogramme 1: Operations &amp; &lt;i&gt;support&lt;/i&gt;</h2>"));
  CHECK_THAT(html, Catch::Contains("<h3>Result 1: Faster &quot;service&quot;</h3>"));
  CHECK_THAT(html, Catch::Contains("aria-label=\"Days, &quot;median&quot;\nto &lt;deliver&gt; — Actual, Target by year (Days)\""));
  CHECK_THAT(html, Catch::Contains("<td>47 days — slow, then &quot;fast&quot;</td>"));
  CHECK_THAT(html, Catch::Contains("<th scope=\"row\">&lt;b&gt;bold&lt;/b&gt;</th>"));
  CHECK_THAT(html, Catch::Contains("A &lt;table&gt; &amp; &quot;more&quot;"));
  CHECK(count(html, "<b>bold") == 0);
  CHECK(count(html, "<i>support") == 0);
  CHECK(count(html, "<deliver>") == 0);
}

TEST_CASE("the Markdown export has every table, component and measure", "[export][md]") {
  const auto& data = section_29f();
  const std::string md = cli::export_markdown(data);
  CHECK_THAT(md, Catch::StartsWith("# Section 29F: Administration, Vienna\n\n*Proposed programme budget for 2022*"));
  for (const auto& table : data.tables) {
    const std::string heading = table.source().empty() ? table.title() : table.source() + " — " + table.title();
    CHECK(count(md, "\n### " + heading + "\n") == 1);
  }
  CHECK_THAT(md, Catch::Contains("## Subprogramme 3: Support services"));
  CHECK_THAT(md, Catch::Contains("#### Number of days to deliver equipment\n\n- 2020 target: 30 days\n- 2020 actual: 35 days\n"));
  CHECK_THAT(md, Catch::Contains("*No figures are given for this measure.*"));
  CHECK_THAT(md, Catch::Contains("| **Total** | 18 280.4 | 19 833.5 |"));

  const std::string odd = cli::export_markdown(hostile());
  CHECK_THAT(odd, Catch::StartsWith("# Section 9Z: \\<script\\>&\"Vienna\"\\</script\\>"));
}

// A message as protobuf's JSON printer gives it, with the .proto field names.
nlohmann::ordered_json proto_json(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  std::string text;
  REQUIRE(google::protobuf::util::MessageToJsonString(message, &text, options).ok());
  return nlohmann::ordered_json::parse(text);
}

TEST_CASE("the JSON export parses and holds every table, measure and deliverable", "[export][json]") {
  const auto& data = section_29f();
  const std::string text = cli::export_json(data);
  const auto json = nlohmann::ordered_json::parse(text);
  std::vector<std::string> keys;
  for (const auto& item : json.items()) keys.push_back(item.key());
  CHECK(keys == std::vector<std::string>{"version", "status", "section", "tables", "measures", "deliverables"});
  CHECK(json["version"].is_number_integer());
  CHECK(json["version"] == 1);
  const auto& tables = json["tables"];
  REQUIRE(tables.size() == data.tables.size());
  for (std::size_t i = 0; i < tables.size(); ++i) {
    CHECK(tables[i]["id"] == data.tables[i].id());
    CHECK(tables[i] == cli::table_json(data.tables[i]));  // the same as `section-ctl table ID --format json`
  }
  // The messages as proto3 JSON (int64 as strings, enums by name), keys in the .proto's order.
  CHECK(json["status"] == proto_json(data.status));
  CHECK(json["section"] == proto_json(data.section));
  CHECK(json["section"]["info"]["number"] == "29F");
  REQUIRE(json["measures"].size() == static_cast<std::size_t>(data.measures.measures_size()));
  for (int i = 0; i < data.measures.measures_size(); ++i) CHECK(json["measures"][i] == proto_json(data.measures.measures(i)));
  REQUIRE(json["deliverables"].size() == static_cast<std::size_t>(data.deliverables.deliverables_size()));
  for (int i = 0; i < data.deliverables.deliverables_size(); ++i) {
    CHECK(json["deliverables"][i] == proto_json(data.deliverables.deliverables(i)));
  }
  // Money stays whole dollars, as in `section-ctl table --format json`.
  const auto by_component = std::find_if(tables.begin(), tables.end(), [](const auto& t) { return t["id"] == "financial-by-component-rb"; });
  REQUIRE(by_component != tables.end());
  const auto& rows = (*by_component)["rows"];
  const auto support = std::find_if(rows.begin(), rows.end(), [](const auto& row) { return row["key"] == "support"; });
  REQUIRE(support != rows.end());
  CHECK((*support)["cells"]["estimate"].is_number_integer());
  CHECK((*support)["cells"]["estimate"] == 10425500);
  CHECK_THAT(text, Catch::Contains("\"percentage\": -0.3,\n") && Catch::Contains("\"estimate\": 10425500\n"));
  // One layout throughout: the messages are indented like the rest, by two spaces a level.
  CHECK_THAT(text, Catch::StartsWith("{\n  \"version\": 1,\n  \"status\": {\n    \"host_version\": \"test\",\n"));

  const auto odd = nlohmann::ordered_json::parse(cli::export_json(hostile()));
  CHECK(odd["tables"][0]["title"] == "A <table> & \"more\"");
}

TEST_CASE("the CSV export writes an index, the measures, the deliverables and one file per table", "[export][csv]") {
  const auto& data = section_29f();
  const auto files = cli::export_csv(data);
  REQUIRE(files.size() == data.tables.size() + 3);
  CHECK(files[0].name == "index.csv");
  CHECK(files[1].name == "measures.csv");
  CHECK(files[2].name == "deliverables.csv");
  std::set<std::string> names;
  for (const auto& f : files) names.insert(f.name);
  CHECK(names.size() == files.size());
  CHECK(names.count("tables/component-evolution.edm.csv") == 1);
  CHECK(names.count("tables/deliverables.csv") == 1);
  CHECK_THAT(files[0].text, Catch::StartsWith(std::string(cli::kCsvIndexHeader) + "\nmeasures.csv,measures,"));
  CHECK_THAT(files[0].text, Catch::Contains("\ntables/financial-by-component-rb.csv,table,financial-by-component-rb,Table 29F.15 (1),"));
  CHECK(count(files[0].text, "\n") == data.tables.size() + 3);
  CHECK_THAT(files[1].text, Catch::Contains("\nsupport,equipment_delivery,Faster delivery of equipment to end beneficiaries,days_to_deliver_equipment,"));
  CHECK_THAT(files[1].text, Catch::Contains(",days,false,2020,actual,35,,,"));
  // A measure without values keeps a line.
  CHECK_THAT(files[1].text, Catch::Contains("hr,") && Catch::Contains("Geographical diversity of interns"));
  CHECK_THAT(files[2].text, Catch::Contains("section,fifth_committee_meetings,A,"));
  const auto table = std::find_if(files.begin(), files.end(), [](const auto& f) { return f.name == "tables/posts-by-grade.csv"; });
  REQUIRE(table != files.end());
  CHECK_THAT(table->text, Catch::Contains("gs_ol,GS (OL),0,posts,57,0,0,0,0,57"));
}

TEST_CASE("CSV quotes commas, quotes and line breaks", "[export][csv]") {
  const auto files = cli::export_csv(hostile());
  REQUIRE(files.size() == 4);
  CHECK(files[1].text ==
        "component,result_id,result_title,measure_id,measure_title,unit,cumulative,year,kind,number,text,reported_by,source,"
        "illustrative,title_transcribed\n"
        "ops,r1,\"Faster \"\"service\"\"\",days,\"Days, \"\"median\"\"\nto <deliver>\",days,false,2020,actual,47,"
        "\"slow, then \"\"fast\"\"\",,,false,false\n"
        "ops,r1,\"Faster \"\"service\"\"\",days,\"Days, \"\"median\"\"\nto <deliver>\",days,false,2020,target,35,,,,false,false\n");
  CHECK(files[3].name == "tables/odd.ops.csv");
  CHECK_THAT(files[3].text, Catch::Contains("x,<b>bold</b>,0,,\"a, \"\"b\"\"\nc\"\n"));
  CHECK_THAT(files[0].text, Catch::Contains("tables/odd.ops.csv,table,odd/ops,,\"A <table> & \"\"more\"\"\",4\n"));
}

TEST_CASE("table files never collide", "[export][csv]") {
  cli::SectionExport data;
  for (const char* id : {"a?b", "a*b", "measures"}) data.tables.emplace_back().set_id(id);
  const auto files = cli::export_csv(data);
  REQUIRE(files.size() == 6);
  CHECK(files[3].name == "tables/a_b.csv");
  CHECK(files[4].name == "tables/a_b-2.csv");
  CHECK(files[5].name == "tables/measures.csv");
}

TEST_CASE("a CSV directory is created, replaced when it holds an export, refused otherwise", "[export][csv][files]") {
  test::TempDir dir;
  const auto files = cli::export_csv(section_29f());
  const fs::path out = dir.path() / "new" / "export";
  REQUIRE_FALSE(cli::write_csv_directory(out, files));
  CHECK(fs::exists(out / "index.csv"));
  CHECK(fs::exists(out / "tables" / "financial-by-object.csv"));
  CHECK(test::read_file(out / "measures.csv") == files[1].text);

  // An earlier export is replaced, and a table that is gone leaves no file behind.
  std::ofstream(out / "tables" / "gone.csv") << "row\n";
  REQUIRE_FALSE(cli::write_csv_directory(out, files));
  CHECK_FALSE(fs::exists(out / "tables" / "gone.csv"));

  // Anything else is refused, and left as it was.
  std::ofstream(out / "notes.txt") << "mine\n";
  const auto refused = cli::write_csv_directory(out, files);
  REQUIRE(refused);
  CHECK_THAT(*refused, Catch::Contains((out / "notes.txt").string()) && Catch::Contains("not from an export"));
  CHECK(test::read_file(out / "notes.txt") == "mine\n");

  const fs::path other = dir.path() / "other";
  fs::create_directories(other);
  std::ofstream(other / "data.csv") << "a,b\n";
  const auto foreign = cli::write_csv_directory(other, files);
  REQUIRE(foreign);
  CHECK_THAT(*foreign, Catch::Contains(other.string() + " is not empty and holds no earlier export"));
  CHECK(fs::exists(other / "data.csv"));
}

TEST_CASE("write errors name the path", "[export][files]") {
  test::TempDir dir;
  const fs::path file = dir.write("plain.txt", "x");
  const auto below_file = cli::write_text_file(file / "out.html", "<p>");
  REQUIRE(below_file);
  CHECK_THAT(*below_file, Catch::StartsWith("cannot write " + (file / "out.html").string() + ": "));
  const auto csv_below_file = cli::write_csv_directory(file / "csv", cli::export_csv(hostile()));
  REQUIRE(csv_below_file);
  CHECK_THAT(*csv_below_file, Catch::Contains((file / "csv").string()));
  REQUIRE_FALSE(cli::write_text_file(dir.path() / "page.html", "<p>"));
  CHECK(test::read_file(dir.path() / "page.html") == "<p>");
}
