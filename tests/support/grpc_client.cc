#include "grpc_client.h"

#include <catch2/catch.hpp>

namespace section::test {

std::shared_ptr<grpc::Channel> channel_to(const std::string& address) {
  return grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
}

std::unique_ptr<v1::SectionService::Stub> stub_for(const std::string& address) {
  return v1::SectionService::NewStub(channel_to(address));
}

void deadline(grpc::ClientContext& context, std::chrono::milliseconds timeout) {
  context.set_deadline(std::chrono::system_clock::now() + timeout);
}

grpc::Status get_table(v1::SectionService::Stub& stub, const std::string& id, v1::Table* table) {
  grpc::ClientContext context;
  deadline(context);
  v1::GetTableRequest request;
  request.set_id(id);
  return stub.GetTable(&context, request, table);
}

v1::Table table_of(v1::SectionService::Stub& stub, const std::string& id) {
  v1::Table table;
  const grpc::Status status = get_table(stub, id, &table);
  INFO(id << ": " << status.error_message());
  REQUIRE(status.ok());
  return table;
}

std::int64_t cell(const v1::Table& table, const std::string& row, const std::string& column) {
  for (const auto& r : table.rows()) {
    if (r.key() == row) return r.cells().at(column).integer();
  }
  FAIL("no row " << row << " in " << table.id());
  return 0;
}

v1::HostStatus status_of(v1::SectionService::Stub& stub) {
  grpc::ClientContext context;
  deadline(context);
  v1::HostStatus status;
  REQUIRE(stub.GetStatus(&context, {}, &status).ok());
  return status;
}

v1::ComponentStatus component_status(v1::SectionService::Stub& stub, const std::string& id) {
  const v1::HostStatus status = status_of(stub);
  for (const auto& component : status.components()) {
    if (component.id() == id) return component;
  }
  FAIL("no component " << id);
  return {};
}

}  // namespace section::test
