#include "host/store/report_store.h"

#include "host/store/postgres_store.h"
#include "host/store/sqlite_store.h"

namespace section::store {

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
