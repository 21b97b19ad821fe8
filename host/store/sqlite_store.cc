#include "host/store/sqlite_store.h"

#include <sqlite3.h>

#include <algorithm>
#include <system_error>

#include <google/protobuf/util/time_util.h>

namespace section::store {
namespace {

namespace fs = std::filesystem;
using section::v1::FigureChange;
using section::v1::FigureRef;
using section::v1::FigureValue;

// "SECT": marks the database as ours, so that a stranger's file is never written to.
constexpr int kApplicationId = 0x53454354;
constexpr int kSchemaVersion = 1;

constexpr const char* kSchema = R"sql(
CREATE TABLE changes (
  sequence        INTEGER PRIMARY KEY AUTOINCREMENT,
  component       TEXT    NOT NULL,
  figure_type     TEXT    NOT NULL CHECK (figure_type IN ('measure', 'deliverable')),
  figure_id       TEXT    NOT NULL,
  year            INTEGER NOT NULL,
  kind            TEXT    NOT NULL,
  old_present     INTEGER NOT NULL,
  old_units       INTEGER,
  old_scale       INTEGER,
  old_text        TEXT    NOT NULL,
  old_count       INTEGER,
  new_units       INTEGER,
  new_scale       INTEGER,
  new_text        TEXT    NOT NULL,
  new_count       INTEGER,
  reported_by     TEXT    NOT NULL,
  reported_at     TEXT    NOT NULL,
  comment         TEXT    NOT NULL,
  idempotency_key TEXT    NOT NULL,
  UNIQUE (reported_by, idempotency_key)
);
)sql";

constexpr const char* kColumns =
    "sequence, component, figure_type, figure_id, year, kind, old_present, old_units, old_scale, old_text, old_count, "
    "new_units, new_scale, new_text, new_count, reported_by, reported_at, comment, idempotency_key";

std::string message_of(sqlite3* db, int rc) {
  return db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
}

}  // namespace

// A prepared statement, finalized on every path; or one kept by the store for reuse, reset and
// cleared of its bindings after each use instead.
class SqliteStatement {
 public:
  SqliteStatement(sqlite3* db, const std::string& sql) { rc_ = sqlite3_prepare_v2(db, sql.c_str(), -1, &statement_, nullptr); }
  explicit SqliteStatement(sqlite3_stmt* kept) : statement_(kept), owned_(false) {}
  ~SqliteStatement() {
    if (owned_) {
      sqlite3_finalize(statement_);
    } else {
      sqlite3_reset(statement_);
      sqlite3_clear_bindings(statement_);
    }
  }
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;

  bool prepared() const { return rc_ == SQLITE_OK; }
  int prepare_rc() const { return rc_; }
  sqlite3_stmt* get() const { return statement_; }
  void text(int index, const std::string& value) {
    sqlite3_bind_text(statement_, index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
  }
  void integer(int index, std::int64_t value) { sqlite3_bind_int64(statement_, index, value); }
  void null(int index) { sqlite3_bind_null(statement_, index); }
  int step() { return sqlite3_step(statement_); }
  std::string column_text(int index) const {
    const auto* text = sqlite3_column_text(statement_, index);
    return text == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(text), sqlite3_column_bytes(statement_, index));
  }
  std::int64_t column_integer(int index) const { return sqlite3_column_int64(statement_, index); }
  bool column_null(int index) const { return sqlite3_column_type(statement_, index) == SQLITE_NULL; }

 private:
  sqlite3_stmt* statement_ = nullptr;
  bool owned_ = true;
  int rc_ = SQLITE_OK;
};

