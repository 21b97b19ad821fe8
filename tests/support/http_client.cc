#include "http_client.h"

#include <algorithm>
#include <cctype>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

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

}  // namespace

HttpReply http_request(const std::string& address, const std::string& target, const Headers& headers, const std::string& method) {
  asio::io_context context;
  beast::tcp_stream stream(context);
  HttpReply reply;
  if (!connect(context, stream, address)) return reply;
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
