#include "host/http/rendered_version.h"

#include <cstdio>
#include <random>

#include "cli/json.h"
#include "cli/table_format.h"
#include "host/loading/grpc_status.h"
#include "host/query/queries.h"

namespace section::http {
namespace {

// The JSON of a serialized answer of type `Message`, or its refusal.
template <typename Message>
absl::StatusOr<std::string> json_of(const transport::SerializedAnswer& answer) {
  if (!answer.status.ok()) return loading::from_grpc(answer.status);
  Message message;
  if (!transport::parse(answer.bytes, &message)) return absl::InternalError("an answer of this version cannot be read back");
  return cli::print(cli::message_json(message));
}

// A filtered list's JSON from `cache`, or made by `make` and kept when it is not an error.
template <typename Make>
absl::StatusOr<std::string> cached(std::mutex& mutex, std::map<std::string, std::string>& cache, const std::string& key,
                                   Make make) {
  {
    std::lock_guard<std::mutex> lock(mutex);
    if (auto found = cache.find(key); found != cache.end()) return found->second;
  }
  absl::StatusOr<std::string> made = make();
  if (made.ok()) {
    std::lock_guard<std::mutex> lock(mutex);
    cache.emplace(key, *made);
  }
  return made;
}

}  // namespace

std::string new_instance_id() {
  std::random_device random;
  const std::uint64_t id = (static_cast<std::uint64_t>(random()) << 32) ^ random();
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(id));
  return text;
}

std::string etag_of(std::uint64_t version, const std::string& instance, const std::string& language, bool csv) {
  return "\"v" + std::to_string(version) + "-" + instance + (language.empty() ? "" : "-" + language) + (csv ? ".csv" : "") + "\"";
}

RenderedVersion::RenderedVersion(std::shared_ptr<const transport::SerializedAnswers> answers)
    : RenderedVersion(std::move(answers), nullptr) {}

RenderedVersion::RenderedVersion(std::shared_ptr<const transport::SerializedAnswers> answers,
                                 std::shared_ptr<const transport::LocalizedAnswers> localized)
    : answers_(std::move(answers)), localized_(std::move(localized)) {
  const auto& view = *answers_->view();
  if (localized_) {
    tables_json_ = json_of<section::v1::ListTablesResponse>(transport::SerializedAnswer{grpc::Status::OK, localized_->tables()});
  } else {
    tables_json_ = cli::print(cli::message_json(query::list_tables(view)));
  }
  for (const auto& [id, span] : view.tables) {
    section::v1::Table table;
    if (localized_) {
      if (!transport::parse(table_answer(id).bytes, &table)) continue;
    } else if (!table.ParseFromString(view.table_bytes(span))) {
      continue;
    }
    tables_.emplace(id, Forms{cli::render(table, cli::Format::kJson), cli::render(table, cli::Format::kCsv)});
  }
}

std::shared_ptr<const RenderedVersion> RenderedVersion::in(const std::string& language) const {
  std::lock_guard<std::mutex> lock(languages_mutex_);
  auto& rendered = languages_[language];
  if (!rendered) rendered.reset(new RenderedVersion(answers_, answers_->in(language)));
  return rendered;
}

transport::SerializedAnswer RenderedVersion::table_answer(const std::string& id) const {
  section::v1::GetTableRequest request;
  request.set_id(id);
  return localized_ ? localized_->table(request) : answers_->table(request);
}

transport::SerializedAnswer RenderedVersion::measures_answer(const section::v1::ListMeasuresRequest& request) const {
  return localized_ ? localized_->measures(request) : answers_->measures(request);
}

transport::SerializedAnswer RenderedVersion::deliverables_answer(const section::v1::ListDeliverablesRequest& request) const {
  return localized_ ? localized_->deliverables(request) : answers_->deliverables(request);
}

absl::StatusOr<std::string> RenderedVersion::table(const std::string& id, bool csv) const {
  const auto found = tables_.find(id);
  if (found == tables_.end()) return query::missing_table(id, answers_->view()->tables.size());
  return csv ? found->second.csv : found->second.json;
}

absl::StatusOr<std::string> RenderedVersion::measures(const std::string& component, int year) const {
  return cached(lists_mutex_, measures_, component + "|" + std::to_string(year), [&] {
    section::v1::ListMeasuresRequest request;
    request.set_component(component);
    request.set_year(year);
    return json_of<section::v1::ListMeasuresResponse>(measures_answer(request));
  });
}

absl::StatusOr<std::string> RenderedVersion::deliverables(const std::string& component, int year) const {
  return cached(lists_mutex_, deliverables_, component + "|" + std::to_string(year), [&] {
    section::v1::ListDeliverablesRequest request;
    request.set_component(component);
    request.set_year(year);
    return json_of<section::v1::ListDeliverablesResponse>(deliverables_answer(request));
  });
}

}  // namespace section::http
