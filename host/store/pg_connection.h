// One libpq connection (PostgreSQL's C client, Debian's libpq), with results freed on every
// path and errors as absl::Status: kUnavailable when the server cannot be reached, the codes of
// report_store.h otherwise (status_of_sqlstate).
#pragma once

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

class PgConnection {
 public:
  // Connects with a bounded wait (connect_timeout 3 s unless the string says otherwise), with
  // synchronous_commit on. kUnavailable when the server cannot be reached; kInvalidArgument for
  // a malformed connection string.
  static absl::StatusOr<std::unique_ptr<PgConnection>> connect(const std::string& conninfo);
  ~PgConnection();
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  // Runs one statement with text parameters (nullopt: NULL). Its rows, or the error with the
  // server's message.
  absl::StatusOr<PgResult> exec(const std::string& sql, const std::vector<std::optional<std::string>>& parameters = {});
  // Whether the connection still stands.
  bool ok() const;
  PGconn* get() const { return connection_; }

 private:
  explicit PgConnection(PGconn* connection) : connection_(connection) {}
  PGconn* connection_;
};

}  // namespace section::store
