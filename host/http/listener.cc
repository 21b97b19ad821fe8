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

#include "host/core/log.h"

namespace section::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace ssl = boost::asio::ssl;
using tcp = asio::ip::tcp;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

struct Listener::Impl {
  ListenerOptions options;
  Handler handler;
  asio::io_context context;
  tcp::acceptor acceptor{context};
  asio::steady_timer retry{context};
  std::vector<std::thread> threads;
  std::string address;

  void accept();
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

// One connection: read a request, answer it, and again while the client keeps it alive. Over
// TLS (Stream = TlsStream) the handshake comes first, under the same timeout as a request.
template <typename Stream>
class Session : public std::enable_shared_from_this<Session<Stream>> {
 public:
  static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;

  // `buffer` holds what was read from the connection already (the start of a TLS handshake).
  Session(Stream stream, const Listener::Impl& listener, beast::flat_buffer buffer)
      : stream_(std::move(stream)), listener_(listener), peer_(peer_of(lowest().socket())), buffer_(std::move(buffer)) {}

  void start() {
    if constexpr (kTls) {
      lowest().expires_after(listener_.options.request_timeout);
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
    // The whole request within the timeout: a client that trickles bytes is cut off as well.
    lowest().expires_after(listener_.options.request_timeout);
    bhttp::async_read(stream_, buffer_, *parser_,
                      [self = this->shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
  }

  void on_read(beast::error_code ec) {
    if (ec == bhttp::error::end_of_stream || ec == beast::error::timeout || ec == asio::error::operation_aborted) return close();
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
    Response response;
    response.status = status;
    response.content_type = "application/json";
    response.body = "{\"code\": \"INVALID_ARGUMENT\", \"message\": \"" + why + "\"}\n";
    write(message_of(std::move(response), 11, false, false));
  }

  void write(bhttp::response<bhttp::string_body> message) {
    response_ = std::move(message);
    lowest().expires_after(listener_.options.request_timeout);
    bhttp::async_write(stream_, response_, [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec || !self->response_.keep_alive()) return self->close();
      self->read();
    });
  }

  void close() {
    if constexpr (kTls) {
      // close_notify, under the timeout: a client that never answers it is not waited for.
      lowest().expires_after(listener_.options.request_timeout);
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
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  bhttp::response<bhttp::string_body> response_;
};

// On an HTTPS listener, the first bytes of a connection say whether it is TLS: a TLS session for
// a handshake, and for anything else a plain session that answers 400 and closes.
class Detector : public std::enable_shared_from_this<Detector> {
 public:
  Detector(tcp::socket socket, const Listener::Impl& listener) : stream_(std::move(socket)), listener_(listener) {}

  void run() {
    stream_.expires_after(listener_.options.request_timeout);
    beast::async_detect_ssl(stream_, buffer_, [self = shared_from_this()](beast::error_code ec, bool tls) {
      if (ec) return self->stream_.close();
      if (tls) {
        std::make_shared<Session<TlsStream>>(TlsStream(std::move(self->stream_), *self->listener_.options.tls), self->listener_,
                                             std::move(self->buffer_))
            ->start();
      } else {
        std::make_shared<Session<beast::tcp_stream>>(std::move(self->stream_), self->listener_, std::move(self->buffer_))->start();
      }
    });
  }

 private:
  beast::tcp_stream stream_;
  const Listener::Impl& listener_;
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
      std::make_shared<Session<beast::tcp_stream>>(beast::tcp_stream(std::move(socket)), *this, beast::flat_buffer())->start();
    }
    accept();
  });
}

namespace {

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
  for (int i = 0; i < std::max(1, options.threads); ++i) impl->threads.emplace_back([context = &impl->context] { context->run(); });
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
