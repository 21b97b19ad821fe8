#include "host/store/postgres_schema.h"

#include <string>

namespace section::store::postgres {

const char* const kCreateSchema = R"sql(
CREATE TABLE section_schema (version integer NOT NULL);
CREATE TABLE section_changes (
  sequence        bigserial PRIMARY KEY,
  component       text    NOT NULL,
  figure_type     text    NOT NULL CHECK (figure_type IN ('measure', 'deliverable')),
  figure_id       text    NOT NULL,
  year            integer NOT NULL,
  kind            text    NOT NULL,
  old_present     boolean NOT NULL,
  old_units       bigint,
  old_scale       integer,
  old_text        text    NOT NULL,
  old_count       bigint,
  new_units       bigint,
  new_scale       integer,
  new_text        text    NOT NULL,
  new_count       bigint,
  reported_by     text    NOT NULL,
  reported_at     text    NOT NULL,
  comment         text    NOT NULL,
  idempotency_key text    NOT NULL,
  UNIQUE (reported_by, idempotency_key)
);
)sql";

absl::StatusOr<Verdict> schema_verdict(const Found& found) {
  const std::string needed = "this host needs section-host report schema " + std::to_string(kSchemaVersion);
  if (!found.schema_table && !found.changes_table) return Verdict::kCreate;
  if (!found.schema_table) {
    return absl::FailedPreconditionError("the database has a table section_changes but no section_schema: it is not a "
                                         "section-host report store, and is left as it is (" + needed + ")");
  }
  if (!found.version) {
    return absl::FailedPreconditionError("section_schema does not hold exactly one version; the database is left as it is (" +
                                         needed + ")");
  }
  if (*found.version != kSchemaVersion) {
    return absl::FailedPreconditionError("the database holds section-host report schema " + std::to_string(*found.version) +
                                         ", and " + needed + "; it is left as it is");
  }
  if (!found.changes_table) {
    return absl::FailedPreconditionError("section_schema says schema " + std::to_string(*found.version) +
                                         " but the table section_changes is missing; the database is left as it is");
  }
  return Verdict::kUse;
}

}  // namespace section::store::postgres
