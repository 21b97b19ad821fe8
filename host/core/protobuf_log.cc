#include "host/core/protobuf_log.h"

#include <chrono>
#include <mutex>
#include <string>

#include <google/protobuf/stubs/logging.h>

#include "host/core/log.h"

namespace section::log {
namespace {

Level level_of(google::protobuf::LogLevel level) {
  switch (level) {
    case google::protobuf::LOGLEVEL_INFO: return Level::kInfo;
    case google::protobuf::LOGLEVEL_WARNING: return Level::kWarning;
    default: return Level::kError;
  }
}

// Keeps at most kProtobufBurst lines per window and counts the rest.
class RateLimit {
 public:
  // Whether to write a line now; `suppressed` is how many were left out since the last one.
  bool allow(int* suppressed) {
    std::lock_guard<std::mutex> lock(mutex_);
    const auto now = std::chrono::steady_clock::now();
    if (now - window_start_ >= std::chrono::seconds(kProtobufWindowSeconds)) {
      window_start_ = now;
      written_ = 0;
    }
    if (written_ >= kProtobufBurst) {
      ++suppressed_;
      return false;
    }
    ++written_;
    *suppressed = suppressed_;
    suppressed_ = 0;
    return true;
  }

 private:
  std::mutex mutex_;
  std::chrono::steady_clock::time_point window_start_{};
  int written_ = 0;
  int suppressed_ = 0;
};

RateLimit& rate_limit() {
  static RateLimit limit;
  return limit;
}

void handle(google::protobuf::LogLevel level, const char*, int, const std::string& message) {
  int suppressed = 0;
  if (!rate_limit().allow(&suppressed)) return;
  // protobuf's messages may hold the client's bytes: cut to one bounded line.
  std::string line = message.substr(0, 300);
  for (char& c : line) {
    if (static_cast<unsigned char>(c) < 0x20) c = ' ';
  }
  if (suppressed > 0) line += " (" + std::to_string(suppressed) + " more protobuf lines left out before this one)";
  write(level_of(level), "protobuf", line);
}

}  // namespace

void route_protobuf_log() {
  google::protobuf::SetLogHandler(&handle);
}

}  // namespace section::log
