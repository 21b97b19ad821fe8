// The default data against its source, tests/fixtures/source/section-29f.zh.txt: the Chinese
// edition of A/76/6 (Sect. 29F), of which every text and figure of plugins/*/component.yaml and
// configs/section-29f.section.yaml is an English rendering. What a machine can check without
// reading the Chinese: that no sentence and no amount of money of a cited paragraph is left
// out, that an objective is a paragraph stating one, and that every heading or measure title
// the source does not print is marked as the transcriber's words.
#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include <catch2/catch.hpp>

#include "section_fixture.h"
#include "test_env.h"

using namespace section;

namespace {

// ---- Lines of the source ----

bool starts_with(const std::string& text, const std::string& prefix) { return text.compare(0, prefix.size(), prefix) == 0; }

bool ends_with(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string trim(const std::string& text) {
  const auto first = text.find_first_not_of(" \t\r");
  if (first == std::string::npos) return "";
  return text.substr(first, text.find_last_not_of(" \t\r") - first + 1);
}

bool blank(const std::string& line) { return trim(line).empty(); }

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// "- " before a paragraph number or a list item, as the text layout sets some of them.
std::string without_dash(const std::string& line) {
  std::string text = trim(line);
  return starts_with(text, "- ") ? trim(text.substr(2)) : text;
}

// The number of a line that starts a paragraph ("29F.14 本次级方案…"), and where its text starts.
std::optional<std::pair<int, std::string>> paragraph_start(const std::string& line) {
  const std::string text = without_dash(line);
  if (!starts_with(text, "29F.")) return std::nullopt;
  std::size_t i = 4;
  int number = 0;
  while (i < text.size() && is_digit(text[i])) number = number * 10 + (text[i++] - '0');
  if (i == 4 || i >= text.size() || (text[i] != ' ' && text[i] != '\t')) return std::nullopt;
  return std::make_pair(number, trim(text.substr(i)));
}

// The letter of a list item ("- (a) 客户部门…"), and its text.
std::optional<std::pair<char, std::string>> list_item(const std::string& line) {
  const std::string text = trim(line);
  if (!starts_with(text, "- (") || text.size() < 5 || text[4] != ')') return std::nullopt;
  return std::make_pair(text[3], trim(text.substr(5)));
}

// A footnote under the text ("¹ 如 2020 年…", "^a 为维持…"), which a paragraph may run across.
bool footnote(const std::string& line) {
  const std::string text = trim(line);
  for (const char* mark : {"^", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"}) {
    if (starts_with(text, mark)) return true;
  }
  return false;
}

bool table_row(const std::string& line) { return line.find('\t') != std::string::npos; }

// Where a sentence or a lead-in to a list ends.
bool ends_sentence(const std::string& text) { return ends_with(text, "。"); }
bool leads_to_item(const std::string& text) {
  return ends_with(text, "：") || ends_with(text, ":") || ends_with(text, "；") || ends_with(text, ";");
}

// A piece of a paragraph: its running text, or one of its list items.
struct Piece {
  char item = 0;
  std::string text;
};

class Source {
 public:
  static const Source& get() {
    static const Source source(test::source_dir() / "tests/fixtures/source/section-29f.zh.txt");
    return source;
  }

  // The paragraph's running text and list items, across page breaks and footnotes.
  std::vector<Piece> pieces(int number) const {
    const auto found = starts_.find(number);
    if (found == starts_.end()) return {};
    std::vector<Piece> out = {{0, paragraph_start(lines_[found->second])->second}};
    for (std::size_t j = found->second + 1; j < lines_.size(); ++j) {
      const std::string& line = lines_[j];
      if (blank(line) || footnote(line)) continue;
      if (paragraph_start(line)) break;
      const std::string last = trim(out.back().text);
      if (const auto item = list_item(line)) {
        if (!leads_to_item(last)) break;
        out.push_back({item->first, item->second});
      } else if (ends_sentence(last) || leads_to_item(last)) {
        break;  // a heading, a table or a figure follows
      } else {
        out.back().text += trim(line);  // the paragraph goes on after a page break
      }
    }
    return out;
  }

  std::string paragraph(int number) const {
    std::string text;
    for (const auto& piece : pieces(number)) text += piece.text;
    return text;
  }

  std::string item(int number, char letter) const {
    for (const auto& piece : pieces(number)) {
      if (piece.item == letter) return piece.text;
    }
    return "";
  }

  // The heading printed just before a paragraph; none when running text, a list or a table
  // comes before it.
  std::optional<std::string> heading_before(int number) const {
    const auto found = starts_.find(number);
    if (found == starts_.end()) return std::nullopt;
    for (std::size_t j = found->second; j-- > 0;) {
      const std::string& line = lines_[j];
      if (blank(line)) continue;
      const std::string text = trim(line);
      if (paragraph_start(line) || list_item(line) || table_row(line) || footnote(line) || ends_sentence(text) ||
          leads_to_item(text)) {
        return std::nullopt;
      }
      return text;
    }
    return std::nullopt;
  }

  // What a table or figure prints under its number ("表 29F.2", "图 29F.一"), without the words
  // "业绩计量" (performance measure) before a title: empty when those words are all it prints.
  std::optional<std::string> caption(const std::string& number) const {
    const auto at = line_of(number);
    if (!at) return std::nullopt;
    for (std::size_t j = *at + 1; j < lines_.size(); ++j) {
      if (blank(lines_[j])) continue;
      std::string text = trim(lines_[j]);
      if (starts_with(text, kMeasure)) {
        text = text.substr(std::string(kMeasure).size());
        for (const char* colon : {"：", ":"}) {
          if (starts_with(text, colon)) text = trim(text.substr(std::string(colon).size()));
        }
      }
      return text;
    }
    return std::nullopt;
  }

  // The first cell of each row of a table.
  std::vector<std::string> row_labels(const std::string& number) const {
    std::vector<std::string> out;
    const auto at = line_of(number);
    if (!at) return out;
    for (std::size_t j = *at + 1; j < lines_.size() && !paragraph_start(lines_[j]); ++j) {
      if (table_row(lines_[j])) out.push_back(trim(lines_[j].substr(0, lines_[j].find('\t'))));
    }
    return out;
  }

  // The paragraphs printed under the heading "目标" (objective) that state one.
  std::vector<int> objective_paragraphs() const {
    std::vector<int> out;
    for (const auto& start : starts_) {
      const int number = start.first;
      const std::string text = paragraph(number);
      const bool states = text.find("的目标是") != std::string::npos || text.find("的宗旨是") != std::string::npos;
      if (heading_before(number) == std::optional<std::string>("目标") && states) out.push_back(number);
    }
    return out;
  }

  // N of the nearest heading "次级方案 N" (subprogramme N) above a paragraph; 0 when none.
  int subprogramme_of(int number) const {
    const auto found = starts_.find(number);
    if (found == starts_.end()) return 0;
    const std::string heading = "次级方案 ";
    for (std::size_t j = found->second; j-- > 0;) {
      const std::string text = trim(lines_[j]);
      if (!starts_with(text, heading) || text.size() == heading.size() || !is_digit(text[heading.size()])) continue;
      int n = 0;
      for (std::size_t i = heading.size(); i < text.size() && is_digit(text[i]); ++i) n = n * 10 + (text[i] - '0');
      return n;
    }
    return 0;
  }

 private:
  static constexpr const char* kMeasure = "业绩计量";

  explicit Source(const std::filesystem::path& path) {
    std::istringstream in(test::read_file(path));
    for (std::string line; std::getline(in, line);) lines_.push_back(line);
    for (std::size_t i = 0; i < lines_.size(); ++i) {
      if (const auto start = paragraph_start(lines_[i])) starts_.emplace(start->first, i);
    }
  }

  std::optional<std::size_t> line_of(const std::string& text) const {
    for (std::size_t i = 0; i < lines_.size(); ++i) {
      if (trim(lines_[i]) == text) return i;
    }
    return std::nullopt;
  }

  std::vector<std::string> lines_;
  std::map<int, std::size_t> starts_;  // paragraph number → its first line
};

// ---- What a `source` field cites ----

struct Cited {
  std::vector<std::pair<int, char>> paragraphs;  // (number, list item letter or 0), in order
  std::vector<std::string> numbers;              // tables and figures as the source prints them
  bool only_paragraphs = true;
};

// "para 29F.24", "paras 29F.20–29F.21", "para 29F.16 (a)", "Table 29F.2", "Figure 29F.IV", joined
// by "; ".
int paragraph_number(const std::string& text) {
  if (!starts_with(text, "29F.")) return 0;
  int n = 0;
  for (std::size_t i = 4; i < text.size() && is_digit(text[i]); ++i) n = n * 10 + (text[i] - '0');
  return n;
}

// "IV" → "四": the fascicle numbers its figures in Chinese numerals.
std::string chinese_numeral(const std::string& roman) {
  const std::map<char, int> values = {{'I', 1}, {'V', 5}, {'X', 10}};
  int n = 0;
  for (std::size_t i = 0; i < roman.size(); ++i) {
    const int v = values.at(roman[i]);
    n += (i + 1 < roman.size() && values.at(roman[i + 1]) > v) ? -v : v;
  }
  const char* digits[] = {"", "一", "二", "三", "四", "五", "六", "七", "八", "九"};
  std::string out = n >= 20 ? std::string(digits[n / 10]) + "十" : n >= 10 ? "十" : "";
  return out + digits[n % 10];
}

Cited cited(const std::string& source) {
  Cited out;
  std::istringstream parts(source);
  for (std::string part; std::getline(parts, part, ';');) {
    part = trim(part);
    if (starts_with(part, "Table 29F.")) {
      out.numbers.push_back("表 29F." + std::to_string(paragraph_number(part.substr(6))));
      out.only_paragraphs = false;
    } else if (starts_with(part, "Figure 29F.")) {
      std::string roman = part.substr(11);
      roman = roman.substr(0, roman.find_first_not_of("IVX"));
      out.numbers.push_back("图 29F." + chinese_numeral(roman));
      out.only_paragraphs = false;
    } else if (starts_with(part, "para 29F.") || starts_with(part, "paras 29F.")) {
      const std::string rest = part.substr(part.find("29F."));
      const int first = paragraph_number(rest);
      const auto dash = rest.find("–");
      const int last = dash == std::string::npos ? first : paragraph_number(trim(rest.substr(dash + std::string("–").size())));
      const auto open = rest.find(" (");
      const char letter = open != std::string::npos && open + 3 < rest.size() && rest[open + 3] == ')' ? rest[open + 2] : 0;
      for (int n = first; n <= last; ++n) out.paragraphs.emplace_back(n, letter);
    } else {
      out.only_paragraphs = false;
    }
  }
  if (out.paragraphs.empty()) out.only_paragraphs = false;
  return out;
}

// The Chinese text of the paragraphs and list items a source cites.
std::string chinese(const Cited& c) {
  std::string text;
  for (const auto& [number, letter] : c.paragraphs) {
    text += letter ? Source::get().item(number, letter) : Source::get().paragraph(number);
  }
  return text;
}

// ---- The data ----

struct NamedComponent {
  std::string id;
  v1::Component data;
};

const std::vector<NamedComponent>& components() {
  static const std::vector<NamedComponent> all = [] {
    std::vector<NamedComponent> out;
    for (const auto& id : test::all_components()) out.push_back({id, test::component(id)});
    return out;
  }();
  return all;
}

struct NamedText {
  std::string where;  // e.g. "hr.results[optimized_performance].proposed_plan"
  const v1::Text* text;
};

void add_texts(std::vector<NamedText>& out, const std::string& where, const google::protobuf::RepeatedPtrField<v1::Text>& texts) {
  for (int i = 0; i < texts.size(); ++i) out.push_back({where + "[" + std::to_string(i) + "]", &texts[i]});
}

// Every text of the default data, the section file's and the components'.
std::vector<NamedText> all_texts() {
  std::vector<NamedText> out;
  const auto& section = test::section_file().text;
  add_texts(out, "section.orientation", section.orientation());
  add_texts(out, "section.programme_performance", section.programme_performance());
  add_texts(out, "section.evaluation", section.evaluation());
  for (const auto& [id, c] : components()) {
    if (c.has_description()) out.push_back({id + ".description", &c.description()});
    if (c.has_objective()) out.push_back({id + ".objective", &c.objective()});
    add_texts(out, id + ".strategy", c.strategy());
    add_texts(out, id + ".expected_outcomes", c.expected_outcomes());
    add_texts(out, id + ".programme_performance", c.programme_performance());
    add_texts(out, id + ".resource_notes", c.resource_notes());
    for (const auto& result : c.results()) {
      const std::string where = id + ".results[" + result.id() + "].";
      if (result.has_programme_performance()) out.push_back({where + "programme_performance", &result.programme_performance()});
      if (result.has_proposed_plan()) out.push_back({where + "proposed_plan", &result.proposed_plan()});
      if (result.has_lessons_learned()) out.push_back({where + "lessons_learned", &result.lessons_learned()});
    }
  }
  return out;
}

// The texts that render paragraphs of the source, and nothing else.
std::vector<NamedText> paragraph_texts() {
  std::vector<NamedText> out;
  for (const auto& named : all_texts()) {
    if (cited(named.text->provenance().source()).only_paragraphs) out.push_back(named);
  }
  return out;
}

// ---- Sentences and money ----

std::size_t chinese_sentences(const std::string& text) {
  std::size_t n = 0;
  std::size_t start = 0;
  for (;;) {
    const auto end = text.find("。", start);
    if (!trim(text.substr(start, end == std::string::npos ? std::string::npos : end - start)).empty()) ++n;
    if (end == std::string::npos) return n;
    start = end + std::string("。").size();
  }
}

// Full stops, question and exclamation marks that end a sentence: followed by a space or the
// end of the text, and not closing an abbreviation such as "Sect." or "e.g.".
std::size_t english_sentences(const std::string& text) {
  static const std::set<std::string> abbreviations = {"Sect", "e.g", "i.e", "No", "Nos", "para", "paras"};
  std::size_t n = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '.' && text[i] != '?' && text[i] != '!') continue;
    if (i + 1 < text.size() && text[i + 1] != ' ') continue;
    const auto space = text.find_last_of(" (", i);
    const std::size_t word = space == std::string::npos ? 0 : space + 1;
    if (text[i] == '.' && abbreviations.count(text.substr(word, i - word)) > 0) continue;
    ++n;
  }
  const std::string end = trim(text);
  if (!end.empty() && end.back() != '.' && end.back() != '?' && end.back() != '!') ++n;
  return n;
}

// Every amount the Chinese prints in dollars ("905 800 美元", a space between thousands), as
// whole dollars.
std::vector<std::int64_t> chinese_dollars(const std::string& text) {
  const std::string dollars = "美元";
  std::vector<std::int64_t> out;
  for (std::size_t i = 0; i < text.size();) {
    if (!is_digit(text[i]) || (i > 0 && is_digit(text[i - 1]))) {
      ++i;
      continue;
    }
    std::int64_t amount = 0;
    std::size_t j = i;
    for (;;) {
      while (j < text.size() && is_digit(text[j])) amount = amount * 10 + (text[j++] - '0');
      // A space then exactly three digits continues the number.
      const bool group = j + 3 < text.size() && text[j] == ' ' && is_digit(text[j + 1]) && is_digit(text[j + 2]) &&
                         is_digit(text[j + 3]) && (j + 4 == text.size() || !is_digit(text[j + 4]));
      if (!group) break;
      ++j;
    }
    std::size_t k = j;
    while (k < text.size() && text[k] == ' ') ++k;
    if (text.compare(k, dollars.size(), dollars) == 0) out.push_back(amount);
    i = j;
  }
  return out;
}

// 905800 → "$905,800", as the English prints it.
std::string english_dollars(std::int64_t amount) {
  std::string digits = std::to_string(amount);
  for (int i = static_cast<int>(digits.size()) - 3; i > 0; i -= 3) digits.insert(static_cast<std::size_t>(i), ",");
  return "$" + digits;
}

}  // namespace

