// The report store of one host (report_store.h): an SQLite database, reports.sqlite3, in the
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

#include "host/store/report_store.h"

struct sqlite3;
struct sqlite3_stmt;

namespace section::store {

class SqliteStatement;

class SqliteStore final : public ReportStore {
 public:
  // Opens (or creates) <data_dir>/reports.sqlite3, creating data_dir when it is missing. A
  // directory or database that cannot be written opens read-only: what is stored is served and
  // every write is refused with the reason (writable() false). An error only for a database
  // that cannot be read at all or is not ours (never overwritten).
  static absl::StatusOr<std::unique_ptr<SqliteStore>> open(const config::StorageConfig& storage);
  ~SqliteStore() override;
  SqliteStore(const SqliteStore&) = delete;
  SqliteStore& operator=(const SqliteStore&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::string describe() const override { return path_.string(); }
  bool writable() const override { return read_only_reason_.empty(); }
  std::string read_only_reason() const override { return read_only_reason_; }

  absl::StatusOr<std::vector<section::v1::FigureChange>> all() const override;
  absl::StatusOr<std::vector<section::v1::FigureChange>> after(std::uint64_t sequence, std::size_t limit = 0) const override;
  absl::StatusOr<std::vector<section::v1::FigureChange>> history(const section::v1::ListHistoryRequest& filter, std::uint64_t after = 0,
                                                                 std::size_t limit = 0) const override;
  absl::StatusOr<std::optional<section::v1::FigureChange>> find(const std::string& reported_by,
                                                                const std::string& key) const override;
  // Never kUnavailable: the file is local.
  absl::Status append(section::v1::FigureChange& change) override;
  // One transaction, one commit for all: a change refused by the idempotency key is left out,
  // any other error refuses them all.
  std::vector<absl::Status> append_all(const std::vector<section::v1::FigureChange*>& changes,
                                       const std::optional<Applied>& applied = std::nullopt) override;

 private:
  SqliteStore() = default;
  // Inserts one change inside the caller's transaction; its SQLite code.
  int insert(section::v1::FigureChange& change);
  absl::StatusOr<std::vector<section::v1::FigureChange>> select(const std::string& where,
                                                         const std::vector<std::string>& arguments,
                                                         std::size_t limit = 0) const;
  // Binds `arguments` and reads every row; the caller holds mutex_.
  absl::StatusOr<std::vector<section::v1::FigureChange>> rows(SqliteStatement& statement,
                                                              const std::vector<std::string>& arguments) const;
  // Prepares `sql` into `*slot` once, for the connection's life; the caller holds mutex_.
  int kept(sqlite3_stmt** slot, const std::string& sql) const;

  std::filesystem::path path_;
  std::string read_only_reason_;
  mutable std::mutex mutex_;  // one connection, one statement at a time
  sqlite3* db_ = nullptr;
  mutable sqlite3_stmt* find_statement_ = nullptr;  // kept(): the lookup of an idempotency key
  sqlite3_stmt* insert_statement_ = nullptr;        // kept(): the insert of a change
};

}  // namespace section::store
