// One set of cases for both report stores (host/store/report_store.h): every case runs against
// SQLite and against a real PostgreSQL (the suite's server, a fresh database per case). The
// stores must agree on numbering, history, idempotency, reopening, racing writers and a
// database of another schema version.
#include <catch2/catch.hpp>

#include <sqlite3.h>

#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <memory>
#include <thread>

#include <google/protobuf/util/message_differencer.h>

#include "figure_values.h"
#include "host/store/report_store.h"
#include "postgres_support.h"
#include "test_env.h"

using namespace section;
using section::store::ReportStore;
using section::v1::FigureChange;
using section::v1::FigureValue;
using test::count_value;
using test::make_change;
using test::number_value;
using test::text_value;
using Code = absl::StatusCode;

namespace {

// Where a case's store lives, and how to give it a database of another schema version.
class Backend {
 public:
  virtual ~Backend() = default;
  virtual config::StorageConfig storage() const = 0;
  // Makes the (still empty) store a store of schema `version`, as a later host would leave it.
  virtual void write_foreign_schema(int version) = 0;
  // What the refusal of it must say.
  virtual std::string foreign_schema_words(int version) const = 0;
};

class SqliteBackend : public Backend {
 public:
  config::StorageConfig storage() const override {
    config::StorageConfig storage;
    storage.data_dir = dir_.path() / "data";
    return storage;
  }
  void write_foreign_schema(int version) override {
    std::filesystem::create_directories(dir_.path() / "data");
    sqlite3* db = nullptr;
    sqlite3_open((dir_.path() / "data" / "reports.sqlite3").c_str(), &db);
    const std::string sql = "PRAGMA application_id=1397048148; PRAGMA user_version=" + std::to_string(version) + "; CREATE TABLE changes (x);";
    REQUIRE(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(db);
  }
  std::string foreign_schema_words(int version) const override { return "user_version " + std::to_string(version); }

 private:
  test::TempDir dir_;
};

class PostgresBackend : public Backend {
 public:
  config::StorageConfig storage() const override {
    config::StorageConfig storage;
    storage.postgres = database_.conninfo();
    return storage;
  }
  void write_foreign_schema(int version) override {
    database_.exec("CREATE TABLE section_schema (version integer NOT NULL); CREATE TABLE section_changes (x integer); "
                   "INSERT INTO section_schema VALUES (" + std::to_string(version) + ")");
  }
  std::string foreign_schema_words(int version) const override { return "schema " + std::to_string(version); }