namespace {

int execute(sqlite3* db, const char* sql) { return sqlite3_exec(db, sql, nullptr, nullptr, nullptr); }

// The value of a one-row pragma, or an empty string.
std::string pragma(sqlite3* db, const std::string& sql, int* rc) {
  SqliteStatement statement(db, sql);
  if (!statement.prepared()) {
    *rc = statement.prepare_rc();
    return "";
  }
  *rc = statement.step();
  if (*rc == SQLITE_ROW) {
    *rc = SQLITE_OK;
    return statement.column_text(0);
  }
  if (*rc == SQLITE_DONE) *rc = SQLITE_OK;
  return "";
}

bool is_read_only_error(int rc) {
  const int primary = rc & 0xff;
  return primary == SQLITE_READONLY || primary == SQLITE_CANTOPEN || primary == SQLITE_PERM || primary == SQLITE_IOERR ||
         primary == SQLITE_AUTH;
}

// A failed write as append() tells it (report_store.h).
absl::Status write_error(int rc, std::string message) {
  const int primary = rc & 0xff;
  if (primary == SQLITE_FULL) return absl::ResourceExhaustedError(std::move(message));
  if (primary == SQLITE_CONSTRAINT) return absl::AlreadyExistsError(std::move(message));
  if (primary == SQLITE_READONLY || primary == SQLITE_CANTOPEN || primary == SQLITE_PERM) {
    return absl::FailedPreconditionError(std::move(message));
  }
  return absl::InternalError(std::move(message));
}

void bind_value(SqliteStatement& statement, int first, const FigureValue& value) {
  if (value.has_number()) {
    statement.integer(first, value.number().units());
    statement.integer(first + 1, value.number().scale());
  } else {
    statement.null(first);
    statement.null(first + 1);
  }
  statement.text(first + 2, value.text());
  if (value.has_count()) statement.integer(first + 3, value.count());
  else statement.null(first + 3);
}

FigureValue read_value(const SqliteStatement& statement, int first, bool present) {
  FigureValue value;
  value.set_present(present);
  if (!statement.column_null(first)) {
    value.mutable_number()->set_units(statement.column_integer(first));
    value.mutable_number()->set_scale(static_cast<std::uint32_t>(statement.column_integer(first + 1)));
  }
  value.set_text(statement.column_text(first + 2));
  if (!statement.column_null(first + 3)) value.set_count(statement.column_integer(first + 3));
  return value;
}

FigureChange read_change(const SqliteStatement& row) {
  FigureChange change;
  change.set_sequence(static_cast<std::uint64_t>(row.column_integer(0)));
  FigureRef* figure = change.mutable_figure();
  figure->set_component(row.column_text(1));
  if (row.column_text(2) == "measure") figure->set_measure(row.column_text(3));
  else figure->set_deliverable(row.column_text(3));
  figure->set_year(static_cast<std::int32_t>(row.column_integer(4)));
  section::v1::ValueKind kind = section::v1::VALUE_KIND_UNSPECIFIED;
  section::v1::ValueKind_Parse(row.column_text(5), &kind);
  figure->set_kind(kind);
  *change.mutable_old_value() = read_value(row, 7, row.column_integer(6) != 0);
  *change.mutable_new_value() = read_value(row, 11, true);
  change.set_reported_by(row.column_text(15));
  google::protobuf::util::TimeUtil::FromString(row.column_text(16), change.mutable_reported_at());
  change.set_comment(row.column_text(17));
  change.set_idempotency_key(row.column_text(18));
  return change;
}

// Opens the database for writing and makes sure it is ours with our schema. On failure returns
// the SQLite code and fills `message`; the connection is closed. Nothing is written to a file
// before it is known to be ours (or new and empty).
int open_for_writing(const fs::path& path, std::int64_t max_bytes, sqlite3** out, std::string* message) {
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  auto fail = [&](int code) {
    *message = message_of(db, code);
    sqlite3_close(db);
    return code;
  };
  auto refuse = [&](int code, std::string why) {
    *message = std::move(why);
    sqlite3_close(db);
    return code;
  };
  if (rc != SQLITE_OK) return fail(rc);
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, 5000);
  // SQLite falls back to reading a write-protected file without saying so.
  if (sqlite3_db_readonly(db, "main") == 1) return refuse(SQLITE_READONLY, "the database file is write-protected");

