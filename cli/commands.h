// The section-ctl commands. Each speaks gRPC to a running section-host, writes to `out` and
// returns the process exit status: 0 success, 1 the host refused or could not be reached.
// `token new` alone works offline.
#pragma once

#include <chrono>
#include <iosfwd>
#include <memory>
#include <string>

#include <grpcpp/grpcpp.h>

#include "cli/section_export.h"
#include "cli/table_format.h"

namespace section::cli {

struct Client {
  std::shared_ptr<grpc::Channel> channel;  // plaintext or TLS, as the options asked
  std::chrono::milliseconds deadline{10000};
  std::string token;                       // sent as "authorization: Bearer <token>"; empty: none
  std::string language;                    // sent as "accept-language" (--lang); empty: none
};

int list_tables(const Client& client, std::ostream& out);
int show_table(const Client& client, const std::string& id, Format format, std::ostream& out);
int list_measures(const Client& client, const std::string& component, int year, bool json, std::ostream& out);
int list_deliverables(const Client& client, const std::string& component, int year, bool json, std::ostream& out);
int show_status(const Client& client, bool json, std::ostream& out);
// Prints every version until `count` events (0: until the stream ends or is interrupted).
int watch(const Client& client, int count, bool json, std::ostream& out);
// The section at a glance: what it is, its components and totals, and the reconciliation.
int overview(const Client& client, std::ostream& out);
// The whole section from one version, rendered as `format`: to `output` (a file; for csv a
// directory, which it needs), or to `out` when `output` is empty. 1 also when the section keeps
// changing while it is fetched, or when the output cannot be written.
int export_section(const Client& client, ExportFormat format, const std::string& output, std::ostream& out);
// Asks the host to reload its configuration (AdminService.Reload) and says what changed.
int reload(const Client& client, std::ostream& out);
// `report`: one figure for ReportService.ReportValue.
struct ReportArgs {
  std::string component;
  std::string measure;      // one of measure and deliverable
  std::string deliverable;
  int year = 0;
  std::string kind = "actual";  // or "planned"
  std::string value;        // a measure's number ("48", "12.5") or a deliverable's count
  std::string text;         // a measure's text
  std::string comment;
  std::string idempotency_key;  // empty: a new one, printed so that a retry can reuse it
};
// Checks the arguments (2 with the reason on `err`), reports the figure and says what changed.
int report(const Client& client, const ReportArgs& args, bool json, std::ostream& out, std::ostream& err);

// `history`: the changes of reported figures, filtered as ListHistory is.
struct HistoryArgs {
  std::string component;
  std::string measure;
  std::string deliverable;
  int year = 0;
  std::string kind;  // empty: any
};
int history(const Client& client, const HistoryArgs& args, bool json, std::ostream& out, std::ostream& err);

// Waits until the host reports SERVING on grpc.health.v1.Health, up to `timeout`.
int wait_until_serving(const Client& client, std::chrono::milliseconds timeout, std::ostream& out);

// `token new`: checks the name, role and components as the host's configuration does, then
// prints a new token once and the auth.tokens entry that holds only its hash. `components` is
// comma-separated; `has_components` says whether --components was given at all. 0, or 2 with
// the reason on `err`.
int new_token(const std::string& name, const std::string& role, const std::string& components, bool has_components,
              std::ostream& out, std::ostream& err);

}  // namespace section::cli