TEST_CASE("the source's paragraphs are found, across page breaks, footnotes and lists", "[source]") {
  const Source& source = Source::get();
  // 29F.24 runs on after a footnote and a page break; 29F.60 after a page break mid-word.
  CHECK(ends_with(source.paragraph(24), "缩短到 2020 年的 19 天。"));
  CHECK(source.paragraph(60).find("维也纳工作人员以及毒品和犯罪问题办公室外地办事处工作人员") != std::string::npos);
  CHECK(source.item(16, 'd') == "方案预算和预算外财政资源的总体管理得到加强。");
  CHECK(ends_with(source.paragraph(8), "这些活动将与残疾人及其代表组织密切协商并在其积极参与下开展。"));
  CHECK(source.heading_before(1) == std::optional<std::string>("任务和背景"));
  CHECK_FALSE(source.heading_before(3).has_value());    // it follows para 29F.2
  CHECK_FALSE(source.heading_before(107).has_value());  // it follows Table 29F.18
  CHECK(source.caption("表 29F.2") == std::optional<std::string>(""));
  CHECK(source.caption("图 29F.一") == std::optional<std::string>("批准项目修订所用天数"));
  CHECK(chinese_numeral("XVII") == "十七");
  CHECK(chinese_dollars("减少 70 600 美元(即 0.4%)，管理 2 340 个员额，共 19 762 900 美元") ==
        std::vector<std::int64_t>{70600, 19762900});
  CHECK(english_dollars(905800) == "$905,800");
  CHECK(english_sentences("Sect. 29F is cited (see Table 29F.2). It ends here") == 2);
  CHECK(chinese_sentences("第一句。第二句：(a) 甲；(b) 乙。") == 2);
}

