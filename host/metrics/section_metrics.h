// The section's own metrics, read from the version being served when /metrics is asked for:
// section_version, section_component_state (one series per component and state, 1 for the
// component's state, 0 for the others), section_component_restarts_total,
// section_reconciliation_differences and section_store_writable.
#pragma once

#include "host/metrics/exposition.h"
#include "host/query/published_view.h"

namespace section::metrics {

// `view` is null before version 1: only section_store_writable is written then.
void write_section_metrics(Exposition& out, const query::PublishedView* view, bool store_writable);

}  // namespace section::metrics
