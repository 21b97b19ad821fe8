#include "host/store/postgres_store.h"

#include <libpq-fe.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cstdlib>

#include <google/protobuf/util/time_util.h>

#include "host/core/log.h"
#include "host/store/backoff.h"
#include "host/store/postgres_schema.h"

namespace section::store {
namespace {

using section::v1::FigureChange;
using section::v1::FigureRef;
using section::v1::FigureValue;

constexpr const char* kColumns =
    "sequence, component, figure_type, figure_id, year, kind, old_present, old_units, old_scale, old_text, old_count, "
    "new_units, new_scale, new_text, new_count, reported_by, reported_at, comment, idempotency_key";

// One statement, one transaction: the lock first, so that the sequence is drawn under it.
constexpr const char* kAppend = R"sql(
WITH locked AS (SELECT pg_advisory_xact_lock(1397048148)),
inserted AS (
  INSERT INTO section_changes (component, figure_type, figure_id, year, kind, old_present, old_units, old_scale, old_text,
                               old_count, new_units, new_scale, new_text, new_count, reported_by, reported_at, comment,
                               idempotency_key)
  SELECT $1, $2, $3, $4::integer, $5, $6::boolean, $7::bigint, $8::integer, $9, $10::bigint, $11::bigint, $12::integer, $13,
         $14::bigint, $15, $16, $17, $18
  FROM locked
  ON CONFLICT (reported_by, idempotency_key) DO NOTHING
  RETURNING sequence)
SELECT sequence, pg_notify('section_changes', sequence::text) FROM inserted
)sql";
static_assert(postgres::kAppendLock == 1397048148, "kAppend spells the append lock out");

std::optional<std::string> optional_integer(bool present, std::int64_t value) {
  if (!present) return std::nullopt;
  return std::to_string(value);
}

void add_value(std::vector<std::optional<std::string>>& parameters, const FigureValue& value) {
  parameters.push_back(optional_integer(value.has_number(), value.number().units()));
  parameters.push_back(optional_integer(value.has_number(), value.number().scale()));
  parameters.push_back(value.text());
  parameters.push_back(optional_integer(value.has_count(), value.count()));
}

FigureValue read_value(const PgResult& rows, int row, int first, bool present) {
  FigureValue value;
  value.set_present(present);
  if (!rows.null(row, first)) {
    value.mutable_number()->set_units(std::stoll(rows.text(row, first)));
    value.mutable_number()->set_scale(static_cast<std::uint32_t>(std::stoul(rows.text(row, first + 1))));
  }
  value.set_text(rows.text(row, first + 2));
  if (!rows.null(row, first + 3)) value.set_count(std::stoll(rows.text(row, first + 3)));
  return value;
}

FigureChange read_change(const PgResult& rows, int row) {
  FigureChange change;
  change.set_sequence(std::stoull(rows.text(row, 0)));
  FigureRef* figure = change.mutable_figure();
  figure->set_component(rows.text(row, 1));
  if (rows.text(row, 2) == "measure") figure->set_measure(rows.text(row, 3));
  else figure->set_deliverable(rows.text(row, 3));
  figure->set_year(std::stoi(rows.text(row, 4)));
  section::v1::ValueKind kind = section::v1::VALUE_KIND_UNSPECIFIED;
  section::v1::ValueKind_Parse(rows.text(row, 5), &kind);
  figure->set_kind(kind);
  *change.mutable_old_value() = read_value(rows, row, 7, rows.text(row, 6) == "t");
  *change.mutable_new_value() = read_value(rows, row, 11, true);
  change.set_reported_by(rows.text(row, 15));
  google::protobuf::util::TimeUtil::FromString(rows.text(row, 16), change.mutable_reported_at());
  change.set_comment(rows.text(row, 17));
  change.set_idempotency_key(rows.text(row, 18));
  return change;
}

absl::Status unreachable(const absl::Status& why) {
  return absl::UnavailableError("the PostgreSQL report store is unreachable: " + std::string(why.message()));
}

// Creates the schema in an empty database or checks the one there, under the schema lock.
absl::Status prepare_schema(PgConnection& connection) {
  auto step = [&](const std::string& sql) { return connection.exec(sql); };
  if (auto begun = step("BEGIN"); !begun.ok()) return begun.status();
  auto checked = [&]() -> absl::Status {
    if (auto locked = step("SELECT pg_advisory_xact_lock(" + std::to_string(postgres::kSchemaLock) + ")"); !locked.ok()) {
      return locked.status();
    }
    auto tables = step("SELECT to_regclass('section_schema') IS NOT NULL, to_regclass('section_changes') IS NOT NULL");
    if (!tables.ok()) return tables.status();
    postgres::Found found;
    found.schema_table = tables->text(0, 0) == "t";
    found.changes_table = tables->text(0, 1) == "t";
    if (found.schema_table) {
      auto versions = step("SELECT version FROM section_schema");
      if (!versions.ok()) return versions.status();
      if (versions->rows() == 1) found.version = std::stoi(versions->text(0, 0));
    }
    auto verdict = postgres::schema_verdict(found);
    if (!verdict.ok()) return verdict.status();
    if (*verdict == postgres::Verdict::kUse) return absl::OkStatus();
    if (auto created = step(postgres::kCreateSchema); !created.ok()) return created.status();
    auto versioned = step("INSERT INTO section_schema (version) VALUES (" + std::to_string(postgres::kSchemaVersion) + ")");
    return versioned.status();
  }();
  if (!checked.ok()) {
    step("ROLLBACK").IgnoreError();  // the transaction ends with the connection anyway
    return checked;
  }
  return step("COMMIT").status();
}

}  // namespace

