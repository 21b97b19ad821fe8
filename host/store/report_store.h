// The durable record of reported figures, one interface with two implementations chosen by the
// configuration's storage block: SqliteStore (storage.data_dir, one host; sqlite_store.h) and
// PostgresStore (storage.postgres, shared by any number of hosts; postgres_store.h).
//
// Both keep every change as one row, never updated or deleted (the table is the history),
// number them with an increasing sequence, store a change durably before append() returns, and
// store a (reported_by, idempotency_key) once.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <absl/status/status.h>
#include <absl/status/statusor.h>

#include "host/config/host_config.h"
#include "section/v1/report_service.pb.h"

namespace section::store {

// One condition of a history filter: `column` equals `value`. Each store writes it in its own
// SQL (placeholders, and how an integer column is compared with a text parameter).
struct FilterTerm {
  const char* column;
  std::string value;
  bool integer = false;  // the column holds an integer, the value its decimal text
};
// The conditions `filter` sets, in a fixed order (none for an empty filter).
std::vector<FilterTerm> history_terms(const section::v1::ListHistoryRequest& filter);

class ReportStore {
 public:
  // Opens the store the configuration names (data_dir or postgres). An error for a store that
  // cannot be read, is not ours, or holds another schema version.
  static absl::StatusOr<std::unique_ptr<ReportStore>> open(const config::StorageConfig& storage);
  virtual ~ReportStore() = default;

  // Where the reports are kept, for status and the log (never a password).
  virtual std::string describe() const = 0;
  virtual bool writable() const = 0;
  // Why the store is read-only; empty when it is writable.
  virtual std::string read_only_reason() const = 0;

  // Every stored change, in the order they were stored.
  virtual absl::StatusOr<std::vector<section::v1::FigureChange>> all() const = 0;
  // The changes stored after `sequence`, oldest first; at most `limit` of them (0: all).
  virtual absl::StatusOr<std::vector<section::v1::FigureChange>> after(std::uint64_t sequence, std::size_t limit = 0) const = 0;
  // The changes that match `filter` (an empty field matches anything; its page fields are not
  // read) with a sequence above `after`, oldest first; at most `limit` of them (0: all).
  virtual absl::StatusOr<std::vector<section::v1::FigureChange>> history(const section::v1::ListHistoryRequest& filter,
                                                                         std::uint64_t after = 0, std::size_t limit = 0) const = 0;
  // The change stored by `reported_by` under `key`, if any.
  virtual absl::StatusOr<std::optional<section::v1::FigureChange>> find(const std::string& reported_by,
                                                                        const std::string& key) const = 0;
  // Stores `change` durably and sets its sequence number. Why not, by code:
  // kResourceExhausted  the database reached max_database_bytes, or the disk is full
  // kFailedPrecondition the data directory or the database cannot be written
  // kAlreadyExists      (reported_by, idempotency_key) is already stored
  // kUnavailable        the database server cannot be reached (PostgreSQL); nothing is known
  //                     to be stored, and a retry with the same key is safe
  // kInternal           any other I/O error
  virtual absl::Status append(section::v1::FigureChange& change) = 0;
  // What a host has applied of a shared store: every change up to `last`, and `own` above it
  // (its own reports).
  struct Applied {
    std::uint64_t last = 0;
    std::vector<std::uint64_t> own;
  };
  // Stores several changes, each as append() would, and says for each whether it was stored.
  // A store may commit them together (one wait for the disk for all), never before it returns.
  // With `applied` (a shared store), none is stored when the store holds a change the host has
  // not applied (it was checked without it): kAborted for each, to fetch it and check again.
  virtual std::vector<absl::Status> append_all(const std::vector<section::v1::FigureChange*>& changes,
                                               const std::optional<Applied>& /*applied*/ = std::nullopt) {
    std::vector<absl::Status> written;
    for (section::v1::FigureChange* change : changes) written.push_back(append(*change));
    return written;
  }

  // For a shared store whose append_all() keeps refusing (other hosts store faster than this
  // one catches up): takes the append lock until the next append_all() or release_appends(),
  // on this thread, and returns the changes stored after `last`, to which none can be added
  // meanwhile. Bounded by the store's deadline; an error releases the lock.
  virtual absl::StatusOr<std::vector<section::v1::FigureChange>> hold_appends(std::uint64_t last) { return after(last); }
  virtual void release_appends() {}

  // Whether other hosts write to the same store (their changes then arrive through follow()).
  virtual bool shared() const { return false; }
  // OK while the store can be reached; else why not (kUnavailable).
  virtual absl::Status reachable() const { return absl::OkStatus(); }

  // For a shared store: what follow() tells, from a thread of the store's own.
  struct Follower {
    // Changes may have been stored: called on every (re)connection (with no sequence: anything
    // may be new) and on notices, with the sequences they announce.
    std::function<void(const std::vector<std::uint64_t>& noticed)> changed;
    // The store became reachable (OK) or unreachable (why).
    std::function<void(const absl::Status&)> reachability;
  };
  // Starts following the store's changes; does nothing for a store of one host.
  virtual void follow(Follower /*follower*/) {}
  // Stops following; no callback runs after it returns.
  virtual void stop_following() {}
};

}  // namespace section::store
