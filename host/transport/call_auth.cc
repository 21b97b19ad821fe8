#include "host/transport/call_auth.h"

#include <mutex>
#include <unordered_map>

#include "host/core/log.h"

namespace section::transport {
namespace {

// The access each method declares, looked up in the descriptors once.
section::v1::Access access_of(const char* method) {
  static std::mutex mutex;
  static std::unordered_map<std::string, section::v1::Access> known;
  std::lock_guard<std::mutex> lock(mutex);
  auto found = known.find(method);
  if (found == known.end()) found = known.emplace(method, security::declared_access(method)).first;
  return found->second;
}

}  // namespace

grpc::Status refusal_status(const security::Decision& decision) {
  if (decision.allowed()) return grpc::Status::OK;
  const auto code = decision.outcome == security::Decision::Outcome::kUnauthenticated ? grpc::StatusCode::UNAUTHENTICATED
                                                                                      : grpc::StatusCode::PERMISSION_DENIED;
  return grpc::Status(code, decision.message);
}

grpc::Status Gate::check(const grpc::CallbackServerContext& context, const char* method,
                         std::optional<security::Principal>* who) const {
  std::vector<std::string> authorization;
  const auto& metadata = context.client_metadata();
  for (auto [it, end] = metadata.equal_range("authorization"); it != end; ++it) {
    authorization.emplace_back(it->second.data(), it->second.size());
  }
  const security::Decision decision = std::atomic_load(&authorizer_)->authorize(access_of(method), authorization);
  if (!decision.allowed()) {
    log::warning(std::string("refused ") + method + " from " + context.peer() +
                 (decision.principal ? " (token '" + decision.principal->name + "')" : "") + ": " + decision.message);
    return refusal_status(decision);
  }
  if (who != nullptr) *who = decision.principal;
  return grpc::Status::OK;
}

}  // namespace section::transport
