#include "host/aggregate/section_input.h"

#include <algorithm>
#include <functional>
#include <tuple>

#include <google/protobuf/util/time_util.h>

namespace section::aggregate {

using google::protobuf::util::TimeUtil;

bool SectionInput::composition_as_printed() const {
  if (components.size() != section->components.size()) return false;
  for (const auto& component : components) {
    if (std::find(section->components.begin(), section->components.end(), component.id()) == section->components.end()) {
      return false;
    }
  }
  return true;
}

std::vector<std::string> SectionInput::availability_notes() const {
  std::vector<std::string> notes;
  for (const auto& status : statuses) {
    if (status.state() == section::v1::DISABLED) {
      notes.push_back("Component '" + status.id() + "' is disabled in the configuration and left out of every table and total.");
    } else if (status.state() == section::v1::FAILED) {
      notes.push_back("Component '" + status.id() + "' is unavailable and left out of every table and total: " + status.reason());
    } else if (status.state() == section::v1::STALE) {
      const auto age = TimeUtil::DurationToSeconds(published_at - status.published_at());
      notes.push_back("Component '" + status.id() + "' is STALE: its figures are its last good snapshot, published at " +
                      TimeUtil::ToString(status.published_at()) + " (" + std::to_string(age) +
                      " s before this version), because " + status.reason());
    }
  }
  if (!composition_as_printed()) {
    notes.push_back("The serving components differ from those the fascicle's totals cover, so totals differ from the printed ones and are not reconciled with them.");
  }
  notes.insert(notes.end(), report_notes.begin(), report_notes.end());
  return notes;
}

bool component_before(const section::v1::Component& a, const section::v1::Component& b) {
  const auto key = [](const section::v1::Component& c) {
    const int kind = c.kind() == section::v1::EXECUTIVE_DIRECTION_AND_MANAGEMENT ? 0 : c.kind() == section::v1::SUBPROGRAMME ? 1 : 2;
    return std::make_tuple(kind, c.subprogramme(), std::cref(c.id()));
  };
  return key(a) < key(b);
}

void order_components(std::vector<section::v1::Component>& components) {
  std::stable_sort(components.begin(), components.end(), component_before);
}

std::string component_label(const section::v1::Component& component) {
  if (component.kind() == section::v1::EXECUTIVE_DIRECTION_AND_MANAGEMENT) return "A. " + component.title();
  if (component.kind() == section::v1::SUBPROGRAMME) return std::to_string(component.subprogramme()) + ". " + component.title();
  return component.title();
}

}  // namespace section::aggregate
