// An answer in another language than English (docs/architecture.md, decision 24): every text
// field that has a form in that language takes it, and its English joins the other forms, so
// that in every answer the string field is in the answer's language and `languages` holds the
// rest. Works on any message of the model through reflection: each entry of a message's
// `languages` list names its string field ("title"), a repeated string's element ("notes[2]")
// or a row's text cell ("cells[where]"; a cell holding a number keeps it). Pure: no gRPC, no I/O.
#pragma once

#include <set>
#include <string>

#include <google/protobuf/message.h>

namespace section::query {

// Puts `language`'s form (a lower-case tag) of every text of `message`, and of every message in
// it, in place of its English. A text without that form stays in English; a text with no
// English takes its form in `source_language` (the source's, as printed), else its first form.
void localize(google::protobuf::Message& message, const std::string& language, const std::string& source_language = "");

// Adds to `tags` (lower case) every language a text of `message` has, English included.
void collect_languages(const google::protobuf::Message& message, std::set<std::string>& tags);

}  // namespace section::query
