// The language a SectionService call is answered in (docs/api.md, "Languages"): the client's
// accept-language metadata against the languages of the version answering.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <absl/status/statusor.h>
#include <grpcpp/grpcpp.h>

#include "host/query/language.h"
#include "host/transport/serialized_answers.h"

namespace section::transport {

// Empty when the call has no accept-language: the answer is the English one, byte for byte as
// without languages, and no content-language is sent. Otherwise the chosen tag, which is also
// sent as the content-language initial metadata. INVALID_ARGUMENT for a malformed value.
absl::StatusOr<std::string> answer_language(grpc::ServerContextBase& context, const SerializedAnswers& answers);

// The language ranges a call asks for: nullopt without accept-language; INVALID_ARGUMENT for a
// malformed value. With choose_answer_language, for a Watch whose language is chosen with the
// first version it is sent (which may come after the call).
absl::StatusOr<std::optional<std::vector<query::LanguageRange>>> requested_languages(const grpc::ServerContextBase& context);
// The language among `answers`' for `ranges` (query::choose_language).
std::string choose_answer_language(const std::vector<query::LanguageRange>& ranges, const SerializedAnswers& answers);

// True when `language` needs the localized answers (a language other than English).
bool localized(const std::string& language);

}  // namespace section::transport
