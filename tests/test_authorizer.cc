// Who may call what (host/security/authorizer.h) and the bearer tokens behind it
// (host/security/token_hash.h).
#include <catch2/catch.hpp>

#include <set>

#include <google/protobuf/descriptor.h>

#include "host/security/authorizer.h"
#include "host/security/token_hash.h"
#include "section/v1/admin_service.pb.h"
#include "section/v1/report_service.pb.h"
#include "section/v1/section_service.pb.h"

using namespace section;
using section::security::Authorizer;
using section::security::Decision;
using Outcome = absl::StatusCode;

namespace {

struct Tokens {
  std::string reader = security::new_token();
  std::string reporter = security::new_token();
  std::string admin = security::new_token();
  std::string unknown = security::new_token();  // never configured
};

config::TokenConfig token_config(const std::string& name, config::Role role, const std::string& token,
                                 std::vector<std::string> components = {}) {
  const security::TokenHash hash = security::hash_token(token);
  config::TokenConfig config;
  config.name = name;
  config.role = role;
  config.components = std::move(components);
  config.salt_hex = hash.salt_hex;
  config.digest_hex = hash.digest_hex;
  return config;
}

config::AuthConfig auth_config(const Tokens& tokens, bool reads_need_token) {
  config::AuthConfig auth;
  auth.reads_need_token = reads_need_token;
  auth.tokens.push_back(token_config("dashboard", config::Role::kReader, tokens.reader));
  auth.tokens.push_back(token_config("hr-team", config::Role::kReporter, tokens.reporter, {"hr", "support"}));
  auth.tokens.push_back(token_config("operator", config::Role::kAdmin, tokens.admin));
  return auth;
}

std::vector<std::string> bearer(const std::string& token) { return {"Bearer " + token}; }

std::string outcome_name(Outcome outcome) {
  switch (outcome) {
    case Outcome::kOk: return "allowed";
    case Outcome::kUnauthenticated: return "unauthenticated";
    case Outcome::kPermissionDenied: return "permission denied";
    default: return absl::StatusCodeToString(outcome);
  }
}

// The decision, checked never to contain any of the tokens.
Decision decide(const Authorizer& authorizer, const Tokens& tokens, v1::Access access,
                const std::vector<std::string>& authorization) {
  Decision decision = authorizer.authorize(access, authorization);
  for (const std::string& token : {tokens.reader, tokens.reporter, tokens.admin, tokens.unknown}) {
    CHECK(decision.message().find(token) == std::string::npos);
    // Not even the part after the prefix.
    CHECK(decision.message().find(token.substr(4)) == std::string::npos);
  }
  return decision;
}

}  // namespace

TEST_CASE("open reads need no token, and reads that need one refuse a call without", "[auth]") {
  const Tokens tokens;
  const Authorizer open(auth_config(tokens, false));
  const Decision anonymous = decide(open, tokens, v1::ACCESS_READ, {});
  CHECK(anonymous.allowed());
  CHECK_FALSE(anonymous.principal.has_value());
  CHECK_FALSE(open.reads_need_token());
  CHECK(open.has_tokens());

  // Reporting and administration always need a token.
  CHECK(decide(open, tokens, v1::ACCESS_REPORT, {}).status.code() == Outcome::kUnauthenticated);
  CHECK(decide(open, tokens, v1::ACCESS_ADMIN, {}).status.code() == Outcome::kUnauthenticated);

  const Authorizer closed(auth_config(tokens, true));
  CHECK(closed.reads_need_token());
  const Decision refused = decide(closed, tokens, v1::ACCESS_READ, {});
  CHECK(refused.status.code() == Outcome::kUnauthenticated);
  CHECK_FALSE(refused.allowed());
  CHECK_THAT(refused.message(), Catch::Contains("Bearer"));

  // A host without any token says so.
  const Authorizer none(config::AuthConfig{});
  CHECK_FALSE(none.has_tokens());
  CHECK(decide(none, tokens, v1::ACCESS_READ, {}).allowed());
  const Decision no_tokens = decide(none, tokens, v1::ACCESS_REPORT, {});
  CHECK(no_tokens.status.code() == Outcome::kUnauthenticated);
  CHECK_THAT(no_tokens.message(), Catch::Contains("auth.tokens"));
}

