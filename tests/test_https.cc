// The HTTP listener over TLS (http_listen with tls): HTTPS with the host's certificate, key and
// client-certificate policy, on the real section-host, with the test PKI of test_tls: a GET
// trusted through the test CA, tokens as over HTTP, plain HTTP on the TLS port refused without
// harm, client certificates required or optional (none, one no CA here signed, one for another
// purpose, the right one), TLS 1.2 sessions resumed, the CA names sent to clients, a certificate
// OpenSSL refuses stopping start-up, clients that leave without close_notify, and handshakes and
// requests that never finish cut off while others are served.
#include <catch2/catch.hpp>

#include <optional>
#include <thread>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <nlohmann/json.hpp>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "http_client.h"
#include "report_client.h"
#include "test_env.h"
#include "test_pki.h"

using namespace section;
using namespace std::chrono_literals;
using Json = nlohmann::json;

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

struct SessionFree {
  void operator()(SSL_SESSION* session) const { SSL_SESSION_free(session); }
};
using TlsSession = std::unique_ptr<SSL_SESSION, SessionFree>;

// One HTTPS connection, step by step, showing what the shared client (http_client.h) does not:
// each step's error, TLS 1.2 only, a session resumed, the CA names the server asks client
// certificates of, and a connection dropped without close_notify.
class TlsConnection {
 public:
  explicit TlsConnection(const test::TlsClient& tls, bool tls12 = false) : context_(asio::ssl::context::tls_client) {
    beast::error_code ec;
    if (tls12) SSL_CTX_set_max_proto_version(context_.native_handle(), TLS1_2_VERSION);
    context_.load_verify_file(tls.ca, ec);
    if (!tls.cert.empty()) context_.use_certificate_chain_file(tls.cert, ec);
    if (!tls.key.empty()) context_.use_private_key_file(tls.key, asio::ssl::context::pem, ec);
    REQUIRE_FALSE(ec);
    context_.set_verify_mode(asio::ssl::verify_peer);
    stream_.emplace(io_, context_);
  }

  bool connect(const std::string& address) {
    const auto colon = address.rfind(':');
    asio::ip::tcp::resolver resolver(io_);
    beast::error_code ec;
    const auto endpoints = resolver.resolve(address.substr(0, colon), address.substr(colon + 1), ec);
    if (!ec) beast::get_lowest_layer(*stream_).connect(endpoints, ec);
    return !ec;
  }
  // The handshake, resuming `session` when set; its error, "" when done.
  std::string handshake(SSL_SESSION* session = nullptr) {
    if (session != nullptr) SSL_set_session(stream_->native_handle(), session);
    beast::error_code ec;
    stream_->handshake(asio::ssl::stream_base::client, ec);
    return ec ? ec.message() : "";
  }
  std::string open(const std::string& address, SSL_SESSION* session = nullptr) {
    return connect(address) ? handshake(session) : "cannot connect to " + address;
  }
  bool write(const std::string& bytes) {
    beast::error_code ec;
    asio::write(*stream_, asio::buffer(bytes), ec);
    return !ec;
  }
  // A GET's status, 0 when the exchange failed (`error` says why).
  int get(const std::string& target, bool keep_alive, std::string* error = nullptr) {
    return write("GET " + target + " HTTP/1.1\r\nHost: localhost\r\nConnection: " + (keep_alive ? "keep-alive" : "close") +
                 "\r\n\r\n")
               ? read_status(error)
               : 0;
  }
  int read_status(std::string* error = nullptr) {
    bhttp::response_parser<bhttp::string_body> parser;
    beast::error_code ec;
    bhttp::read(*stream_, buffer_, parser, ec);
    if (error != nullptr) *error = ec ? ec.message() : "";
    return ec ? 0 : static_cast<int>(parser.get().result_int());
  }
  bool resumed() { return SSL_session_reused(stream_->native_handle()) == 1; }
  TlsSession session() { return TlsSession(SSL_get1_session(stream_->native_handle())); }
  // The CA names of the server's CertificateRequest, as OpenSSL's one-line names.
  std::vector<std::string> ca_names() {
    std::vector<std::string> names;
    const STACK_OF(X509_NAME)* list = SSL_get_client_CA_list(stream_->native_handle());
    for (int i = 0; list != nullptr && i < sk_X509_NAME_num(list); ++i) {
      char name[256];
      names.emplace_back(X509_NAME_oneline(sk_X509_NAME_value(list, i), name, sizeof name));
    }
    return names;
  }
  void shutdown() {
    beast::error_code ignored;
    stream_->shutdown(ignored);
  }
  // Closes the TCP connection under TLS, as a client that crashes or cuts corners does.
  void drop() { beast::get_lowest_layer(*stream_).close(); }

