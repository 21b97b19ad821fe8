#include "postgres_support.h"

#include <libpq-fe.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <random>
#include <stdexcept>

#include "test_env.h"

namespace section::test {

std::string suite_postgres() {
  const char* conninfo = std::getenv("SECTION_TEST_POSTGRES");
  if (conninfo == nullptr || *conninfo == '\0') {
    throw std::runtime_error("SECTION_TEST_POSTGRES is not set: run this test through ctest, whose fixture starts PostgreSQL");
  }
  return conninfo;
}

std::string pg_exec(const std::string& conninfo, const std::string& sql) {
  PGconn* connection = PQconnectdb(conninfo.c_str());
  if (PQstatus(connection) != CONNECTION_OK) {
    const std::string why = PQerrorMessage(connection);
    PQfinish(connection);
    throw std::runtime_error("cannot connect to " + conninfo + ": " + why);
  }
  PGresult* result = PQexec(connection, sql.c_str());
  const ExecStatusType status = PQresultStatus(result);
  std::string value;
  std::string error;
  if (status == PGRES_TUPLES_OK && PQntuples(result) > 0) value = PQgetvalue(result, 0, 0);
  if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) error = PQresultErrorMessage(result);
  PQclear(result);
  PQfinish(connection);
  if (!error.empty()) throw std::runtime_error(sql + ": " + error);
  return value;
}

TestDatabase::TestDatabase(const std::string& server) : server_(server) {
  static std::atomic<int> counter{0};
  std::random_device random;
  name_ = "test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++) + "_" + std::to_string(random() % 100000);
  pg_exec(server_, "CREATE DATABASE " + name_);
  // A later keyword overrides an earlier one in a libpq connection string.
  conninfo_ = server_ + " dbname=" + name_;
}

TestDatabase::~TestDatabase() {
  try {
    pg_exec(server_, "DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
  } catch (const std::exception&) {
    // The server may be gone at the end of a failed test; its cleanup removes everything.
  }
}

namespace {

void script(const std::string& action, const std::string& dir) {
  const RunResult result =
      run({"/bin/bash", (source_dir() / "tests" / "support" / "postgres.sh").string(), action, dir}, std::chrono::seconds(60));
  if (result.status != 0) throw std::runtime_error("postgres.sh " + action + " " + dir + " failed: " + result.err);
}

}  // namespace

PostgresServer::PostgresServer() {
  std::random_device random;
  dir_ = "/tmp/section-pg-" + std::to_string(::getpid()) + "-" + std::to_string(random() % 1000000);
  script("start", dir_);
  conninfo_ = "host=" + dir_ + " dbname=postgres user=postgres";
}

PostgresServer::~PostgresServer() {
  try {
    script("stop", dir_);
  } catch (const std::exception&) {
  }
}

void PostgresServer::pause() { script("pause", dir_); }
void PostgresServer::resume() { script("resume", dir_); }

}  // namespace section::test
