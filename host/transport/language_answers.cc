#include "host/transport/language_answers.h"

#include "host/loading/grpc_status.h"
#include "host/query/localize.h"
#include "host/query/queries.h"
#include "host/transport/serialized_answers.h"
#include "section/sdk/language.h"

namespace section::transport {
namespace {

std::string key_of(const std::string& component, int year) { return component + "|" + std::to_string(year); }

template <typename Message>
grpc::ByteBuffer localized(Message message, const std::string& language, const std::string& source_language) {
  query::localize(message, language, source_language);
  return serialize(message);
}

}  // namespace

std::set<std::string> languages_of(const query::PublishedView& view, std::string* source_language) {
  std::set<std::string> tags;
  section::v1::Section section;
  section.ParseFromString(query::section_bytes(view));
  *source_language = language::lower(section.info().source_language());
  query::collect_languages(section, tags);
  for (const auto& [id, span] : view.tables) query::collect_languages(view.table(id), tags);
  return tags;
}

LocalizedAnswers::LocalizedAnswers(registry::ViewPtr view, std::string language, std::string source_language)
    : view_(std::move(view)), language_(std::move(language)), source_language_(std::move(source_language)) {
  section::v1::Section section;
  section.ParseFromString(query::section_bytes(*view_));
  query::localize(section, language_, source_language_);
  section_ = serialize(section);
  section.Clear();
  tables_ = localized(query::list_tables(*view_), language_, source_language_);
  watch_event_ = localized(query::watch_event(*view_), language_, source_language_);
  for (const auto& [id, span] : view_->tables) table_bytes_.emplace(id, localized(view_->table(id), language_, source_language_));
  section::v1::ListMeasuresResponse measures;
  measures.ParseFromString(view_->all_measures());
  measures_.emplace(key_of({}, 0), localized(std::move(measures), language_, source_language_));
  section::v1::ListDeliverablesResponse deliverables;
  deliverables.ParseFromString(view_->all_deliverables());
  deliverables_.emplace(key_of({}, 0), localized(std::move(deliverables), language_, source_language_));
}

SerializedAnswer LocalizedAnswers::table(const section::v1::GetTableRequest& request) const {
  if (auto found = table_bytes_.find(request.id()); found != table_bytes_.end()) return {grpc::Status::OK, found->second};
  return {loading::to_grpc(query::missing_table(request.id(), view_->tables.size())), {}};
}

SerializedAnswer LocalizedAnswers::measures(const section::v1::ListMeasuresRequest& request) const {
  const std::string key = key_of(request.component(), request.year());
  {
    std::lock_guard<std::mutex> lock(lists_mutex_);
    if (auto found = measures_.find(key); found != measures_.end()) return {grpc::Status::OK, found->second};
  }
  auto answer = query::list_measures(*view_, request);
  if (!answer.ok()) return {loading::to_grpc(answer.status()), {}};
  grpc::ByteBuffer bytes = localized(std::move(*answer), language_, source_language_);
  std::lock_guard<std::mutex> lock(lists_mutex_);
  measures_.emplace(key, bytes);
  return {grpc::Status::OK, bytes};
}

SerializedAnswer LocalizedAnswers::deliverables(const section::v1::ListDeliverablesRequest& request) const {
  const std::string key = key_of(request.component(), request.year());
  {
    std::lock_guard<std::mutex> lock(lists_mutex_);
    if (auto found = deliverables_.find(key); found != deliverables_.end()) return {grpc::Status::OK, found->second};
  }
  auto answer = query::list_deliverables(*view_, request);
  if (!answer.ok()) return {loading::to_grpc(answer.status()), {}};
  grpc::ByteBuffer bytes = localized(std::move(*answer), language_, source_language_);
  std::lock_guard<std::mutex> lock(lists_mutex_);
  deliverables_.emplace(key, bytes);
  return {grpc::Status::OK, bytes};
}

grpc::ByteBuffer localized_watch_event(const query::PublishedView& view, const std::string& language,
                                       const std::string& source_language) {
  return localized(query::watch_event(view), language, source_language);
}

std::size_t LocalizedAnswers::bytes() const {
  std::size_t total = section_.Length() + tables_.Length() + watch_event_.Length();
  for (const auto& [id, bytes] : table_bytes_) total += bytes.Length();
  std::lock_guard<std::mutex> lock(lists_mutex_);
  for (const auto& [key, bytes] : measures_) total += bytes.Length();
  for (const auto& [key, bytes] : deliverables_) total += bytes.Length();
  return total;
}

}  // namespace section::transport
