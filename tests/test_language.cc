// Text by language (docs/architecture.md, decision 24): BCP 47 tags, the map form of the data
// files, accept-language, answers localized by reflection, the tables' Chinese and their layout.
// Fixtures: tests/fixtures/language/, every zh in them verbatim from the source.
#include <algorithm>
#include <regex>
#include <set>

#include <catch2/catch.hpp>
#include <google/protobuf/util/message_differencer.h>

#include "cli/table_format.h"
#include "host/aggregate/table_languages.h"
#include "host/config/section_file.h"
#include "host/query/language.h"
#include "host/query/localize.h"
#include "section/sdk/language.h"
#include "section/sdk/sdk.h"
#include "section/sdk/vocabulary.h"
#include "section_fixture.h"
#include "test_env.h"

using namespace section;

namespace {

std::filesystem::path fixture_file(const std::string& name) { return test::source_dir() / "tests/fixtures/language" / name; }

v1::Component fixture_component() { return sdk::read_component_file(fixture_file("component.zh.yaml")); }

config::SectionFile fixture_section() {
  auto section = config::load_section_file(fixture_file("section.zh.yaml"));
  INFO(section.status().ToString());
  REQUIRE(section.ok());
  return *section;
}

std::string error_of(const std::string& yaml) {
  try {
    sdk::read_component_string(yaml, "data.yaml");
  } catch (const sdk::DataError& e) {
    return e.what();
  }
  return "";
}

const char* kHead = "component: {id: x, kind: subprogramme, subprogramme: 5, title: X, budget_year: 2022}\n";

std::string zh_of(const language::Forms& forms, const std::string& field) {
  const v1::TextForms* found = language::find(forms, field);
  const std::string* zh = found == nullptr ? nullptr : language::text_in(*found, "zh");
  return zh == nullptr ? "" : *zh;
}

// The forms of `field`; fails the test when there are none.
const v1::TextForms& forms_of(const language::Forms& forms, const std::string& field) {
  const v1::TextForms* found = language::find(forms, field);
  INFO(field);
  REQUIRE(found != nullptr);
  return *found;
}

std::string text_of(const language::Forms& forms, const std::string& field, const std::string& tag) {
  const std::string* text = language::text_in(forms_of(forms, field), tag);
  return text == nullptr ? "(none)" : *text;
}

// The source without white space: the fascicle's lines break inside sentences and table cells.
std::string squeezed(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') out += c;
  }
  return out;
}

const std::string& source_squeezed() {
  static const std::string text = squeezed(test::read_file(test::source_dir() / "tests/fixtures/source/section-29f.zh.txt"));
  return text;
}

const v1::Table& table_in(const aggregate::SectionView& view, const std::string& id) { return test::table(view, id); }

// The display columns at which each cell of a line ends: cells are apart by two spaces or more
// ("9 645.2" and "2020 年支出数" are one cell each), so where a right-aligned column ends.
std::vector<std::size_t> run_ends(const std::string& line) {
  std::vector<std::size_t> ends;
  std::size_t column = 0;
  std::size_t last_end = 0;  // the column after the last non-space character
  int spaces = 0;
  bool any = false;
  for (std::size_t at = 0; at < line.size();) {
    std::size_t length = 1;
    const auto c = static_cast<unsigned char>(line[at]);
    if (c >= 0xF0) length = 4; else if (c >= 0xE0) length = 3; else if (c >= 0xC0) length = 2;
    const std::string character = line.substr(at, length);
    column += cli::display_width(character);
    at += length;
    if (character == " ") {
      if (++spaces == 2 && any) ends.push_back(last_end);
      continue;
    }
    if (spaces >= 2 || !any) any = true;
    spaces = 0;
    last_end = column;
  }
  if (spaces < 2 && any) ends.push_back(last_end);
  return ends;
}

}  // namespace

TEST_CASE("language tags are checked against BCP 47's syntax", "[language]") {
  for (const char* tag : {"en", "zh", "zh-Hans", "zh-Hant-TW", "en-GB", "es-419", "sr-Latn-RS", "de-CH-1901", "zh-cmn-Hans-CN",
                          "en-US-u-ca-gregory", "x-private", "en-x-ours", "ZH-hans"}) {
    INFO(tag);
    CHECK(language::well_formed(tag));
  }
  for (const char* tag : {"", "e", "zh_CN", "en-", "-en", "12", "en--GB", "chinese-simplified", "zh-Hans-x", "en-u", "中文"}) {
    INFO(tag);
    CHECK_FALSE(language::well_formed(tag));
  }
}

