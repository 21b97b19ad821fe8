#include "http_client.h"

#include <algorithm>
#include <cctype>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

namespace section::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

namespace {

bool connect(asio::io_context& context, beast::tcp_stream& stream, const std::string& address) {
  const auto colon = address.rfind(':');
  tcp::resolver resolver(context);
  beast::error_code ec;
  const auto endpoints = resolver.resolve(address.substr(0, colon), address.substr(colon + 1), ec);
  if (ec) return false;
  stream.expires_after(std::chrono::seconds(10));
  stream.connect(endpoints, ec);
  return !ec;
}

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

// One request on a connected stream, plain or TLS.
template <typename Stream>
HttpReply exchange(Stream& stream, const std::string& address, const std::string& target, const Headers& headers,
                   const std::string& method) {
  HttpReply reply;
  bhttp::request<bhttp::empty_body> request;
  request.method_string(method);
  request.target(target);
  request.version(11);
  request.set(bhttp::field::host, address);
  request.keep_alive(false);
  for (const auto& [name, value] : headers) request.insert(name, value);
  beast::error_code ec;
  bhttp::write(stream, request, ec);
  if (ec) return reply;
  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(64 << 20);
  parser.skip(method == "HEAD");
  bhttp::read(stream, buffer, parser, ec);
  if (ec) return reply;
  const auto& response = parser.get();
  reply.status = static_cast<int>(response.result_int());
  for (const auto& field : response) reply.headers[lower(std::string(field.name_string()))] = std::string(field.value());
  reply.body = response.body();
  return reply;
}

}  // namespace

HttpReply http_request(const std::string& address, const std::string& target, const Headers& headers, const std::string& method) {
  asio::io_context context;
  beast::tcp_stream stream(context);
  if (!connect(context, stream, address)) return {};
  return exchange(stream, address, target, headers, method);
}

HttpReply https_request(const std::string& address, const std::string& target, const TlsClient& tls, const Headers& headers,
                        std::string* error) {
  asio::io_context context;
  asio::ssl::context ssl_context(asio::ssl::context::tls_client);
  beast::error_code ec;
  if (tls.ca.empty()) {
    ssl_context.set_default_verify_paths(ec);
  } else {
    ssl_context.load_verify_file(tls.ca, ec);
  }
  if (!ec && !tls.cert.empty()) ssl_context.use_certificate_chain_file(tls.cert, ec);
  if (!ec && !tls.key.empty()) ssl_context.use_private_key_file(tls.key, asio::ssl::context::pem, ec);
  ssl_context.set_verify_mode(asio::ssl::verify_peer);
  beast::ssl_stream<beast::tcp_stream> stream(context, ssl_context);
  const std::string host = address.substr(0, address.rfind(':'));
  stream.set_verify_callback(asio::ssl::host_name_verification(host));
  if (!ec && !connect(context, beast::get_lowest_layer(stream), address)) ec = asio::error::connection_refused;
  if (!ec) stream.handshake(asio::ssl::stream_base::client, ec);
  HttpReply reply;
  if (!ec) reply = exchange(stream, address, target, headers, "GET");
  // TLS 1.3 sends the server's refusal of a client certificate after the handshake: the
  // exchange then fails instead.
  if (error != nullptr) *error = ec ? ec.message() : "";
  return reply;
}

RawReply http_raw(const std::string& address, const std::string& bytes, std::chrono::milliseconds timeout) {
  asio::io_context context;
  beast::tcp_stream stream(context);
  RawReply reply;
  if (!connect(context, stream, address)) return reply;
  const auto begun = std::chrono::steady_clock::now();
  beast::error_code ec;
  asio::write(stream.socket(), asio::buffer(bytes), ec);
  stream.expires_after(timeout);
  char chunk[4096];
  for (;;) {
    const std::size_t read = stream.read_some(asio::buffer(chunk), ec);
    reply.bytes.append(chunk, read);
    if (ec) {
      reply.closed = ec != beast::error::timeout;
      break;
    }
  }
  reply.took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - begun);
  return reply;
}

}  // namespace section::test
