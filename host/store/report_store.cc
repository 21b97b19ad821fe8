#include "host/store/report_store.h"

#include "host/store/postgres_store.h"
#include "host/store/sqlite_store.h"

namespace section::store {

std::vector<FilterTerm> history_terms(const section::v1::ListHistoryRequest& filter) {
  std::vector<FilterTerm> terms;
  if (!filter.component().empty()) terms.push_back({"component", filter.component()});
  if (filter.figure_case() == section::v1::ListHistoryRequest::kMeasure) {
    terms.push_back({"figure_type", "measure"});
    terms.push_back({"figure_id", filter.measure()});
  } else if (filter.figure_case() == section::v1::ListHistoryRequest::kDeliverable) {
    terms.push_back({"figure_type", "deliverable"});
    terms.push_back({"figure_id", filter.deliverable()});
  }
  if (filter.year() != 0) terms.push_back({"year", std::to_string(filter.year()), true});
  if (filter.kind() != section::v1::VALUE_KIND_UNSPECIFIED) terms.push_back({"kind", section::v1::ValueKind_Name(filter.kind())});
  return terms;
}

absl::StatusOr<std::unique_ptr<ReportStore>> ReportStore::open(const config::StorageConfig& storage) {
  if (!storage.postgres.empty()) {
    auto store = PostgresStore::open(storage);
    if (!store.ok()) return absl::Status(store.status().code(), "postgres: " + std::string(store.status().message()));
    return std::unique_ptr<ReportStore>(std::move(*store));
  }
  auto store = SqliteStore::open(storage);
  if (!store.ok()) return store.status();
  return std::unique_ptr<ReportStore>(std::move(*store));
}

}  // namespace section::store
