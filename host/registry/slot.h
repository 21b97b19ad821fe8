// One configured plugin as the registry holds it: its source, the latest good component it
// published (serialized, shared with the versions that serve it), its status for clients, and
// what supervision needs to restart it.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "host/config/host_config.h"
#include "host/loading/component_source.h"
#include "host/query/published_view.h"
#include "section/v1/section_service.pb.h"

namespace section::registry {

using Clock = std::chrono::steady_clock;

struct Slot {
  config::PluginConfig config;
  loading::SourcePtr source;
  std::uint64_t generation = 0;  // bumped per source, so that a stale callback is ignored
  section::v1::ComponentStatus status;
  query::StoredPtr component;  // the latest good one, serialized; shared with the versions serving it
  // Supervision of plugins in a process of their own (isolation: process, endpoint).
  std::deque<Clock::time_point> failures;  // within the crash-loop window
  int consecutive_failures = 0;
  std::optional<Clock::time_point> restart_at;
  std::optional<Clock::time_point> serving_since;  // since when it serves without failing
  std::string library_stamp;                       // the library file when it was started

  // A served component: SERVING, or STALE (its last good snapshot).
  bool served() const {
    return component && (status.state() == section::v1::SERVING || status.state() == section::v1::STALE);
  }
};

using Slots = std::vector<std::unique_ptr<Slot>>;

}  // namespace section::registry
