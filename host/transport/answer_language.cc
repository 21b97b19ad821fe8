#include "host/transport/answer_language.h"

#include "host/query/language.h"
#include "section/sdk/language.h"

namespace section::transport {

absl::StatusOr<std::optional<std::vector<query::LanguageRange>>> requested_languages(const grpc::ServerContextBase& context) {
  const auto& metadata = context.client_metadata();
  const auto found = metadata.find("accept-language");
  if (found == metadata.end()) return std::nullopt;
  auto ranges = query::parse_accept_language(std::string_view(found->second.data(), found->second.size()));
  if (!ranges.ok()) return ranges.status();
  return std::optional<std::vector<query::LanguageRange>>(std::move(*ranges));
}

std::string choose_answer_language(const std::vector<query::LanguageRange>& ranges, const SerializedAnswers& answers) {
  const std::set<std::string>& available = answers.languages();
  // The source's language: the one other than English (Section 29F's data has only Chinese).
  std::string source(language::kEnglish);
  for (const auto& tag : available) {
    if (tag != language::kEnglish) source = tag;
  }
  return query::choose_language(ranges, available, source);
}

absl::StatusOr<std::string> answer_language(grpc::ServerContextBase& context, const SerializedAnswers& answers) {
  auto ranges = requested_languages(context);
  if (!ranges.ok()) return ranges.status();
  if (!ranges->has_value()) return std::string();
  std::string chosen = choose_answer_language(**ranges, answers);
  context.AddInitialMetadata("content-language", chosen);
  return chosen;
}

bool localized(const std::string& language) { return !language.empty() && language != language::kEnglish; }

}  // namespace section::transport
