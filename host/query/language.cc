#include "host/query/language.h"

#include <algorithm>
#include <cctype>

#include "host/core/echo.h"
#include "section/sdk/language.h"

namespace section::query {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

absl::Status bad(std::string_view field, std::string_view part, const std::string& reason) {
  return absl::InvalidArgumentError(std::string(field) + ": " + echo(part) + " " + reason);
}

// "q=1", "q=0.5", "q=0.125": thousandths, or -1 when malformed.
int weight_of(std::string_view q) {
  if (q.empty() || q.size() > 5 || (q[0] != '0' && q[0] != '1')) return -1;
  if (q.size() == 1) return (q[0] - '0') * 1000;
  if (q[1] != '.') return -1;
  int thousandths = 0;
  int scale = 100;
  for (std::size_t i = 2; i < q.size(); ++i, scale /= 10) {
    if (!std::isdigit(static_cast<unsigned char>(q[i]))) return -1;
    thousandths += (q[i] - '0') * scale;
  }
  if (q[0] == '1') return thousandths == 0 ? 1000 : -1;
  return thousandths;
}

// RFC 4647 lookup of one range among `available`.
std::string lookup(std::string range, const std::set<std::string>& available) {
  while (!range.empty()) {
    if (available.count(range) > 0) return range;
    auto dash = range.rfind('-');
    if (dash == std::string::npos) break;
    range.erase(dash);
    // A single-letter subtag (an extension's singleton) goes with what follows it.
    if (auto before = range.rfind('-'); before != std::string::npos && range.size() - before == 2) range.erase(before);
  }
  return {};
}

}  // namespace

absl::StatusOr<std::vector<LanguageRange>> parse_accept_language(std::string_view value, std::string_view field) {
  std::vector<LanguageRange> ranges;
  if (trim(value).empty()) return bad(field, value, "is empty: give language tags such as 'zh, en;q=0.5'");
  std::size_t start = 0;
  while (start <= value.size()) {
    const std::size_t comma = std::min(value.find(',', start), value.size());
    const std::string_view part = trim(value.substr(start, comma - start));
    start = comma + 1;
    if (part.empty()) continue;  // "a,,b" and a trailing comma are allowed, as in HTTP lists
    // Caps, so that no value costs more than a few thousand steps to parse and look up.
    if (part.size() > kMaxRangeBytes) return bad(field, part, "is longer than " + std::to_string(kMaxRangeBytes) + " bytes");
    if (ranges.size() == kMaxRanges) return bad(field, value, "has more than " + std::to_string(kMaxRanges) + " language ranges");
    LanguageRange range;
    const std::size_t semicolon = part.find(';');
    range.range = std::string(trim(part.substr(0, semicolon)));
    if (range.range != "*" && !language::well_formed(range.range)) {
      return bad(field, part, "is not a BCP 47 language tag (such as zh, zh-Hans or en-GB) nor '*'");
    }
    if (semicolon != std::string_view::npos) {
      const std::string_view parameter = trim(part.substr(semicolon + 1));
      if (parameter.size() < 2 || (parameter[0] != 'q' && parameter[0] != 'Q') || parameter[1] != '=') {
        return bad(field, part, "has a parameter other than q=");
      }
      range.weight = weight_of(trim(parameter.substr(2)));
      if (range.weight < 0) return bad(field, part, "has a q-value that is not a number from 0 to 1 with at most three decimals");
    }
    range.range = language::lower(range.range);
    ranges.push_back(std::move(range));
  }
  if (ranges.empty()) return bad(field, value, "names no language");
  return ranges;
}

std::string canonical_case(std::string_view tag) {
  std::string out;
  bool after_singleton = false;  // an extension's or private use's subtags stay lower case
  std::size_t start = 0;
  for (std::size_t index = 0; start <= tag.size(); ++index) {
    const std::size_t dash = std::min(tag.find('-', start), tag.size());
    std::string subtag = language::lower(tag.substr(start, dash - start));
    if (index > 0 && subtag.size() == 1) after_singleton = true;
    if (index > 0 && !after_singleton && subtag.size() == 2) {
      for (char& c : subtag) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));  // region
    } else if (index > 0 && !after_singleton && subtag.size() == 4 && std::isalpha(static_cast<unsigned char>(subtag[0]))) {
      subtag[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(subtag[0])));  // script
    }
    out += (index > 0 ? "-" : "") + subtag;
    if (index == 0 && subtag == "x") after_singleton = true;
    start = dash + 1;
  }
  return out;
}

std::string choose_language(const std::vector<LanguageRange>& ranges, const std::set<std::string>& available,
                            const std::string& source) {
  std::vector<LanguageRange> ordered = ranges;
  std::stable_sort(ordered.begin(), ordered.end(), [](const auto& a, const auto& b) { return a.weight > b.weight; });
  const std::string english(language::kEnglish);
  for (const auto& range : ordered) {
    if (range.weight == 0) break;
    if (range.range == "*") return available.count(english) > 0 ? english : source;
    if (std::string found = lookup(range.range, available); !found.empty()) return found;
  }
  return available.count(english) > 0 ? english : source;
}

}  // namespace section::query
