#include "host/core/log.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>

namespace section::log {
namespace {

std::atomic<int> min_level{static_cast<int>(Level::kInfo)};
std::mutex write_mutex;

const char* name(Level level) {
  switch (level) {
    case Level::kDebug: return "DEBUG";
    case Level::kInfo: return "INFO";
    case Level::kWarning: return "WARN";
    case Level::kError: return "ERROR";
  }
  return "INFO";
}

}  // namespace

void set_min_level(Level level) { min_level = static_cast<int>(level); }

void write(Level level, const std::string& source, const std::string& message) {
  if (static_cast<int>(level) < min_level) return;
  const auto now = std::chrono::system_clock::now();
  const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  const auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &utc);
  std::lock_guard<std::mutex> lock(write_mutex);
  std::fprintf(stderr, "%s.%03dZ %-5s [%s] %s\n", stamp, static_cast<int>(millis), name(level), source.c_str(), message.c_str());
  std::fflush(stderr);
}

}  // namespace section::log