// Condensing a paragraph is where its sentences get lost (para 29F.8 once lost "these
// activities will strengthen an inclusive culture and support self-disclosure and advocacy").
// Each sentence of a cited paragraph is therefore rendered as a sentence of its own, or more.
TEST_CASE("every sentence of a cited paragraph has its English sentence", "[source]") {
  for (const auto& [where, text] : paragraph_texts()) {
    const std::string zh = chinese(cited(text->provenance().source()));
    INFO(where << " (" << text->provenance().source() << ")\n" << zh << "\n" << text->text());
    REQUIRE_FALSE(zh.empty());
    CHECK(english_sentences(text->text()) >= chinese_sentences(zh));
  }
}

TEST_CASE("every amount of money of a cited paragraph appears in its English", "[source]") {
  std::size_t amounts = 0;
  for (const auto& [where, text] : paragraph_texts()) {
    for (const std::int64_t amount : chinese_dollars(chinese(cited(text->provenance().source())))) {
      INFO(where << " (" << text->provenance().source() << "): " << text->text());
      CHECK_THAT(text->text(), Catch::Contains(english_dollars(amount)));
      ++amounts;
    }
  }
  CHECK(amounts >= 20);  // the resource paragraphs 29F.100 to 29F.117 print them
}

// Subprogrammes state their objective under the heading "目标" ("本次级方案促进的目标是…");
// executive direction and management has none in the fascicle (para 29F.104 says who leads it).
TEST_CASE("every objective is a paragraph stating one, and every one the source states is there", "[source]") {
  const Source& source = Source::get();
  const std::vector<int> stated = source.objective_paragraphs();
  CHECK(stated == std::vector<int>{14, 34, 56, 77});
  std::set<int> used;
  for (const auto& [id, c] : components()) {
    INFO(id);
    if (!c.has_objective()) {
      // Only a component whose part of the source states no objective may go without.
      CHECK(c.kind() != v1::SUBPROGRAMME);
      continue;
    }
    const Cited where = cited(c.objective().provenance().source());
    REQUIRE(where.paragraphs.size() == 1);
    const int paragraph = where.paragraphs[0].first;
    INFO("cites para 29F." << paragraph);
    CHECK(std::count(stated.begin(), stated.end(), paragraph) == 1);
    CHECK(c.kind() == v1::SUBPROGRAMME);
    CHECK(source.subprogramme_of(paragraph) == c.subprogramme());
    used.insert(paragraph);
  }
  for (const int paragraph : stated) {
    INFO("para 29F." << paragraph << " states an objective, of subprogramme " << source.subprogramme_of(paragraph));
    CHECK(used.count(paragraph) == 1);
  }
}

