#include "host/reports/candidate_bytes.h"

#include "host/query/wire_format.h"

namespace section::reports {
namespace {

using google::protobuf::RepeatedPtrField;
using section::v1::Component;

// One entry of a repeated message field, as it appears in its parent's bytes.
std::string entry_bytes(int field, const google::protobuf::MessageLite& entry) {
  std::string bytes;
  query::wire::put_message(bytes, field, entry);
  return bytes;
}

template <typename Entry>
std::vector<std::string> entries_bytes(int field, const RepeatedPtrField<Entry>& entries) {
  std::vector<std::string> bytes;
  bytes.reserve(static_cast<std::size_t>(entries.size()));
  for (const Entry& entry : entries) bytes.push_back(entry_bytes(field, entry));
  return bytes;
}

template <typename Value>
bool reported(const Value& value) {
  return !value.reported_by().empty() || value.has_reported_at();
}

bool has_reported(const section::v1::PerformanceMeasure& measure) {
  for (const auto& value : measure.values()) {
    if (reported(value)) return true;
  }
  return false;
}

bool has_reported(const section::v1::Result& result) {
  for (const auto& measure : result.measures()) {
    if (has_reported(measure)) return true;
  }
  return false;
}

bool has_reported(const section::v1::Deliverable& deliverable) {
  for (const auto& count : deliverable.counts()) {
    if (reported(count)) return true;
  }
  return false;
}

// Appends each entry of `now`: the kept bytes when it holds no reported value, else written anew.
template <typename Entry>
void append_entries(std::string& out, int field, const RepeatedPtrField<Entry>& now, const std::vector<std::string>& kept) {
  for (int i = 0; i < now.size(); ++i) {
    const auto index = static_cast<std::size_t>(i);
    if (index < kept.size() && !has_reported(now.Get(i))) {
      out += kept[index];
    } else {
      out += entry_bytes(field, now.Get(i));
    }
  }
}

}  // namespace

CandidateBytes::CandidateBytes(const Component& published)
    : results_(entries_bytes(Component::kResultsFieldNumber, published.results())),
      deliverables_(entries_bytes(Component::kDeliverablesFieldNumber, published.deliverables())),
      compliance_(entries_bytes(Component::kComplianceFieldNumber, published.compliance())) {
  Component rest = published;
  rest.clear_results();
  rest.clear_deliverables();
  rest.clear_compliance();
  rest_ = rest.SerializeAsString();
}

std::string CandidateBytes::of(const Component& candidate) const {
  // Fields may come in any order, and a repeated field's entries keep theirs: the rest first,
  // then each repeated field's entries in order, parse as the whole message.
  std::string out = rest_;
  append_entries(out, Component::kResultsFieldNumber, candidate.results(), results_);
  append_entries(out, Component::kDeliverablesFieldNumber, candidate.deliverables(), deliverables_);
  append_entries(out, Component::kComplianceFieldNumber, candidate.compliance(), compliance_);
  return out;
}

}  // namespace section::reports
