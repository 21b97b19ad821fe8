// TLS and access on the client and the server: security::read_tls_files and server_credentials on
// certificates made at test time with the openssl command, the real section-host serving TLS
// and mTLS to section-ctl, and section-ctl's token options and `token new`.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <mutex>
#include <sstream>

#include <catch2/catch.hpp>
#include <grpcpp/grpcpp.h>

#include "grpc/health/v1/health.grpc.pb.h"
#include "host/config/host_config.h"
#include "host/security/tls.h"
#include "host/security/token_hash.h"
#include "section/v1/admin_service.grpc.pb.h"
#include "section/v1/section_service.grpc.pb.h"
#include "test_env.h"
#include "test_pki.h"

using namespace section;
namespace fs = std::filesystem;

namespace {

using test::openssl;
using test::Pki;

config::TlsConfig tls_of(const Pki& pki) {
  config::TlsConfig tls;
  tls.certificate = pki.file("server.pem");
  tls.private_key = pki.file("server.key");
  return tls;
}

// The gRPC server's credentials as the host makes them: the files read and checked once, then
// the credentials built from their bytes.
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> credentials_of(const config::TlsConfig& tls) {
  auto files = security::read_tls_files(tls);
  if (!files.ok()) return files.status();
  return security::server_credentials(*files);
}

std::string refusal(const config::TlsConfig& tls) {
  const auto credentials = credentials_of(tls);
  REQUIRE_FALSE(credentials.ok());
  return std::string(credentials.status().message());
}

std::string tls_block(const Pki& pki, const std::string& key, const std::string& extra = "") {
  return "tls:\n  certificate: " + pki.file("server.pem") + "\n  private_key: " + pki.file(key) + "\n" + extra;
}

test::RunResult ctl(const std::string& address, std::vector<std::string> args) {
  std::vector<std::string> argv = {test::ctl_binary().string(), "--host", address, "--timeout", "5"};
  argv.insert(argv.end(), args.begin(), args.end());
  return test::run(argv);
}

// A loopback port that was free a moment ago.
int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  socklen_t size = sizeof address;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size);
  ::close(fd);
  return ntohs(address.sin_port);
}

bool something_listens_on(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  const bool connected = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  ::close(fd);
  return connected;
}

// A stand-in host on a loopback port that answers GetStatus, Watch, Reload and the health
// check, and records the authorization metadata of every call.
class RecordingHost {
 public:
  RecordingHost() {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
    builder.RegisterService(&section_);
    builder.RegisterService(&admin_);
    builder.RegisterService(&health_);
    server_ = builder.BuildAndStart();
  }
  ~RecordingHost() { server_->Shutdown(std::chrono::system_clock::now()); }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  // "<method> <authorization value or '-'>" for each call, in order.
  std::vector<std::string> calls() const { return log_.calls(); }

 private:
  class Log {
   public:
    void record(const std::string& method, const grpc::ServerContext& context) {
      std::string value = "-";
      const auto found = context.client_metadata().find("authorization");
      if (found != context.client_metadata().end()) value.assign(found->second.data(), found->second.size());
      std::lock_guard<std::mutex> lock(mutex_);
      calls_.push_back(method + " " + value);
    }
    std::vector<std::string> calls() const {
      std::lock_guard<std::mutex> lock(mutex_);
      return calls_;
    }

   private:
    mutable std::mutex mutex_;
    std::vector<std::string> calls_;
  };
  class Section final : public v1::SectionService::Service {
   public:
    explicit Section(Log& log) : log_(log) {}
    grpc::Status GetStatus(grpc::ServerContext* context, const v1::GetStatusRequest*, v1::HostStatus*) override {
      log_.record("GetStatus", *context);
      return grpc::Status::OK;
    }
    grpc::Status Watch(grpc::ServerContext* context, const v1::WatchRequest*, grpc::ServerWriter<v1::WatchEvent>* writer) override {
      log_.record("Watch", *context);
      v1::WatchEvent event;
      event.set_version(1);
      writer->Write(event);
      return grpc::Status::OK;
    }

   private:
    Log& log_;
  };
  class Admin final : public v1::AdminService::Service {
   public:
    explicit Admin(Log& log) : log_(log) {}
    grpc::Status Reload(grpc::ServerContext* context, const v1::ReloadRequest*, v1::ReloadResponse*) override {
      log_.record("Reload", *context);
      return grpc::Status::OK;
    }

