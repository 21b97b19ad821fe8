// Who may call what (docs/security.md). Every method of the services the host serves declares
// its access in the .proto (proto/section/v1/access.proto); a call is allowed when the token
// it carries, if any, grants that access. Pure logic: the transport passes in the method's
// access and the call's `authorization` metadata, and answers with the decision.
#pragma once

#include <memory>
#include <optional>

#include <absl/status/status.h>
#include <string>
#include <vector>

#include "host/config/host_config.h"
#include "section/v1/access.pb.h"

namespace section::security {

// Who made a call: a configured token's name, role and scope. Never the token itself.
struct Principal {
  std::string name;
  config::Role role = config::Role::kReader;
  std::vector<std::string> components;  // a reporter's scope
};

// Whether a call may proceed, and who makes it. A refusal is kUnauthenticated (no valid token)
// or kPermissionDenied (a token whose role or scope does not allow it); its message never
// contains the token. The principal is kept with a refusal too, so the log can name the token.
struct Decision {
  absl::Status status;
  std::optional<Principal> principal;  // empty for an anonymous read
  bool allowed() const { return status.ok(); }
  std::string message() const { return std::string(status.message()); }
};

class Authorizer {
 public:
  explicit Authorizer(config::AuthConfig auth);

  // Decides a call that needs `access`, given the values of its `authorization` metadata
  // (none, or "Bearer <token>"). A token that is presented must be valid even where none is
  // needed. For ACCESS_REPORT this checks the role only; may_report() checks the component.
  Decision authorize(section::v1::Access access, const std::vector<std::string>& authorization) const;

  // A reporter may report for the components of its scope, and nobody else may report at all.
  static Decision may_report(const Principal& principal, const std::string& component);

  bool reads_need_token() const { return auth_.reads_need_token; }
  bool has_tokens() const { return !auth_.tokens.empty(); }

 private:
  std::optional<Principal> identify(const std::string& token) const;

  config::AuthConfig auth_;
};

// The access a method declares in its service definition; ACCESS_UNSPECIFIED (refused to
// everyone) for a method that declares none or does not exist. `full_name` is
// "section.v1.SectionService.GetTable".
section::v1::Access declared_access(const std::string& full_name);

}  // namespace section::security
