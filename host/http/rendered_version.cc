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

std::string etag_of(std::uint64_t version, const std::string& instance) {
  return "\"v" + std::to_string(version) + "-" + instance + "\"";
}

RenderedVersion::RenderedVersion(std::shared_ptr<const transport::SerializedAnswers> answers, const std::string& instance)
    : answers_(std::move(answers)) {
  const auto& view = *answers_->view();
  etag_ = etag_of(view.version, instance);
  tables_json_ = cli::print(cli::message_json(query::list_tables(view)));
  for (const auto& [id, span] : view.tables) {
    section::v1::Table table;
    if (!table.ParseFromString(view.table_bytes(span))) continue;
    tables_.emplace(id, Forms{cli::render(table, cli::Format::kJson), cli::render(table, cli::Format::kCsv)});
  }
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
    return json_of<section::v1::ListMeasuresResponse>(answers_->measures(request));
  });
}

absl::StatusOr<std::string> RenderedVersion::deliverables(const std::string& component, int year) const {
  return cached(lists_mutex_, deliverables_, component + "|" + std::to_string(year), [&] {
    section::v1::ListDeliverablesRequest request;
    request.set_component(component);
    request.set_year(year);
    return json_of<section::v1::ListDeliverablesResponse>(answers_->deliverables(request));
  });
}

}  // namespace section::http