   private:
    Log& log_;
  };
  class Health final : public grpc::health::v1::Health::Service {
   public:
    explicit Health(Log& log) : log_(log) {}
    grpc::Status Check(grpc::ServerContext* context, const grpc::health::v1::HealthCheckRequest*,
                       grpc::health::v1::HealthCheckResponse* response) override {
      log_.record("Check", *context);
      response->set_status(grpc::health::v1::HealthCheckResponse::SERVING);
      return grpc::Status::OK;
    }

   private:
    Log& log_;
  };

  Log log_;
  Section section_{log_};
  Admin admin_{log_};
  Health health_{log_};
  int port_ = 0;
  std::unique_ptr<grpc::Server> server_;
};

// The value of the line of `text` that starts with `prefix`; fails the test when there is none.
std::string line_value(const std::string& text, const std::string& prefix) {
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    const auto at = line.find(prefix);
    if (at != std::string::npos && line.find_first_not_of(' ') == at) return line.substr(at + prefix.size());
  }
  FAIL("no line '" << prefix << "' in:\n" << text);
  return "";
}

}  // namespace

// ---- server_credentials ---------------------------------------------------------------------

TEST_CASE("server_credentials accepts a certificate and its key, with and without client CAs", "[tls]") {
  const Pki pki;
  config::TlsConfig tls = tls_of(pki);
  auto plain = credentials_of(tls);
  INFO(std::string(plain.status().message()));
  REQUIRE(plain.ok());
  CHECK(*plain != nullptr);

  tls.client_ca = pki.file("ca.pem");
  CHECK(credentials_of(tls).ok());
  tls.require_client_certificate = true;
  CHECK(credentials_of(tls).ok());
}

TEST_CASE("server_credentials refuses a key that does not match the certificate", "[tls]") {
  const Pki pki;
  config::TlsConfig tls = tls_of(pki);
  tls.private_key = pki.file("other.key");
  CHECK(refusal(tls) == "private key " + pki.file("other.key") + " does not match certificate " + pki.file("server.pem"));
  // The client's key is a valid key too, of another certificate.
  tls.private_key = pki.file("client.key");
  CHECK_THAT(refusal(tls), Catch::Contains("does not match certificate"));
}

TEST_CASE("server_credentials refuses files that are not PEM, naming them", "[tls]") {
  const Pki pki;
  const fs::path junk = pki.dir().write("junk.pem", "this is not a certificate\n");
  const fs::path broken = pki.dir().write(
      "broken.pem", "-----BEGIN CERTIFICATE-----\nnot base64 at all!\n-----END CERTIFICATE-----\n");

  config::TlsConfig tls = tls_of(pki);
  tls.certificate = junk;
  CHECK_THAT(refusal(tls), Catch::StartsWith("certificate " + junk.string() + " holds no PEM certificate"));
  tls.certificate = broken;
  CHECK_THAT(refusal(tls), Catch::StartsWith("certificate " + broken.string() + " holds no PEM certificate"));
  // A key where the certificate should be.
  tls.certificate = pki.file("server.key");
  CHECK_THAT(refusal(tls), Catch::StartsWith("certificate " + pki.file("server.key") + " holds no PEM certificate"));

  tls = tls_of(pki);
  tls.private_key = junk;
  CHECK_THAT(refusal(tls), Catch::StartsWith("private key " + junk.string() + " is not a PEM private key"));
  // A certificate where the key should be.
  tls.private_key = pki.file("server.pem");
  CHECK_THAT(refusal(tls), Catch::StartsWith("private key " + pki.file("server.pem") + " is not a PEM private key"));

  tls = tls_of(pki);
  tls.client_ca = junk;
  CHECK_THAT(refusal(tls), Catch::StartsWith("client_ca " + junk.string() + " holds no PEM certificate"));
}

TEST_CASE("server_credentials names a file that cannot be read, and the reason", "[tls]") {
  const Pki pki;
  config::TlsConfig tls = tls_of(pki);
  // Tests run as root, for whom permissions do not stop a read: a file deleted since the
  // configuration was loaded, and a directory.
  const fs::path gone = pki.dir().path() / "gone.pem";
  tls.certificate = gone;
  CHECK(refusal(tls) == "cannot read certificate " + gone.string() + ": No such file or directory");
  tls = tls_of(pki);
  tls.private_key = pki.dir().path();
  CHECK(refusal(tls) == "cannot read private key " + pki.dir().path().string() + ": Is a directory");
  tls = tls_of(pki);
  tls.client_ca = gone;
  CHECK(refusal(tls) == "cannot read client_ca " + gone.string() + ": No such file or directory");
}

