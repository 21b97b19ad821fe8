// One line per event on standard error: time, level, source, message. Thread-safe.
//
// Two formats (docs/operations.md, "Logs"): text for people,
//   2026-11-29T07:48:35.506Z INFO  [host] serving section 29F on 127.0.0.1:50051: …
// and, with --log-format json, one JSON object per line for log collectors:
//   {"time":"2026-11-29T07:48:35.506Z","level":"info","component":"host","message":"serving …"}
#pragma once

#include <chrono>
#include <string>

namespace section::log {

enum class Level { kDebug = 0, kInfo = 1, kWarning = 2, kError = 3 };
enum class Format { kText, kJson };

void set_min_level(Level level);
void set_format(Format format);
void write(Level level, const std::string& source, const std::string& message);

// The JSON line (with its newline) write() prints in Format::kJson: `time` as RFC 3339 in UTC
// with milliseconds, `level` (debug, info, warning, error), `component` (the source: "host",
// "plugin <id>", "protobuf") and `message`, in this order. Quotes, backslashes and control
// characters are escaped; valid UTF-8 is kept as it is; a byte that is not UTF-8 becomes U+FFFD.
std::string json_line(std::chrono::system_clock::time_point time, Level level, const std::string& source,
                      const std::string& message);
// `time` as both formats print it: 2026-11-29T07:48:35.506Z.
std::string timestamp(std::chrono::system_clock::time_point time);

inline void debug(const std::string& message) { write(Level::kDebug, "host", message); }
inline void info(const std::string& message) { write(Level::kInfo, "host", message); }
inline void warning(const std::string& message) { write(Level::kWarning, "host", message); }
inline void error(const std::string& message) { write(Level::kError, "host", message); }

}  // namespace section::log
