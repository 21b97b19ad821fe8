// The PostgreSQL store's schema (postgres_store.h) and the decision taken on it at start-up,
// as pure functions: the SQL, and what to do with what a database already holds.
#pragma once

#include <optional>

#include <absl/status/status.h>
#include <absl/status/statusor.h>

namespace section::store::postgres {

// The schema version this host writes; section_schema holds the version of a database.
constexpr int kSchemaVersion = 1;
// The channel every host LISTENs on; a commit of a change NOTIFYs it with its sequence.
constexpr const char* kChannel = "section_changes";
// The advisory lock every append holds until its commit: changes commit in sequence order,
// so a reader that sees sequence N has already seen every change below N.
constexpr long long kAppendLock = 0x53454354;
// Taken while the schema is checked or created, so that hosts starting together create it once.
constexpr long long kSchemaLock = 0x53454355;

// The tables, created together in one transaction.
extern const char* const kCreateSchema;

// What a database holds, as start-up finds it.
struct Found {
  bool schema_table = false;            // section_schema exists
  bool changes_table = false;           // section_changes exists
  std::optional<int> version;           // section_schema's version, when it has one row
};

enum class Verdict { kCreate, kUse };
// kCreate for an empty database, kUse for one of our schema version, else an error that says
// what was found and what this host needs (kFailedPrecondition).
absl::StatusOr<Verdict> schema_verdict(const Found& found);

}  // namespace section::store::postgres
