// Where start-up spends its time, measured in place, for the host's "ready in" line:
// "configuration 0.8 ms, plugins 13.3 ms, …" (bench/report.py reads it back).
#pragma once

#include <chrono>
#include <cstdio>
#include <string>

namespace section::app {

inline std::string format_ms(double ms) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f", ms);
  return text;
}

class StartupPhases {
 public:
  using Clock = std::chrono::steady_clock;
  explicit StartupPhases(Clock::time_point begun) : begun_(begun), last_(begun) {}

  // A phase measured elsewhere. Names hold no ", ": it separates the phases.
  void add(const std::string& name, double ms) { text_ += (text_.empty() ? "" : ", ") + name + " " + format_ms(ms) + " ms"; }
  // The phase that ends now, since the last one ended (or restart() was called).
  void end(const std::string& name) {
    const auto now = Clock::now();
    add(name, std::chrono::duration<double, std::milli>(now - last_).count());
    last_ = now;
  }
  // The next end() measures from now.
  void restart() { last_ = Clock::now(); }
  double total_ms() const { return std::chrono::duration<double, std::milli>(Clock::now() - begun_).count(); }
  const std::string& text() const { return text_; }

 private:
  Clock::time_point begun_;
  Clock::time_point last_;
  std::string text_;
};

}  // namespace section::app
