// PostgreSQL for the tests: the suite's server (the CTest fixture "postgres", started by
// tests/support/postgres.sh, its connection string in SECTION_TEST_POSTGRES), a fresh database
// on it per test, and a server of a test's own for the tests that stop it.
#pragma once

#include <string>

namespace section::test {

// SECTION_TEST_POSTGRES: the suite's server, database "postgres". Throws when it is not set
// (the test is then run outside CTest's fixture), so that no test passes without a server.
std::string suite_postgres();

// Runs `sql` on `conninfo`; the first column of the first row, or "" (throws on an error).
std::string pg_exec(const std::string& conninfo, const std::string& sql);

// A database of its own on a server (by default the suite's), created empty and dropped by
// the destructor.
class TestDatabase {
 public:
  explicit TestDatabase(const std::string& server = suite_postgres());
  ~TestDatabase();
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;
  // The server's connection string with this database.
  const std::string& conninfo() const { return conninfo_; }
  const std::string& name() const { return name_; }
  std::string exec(const std::string& sql) const { return pg_exec(conninfo_, sql); }

 private:
  std::string server_;
  std::string name_;
  std::string conninfo_;
};

// A PostgreSQL server of the test's own (postgres.sh in a directory under /tmp), for tests that
// stop and start it. Stopped and removed by the destructor.
class PostgresServer {
 public:
  PostgresServer();
  ~PostgresServer();
  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;
  // Its "postgres" database.
  const std::string& conninfo() const { return conninfo_; }
  // pg_ctl stop / start, keeping the data.
  void pause();
  void resume();

 private:
  std::string dir_;
  std::string conninfo_;
};

}  // namespace section::test
