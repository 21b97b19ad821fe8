// Helpers for the tests of reported figures and access: tokens made for a test, a host
// configuration with storage and auth, and ReportService calls with a bearer token.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "section/v1/report_service.grpc.pb.h"

namespace section::test {

// One token of each kind a test needs, made fresh (never the same twice).
struct TestTokens {
  std::string reader;
  std::string reporter_hr;       // scope: hr
  std::string reporter_finance;  // scope: finance
  std::string admin;
  // Every token, to check that none appears in a log.
  std::vector<std::string> all() const { return {reader, reporter_hr, reporter_finance, admin}; }
};
TestTokens make_tokens();
// One entry of `auth.tokens` for `token` (components: a comma-separated list, or empty).
std::string token_entry(const std::string& name, const std::string& role, const std::string& components, const std::string& token);

// The `auth:` block of `tokens` (names: reader, hr-team, finance-team, admin).
std::string auth_yaml(const TestTokens& tokens, bool reads_need_token);

// An `auth:` block with only the admin token (for configurations without hr or finance).
std::string admin_auth_yaml(const TestTokens& tokens);

// default_config_text() with storage in `data_dir` (and `max_database_bytes` when not 0) and
// the tokens' auth block.
std::string reports_config(const std::filesystem::path& data_dir, const TestTokens& tokens, bool reads_need_token = false,
                           std::int64_t max_database_bytes = 0);

// default_config_text() with storage in the PostgreSQL database `conninfo` and the tokens' auth block.
// `storage_extra`: more lines of the storage block, each indented by two spaces.
std::string postgres_config(const std::string& conninfo, const TestTokens& tokens, const std::string& storage_extra = "");

// Adds "authorization: Bearer <token>" unless `token` is empty.
void bearer(grpc::ClientContext& context, const std::string& token);

v1::ReportValueRequest measure_report(const std::string& component, const std::string& measure, int year,
                                      v1::ValueKind kind, std::int64_t units, const std::string& key,
                                      const std::string& comment = "");
v1::ReportValueRequest deliverable_report(const std::string& component, const std::string& deliverable, int year,
                                          v1::ValueKind kind, std::int64_t count, const std::string& key,
                                          const std::string& comment = "");

grpc::Status report(const std::string& address, const std::string& token, const v1::ReportValueRequest& request,
                    v1::ReportValueResponse* response = nullptr);
// The history; fails the test when the host refuses.
std::vector<v1::FigureChange> history(const std::string& address, const std::string& token = "",
                                      const v1::ListHistoryRequest& filter = {});
// The reported actual value `address` serves for `measure` of `component` in `year`, in units:
// -1 when none is reported, -2 when the host does not answer (for waiting on, not failing).
std::int64_t reported_units(const std::string& address, const std::string& component, const std::string& measure, int year);

}  // namespace section::test
