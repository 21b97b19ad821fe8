// The durable record of reported figures (host/store/report_store.h): what is stored comes back
// field for field, after a reopen too; duplicates, a full database, files that are not ours and
// a read-only data directory are refused without losing or touching anything.
#include <catch2/catch.hpp>

#include <linux/capability.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <functional>
#include <set>

#include <google/protobuf/util/message_differencer.h>

#include "figure_values.h"
#include "host/store/sqlite_store.h"
#include "test_env.h"

using namespace section;
namespace fs = std::filesystem;
using ReportStore = section::store::SqliteStore;
using Code = absl::StatusCode;
using section::v1::FigureChange;
using section::v1::FigureValue;
using test::count_value;
using test::make_change;
using test::number_value;
using test::text_value;

namespace {

config::StorageConfig storage_in(const fs::path& dir, std::int64_t max_bytes = 0) {
  config::StorageConfig storage;
  storage.data_dir = dir;
  storage.max_database_bytes = max_bytes;
  return storage;
}

std::unique_ptr<ReportStore> open_store(const config::StorageConfig& storage) {
  auto store = ReportStore::open(storage);
  INFO(std::string(store.status().message()));
  REQUIRE(store.ok());
  return std::move(store).value();
}

// Six changes that the history filters tell apart.
std::vector<FigureChange> sample_changes() {
  return {
      // 0: a measure with an old number and text, a new decimal with a text
      make_change("hr", true, "m.pct", 2020, v1::ACTUAL, number_value(85, 0, "85 per cent"), number_value(875, 1, "after audit"), "hr-team",
                  "k1", "corrected after the audit"),
      // 1: a deliverable count replacing a count
      make_change("hr", false, "d.docs", 2020, v1::ACTUAL, count_value(12), count_value(13), "hr-team", "k2", ""),
      // 2: a revised plan where there was none
      make_change("finance", true, "m.pct", 2021, v1::PLANNED, FigureValue(), number_value(-90, 2), "finance-team", "k1",
                  "ünïcødé · comment"),
      // 3: a text-only value where there was none
      make_change("hr", true, "m.pct", 2021, v1::ACTUAL, FigureValue(), text_value("not measured"), "hr-team", "k3"),
      // 4: a narrative measure
      make_change("hr", true, "m.text", 2020, v1::ACTUAL, text_value("old words"), text_value("new words"), "hr-team", "k4"),
      // 5: a deliverable whose id is also a measure's, with a zero count where there was none
      make_change("hr", false, "m.pct", 2020, v1::ACTUAL, FigureValue(), count_value(0), "hr-team", "k5"),
  };
}

// A store at `storage` holding sample_changes(), closed again; the changes as appended.
std::vector<FigureChange> store_samples(const config::StorageConfig& storage) {
  std::vector<FigureChange> stored = sample_changes();
  auto store = open_store(storage);
  for (auto& change : stored) REQUIRE(store->append(change).ok());
  return stored;
}

bool same(const google::protobuf::Message& a, const google::protobuf::Message& b) {
  return google::protobuf::util::MessageDifferencer::Equals(a, b);
}

// Every change as stored, field for field (the sequence included).
void check_same_changes(const std::vector<FigureChange>& actual, const std::vector<FigureChange>& expected) {
  REQUIRE(actual.size() == expected.size());
  for (std::size_t i = 0; i < actual.size(); ++i) {
    INFO("change " << i << "\n  stored:   " << actual[i].ShortDebugString() << "\n  expected: " << expected[i].ShortDebugString());
    CHECK(same(actual[i], expected[i]));
  }
}

std::vector<FigureChange> history(const ReportStore& store, const v1::ListHistoryRequest& filter) {
  auto changes = store.history(filter);
  INFO(std::string(changes.status().message()));
  REQUIRE(changes.ok());
  return changes.value();
}

std::vector<FigureChange> all(const ReportStore& store) {
  auto changes = store.all();
  INFO(std::string(changes.status().message()));
  REQUIRE(changes.ok());
  return changes.value();
}

std::vector<FigureChange> pick(const std::vector<FigureChange>& changes, std::initializer_list<std::size_t> indexes) {
  std::vector<FigureChange> picked;
  for (std::size_t i : indexes) picked.push_back(changes[i]);
  return picked;
}

// "same" when the bytes are equal, else where they first differ (a short message, not the bytes).
std::string difference(const std::string& now, const std::string& before) {
  if (now == before) return "same";
  std::size_t at = 0;
  while (at < now.size() && at < before.size() && now[at] == before[at]) ++at;
  std::string text = "size " + std::to_string(now.size()) + " (was " + std::to_string(before.size()) + ")";
  if (at < now.size() && at < before.size()) {
    text += ", first difference at byte " + std::to_string(at) + ": " +
            std::to_string(static_cast<unsigned char>(now[at])) + " (was " + std::to_string(static_cast<unsigned char>(before[at])) + ")";
  }
  return text;
}

std::set<std::string> entries(const fs::path& dir) {
  std::set<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) names.insert(entry.path().filename().string());
  return names;
}

