// One libpq connection (PostgreSQL's C client, Debian's libpq), with results freed on every
// path and errors as absl::Status: kUnavailable when the server cannot be reached, the codes of
// report_store.h otherwise (status_of_sqlstate).
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <absl/status/status.h>
#include <absl/status/statusor.h>

typedef struct pg_conn PGconn;
typedef struct pg_result PGresult;

namespace section::store {

// The code for a failed statement: its SQLSTATE (five characters; empty when the server sent
// none) and whether the connection still stands. Pure.
absl::StatusCode code_of_sqlstate(const std::string& sqlstate, bool connection_ok);

// `conninfo` (a libpq connection string or URI) with host, port, dbname and user only: for
// messages and status, never a password. The text itself when libpq cannot parse it is not
// shown either, only that it is malformed.
std::string redacted_conninfo(const std::string& conninfo);

class PgResult {
 public:
  explicit PgResult(PGresult* result);
  int rows() const;
  bool null(int row, int column) const;
  std::string text(int row, int column) const;

 private:
  std::shared_ptr<PGresult> result_;
};

// One statement of a pipeline: its SQL and text parameters (nullopt: NULL).
struct PgStatement {
  std::string sql;
  std::vector<std::optional<std::string>> parameters;
};

class PgConnection {
 public:
  // Connects with a bounded wait (connect_timeout 3 s, TCP keepalives and tcp_user_timeout,
  // unless the string says otherwise), with synchronous_commit on and `deadline` as the
  // server's statement_timeout and idle_in_transaction_session_timeout. kUnavailable when the
  // server cannot be reached; kInvalidArgument for a malformed connection string.
  static absl::StatusOr<std::unique_ptr<PgConnection>> connect(const std::string& conninfo,
                                                               std::chrono::milliseconds deadline = std::chrono::seconds(10));
  ~PgConnection();
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  // Runs one statement with text parameters (nullopt: NULL). Its rows, or the error with the
  // server's message. A server that has not answered by the deadline (a second after the
  // server's own statement_timeout) loses the connection: kUnavailable, and ok() is false.
  absl::StatusOr<PgResult> exec(const std::string& sql, const std::vector<std::optional<std::string>>& parameters = {});
  // Runs `statements` in one round trip (libpq's pipeline mode) as one transaction, committed
  // at its end: the result of each, or the first error (none of them is then committed).
  // The same deadline as exec().
  absl::StatusOr<std::vector<PgResult>> pipeline(const std::vector<PgStatement>& statements);
  // Whether the connection still stands.
  bool ok() const;
  // Whether it was dropped because the server did not answer in time.
  bool timed_out() const { return timed_out_; }
  PGconn* get() const { return connection_; }

 private:
  PgConnection(PGconn* connection, std::chrono::milliseconds deadline) : connection_(connection), deadline_(deadline) {}
  // Sends what libpq buffered and waits until a whole result can be read, both by `until`;
  // false (the connection dropped) when the server does not answer by then.
  bool await(std::chrono::steady_clock::time_point until);
  // The status for a failed result (null: the connection failed).
  absl::Status failure(PGresult* raw);
  // When a call begun now gives up waiting.
  std::chrono::steady_clock::time_point until() const;
  // Drops a connection whose server does not answer, without waiting on it.
  absl::Status abandon(const std::string& doing);
  PGconn* connection_;
  std::chrono::milliseconds deadline_;
  bool timed_out_ = false;
};

}  // namespace section::store
