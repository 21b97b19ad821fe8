// A report's candidate serialized for its plugin's check, from the published component's bytes.
// The candidate is the published component with reported values laid in (reports/figures.h);
// serializing all of it for every report was most of a check's cost on the host's side
// (protobuf checks the UTF-8 of every string it writes, and a component is mostly text). A
// reported value lies in one entry of `results`, `compliance` or `deliverables`: the
// component's other fields, and every entry without a reported value, are written once per
// published component and reused. Pure: no gRPC, no I/O.
#pragma once

#include <string>
#include <vector>

#include "section/v1/model.pb.h"

namespace section::reports {

class CandidateBytes {
 public:
  explicit CandidateBytes(const section::v1::Component& published);

  // `candidate` serialized: it parses as `candidate`. `candidate` must be the published
  // component with values laid in by reports::apply(), which marks each value it sets as
  // reported; the entries holding such a value are written anew, the others are the published
  // component's bytes.
  std::string of(const section::v1::Component& candidate) const;

 private:
  std::string rest_;  // every field but results, deliverables and compliance
  std::vector<std::string> results_;  // each entry with its field key and length
  std::vector<std::string> deliverables_;
  std::vector<std::string> compliance_;
};

}  // namespace section::reports
