// The HTTP listener: Boost.Beast over Boost.Asio, on an io_context of its own with one or two
// threads, apart from gRPC's. It reads each request with Beast's parser (headers capped: 431),
// gives a slow client `request_timeout` to send a request, and again to read the answer (then
// the connection is closed), keeps connections alive between requests, and hands every request
// to a handler (routes.h); a handler that throws loses its connection, not the listener. With a
// TLS context it speaks HTTPS only: the TLS handshake counts in its first request's time, a
// plain-HTTP request is answered 400 and closed, and a client that leaves without close_notify
// is let go without an answer.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include <absl/status/statusor.h>

#include "host/http/message.h"

namespace boost::asio::ssl {
class context;
}

namespace section::http {

struct ListenerOptions {
  std::string address;  // "127.0.0.1:8080", "[::1]:8080", "localhost:0"; port 0 picks a free one
  int threads = 2;
  std::chrono::milliseconds request_timeout{10000};
  std::size_t max_header_bytes = 8 * 1024;
  std::shared_ptr<boost::asio::ssl::context> tls;  // null: plain HTTP (tls_context.h)
};

class Listener {
 public:
  using Handler = std::function<Response(const Request&)>;

  // Binds and starts accepting; UNAVAILABLE when the address cannot be bound. `handler` runs
  // on the listener's threads and must outlive the listener.
  static absl::StatusOr<std::unique_ptr<Listener>> start(const ListenerOptions& options, Handler handler);
  ~Listener();
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;

  // The address bound, with the port chosen when the configuration said 0.
  const std::string& address() const { return address_; }
  // Stops accepting, closes every connection and joins the threads. Idempotent.
  void stop();

  struct Impl;

 private:
  explicit Listener(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;  // null once stopped
  std::string address_;
};

}  // namespace section::http
