// Small gRPC client helpers shared by the tests that talk to a real section-host.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include <grpcpp/grpcpp.h>

#include "section/v1/section_service.grpc.pb.h"

namespace section::test {

std::shared_ptr<grpc::Channel> channel_to(const std::string& address);
std::unique_ptr<v1::SectionService::Stub> stub_for(const std::string& address);
// Every call a test makes has a deadline, so that a hung host fails the test instead of hanging it.
void deadline(grpc::ClientContext& context, std::chrono::milliseconds timeout = std::chrono::seconds(10));

grpc::Status get_table(v1::SectionService::Stub& stub, const std::string& id, v1::Table* table);
// The table; fails the test if the host refuses.
v1::Table table_of(v1::SectionService::Stub& stub, const std::string& id);
// An integer cell; fails the test when the row is absent.
std::int64_t cell(const v1::Table& table, const std::string& row, const std::string& column);
v1::HostStatus status_of(v1::SectionService::Stub& stub);
v1::ComponentStatus component_status(v1::SectionService::Stub& stub, const std::string& id);

}  // namespace section::test
