// One version's answers to the unary queries, serialized once (docs/performance.md): answering
// is a lookup and a reference-counted copy of the bytes, with nothing built per request. Tables,
// the section and the unfiltered lists are serialized when the version is published; a filtered
// list the first time it is asked for, then kept with the version.
#pragma once

#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <unordered_map>

#include <grpcpp/grpcpp.h>

#include "host/registry/registry.h"
#include "host/transport/language_answers.h"
#include "section/v1/section_service.pb.h"

namespace section::transport {

// The bytes of an answer, or the status that refuses it.
struct SerializedAnswer {
  grpc::Status status;
  grpc::ByteBuffer bytes;
};

class SerializedAnswers {
 public:
  explicit SerializedAnswers(registry::ViewPtr view);

  const registry::ViewPtr& view() const { return view_; }
  const grpc::ByteBuffer& section() const { return section_; }
  const grpc::ByteBuffer& tables() const { return tables_; }
  // The WatchEvent of this version: every Watch stream writes these same bytes.
  const grpc::ByteBuffer& watch_event() const { return watch_event_; }
  SerializedAnswer table(const section::v1::GetTableRequest& request) const;
  SerializedAnswer measures(const section::v1::ListMeasuresRequest& request) const;
  SerializedAnswer deliverables(const section::v1::ListDeliverablesRequest& request) const;

  // The languages this version has texts in (lower case, English included), found on first use.
  const std::set<std::string>& languages() const;
  // The language the section's source is printed in (SectionInfo.source_language, lower case),
  // or empty.
  const std::string& source_language() const;
  // This version's answers in `language` (one of languages(), not English), rendered on first
  // use and kept with the version (docs/architecture.md, decision 24).
  std::shared_ptr<const LocalizedAnswers> in(const std::string& language) const;

 private:
  registry::ViewPtr view_;
  grpc::ByteBuffer section_;
  grpc::ByteBuffer tables_;
  grpc::ByteBuffer watch_event_;
  std::unordered_map<std::string, grpc::ByteBuffer> table_bytes_;
  // Filtered lists, by "component|year"; written once per key, under the mutex.
  mutable std::mutex lists_mutex_;
  mutable std::unordered_map<std::string, SerializedAnswer> measures_;
  mutable std::unordered_map<std::string, SerializedAnswer> deliverables_;
  mutable std::once_flag languages_once_;
  mutable std::set<std::string> languages_;
  mutable std::string source_language_;  // found with languages_
  mutable std::mutex localized_mutex_;  // held while a language is rendered: once per language
  mutable std::map<std::string, std::shared_ptr<const LocalizedAnswers>> localized_;
};

grpc::ByteBuffer serialize(const google::protobuf::Message& message);
// Parses a request; false when the bytes are not a `message`.
bool parse(const grpc::ByteBuffer& bytes, google::protobuf::Message* message);

}  // namespace section::transport
