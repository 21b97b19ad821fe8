#include "host/store/pg_connection.h"

#include <libpq-fe.h>

namespace section::store {

absl::StatusCode code_of_sqlstate(const std::string& sqlstate, bool connection_ok) {
  if (!connection_ok) return absl::StatusCode::kUnavailable;
  const std::string klass = sqlstate.substr(0, 2);
  if (sqlstate == "23505") return absl::StatusCode::kAlreadyExists;  // unique_violation
  // connection exceptions; the server shutting down or not accepting connections yet
  if (klass == "08" || sqlstate == "57P01" || sqlstate == "57P02" || sqlstate == "57P03") return absl::StatusCode::kUnavailable;
  if (klass == "53") return absl::StatusCode::kResourceExhausted;  // disk full, out of memory, too many connections
  // a read-only transaction (a standby), missing privileges
  if (sqlstate == "25006" || sqlstate == "42501") return absl::StatusCode::kFailedPrecondition;
  return absl::StatusCode::kInternal;
}

std::string redacted_conninfo(const std::string& conninfo) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(conninfo.c_str(), &error);
  if (options == nullptr) {
    std::string why = error != nullptr ? error : "out of memory";
    PQfreemem(error);
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
  PQconninfoFree(options);
  return text.empty() ? "libpq's defaults" : text;
}

PgResult::PgResult(PGresult* result) : result_(result, PQclear) {}
int PgResult::rows() const { return PQntuples(result_.get()); }
bool PgResult::null(int row, int column) const { return PQgetisnull(result_.get(), row, column) != 0; }
std::string PgResult::text(int row, int column) const {
  return std::string(PQgetvalue(result_.get(), row, column), static_cast<std::size_t>(PQgetlength(result_.get(), row, column)));
}

namespace {

std::string trimmed(const char* message) {
  std::string text = message != nullptr ? message : "";
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

}  // namespace

absl::StatusOr<std::unique_ptr<PgConnection>> PgConnection::connect(const std::string& conninfo) {
  char* error = nullptr;
  PQconninfoOption* parsed = PQconninfoParse(conninfo.c_str(), &error);
  if (parsed == nullptr) {
    const std::string why = trimmed(error);
    PQfreemem(error);
    return absl::InvalidArgumentError("the connection string is malformed: " + why);
  }
  PQconninfoFree(parsed);
  // Defaults first: the connection string, expanded from dbname, overrides them.
  const char* keywords[] = {"connect_timeout", "application_name", "dbname", nullptr};
  const char* values[] = {"3", "section-host", conninfo.c_str(), nullptr};
  PGconn* connection = PQconnectdbParams(keywords, values, 1);
  if (connection == nullptr) return absl::UnavailableError("libpq could not allocate a connection");
  std::unique_ptr<PgConnection> result(new PgConnection(connection));
  if (PQstatus(connection) != CONNECTION_OK) {
    return absl::UnavailableError("cannot connect to PostgreSQL (" + redacted_conninfo(conninfo) + "): " +
                                  trimmed(PQerrorMessage(connection)));
  }
  // Acknowledged means on the server's disk, whatever the server's default; a stuck statement
  // ends instead of holding a report for ever.
  auto set = result->exec("SET synchronous_commit = on; SET statement_timeout = '10s'");
  if (!set.ok()) return set.status();
  return result;
}

PgConnection::~PgConnection() { PQfinish(connection_); }

bool PgConnection::ok() const { return PQstatus(connection_) == CONNECTION_OK; }

absl::StatusOr<PgResult> PgConnection::exec(const std::string& sql, const std::vector<std::optional<std::string>>& parameters) {
  std::vector<const char*> values;
  values.reserve(parameters.size());
  for (const auto& parameter : parameters) values.push_back(parameter ? parameter->c_str() : nullptr);
  PGresult* raw = parameters.empty() ? PQexec(connection_, sql.c_str())
                                     : PQexecParams(connection_, sql.c_str(), static_cast<int>(values.size()), nullptr,
                                                    values.data(), nullptr, nullptr, 0);
  PgResult result(raw);
  const ExecStatusType status = raw != nullptr ? PQresultStatus(raw) : PGRES_FATAL_ERROR;
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return result;
  const char* state = raw != nullptr ? PQresultErrorField(raw, PG_DIAG_SQLSTATE) : nullptr;
  const absl::StatusCode code = code_of_sqlstate(state != nullptr ? state : "", ok());
  const std::string message = trimmed(raw != nullptr ? PQresultErrorMessage(raw) : PQerrorMessage(connection_));
  return absl::Status(code, message.empty() ? trimmed(PQerrorMessage(connection_)) : message);
}

}  // namespace section::store
