// Section 29F assembled without a server: the five data files read with the SDK reader, the
// section file, and the pure aggregation — what the host computes, minus gRPC and plugins.
#pragma once

#include <string>
#include <vector>

#include "host/aggregate/section_view.h"
#include "host/config/section_file.h"

namespace section::test {

const std::vector<std::string>& all_components();
const config::SectionFile& section_file();
section::v1::Component component(const std::string& id);

// The view with `serving` components; the others of the five are disabled.
aggregate::SectionView view_of(const std::vector<std::string>& serving = all_components());
// The view of exactly these components (for modified ones).
aggregate::SectionView view_of_components(std::vector<section::v1::Component> components,
                                          const config::SectionFile& section = section_file());

const section::v1::Table& table(const aggregate::SectionView& view, const std::string& id);
const section::v1::Row* find_row(const section::v1::Table& table, const std::string& key);
// An integer cell; fails the test when it is absent or not an integer.
std::int64_t integer(const aggregate::SectionView& view, const std::string& table, const std::string& row,
                     const std::string& column);
// A percentage cell in tenths; nullopt when it is null.
std::optional<std::int64_t> tenths(const aggregate::SectionView& view, const std::string& table, const std::string& row,
                                   const std::string& column);

}  // namespace section::test