  // Whose file is it? Only reads so far.
  const std::string application_id = pragma(db, "PRAGMA application_id", &rc);
  const std::string user_version = rc == SQLITE_OK ? pragma(db, "PRAGMA user_version", &rc) : "";
  const std::string tables = rc == SQLITE_OK ? pragma(db, "SELECT count(*) FROM sqlite_schema", &rc) : "";
  if (rc != SQLITE_OK) return fail(rc);
  const bool fresh = application_id == "0" && user_version == "0" && tables == "0";
  if (!fresh && application_id == "0" && user_version == "0") {
    return refuse(SQLITE_NOTADB, "it is an SQLite database of something else, which section-host does not write to");
  }
  if (!fresh && (application_id != std::to_string(kApplicationId) || user_version != std::to_string(kSchemaVersion))) {
    return refuse(SQLITE_NOTADB, "it is not a section-host report database of schema " + std::to_string(kSchemaVersion) +
                                     " (application_id " + application_id + ", user_version " + user_version + ")");
  }

  // The journal next: it creates files beside the database, which fails in a read-only directory.
  const std::string mode = pragma(db, "PRAGMA journal_mode=WAL", &rc);
  if (rc != SQLITE_OK) return fail(rc);
  if (mode != "wal") return refuse(SQLITE_READONLY, "the database cannot use write-ahead logging (journal mode '" + mode + "')");
  if ((rc = execute(db, "PRAGMA synchronous=FULL")) != SQLITE_OK) return fail(rc);
  if (max_bytes > 0) {
    const std::string page_size = pragma(db, "PRAGMA page_size", &rc);
    if (rc != SQLITE_OK) return fail(rc);
    const std::int64_t pages = std::max<std::int64_t>(1, max_bytes / std::max<std::int64_t>(512, std::stoll(page_size)));
    pragma(db, "PRAGMA max_page_count=" + std::to_string(pages), &rc);
    if (rc != SQLITE_OK) return fail(rc);
  }
  if (fresh) {
    const std::string init = std::string("BEGIN IMMEDIATE;") + kSchema + "PRAGMA application_id=" + std::to_string(kApplicationId) +
                             "; PRAGMA user_version=" + std::to_string(kSchemaVersion) + "; COMMIT;";
    if ((rc = execute(db, init.c_str())) != SQLITE_OK) {
      const std::string why = message_of(db, rc);
      if (sqlite3_get_autocommit(db) == 0) execute(db, "ROLLBACK");
      return refuse(rc, why);
    }
  }
  *out = db;
  return SQLITE_OK;
}

// Opens the database only to read it: plainly (which reads a write-ahead log left by a crash),
// else as immutable when there is no log to miss.
sqlite3* open_for_reading(const fs::path& path, std::string* message) {
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc == SQLITE_OK) {
    pragma(db, "SELECT count(*) FROM changes", &rc);
    if (rc == SQLITE_OK) return db;
  }
  *message = message_of(db, rc);
  sqlite3_close(db);
  db = nullptr;
  std::error_code ec;
  const fs::path wal = path.string() + "-wal";
  if (fs::exists(wal, ec) && fs::file_size(wal, ec) > 0) {
    *message += "; and " + wal.string() + " holds changes that cannot be read without writing beside it";
    return nullptr;
  }
  const std::string uri = "file:" + path.string() + "?immutable=1";
  rc = sqlite3_open_v2(uri.c_str(), &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc == SQLITE_OK) {
    pragma(db, "SELECT count(*) FROM changes", &rc);
    if (rc == SQLITE_OK) return db;
  }
  *message = message_of(db, rc);
  sqlite3_close(db);
  return nullptr;
}

}  // namespace