TEST_CASE("a token that is not valid is refused even where none is needed", "[auth]") {
  const Tokens tokens;
  for (bool reads_need_token : {false, true}) {
    const Authorizer authorizer(auth_config(tokens, reads_need_token));
    for (const auto access : {v1::ACCESS_READ, v1::ACCESS_REPORT, v1::ACCESS_ADMIN}) {
      INFO("reads need token " << reads_need_token << ", access " << v1::Access_Name(access));
      for (const std::string& bad : {tokens.unknown, tokens.reader + "x", tokens.reader.substr(0, 20), std::string("sct_"),
                                     std::string("not-a-token")}) {
        const Decision decision = decide(authorizer, tokens, access, bearer(bad));
        CHECK(decision.status.code() == Outcome::kUnauthenticated);
        CHECK_FALSE(decision.principal.has_value());
        CHECK(decision.message().find(bad) == std::string::npos);
      }
    }
  }
}

TEST_CASE("a malformed authorization header is refused", "[auth]") {
  const Tokens tokens;
  const Authorizer authorizer(auth_config(tokens, false));
  const std::vector<std::vector<std::string>> malformed = {
      {"Basic x"},
      {"Basic " + tokens.reader},
      {"Bearer"},
      {"Bearer "},
      {"Bearer    "},
      {tokens.reader},
      {"Token " + tokens.reader},
      {"Bearer" + tokens.reader},
      {"Bearer " + tokens.reader, "Bearer " + tokens.reader},
      {"Bearer " + tokens.reader, "Bearer " + tokens.admin},
      {"", ""},
  };
  for (const auto& headers : malformed) {
    for (const auto access : {v1::ACCESS_READ, v1::ACCESS_REPORT, v1::ACCESS_ADMIN}) {
      INFO("headers " << Catch::Detail::stringify(headers) << ", access " << v1::Access_Name(access));
      const Decision decision = decide(authorizer, tokens, access, headers);
      CHECK(decision.status.code() == Outcome::kUnauthenticated);
      CHECK_FALSE(decision.principal.has_value());
    }
  }
  // The scheme is case-insensitive and spaces around the token do not matter.
  CHECK(decide(authorizer, tokens, v1::ACCESS_ADMIN, {"bearer " + tokens.admin}).allowed());
  CHECK(decide(authorizer, tokens, v1::ACCESS_ADMIN, {"BEARER   " + tokens.admin + "  "}).allowed());
}

TEST_CASE("roles against access levels: the full matrix", "[auth]") {
  const Tokens tokens;
  struct Row {
    const char* who;
    std::string token;
    std::string name;
    config::Role role;
  };
  const std::vector<Row> rows = {
      {"reader", tokens.reader, "dashboard", config::Role::kReader},
      {"reporter", tokens.reporter, "hr-team", config::Role::kReporter},
      {"admin", tokens.admin, "operator", config::Role::kAdmin},
  };
  // Allowed: read for all; report only for a reporter; admin only for an admin.
  auto expected = [](config::Role role, v1::Access access) {
    switch (access) {
      case v1::ACCESS_READ: return Outcome::kOk;
      case v1::ACCESS_REPORT: return role == config::Role::kReporter ? Outcome::kOk : Outcome::kPermissionDenied;
      case v1::ACCESS_ADMIN: return role == config::Role::kAdmin ? Outcome::kOk : Outcome::kPermissionDenied;
      default: return Outcome::kPermissionDenied;
    }
  };
  for (bool reads_need_token : {false, true}) {
    const Authorizer authorizer(auth_config(tokens, reads_need_token));
    for (const Row& row : rows) {
      for (const auto access : {v1::ACCESS_READ, v1::ACCESS_REPORT, v1::ACCESS_ADMIN}) {
        INFO(row.who << " × " << v1::Access_Name(access) << " (reads need token " << reads_need_token << ")");
        const Decision decision = decide(authorizer, tokens, access, bearer(row.token));
        CHECK(outcome_name(decision.status.code()) == outcome_name(expected(row.role, access)));
        // A valid token is always identified, allowed or not.
        REQUIRE(decision.principal.has_value());
        CHECK(decision.principal->name == row.name);
        CHECK(decision.principal->role == row.role);
        if (decision.allowed()) {
          CHECK(decision.message().empty());
        } else {
          CHECK_THAT(decision.message(), Catch::Contains(row.name) && Catch::Contains(config::role_name(row.role)));
        }
      }
    }
  }
  const Authorizer authorizer(auth_config(tokens, false));
  const Decision reporter = decide(authorizer, tokens, v1::ACCESS_REPORT, bearer(tokens.reporter));
  REQUIRE(reporter.principal.has_value());
  CHECK(reporter.principal->components == std::vector<std::string>{"hr", "support"});
}

