#include "section/sdk/language.h"

#include <cctype>
#include <vector>

namespace section::language {
namespace {

bool all_of(std::string_view s, int (*test)(int)) {
  for (unsigned char c : s) {
    if (!test(c)) return false;
  }
  return true;
}
bool alpha(std::string_view s, std::size_t min, std::size_t max) {
  return s.size() >= min && s.size() <= max && all_of(s, std::isalpha);
}
bool alnum(std::string_view s, std::size_t min, std::size_t max) {
  return s.size() >= min && s.size() <= max && all_of(s, std::isalnum);
}
bool digits(std::string_view s, std::size_t n) { return s.size() == n && all_of(s, std::isdigit); }

std::vector<std::string_view> subtags(std::string_view tag) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (true) {
    const std::size_t dash = tag.find('-', start);
    out.push_back(tag.substr(start, dash == std::string_view::npos ? std::string_view::npos : dash - start));
    if (dash == std::string_view::npos) return out;
    start = dash + 1;
  }
}

// Private use: "x" followed by one or more subtags of 1–8 letters or digits.
bool private_use(const std::vector<std::string_view>& parts, std::size_t i) {
  if (i + 1 >= parts.size()) return false;
  for (++i; i < parts.size(); ++i) {
    if (!alnum(parts[i], 1, 8)) return false;
  }
  return true;
}

}  // namespace

std::string lower(std::string_view tag) {
  std::string out(tag);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool well_formed(std::string_view tag) {
  const std::vector<std::string_view> parts = subtags(tag);
  std::size_t i = 0;
  if (lower(parts[0]) == "x") return private_use(parts, 0);
  // language: 2–3 letters (with up to three extlang subtags), or 4–8 letters.
  if (alpha(parts[0], 2, 3)) {
    ++i;
    for (int extlang = 0; extlang < 3 && i < parts.size() && alpha(parts[i], 3, 3); ++extlang) ++i;
  } else if (alpha(parts[0], 4, 8)) {
    ++i;
  } else {
    return false;
  }
  if (i < parts.size() && alpha(parts[i], 4, 4)) ++i;                                  // script
  if (i < parts.size() && (alpha(parts[i], 2, 2) || digits(parts[i], 3))) ++i;         // region
  while (i < parts.size() && (alnum(parts[i], 5, 8) ||                                 // variants
                              (parts[i].size() == 4 && std::isdigit(static_cast<unsigned char>(parts[i][0])) &&
                               alnum(parts[i], 4, 4)))) {
    ++i;
  }
  while (i < parts.size() && parts[i].size() == 1 && lower(parts[i]) != "x" &&        // extensions
         std::isalnum(static_cast<unsigned char>(parts[i][0]))) {
    ++i;
    if (i >= parts.size() || !alnum(parts[i], 2, 8)) return false;
    while (i < parts.size() && alnum(parts[i], 2, 8)) ++i;
  }
  if (i < parts.size() && lower(parts[i]) == "x") return private_use(parts, i);
  return i == parts.size();
}

const section::v1::TextForms* find(const Forms& languages, std::string_view field) {
  for (const auto& forms : languages) {
    if (forms.field() == field) return &forms;
  }
  return nullptr;
}

section::v1::TextForms* find(Forms* languages, std::string_view field) {
  for (auto& forms : *languages) {
    if (forms.field() == field) return &forms;
  }
  return nullptr;
}

section::v1::TextForms& entry(Forms* languages, const std::string& field) {
  if (auto* found = find(languages, field)) return *found;
  section::v1::TextForms* added = languages->Add();
  added->set_field(field);
  return *added;
}

const std::string* text_in(const section::v1::TextForms& forms, std::string_view tag) {
  const std::string wanted = lower(tag);
  for (const auto& text : forms.text()) {
    if (lower(text.language()) == wanted) return &text.text();
  }
  return nullptr;
}

void set_text(section::v1::TextForms& forms, const std::string& tag, std::string text) {
  const std::string wanted = lower(tag);
  for (auto& existing : *forms.mutable_text()) {
    if (lower(existing.language()) == wanted) {
      existing.set_text(std::move(text));
      return;
    }
  }
  section::v1::LanguageText* added = forms.add_text();
  added->set_language(tag);
  added->set_text(std::move(text));
}

std::string read_text(const yaml::Value& value, Forms* languages, const std::string& field) {
  if (!value.is_map()) return value.str();
  const yaml::Map map = value.open_map();
  if (map.entries().empty()) value.fail("a text by language needs at least 'en'");
  section::v1::TextForms forms;
  forms.set_field(field);
  std::string english;
  bool has_english = false;
  for (const auto& [key, text] : map.entries()) {
    if (key == "origin") {
      forms.set_origin(text.choice({"ours", "transcriber"}) == "ours" ? section::v1::TEXT_ORIGIN_OURS
                                                                       : section::v1::TEXT_ORIGIN_TRANSCRIBER);
    } else if (!well_formed(key)) {
      text.fail("'" + key + "' is not a BCP 47 language tag (such as en, zh or zh-Hant), nor 'origin'");
    } else if (lower(key) == kEnglish) {
      english = text.str();
      has_english = true;
    } else {
      set_text(forms, key, text.str());  // the reader refuses a key given twice
    }
  }
  if (!has_english) value.fail("a text by language needs its English, 'en'");
  if (forms.origin() != section::v1::TEXT_ORIGIN_UNSPECIFIED && forms.text_size() > 0) {
    value.fail("a text marked 'origin: " + std::string(forms.origin() == section::v1::TEXT_ORIGIN_OURS ? "ours" : "transcriber") +
               "' is not printed in the source, so it has no form in '" + forms.text(0).language() + "'");
  }
  if (forms.origin() == section::v1::TEXT_ORIGIN_UNSPECIFIED && forms.text_size() > 0) {
    forms.set_origin(section::v1::TEXT_ORIGIN_AS_PRINTED);
  }
  if (forms.origin() != section::v1::TEXT_ORIGIN_UNSPECIFIED) entry(languages, field) = std::move(forms);
  return english;
}

void mark_transcribed(const yaml::Value& flag, Forms* languages, const std::string& field) {
  const section::v1::TextForms* found = find(*languages, field);
  if (found != nullptr && found->origin() == section::v1::TEXT_ORIGIN_AS_PRINTED) {
    flag.fail("marks the " + field + " as the transcriber's, but it is given as printed in '" + found->text(0).language() + "'");
  }
  entry(languages, field).set_origin(section::v1::TEXT_ORIGIN_TRANSCRIBER);
}

}  // namespace section::language
