// The durable record of reported figures: an SQLite database, reports.sqlite3, in the
// configuration's storage.data_dir (docs/security.md, "What is stored where").
//
// Every change is one row, appended in its own transaction with journal_mode=WAL and
// synchronous=FULL, so that a change is on disk before append() returns and the host
// acknowledges it: kill -9 at any moment loses nothing acknowledged. (reported_by,
// idempotency_key) is unique, so a retried report is stored once. Nothing is ever updated or
// deleted: the table is the history.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "host/config/host_config.h"
#include <absl/status/status.h>
#include <absl/status/statusor.h>
#include "section/v1/report_service.pb.h"

struct sqlite3;

namespace section::store {

class ReportStore {
 public:
  // Opens (or creates) <data_dir>/reports.sqlite3, creating data_dir when it is missing. A
  // directory or database that cannot be written opens read-only: what is stored is served and
  // every write is refused with the reason (writable() false). An error only for a database
  // that cannot be read at all or is not ours (never overwritten).
  static absl::StatusOr<std::unique_ptr<ReportStore>> open(const config::StorageConfig& storage);
  ~ReportStore();
  ReportStore(const ReportStore&) = delete;
  ReportStore& operator=(const ReportStore&) = delete;

  const std::filesystem::path& path() const { return path_; }
  bool writable() const { return read_only_reason_.empty(); }
  // Why the store is read-only; empty when it is writable.
  const std::string& read_only_reason() const { return read_only_reason_; }

  // Every stored change, in the order they were stored.
  absl::StatusOr<std::vector<section::v1::FigureChange>> all() const;
  // The changes that match `filter` (an empty field matches anything), oldest first.
  absl::StatusOr<std::vector<section::v1::FigureChange>> history(const section::v1::ListHistoryRequest& filter) const;
  // The change stored by `reported_by` under `key`, if any.
  absl::StatusOr<std::optional<section::v1::FigureChange>> find(const std::string& reported_by, const std::string& key) const;
  // Stores `change` durably and sets its sequence number. Why not, by code:
  // kResourceExhausted  the database reached max_database_bytes, or the disk is full
  // kFailedPrecondition the data directory or the database cannot be written
  // kAlreadyExists      (reported_by, idempotency_key) is already stored
  // kInternal           any other I/O error
  absl::Status append(section::v1::FigureChange& change);

 private:
  ReportStore() = default;
  absl::StatusOr<std::vector<section::v1::FigureChange>> select(const std::string& where,
                                                         const std::vector<std::string>& arguments) const;

  std::filesystem::path path_;
  std::string read_only_reason_;
  mutable std::mutex mutex_;  // one connection, one statement at a time
  sqlite3* db_ = nullptr;
};

}  // namespace section::store