 private:
  asio::io_context io_;
  asio::ssl::context context_;
  std::optional<beast::ssl_stream<beast::tcp_stream>> stream_;
  beast::flat_buffer buffer_;
};

// A GET over a connection of its own; its status, or 0 and the error of the step that failed.
int tls_get(const std::string& address, const test::TlsClient& tls, std::string* error) {
  TlsConnection connection(tls);
  *error = connection.open(address);
  if (!error->empty()) return 0;
  const int status = connection.get("/v1/tables", false, error);
  connection.shutdown();
  return status;
}

// A client certificate that no CA signed: other.key's, self-signed, for client authentication.
std::string self_signed_client(const test::Pki& pki) {
  test::openssl({"req", "-x509", "-new", "-key", pki.file("other.key"), "-out", pki.file("self-signed.pem"), "-days", "2", "-subj",
                 "/CN=section-test-client", "-addext", "extendedKeyUsage=clientAuth"});
  return pki.file("self-signed.pem");
}

std::string tls_block(const test::Pki& pki, const std::string& extra = "") {
  return "tls:\n  certificate: " + pki.file("server.pem") + "\n  private_key: " + pki.file("server.key") + "\n" + extra;
}

// A host with HTTPS on a free port; `extra` goes at the top of the configuration.
struct HttpsHost {
  HttpsHost(const test::Pki& pki, const std::string& extra, std::string config = test::default_config_text(),
            std::vector<std::string> args = {})
      : host(extra + tls_block(pki) + "http_listen: 127.0.0.1:0\n" + config, std::move(args)) {
    if (auto line = host.child().wait_for_line("section-host: http ", 5s)) http = *line;
  }
  test::Host host;
  std::string http;
};

}  // namespace

TEST_CASE("HTTPS serves the tables with the host's certificate, and takes the same tokens", "[http][tls]") {
  const test::Pki pki;
  test::TempDir data;
  const test::TestTokens tokens = test::make_tokens();
  HttpsHost front(pki, "", test::reports_config(data.path(), tokens, true));
  REQUIRE(front.host.ok());
  REQUIRE_FALSE(front.http.empty());
  const test::TlsClient trusting{pki.file("ca.pem"), "", ""};
  const auto table = test::https_request(front.http, "/v1/tables/evolution", trusting, {{"Authorization", "Bearer " + tokens.reader}});
  REQUIRE(table.status == 200);
  CHECK(Json::parse(table.body)["id"] == "evolution");
  CHECK(test::https_request(front.http, "/v1/tables/evolution", trusting).status == 401);
  CHECK(test::https_request(front.http, "/metrics", trusting, {{"Authorization", "Bearer " + tokens.admin}}).status == 200);
  CHECK(test::https_request(front.http, "/readyz", trusting).status == 200);
  // A client that does not trust the test CA refuses the host's certificate.
  std::string error;
  CHECK(test::https_request(front.http, "/readyz", test::TlsClient{}, {}, &error).status == 0);
  CHECK(error.find("certificate verify failed") != std::string::npos);
}

TEST_CASE("plain HTTP on the HTTPS port is answered 400 and closed, and HTTPS is served on", "[http][tls]") {
  const test::Pki pki;
  HttpsHost front(pki, "");
  REQUIRE(front.host.ok());
  const auto plain = test::http_request(front.http, "/v1/tables");
  CHECK(plain.status == 400);
  CHECK(plain.body.find("speaks HTTPS only") != std::string::npos);
  const auto garbage = test::http_raw(front.http, std::string("\x01\x02\x03 not http\r\n\r\n"), 5s);
  CHECK(garbage.closed);
  CHECK(test::https_request(front.http, "/v1/tables", {pki.file("ca.pem"), "", ""}).status == 200);
}

