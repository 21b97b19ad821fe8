#include "host/aggregate/language_check.h"

#include <set>

#include "section/sdk/language.h"
#include "section/v1/model.pb.h"

namespace section::aggregate {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using section::v1::TextForms;

// Tags longer than this are refused: RFC 5646 asks implementations to take 35 characters; a
// longer well-formed tag is a stack of variants or extensions no client asks for.
constexpr std::size_t kMaxTag = 64;

// A tag as an error shows it: whole when short, else only its length.
std::string shown(const std::string& tag) {
  if (tag.size() <= kMaxTag) return "'" + tag + "'";
  return "a tag of " + std::to_string(tag.size()) + " bytes";
}

// Why `name` is no text field of `message` ("" when it is one): "title", or "notes[2]" for the
// third of a repeated string (table rows' "cells[…]" are the host's own, not a plugin's).
std::string field_problem(const Message& message, const std::string& name) {
  const auto open = name.find('[');
  const FieldDescriptor* field = message.GetDescriptor()->FindFieldByName(name.substr(0, open));
  const std::string what = "'" + name.substr(0, std::min<std::size_t>(name.size(), kMaxTag)) + "'";
  if (field == nullptr || field->type() != FieldDescriptor::TYPE_STRING) {
    return what + " is no text field of " + message.GetDescriptor()->name();
  }
  if (open == std::string::npos) return field->is_repeated() ? what + " is a list: name one of its texts, as '" + name + "[0]'" : "";
  const std::string inside = name.size() > open + 2 && name.back() == ']' ? name.substr(open + 1, name.size() - open - 2) : "";
  if (!field->is_repeated() || inside.empty() || inside.size() > 9 || inside.find_first_not_of("0123456789") != std::string::npos) {
    return what + " is no text of " + message.GetDescriptor()->name();
  }
  if (std::stoi(inside) >= message.GetReflection()->FieldSize(message, field)) {
    return what + " is past the end of " + field->name();
  }
  return "";
}

class Checker {
 public:
  void message(const Message& message, const std::string& path) {
    const auto* descriptor = message.GetDescriptor();
    const auto* reflection = message.GetReflection();
    for (int f = 0; f < descriptor->field_count(); ++f) {
      const FieldDescriptor* field = descriptor->field(f);
      if (field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE || field->is_map()) continue;
      const std::string name = (path.empty() ? "" : path + ".") + field->name();
      if (field->message_type() == TextForms::descriptor()) {
        if (field->name() != "languages" || !field->is_repeated()) continue;
        std::set<std::string> fields;
        for (int i = 0; i < reflection->FieldSize(message, field); ++i) {
          const auto& forms = static_cast<const TextForms&>(reflection->GetRepeatedMessage(message, field, i));
          entry(message, forms, name + "[" + std::to_string(i) + "]", fields);
        }
      } else if (field->is_repeated()) {
        for (int i = 0; i < reflection->FieldSize(message, field); ++i) {
          this->message(reflection->GetRepeatedMessage(message, field, i), name + "[" + std::to_string(i) + "]");
        }
      } else if (reflection->HasField(message, field)) {
        this->message(reflection->GetMessage(message, field), name);
      }
    }
  }

  std::vector<LanguageProblem> problems() && {
    if (tags_.size() > kMaxLanguages) {
      problems_.emplace_back("languages", std::to_string(tags_.size()) + " languages besides English; at most " +
                                              std::to_string(kMaxLanguages) + " (each is a copy of every answer)");
    }
    return std::move(problems_);
  }

 private:
  void entry(const Message& owner, const TextForms& forms, const std::string& path, std::set<std::string>& fields) {
    if (std::string why = field_problem(owner, forms.field()); !why.empty()) {
      problems_.emplace_back(path + ".field", why);
    } else if (!fields.insert(forms.field()).second) {
      problems_.emplace_back(path + ".field", "'" + forms.field() + "' has an entry already: one entry per field");
    }
    std::set<std::string> seen;
    for (int t = 0; t < forms.text_size(); ++t) {
      const std::string& tag = forms.text(t).language();
      const std::string where = path + ".text[" + std::to_string(t) + "]";
      if (tag.size() > kMaxTag || !language::well_formed(tag)) {
        problems_.emplace_back(where + ".language", shown(tag) + " is not a well-formed BCP 47 language tag");
        continue;
      }
      if (!seen.insert(language::lower(tag)).second) {
        problems_.emplace_back(where + ".language", shown(tag) + " is given twice for '" + forms.field() + "'");
      }
      if (forms.text(t).text().empty()) problems_.emplace_back(where + ".text", "empty: leave the language out instead");
      if (language::lower(tag) != language::kEnglish) tags_.insert(language::lower(tag));
    }
  }

  std::vector<LanguageProblem> problems_;
  std::set<std::string> tags_;
};

}  // namespace

std::vector<LanguageProblem> language_problems(const Message& message) {
  Checker checker;
  checker.message(message, "");
  return std::move(checker).problems();
}

}  // namespace section::aggregate