PostgresStore::PostgresStore(std::string conninfo) : conninfo_(std::move(conninfo)) {}

absl::StatusOr<std::unique_ptr<PostgresStore>> PostgresStore::open(const config::StorageConfig& storage) {
  std::unique_ptr<PostgresStore> store(new PostgresStore(storage.postgres));
  auto connection = PgConnection::connect(storage.postgres);
  if (!connection.ok()) return connection.status();
  if (absl::Status schema = prepare_schema(**connection); !schema.ok()) {
    return absl::Status(schema.code(), store->describe() + ": " + std::string(schema.message()));
  }
  store->connection_ = std::move(*connection);
  return store;
}

PostgresStore::~PostgresStore() { stop_following(); }

absl::Status PostgresStore::reachable() const {
  std::lock_guard<std::mutex> lock(state_mutex_);
  return reachability_;
}

void PostgresStore::set_reachability(const absl::Status& status) {
  {
    std::lock_guard<std::mutex> lock(state_mutex_);
    if (reachability_.ok() == status.ok()) {
      reachability_ = status;
      return;
    }
    reachability_ = status;
  }
  if (status.ok()) log::info("storage: " + describe() + " is reachable again");
  else log::warning("storage: " + std::string(status.message()) + "; reports are refused until it is back");
  if (follower_.reachability) follower_.reachability(status);
}

absl::Status PostgresStore::connected() const {
  if (connection_ && connection_->ok()) return absl::OkStatus();
  connection_.reset();
  // While the follower finds the server gone, answer at once instead of waiting on it.
  if (absl::Status up = reachable(); !up.ok()) return up;
  auto fresh = PgConnection::connect(conninfo_);
  if (!fresh.ok()) return unreachable(fresh.status());
  connection_ = std::move(*fresh);
  return absl::OkStatus();
}

absl::StatusOr<PgResult> PostgresStore::run(const std::string& sql, const Parameters& parameters) const {
  std::lock_guard<std::mutex> lock(mutex_);
  for (int attempt = 0;; ++attempt) {
    if (absl::Status up = connected(); !up.ok()) return up;
    auto result = connection_->exec(sql, parameters);
    if (result.ok() || connection_->ok()) return result;
    // The connection broke (the server restarted since the last call): once more on a new one.
    // An append retried this way is stored at most once, by its idempotency key.
    connection_.reset();
    if (attempt == 1) return unreachable(result.status());
  }
}

