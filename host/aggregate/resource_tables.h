// The fascicle's resource tables (29F.12–29F.17 and 29F.19–29F.23), computed from the serving
// components. Pure functions: no I/O, no gRPC (docs/architecture.md, decision 2).
#pragma once

#include "host/aggregate/section_input.h"
#include "section/v1/table.pb.h"

namespace section::aggregate {

section::v1::Table financial_by_object(const SectionInput& input);        // 29F.12
section::v1::Table post_changes(const SectionInput& input);               // 29F.13
section::v1::Table posts_by_grade(const SectionInput& input);             // 29F.14
section::v1::Table financial_by_component_rb(const SectionInput& input);  // 29F.15 (1)
section::v1::Table financial_by_component_xb(const SectionInput& input);  // 29F.15 (2)
section::v1::Table posts_by_component_rb(const SectionInput& input);      // 29F.16 (1)
section::v1::Table posts_by_component_xb(const SectionInput& input);      // 29F.16 (2)
section::v1::Table evolution(const SectionInput& input);                  // 29F.17
section::v1::Table component_evolution(const SectionInput& input, const section::v1::Component& component);

// "1 D-2, 1 D-1, 4 P-5, …": the grade breakdown Table 29F.13 prints; "—" when empty.
std::string grade_breakdown(const std::vector<std::pair<std::string, std::int64_t>>& counts_by_grade_label);

}  // namespace section::aggregate
