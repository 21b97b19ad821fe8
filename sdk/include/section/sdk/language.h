// Languages of text (docs/architecture.md, decision 24): BCP 47 tags, and a text field written
// either as a plain string (English) or as a map by language in a data file
// (docs/component-data.md, "Text by language").
#pragma once

#include <string>
#include <string_view>

#include <google/protobuf/repeated_ptr_field.h>

#include "section/sdk/yaml.h"
#include "section/v1/model.pb.h"

namespace section::language {

// The language of every string field in a default answer, and the one every text must have.
inline constexpr std::string_view kEnglish = "en";

// True when `tag` is a well-formed BCP 47 language tag (RFC 5646's syntax: language, then
// script, region, variants, extensions and private use; case-insensitive). Whether the
// language exists is not checked: a seventh language needs data only.
bool well_formed(std::string_view tag);

// Lower case, for comparing tags ("zh-Hant" and "zh-hant" are the same tag).
std::string lower(std::string_view tag);

// A message's `languages`: one TextForms per text field that has other forms or an origin.
using Forms = google::protobuf::RepeatedPtrField<section::v1::TextForms>;

// The entry of `field`, or null.
const section::v1::TextForms* find(const Forms& languages, std::string_view field);
section::v1::TextForms* find(Forms* languages, std::string_view field);
// The entry of `field`, added when there is none.
section::v1::TextForms& entry(Forms* languages, const std::string& field);
// The text in `tag` (compared in lower case), or null.
const std::string* text_in(const section::v1::TextForms& forms, std::string_view tag);
// Sets the text in `tag`, replacing one in the same tag.
void set_text(section::v1::TextForms& forms, const std::string& tag, std::string text);

// Reads a text field written as a plain string, or as {en: …, <tag>: …, origin: ours|transcriber}.
// Returns the English; a map's other forms and origin go into `languages` under `field`. Errors
// (section::yaml::Error) name the file, line, field and reason: a malformed tag, an empty map, a
// map without `en`, an empty text, or another language beside `origin: ours|transcriber`.
std::string read_text(const yaml::Value& value, Forms* languages, const std::string& field);

// Marks `field` as the transcriber's words (heading_transcribed, title_transcribed); an error
// when the map gave it an as-printed form.
void mark_transcribed(const yaml::Value& flag, Forms* languages, const std::string& field);

}  // namespace section::language