absl::StatusOr<std::unique_ptr<SqliteStore>> SqliteStore::open(const config::StorageConfig& storage) {
  std::unique_ptr<SqliteStore> store(new SqliteStore());
  store->path_ = storage.data_dir / "reports.sqlite3";
  std::error_code ec;
  fs::create_directories(storage.data_dir, ec);
  if (ec) {
    if (fs::exists(store->path_)) return absl::InvalidArgumentError(storage.data_dir.string() + ": " + ec.message());
    store->read_only_reason_ = "the data directory " + storage.data_dir.string() + " cannot be created: " + ec.message();
    return store;
  }
  std::string message;
  const int rc = open_for_writing(store->path_, storage.max_database_bytes, &store->db_, &message);
  if (rc == SQLITE_OK) return store;
  if (!is_read_only_error(rc)) return absl::InvalidArgumentError(store->path_.string() + ": " + message);
  store->read_only_reason_ = store->path_.string() + " cannot be written: " + message;
  if (!fs::exists(store->path_, ec)) return store;  // nothing stored yet, nothing to serve
  std::string read_message;
  store->db_ = open_for_reading(store->path_, &read_message);
  if (store->db_ == nullptr) return absl::InvalidArgumentError(store->path_.string() + " cannot be read: " + read_message);
  return store;
}

SqliteStore::~SqliteStore() {
  sqlite3_finalize(find_statement_);
  sqlite3_finalize(insert_statement_);
  sqlite3_close(db_);
}

// Prepared on first use and kept: every report runs the lookup of its key and the insert, and
// preparing them again each time cost more than running them.
int SqliteStore::kept(sqlite3_stmt** slot, const std::string& sql) const {
  if (*slot != nullptr) return SQLITE_OK;
  return sqlite3_prepare_v3(db_, sql.c_str(), -1, SQLITE_PREPARE_PERSISTENT, slot, nullptr);
}

absl::StatusOr<std::vector<FigureChange>> SqliteStore::rows(SqliteStatement& statement, const std::vector<std::string>& arguments) const {
  std::vector<FigureChange> changes;
  for (std::size_t i = 0; i < arguments.size(); ++i) statement.text(static_cast<int>(i + 1), arguments[i]);
  int rc;
  while ((rc = statement.step()) == SQLITE_ROW) changes.push_back(read_change(statement));
  if (rc != SQLITE_DONE) return absl::InvalidArgumentError(path_.string() + ": " + message_of(db_, rc));
  return changes;
}

absl::StatusOr<std::vector<FigureChange>> SqliteStore::select(const std::string& where, const std::vector<std::string>& arguments,
                                                             std::size_t limit) const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<FigureChange> changes;
  if (db_ == nullptr) return changes;
  SqliteStatement statement(db_, std::string("SELECT ") + kColumns + " FROM changes" + where + " ORDER BY sequence" +
                                (limit > 0 ? " LIMIT " + std::to_string(limit) : std::string()));
  if (!statement.prepared()) return absl::InvalidArgumentError(path_.string() + ": " + message_of(db_, statement.prepare_rc()));
  return rows(statement, arguments);
}

absl::StatusOr<std::vector<FigureChange>> SqliteStore::all() const { return select("", {}); }

absl::StatusOr<std::vector<FigureChange>> SqliteStore::after(std::uint64_t sequence, std::size_t limit) const {
  return select(" WHERE sequence > CAST(?1 AS INTEGER)", {std::to_string(sequence)}, limit);
}

absl::StatusOr<std::vector<FigureChange>> SqliteStore::history(const section::v1::ListHistoryRequest& filter, std::uint64_t after,
                                                               std::size_t limit) const {
  std::string where;
  std::vector<std::string> arguments;
  for (FilterTerm& term : history_terms(filter)) {
    arguments.push_back(std::move(term.value));
    // SQLite binds every argument as text: an integer column is compared as its text.
    const std::string column = term.integer ? "CAST(" + std::string(term.column) + " AS TEXT)" : term.column;
    where += (where.empty() ? " WHERE " : " AND ") + column + " = ?" + std::to_string(arguments.size());
  }
  if (after > 0) {
    arguments.push_back(std::to_string(after));
    where += (where.empty() ? " WHERE " : " AND ") + std::string("sequence > CAST(?") + std::to_string(arguments.size()) + " AS INTEGER)";
  }
  return select(where, arguments, limit);
}