TEST_CASE("a method that declares no access is refused to everyone, admins included", "[auth]") {
  const Tokens tokens;
  for (bool reads_need_token : {false, true}) {
    const Authorizer authorizer(auth_config(tokens, reads_need_token));
    for (const std::vector<std::string>& headers :
         {std::vector<std::string>{}, bearer(tokens.reader), bearer(tokens.reporter), bearer(tokens.admin), bearer(tokens.unknown)}) {
      INFO("headers " << headers.size());
      const Decision decision = decide(authorizer, tokens, v1::ACCESS_UNSPECIFIED, headers);
      CHECK_FALSE(decision.allowed());
      CHECK(decision.status.code() == Outcome::kPermissionDenied);
    }
  }
  const Authorizer none(config::AuthConfig{});
  CHECK(decide(none, tokens, v1::ACCESS_UNSPECIFIED, {}).status.code() == Outcome::kPermissionDenied);
  // An access level the host does not know either.
  const Authorizer authorizer(auth_config(tokens, false));
  CHECK_FALSE(decide(authorizer, tokens, static_cast<v1::Access>(42), bearer(tokens.admin)).allowed());
}

TEST_CASE("may_report allows a reporter inside its scope only", "[auth]") {
  security::Principal reporter{"hr-team", config::Role::kReporter, {"hr", "support"}};
  CHECK(Authorizer::may_report(reporter, "hr").allowed());
  CHECK(Authorizer::may_report(reporter, "support").allowed());
  REQUIRE(Authorizer::may_report(reporter, "hr").principal.has_value());
  CHECK(Authorizer::may_report(reporter, "hr").principal->name == "hr-team");

  const Decision outside = Authorizer::may_report(reporter, "finance");
  CHECK(outside.status.code() == Outcome::kPermissionDenied);
  CHECK_THAT(outside.message(), Catch::Contains("hr-team") && Catch::Contains("hr, support") && Catch::Contains("'finance'"));
  CHECK(Authorizer::may_report(reporter, "").status.code() == Outcome::kPermissionDenied);
  CHECK(Authorizer::may_report(reporter, "HR").status.code() == Outcome::kPermissionDenied);

  for (const auto role : {config::Role::kReader, config::Role::kAdmin}) {
    // Even with components, only a reporter reports.
    security::Principal other{"someone", role, {"hr"}};
    const Decision decision = Authorizer::may_report(other, "hr");
    CHECK(decision.status.code() == Outcome::kPermissionDenied);
    CHECK_THAT(decision.message(), Catch::Contains("someone"));
  }
  security::Principal empty_scope{"nobody", config::Role::kReporter, {}};
  CHECK(Authorizer::may_report(empty_scope, "hr").status.code() == Outcome::kPermissionDenied);
}

TEST_CASE("every method of the served services declares its access", "[auth][access]") {
  // Linking the generated messages registers their files in the generated pool.
  (void)v1::GetSectionRequest::descriptor();
  (void)v1::ReportValueRequest::descriptor();
  (void)v1::ReloadRequest::descriptor();
  const auto* pool = google::protobuf::DescriptorPool::generated_pool();
  std::set<std::string> methods;
  for (const std::string service_name : {"section.v1.SectionService", "section.v1.ReportService", "section.v1.AdminService"}) {
    const auto* service = pool->FindServiceByName(service_name);
    INFO(service_name);
    REQUIRE(service != nullptr);
    REQUIRE(service->method_count() > 0);
    for (int i = 0; i < service->method_count(); ++i) {
      const std::string full_name = service->method(i)->full_name();
      INFO(full_name);
      CHECK(security::declared_access(full_name) != v1::ACCESS_UNSPECIFIED);
      methods.insert(full_name);
    }
  }
  CHECK(methods.count("section.v1.SectionService.GetTable") == 1);
  CHECK(security::declared_access("section.v1.SectionService.GetTable") == v1::ACCESS_READ);
  CHECK(security::declared_access("section.v1.SectionService.Watch") == v1::ACCESS_READ);
  CHECK(security::declared_access("section.v1.ReportService.ReportValue") == v1::ACCESS_REPORT);
  CHECK(security::declared_access("section.v1.ReportService.ListHistory") == v1::ACCESS_READ);
  CHECK(security::declared_access("section.v1.AdminService.Reload") == v1::ACCESS_ADMIN);

  CHECK(security::declared_access("no.Such.Method") == v1::ACCESS_UNSPECIFIED);
  CHECK(security::declared_access("section.v1.SectionService.NoSuchMethod") == v1::ACCESS_UNSPECIFIED);
  CHECK(security::declared_access("") == v1::ACCESS_UNSPECIFIED);
  // The gRPC path form is not a full name.
  CHECK(security::declared_access("/section.v1.SectionService/GetTable") == v1::ACCESS_UNSPECIFIED);
}