absl::StatusOr<std::vector<FigureChange>> PostgresStore::select(const std::string& where, const Parameters& parameters) const {
  auto rows = run(std::string("SELECT ") + kColumns + " FROM section_changes" + where + " ORDER BY sequence", parameters);
  if (!rows.ok()) return rows.status();
  std::vector<FigureChange> changes;
  changes.reserve(static_cast<std::size_t>(rows->rows()));
  for (int row = 0; row < rows->rows(); ++row) changes.push_back(read_change(*rows, row));
  return changes;
}

absl::StatusOr<std::vector<FigureChange>> PostgresStore::all() const { return select("", {}); }

absl::StatusOr<std::vector<FigureChange>> PostgresStore::after(std::uint64_t sequence) const {
  return select(" WHERE sequence > $1::bigint", {std::to_string(sequence)});
}

absl::StatusOr<std::vector<FigureChange>> PostgresStore::history(const section::v1::ListHistoryRequest& filter) const {
  std::string where;
  Parameters parameters;
  auto add = [&](const char* column, std::string value, const char* cast = "") {
    parameters.push_back(std::move(value));
    where += (where.empty() ? " WHERE " : " AND ") + std::string(column) + " = $" + std::to_string(parameters.size()) + cast;
  };
  if (!filter.component().empty()) add("component", filter.component());
  if (filter.figure_case() == section::v1::ListHistoryRequest::kMeasure) {
    add("figure_type", "measure");
    add("figure_id", filter.measure());
  } else if (filter.figure_case() == section::v1::ListHistoryRequest::kDeliverable) {
    add("figure_type", "deliverable");
    add("figure_id", filter.deliverable());
  }
  if (filter.year() != 0) add("year", std::to_string(filter.year()), "::integer");
  if (filter.kind() != section::v1::VALUE_KIND_UNSPECIFIED) add("kind", section::v1::ValueKind_Name(filter.kind()));
  return select(where, parameters);
}

absl::StatusOr<std::optional<FigureChange>> PostgresStore::find(const std::string& reported_by, const std::string& key) const {
  auto found = select(" WHERE reported_by = $1 AND idempotency_key = $2", {reported_by, key});
  if (!found.ok()) return found.status();
  if (found->empty()) return std::optional<FigureChange>();
  return std::optional<FigureChange>(found->front());
}

namespace {

PostgresStore::Parameters append_parameters(const FigureChange& change) {
  const FigureRef& figure = change.figure();
  const bool measure = figure.figure_case() == FigureRef::kMeasure;
  PostgresStore::Parameters parameters = {figure.component(), measure ? "measure" : "deliverable",
                                          measure ? figure.measure() : figure.deliverable(), std::to_string(figure.year()),
                                          section::v1::ValueKind_Name(figure.kind()), change.old_value().present() ? "true" : "false"};
  add_value(parameters, change.old_value());
  add_value(parameters, change.new_value());
  parameters.push_back(change.reported_by());
  parameters.push_back(google::protobuf::util::TimeUtil::ToString(change.reported_at()));
  parameters.push_back(change.comment());
  parameters.push_back(change.idempotency_key());
  return parameters;
}

absl::Status already_stored(const FigureChange& change) {
  return absl::AlreadyExistsError("(" + change.reported_by() + ", " + change.idempotency_key() + ") is already stored");
}

}  // namespace

absl::Status PostgresStore::append(FigureChange& change) {
  auto inserted = run(kAppend, append_parameters(change));
  if (!inserted.ok()) return inserted.status();
  if (inserted->rows() == 0) return already_stored(change);
  change.set_sequence(std::stoull(inserted->text(0, 0)));
  return absl::OkStatus();
}

