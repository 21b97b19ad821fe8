// The report store that any number of hosts share (report_store.h): a PostgreSQL database named
// by the configuration's storage.postgres, reached through libpq.
//
// An append (of one change or a batch) is one transaction sent in one round trip (a pipeline),
// so the lock is never held while the server waits on the host: it takes the append lock (so
// changes commit in sequence order), checks that the host has applied every change stored
// before, inserts the rows unless (reported_by, idempotency_key) is already there, and NOTIFYs
// the channel, which PostgreSQL delivers at the commit. With synchronous_commit on, the commit
// returns once the change is on the server's disk. Every wait on the server is bounded
// (storage.statement_timeout_ms, then the connection is dropped).
//
// follow() starts a thread with a connection of its own that LISTENs on the channel: on every
// (re)connection and every notice it tells the report desk, which fetches what is new. When the
// server goes away the thread says so, and reconnects with a backoff; meanwhile every call
// answers kUnavailable at once, without waiting on the network.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "host/store/pg_connection.h"
#include "host/store/report_store.h"

namespace section::store {

class PostgresStore final : public ReportStore {
 public:
  using Parameters = std::vector<std::optional<std::string>>;
  // Connects, then creates the schema in an empty database or checks its version. An error
  // (kUnavailable, kFailedPrecondition, kInvalidArgument) when it cannot.
  static absl::StatusOr<std::unique_ptr<PostgresStore>> open(const config::StorageConfig& storage);
  ~PostgresStore() override;
  PostgresStore(const PostgresStore&) = delete;
  PostgresStore& operator=(const PostgresStore&) = delete;

  std::string describe() const override { return "PostgreSQL " + redacted_conninfo(conninfo_); }
  bool writable() const override { return true; }
  std::string read_only_reason() const override { return ""; }

  absl::StatusOr<std::vector<section::v1::FigureChange>> all() const override;
  absl::StatusOr<std::vector<section::v1::FigureChange>> after(std::uint64_t sequence, std::size_t limit = 0) const override;
  absl::StatusOr<std::vector<section::v1::FigureChange>> history(const section::v1::ListHistoryRequest& filter, std::uint64_t after = 0,
                                                                 std::size_t limit = 0) const override;
  absl::StatusOr<std::optional<section::v1::FigureChange>> find(const std::string& reported_by,
                                                                const std::string& key) const override;
  absl::Status append(section::v1::FigureChange& change) override;
  // One transaction, one commit for all; a change whose key is stored already is left out.
  std::vector<absl::Status> append_all(const std::vector<section::v1::FigureChange*>& changes,
                                       const std::optional<Applied>& applied = std::nullopt) override;

  absl::StatusOr<std::vector<section::v1::FigureChange>> hold_appends(std::uint64_t last) override;
  void release_appends() override;

  bool shared() const override { return true; }
  absl::Status reachable() const override;
  void follow(Follower follower) override;
  void stop_following() override;

 private:
  PostgresStore(std::string conninfo, std::chrono::milliseconds statement_timeout);
  // A connection for calls, one statement at a time: appends have one, reads another, so that
  // a long read does not hold the worker's append, nor an append a read.
  struct Session {
    std::mutex mutex;
    std::unique_ptr<PgConnection> connection;
  };
  // The session's connection, made again when it broke; under its mutex.
  absl::Status connected(Session& session) const;
  // Runs one statement on the reads' connection, connecting again first when it broke (once,
  // and only while the follower finds the server reachable).
  absl::StatusOr<PgResult> run(const std::string& sql, const Parameters& parameters) const;
  // Runs statements in one round trip on the connection hold_appends() holds.
  absl::StatusOr<std::vector<PgResult>> held_pipeline(const std::vector<PgStatement>& statements);
  // Runs statements in one transaction and one round trip, like run(), on `session`.
  absl::StatusOr<std::vector<PgResult>> run_pipeline(Session& session, const std::vector<PgStatement>& statements) const;
  absl::StatusOr<std::vector<section::v1::FigureChange>> select(const std::string& where, const Parameters& parameters,
                                                                std::size_t limit = 0) const;
  void set_reachability(const absl::Status& status);
  void follow_loop();
  // Listens on a new connection, then waits for notices until it breaks or stop; false when
  // it could not even connect.
  bool listen_once();
  // Waits until `socket` is readable, stop is asked or `timeout` passes; false on stop.
  bool wait(int socket, int timeout_ms);

  std::string conninfo_;
  std::chrono::milliseconds statement_timeout_;
  mutable Session writes_;  // appends, on the registry's worker
  mutable Session reads_;   // all, after, history, find
  // writes_.mutex, held by hold_appends() (with a transaction open on writes_.connection that
  // holds the append lock) until append_all() or release_appends().
  std::unique_lock<std::mutex> held_;
  mutable std::mutex state_mutex_;
  absl::Status reachability_;
  Follower follower_;
  std::thread thread_;
  int wake_fd_ = -1;  // an eventfd: written to stop the follower
  std::atomic<bool> stopping_{false};
};

}  // namespace section::store