TEST_CASE("server_credentials refuses an expired certificate with its date", "[tls]") {
  const Pki pki;
  config::TlsConfig tls = tls_of(pki);
  tls.certificate = pki.file("expired.pem");
  CHECK_THAT(refusal(tls), Catch::Matches("certificate " + pki.file("expired.pem") +
                                          " expired on [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8} UTC"));
}

// ---- the real host with TLS ---------------------------------------------------------------

TEST_CASE("section-host serves TLS: section-ctl --ca works, plaintext and untrusted clients fail", "[tls][host]") {
  const Pki pki;
  test::Host host(test::default_config_text() + tls_block(pki, "server.key"));
  INFO(host.child().err());
  REQUIRE(host.ok());

  const auto status = ctl(host.address(), {"--ca", pki.file("ca.pem"), "status"});
  INFO(status.err);
  CHECK(status.status == 0);
  CHECK_THAT(status.out, Catch::Contains("support   serving"));
  // The certificate is for localhost and 127.0.0.1: another name is refused, unless it is the
  // one the certificate was issued to.
  CHECK(ctl(host.address(), {"--ca", pki.file("ca.pem"), "--server-name", "localhost", "wait"}).status == 0);
  CHECK(ctl(host.address(), {"--ca", pki.file("ca.pem"), "--server-name", "elsewhere.example", "status"}).status == 1);

  const auto plaintext = ctl(host.address(), {"status"});
  CHECK(plaintext.status == 1);
  CHECK_THAT(plaintext.err, Catch::Contains("UNAVAILABLE") && Catch::Contains("does it speak TLS"));
  // The system's CAs do not know the test CA.
  CHECK(ctl(host.address(), {"--tls", "status"}).status == 1);
  // No client certificate is asked for, and one that is offered does no harm.
  CHECK(ctl(host.address(), {"--ca", pki.file("ca.pem"), "--cert", pki.file("client.pem"), "--key", pki.file("client.key"),
                             "status"}).status == 0);
  CHECK(host.stop() == 0);
}

TEST_CASE("section-host with require_client_certificate serves only clients with a certificate from client_ca", "[tls][host]") {
  const Pki pki;
  test::Host host(test::default_config_text() +
                  tls_block(pki, "server.key", "  client_ca: " + pki.file("ca.pem") + "\n  require_client_certificate: true\n"));
  INFO(host.child().err());
  REQUIRE(host.ok());

  const std::vector<std::string> ca = {"--ca", pki.file("ca.pem")};
  auto with = [&](std::vector<std::string> args) {
    args.insert(args.begin(), ca.begin(), ca.end());
    args.push_back("status");
    return ctl(host.address(), args);
  };
  const auto without = with({});
  CHECK(without.status == 1);
  const auto mutual = with({"--cert", pki.file("client.pem"), "--key", pki.file("client.key")});
  INFO(mutual.err);
  CHECK(mutual.status == 0);
  CHECK_THAT(mutual.out, Catch::Contains("support   serving"));
  // A certificate that client_ca did not sign: the server's own, self-consistent but not a client's.
  const fs::path self_signed = pki.file("self.pem");
  openssl({"req", "-x509", "-key", pki.file("other.key"), "-out", self_signed.string(), "-days", "2", "-subj", "/CN=stranger"});
  CHECK(with({"--cert", self_signed.string(), "--key", pki.file("other.key")}).status == 1);
  CHECK(host.stop() == 0);
}

TEST_CASE("section-host with client_ca but no requirement serves clients with or without a certificate", "[tls][host]") {
  const Pki pki;
  test::Host host(test::default_config_text() + tls_block(pki, "server.key", "  client_ca: " + pki.file("ca.pem") + "\n"));
  INFO(host.child().err());
  REQUIRE(host.ok());
  CHECK(ctl(host.address(), {"--ca", pki.file("ca.pem"), "status"}).status == 0);
  CHECK(ctl(host.address(), {"--ca", pki.file("ca.pem"), "--cert", pki.file("client.pem"), "--key", pki.file("client.key"),
                             "status"}).status == 0);
  CHECK(host.stop() == 0);
}