// Runs SQL on a database with the sqlite3 library itself; the first column of the first row.
std::string sqlite_value(const fs::path& file, const std::string& sql, bool read_only = true) {
  sqlite3* db = nullptr;
  const int flags = read_only ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  int rc = sqlite3_open_v2(file.c_str(), &db, flags, nullptr);
  std::string value;
  if (rc == SQLITE_OK) {
    sqlite3_stmt* statement = nullptr;
    const char* tail = sql.c_str();
    while (rc == SQLITE_OK && tail != nullptr && *tail != '\0') {
      rc = sqlite3_prepare_v2(db, tail, -1, &statement, &tail);
      if (rc != SQLITE_OK || statement == nullptr) break;
      int step;
      while ((step = sqlite3_step(statement)) == SQLITE_ROW) {
        if (value.empty() && sqlite3_column_text(statement, 0) != nullptr) {
          value = reinterpret_cast<const char*>(sqlite3_column_text(statement, 0));
        }
      }
      if (step != SQLITE_DONE) rc = step;
      sqlite3_finalize(statement);
    }
  }
  const std::string error = rc == SQLITE_OK ? "" : sqlite3_errmsg(db);
  sqlite3_close(db);
  if (!error.empty()) FAIL("sqlite3 on " << file << ": " << error);
  return value;
}

// ---- running a check without the root's file-permission override --------------------------
//
// The tests run as root in CI, where permissions stop nothing. The read-only checks therefore run
// in a forked child that first drops CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH (from its effective,
// permitted and inheritable sets), so that a 0555 directory is read-only to it as to any user.
// As a normal user there is nothing to drop and the permissions apply anyway.

bool drop_dac_capabilities(std::string* why) {
  __user_cap_header_struct header{};
  header.version = _LINUX_CAPABILITY_VERSION_3;
  header.pid = 0;
  __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {};
  if (syscall(SYS_capget, &header, data) != 0) {
    *why = std::string("capget: ") + std::strerror(errno);
    return false;
  }
  const std::uint32_t mask = (1u << CAP_DAC_OVERRIDE) | (1u << CAP_DAC_READ_SEARCH);
  data[0].effective &= ~mask;
  data[0].permitted &= ~mask;
  data[0].inheritable &= ~mask;
  if (syscall(SYS_capset, &header, data) != 0) {
    *why = std::string("capset: ") + std::strerror(errno);
    return false;
  }
  return true;
}

// What a check in the child found, sent back through a pipe.
struct ChildOutcome {
  int exit_status = -1;
  std::string output;
};

std::string field(const std::string& value) { return std::to_string(value.size()) + ":" + value; }

