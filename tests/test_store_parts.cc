// The pure parts of the shared store, without a database: the schema-version verdict, the
// backoff of reconnections, the codes of PostgreSQL's errors, connection strings shown without
// passwords, the sequence bookkeeping of changes from other hosts, and reported figures that
// arrive out of order; and libpq, loaded only when a PostgreSQL store is used.
#include <catch2/catch.hpp>

#include "figure_values.h"
#include "host/reports/figures.h"
#include "host/reports/sequence_tracker.h"
#include "host/store/backoff.h"
#include "host/store/libpq.h"
#include "host/store/pg_connection.h"
#include "host/store/postgres_schema.h"

using namespace section;
using namespace std::chrono_literals;
using Code = absl::StatusCode;
namespace pg = section::store::postgres;

namespace {

v1::FigureChange change(std::uint64_t sequence, const std::string& measure = "m.1", std::int64_t units = 1) {
  v1::FigureChange change;
  change.set_sequence(sequence);
  change.mutable_figure()->set_component("hr");
  change.mutable_figure()->set_measure(measure);
  change.mutable_figure()->set_year(2021);
  change.mutable_figure()->set_kind(v1::ACTUAL);
  *change.mutable_new_value() = test::number_value(units);
  return change;
}

std::vector<std::uint64_t> sequences(const std::vector<v1::FigureChange>& changes) {
  std::vector<std::uint64_t> numbers;
  for (const auto& c : changes) numbers.push_back(c.sequence());
  return numbers;
}

}  // namespace

TEST_CASE("schema verdict: an empty database is created, ours is used, anything else is refused and named") {
  pg::Found found;
  CHECK(*pg::schema_verdict(found) == pg::Verdict::kCreate);
  found.schema_table = found.changes_table = true;
  found.version = pg::kSchemaVersion;
  CHECK(*pg::schema_verdict(found) == pg::Verdict::kUse);
  found.version = 2;
  auto later = pg::schema_verdict(found);
  REQUIRE_FALSE(later.ok());
  CHECK(later.status().code() == Code::kFailedPrecondition);
  CHECK_THAT(std::string(later.status().message()), Catch::Contains("schema 2") && Catch::Contains("needs section-host report schema 1"));
  found.version.reset();
  CHECK_THAT(std::string(pg::schema_verdict(found).status().message()), Catch::Contains("exactly one version"));
  pg::Found stranger;
  stranger.changes_table = true;
  CHECK_THAT(std::string(pg::schema_verdict(stranger).status().message()), Catch::Contains("not a section-host report store"));
  pg::Found half;
  half.schema_table = true;
  half.version = pg::kSchemaVersion;
  CHECK_THAT(std::string(pg::schema_verdict(half).status().message()), Catch::Contains("section_changes is missing"));
}

TEST_CASE("backoff: a random part of a ceiling that doubles up to its maximum, reset only by a connection that lasted") {
  store::Backoff backoff(100ms, 1000ms, 10000ms);
  // The whole ceiling at fraction 1, a part of it otherwise, never less than 10 ms.
  CHECK(backoff.next(1.0) == 100ms);
  CHECK(backoff.next(0.5) == 100ms);  // half of 200
  CHECK(backoff.next(1.0) == 400ms);
  CHECK(backoff.next(0.25) == 200ms);  // a quarter of 800
  CHECK(backoff.next(1.0) == 1000ms);
  CHECK(backoff.next(0.0) == 10ms);
  CHECK(backoff.ceiling() == 1000ms);
  // A connection that broke at once does not bring the pace back to 100 ms; one that lasted does.
  backoff.connected_for(50ms);
  CHECK(backoff.ceiling() == 1000ms);
  backoff.connected_for(10000ms);
  CHECK(backoff.next(1.0) == 100ms);
}

TEST_CASE("PostgreSQL errors get the codes clients rely on") {
  CHECK(store::code_of_sqlstate("23505", true) == Code::kAlreadyExists);
  CHECK(store::code_of_sqlstate("53100", true) == Code::kResourceExhausted);
  CHECK(store::code_of_sqlstate("25006", true) == Code::kFailedPrecondition);
  CHECK(store::code_of_sqlstate("42501", true) == Code::kFailedPrecondition);
  CHECK(store::code_of_sqlstate("57P01", true) == Code::kUnavailable);
  CHECK(store::code_of_sqlstate("08006", true) == Code::kUnavailable);
  CHECK(store::code_of_sqlstate("42P01", true) == Code::kInternal);
  // Transient: nothing stored, a retry may succeed.
  for (const char* transient : {"57014", "55P03", "40P01", "40001"}) {
    INFO(transient);
    CHECK(store::code_of_sqlstate(transient, true) == Code::kUnavailable);
  }
  // A broken connection is unavailable whatever the statement's state says.
  CHECK(store::code_of_sqlstate("", false) == Code::kUnavailable);
  CHECK(store::code_of_sqlstate("42P01", false) == Code::kUnavailable);
}

