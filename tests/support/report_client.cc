#include "report_client.h"

#include <catch2/catch.hpp>

#include "grpc_client.h"
#include "host/security/token_hash.h"
#include "test_env.h"

namespace section::test {

std::string token_entry(const std::string& name, const std::string& role, const std::string& components, const std::string& token) {
  std::string entry = "    - name: " + name + "\n      role: " + role + "\n";
  if (!components.empty()) entry += "      components: [" + components + "]\n";
  return entry + "      hash: \"" + security::hash_token(token).to_config() + "\"\n";
}

TestTokens make_tokens() {
  return TestTokens{security::new_token(), security::new_token(), security::new_token(), security::new_token()};
}

std::string auth_yaml(const TestTokens& tokens, bool reads_need_token) {
  return std::string("auth:\n  reads: ") + (reads_need_token ? "token" : "open") + "\n  tokens:\n" +
         token_entry("reader", "reader", "", tokens.reader) + token_entry("hr-team", "reporter", "hr", tokens.reporter_hr) +
         token_entry("finance-team", "reporter", "finance", tokens.reporter_finance) +
         token_entry("admin", "admin", "", tokens.admin);
}

std::string admin_auth_yaml(const TestTokens& tokens) {
  return "auth:\n  tokens:\n" + token_entry("admin", "admin", "", tokens.admin);
}

std::string reports_config(const std::filesystem::path& data_dir, const TestTokens& tokens, bool reads_need_token,
                           std::int64_t max_database_bytes) {
  std::string storage = "storage:\n  data_dir: " + data_dir.string() + "\n";
  if (max_database_bytes != 0) storage += "  max_database_bytes: " + std::to_string(max_database_bytes) + "\n";
  return default_config_text() + storage + auth_yaml(tokens, reads_need_token);
}

std::string postgres_config(const std::string& conninfo, const TestTokens& tokens, const std::string& storage_extra) {
  return default_config_text() + "storage:\n  postgres: \"" + conninfo + "\"\n" + storage_extra + auth_yaml(tokens, false);
}

void bearer(grpc::ClientContext& context, const std::string& token) {
  if (!token.empty()) context.AddMetadata("authorization", "Bearer " + token);
}

v1::ReportValueRequest measure_report(const std::string& component, const std::string& measure, int year, v1::ValueKind kind,
                                      std::int64_t units, const std::string& key, const std::string& comment) {
  v1::ReportValueRequest request;
  request.mutable_figure()->set_component(component);
  request.mutable_figure()->set_measure(measure);
  request.mutable_figure()->set_year(year);
  request.mutable_figure()->set_kind(kind);
  request.mutable_value()->mutable_number()->set_units(units);
  request.set_idempotency_key(key);
  request.set_comment(comment);
  return request;
}

v1::ReportValueRequest deliverable_report(const std::string& component, const std::string& deliverable, int year,
                                          v1::ValueKind kind, std::int64_t count, const std::string& key,
                                          const std::string& comment) {
  v1::ReportValueRequest request;
  request.mutable_figure()->set_component(component);
  request.mutable_figure()->set_deliverable(deliverable);
  request.mutable_figure()->set_year(year);
  request.mutable_figure()->set_kind(kind);
  request.mutable_value()->set_count(count);
  request.set_idempotency_key(key);
  request.set_comment(comment);
  return request;
}

grpc::Status report(const std::string& address, const std::string& token, const v1::ReportValueRequest& request,
                    v1::ReportValueResponse* response) {
  auto stub = v1::ReportService::NewStub(channel_to(address));
  grpc::ClientContext context;
  deadline(context);
  bearer(context, token);
  v1::ReportValueResponse ignored;
  return stub->ReportValue(&context, request, response != nullptr ? response : &ignored);
}

std::vector<v1::FigureChange> history(const std::string& address, const std::string& token, const v1::ListHistoryRequest& filter) {
  auto stub = v1::ReportService::NewStub(channel_to(address));
  grpc::ClientContext context;
  deadline(context);
  bearer(context, token);
  v1::ListHistoryResponse response;
  const grpc::Status status = stub->ListHistory(&context, filter, &response);
  INFO(status.error_message());
  REQUIRE(status.ok());
  return {response.changes().begin(), response.changes().end()};
}

std::int64_t reported_units(const std::string& address, const std::string& component, const std::string& measure, int year) {
  auto stub = stub_for(address);
  grpc::ClientContext context;
  deadline(context);
  v1::ListMeasuresRequest request;
  request.set_component(component);
  v1::ListMeasuresResponse response;
  if (!stub->ListMeasures(&context, request, &response).ok()) return -2;
  for (const auto& entry : response.measures()) {
    if (entry.measure().id() != measure) continue;
    for (const auto& value : entry.measure().values()) {
      if (value.year() == year && value.kind() == v1::ACTUAL && !value.reported_by().empty()) return value.number().units();
    }
  }
  return -1;
}

}  // namespace section::test
