#include "host/metrics/host_counters.h"

#include "host/metrics/grpc_metrics.h"

namespace section::metrics {

void HostCounters::reload(const absl::Status& outcome) {
  (outcome.ok() ? reloads_ok : reloads_refused).fetch_add(1, std::memory_order_relaxed);
}

void HostCounters::report(const absl::Status& outcome) {
  if (outcome.ok()) {
    reports_accepted.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  const int code = static_cast<int>(outcome.code());
  reports_refused[code >= 0 && code < kCodes ? code : 2].fetch_add(1, std::memory_order_relaxed);
}

void HostCounters::write(Exposition& out) const {
  out.family("section_reloads_total", "counter", "Reloads (SIGHUP or AdminService.Reload) by outcome: ok or refused.");
  out.sample("section_reloads_total", {{"outcome", "ok"}}, static_cast<double>(reloads_ok.load(std::memory_order_relaxed)));
  out.sample("section_reloads_total", {{"outcome", "refused"}},
             static_cast<double>(reloads_refused.load(std::memory_order_relaxed)));
  out.family("section_watch_streams_open", "gauge", "Watch streams open now.");
  out.sample("section_watch_streams_open", {}, static_cast<double>(watch_streams_open.load(std::memory_order_relaxed)));
  out.family("section_reports_accepted_total", "counter", "Reported figures stored and served (ReportService.ReportValue).");
  out.sample("section_reports_accepted_total", {}, static_cast<double>(reports_accepted.load(std::memory_order_relaxed)));
  out.family("section_reports_refused_total", "counter", "Reported figures refused, by the canonical code of the refusal.");
  for (int code = 1; code < kCodes; ++code) {
    const std::uint64_t count = reports_refused[code].load(std::memory_order_relaxed);
    if (count > 0) out.sample("section_reports_refused_total", {{"code", code_name(code)}}, static_cast<double>(count));
  }
}

}  // namespace section::metrics
