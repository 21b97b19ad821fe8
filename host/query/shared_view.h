// A version built from the served components' shares (query/component_share.h): only the
// section's own tables, the reconciliation and what each version adds are built, and the first
// two only when what they read changed (SectionTablesMemo); each component's tables and list
// entries are its share's bytes, shared, not copied. Serves the same
// tables and lists as aggregate::build_view() and serialize_view() of the same components.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
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

// What a version's section tables and reconciliation were built from, and what they came to,
// finished but for the version. A reported figure changes a component's measures or
// deliverables, which neither reads (they read the components' digests, and the tables that the
// printed figures name): the next version with the same inputs takes them as they are.
struct SectionTablesMemo {
  const config::SectionFile* section = nullptr;
  std::vector<std::string> statuses;  // serialized, in the input's order
  std::vector<std::string> report_notes;
  std::vector<SharePtr> shares;       // in the input's order
  std::vector<std::size_t> order;     // the input's components in the fascicle's order
  std::vector<std::string> notes;     // the availability notes
  struct Built {
    std::vector<std::pair<std::string, std::string>> tables;  // id and bytes: the section's, then the reconciliation
    std::vector<section::v1::TableInfo> section_infos;        // the section's tables' index entries, in their order
    section::v1::TableInfo reconciliation_info;
    int differences = 0;
  };
  std::shared_ptr<const Built> built;
  // The section's text serialized (GetSection's head): the same for every version of one section file.
  std::shared_ptr<const std::string> section_head;
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
  // The last version's memo, when there is one: its section tables are reused when the inputs match.
  std::shared_ptr<const SectionTablesMemo> previous;
};

PublishedView build_shared_view(SharedInput input);

}  // namespace section::query