namespace {

// The headings the source prints, as the data renders them. A heading is the source's when the
// line printed just before its paragraph is one of these with this rendering; any other heading
// is the transcriber's and must say so (heading_transcribed: true).
const std::map<std::string, std::set<std::string>>& printed_headings() {
  static const std::map<std::string, std::set<std::string>> headings = {
      {"任务和背景", {"Mandates and background"}},
      {"2022 年战略和外部因素", {"Strategy and external factors for 2022"}},
      {"COVID-19 对交付方案工作的影响", {"Impact of COVID-19 on programme delivery"}},
      {"评价活动", {"Evaluation activities"}},
      {"概览", {"Overview of resources"}},  // the overview of part B, the resource requirements
      {"预算外资源", {"Extrabudgetary resources"}},
      {"COVID-19 对交付次级方案工作的影响", {"Impact of COVID-19 on subprogramme delivery"}},
      {"COVID-19 对次级方案交付工作的影响", {"Impact of COVID-19 on subprogramme delivery"}},
  };
  return headings;
}

// The measure titles the source prints (a figure's caption, a row of Table 29F.18), as the
// data renders them. Tables 29F.2, 29F.4, 29F.6, 29F.7, 29F.9 and 29F.10 print no title, only
// "业绩计量" (performance measure).
const std::map<std::string, std::string>& printed_titles() {
  static const std::map<std::string, std::string> titles = {
      {"批准项目修订所用天数", "Number of days to approve project revisions"},
      {"联合国毒品和犯罪问题办公室各外地办事处年度预算执行率",
       "Annual budget implementation rate of the field offices of the United Nations Office on Drugs and Crime"},
      {"到期年份发布的最终财务报告的百分比", "Percentage of final financial reports issued in the year due"},
      {"实习生的地域多样性/每年从各区域组挑选的实习生百分比",
       "Geographical diversity of interns: percentage of interns selected each year from each regional group"},
      {"每年从任职人数不足的国家选出的候选人百分比", "Percentage of candidates selected each year from underrepresented countries"},
      {"完成关于防止工作环境中性骚扰的强制性在线培训的工作人员百分比(累计)",
       "Percentage of staff who have completed the mandatory online training on preventing sexual harassment in the work "
       "environment (cumulative)"},
      {"图书馆资源的平均每月远程搜索量", "Average monthly remote searches of library resources"},
      {"交付设备所用天数", "Number of days to deliver equipment"},
      {"使用的云服务总数(累计)", "Total number of cloud services in use (cumulative)"},
      {"使用网络办法的毒品和犯罪问题办公室外地办事处数量", "Number of UNODC field offices using the network approach"},
      {"及时提交材料", "Timely submission of documentation"},
      {"在旅行开始前提前至少两星期购买机票", "Air tickets purchased at least two weeks before the commencement of travel"},
  };
  return titles;
}

// Whether the source prints this heading: just before the first paragraph the text cites.
bool heading_printed(const v1::Text& text) {
  const Cited where = cited(text.provenance().source());
  if (where.paragraphs.empty()) return false;
  const auto line = Source::get().heading_before(where.paragraphs.front().first);
  if (!line) return false;
  const auto found = printed_headings().find(*line);
  return found != printed_headings().end() && found->second.count(text.heading()) > 0;
}

// What the tables and figures a measure cites print as titles: captions and row labels.
std::vector<std::string> titles_printed_for(const v1::PerformanceMeasure& measure) {
  std::vector<std::string> out;
  for (const auto& number : cited(measure.provenance().source()).numbers) {
    if (const auto caption = Source::get().caption(number); caption && !caption->empty()) out.push_back(*caption);
    for (const auto& label : Source::get().row_labels(number)) out.push_back(label);
  }
  return out;
}

bool title_printed(const v1::PerformanceMeasure& measure) {
  for (const auto& printed : titles_printed_for(measure)) {
    const auto found = printed_titles().find(printed);
    if (found != printed_titles().end() && found->second == measure.title()) return true;
  }
  return false;
}

struct NamedMeasure {
  std::string where;
  const v1::PerformanceMeasure* measure;
};

std::vector<NamedMeasure> all_measures() {
  std::vector<NamedMeasure> out;
  for (const auto& [id, c] : components()) {
    for (const auto& result : c.results()) {
      for (const auto& m : result.measures()) out.push_back({id + ".results[" + result.id() + "].measures[" + m.id() + "]", &m});
    }
    for (const auto& m : c.compliance()) out.push_back({id + ".compliance[" + m.id() + "]", &m});
  }
  return out;
}

}  // namespace