std::vector<absl::Status> PostgresStore::append_all(const std::vector<FigureChange*>& changes) {
  if (changes.size() == 1) return {append(*changes.front())};
  std::lock_guard<std::mutex> lock(mutex_);
  auto all_fail = [&](const absl::Status& why) {
    if (connection_ && connection_->ok()) connection_->exec("ROLLBACK").IgnoreError();
    if (connection_ && !connection_->ok()) connection_.reset();
    for (FigureChange* change : changes) change->set_sequence(0);
    const absl::Status status = why.code() == absl::StatusCode::kUnavailable ? unreachable(why) : why;
    return std::vector<absl::Status>(changes.size(), status);
  };
  if (absl::Status up = connected(); !up.ok()) return std::vector<absl::Status>(changes.size(), up);
  if (auto begun = connection_->exec("BEGIN"); !begun.ok()) return all_fail(begun.status());
  std::vector<absl::Status> written;
  for (FigureChange* change : changes) {
    auto inserted = connection_->exec(kAppend, append_parameters(*change));
    if (!inserted.ok()) return all_fail(inserted.status());
    if (inserted->rows() == 0) {
      written.push_back(already_stored(*change));
      continue;
    }
    change->set_sequence(std::stoull(inserted->text(0, 0)));
    written.push_back(absl::OkStatus());
  }
  // One commit, one wait for the server's disk, for the whole batch.
  if (auto committed = connection_->exec("COMMIT"); !committed.ok()) return all_fail(committed.status());
  return written;
}

void PostgresStore::follow(Follower follower) {
  if (thread_.joinable()) return;
  follower_ = std::move(follower);
  wake_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  stopping_ = false;
  thread_ = std::thread([this] { follow_loop(); });
}

void PostgresStore::stop_following() {
  if (!thread_.joinable()) return;
  stopping_ = true;
  const std::uint64_t one = 1;
  [[maybe_unused]] const ssize_t written = ::write(wake_fd_, &one, sizeof one);
  thread_.join();
  ::close(wake_fd_);
  wake_fd_ = -1;
}

bool PostgresStore::wait(int socket, int timeout_ms) {
  pollfd fds[2] = {{wake_fd_, POLLIN, 0}, {socket, POLLIN, 0}};
  ::poll(fds, socket >= 0 ? 2 : 1, timeout_ms);
  return !stopping_;
}

void PostgresStore::follow_loop() {
  Backoff backoff(std::chrono::milliseconds(100), std::chrono::milliseconds(5000));
  while (!stopping_) {
    if (listen_once()) backoff.reset();
    if (stopping_) break;
    wait(-1, static_cast<int>(backoff.next().count()));
  }
}

bool PostgresStore::listen_once() {
  auto connection = PgConnection::connect(conninfo_);
  if (!connection.ok()) {
    set_reachability(unreachable(connection.status()));
    return false;
  }
  PgConnection& listener = **connection;
  if (auto listening = listener.exec(std::string("LISTEN ") + postgres::kChannel); !listening.ok()) {
    set_reachability(unreachable(listening.status()));
    return false;
  }
  set_reachability(absl::OkStatus());
  // Whatever was stored while this host did not listen.
  if (follower_.changed) follower_.changed({});
  int idle_ms = 0;
  while (wait(PQsocket(listener.get()), 500)) {
    if (PQconsumeInput(listener.get()) == 0 || !listener.ok()) break;
    std::vector<std::uint64_t> noticed;
    bool unreadable = false;
    while (PGnotify* notice = PQnotifies(listener.get())) {
      char* end = nullptr;
      const unsigned long long sequence = std::strtoull(notice->extra, &end, 10);
      if (end == notice->extra || *end != '\0') unreadable = true;
      else noticed.push_back(sequence);
      PQfreemem(notice);
    }
    if (!noticed.empty() || unreadable) {
      idle_ms = 0;
      if (follower_.changed) follower_.changed(unreadable ? std::vector<std::uint64_t>() : noticed);
      continue;
    }
    // A server that vanished without closing the connection is found by asking it; and a fetch
    // that failed after a notice is not left waiting for the next notice.
    if ((idle_ms += 500) >= 2000) {
      idle_ms = 0;
      if (!listener.exec("SELECT 1").ok()) break;
      if (follower_.changed) follower_.changed({});
    }
  }
  if (!stopping_) {
    std::string why = PQerrorMessage(listener.get());
    while (!why.empty() && why.back() == '\n') why.pop_back();
    set_reachability(unreachable(absl::UnavailableError(why.empty() ? "the server closed the connection" : why)));
  }
  return true;
}

}  // namespace section::store
