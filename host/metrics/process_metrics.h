// The standard process metrics, read from /proc/self when /metrics is asked for:
// process_cpu_seconds_total, process_resident_memory_bytes, process_virtual_memory_bytes,
// process_start_time_seconds, process_open_fds and process_max_fds.
#pragma once

#include "host/metrics/exposition.h"

namespace section::metrics {

void write_process_metrics(Exposition& out);

}  // namespace section::metrics