// ---- token_hash -----------------------------------------------------------------------------

TEST_CASE("new tokens are distinct, prefixed sct_ and 47 characters of base64url", "[auth][token]") {
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    const std::string token = security::new_token();
    CHECK(token.size() == 47);
    CHECK(token.rfind("sct_", 0) == 0);
    const std::string body = token.substr(4);
    CHECK(body.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") == std::string::npos);
    seen.insert(token);
  }
  CHECK(seen.size() == 200);
}

TEST_CASE("hash_token and token_matches round trip", "[auth][token]") {
  const std::string token = security::new_token();
  const security::TokenHash hash = security::hash_token(token);
  CHECK(hash.salt_hex.size() == 32);
  CHECK(hash.digest_hex.size() == 64);
  CHECK(hash.salt_hex.find_first_not_of("0123456789abcdef") == std::string::npos);
  CHECK(hash.digest_hex.find_first_not_of("0123456789abcdef") == std::string::npos);
  CHECK(security::token_matches(token, hash.salt_hex, hash.digest_hex));
  CHECK(hash.digest_hex.find(token) == std::string::npos);

  // The same token hashed twice has two salts and two digests, both of which match.
  const security::TokenHash again = security::hash_token(token);
  CHECK(again.salt_hex != hash.salt_hex);
  CHECK(again.digest_hex != hash.digest_hex);
  CHECK(security::token_matches(token, again.salt_hex, again.digest_hex));

  // Any token, not only ours.
  const security::TokenHash plain = security::hash_token("hello");
  CHECK(security::token_matches("hello", plain.salt_hex, plain.digest_hex));
}

TEST_CASE("token_matches is false for a wrong token, a wrong salt or malformed hex", "[auth][token]") {
  const std::string token = security::new_token();
  const security::TokenHash hash = security::hash_token(token);
  CHECK_FALSE(security::token_matches(security::new_token(), hash.salt_hex, hash.digest_hex));
  CHECK_FALSE(security::token_matches(token + "x", hash.salt_hex, hash.digest_hex));
  CHECK_FALSE(security::token_matches(token.substr(0, 46), hash.salt_hex, hash.digest_hex));
  CHECK_FALSE(security::token_matches("", hash.salt_hex, hash.digest_hex));

  const security::TokenHash other = security::hash_token(token);
  CHECK_FALSE(security::token_matches(token, other.salt_hex, hash.digest_hex));
  std::string flipped_salt = hash.salt_hex;
  flipped_salt[0] = flipped_salt[0] == '0' ? '1' : '0';
  CHECK_FALSE(security::token_matches(token, flipped_salt, hash.digest_hex));
  std::string flipped_digest = hash.digest_hex;
  flipped_digest[63] = flipped_digest[63] == '0' ? '1' : '0';
  CHECK_FALSE(security::token_matches(token, hash.salt_hex, flipped_digest));

  auto upper = [](std::string text) {
    for (char& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return text;
  };
  CHECK_FALSE(security::token_matches(token, hash.salt_hex + "0", hash.digest_hex));        // odd length
  CHECK_FALSE(security::token_matches(token, "zz" + hash.salt_hex.substr(2), hash.digest_hex));
  CHECK_FALSE(security::token_matches(token, hash.salt_hex, hash.digest_hex.substr(0, 63)));
  CHECK_FALSE(security::token_matches(token, hash.salt_hex, hash.digest_hex.substr(0, 62)));  // 31 bytes
  CHECK_FALSE(security::token_matches(token, hash.salt_hex, hash.digest_hex + "00"));          // 33 bytes
  CHECK_FALSE(security::token_matches(token, hash.salt_hex, "g" + hash.digest_hex.substr(1)));
  CHECK_FALSE(security::token_matches(token, hash.salt_hex, ""));
  if (upper(hash.digest_hex) != hash.digest_hex) {
    CHECK_FALSE(security::token_matches(token, hash.salt_hex, upper(hash.digest_hex)));
  }
}

TEST_CASE("to_config prints sha256:salt:digest", "[auth][token]") {
  const security::TokenHash hash = security::hash_token(security::new_token());
  CHECK(hash.to_config() == "sha256:" + hash.salt_hex + ":" + hash.digest_hex);
  CHECK(hash.to_config().size() == 7 + 32 + 1 + 64);
  const security::TokenHash fixed{"00112233445566778899aabbccddeeff", std::string(64, 'a')};
  CHECK(fixed.to_config() == "sha256:00112233445566778899aabbccddeeff:" + std::string(64, 'a'));
}