// Splits what field() joined.
std::vector<std::string> fields(const std::string& text) {
  std::vector<std::string> parts;
  std::size_t at = 0;
  while (at < text.size()) {
    const auto colon = text.find(':', at);
    if (colon == std::string::npos) break;
    const std::size_t size = std::stoul(text.substr(at, colon - at));
    parts.push_back(text.substr(colon + 1, size));
    at = colon + 1 + size;
  }
  return parts;
}

// Runs `check` in a forked child without the DAC capabilities; exit status 0 when it ran. The
// child first proves that it cannot create a file in `read_only_dir` (exit status 3 otherwise).
ChildOutcome without_dac_override(const fs::path& read_only_dir, const std::function<std::string()>& check) {
  int pipe_fds[2];
  REQUIRE(::pipe(pipe_fds) == 0);
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::close(pipe_fds[0]);
    int status = 0;
    std::string output;
    try {
      std::string why;
      if (!drop_dac_capabilities(&why)) {
        output = why;
        status = 2;
      } else {
        const fs::path probe = read_only_dir / "probe";
        const int fd = ::open(probe.c_str(), O_CREAT | O_WRONLY, 0600);
        if (fd >= 0) {
          ::close(fd);
          ::unlink(probe.c_str());
          output = "the child can still create files in " + read_only_dir.string();
          status = 3;
        } else {
          output = check();
        }
      }
    } catch (const std::exception& e) {
      output = std::string("exception: ") + e.what();
      status = 4;
    } catch (...) {
      output = "exception";
      status = 4;
    }
    std::size_t written = 0;
    while (written < output.size()) {
      const ssize_t n = ::write(pipe_fds[1], output.data() + written, output.size() - written);
      if (n <= 0) break;
      written += static_cast<std::size_t>(n);
    }
    ::close(pipe_fds[1]);
    ::_exit(status);
  }
  ::close(pipe_fds[1]);
  ChildOutcome outcome;
  char buffer[4096];
  ssize_t n;
  while ((n = ::read(pipe_fds[0], buffer, sizeof buffer)) > 0) outcome.output.append(buffer, static_cast<std::size_t>(n));
  ::close(pipe_fds[0]);
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  outcome.exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return outcome;
}

// In the child: opens the store and reports open error, writable, reason, all() and an append.
std::string open_and_try_to_write(const config::StorageConfig& storage) {
  auto store = ReportStore::open(storage);
  if (!store.ok()) return field("error") + field(std::string(store.status().message()));
  v1::ListHistoryResponse stored;
  std::string all_error;
  if (auto changes = (*store)->all(); changes.ok()) {
    for (const auto& change : changes.value()) *stored.add_changes() = change;
  } else {
    all_error = std::string(changes.status().message());
  }
  FigureChange change = make_change("hr", true, "m.new", 2021, v1::ACTUAL, FigureValue(), number_value(1, 0), "hr-team", "ro-key");
  const auto written = (*store)->append(change);
  return field("opened") + field((*store)->writable() ? "writable" : "read-only") + field((*store)->read_only_reason()) +
         field(all_error) + field(stored.SerializeAsString()) + field(std::to_string(static_cast<int>(written.code()))) +
         field(std::string(written.message())) + field(std::to_string(change.sequence()));
}

}  // namespace

TEST_CASE("open creates the data directory and reports.sqlite3", "[store]") {
  test::TempDir dir;
  const fs::path data = dir.path() / "state" / "reports";
  REQUIRE_FALSE(fs::exists(data));
  auto store = open_store(storage_in(data));
  CHECK(fs::is_directory(data));
  CHECK(store->path() == data / "reports.sqlite3");
  CHECK(fs::is_regular_file(data / "reports.sqlite3"));
  CHECK(store->writable());
  CHECK(store->read_only_reason().empty());
  CHECK(all(*store).empty());
  // It is in write-ahead-log mode and marked as ours.
  CHECK(sqlite_value(store->path(), "PRAGMA journal_mode") == "wal");
  CHECK(sqlite_value(store->path(), "PRAGMA application_id") == std::to_string(0x53454354));
}

