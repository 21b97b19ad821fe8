#include "host/query/localize.h"

#include <string>

#include "section/sdk/language.h"
#include "section/v1/table.pb.h"

namespace section::query {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using section::v1::TextForms;

const FieldDescriptor* languages_field(const Message& message) {
  const FieldDescriptor* field = message.GetDescriptor()->FindFieldByName("languages");
  return field != nullptr && field->is_repeated() && field->message_type() == TextForms::descriptor() ? field : nullptr;
}

// The text `key` names in `message`; null when it names none.
struct Target {
  const FieldDescriptor* field = nullptr;
  int index = -1;             // for a repeated string
  std::string cell;           // for a row's text cell
};

Target target_of(const Message& message, const std::string& key) {
  Target target;
  const auto open = key.find('[');
  const std::string name = key.substr(0, open);
  target.field = message.GetDescriptor()->FindFieldByName(name);
  if (target.field == nullptr) return {};
  if (open == std::string::npos) {
    if (target.field->is_repeated() || target.field->type() != FieldDescriptor::TYPE_STRING) return {};
    return target;
  }
  const std::string inside = key.substr(open + 1, key.size() - open - 2);
  if (name == "cells") {
    // Only a text cell takes another language's text: a number stays a number.
    const auto* row = dynamic_cast<const section::v1::Row*>(&message);
    if (row == nullptr) return {};
    const auto cell = row->cells().find(inside);
    if (cell == row->cells().end() || cell->second.value_case() != section::v1::Cell::kText) return {};
    target.cell = inside;
    return target;
  }
  if (!target.field->is_repeated() || target.field->type() != FieldDescriptor::TYPE_STRING || inside.empty() ||
      inside.find_first_not_of("0123456789") != std::string::npos) {
    return {};
  }
  target.index = std::stoi(inside);
  if (target.index >= message.GetReflection()->FieldSize(message, target.field)) return {};
  return target;
}

// Swaps the text `target` names with `replacement`, returning the text it held.
std::string swap_text(Message& message, const Target& target, const std::string& replacement) {
  const auto* reflection = message.GetReflection();
  std::string old;
  if (!target.cell.empty()) {
    auto& cells = *static_cast<section::v1::Row&>(message).mutable_cells();
    old = cells[target.cell].text();
    cells[target.cell].set_text(replacement);
  } else if (target.index >= 0) {
    old = reflection->GetRepeatedString(message, target.field, target.index);
    reflection->SetRepeatedString(&message, target.field, target.index, replacement);
  } else {
    old = reflection->GetString(message, target.field);
    reflection->SetString(&message, target.field, replacement);
  }
  return old;
}

// The index of `language` (lower case) among `forms`' texts, or else of the nearest broader tag
// by RFC 4647 lookup ("zh-hant-tw", "zh-hant", "zh"): each text falls back on its own, so a text
// with only "zh" answers a "zh-Hant" client in Chinese while its neighbours are in zh-Hant. -1
// when it has none.
int index_of(const TextForms& forms, std::string language) {
  while (!language.empty()) {
    for (int i = 0; i < forms.text_size(); ++i) {
      if (language::lower(forms.text(i).language()) == language) return i;
    }
    const auto dash = language.rfind('-');
    if (dash == std::string::npos) break;
    language.erase(dash);
    // A single-letter subtag (an extension's singleton) goes with what follows it.
    if (auto before = language.rfind('-'); before != std::string::npos && language.size() - before == 2) language.erase(before);
  }
  return -1;
}

void localize_own(Message& message, const FieldDescriptor* field, const std::string& language, const std::string& source) {
  const auto* reflection = message.GetReflection();
  const int size = reflection->FieldSize(message, field);
  for (int i = 0; i < size; ++i) {
    auto* forms = static_cast<TextForms*>(reflection->MutableRepeatedMessage(&message, field, i));
    const Target target = target_of(message, forms->field());
    if (target.field == nullptr) continue;
    int at = index_of(*forms, language);
    if (at < 0) {
      // No form in the language asked for: English stays, or else the source's form as printed
      // (the first form when the source's language is not known or the text has none in it).
      if (!target.cell.empty() || target.index >= 0 || !reflection->GetString(message, target.field).empty()) continue;
      if (forms->text().empty()) continue;
      at = source.empty() ? -1 : index_of(*forms, source);
      if (at < 0) at = 0;
    }
    std::string english = swap_text(message, target, forms->text(at).text());
    forms->mutable_text()->DeleteSubrange(at, 1);
    if (!english.empty()) language::set_text(*forms, std::string(language::kEnglish), std::move(english));
  }
}

template <typename Visit>
void for_each_submessage(Message& message, Visit visit) {
  const auto* descriptor = message.GetDescriptor();
  const auto* reflection = message.GetReflection();
  for (int f = 0; f < descriptor->field_count(); ++f) {
    const FieldDescriptor* field = descriptor->field(f);
    if (field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE || field->is_map()) continue;
    if (field->message_type() == TextForms::descriptor()) continue;  // the forms themselves
    if (field->is_repeated()) {
      const int size = reflection->FieldSize(message, field);
      for (int i = 0; i < size; ++i) visit(*reflection->MutableRepeatedMessage(&message, field, i));
    } else if (reflection->HasField(message, field)) {
      visit(*reflection->MutableMessage(&message, field));
    }
  }
}

// localize() below the top, with the source's tag lower-cased once.
void localize_all(Message& message, const std::string& language, const std::string& source) {
  if (const FieldDescriptor* field = languages_field(message)) localize_own(message, field, language, source);
  for_each_submessage(message, [&](Message& inner) { localize_all(inner, language, source); });
}

}  // namespace

void localize(Message& message, const std::string& language, const std::string& source_language) {
  localize_all(message, language, language::lower(source_language));
}

void collect_languages(const Message& message, std::set<std::string>& tags) {
  tags.insert(std::string(language::kEnglish));
  if (const FieldDescriptor* field = languages_field(message)) {
    const auto* reflection = message.GetReflection();
    for (int i = 0; i < reflection->FieldSize(message, field); ++i) {
      const auto& forms = static_cast<const TextForms&>(reflection->GetRepeatedMessage(message, field, i));
      for (const auto& text : forms.text()) tags.insert(language::lower(text.language()));
    }
  }
  // const_cast: the visitor only reads.
  for_each_submessage(const_cast<Message&>(message), [&](Message& inner) { collect_languages(inner, tags); });
}

}  // namespace section::query