 private:
  test::TestDatabase database_;
};

std::unique_ptr<ReportStore> open_store(const Backend& backend) {
  auto store = ReportStore::open(backend.storage());
  INFO(std::string(store.status().message()));
  REQUIRE(store.ok());
  return std::move(store).value();
}

std::vector<FigureChange> sample_changes() {
  return {
      make_change("hr", true, "m.pct", 2020, v1::ACTUAL, number_value(85, 0, "85 per cent"), number_value(875, 1, "after audit"),
                  "hr-team", "k1", "corrected after the audit"),
      make_change("hr", false, "d.docs", 2020, v1::ACTUAL, count_value(12), count_value(13), "hr-team", "k2", ""),
      make_change("finance", true, "m.pct", 2021, v1::PLANNED, FigureValue(), number_value(-90, 2), "finance-team", "k1",
                  "ünïcødé · comment"),
      make_change("hr", true, "m.pct", 2021, v1::ACTUAL, FigureValue(), text_value("not measured"), "hr-team", "k3"),
      make_change("hr", false, "m.pct", 2020, v1::ACTUAL, FigureValue(), count_value(0), "hr-team", "k5"),
  };
}

std::vector<FigureChange> append_samples(ReportStore& store) {
  std::vector<FigureChange> stored = sample_changes();
  for (auto& change : stored) {
    const absl::Status written = store.append(change);
    INFO(std::string(written.message()));
    REQUIRE(written.ok());
  }
  return stored;
}

template <typename T>
T value_of(absl::StatusOr<T> result) {
  INFO(std::string(result.status().message()));
  REQUIRE(result.ok());
  return std::move(result).value();
}

void check_same(const std::vector<FigureChange>& actual, const std::vector<FigureChange>& expected) {
  REQUIRE(actual.size() == expected.size());
  for (std::size_t i = 0; i < actual.size(); ++i) {
    INFO("change " << i << "\n  stored:   " << actual[i].ShortDebugString() << "\n  expected: " << expected[i].ShortDebugString());
    CHECK(google::protobuf::util::MessageDifferencer::Equals(actual[i], expected[i]));
  }
}

std::vector<FigureChange> pick(const std::vector<FigureChange>& changes, std::initializer_list<std::size_t> indexes) {
  std::vector<FigureChange> picked;
  for (std::size_t i : indexes) picked.push_back(changes[i]);
  return picked;
}

void numbers_and_returns(Backend& backend) {
  auto store = open_store(backend);
  CHECK(store->writable());
  CHECK(store->reachable().ok());
  const auto stored = append_samples(*store);
  for (std::size_t i = 1; i < stored.size(); ++i) CHECK(stored[i].sequence() > stored[i - 1].sequence());
  check_same(value_of(store->all()), stored);
  check_same(value_of(store->after(stored[1].sequence())), pick(stored, {2, 3, 4}));
  check_same(value_of(store->after(stored.back().sequence())), {});
  check_same(value_of(store->after(0)), stored);
  // A page: the oldest first.
  check_same(value_of(store->after(0, 2)), pick(stored, {0, 1}));
  check_same(value_of(store->after(stored[1].sequence(), 2)), pick(stored, {2, 3}));
  const auto found = value_of(store->find("hr-team", "k3"));
  REQUIRE(found.has_value());
  check_same({*found}, {stored[3]});
  CHECK_FALSE(value_of(store->find("hr-team", "k9")).has_value());
  CHECK_FALSE(value_of(store->find("finance-team", "k2")).has_value());
}

void filters_history(Backend& backend) {
  auto store = open_store(backend);
  const auto stored = append_samples(*store);
  v1::ListHistoryRequest filter;
  check_same(value_of(store->history(filter)), stored);
  filter.set_component("hr");
  check_same(value_of(store->history(filter)), pick(stored, {0, 1, 3, 4}));
  filter.set_measure("m.pct");
  check_same(value_of(store->history(filter)), pick(stored, {0, 3}));
  filter.set_year(2021);
  check_same(value_of(store->history(filter)), pick(stored, {3}));
  v1::ListHistoryRequest planned;
  planned.set_kind(v1::PLANNED);
  check_same(value_of(store->history(planned)), pick(stored, {2}));
  v1::ListHistoryRequest deliverable;
  deliverable.set_deliverable("m.pct");
  check_same(value_of(store->history(deliverable)), pick(stored, {4}));
  // Pages: after a sequence, at most a limit, with the filter.
  v1::ListHistoryRequest hr;
  hr.set_component("hr");
  check_same(value_of(store->history(hr, 0, 2)), pick(stored, {0, 1}));
  check_same(value_of(store->history(hr, stored[1].sequence(), 2)), pick(stored, {3, 4}));
  check_same(value_of(store->history(hr, stored[4].sequence(), 2)), {});
  REQUIRE(stored.size() == 5);
  check_same(value_of(store->history(v1::ListHistoryRequest(), stored[2].sequence())), pick(stored, {3, 4}));
}

void reopens(Backend& backend) {
  std::vector<FigureChange> stored;
  {
    auto store = open_store(backend);
    stored = append_samples(*store);
  }
  auto store = open_store(backend);
  check_same(value_of(store->all()), stored);
  FigureChange more = make_change("hr", true, "m.pct", 2022, v1::ACTUAL, FigureValue(), number_value(1), "hr-team", "k6");
  REQUIRE(store->append(more).ok());
  CHECK(more.sequence() > stored.back().sequence());
}

void refuses_duplicates(Backend& backend) {
  auto store = open_store(backend);
  const auto stored = append_samples(*store);
  FigureChange again = make_change("hr", true, "other", 2020, v1::ACTUAL, FigureValue(), number_value(2), "hr-team", "k1");
  const absl::Status written = store->append(again);
  CHECK(written.code() == Code::kAlreadyExists);
  check_same(value_of(store->all()), stored);
  // The same key from another reporter is another report.
  FigureChange other = make_change("edm", true, "m.x", 2020, v1::ACTUAL, FigureValue(), number_value(2), "edm-team", "k1");
  CHECK(store->append(other).ok());
}

// Two stores on one database, as two hosts have: each key is stored once whoever wins, and the
// loser is told kAlreadyExists, never an error of another kind.
void races_two_writers(Backend& backend) {
  auto first = open_store(backend);
  auto second = open_store(backend);
  constexpr int kKeys = 40;
  std::atomic<int> stored{0}, duplicates{0}, other_errors{0};
  auto writer = [&](ReportStore& store, int seed) {
    for (int i = 0; i < kKeys; ++i) {
      FigureChange change = make_change("hr", true, "m.pct", 2020, v1::ACTUAL, FigureValue(), number_value(seed * 1000 + i),
                                        "hr-team", "race-" + std::to_string(i));
      const absl::Status written = store.append(change);
      if (written.ok()) ++stored;
      else if (written.code() == Code::kAlreadyExists) ++duplicates;
      else ++other_errors;
    }
  };
  std::thread a(writer, std::ref(*first), 1);
  std::thread b(writer, std::ref(*second), 2);
  a.join();
  b.join();
  CHECK(other_errors == 0);
  CHECK(stored == kKeys);
  CHECK(duplicates == kKeys);
  const auto all = value_of(first->all());
  CHECK(all.size() == static_cast<std::size_t>(kKeys));
  std::map<std::string, int> per_key;
  for (const auto& change : all) ++per_key[change.idempotency_key()];
  CHECK(per_key.size() == static_cast<std::size_t>(kKeys));
}

// One batch, one commit: numbered in order, field for field, text with quotes, backslashes,
// braces and commas intact; a key stored already is left out, the others stored.
void appends_batches(Backend& backend) {
  auto store = open_store(backend);
  std::vector<FigureChange> batch = sample_changes();
  batch[0].set_comment("a \"quoted\", {braced} and back\\slashed, NULL");
  batch[1].mutable_new_value()->set_text("\\\"");
  std::vector<FigureChange*> pointers;
  for (auto& change : batch) pointers.push_back(&change);
  const std::vector<absl::Status> written = store->append_all(pointers);
  REQUIRE(written.size() == batch.size());
  for (std::size_t i = 0; i < batch.size(); ++i) {
    INFO(i << ": " << written[i].message());
    CHECK(written[i].ok());
    CHECK(batch[i].sequence() == i + 1);
  }
  auto all = store->all();
  REQUIRE(all.ok());
  REQUIRE(all->size() == batch.size());
  for (std::size_t i = 0; i < batch.size(); ++i) CHECK(google::protobuf::util::MessageDifferencer::Equals((*all)[i], batch[i]));
  FigureChange again = sample_changes()[1];
  FigureChange fresh = make_change("hr", true, "m.pct", 2022, v1::ACTUAL, FigureValue(), number_value(1, 0), "hr-team", "k9");
  const auto second = store->append_all({&again, &fresh});
  CHECK(second[0].code() == Code::kAlreadyExists);
  CHECK(second[1].ok());
  CHECK(fresh.sequence() > batch.size());
}

void refuses_foreign_schema(Backend& backend) {
  backend.write_foreign_schema(2);
  auto store = ReportStore::open(backend.storage());
  REQUIRE_FALSE(store.ok());
  CHECK_THAT(std::string(store.status().message()), Catch::Contains(backend.foreign_schema_words(2)));
}

}  // namespace

// Each case once per store: "sqlite: …" and "postgres: …" (tests/CMakeLists.txt gives the
// postgres cases the suite's server).
#define STORE_CONTRACT(description, body)                                  \
  TEST_CASE("sqlite: " description, "[contract][sqlite]") {                 \
    SqliteBackend backend;                                                   \
    body(backend);                                                           \
  }                                                                          \
  TEST_CASE("postgres: " description, "[contract][postgres]") {             \
    PostgresBackend backend;                                                 \
    body(backend);                                                           \
  }

STORE_CONTRACT("append numbers the changes, and all, after and find return them field for field", numbers_and_returns)
STORE_CONTRACT("history filters by component, figure, year and kind, and pages by sequence", filters_history)
STORE_CONTRACT("a reopened store serves the same rows and numbers on", reopens)
STORE_CONTRACT("the same reporter and key are stored once, while another reporter may use the key", refuses_duplicates)
STORE_CONTRACT("two writers racing on the same keys store each once, and the loser is told it exists", races_two_writers)
STORE_CONTRACT("a store of another schema version is refused with the version", refuses_foreign_schema)
STORE_CONTRACT("a batch is stored in one commit, field for field, a key stored already left out", appends_batches)

// A batch checked by a host that has not applied a change stored by another: nothing stored,
// kAborted; with the change applied (or its own), stored. hold_appends() returns what is new,
// and keeps everyone else's appends out until the batch is stored.
TEST_CASE("postgres: a batch checked without a change stored by another host is refused until that change is applied", "[postgres]") {
  PostgresBackend backend;
  auto mine = open_store(backend);
  auto other = open_store(backend);
  FigureChange first = sample_changes()[0];
  REQUIRE(mine->append(first).ok());  // 1
  FigureChange elsewhere = sample_changes()[1];
  REQUIRE(other->append(elsewhere).ok());  // 2, not applied by `mine`
  FigureChange next = sample_changes()[2];
  auto refused = mine->append_all({&next}, ReportStore::Applied{1, {}});
  CHECK(refused.front().code() == Code::kAborted);
  CHECK(next.sequence() == 0);
  CHECK(mine->all()->size() == 2);
  auto fetched = mine->hold_appends(1);
  REQUIRE(fetched.ok());
  REQUIRE(fetched->size() == 1);
  CHECK(fetched->front().sequence() == 2);
  // Held: another host's append waits for the commit.
  std::atomic<bool> other_done{false};
  std::thread racing([&] {
    FigureChange late = sample_changes()[3];
    other->append(late).IgnoreError();
    other_done = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  CHECK_FALSE(other_done);
  auto stored = mine->append_all({&next}, ReportStore::Applied{2, {}});
  racing.join();
  INFO(std::string(stored.front().message()));
  CHECK(stored.front().ok());
  CHECK(next.sequence() == 3);
  // Its own changes above last do not count as unapplied.
  FigureChange own = sample_changes()[4];
  auto after_own = mine->append_all({&own}, ReportStore::Applied{2, {3}});
  CHECK(after_own.front().code() == Code::kAborted);  // 4, the racing append, is not applied
  CHECK(mine->append_all({&own}, ReportStore::Applied{4, {}}).front().ok());
}

// The argument of the append lock: changes commit in sequence order, so a reader that fetches
// after(last) again and again, moving last to the highest it saw, ends with every change,
// missing none that committed below one it had seen.
TEST_CASE("postgres: with 4 writers appending, a reader following after(last) misses nothing all() holds", "[postgres]") {
  PostgresBackend backend;
  auto reader = open_store(backend);
  constexpr int kWriters = 4;
  constexpr int kEach = 25;
  std::vector<std::thread> writers;
  std::atomic<int> failures{0};
  std::atomic<int> done{0};
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      auto store = ReportStore::open(backend.storage());
      if (!store.ok()) {
        ++failures;
        ++done;
        return;
      }
      for (int n = 0; n < kEach; ++n) {
        FigureChange change = make_change("hr", true, "m.pct", 2021, v1::ACTUAL, FigureValue(), number_value(n, 0), "hr-team",
                                          "w" + std::to_string(w) + "-" + std::to_string(n));
        if (n % 3 == 0) {
          FigureChange second = change;
          second.set_idempotency_key(change.idempotency_key() + "-b");
          for (const absl::Status& written : (*store)->append_all({&change, &second})) failures += written.ok() ? 0 : 1;
        } else if (!(*store)->append(change).ok()) {
          ++failures;
        }
      }
      ++done;
    });
  }
  std::set<std::uint64_t> seen;
  std::uint64_t last = 0;
  auto follow = [&] {
    auto fetched = reader->after(last);
    REQUIRE(fetched.ok());
    for (const auto& change : *fetched) {
      seen.insert(change.sequence());
      last = std::max(last, change.sequence());
    }
  };
  while (done < kWriters) follow();
  for (auto& writer : writers) writer.join();
  follow();
  CHECK(failures == 0);
  auto all = reader->all();
  REQUIRE(all.ok());
  std::set<std::uint64_t> stored;
  for (const auto& change : *all) stored.insert(change.sequence());
  CHECK(stored.size() == static_cast<std::size_t>(kWriters * (kEach + (kEach + 2) / 3)));
  CHECK(seen == stored);
}