TEST_CASE("accept-language is parsed with its q-values, and bad values are refused with the reason", "[language]") {
  auto ranges = query::parse_accept_language("zh-CN, en;q=0.5 ,*;q=0.1,fr;q=0");
  REQUIRE(ranges.ok());
  REQUIRE(ranges->size() == 4);
  CHECK((*ranges)[0].range == "zh-cn");
  CHECK((*ranges)[0].weight == 1000);
  CHECK((*ranges)[1].weight == 500);
  CHECK((*ranges)[2].range == "*");
  CHECK((*ranges)[3].weight == 0);
  const std::pair<const char*, const char*> bad[] = {
      {"", "is empty"},
      {"zh_CN", "is not a BCP 47 language tag"},
      {"zh;q=2", "q-value"},
      {"zh;q=0.1234", "q-value"},
      {"zh;level=1", "parameter other than q="},
      {" , ", "names no language"},
  };
  for (const auto& [value, reason] : bad) {
    auto parsed = query::parse_accept_language(value);
    INFO(value);
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.status().code() == absl::StatusCode::kInvalidArgument);
    CHECK_THAT(std::string(parsed.status().message()), Catch::StartsWith("accept-language: ") && Catch::Contains(reason));
  }
  // HTTP's lang parameter takes the same values, and its errors name it.
  CHECK(std::string(query::parse_accept_language("zh_CN", "lang").status().message()).rfind("lang: 'zh_CN' is not", 0) == 0);
}

TEST_CASE("accept-language is capped: a range of 256 bytes, 32 ranges, and the error quotes a short part", "[language]") {
  const std::string long_range = "x-" + std::string(255, 'a');
  auto parsed = query::parse_accept_language(long_range);
  REQUIRE_FALSE(parsed.ok());
  const std::string message(parsed.status().message());
  CHECK_THAT(message, Catch::Contains("is longer than 256 bytes") && Catch::Contains("(257 bytes)"));
  CHECK(message.size() < 200);  // the part is cut, not echoed whole
  std::string many;
  for (int i = 0; i < 32; ++i) many += "zh;q=0.5,";
  CHECK(query::parse_accept_language(many).ok());
  parsed = query::parse_accept_language(many + "en");
  REQUIRE_FALSE(parsed.ok());
  CHECK_THAT(std::string(parsed.status().message()), Catch::Contains("has more than 32 language ranges"));
  CHECK(std::string(parsed.status().message()).size() < 200);
  // A malformed tag of 250 bytes is named, cut.
  parsed = query::parse_accept_language(std::string(250, 'z'));
  REQUIRE_FALSE(parsed.ok());
  CHECK_THAT(std::string(parsed.status().message()), Catch::Contains("(250 bytes)") && Catch::Contains("not a BCP 47"));
}

TEST_CASE("content-language gives the tag in its canonical case", "[language]") {
  CHECK(query::canonical_case("zh") == "zh");
  CHECK(query::canonical_case("zh-hant") == "zh-Hant");
  CHECK(query::canonical_case("ZH-HANT-TW") == "zh-Hant-TW");
  CHECK(query::canonical_case("en-gb") == "en-GB");
  CHECK(query::canonical_case("es-419") == "es-419");
  CHECK(query::canonical_case("de-ch-1996") == "de-CH-1996");
  CHECK(query::canonical_case("en-a-bbb-x-ab-cdef") == "en-a-bbb-x-ab-cdef");  // after a singleton: lower case
  CHECK(query::canonical_case("x-abcd") == "x-abcd");
}

