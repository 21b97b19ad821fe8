#include "host/transport/call_auth.h"

#include "host/loading/grpc_status.h"

#include <unordered_map>

#include <google/protobuf/descriptor.h>

#include "host/core/log.h"

namespace section::transport {

using loading::to_grpc;
namespace {

// The access each method of the host's services declares, read from the descriptors once; the
// map is never written after, so a call reads it without a lock.
const std::unordered_map<std::string, section::v1::Access>& declared() {
  static const auto* const methods = [] {
    auto* map = new std::unordered_map<std::string, section::v1::Access>();
    const auto* pool = google::protobuf::DescriptorPool::generated_pool();
    for (const char* name : {"section.v1.SectionService", "section.v1.ReportService", "section.v1.AdminService"}) {
      const auto* service = pool->FindServiceByName(name);
      for (int i = 0; service != nullptr && i < service->method_count(); ++i) {
        (*map)[service->method(i)->full_name()] = security::declared_access(service->method(i)->full_name());
      }
    }
    return map;
  }();
  return *methods;
}

section::v1::Access access_of(const char* method) {
  const auto& methods = declared();
  const auto found = methods.find(method);
  return found == methods.end() ? section::v1::ACCESS_UNSPECIFIED : found->second;
}

}  // namespace

void Gate::replace(std::shared_ptr<const security::Authorizer> authorizer) {
  std::atomic_store(&authorizer_, std::move(authorizer));
  replaced_.call();
}

grpc::Status Gate::check(const grpc::CallbackServerContext& context, const char* method,
                         std::optional<security::Principal>* who) const {
  return check(*authorizer(), context, method, who);
}

grpc::Status Gate::check(const security::Authorizer& authorizer, const grpc::CallbackServerContext& context,
                         const char* method, std::optional<security::Principal>* who) const {
  std::vector<std::string> authorization;
  const auto& metadata = context.client_metadata();
  for (auto [it, end] = metadata.equal_range("authorization"); it != end; ++it) {
    authorization.emplace_back(it->second.data(), it->second.size());
  }
  return to_grpc(decide(authorizer, authorization, context.peer(), method, who));
}

absl::Status Gate::decide(const std::vector<std::string>& authorization, const std::string& peer, const char* method,
                          std::optional<security::Principal>* who) const {
  return decide(*authorizer(), authorization, peer, method, who);
}

absl::Status Gate::decide(const security::Authorizer& authorizer, const std::vector<std::string>& authorization,
                          const std::string& peer, const char* method, std::optional<security::Principal>* who) const {
  const security::Decision decision = authorizer.authorize(access_of(method), authorization);
  if (!decision.allowed()) {
    log::warning(std::string("refused ") + method + " from " + peer +
                 (decision.principal ? " (token '" + decision.principal->name + "')" : "") + ": " + decision.message());
    return decision.status;
  }
  if (who != nullptr) *who = decision.principal;
  return absl::OkStatus();
}

}  // namespace section::transport
