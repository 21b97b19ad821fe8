#include "host/store/postgres_store.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cstdlib>
#include <map>
#include <random>

#include <google/protobuf/util/time_util.h>

#include "host/core/log.h"
#include "host/store/libpq.h"
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

// A batch in one transaction and one round trip (a pipeline): the append lock first, so that
// sequences are drawn and committed in order, then this statement, which runs after the lock is
// held and so sees every change committed before (read committed: a snapshot per statement).
// It stores nothing when a change above $1 that is not one of $2 (the host's own) exists: the
// reports were checked without it. The first row counts such changes among the first after $1,
// read in order of sequence so that PostgreSQL walks the key's index from $1 on whatever its
// statistics say (unanalyzed, it scanned the whole table for every report); then
// one row for each change stored (a key stored already is left out), NOTIFYing the channel,
// which PostgreSQL delivers at the commit.
constexpr const char* kLock = "SELECT pg_advisory_xact_lock(1397048148)";
constexpr const char* kAppend = R"sql(
WITH unseen AS (
  SELECT count(*) AS count FROM (
    SELECT sequence FROM section_changes WHERE $1::bigint >= 0 AND sequence > $1::bigint
    ORDER BY sequence LIMIT cardinality($2::bigint[]) + 1) AS after_last
  WHERE sequence <> ALL ($2::bigint[])),
given AS (
  SELECT * FROM unnest($3::text[], $4::text[], $5::text[], $6::integer[], $7::text[], $8::boolean[], $9::bigint[],
                       $10::integer[], $11::text[], $12::bigint[], $13::bigint[], $14::integer[], $15::text[], $16::bigint[],
                       $17::text[], $18::text[], $19::text[], $20::text[]) WITH ORDINALITY
    AS g(component, figure_type, figure_id, year, kind, old_present, old_units, old_scale, old_text, old_count, new_units,
         new_scale, new_text, new_count, reported_by, reported_at, comment, idempotency_key, position)),
inserted AS (
  INSERT INTO section_changes (component, figure_type, figure_id, year, kind, old_present, old_units, old_scale, old_text,
                               old_count, new_units, new_scale, new_text, new_count, reported_by, reported_at, comment,
                               idempotency_key)
  SELECT component, figure_type, figure_id, year, kind, old_present, old_units, old_scale, old_text, old_count, new_units,
         new_scale, new_text, new_count, reported_by, reported_at, comment, idempotency_key
  FROM given, unseen WHERE unseen.count = 0 ORDER BY position
  ON CONFLICT (reported_by, idempotency_key) DO NOTHING
  RETURNING sequence, reported_by, idempotency_key)
SELECT count, NULL::bigint, NULL::text, NULL::text FROM unseen
UNION ALL
SELECT NULL, sequence, reported_by, idempotency_key FROM inserted, LATERAL (SELECT pg_notify('section_changes', sequence::text)) n
)sql";
static_assert(postgres::kAppendLock == 1397048148, "kLock spells the append lock out");

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

PostgresStore::PostgresStore(std::string conninfo, std::chrono::milliseconds statement_timeout)
    : conninfo_(std::move(conninfo)), statement_timeout_(statement_timeout) {}

