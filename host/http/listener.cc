#include "host/http/listener.h"

#include <optional>
#include <thread>
#include <vector>

#include <type_traits>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/core/detect_ssl.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "host/core/log.h"

namespace section::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace ssl = boost::asio::ssl;
using tcp = asio::ip::tcp;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;
using Deadline = asio::steady_timer::time_point;

struct Listener::Impl {
  ListenerOptions options;
  Handler handler;
  asio::io_context context;
  tcp::acceptor acceptor{context};
  asio::steady_timer retry{context};
  std::vector<std::thread> threads;
  std::string address;

  void accept();
  Deadline deadline() const { return asio::steady_timer::clock_type::now() + options.request_timeout; }
};

namespace {

constexpr std::size_t kMaxBodyBytes = 64 * 1024;  // GET and HEAD carry none; a body is read and ignored

Request request_of(const bhttp::request<bhttp::string_body>& message, const std::string& peer) {
  Request request;
  request.method = std::string(message.method_string());
  request.target = std::string(message.target());
  for (auto [it, end] = message.equal_range(bhttp::field::authorization); it != end; ++it) {
    request.authorization.emplace_back(it->value());
  }
  request.accept = std::string(message[bhttp::field::accept]);
  for (auto [it, end] = message.equal_range(bhttp::field::accept_language); it != end; ++it) {
    if (!request.accept_language.empty()) request.accept_language += ",";
    request.accept_language.append(it->value().data(), it->value().size());
  }
  request.if_none_match = std::string(message[bhttp::field::if_none_match]);
  request.peer = peer;
  return request;
}

// Beast's message for `response`; a HEAD's carries the length of the body it leaves out.
bhttp::response<bhttp::string_body> message_of(Response response, unsigned version, bool keep_alive, bool head) {
  bhttp::response<bhttp::string_body> message{static_cast<bhttp::status>(response.status), version};
  message.set(bhttp::field::server, "section-host");
  if (!response.content_type.empty()) message.set(bhttp::field::content_type, response.content_type);
  for (const auto& [name, value] : response.headers) message.set(name, value);
  message.keep_alive(keep_alive);
  if (response.status == 304) return message;
  if (head) {
    message.content_length(response.body.size());
  } else {
    message.body() = std::move(response.body);
    message.prepare_payload();
  }
  return message;
}

std::string peer_of(const tcp::socket& socket) {
  beast::error_code ec;
  const auto remote = socket.remote_endpoint(ec);
  return ec ? "unknown" : remote.address().to_string() + ":" + std::to_string(remote.port());
}

// A client that is gone: its connection reset, or over TLS closed without close_notify (Asio's
// stream_truncated, or OpenSSL 3's own reason when Asio passes it through).
bool gone(const beast::error_code& ec) {
  if (ec == asio::error::connection_reset || ec == asio::error::broken_pipe || ec == ssl::error::stream_truncated) return true;
  return ec.category() == asio::error::get_ssl_category() && ERR_GET_REASON(static_cast<unsigned long>(ec.value())) == SSL_R_UNEXPECTED_EOF_WHILE_READING;
}

// One connection: read a request, answer it, and again while the client keeps it alive. The
// request timeout covers everything the client sends for one request (over TLS, from the first
// byte of the handshake, through beast::async_detect_ssl, to the last byte of the request) and,
// afresh, the answer's writing and the closing: a connection is held at most twice the timeout
// per request.
template <typename Stream>
class Session : public std::enable_shared_from_this<Session<Stream>> {
 public:
  static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;

  // `buffer` holds what was read from the connection already (the start of a TLS handshake);
  // `deadline` is the first request's, set when the connection was accepted.
  Session(Stream stream, const Listener::Impl& listener, beast::flat_buffer buffer, Deadline deadline)
      : stream_(std::move(stream)), listener_(listener), peer_(peer_of(lowest().socket())), buffer_(std::move(buffer)),
        deadline_(deadline) {}