TEST_CASE("a required client certificate: refused without one, with a wrong one, served with one", "[http][tls]") {
  const test::Pki pki;
  const std::string mtls = "  client_ca: " + pki.file("ca.pem") + "\n  require_client_certificate: true\n";
  test::Host host(tls_block(pki, mtls) + "http_listen: 127.0.0.1:0\n" + test::default_config_text());
  REQUIRE(host.ok());
  const auto http = host.child().wait_for_line("section-host: http ", 5s);
  REQUIRE(http);
  std::string error;
  CHECK(tls_get(*http, {pki.file("ca.pem"), "", ""}, &error) == 0);
  CHECK_THAT(error, Catch::Contains("certificate required"));
  // One that no CA signed (self-signed), and one the test CA signed for servers only.
  CHECK(tls_get(*http, {pki.file("ca.pem"), self_signed_client(pki), pki.file("other.key")}, &error) == 0);
  CHECK_THAT(error, Catch::Contains("unknown ca"));
  CHECK(tls_get(*http, {pki.file("ca.pem"), pki.file("server.pem"), pki.file("server.key")}, &error) == 0);
  CHECK_THAT(error, Catch::Contains("unsupported certificate"));
  CHECK(tls_get(*http, {pki.file("ca.pem"), pki.file("client.pem"), pki.file("client.key")}, &error) == 200);
  CHECK(error.empty());
}

TEST_CASE("an optional client certificate: served without one and with the right one, refused with a wrong one", "[http][tls]") {
  const test::Pki pki;
  test::Host host(tls_block(pki, "  client_ca: " + pki.file("ca.pem") + "\n") + "http_listen: 127.0.0.1:0\n" +
                  test::default_config_text());
  REQUIRE(host.ok());
  const auto http = host.child().wait_for_line("section-host: http ", 5s);
  REQUIRE(http);
  std::string error;
  CHECK(tls_get(*http, {pki.file("ca.pem"), "", ""}, &error) == 200);
  CHECK(tls_get(*http, {pki.file("ca.pem"), pki.file("client.pem"), pki.file("client.key")}, &error) == 200);
  CHECK(tls_get(*http, {pki.file("ca.pem"), self_signed_client(pki), pki.file("other.key")}, &error) == 0);
  CHECK_THAT(error, Catch::Contains("unknown ca"));
}

TEST_CASE("with client_ca, the server names its CA to clients and TLS 1.2 sessions resume", "[http][tls]") {
  const test::Pki pki;
  const std::string mtls = "  client_ca: " + pki.file("ca.pem") + "\n  require_client_certificate: true\n";
  test::Host host(tls_block(pki, mtls) + "http_listen: 127.0.0.1:0\n" + test::default_config_text());
  REQUIRE(host.ok());
  const auto http = host.child().wait_for_line("section-host: http ", 5s);
  REQUIRE(http);
  const test::TlsClient client{pki.file("ca.pem"), pki.file("client.pem"), pki.file("client.key")};
  TlsSession session;
  {
    TlsConnection first(client, true);
    REQUIRE(first.open(*http) == "");
    CHECK(first.ca_names() == std::vector<std::string>{"/CN=section-test-ca"});
    CHECK(first.get("/v1/tables", false) == 200);
    first.shutdown();
    session = first.session();
  }
  REQUIRE(session);
  for (int i = 0; i < 2; ++i) {
    TlsConnection again(client, true);
    CHECK(again.open(*http, session.get()) == "");
    CHECK(again.resumed());
    CHECK(again.get("/v1/tables", false) == 200);
    again.shutdown();
  }
}

TEST_CASE("a certificate OpenSSL refuses for HTTPS stops start-up with exit 2, and --check says so", "[http][tls]") {
  const test::Pki pki;
  // A 1,024-bit RSA key: PEM that matches its certificate, which Debian's OpenSSL refuses to
  // serve with (its default security level asks for 2,048 bits).
  test::openssl({"req", "-x509", "-newkey", "rsa:1024", "-nodes", "-keyout", pki.file("weak.key"), "-out", pki.file("weak.pem"),
                 "-days", "2", "-subj", "/CN=localhost"});
  test::TempDir dir;
  const auto config = dir.write("host.yaml", "tls:\n  certificate: " + pki.file("weak.pem") + "\n  private_key: " +
                                                 pki.file("weak.key") + "\nhttp_listen: 127.0.0.1:0\n" +
                                                 test::default_config_text());
  test::Child host({test::host_binary().string(), "--config", config.string()});
  const auto status = host.wait(20s);
  REQUIRE(status);
  CHECK(*status == 2);
  CHECK_THAT(host.err(), Catch::Contains(config.string() + ": tls: the HTTP listener (OpenSSL) cannot use certificate " +
                                         pki.file("weak.pem") + " with private key " + pki.file("weak.key") + ": ee key too small"));
  CHECK(host.out().find("serving") == std::string::npos);
  const auto checked = test::run({test::host_binary().string(), "--check", "--config", config.string()});
  CHECK(checked.status == 2);
  CHECK_THAT(checked.out, Catch::Contains("check failed: ") && Catch::Contains(pki.file("weak.pem")));
}

