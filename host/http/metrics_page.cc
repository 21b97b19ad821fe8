#include "host/http/metrics_page.h"

#include "host/metrics/process_metrics.h"
#include "host/metrics/section_metrics.h"

namespace section::http {

std::string metrics_text(const MetricsSources& sources) {
  metrics::Exposition out;
  if (sources.grpc != nullptr) sources.grpc->write(out);
  metrics::write_process_metrics(out);
  const auto answers = sources.answers ? sources.answers() : nullptr;
  metrics::write_section_metrics(out, answers ? answers->view().get() : nullptr, sources.store_writable);
  if (sources.counters != nullptr) sources.counters->write(out);
  return out.text();
}

}  // namespace section::http
