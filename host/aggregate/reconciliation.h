// Compares every figure the section file holds as printed with the cell computed from the
// components, and lists the differences as the `reconciliation` table (where, printed,
// computed, difference). A printed figure is compared at the precision it is printed with:
// 19 762.9 matches any amount that rounds to it; a difference is computed minus printed.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "host/aggregate/section_input.h"
#include "section/v1/table.pb.h"

namespace section::aggregate {

struct Reconciliation {
  section::v1::Table table;
  int differences = 0;   // printed figures that differ from the computed ones
  int compared = 0;      // printed figures compared
  int not_compared = 0;  // printed figures that concern components not serving
};

Reconciliation reconcile(const SectionInput& input, const std::map<std::string, section::v1::Table>& tables);

}  // namespace section::aggregate
