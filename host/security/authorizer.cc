#include "host/security/authorizer.h"

#include <algorithm>
#include <cctype>

#include <google/protobuf/descriptor.h>

#include "host/core/echo.h"
#include "host/security/token_hash.h"

namespace section::security {
namespace {

Decision unauthenticated(std::string message) { return Decision{absl::UnauthenticatedError(std::move(message)), std::nullopt}; }

Decision denied(std::string message, std::optional<Principal> principal = std::nullopt) {
  return Decision{absl::PermissionDeniedError(std::move(message)), std::move(principal)};
}

Decision allowed(std::optional<Principal> principal) { return Decision{absl::OkStatus(), std::move(principal)}; }

// "Bearer <token>" (the scheme in any case); empty when the value is not one.
std::string bearer_token(const std::string& value) {
  constexpr std::size_t kScheme = 7;  // "bearer "
  if (value.size() <= kScheme) return "";
  std::string scheme = value.substr(0, kScheme);
  std::transform(scheme.begin(), scheme.end(), scheme.begin(), [](unsigned char c) { return std::tolower(c); });
  if (scheme != "bearer ") return "";
  std::string token = value.substr(kScheme);
  while (!token.empty() && token.front() == ' ') token.erase(token.begin());
  while (!token.empty() && token.back() == ' ') token.pop_back();
  return token;
}

std::string join(const std::vector<std::string>& items) {
  std::string text;
  for (const auto& item : items) text += (text.empty() ? "" : ", ") + item;
  return text;
}

}  // namespace

Authorizer::Authorizer(config::AuthConfig auth) : auth_(std::move(auth)) {}

std::optional<Principal> Authorizer::identify(const std::string& token) const {
  // Every token is hashed and compared, so the time taken says nothing about which one matched.
  std::optional<Principal> found;
  for (const auto& configured : auth_.tokens) {
    if (token_matches(token, configured.salt_hex, configured.digest_hex) && !found) {
      found = Principal{configured.name, configured.role, configured.components};
    }
  }
  return found;
}

Decision Authorizer::authorize(section::v1::Access access, const std::vector<std::string>& authorization) const {
  if (access == section::v1::ACCESS_UNSPECIFIED) {
    return denied("this method declares no access in its service definition and is refused to everyone");
  }
  if (authorization.size() > 1) return unauthenticated("give one authorization header, not several");
  std::optional<Principal> principal;
  if (authorization.size() == 1) {
    const std::string token = bearer_token(authorization.front());
    if (token.empty()) return unauthenticated("the authorization header must be 'Bearer <token>'");
    principal = identify(token);
    if (!principal) return unauthenticated("the token is not valid");
  }
  if (!principal) {
    if (access == section::v1::ACCESS_READ && !auth_.reads_need_token) return allowed(std::nullopt);
    return unauthenticated(auth_.tokens.empty() ? "this call needs a token, and this host has none configured (auth.tokens)"
                                       : "this call needs a token: send 'authorization: Bearer <token>'");
  }
  const auto role = principal->role;
  switch (access) {
    case section::v1::ACCESS_READ:
      return allowed(std::move(principal));
    case section::v1::ACCESS_REPORT:
      if (role == config::Role::kReporter) return allowed(std::move(principal));
      return denied("token '" + principal->name + "' has the role " + config::role_name(role) + "; reporting needs a reporter's token",
                    principal);
    case section::v1::ACCESS_ADMIN:
      if (role == config::Role::kAdmin) return allowed(std::move(principal));
      return denied("token '" + principal->name + "' has the role " + config::role_name(role) + "; this call needs an admin's token",
                    principal);
    default:
      return denied("unknown access level", principal);
  }
}

Decision Authorizer::may_report(const Principal& principal, const std::string& component) {
  if (principal.role != config::Role::kReporter) {
    return denied("token '" + principal.name + "' is not a reporter's", principal);
  }
  if (std::find(principal.components.begin(), principal.components.end(), component) == principal.components.end()) {
    return denied("token '" + principal.name + "' may report for " + join(principal.components) + ", not for " + echo(component),
                  principal);
  }
  return allowed(principal);
}

section::v1::Access declared_access(const std::string& full_name) {
  const auto* method = google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(full_name);
  if (method == nullptr) return section::v1::ACCESS_UNSPECIFIED;
  return method->options().GetExtension(section::v1::access);
}

}  // namespace section::security