TEST_CASE("the answer's language: the one asked for, then English, then the source's", "[language]") {
  const std::set<std::string> both = {"en", "zh"};
  const auto choose = [](const std::string& value, const std::set<std::string>& available) {
    auto ranges = query::parse_accept_language(value);
    REQUIRE(ranges.ok());
    return query::choose_language(*ranges, available, "zh");
  };
  CHECK(choose("zh", both) == "zh");
  CHECK(choose("zh-Hans-CN", both) == "zh");          // RFC 4647 lookup: zh-hans-cn, zh-hans, zh
  CHECK(choose("ZH-cn", both) == "zh");
  CHECK(choose("fr, zh;q=0.8", both) == "zh");        // French is not served: the next choice
  CHECK(choose("en;q=0.4, zh;q=0.9", both) == "zh");  // by weight, not by order
  CHECK(choose("zh;q=0.5, en;q=0.5", both) == "zh");  // equal weights keep their order
  CHECK(choose("fr", both) == "en");                  // nothing matches: English
  CHECK(choose("zh;q=0, fr", both) == "en");          // q=0: not acceptable
  CHECK(choose("*", both) == "en");
  CHECK(choose("fr", {"zh"}) == "zh");                // no English at all: the source's
  CHECK(choose("zh-Hant", {"en", "zh-hant", "zh"}) == "zh-hant");
}

TEST_CASE("a data file's texts may be written by language, with their origin", "[language][reader]") {
  const v1::Component c = fixture_component();
  CHECK(c.title() == "Programme planning, finance and budget");
  CHECK(zh_of(c.languages(), "title") == "方案规划、财务和预算");
  CHECK(forms_of(c.languages(), "title").origin() == v1::TEXT_ORIGIN_AS_PRINTED);
  CHECK(zh_of(c.objective().languages(), "text") == "本次级方案促进的目标是，确保客户机构进行健全、高成效和高效率的财务管理。");
  // Ours and the transcriber's: no as-printed form; origin transcriber is the older flag too.
  CHECK(forms_of(c.strategy(0).languages(), "heading").origin() == v1::TEXT_ORIGIN_TRANSCRIBER);
  CHECK(c.strategy(0).provenance().title_transcribed());
  CHECK(forms_of(c.strategy(0).languages(), "text").origin() == v1::TEXT_ORIGIN_OURS);
  CHECK(forms_of(c.strategy(0).languages(), "text").text().empty());
  CHECK(forms_of(c.strategy(1).languages(), "heading").origin() == v1::TEXT_ORIGIN_TRANSCRIBER);  // heading_transcribed
  CHECK(language::find(c.strategy(1).languages(), "text") == nullptr);  // plain English: not said
  const auto& measure = c.results(0).measures(0);
  CHECK(measure.provenance().title_transcribed());
  CHECK(forms_of(measure.values(0).provenance().languages(), "note").origin() == v1::TEXT_ORIGIN_OURS);
  CHECK(zh_of(c.deliverables(0).languages(), "subcategory") == "议事机构文件(文件数目)");
  CHECK(zh_of(c.mandates(0).languages(), "body") == "大会");
  CHECK(language::find(c.mandates(0).languages(), "title") == nullptr);
  // Lists, not maps: the same file reads into the same bytes (a plugin's unchanged data
  // publishes no new version, decision 20).
  CHECK(fixture_component().SerializeAsString() == c.SerializeAsString());
}

TEST_CASE("a text by language is refused with file, field and reason when it is wrong", "[language][reader]") {
  const std::string head = kHead;
  CHECK(error_of(head + "objective: {text: {en: To test., zh: 目标}}\n").empty());
  CHECK(error_of(head + "objective: {text: {en: To test., fr: Tester., zh-Hant: 目標}}\n").empty());  // any well-formed tag
  CHECK_THAT(error_of(head + "objective: {text: {en: To test., zh_CN: 目标}}\n"),
             Catch::Contains("data.yaml:2") && Catch::Contains("objective.text.zh_CN") &&
                 Catch::Contains("'zh_CN' is not a BCP 47 language tag"));
  CHECK_THAT(error_of(head + "objective: {text: {}}\n"),
             Catch::Contains("objective.text") && Catch::Contains("needs at least 'en'"));
  CHECK_THAT(error_of(head + "objective: {text: {zh: 目标}}\n"),
             Catch::Contains("objective.text") && Catch::Contains("needs its English, 'en'"));
  CHECK_THAT(error_of(head + "objective: {text: {en: To test., zh: 目标, origin: ours}}\n"),
             Catch::Contains("objective.text") && Catch::Contains("'origin: ours' is not printed in the source") &&
                 Catch::Contains("'zh'"));
  CHECK_THAT(error_of(head + "objective: {text: {en: To test., origin: theirs}}\n"),
             Catch::Contains("objective.text.origin") && Catch::Contains("not one of"));
  CHECK_THAT(error_of(head + "objective: {text: {en: '', zh: 目标}}\n"), Catch::Contains("objective.text.en"));
  CHECK_THAT(error_of(head + "objective: {text: To test.}\nstrategy:\n  - {heading: {en: H, zh: 战略}, heading_transcribed: true, text: T}\n"),
             Catch::Contains("strategy[0].heading_transcribed") && Catch::Contains("given as printed in 'zh'"));
  CHECK_THAT(error_of(head + "objective: {text: To test.}\nmandates:\n  - {body: B, symbol: {en: S}, title: T}\n"),
             Catch::Contains("mandates[0].symbol") && Catch::Contains("expected a value"));
}

