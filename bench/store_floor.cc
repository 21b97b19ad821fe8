// section-bench-store-floor: the floor of a durable report, without section-host. N writers,
// each with its own connection, insert and commit one row of the report table's shape, one
// transaction per row, with the host's durability settings: SQLite in WAL with synchronous=FULL,
// PostgreSQL with synchronous_commit on. Prints one JSON object: rows per second.
//
//   section-bench-store-floor --sqlite DIR | --postgres CONNINFO [--concurrency 1] [--duration-ms 3000]
#include <libpq-fe.h>
#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "bench/bench_common.h"

namespace {

using Clock = std::chrono::steady_clock;

constexpr const char* kColumns =
    "component, figure_type, figure_id, year, kind, old_present, old_units, old_scale, old_text, old_count, new_units, "
    "new_scale, new_text, new_count, reported_by, reported_at, comment, idempotency_key";

constexpr const char* kSqliteTable = R"sql(
CREATE TABLE IF NOT EXISTS floor (sequence INTEGER PRIMARY KEY AUTOINCREMENT, component TEXT NOT NULL, figure_type TEXT NOT NULL,
  figure_id TEXT NOT NULL, year INTEGER NOT NULL, kind TEXT NOT NULL, old_present INTEGER NOT NULL, old_units INTEGER,
  old_scale INTEGER, old_text TEXT NOT NULL, old_count INTEGER, new_units INTEGER, new_scale INTEGER, new_text TEXT NOT NULL,
  new_count INTEGER, reported_by TEXT NOT NULL, reported_at TEXT NOT NULL, comment TEXT NOT NULL,
  idempotency_key TEXT NOT NULL, UNIQUE (reported_by, idempotency_key)))sql";

constexpr const char* kPostgresTable = R"sql(
CREATE TABLE IF NOT EXISTS floor (sequence bigserial PRIMARY KEY, component text NOT NULL, figure_type text NOT NULL,
  figure_id text NOT NULL, year integer NOT NULL, kind text NOT NULL, old_present boolean NOT NULL, old_units bigint,
  old_scale integer, old_text text NOT NULL, old_count bigint, new_units bigint, new_scale integer, new_text text NOT NULL,
  new_count bigint, reported_by text NOT NULL, reported_at text NOT NULL, comment text NOT NULL,
  idempotency_key text NOT NULL, UNIQUE (reported_by, idempotency_key)))sql";

// The values of one row; `present` is the literal of old_present (1 in SQLite, true in PostgreSQL).
std::string row_values(const std::string& key, const char* present) {
  return std::string("('hr', 'measure', 'candidates_from_underrepresented_countries', 2021, 'ACTUAL', ") + present +
         ", 85, 0, '', NULL, 48, 0, '', NULL, "
         "'hr-team', '2026-01-01T00:00:00.123456789Z', '', '" + key + "')";
}

// One SQLite writer: BEGIN IMMEDIATE, INSERT, COMMIT per row, as SqliteStore::append.
long sqlite_writer(const std::string& path, const std::string& prefix, Clock::time_point begin, Clock::time_point end) {
  sqlite3* db = nullptr;
  sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  sqlite3_busy_timeout(db, 5000);
  sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;", nullptr, nullptr, nullptr);
  long rows = 0;
  for (long n = 0; Clock::now() < end; ++n) {
    const std::string sql = std::string("BEGIN IMMEDIATE; INSERT INTO floor (") + kColumns + ") VALUES " +
                            row_values(prefix + std::to_string(n), "1") + "; COMMIT;";
    if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) {
      std::fprintf(stderr, "sqlite: %s\n", sqlite3_errmsg(db));
      sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
      continue;
    }
    if (Clock::now() > begin) ++rows;
  }
  sqlite3_close(db);
  return rows;
}

// One PostgreSQL writer: one INSERT per row in autocommit, synchronous_commit on.
long postgres_writer(const std::string& conninfo, const std::string& prefix, Clock::time_point begin, Clock::time_point end) {
  PGconn* connection = PQconnectdb(conninfo.c_str());
  if (PQstatus(connection) != CONNECTION_OK) {
    std::fprintf(stderr, "postgres: %s", PQerrorMessage(connection));
    PQfinish(connection);
    return 0;
  }
  PQsetNoticeProcessor(connection, [](void*, const char*) {}, nullptr);
  PQclear(PQexec(connection, "SET synchronous_commit = on"));
  long rows = 0;
  for (long n = 0; Clock::now() < end; ++n) {
    const std::string sql = std::string("INSERT INTO floor (") + kColumns + ") VALUES " +
                            row_values(prefix + std::to_string(n), "true");
    PGresult* result = PQexec(connection, sql.c_str());
    if (PQresultStatus(result) != PGRES_COMMAND_OK) std::fprintf(stderr, "postgres: %s", PQresultErrorMessage(result));
    else if (Clock::now() > begin) ++rows;
    PQclear(result);
  }
  PQfinish(connection);
  return rows;
}

}  // namespace

int main(int argc, char** argv) {
  const auto flags = section::bench::parse_flags(argc, argv);
  const std::string sqlite_dir = section::bench::flag(flags, "sqlite", "");
  const std::string postgres = section::bench::flag(flags, "postgres", "");
  const int concurrency = std::stoi(section::bench::flag(flags, "concurrency", "1"));
  const auto duration = std::chrono::milliseconds(std::stoi(section::bench::flag(flags, "duration-ms", "3000")));
  const auto warmup = std::chrono::milliseconds(std::stoi(section::bench::flag(flags, "warmup-ms", "500")));
  section::bench::pin_to_cpu(std::stoi(section::bench::flag(flags, "pin", "-1")));
  if (sqlite_dir.empty() == postgres.empty()) {
    std::fprintf(stderr, "usage: section-bench-store-floor --sqlite DIR | --postgres CONNINFO [--concurrency N]\n");
    return 2;
  }
  const std::string path = sqlite_dir + "/floor.sqlite3";
  if (!sqlite_dir.empty()) {
    sqlite3* db = nullptr;
    sqlite3_open(path.c_str(), &db);
    sqlite3_exec(db, "PRAGMA journal_mode=WAL;", nullptr, nullptr, nullptr);
    sqlite3_exec(db, kSqliteTable, nullptr, nullptr, nullptr);
    sqlite3_close(db);
  } else {
    PGconn* connection = PQconnectdb(postgres.c_str());
    PQsetNoticeProcessor(connection, [](void*, const char*) {}, nullptr);  // "already exists, skipping"
    PQclear(PQexec(connection, kPostgresTable));
    PQfinish(connection);
  }
  const std::string run = std::to_string(std::chrono::system_clock::now().time_since_epoch().count());
  const auto begin = Clock::now() + warmup;
  const auto end = begin + duration;
  std::atomic<long> rows{0};
  std::vector<std::thread> writers;
  for (int w = 0; w < concurrency; ++w) {
    writers.emplace_back([&, w] {
      const std::string prefix = "floor-" + run + "-" + std::to_string(w) + "-";
      rows += sqlite_dir.empty() ? postgres_writer(postgres, prefix, begin, end) : sqlite_writer(path, prefix, begin, end);
    });
  }
  for (auto& writer : writers) writer.join();
  std::printf("{\"store\": \"%s\", \"concurrency\": %d, \"rows\": %ld, \"rate\": %.1f}\n", sqlite_dir.empty() ? "postgres" : "sqlite",
              concurrency, rows.load(), static_cast<double>(rows.load()) / std::chrono::duration<double>(duration).count());
  return 0;
}
