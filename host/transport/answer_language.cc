#include "host/transport/answer_language.h"

#include "host/query/language.h"
#include "section/sdk/language.h"

namespace section::transport {

absl::StatusOr<std::optional<std::vector<query::LanguageRange>>> requested_languages(const grpc::ServerContextBase& context) {
  // Every accept-language entry, as one list: HTTP joins repeated fields with commas too.
  const auto [first, last] = context.client_metadata().equal_range("accept-language");
  if (first == last) return std::nullopt;
  std::string value;
  for (auto entry = first; entry != last; ++entry) {
    if (!value.empty()) value += ",";
    value.append(entry->second.data(), entry->second.size());
  }
  auto ranges = query::parse_accept_language(value);
  if (!ranges.ok()) return ranges.status();
  return std::optional<std::vector<query::LanguageRange>>(std::move(*ranges));
}

std::string choose_answer_language(const std::vector<query::LanguageRange>& ranges, const SerializedAnswers& answers) {
  // Every version has English (its string fields), so the source's language is only the last
  // resort of choose_language; the section file names it.
  const std::string& source = answers.source_language();
  return query::choose_language(ranges, answers.languages(), source.empty() ? std::string(language::kEnglish) : source);
}

absl::StatusOr<std::string> answer_language(grpc::ServerContextBase& context, const SerializedAnswers& answers) {
  auto ranges = requested_languages(context);
  if (!ranges.ok()) return ranges.status();
  if (!ranges->has_value()) return std::string();
  std::string chosen = choose_answer_language(**ranges, answers);
  context.AddInitialMetadata("content-language", query::canonical_case(chosen));
  return chosen;
}

bool localized(const std::string& language) { return !language.empty() && language != language::kEnglish; }

}  // namespace section::transport
