// A version built from the served components' shares (query/component_share.h): only the
// section's own tables, the reconciliation and what each version adds are built; each
// component's tables and list entries are its share's bytes, shared, not copied. Serves the same
// tables and lists as aggregate::build_view() and serialize_view() of the same components.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <google/protobuf/timestamp.pb.h>

#include "host/config/section_file.h"
#include "host/query/component_share.h"
#include "host/query/published_view.h"

namespace section::query {

// A served component as kept, with its share built from it (for the same section file).
struct SharedComponent {
  StoredPtr stored;
  SharePtr share;
};

struct SharedInput {
  const config::SectionFile* section = nullptr;
  // Every configured plugin, serving or not, in configuration order.
  std::vector<section::v1::ComponentStatus> statuses;
  // The served components, in any order.
  std::vector<SharedComponent> components;
  std::uint64_t version = 0;
  google::protobuf::Timestamp published_at;
  std::string reason;
  // Reported figures that could not be laid over the components, for every table's notes.
  std::vector<std::string> report_notes;
};

PublishedView build_shared_view(SharedInput input);

}  // namespace section::query