  void start() {
    if constexpr (kTls) {
      lowest().expires_at(deadline_);
      stream_.async_handshake(ssl::stream_base::server, buffer_.data(),
                              [self = this->shared_from_this()](beast::error_code ec, std::size_t used) {
                                if (ec) return self->handshake_failed(ec);
                                self->buffer_.consume(used);
                                self->read();
                              });
    } else {
      read();
    }
  }

 private:
  beast::tcp_stream& lowest() { return beast::get_lowest_layer(stream_); }

  // A client without a valid certificate where one is required, a plain-HTTP or broken client,
  // or one that never finishes: the connection is closed, and the listener serves on.
  void handshake_failed(beast::error_code ec) {
    if (ec != beast::error::timeout) log::debug("http: TLS handshake with " + peer_ + " failed: " + ec.message());
    lowest().close();
  }

  void read() {
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(listener_.options.max_header_bytes));
    parser_->body_limit(kMaxBodyBytes);
    // The whole request by its deadline: a client that trickles bytes is cut off as well.
    lowest().expires_at(deadline_);
    bhttp::async_read(stream_, buffer_, *parser_,
                      [self = this->shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
  }

  void on_read(beast::error_code ec) {
    if (ec == bhttp::error::end_of_stream || ec == beast::error::timeout || ec == asio::error::operation_aborted) return close();
    // The client left between requests, or vanished in the middle of one: no one to answer.
    if (ec && (!parser_->got_some() || gone(ec))) return lowest().close();
    if (ec == bhttp::error::header_limit) return refuse(431, "the request's headers are over " + std::to_string(listener_.options.max_header_bytes) + " bytes");
    if (ec == bhttp::error::body_limit) return refuse(413, "a request body is not expected");
    if (ec) return refuse(400, "the request cannot be read: " + ec.message());
    // A plain-HTTP request on a listener that speaks HTTPS: told so in its own language.
    if (!kTls && listener_.options.tls) return refuse(400, "this address speaks HTTPS only: use https://");
    const auto& message = parser_->get();
    const bool head = message.method() == bhttp::verb::head;
    write(message_of(listener_.handler(request_of(message, peer_)), message.version(), message.keep_alive(), head));
  }

  void refuse(int status, const std::string& why) {
    log::debug("http: " + std::to_string(status) + " to " + peer_ + ": " + why);
    Response response;
    response.status = status;
    response.content_type = "application/json";
    response.body = "{\"code\": \"INVALID_ARGUMENT\", \"message\": \"" + why + "\"}\n";
    write(message_of(std::move(response), 11, false, false));
  }

  void write(bhttp::response<bhttp::string_body> message) {
    response_ = std::move(message);
    lowest().expires_after(listener_.options.request_timeout);  // the answer's writing, and closing after it
    bhttp::async_write(stream_, response_, [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec || !self->response_.keep_alive()) return self->close();
      self->deadline_ = self->listener_.deadline();  // the next request's, from now
      self->read();
    });
  }

  void close() {
    if constexpr (kTls) {
      // close_notify, by the deadline already set: a client that never answers it is not waited for.
      stream_.async_shutdown([self = this->shared_from_this()](beast::error_code) { self->lowest().close(); });
    } else {
      beast::error_code ignored;
      stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
      stream_.close();
    }
  }

  Stream stream_;
  const Listener::Impl& listener_;
  std::string peer_;
  beast::flat_buffer buffer_;
  Deadline deadline_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  bhttp::response<bhttp::string_body> response_;
};

// On an HTTPS listener, the first bytes of a connection say whether it is TLS: a TLS session for
// a handshake, and for anything else a plain session that answers 400 and closes.
class Detector : public std::enable_shared_from_this<Detector> {
 public:
  Detector(tcp::socket socket, const Listener::Impl& listener)
      : stream_(std::move(socket)), listener_(listener), deadline_(listener.deadline()) {}

  void run() {
    stream_.expires_at(deadline_);
    beast::async_detect_ssl(stream_, buffer_, [self = shared_from_this()](beast::error_code ec, bool tls) {
      if (ec) return self->stream_.close();
      if (tls) {
        std::make_shared<Session<TlsStream>>(TlsStream(std::move(self->stream_), *self->listener_.options.tls), self->listener_,
                                             std::move(self->buffer_), self->deadline_)
            ->start();
      } else {
        std::make_shared<Session<beast::tcp_stream>>(std::move(self->stream_), self->listener_, std::move(self->buffer_),
                                                     self->deadline_)
            ->start();
      }
    });
  }

