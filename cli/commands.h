// The section-ctl commands. Each speaks gRPC to a running section-host, writes to `out` and
// returns the process exit status: 0 success, 1 the host refused or could not be reached.
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
  std::shared_ptr<grpc::Channel> channel;
  std::chrono::milliseconds deadline{10000};
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
// Waits until the host reports SERVING on grpc.health.v1.Health, up to `timeout`.
int wait_until_serving(const Client& client, std::chrono::milliseconds timeout, std::ostream& out);

}  // namespace section::cli
