// Authorization of every call the host serves (docs/security.md): each handler asks the gate
// first, with its method's full name; the access the method needs comes from its service
// definition (proto/section/v1/access.proto). Refusals are logged with the method, the peer
// and the token's name when the token is valid; a token itself is never logged.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <absl/status/status.h>

#include <grpcpp/grpcpp.h>

#include "host/core/callbacks.h"
#include "host/security/authorizer.h"

namespace section::transport {

class Gate {
 public:
  explicit Gate(std::shared_ptr<const security::Authorizer> authorizer) : authorizer_(std::move(authorizer)) {}

  // The tokens of a reloaded configuration apply to every call from now on; then every callback
  // given to on_replace() runs, so that calls that outlive one check (Watch) are checked again.
  void replace(std::shared_ptr<const security::Authorizer> authorizer);
  int on_replace(std::function<void()> callback) { return replaced_.add(std::move(callback)); }
  void remove_on_replace(int id) { replaced_.remove(id); }

  // OK, with who called (none for an anonymous read), or the status that refuses the call:
  // UNAUTHENTICATED without a valid token, PERMISSION_DENIED when the token's role may not.
  grpc::Status check(const grpc::CallbackServerContext& context, const char* method,
                     std::optional<security::Principal>* who = nullptr) const;
  // The same against a given authorizer: a long call keeps the one it was checked with.
  std::shared_ptr<const security::Authorizer> authorizer() const { return std::atomic_load(&authorizer_); }
  grpc::Status check(const security::Authorizer& authorizer, const grpc::CallbackServerContext& context, const char* method,
                     std::optional<security::Principal>* who = nullptr) const;
  // The same decision for a caller that is not a gRPC call (the HTTP listener): `authorization`
  // holds its Authorization header values, `peer` names it in the log, and `method` is the gRPC
  // method whose access the request needs.
  absl::Status decide(const std::vector<std::string>& authorization, const std::string& peer, const char* method,
                      std::optional<security::Principal>* who = nullptr) const;

 private:
  absl::Status decide(const security::Authorizer& authorizer, const std::vector<std::string>& authorization,
                      const std::string& peer, const char* method, std::optional<security::Principal>* who) const;

  std::shared_ptr<const security::Authorizer> authorizer_;
  Callbacks<> replaced_;
};

}  // namespace section::transport