// Hosts started together on an empty database create the schema once, and all of them open it.
TEST_CASE("postgres: four stores opening an empty database at the same moment all open it, with one schema", "[postgres]") {
  PostgresBackend backend;
  std::vector<std::thread> openers;
  std::atomic<int> opened{0};
  std::mutex mutex;
  std::vector<std::string> errors;
  for (int i = 0; i < 4; ++i) {
    openers.emplace_back([&] {
      auto store = ReportStore::open(backend.storage());
      if (store.ok()) {
        ++opened;
        return;
      }
      std::lock_guard<std::mutex> lock(mutex);
      errors.emplace_back(store.status().message());
    });
  }
  for (auto& opener : openers) opener.join();
  INFO(errors.size() << " failed, the first: " << (errors.empty() ? "" : errors.front()));
  CHECK(opened == 4);
  auto store = open_store(backend);
  FigureChange change = sample_changes()[0];
  CHECK(store->append(change).ok());
  CHECK(change.sequence() == 1);
}

// After PostgreSQL restarted, the first batch (like the first single report) is stored on a new
// connection, not refused for the broken one.
TEST_CASE("postgres: the first batch after PostgreSQL restarted is stored", "[postgres]") {
  test::PostgresServer server;
  test::TestDatabase database(server.conninfo());
  config::StorageConfig storage;
  storage.postgres = database.conninfo();
  auto store = ReportStore::open(storage);
  REQUIRE(store.ok());
  FigureChange first = sample_changes()[0];
  REQUIRE((*store)->append(first).ok());
  server.pause();
  server.resume();
  std::vector<FigureChange> batch = {sample_changes()[1], sample_changes()[2]};
  const auto written = (*store)->append_all({&batch[0], &batch[1]});
  INFO(std::string(written[0].message()));
  CHECK(written[0].ok());
  CHECK(written[1].ok());
}

TEST_CASE("postgres: the schema is created with its version, and status never shows a password", "[postgres]") {
  test::TestDatabase database;
  config::StorageConfig storage;
  storage.postgres = database.conninfo() + " password=s3cret-word";
  auto store = ReportStore::open(storage);
  INFO(std::string(store.status().message()));
  REQUIRE(store.ok());
  CHECK(database.exec("SELECT version FROM section_schema") == "1");
  CHECK((*store)->shared());
  CHECK_THAT((*store)->describe(), Catch::StartsWith("PostgreSQL ") && !Catch::Contains("s3cret"));
}

TEST_CASE("postgres: an unreachable server is UNAVAILABLE at open, naming where it looked", "[postgres]") {
  config::StorageConfig storage;
  storage.postgres = "host=/nonexistent/section-pg dbname=nothing user=nobody password=s3cret-word";
  auto store = ReportStore::open(storage);
  REQUIRE_FALSE(store.ok());
  CHECK(store.status().code() == Code::kUnavailable);
  CHECK_THAT(std::string(store.status().message()), Catch::Contains("/nonexistent/section-pg") && !Catch::Contains("s3cret"));
}
