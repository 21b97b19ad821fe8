// A small HTTP/1.1 client for the tests of the HTTP listener, on Boost.Beast: one request per
// connection, every read and write under a deadline so that a hung host fails the test.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace section::test {

struct HttpReply {
  int status = 0;                              // 0: no answer (connection refused, closed, timed out)
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;
  std::string header(const std::string& name) const {
    const auto found = headers.find(name);
    return found == headers.end() ? "" : found->second;
  }
};

using Headers = std::vector<std::pair<std::string, std::string>>;

// `method` `target` on the listener at `address` ("127.0.0.1:PORT").
HttpReply http_request(const std::string& address, const std::string& target, const Headers& headers = {},
                       const std::string& method = "GET");

// The same over HTTPS: the host's certificate checked against `ca` (a PEM file; empty: the
// system's CAs) and its name against 127.0.0.1 or localhost; `cert` and `key` (PEM files, may be
// empty) are the client's certificate. A failed handshake is status 0, with `error` saying why.
struct TlsClient {
  std::string ca;
  std::string cert;
  std::string key;
};
HttpReply https_request(const std::string& address, const std::string& target, const TlsClient& tls,
                        const Headers& headers = {}, std::string* error = nullptr);

// Connects, sends `bytes` as they are and reads until the host closes the connection or
// `timeout` passes. What came back, and whether the host closed the connection.
struct RawReply {
  std::string bytes;
  bool closed = false;
  std::chrono::milliseconds took{0};
};
RawReply http_raw(const std::string& address, const std::string& bytes, std::chrono::milliseconds timeout);

}  // namespace section::test