TEST_CASE("append numbers the changes and all() returns them field for field", "[store]") {
  test::TempDir dir;
  auto store = open_store(storage_in(dir.path() / "data"));
  std::vector<FigureChange> expected = sample_changes();
  std::uint64_t previous = 0;
  for (auto& change : expected) {
    FigureChange stored = change;
    const auto result = store->append(stored);
    INFO(result.message());
    REQUIRE(result.ok());
    CHECK(stored.sequence() > previous);
    previous = stored.sequence();
    change.set_sequence(stored.sequence());
  }
  check_same_changes(all(*store), expected);

  // A closer look at the values the differencer compared.
  const auto changes = all(*store);
  CHECK(changes[0].old_value().present());
  CHECK(changes[0].old_value().number().units() == 85);
  CHECK(changes[0].old_value().text() == "85 per cent");
  CHECK(changes[0].new_value().number().units() == 875);
  CHECK(changes[0].new_value().number().scale() == 1);
  CHECK_FALSE(changes[0].new_value().has_count());
  CHECK(changes[1].old_value().count() == 12);
  CHECK(changes[1].new_value().count() == 13);
  CHECK_FALSE(changes[1].new_value().has_number());
  CHECK_FALSE(changes[2].old_value().present());
  CHECK_FALSE(changes[2].old_value().has_number());
  CHECK(changes[2].new_value().number().units() == -90);
  CHECK(changes[2].comment() == "ünïcødé · comment");
  CHECK(changes[3].new_value().text() == "not measured");
  CHECK_FALSE(changes[3].new_value().has_number());
  CHECK(changes[5].figure().figure_case() == v1::FigureRef::kDeliverable);
  CHECK(changes[5].new_value().has_count());
  CHECK(changes[5].new_value().count() == 0);
  CHECK(changes[0].reported_at().seconds() == 1'640'995'200 + 2020);
  CHECK(changes[0].reported_at().nanos() == 123'456'789);
  CHECK(changes[0].idempotency_key() == "k1");
  CHECK(changes[0].reported_by() == "hr-team");

  // find() by reporter and key.
  auto found = store->find("finance-team", "k1");
  REQUIRE(found.ok());
  REQUIRE(found->has_value());
  CHECK(same(**found, expected[2]));
  auto missing = store->find("finance-team", "k2");
  REQUIRE(missing.ok());
  CHECK_FALSE(missing->has_value());
}

TEST_CASE("history filters by component, measure or deliverable, year and kind", "[store]") {
  test::TempDir dir;
  auto store = open_store(storage_in(dir.path() / "data"));
  std::vector<FigureChange> stored = sample_changes();
  for (auto& change : stored) REQUIRE(store->append(change).ok());

  v1::ListHistoryRequest filter;
  check_same_changes(history(*store, filter), stored);

  filter = {};
  filter.set_component("hr");
  check_same_changes(history(*store, filter), pick(stored, {0, 1, 3, 4, 5}));

  filter = {};
  filter.set_measure("m.pct");
  check_same_changes(history(*store, filter), pick(stored, {0, 2, 3}));

  filter = {};
  filter.set_deliverable("m.pct");
  check_same_changes(history(*store, filter), pick(stored, {5}));

  filter = {};
  filter.set_deliverable("d.docs");
  check_same_changes(history(*store, filter), pick(stored, {1}));

  filter = {};
  filter.set_component("hr");
  filter.set_measure("m.pct");
  check_same_changes(history(*store, filter), pick(stored, {0, 3}));

  filter = {};
  filter.set_year(2020);
  check_same_changes(history(*store, filter), pick(stored, {0, 1, 4, 5}));

  filter = {};
  filter.set_kind(v1::PLANNED);
  check_same_changes(history(*store, filter), pick(stored, {2}));

  filter = {};
  filter.set_year(2021);
  filter.set_kind(v1::ACTUAL);
  check_same_changes(history(*store, filter), pick(stored, {3}));

  filter = {};
  filter.set_component("finance");
  filter.set_measure("m.pct");
  filter.set_year(2021);
  filter.set_kind(v1::PLANNED);
  check_same_changes(history(*store, filter), pick(stored, {2}));

  filter = {};
  filter.set_component("nobody");
  CHECK(history(*store, filter).empty());
  filter = {};
  filter.set_year(1999);
  CHECK(history(*store, filter).empty());
  filter = {};
  filter.set_kind(v1::TARGET);
  CHECK(history(*store, filter).empty());
  filter = {};
  filter.set_measure("d.docs");
  CHECK(history(*store, filter).empty());
}

TEST_CASE("a reopened store serves the same rows and numbers on", "[store]") {
  test::TempDir dir;
  const auto storage = storage_in(dir.path() / "data");
  std::vector<FigureChange> stored = store_samples(storage);
  auto store = open_store(storage);
  CHECK(store->writable());
  check_same_changes(all(*store), stored);
  v1::ListHistoryRequest filter;
  filter.set_deliverable("d.docs");
  check_same_changes(history(*store, filter), pick(stored, {1}));

  FigureChange next = make_change("hr", true, "m.pct", 2022, v1::ACTUAL, FigureValue(), number_value(1, 0), "hr-team", "k-next");
  REQUIRE(store->append(next).ok());
  CHECK(next.sequence() > stored.back().sequence());
  stored.push_back(next);
  check_same_changes(all(*store), stored);
}

TEST_CASE("a second report with the same reporter and key is a duplicate and stores nothing", "[store]") {
  test::TempDir dir;
  auto store = open_store(storage_in(dir.path() / "data"));
  FigureChange first = make_change("hr", true, "m.pct", 2021, v1::ACTUAL, FigureValue(), number_value(1, 0), "hr-team", "same-key");
  REQUIRE(store->append(first).ok());

  FigureChange again = make_change("hr", false, "d.docs", 2021, v1::ACTUAL, FigureValue(), count_value(3), "hr-team", "same-key");
  const auto result = store->append(again);
  CHECK(result.code() == Code::kAlreadyExists);
  CHECK_FALSE(result.ok());
  CHECK(again.sequence() == 0);
  check_same_changes(all(*store), {first});

  // The same key from another reporter is another report.
  FigureChange other = make_change("hr", true, "m.pct", 2021, v1::ACTUAL, FigureValue(), number_value(2, 0), "other-team", "same-key");
  REQUIRE(store->append(other).ok());
  CHECK(other.sequence() > first.sequence());
  check_same_changes(all(*store), {first, other});

  // And the store still takes new reports after the refusal.
  FigureChange later = make_change("hr", true, "m.pct", 2022, v1::ACTUAL, FigureValue(), number_value(3, 0), "hr-team", "new-key");
  REQUIRE(store->append(later).ok());
  check_same_changes(all(*store), {first, other, later});
}

TEST_CASE("a full database refuses the change and keeps every acknowledged one", "[store]") {
  test::TempDir dir;
  const auto storage = storage_in(dir.path() / "data", 65536);
  std::vector<FigureChange> acknowledged;
  absl::Status last;
  {
    auto store = open_store(storage);
    for (int i = 0; i < 200; ++i) {
      FigureChange change = make_change("hr", true, "m.pct", 2000 + i, v1::ACTUAL, FigureValue(), number_value(i, 0), "hr-team",
                                        "key-" + std::to_string(i), std::string(4000, static_cast<char>('a' + i % 26)));
      last = store->append(change);
      if (!last.ok()) {
        CHECK(change.sequence() == 0);
        break;
      }
      acknowledged.push_back(change);
    }
    INFO(last.message());
    REQUIRE(last.code() == Code::kResourceExhausted);
    CHECK_FALSE(last.message().empty());
    CHECK(acknowledged.size() >= 3);
    CHECK(acknowledged.size() < 16);  // 64 KiB cannot hold 16 rows of 4000 bytes
    check_same_changes(all(*store), acknowledged);

    // Full stays full, and a refusal changes nothing.
    FigureChange more = make_change("hr", true, "m.pct", 1999, v1::ACTUAL, FigureValue(), number_value(1, 0), "hr-team", "more",
                                    std::string(4000, 'z'));
    CHECK(store->append(more).code() == Code::kResourceExhausted);
    check_same_changes(all(*store), acknowledged);
  }
  {
    auto store = open_store(storage);
    check_same_changes(all(*store), acknowledged);
  }
  const fs::path file = dir.path() / "data" / "reports.sqlite3";
  CHECK(sqlite_value(file, "PRAGMA integrity_check") == "ok");
  CHECK(sqlite_value(file, "SELECT count(*) FROM changes") == std::to_string(acknowledged.size()));
  CHECK(fs::file_size(file) <= 65536);
}

TEST_CASE("a file that is not SQLite is refused, named and left as it was", "[store]") {
  test::TempDir dir;
  const fs::path data = dir.path() / "data";
  std::string garbage;
  SECTION("text") { garbage = "this is not a database, it is someone's notes\n"; }
  SECTION("binary") {
    for (int i = 0; i < 8192; ++i) garbage += static_cast<char>((i * 7919 + 13) % 251);
  }
  const fs::path file = dir.write("data/reports.sqlite3", garbage);
  const auto before = entries(data);

  auto store = ReportStore::open(storage_in(data));
  REQUIRE_FALSE(store.ok());
  CHECK_THAT(std::string(store.status().message()), Catch::Contains(file.string()));
  CHECK(difference(test::read_file(file), garbage) == "same");
  CHECK(entries(data) == before);
}

TEST_CASE("an SQLite database of something else is refused and left as it was", "[store]") {
  test::TempDir dir;
  const fs::path data = dir.path() / "data";
  fs::create_directories(data);
  const fs::path file = data / "reports.sqlite3";
  std::string expected_error;
  SECTION("another program's tables") {
    sqlite_value(file, "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes (body) VALUES ('keep me');",
                 false);
    expected_error = "something else";
  }
  SECTION("another application id") {
    sqlite_value(file, "PRAGMA application_id=1234; CREATE TABLE changes (x);", false);
    expected_error = "application_id 1234";
  }
  SECTION("a later schema of ours") {
    sqlite_value(file, "PRAGMA application_id=1397048148; PRAGMA user_version=2; CREATE TABLE changes (x);", false);
    expected_error = "user_version 2";
  }
  REQUIRE(sqlite_value(file, "PRAGMA journal_mode") == "delete");
  const std::string bytes = test::read_file(file);
  const auto before = entries(data);

  auto store = ReportStore::open(storage_in(data));
  REQUIRE_FALSE(store.ok());
  CHECK_THAT(std::string(store.status().message()), Catch::Contains(file.string()) && Catch::Contains(expected_error));
  // Untouched: the same bytes, no journal left beside it, still in its own journal mode.
  CHECK(difference(test::read_file(file), bytes) == "same");
  CHECK(entries(data) == before);
  CHECK(sqlite_value(file, "PRAGMA journal_mode") == "delete");
}

TEST_CASE("a read-only data directory serves what is stored and refuses writes", "[store][read-only]") {
  test::TempDir dir;
  const fs::path data = dir.path() / "data";
  const auto storage = storage_in(data);
  std::vector<FigureChange> stored = store_samples(storage);
  const fs::path file = data / "reports.sqlite3";
  const std::string bytes = test::read_file(file);
  const auto before = entries(data);
  REQUIRE(before == std::set<std::string>{"reports.sqlite3"});  // the log was checkpointed on close

  fs::permissions(data, fs::perms::owner_read | fs::perms::owner_exec | fs::perms::group_read | fs::perms::group_exec |
                            fs::perms::others_read | fs::perms::others_exec);
  const ChildOutcome outcome = without_dac_override(data, [&] { return open_and_try_to_write(storage); });
  fs::permissions(data, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec | fs::perms::others_read |
                            fs::perms::others_exec);

  INFO("child output: " << outcome.output);
  REQUIRE(outcome.exit_status == 0);
  const auto parts = fields(outcome.output);
  REQUIRE(parts.size() >= 2);
  REQUIRE(parts[0] == "opened");
  REQUIRE(parts.size() == 8);
  CHECK(parts[1] == "read-only");
  CHECK_THAT(parts[2], Catch::Contains(data.string()));
  CHECK(parts[3].empty());  // all() worked
  v1::ListHistoryResponse served;
  REQUIRE(served.ParseFromString(parts[4]));
  check_same_changes({served.changes().begin(), served.changes().end()}, stored);
  CHECK(parts[5] == std::to_string(static_cast<int>(Code::kFailedPrecondition)));
  CHECK_THAT(parts[6], Catch::Contains(data.string()));
  CHECK(parts[7] == "0");

  CHECK(difference(test::read_file(file), bytes) == "same");
  CHECK(entries(data) == before);
  // And writable again once the directory is.
  auto store = open_store(storage);
  CHECK(store->writable());
  check_same_changes(all(*store), stored);
}

TEST_CASE("a read-only data directory without a database opens empty and refuses writes", "[store][read-only]") {
  test::TempDir dir;
  const fs::path data = dir.path() / "data";
  fs::create_directories(data);
  fs::permissions(data, fs::perms::owner_read | fs::perms::owner_exec);
  const ChildOutcome outcome = without_dac_override(data, [&] { return open_and_try_to_write(storage_in(data)); });
  fs::permissions(data, fs::perms::owner_all);

  INFO("child output: " << outcome.output);
  REQUIRE(outcome.exit_status == 0);
  const auto parts = fields(outcome.output);
  REQUIRE(parts.size() == 8);
  CHECK(parts[0] == "opened");
  CHECK(parts[1] == "read-only");
  CHECK_THAT(parts[2], Catch::Contains(data.string()));
  v1::ListHistoryResponse served;
  REQUIRE(served.ParseFromString(parts[4]));
  CHECK(served.changes().empty());
  CHECK(parts[5] == std::to_string(static_cast<int>(Code::kFailedPrecondition)));
  CHECK(entries(data).empty());
}

TEST_CASE("a write-protected database file in a writable directory is served read-only", "[store][read-only]") {
  test::TempDir dir;
  const fs::path data = dir.path() / "data";
  const auto storage = storage_in(data);
  std::vector<FigureChange> stored = store_samples(storage);
  const fs::path file = data / "reports.sqlite3";
  const std::string bytes = test::read_file(file);
  fs::permissions(file, fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read);
  // The probe proves the capabilities are gone: a 0555 sibling directory.
  const fs::path locked = dir.path() / "locked";
  fs::create_directories(locked);
  fs::permissions(locked, fs::perms::owner_read | fs::perms::owner_exec);
  const ChildOutcome outcome = without_dac_override(locked, [&] { return open_and_try_to_write(storage); });
  fs::permissions(locked, fs::perms::owner_all);
  fs::permissions(file, fs::perms::owner_read | fs::perms::owner_write);

  INFO("child output: " << outcome.output);
  REQUIRE(outcome.exit_status == 0);
  const auto parts = fields(outcome.output);
  REQUIRE(parts.size() >= 2);
  REQUIRE(parts[0] == "opened");
  REQUIRE(parts.size() == 8);
  CHECK(parts[1] == "read-only");
  CHECK_THAT(parts[2], Catch::Contains(file.string()));
  v1::ListHistoryResponse served;
  REQUIRE(served.ParseFromString(parts[4]));
  check_same_changes({served.changes().begin(), served.changes().end()}, stored);
  CHECK(parts[5] == std::to_string(static_cast<int>(Code::kFailedPrecondition)));
  CHECK(difference(test::read_file(file), bytes) == "same");
}
