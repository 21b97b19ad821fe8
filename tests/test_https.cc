// The HTTP listener over TLS (http_listen with tls): HTTPS with the host's certificate, key and
// client-certificate policy, on the real section-host, with the test PKI of test_tls: a GET
// trusted through the test CA, tokens as over HTTP, plain HTTP on the TLS port refused without
// harm, a client without a required certificate refused, and handshakes that never finish cut
// off while others are served.
#include <catch2/catch.hpp>

#include <thread>

#include <nlohmann/json.hpp>

#include "http_client.h"
#include "report_client.h"
#include "test_env.h"
#include "test_pki.h"

using namespace section;
using namespace std::chrono_literals;
using Json = nlohmann::json;

namespace {

std::string tls_block(const test::Pki& pki, const std::string& extra = "") {
  return "tls:\n  certificate: " + pki.file("server.pem") + "\n  private_key: " + pki.file("server.key") + "\n" + extra;
}

// A host with HTTPS on a free port; `extra` goes at the top of the configuration.
struct HttpsHost {
  HttpsHost(const test::Pki& pki, const std::string& extra, std::string config = test::default_config_text())
      : host(extra + tls_block(pki) + "http_listen: 127.0.0.1:0\n" + config) {
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

TEST_CASE("a required client certificate: refused without one, served with one", "[http][tls]") {
  const test::Pki pki;
  const std::string mtls = "  client_ca: " + pki.file("ca.pem") + "\n  require_client_certificate: true\n";
  test::Host host(tls_block(pki, mtls) + "http_listen: 127.0.0.1:0\n" + test::default_config_text());
  REQUIRE(host.ok());
  const auto http = host.child().wait_for_line("section-host: http ", 5s);
  REQUIRE(http);
  CHECK(test::https_request(*http, "/v1/tables", {pki.file("ca.pem"), "", ""}).status == 0);
  // A certificate its CA did not sign is refused as well.
  CHECK(test::https_request(*http, "/v1/tables", {pki.file("ca.pem"), pki.file("server.pem"), pki.file("server.key")}).status == 0);
  CHECK(test::https_request(*http, "/v1/tables", {pki.file("ca.pem"), pki.file("client.pem"), pki.file("client.key")}).status == 200);
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
