#include "host/core/log.h"

#include <atomic>
#include <cstdio>
#include <ctime>
#include <mutex>

#include <nlohmann/json.hpp>

namespace section::log {
namespace {

std::atomic<int> min_level{static_cast<int>(Level::kInfo)};
std::atomic<Format> format{Format::kText};
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

const char* json_name(Level level) {
  switch (level) {
    case Level::kDebug: return "debug";
    case Level::kInfo: return "info";
    case Level::kWarning: return "warning";
    case Level::kError: return "error";
  }
  return "info";
}

// The seconds as "2026-11-29T07:48:35" and the milliseconds.
struct Stamp {
  char seconds[32];
  int millis;
};

Stamp stamp_of(std::chrono::system_clock::time_point time) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(time);
  const auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch()).count() % 1000;
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  Stamp stamp{};
  std::strftime(stamp.seconds, sizeof stamp.seconds, "%Y-%m-%dT%H:%M:%S", &utc);
  stamp.millis = static_cast<int>(millis);
  return stamp;
}

}  // namespace

void set_min_level(Level level) { min_level = static_cast<int>(level); }
void set_format(Format chosen) { format = chosen; }

std::string timestamp(std::chrono::system_clock::time_point time) {
  const Stamp stamp = stamp_of(time);
  char text[48];
  std::snprintf(text, sizeof text, "%s.%03dZ", stamp.seconds, stamp.millis);
  return text;
}

std::string json_line(std::chrono::system_clock::time_point time, Level level, const std::string& source,
                      const std::string& message) {
  nlohmann::ordered_json line;
  line["time"] = timestamp(time);
  line["level"] = json_name(level);
  line["component"] = source;
  line["message"] = message;
  // Not ASCII-only: valid UTF-8 stays as written. `replace` never throws: a plugin's message
  // that is not UTF-8 gets U+FFFD for each bad byte, where the default would throw.
  return line.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

void write(Level level, const std::string& source, const std::string& message) {
  if (static_cast<int>(level) < min_level) return;
  const auto now = std::chrono::system_clock::now();
  if (format == Format::kJson) {
    const std::string line = json_line(now, level, source, message);
    std::lock_guard<std::mutex> lock(write_mutex);
    std::fwrite(line.data(), 1, line.size(), stderr);
    std::fflush(stderr);
    return;
  }
  const Stamp stamp = stamp_of(now);
  std::lock_guard<std::mutex> lock(write_mutex);
  std::fprintf(stderr, "%s.%03dZ %-5s [%s] %s\n", stamp.seconds, stamp.millis, name(level), source.c_str(), message.c_str());
  std::fflush(stderr);
}

}  // namespace section::log
