// One version's answers in a language other than English (docs/architecture.md, decision 24):
// the English answers' messages parsed, localized (query::localize) and serialized once, on the
// first request in that language, then kept with the version like the English ones.
#pragma once

#include <map>
#include <mutex>
#include <set>
#include <string>
#include <unordered_map>

#include <grpcpp/grpcpp.h>

#include "host/registry/versions.h"
#include "section/v1/section_service.pb.h"

namespace section::transport {

struct SerializedAnswer;

class LocalizedAnswers {
 public:
  // `source_language`: the section's (SectionInfo.source_language), for texts with no English.
  LocalizedAnswers(registry::ViewPtr view, std::string language, std::string source_language);

  const std::string& language() const { return language_; }
  const grpc::ByteBuffer& section() const { return section_; }
  const grpc::ByteBuffer& tables() const { return tables_; }
  const grpc::ByteBuffer& watch_event() const { return watch_event_; }
  SerializedAnswer table(const section::v1::GetTableRequest& request) const;
  SerializedAnswer measures(const section::v1::ListMeasuresRequest& request) const;
  SerializedAnswer deliverables(const section::v1::ListDeliverablesRequest& request) const;
  // The bytes rendered so far (docs/performance.md, "Languages").
  std::size_t bytes() const;

 private:
  registry::ViewPtr view_;
  std::string language_;
  std::string source_language_;
  grpc::ByteBuffer section_;
  grpc::ByteBuffer tables_;
  grpc::ByteBuffer watch_event_;
  std::unordered_map<std::string, grpc::ByteBuffer> table_bytes_;
  mutable std::mutex lists_mutex_;
  mutable std::unordered_map<std::string, grpc::ByteBuffer> measures_;
  mutable std::unordered_map<std::string, grpc::ByteBuffer> deliverables_;
};

// The WatchEvent of `view` in `language`, rendered alone: for a stream ahead of the cached answers.
grpc::ByteBuffer localized_watch_event(const query::PublishedView& view, const std::string& language,
                                       const std::string& source_language);

// The languages `view` has texts in (lower case, English included), and the one its source is
// printed in (its section's SectionInfo.source_language; empty when the section file is silent).
std::set<std::string> languages_of(const query::PublishedView& view, std::string* source_language);

}  // namespace section::transport