 private:
  beast::tcp_stream stream_;
  const Listener::Impl& listener_;
  const Deadline deadline_;  // the first request's, the handshake included
  beast::flat_buffer buffer_;
};

}  // namespace

void Listener::Impl::accept() {
  acceptor.async_accept(asio::make_strand(context), [this](beast::error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted || !acceptor.is_open()) return;
    if (ec) {
      // Out of descriptors, say: try again shortly rather than spin.
      log::warning("http: cannot accept a connection: " + ec.message());
      retry.expires_after(std::chrono::milliseconds(100));
      retry.async_wait([this](beast::error_code waited) {
        if (!waited) accept();
      });
      return;
    }
    if (options.tls) {
      std::make_shared<Detector>(std::move(socket), *this)->run();
    } else {
      std::make_shared<Session<beast::tcp_stream>>(beast::tcp_stream(std::move(socket)), *this, beast::flat_buffer(), deadline())
          ->start();
    }
    accept();
  });
}

namespace {

// A handler that throws (a route's bug, OpenSSL out of memory in a TLS stream's constructor)
// ends the connection it served, not the host: the exception leaves run(), is logged, and the
// thread runs again until the listener stops.
void run_until_stopped(asio::io_context& context) {
  for (;;) {
    try {
      context.run();
      return;
    } catch (const std::exception& error) {
      log::error(std::string("http: a connection ended on an error: ") + error.what());
    } catch (...) {
      log::error("http: a connection ended on an unknown error");
    }
  }
}

// "host:port" or "[v6]:port" as an endpoint to bind; a name is resolved.
absl::StatusOr<tcp::endpoint> endpoint_of(asio::io_context& context, const std::string& address) {
  const auto colon = address.rfind(':');
  std::string host = address.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  tcp::resolver resolver(context);
  beast::error_code ec;
  const auto found = resolver.resolve(host, address.substr(colon + 1), tcp::resolver::passive | tcp::resolver::numeric_service, ec);
  if (ec || found.empty()) return absl::UnavailableError("http_listen: cannot resolve " + address + ": " + ec.message());
  return found.begin()->endpoint();
}

absl::Status bind(tcp::acceptor& acceptor, const tcp::endpoint& endpoint) {
  beast::error_code ec;
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (!ec) return absl::OkStatus();
  return absl::UnavailableError("http_listen: cannot listen on " + endpoint.address().to_string() + ":" +
                                std::to_string(endpoint.port()) + ": " + ec.message() + " (is the port free?)");
}

}  // namespace

absl::StatusOr<std::unique_ptr<Listener>> Listener::start(const ListenerOptions& options, Handler handler) {
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  impl->handler = std::move(handler);
  auto endpoint = endpoint_of(impl->context, options.address);
  if (!endpoint.ok()) return endpoint.status();
  if (absl::Status bound = bind(impl->acceptor, *endpoint); !bound.ok()) return bound;
  const tcp::endpoint local = impl->acceptor.local_endpoint();
  const std::string host = local.address().is_v6() ? "[" + local.address().to_string() + "]" : local.address().to_string();
  impl->address = host + ":" + std::to_string(local.port());
  impl->accept();
  for (int i = 0; i < std::max(1, options.threads); ++i) impl->threads.emplace_back([context = &impl->context] { run_until_stopped(*context); });
  return std::unique_ptr<Listener>(new Listener(std::move(impl)));
}

Listener::Listener(std::unique_ptr<Impl> impl) : impl_(std::move(impl)), address_(impl_->address) {}

Listener::~Listener() { stop(); }

void Listener::stop() {
  if (!impl_) return;
  impl_->context.stop();
  for (auto& thread : impl_->threads) thread.join();
  beast::error_code ignored;
  impl_->acceptor.close(ignored);
  // Destroying the io_context destroys every pending operation, and with them the sessions and
  // their connections.
  impl_.reset();
}

}  // namespace section::http
