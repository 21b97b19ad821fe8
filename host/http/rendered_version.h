// One version's answers as the HTTP listener sends them, rendered once per version from the
// gRPC server's answers (transport::SerializedAnswers): the list of tables and every table as
// JSON and CSV when the version is first asked for over HTTP; a filtered list of measures or
// deliverables the first time it is asked for, then kept with the version (errors not kept).
// The JSON and CSV are section-ctl's (cli/table_format.h), so both clients agree. In a language
// other than English (docs/api.md, "Languages") the version is rendered again from the gRPC
// server's answers in that language, the first time HTTP asks for it, and kept with the version.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include <absl/status/statusor.h>

#include "host/transport/serialized_answers.h"

namespace section::http {

// A new id for this start of the host: 16 hex digits from the system's random source.
std::string new_instance_id();
// The ETag of everything answered from `version` by the start `instance`: "\"v12-<instance>\"",
// "\"v12-<instance>-zh\"" in a `language` other than English, and ".csv" before the closing
// quote for a table's CSV (a language tag has no dot). Versions restart at 1 with each start;
// the instance keeps a v1 of one start from matching the v1 of another (docs/api.md, "Versions
// and caching").
std::string etag_of(std::uint64_t version, const std::string& instance, const std::string& language = "", bool csv = false);

class RenderedVersion {
 public:
  // The English rendering.
  explicit RenderedVersion(std::shared_ptr<const transport::SerializedAnswers> answers);

  // This version in `language`, one of answers()->languages() other than English: rendered on
  // first use and kept with this (English) one.
  std::shared_ptr<const RenderedVersion> in(const std::string& language) const;

  const transport::SerializedAnswers* answers() const { return answers_.get(); }
  std::uint64_t version() const { return answers_->view()->version; }
  // ListTables as JSON; INTERNAL when the answer in this language could not be read back.
  const absl::StatusOr<std::string>& tables_json() const { return tables_json_; }
  // The table `id` as JSON or CSV; NOT_FOUND with gRPC's GetTable message.
  absl::StatusOr<std::string> table(const std::string& id, bool csv) const;
  // ListMeasures and ListDeliverables as JSON (protobuf's JSON, as `section-ctl measures
  // --format json` prints it); the gRPC call's error otherwise.
  absl::StatusOr<std::string> measures(const std::string& component, int year) const;
  absl::StatusOr<std::string> deliverables(const std::string& component, int year) const;

 private:
  struct Forms {
    std::string json;
    std::string csv;
  };
  RenderedVersion(std::shared_ptr<const transport::SerializedAnswers> answers,
                  std::shared_ptr<const transport::LocalizedAnswers> localized);
  // The gRPC server's answer in this rendering's language.
  transport::SerializedAnswer table_answer(const std::string& id) const;
  transport::SerializedAnswer measures_answer(const section::v1::ListMeasuresRequest& request) const;
  transport::SerializedAnswer deliverables_answer(const section::v1::ListDeliverablesRequest& request) const;

  std::shared_ptr<const transport::SerializedAnswers> answers_;
  std::shared_ptr<const transport::LocalizedAnswers> localized_;  // null for English
  absl::StatusOr<std::string> tables_json_;
  std::map<std::string, Forms> tables_;
  mutable std::mutex lists_mutex_;  // guards the two caches below
  mutable std::map<std::string, std::string> measures_;
  mutable std::map<std::string, std::string> deliverables_;
  mutable std::mutex languages_mutex_;  // held while a language is rendered: once per language
  mutable std::map<std::string, std::shared_ptr<const RenderedVersion>> languages_;
};

}  // namespace section::http
