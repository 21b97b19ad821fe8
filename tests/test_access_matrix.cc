// Every role × every method, generated from the service definitions: the test walks the
// services of section.v1 in the descriptors compiled from proto/, reads the access each method
// declares (proto/section/v1/access.proto), and calls each method on a real host with no
// token, a bad token, and a token of each role, with reads open and with reads needing a token.
// What each role may do is written here from the specification, not from the host's code:
//   reader: read; reporter: read, and report for the components in its scope; admin: read and
//   operate the host. No token: reads only when they are open. A bad token: nothing.
#include <map>
#include <set>
#include <sstream>

#include <catch2/catch.hpp>
#include <google/protobuf/descriptor.h>
#include <grpcpp/generic/generic_stub.h>

#include "host/core/protobuf_log.h"
#include "grpc/health/v1/health.grpc.pb.h"

#include "grpc_client.h"
#include "report_client.h"
#include "section/v1/access.pb.h"
#include "section/v1/admin_service.pb.h"
#include "section/v1/plugin_service.pb.h"
#include "section/v1/section_service.pb.h"
#include "test_env.h"

namespace section::test {
namespace {

using google::protobuf::MethodDescriptor;
using google::protobuf::ServiceDescriptor;

// The services the host does not serve: PluginService is served by plugins, to the host.
const std::set<std::string> kNotServedByHost = {"section.v1.PluginService"};

enum class Caller { kNone, kBadToken, kReader, kReporterInScope, kReporterOutOfScope, kAdmin };
enum class Expect { kAllowed, kUnauthenticated, kPermissionDenied };

const char* caller_name(Caller caller) {
  switch (caller) {
    case Caller::kNone: return "no token";
    case Caller::kBadToken: return "a bad token";
    case Caller::kReader: return "reader";
    case Caller::kReporterInScope: return "reporter (its component)";
    case Caller::kReporterOutOfScope: return "reporter (another team's component)";
    case Caller::kAdmin: return "admin";
  }
  return "?";
}

// The specification, as the issue states it.
Expect expected(v1::Access access, Caller caller, bool reads_need_token) {
  if (caller == Caller::kBadToken) return Expect::kUnauthenticated;
  if (access == v1::ACCESS_UNSPECIFIED) return caller == Caller::kNone ? Expect::kUnauthenticated : Expect::kPermissionDenied;
  if (caller == Caller::kNone) {
    return access == v1::ACCESS_READ && !reads_need_token ? Expect::kAllowed : Expect::kUnauthenticated;
  }
  switch (access) {
    case v1::ACCESS_READ: return Expect::kAllowed;
    case v1::ACCESS_REPORT: return caller == Caller::kReporterInScope ? Expect::kAllowed : Expect::kPermissionDenied;
    case v1::ACCESS_ADMIN: return caller == Caller::kAdmin ? Expect::kAllowed : Expect::kPermissionDenied;
    default: return Expect::kPermissionDenied;
  }
}

std::vector<const ServiceDescriptor*> section_services() {
  // Linking these messages registers their files in the generated pool.
  (void)v1::Section::descriptor();
  (void)v1::ReloadRequest::descriptor();
  (void)v1::ReportValueRequest::descriptor();
  (void)v1::PluginEvent::descriptor();
  std::vector<const ServiceDescriptor*> services;
  const auto* pool = google::protobuf::DescriptorPool::generated_pool();
  for (const char* file : {"section/v1/section_service.proto", "section/v1/report_service.proto", "section/v1/admin_service.proto",
                           "section/v1/plugin_service.proto"}) {
    const auto* descriptor = pool->FindFileByName(file);
    REQUIRE(descriptor != nullptr);
    for (int i = 0; i < descriptor->service_count(); ++i) services.push_back(descriptor->service(i));
  }
  return services;
}

// A request for `method`: an empty message, except a report, which names hr's measure so that
// the reporter's scope decides. Each report has its own idempotency key.
std::string request_bytes(const MethodDescriptor& method, int* serial) {
  if (method.input_type()->full_name() != "section.v1.ReportValueRequest") return "";
  const int n = (*serial)++;
  return measure_report("hr", "candidates_from_underrepresented_countries", 2021, v1::ACTUAL, 40 + n % 50,
                        "matrix-" + std::to_string(n))
      .SerializeAsString();
}

// Calls any method, unary or streaming, with one request; the status, or OK once a streaming
// method has sent its first message.
grpc::Status call(grpc::Channel& channel, const MethodDescriptor& method, const std::string& bytes, const std::string& token) {
  grpc::GenericStub stub(std::shared_ptr<grpc::Channel>(&channel, [](grpc::Channel*) {}));
  grpc::ClientContext context;
  deadline(context, std::chrono::seconds(20));
  bearer(context, token);
  grpc::CompletionQueue queue;
  const std::string path = "/" + method.service()->full_name() + "/" + method.name();
  auto stream = stub.PrepareCall(&context, path, &queue);
  void* tag = nullptr;
  bool ok = false;
  auto next = [&](int expected_tag) {
    REQUIRE(queue.Next(&tag, &ok));
    REQUIRE(tag == reinterpret_cast<void*>(static_cast<intptr_t>(expected_tag)));
    return ok;
  };
  stream->StartCall(reinterpret_cast<void*>(1));
  next(1);
  grpc::Slice slice(bytes);
  grpc::ByteBuffer request(&slice, 1);
  stream->Write(request, reinterpret_cast<void*>(2));
  next(2);
  stream->WritesDone(reinterpret_cast<void*>(3));
  next(3);
  grpc::ByteBuffer response;
  stream->Read(&response, reinterpret_cast<void*>(4));
  const bool got_message = next(4);
  if (got_message && method.server_streaming()) context.TryCancel();
  grpc::Status status;
  stream->Finish(&status, reinterpret_cast<void*>(5));
  next(5);
  queue.Shutdown();
  while (queue.Next(&tag, &ok)) {
  }
  if (got_message && method.server_streaming()) return grpc::Status::OK;
  return status;
}

void check_matrix(bool reads_need_token) {
  TempDir data;
  const TestTokens tokens = make_tokens();
  Host host(reports_config(data.path(), tokens, reads_need_token));
  REQUIRE(host.ok());
  auto channel = channel_to(host.address());
  const std::map<Caller, std::string> token_of = {
      {Caller::kNone, ""},
      {Caller::kBadToken, "sct_" + std::string(43, 'x')},
      {Caller::kReader, tokens.reader},
      {Caller::kReporterInScope, tokens.reporter_hr},
      {Caller::kReporterOutOfScope, tokens.reporter_finance},
      {Caller::kAdmin, tokens.admin},
  };
  int serial = 0;
  int reports_allowed = 0;
  int combinations = 0;
  for (const ServiceDescriptor* service : section_services()) {
    for (int m = 0; m < service->method_count(); ++m) {
      const MethodDescriptor& method = *service->method(m);
      const v1::Access access = method.options().GetExtension(v1::access);
      INFO(method.full_name());
      // Every method the host serves says who may call it.
      if (kNotServedByHost.count(service->full_name()) == 0) CHECK(access != v1::ACCESS_UNSPECIFIED);
      for (const auto& [caller, token] : token_of) {
        const grpc::Status status = call(*channel, method, request_bytes(method, &serial), token);
        INFO(caller_name(caller) << " → " << status.error_code() << " " << status.error_message());
        if (kNotServedByHost.count(service->full_name()) > 0) {
          CHECK(status.error_code() == grpc::StatusCode::UNIMPLEMENTED);
          continue;
        }
        ++combinations;
        switch (expected(access, caller, reads_need_token)) {
          case Expect::kAllowed:
            CHECK(status.error_code() != grpc::StatusCode::UNAUTHENTICATED);
            CHECK(status.error_code() != grpc::StatusCode::PERMISSION_DENIED);
            if (access == v1::ACCESS_REPORT) {
              CHECK(status.ok());
              ++reports_allowed;
            }
            break;
          case Expect::kUnauthenticated: CHECK(status.error_code() == grpc::StatusCode::UNAUTHENTICATED); break;
          case Expect::kPermissionDenied: CHECK(status.error_code() == grpc::StatusCode::PERMISSION_DENIED); break;
        }
      }
    }
  }
  CHECK(combinations >= 10 * 6);
  // Only the allowed reports were stored: nothing from any refused call.
  CHECK(history(host.address(), tokens.reader).size() == static_cast<std::size_t>(reports_allowed));

  // Health stays open, for load balancers, whatever reads need.
  auto health = grpc::health::v1::Health::NewStub(channel);
  grpc::ClientContext context;
  deadline(context);
  grpc::health::v1::HealthCheckResponse response;
  CHECK(health->Check(&context, grpc::health::v1::HealthCheckRequest(), &response).ok());
  CHECK(response.status() == grpc::health::v1::HealthCheckResponse::SERVING);
}

}  // namespace

TEST_CASE("every role × every method, reads open") { check_matrix(false); }

TEST_CASE("every role × every method, reads need a token") { check_matrix(true); }

TEST_CASE("a request whose text is not UTF-8 is refused INVALID_ARGUMENT, and protobuf's complaint is logged as ours, rate-limited") {
  TempDir data;
  const TestTokens tokens = make_tokens();
  Host host(reports_config(data.path(), tokens, false));
  REQUIRE(host.ok());
  auto channel = channel_to(host.address());
  (void)v1::GetTableRequest::descriptor();  // registers section_service.proto in the generated pool
  const MethodDescriptor& get_table =
      *google::protobuf::DescriptorPool::generated_pool()->FindMethodByName("section.v1.SectionService.GetTable");
  // Field 1 (id), three bytes: 'a' and two bytes that start no UTF-8 character.
  const std::string not_utf8("\x0a\x03" "a\xff\xfe", 5);
  for (int i = 0; i < 30; ++i) {
    const grpc::Status status = call(*channel, get_table, not_utf8, "");
    CHECK(status.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
    CHECK_THAT(status.error_message(), Catch::Contains("not UTF-8"));
  }
  REQUIRE(host.stop() == 0);
  const std::string log = host.child().err();
  std::size_t protobuf_lines = 0;
  std::istringstream lines(log);
  for (std::string line; std::getline(lines, line);) {
    if (line.find("UTF-8") == std::string::npos) continue;
    // Every line is the host's own format: time, level, source, message.
    CHECK_THAT(line, Catch::Matches("^[0-9-]+T[0-9:.]+Z (ERROR|WARN ) \\[protobuf\\] .*"));
    ++protobuf_lines;
  }
  CHECK(protobuf_lines >= 1);
  CHECK(protobuf_lines <= static_cast<std::size_t>(section::log::kProtobufBurst));
}

}  // namespace section::test