TEST_CASE("a heading the source does not print is marked as the transcriber's words", "[source][transcribed]") {
  std::size_t headings = 0;
  for (const auto& [where, text] : all_texts()) {
    if (text->heading().empty()) continue;
    ++headings;
    const Cited where_from = cited(text->provenance().source());
    INFO(where << " (" << text->provenance().source() << ")");
    REQUIRE_FALSE(where_from.paragraphs.empty());
    const auto line = Source::get().heading_before(where_from.paragraphs.front().first);
    INFO(where << ": \"" << text->heading() << "\" (" << text->provenance().source() << "), printed before it: "
               << (line ? *line : "no heading"));
    CHECK(text->provenance().title_transcribed() == !heading_printed(*text));
  }
  CHECK(headings >= 20);
}

TEST_CASE("a measure title the source does not print is marked as the transcriber's words", "[source][transcribed]") {
  for (const auto& [where, measure] : all_measures()) {
    INFO(where << ": \"" << measure->title() << "\" (" << measure->provenance().source() << ")");
    // A table that prints only "业绩计量" gives its measure no title at all.
    for (const auto& number : cited(measure->provenance().source()).numbers) {
      if (Source::get().caption(number) == std::optional<std::string>("")) CHECK(measure->provenance().title_transcribed());
    }
    CHECK(measure->provenance().title_transcribed() == !title_printed(*measure));
  }
  // The six measure tables of the programme plan print no title.
  for (const char* table : {"表 29F.2", "表 29F.4", "表 29F.6", "表 29F.7", "表 29F.9", "表 29F.10"}) {
    INFO(table);
    CHECK(Source::get().caption(table) == std::optional<std::string>(""));
  }
}
