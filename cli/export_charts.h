// The charts of the HTML export, built from what the host served: each performance measure's
// year series, and the resources by component.
#pragma once

#include <optional>

#include "cli/section_export.h"
#include "cli/svg_chart.h"

namespace section::cli {

// Bars by year, one series per kind of value (planned, actual, target, interim) that has a
// figure; none when the measure has no figure at all (it is stated in words, or not at all).
std::optional<svg::BarChart> measure_chart(const section::v1::PerformanceMeasure& measure);

// Horizontal bars of each component's budget-year estimate, regular budget and extrabudgetary,
// from Tables 29F.15 (1) and (2); none when neither table has a component row.
std::optional<svg::BarChart> resources_chart(const SectionExport& data);

}  // namespace section::cli