TEST_CASE("connection strings are shown without passwords or other options") {
  CHECK(store::redacted_conninfo("host=/var/run/postgresql dbname=section user=section password=secret sslmode=require") ==
        "host=/var/run/postgresql dbname=section user=section");
  CHECK(store::redacted_conninfo("postgresql://section:secret@db.example:5433/reports") ==
        "host=db.example port=5433 dbname=reports user=section");
  CHECK_THAT(store::redacted_conninfo("host='unterminated password=secret"),
             Catch::StartsWith("a malformed connection string") && !Catch::Contains("secret"));
}

TEST_CASE("sequence tracker: changes from other hosts are applied once each, in order, around this host's own") {
  reports::SequenceTracker tracker(3);
  CHECK(tracker.last() == 3);
  // This host stored 6 while 4 and 5, from other hosts, were not fetched yet.
  tracker.applied_here(6);
  CHECK(sequences(tracker.take_new({change(4), change(5), change(6)})) == std::vector<std::uint64_t>{4, 5});
  CHECK(tracker.last() == 6);
  CHECK(tracker.applied(5));
  CHECK_FALSE(tracker.applied(7));
  tracker.applied_here(8);
  CHECK(tracker.applied(8));  // a notice of it needs no fetch
  // Fetched again (a notice and a reconnection both asking): nothing twice.
  CHECK(tracker.take_new({change(5), change(6)}).empty());
  // A gap left by a rolled-back insert is not waited for.
  CHECK(sequences(tracker.take_new({change(8), change(9), change(10)})) == std::vector<std::uint64_t>{9, 10});
  CHECK(tracker.last() == 10);
  // Its own, fetched before any other: skipped, and forgotten once passed.
  tracker.applied_here(11);
  tracker.applied_here(12);
  CHECK(tracker.take_new({change(11)}).empty());
  CHECK(sequences(tracker.take_new({change(12), change(13)})) == std::vector<std::uint64_t>{13});
  // Older than last: already applied.
  tracker.applied_here(2);
  CHECK(tracker.take_new({}).empty());
  CHECK(tracker.last() == 13);
  // Stored after the store checked that everything before was applied: last() moves up to it,
  // and the own sequences below it are forgotten.
  tracker.applied_here(15);
  tracker.applied_here(17);
  CHECK(tracker.own() == std::vector<std::uint64_t>{15, 17});
  tracker.applied_up_to(16);
  CHECK(tracker.last() == 16);
  CHECK(tracker.own() == std::vector<std::uint64_t>{17});
  tracker.applied_up_to(12);  // never back
  CHECK(tracker.last() == 16);
}

TEST_CASE("reported figures keep the change of the highest sequence whatever order they arrive in") {
  // With no component served, every latest change is listed as unapplied, with its value.
  auto latest = [](std::initializer_list<v1::FigureChange> changes) {
    reports::ReportedFigures figures;
    for (const auto& c : changes) figures.add(c);
    std::vector<v1::Component> none;
    std::vector<std::string> unapplied;
    figures.apply_to(none, &unapplied);
    return unapplied;
  };
  const auto in_order = latest({change(5, "m.1", 50), change(6, "m.2", 60), change(7, "m.1", 70)});
  // Another host's 5 applied after this host's later 7.
  const auto out_of_order = latest({change(7, "m.1", 70), change(6, "m.2", 60), change(5, "m.1", 50)});
  REQUIRE(in_order.size() == 2);
  CHECK(in_order == out_of_order);
  CHECK_THAT(in_order[0], Catch::Contains("(70,"));
}

TEST_CASE("libpq is loaded by its soname when first needed, and a library that is not it is refused by name") {
  auto loaded = store::load_libpq(store::kLibpqName);
  REQUIRE(loaded.ok());
  CHECK(loaded->PQconnectdbParams != nullptr);
  CHECK(loaded->PQpipelineSync != nullptr);
  CHECK(loaded->PQclear != nullptr);

  auto missing = store::load_libpq("libpq-not-installed.so.5");
  REQUIRE(missing.status().code() == Code::kFailedPrecondition);
  CHECK_THAT(std::string(missing.status().message()), Catch::Contains("libpq-not-installed.so.5") && Catch::Contains("libpq5"));

  auto other = store::load_libpq("libsqlite3.so.0");
  REQUIRE(other.status().code() == Code::kFailedPrecondition);
  CHECK_THAT(std::string(other.status().message()), Catch::Contains("libsqlite3.so.0 has no function PQ"));
}
