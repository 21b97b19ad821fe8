// The host's checks of the languages a plugin publishes (docs/architecture.md, decision 24):
// every answer is kept once per language a client asks for, so a component's `languages`
// entries must name real text fields, once each, in well-formed tags, and few of them.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include <google/protobuf/message.h>

namespace section::aggregate {

// At most this many languages besides English in one component.
inline constexpr std::size_t kMaxLanguages = 16;

// One problem: the message path of the field ("results[0].languages[1].field") and why.
using LanguageProblem = std::pair<std::string, std::string>;

// Every problem with the `languages` of `message` and of every message in it: a field name that
// is no string field of that message (or "name[i]" past a repeated string's end), an entry for a
// field given twice, a tag that is not well-formed BCP 47 or given twice for one field, an empty
// text; and more than kMaxLanguages languages in all.
std::vector<LanguageProblem> language_problems(const google::protobuf::Message& message);

}  // namespace section::aggregate
