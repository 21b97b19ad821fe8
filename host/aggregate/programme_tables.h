// The fascicle's programme tables — deliverables, performance measures, compliance — and the
// explanation of changes, computed from the serving components. Pure functions.
#pragma once

#include <string>
#include <vector>

#include "host/aggregate/section_input.h"
#include "section/v1/table.pb.h"

namespace section::aggregate {

// Deliverables by category and subcategory, with subtotals for quantified subcategories.
section::v1::Table deliverables_table(std::string id, std::string title,
                                      const google::protobuf::RepeatedPtrField<section::v1::Deliverable>& deliverables);
// "A.parliamentary_documentation": the row key of a subcategory (its words before any "(").
std::string subcategory_key(const section::v1::Deliverable& deliverable);

section::v1::Table measures_table(const section::v1::Component& component);
section::v1::Table compliance_table(const SectionInput& input);   // 29F.18
section::v1::Table variances_table(const SectionInput& input);    // 29F.101

// The marker of the n-th item (from 0) of a lettered list such as the explanation of changes:
// "a" … "z", then "aa", "ab" …, as spreadsheet columns are named, so that any number of
// components gets a marker of plain letters.
std::string list_letter(std::size_t index);

}  // namespace section::aggregate
