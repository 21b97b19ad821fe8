// An answer in another language than English (docs/architecture.md, decision 24): every text
// field that has a form in that language takes it, and its English joins the other forms, so
// that in every answer the string field is in the answer's language and `languages` holds the
// rest. Works on any message of the model through reflection: a message's `languages` map is
// keyed by the name of the string field ("title"), of a repeated string's element ("notes[2]")
// or of a row's text cell ("cells[where]"). Pure: no gRPC, no I/O.
#pragma once

#include <set>
#include <string>

#include <google/protobuf/message.h>

namespace section::query {

// Puts `language`'s form (a lower-case tag) of every text of `message`, and of every message in
// it, in place of its English. A text without that form stays in English; a text with no
// English takes its as-printed form.
void localize(google::protobuf::Message& message, const std::string& language);

// Adds to `tags` (lower case) every language a text of `message` has, English included.
void collect_languages(const google::protobuf::Message& message, std::set<std::string>& tags);

}  // namespace section::query
