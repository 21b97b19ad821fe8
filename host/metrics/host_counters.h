// The host's own counters that no version holds: reload outcomes, Watch streams open, reports
// accepted and refused. Atomics, incremented where the event happens (app::Reloader,
// transport::SectionService, transport::ReportService) without a lock, read by /metrics.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>

#include <absl/status/status.h>

#include "host/metrics/exposition.h"

namespace section::metrics {

struct HostCounters {
  static constexpr int kCodes = 17;

  std::atomic<std::uint64_t> reloads_ok{0};
  std::atomic<std::uint64_t> reloads_refused{0};
  std::atomic<std::int64_t> watch_streams_open{0};
  std::atomic<std::uint64_t> reports_accepted{0};
  std::array<std::atomic<std::uint64_t>, kCodes> reports_refused{};  // by canonical code

  void reload(const absl::Status& outcome);
  void report(const absl::Status& outcome);
  // section_reloads_total, section_watch_streams_open, section_reports_accepted_total and
  // section_reports_refused_total.
  void write(Exposition& out) const;
};

}  // namespace section::metrics
