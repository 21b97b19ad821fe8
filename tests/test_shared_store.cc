// Several hosts on one PostgreSQL (host/store/postgres_store.h), against real hosts and a real
// PostgreSQL 15: a report taken by one host is served by the other and announced by its Watch;
// the same key sent to both is stored once; PostgreSQL stopped and started again; a host killed
// with SIGKILL in the middle of reports.
#include <signal.h>

#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include <catch2/catch.hpp>

#include "grpc/health/v1/health.grpc.pb.h"
#include "grpc_client.h"
#include "postgres_support.h"
#include "report_client.h"
#include "test_env.h"

namespace section::test {
namespace {

constexpr const char* kMeasure = "candidates_from_underrepresented_countries";  // hr, percent

// The value served for hr's measure in 2021 (actual), or -1 when none is reported.
std::int64_t served_units(const std::string& address) { return reported_units(address, "hr", kMeasure, 2021); }

grpc::health::v1::HealthCheckResponse::ServingStatus health_of(const std::string& address, const std::string& service) {
  auto health = grpc::health::v1::Health::NewStub(channel_to(address));
  grpc::ClientContext context;
  deadline(context);
  grpc::health::v1::HealthCheckRequest request;
  request.set_service(service);
  grpc::health::v1::HealthCheckResponse response;
  if (!health->Check(&context, request, &response).ok()) return grpc::health::v1::HealthCheckResponse::UNKNOWN;
  return response.status();
}

constexpr auto kServing = grpc::health::v1::HealthCheckResponse::SERVING;
constexpr auto kNotServing = grpc::health::v1::HealthCheckResponse::NOT_SERVING;

}  // namespace

TEST_CASE("two hosts on one PostgreSQL: a report on A is served by B and announced by B's Watch, and one key sent to both is stored once") {
  TestDatabase database;
  const TestTokens tokens = make_tokens();
  const std::string config = postgres_config(database.conninfo(), tokens);
  Host a(config);
  Host b(config);
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  CHECK(health_of(b.address(), "section.v1.ReportService") == kServing);

  auto stub_b = stub_for(b.address());
  grpc::ClientContext watch_context;
  deadline(watch_context, std::chrono::seconds(20));
  auto watch = stub_b->Watch(&watch_context, v1::WatchRequest());
  v1::WatchEvent first;
  REQUIRE(watch->Read(&first));

  v1::ReportValueResponse response;
  const grpc::Status status =
      report(a.address(), tokens.reporter_hr, measure_report("hr", kMeasure, 2021, v1::ACTUAL, 48, "k-1", "through A"), &response);
  INFO(status.error_message());
  REQUIRE(status.ok());
  CHECK(response.change().sequence() == 1);

  // B's Watch announces it, and B serves it from then on.
  v1::WatchEvent next;
  REQUIRE(watch->Read(&next));
  CHECK(next.version() > first.version());
  CHECK_THAT(next.reason(), Catch::Contains("from other hosts") && Catch::Contains("hr-team"));
  watch_context.TryCancel();
  CHECK(served_units(b.address()) == 48);
  const auto changes = history(b.address());
  REQUIRE(changes.size() == 1);
  CHECK(changes[0].comment() == "through A");

  // The same key to both hosts at once: stored once, both answered with it.
  const auto same = measure_report("hr", kMeasure, 2021, v1::ACTUAL, 52, "k-both");
  v1::ReportValueResponse from_a, from_b;
  grpc::Status status_a, status_b;
  std::thread to_a([&] { status_a = report(a.address(), tokens.reporter_hr, same, &from_a); });
  std::thread to_b([&] { status_b = report(b.address(), tokens.reporter_hr, same, &from_b); });
  to_a.join();
  to_b.join();
  INFO(status_a.error_message() << " / " << status_b.error_message());
  REQUIRE(status_a.ok());
  REQUIRE(status_b.ok());
  CHECK(from_a.change().sequence() == from_b.change().sequence());
  CHECK(from_a.replayed() != from_b.replayed());
  CHECK(history(a.address()).size() == 2);
  CHECK(eventually([&] { return served_units(a.address()) == 52 && served_units(b.address()) == 52; }, std::chrono::seconds(5)));
  CHECK_THAT(status_of(*stub_b).storage(), Catch::StartsWith("PostgreSQL host="));
}


// A change stored by someone else that this host has not fetched yet (inserted without a
// notice, so only the host's 2 s timer would fetch it): a report on the same figure right after
// is checked with it, and stores it as the old value.
TEST_CASE("two hosts on one PostgreSQL: a report checked without a change stored elsewhere is checked again with it") {
  TestDatabase database;
  const TestTokens tokens = make_tokens();
  const std::string config = postgres_config(database.conninfo(), tokens);
  Host a(config);
  Host b(config);
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  REQUIRE(report(a.address(), tokens.reporter_hr, measure_report("hr", kMeasure, 2021, v1::ACTUAL, 40, "first")).ok());
  REQUIRE(eventually([&] { return served_units(b.address()) == 40; }, std::chrono::seconds(5)));
  database.exec(
      "INSERT INTO section_changes (component, figure_type, figure_id, year, kind, old_present, old_units, old_scale, old_text, "
      "new_units, new_scale, new_text, reported_by, reported_at, comment, idempotency_key) VALUES ('hr', 'measure', '" +
      std::string(kMeasure) + "', 2021, 'ACTUAL', true, 40, 0, '', 77, 0, '', 'hr-team', '2026-01-01T00:00:00Z', 'elsewhere', "
      "'stored-elsewhere')");
  v1::ReportValueResponse response;
  const grpc::Status status =
      report(b.address(), tokens.reporter_hr, measure_report("hr", kMeasure, 2021, v1::ACTUAL, 80, "after-elsewhere"), &response);
  INFO(status.error_message());
  REQUIRE(status.ok());
  CHECK(response.change().old_value().number().units() == 77);
  CHECK(response.change().sequence() == 3);
  CHECK(served_units(b.address()) == 80);
  const auto changes = history(a.address());
  REQUIRE(changes.size() == 3);
  CHECK(changes[2].old_value().number().units() == 77);
  CHECK(eventually([&] { return served_units(a.address()) == 80; }, std::chrono::seconds(5)));
}

// PostgreSQL plans each append with the table's statistics, which a store that grew since its
// last ANALYZE does not have: the check for changes of other hosts once read the whole table
// for every report. Read in order of sequence from the last applied one, it reads a few rows.
TEST_CASE("one host on PostgreSQL: a report reads a few rows of a large unanalyzed store, not the whole table") {
  TestDatabase database;
  const TestTokens tokens = make_tokens();
  const std::string config = postgres_config(database.conninfo(), tokens);
  {
    Host creator(config);  // creates the schema
    REQUIRE(creator.ok());
  }
  constexpr int kStored = 5000;
  database.exec(
      "INSERT INTO section_changes (component, figure_type, figure_id, year, kind, old_present, old_units, old_scale, old_text, "
      "new_units, new_scale, new_text, reported_by, reported_at, comment, idempotency_key) SELECT 'hr', 'measure', '" +
      std::string(kMeasure) + "', 2021, 'ACTUAL', true, 40, 0, '', 40, 0, '', 'elsewhere', '2026-01-01T00:00:00Z', '', "
      "'stored-' || n FROM generate_series(1, " + std::to_string(kStored) + ") AS n");
  const auto rows_read = [&] {
    // A backend's counts reach the view when it flushes them, which it does at the latest when it
    // ends: read once no other connection to the database is left.
    REQUIRE(eventually([&] {
      return database.exec("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()") == "0";
    }, std::chrono::seconds(10)));
    return std::stoll(database.exec("SELECT seq_tup_read + coalesce(idx_tup_fetch, 0) FROM pg_stat_user_tables "
                                    "WHERE relname = 'section_changes'"));
  };
  const long long before = rows_read();
  constexpr int kReports = 30;
  {
    Host host(config);
    REQUIRE(host.ok());
    for (int i = 0; i < kReports; ++i) {
      const grpc::Status status = report(host.address(), tokens.reporter_hr,
                                         measure_report("hr", kMeasure, 2021, v1::ACTUAL, 41 + i, "few-" + std::to_string(i)));
      INFO(status.error_message());
      REQUIRE(status.ok());
    }
  }
  const long long read = rows_read() - before;
  INFO("rows read by a host that started (reading all " << kStored << ") and took " << kReports << " reports: " << read);
  CHECK(read >= kStored);       // the start-up's read is counted
  CHECK(read < 3 * kStored);    // the reports read a few rows each, not the whole table
}

// A server that stops answering (SIGSTOP: as behind a network partition, no connection closed)
// while a report is in flight: the report is answered UNAVAILABLE within the deadline
// (storage.statement_timeout_ms, here 1 s), health says NOT_SERVING, reads are served; once it
// answers again the host takes reports again and serves what was stored.
TEST_CASE("matrix: PostgreSQL frozen with SIGSTOP mid-report: UNAVAILABLE within the deadline, reads served, then caught up") {
  PostgresServer server;
  TestDatabase database(server.conninfo());
  const TestTokens tokens = make_tokens();
  Host a(postgres_config(database.conninfo(), tokens, "  statement_timeout_ms: 1000\n"));
  REQUIRE(a.ok());
  REQUIRE(report(a.address(), tokens.reporter_hr, measure_report("hr", kMeasure, 2021, v1::ACTUAL, 40, "before")).ok());

  server.freeze();
  const auto started = std::chrono::steady_clock::now();
  const grpc::Status frozen = report(a.address(), tokens.reporter_hr, measure_report("hr", kMeasure, 2021, v1::ACTUAL, 41, "frozen"));
  const auto waited = std::chrono::steady_clock::now() - started;
  INFO(frozen.error_message());
  CHECK(frozen.error_code() == grpc::StatusCode::UNAVAILABLE);
  CHECK(waited < std::chrono::seconds(4));
  CHECK(served_units(a.address()) == 40);
  // ListHistory reads the store too: calls that wait for the frozen server wait on threads of
  // their own, not on gRPC's, so the section's reads are answered meanwhile.
  std::atomic<int> histories_answered{0};
  std::vector<std::thread> histories;
  for (int i = 0; i < 4; ++i) {
    histories.emplace_back([&] {
      auto stub = v1::ReportService::NewStub(channel_to(a.address()));
      grpc::ClientContext context;
      context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
      v1::ListHistoryResponse response;
      stub->ListHistory(&context, v1::ListHistoryRequest(), &response);
      ++histories_answered;
    });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // for the four calls to reach the host
  CHECK(served_units(a.address()) == 40);
  CHECK(histories_answered == 0);  // answered while every ListHistory still waits
  CHECK(eventually([&] { return health_of(a.address(), "section.v1.ReportService") == kNotServing; }, std::chrono::seconds(8)));
  CHECK(health_of(a.address(), "") == kServing);
  CHECK(served_units(a.address()) == 40);

  server.thaw();
  for (auto& call : histories) call.join();
  CHECK(eventually([&] { return health_of(a.address(), "section.v1.ReportService") == kServing; }, std::chrono::seconds(15)));
  const grpc::Status after = report(a.address(), tokens.reporter_hr, measure_report("hr", kMeasure, 2021, v1::ACTUAL, 42, "after"));
  INFO(after.error_message());
  CHECK(after.ok());
  CHECK(eventually([&] { return served_units(a.address()) == 42; }, std::chrono::seconds(5)));
}

// The failure matrix's row "PostgreSQL stopped" (docs/operations.md): both hosts keep serving
// what they applied, refuse reports with UNAVAILABLE, say so in health and status, and take
// reports again once it is back. Then "a host missed changes while it could not connect": the
// row stored meanwhile by someone else is applied when it reconnects (the catch-up from the
// last applied sequence, not a notice: nobody listened when it was stored).
TEST_CASE("matrix: PostgreSQL stopped and started again: reads served, reports UNAVAILABLE, health and status say so, then caught up") {
  PostgresServer server;
  TestDatabase database(server.conninfo());
  database.exec("CREATE ROLE section LOGIN");
  pg_exec(server.conninfo(), "ALTER DATABASE " + database.name() + " OWNER TO section");
  const std::string conninfo = database.conninfo() + " user=section";
  const TestTokens tokens = make_tokens();
  const std::string config = postgres_config(conninfo, tokens);
  Host a(config);
  Host b(config);
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  REQUIRE(report(a.address(), tokens.reporter_hr, measure_report("hr", kMeasure, 2021, v1::ACTUAL, 40, "before")).ok());
  REQUIRE(eventually([&] { return served_units(b.address()) == 40; }, std::chrono::seconds(5)));

  server.pause();  // pg_ctl stop
  for (const Host* host : {&a, &b}) {
    INFO("host " << host->address());
    CHECK(eventually([&] { return health_of(host->address(), "section.v1.ReportService") == kNotServing; }, std::chrono::seconds(10)));
    CHECK(health_of(host->address(), "") == kServing);
    CHECK(served_units(host->address()) == 40);
    v1::HostStatus status = status_of(*stub_for(host->address()));
    CHECK_THAT(status.storage(), Catch::Contains("unreachable"));
    const auto refused = report(host->address(), tokens.reporter_hr, measure_report("hr", kMeasure, 2021, v1::ACTUAL, 41, "while-down"));
    CHECK(refused.error_code() == grpc::StatusCode::UNAVAILABLE);
    CHECK_THAT(refused.error_message(), Catch::Contains("the report store is unreachable"));
  }

  server.resume();  // pg_ctl start: both reconnect (with backoff) and take reports again
  for (const Host* host : {&a, &b}) {
    CHECK(eventually([&] { return health_of(host->address(), "section.v1.ReportService") == kServing; }, std::chrono::seconds(15)));
  }
  const grpc::Status after = report(b.address(), tokens.reporter_hr, measure_report("hr", kMeasure, 2021, v1::ACTUAL, 42, "after"));
  INFO(after.error_message());
  CHECK(after.ok());
  CHECK(eventually([&] { return served_units(a.address()) == 42; }, std::chrono::seconds(5)));

  // Nobody can connect as the hosts' role: both lose the store; a change stored meanwhile (as
  // by a host elsewhere) reaches neither until they are let in again, then both.
  database.exec("ALTER ROLE section NOLOGIN");
  database.exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = 'section'");
  for (const Host* host : {&a, &b}) {
    CHECK(eventually([&] { return health_of(host->address(), "section.v1.ReportService") == kNotServing; }, std::chrono::seconds(10)));
  }
  database.exec(
      "INSERT INTO section_changes (component, figure_type, figure_id, year, kind, old_present, old_units, old_scale, old_text, "
      "new_units, new_scale, new_text, reported_by, reported_at, comment, idempotency_key) VALUES ('hr', 'measure', '" +
      std::string(kMeasure) + "', 2021, 'ACTUAL', true, 42, 0, '', 77, 0, '', 'hr-team', '2026-01-01T00:00:00Z', 'elsewhere', "
      "'stored-elsewhere')");
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  CHECK(served_units(a.address()) == 42);
  CHECK(served_units(b.address()) == 42);
  database.exec("ALTER ROLE section LOGIN");
  for (const Host* host : {&a, &b}) {
    INFO("host " << host->address());
    CHECK(eventually([&] { return served_units(host->address()) == 77; }, std::chrono::seconds(15)));
    CHECK(eventually([&] { return health_of(host->address(), "section.v1.ReportService") == kServing; }, std::chrono::seconds(5)));
  }
}

// The failure matrix's row "a host killed with SIGKILL in the middle of reports" with
// PostgreSQL: clients report to A, which is killed; each report whose answer was lost is sent
// again to B with the same key. Every acknowledged report is stored, and each key once.
TEST_CASE("matrix: a host on PostgreSQL killed with SIGKILL mid-reports loses no acknowledged report and duplicates none") {
  TestDatabase database;
  const TestTokens tokens = make_tokens();
  const std::string config = postgres_config(database.conninfo(), tokens);
  auto a = std::make_unique<Host>(config);
  Host b(config);
  REQUIRE(a->ok());
  REQUIRE(b.ok());
  const std::string address_a = a->address();

  constexpr int kClients = 4;
  std::atomic<bool> stop{false};
  std::mutex mutex;
  std::set<std::string> acknowledged;  // under `mutex`
  std::map<std::string, v1::ReportValueRequest> lost_answers;  // by key, under `mutex`
  std::vector<std::string> unexpected;
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      for (int n = 0; !stop; ++n) {
        const std::string key = "kill-" + std::to_string(c) + "-" + std::to_string(n);
        const auto request = measure_report("hr", kMeasure, 2021, v1::ACTUAL, (c * 13 + n) % 101, key);
        const grpc::Status status = report(address_a, tokens.reporter_hr, request);
        std::lock_guard<std::mutex> lock(mutex);
        if (status.ok()) acknowledged.insert(key);
        else if (status.error_code() == grpc::StatusCode::UNAVAILABLE) lost_answers.emplace(key, request);
        else unexpected.push_back(key + ": " + status.error_message());
        if (!status.ok()) return;  // A is gone: this client stops sending to it
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(600));
  a->child().signal(SIGKILL);
  REQUIRE(a->child().wait(std::chrono::seconds(5)).has_value());
  stop = true;
  for (auto& thread : clients) thread.join();
  CHECK(unexpected.empty());
  // The client's retry, to the host that is left: stored once whether A stored it or not.
  for (const auto& [key, request] : lost_answers) {
    v1::ReportValueResponse response;
    const grpc::Status retried = report(b.address(), tokens.reporter_hr, request, &response);
    INFO(key << ": " << retried.error_message());
    CHECK(retried.ok());
  }
  std::map<std::string, int> stored;
  for (const auto& change : history(b.address())) ++stored[change.idempotency_key()];
  REQUIRE(acknowledged.size() > 5);
  for (const auto& key : acknowledged) {
    INFO("acknowledged " << key);
    CHECK(stored[key] == 1);
  }
  for (const auto& [key, request] : lost_answers) CHECK(stored[key] == 1);
  for (const auto& [key, count] : stored) CHECK(count == 1);
  // B serves the latest change (history is read from PostgreSQL itself, so it proves nothing
  // about what B applied).
  const auto changes = history(b.address());
  REQUIRE_FALSE(changes.empty());
  const std::int64_t latest = changes.back().new_value().number().units();
  CHECK(eventually([&] { return served_units(b.address()) == latest; }, std::chrono::seconds(5)));
}

}  // namespace section::test