absl::StatusOr<std::optional<FigureChange>> SqliteStore::find(const std::string& reported_by, const std::string& key) const {
  std::lock_guard<std::mutex> lock(mutex_);
  if (db_ == nullptr) return std::optional<FigureChange>();
  static const std::string sql = std::string("SELECT ") + kColumns + " FROM changes WHERE reported_by = ?1 AND idempotency_key = ?2";
  if (int rc = kept(&find_statement_, sql); rc != SQLITE_OK) return absl::InvalidArgumentError(path_.string() + ": " + message_of(db_, rc));
  SqliteStatement statement(find_statement_);
  auto found = rows(statement, {reported_by, key});
  if (!found.ok()) return found.status();
  if (found->empty()) return std::optional<FigureChange>();
  return std::optional<FigureChange>(found->front());
}

int SqliteStore::insert(FigureChange& change) {
  static const std::string sql = std::string("INSERT INTO changes (") + (kColumns + std::string(kColumns).find(',') + 2) +
                                 ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)";
  if (int rc = kept(&insert_statement_, sql); rc != SQLITE_OK) return rc;
  SqliteStatement insert(insert_statement_);
  const FigureRef& figure = change.figure();
  const bool measure = figure.figure_case() == FigureRef::kMeasure;
  insert.text(1, figure.component());
  insert.text(2, measure ? "measure" : "deliverable");
  insert.text(3, measure ? figure.measure() : figure.deliverable());
  insert.integer(4, figure.year());
  insert.text(5, section::v1::ValueKind_Name(figure.kind()));
  insert.integer(6, change.old_value().present() ? 1 : 0);
  bind_value(insert, 7, change.old_value());
  bind_value(insert, 11, change.new_value());
  insert.text(15, change.reported_by());
  insert.text(16, google::protobuf::util::TimeUtil::ToString(change.reported_at()));
  insert.text(17, change.comment());
  insert.text(18, change.idempotency_key());
  const int rc = insert.step();
  if (rc != SQLITE_DONE) return rc;
  change.set_sequence(static_cast<std::uint64_t>(sqlite3_last_insert_rowid(db_)));
  return SQLITE_OK;
}

absl::Status SqliteStore::append(FigureChange& change) { return append_all({&change}).front(); }

std::vector<absl::Status> SqliteStore::append_all(const std::vector<FigureChange*>& changes, const std::optional<Applied>&) {
  if (!writable()) return std::vector<absl::Status>(changes.size(), absl::FailedPreconditionError(read_only_reason_));
  std::lock_guard<std::mutex> lock(mutex_);
  auto failed = [&](int rc) {
    const absl::Status result = write_error(rc, message_of(db_, rc));
    if (sqlite3_get_autocommit(db_) == 0) execute(db_, "ROLLBACK");
    for (FigureChange* change : changes) change->set_sequence(0);
    return std::vector<absl::Status>(changes.size(), result);
  };
  int rc = execute(db_, "BEGIN IMMEDIATE");
  if (rc != SQLITE_OK) return failed(rc);
  std::vector<absl::Status> written;
  for (FigureChange* change : changes) {
    rc = insert(*change);
    // A duplicate key fails its statement only; the transaction goes on with the others.
    if ((rc & 0xff) == SQLITE_CONSTRAINT) {
      written.push_back(write_error(rc, message_of(db_, rc)));
      continue;
    }
    if (rc != SQLITE_OK) return failed(rc);
    written.push_back(absl::OkStatus());
  }
  // With synchronous=FULL the commit returns once the write-ahead log is on disk: one wait
  // for every change of the batch.
  rc = execute(db_, "COMMIT");
  if (rc != SQLITE_OK) return failed(rc);
  return written;
}

}  // namespace section::store
