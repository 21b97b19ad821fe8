// A request and a response as the routes see them, apart from Boost.Beast: the listener
// (listener.cc) fills a Request from Beast's parser and writes a Response with Beast, so that
// the routes are plain functions, tested without a socket.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace section::http {

struct Request {
  std::string method;  // "GET", "HEAD", …
  std::string target;  // "/v1/tables/financial-by-object.csv?x=1", as sent
  std::vector<std::string> authorization;  // every Authorization header's value
  std::string accept;
  std::string accept_language;  // every Accept-Language header's value, joined with commas
  std::string if_none_match;
  std::string peer;  // "127.0.0.1:53412", for the log
};

struct Response {
  int status = 200;
  std::string content_type;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // besides Content-Type and Content-Length
};

}  // namespace section::http