TEST_CASE("the section file's texts, table notes and quotes may be written by language", "[language][config]") {
  const config::SectionFile section = fixture_section();
  CHECK(section.info.title() == "Administration, Vienna");
  CHECK(zh_of(section.info.languages(), "title") == "行政，维也纳");
  CHECK(zh_of(section.info.languages(), "part") == "第八编 共同支助事务");
  CHECK(language::find(section.info.languages(), "budget") == nullptr);
  REQUIRE(section.table_note_languages.at("financial-by-object").size() == 2);
  CHECK(section.table_note_languages.at("financial-by-object")[0].origin() == v1::TEXT_ORIGIN_OURS);
  CHECK(section.figures.at(0).quote == "under supplies and materials ($23,000)");
  CHECK(*language::text_in(section.figures.at(0).quote_languages, "zh") == "用品和材料项下所需资源减少(23 000 美元)");
  test::TempDir dir;
  const auto bad = dir.write("s.yaml", test::replace(test::read_file(fixture_file("section.zh.yaml")), "zh: 行政，维也纳", "zh-: 行政"));
  auto refused = config::load_section_file(bad);
  REQUIRE_FALSE(refused.ok());
  CHECK_THAT(std::string(refused.status().message()), Catch::Contains("s.yaml:5") && Catch::Contains("section.title.zh-") &&
                                                          Catch::Contains("not a BCP 47 language tag"));
}