absl::StatusOr<std::unique_ptr<PostgresStore>> PostgresStore::open(const config::StorageConfig& storage) {
  std::unique_ptr<PostgresStore> store(new PostgresStore(storage.postgres, storage.statement_timeout));
  auto connection = PgConnection::connect(storage.postgres, storage.statement_timeout);
  if (!connection.ok()) return connection.status();
  if (absl::Status schema = prepare_schema(**connection); !schema.ok()) {
    return absl::Status(schema.code(), store->describe() + ": " + std::string(schema.message()));
  }
  store->writes_.connection = std::move(*connection);
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

absl::Status PostgresStore::connected(Session& session) const {
  if (session.connection && session.connection->ok()) return absl::OkStatus();
  session.connection.reset();
  // While the follower finds the server gone, answer at once instead of waiting on it.
  if (absl::Status up = reachable(); !up.ok()) return up;
  auto fresh = PgConnection::connect(conninfo_, statement_timeout_);
  if (!fresh.ok()) return unreachable(fresh.status());
  session.connection = std::move(*fresh);
  return absl::OkStatus();
}

absl::StatusOr<std::vector<PgResult>> PostgresStore::run_pipeline(Session& session, const std::vector<PgStatement>& statements) const {
  std::lock_guard<std::mutex> lock(session.mutex);
  for (int attempt = 0;; ++attempt) {
    if (absl::Status up = connected(session); !up.ok()) return up;
    auto result = session.connection->pipeline(statements);
    if (result.ok() || session.connection->ok()) return result;
    // The connection broke (the server restarted since the last call): once more on a new one.
    // An append retried this way is stored at most once, by its idempotency key. A server that
    // did not answer in time is not asked again: the caller waited long enough.
    const bool timed_out = session.connection->timed_out();
    session.connection.reset();
    if (attempt == 1 || timed_out) return unreachable(result.status());
  }
}

absl::StatusOr<std::vector<FigureChange>> PostgresStore::hold_appends(std::uint64_t last) {
  held_ = std::unique_lock<std::mutex>(writes_.mutex);
  if (absl::Status up = connected(writes_); !up.ok()) {
    held_.unlock();
    return up;
  }
  auto rows = held_pipeline({{"BEGIN", {}},
                             {kLock, {}},
                             {std::string("SELECT ") + kColumns + " FROM section_changes WHERE sequence > $1::bigint ORDER BY sequence",
                              {std::to_string(last)}}});
  if (!rows.ok()) {
    release_appends();
    return rows.status();
  }
  std::vector<FigureChange> changes;
  for (int row = 0; row < rows->back().rows(); ++row) changes.push_back(read_change(rows->back(), row));
  return changes;
}

void PostgresStore::release_appends() {
  if (!held_.owns_lock()) return;
  PgConnection* connection = writes_.connection.get();
  if (connection != nullptr && connection->ok() && pq().PQtransactionStatus(connection->get()) != PQTRANS_IDLE) {
    connection->exec("ROLLBACK").IgnoreError();
  }
  held_.unlock();
}

absl::StatusOr<std::vector<PgResult>> PostgresStore::held_pipeline(const std::vector<PgStatement>& statements) {
  auto results = writes_.connection->pipeline(statements);
  if (!results.ok() && !writes_.connection->ok()) {
    writes_.connection.reset();
    return unreachable(results.status());
  }
  return results;
}

absl::StatusOr<PgResult> PostgresStore::run(const std::string& sql, const Parameters& parameters) const {
  auto results = run_pipeline(reads_, {{sql, parameters}});
  if (!results.ok()) return results.status();
  return results->back();
}

absl::StatusOr<std::vector<FigureChange>> PostgresStore::select(const std::string& where, const Parameters& parameters,
                                                               std::size_t limit) const {
  auto rows = run(std::string("SELECT ") + kColumns + " FROM section_changes" + where + " ORDER BY sequence" +
                      (limit > 0 ? " LIMIT " + std::to_string(limit) : std::string()),
                  parameters);
  if (!rows.ok()) return rows.status();
  std::vector<FigureChange> changes;
  changes.reserve(static_cast<std::size_t>(rows->rows()));
  for (int row = 0; row < rows->rows(); ++row) changes.push_back(read_change(*rows, row));
  return changes;
}

absl::StatusOr<std::vector<FigureChange>> PostgresStore::all() const { return select("", {}); }

absl::StatusOr<std::vector<FigureChange>> PostgresStore::after(std::uint64_t sequence, std::size_t limit) const {
  return select(" WHERE sequence > $1::bigint", {std::to_string(sequence)}, limit);
}

absl::StatusOr<std::vector<FigureChange>> PostgresStore::history(const section::v1::ListHistoryRequest& filter, std::uint64_t after,
                                                                 std::size_t limit) const {
  std::string where;
  Parameters parameters;
  for (FilterTerm& term : history_terms(filter)) {
    parameters.push_back(std::move(term.value));
    where += (where.empty() ? " WHERE " : " AND ") + std::string(term.column) + " = $" + std::to_string(parameters.size()) +
             (term.integer ? "::integer" : "");
  }
  if (after > 0) {
    parameters.push_back(std::to_string(after));
    where += (where.empty() ? " WHERE " : " AND ") + std::string("sequence > $") + std::to_string(parameters.size()) + "::bigint";
  }
  return select(where, parameters, limit);
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

// A PostgreSQL array literal of text elements (nullopt: NULL), each quoted.
std::string array_literal(const std::vector<std::optional<std::string>>& values) {
  std::string text = "{";
  for (const auto& value : values) {
    if (text.size() > 1) text += ',';
    if (!value) {
      text += "NULL";
      continue;
    }
    text += '"';
    for (const char c : *value) {
      if (c == '"' || c == '\\') text += '\\';
      text += c;
    }
    text += '"';
  }
  return text + "}";
}

absl::Status already_stored(const FigureChange& change) {
  return absl::AlreadyExistsError("(" + change.reported_by() + ", " + change.idempotency_key() + ") is already stored");
}

}  // namespace

absl::Status PostgresStore::append(FigureChange& change) { return append_all({&change}).front(); }

std::vector<absl::Status> PostgresStore::append_all(const std::vector<FigureChange*>& changes, const std::optional<Applied>& applied) {
  if (changes.empty()) {
    release_appends();
    return {};
  }
  std::vector<Parameters> rows;
  for (const FigureChange* change : changes) rows.push_back(append_parameters(*change));
  Parameters own;
  if (applied) {
    for (const std::uint64_t sequence : applied->own) own.push_back(std::to_string(sequence));
  }
  // No `applied` (-1): no check, as for a store of one host.
  Parameters parameters;
  parameters.push_back(applied ? std::to_string(applied->last) : std::string("-1"));
  parameters.push_back(array_literal(own));
  for (std::size_t column = 0; column < rows.front().size(); ++column) {
    Parameters values;
    for (const Parameters& row : rows) values.push_back(row[column]);
    parameters.push_back(array_literal(values));
  }
  // Under hold_appends(), the transaction holds the lock already.
  const bool held = held_.owns_lock();
  std::vector<PgStatement> statements;
  if (!held) statements.push_back(PgStatement{kLock, {}});
  statements.push_back(PgStatement{kAppend, std::move(parameters)});
  if (held) statements.push_back(PgStatement{"COMMIT", {}});
  auto results = held ? held_pipeline(statements) : run_pipeline(writes_, statements);
  release_appends();
  auto fail = [&](const absl::Status& why) {
    for (FigureChange* change : changes) change->set_sequence(0);
    return std::vector<absl::Status>(changes.size(), why);
  };
  if (!results.ok()) return fail(results.status());
  const PgResult& rows_back = (*results)[held ? 0 : 1];
  if (rows_back.rows() == 0 || rows_back.null(0, 0)) return fail(absl::InternalError("the append returned no count"));
  if (rows_back.text(0, 0) != "0") {
    return fail(absl::AbortedError("the store holds changes of other hosts this host has not applied yet; nothing was stored"));
  }
  std::map<std::pair<std::string, std::string>, std::uint64_t> stored;
  for (int row = 1; row < rows_back.rows(); ++row) {
    stored[{rows_back.text(row, 2), rows_back.text(row, 3)}] = std::stoull(rows_back.text(row, 1));
  }
  std::vector<absl::Status> written;
  for (FigureChange* change : changes) {
    auto found = stored.find({change->reported_by(), change->idempotency_key()});
    if (found == stored.end()) {
      change->set_sequence(0);
      written.push_back(already_stored(*change));
      continue;
    }
    change->set_sequence(found->second);
    written.push_back(absl::OkStatus());
  }
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
  std::mt19937 random(std::random_device{}());
  std::uniform_real_distribution<double> fraction(0.0, 1.0);
  while (!stopping_) {
    const auto began = std::chrono::steady_clock::now();
    if (listen_once()) {
      backoff.connected_for(std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - began));
    }
    if (stopping_) break;
    wait(-1, static_cast<int>(backoff.next(fraction(random)).count()));
  }
}