TEST_CASE("section-host with a key that does not match its certificate exits 2 before serving", "[tls][host]") {
  const Pki pki;
  const int port = free_port();
  const std::string config_text =
      test::replace(test::default_config_text(), "listen: 127.0.0.1:0", "listen: 127.0.0.1:" + std::to_string(port)) +
      tls_block(pki, "other.key");
  test::TempDir dir;
  const fs::path config = dir.write("host.yaml", config_text);

  test::Child host({test::host_binary().string(), "--config", config.string()});
  const auto status = host.wait(std::chrono::seconds(20));
  REQUIRE(status.has_value());
  CHECK(*status == 2);
  CHECK_THAT(host.err(), Catch::Contains(config.string() + ": tls: private key " + pki.file("other.key") +
                                         " does not match certificate " + pki.file("server.pem")));
  CHECK(host.out().find("serving") == std::string::npos);
  CHECK_FALSE(something_listens_on(port));

  const auto checked = test::run({test::host_binary().string(), "--check", "--config", config.string()});
  CHECK(checked.status == 2);
  CHECK_THAT(checked.out, Catch::Contains("check failed: ") && Catch::Contains("does not match certificate"));
}

// ---- section-ctl: tokens -------------------------------------------------------------------

TEST_CASE("section-ctl sends its token as authorization metadata on every kind of call", "[tls][cli]") {
  RecordingHost recorder;
  test::TempDir dir;
  const std::string token = security::new_token();
  const fs::path file = dir.write("token", token + "\n# the line after the token is not read\n");

  CHECK(ctl(recorder.address(), {"--token-file", file.string(), "status"}).status == 0);
  CHECK(ctl(recorder.address(), {"--token", "sct_given", "watch", "--count", "1"}).status == 0);
  CHECK(ctl(recorder.address(), {"--token-file", file.string(), "wait"}).status == 0);
  CHECK(ctl(recorder.address(), {"--token-file", file.string(), "reload"}).status == 0);
  CHECK(ctl(recorder.address(), {"status"}).status == 0);
  ::setenv("SECTION_TOKEN", "sct_from_env", 1);
  const auto from_env = ctl(recorder.address(), {"status"});
  const auto given_wins = ctl(recorder.address(), {"--token", "sct_given", "status"});
  ::unsetenv("SECTION_TOKEN");
  CHECK(from_env.status == 0);
  CHECK(given_wins.status == 0);

  const std::vector<std::string> expected = {
      "GetStatus Bearer " + token, "Watch Bearer sct_given",    "Check Bearer " + token,   "Reload Bearer " + token,
      "GetStatus -",               "GetStatus Bearer sct_from_env", "GetStatus Bearer sct_given"};
  CHECK(recorder.calls() == expected);
}

TEST_CASE("section-ctl exits 2 naming a file it cannot read, or options that do not go together", "[tls][cli]") {
  test::TempDir dir;
  const std::string missing = (dir.path() / "missing").string();
  const std::string address = "127.0.0.1:1";  // never contacted

  const auto no_file = ctl(address, {"--token-file", missing, "status"});
  CHECK(no_file.status == 2);
  CHECK_THAT(no_file.err, Catch::Contains("cannot read --token-file " + missing + ": No such file or directory"));
  const auto directory = ctl(address, {"--token-file", dir.path().string(), "status"});
  CHECK(directory.status == 2);
  CHECK_THAT(directory.err, Catch::Contains(dir.path().string() + ": Is a directory"));
  const fs::path empty = dir.write("empty", "\n");
  const auto blank = ctl(address, {"--token-file", empty.string(), "status"});
  CHECK(blank.status == 2);
  CHECK_THAT(blank.err, Catch::Contains("holds no token"));

  const auto no_ca = ctl(address, {"--ca", missing, "status"});
  CHECK(no_ca.status == 2);
  CHECK_THAT(no_ca.err, Catch::Contains("cannot read --ca " + missing + ": No such file or directory"));
  const fs::path some = dir.write("some.pem", "x");
  CHECK(ctl(address, {"--cert", some.string(), "--key", missing, "status"}).status == 2);
  CHECK(ctl(address, {"--cert", some.string(), "status"}).status == 2);
  CHECK(ctl(address, {"--server-name", "localhost", "status"}).status == 2);
  CHECK(ctl(address, {"--token", "a", "--token-file", some.string(), "status"}).status == 2);
  CHECK(ctl(address, {"--token", "two words", "status"}).status == 2);

  const auto help = test::run({test::ctl_binary().string(), "--help"});
  CHECK_THAT(help.out, Catch::Contains("--token-file FILE") && Catch::Contains("SECTION_TOKEN") &&
                           Catch::Contains("--server-name NAME") && Catch::Contains("token new"));
}

