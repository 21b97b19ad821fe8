// Readers for the parts of a component data file, shared with the host's section file reader
// (which describes the section's own text, deliverables and mandates the same way).
// Every function throws section::yaml::Error naming the file, line and field.
#pragma once

#include <vector>

#include "section/sdk/yaml.h"
#include "section/v1/model.pb.h"

namespace section::sdk::read {

section::v1::Provenance provenance(const yaml::Map& map);
// {heading?, text, source?, illustrative?, note?}
section::v1::Text text(const yaml::Value& value);
std::vector<section::v1::Text> texts(const yaml::Value& value);
section::v1::Deliverable deliverable(const yaml::Value& value);
section::v1::Mandate mandate(const yaml::Value& value);
section::v1::PerformanceMeasure measure(const yaml::Value& value);
// "47", "-3", "1.5": a plain decimal number.
section::v1::Decimal decimal(const yaml::Value& value);

}  // namespace section::sdk::read
