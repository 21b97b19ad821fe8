#include "host/registry/supervisor.h"

#include <algorithm>
#include <cstdio>
#include <random>
#include <system_error>

#include "host/core/clock.h"

namespace section::registry {
namespace {

namespace fs = std::filesystem;

// How long a restarted plugin must serve before its next failure counts as a first one again.
constexpr std::chrono::seconds kStableAfter{10};

std::string seconds_text(std::chrono::milliseconds delay) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f s", static_cast<double>(delay.count()) / 1000.0);
  return text;
}

// Exponential backoff with jitter: a delay drawn from [d/2, d], d = initial × 2^(n-1) ≤ max.
std::chrono::milliseconds backoff(const config::SupervisionConfig& supervision, int failures) {
  static thread_local std::mt19937_64 random{std::random_device{}()};
  double delay = static_cast<double>(supervision.backoff_initial.count());
  for (int i = 1; i < failures && delay < static_cast<double>(supervision.backoff_max.count()); ++i) delay *= 2;
  delay = std::min(delay, static_cast<double>(supervision.backoff_max.count()));
  std::uniform_real_distribution<double> jitter(0.5, 1.0);
  return std::chrono::milliseconds(static_cast<std::int64_t>(delay * jitter(random)));
}

}  // namespace

std::string Supervisor::library_stamp(const fs::path& path) {
  std::error_code ec;
  const auto modified = fs::last_write_time(path, ec);
  if (ec) return {};
  const auto size = fs::file_size(path, ec);
  return std::to_string(modified.time_since_epoch().count()) + "/" + std::to_string(ec ? 0 : size);
}

std::string Supervisor::record_failure(Slot& slot, const std::string& reason, Clock::time_point now) const {
  // A plugin that ran a good while before failing starts its backoff afresh; one that fails
  // soon after each restart backs off further each time.
  if (slot.serving_since && now - *slot.serving_since > kStableAfter) slot.consecutive_failures = 0;
  slot.serving_since.reset();
  slot.failures.push_back(now);
  while (!slot.failures.empty() && now - slot.failures.front() > config_.crash_loop_window) slot.failures.pop_front();
  ++slot.consecutive_failures;
  if (slot.component) {
    slot.status.set_state(section::v1::STALE);
    if (!slot.status.has_stale_since()) *slot.status.mutable_stale_since() = now_timestamp();
  } else {
    slot.status.set_state(section::v1::FAILED);
  }
  std::string text = reason;
  if (static_cast<int>(slot.failures.size()) >= config_.crash_loop_failures) {
    slot.restart_at.reset();
    slot.status.set_crash_looping(true);
    text += "; crash-looping: " + std::to_string(slot.failures.size()) + " failures within " +
            seconds_text(config_.crash_loop_window) +
            ", so the host stopped restarting it (fix the plugin, then reload the configuration)";
  } else {
    const auto delay = backoff(config_, slot.consecutive_failures);
    slot.restart_at = now + delay;
    text += "; restarting in " + seconds_text(delay) + " (failure " + std::to_string(slot.failures.size()) + " of " +
            std::to_string(config_.crash_loop_failures) + " allowed within " + seconds_text(config_.crash_loop_window) + ")";
  }
  slot.status.set_reason(text);
  return text;
}

std::optional<Clock::time_point> Supervisor::next_restart(const Slots& slots) {
  std::optional<Clock::time_point> next;
  for (const auto& slot : slots) {
    if (slot->restart_at && (!next || *slot->restart_at < *next)) next = slot->restart_at;
  }
  return next;
}

// A failed, stale or crash-looping plugin is started afresh ("fix the plugin, then reload"), and
// so is a process-isolated one whose library file changed (an in-process library cannot be
// reloaded at the same path: the loader returns the copy already loaded).
bool Supervisor::keepable(const Slot& slot) {
  const auto state = slot.status.state();
  if (state != section::v1::SERVING && state != section::v1::DISABLED) return false;
  if (state == section::v1::SERVING && slot.config.isolation == config::Isolation::kProcess &&
      library_stamp(slot.config.library_path) != slot.library_stamp) {
    return false;
  }
  return true;
}

}  // namespace section::registry
