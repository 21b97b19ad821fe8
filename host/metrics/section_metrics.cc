#include "host/metrics/section_metrics.h"

#include <utility>

namespace section::metrics {
namespace {

constexpr std::pair<section::v1::ComponentState, const char*> kStates[] = {
    {section::v1::SERVING, "serving"}, {section::v1::STALE, "stale"}, {section::v1::FAILED, "failed"}, {section::v1::DISABLED, "disabled"}};

void write_components(Exposition& out, const query::PublishedView& view) {
  out.family("section_component_state", "gauge",
             "1 for the state each component is in (serving, stale, failed, disabled), 0 for the others.");
  for (const auto& status : view.section.component_status()) {
    for (const auto& [state, name] : kStates) {
      out.sample("section_component_state", {{"component", status.id()}, {"state", name}}, status.state() == state ? 1 : 0);
    }
  }
  out.family("section_component_restarts_total", "counter", "How often the host restarted each component's plugin process.");
  for (const auto& status : view.section.component_status()) {
    out.sample("section_component_restarts_total", {{"component", status.id()}}, status.restarts());
  }
}

}  // namespace

void write_section_metrics(Exposition& out, const query::PublishedView* view, bool store_writable) {
  if (view != nullptr) {
    out.family("section_version", "gauge", "The version of the section being served (numbered from 1 in each process).");
    out.sample("section_version", {}, static_cast<double>(view->version));
    write_components(out, *view);
    out.family("section_reconciliation_differences", "gauge", "Printed figures that differ from the computed ones.");
    out.sample("section_reconciliation_differences", {}, view->reconciliation_differences);
  }
  out.family("section_store_writable", "gauge", "1 when reported figures can be stored, 0 when the store is read-only or absent.");
  out.sample("section_store_writable", {}, store_writable ? 1 : 0);
}

}  // namespace section::metrics