TEST_CASE("every Chinese word of the fixtures and of the tables' vocabulary is printed in the source", "[language][source]") {
  std::vector<std::string> passages;
  const std::regex zh_value(R"re(zh: "?([^"}\n]+)"?)re");
  for (const char* name : {"component.zh.yaml", "section.zh.yaml"}) {
    const std::string text = test::read_file(fixture_file(name));
    for (std::sregex_iterator it(text.begin(), text.end(), zh_value), end; it != end; ++it) passages.push_back((*it)[1]);
  }
  CHECK(passages.size() >= 10);
  for (const auto& term : vocabulary::objects_of_expenditure()) passages.emplace_back(term.zh);
  for (const auto& term : vocabulary::categories()) passages.emplace_back(term.zh);
  for (const auto& grade : vocabulary::grades()) passages.emplace_back(grade.zh);
  for (const auto& word : vocabulary::table_words()) {
    std::string zh = vocabulary::table_word_zh(word.key, 2022);
    // Titles are printed in parts: the title, then "(1) 经常预算" on a line of its own; and
    // "{component}" stands for "行政领导和管理" or "次级方案 1".
    for (const auto& part : {std::string(" — "), std::string("{component}")}) {
      if (auto at = zh.find(part); at != std::string::npos) {
        passages.push_back(zh.substr(at + part.size()));
        zh.erase(at);
      }
    }
    if (!zh.empty()) passages.push_back(zh);
  }
  for (const auto& passage : passages) {
    INFO(passage);
    CHECK_FALSE(squeezed(passage).empty());
    CHECK(source_squeezed().find(squeezed(passage)) != std::string::npos);
  }
}

TEST_CASE("the measures' year headings read as each printed table does: 业绩 in Tables 29F.2 and 29F.4", "[language][tables]") {
  const aggregate::SectionView view = test::view_of();
  for (const char* id : {"measures/finance", "measures/hr"}) {
    INFO(id);
    const v1::Table& table = table_in(view, id);
    bool actual = false;
    for (const auto& column : table.columns()) {
      const std::string zh = zh_of(column.languages(), "label");
      if (column.key().rfind("actual_", 0) == 0) {
        CHECK(zh == column.key().substr(7) + " 年(实际业绩)");
        actual = true;
      }
      if (column.key().rfind("planned_", 0) == 0) CHECK(zh == column.key().substr(8) + " 年(计划业绩)");
    }
    CHECK(actual);
  }
  for (const char* id : {"measures/ict", "measures/support"}) {
    INFO(id);
    const v1::Table& table = table_in(view, id);
    for (const auto& column : table.columns()) {
      if (column.key().rfind("actual_", 0) == 0) CHECK(zh_of(column.languages(), "label") == column.key().substr(7) + " 年(实际数)");
    }
  }
}

TEST_CASE("the tables carry the fascicle's Chinese beside their English", "[language][tables]") {
  const aggregate::SectionView view = test::view_of_components({fixture_component()}, fixture_section());
  const v1::Table& table = table_in(view, "financial-by-object");
  CHECK(table.title() == "Overall: evolution of financial resources by object of expenditure");
  CHECK(zh_of(table.languages(), "title") == "总表：按支出用途列示的财政资源演变情况");
  CHECK(zh_of(table.languages(), "unit") == "千美元");
  CHECK(zh_of(table.columns(0).languages(), "label") == "2020 年支出数");
  CHECK(zh_of(table.columns(7).languages(), "label") == "2022 年估计数 (重计费用前)");
  CHECK(zh_of(test::find_row(table, "supplies_and_materials")->languages(), "label") == "用品和材料");
  CHECK(zh_of(test::find_row(table, "total")->languages(), "label") == "共计");
  // The section file's notes, each by its index among the table's notes.
  CHECK(forms_of(table.languages(), "notes[0]").origin() == v1::TEXT_ORIGIN_OURS);
  CHECK(zh_of(table.languages(), "notes[1]") == "注：表格和图中使用的缩写如下：GS(OL)，一般事务人员(其他职等)；GS(PL)，一般事务人员(特等)。");
  const v1::Table& by_component = table_in(view, "financial-by-component-rb");
  CHECK(zh_of(test::find_row(by_component, "finance")->languages(), "label") == "1. 方案规划、财务和预算");
  CHECK(zh_of(table_in(view, "component-evolution/finance").languages(), "title") == "次级方案 1：财政资源和员额资源的演变情况");
  CHECK(zh_of(table_in(view, "posts-by-grade").languages(), "title") == "总表：按职类和职等列示的拟议员额");
  const v1::Table& deliverables = table_in(view, "deliverables/finance");
  CHECK(zh_of(test::find_row(deliverables, "A")->languages(), "label") == "A. 协助政府间进程和专家机构");
  CHECK(zh_of(test::find_row(table_in(view, "measures/finance"), "voluntary_contributions")->languages(), "label") ==
        "成果 1：联合国毒品和犯罪问题办公室的自愿捐款管理得到改进");
  CHECK(zh_of(table_in(view, "measures/finance").columns(0).languages(), "label") == "2020 年(实际数)");
  CHECK(zh_of(deliverables.columns(0).languages(), "label") == "2021 年计划数");
  // Reconciliation quotes para 29F.101 (d) as printed, too.
  const v1::Table& reconciliation = table_in(view, "reconciliation");
  REQUIRE(reconciliation.rows_size() == 1);
  CHECK(reconciliation.rows(0).label() == "para 29F.101 (d): under supplies and materials ($23,000)");
  CHECK(zh_of(reconciliation.rows(0).languages(), "label") == "para 29F.101 (d): 用品和材料项下所需资源减少(23 000 美元)");
  CHECK(zh_of(reconciliation.rows(0).languages(), "cells[where]") == "para 29F.101 (d): 用品和材料项下所需资源减少(23 000 美元)");
  // What the host joins from printed parts is composed, not as printed; a printed heading stays so.
  CHECK(forms_of(reconciliation.rows(0).languages(), "label").origin() == v1::TEXT_ORIGIN_COMPOSED);
  CHECK(forms_of(reconciliation.rows(0).languages(), "cells[where]").origin() == v1::TEXT_ORIGIN_COMPOSED);
  CHECK(forms_of(test::find_row(table_in(view, "measures/finance"), "voluntary_contributions")->languages(), "label").origin() ==
        v1::TEXT_ORIGIN_COMPOSED);
  CHECK(forms_of(by_component.languages(), "title").origin() == v1::TEXT_ORIGIN_COMPOSED);
  CHECK(forms_of(table_in(view, "component-evolution/finance").languages(), "title").origin() == v1::TEXT_ORIGIN_COMPOSED);
  CHECK(forms_of(table.languages(), "title").origin() == v1::TEXT_ORIGIN_AS_PRINTED);
  CHECK(forms_of(test::find_row(deliverables, "A")->languages(), "label").origin() == v1::TEXT_ORIGIN_AS_PRINTED);
}

TEST_CASE("an answer is localized: the asked language in the string fields, the others beside them", "[language][localize]") {
  const aggregate::SectionView view = test::view_of_components({fixture_component()}, fixture_section());
  v1::Table table = table_in(view, "reconciliation");
  std::set<std::string> tags;
  query::collect_languages(table, tags);
  CHECK(tags == std::set<std::string>{"en", "zh"});
  query::localize(table, "zh");
  CHECK(table.title() == "Reconciliation of printed and computed figures");  // no Chinese: stays English
  CHECK(table.rows(0).label() == "para 29F.101 (d): 用品和材料项下所需资源减少(23 000 美元)");
  CHECK(table.rows(0).cells().at("where").text() == "para 29F.101 (d): 用品和材料项下所需资源减少(23 000 美元)");
  CHECK(text_of(table.rows(0).languages(), "label", "en") == "para 29F.101 (d): under supplies and materials ($23,000)");
  CHECK(text_of(table.rows(0).languages(), "label", "zh") == "(none)");

  v1::Table notes = table_in(view, "financial-by-object");
  query::localize(notes, "zh");
  CHECK(notes.notes(0) == "Our note under the table.");
  CHECK_THAT(notes.notes(1), Catch::StartsWith("注："));
  // A language the data does not have changes nothing.
  v1::Table french = table_in(view, "financial-by-object");
  query::localize(french, "fr");
  CHECK(google::protobuf::util::MessageDifferencer::Equals(french, table_in(view, "financial-by-object")));

  v1::Component component = fixture_component();
  query::localize(component, "zh");
  CHECK(component.title() == "方案规划、财务和预算");
  CHECK(component.deliverables(0).title() == "毒品和犯罪问题办公室两年期合并预算");
  CHECK(component.strategy(0).heading() == "Strategy");  // the transcriber's: English only
  CHECK(text_of(component.languages(), "title", "en") == "Programme planning, finance and budget");
}

TEST_CASE("a text with no English answers in the source's language, as printed, whatever the order of its forms", "[language][localize]") {
  v1::Result result;
  result.set_id("r");
  v1::TextForms& forms = language::entry(result.mutable_languages(), "title");
  language::set_text(forms, "fr", "Un résultat");  // a seventh language listed before the source's
  language::set_text(forms, "zh", "一个成果");
  forms.set_origin(v1::TEXT_ORIGIN_AS_PRINTED);

  v1::Result asked_ru = result;
  query::localize(asked_ru, "ru", "zh");
  CHECK(asked_ru.title() == "一个成果");
  CHECK(text_of(asked_ru.languages(), "title", "fr") == "Un résultat");
  v1::Result asked_fr = result;
  query::localize(asked_fr, "fr", "zh");
  CHECK(asked_fr.title() == "Un résultat");
  // Without a declared source language, the first form.
  v1::Result unknown = result;
  query::localize(unknown, "ru");
  CHECK(unknown.title() == "Un résultat");
}

TEST_CASE("each text falls back on its own: a zh-Hant answer takes a text's zh when it has no zh-Hant", "[language][localize]") {
  v1::Result result;
  result.set_id("r");
  result.set_title("A result");
  v1::TextForms& forms = language::entry(result.mutable_languages(), "title");
  language::set_text(forms, "zh", "一个成果");
  v1::Result hant = result;
  v1::TextForms& both = language::entry(hant.mutable_languages(), "title");
  language::set_text(both, "zh-Hant", "一個成果");

  v1::Result only_zh = result;
  query::localize(only_zh, "zh-hant-tw");
  CHECK(only_zh.title() == "一个成果");
  CHECK(text_of(only_zh.languages(), "title", "en") == "A result");
  query::localize(hant, "zh-hant-tw");
  CHECK(hant.title() == "一個成果");
  CHECK(text_of(hant.languages(), "title", "zh") == "一个成果");
  v1::Result french = result;
  query::localize(french, "fr-ca");
  CHECK(french.title() == "A result");
}

TEST_CASE("wide characters take two columns, so a Chinese table lines up", "[language][format]") {
  CHECK(cli::display_width("员额") == 4);
  CHECK(cli::display_width("小计, (B)") == 9);   // 小计 4, the rest one each
  CHECK(cli::display_width("GS(PL)") == 6);
  CHECK(cli::display_width("—") == 1);           // an em dash is narrow
  CHECK(cli::display_width("：") == 2);          // a fullwidth colon
  // Each class by Unicode's data, as glibc's C.UTF-8 carries it.
  CHECK(cli::display_width("\u4E2D") == 2);       // 中, an ideograph
  CHECK(cli::display_width("\u3400") == 2);       // CJK extension A
  CHECK(cli::display_width("\U00020000") == 2);   // CJK extension B
  CHECK(cli::display_width("\uAC00") == 2);       // a Hangul syllable
  CHECK(cli::display_width("\U0001F600") == 2);   // an emoji with emoji presentation
  CHECK(cli::display_width("\u231A") == 2);       // ⌚, wide though outside the CJK blocks
  CHECK(cli::display_width("e\u0301") == 1);      // a combining acute accent (Mn) takes none
  CHECK(cli::display_width("\u20DD") == 0);       // a combining enclosing circle (Me)
  CHECK(cli::display_width("a\u200Bb") == 2);     // a zero-width space (Cf)
  CHECK(cli::display_width("\u2764\uFE0F") == 1);  // a variation selector takes none
  CHECK(cli::display_width("\u00B7") == 1);       // ambiguous (A): narrow
  CHECK(cli::wrap("总表：按支出用途列示的财政资源演变情况", 12) ==
        std::vector<std::string>{"总表：按支出", "用途列示的财", "政资源演变情", "况"});
  CHECK(cli::wrap("2022 年估计数 (重计费用前)", 14) == std::vector<std::string>{"2022 年估计数", "(重计费用前)"});
  CHECK(cli::wrap("新的/扩大的任务", 14) == std::vector<std::string>{"新的/", "扩大的任务"});

  const aggregate::SectionView view = test::view_of({"edm", "finance", "hr", "support", "ict"});
  v1::Table table = table_in(view, "financial-by-object");
  query::localize(table, "zh");
  const std::string text = cli::render(table, cli::Format::kText);
  CHECK_THAT(text, Catch::StartsWith("Table 29F.12 — 总表：按支出用途列示的财政资源演变情况\n(千美元)\n"));
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  // Every row has a value in every column: each column's right edge is at the same display
  // column on every row, the last at the rule's end; the headings are no wider than the rule.
  const auto dashes = std::find_if(lines.begin(), lines.end(), [](const std::string& l) { return !l.empty() && l[0] == '-'; });
  REQUIRE(dashes != lines.end());
  for (auto heading = lines.begin() + 3; heading != dashes; ++heading) CHECK(cli::display_width(*heading) <= dashes->size());
  CHECK(run_ends(*(dashes - 1)).back() == dashes->size());
  std::vector<std::size_t> first;
  int rows = 0;
  for (auto line = dashes + 1; line != lines.end() && !line->empty(); ++line) {
    if ((*line)[0] == '-') continue;
    std::vector<std::size_t> ends = run_ends(*line);
    INFO(*line);
    REQUIRE(ends.size() == 9);  // the label and eight figures
    ends.erase(ends.begin());
    if (first.empty()) first = ends;
    CHECK(ends == first);
    CHECK(ends.back() == dashes->size());
    ++rows;
  }
  CHECK(rows == 11);
  // The columns where the fascicle's Table 29F.12 has them: 员额's 2020 figure ends where the
  // heading "2020 年支出数" ends.
  const std::string& heading = *(dashes - 1);
  CHECK(run_ends(heading).at(0) == first.at(0));
  CHECK(run_ends(heading) == first);
  const auto posts = std::find_if(lines.begin(), lines.end(), [](const std::string& l) { return l.rfind("员额 ", 0) == 0; });
  REQUIRE(posts != lines.end());
  const auto supplies = std::find_if(lines.begin(), lines.end(), [](const std::string& l) { return l.rfind("用品和材料 ", 0) == 0; });
  REQUIRE(supplies != lines.end());
  CHECK(cli::display_width(*posts) == cli::display_width(*supplies));
}
