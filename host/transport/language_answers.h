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
  LocalizedAnswers(registry::ViewPtr view, std::string language);

  const std::string& language() const { return language_; }
  const grpc::ByteBuffer& section() const { return section_; }
  const grpc::ByteBuffer& tables() const { return tables_; }
  const grpc::ByteBuffer& watch_event() const { return watch_event_; }
  SerializedAnswer table(const section::v1::GetTableRequest& request) const;
  SerializedAnswer measures(const section::v1::ListMeasuresRequest& request) const;
  SerializedAnswer deliverables(const section::v1::ListDeliverablesRequest& request) const;
  // GetStatus in this language: the section's title and the components' titles.
  void localize(section::v1::HostStatus& status) const;
  // The bytes rendered so far (docs/performance.md, "Languages").
  std::size_t bytes() const;

 private:
  registry::ViewPtr view_;
  std::string language_;
  section::v1::SectionInfo info_;
  std::map<std::string, std::string> titles_;  // component id → title in this language
  // "component|result id" → the result's title in this language (MeasureEntry.result_title).
  std::map<std::string, std::string> result_titles_;
  void retitle(section::v1::ListMeasuresResponse& measures) const;
  grpc::ByteBuffer section_;
  grpc::ByteBuffer tables_;
  grpc::ByteBuffer watch_event_;
  std::unordered_map<std::string, grpc::ByteBuffer> table_bytes_;
  mutable std::mutex lists_mutex_;
  mutable std::unordered_map<std::string, grpc::ByteBuffer> measures_;
  mutable std::unordered_map<std::string, grpc::ByteBuffer> deliverables_;
};

// The languages `view` has texts in (lower case, English included).
std::set<std::string> languages_of(const query::PublishedView& view);

}  // namespace section::transport
