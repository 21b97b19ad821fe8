#include "host/store/pg_connection.h"

#include "host/store/libpq.h"
#include <poll.h>

#include <cerrno>

namespace section::store {

absl::StatusCode code_of_sqlstate(const std::string& sqlstate, bool connection_ok) {
  if (!connection_ok) return absl::StatusCode::kUnavailable;
  const std::string klass = sqlstate.substr(0, 2);
  if (sqlstate == "23505") return absl::StatusCode::kAlreadyExists;  // unique_violation
  // connection exceptions; the server shutting down or not accepting connections yet
  if (klass == "08" || sqlstate == "57P01" || sqlstate == "57P02" || sqlstate == "57P03") return absl::StatusCode::kUnavailable;
  // Nothing was stored and a retry may well succeed: a statement timeout (57014), a lock not
  // available (55P03), a deadlock (40P01), a serialization failure (40001).
  if (sqlstate == "57014" || sqlstate == "55P03" || klass == "40") return absl::StatusCode::kUnavailable;
  if (klass == "53") return absl::StatusCode::kResourceExhausted;  // disk full, out of memory, too many connections
  // a read-only transaction (a standby), missing privileges
  if (sqlstate == "25006" || sqlstate == "42501") return absl::StatusCode::kFailedPrecondition;
  return absl::StatusCode::kInternal;
}

std::string redacted_conninfo(const std::string& conninfo) {
  if (!libpq().ok()) return "a connection string (PostgreSQL's client library cannot be loaded to read it)";
  char* error = nullptr;
  PQconninfoOption* options = pq().PQconninfoParse(conninfo.c_str(), &error);
  if (options == nullptr) {
    std::string why = error != nullptr ? error : "out of memory";
    pq().PQfreemem(error);
    while (!why.empty() && why.back() == '\n') why.pop_back();
    return "a malformed connection string (" + why + ")";
  }
  const char* const shown[] = {"host", "hostaddr", "port", "dbname", "user"};
  std::string text;
  for (const char* keyword : shown) {
    for (const PQconninfoOption* option = options; option->keyword != nullptr; ++option) {
      if (option->val == nullptr || std::string(option->keyword) != keyword) continue;
      text += (text.empty() ? "" : " ") + std::string(keyword) + "=" + option->val;
    }
  }
  pq().PQconninfoFree(options);
  return text.empty() ? "libpq's defaults" : text;
}

PgResult::PgResult(PGresult* result) : result_(result, pq().PQclear) {}
int PgResult::rows() const { return pq().PQntuples(result_.get()); }
bool PgResult::null(int row, int column) const { return pq().PQgetisnull(result_.get(), row, column) != 0; }
std::string PgResult::text(int row, int column) const {
  return std::string(pq().PQgetvalue(result_.get(), row, column), static_cast<std::size_t>(pq().PQgetlength(result_.get(), row, column)));
}

namespace {

std::string trimmed(const char* message) {
  std::string text = message != nullptr ? message : "";
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

}  // namespace

absl::StatusOr<std::unique_ptr<PgConnection>> PgConnection::connect(const std::string& conninfo,
                                                                    std::chrono::milliseconds deadline) {
  if (auto loaded = libpq(); !loaded.ok()) return loaded.status();
  char* error = nullptr;
  PQconninfoOption* parsed = pq().PQconninfoParse(conninfo.c_str(), &error);
  if (parsed == nullptr) {
    const std::string why = trimmed(error);
    pq().PQfreemem(error);
    return absl::InvalidArgumentError("the connection string is malformed: " + why);
  }
  pq().PQconninfoFree(parsed);
  // Defaults first: the connection string, expanded from dbname, overrides them. Keepalives and
  // tcp_user_timeout find a server behind a network partition in seconds, not TCP's minutes.
  const std::string user_timeout = std::to_string(deadline.count());
  const char* keywords[] = {"connect_timeout", "application_name", "keepalives", "keepalives_idle", "keepalives_interval",
                            "keepalives_count", "tcp_user_timeout", "dbname", nullptr};
  const char* values[] = {"3", "section-host", "1", "5", "2", "3", user_timeout.c_str(), conninfo.c_str(), nullptr};
  PGconn* connection = pq().PQconnectdbParams(keywords, values, 1);
  if (connection == nullptr) return absl::UnavailableError("libpq could not allocate a connection");
  std::unique_ptr<PgConnection> result(new PgConnection(connection, deadline));
  if (pq().PQstatus(connection) != CONNECTION_OK) {
    return absl::UnavailableError("cannot connect to PostgreSQL (" + redacted_conninfo(conninfo) + "): " +
                                  trimmed(pq().PQerrorMessage(connection)));
  }
  // Sends never block: every wait is a poll with the deadline.
  if (pq().PQsetnonblocking(connection, 1) != 0) return absl::UnavailableError("libpq cannot make the connection non-blocking");
  // Acknowledged means on the server's disk, whatever the server's default; a stuck statement,
  // or a transaction whose client vanished, ends instead of holding a report or a lock for ever;
  // the server finds a vanished client as fast as the client finds a vanished server.
  const std::string ms = std::to_string(deadline.count());
  auto set = result->exec("SET synchronous_commit = on; SET statement_timeout = " + ms +
                          "; SET idle_in_transaction_session_timeout = " + ms +
                          "; SET tcp_keepalives_idle = 5; SET tcp_keepalives_interval = 2; SET tcp_keepalives_count = 3"
                          "; SET tcp_user_timeout = " + ms);
  if (!set.ok()) return set.status();
  return result;
}

PgConnection::~PgConnection() {
  if (connection_ != nullptr) pq().PQfinish(connection_);
}

bool PgConnection::ok() const { return connection_ != nullptr && pq().PQstatus(connection_) == CONNECTION_OK; }

bool PgConnection::await(std::chrono::steady_clock::time_point until) {
  for (;;) {
    const int flushed = pq().PQflush(connection_);  // 0: all sent, 1: more to send, -1: failed
    if (flushed < 0) return true;              // PQgetResult reports the failure
    if (flushed == 0 && pq().PQisBusy(connection_) == 0) return true;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd fd{pq().PQsocket(connection_), static_cast<short>(POLLIN | (flushed == 1 ? POLLOUT : 0)), 0};
    if (::poll(&fd, 1, static_cast<int>(left.count()) + 1) < 0 && errno != EINTR) return true;
    if ((fd.revents & (POLLIN | POLLERR | POLLHUP)) != 0 && pq().PQconsumeInput(connection_) == 0) return true;
  }
}

absl::Status PgConnection::failure(PGresult* raw) {
  const char* state = raw != nullptr ? pq().PQresultErrorField(raw, PG_DIAG_SQLSTATE) : nullptr;
  const absl::StatusCode code = code_of_sqlstate(state != nullptr ? state : "", ok());
  std::string message = trimmed(raw != nullptr ? pq().PQresultErrorMessage(raw) : "");
  if (message.empty()) message = trimmed(pq().PQerrorMessage(connection_));
  return absl::Status(code, message);
}

absl::Status PgConnection::abandon(const std::string& doing) {
  pq().PQfinish(connection_);
  connection_ = nullptr;
  timed_out_ = true;
  return absl::UnavailableError("PostgreSQL did not answer within " + std::to_string(deadline_.count() + 1000) + " ms (" + doing +
                                "); the connection is dropped");
}

std::chrono::steady_clock::time_point PgConnection::until() const {
  return std::chrono::steady_clock::now() + deadline_ + std::chrono::seconds(1);
}

absl::StatusOr<PgResult> PgConnection::exec(const std::string& sql, const std::vector<std::optional<std::string>>& parameters) {
  if (connection_ == nullptr) return absl::UnavailableError("the connection to PostgreSQL was dropped");
  const auto until = this->until();
  std::vector<const char*> values;
  values.reserve(parameters.size());
  for (const auto& parameter : parameters) values.push_back(parameter ? parameter->c_str() : nullptr);
  const int sent = parameters.empty() ? pq().PQsendQuery(connection_, sql.c_str())
                                      : pq().PQsendQueryParams(connection_, sql.c_str(), static_cast<int>(values.size()), nullptr,
                                                          values.data(), nullptr, nullptr, 0);
  if (sent == 0) return failure(nullptr);
  std::optional<PgResult> last;
  absl::Status error;
  for (;;) {
    if (!await(until)) return abandon("a statement");
    PGresult* raw = pq().PQgetResult(connection_);
    if (raw == nullptr) break;
    const ExecStatusType status = pq().PQresultStatus(raw);
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) {
      last.emplace(raw);
      continue;
    }
    if (error.ok()) error = failure(raw);
    pq().PQclear(raw);
  }
  if (!error.ok()) return error;
  if (!last) return failure(nullptr);
  return *std::move(last);
}

absl::StatusOr<std::vector<PgResult>> PgConnection::pipeline(const std::vector<PgStatement>& statements) {
  if (connection_ == nullptr) return absl::UnavailableError("the connection to PostgreSQL was dropped");
  const auto until = this->until();
  if (pq().PQenterPipelineMode(connection_) == 0) return failure(nullptr);
  for (const PgStatement& statement : statements) {
    std::vector<const char*> values;
    for (const auto& parameter : statement.parameters) values.push_back(parameter ? parameter->c_str() : nullptr);
    if (pq().PQsendQueryParams(connection_, statement.sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(), nullptr,
                          nullptr, 0) == 0) {
      const absl::Status why = failure(nullptr);
      abandon("a pipeline").IgnoreError();
      return why;
    }
  }
  if (pq().PQpipelineSync(connection_) == 0) {
    const absl::Status why = failure(nullptr);
    abandon("a pipeline").IgnoreError();
    return why;
  }
  std::vector<PgResult> results;
  absl::Status error;
  // Each statement's results end with a null; the sync's result ends the pipeline.
  for (;;) {
    if (!await(until)) return abandon("a transaction");
    PGresult* raw = pq().PQgetResult(connection_);
    if (raw == nullptr) {
      if (!ok()) return error.ok() ? failure(nullptr) : error;
      continue;
    }
    const ExecStatusType status = pq().PQresultStatus(raw);
    if (status == PGRES_PIPELINE_SYNC) {
      pq().PQclear(raw);
      break;
    }
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) {
      results.emplace_back(raw);
      continue;
    }
    if (status == PGRES_FATAL_ERROR && error.ok()) error = failure(raw);
    pq().PQclear(raw);
  }
  pq().PQexitPipelineMode(connection_);
  if (!error.ok()) return error;
  return results;
}

}  // namespace section::store