TEST_CASE("section-ctl token new prints a token once and an entry whose hash the host accepts", "[tls][cli]") {
  const auto made = test::run({test::ctl_binary().string(), "token", "new", "--name", "ci-finance", "--role", "reporter",
                               "--components", "finance,hr"});
  INFO(made.err);
  REQUIRE(made.status == 0);
  const std::string token = line_value(made.out, "token: ");
  CHECK_THAT(token, Catch::Matches("sct_[A-Za-z0-9_-]{43}"));
  CHECK(made.out.find(token) == made.out.rfind(token));  // shown once
  CHECK(line_value(made.out, "- name: ") == "ci-finance");
  CHECK(line_value(made.out, "role: ") == "reporter");
  CHECK(line_value(made.out, "components: ") == "[finance, hr]");
  const std::string hash = line_value(made.out, "hash: ");
  REQUIRE_THAT(hash, Catch::Matches("sha256:[0-9a-f]{32}:[0-9a-f]{64}"));
  CHECK(security::token_matches(token, hash.substr(7, 32), hash.substr(40)));
  CHECK_FALSE(security::token_matches(token + "x", hash.substr(7, 32), hash.substr(40)));

  // The entry, pasted as printed under auth: tokens:, loads.
  const std::string entry = made.out.substr(made.out.find("    - name: "));
  test::TempDir dir;
  const fs::path file = dir.write("host.yaml", test::default_config_text() + "auth:\n  tokens:\n" + entry);
  const auto config = config::load_host_config(file, test::plugin_dir());
  INFO(std::string(config.status().message()));
  REQUIRE(config.ok());
  REQUIRE(config->auth.tokens.size() == 1);
  const config::TokenConfig& loaded = config->auth.tokens[0];
  CHECK(loaded.name == "ci-finance");
  CHECK(loaded.role == config::Role::kReporter);
  CHECK(loaded.components == std::vector<std::string>{"finance", "hr"});
  CHECK(security::token_matches(token, loaded.salt_hex, loaded.digest_hex));

  // Two tokens are never the same.
  const auto again = test::run({test::ctl_binary().string(), "token", "new", "--name", "ops", "--role", "admin"});
  CHECK(again.status == 0);
  CHECK(line_value(again.out, "token: ") != token);
  CHECK(again.out.find("components:") == std::string::npos);
}

TEST_CASE("section-ctl token new checks the name, role and components as the host does", "[tls][cli]") {
  auto token_new = [](std::vector<std::string> args) {
    args.insert(args.begin(), {test::ctl_binary().string(), "token", "new"});
    return test::run(args);
  };
  const auto reporter = token_new({"--name", "ci", "--role", "reporter"});
  CHECK(reporter.status == 2);
  CHECK_THAT(reporter.err, Catch::Contains("a reporter needs --components"));
  const auto reader = token_new({"--name", "ci", "--role", "reader", "--components", "finance"});
  CHECK(reader.status == 2);
  CHECK_THAT(reader.err, Catch::Contains("only a reporter has components"));
  CHECK_THAT(token_new({"--name", "CI", "--role", "reader"}).err, Catch::Contains("'CI' is not a valid token name"));
  CHECK_THAT(token_new({"--name", "ci", "--role", "root"}).err, Catch::Contains("unknown role 'root'"));
  CHECK_THAT(token_new({"--name", "ci", "--role", "reporter", "--components", "finance,,hr"}).err,
             Catch::Contains("'' is not a valid component id"));
  CHECK(token_new({"--role", "reader"}).status == 2);
  CHECK(token_new({"--name", "ci"}).status == 2);
  CHECK(test::run({test::ctl_binary().string(), "token", "--name", "ci", "--role", "reader"}).status == 2);
  CHECK(test::run({test::ctl_binary().string(), "--name", "ci", "status"}).status == 2);
  // Nothing is printed to standard output on a refusal: no token that is not recorded anywhere.
  CHECK(reporter.out.empty());
}
