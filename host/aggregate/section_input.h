// What aggregation works from: the section file, the status of every configured plugin and the
// components that are serving, in the fascicle's order.
#pragma once

#include <string>
#include <vector>

#include "host/config/section_file.h"
#include <google/protobuf/timestamp.pb.h>

#include "section/v1/section_service.pb.h"

namespace section::aggregate {

struct SectionInput {
  const config::SectionFile* section = nullptr;
  // Every configured plugin, serving or not, in configuration order.
  std::vector<section::v1::ComponentStatus> statuses;
  // The components served (serving, or stale: the last good snapshot), ordered by
  // order_components().
  std::vector<section::v1::Component> components;
  std::uint64_t version = 0;
  // When this version is published, so that notes can give a stale snapshot's age.
  google::protobuf::Timestamp published_at;

  // Reported figures that could not be laid over the components (host/reports), for the notes
  // of every table.
  std::vector<std::string> report_notes;

  int budget_year() const { return section->info.budget_year(); }
  // True when the serving components are exactly the ones the printed totals cover.
  bool composition_as_printed() const;
  // One note per configured component that is not serving, for every table's notes.
  std::vector<std::string> availability_notes() const;
};

// Executive direction and management first, then subprogrammes by number, then by id.
void order_components(std::vector<section::v1::Component>& components);
// Whether `a` comes before `b` in that order.
bool component_before(const section::v1::Component& a, const section::v1::Component& b);

// "A. Executive direction and management", "1. Programme planning, finance and budget".
std::string component_label(const section::v1::Component& component);

}  // namespace section::aggregate
