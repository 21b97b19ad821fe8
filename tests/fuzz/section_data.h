// The real Section 29F for the fuzz targets, assembled as the host does it but without a server
// or plugins (like tests/section_fixture.h, which needs Catch2).
#pragma once

#include <vector>

#include "host/aggregate/section_view.h"
#include "host/config/section_file.h"
#include "section/v1/model.pb.h"

namespace section::fuzz {

const config::SectionFile& section_file();
// The five components as their data files give them, in the fascicle's order.
const std::vector<section::v1::Component>& components();
// The view with `serving` served; every other one of the five is configured but disabled.
aggregate::SectionView view_of(std::vector<section::v1::Component> serving);

}  // namespace section::fuzz
