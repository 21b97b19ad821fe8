// One line per event on standard error: time, level, source, message. Thread-safe.
#pragma once

#include <string>

namespace section::log {

enum class Level { kDebug = 0, kInfo = 1, kWarning = 2, kError = 3 };

void set_min_level(Level level);
void write(Level level, const std::string& source, const std::string& message);

inline void info(const std::string& message) { write(Level::kInfo, "host", message); }
inline void warning(const std::string& message) { write(Level::kWarning, "host", message); }
inline void error(const std::string& message) { write(Level::kError, "host", message); }

}  // namespace section::log