bool PostgresStore::listen_once() {
  auto connection = PgConnection::connect(conninfo_, statement_timeout_);
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
  auto next_check = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  absl::Status lost;
  while (wait(pq().PQsocket(listener.get()), 500)) {
    if (pq().PQconsumeInput(listener.get()) == 0 || !listener.ok()) break;
    std::vector<std::uint64_t> noticed;
    bool unreadable = false;
    while (PGnotify* notice = pq().PQnotifies(listener.get())) {
      char* end = nullptr;
      const unsigned long long sequence = std::strtoull(notice->extra, &end, 10);
      if (end == notice->extra || *end != '\0') unreadable = true;
      else noticed.push_back(sequence);
      pq().PQfreemem(notice);
    }
    if (!noticed.empty() || unreadable) {
      if (follower_.changed) follower_.changed(unreadable ? std::vector<std::uint64_t>() : noticed);
    }
    // Every 2 s, notices or not: a server that vanished without closing the connection is found
    // by asking it, and a fetch that failed is tried again even on a host busy with notices.
    if (std::chrono::steady_clock::now() >= next_check) {
      next_check = std::chrono::steady_clock::now() + std::chrono::seconds(2);
      if (auto asked = listener.exec("SELECT 1"); !asked.ok()) {
        lost = asked.status();
        break;
      }
      if (follower_.changed) follower_.changed({});
    }
  }
  if (!stopping_) {
    std::string why = lost.ok() && listener.get() != nullptr ? pq().PQerrorMessage(listener.get()) : std::string(lost.message());
    while (!why.empty() && why.back() == '\n') why.pop_back();
    set_reachability(unreachable(absl::UnavailableError(why.empty() ? "the server closed the connection" : why)));
  }
  return true;
}

}  // namespace section::store
