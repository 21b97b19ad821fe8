// Everything the host serves for one version of the section, built once when the version is
// published: the section with its components, and every table, as messages. The host keeps
// only its serialized form (query::PublishedView); tests and --check read it as built.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "host/aggregate/section_input.h"
#include <google/protobuf/timestamp.pb.h>

#include "section/v1/section_service.pb.h"
#include "section/v1/table.pb.h"

namespace section::aggregate {

struct SectionView {
  std::uint64_t version = 0;
  section::v1::Section section;
  // Table ids in the order clients list them.
  std::vector<section::v1::TableInfo> table_index;
  std::map<std::string, section::v1::Table> tables;
  int reconciliation_differences = 0;
  // When and why this version was published (set by the registry).
  google::protobuf::Timestamp published_at;
  std::string reason;
};

// Aggregates the serving components into every table, reconciles the printed figures and adds
// to every table the notes that say which components are missing and why.
SectionView build_view(SectionInput input);

}  // namespace section::aggregate