TEST_CASE("a TLS client that leaves without close_notify is let go without an answer", "[http][tls]") {
  const test::Pki pki;
  HttpsHost front(pki, "", test::default_config_text(), {"--log-level", "debug"});
  REQUIRE(front.host.ok());
  const test::TlsClient trusting{pki.file("ca.pem"), "", ""};
  for (int i = 0; i < 3; ++i) {
    TlsConnection connection(trusting);
    REQUIRE(connection.open(front.http) == "");
    CHECK(connection.get("/healthz", true) == 200);
    connection.drop();
  }
  // One that leaves in the middle of a request, too.
  TlsConnection halfway(trusting);
  REQUIRE(halfway.open(front.http) == "");
  CHECK(halfway.write("GET /healthz HTTP/1.1\r\nHost: local"));
  halfway.drop();
  CHECK(test::https_request(front.http, "/healthz", trusting).status == 200);
  std::this_thread::sleep_for(200ms);
  // Debug level logs every refusal: none was written to those connections.
  const std::string log = front.host.child().err();
  INFO(log.substr(std::min(log.find("http: 400"), log.size())));
  CHECK(log.find("http: 400") == std::string::npos);
}

TEST_CASE("the request timeout covers the TLS handshake and the request together", "[http][tls][slow]") {
  const test::Pki pki;
  HttpsHost front(pki, "limits:\n  http_request_timeout_ms: 1000\n");
  REQUIRE(front.host.ok());
  // Each step within the timeout, the whole over it: connect, 600 ms, the handshake and half a
  // request, 600 ms, the rest.
  TlsConnection slow({pki.file("ca.pem"), "", ""});
  REQUIRE(slow.connect(front.http));
  std::this_thread::sleep_for(600ms);
  REQUIRE(slow.handshake() == "");
  CHECK(slow.write("GET /healthz HTTP/1.1\r\n"));
  std::this_thread::sleep_for(600ms);
  slow.write("Host: localhost\r\nConnection: close\r\n\r\n");
  std::string error;
  CHECK(slow.read_status(&error) == 0);
  CHECK_FALSE(error.empty());
  // A client on time is served on a listener that kept serving.
  CHECK(test::https_request(front.http, "/healthz", {pki.file("ca.pem"), "", ""}).status == 200);
}

TEST_CASE("TLS handshakes that never finish are cut off at the request timeout while others are served", "[http][tls][slow]") {
  const test::Pki pki;
  HttpsHost front(pki, "limits:\n  http_request_timeout_ms: 500\n");
  REQUIRE(front.host.ok());
  // The start of a ClientHello record, then nothing; and a connection that sends nothing at all.
  const std::vector<std::string> stalls = {std::string("\x16\x03\x01\x02\x00\x01", 6), std::string("\x16\x03\x01\x02\x00\x01", 6),
                                           "", ""};
  std::vector<test::RawReply> replies(stalls.size());
  std::vector<std::thread> slow;
  for (std::size_t i = 0; i < stalls.size(); ++i) {
    slow.emplace_back([&, i] { replies[i] = test::http_raw(front.http, stalls[i], 5s); });
  }
  std::this_thread::sleep_for(100ms);
  const auto begun = std::chrono::steady_clock::now();
  CHECK(test::https_request(front.http, "/healthz", {pki.file("ca.pem"), "", ""}).status == 200);
  CHECK(std::chrono::steady_clock::now() - begun < 400ms);
  for (auto& thread : slow) thread.join();
  for (const auto& reply : replies) {
    CHECK(reply.closed);
    CHECK(reply.took < 3s);
  }
  CHECK(test::https_request(front.http, "/healthz", {pki.file("ca.pem"), "", ""}).status == 200);
}
