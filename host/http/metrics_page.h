// GET /metrics: every family in the Prometheus text format, gathered when asked for: the gRPC
// server's (metrics::GrpcMetrics), the process's (/proc/self), the section's (from the version
// served) and the host's own counters.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "host/metrics/grpc_metrics.h"
#include "host/metrics/host_counters.h"
#include "host/transport/serialized_answers.h"

namespace section::http {

struct MetricsSources {
  const metrics::GrpcMetrics* grpc = nullptr;      // may be null
  const metrics::HostCounters* counters = nullptr;  // may be null
  std::function<std::shared_ptr<const transport::SerializedAnswers>()> answers;
  bool store_writable = false;
};

// The text of /metrics now.
std::string metrics_text(const MetricsSources& sources);

// The Content-Type of the text format.
inline constexpr const char* kMetricsContentType = "text/plain; version=0.0.4; charset=utf-8";

}  // namespace section::http
